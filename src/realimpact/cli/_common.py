"""Shared pieces of the CLI: common options, JSON output, error handling, progress bars.

Every command that produces results takes ``--json``: results are printed to stdout as
JSON made by :func:`realimpact.jsonable.to_jsonable`; tables, messages and progress go to
stderr or are not shown, so stdout stays parseable. Errors are caught by :func:`command`:
a :class:`~realimpact.exceptions.RealImpactError` prints what is wrong and how to fix it
(as ``{"error": ...}`` JSON under ``--json``) and exits with status 2.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from realimpact.exceptions import InputError, RealImpactError
from realimpact.jsonable import to_jsonable
from realimpact.workspace import Workspace, open_workspace

__all__ = [
    "JsonOpt",
    "WorkspaceOpt",
    "command",
    "console",
    "emit_json",
    "err_console",
    "get_workspace",
    "progress_bar",
]

console = Console()
err_console = Console(stderr=True)

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON on stdout (stable field names).")
]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder. Default: $REALIMPACT_WORKSPACE, else the per-user data folder.",
        show_default=False,
    ),
]

P = ParamSpec("P")
R = TypeVar("R")


def emit_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    typer.echo(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))


def get_workspace(path: Path | None, *, create: bool = True) -> Workspace:
    return open_workspace(path, create=create)


def command(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a CLI command so library errors become clean messages and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except RealImpactError as exc:
            if kwargs.get("json_output"):
                payload = (
                    exc.to_dict()
                    if isinstance(exc, InputError)
                    else {"error": type(exc).__name__, "message": str(exc), "problems": []}
                )
                emit_json(payload)
            else:
                err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(code=2) from exc

    return wrapper


def progress_bar(*, transient: bool = False, disable: bool = False) -> Progress:
    """A rich progress bar on stderr (so ``--json`` output on stdout stays clean)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
        disable=disable,
    )
