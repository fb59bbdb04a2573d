"""Every command of the ``realimpact`` app, including other groups', documents an Example.

The app is walked through the click command tree that typer builds, so a command added by any
module in ``_COMMAND_MODULES`` is checked as soon as it is registered.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from realimpact.cli.main import app


def _walk(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path; groups are found by their ``commands`` mapping (typer vendors click)."""
    found = [path]
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        found += _walk(sub, (*path, name))
    return found


COMMAND_PATHS = _walk(typer.main.get_command(app))


def test_the_walk_finds_the_framework_commands() -> None:
    names = {" ".join(p) for p in COMMAND_PATHS}
    assert {"harms", "harms show", "measures", "sources", "cases show", "questions"} <= names


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "realimpact")
def test_every_command_help_contains_an_example_line(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [line.strip(" │") for line in result.output.splitlines()]
    assert any(line.startswith("Example:") for line in lines), (
        f"`realimpact {' '.join(path)} --help` has no line starting 'Example:'. "
        "Add one with a real invocation to the command's docstring."
    )
    assert "realimpact" in next(line for line in lines if line.startswith("Example:"))
