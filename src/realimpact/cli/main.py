"""The ``realimpact`` command: assembles the command groups.

Each module named in ``_COMMAND_MODULES`` defines ``register(app)`` which adds its commands
or its sub-app. Add a new group by writing a module and naming it here.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
import typer.core

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

# Commands are shown in --help grouped by the framework's stages, in this order.
_PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Start here", ("demo",)),
    (
        "The framework's knowledge (UKDPC 2009)",
        (
            "harms",
            "chains",
            "measures",
            "sources",
            "questions",
            "stages",
            "displacement-types",
            "cases",
        ),
    ),
    ("Data: imports, areas, series", ("data", "area", "series")),
    ("1-2. Define and prioritise", ("problem", "survey", "prioritise", "decision", "ocg")),
    ("3-5. Respond, measure, implement", ("evidence", "plan", "log")),
    ("6. Evaluate", ("evaluate",)),
)
_ORDER = {name: i for i, name in enumerate(n for _, names in _PANELS for n in names)}
_PANEL_OF = {name: panel for panel, names in _PANELS for name in names}


class _StageOrderedGroup(typer.core.TyperGroup):
    """Lists commands in the order of the framework's stages rather than registration order."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: (_ORDER.get(n, len(_ORDER)), n))


app = typer.Typer(
    cls=_StageOrderedGroup,
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


def _command_name(info: typer.models.CommandInfo | typer.models.TyperInfo) -> str:
    if info.name:
        return str(info.name)
    if isinstance(info, typer.models.TyperInfo):
        return str(info.typer_instance.info.name or "") if info.typer_instance else ""
    callback = info.callback
    return callback.__name__.replace("_", "-") if callback else ""


def _arrange(typer_app: typer.Typer) -> None:
    """Put every top-level command in its stage's help panel, in the order of ``_PANELS``."""
    entries: list[typer.models.CommandInfo | typer.models.TyperInfo] = [
        *typer_app.registered_commands,
        *typer_app.registered_groups,
    ]
    for info in entries:
        name = _command_name(info)
        if name in _PANEL_OF:
            info.rich_help_panel = _PANEL_OF[name]


for _name in _COMMAND_MODULES:
    importlib.import_module(f"realimpact.cli.{_name}").register(app)
_arrange(app)


def run() -> None:
    """Entry point of the ``realimpact`` console script."""
    app()
