"""The README's promises: the two quick-start commands, CI running the test command, and a
walk-through of all six stages that really runs on the shipped sample."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realimpact.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _walkthrough() -> list[list[str]]:
    block = README.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    commands = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("realimpact "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_quick_start_is_exactly_two_make_commands() -> None:
    quick = README.split("## Quick start")[1].split("##")[0]
    commands = re.findall(r"^(make \w+)", quick, flags=re.M)
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo: ", makefile, flags=re.M)
    assert re.search(r"^test: ", makefile, flags=re.M)


def test_ci_runs_the_readme_test_command() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", run, flags=re.M)


def test_walkthrough_covers_every_stage() -> None:
    groups = {args[0] for args in _walkthrough()}
    assert {"harms", "data", "area", "problem", "prioritise", "plan", "evaluate"} <= groups


@pytest.mark.slow
def test_readme_walkthrough_runs_on_the_shipped_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("REALIMPACT_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("COLUMNS", "120")
    runner = CliRunner()
    for args in _walkthrough():
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"realimpact {shlex.join(args)}\n{result.output}"
        assert result.output.strip(), f"realimpact {shlex.join(args)} printed nothing"
