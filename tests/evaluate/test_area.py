"""Evaluating a real Cleveland area end to end (police.uk sample shipped in the package)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realimpact.data.areas import area_from_lsoas, buffer_area, save_area
from realimpact.data.importing import import_paths
from realimpact.evaluate.area import AreaEvaluation, evaluate_area
from realimpact.evaluate.calibration import leave_one_out_calibration
from realimpact.workspace import Workspace, open_workspace

STREET = Path(__file__).parents[2] / "src/realimpact/sample_data/policeuk/cleveland/street"
# Middlesbrough 013 (MSOA): LSOAs 013A-C, unchanged between the 2011 and 2021 vintages.
TARGET = ("E01012046", "E01012047", "E01012048")
HARM_TYPES_CCHI = {  # every police.uk type with a CCHI score that is not an activity type
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Other crime",
    "Other theft",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = open_workspace(tmp_path_factory.mktemp("area") / "ws", create=True)
    import_paths(ws, [STREET])
    target = area_from_lsoas("mbro-013", TARGET)
    save_area(ws, target)
    save_area(ws, buffer_area(target, adjacent=True, name="mbro-013-ring"))
    return ws


@pytest.fixture(scope="module")
def evaluation(workspace: Workspace) -> AreaEvaluation:
    # DiD (permutation inference, the slowest method) is exercised by tests/cli/test_demo.py.
    # Default calibration: 100 untreated placebo areas of Cleveland for ITS and STS.
    return evaluate_area(
        workspace, "mbro-013", start="2024-07", cost=50_000, seed=1, methods=("its", "synth", "sts")
    )


def test_area_evaluation_gives_a_cautious_verdict_with_its_design_level(
    evaluation: AreaEvaluation,
) -> None:
    v = evaluation.verdict
    assert v.conclusion in {"fall", "rise", "no detectable change", "inconclusive"}
    assert v.maryland_level == 3
    assert set(evaluation.counts.results) == {"its", "synth", "sts"}
    assert evaluation.counts.results["its"].series is not None
    assert "Verdict:" in evaluation.summary()


def test_area_displacement_counts_match_an_independent_count_of_the_csvs(
    evaluation: AreaEvaluation,
) -> None:
    disp = evaluation.displacement
    assert disp is not None
    frames = [
        pd.read_csv(f, usecols=["Month", "LSOA code", "Crime type"])
        for f in sorted(STREET.glob("*.csv.gz"))
    ]
    raw = pd.concat(frames)
    raw = raw[raw["LSOA code"].isin(TARGET) & raw["Crime type"].isin(HARM_TYPES_CCHI)]
    before = raw["Month"].between(*disp.before).sum()
    after = raw["Month"].between(*disp.after).sum()
    assert disp.wdd_count.inputs["target"] == pytest.approx((before, after), abs=1e-6)
    n_before = len(pd.period_range(disp.before[0], disp.before[1], freq="M"))
    n_after = len(pd.period_range(disp.after[0], disp.after[1], freq="M"))
    assert n_before == n_after


def test_area_reports_activity_apart_from_harm(evaluation: AreaEvaluation) -> None:
    assert evaluation.weights == "cchi"
    assert any("police activity, not harm" in n for n in evaluation.notes)
    assert evaluation.harm is not None
    assert evaluation.harm.results  # methods also ran on the harm-weighted series
    disp = evaluation.displacement
    assert disp is not None and "Drugs" not in disp.wdd_by_type
    assert set(disp.wdq_by_type) == set(disp.wdd_by_type)
    assert disp.wdd_harm is not None and disp.wdd_harm.unit == "days of imprisonment per LSOA"


def test_area_value_for_money_names_its_unverified_costs(evaluation: AreaEvaluation) -> None:
    vfm = evaluation.value_for_money
    assert vfm is not None
    assert vfm.operation_cost == 50_000
    assert vfm.unverified  # the shipped unit costs are not verified
    assert "For every £1 spent" in evaluation.summary()


def test_area_evaluation_is_json_ready(evaluation: AreaEvaluation) -> None:
    d = evaluation.to_dict()
    text = json.dumps(d)
    assert d["verdict"]["conclusion"] == evaluation.verdict.conclusion
    assert "estimate" in d["counts"]["results"]["its"]
    assert len(text) > 1000


def test_area_with_named_buffer_and_controls_uses_them(workspace: Workspace) -> None:
    controls = [
        area_from_lsoas(f"c{i}", codes)
        for i, codes in enumerate(
            [("E01012050", "E01012051", "E01012052"), ("E01012080", "E01012081", "E01012082")]
        )
    ]
    for c in controls:
        save_area(workspace, c, overwrite=True)
    ev = evaluate_area(
        workspace,
        "mbro-013",
        start="2024-07",
        buffer="mbro-013-ring",
        controls=("c0", "c1"),
        methods=("its",),
    )
    assert ev.buffer == "mbro-013-ring"
    assert set(ev.controls) == {"c0", "c1"}
    assert ev.value_for_money is None  # no cost given


def test_area_its_p_value_and_interval_are_placebo_calibrated_by_default(
    evaluation: AreaEvaluation,
) -> None:
    its = evaluation.counts.results["its"]
    cal = evaluation.calibration["its"]
    assert cal.n_areas == 100 and cal.group_size == 3 and cal.seed == 1
    assert its.params["inference"] == "in-space placebo"
    model = its.extra["model_based"]
    assert (model["p_value"], model["ci_low"]) != (its.p_value, its.ci_low)
    # independent recomputation of the rank p-value from the stored placebo runs (exact)
    stats = np.array([r.statistic for r in cal.runs])
    rel = its.relative_estimate
    assert rel is not None
    expected = (1 + np.sum(np.abs(stats) >= abs(rel))) / (1 + len(stats))
    assert its.p_value == pytest.approx(expected, abs=1e-12)
    # the interval excludes zero only when the calibrated p-value is below alpha
    assert (its.ci_low > 0 or its.ci_high < 0) == (its.p_value < 0.05)  # type: ignore[operator]


def test_area_placebo_calibrated_its_flags_untreated_areas_at_no_more_than_nominal(
    evaluation: AreaEvaluation,
) -> None:
    # each placebo area judged against the other 99 by the same rank rule: under the null
    # the flagged share must be consistent with alpha (Clopper-Pearson lower bound <= 5%)
    loo = leave_one_out_calibration(evaluation.calibration["its"])
    assert loo.calibrated, loo.summary()
    assert loo.false_positive_rate <= 0.05 + 0.05  # nominal plus about two binomial SEs


def test_area_calibration_block_and_inference_are_in_json_and_summary(
    evaluation: AreaEvaluation,
) -> None:
    d = json.loads(json.dumps(evaluation.to_dict()))
    block = d["calibration"]["its"]
    assert block["n_areas"] == 100 and block["seed"] == 1
    assert block["ci_low"] <= block["false_positive_rate"] <= block["ci_high"]
    assert block["n_flagged"] == round(100 * block["false_positive_rate"])
    assert d["params"]["calibrate"] == 100
    assert d["inference"]["its"].startswith("placebo-calibrated")
    assert "calibrated by construction" in d["inference"]["synth"]
    text = evaluation.summary()
    assert "Placebo check of the model-based tests" in text
    assert "in-space placebo inference" in text
    assert not any("NOT calibrated" in w for w in evaluation.warnings)


def test_area_verdict_reads_the_calibrated_intervals(evaluation: AreaEvaluation) -> None:
    readings = {r.method: r for r in evaluation.verdict.readings}
    its = evaluation.counts.results["its"]
    r = readings[its.method]
    assert (r.ci_low, r.ci_high, r.p_value) == (its.ci_low, its.ci_high, its.p_value)
    assert r.inference == "in-space placebo"
    direction = "fall" if its.ci_high < 0 else "rise" if its.ci_low > 0 else None  # type: ignore[operator]
    assert r.direction == (direction or "no detectable change")


def test_area_without_calibration_warns_that_p_values_are_model_based(
    workspace: Workspace,
) -> None:
    ev = evaluate_area(workspace, "mbro-013", start="2024-07", methods=("its",), calibrate=0)
    assert ev.calibration == {}
    assert any("NOT calibrated" in w for w in ev.warnings)
    assert any("NOT calibrated" in c for c in ev.verdict.caveats)
    assert ev.inference["its"].startswith("model-based, NOT calibrated")
    assert "inference" not in ev.counts.results["its"].params
    assert "warning: ITS and STS p-values" in ev.summary()


def test_area_with_too_few_placebo_areas_keeps_model_based_inference_and_warns(
    workspace: Workspace,
) -> None:
    ev = evaluate_area(workspace, "mbro-013", start="2024-07", methods=("its",), calibrate=8)
    assert ev.calibration["its"].n_areas == 8
    assert "model_based" not in ev.counts.results["its"].extra
    assert any("too few for calibrated inference" in w for w in ev.warnings)


def test_area_placebo_runs_the_method_cannot_fit_are_left_out_and_reported(
    workspace: Workspace,
) -> None:
    # sparse series (robbery and burglary in three LSOAs over five post months) make some
    # placebo ITS fits fail numerically; the evaluation still completes and says so
    ev = evaluate_area(
        workspace,
        "mbro-013",
        start="2025-01",
        end="2025-05",
        crime_types=["Robbery", "Burglary"],
        methods=("its",),
        seed=2,
    )
    cal = ev.calibration["its"]
    failed = int(cal.params.get("failed_runs", 0))
    assert cal.n_areas + failed == 100
    assert len(cal.runs) == cal.n_areas
    assert all(np.isfinite(r.estimate) for r in cal.runs)
    reported = [w for w in ev.warnings if "could not be fitted" in w]
    assert bool(reported) == (failed > 0)
