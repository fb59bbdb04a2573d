"""Value for money: unit costs of crime, operation costs and the benefit-cost ratio.

"For every £1 spent, £X of crime costs avoided (95% interval A-B)": crimes avoided (from an
evaluation's effect estimate and its interval) are priced with unit costs of crime and set
against what the operation cost (staff hours x rate + other costs). The interval is
propagated by simulation from the effect's interval, seeded.

The shipped unit costs are meant to be those of Heeks et al. (2018), *The economic and
social costs of crime* (Home Office Research Report 99, Table 1 p.15, 2015/16 prices); the
publication was not available to the project, so every value carries a ``status``
(``verified`` / ``secondary`` / ``unverified`` / ``missing``) and results say which
costs used are not verified. Users can supply their own table (CSV) and their own price
index (e.g. HM Treasury GDP deflators) for uprating.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from realimpact.exceptions import ConfigError, Problem

__all__ = [
    "ACTIVITY_CATEGORIES",
    "AvoidedCrimes",
    "CostTable",
    "OperationCost",
    "UnitCost",
    "ValueForMoney",
    "load_unit_costs",
    "value_for_money",
]

#: Offences found by police activity: outputs of enforcement, never costed as harm avoided.
ACTIVITY_CATEGORIES: frozenset[str] = frozenset({"Drugs", "Possession of weapons"})
STATUSES = ("verified", "secondary", "unverified", "missing", "user")
_REQUIRED = ("category", "cost_gbp")
_OPTIONAL = ("offence", "price_year", "status", "source", "note")


@dataclass(frozen=True)
class UnitCost:
    """Cost of one crime of a police.uk category, with where the number came from."""

    category: str
    cost_gbp: float | None
    price_year: str
    status: str
    offence: str = ""
    source: str = ""
    note: str = ""

    @property
    def verified(self) -> bool:
        return self.status in ("verified", "user")


@dataclass(frozen=True)
class CostTable:
    """Unit costs of crime by police.uk category (see ``unit_costs/PROVENANCE.md``)."""

    name: str
    entries: tuple[UnitCost, ...]
    citation: str = ""

    def get(self, category: str) -> UnitCost | None:
        for e in self.entries:
            if e.category.casefold() == category.casefold():
                return e
        return None

    def uprated(self, to_year: str, index: Mapping[str, float]) -> CostTable:
        """Costs moved to ``to_year`` prices with a price index (year -> index value).

        Method: ``cost x index[to_year] / index[price_year]``. The index is user-supplied
        (e.g. the HM Treasury GDP deflator, financial years such as ``"2015/16"``).
        """
        problems = [
            Problem(f"price index has no value for {y!r}", f"Add {y!r} to the index.", entry=y)
            for y in sorted({to_year, *(e.price_year for e in self.entries)})
            if y not in index
        ]
        if problems:
            raise ConfigError("cannot uprate unit costs", problems)
        out = []
        for e in self.entries:
            cost = None if e.cost_gbp is None else e.cost_gbp * index[to_year] / index[e.price_year]
            out.append(replace(e, cost_gbp=cost, price_year=to_year))
        return replace(self, entries=tuple(out), name=f"{self.name} uprated to {to_year}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "citation": self.citation,
            "entries": [e.__dict__ for e in self.entries],
        }

    def summary(self) -> str:
        lines = [f"Unit costs: {self.name}", f"  {self.citation}"]
        for e in self.entries:
            cost = "—" if e.cost_gbp is None else f"£{e.cost_gbp:,.0f}"
            lines.append(f"  {e.category:<30} {cost:>10} {e.price_year} [{e.status}]")
        return "\n".join(lines)


_HEEKS = (
    "Heeks, Reed, Tafsiri & Prince (2018) The economic and social costs of crime, 2nd ed., "
    "Home Office Research Report 99, Table 1 p.15 (2015/16 prices) -- target source; values "
    "shipped are secondary or unverified (see status)"
)


def load_unit_costs(path: str | Path | None = None) -> CostTable:
    """Load a unit-cost table: the shipped one (``path=None``) or a user's CSV.

    Parameters
    ----------
    path
        CSV with columns ``category`` (police.uk category) and ``cost_gbp``, and optionally
        ``offence``, ``price_year`` (default ``"2015/16"``), ``status`` (default ``"user"``),
        ``source``, ``note``. Empty ``cost_gbp`` means missing.

    Raises
    ------
    ConfigError
        Listing every problem with its row, column and fix.
    """
    if path is None:
        ref = resources.files("realimpact.evaluate") / "unit_costs" / "heeks2018.csv"
        text, name, citation = ref.read_text(encoding="utf-8"), "heeks2018 (shipped)", _HEEKS
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(
                "unit-cost table not found",
                [Problem(f"{p} does not exist", "Give the path of a CSV file.", file=str(p))],
            )
        text, name, citation = p.read_text(encoding="utf-8-sig"), p.name, f"user table {p}"
    entries = _parse_costs(
        text, name if path is not None else "heeks2018.csv", user=path is not None
    )
    return CostTable(name=name, entries=entries, citation=citation)


def _parse_costs(text: str, file: str, *, user: bool) -> tuple[UnitCost, ...]:
    reader = csv.DictReader(text.splitlines())
    cols = [c.strip() for c in reader.fieldnames or []]
    problems = [
        Problem(
            f"column {c!r} is missing",
            f"Add a {c!r} column (found: {', '.join(cols)}).",
            file=file,
            row=1,
            column=c,
        )
        for c in _REQUIRED
        if c not in cols
    ]
    if problems:
        raise ConfigError(f"{file}: unit-cost table is not usable", problems)
    out: list[UnitCost] = []
    seen: set[str] = set()
    for i, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        entry = _parse_row(row, file, i, user, seen, problems)
        if entry is not None:
            out.append(entry)
    if problems:
        raise ConfigError(f"{file}: {len(problems)} problem(s) in the unit-cost table", problems)
    return tuple(out)


def _parse_row(
    row: dict[str, str], file: str, i: int, user: bool, seen: set[str], problems: list[Problem]
) -> UnitCost | None:
    cat = row.get("category", "")
    if not cat:
        problems.append(
            Problem("category is empty", "Give a police.uk category.", file, i, "category")
        )
        return None
    if cat.casefold() in seen:
        problems.append(
            Problem(f"{cat!r} appears twice", "Keep one row per category.", file, i, "category")
        )
    seen.add(cat.casefold())
    cost: float | None = None
    if row.get("cost_gbp"):
        try:
            cost = float(row["cost_gbp"].replace(",", "").lstrip("£"))
        except ValueError:
            cost = math.nan
        if not math.isfinite(cost) or cost < 0:
            problems.append(
                Problem(
                    f"cost_gbp {row['cost_gbp']!r} is not a non-negative number",
                    "Write the cost in pounds, e.g. 5930.",
                    file,
                    i,
                    "cost_gbp",
                )
            )
            cost = None
    status = row.get("status") or ("user" if user else "unverified")
    if status not in STATUSES:
        problems.append(
            Problem(
                f"status {status!r} is not one of {', '.join(STATUSES)}",
                "Use one of the listed statuses.",
                file,
                i,
                "status",
            )
        )
    if cost is None:
        status = "missing"
    return UnitCost(
        category=cat,
        cost_gbp=cost,
        price_year=row.get("price_year") or "2015/16",
        status=status,
        offence=row.get("offence", ""),
        source=row.get("source", ""),
        note=row.get("note", ""),
    )


@dataclass(frozen=True)
class OperationCost:
    """What an operation cost: staff hours x hourly rate + other costs (GBP)."""

    staff_hours: float = 0.0
    hourly_rate: float = 0.0
    other_costs: float = 0.0

    def __post_init__(self) -> None:
        bad = [
            Problem(f"{n} is {v!r}; it must be a non-negative number", f"Correct {n}.", column=n)
            for n, v in self.__dict__.items()
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0)
        ]
        if bad:
            raise ConfigError("operation cost is not usable", bad)

    @property
    def total(self) -> float:
        return self.staff_hours * self.hourly_rate + self.other_costs

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "total": self.total}


@dataclass(frozen=True)
class AvoidedCrimes:
    """Crimes avoided over the whole post period: estimate and interval (positive = fewer).

    Build from an evaluation with :meth:`from_effect` (effect per period x periods, sign
    flipped so that a fall in crime is a positive number of crimes avoided).
    """

    estimate: float
    ci_low: float
    ci_high: float
    ci_level: float = 0.95

    @classmethod
    def from_effect(
        cls,
        estimate: float,
        ci_low: float | None,
        ci_high: float | None,
        periods: int,
        ci_level: float = 0.95,
    ) -> AvoidedCrimes:
        low = estimate if ci_high is None else ci_high
        high = estimate if ci_low is None else ci_low
        return cls(-estimate * periods, -low * periods, -high * periods, ci_level)

    @property
    def sd(self) -> float:
        """Normal standard deviation implied by the interval."""
        z = float(stats.norm.ppf(0.5 + self.ci_level / 2))
        return max(self.ci_high - self.ci_low, 0.0) / (2 * z)


def _gbp(x: float) -> str:
    """Pounds with two decimals and a leading minus sign for losses (-£1.50)."""
    return f"£{x:,.2f}" if x >= 0 else f"-£{-x:,.2f}"


@dataclass(frozen=True)
class ValueForMoney:
    """Benefit-cost ratio of an operation, with its interval and the costs' provenance."""

    operation_cost: float
    benefit: float
    bcr: float
    bcr_low: float
    bcr_high: float
    ci_level: float
    benefit_by_category: Mapping[str, float]
    costs_used: Mapping[str, UnitCost]
    not_costed: tuple[str, ...]
    unverified: tuple[str, ...]
    warnings: tuple[str, ...]
    seed: int
    n_draws: int
    params: Mapping[str, Any] = field(default_factory=dict)

    def sentence(self) -> str:
        return (
            f"For every £1 spent, {_gbp(self.bcr)} of crime costs avoided "
            f"({self.ci_level:.0%} interval {_gbp(self.bcr_low)}–{_gbp(self.bcr_high)})."
        )

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "costs_used"}
        out["costs_used"] = {k: v.__dict__ for k, v in self.costs_used.items()}
        out["benefit_by_category"] = dict(self.benefit_by_category)
        out["sentence"] = self.sentence()
        return out

    def summary(self) -> str:
        lines = [
            self.sentence(),
            f"  operation cost £{self.operation_cost:,.0f}; crime costs avoided "
            f"£{self.benefit:,.0f}",
        ]
        if self.unverified:
            lines.append("  NOT VERIFIED unit costs used for: " + ", ".join(self.unverified))
        if self.not_costed:
            lines.append(
                "  not costed (no unit cost or activity offence): " + ", ".join(self.not_costed)
            )
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def value_for_money(
    avoided: Mapping[str, AvoidedCrimes],
    *,
    operation_cost: OperationCost | float,
    unit_costs: CostTable | None = None,
    n_draws: int = 10_000,
    seed: int = 0,
) -> ValueForMoney:
    """Benefit-cost ratio with an interval propagated from the effect estimates.

    Parameters
    ----------
    avoided
        Crimes avoided per police.uk category (positive = fewer crimes), each with its
        interval; see :meth:`AvoidedCrimes.from_effect`.
    operation_cost
        An :class:`OperationCost` or a total in GBP.
    unit_costs
        A :class:`CostTable` (default: the shipped table, whose values are not verified).
    n_draws, seed
        Simulation size and seed (``numpy.random.default_rng(seed)``).

    Returns
    -------
    ValueForMoney
        ``bcr = sum_k(avoided_k x cost_k) / operation cost``; the interval is the central
        ``ci_level`` range of the ratio when each category's avoided crimes are drawn from a
        normal matching its interval (categories independent).

    Notes
    -----
    Assumptions: unit costs are average social costs per crime (Heeks et al. 2018 warn
    they are not marginal costs); activity offences (Drugs, Possession of weapons) and
    categories without a unit cost are left out and listed in ``not_costed``.

    Examples
    --------
    >>> table = CostTable("example", (UnitCost("Burglary", 3000.0, "2015/16", "user"),))
    >>> vfm = value_for_money({"Burglary": AvoidedCrimes(10, 10, 10)},
    ...                       operation_cost=10_000, unit_costs=table)
    >>> vfm.sentence()
    'For every £1 spent, £3.00 of crime costs avoided (95% interval £3.00–£3.00).'
    """
    op = (
        operation_cost
        if isinstance(operation_cost, OperationCost)
        else OperationCost(other_costs=float(operation_cost))
    )
    if op.total <= 0:
        raise ConfigError(
            "value for money",
            [
                Problem(
                    "operation cost is 0",
                    "Give staff hours and a rate, or other costs, above 0.",
                    column="operation_cost",
                )
            ],
        )
    table = unit_costs if unit_costs is not None else load_unit_costs()
    used, skipped = _match_costs(avoided, table)
    rng = np.random.default_rng(seed)
    draws = np.zeros(n_draws)
    point = 0.0
    levels = {a.ci_level for a in avoided.values()} or {0.95}
    for cat, uc in used.items():
        a = avoided[cat]
        cost = float(uc.cost_gbp or 0.0)
        point += a.estimate * cost
        draws += rng.normal(a.estimate, a.sd, n_draws) * cost if a.sd > 0 else a.estimate * cost
    lvl = min(levels)
    lo, hi = np.quantile(draws / op.total, [0.5 - lvl / 2, 0.5 + lvl / 2])
    unverified = tuple(sorted(c for c, u in used.items() if not u.verified))
    warns = _vfm_warnings(used, skipped, unverified, point)
    return ValueForMoney(
        operation_cost=op.total,
        benefit=point,
        bcr=point / op.total,
        bcr_low=float(lo),
        bcr_high=float(hi),
        ci_level=lvl,
        benefit_by_category={
            c: avoided[c].estimate * float(u.cost_gbp or 0) for c, u in used.items()
        },
        costs_used=used,
        not_costed=tuple(sorted(skipped)),
        unverified=unverified,
        warnings=warns,
        seed=seed,
        n_draws=n_draws,
        params={"unit_costs": table.name, "operation": op.to_dict()},
    )


def _match_costs(
    avoided: Mapping[str, AvoidedCrimes], table: CostTable
) -> tuple[dict[str, UnitCost], list[str]]:
    used: dict[str, UnitCost] = {}
    skipped: list[str] = []
    for cat in avoided:
        uc = table.get(cat)
        if cat in ACTIVITY_CATEGORIES or uc is None or uc.cost_gbp is None:
            skipped.append(cat)
        else:
            used[cat] = uc
    return used, skipped


def _vfm_warnings(
    used: Mapping[str, UnitCost], skipped: list[str], unverified: tuple[str, ...], point: float
) -> tuple[str, ...]:
    warns: list[str] = []
    if unverified:
        warns.append(
            "Unit costs for " + ", ".join(unverified) + " are not verified against Heeks et al. "
            "(2018) Table 1; supply your own table before relying on this ratio."
        )
    if not used:
        warns.append("No category had a usable unit cost: the benefit is 0 by construction.")
    if point < 0:
        warns.append(
            "The costed crimes rose relative to the counterfactual (net of any displacement): "
            "the benefit is negative."
        )
    return tuple(warns)
