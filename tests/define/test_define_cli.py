"""The ``problem`` and ``survey`` commands: JSON output, saved state, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from realimpact.cli.main import app

ROOT = Path(__file__).parents[2]
SURVEY = ROOT / "examples" / "define" / "residents_survey.csv"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout


def test_problem_add_table_4_2_then_show_and_list_as_json(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run("problem", "add", "--table-4-2", "-w", ws, "--json")
    assert code == 0, out
    assert len(json.loads(out)["chains"]) == 25
    code, out = _run("problem", "show", "table-4-2-open-market", "-w", ws, "--json")
    assert code == 0 and json.loads(out)["openness"] == "open"
    code, out = _run("problem", "list", "-w", ws, "--json")
    assert [p["name"] for p in json.loads(out)] == ["table-4-2-open-market"]


def test_problem_add_from_options_and_suggest_harms_records_decisions(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run(
        "problem",
        "add",
        "--name",
        "estate",
        "--openness",
        "closed",
        "--setting",
        "delivery",
        "--exploitation",
        "-w",
        ws,
        "--json",
    )
    assert code == 0, out
    hid = "health.family.poor-child-welfare"
    code, out = _run(
        "problem",
        "suggest-harms",
        "estate",
        "--accept",
        hid,
        "--by",
        "analyst1",
        "-w",
        ws,
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    child = next(s for s in data["suggestions"] if s["harm_id"] == hid)
    assert child["status"] == "accepted"
    assert child["reasons"][0]["citation"].startswith("UKDPC 2009")
    code, out = _run("problem", "show", "estate", "-w", ws, "--json")
    assert json.loads(out)["decisions"][0]["by"] == "analyst1"


def test_problem_add_with_a_bad_value_gives_a_json_error_and_saves_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    code, out = _run("problem", "add", "--name", "x", "--openness", "wide", "-w", str(ws), "--json")
    assert code == 2
    err = json.loads(out)
    assert err["error"] == "ConfigError"
    assert err["problems"][0]["column"] == "openness"
    assert not list((ws / "problems").glob("*.yaml"))


def test_decisions_without_a_name_are_refused(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    _run("problem", "add", "--name", "m", "--openness", "open", "-w", ws)
    code, out = _run(
        "problem",
        "suggest-harms",
        "m",
        "--accept",
        "economic.community.cost-of-crime",
        "-w",
        ws,
        "--json",
    )
    assert code == 2 and json.loads(out)["problems"][0]["column"] == "by"


def test_every_problem_of_the_decisions_is_reported_at_once_against_its_option(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    _run("problem", "add", "--name", "m", "--openness", "open", "-w", str(ws))
    before = (ws / "problems" / "m.yaml").read_bytes()
    args = ["problem", "suggest-harms", "m", "--accept", "not.a.harm"]
    args += ["--reject", "economic.community.cost-of-crim", "-w", str(ws), "--json"]
    code, out = _run(*args)
    assert code == 2
    problems = json.loads(out)["problems"]
    assert [(p["column"], p["entry"]) for p in problems] == [
        ("by", None),
        ("accept", "not.a.harm"),
        ("reject", "economic.community.cost-of-crim"),
    ]
    assert "economic.community.cost-of-crime" in problems[2]["fix"]
    assert (ws / "problems" / "m.yaml").read_bytes() == before


def test_survey_import_and_show_give_indicators_and_weights(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run("survey", "import", str(SURVEY), "--name", "residents", "-w", ws, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["survey"]["respondents"] == 40
    assert {"psa25_drug_problem", "psa23_confidence"} <= {i["id"] for i in data["indicators"]}
    assert abs(sum(data["community_weights"]["weights"].values()) - 1) < 1e-9
    assert "harm_social" in data["dimension_weights"]["community"]
    code, out2 = _run("survey", "show", "residents", "-w", ws, "--json")
    assert code == 0 and json.loads(out2)["indicators"] == data["indicators"]


def test_survey_import_of_a_bad_csv_names_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,local_afraid\nr1,perhaps\n", encoding="utf-8")
    code, out = _run("survey", "import", str(bad), "-w", str(tmp_path / "ws"), "--json")
    assert code == 2
    problem = json.loads(out)["problems"][0]
    assert (problem["row"], problem["column"]) == (2, "local_afraid")
    assert "agree strongly (1)" in problem["fix"]


def test_problem_show_of_an_unknown_name_is_a_clean_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["problem", "show", "nope", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "no problem named 'nope'" in result.output


def test_problem_add_takes_5wh_answers_and_checks_their_ids(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run(
        "problem", "add", "--name", "p", "--answer", "where-02=Next to a school", "-w", ws, "--json"
    )
    assert code == 0, out
    assert json.loads(out)["answers"] == {"where-02": "Next to a school"}
    code, out = _run(
        "problem",
        "add",
        "--name",
        "q",
        "--answer",
        "where-99=x",
        "--answer",
        "nonsense",
        "-w",
        ws,
        "--json",
    )
    assert code == 2
    assert json.loads(out)["problems"][0]["column"] == "answer"
    code, out = _run("problem", "add", "--name", "q", "--answer", "where-99=x", "-w", ws, "--json")
    assert code == 2 and json.loads(out)["problems"][0]["column"] == "answers.where-99"


def test_survey_show_can_restrict_to_one_area(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    _run("survey", "import", str(SURVEY), "--name", "residents", "-w", ws)
    code, out = _run("survey", "show", "residents", "--area", "boro-centre", "-w", ws, "--json")
    assert code == 0 and json.loads(out)["survey"]["respondents"] == 40
    code, out = _run("survey", "show", "residents", "--area", "elsewhere", "-w", ws, "--json")
    assert code == 2 and "boro-centre" in json.loads(out)["message"]


def test_the_command_line_flow_ends_in_a_prioritise_ranking(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = _run("area", "add", "boro-centre", "--lsoa", "E01012046", "-w", ws)
    assert code == 0, out
    example = ROOT / "examples" / "define" / "open-market.yaml"
    assert _run("problem", "add", str(example), "-w", ws)[0] == 0
    problems, weights = tmp_path / "problems.yaml", tmp_path / "weights.yaml"
    code, out = _run("problem", "export", "boro-centre", "--out", str(problems), "-w", ws, "--json")
    assert code == 0 and json.loads(out)["problems"][0]["name"] == "boro-centre"
    # a second problem, written by hand in the same format
    text = problems.read_text(encoding="utf-8")
    problems.write_text(
        text
        + "- name: quiet-estate\n  scores: {"
        + ", ".join(
            f"{d}: 1"
            for d in (
                "harm_health",
                "harm_social",
                "harm_economic",
                "harm_environmental",
                "community_concern",
                "partner_priority",
                "vulnerability",
                "likelihood_trend",
                "ability_to_impact",
                "market_newness",
                "confidence",
            )
        )
        + "}\n",
        encoding="utf-8",
    )
    _run("survey", "import", str(SURVEY), "--name", "residents", "-w", ws)
    partners = ROOT / "examples" / "prioritise" / "cleveland_weights.yaml"
    code, out = _run(
        "survey",
        "weights",
        "residents",
        "--partners",
        str(partners),
        "--name-as",
        "residents",
        "--out",
        str(weights),
        "-w",
        ws,
        "--json",
    )
    assert code == 0, out
    assert {"police", "community", "residents"} <= set(json.loads(out)["partners"])
    code, out = _run(
        "survey",
        "weights",
        "residents",
        "--partners",
        str(partners),
        "--out",
        str(tmp_path / "w2.yaml"),
        "-w",
        ws,
        "--json",
    )
    assert code == 2 and "already has a partner 'community'" in out
    code, out = _run(
        "prioritise",
        str(problems),
        "--weights",
        str(weights),
        "--draws",
        "500",
        "--seed",
        "1",
        "--top",
        "1",
        "--json",
    )
    assert code == 0, out
    ranked = json.loads(out)["problems"]
    assert [p["name"] for p in ranked] == ["boro-centre", "quiet-estate"]


def test_problem_export_with_no_saved_profile_is_an_error_and_writes_no_file(
    tmp_path: Path,
) -> None:
    out = tmp_path / "problems.yaml"
    code, text = _run("problem", "export", "--out", str(out), "-w", str(tmp_path / "ws"), "--json")
    assert code == 2 and "realimpact problem add" in json.loads(text)["message"]
    assert not out.exists()
