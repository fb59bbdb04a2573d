"""The synthetic-control assumption checks, one rule at a time."""

from __future__ import annotations

import numpy as np

from realimpact.evaluate.synth._diagnostics import run_diagnostics


def _checks(z_treated: np.ndarray, z_donors: np.ndarray, pre_rmspe: float) -> dict[str, bool]:
    diags, warns = run_diagnostics(
        pre_rmspe=pre_rmspe,
        z_treated=z_treated,
        z_donors=z_donors,
        ci_level=0.95,
        placebo=True,
        estimate=-1.0,
        loo={"a": -1.2, "b": -0.8},
    )
    assert {w.split(":")[0] for w in warns} == {d.name for d in diags if not d.ok}
    return {d.name: d.ok for d in diags}


def test_pre_fit_of_small_counts_is_judged_against_the_poisson_noise_floor() -> None:
    rng = np.random.default_rng(3)
    donors = rng.poisson(4.0, size=(24, 40)).astype(float)
    treated = rng.poisson(4.0, size=24).astype(float)
    # RMSPE 2.5 on a mean of about 4 is ~60% of the level, but within 1.5 * sqrt(4) = 3.
    assert _checks(treated, donors, pre_rmspe=2.5)["pre_period_fit"]
    assert not _checks(treated, donors, pre_rmspe=4.0)["pre_period_fit"]


def test_pre_fit_of_continuous_outcomes_needs_rmspe_within_ten_percent() -> None:
    rng = np.random.default_rng(4)
    donors = rng.normal(100.0, 10.0, size=(20, 30))
    treated = rng.normal(100.0, 10.0, size=20) + 0.5
    assert _checks(treated, donors, pre_rmspe=9.0)["pre_period_fit"]
    assert not _checks(treated, donors, pre_rmspe=11.0)["pre_period_fit"]


def test_few_donors_and_short_pre_period_fail_their_checks() -> None:
    donors = np.arange(15.0).reshape(5, 3)
    checks = _checks(donors.mean(axis=1), donors, pre_rmspe=0.1)
    assert not checks["donor_pool"] and not checks["pre_periods"]
    assert checks["convex_hull"]


def test_leave_one_out_sign_flip_fails_its_check() -> None:
    diags, _ = run_diagnostics(
        pre_rmspe=1.0,
        z_treated=np.full(12, 50.0),
        z_donors=np.full((12, 20), 50.0),
        ci_level=0.95,
        placebo=True,
        estimate=-1.0,
        loo={"a": -2.0, "b": 0.5},
    )
    assert not {d.name: d.ok for d in diags}["leave_one_out"]
