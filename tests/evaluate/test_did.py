"""Specifications for difference-in-differences on counts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from realimpact.evaluate._twfe import codes_of, fit_twfe
from realimpact.evaluate.did import difference_in_differences
from realimpact.exceptions import ConfigError


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore")


def _panel(
    rng: np.random.Generator,
    rr: float,
    n_units: int = 25,
    treated: tuple[str, ...] = ("u00",),
    pretrend: float = 0.0,
) -> pd.DataFrame:
    months = pd.period_range("2022-01", periods=30, freq="M").astype(str)
    rows = []
    for i in range(n_units):
        name = f"u{i:02d}"
        size = rng.uniform(10, 40)
        for t, m in enumerate(months):
            mu = size * (1 + 0.2 * np.sin(2 * np.pi * t / 12))
            if name in treated:
                mu *= np.exp(pretrend * (t - 20) / 12) if t < 20 else 1.0
                mu *= rr if t >= 20 else 1.0
            rows.append((name, m, rng.negative_binomial(30, 30 / (30 + mu))))
    return pd.DataFrame(rows, columns=["area", "month", "crimes"])


def test_did_recovers_a_known_rate_ratio() -> None:
    # Truth: rate ratio 0.7 in 3 treated units from 2023-09. Tolerance: within 0.07 and
    # inside the 95% permutation interval.
    data = _panel(np.random.default_rng(1), 0.7, treated=("u00", "u01", "u02"))
    res = difference_in_differences(
        data,
        unit="area",
        time="month",
        outcome="crimes",
        treated=["u00", "u01", "u02"],
        start="2023-09",
        n_permutations=100,
    )
    rr = res.extra["rate_ratio"]
    assert abs(rr - 0.7) < 0.07
    lo, hi = res.extra["rate_ratio_ci"]
    assert lo < 0.7 < hi
    assert res.estimate < 0 and res.ci_high is not None and res.ci_high < 0
    assert res.relative_estimate == pytest.approx(100 * (rr - 1))
    assert res.maryland_level == 3


def test_did_permutation_uses_each_control_once_for_one_treated_unit() -> None:
    data = _panel(np.random.default_rng(2), 1.0)
    res = difference_in_differences(
        data, unit="area", time="month", outcome="crimes", treated="u00", start="2023-09"
    )
    assert res.params["inference"] == "permutation"
    assert any("24 placebo" in d.message for d in res.diagnostics)
    assert res.p_value is not None and res.p_value >= 1 / 25


def test_did_false_positive_rate_is_nominal_on_simulated_null_panels() -> None:
    # 30 null panels; the permutation interval should exclude zero in about 1.5. We
    # accept at most 5 (P(X > 5) < 0.01 for X ~ Binomial(30, 0.05)).
    flagged = 0
    for seed in range(30):
        data = _panel(np.random.default_rng(100 + seed), 1.0, n_units=20)
        flagged += difference_in_differences(
            data,
            unit="area",
            time="month",
            outcome="crimes",
            treated="u00",
            start="2023-09",
            family="poisson",
        ).significant
    assert flagged <= 5


def test_did_pre_trend_check_flags_diverging_treated_trend() -> None:
    data = _panel(np.random.default_rng(3), 1.0, treated=("u00",), pretrend=0.6)
    res = difference_in_differences(
        data, unit="area", time="month", outcome="crimes", treated="u00", start="2023-09"
    )
    check = next(d for d in res.diagnostics if d.name == "parallel pre-trends")
    assert not check.ok
    assert isinstance(check.value, float) and check.value < 0.05


def test_did_falls_back_to_cluster_errors_with_a_warning_when_controls_are_few() -> None:
    data = _panel(np.random.default_rng(4), 0.8, n_units=8)
    res = difference_in_differences(
        data, unit="area", time="month", outcome="crimes", treated="u00", start="2023-09"
    )
    assert res.params["inference"] == "cluster"
    assert any("too few" in w for w in res.warnings)


def test_did_names_unknown_treated_units() -> None:
    data = _panel(np.random.default_rng(5), 1.0, n_units=5)
    with pytest.raises(ConfigError) as info:
        difference_in_differences(
            data,
            unit="area",
            time="month",
            outcome="crimes",
            treated=["u00", "nowhere"],
            start="2023-09",
        )
    assert "nowhere" in str(info.value)


def test_poisson_did_equals_the_pooled_odds_ratio_for_two_units() -> None:
    # Independent computation: with two units, the Poisson two-way FE estimate is the
    # conditional-logit odds ratio (Y1post / Y0post) / (Y1pre / Y0pre). Tolerance 1e-8.
    rng = np.random.default_rng(6)
    y = rng.poisson(15, size=(2, 12)).astype(float)
    post = np.arange(12) >= 8
    expected = np.log(
        (y[1, post].sum() / y[0, post].sum()) / (y[1, ~post].sum() / y[0, ~post].sum())
    )
    units = np.repeat([0, 1], 12)
    times = np.tile(np.arange(12), 2)
    d = ((units == 1) & np.tile(post, 2)).astype(float)
    fit = fit_twfe(y.ravel(), d, codes_of(units), codes_of(times), "poisson")
    assert fit.delta == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_twfe_fit_matches_statsmodels_with_dummies(family: str) -> None:
    # Independent computation: statsmodels GLM with unit and period dummies.
    # Tolerance 1e-6 (absolute, log scale) on the coefficient and 1e-5 (relative) on its
    # model-based standard error.
    data = _panel(np.random.default_rng(7), 0.8, n_units=6)
    d = ((data["area"] == "u00") & (data["month"] >= "2023-09")).astype(float)
    x = pd.concat(
        [
            pd.Series(1.0, index=data.index, name="const"),
            d.rename("treat_post"),
            pd.get_dummies(data["area"], prefix="a", drop_first=True, dtype=float),
            pd.get_dummies(data["month"], prefix="m", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    fam = sm.families.Poisson() if family == "poisson" else sm.families.NegativeBinomial(alpha=0.04)
    ref = sm.GLM(data["crimes"].astype(float), x, family=fam).fit()
    fit = fit_twfe(
        data["crimes"].to_numpy(float),
        d.to_numpy(),
        codes_of(data["area"]),
        codes_of(data["month"]),
        family,
        alpha=0.04,
    )
    assert fit.delta == pytest.approx(ref.params["treat_post"], abs=1e-6)
    assert fit.se == pytest.approx(ref.bse["treat_post"], rel=1e-5)
