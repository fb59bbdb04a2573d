"""Monthly series of partner measures (calls for service, needle finds, admissions, ...).

Method: values imported from partner CSVs (``partner_values`` in the store, one row per
batch, month, LSOA, measure and source) are moved onto 2021 LSOAs with the crosswalk
(``value x weight``, as for crime counts) and summed over the area's LSOAs per month and
measure. Months run from the first to the last month the measure has in the store (or
``start``..``end``); a month with no value is 0 for additive measures. Averages such as
survey scores are not additive: ask for ``how="mean"`` to get the mean over the area's
LSOA-months that have a value (months without a value are then missing, not 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from realimpact.data import store
from realimpact.data.series import AreaLike, _codes, _membership, month_range
from realimpact.workspace import Workspace

__all__ = ["measure_series"]


def measure_series(
    workspace: Workspace,
    area: AreaLike | Sequence[str],
    *,
    measures: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    how: Literal["sum", "mean"] = "sum",
    crosswalk: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Monthly values of partner measures for an area: ``month, measure, value``.

    Parameters
    ----------
    workspace : Workspace
    area : Area or sequence of 2021 LSOA codes
    measures : sequence of str, optional
        Measure names as imported (default: every measure present in the area).
    start, end : str, optional
        ``YYYY-MM`` bounds; default each measure's first and last month in the store.
    how : {"sum", "mean"}
        ``sum`` for counts (zero-filled), ``mean`` for scores and rates (not filled).
    crosswalk : DataFrame, optional
        ``from_lsoa, to_lsoa21, weight``; default the shipped 2011 → 2021 crosswalk.
    """
    member = _membership({"area": _codes(area)}, crosswalk)
    with store.reader(workspace) as con:
        con.register("_member", member)
        df = con.execute(
            "SELECT p.month, p.measure, sum(p.value * m.weight) AS total, "
            "sum(p.n * m.weight) AS n FROM partner_values p JOIN _member m "
            "ON p.lsoa = m.from_lsoa WHERE p.month IS NOT NULL GROUP BY ALL"
        ).df()
        con.unregister("_member")
    if measures is not None:
        df = df[df["measure"].isin(list(measures))]
    df["value"] = df["total"] / df["n"] if how == "mean" else df["total"]
    frames = [_fill(g, str(m), start, end, how) for m, g in df.groupby("measure")]
    if not frames:
        return pd.DataFrame({"month": [], "measure": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def _fill(
    g: pd.DataFrame, measure: str, start: str | None, end: str | None, how: str
) -> pd.DataFrame:
    months = month_range(start or str(g["month"].min()), end or str(g["month"].max()))
    out = pd.DataFrame({"month": months, "measure": measure})
    out = out.merge(g[["month", "value"]], on="month", how="left")
    if how == "sum":
        out["value"] = out["value"].fillna(0.0)
    return out
