"""Assumption checks for a synthetic-control fit.

Abadie (2021, "Using synthetic controls", JEL 59(2)) lists when the method should not be
trusted: a poor pre-period fit, a treated unit outside the range of the donors (the
convex hull, so no weighted average can reproduce it), too few donors for placebo
inference to mean anything, and a short pre-period. Each check returns a
:class:`Diagnostic`; failed checks also give a warning text.

Pre-period fit passes when the RMSPE is at most 10% of the treated unit's mean outcome,
or, for counts (non-negative integers), at most 1.5 times the Poisson noise floor
``sqrt(mean)``: no weighting of other areas can predict an area's own sampling noise, so
small-count areas are judged against that floor rather than a fixed percentage.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from realimpact.evaluate._result import Diagnostic

__all__ = ["FIT_TOLERANCE", "MIN_DONORS", "MIN_PRE", "run_diagnostics"]

FIT_TOLERANCE = 0.10
NOISE_MULTIPLE = 1.5
HULL_SHARE = 0.10
MIN_DONORS = 10
MIN_PRE = 10


def _pre_fit(pre_rmspe: float, z_treated: NDArray[np.float64]) -> Diagnostic:
    level = float(np.mean(np.abs(z_treated))) if z_treated.size else 0.0
    rel = pre_rmspe / level if level > 0 else float("inf")
    is_count = bool(z_treated.size) and bool(
        np.all(z_treated >= 0) and np.all(np.mod(z_treated, 1) == 0)
    )
    floor = float(np.sqrt(level)) if is_count else 0.0
    ok = rel <= FIT_TOLERANCE or (is_count and pre_rmspe <= NOISE_MULTIPLE * floor)
    message = f"pre-period RMSPE is {rel:.1%} of the treated unit's mean outcome"
    if is_count:
        message += f" (Poisson noise alone gives about {floor:.3g}, i.e. {floor / level:.0%})"
    if not ok:
        message += f"; above {FIT_TOLERANCE:.0%}: the synthetic control does not track it"
    return Diagnostic("pre_period_fit", ok, message, rel)


def _hull(
    z_treated: NDArray[np.float64],
    z_donors: NDArray[np.float64],
    predictors: Mapping[str, tuple[float, float, float]],
) -> Diagnostic:
    above = z_treated > z_donors.max(axis=1)
    below = z_treated < z_donors.min(axis=1)
    share = float(np.mean(above | below)) if z_treated.size else 0.0
    outside = [name for name, (x, lo, hi) in predictors.items() if x < lo or x > hi]
    ok = share <= HULL_SHARE and not outside
    message = f"the treated unit is above or below every donor in {share:.0%} of pre-periods"
    if outside:
        message += f"; predictors outside the donors' range: {', '.join(outside[:5])}"
    if not ok:
        message += "; it lies outside the donors' convex hull, so no weighting can match it"
    return Diagnostic("convex_hull", ok, message, share)


def _donors(n_donors: int, ci_level: float, placebo: bool) -> Diagnostic:
    smallest_p = 1.0 / (n_donors + 1)
    ok = n_donors >= MIN_DONORS and (not placebo or smallest_p <= 1.0 - ci_level)
    message = f"{n_donors} donors; the smallest attainable placebo p-value is {smallest_p:.3f}"
    if not ok:
        message += "; too few donors for placebo inference at this level"
    return Diagnostic("donor_pool", ok, message, float(n_donors))


def _pre_periods(n_pre: int) -> Diagnostic:
    ok = n_pre >= MIN_PRE
    message = f"{n_pre} pre-intervention periods"
    if not ok:
        message += f" (fewer than {MIN_PRE}): weights may fit noise rather than trends"
    return Diagnostic("pre_periods", ok, message, float(n_pre))


def _loo(estimate: float, loo: Mapping[str, float]) -> Diagnostic:
    if not loo:
        return Diagnostic("leave_one_out", True, "not run", None)
    low, high = min(loo.values()), max(loo.values())
    ok = not (low < 0 < high) or estimate == 0
    message = f"dropping each weighted donor gives effects from {low:.3g} to {high:.3g}"
    if not ok:
        message += "; the sign depends on a single donor"
    return Diagnostic("leave_one_out", ok, message, high - low)


def run_diagnostics(
    *,
    pre_rmspe: float,
    z_treated: NDArray[np.float64],
    z_donors: NDArray[np.float64],
    ci_level: float,
    placebo: bool,
    estimate: float,
    loo: Mapping[str, float],
    predictors: Mapping[str, tuple[float, float, float]] | None = None,
) -> tuple[tuple[Diagnostic, ...], tuple[str, ...]]:
    """All checks, and the warning text of those that failed.

    ``predictors`` maps a predictor's label to (treated value, donor minimum, donor
    maximum) for the range check.
    """
    checks = (
        _pre_fit(pre_rmspe, z_treated),
        _hull(z_treated, z_donors, predictors or {}),
        _donors(z_donors.shape[1], ci_level, placebo),
        _pre_periods(z_treated.size),
        _loo(estimate, loo),
    )
    return checks, tuple(f"{d.name}: {d.message}" for d in checks if not d.ok)
