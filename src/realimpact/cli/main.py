"""The ``realimpact`` command: assembles the command groups.

Each module named in ``_COMMAND_MODULES`` defines ``register(app)`` which adds its commands
or its sub-app. Add a new group by writing a module and naming it here.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from realimpact import __version__

_COMMAND_MODULES: tuple[str, ...] = (
    "area",
    "data",
    "demo",
    "evaluate",
    "evidence",
    "framework",
    "log",
    "ocg",
    "plan",
    "prioritise",
    "problem",
    "series",
    "survey",
)

app = typer.Typer(
    name="realimpact",
    help=(
        "Harm-focused drug law enforcement (UKDPC 2009 'Real Impact' framework): define "
        "problems by their harms, prioritise, plan, measure and evaluate.\n\n"
        "Example: realimpact harms --level community"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"realimpact {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """realimpact: make drug law enforcement answerable to the harms it exists to reduce."""


for _name in _COMMAND_MODULES:
    importlib.import_module(f"realimpact.cli.{_name}").register(app)


def run() -> None:
    """Entry point of the ``realimpact`` console script."""
    app()
