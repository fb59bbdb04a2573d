"""Specifications for effects by post-period window (sustainability)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from realimpact.evaluate._result import EffectResult, EffectSeries
from realimpact.evaluate.sts import structural_time_series
from realimpact.evaluate.sustainability import sustainability
from realimpact.exceptions import ConfigError


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore")


def _result(effects: list[float], band: float = 1.0) -> EffectResult:
    pre = [0.0] * 6
    obs = [20.0 + e for e in pre + effects]
    n = len(obs)
    series = EffectSeries.from_arrays(
        range(n), obs, [20.0] * n, [20.0 - band] * n, [20.0 + band] * n, 6
    )
    return EffectResult(
        "demo", "demo", float(np.mean(effects)), None, None, None, "crimes", series=series
    )


def test_windows_follow_the_default_month_bands() -> None:
    res = sustainability(_result([-5.0] * 15))
    assert [w.label for w in res.windows] == [
        "months 1-3",
        "months 4-6",
        "months 7-12",
        "months 13+",
    ]
    assert [w.n_periods for w in res.windows] == [3, 3, 6, 3]
    assert all(w.estimate == pytest.approx(-5.0) for w in res.windows)
    assert res.pattern == "persistent"


def test_effect_that_fades_is_reported_as_decaying() -> None:
    res = sustainability(_result([-6.0] * 3 + [-3.0] * 3 + [0.0] * 9))
    assert res.pattern == "decaying"
    assert res.windows[0].significant and not res.windows[-1].significant
    assert "decays" in res.summary()


def test_effect_that_appears_late_is_reported_as_emerging() -> None:
    assert sustainability(_result([0.0] * 6 + [-4.0] * 6)).pattern == "emerging"


def test_windows_beyond_the_post_period_are_dropped() -> None:
    res = sustainability(_result([-2.0] * 5))
    assert [w.label for w in res.windows] == ["months 1-3", "months 4-6"]
    assert res.windows[-1].n_periods == 2


def test_intervals_without_draws_come_from_pointwise_bounds_and_say_so() -> None:
    res = sustainability(_result([-5.0] * 4, band=2.0))
    assert res.interval_source == "pointwise bounds (conservative)"
    assert (res.windows[0].ci_low, res.windows[0].ci_high) == pytest.approx((-7.0, -3.0))


def test_sts_windows_use_simulation_draws_and_find_a_short_lived_fall() -> None:
    # Truth: counts fall from 40 to 20 for three months, then return to 40.
    rng = np.random.default_rng(12)
    mu = np.full(42, 40.0)
    mu[30:33] = 20.0
    data = pd.DataFrame({"t": range(42), "n": rng.poisson(mu)})
    res = sustainability(structural_time_series(data, time="t", outcome="n", start=30, seed=1))
    assert res.interval_source == "simulation draws"
    first, last = res.windows[0], res.windows[-1]
    assert first.ci_low is not None and first.ci_high is not None
    assert first.ci_low < -20 < first.ci_high
    assert first.significant and not last.significant
    assert res.pattern == "decaying"


def test_result_serialises_to_json() -> None:
    out = sustainability(_result([-5.0] * 8)).to_dict()
    text = json.dumps(out)
    assert '"pattern": "persistent"' in text
    assert out["windows"][0]["significant"] is True


def test_bad_windows_are_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        sustainability(_result([-1.0] * 6), windows=((0, 3), (5, 4)))
    assert len(info.value.problems) == 2
