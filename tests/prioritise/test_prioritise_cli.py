"""The ``prioritise``, ``decision`` and ``ocg`` commands: thin, JSON-able, clean errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from realimpact.cli.main import app

runner = CliRunner()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_prioritise_json_gives_ranks_intervals_and_sensitivity(examples: Path) -> None:
    out = json.loads(
        _ok(
            [
                "prioritise",
                str(examples / "cleveland_problems.yaml"),
                "--weights",
                str(examples / "cleveland_weights.yaml"),
                "--draws",
                "2000",
                "--seed",
                "7",
                "--top",
                "2",
                "--json",
            ]
        )
    )
    names = [p["name"] for p in out["problems"]]
    assert names[0] == "Middlesbrough town centre open market"
    assert out["problems"][0]["p_top_k"] == 1.0
    assert out["parameters"]["seed"] == 7 and out["method"] == "equal_influence"
    assert out["sensitivity"]["top_position_pivot"]["leaves"] == names[0]
    assert len(out["agreement"]["rank_correlation"]) == 10
    again = json.loads(
        _ok(
            [
                "prioritise",
                "--problems",
                str(examples / "cleveland_problems.yaml"),
                "--weights",
                str(examples / "cleveland_weights.yaml"),
                "--draws",
                "2000",
                "--seed",
                "7",
                "--top",
                "2",
                "--json",
            ]
        )
    )
    assert again == out  # same seed, same answer


def test_prioritise_table_mentions_the_presets_status(examples: Path) -> None:
    text = _ok(
        [
            "prioritise",
            str(examples / "cleveland_problems.yaml"),
            "--preset",
            "ukdpc",
            "--draws",
            "500",
            "--seed",
            "1",
        ]
    )
    assert "median rank" in text and "P(top 3)" in text and "neutral defaults" in text


def test_invalid_input_exits_2_with_json_problems(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("problems:\n  - name: A\n    scores: {vulnerability: 9}\n", encoding="utf-8")
    result = runner.invoke(app, ["prioritise", str(bad), "--json"])
    assert result.exit_code == 2
    err = json.loads(result.stdout)
    assert err["error"] == "ConfigError"
    assert any(p["column"] == "vulnerability" and p["file"] == str(bad) for p in err["problems"])


def test_decision_record_saves_versions_and_history_diffs(examples: Path, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    args = [
        "decision",
        "record",
        str(examples / "cleveland_decision.yaml"),
        "-p",
        str(examples / "cleveland_problems.yaml"),
        "--draws",
        "500",
        "--seed",
        "1",
        "--top",
        "2",
        "--workspace",
        ws,
        "--json",
    ]
    first = json.loads(_ok(args))
    second = json.loads(
        _ok([*args[:-1], "--weights", str(examples / "cleveland_weights.yaml"), "--json"])
    )
    assert (first["record"]["version"], second["record"]["version"]) == (1, 2)
    problems_file = examples / "cleveland_problems.yaml"
    digest = hashlib.sha256(problems_file.read_bytes()).hexdigest()
    assert first["record"]["inputs"][str(problems_file)] == digest  # audit trail
    hist = json.loads(
        _ok(["decision", "history", "cleveland-drug-markets-2026-27", "--workspace", ws, "--json"])
    )
    assert hist["versions"] == [1, 2] and hist["diffs"][0]["weight_changes"]
    page = _ok(
        [
            "decision",
            "show",
            "cleveland-drug-markets-2026-27",
            "--version",
            "1",
            "--format",
            "html",
            "--workspace",
            ws,
        ]
    )
    assert "Deliberately not prioritised" in page and "Redcar seafront" in page


def test_ocg_score_leaves_nominals_out_unless_an_allowed_role_asks(examples: Path) -> None:
    groups = str(examples / "ocg_groups.yaml")
    for args in (["--json"], ["--csv"], ["--markdown"], []):
        out = _ok(["ocg", "score", groups, *args])
        assert "Fictional Person" not in out and "Fictional Name" not in out
    denied = runner.invoke(
        app, ["ocg", "score", groups, "--include-sensitive", "--role", "analyst", "--json"]
    )
    assert denied.exit_code == 2 and "AccessDeniedError" in denied.stdout
    assert "Fictional Person" not in denied.stdout
    allowed = json.loads(
        _ok(["ocg", "score", groups, "--include-sensitive", "--role", "analyst-vetted", "--json"])
    )
    assert allowed["groups"][0]["nominals"] == ["Fictional Person A", "Fictional Person B"]


def test_refused_decision_leaves_the_workspace_as_it_was(examples: Path, tmp_path: Path) -> None:
    bad = tmp_path / "decision.yaml"
    text = (examples / "cleveland_decision.yaml").read_text(encoding="utf-8")
    bad.write_text(
        text.replace(
            "  Stockton town centre street dealing: >-",
            "  Stockton town centre street dealing: ''\n  ignored: >-",
        ),
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    result = runner.invoke(
        app,
        [
            "decision",
            "record",
            str(bad),
            "-p",
            str(examples / "cleveland_problems.yaml"),
            "--draws",
            "200",
            "--workspace",
            str(ws),
            "--json",
        ],
    )
    assert result.exit_code == 2
    messages = " ".join(p["message"] for p in json.loads(result.stdout)["problems"])
    assert "tolerated without a reason" in messages and "'ignored' is not one" in messages
    decisions = ws / "decisions"
    assert not decisions.exists() or not any(decisions.rglob("*.json"))


def test_prioritise_options_select_distribution_and_weight_uncertainty(examples: Path) -> None:
    base = [
        "prioritise",
        str(examples / "cleveland_problems.yaml"),
        "--weights",
        str(examples / "cleveland_weights.yaml"),
        "--draws",
        "500",
        "--seed",
        "3",
        "--json",
    ]
    out = json.loads(
        _ok(
            [
                *base,
                "--distribution",
                "uniform",
                "--weight-uncertainty",
                "partners",
                "--interval",
                "0.8",
            ]
        )
    )
    params = out["parameters"]
    assert (params["distribution"], params["weight_uncertainty"], params["interval"]) == (
        "uniform",
        "partners",
        0.8,
    )
    bad = runner.invoke(app, [*base, "--weight-uncertainty", "bootstrap"])
    assert bad.exit_code == 2 and "weight-uncertainty" in bad.stdout


def test_table_title_names_the_weights_plainly(examples: Path) -> None:
    # Regression: the title read "(ukdpc; model defaults weights)".
    args = ["prioritise", str(examples / "cleveland_problems.yaml"), "--seed", "1"]
    result = CliRunner().invoke(app, [*args, "--draws", "200"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Priorities (ukdpc; weights: model defaults)" in result.stdout
