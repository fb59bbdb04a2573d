"""``realimpact series``: the monthly series of a saved area, per crime type and harm-weighted."""

from __future__ import annotations

import warnings
from typing import Annotated

import typer
from rich.table import Table

from realimpact.cli._common import JsonOpt, WorkspaceOpt, command, console, emit_json, get_workspace
from realimpact.data.series import AreaSeries, area_series
from realimpact.exceptions import DataQualityWarning

__all__ = ["register"]


@command
def series_cmd(
    area: Annotated[str, typer.Argument(help="Name of a saved area (see 'realimpact area').")],
    crime_type: Annotated[
        list[str] | None,
        typer.Option("--crime-type", "-c", help="police.uk crime type (repeatable). Default: all."),
    ] = None,
    weights: Annotated[
        str, typer.Option("--weights", help="Weight table for harm (e.g. cchi, count).")
    ] = "cchi",
    start: Annotated[str | None, typer.Option("--start", help="First month YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last month YYYY-MM.")] = None,
    include_activity: Annotated[
        bool,
        typer.Option("--include-activity", help="Count Drugs and weapons possession in harm."),
    ] = False,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Monthly counts and harm of an area, zero-filled, consistent across LSOA vintages.

    Activity offences (Drugs, Possession of weapons) are left out of harm unless
    --include-activity is given; the output says so.

    Example: realimpact series town-centre --crime-type Drugs --weights cchi --json
    """
    ws = get_workspace(workspace, create=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # shown from the result instead
        result = area_series(
            ws,
            area,
            crime_types=crime_type or None,
            start=start,
            end=end,
            weights=weights,
            include_activity=include_activity,
        )
    if json_output:
        emit_json(result)
        return
    _render(result)


def _num(value: object) -> str:
    """Whole counts as integers; fractions (2011 LSOAs split across 2021 ones) to 0.1."""
    if not isinstance(value, int | float) or value != value:  # missing harm: blank
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _render(s: AreaSeries) -> None:
    table = Table(title=f"{s.area}: monthly totals")
    for col in ("month", "records", f"harm ({s.unit or '-'})", "activity"):
        table.add_column(col, justify="right")
    for r in s.totals().to_dict(orient="records"):
        table.add_row(str(r["month"]), _num(r["count"]), _num(r["harm"]), _num(r["activity"]))
    console.print(table)
    console.print(s.summary(), highlight=False)


def register(root: typer.Typer) -> None:
    """Add the ``series`` command to the root app."""
    root.command("series")(series_cmd)
