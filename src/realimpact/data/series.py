"""Monthly series from the observation store: per area x police.uk crime type, harm-weighted.

Method: counts come from the store's pre-aggregated ``counts_street`` table (never the
event files). LSOA codes of either vintage are moved onto 2021 LSOAs with the crosswalk of
:func:`realimpact.data.crosswalk.crosswalk_table` inside the SQL (``n * weight``), so an
area's series is consistent across a force's 2011 → 2021 switch (Cleveland: 2023-05/06).
Where a 2011 LSOA was split, its counts are shared by area, so counts can be fractional.
Months are every month for which the forces recording crime in the area have an imported
street file (within ``start``..``end``); crime types with no record in a month are 0.

Harm: ``harm = count x weight`` from a weight table (:mod:`realimpact.data.weights`).
Activity offences (Drugs, Possession of weapons) are found by police activity, so they
measure enforcement, not harm: they are left out of harm (``harm`` is NaN) unless
``include_activity=True``, as the Cambridge Crime Harm Index recommends (Sherman, Neyroud
and Neyroud 2016). Types a table does not score (CCHI: anti-social behaviour) are also NaN.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb
import pandas as pd

from realimpact.data import store
from realimpact.data.weights import CRIME_TYPES, WeightTable, get_weight_table
from realimpact.exceptions import ConfigError, Problem
from realimpact.workspace import Workspace

__all__ = ["AreaLike", "AreaSeries", "area_series", "lsoa_panel", "month_range", "panel"]


class AreaLike(Protocol):
    """What series need from an area: a name and its 2021 LSOA codes."""

    @property
    def name(self) -> str: ...

    @property
    def lsoas(self) -> tuple[str, ...]: ...


WeightsArg = str | WeightTable | Mapping[str, float] | None


@functools.cache
def _default_crosswalk() -> pd.DataFrame:
    from realimpact.data.crosswalk import crosswalk_table

    return crosswalk_table()[["from_lsoa", "to_lsoa21", "weight"]]


def month_range(start: str, end: str) -> list[str]:
    """Every month ``YYYY-MM`` from ``start`` to ``end`` inclusive.

    >>> month_range("2023-11", "2024-02")
    ['2023-11', '2023-12', '2024-01', '2024-02']
    """
    return [str(p) for p in pd.period_range(start, end, freq="M")]


def resolve_weights(weights: WeightsArg) -> WeightTable | None:
    """A weight table from a name, a table, or a ``{crime type: weight}`` mapping."""
    if weights is None or isinstance(weights, WeightTable):
        return weights
    if isinstance(weights, str):
        return get_weight_table(weights)
    unknown = sorted(set(weights) - set(CRIME_TYPES))
    if unknown:
        raise _unknown_types("unknown crime types in the weights", unknown, CRIME_TYPES)
    return WeightTable(
        "custom",
        "User-supplied weights",
        "weight units",
        "user-supplied",
        {t: float(weights.get(t, 0.0)) for t in CRIME_TYPES},
    )


def _unknown_types(summary: str, unknown: Sequence[str], known: Sequence[str]) -> ConfigError:
    """One problem per unknown crime type, suggesting the closest known one."""
    problems = []
    for t in unknown:
        close = difflib.get_close_matches(t, known, n=1, cutoff=0.6)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        problems.append(
            Problem(
                f"{t!r} is not a police.uk crime type.",
                f"{hint}Use one of: {', '.join(known)}.",
                column="crime_type",
                entry=t,
            )
        )
    return ConfigError(summary, problems)


def _checked_types(con: duckdb.DuckDBPyConnection, crime_types: Sequence[str] | None) -> list[str]:
    """``crime_types`` (default all 14), each a police.uk type or one present in the store."""
    if crime_types is None:
        return list(CRIME_TYPES)
    types = list(crime_types)
    stored = [r[0] for r in con.execute("SELECT DISTINCT crime_type FROM counts_street").fetchall()]
    known = [*CRIME_TYPES, *sorted(set(stored) - set(CRIME_TYPES))]
    unknown = [t for t in dict.fromkeys(types) if t not in known]
    if unknown:
        raise _unknown_types("unknown crime types asked for", unknown, known)
    return types


@functools.cache
def _default_by_target() -> dict[str, tuple[tuple[str, float], ...]]:
    """The default crosswalk as ``{2021 code: ((from code, weight), ...)}`` (built once)."""
    cw = _default_crosswalk()
    out: dict[str, list[tuple[str, float]]] = {}
    for src, dst, w in zip(cw["from_lsoa"], cw["to_lsoa21"], cw["weight"], strict=True):
        out.setdefault(str(dst), []).append((str(src), float(w)))
    return {k: tuple(v) for k, v in out.items()}


_MEMBER_COLS = ["unit", "from_lsoa", "to_lsoa21", "weight"]


def _membership(areas: Mapping[str, Sequence[str]], crosswalk: pd.DataFrame | None) -> pd.DataFrame:
    if crosswalk is None:  # a dictionary lookup: a series read costs milliseconds
        by_target = _default_by_target()
        found = [
            (unit, src, code, w)
            for unit, codes in areas.items()
            for code in codes
            for src, w in by_target.get(code, ())
        ]
        cols = list(zip(*found, strict=True)) if found else [(), (), (), ()]
        data = {c: pd.Series(v, dtype=str) for c, v in zip(_MEMBER_COLS[:3], cols, strict=False)}
        return pd.DataFrame({**data, "weight": pd.Series(cols[3], dtype=float)})
    cw = crosswalk
    rows = [(unit, code) for unit, codes in areas.items() for code in codes]
    m = pd.DataFrame(rows, columns=["unit", "to_lsoa21"])
    cw = cw[cw["to_lsoa21"].isin(m["to_lsoa21"])]
    return m.merge(cw, on="to_lsoa21", how="inner")[_MEMBER_COLS]


def _codes(area: AreaLike | Sequence[str]) -> tuple[str, ...]:
    if isinstance(area, str):
        return (area,)
    if isinstance(area, Sequence):
        return tuple(area)
    return tuple(area.lsoas)


def panel(
    workspace: Workspace,
    areas: Mapping[str, AreaLike] | Mapping[str, Sequence[str]],
    *,
    crime_types: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    weights: WeightsArg = "cchi",
    include_activity: bool = False,
    crosswalk: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Long monthly panel of many areas: ``unit, month, crime_type, count, harm``.

    Parameters
    ----------
    workspace : Workspace
    areas : mapping of unit name to an Area (or to a sequence of 2021 LSOA codes)
    crime_types : sequence of str, optional
        police.uk crime types to include (default: all 14).
    start, end : str, optional
        ``YYYY-MM`` bounds (inclusive).
    weights : str, WeightTable, mapping or None
        Weight table for ``harm`` (default ``"cchi"``); None leaves ``harm`` NaN.
    include_activity : bool
        Count activity offences (Drugs, Possession of weapons) in ``harm``.
    crosswalk : DataFrame, optional
        ``from_lsoa, to_lsoa21, weight``; default the shipped 2011 → 2021 crosswalk.

    Returns
    -------
    pandas.DataFrame
        Sorted by unit, month and type. Each unit is zero-filled over every month with an
        imported street file of the forces that record crime in it; a unit with no record
        at all is absent. ``count`` may be fractional where a 2011 LSOA was split.
    """
    codes = {u: _codes(a) for u, a in areas.items()}
    member = _membership(codes, crosswalk)
    table = resolve_weights(weights)
    w = table.harm_weights(include_activity=include_activity) if table else {}
    with store.reader(workspace) as con:
        types = _checked_types(con, crime_types)
        return _filled(con, member, types, [w.get(t) for t in types], start, end, by_type=True)


_MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-\d{2})?")


def _check_window(start: str | None, end: str | None) -> None:
    """ConfigError naming every bound that is not a month, or a start after the end."""
    problems = [
        Problem(
            f"{value!r} is not a month.",
            f"Write the {name} month as YYYY-MM (e.g. 2024-01).",
            column=name,
            entry=value,
        )
        for name, value in (("start", start), ("end", end))
        if value is not None and not _MONTH_RE.fullmatch(value)
    ]
    if not problems and start is not None and end is not None and start[:7] > end[:7]:
        problems.append(
            Problem(
                f"the start {start} is after the end {end}.",
                "Give a start month on or before the end month.",
                column="start",
                entry=start,
            )
        )
    if problems:
        raise ConfigError("The months asked for are invalid.", problems)


def _filled(
    con: duckdb.DuckDBPyConnection,
    member: pd.DataFrame,
    types: Sequence[str],
    weights: Sequence[float | None],
    start: str | None,
    end: str | None,
    *,
    by_type: bool,
) -> pd.DataFrame:
    """Run the zero-filling SQL; each unit gets the months of the forces that record it."""
    _check_window(start, end)
    con.register("_member", member)
    sql = _FILLED_SQL.format(
        cols="ty.crime_type, " if by_type else "",
        types="CROSS JOIN ty " if by_type else "",
        keys="unit, month, crime_type" if by_type else "unit, month",
        harm=", coalesce(c.count, 0.0) * ty.w AS harm" if by_type else "",
        order=", ty.crime_type" if by_type else "",
    )
    params = [list(types), list(weights), start, start, end, end]
    arrow: Any = con.sql(sql, params=params).to_arrow_table()  # 2x faster than .df() here
    con.unregister("_member")
    out: pd.DataFrame = arrow.to_pandas()
    return out


# Zero-filled grid in SQL: units x (months of the forces recording each unit) x types,
# left-joined to the crosswalked counts; harm = count x weight (NULL when not scored).
_FILLED_SQL = """
    WITH ty AS (SELECT unnest(?::VARCHAR[]) AS crime_type, unnest(?::DOUBLE[]) AS w),
    fm AS (
        SELECT DISTINCT force, period AS month FROM batches
        WHERE kind = 'street' AND status = 'current'
          AND (?::VARCHAR IS NULL OR period >= ?) AND (?::VARCHAR IS NULL OR period <= ?)),
    hit AS (
        SELECT m.unit, c.force, c.month, c.crime_type, c.n * m.weight AS x
        FROM counts_street c JOIN _member m ON c.lsoa = m.from_lsoa),
    um AS (
        SELECT DISTINCT h.unit, fm.month
        FROM (SELECT DISTINCT unit, force FROM hit) h JOIN fm USING (force)),
    c AS (
        SELECT {keys}, sum(x) AS count FROM hit
        WHERE crime_type IN (SELECT crime_type FROM ty) GROUP BY ALL)
    SELECT um.unit, um.month, {cols}coalesce(c.count, 0.0)::DOUBLE AS count{harm}
    FROM um {types}LEFT JOIN c USING ({keys})
    ORDER BY um.unit, um.month{order}
"""


def lsoa_panel(
    workspace: Workspace,
    lsoas: Sequence[str] | None = None,
    *,
    crime_types: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    crosswalk: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Monthly counts per 2021 LSOA: ``lsoa, month, count`` (summed over ``crime_types``).

    ``lsoas=None`` takes every 2021 LSOA that has at least one record in the store.
    Zero-filled as :func:`panel`: each LSOA over the months of the forces that record
    crime in it (so City of London LSOAs are not filled with zeros over Cleveland's
    months); an LSOA with no record at all is absent. Counts may be fractional across the
    2011/2021 switch.
    """
    cw = _default_crosswalk() if crosswalk is None else crosswalk
    with store.reader(workspace) as con:
        types = _checked_types(con, crime_types)
        if lsoas is None:
            present = {
                r[0] for r in con.execute("SELECT DISTINCT lsoa FROM counts_street").fetchall()
            }
            lsoas = sorted(set(cw.loc[cw["from_lsoa"].isin(present), "to_lsoa21"]))
        member = _membership({code: (code,) for code in lsoas}, cw)
        out = _filled(con, member, types, [None] * len(types), start, end, by_type=False)
    return out.rename(columns={"unit": "lsoa"})


@dataclass(frozen=True)
class AreaSeries:
    """Monthly series of one area, per police.uk crime type, with harm-weighted values.

    ``frame`` has columns ``month, crime_type, count, harm``; ``harm`` is NaN for types
    left out of harm totals (``excluded_from_harm``).
    """

    area: str
    lsoas: tuple[str, ...]
    frame: pd.DataFrame
    weights: str | None
    unit: str | None
    excluded_from_harm: tuple[str, ...]
    activity_types: tuple[str, ...] = ("Drugs", "Possession of weapons")
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(sorted(self.frame["month"].unique()))

    def totals(self) -> pd.DataFrame:
        """Per month: ``count`` (all selected types), ``harm`` (sum over harm types) and
        ``activity`` (count of activity offences, whether or not they are in harm)."""
        f = self.frame
        act = f["crime_type"].isin(self.activity_types)
        g = f.assign(activity=f["count"].where(act, 0.0)).groupby("month", as_index=False)
        return g.agg(count=("count", "sum"), harm=("harm", "sum"), activity=("activity", "sum"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "lsoas": list(self.lsoas),
            "weights": self.weights,
            "unit": self.unit,
            "excluded_from_harm": list(self.excluded_from_harm),
            "activity_types": list(self.activity_types),
            "months": list(self.months),
            "series": self.frame.to_dict(orient="records"),
            "totals": self.totals().to_dict(orient="records"),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        t = self.totals()
        if t.empty:
            return f"Area {self.area}: no months in the store for its LSOAs."
        lines = [
            f"Area {self.area} ({len(self.lsoas)} LSOAs), "
            f"{t['month'].iloc[0]}..{t['month'].iloc[-1]}"
            f" ({len(t)} months): {t['count'].sum():,.1f} records, harm {t['harm'].sum():,.1f}"
            f" {self.unit or ''} ({self.weights or 'no weights'})."
        ]
        lines += [f"Note: {n}" for n in self.notes] + [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def area_series(
    workspace: Workspace,
    area: AreaLike | str,
    *,
    crime_types: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    weights: WeightsArg = "cchi",
    include_activity: bool = False,
    crosswalk: pd.DataFrame | None = None,
) -> AreaSeries:
    """Monthly counts and harm of one area (a saved area's name, or an Area).

    See :func:`panel` for the parameters and the method. The result's notes say which
    types were left out of harm, and warn when the area's LSOAs changed at the 2011/2021
    switch (counts moved by the crosswalk) or when months are missing from the store.
    """
    if isinstance(area, str):
        from realimpact.data.areas import load_area

        area = load_area(workspace, area)
    table = resolve_weights(weights)
    frame = panel(
        workspace,
        {area.name: area},
        crime_types=crime_types,
        start=start,
        end=end,
        weights=table,
        include_activity=include_activity,
        crosswalk=crosswalk,
    )
    frame = frame.drop(columns=["unit"])
    excluded = _excluded(table, include_activity)
    activity = tuple(sorted(table.activity_types)) if table else ("Drugs", "Possession of weapons")
    return AreaSeries(
        area=area.name,
        lsoas=tuple(area.lsoas),
        frame=frame,
        weights=table.name if table else None,
        unit=table.unit if table else None,
        excluded_from_harm=excluded,
        activity_types=activity,
        notes=_notes(table, excluded),
        warnings=_warnings(frame, area.lsoas, crosswalk),
    )


def _excluded(table: WeightTable | None, include_activity: bool) -> tuple[str, ...]:
    if table is None:
        return ()
    return tuple(
        sorted(set(CRIME_TYPES) - set(table.harm_weights(include_activity=include_activity)))
    )


def _notes(table: WeightTable | None, excluded: tuple[str, ...]) -> tuple[str, ...]:
    if table is None:
        return ("No weight table: harm is not computed.",)
    notes = [f"Harm = count x {table.name} weight ({table.unit}); source: {table.citation}."]
    act = sorted(set(excluded) & table.activity_types)
    if act:
        notes.append(
            f"Activity offences ({', '.join(act)}) are found by police activity: they are left "
            "out of harm totals and reported as activity."
        )
    other = sorted(set(excluded) - table.activity_types)
    if other:
        notes.append(f"Not scored by {table.name}, so left out of harm: {', '.join(other)}.")
    return tuple(notes)


def _warnings(
    frame: pd.DataFrame, lsoas: Sequence[str], crosswalk: pd.DataFrame | None
) -> tuple[str, ...]:
    out: list[str] = []
    months = sorted(frame["month"].unique())
    if not months:
        out.append("No street data in the store for this area's LSOAs.")
        return tuple(out)
    full = month_range(months[0], months[-1])
    missing = sorted(set(full) - set(months))
    if missing:
        out.append(f"No file imported for {len(missing)} months: {', '.join(missing[:6])}...")
    if crosswalk is None:
        from realimpact.data.crosswalk import changed_lsoas

        changed = changed_lsoas(lsoas)
        if changed:
            out.append(
                f"{len(changed)} of the area's LSOAs changed at the 2011/2021 switch; counts "
                "recorded on 2011 codes were moved onto 2021 codes by the crosswalk and may be "
                "fractional."
            )
    return tuple(out)
