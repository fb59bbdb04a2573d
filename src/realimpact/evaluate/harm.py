"""Harm units: estimates in counts and in harm-weighted units, activity kept apart.

Two ways to put an evaluation in harm units, both using a
:class:`~realimpact.data.weights.WeightTable` (e.g. the Cambridge Crime Harm Index):

* :func:`harm_series` turns long per-crime-type counts into per-period totals -- a harm
  total over the harm types, a count total over the same types, and activity counts
  (Drugs, Possession of weapons) -- so any method can run on the harm series directly.
* :func:`harm_effect` combines per-crime-type effect estimates into one harm-weighted
  estimate, ``sum_k w_k * est_k`` with variance ``sum_k w_k^2 * se_k^2`` (independent
  types; ``se_k`` from each interval under a normal approximation), as Wheeler (2020)
  does for the WDD test.

Offences found by police activity measure enforcement effort, not harm (Sherman et al.
2020, the Cambridge statement on crime harm indices): they are never in harm totals by
default and are reported separately as activity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from scipy import stats

from realimpact.data.weights import WeightTable, get_weight_table
from realimpact.evaluate._result import EffectResult, EffectSeries
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable

__all__ = ["HarmEffect", "harm_effect", "harm_series", "resolve_weights"]


def resolve_weights(weights: WeightTable | str | None) -> WeightTable:
    """A weight table from a table, a shipped table's name, or ``None`` (``"cchi"``)."""
    if isinstance(weights, WeightTable):
        return weights
    return get_weight_table(weights or "cchi")


def harm_series(
    data: pd.DataFrame,
    *,
    time: str,
    crime_type: str,
    count: str,
    weights: WeightTable | str | None = None,
    include_activity: bool = False,
) -> pd.DataFrame:
    """Per-period harm total, count total and activity count from long per-type counts.

    Parameters
    ----------
    data
        Long data: one row per period x crime type (other columns ignored; rows with the
        same period and type are summed).
    time, crime_type, count
        Column names.
    weights
        Weight table (default: CCHI).
    include_activity
        Put activity offences into the harm and count totals (not recommended).

    Returns
    -------
    pandas.DataFrame
        Columns ``time``, ``harm`` (sum of weight x count over harm types), ``count``
        (count over the same types), ``activity`` (count of activity offences), sorted by
        time.
    """
    missing = [c for c in (time, crime_type, count) if c not in data.columns]
    if missing:
        raise ConfigError(
            "harm series: columns missing",
            [
                Problem(
                    f"column {c!r} is missing",
                    f"Name an existing column ({', '.join(map(str, data.columns))}).",
                    column=c,
                )
                for c in missing
            ],
        )
    table = resolve_weights(weights)
    w = table.harm_weights(include_activity=include_activity)
    df = data[[time, crime_type, count]].copy()
    df["_w"] = df[crime_type].map(w)
    df["_harm_type"] = df["_w"].notna()
    df["_act"] = df[crime_type].isin(table.activity_types) & ~df["_harm_type"]
    c = df[count].astype(float)
    df["harm"] = c * df["_w"].fillna(0.0)
    df["count"] = c.where(df["_harm_type"], 0.0)
    df["activity"] = c.where(df["_act"], 0.0)
    out = df.groupby(time, sort=True)[["harm", "count", "activity"]].sum().astype(float)
    return out.reset_index().rename(columns={time: "time"})


@dataclass(frozen=True)
class HarmEffect:
    """An effect in counts per crime type and in harm units, with activity apart."""

    weights: str
    unit: str
    harm: EffectResult
    counts: Mapping[str, EffectResult]
    activity: Mapping[str, EffectResult]
    unscored: Mapping[str, EffectResult]
    contributions: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [f"In harm units ({self.weights}, {self.unit}):", self.harm.summary()]
        for k, v in sorted(self.contributions.items(), key=lambda kv: kv[1]):
            lines.append(f"  {k}: {v:,.4g} {self.unit}")
        if self.activity:
            lines.append("Activity (police-found offences; not harm):")
            lines.extend(f"  {k}: {r.estimate:,.3g} {r.unit}" for k, r in self.activity.items())
        if self.unscored:
            lines.append("Not scored by the index (counts only): " + ", ".join(self.unscored))
        return "\n".join(lines)


def _se(r: EffectResult) -> float:
    if r.ci_low is None or r.ci_high is None:
        return math.nan
    z = float(stats.norm.ppf(0.5 + r.ci_level / 2))
    return (r.ci_high - r.ci_low) / (2 * z)


def harm_effect(
    by_type: Mapping[str, EffectResult],
    weights: WeightTable | str | None = None,
    *,
    include_activity: bool = False,
) -> HarmEffect:
    """Combine per-crime-type effects into one harm-weighted effect.

    Parameters
    ----------
    by_type
        One :class:`EffectResult` per police.uk crime type (same method, same periods).
    weights
        Weight table (default: CCHI).
    include_activity
        Count activity offences as harm (not recommended; off by default).

    Returns
    -------
    HarmEffect
        ``harm.estimate = sum(w_k * est_k)``; its interval is normal with
        ``se = sqrt(sum(w_k^2 * se_k^2))``, ``se_k`` = interval width / (2 z). Activity
        and unscored types are reported in counts only.

    Notes
    -----
    Assumes the crime types' estimates are independent (their covariance is ignored) and
    each interval is roughly symmetric.
    """
    table = resolve_weights(weights)
    w = table.harm_weights(include_activity=include_activity)
    harm_types = {k: r for k, r in by_type.items() if k in w}
    activity = {k: r for k, r in by_type.items() if k in table.activity_types and k not in w}
    unscored = {k: r for k, r in by_type.items() if k not in w and k not in activity}
    if not harm_types:
        raise ConfigError(
            "harm effect",
            [Problem("no crime type with a harm weight", "Include harm types (e.g. Burglary).")],
        )
    first = next(iter(harm_types.values()))
    est = sum(w[k] * r.estimate for k, r in harm_types.items())
    se = math.sqrt(sum((w[k] * _se(r)) ** 2 for k, r in harm_types.items()))
    z = float(stats.norm.ppf(0.5 + first.ci_level / 2))
    ok = math.isfinite(se)
    p = float(2 * stats.norm.sf(abs(est / se))) if ok and se > 0 else None
    harm = EffectResult(
        method=f"{first.method} (harm-weighted)",
        estimand=f"{first.estimand}; harm-weighted sum over crime types ({table.name})",
        estimate=est,
        ci_low=est - z * se if ok else None,
        ci_high=est + z * se if ok else None,
        p_value=p,
        unit=f"{table.unit} per period",
        ci_level=first.ci_level,
        series=_combined_series(harm_types, w, z),
        warnings=tuple(sorted({x for r in harm_types.values() for x in r.warnings})),
        params={"weights": table.name, "include_activity": include_activity},
        maryland_level=first.maryland_level,
    )
    return HarmEffect(
        weights=table.name,
        unit=table.unit,
        harm=harm,
        counts=dict(by_type),
        activity=activity,
        unscored=unscored,
        contributions={k: w[k] * r.estimate for k, r in harm_types.items()},
    )


def _combined_series(
    results: Mapping[str, EffectResult], w: Mapping[str, float], z: float
) -> EffectSeries | None:
    series = {k: r.series for k, r in results.items()}
    if any(s is None for s in series.values()):
        return None
    ss = [s for s in series.values() if s is not None]
    if len({(s.time, s.post_start) for s in ss}) != 1:
        return None
    keys = list(series)
    n = len(ss[0].time)
    obs = [sum(w[k] * s.observed[i] for k, s in zip(keys, ss, strict=True)) for i in range(n)]
    cf = [sum(w[k] * s.counterfactual[i] for k, s in zip(keys, ss, strict=True)) for i in range(n)]
    half = [
        z
        * math.sqrt(
            sum(
                (w[k] * (s.upper[i] - s.lower[i]) / (2 * z)) ** 2
                for k, s in zip(keys, ss, strict=True)
            )
        )
        for i in range(n)
    ]
    return EffectSeries.from_arrays(
        ss[0].time,
        obs,
        cf,
        [c - h for c, h in zip(cf, half, strict=True)],
        [c + h for c, h in zip(cf, half, strict=True)],
        ss[0].post_start,
    )
