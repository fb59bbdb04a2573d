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

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from realimpact.data.geography import force_of
from realimpact.data.series import lsoa_panel
from realimpact.evaluate._result import EffectResult
from realimpact.evaluate._run import method_function
from realimpact.evaluate.calibration import (
    CalibrationResult,
    calibrate_result,
    placebo_calibration,
)
from realimpact.evaluate.sustainability import SustainabilityResult, sustainability
from realimpact.exceptions import ConfigError, MethodWarning
from realimpact.workspace import Workspace

__all__ = [
    "CALIBRATED_METHODS",
    "PLACEBO_DRAWS",
    "CalibratedResults",
    "area_calibration",
    "area_sustainability",
    "calibrate_results",
    "force_panel",
]

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


def _with_comparison(method: str, comparison: pd.Series) -> Callable[..., EffectResult]:
    """The method run as on the target: with ``comparison`` (indexed by month) as control."""
    fn = method_function(method)
    if fn is None:
        raise ConfigError(f"method {method!r} is not available", [])

    def run(series: pd.DataFrame, **kw: Any) -> EffectResult:
        comp = series[kw["time"]].astype(str).map(comparison)
        series = series.assign(comparison=comp.fillna(float(comparison.mean())).to_numpy())
        key = {"comparison": "comparison"} if method == "its" else {"covariates": ("comparison",)}
        return fn(series, **kw, **key)

    run.__name__ = fn.__name__
    return run


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
        method: Any = m if comparison is None else _with_comparison(m, comparison)
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
        f"{c.false_positive_rate:.0%} of {c.n_areas} untreated areas flagged at alpha "
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
        if name not in CALIBRATED_METHODS:
            kind = r.params.get("inference", "permutation")
            how[name] = (
                _BY_CONSTRUCTION.get(name, "model-based")
                if kind == "permutation"
                else f"{kind} inference, model-based (too few controls for permutation)"
            )
        elif c is None:
            how[name] = "model-based, NOT calibrated (no placebo check run)"
        elif name == "sts" and c.false_positive_rate <= alpha:
            how[name] = f"model-based; passes the placebo check: {_rate(c)}"
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
