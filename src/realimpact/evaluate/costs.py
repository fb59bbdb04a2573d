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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from realimpact.evaluate._unit_costs import (
    ACTIVITY_CATEGORIES,
    CostTable,
    UnitCost,
    load_unit_costs,
)
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
            f"  operation cost {_gbp(self.operation_cost)[:-3]}; crime costs avoided "
            f"{_gbp(self.benefit)[:-3]}",
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
