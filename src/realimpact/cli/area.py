"""``realimpact area``: define, buffer, compare and list named areas (sets of 2021 LSOAs)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

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
)
from realimpact.data import areas as lib
from realimpact.exceptions import ConfigError, DataQualityWarning, Problem

__all__ = ["register"]

app = typer.Typer(help="Named areas: targets, buffers and controls (sets of 2021 LSOAs).")
T = TypeVar("T")


def _quiet(fn: Callable[[], T]) -> T:
    """Run ``fn`` with area warnings silenced (they are shown from ``Area.warnings``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return fn()


def _render(area: lib.Area, saved: Path | None = None) -> None:
    console.print(area.summary(), highlight=False)
    if saved is not None:
        err_console.print(f"Saved to {saved}", highlight=False)


def _parse_point(point: str) -> tuple[float, float]:
    try:
        lat, lon = (float(x) for x in point.split(","))
    except ValueError as exc:
        raise ConfigError(
            f"cannot read point {point!r}",
            [
                Problem(
                    f"{point!r} is not LAT,LON.",
                    "Write --point 54.5742,-1.2350 (latitude first, decimal degrees).",
                    column="point",
                )
            ],
        ) from exc
    return lat, lon


def _build(
    name: str,
    lsoa: list[str] | None,
    geojson: Path | None,
    point: str | None,
    radius: float | None,
) -> lib.Area:
    chosen = [x for x in (lsoa, geojson, point) if x]
    if len(chosen) != 1 or (point is not None) != (radius is not None):
        raise ConfigError(
            "choose one way to define the area",
            [
                Problem(
                    "give exactly one of --lsoa, --geojson, or --point with --radius.",
                    "e.g. realimpact area add centre --point 54.5742,-1.2350 --radius 800",
                    column="lsoa",
                )
            ],
        )
    if lsoa:
        return lib.area_from_lsoas(name, lsoa)
    if geojson is not None:
        return lib.area_from_geojson(name, geojson)
    assert point is not None and radius is not None
    lat, lon = _parse_point(point)
    return lib.area_from_point(name, lat, lon, radius)


@app.command("add")
@command
def add(
    name: Annotated[str, typer.Argument(help="Name of the new area.")],
    lsoa: Annotated[
        list[str] | None, typer.Option("--lsoa", help="An LSOA code (repeat for more).")
    ] = None,
    geojson: Annotated[
        Path | None, typer.Option("--geojson", help="GeoJSON polygon file (WGS84).")
    ] = None,
    point: Annotated[str | None, typer.Option("--point", help="Centre as LAT,LON.")] = None,
    radius: Annotated[float | None, typer.Option("--radius", help="Radius in metres.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an area.")] = False,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Define an area by LSOA codes, a GeoJSON polygon, or a point and radius, and save it.

    2011 LSOA codes are mapped to 2021 codes with a warning.

    Example: realimpact area add boro-centre --point 54.5742,-1.2350 --radius 800
    """
    area = _quiet(lambda: _build(name, lsoa, geojson, point, radius))
    saved = lib.save_area(get_workspace(workspace), area, overwrite=overwrite)
    emit_json(area) if json_output else _render(area, saved)


@app.command("buffer")
@command
def buffer(
    name: Annotated[str, typer.Argument(help="The target area.")],
    width: Annotated[float | None, typer.Option("--width", help="Ring width in metres.")] = None,
    adjacent: Annotated[bool, typer.Option("--adjacent", help="Adjacent LSOAs.")] = False,
    buffer_name: Annotated[
        str | None, typer.Option("--name", help="Name of the buffer (default NAME-buffer).")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an area.")] = False,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Save the buffer around a target area (a ring of given width, or the adjacent LSOAs).

    The buffer never includes the target's own LSOAs.

    Example: realimpact area buffer boro-centre --width 1000
    """
    ws = get_workspace(workspace)
    target = lib.load_area(ws, name)
    area = _quiet(
        lambda: lib.buffer_area(target, width_m=width, adjacent=adjacent, name=buffer_name)
    )
    saved = lib.save_area(ws, area, overwrite=overwrite)
    emit_json(area) if json_output else _render(area, saved)


@app.command("controls")
@command
def controls(
    name: Annotated[str, typer.Argument(help="The target area.")],
    n: Annotated[int, typer.Option("--n", min=1, help="How many candidates.")] = 10,
    crime_type: Annotated[
        list[str] | None, typer.Option("--crime-type", help="Crime type (repeatable).")
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="Pre-period start YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Pre-period end YYYY-MM.")] = None,
    exclude_m: Annotated[
        float, typer.Option("--exclude-m", help="Also leave out LSOAs this near the target.")
    ] = 1000.0,
    save: Annotated[
        str | None, typer.Option("--save", help="Save the candidates as an area.")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Rank control LSOAs: same force, not adjacent, similar pre-period level and trend.

    Reads the monthly counts imported into the workspace store.

    Example: realimpact area controls boro-centre --crime-type Drugs --end 2024-06 --n 5
    """
    ws = get_workspace(workspace)
    target = lib.load_area(ws, name)
    result = lib.candidate_controls(
        ws, target, n=n, exclude_m=exclude_m, crime_types=crime_type, start=start, end=end
    )
    if save:
        lib.save_area(ws, _quiet(lambda: result.area(save)))
    if json_output:
        emit_json(result)
        return
    table = Table(title=f"Candidate controls for {name}")
    for col in ("LSOA", "level", "trend", "distance"):
        table.add_column(col, justify="left" if col == "LSOA" else "right")
    for s in result.scores:
        table.add_row(s.lsoa, f"{s.level:.2f}", f"{s.trend:+.3f}", f"{s.distance:.3f}")
    console.print(table)
    console.print(
        f"Target: {result.target_level:.2f} per LSOA per month, trend "
        f"{result.target_trend:+.3f}; pool {result.pool_size}, excluded {len(result.excluded)}.",
        highlight=False,
    )


@app.command("list")
@command
def list_(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """List the areas saved in the workspace.

    Example: realimpact area list --json
    """
    found = lib.list_areas(get_workspace(workspace))
    if json_output:
        emit_json(found)
        return
    table = Table(title="Areas")
    for col in ("name", "kind", "LSOAs", "warnings"):
        table.add_column(col)
    for a in found:
        table.add_row(a.name, a.kind, str(len(a.lsoas)), str(len(a.warnings)))
    console.print(table)


@app.command("show")
@command
def show(
    name: Annotated[str, typer.Argument(help="The area.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show one saved area: its LSOAs, definition and warnings.

    Example: realimpact area show boro-centre
    """
    area = lib.load_area(get_workspace(workspace), name)
    if json_output:
        emit_json(area)
        return
    console.print(area.summary(), highlight=False)
    console.print(f"  all LSOAs: {', '.join(area.lsoas)}", highlight=False)
    definition = dict(area.definition)
    if "geojson" in definition:
        definition["geojson"] = f"<{definition['geojson'].get('type', 'polygon')}>"
    console.print(f"  defined by: {definition}", highlight=False)


@app.command("delete")
@command
def delete(
    name: Annotated[str, typer.Argument(help="The area.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Delete a saved area.

    Example: realimpact area delete boro-centre
    """
    lib.delete_area(get_workspace(workspace), name)
    if json_output:
        emit_json({"deleted": name})
    else:
        err_console.print(f"Deleted area {name}.", highlight=False)


def register(root: typer.Typer) -> None:
    """Add the ``area`` command group to the root app."""
    root.add_typer(app, name="area")
