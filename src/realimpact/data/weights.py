"""Harm weight tables: one weight per police.uk crime type, for harm-weighted totals.

A harm-weighted total is ``sum(count[type] * weight[type])`` over the *harm* types. Crime
types found by police activity (``Drugs``, ``Possession of weapons``) measure enforcement
effort, not harm to victims, so they are kept out of harm totals by default and reported
as activity, as the Cambridge Crime Harm Index statement recommends (Sherman et al. 2020).
Types the index gives no score (``unscored_types``, e.g. anti-social behaviour in CCHI)
are reported as counts beside the total.

Shipped tables (``list_weight_tables()``):

``cchi``
    Cambridge Crime Harm Index (Sherman, Neyroud & Neyroud 2016; 2026 update), days of
    imprisonment at the sentencing-guideline starting point, mapped to police.uk types; a
    type made of several Home Office subgroups takes their mean weighted by the national
    recorded counts of 2024/25. Mapping in ``docs/weights.md``.
``count``
    Every type weighs 1: plain counts, the trivial table.

The ONS Crime Severity Score is *not* shipped: only second-hand copies of its per-offence
weights were available, without the per-offence counts needed to map them onto police.uk
types (see ``docs/weights.md``). Load your own with :func:`load_weight_table_csv`.

Examples
--------
>>> from realimpact.data.weights import get_weight_table
>>> t = get_weight_table("cchi")
>>> t.weights["Robbery"]
365.0
>>> t.harm_total({"Robbery": 2, "Drugs": 10})
730.0
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from realimpact.exceptions import ConfigError, NotFoundError, Problem

__all__ = [
    "ACTIVITY_TYPES",
    "CRIME_TYPES",
    "WeightTable",
    "get_weight_table",
    "list_weight_tables",
    "load_weight_table_csv",
    "suggest_crime_type",
]

CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
ACTIVITY_TYPES: frozenset[str] = frozenset({"Drugs", "Possession of weapons"})
_TABLES = Path(__file__).resolve().parent / "weight_tables"


@dataclass(frozen=True)
class WeightTable:
    """Weights per police.uk crime type, with their source.

    ``weights`` has all 14 police.uk crime types. ``activity_types`` and
    ``unscored_types`` are left out of :meth:`harm_total` (the first unless asked).
    """

    name: str
    title: str
    unit: str
    citation: str
    weights: Mapping[str, float]
    activity_types: frozenset[str] = ACTIVITY_TYPES
    unscored_types: frozenset[str] = frozenset()
    notes: str = ""
    type_notes: Mapping[str, str] = field(default_factory=dict)

    def harm_weights(self, *, include_activity: bool = False) -> dict[str, float]:
        """The weights that count towards harm totals (others omitted)."""
        skip = self.unscored_types | (frozenset() if include_activity else self.activity_types)
        return {k: v for k, v in self.weights.items() if k not in skip}

    def harm_total(self, counts: Mapping[str, float], *, include_activity: bool = False) -> float:
        """``sum(count * weight)`` over the harm types present in ``counts``."""
        w = self.harm_weights(include_activity=include_activity)
        return float(sum(n * w[k] for k, n in counts.items() if k in w))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "citation": self.citation,
            "weights": dict(self.weights),
            "activity_types": sorted(self.activity_types),
            "unscored_types": sorted(self.unscored_types),
            "notes": self.notes,
            "type_notes": dict(self.type_notes),
        }

    def summary(self) -> str:
        lines = [f"{self.title} ({self.name}; {self.unit})", f"Source: {self.citation}"]
        for k, v in self.weights.items():
            tag = " [activity]" if k in self.activity_types else ""
            tag += " [unscored]" if k in self.unscored_types else ""
            lines.append(f"  {k:<30} {v:>10.4g}{tag}")
        return "\n".join(lines)


_SHIPPED: dict[str, dict[str, Any]] = {
    "cchi": {
        "title": "Cambridge Crime Harm Index (2026 update), mapped to police.uk types",
        "unit": "days of imprisonment",
        "citation": (
            "Sherman, L., Neyroud, P. and Neyroud, E. (2016) The Cambridge Crime Harm Index. "
            "Policing 10(3): 171-183, doi:10.1093/police/paw003; values: CCHI 2026 update, "
            "median per Home Office subgroup (github isthisben/cbl-realcrime @ 5591939d); "
            "counts: Home Office police recorded crime, year ending March 2025"
        ),
        "unscored": frozenset({"Anti-social behaviour"}),
        "notes": (
            "Multi-subgroup types are weighted by national counts 2024/25. ASB has no CCHI "
            "score: weight 0 and left out of harm totals, reported as a count. Medians per "
            "subgroup understate types with rare severe offences (means are higher)."
        ),
    },
    "count": {
        "title": "Counts (every crime type weighs 1)",
        "unit": "offences",
        "citation": "none: unweighted counts",
        "unscored": frozenset(),
        "notes": "The trivial table: harm totals are plain counts of the harm types.",
    },
}


def list_weight_tables() -> list[str]:
    """Names of the shipped weight tables, sorted."""
    return sorted(_SHIPPED)


def get_weight_table(name: str) -> WeightTable:
    """A shipped weight table by name (see :func:`list_weight_tables`).

    Raises :class:`NotFoundError` naming the available tables if ``name`` is not one.
    """
    if name not in _SHIPPED:
        raise NotFoundError(
            f"no weight table {name!r}. Available: {', '.join(list_weight_tables())}; "
            "or load your own CSV with load_weight_table_csv (crime_type,weight)."
        )
    meta = _SHIPPED[name]
    base = load_weight_table_csv(_TABLES / f"{name}.csv", name=name)
    return WeightTable(
        name=name,
        title=str(meta["title"]),
        unit=str(meta["unit"]),
        citation=str(meta["citation"]),
        weights=base.weights,
        unscored_types=frozenset(meta["unscored"]),
        notes=str(meta["notes"]),
        type_notes=base.type_notes,
    )


def suggest_crime_type(value: str) -> str:
    """A fix for an unknown crime type: the closest police.uk type, else the full list."""
    lowered = {t.lower(): t for t in CRIME_TYPES}
    close = difflib.get_close_matches(value.strip().lower(), list(lowered), n=1, cutoff=0.5)
    if close:
        return f"Did you mean {lowered[close[0]]!r}?"
    return f"Use one of the police.uk crime types: {', '.join(CRIME_TYPES)}."


def _parse_row(
    row: dict[str, str], rownum: int, file: str, seen: dict[str, int]
) -> tuple[str | None, float | None, list[Problem]]:
    problems: list[Problem] = []
    ctype = (row.get("crime_type") or "").strip()
    raw = (row.get("weight") or "").strip()
    if ctype not in CRIME_TYPES:
        problems.append(
            Problem(
                f"unknown crime type {ctype!r}.",
                suggest_crime_type(ctype),
                file,
                rownum,
                "crime_type",
            )
        )
        ctype = ""
    elif ctype in seen:
        problems.append(
            Problem(
                f"{ctype!r} is listed twice (first on row {seen[ctype]}).",
                "Keep one row per crime type.",
                file,
                rownum,
                "crime_type",
            )
        )
    try:
        weight: float | None = float(raw)
    except ValueError:
        weight = None
        problems.append(
            Problem(
                f"weight {raw!r} is not a number.",
                "Write a number such as 2.5.",
                file,
                rownum,
                "weight",
            )
        )
    if weight is not None and (not math.isfinite(weight) or weight < 0):
        problems.append(
            Problem(
                f"weight {raw!r} must be a finite number of 0 or more.",
                "Use 0 for a type that carries no harm; weights cannot be negative.",
                file,
                rownum,
                "weight",
            )
        )
        weight = None
    return (ctype or None), weight, problems


def load_weight_table_csv(
    path: str | Path,
    *,
    name: str | None = None,
    title: str | None = None,
    unit: str = "user weight",
    citation: str | None = None,
) -> WeightTable:
    """Load a user weight table from a CSV with columns ``crime_type,weight[,note]``.

    Every one of the 14 police.uk crime types must appear once with a finite weight >= 0.
    All problems are reported together in one :class:`ConfigError`, each with file, row
    (the header is row 1), column and the fix; a close spelling is suggested for unknown
    crime types.
    """
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"weight table file {p} does not exist. Check the path.")
    file = str(p)
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in ("crime_type", "weight") if c not in header]
        if missing:
            raise ConfigError(
                f"{p.name}: missing column(s) {', '.join(missing)}",
                [
                    Problem(
                        f"column {c!r} is missing (found: {', '.join(header) or 'none'}).",
                        "The header must be: crime_type,weight (optionally ,note).",
                        file,
                        1,
                        c,
                    )
                    for c in missing
                ],
            )
        weights, notes, problems, seen = _read_rows(reader, file)
    for ctype in CRIME_TYPES:
        if ctype not in seen:
            problems.append(
                Problem(
                    f"crime type {ctype!r} has no row.",
                    f"Add a row '{ctype},<weight>' (0 if it carries no harm).",
                    file,
                    None,
                    "crime_type",
                )
            )
    if problems:
        raise ConfigError(f"{p.name}: {len(problems)} problem(s) in the weight table", problems)
    ordered = {k: weights[k] for k in CRIME_TYPES}
    return WeightTable(
        name=name or p.stem,
        title=title or p.stem,
        unit=unit,
        citation=citation or file,
        weights=MappingProxyType(ordered),
        type_notes=MappingProxyType(notes),
    )


def _read_rows(
    reader: csv.DictReader[str], file: str
) -> tuple[dict[str, float], dict[str, str], list[Problem], dict[str, int]]:
    weights: dict[str, float] = {}
    notes: dict[str, str] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(reader, start=2):
        ctype, weight, found = _parse_row(row, i, file, seen)
        problems.extend(found)
        if ctype is not None and ctype not in seen:
            seen[ctype] = i
            if weight is not None:
                weights[ctype] = weight
            if (row.get("note") or "").strip():
                notes[ctype] = (row.get("note") or "").strip()
    return weights, notes, problems, seen
