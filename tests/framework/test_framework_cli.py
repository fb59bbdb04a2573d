"""The framework commands print parseable JSON with the fields documented in docs/json.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from realimpact.cli.main import app
from realimpact.workspace import open_workspace

HARM_FIELDS = {"id", "type", "level", "label", "citation", "sources", "source_basis", "local"}
MEASURE_FIELDS = {"id", "label", "kind", "harm_ids", "citation", "group", "suggested_sources"}


def _json(args: list[str], code: int = 0) -> Any:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _no_user_workspace(workspace_dir: Path) -> None:
    """Point the default workspace at an empty temporary folder."""


def test_harms_json_lists_every_harm_with_documented_fields() -> None:
    data = _json(["harms"])
    assert data["count"] == 85 == len(data["harms"])
    assert all(set(h) >= HARM_FIELDS for h in data["harms"])


def test_harms_json_filters_by_type_level_and_search() -> None:
    data = _json(["harms", "--type", "social", "--level", "national", "--search", "confidence"])
    assert [h["id"] for h in data["harms"]] == ["social.national.loss-of-confidence-in-authorities"]


def test_harms_show_json_gives_links_by_id() -> None:
    data = _json(["harms", "show", "economic.community.loss-of-business"])
    assert set(data) >= HARM_FIELDS | {"measure_ids", "chain_ids", "impact_ids", "case_ids"}
    assert "table-4-2-03" in data["chain_ids"]


def test_unknown_harm_gives_the_json_error_shape_and_status_2() -> None:
    data = _json(["harms", "show", "health.individual.overdose"], code=2)
    assert data["error"] == "NotFoundError"
    assert "health.individual.overdose-death" in data["message"]


@pytest.mark.parametrize(
    ("command", "key", "count", "fields"),
    [
        (["measures"], "measures", 55, MEASURE_FIELDS),
        (["sources"], "sources", 16, {"id", "label", "citation", "local"}),
        (["displacement-types"], "displacement_types", 6, {"id", "label", "description"}),
        (["questions"], "questions", 31, {"id", "group", "heading", "question", "citation"}),
        (["stages"], "stages", 6, {"id", "number", "title", "guiding_questions", "citation"}),
        (
            ["chains"],
            "harm_chains",
            25,
            {"id", "problem", "leads_to", "resultant_harm", "harm_ids"},
        ),
        (["cases"], "cases", 18, {"id", "name", "place", "strategy_group", "citation"}),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else None,
)
def test_list_commands_json_has_count_and_documented_fields(
    command: list[str], key: str, count: int, fields: set[str]
) -> None:
    data = _json(command)
    assert data["count"] == count == len(data[key])
    assert all(set(item) >= fields for item in data[key])


def test_measures_json_filtered_by_harm() -> None:
    data = _json(["measures", "--harm", "health.individual.overdose-death"])
    assert [m["id"] for m in data["measures"]] == ["appc.drug-deaths"]


def test_cases_show_json() -> None:
    data = _json(["cases", "show", "operation-nemesis"])
    assert data["id"] == "operation-nemesis" and data["citation"]


def test_workspace_overlay_appears_in_commands_marked_local(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "partnership")
    (ws.overlay_dir / "harms.yaml").write_text(
        "- id: social.community.cuckooing\n  type: social\n  level: community\n"
        "  label: Cuckooing of vulnerable tenants\n  citation: Local problem profile\n"
    )
    data = _json(["harms", "--search", "cuckooing", "--workspace", str(ws.root)])
    assert [(h["id"], h["local"]) for h in data["harms"]] == [("social.community.cuckooing", True)]


def test_broken_overlay_is_reported_as_json_problems(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "partnership")
    (ws.overlay_dir / "measures.yaml").write_text(
        "- id: local.x\n  label: X\n  kind: outcome\n  citation: here\n  harm_ids: [no.such.harm]\n"
    )
    data = _json(["measures", "--workspace", str(ws.root)], code=2)
    assert data["error"] == "KnowledgeBaseError"
    [problem] = data["problems"]
    assert problem["entry"] == "local.x" and problem["column"] == "harm_ids"
    assert problem["file"].endswith("measures.yaml") and problem["fix"]


def test_table_output_runs_for_every_command() -> None:
    for args in (
        ["harms"],
        ["harms", "show", "social.community.corruption"],
        ["measures"],
        ["sources"],
        ["displacement-types"],
        ["questions"],
        ["stages"],
        ["chains"],
        ["cases"],
        ["cases", "show", "operation-grassland"],
    ):
        result = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout.strip()


def test_questions_json_filtered_by_group() -> None:
    data = _json(["questions", "--group", "when"])
    assert [q["id"] for q in data["questions"]] == ["when-01", "when-02"]


def test_unknown_id_without_a_close_match_says_which_command_lists_the_ids() -> None:
    # Regression: "No harm with id 'zzz'." gave no way forward.
    data = _json(["harms", "show", "zzz"], code=2)
    assert data["error"] == "NotFoundError"
    assert "`realimpact harms` lists the ids" in data["message"]
    data = _json(["cases", "show", "zzz"], code=2)
    assert "`realimpact cases` lists the ids" in data["message"]
