"""Unit costs of crime by police.uk category, with the status of every value.

The shipped table targets Heeks et al. (2018), *The economic and social costs of crime*,
Home Office Research Report 99, Table 1 p.15 (2015/16 prices); see
``unit_costs/PROVENANCE.md`` for what the values actually come from.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from realimpact.exceptions import ConfigError, Problem

__all__ = [
    "ACTIVITY_CATEGORIES",
    "STATUSES",
    "CostTable",
    "UnitCost",
    "load_unit_costs",
]

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
