"""Displacement in an area evaluation: WDQ and WDD for target, buffer and controls.

The before and after windows are of equal length: the months just before the start and the
first months from it. The WDD is per LSOA (``area_weights`` = the number of LSOAs of each
area), so areas of different sizes compare; crimes avoided are scaled back to the target's
and buffer's LSOAs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from scipy import stats

from realimpact.data.weights import WeightTable
from realimpact.evaluate.costs import AvoidedCrimes
from realimpact.evaluate.displacement import WDDResult, WDQResult, wdd, wdd_harm, wdq
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable

__all__ = ["BUFFER", "TARGET", "Displacement", "avoided_crimes", "displacement"]

TARGET, BUFFER = "target", "buffer"


@dataclass(frozen=True)
class Displacement:
    """WDQ and WDD for the buffer: on counts, per crime type, and harm-weighted."""

    before: tuple[str, str]
    after: tuple[str, str]
    wdq_count: WDQResult | None
    wdq_harm: WDQResult | None
    wdd_count: WDDResult
    wdd_by_type: Mapping[str, WDDResult]
    wdd_harm: WDDResult | None
    wdq_by_type: Mapping[str, WDQResult | None] = field(default_factory=dict)
    sizes: tuple[int, int, int] = (1, 1, 1)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [
            f"Displacement (before {self.before[0]}..{self.before[1]}, after "
            f"{self.after[0]}..{self.after[1]}):",
            self.wdd_count.summary(),
        ]
        if self.wdd_harm is not None:
            lines.append(self.wdd_harm.summary())
        if self.wdq_count is not None:
            lines.append(self.wdq_count.summary())
        if self.wdq_harm is not None:
            lines.append("Harm-weighted " + self.wdq_harm.summary())
        return "\n".join(lines)


def _windows(
    months: Sequence[str], start: str, end: str | None
) -> tuple[tuple[str, str], tuple[str, str]]:
    """Before and after windows of equal length for the WDQ/WDD."""
    post = [m for m in months if m >= start and (end is None or m <= end)]
    pre = [m for m in months if m < start]
    n = min(len(pre), len(post))
    if n == 0:
        raise ConfigError(
            "displacement",
            [
                Problem(
                    f"no months before or after {start} in the store",
                    "Import data around the start month.",
                    column="start",
                )
            ],
        )
    return (pre[-n], pre[-1]), (post[0], post[n - 1])


def _sums(
    frame: pd.DataFrame, col: str, unit_is: Callable[[pd.Series], pd.Series], win: tuple[str, str]
) -> float:
    m = frame["month"].between(*win) & unit_is(frame["unit"])
    return float(frame.loc[m, col].sum())


def displacement(
    frame: pd.DataFrame,
    tot: pd.DataFrame,
    table: WeightTable,
    start: str,
    end: str | None,
    ci_level: float,
    sizes: tuple[int, int, int],
) -> Displacement:
    months = sorted(tot["month"].unique())
    n_t, n_b, n_c = (float(max(1, n)) for n in sizes)
    aw = (n_c, n_t, n_c, n_b)
    before, after = _windows(months, start, end)

    def pair(
        df: pd.DataFrame, col: str, pred: Callable[[pd.Series], pd.Series]
    ) -> tuple[float, float]:
        return (_sums(df, col, pred, before), _sums(df, col, pred, after))

    is_t: Callable[[pd.Series], pd.Series] = lambda u: u == TARGET  # noqa: E731
    is_b: Callable[[pd.Series], pd.Series] = lambda u: u == BUFFER  # noqa: E731
    is_c: Callable[[pd.Series], pd.Series] = lambda u: ~u.isin([TARGET, BUFFER])  # noqa: E731
    T, B, C = pair(tot, "count", is_t), pair(tot, "count", is_b), pair(tot, "count", is_c)
    by_type: dict[str, WDDResult] = {}
    wdq_types: dict[str, WDQResult | None] = {}
    for ct in sorted(table.harm_weights()):
        sub = frame[frame["crime_type"] == ct]
        if sub.empty:
            continue
        t, b, c = pair(sub, "count", is_t), pair(sub, "count", is_b), pair(sub, "count", is_c)
        wdq_types[ct] = _safe_wdq(t, b, c, "crimes", ct)
        by_type[ct] = wdd(
            t,
            c,
            buffer=b,
            buffer_control=c,
            area_weights=aw,
            ci_level=ci_level,
            crime_type=ct,
            unit="crimes per LSOA",
        )
    harm = (
        wdd_harm(by_type, table.harm_weights(), ci_level=ci_level, unit=f"{table.unit} per LSOA")
        if by_type
        else None
    )
    Th, Bh, Ch = pair(tot, "harm", is_t), pair(tot, "harm", is_b), pair(tot, "harm", is_c)
    return Displacement(
        before=before,
        after=after,
        wdq_count=_safe_wdq(T, B, C, "crimes"),
        wdq_harm=_safe_wdq(Th, Bh, Ch, table.unit),
        wdd_count=wdd(
            T,
            C,
            buffer=B,
            buffer_control=C,
            area_weights=aw,
            ci_level=ci_level,
            unit="crimes per LSOA",
        ),
        wdd_by_type=by_type,
        wdd_harm=harm,
        wdq_by_type=wdq_types,
        sizes=sizes,
    )


def _safe_wdq(
    T: tuple[float, float],
    B: tuple[float, float],
    C: tuple[float, float],
    unit: str,
    crime_type: str | None = None,
) -> WDQResult | None:
    try:
        return wdq(T, B, C, unit=unit, crime_type=crime_type)
    except ConfigError:
        return None


def avoided_crimes(r: WDDResult, sizes: tuple[int, int, int]) -> AvoidedCrimes:
    """Crimes avoided in target + buffer from a per-LSOA WDD (positive = fewer crimes)."""
    n_t, n_b = sizes[0], sizes[1]
    est = -(r.est_local * n_t + r.est_displace * n_b)
    se = math.sqrt((r.se_local * n_t) ** 2 + (r.se_displace * n_b) ** 2)
    z = float(stats.norm.ppf(0.5 + r.ci_level / 2))
    return AvoidedCrimes(est, est - z * se, est + z * se, r.ci_level)
