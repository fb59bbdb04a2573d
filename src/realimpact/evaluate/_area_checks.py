"""Sustainability windows and placebo calibration for an area evaluation.

Sustainability: :func:`realimpact.evaluate.sustainability.sustainability` on the primary
count result (effects in months 1-3, 4-6, 7-12, 13+ of the post period).

Calibration: the single-series methods (ITS and STS) are run on ``n`` untreated
pseudo-areas of the same force -- random groups of as many LSOAs as the target, target
and buffer excluded -- from the same start month
(:func:`realimpact.evaluate.calibration.placebo_calibration`). The share flagged as a
significant change is the method's false-positive rate on this force's data; the verdict
sets aside a method whose rate is significantly above alpha (the Clopper-Pearson interval
lies above it). The placebo runs use each method on the
area's series alone (no comparison series), so the rate describes the method family on
these data rather than the exact specification run on the target.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import pandas as pd

from realimpact.data.geography import force_of
from realimpact.data.series import lsoa_panel
from realimpact.evaluate._result import EffectResult
from realimpact.evaluate.calibration import CalibrationResult, placebo_calibration
from realimpact.evaluate.sustainability import SustainabilityResult, sustainability
from realimpact.exceptions import ConfigError, MethodWarning
from realimpact.workspace import Workspace

__all__ = ["CALIBRATED_METHODS", "area_calibration", "area_sustainability"]

CALIBRATED_METHODS: tuple[str, ...] = ("its", "sts")


def area_sustainability(result: EffectResult | None) -> SustainabilityResult | None:
    """Effects by post-period window, or ``None`` when the result has no usable series."""
    if result is None or result.series is None:
        return None
    try:
        return sustainability(result)
    except ConfigError:
        return None


def area_calibration(
    workspace: Workspace,
    *,
    target: Sequence[str],
    group_size: int,
    exclude: Sequence[str],
    crime_types: Sequence[str],
    methods: Sequence[str],
    start: str,
    end: str | None,
    n_areas: int,
    alpha: float,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> dict[str, CalibrationResult]:
    """False-positive rate of each single-series method on untreated areas of the store."""
    wanted = [m for m in methods if m in CALIBRATED_METHODS]
    if n_areas <= 0 or not wanted:
        return {}
    panel = lsoa_panel(workspace, crime_types=list(crime_types), end=end)
    forces = {f for f in force_of(target).values() if f}
    pfa = force_of(panel["lsoa"].unique())
    panel = panel[panel["lsoa"].map(pfa).isin(forces)]
    out: dict[str, CalibrationResult] = {}
    for m in wanted:
        if progress is not None:
            progress(f"calibrating {m}")
        with warnings.catch_warnings():
            # each placebo run's own caveats are not the user's concern; the rate is
            warnings.simplefilter("ignore", MethodWarning)
            out[m] = _placebo(panel, m, group_size, exclude, start, end, n_areas, alpha, seed)
    return out


def _placebo(
    panel: pd.DataFrame,
    method: str,
    group_size: int,
    exclude: Sequence[str],
    start: str,
    end: str | None,
    n_areas: int,
    alpha: float,
    seed: int,
) -> CalibrationResult:
    return placebo_calibration(
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
    )
