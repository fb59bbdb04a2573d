"""A measured baseline for a problem's area from the observation store.

Stage 1 asks analysts to identify "a baseline against which impact can be measured"
(UKDPC 2009, ch. 4 step 1). :func:`compute_baseline` reads the area's monthly series with
:func:`realimpact.data.area_series` and summarises each crime type and the total over a
chosen period: total, monthly mean and linear trend, for counts and harm-weighted values.

Method: the trend is the ordinary least-squares slope of the monthly values on the month
index (units per month); it describes the period and is not a test of change. Harm is
count x weight of the chosen table (default ``cchi``, the ONS Crime Harm Index); types the
table leaves out (activity offences such as Drugs) have no harm value, as in the series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from realimpact.data import area_series
from realimpact.exceptions import ConfigError, Problem
from realimpact.workspace import Workspace

__all__ = ["Baseline", "BaselineRow", "compute_baseline", "linear_trend"]


class BaselineRow(BaseModel):
    """Total, monthly mean and trend (per month) of one series over the baseline period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    series: str
    total: float
    monthly_mean: float
    trend_per_month: float
    harm_total: float | None = None
    harm_monthly_mean: float | None = None
    harm_trend_per_month: float | None = None


class Baseline(BaseModel):
    """The measured baseline of an area: one row per crime type and one for all of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    area: str
    start: str
    end: str
    months: int
    weights: str | None
    unit: str | None
    rows: tuple[BaselineRow, ...]
    total: BaselineRow
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    computed_at: str = ""

    def row(self, series: str) -> BaselineRow:
        """The row of one crime type (KeyError if absent)."""
        for r in self.rows:
            if r.series == series:
                return r
        raise KeyError(series)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def summary(self) -> str:
        t = self.total
        head = (
            f"Baseline {self.area} {self.start}..{self.end} ({self.months} months): "
            f"{t.total:,.0f} records, {t.monthly_mean:,.1f}/month, trend "
            f"{t.trend_per_month:+.2f}/month"
        )
        if t.harm_total is not None:
            head += f"; harm {t.harm_total:,.0f} {self.unit or ''} ({self.weights})"
        return "\n".join([head, *(f"warning: {w}" for w in self.warnings)])


def linear_trend(values: Sequence[float] | npt.NDArray[np.float64]) -> float:
    """OLS slope of ``values`` on 0, 1, 2, ... (0 for fewer than two values)."""
    y = np.asarray(values, dtype=float)
    if y.size < 2:
        return 0.0
    x = np.arange(y.size, dtype=float)
    return round(float(np.polyfit(x, y, 1)[0]), 12) + 0.0  # no -0.0 from rounding noise


def _row(name: str, months: pd.DataFrame, with_harm: bool) -> BaselineRow:
    counts = months["count"].to_numpy(dtype=float)
    harm: dict[str, float | None] = {}
    if with_harm:
        h = months["harm"].to_numpy(dtype=float)
        harm = {
            "harm_total": float(np.nansum(h)),
            "harm_monthly_mean": float(np.nansum(h) / max(h.size, 1)),
            "harm_trend_per_month": linear_trend(np.nan_to_num(h)),
        }
    return BaselineRow(
        series=name,
        total=float(counts.sum()),
        monthly_mean=float(counts.mean()) if counts.size else 0.0,
        trend_per_month=linear_trend(counts),
        **harm,
    )


def compute_baseline(
    workspace: Workspace,
    area: str,
    *,
    start: str,
    end: str,
    crime_types: Sequence[str] | None = None,
    weights: str | None = "cchi",
) -> Baseline:
    """Measure an area's baseline over ``start``..``end`` (``YYYY-MM``, inclusive).

    Parameters
    ----------
    workspace : Workspace
        Workspace whose store holds the imported police.uk data.
    area : str
        Name of a saved area (``realimpact area add``).
    start, end : str
        First and last month of the baseline period.
    crime_types : sequence of str, optional
        police.uk crime types to include (default: every type in the store).
    weights : str or None
        Harm weight table for the harm-weighted totals (``cchi``, ``count``) or None.

    Returns
    -------
    Baseline
        Per crime type and overall: total, monthly mean and OLS trend per month, of counts
        and (where weighted) harm; with the series' notes and warnings.

    Raises
    ------
    ConfigError
        For a month that is not ``YYYY-MM``, a start after the end, or a window in which
        the store holds no street data for the area (an empty baseline is never saved).
    """
    series = area_series(
        workspace, area, crime_types=crime_types, start=start, end=end, weights=weights
    )
    frame = series.frame
    with_harm = series.weights is not None
    rows = tuple(
        _row(str(ct), g.sort_values("month"), with_harm and bool(g["harm"].notna().any()))
        for ct, g in frame.groupby("crime_type", sort=True)
    )
    totals = series.totals().sort_values("month")
    if totals.empty:
        raise ConfigError(
            f"No baseline for {area}: the store has no street data for it in {start}..{end}.",
            [
                Problem(
                    f"no month of {start}..{end} has police.uk street data for the area.",
                    "Import street files for these months (realimpact data import), or "
                    "choose months the store holds (realimpact data status).",
                    column="start",
                    entry=area,
                )
            ],
        )
    return Baseline(
        area=series.area,
        start=start,
        end=end,
        months=len(totals),
        weights=series.weights,
        unit=series.unit,
        rows=rows,
        total=_row("all", totals, with_harm),
        notes=series.notes,
        warnings=series.warnings,
        computed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
