"""Implementation log -> evaluation window -> evaluation -> predicted vs measured -> evidence."""

from __future__ import annotations

import shutil

import pytest
import yaml

from realimpact.evaluate.area import AreaEvaluation, evaluate_area
from realimpact.exceptions import ConfigError, NotFoundError
from realimpact.jsonable import to_jsonable
from realimpact.plan import (
    add_to_log,
    compare,
    evaluation_kwargs,
    evaluation_window,
    file_evaluation,
    load_evidence_library,
    load_log,
    load_plan,
    log_path,
    predict_net_harm,
)
from realimpact.workspace import Workspace, open_workspace
from tests.plan.conftest import EXAMPLES

CLEVELAND = EXAMPLES / "middlesbrough-centre.yaml"


@pytest.fixture(scope="module")
def logged(cleveland: Workspace) -> Workspace:
    """The Cleveland workspace with the plan saved and two phases logged."""
    shutil.copy(CLEVELAND, cleveland.path("plans") / "middlesbrough-centre.yaml")
    log_path(cleveland, "middlesbrough-centre").unlink(missing_ok=True)
    add_to_log(
        cleveland,
        "middlesbrough-centre",
        phase="covert",
        start="2025-01-13",
        end="2025-03-07",
        places=["middlesbrough-centre"],
        responses=["hot-spots"],
        done="Test purchases and patrols",
    )
    add_to_log(
        cleveland,
        "middlesbrough-centre",
        phase="arrests",
        start="2025-03-10",
        end="2025-05-30",
        done="Two arrest phases",
    )
    add_to_log(
        cleveland,
        "middlesbrough-centre",
        mitigation="families",
        carried_out=False,
        date="2025-04-01",
        note="PCSO capacity moved to events",
    )
    add_to_log(
        cleveland,
        "middlesbrough-centre",
        deviation="Outreach started 6 weeks late",
        reason="recruitment",
        date="2025-02-20",
    )
    return cleveland


def test_log_defines_the_evaluation_window_from_what_was_done(logged: Workspace) -> None:
    log = load_log(logged, "middlesbrough-centre")
    window = evaluation_window(log)
    assert (window.area, window.start, window.end) == ("middlesbrough-centre", "2025-01", "2025-05")
    assert [m.done for m in log.mitigations] == [False]
    assert "NOT done" in log.summary() and "6 weeks late" in log.summary()


def test_an_open_phase_leaves_the_window_open(tmp_path_factory: pytest.TempPathFactory) -> None:
    ws = open_workspace(tmp_path_factory.mktemp("open") / "ws")
    shutil.copy(CLEVELAND, ws.path("plans") / "middlesbrough-centre.yaml")
    log = add_to_log(ws, "middlesbrough-centre", phase="patrols", start="2025-02-03")
    assert evaluation_window(log).end is None
    assert evaluation_window(log).kwargs() == {
        "area": "middlesbrough-centre",
        "start": "2025-02",
        "end": None,
    }


def test_bad_log_entries_are_all_reported_and_nothing_is_written(logged: Workspace) -> None:
    path = log_path(logged, "middlesbrough-centre")
    before = path.read_bytes()
    with pytest.raises(ConfigError) as err:
        add_to_log(
            logged,
            "middlesbrough-centre",
            phase="x",
            start="2025-02-30x",
            responses=["cctv"],
            mitigation="famlies",
        )
    cols = {p.column for p in err.value.problems}
    assert {"mitigation", "response", "start"} <= cols
    assert path.read_bytes() == before
    with pytest.raises(NotFoundError):
        load_log(logged, "no-such-plan")


@pytest.fixture(scope="module")
def evaluation(logged: Workspace) -> AreaEvaluation:
    plan = load_plan(CLEVELAND)
    kwargs = evaluation_kwargs(plan, evaluation_window(load_log(logged, plan.name)))
    return evaluate_area(logged, methods=("its",), seed=1, **kwargs)


def test_evaluation_runs_on_the_logged_window_and_the_plans_crime_types(
    evaluation: AreaEvaluation,
) -> None:
    assert (evaluation.start, evaluation.end) == ("2025-01", "2025-05")
    assert evaluation.params["crime_types"] == [
        "Burglary",
        "Robbery",
        "Theft from the person",
        "Violence and sexual offences",
    ]


def test_prediction_and_evaluation_side_by_side(
    logged: Workspace, evaluation: AreaEvaluation
) -> None:
    pred = predict_net_harm(load_plan(CLEVELAND), logged, seed=1, n_draws=3000)
    result = compare(pred, evaluation)
    target = next(r for r in result.rows if r.method == "its")
    its = evaluation.harm.results["its"] if evaluation.harm else None
    assert its is not None and target.measured == pytest.approx(its.estimate)
    assert target.predicted == pred.subtotals["target:harm"]
    assert target.unit == "days of imprisonment per month"
    inside = target.predicted.low <= its.estimate <= target.predicted.high
    assert target.reading.startswith("within") == inside
    disp = next(r for r in result.rows if r.method == "wdd-harm")
    assert disp.measured is not None
    assert any("health.individual.overdose-death" in u for u in result.unmeasured)
    # the JSON of the evaluation gives the same analysis
    as_json = compare(pred, to_jsonable(evaluation.to_dict()))
    assert as_json.rows == result.rows


def test_evaluation_is_filed_as_local_evidence_in_the_workspace_overlay(
    logged: Workspace, evaluation: AreaEvaluation
) -> None:
    filed = file_evaluation(
        logged, "hot-spots", evaluation, plan="middlesbrough-centre", evidence_id="mbro-centre-2025"
    )
    lib = load_evidence_library(logged.root / "framework")
    local = lib.get("hot-spots").local_evidence
    assert [e.id for e in local] == ["mbro-centre-2025"]
    assert local[0].estimate == filed.estimate and local[0].method == "its"
    assert "local evaluation mbro-centre-2025" in lib.get("hot-spots").summary()
    # a second filing with the same id, or for an unknown intervention, changes nothing
    path = logged.root / "framework" / "local_evidence.yaml"
    before = path.read_bytes()
    with pytest.raises(ConfigError):
        file_evaluation(logged, "hot-spots", evaluation, evidence_id="mbro-centre-2025")
    with pytest.raises(NotFoundError):
        file_evaluation(logged, "hot-spot", evaluation, evidence_id="other")
    assert path.read_bytes() == before
    mine = [e for e in yaml.safe_load(before) if e["id"] == "mbro-centre-2025"]
    assert [e["intervention"] for e in mine] == ["hot-spots"]


def test_a_single_effect_result_can_be_filed_as_evidence(
    logged: Workspace, evaluation: AreaEvaluation
) -> None:
    its = evaluation.counts.results["its"]
    filed = file_evaluation(logged, "problem-oriented-partnership", its, evidence_id="its-only")
    assert filed.method == its.method and filed.estimate == its.estimate
    assert filed.unit == its.unit


def test_results_analysis_reviews_how_the_plan_was_implemented(
    logged: Workspace, evaluation: AreaEvaluation
) -> None:
    plan = load_plan(CLEVELAND)
    log = load_log(logged, plan.name)
    pred = predict_net_harm(plan, logged, seed=1, n_draws=1000)
    review = compare(pred, evaluation, plan=plan, log=log).implementation
    assert "ended 2025-05, planned 2025-06." in review
    assert "mitigation for families was NOT carried out (PCSO capacity moved to events)." in review
    assert "mitigation for cjs-costs is not recorded as carried out or not." in review
    assert "planned response treatment-outreach was not delivered in any logged phase." in review
    assert "deviation 2025-02-20: Outreach started 6 weeks late" in review


def test_the_plans_percent_range_is_set_beside_the_measured_relative_change(
    logged: Workspace, evaluation: AreaEvaluation
) -> None:
    pred = predict_net_harm(load_plan(CLEVELAND), logged, seed=1, n_draws=1000)
    rows = [r for r in compare(pred, evaluation).rows if r.unit == "percent"]
    its = evaluation.counts.results["its"]
    assert [r.method for r in rows] == ["its"]
    assert rows[0].measured == pytest.approx(its.relative_estimate)
    # the plan's range -20..+5 percent (mode -8), the whole range, not a simulated interval
    assert (rows[0].predicted.low, rows[0].predicted.high) == (-20, 5)
    assert rows[0].predicted.mean == pytest.approx(-23 / 3)
