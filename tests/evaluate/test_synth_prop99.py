"""Validation: California's Proposition 99 (Abadie, Diamond & Hainmueller 2010).

Data: ``tests/evaluate/data/smoking_data.csv`` (see PROVENANCE.md there). Published
answer (paper, Table 2 and Figures 2, 8): synthetic California = Utah .334, Nevada .234,
Montana .199, Colorado .164, Connecticut .069, all other states 0; the gap in cigarette
sales is about -26 packs per capita by 2000 and averages about -19 over 1989-2000;
California's post/pre RMSPE ratio is the highest of all 39 states, p = 1/39 = 0.026.

Peer reference: ``tests/evaluate/results/prop99_pysyncon.json``, made by
``prop99_pysyncon.py`` beside it (pysyncon 1.7). pysyncon's own Nelder-Mead search stops
at a worse V (higher pre-period MSPE) than ours, so its weights are not the paper's; we
check that our optimum is at least as good as pysyncon's, and that at the same fixed V
both tools give the same weights (the inner problem has a unique answer).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realimpact.evaluate.synth import Predictor, SynthResult, simplex_weights, synthetic_control
from realimpact.evaluate.synth._solver import standardise

HERE = Path(__file__).resolve().parent
PAPER_WEIGHTS = {
    "Utah": 0.334,
    "Nevada": 0.234,
    "Montana": 0.199,
    "Colorado": 0.164,
    "Connecticut": 0.069,
}
WEIGHT_TOLERANCE = 0.03
YEARS_80_88 = tuple(range(1980, 1989))
PREDICTORS = (
    Predictor("lnincome", YEARS_80_88),
    Predictor("age15to24", YEARS_80_88),
    Predictor("retprice", YEARS_80_88),
    Predictor("beer", tuple(range(1984, 1989))),
    Predictor("cigsale", (1975,)),
    Predictor("cigsale", (1980,)),
    Predictor("cigsale", (1988,)),
)


def smoking() -> pd.DataFrame:
    df = pd.read_csv(HERE / "data" / "smoking_data.csv")
    df["year"] = df["year"].astype(int)
    return df


def pysyncon_reference() -> dict[str, object]:
    data = json.loads((HERE / "results" / "prop99_pysyncon.json").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def prop99() -> SynthResult:
    return synthetic_control(
        smoking(),
        unit="state",
        time="year",
        outcome="cigsale",
        treated="California",
        start=1989,
        predictors=PREDICTORS,
    )


def test_data_has_39_states_31_years_and_california_as_one_of_them() -> None:
    df = smoking()
    assert df["state"].nunique() == 39
    assert sorted(df["year"].unique()) == list(range(1970, 2001))
    assert "California" in set(df["state"])


def test_prop99_weights_match_the_paper_within_0_03(prop99: SynthResult) -> None:
    weights = dict(prop99.weights or {})
    for state, published in PAPER_WEIGHTS.items():
        assert weights[state] == pytest.approx(published, abs=WEIGHT_TOLERANCE), state
    others = [w for s, w in weights.items() if s not in PAPER_WEIGHTS]
    assert max(others) < WEIGHT_TOLERANCE
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-9)


def test_prop99_gap_is_about_minus_26_packs_by_2000_and_minus_19_on_average(
    prop99: SynthResult,
) -> None:
    assert prop99.series is not None
    gap_2000 = prop99.series.effect[prop99.series.time.index("2000")]
    assert gap_2000 == pytest.approx(-26.0, abs=1.5)
    assert prop99.estimate == pytest.approx(-19.0, abs=1.0)
    assert prop99.relative_estimate is not None and prop99.relative_estimate < -15


def test_prop99_placebo_p_value_is_1_in_39_as_published(prop99: SynthResult) -> None:
    assert len(prop99.placebos) == 38
    assert prop99.p_value == pytest.approx(1 / 39)
    assert all(p.ratio < prop99.rmspe_ratio for p in prop99.placebos)
    # Among placebos whose pre-period MSPE is at most 5x California's (the paper's
    # Figure 7 cut) California still ranks first: p = 1 / (1 + number kept).
    kept = prop99.extra["placebos_in_interval"]
    assert 20 <= kept < 38
    assert prop99.extra["p_value_well_fitting"] == pytest.approx(1 / (1 + kept))


def test_prop99_placebo_fits_keep_the_restart_chain_of_every_start(prop99: SynthResult) -> None:
    # Restarting Nelder-Mead only from the start that led after its first run (a speed
    # shortcut tried and reverted) stopped Texas's placebo at pre-period MSPE 5.14
    # instead of 4.00, and Arkansas and Idaho 2-3% higher; every start's chain finds
    # the lower loss. Tolerance: 1% of the MSPE found with the full search.
    mspe = {p.unit: p.pre_rmspe**2 for p in prop99.placebos}
    assert mspe["Texas"] <= 4.003 * 1.01
    assert mspe["Arkansas"] <= 4.424 * 1.01
    assert mspe["Idaho"] <= 5.314 * 1.01


def test_prop99_placebo_interval_lies_below_zero_and_contains_the_estimate(
    prop99: SynthResult,
) -> None:
    assert prop99.ci_low is not None and prop99.ci_high is not None
    assert prop99.ci_low < prop99.estimate < prop99.ci_high < 0
    assert prop99.significant


def test_prop99_fit_is_at_least_as_good_as_pysyncons_own_search(prop99: SynthResult) -> None:
    ref = pysyncon_reference()
    best_peer = min(
        float(ref[key]["loss_V"])  # type: ignore[index]
        for key in ("nelder_mead_equal", "nelder_mead_ols")
    )
    assert prop99.extra["loss_v"] <= best_peer + 1e-9
    assert prop99.pre_rmspe == pytest.approx(np.sqrt(prop99.extra["loss_v"]), rel=1e-9)


def _inner_problem(ref: dict[str, object]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    df = smoking()
    rows = [
        df.pivot(index="year", columns="state", values=p.variable).loc[list(p.periods or ())].mean()
        for p in PREDICTORS
    ]
    x = pd.DataFrame(rows)
    donors = list(ref["weights"])  # type: ignore[call-overload]
    x0, x1 = standardise(x[donors].to_numpy(), x["California"].to_numpy())
    return x0, x1, donors


def _inner_loss(x0: np.ndarray, x1: np.ndarray, v: np.ndarray, w: np.ndarray) -> float:
    r = x1 - x0 @ w
    return float(r @ (v * r))


@pytest.mark.parametrize("name", ["equal", "outcome_heavy"])
def test_inner_weights_are_at_least_as_good_as_pysyncons_at_the_same_fixed_v(name: str) -> None:
    ref = pysyncon_reference()["fixed_v"][name]  # type: ignore[index]
    x0, x1, donors = _inner_problem(ref)
    v = np.array(ref["V"])
    peer = np.array([ref["weights"][d] for d in donors])
    ours = simplex_weights(x0, x1, v)
    assert _inner_loss(x0, x1, v, ours) <= _inner_loss(x0, x1, v, peer) + 1e-9


def test_inner_weights_match_pysyncon_where_its_slsqp_converges() -> None:
    # At equal V pysyncon's SLSQP reaches the optimum; weights agree within 0.002.
    # (At the sparse "outcome_heavy" V its SLSQP stops early at a worse point.)
    ref = pysyncon_reference()["fixed_v"]["equal"]  # type: ignore[index]
    x0, x1, donors = _inner_problem(ref)
    ours = simplex_weights(x0, x1, np.array(ref["V"]))
    assert np.allclose(ours, [ref["weights"][d] for d in donors], atol=2e-3)


def test_prop99_leave_one_out_keeps_a_clear_fall(prop99: SynthResult) -> None:
    assert set(prop99.leave_one_out) == set(PAPER_WEIGHTS)
    assert max(prop99.leave_one_out.values()) < -10
    assert all(d.ok for d in prop99.diagnostics)
    assert prop99.warnings == ()


def test_prop99_result_serialises_with_shared_field_names(prop99: SynthResult) -> None:
    out = prop99.to_dict()
    for key in ("estimate", "ci_low", "ci_high", "p_value", "weights", "series", "warnings"):
        assert key in out
    assert out["maryland_level"] == 3
    assert json.dumps(out)
    assert "Utah" in prop99.summary()


def test_prop99_with_default_predictors_uses_covariate_means_and_outcome_lags() -> None:
    # Covariates averaged over the values present in 1970-88 (lnincome starts in 1972,
    # beer is left out because it starts in 1984), outcome lags sharing one V weight.
    res = synthetic_control(
        smoking(),
        unit="state",
        time="year",
        outcome="cigsale",
        treated="California",
        start=1989,
        covariates=["lnincome", "retprice", "age15to24"],
        placebo=False,
        leave_one_out=False,
    )
    assert list(res.v_weights)[:3] == [
        "lnincome (pre-period mean)",
        "retprice (pre-period mean)",
        "age15to24 (pre-period mean)",
    ]
    assert len(res.v_weights) == 3 + 19
    assert sum(res.v_weights.values()) == pytest.approx(1.0)
    assert res.pre_rmspe < 3.0
    assert res.estimate < -10


def test_prop99_placebo_frame_holds_every_units_gap_series(prop99: SynthResult) -> None:
    frame = prop99.placebo_frame()
    assert len(frame) == 39 * 31
    california = frame[frame["treated"]]
    assert set(california["unit"]) == {"California"}
    assert prop99.series is not None
    assert california["gap"].tolist() == pytest.approx(list(prop99.series.effect))
    utah = frame[frame["unit"] == "Utah"]
    post = utah[utah["time"] >= "1989"]["gap"]
    placebo = next(p for p in prop99.placebos if p.unit == "Utah")
    assert post.mean() == pytest.approx(placebo.mean_gap)
