"""The root command: stage-ordered help, lazy loading of command modules, JSON usage errors."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from realimpact.cli import main
from realimpact.cli.main import app

runner = CliRunner()


def test_every_registered_command_is_placed_in_a_stage_panel() -> None:
    registered = set(main._load_all())
    assert registered == set(main._MODULE_OF), (
        "Name each new top-level command in cli/main.py _PANELS with the module that registers it."
    )


def test_help_lists_commands_in_stage_order() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    out = result.output
    positions = [out.index(f"│ {name} ") for name in ("demo", "harms", "data", "problem", "plan")]
    assert positions == sorted(positions)
    assert "6. Evaluate" in out


def test_a_knowledge_command_does_not_import_the_statistics_stack() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from realimpact.cli.main import app\n"
        "r = CliRunner().invoke(app, ['harms', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('statsmodels', 'duckdb', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_bad_option_value_under_json_gives_the_json_error_shape() -> None:
    result = runner.invoke(app, ["harms", "--level", "bogus", "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.output)
    assert payload["error"] == "UsageError"
    assert "--level" in payload["message"]
    assert payload["problems"][0]["fix"].startswith("Run `realimpact harms --help`")


def test_unknown_option_without_json_is_a_plain_usage_error() -> None:
    result = runner.invoke(app, ["harms", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.output
