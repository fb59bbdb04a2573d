"""Synthetic control on real count panels: Cleveland police.uk crimes per MSOA per month.

The panel is built from the shipped police.uk street files (see the PROVENANCE.md beside
them): every MSOA (LSOA name without its final letter) with crimes recorded in all 35
months, 2023-01 to 2025-11 (about 75 units). The "operation" is pretend: a known
reduction is applied to one real MSOA's counts from 2025-01, so the true effect is known.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import realimpact
from realimpact.evaluate.synth import SynthResult, synthetic_control
from realimpact.exceptions import MethodWarning

STREET = Path(realimpact.__file__).parent / "sample_data" / "policeuk" / "cleveland" / "street"
START = "2025-01"
TREATED = "Redcar and Cleveland 006"  # the median MSOA by total crimes


@pytest.fixture(scope="module")
def msoa_panel() -> pd.DataFrame:
    query = f"""
        select regexp_replace("LSOA name", '[A-Z]$', '') as msoa, "Month" as month,
               count(*)::double as crimes
        from read_csv('{STREET}/*.csv.gz', union_by_name = true, all_varchar = true)
        where "LSOA name" is not null
        group by all
    """
    df = duckdb.sql(query).df()
    months = df.groupby("msoa")["month"].nunique()
    full = months[months == df["month"].nunique()].index
    return df[df["msoa"].isin(full)].sort_values(["msoa", "month"]).reset_index(drop=True)


def _with_effect(panel: pd.DataFrame, factor: float) -> pd.DataFrame:
    out = panel.copy()
    hit = (out["msoa"] == TREATED) & (out["month"] >= START)
    out.loc[hit, "crimes"] = np.round(out.loc[hit, "crimes"] * factor)
    return out


def _fit(panel: pd.DataFrame, treated: str = TREATED, **kw: object) -> SynthResult:
    return synthetic_control(
        panel, unit="msoa", time="month", outcome="crimes", treated=treated, start=START, **kw
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def no_effect(msoa_panel: pd.DataFrame) -> SynthResult:
    return _fit(msoa_panel)


@pytest.fixture(scope="module")
def thirty_percent_fall(msoa_panel: pd.DataFrame) -> SynthResult:
    return _fit(_with_effect(msoa_panel, 0.7))


def test_panel_is_real_and_balanced(msoa_panel: pd.DataFrame) -> None:
    assert msoa_panel["msoa"].nunique() > 60
    assert msoa_panel["month"].nunique() == 35
    assert TREATED in set(msoa_panel["msoa"])


def test_synth_effect_shifts_by_exactly_the_injected_change(
    msoa_panel: pd.DataFrame, no_effect: SynthResult, thirty_percent_fall: SynthResult
) -> None:
    # The counterfactual uses only pre-period data, so changing post-period counts of the
    # treated unit moves the estimate by exactly the mean change (tolerance 1e-9).
    treated = msoa_panel[(msoa_panel["msoa"] == TREATED) & (msoa_panel["month"] >= START)]
    injected = float((np.round(treated["crimes"] * 0.7) - treated["crimes"]).mean())
    shift = thirty_percent_fall.estimate - no_effect.estimate
    assert shift == pytest.approx(injected, abs=1e-9)
    assert no_effect.weights == thirty_percent_fall.weights


def test_synth_detects_a_thirty_percent_fall_and_its_interval_covers_the_truth(
    msoa_panel: pd.DataFrame, thirty_percent_fall: SynthResult, no_effect: SynthResult
) -> None:
    treated = msoa_panel[(msoa_panel["msoa"] == TREATED) & (msoa_panel["month"] >= START)]
    injected = float((np.round(treated["crimes"] * 0.7) - treated["crimes"]).mean())
    r = thirty_percent_fall
    assert r.ci_low is not None and r.ci_high is not None
    assert r.ci_high < 0
    assert r.ci_low <= injected <= r.ci_high
    # The RMSPE-ratio test is a different statistic from the mean gap: other MSOAs with
    # real changes rank high too, so here p is about 0.08, well below the no-effect p.
    assert r.p_value is not None and no_effect.p_value is not None
    assert r.p_value < no_effect.p_value / 2


def test_synth_without_an_effect_finds_no_significant_change(no_effect: SynthResult) -> None:
    assert no_effect.ci_low is not None and no_effect.ci_high is not None
    assert no_effect.ci_low < 0 < no_effect.ci_high
    assert no_effect.p_value is not None and no_effect.p_value > 0.05


def test_synth_weights_are_a_sparse_convex_combination(no_effect: SynthResult) -> None:
    w = np.array(list((no_effect.weights or {}).values()))
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-9)
    # A basic solution of the NNLS problem has at most n_pre + 1 = 25 positive weights.
    assert (w > 0).sum() <= 25
    assert no_effect.maryland_level == 3


def test_synth_warns_when_the_treated_unit_is_outside_the_donors_hull(
    msoa_panel: pd.DataFrame,
) -> None:
    total = msoa_panel.groupby("month", as_index=False)["crimes"].sum()
    total["msoa"] = "Cleveland total"
    panel = pd.concat([msoa_panel, total], ignore_index=True)
    with pytest.warns(MethodWarning, match="convex_hull"):
        r = _fit(panel, treated="Cleveland total", placebo=False)
    failed = {d.name for d in r.diagnostics if not d.ok}
    assert {"convex_hull", "pre_period_fit"} <= failed
    assert any(w.startswith("convex_hull") for w in r.warnings)
    assert r.p_value is None and r.ci_low is None


def test_synth_warns_about_few_donors_and_a_short_pre_period(msoa_panel: pd.DataFrame) -> None:
    keep = [*sorted(set(msoa_panel["msoa"]))[:5], TREATED]
    small = msoa_panel[msoa_panel["msoa"].isin(keep) & (msoa_panel["month"] >= "2024-06")]
    with pytest.warns(MethodWarning, match="donor_pool"):
        r = _fit(small)
    failed = {d.name for d in r.diagnostics if not d.ok}
    assert {"donor_pool", "pre_periods"} <= failed
    assert len(r.placebos) == len(set(small["msoa"])) - 1


def test_synth_intervals_cover_zero_for_most_areas_when_nothing_was_done(
    msoa_panel: pd.DataFrame,
) -> None:
    # Calibration on real data: treat every MSOA in turn as if an operation began in
    # 2025-01 (none did). Nominal 95% intervals should cover zero for about 95% of them
    # (measured: 70 of 75, 93%); the RMSPE-ratio p-value is below 0.05 for about 5%
    # (measured 3 of 75). Tolerances: coverage >= 85%, false-positive rate <= 10%, which
    # allow for sampling error with 75 areas and for real local changes.
    covered, small_p = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        for area in sorted(set(msoa_panel["msoa"])):
            r = _fit(msoa_panel, treated=area, leave_one_out=False)
            assert r.ci_low is not None and r.ci_high is not None and r.p_value is not None
            covered.append(r.ci_low <= 0 <= r.ci_high)
            small_p.append(r.p_value < 0.05)
    assert np.mean(covered) >= 0.85
    assert np.mean(small_p) <= 0.10
