"""The evidence, plan and log commands: thin, --json, clean errors (exit 2, JSON shape)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from realimpact.cli.main import app
from realimpact.workspace import Workspace
from tests.plan.conftest import EXAMPLES

REDUCTION = str(EXAMPLES / "operation-reduction.yaml")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout


def test_evidence_list_show_search_as_json(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run("evidence", "list", "--strategy", "a", "--json", "-w", ws)
    assert code == 0
    assert {i["strategy_group"] for i in json.loads(out)} == {"a"}
    code, out = _run("evidence", "show", "treatment-outreach", "--json", "-w", ws)
    assert code == 0 and "operation-reduction" in json.loads(out)["cases"]
    code, out = _run("evidence", "search", "ceasefire", "--json", "-w", ws)
    assert [i["id"] for i in json.loads(out)] == ["focused-deterrence"]


def test_evidence_list_with_an_unknown_harm_or_group_exits_2_naming_close_ids(
    tmp_path: Path,
) -> None:
    ws = str(tmp_path / "ws")
    args = ["evidence", "list", "--harm", "social.community.victim-of-crime", "--json", "-w", ws]
    code, out = _run(*args)
    assert code == 2 and "social.community.victim-of-crime-asb" in json.loads(out)["message"]
    code, out = _run("evidence", "list", "--strategy", "e", "--json", "-w", ws)
    assert code == 2 and json.loads(out)["problems"][0]["column"] == "strategy"
    code, out = _run("evidence", "list", "--strategy", "a", "--json", "-w", ws)
    assert code == 0 and {i["strategy_group"] for i in json.loads(out)} == {"a"}


def test_unknown_intervention_exits_2_with_a_json_error(tmp_path: Path) -> None:
    code, out = _run("evidence", "show", "hotspots", "--json", "-w", str(tmp_path / "ws"))
    assert code == 2
    payload = json.loads(out)
    assert payload["error"] == "NotFoundError" and "hot-spots" in payload["message"]


def test_plan_check_and_predict_operation_reduction(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run("plan", "check", REDUCTION, "--json", "-w", ws)
    assert code == 0
    check = json.loads(out)
    assert check["plan"] == "operation-reduction" and check["measures"]["rows"]
    code, out = _run(
        "plan", "predict", REDUCTION, "--seed", "4", "--draws", "2000", "--json", "-w", ws
    )
    assert code == 0
    pred = json.loads(out)
    assert pred["seed"] == 4 and 0 <= pred["p_reduction"]["ordinal"] <= 1


def test_invalid_plan_exits_2_with_every_problem_in_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (EXAMPLES / "operation-reduction.yaml").read_text("utf-8")
    bad.write_text(text.replace("owner: CRI\n    due:", "owner: CRI\n    due: soon\n    x:"))
    code, out = _run("plan", "check", str(bad), "--json", "-w", str(tmp_path / "ws"))
    assert code == 2
    problems = json.loads(out)["problems"]
    assert {p["column"] for p in problems} >= {"due", "x"}
    assert all(p["file"] == str(bad) for p in problems)


def test_plan_new_then_show_from_the_workspace(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, _ = _run(
        "plan",
        "new",
        "boro",
        "--area",
        "boro",
        "--problem",
        "market",
        "--harm",
        "social.community.no-go-areas",
        "--response",
        "hot-spots",
        "--start",
        "2025-01",
        "-w",
        ws,
    )
    assert code == 0 and (tmp_path / "ws" / "plans" / "boro.yaml").is_file()
    code, out = _run("plan", "show", "boro", "--json", "-w", ws)
    assert code == 0 and json.loads(out)["responses"][0]["intervention"] == "hot-spots"


def test_plan_new_lists_every_bad_argument_at_once_and_writes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    args = ["plan", "new", "Boro Plan", "--area", "boro", "--problem", "market"]
    args += ["--harm", "social.community.no-go-area", "--harm", "social.community.no-go-areas"]
    args += ["--response", "hot-spotz", "--start", "2025-13", "-w", str(ws), "--json"]
    code, out = _run(*args)
    assert code == 2
    problems = json.loads(out)["problems"]
    assert [(p["column"], p["entry"]) for p in problems] == [
        ("harm", "social.community.no-go-area"),
        ("response", "hot-spotz"),
        ("name", "plan"),
        ("start", "plan"),
    ]
    assert "hot-spots" in problems[1]["message"] and all(p["fix"] for p in problems)
    assert not list((ws / "plans").glob("*"))
    code, out = _run(
        "plan",
        "new",
        "boro",
        "--area",
        "boro",
        "--problem",
        "nosuch",
        "--response",
        "hot-spots",
        "-w",
        str(ws),
        "--json",
    )
    assert code == 2 and "no problem named 'nosuch'" in json.loads(out)["message"]


def test_log_add_and_show_give_the_evaluation_window(cleveland: Workspace) -> None:
    ws = str(cleveland.root)
    shutil.copy(EXAMPLES / "middlesbrough-centre.yaml", cleveland.path("plans") / "cli-plan.yaml")
    text = (cleveland.path("plans") / "cli-plan.yaml").read_text("utf-8")
    (cleveland.path("plans") / "cli-plan.yaml").write_text(
        text.replace("name: middlesbrough-centre", "name: cli-plan")
    )
    code, _ = _run(
        "log",
        "add",
        "cli-plan",
        "--phase",
        "p1",
        "--start",
        "2025-02-03",
        "--end",
        "2025-04-25",
        "-w",
        ws,
    )
    assert code == 0
    code, out = _run("log", "show", "cli-plan", "--json", "-w", ws)
    assert code == 0
    assert json.loads(out)["evaluation_window"] == {
        "area": "middlesbrough-centre",
        "start": "2025-02",
        "end": "2025-04",
    }
    code, out = _run("log", "add", "cli-plan", "--mitigation", "nope", "--json", "-w", ws)
    assert code == 2 and json.loads(out)["problems"][0]["column"] == "mitigation"


def test_plan_compare_and_evidence_file_from_an_evaluation_json(
    cleveland: Workspace, tmp_path: Path
) -> None:
    from realimpact.evaluate.area import evaluate_area
    from realimpact.jsonable import to_jsonable

    ev = evaluate_area(
        cleveland,
        "middlesbrough-centre",
        start="2025-01",
        end="2025-05",
        crime_types=["Robbery", "Burglary"],
        methods=("its",),
        seed=2,
    )
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(to_jsonable(ev.to_dict())), "utf-8")
    ws = str(cleveland.root)
    plan = str(EXAMPLES / "middlesbrough-centre.yaml")
    code, out = _run("plan", "compare", plan, str(path), "--json", "-w", ws)
    assert code == 0
    rows = json.loads(out)["rows"]
    assert rows[0]["method"] == "its" and rows[0]["measured"] == ev.harm.results["its"].estimate  # type: ignore[union-attr]
    code, out = _run(
        "evidence", "file", "treatment-outreach", str(path), "--id", "cli-ev", "--json", "-w", ws
    )
    assert code == 0 and json.loads(out)["intervention"] == "treatment-outreach"
    code, out = _run("evidence", "show", "treatment-outreach", "--json", "-w", ws)
    assert [e["id"] for e in json.loads(out)["local_evidence"]] == ["cli-ev"]
    code, out = _run(
        "evidence", "file", "treatment-outreach", str(tmp_path / "none.json"), "--json", "-w", ws
    )
    assert code == 2 and json.loads(out)["problems"][0]["file"].endswith("none.json")


def test_plan_compare_with_a_json_that_is_no_area_evaluation_exits_2(
    cleveland: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "wdq.json"  # a real JSON output, but of another command
    code, out = _run(
        "evaluate",
        "wdq",
        "--target",
        "100",
        "80",
        "--buffer",
        "50",
        "55",
        "--control",
        "400",
        "390",
        "--json",
    )
    assert code == 0
    path.write_text(out, "utf-8")
    plan = str(EXAMPLES / "middlesbrough-centre.yaml")
    code, out = _run("plan", "compare", plan, str(path), "--json", "-w", str(cleveland.root))
    assert code == 2
    (problem,) = json.loads(out)["problems"]
    assert problem["column"] == "counts" and "evaluate area" in problem["fix"]


def test_log_add_names_the_option_of_every_bad_date_and_writes_nothing(
    cleveland: Workspace,
) -> None:
    ws = str(cleveland.root)
    plan = str(EXAMPLES / "middlesbrough-centre.yaml")
    logs = {p: p.read_bytes() for p in cleveland.path("logs").glob("*")}
    args = ["log", "add", plan, "--phase", "p", "--start", "2025-13-01", "--deviation", "late"]
    code, out = _run(*args, "--date", "2025-1-1", "--json", "-w", ws)
    assert code == 2
    got = [(p["entry"], p["column"], p["fix"]) for p in json.loads(out)["problems"]]
    assert got == [
        ("phase", "start", "Write --start as YYYY-MM-DD."),
        ("deviation", "date", "Write --date as YYYY-MM-DD."),
    ]
    args = ["log", "add", plan, "--phase", "p", "--start", "2025-03-13", "--end", "2025-01-01"]
    code, out = _run(*args, "--json", "-w", ws)
    (problem,) = json.loads(out)["problems"]
    assert (code, problem["column"]) == (2, "end") and "--end on or after" in problem["fix"]
    assert {p: p.read_bytes() for p in cleveland.path("logs").glob("*")} == logs


def test_plan_compare_and_evidence_file_name_an_unreadable_evaluation_alike(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "evaluation.json"
    bad.write_text("{not json", "utf-8")
    ws = str(tmp_path / "ws")
    plan = str(EXAMPLES / "middlesbrough-centre.yaml")
    outs = [
        _run("plan", "compare", plan, str(bad), "--json", "-w", ws),
        _run("evidence", "file", "hot-spots", str(bad), "--json", "-w", ws),
    ]
    problems = [json.loads(out)["problems"] for code, out in outs if code == 2]
    assert len(problems) == 2 and problems[0] == problems[1]
    assert problems[0][0]["file"] == str(bad) and "--json" in problems[0][0]["fix"]
