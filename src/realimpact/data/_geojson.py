"""Reading a GeoJSON polygon for an area, with every problem named (file, feature, fix).

Accepts a Polygon, MultiPolygon, Feature or FeatureCollection in WGS84 longitude/latitude
(RFC 7946). Geometries that cannot be built (too few ring points, wrong nesting, missing
coordinates) are reported together, one :class:`~realimpact.exceptions.Problem` per
feature; self-intersecting rings are repaired with :func:`shapely.make_valid`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape

from realimpact.exceptions import ConfigError, NotFoundError, Problem

__all__ = ["read_polygon"]

_EXPORT_AGAIN = "Export the polygon again as GeoJSON (longitude, latitude in WGS84)."


def _read(src: str | Path | Mapping[str, Any]) -> tuple[Any, str | None]:
    if isinstance(src, Mapping):
        return dict(src), None
    path = Path(src)
    if not path.is_file():
        raise NotFoundError(f"GeoJSON file {path} does not exist. Check the path.")
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), str(path)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        msg, row, col = (
            (exc.msg, exc.lineno, f"character {exc.colno}")
            if isinstance(exc, json.JSONDecodeError)
            else ("the file is not UTF-8 text", None, None)
        )
        raise ConfigError(
            f"{path.name} is not valid JSON",
            [Problem(f"JSON syntax error: {msg}.", _EXPORT_AGAIN, str(path), row, col)],
        ) from exc


def _check_crs(data: Mapping[str, Any], file: str | None) -> None:
    crs_obj = data.get("crs")
    props = crs_obj.get("properties") if isinstance(crs_obj, Mapping) else None
    crs = str(props.get("name", "CRS84")) if isinstance(props, Mapping) else "CRS84"
    if not any(k in crs for k in ("CRS84", "4326")):
        raise ConfigError(
            "GeoJSON is not in WGS84",
            [
                Problem(
                    f"coordinate reference system {crs!r} is not WGS84 longitude/latitude.",
                    "Re-export the polygon in EPSG:4326 (WGS84), as RFC 7946 requires.",
                    file,
                    column="crs",
                )
            ],
        )


def _geometries(data: Mapping[str, Any], file: str | None) -> list[Any]:
    kind = data.get("type")
    feats = data.get("features", []) if kind == "FeatureCollection" else [data]
    geoms, problems = [], []
    for i, feat in enumerate(feats if isinstance(feats, list) else [feats]):
        where = "geometry" if kind != "FeatureCollection" else f"features.{i}.geometry"
        try:
            geom = feat.get("geometry", feat) if feat.get("type") == "Feature" else feat
            geoms.append(shape(geom))
        except (AttributeError, GEOSException, IndexError, KeyError, TypeError, ValueError) as e:
            problems.append(
                Problem(
                    f"cannot build the geometry: {str(e).rstrip('.')}.",
                    _EXPORT_AGAIN,
                    file,
                    column=where,
                )
            )
    if problems:
        raise ConfigError("GeoJSON geometry cannot be read", problems)
    return geoms


def read_polygon(src: str | Path | Mapping[str, Any]) -> tuple[Any, str | None]:
    """The union of the polygons in a GeoJSON file or object, and the file's path.

    Raises :class:`~realimpact.exceptions.ConfigError` naming the file, the feature and
    the fix when the JSON, the CRS or a geometry is wrong, or no polygon is found.
    """
    data, file = _read(src)
    if not isinstance(data, Mapping):
        raise ConfigError(
            "GeoJSON is not an object",
            [Problem(f"top level is a {type(data).__name__}.", _EXPORT_AGAIN, file, column="type")],
        )
    _check_crs(data, file)
    polys = [g for g in _geometries(data, file) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise ConfigError(
            "GeoJSON has no polygon",
            [
                Problem(
                    f"no Polygon or MultiPolygon found (type {data.get('type')!r}).",
                    "Draw the area as a polygon; for a circle use --point and --radius.",
                    file,
                    column="type",
                )
            ],
        )
    return shapely.union_all([shapely.make_valid(p) for p in polys]), file
