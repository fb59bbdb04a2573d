"""Harm units: counts and harm-weighted estimates, activity offences kept apart."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from realimpact.data.weights import get_weight_table
from realimpact.evaluate._result import EffectResult, EffectSeries
from realimpact.evaluate.harm import harm_effect, harm_series

CCHI = get_weight_table("cchi")


def _effect(est: float, low: float, high: float, obs: float = 10.0) -> EffectResult:
    t = ["2022-01", "2022-02", "2022-03"]
    s = EffectSeries.from_arrays(
        t, [obs] * 3, [obs - est] * 3, [obs - est - 1] * 3, [obs - est + 1] * 3, "2022-02"
    )
    return EffectResult("its", "test", est, low, high, None, "crimes per month", series=s)


def test_harm_series_keeps_activity_offences_out_of_harm_totals() -> None:
    data = pd.DataFrame(
        {
            "month": ["2022-01"] * 4 + ["2022-02"] * 2,
            "crime_type": [
                "Robbery",
                "Drugs",
                "Anti-social behaviour",
                "Burglary",
                "Robbery",
                "Drugs",
            ],
            "n": [2, 10, 7, 1, 1, 4],
        }
    )
    out = harm_series(data, time="month", crime_type="crime_type", count="n", weights=CCHI)
    jan = out.set_index("time").loc["2022-01"]
    assert jan["harm"] == pytest.approx(2 * 365.0 + 1 * CCHI.weights["Burglary"])
    assert jan["count"] == 3  # Robbery + Burglary; ASB is unscored by CCHI, Drugs is activity
    assert jan["activity"] == 10
    assert list(out["time"]) == ["2022-01", "2022-02"]


def test_harm_effect_weights_estimates_and_squares_weights_in_the_variance() -> None:
    z = 1.959963984540054
    rob = _effect(-2.0, -2.0 - z * 1.0, -2.0 + z * 1.0)  # se 1
    bur = _effect(-4.0, -4.0 - z * 2.0, -4.0 + z * 2.0)  # se 2
    drugs = _effect(5.0, 1.0, 9.0)
    h = harm_effect({"Robbery": rob, "Burglary": bur, "Drugs": drugs}, CCHI)
    wr, wb = 365.0, CCHI.weights["Burglary"]
    assert h.harm.estimate == pytest.approx(-2 * wr - 4 * wb)
    se = math.sqrt(wr**2 * 1 + wb**2 * 4)
    assert h.harm.ci_high == pytest.approx(h.harm.estimate + z * se, rel=1e-9)
    assert set(h.activity) == {"Drugs"}
    assert "Drugs" not in h.contributions
    assert h.harm.series is not None
    assert h.harm.series.observed[0] == pytest.approx(10 * (wr + wb))
    assert "Activity (police-found offences; not harm)" in h.summary()


def test_harm_effect_reports_unscored_types_as_counts_only() -> None:
    h = harm_effect({"Robbery": _effect(-1, -2, 0), "Anti-social behaviour": _effect(-3, -5, -1)})
    assert set(h.unscored) == {"Anti-social behaviour"}
    assert h.to_dict()["weights"] == "cchi"
