"""Specifications for interrupted time series on counts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from realimpact.evaluate._countglm import fit_count_glm, newey_west_lags
from realimpact.evaluate.its import SimulatedEffectResult, interrupted_time_series
from realimpact.exceptions import ConfigError

MONTHS = pd.period_range("2020-01", periods=48, freq="M").astype(str)
SEASON = 1 + 0.25 * np.sin(2 * np.pi * np.arange(48) / 12)


def _series(rng: np.random.Generator, level_rr: float, base: float = 30.0) -> pd.DataFrame:
    mu = base * SEASON * np.where(np.arange(48) >= 36, level_rr, 1.0)
    y = rng.negative_binomial(20, 20 / (20 + mu))  # NB2 with alpha = 0.05
    return pd.DataFrame({"month": MONTHS, "crimes": y})


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore")


def test_its_recovers_a_known_level_change_within_tolerance() -> None:
    # Truth: rate ratio 0.7 from 2023-01. Tolerance: the mean log rate ratio over 20
    # simulated series is within 0.08 of log(0.7) (about 2.4 standard errors: the
    # per-series sd is about 0.15) and the intervals cover 0.7 in at least 17 of 20.
    rng = np.random.default_rng(11)
    rrs, covered = [], 0
    for i in range(20):
        res = interrupted_time_series(
            _series(rng, 0.7),
            time="month",
            outcome="crimes",
            start="2023-01",
            change="level",
            n_draws=200,
            seed=i,
        )
        lvl = res.extra["level_change_rate_ratio"]
        rrs.append(np.log(lvl["estimate"]))
        covered += lvl["ci_low"] <= 0.7 <= lvl["ci_high"]
    assert abs(np.mean(rrs) - np.log(0.7)) < 0.08
    assert covered >= 17


def test_its_mean_effect_is_observed_minus_counterfactual_in_counts() -> None:
    res = interrupted_time_series(
        _series(np.random.default_rng(3), 0.6), time="month", outcome="crimes", start="2023-01"
    )
    assert res.series is not None
    frame = res.series.to_frame()
    post = frame[frame["post"]]
    assert res.estimate == pytest.approx((post["observed"] - post["counterfactual"]).mean())
    truth = -0.4 * 30 * SEASON[36:].mean()
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low < truth < res.ci_high
    assert res.relative_estimate == pytest.approx(
        100 * res.estimate / post["counterfactual"].mean()
    )
    assert res.maryland_level == 2


def test_its_interval_covers_zero_at_nominal_rate_when_model_holds() -> None:
    # 60 simulated NB series with no change: the 95% interval of the mean effect should
    # exclude zero in about 3; we accept at most 7 (binomial 99% bound for p = 0.05).
    rng = np.random.default_rng(5)
    flagged = sum(
        interrupted_time_series(
            _series(rng, 1.0),
            time="month",
            outcome="crimes",
            start="2023-01",
            n_draws=400,
            seed=i,
        ).significant
        for i in range(60)
    )
    assert flagged <= 7


def test_its_is_reproducible_with_a_seed() -> None:
    data = _series(np.random.default_rng(1), 0.8)
    a = interrupted_time_series(data, time="month", outcome="crimes", start="2023-01", seed=4)
    b = interrupted_time_series(data, time="month", outcome="crimes", start="2023-01", seed=4)
    assert (a.ci_low, a.ci_high, a.p_value) == (b.ci_low, b.ci_high, b.p_value)
    assert isinstance(a, SimulatedEffectResult)
    assert "effect_draws" not in a.to_dict()


def test_its_counterfactual_band_is_non_negative_for_counts() -> None:
    res = interrupted_time_series(
        _series(np.random.default_rng(2), 0.8, base=2.0),
        time="month",
        outcome="crimes",
        start="2023-01",
    )
    assert res.series is not None
    assert min(res.series.lower) >= 0


def test_its_with_a_comparison_series_is_maryland_level_3() -> None:
    rng = np.random.default_rng(8)
    data = _series(rng, 0.7)
    data["other"] = rng.poisson(200 * SEASON)
    res = interrupted_time_series(
        data, time="month", outcome="crimes", start="2023-01", comparison="other"
    )
    assert res.maryland_level == 3
    assert res.estimate < 0


def test_its_accepts_integer_time_without_seasonality() -> None:
    data = _series(np.random.default_rng(9), 0.7).assign(month=range(48))
    res = interrupted_time_series(data, time="month", outcome="crimes", start=36)
    assert res.params["seasonality"] == "none"
    assert res.series is not None and res.series.post_start == "36"


def test_its_falls_back_to_fourier_terms_with_a_short_pre_period() -> None:
    data = _series(np.random.default_rng(9), 0.7).iloc[18:]
    res = interrupted_time_series(data, time="month", outcome="crimes", start="2023-01")
    assert res.params["seasonality"] == "fourier"
    assert any(d.name == "seasonality" for d in res.diagnostics)


def test_its_reports_every_bad_argument_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        interrupted_time_series(
            _series(np.random.default_rng(0), 1.0),
            time="month",
            outcome="crimes",
            start="2023-01",
            family="binomial",
            seasonality="weekly",  # type: ignore[arg-type]
        )
    assert {p.column for p in info.value.problems} == {"family", "seasonality"}


def test_its_rejects_a_start_outside_the_data() -> None:
    with pytest.raises(ConfigError, match="2030-01"):
        interrupted_time_series(
            _series(np.random.default_rng(0), 1.0),
            time="month",
            outcome="crimes",
            start="2030-01",
        )


@pytest.mark.parametrize(
    ("family", "sm_family", "covariance"),
    [
        ("poisson", sm.families.Poisson(), "none"),
        ("quasipoisson", sm.families.Poisson(), "none"),
        ("negbin", sm.families.NegativeBinomial(alpha=0.05), "none"),
        ("poisson", sm.families.Poisson(), "hac"),
    ],
    ids=["poisson", "quasipoisson", "negbin", "poisson-hac"],
)
def test_count_glm_matches_statsmodels(family: str, sm_family: object, covariance: str) -> None:
    # Independent computation: statsmodels GLM. Tolerance 1e-6 (relative) on
    # coefficients and standard errors.
    rng = np.random.default_rng(0)
    x = sm.add_constant(np.column_stack([np.arange(48) / 12, np.arange(48) >= 36]).astype(float))
    y = rng.poisson(20 * np.exp(0.1 * x[:, 1])).astype(float)
    fit = fit_count_glm(y, x, family, covariance=covariance, alpha=0.05)
    kw: dict[str, object] = {"scale": "X2"} if family == "quasipoisson" else {}
    if covariance == "hac":
        kw = {
            "cov_type": "HAC",
            "cov_kwds": {"maxlags": newey_west_lags(48), "use_correction": True},
        }
    ref = sm.GLM(y, x, family=sm_family).fit(**kw)
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), ref.bse, rtol=1e-6)


def test_its_result_serialises_to_json_without_the_draws() -> None:
    import json

    res = interrupted_time_series(
        _series(np.random.default_rng(6), 0.8), time="month", outcome="crimes", start="2023-01"
    )
    out = json.loads(json.dumps(res.to_dict()))
    assert out["method"] == "interrupted_time_series"
    assert out["extra"]["level_change_rate_ratio"]["estimate"] > 0
    assert len(out["series"]["effect"]) == 48
    assert "inference calibration" in res.summary()


def test_its_on_a_sparse_series_that_falls_to_zero_flags_the_projection_instead_of_crashing() -> (
    None
):
    # Regression: sparse counts with an all-zero post period left the level/slope change
    # unidentified; simulated counterfactual means overflowed and Poisson sampling raised
    # "lam value too large" (and exp() of the rate ratio raised OverflowError).
    rng = np.random.default_rng(3)
    y = np.concatenate([rng.poisson(0.3, 24), np.zeros(11, dtype=int)])
    months = pd.period_range("2023-01", periods=35, freq="M").astype(str)
    data = pd.DataFrame({"month": months, "y": y})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = interrupted_time_series(data, time="month", outcome="y", start="2025-01", seed=0)
    flagged = [d for d in result.diagnostics if d.name == "unstable_projection"]
    assert flagged and not flagged[0].ok
    assert any("implausibly large" in w for w in result.warnings)
