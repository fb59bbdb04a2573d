"""Every command of the ``realimpact`` app, including other groups', documents an Example.

A command is anything that runs when invoked: a leaf command, or a group whose callback runs
without a subcommand (``harms``, ``cases``). A pure container group (``area``) only shows its
help, so it needs help text but not an example; each of its commands needs one.

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


ROOT = typer.main.get_command(app)
ALL_PATHS = _walk(ROOT)


def _resolve(path: tuple[str, ...]) -> Any:
    cmd: Any = ROOT
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def _runs(cmd: Any) -> bool:
    return not hasattr(cmd, "commands") or bool(getattr(cmd, "invoke_without_command", False))


COMMAND_PATHS = [p for p in ALL_PATHS if p and _runs(_resolve(p))]
GROUP_PATHS = [p for p in ALL_PATHS if p not in COMMAND_PATHS]


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


@pytest.mark.parametrize("path", GROUP_PATHS, ids=lambda p: " ".join(p) or "realimpact")
def test_every_group_has_help_text(path: tuple[str, ...]) -> None:
    assert (_resolve(path).help or "").strip(), f"`realimpact {' '.join(path)}` has no help text"
