"""Sustainability windows and calibrated inference for an area evaluation.

Sustainability: :func:`realimpact.evaluate.sustainability.sustainability` on the primary
count result (effects in months 1-3, 4-6, 7-12, 13+ of the post period).

Calibration: ITS and STS are run on ``n`` untreated pseudo-areas of the same force --
random groups of as many LSOAs as the target, target, buffer and control LSOAs excluded --
from the same start month and with the same comparison series as the target's own run
(:func:`realimpact.evaluate.calibration.placebo_calibration`). The share flagged as a
significant change is the model's false-positive rate on this force's data. The target's
ITS p-value and interval are then replaced by in-space placebo inference
(:func:`realimpact.evaluate.calibration.calibrate_result`; Abadie, Diamond & Hainmueller
2010): the rank of its relative effect among the placebo areas'. STS is treated the same
way when its own false-positive rate exceeds alpha. DiD (permutation inference) and the
synthetic control (in-space placebo inference) are calibrated by construction.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from realimpact.data.areas import Area, buffer_area, load_area
from realimpact.data.geography import force_of
from realimpact.data.series import lsoa_panel
from realimpact.data.weights import WeightTable
from realimpact.evaluate._area_displacement import TARGET
from realimpact.evaluate._result import EffectResult
from realimpact.evaluate._run import method_function
from realimpact.evaluate.calibration import (
    CalibrationResult,
    calibrate_result,
    clopper_pearson,
    placebo_calibration,
)
from realimpact.evaluate.harm import resolve_weights
from realimpact.evaluate.sustainability import SustainabilityResult, sustainability
from realimpact.exceptions import ConfigError, MethodWarning, Problem
from realimpact.workspace import Workspace

__all__ = [
    "CALIBRATED_METHODS",
    "DEFAULT_CALIBRATION_AREAS",
    "PLACEBO_DRAWS",
    "UNCALIBRATED",
    "CalibratedResults",
    "area_calibration",
    "area_sustainability",
    "calibrate_area",
    "calibrate_results",
    "force_panel",
    "run_area_calibration",
]

#: Default number of untreated placebo areas for calibrated ITS/STS inference.
DEFAULT_CALIBRATION_AREAS = 100
UNCALIBRATED = (
    "ITS and STS p-values and intervals are model-based and NOT calibrated (calibrate=0); "
    "on real small-area counts model-based ITS flags untreated areas well above the nominal "
    "rate, so treat them as too narrow"
)
CALIBRATED_METHODS: tuple[str, ...] = ("its", "sts")
#: Simulation draws per placebo run (the placebo statistic is the point estimate).
PLACEBO_DRAWS = 500
_BY_CONSTRUCTION = {
    "did": "permutation inference over the control areas (calibrated by construction)",
    "synth": "in-space placebo inference over the donors (calibrated by construction)",
}


def area_sustainability(result: EffectResult | None) -> SustainabilityResult | None:
    """Effects by post-period window, or ``None`` when the result has no usable series."""
    if result is None or result.series is None:
        return None
    try:
        return sustainability(result)
    except ConfigError:
        return None


def force_panel(
    workspace: Workspace,
    target: Sequence[str],
    crime_types: Sequence[str] | None,
    end: str | None,
) -> pd.DataFrame:
    """Monthly counts per LSOA (``lsoa, month, count``) of the target's force(s)."""
    panel = lsoa_panel(workspace, crime_types=crime_types, end=end)
    forces = {f for f in force_of(target).values() if f}
    pfa = force_of(panel["lsoa"].unique())
    return panel[panel["lsoa"].map(pfa).isin(forces)]


_FAILED = "placebo run failed"


def _placebo_method(method: str, comparison: pd.Series | None) -> Callable[..., EffectResult]:
    """The method run as on the target (with ``comparison``, indexed by month, if given).

    A run the method cannot fit (numerical failure on an odd series) returns a result
    with a NaN estimate marked ``placebo run failed``; :func:`_drop_failed` removes it.
    """
    fn = method_function(method)
    if fn is None:
        raise ConfigError(f"method {method!r} is not available", [])
    key = {"comparison": "comparison"} if method == "its" else {"covariates": ("comparison",)}

    def run(series: pd.DataFrame, **kw: Any) -> EffectResult:
        extra: dict[str, Any] = {}
        if comparison is not None:
            comp = series[kw["time"]].astype(str).map(comparison)
            series = series.assign(comparison=comp.fillna(float(comparison.mean())).to_numpy())
            extra = key
        try:
            return fn(series, **kw, **extra)
        except (ValueError, ArithmeticError, ConfigError) as exc:
            nan = float("nan")
            return EffectResult(
                fn.__name__, _FAILED, nan, None, None, None, "", extra={"error": str(exc)}
            )

    run.__name__ = fn.__name__
    return run


def _drop_failed(cal: CalibrationResult) -> CalibrationResult:
    """The calibration without runs the method could not fit (their count in ``params``)."""
    runs = tuple(r for r in cal.runs if math.isfinite(r.estimate))
    if len(runs) == len(cal.runs):
        return cal
    k = sum(r.significant for r in runs)
    lo, hi = clopper_pearson(k, len(runs))
    return replace(
        cal,
        runs=runs,
        n_areas=len(runs),
        n_flagged=k,
        false_positive_rate=k / len(runs) if runs else float("nan"),
        ci_low=lo,
        ci_high=hi,
        params={**dict(cal.params), "failed_runs": len(cal.runs) - len(runs)},
    )


def area_calibration(
    panel: pd.DataFrame,
    *,
    group_size: int,
    exclude: Sequence[str],
    methods: Sequence[str],
    start: str,
    end: str | None,
    n_areas: int,
    alpha: float,
    seed: int,
    comparison: pd.Series | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, CalibrationResult]:
    """False-positive rate of ITS and STS on untreated areas of ``panel`` (one force).

    Each placebo run uses the same start (and end), size and -- when given -- the same
    comparison series (monthly values indexed by ``YYYY-MM``) as the target's run.
    """
    wanted = [m for m in methods if m in CALIBRATED_METHODS]
    if n_areas <= 0 or not wanted:
        return {}
    out: dict[str, CalibrationResult] = {}
    for m in wanted:
        if progress is not None:
            progress(f"calibrating {m} on {n_areas} untreated areas")
        method = _placebo_method(m, comparison)
        with warnings.catch_warnings():
            # each placebo run's own caveats are not the user's concern; the rate is
            warnings.simplefilter("ignore", MethodWarning)
            out[m] = placebo_calibration(
                panel,
                unit="lsoa",
                time="month",
                outcome="count",
                method=method,
                n_areas=n_areas,
                group_size=group_size,
                start=start,
                end=end,
                alpha=alpha,
                exclude=exclude,
                seed=seed,
                method_kwargs={"n_draws": PLACEBO_DRAWS},
            )
        out[m] = _drop_failed(out[m])
    return out


@dataclass(frozen=True)
class CalibratedResults:
    """Results with calibrated inference where it was measured, and how each was inferred."""

    results: dict[str, EffectResult]
    inference: dict[str, str]
    miscalibrated: dict[str, float]
    warnings: tuple[str, ...]


def _rate(c: CalibrationResult) -> str:
    return (
        f"{c.false_positive_rate:.0%} of {c.n_areas} untreated areas at alpha "
        f"{c.alpha:g} (95% CI {c.ci_low:.0%} to {c.ci_high:.0%})"
    )


def calibrate_results(
    results: Mapping[str, EffectResult],
    calibration: Mapping[str, CalibrationResult],
    *,
    alpha: float,
    requested: int,
) -> CalibratedResults:
    """Swap model-based ITS (and over-flagging STS) inference for placebo-calibrated.

    ``miscalibrated`` holds the false-positive rate of each result left model-based with
    an excess rate (for :func:`~realimpact.evaluate.verdict.verdict` to set it aside).
    """
    out: dict[str, EffectResult] = {}
    how: dict[str, str] = {}
    bad: dict[str, float] = {}
    warn: list[str] = []
    for name, r in results.items():
        c = calibration.get(name)
        out[name] = r
        if name == "synth" and "inference" not in r.params:
            out[name] = replace(r, params={**dict(r.params), "inference": "in-space placebo"})
        if name not in CALIBRATED_METHODS:
            kind = r.params.get("inference", "permutation")
            how[name] = (
                _BY_CONSTRUCTION.get(name, "model-based")
                if kind in ("permutation", "in-space placebo")
                else f"{kind} inference, model-based (too few controls for permutation)"
            )
        elif c is None:
            how[name] = "model-based, NOT calibrated (no placebo check run)"
        elif name == "sts" and c.false_positive_rate <= alpha:
            how[name] = f"model-based; passes the placebo check, which flagged {_rate(c)}"
        else:
            try:
                out[name] = calibrate_result(r, c)
                how[name] = f"placebo-calibrated; the model-based test flagged {_rate(c)}"
            except ConfigError as exc:
                how[name] = f"model-based, NOT calibrated ({str(exc).splitlines()[0]})"
                warn.append(
                    f"{name}: {c.n_areas} placebo areas are too few for calibrated inference "
                    f"(requested {requested}); its p-value and interval are model-based"
                )
                if not c.calibrated:
                    bad[r.method] = c.false_positive_rate
    return CalibratedResults(out, how, bad, tuple(warn))


def run_area_calibration(
    workspace: Workspace,
    target: Sequence[str],
    types: Sequence[str],
    exclude: Sequence[str],
    tot: pd.DataFrame,
    counts: Mapping[str, EffectResult],
    start: str,
    end: str | None,
    n_areas: int,
    alpha: float,
    seed: int,
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, CalibrationResult], list[str], list[str]]:
    """Placebo runs of ITS/STS on untreated areas of the force, or why there are none."""
    if n_areas <= 0:
        return {}, [], [UNCALIBRATED]
    if not set(counts) & {"its", "sts"}:
        return {}, [], []
    panel = force_panel(workspace, target, types, end)
    k = max(1, len(target))
    free = len(set(panel["lsoa"]) - set(exclude))
    need = math.ceil(1 / alpha) - 1
    if free // k < need:
        return (
            {},
            [],
            [
                f"calibration skipped: the force has {free} untreated LSOAs outside the target, "
                f"buffer and controls, {free // k} separate areas of {k} LSOAs, fewer than the "
                f"{need} needed; " + UNCALIBRATED
            ],
        )
    notes = []
    if free // k < n_areas:
        notes.append(
            f"calibration: {n_areas} placebo areas drawn from {free} untreated LSOAs "
            f"({free // k} separate areas of {k}), so some placebo areas share LSOAs"
        )
    others = tot[tot["unit"] != TARGET]
    comparison = others.groupby(others["month"].astype(str))["count"].mean()
    cal = area_calibration(
        panel,
        group_size=k,
        exclude=exclude,
        methods=list(counts),
        start=start,
        end=end,
        n_areas=n_areas,
        alpha=alpha,
        seed=seed,
        comparison=comparison,
        progress=progress,
    )
    failed = [
        f"calibration: {c.params['failed_runs']} of the {m} placebo runs could not be fitted "
        f"(numerical failure on sparse series) and are left out ({c.n_areas} used); the "
        "placebo areas left may be less like the target"
        for m, c in cal.items()
        if c.params.get("failed_runs")
    ]
    return cal, notes, failed


def calibrate_area(
    workspace: Workspace,
    area: Area | str,
    *,
    method: str = "its",
    n_areas: int = DEFAULT_CALIBRATION_AREAS,
    start: str | None = None,
    end: str | None = None,
    buffer: Area | str | None = None,
    crime_types: Sequence[str] | None = None,
    weights: WeightTable | str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> CalibrationResult:
    """Placebo check of a method on untreated areas of a saved area's force.

    Parameters
    ----------
    workspace, area
        Workspace and the target area (its LSOAs and buffer are never placebo areas).
    method
        ``its``, ``sts`` or ``did`` (DiD with 19 further random areas as controls).
    n_areas
        Number of untreated pseudo-areas, each as many random LSOAs as the target.
    start, end
        The intervention month for every run; ``None`` draws a start per run (at least
        12 months before it and 6 from it).
    buffer
        Excluded too; default: the LSOAs adjacent to the target.
    crime_types, weights
        The outcome: monthly count of these crime types (default: the harm types of the
        weight table, activity offences excluded, as :func:`evaluate_area`).
    alpha, seed
        Nominal level; seed of the draws.

    Returns
    -------
    CalibrationResult
        Share of untreated areas flagged at ``alpha`` with its Clopper-Pearson interval;
        ``calibrated`` is False when the whole interval lies above ``alpha``.

    Notes
    -----
    The method runs on each pseudo-area's own series (no comparison series), so the rate
    describes the method's model-based test on this force's data; :func:`evaluate_area`
    runs its own check with the target's comparison series. Method: Abadie, Diamond &
    Hainmueller (2010) in-space placebos; assumes the placebo areas are exchangeable with
    the target apart from the intervention.
    """
    target = area if isinstance(area, Area) else load_area(workspace, area)
    buf = (
        buffer_area(target, adjacent=True, name=f"{target.name}-buffer")
        if buffer is None
        else buffer
        if isinstance(buffer, Area)
        else load_area(workspace, buffer)
    )
    table = resolve_weights(weights)
    types = sorted(set(table.harm_weights()) & set(crime_types or table.weights))
    frame = force_panel(workspace, target.lsoas, types, end)
    if method not in ("its", "sts", "did"):
        raise ConfigError(
            "calibrate_area: unknown method",
            [Problem(f"method {method!r} is not its, sts or did", "Use its, sts or did.")],
        )
    run: Any = method if method == "did" else _placebo_method(method, None)
    cal = placebo_calibration(
        frame,
        unit="lsoa",
        time="month",
        outcome="count",
        method=run,
        n_areas=n_areas,
        group_size=len(target.lsoas),
        start=start,
        end=end,
        alpha=alpha,
        exclude=(*target.lsoas, *buf.lsoas),
        seed=seed,
        method_kwargs=None if method == "did" else {"n_draws": PLACEBO_DRAWS},
        progress=progress,
    )
    return _drop_failed(cal)
