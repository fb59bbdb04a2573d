"""Placebo calibration: do a method's p-values hold up on untreated areas of the same force?

Small-area crime series are noisy, overdispersed and autocorrelated, and model-based
intervals are often too narrow: a naive quasi-Poisson interrupted time series on real
Cleveland anti-social behaviour counts flags about a fifth of untreated five-LSOA areas
as "significant" at alpha = 0.05 (``tests/evaluate/test_calibration.py``).

:func:`placebo_calibration` measures this for any method: it draws ``n_areas`` untreated
pseudo-areas (random groups of ``group_size`` units of the panel) and start months (random,
or the real evaluation's), runs the method with no intervention, and reports the share
flagged with a Clopper-Pearson interval.

:func:`calibrate_result` turns those placebo runs into in-space placebo inference for a
real evaluation (Abadie, Diamond & Hainmueller 2010; Conley & Taber 2011): the p-value
is the rank of the treated area's relative effect among the placebo areas' relative
effects, ``(1 + #{|placebo| >= |observed|}) / (1 + n)``, and the interval is the observed
relative effect plus or minus the ``ci_level`` quantile of the absolute placebo effects
(rounded up to an observed value, so the interval excludes zero only when the p-value
is below ``1 - ci_level``), converted to outcome units with the counterfactual mean.
It assumes the treated area is exchangeable with the placebo areas (same force, same
size, same start and method) apart from the intervention.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from realimpact.evaluate._panel import parse_time, validate_panel
from realimpact.evaluate._result import Diagnostic, EffectResult
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable

__all__ = [
    "CalibrationResult",
    "PlaceboRun",
    "calibrate_result",
    "clopper_pearson",
    "leave_one_out_calibration",
    "placebo_calibration",
    "placebo_p_value",
]

Method = str | Callable[..., EffectResult]


@dataclass(frozen=True)
class PlaceboRun:
    """One untreated pseudo-area analysed as if treated from ``start``."""

    units: tuple[str, ...]
    start: str
    estimate: float
    relative_estimate: float | None
    p_value: float | None
    significant: bool

    @property
    def statistic(self) -> float:
        """The relative effect (percent) when defined, else the estimate."""
        return self.relative_estimate if self.relative_estimate is not None else self.estimate


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) binomial interval for ``k`` successes in ``n`` trials."""
    a = 1 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def placebo_p_value(statistic: float, placebo: Sequence[float]) -> float:
    """Two-sided rank p-value of ``statistic`` among placebo statistics (+1 correction)."""
    arr = np.asarray(placebo, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float((1 + np.sum(np.abs(arr) >= abs(statistic))) / (1 + len(arr)))


@dataclass(frozen=True)
class CalibrationResult:
    """False-positive rate of a method on untreated areas, with the runs behind it.

    ``false_positive_rate`` is the share of untreated pseudo-areas whose interval
    excluded zero; ``ci_low``/``ci_high`` its Clopper-Pearson interval. ``calibrated``
    is True when the nominal ``alpha`` lies inside or above that interval.
    """

    method: str
    alpha: float
    n_areas: int
    group_size: int
    n_flagged: int
    false_positive_rate: float
    ci_low: float
    ci_high: float
    runs: tuple[PlaceboRun, ...]
    seed: int
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def calibrated(self) -> bool:
        return self.ci_low <= self.alpha

    def statistics(self, start: str | None = None) -> list[float]:
        """Placebo statistics (relative effects), optionally only runs starting at ``start``."""
        return [r.statistic for r in self.runs if start is None or r.start == start]

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}
        out["calibrated"] = self.calibrated
        return out

    def summary(self) -> str:
        verdict = (
            "consistent with the nominal rate"
            if self.calibrated
            else "above the nominal rate: treat this method's intervals as too narrow"
        )
        return (
            f"{self.method}: {self.n_flagged} of {self.n_areas} untreated areas "
            f"({self.group_size} units each) flagged at alpha {self.alpha:g}: "
            f"{self.false_positive_rate:.1%} (95% CI {self.ci_low:.1%} to {self.ci_high:.1%}), "
            f"{verdict}"
        )


def _method_fn(method: Method) -> tuple[str, Callable[..., EffectResult], bool]:
    """The function to run, its name, and whether it takes a panel of areas (DiD)."""
    if callable(method):
        return getattr(method, "__name__", "custom"), method, False
    if method in ("its", "interrupted_time_series"):
        from realimpact.evaluate.its import interrupted_time_series

        return "interrupted_time_series", interrupted_time_series, False
    if method in ("sts", "structural_time_series"):
        from realimpact.evaluate.sts import structural_time_series

        return "structural_time_series", structural_time_series, False
    if method in ("did", "difference_in_differences"):
        from realimpact.evaluate.did import difference_in_differences

        return "difference_in_differences", difference_in_differences, True
    raise ConfigError(
        "placebo_calibration: unknown method",
        [Problem(f"unknown method {method!r}.", "Use its, sts, did or a function.")],
    )


def _starts(labels: Sequence[str], start: Any, min_pre: int, min_post: int) -> list[str]:
    if start is not None:
        return [str(start)]
    cands = list(labels[min_pre : len(labels) - min_post + 1])
    if not cands:
        raise ConfigError(
            "placebo_calibration: the series is too short",
            [
                Problem(
                    f"{len(labels)} periods cannot give {min_pre} pre and {min_post} post periods.",
                    "Lower min_pre/min_post or use a longer panel.",
                )
            ],
        )
    return cands


def _wide(panel: pd.DataFrame, unit: str, time: str, outcome: str) -> pd.DataFrame:
    frame = validate_panel(panel, unit=unit, time=time, outcome=outcome)
    frame[unit] = frame[unit].astype(str)
    return frame.pivot_table(index=unit, columns="_t", values=outcome, aggfunc="sum", fill_value=0)


def _run_one(
    fn: Callable[..., EffectResult],
    did: bool,
    wide: pd.DataFrame,
    groups: list[np.ndarray],
    start: str,
    seed: int,
    kwargs: Mapping[str, Any],
) -> EffectResult:
    if not did:
        series = pd.DataFrame({"time": wide.columns, "y": wide.loc[groups[0]].sum().to_numpy()})
        return fn(series, time="time", outcome="y", start=start, seed=seed, **kwargs)
    rows = [
        pd.DataFrame({"area": f"g{i:03d}", "time": wide.columns, "y": wide.loc[g].sum().to_numpy()})
        for i, g in enumerate(groups)
    ]
    panel = pd.concat(rows, ignore_index=True)
    return fn(
        panel,
        unit="area",
        time="time",
        outcome="y",
        treated="g000",
        start=start,
        seed=seed,
        **kwargs,
    )


def placebo_calibration(
    panel: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    method: Method = "its",
    n_areas: int = 200,
    group_size: int = 5,
    seed: int = 0,
    start: Any = None,
    end: Any = None,
    alpha: float = 0.05,
    min_pre: int = 12,
    min_post: int = 6,
    exclude: Sequence[str] = (),
    n_controls: int = 19,
    method_kwargs: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CalibrationResult:
    """Run a method on untreated pseudo-areas and report how often it flags a change.

    Parameters
    ----------
    panel
        Long panel of small units (e.g. LSOAs) of one force: ``unit``, ``time``,
        ``outcome`` (counts).
    method
        ``"its"``, ``"sts"``, ``"did"`` or a function called as
        ``f(series, time=, outcome=, start=, seed=, **method_kwargs)``.
    n_areas, group_size
        Number of pseudo-areas, each the sum of ``group_size`` random units.
    start, end
        Intervention period for every run; when ``start`` is None each run draws a
        start with at least ``min_pre`` periods before and ``min_post`` from it.
    exclude
        Units never used (the real treated area and its buffer).
    n_controls
        For ``"did"``: number of further disjoint pseudo-areas used as controls.
    seed
        ``numpy.random.default_rng(seed)`` draws the groups, starts and run seeds.

    Returns
    -------
    CalibrationResult
        The false-positive rate at ``alpha`` with a Clopper-Pearson interval, and every
        run (for :func:`calibrate_result`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> months = pd.period_range("2022-01", periods=30, freq="M").astype(str)
    >>> panel = pd.DataFrame([(f"L{i}", m, rng.poisson(5)) for i in range(20) for m in months],
    ...                      columns=["lsoa", "month", "n"])
    >>> cal = placebo_calibration(panel, unit="lsoa", time="month", outcome="n",
    ...                           n_areas=10, method_kwargs={"n_draws": 200})
    >>> cal.n_areas
    10
    """
    name, fn, did = _method_fn(method)
    wide = _wide(panel, unit, time, outcome)
    units = np.array([u for u in wide.index if u not in set(map(str, exclude))])
    per_run = group_size * ((n_controls + 1) if did else 1)
    if len(units) < per_run:
        raise ConfigError(
            "placebo_calibration: too few units",
            [
                Problem(
                    f"{len(units)} units cannot make {per_run}.", "Lower group_size.", column=unit
                )
            ],
        )
    starts = _starts(parse_time(list(wide.columns)).labels, start, min_pre, min_post)
    kwargs = dict(method_kwargs or {})
    if end is not None:
        kwargs["end"] = end
    rng = np.random.default_rng(seed)
    runs = []
    for i in range(n_areas):
        pick = rng.choice(units, size=per_run, replace=False)
        groups = [pick[j : j + group_size] for j in range(0, per_run, group_size)]
        s = str(rng.choice(starts))
        res = _run_one(fn, did, wide, groups, s, int(rng.integers(2**31)), kwargs)
        runs.append(_as_run(res, groups[0], s, alpha))
        if progress is not None:
            progress(i + 1, n_areas)
    return _calibration(name, runs, alpha, group_size, seed, kwargs)


def _flagged(res: EffectResult, alpha: float) -> bool:
    if (
        res.ci_low is not None
        and res.ci_high is not None
        and abs(res.ci_level - (1 - alpha)) < 1e-9
    ):
        return res.ci_low > 0 or res.ci_high < 0
    return res.p_value is not None and res.p_value < alpha


def _as_run(res: EffectResult, units: np.ndarray, start: str, alpha: float) -> PlaceboRun:
    rel = res.relative_estimate
    return PlaceboRun(
        units=tuple(str(u) for u in units),
        start=start,
        estimate=float(res.estimate),
        relative_estimate=None if rel is None or not math.isfinite(rel) else float(rel),
        p_value=res.p_value,
        significant=_flagged(res, alpha),
    )


def _calibration(
    name: str,
    runs: Sequence[PlaceboRun],
    alpha: float,
    group_size: int,
    seed: int,
    params: Mapping[str, Any],
) -> CalibrationResult:
    k = sum(r.significant for r in runs)
    lo, hi = clopper_pearson(k, len(runs))
    return CalibrationResult(
        method=name,
        alpha=alpha,
        n_areas=len(runs),
        group_size=group_size,
        n_flagged=k,
        false_positive_rate=k / len(runs) if runs else float("nan"),
        ci_low=lo,
        ci_high=hi,
        runs=tuple(runs),
        seed=seed,
        params=dict(params),
    )


def leave_one_out_calibration(calibration: CalibrationResult) -> CalibrationResult:
    """The false-positive rate of placebo-calibrated inference itself.

    Each run is judged by :func:`placebo_p_value` against the *other* runs with the same
    start; it is flagged when that p-value is below ``alpha``. Under exchangeability the
    rate is at most ``alpha`` (up to sampling error).
    """
    runs = []
    for i, r in enumerate(calibration.runs):
        others = [
            o.statistic for j, o in enumerate(calibration.runs) if j != i and o.start == r.start
        ]
        p = placebo_p_value(r.statistic, others) if others else 1.0
        runs.append(dataclasses.replace(r, p_value=p, significant=p < calibration.alpha))
    return _calibration(
        f"{calibration.method} (placebo-calibrated)",
        runs,
        calibration.alpha,
        calibration.group_size,
        calibration.seed,
        calibration.params,
    )


def calibrate_result(result: EffectResult, calibration: CalibrationResult) -> EffectResult:
    """Replace a result's model-based p-value and interval by in-space placebo inference.

    ``calibration`` should come from :func:`placebo_calibration` on the same force with
    the same method, ``start``/``end``, and ``group_size`` close to the treated area's
    size, excluding the treated units. The model-based figures are kept in
    ``extra["model_based"]``.

    Raises
    ------
    ConfigError
        When there are too few placebo runs for an interval at ``result.ci_level``.
    """
    placebo = [s for s in calibration.statistics() if math.isfinite(s)]
    need = math.ceil(1 / (1 - result.ci_level)) - 1
    if len(placebo) < need:
        raise ConfigError(
            "calibrate_result: too few placebo runs",
            [
                Problem(
                    f"{len(placebo)} placebo runs; {need} are needed for a "
                    f"{result.ci_level:.0%} interval.",
                    "Run placebo_calibration with more areas.",
                )
            ],
        )
    rel = result.relative_estimate
    stat = rel if rel is not None else result.estimate
    half = float(np.quantile(np.abs(placebo), result.ci_level, method="higher"))
    lo, hi = stat - half, stat + half
    scale = _cf_mean(result) / 100 if rel is not None else 1.0
    p = placebo_p_value(stat, placebo)
    diag = Diagnostic(
        "placebo calibration",
        True,
        f"p-value and interval from {len(placebo)} untreated areas of the same force; the model's "
        f"own test flags {calibration.false_positive_rate:.0%} of them at {calibration.alpha:g}",
        calibration.false_positive_rate,
    )
    extra = {
        **dict(result.extra),
        "model_based": {
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "p_value": result.p_value,
        },
        "placebo": {
            "n": len(placebo),
            "false_positive_rate": calibration.false_positive_rate,
            "relative_ci": [lo, hi] if rel is not None else None,
        },
    }
    return dataclasses.replace(
        result,
        p_value=p,
        ci_low=lo * scale,
        ci_high=hi * scale,
        diagnostics=(*result.diagnostics, diag),
        extra=extra,
        params={**dict(result.params), "inference": "in-space placebo"},
    )


def _cf_mean(result: EffectResult) -> float:
    if result.series is not None:
        post = result.series.post_index
        return float(np.mean(result.series.counterfactual[post:]))
    rel = result.relative_estimate
    return 100 * result.estimate / rel if rel else float("nan")
