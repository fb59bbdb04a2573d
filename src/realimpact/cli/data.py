"""``realimpact data``: import police.uk and partner files into the store, and show its status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from realimpact.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    command,
    console,
    emit_json,
    err_console,
    get_workspace,
    progress_bar,
)
from realimpact.data.importing import ImportResult, import_paths
from realimpact.data.store import StoreStatus, store_status

__all__ = ["register"]

app = typer.Typer(help="The observation store: import data files and show what is stored.")


@app.command("import")
@command
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="CSV/CSV.GZ files, folders or zips.")],
    workspace: WorkspaceOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    keep_events: Annotated[
        bool,
        typer.Option(
            "--keep-events",
            help="Also keep every police.uk row (crime, outcome, search) as Parquet in the "
            "store; slower. Series and evaluations need only the monthly counts.",
        ),
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """Import police.uk street/outcomes/stop-and-search files or partner CSVs, all or nothing.

    Files already stored (same bytes) are skipped; a newer release of a force-month
    replaces the older one. Any error leaves the store exactly as it was. The store
    keeps monthly counts per LSOA and category and each file's provenance; add
    --keep-events to keep the rows themselves.

    Example: realimpact data import ~/Downloads/2025-11.zip --workspace ./ws
    """
    ws = get_workspace(workspace)
    with progress_bar(transient=True, disable=json_output) as bar:
        task = bar.add_task("Importing", total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        result = import_paths(ws, paths, strict=strict, keep_events=keep_events, progress=report)
    if json_output:
        emit_json(result)
        return
    _render_import(result)


def _render_import(result: ImportResult) -> None:
    table = Table(title="Import")
    for col in ("file", "kind", "force", "month", "rows", "status"):
        table.add_column(col, justify="right" if col == "rows" else "left")
    for f in result.files[:40]:
        table.add_row(
            Path(f.file).name, f.kind, f.force or "", f.period or "", f"{f.rows:,}", f.status
        )
    if len(result.files) > 40:
        table.add_row(f"... {len(result.files) - 40} more", "", "", "", "", "")
    console.print(table)
    for w in result.warnings[:20]:
        err_console.print(f"[yellow]Warning:[/] {w}", highlight=False)
    if len(result.warnings) > 20:
        err_console.print(f"... and {len(result.warnings) - 20} more warnings (use --json).")
    console.print(result.summary(), highlight=False)


@app.command("status")
@command
def status_cmd(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """Show the forces, months, rows per kind and batches held in the store.

    Example: realimpact data status --workspace ./ws --json
    """
    status = store_status(get_workspace(workspace))
    if json_output:
        emit_json(status)
        return
    _render_status(status)


def _cell(value: object) -> str:
    """A table cell: blank for a missing value (None or NaN from the status frame)."""
    return "" if value is None or value != value else str(value)


def _render_status(status: StoreStatus) -> None:
    if status.kinds.empty:
        console.print(status.summary(), highlight=False)
        return
    table = Table(title=f"Store {status.root}")
    for col in ("kind", "force", "first", "last", "months", "rows", "files"):
        table.add_column(col)
    for r in status.kinds.to_dict(orient="records"):
        table.add_row(
            str(r["kind"]),
            _cell(r["force"]),
            _cell(r["first_month"]),
            _cell(r["last_month"]),
            str(r["months"]),
            f"{int(r['rows']):,}",
            str(r["batches"]),
        )
    console.print(table)
    replaced = sum(b.status == "replaced" for b in status.batches)
    console.print(f"{len(status.batches)} batches ({replaced} replaced by newer releases).")


def register(root: typer.Typer) -> None:
    """Add the ``data`` group to the root app."""
    root.add_typer(app, name="data")
