"""Areas: named sets of 2021 LSOAs that play a role in an evaluation.

An area is defined by a list of LSOA codes, a GeoJSON polygon (LSOAs whose centroid falls
inside) or a point and a radius (LSOAs whose centroid lies within the radius, by the
haversine distance). Around a target, :func:`buffer_area` draws the ring where
displacement or diffusion of benefits would show, and
:func:`~realimpact.data.controls.candidate_controls` (re-exported here) ranks comparison
LSOAs of the same force. Areas are saved by name as
``<workspace>/areas/<name>.json``.

Every area holds 2021-vintage codes. 2011 codes given by the user are mapped through the
crosswalk (:mod:`realimpact.data.crosswalk`) with a warning; an area whose LSOAs changed at
the 2011/2021 switch carries a warning too, because its series before the switch rest on
the crosswalk's area weights.

Examples
--------
>>> from realimpact.data.areas import area_from_point
>>> a = area_from_point("boro-centre", 54.5742, -1.2350, 500)
>>> len(a.lsoas) > 0
True
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from realimpact.data._area import Area, distance_to_area, make_area, validate_area_name
from realimpact.data._geojson import read_polygon
from realimpact.data.controls import (
    ControlCandidates,
    ControlScore,
    SeriesFn,
    candidate_controls,
)
from realimpact.data.crosswalk import crosswalk_table
from realimpact.data.geography import (
    adjacent_lsoas,
    haversine_m,
    lsoa_table,
    require_lsoas,
)
from realimpact.exceptions import ConfigError, NotFoundError, Problem, WorkspaceError
from realimpact.workspace import Workspace

__all__ = [
    "Area",
    "ControlCandidates",
    "ControlScore",
    "SeriesFn",
    "area_from_geojson",
    "area_from_lsoas",
    "area_from_point",
    "buffer_area",
    "candidate_controls",
    "delete_area",
    "list_areas",
    "load_area",
    "save_area",
    "validate_area_name",
]

_UK_BOX = (49.0, 61.5, -8.7, 2.1)  # lat min, lat max, lon min, lon max


def area_from_lsoas(name: str, codes: Iterable[str], *, source: str | None = None) -> Area:
    """An area from LSOA codes of either vintage (2011 codes are mapped to 2021).

    Parameters
    ----------
    name : str
        Area name (1-64 letters, digits, ``-``, ``_`` or ``.``).
    codes : iterable of str
        LSOA codes, 2011 or 2021 (England ``E01...``, Wales ``W01...``).
    source : str, optional
        The file the codes came from, named in problems.

    Returns
    -------
    Area
        Kind ``lsoas``; its definition keeps the codes as given.

    Raises
    ------
    ConfigError
        No codes, or unknown codes (all listed at once, each with the fix).

    Notes
    -----
    A 2011 code that ended in 2021 is replaced by every 2021 LSOA it overlaps (ONS
    LSOA 2011 to 2021 lookup, crosswalk weight > 0), with a
    :class:`~realimpact.exceptions.DataQualityWarning` naming it.
    """
    validate_area_name(name)
    given = [c.strip() for c in codes if c.strip()]
    if not given:
        raise ConfigError(
            "no LSOA codes given",
            [
                Problem(
                    "The area has no LSOA codes.",
                    "Give at least one code, e.g. --lsoa E01012057.",
                    file=source,
                )
            ],
        )
    require_lsoas(given, source=source)
    cw = crosswalk_table()
    cw = cw[cw["from_lsoa"].isin(set(given))]
    mapped = cw[cw["from_lsoa"] != cw["to_lsoa21"]]
    notes = [
        f"2011 code {old} mapped to 2021 code(s) {', '.join(sorted(grp['to_lsoa21']))}."
        for old, grp in mapped.groupby("from_lsoa")
    ]
    return make_area(name, cw["to_lsoa21"], "lsoas", {"lsoas": sorted(set(given))}, notes)


def area_from_geojson(name: str, src: str | Path | Mapping[str, Any]) -> Area:
    """An area of the 2021 LSOAs whose centroid falls inside a GeoJSON polygon.

    Parameters
    ----------
    name : str
        Area name.
    src : str, Path or mapping
        A GeoJSON file or parsed object (Polygon, MultiPolygon, Feature or
        FeatureCollection) in WGS84 longitude/latitude (RFC 7946).

    Returns
    -------
    Area
        Kind ``geojson``; its definition keeps the (unioned) polygon.

    Raises
    ------
    ConfigError
        Bad JSON, a non-WGS84 CRS, geometries that cannot be built (one problem per
        feature), no polygon, or no LSOA centroid inside (latitude-first pairs are named).

    Notes
    -----
    Assumption: an LSOA belongs to the area if its population-weighted centroid (ONS)
    does, so thin slivers of large LSOAs are left out.
    """
    validate_area_name(name)
    poly, file = read_polygon(src)
    t = lsoa_table()
    cur = t[t["in2021"]]
    inside = shapely.contains_xy(poly, cur["lon"].to_numpy(), cur["lat"].to_numpy())
    codes = cur.loc[inside, "code"].tolist()
    if not codes:
        lon0, lat0, lon1, lat1 = poly.bounds
        swapped = _in_britain(lon0, lat0) and _in_britain(lon1, lat1)
        raise ConfigError(
            "the polygon holds no LSOA centroid",
            [
                Problem(
                    "no 2021 LSOA centroid lies inside the polygon"
                    + (" (its coordinates look like latitude, longitude)." if swapped else "."),
                    "GeoJSON lists longitude first: swap each pair."
                    if swapped
                    else "Draw a larger polygon (LSOAs are about 1,500 residents each) or use "
                    "--point with --radius.",
                    file,
                    column="coordinates" if swapped else None,
                )
            ],
        )
    return make_area(name, codes, "geojson", {"geojson": shapely.geometry.mapping(poly)})


def _in_britain(lat: float, lon: float) -> bool:
    return _UK_BOX[0] <= lat <= _UK_BOX[1] and _UK_BOX[2] <= lon <= _UK_BOX[3]


def _check_point(lat: float, lon: float, radius_m: float) -> None:
    problems = []
    if not _in_britain(lat, lon):
        problems.append(
            Problem(
                f"point {lat}, {lon} is outside Great Britain.",
                "Give LAT,LON in decimal degrees, latitude first (e.g. 54.5742,-1.2350).",
                column="point",
            )
        )
    if not (np.isfinite(radius_m) and radius_m > 0):
        problems.append(
            Problem(
                f"radius {radius_m} is not a positive distance.",
                "Give the radius in metres, e.g. --radius 800.",
                column="radius",
            )
        )
    if problems:
        raise ConfigError("the point or radius cannot be used", problems)


def area_from_point(name: str, lat: float, lon: float, radius_m: float) -> Area:
    """An area of the 2021 LSOAs whose centroid lies within ``radius_m`` metres of a point.

    Parameters
    ----------
    name : str
        Area name.
    lat, lon : float
        The point in WGS84 decimal degrees (must lie in Great Britain).
    radius_m : float
        Radius in metres (> 0).

    Returns
    -------
    Area
        Kind ``point``.

    Raises
    ------
    ConfigError
        A point outside Great Britain, a radius that is not positive, or no centroid
        within the radius (the distance to the nearest one is given).

    Notes
    -----
    Distance is the haversine great-circle distance on a sphere of the Earth's mean radius
    (error under 0.5% at these scales).
    """
    validate_area_name(name)
    _check_point(lat, lon, radius_m)
    t = lsoa_table()
    cur = t[t["in2021"]]
    d = haversine_m(lat, lon, cur["lat"].to_numpy(), cur["lon"].to_numpy())
    codes = cur.loc[d <= radius_m, "code"].tolist()
    if not codes:
        raise ConfigError(
            "no LSOA centroid within the radius",
            [
                Problem(
                    f"the nearest LSOA centroid is {float(d.min()):.0f} m away.",
                    f"Use a radius of at least {float(np.ceil(d.min())):.0f} m.",
                    column="radius",
                )
            ],
        )
    definition = {"lat": lat, "lon": lon, "radius_m": radius_m}
    return make_area(name, codes, "point", definition)


def buffer_area(
    target: Area,
    *,
    width_m: float | None = None,
    adjacent: bool = False,
    name: str | None = None,
) -> Area:
    """The ring around a target where displacement or diffusion would show (target excluded).

    Parameters
    ----------
    target : Area
        The target area.
    width_m : float, optional
        Ring width in metres (> 0).
    adjacent : bool
        Use the LSOAs adjacent to the target instead of a ring.
    name : str, optional
        Name of the buffer; default ``<target>-buffer``.

    Returns
    -------
    Area
        Kind ``buffer``; its definition names the target and the rule.

    Raises
    ------
    ConfigError
        Both or neither of ``width_m`` and ``adjacent``, or a width that is not positive.

    Notes
    -----
    The buffer is where displacement or a diffusion of benefits would show (UKDPC 2009,
    Box A; Bowers and Johnson's weighted displacement quotient compares it with the target
    and a control area). Exactly one of:

    * ``width_m``: 2021 LSOAs whose centroid lies within ``width_m`` metres of the target's
      LSOA polygons (distance in a local equirectangular projection; for target LSOAs
      without a shipped polygon, the haversine distance to their centroid);
    * ``adjacent=True``: LSOAs adjacent to any target LSOA
      (:func:`~realimpact.data.geography.adjacent_lsoas`).
    """
    if (width_m is None) == (not adjacent):
        raise ConfigError(
            "choose one buffer rule",
            [
                Problem(
                    "give either a width or adjacent, not both or neither.",
                    "Use --width METRES or --adjacent.",
                    column="width",
                )
            ],
        )
    bname = name or f"{target.name}-buffer"
    inner = set(target.lsoas)
    if adjacent:
        ring = set().union(*(adjacent_lsoas(c) for c in target.lsoas)) - inner
        return make_area(bname, ring, "buffer", {"target": target.name, "adjacent": True})
    assert width_m is not None
    if not (np.isfinite(width_m) and width_m > 0):
        raise ConfigError(
            "the buffer width cannot be used",
            [
                Problem(
                    f"width {width_m} is not a positive distance.",
                    "Give the ring width in metres, e.g. --width 1000.",
                    column="width",
                )
            ],
        )
    t = lsoa_table()
    cur = t[t["in2021"]]
    d = distance_to_area(target, cur["lat"].to_numpy(), cur["lon"].to_numpy())
    ring = set(cur.loc[d <= width_m, "code"]) - inner
    notes = [] if ring else [f"no LSOA centroid lies within {width_m:.0f} m of the target."]
    definition = {"target": target.name, "width_m": width_m}
    return make_area(bname, ring, "buffer", definition, notes)


def _area_path(workspace: Workspace, name: str) -> Path:
    return workspace.areas_dir / f"{validate_area_name(name)}.json"


def save_area(workspace: Workspace, area: Area, *, overwrite: bool = False) -> Path:
    """Save an area as ``<workspace>/areas/<name>.json`` (atomic: all or nothing).

    Raises :class:`ConfigError` if the name is taken and ``overwrite`` is false.
    """
    path = _area_path(workspace, area.name)
    if path.exists() and not overwrite:
        raise ConfigError(
            f"an area named {area.name!r} already exists",
            [
                Problem(
                    f"{path} exists.",
                    "Choose another name, or delete the old area first "
                    "(realimpact area delete NAME).",
                    str(path),
                    entry=area.name,
                )
            ],
        )
    text = json.dumps(area.to_dict(), indent=2, ensure_ascii=False)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{area.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise WorkspaceError(f"cannot write {path}: {exc}") from exc
    return path


def load_area(workspace: Workspace, name: str) -> Area:
    """The area saved under ``name``; :class:`NotFoundError` lists the saved names if absent."""
    path = _area_path(workspace, name)
    if not path.is_file():
        names = ", ".join(a.name for a in list_areas(workspace)) or "none yet"
        raise NotFoundError(
            f"no area named {name!r} in {workspace.root}. Saved areas: {names}. "
            "Add one with: realimpact area add NAME --lsoa CODE"
        )
    try:
        return Area.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise WorkspaceError(f"area file {path} is damaged ({exc}); delete and re-add it.") from exc


def list_areas(workspace: Workspace) -> list[Area]:
    """Every area saved in the workspace, sorted by name."""
    found = [load_area(workspace, p.stem) for p in workspace.areas_dir.glob("*.json")]
    return sorted(found, key=lambda a: a.name)


def delete_area(workspace: Workspace, name: str) -> None:
    """Remove a saved area; :class:`NotFoundError` if there is none of that name."""
    path = _area_path(workspace, name)
    if not path.is_file():
        raise NotFoundError(f"no area named {name!r} in {workspace.root}.")
    path.unlink()
