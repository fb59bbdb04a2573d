"""The demo's framework tour runs and shows every section with real content."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from realimpact.cli.demo import EXAMPLE_CASE, EXAMPLE_HARM, framework_tour
from realimpact.cli.main import app
from realimpact.framework import load_knowledge_base


def test_framework_tour_prints_stages_matrix_harm_chains_and_case() -> None:
    buffer = io.StringIO()
    data = framework_tour(load_knowledge_base(), Console(file=buffer, width=120))
    text = buffer.getvalue()
    for heading in (
        "six stages",
        "drug-harm matrix",
        "measures that can show it",
        "Table 4.2",
        "case study",
    ):
        assert heading in text
    assert "85 harms" in text and "outcome: Levels of fear reported in community survey" in text
    assert data["example_harm"]["id"] == EXAMPLE_HARM and data["example_harm"]["measure_ids"]
    assert data["case"]["id"] == EXAMPLE_CASE
    assert sum(sum(row.values()) for row in data["matrix_counts"].values()) == 85


def test_demo_command_runs_with_and_without_json(workspace_dir: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--tour"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Operation Nemesis" in result.stdout
    result = CliRunner().invoke(app, ["demo", "--tour", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["framework"]["stages"]) == 6
