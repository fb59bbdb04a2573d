"""Specifications for the structural time series (CausalImpact-style) method."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realimpact.evaluate.sts import back_transform, forward_transform, structural_time_series
from realimpact.exceptions import ConfigError

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore")


def _arma() -> pd.DataFrame:
    data = pd.read_csv(HERE / "data" / "arma_data.csv")
    data.loc[70:, "y"] += 5.0  # the README's intervention; the file does not include it
    return data.assign(t=range(len(data)))


def test_sts_reproduces_the_tfcausalimpact_arma_example() -> None:
    ref = json.loads((HERE / "results" / "tfcausalimpact_arma.json").read_text())
    # tfcausalimpact fits a local level with regression on X: the same model here.
    res = structural_time_series(
        _arma(), time="t", outcome="y", start=70, covariates=["X"], trend="level", seed=0
    )
    # Tolerance: 0.2 in outcome units for the effect and each interval bound, 0.3
    # percentage points for the relative effect (MLE vs the Bayesian fit, Monte Carlo).
    assert res.params["count_transform"] == "none"
    assert res.estimate == pytest.approx(ref["average_absolute_effect"], abs=0.2)
    assert res.ci_low == pytest.approx(ref["average_absolute_effect_ci95"][0], abs=0.2)
    assert res.ci_high == pytest.approx(ref["average_absolute_effect_ci95"][1], abs=0.2)
    assert res.relative_estimate == pytest.approx(ref["relative_effect_percent"], abs=0.3)
    assert res.p_value is not None and res.p_value < 0.01
    assert res.maryland_level == 3


def _counts(rng: np.random.Generator, mean: float, post_ratio: float = 1.0) -> pd.DataFrame:
    months = pd.period_range("2021-01", periods=36, freq="M").astype(str)
    mu = np.where(np.arange(36) >= 24, mean * post_ratio, mean)
    return pd.DataFrame({"month": months, "n": rng.poisson(mu)})


def test_sts_intervals_on_small_counts_are_never_negative() -> None:
    data = _counts(np.random.default_rng(1), 1.5)
    res = structural_time_series(data, time="month", outcome="n", start="2023-01")
    assert res.params["count_transform"] == "anscombe"
    assert res.series is not None
    assert min(res.series.lower) >= 0
    assert min(res.series.counterfactual) >= 0


def test_sts_without_a_transform_gives_impossible_negative_counts() -> None:
    # Why the transform matters: a Gaussian model of counts near 1 puts its lower
    # bounds below zero.
    data = _counts(np.random.default_rng(1), 1.5)
    res = structural_time_series(
        data, time="month", outcome="n", start="2023-01", count_transform="none"
    )
    assert res.series is not None
    assert min(res.series.lower) < 0


def test_sts_intervals_on_small_counts_are_calibrated_under_no_effect() -> None:
    # 30 null series of Poisson(3) counts: about 1.5 should be flagged; we accept at
    # most 4 (P(X > 4) < 0.02 for X ~ Binomial(30, 0.05)).
    rng = np.random.default_rng(7)
    flagged = sum(
        structural_time_series(
            _counts(rng, 3.0), time="month", outcome="n", start="2023-01", n_draws=500, seed=i
        ).significant
        for i in range(30)
    )
    assert flagged <= 4


def test_sts_detects_a_fall_in_counts() -> None:
    data = _counts(np.random.default_rng(3), 20.0, post_ratio=0.6)
    res = structural_time_series(data, time="month", outcome="n", start="2023-01")
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low < -8.0 < res.ci_high
    assert res.ci_high < 0
    cum_lo, cum_hi = res.extra["cumulative_ci"]
    assert cum_lo < res.extra["cumulative_effect"] < cum_hi


def test_sts_is_reproducible_with_a_seed() -> None:
    data = _counts(np.random.default_rng(4), 5.0)
    a = structural_time_series(data, time="month", outcome="n", start="2023-01", seed=9)
    b = structural_time_series(data, time="month", outcome="n", start="2023-01", seed=9)
    assert (a.estimate, a.ci_low, a.ci_high, a.p_value) == (
        b.estimate,
        b.ci_low,
        b.ci_high,
        b.p_value,
    )


@pytest.mark.parametrize("kind", ["anscombe", "log1p", "none"])
def test_transforms_round_trip(kind: str) -> None:
    y = np.array([0.0, 1.0, 2.0, 7.0, 40.0])
    np.testing.assert_allclose(back_transform(forward_transform(y, kind), kind), y, atol=1e-12)


def test_sts_reports_bad_arguments_together() -> None:
    data = _counts(np.random.default_rng(5), 5.0)
    data.loc[3, "n"] = -2
    with pytest.raises(ConfigError) as info:
        structural_time_series(
            data,
            time="month",
            outcome="n",
            start="2023-01",
            count_transform="anscombe",
            trend="cubic",  # type: ignore[arg-type]
        )
    messages = " ".join(p.message for p in info.value.problems)
    assert "negatives" in messages and "cubic" in messages


def test_sts_names_a_missing_covariate() -> None:
    with pytest.raises(ConfigError, match="covariate column 'controls'"):
        structural_time_series(
            _counts(np.random.default_rng(5), 5.0),
            time="month",
            outcome="n",
            start="2023-01",
            covariates=["controls"],
        )


def test_auto_transform_treats_mostly_whole_non_negative_values_as_counts() -> None:
    from realimpact.evaluate.sts import choose_transform

    apportioned = np.array([3.0, 4.0, 2.5, 6.0, 1.0, 0.0, 2.0, 5.0, 3.0, 7.0, 2.0])
    assert choose_transform(apportioned) == "anscombe"
    assert choose_transform(np.array([1.5, 2.25, 3.1])) == "none"
    assert choose_transform(np.array([3.0, -1.0, 2.0])) == "none"
