"""The ``realimpact`` command: assembles the command groups, loading each only when needed.

Each module named in ``_COMMAND_MODULES`` defines ``register(app)`` which adds its commands
or its sub-app. Add a new group by writing a module, naming it in ``_COMMAND_MODULES`` and
naming its commands in ``_PANELS`` (which also sets where ``--help`` shows them).

Command modules import the heavy analysis libraries (pandas, SciPy, statsmodels, DuckDB), so
they are imported lazily: ``realimpact harms`` imports only ``realimpact.cli.framework``.
Listing every command (``--help``, or walking the tree) imports them all.

Errors in the command line itself (an unknown option, a bad value) are click usage errors;
under ``--json`` they are printed in the shared JSON error shape, like library errors.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from functools import cache
from typing import Annotated, Any

import typer
import typer.core
import typer.main

# typer vendors click; its usage-error class is only reachable through the private module.
from typer._click.exceptions import UsageError

from realimpact import __version__
from realimpact.cli._common import emit_json

# Which module registers which top-level commands, by stage; also the order of --help.
_PANELS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Start here", (("demo", "demo"),)),
    (
        "The framework's knowledge (UKDPC 2009)",
        tuple(
            (name, "framework")
            for name in (
                "harms",
                "chains",
                "measures",
                "sources",
                "questions",
                "stages",
                "displacement-types",
                "cases",
            )
        ),
    ),
    ("Data: imports, areas, series", (("data", "data"), ("area", "area"), ("series", "series"))),
    (
        "1-2. Define and prioritise",
        (
            ("problem", "problem"),
            ("survey", "survey"),
            ("prioritise", "prioritise"),
            ("decision", "prioritise"),
            ("ocg", "ocg"),
        ),
    ),
    (
        "3-5. Respond, measure, implement",
        (("evidence", "evidence"), ("plan", "plan"), ("log", "log")),
    ),
    ("6. Evaluate", (("evaluate", "evaluate"),)),
)
_MODULE_OF = {name: module for _, entries in _PANELS for name, module in entries}
_PANEL_OF = {name: panel for panel, entries in _PANELS for name, _ in entries}
_ORDER = {name: i for i, name in enumerate(_MODULE_OF)}
_COMMAND_MODULES: tuple[str, ...] = tuple(sorted(set(_MODULE_OF.values())))


def _command_name(info: typer.models.CommandInfo | typer.models.TyperInfo) -> str:
    if info.name:
        return str(info.name)
    if isinstance(info, typer.models.TyperInfo):
        return str(info.typer_instance.info.name or "") if info.typer_instance else ""
    callback = info.callback
    return callback.__name__.replace("_", "-") if callback else ""


@cache
def _load(module: str) -> dict[str, Any]:
    """Import one command module and build its top-level click commands, by name."""
    sub = typer.Typer()
    importlib.import_module(f"realimpact.cli.{module}").register(sub)
    infos: list[typer.models.CommandInfo | typer.models.TyperInfo] = [
        *sub.registered_commands,
        *sub.registered_groups,
    ]
    for info in infos:
        name = _command_name(info)
        if name in _PANEL_OF:
            info.rich_help_panel = _PANEL_OF[name]

    @sub.callback()
    def _group() -> None:  # makes typer build a group even for a single command
        """Commands of one module."""

    group = typer.main.get_command(sub)
    return dict(getattr(group, "commands", {}))


def _load_all() -> dict[str, Any]:
    commands: dict[str, Any] = {}
    for module in _COMMAND_MODULES:
        commands.update(_load(module))
    return commands


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's command mapping: a lookup imports one module, a listing all of them."""

    def __init__(self, initial: Mapping[str, Any]) -> None:
        self._commands: dict[str, Any] = dict(initial)

    def _one(self, name: str) -> None:
        if name not in self._commands:
            module = _MODULE_OF.get(name)
            found = _load(module) if module else _load_all()
            if name in found:
                self._commands[name] = found[name]

    def __getitem__(self, name: str) -> Any:
        self._one(name)
        return self._commands[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        for name, command in _load_all().items():
            self._commands.setdefault(name, command)
        return iter(list(self._commands))

    def __len__(self) -> int:
        return len(list(iter(self)))


_ARGV = "realimpact.argv"


class _RootGroup(typer.core.TyperGroup):
    """The root group: lazy commands, listed in stage order, JSON usage errors under --json."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(self.commands, key=lambda n: (_ORDER.get(n, len(_ORDER)), n))

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        argv = list(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            _json_usage_error(exc, argv)
            raise
        ctx.meta[_ARGV] = argv
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _json_usage_error(exc, ctx.meta.get(_ARGV, ()))
            raise


def _json_usage_error(exc: UsageError, argv: Any) -> None:
    """Under --json, print a usage error in the shared error shape and exit with status 2."""
    if "--json" not in argv:
        return
    command = exc.ctx.command_path if exc.ctx is not None else "realimpact"
    emit_json(
        {
            "error": "UsageError",
            "message": exc.format_message(),
            "problems": [
                {
                    "message": exc.format_message(),
                    "fix": f"Run `{command} --help` to see the command's options and an example.",
                    "file": None,
                    "row": None,
                    "column": None,
                    "entry": None,
                    "severity": "error",
                }
            ],
        }
    )
    raise typer.Exit(code=2)


app = typer.Typer(
    cls=_RootGroup,
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


def run() -> None:
    """Entry point of the ``realimpact`` console script."""
    app()
