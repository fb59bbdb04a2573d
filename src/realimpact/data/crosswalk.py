"""The 2011 → 2021 LSOA crosswalk, stable units, and which codes changed.

police.uk files switch LSOA vintage mid-series (Cleveland: 2011 codes to 2023-05, 2021
codes from 2023-06). A series per LSOA or per area stays consistent across the switch if
counts recorded against 2011 codes are moved onto 2021 codes with this crosswalk, or if
both vintages are aggregated to *stable units* that mean the same ground in both.

No published ONS LSOA11 → LSOA21 lookup is available to this project, so the crosswalk is
derived (see ``docs/geography.md``):

* ``identity``: the code is in use in 2021 and maps to itself (weight 1). Where no 2021
  boundaries are shipped this is an assumption (``assumed_identity``): about 97% of 2011
  LSOAs kept their code nationally, but some of those outside the shipped local
  authorities were in fact split or merged.
* ``area_overlap``: the code ended in 2021; its weight on each 2021 LSOA is the share of
  the 2011 polygon's area that lies in it, overlaps under 1% dropped as boundary noise and
  the rest rescaled to sum to 1. Assumption: events are spread evenly over the area.
* ``nearest_centroid``: the code ended in 2021 but has no overlap (no boundary): it maps
  whole to the nearest 2021 centroid in the same local authority.

Examples
--------
>>> from realimpact.data.crosswalk import crosswalk_table
>>> cw = crosswalk_table()
>>> float(cw[cw["from_lsoa"] == "E01011973"]["weight"].sum())
1.0
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from realimpact.data.geography import LOOKUPS, haversine_m, lsoa_table, require_lsoas

__all__ = [
    "SLIVER_SHARE",
    "StableUnit",
    "apply_crosswalk",
    "changed_lsoas",
    "crosswalk_table",
    "stable_units",
]

SLIVER_SHARE = 0.01


@functools.cache
def _overlaps() -> pd.DataFrame:
    return pd.read_csv(LOOKUPS / "overlaps.csv.gz", dtype={"lsoa11": str, "lsoa21": str})


def _identity_rows(table: pd.DataFrame) -> pd.DataFrame:
    cur = table[table["in2021"]]
    method = np.where(cur["vintage_known"], "identity", "assumed_identity")
    return pd.DataFrame(
        {"from_lsoa": cur["code"], "to_lsoa21": cur["code"], "weight": 1.0, "method": method}
    )


def _overlap_rows(ended: Sequence[str]) -> pd.DataFrame:
    ov = _overlaps()
    ov = ov[ov["lsoa11"].isin(set(ended)) & (ov["share11"] >= SLIVER_SHARE)]
    weight = ov["share11"] / ov.groupby("lsoa11")["share11"].transform("sum")
    return pd.DataFrame(
        {
            "from_lsoa": ov["lsoa11"],
            "to_lsoa21": ov["lsoa21"],
            "weight": weight,
            "method": "area_overlap",
        }
    )


def _nearest_rows(codes: Sequence[str], table: pd.DataFrame) -> pd.DataFrame:
    cur = table[table["in2021"]]
    targets = []
    for code in codes:
        row = table.loc[code]
        pool = cur[cur["lad"] == row["lad"]] if (cur["lad"] == row["lad"]).any() else cur
        lat, lon = table.loc[[code], ["lat", "lon"]].to_numpy(dtype=float)[0]
        d = haversine_m(lat, lon, pool["lat"].to_numpy(), pool["lon"].to_numpy())
        targets.append(str(pool["code"].iloc[int(np.argmin(d))]))
    return pd.DataFrame(
        {
            "from_lsoa": list(codes),
            "to_lsoa21": targets,
            "weight": 1.0,
            "method": "nearest_centroid",
        }
    )


@functools.cache
def _crosswalk() -> pd.DataFrame:
    table = lsoa_table()
    ended = table.loc[~table["in2021"], "code"].tolist()
    overlap = _overlap_rows(ended)
    missing = sorted(set(ended) - set(overlap["from_lsoa"]))
    parts = [_identity_rows(table), overlap, _nearest_rows(missing, table)]
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    return out.sort_values(["from_lsoa", "to_lsoa21"]).reset_index(drop=True)


def crosswalk_table() -> pd.DataFrame:
    """The LSOA → 2021 LSOA crosswalk for every known code (a fresh copy).

    Returns
    -------
    pandas.DataFrame
        Columns ``from_lsoa, to_lsoa21, weight, method``; weights of each ``from_lsoa`` sum
        to 1. ``method`` is one of ``identity``, ``assumed_identity``, ``area_overlap``,
        ``nearest_centroid`` (see the module notes).
    """
    return _crosswalk().copy()


def apply_crosswalk(
    frame: pd.DataFrame,
    *,
    lsoa: str = "lsoa",
    values: Sequence[str] = ("count",),
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Move values recorded against any-vintage LSOA codes onto 2021 codes.

    Each row's ``values`` are multiplied by the crosswalk weights and summed per 2021 code
    (and per the ``by`` columns), so totals are preserved exactly; counts from split 2011
    LSOAs become fractional. Unknown codes raise :class:`~realimpact.exceptions.ConfigError`.

    Returns a frame with columns ``[*by, lsoa, *values]``, ``lsoa`` holding 2021 codes.
    """
    require_lsoas(frame[lsoa].dropna().unique().tolist())
    cw = _crosswalk()[["from_lsoa", "to_lsoa21", "weight"]]
    merged = frame.merge(cw, left_on=lsoa, right_on="from_lsoa", how="inner")
    for col in values:
        merged[col] = merged[col] * merged["weight"]
    merged = merged.drop(columns=[lsoa]).rename(columns={"to_lsoa21": lsoa})
    keys = [*by, lsoa]
    return merged.groupby(keys, as_index=False, sort=True)[list(values)].sum()


def changed_lsoas(codes: Iterable[str]) -> frozenset[str]:
    """The codes among ``codes`` whose ground changed across the 2011/2021 switch.

    A code changed if it ended in 2021, was created in 2021, or receives part of an ended
    2011 code through the crosswalk. Use it to warn that an area's series crosses a
    boundary change. Unknown codes raise :class:`~realimpact.exceptions.ConfigError`.
    """
    wanted = list(codes)
    require_lsoas(wanted)
    table = lsoa_table()
    receivers = _receivers()
    out = {
        c
        for c in wanted
        if not (bool(table.at[c, "in2011"]) and bool(table.at[c, "in2021"])) or c in receivers
    }
    return frozenset(out)


@functools.cache
def _receivers() -> frozenset[str]:
    cw = _crosswalk()
    return frozenset(cw.loc[cw["from_lsoa"] != cw["to_lsoa21"], "to_lsoa21"])


@dataclass(frozen=True)
class StableUnit:
    """A group of LSOAs covering the same ground in the 2011 and the 2021 vintage."""

    unit_id: str
    lsoa11: tuple[str, ...]
    lsoa21: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        return f"{self.unit_id}: 2011 {', '.join(self.lsoa11)} = 2021 {', '.join(self.lsoa21)}"


@functools.cache
def _components() -> dict[str, frozenset[str]]:
    """Connected components of the overlap graph (codes that never changed are alone)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(_overlaps()["lsoa11"], _overlaps()["lsoa21"], strict=True):
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for code in list(parent):
        groups.setdefault(find(code), set()).add(code)
    return {c: frozenset(g) for g in groups.values() for c in g}


def stable_units(codes: Iterable[str]) -> tuple[StableUnit, ...]:
    """The stable units that contain ``codes`` (either vintage), for exact aggregation.

    Method: connected groups of the graph whose edges join a 2011 and a 2021 LSOA whose
    polygons overlap by at least 1% of either; codes that never changed form a unit of
    their own. Summing counts over a unit's 2011 codes before the switch and its 2021 codes
    after it compares like with like, with no area-weighting assumption. Only where
    boundaries are shipped are changes detected (see the module notes).
    """
    wanted = list(codes)
    require_lsoas(wanted)
    table = lsoa_table()
    comps = _components()
    seen: dict[frozenset[str], StableUnit] = {}
    for code in wanted:
        group = comps.get(code, frozenset({code}))
        if group in seen:
            continue
        old = tuple(sorted(c for c in group if bool(table.at[c, "in2011"])))
        new = tuple(sorted(c for c in group if bool(table.at[c, "in2021"])))
        seen[group] = StableUnit(unit_id=f"SU-{min(group)}", lsoa11=old, lsoa21=new)
    return tuple(seen.values())
