"""Areas: named sets of 2021 LSOAs that play a role in an evaluation.

An area is defined by a list of LSOA codes, a GeoJSON polygon (LSOAs whose centroid falls
inside) or a point and a radius (LSOAs whose centroid lies within the radius, by the
haversine distance). Around a target, :func:`buffer_area` draws the ring where
displacement or diffusion of benefits would show, and :func:`candidate_controls` ranks
comparison LSOAs of the same force. Areas are saved by name as
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

import datetime as dt
import json
import os
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from realimpact.data.crosswalk import changed_lsoas, crosswalk_table
from realimpact.data.geography import (
    EARTH_RADIUS_M,
    adjacent_lsoas,
    force_of,
    haversine_m,
    lsoa_boundary,
    lsoa_table,
    lsoas_in_force,
    require_lsoas,
)
from realimpact.exceptions import (
    ConfigError,
    DataQualityWarning,
    NotFoundError,
    Problem,
    WorkspaceError,
)
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

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
CONTROL_METHOD = "same force, not adjacent; z-scaled distance on pre-period level and trend"
_UK_BOX = (49.0, 61.5, -8.7, 2.1)  # lat min, lat max, lon min, lon max


@dataclass(frozen=True)
class Area:
    """A named set of 2021 LSOAs with how it was defined.

    ``kind`` is ``lsoas``, ``geojson``, ``point``, ``buffer`` or ``controls``;
    ``definition`` holds what is needed to redraw it (codes, polygon, point and radius,
    or target and width); ``warnings`` are the caveats found when it was made.
    """

    name: str
    lsoas: tuple[str, ...]
    kind: str
    definition: Mapping[str, Any]
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "lsoas": list(self.lsoas),
            "kind": self.kind,
            "definition": dict(self.definition),
            "created": self.created,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Area:
        return cls(
            name=str(data["name"]),
            lsoas=tuple(str(c) for c in data["lsoas"]),
            kind=str(data["kind"]),
            definition=dict(data.get("definition", {})),
            created=str(data.get("created", "")),
            warnings=tuple(str(w) for w in data.get("warnings", [])),
        )

    def summary(self) -> str:
        head = f"{self.name} ({self.kind}): {len(self.lsoas)} LSOA(s)"
        shown = ", ".join(self.lsoas[:8]) + (" ..." if len(self.lsoas) > 8 else "")
        lines = [head, f"  {shown}", *(f"  warning: {w}" for w in self.warnings)]
        return "\n".join(lines)


def validate_area_name(name: str) -> str:
    """Return ``name`` if it can name an area file, else raise :class:`ConfigError`."""
    if not _NAME.match(name):
        raise ConfigError(
            f"invalid area name {name!r}",
            [
                Problem(
                    f"{name!r} cannot name an area.",
                    "Use 1-64 letters, digits, '-', '_' or '.', starting with a letter or "
                    "digit (e.g. boro-centre).",
                    entry=name,
                )
            ],
        )
    return name


def _make(
    name: str,
    codes: Iterable[str],
    kind: str,
    definition: Mapping[str, Any],
    notes: Sequence[str] = (),
) -> Area:
    lsoas = tuple(sorted(set(codes)))
    found = list(notes)
    changed = sorted(changed_lsoas(lsoas))
    if changed:
        found.append(
            f"{len(changed)} of the area's LSOAs changed at the 2011/2021 switch "
            f"({', '.join(changed[:6])}{' ...' if len(changed) > 6 else ''}); counts "
            "recorded against 2011 codes are moved onto 2021 codes with the crosswalk."
        )
    for w in found:
        warnings.warn(f"area {name!r}: {w}", DataQualityWarning, stacklevel=3)
    return Area(validate_area_name(name), lsoas, kind, dict(definition), warnings=tuple(found))


def area_from_lsoas(name: str, codes: Iterable[str], *, source: str | None = None) -> Area:
    """An area from LSOA codes of either vintage (2011 codes are mapped to 2021).

    Unknown codes raise one :class:`ConfigError` listing them all. A 2011 code that ended
    in 2021 is replaced by every 2021 LSOA it overlaps (crosswalk weight > 0), with a
    warning naming it.
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
    return _make(name, cw["to_lsoa21"], "lsoas", {"lsoas": sorted(set(given))}, notes)


def _read_geojson(src: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    if isinstance(src, Mapping):
        return dict(src), None
    path = Path(src)
    if not path.is_file():
        raise NotFoundError(f"GeoJSON file {path} does not exist. Check the path.")
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), str(path)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path.name} is not valid JSON",
            [
                Problem(
                    f"JSON syntax error: {exc.msg}.",
                    "Export the polygon again as GeoJSON.",
                    str(path),
                    exc.lineno,
                    f"character {exc.colno}",
                )
            ],
        ) from exc


def _polygons(data: Mapping[str, Any], file: str | None) -> Any:
    crs = str(data.get("crs", {}).get("properties", {}).get("name", "CRS84"))
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
    kind = data.get("type")
    feats = data.get("features", []) if kind == "FeatureCollection" else [data]
    geoms = [shape(f.get("geometry", f) if f.get("type") == "Feature" else f) for f in feats]
    polys = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise ConfigError(
            "GeoJSON has no polygon",
            [
                Problem(
                    f"no Polygon or MultiPolygon found (type {kind!r}).",
                    "Draw the area as a polygon; for a circle use --point and --radius.",
                    file,
                    column="type",
                )
            ],
        )
    return shapely.union_all(polys)


def area_from_geojson(name: str, src: str | Path | Mapping[str, Any]) -> Area:
    """An area of the 2021 LSOAs whose centroid falls inside a GeoJSON polygon.

    ``src`` is a file path or a parsed GeoJSON object (Polygon, MultiPolygon, Feature or
    FeatureCollection) in WGS84 longitude/latitude. Assumption: an LSOA belongs to the
    area if its centroid does, so thin slivers of large LSOAs are left out.
    """
    validate_area_name(name)
    data, file = _read_geojson(src)
    poly = _polygons(data, file)
    t = lsoa_table()
    cur = t[t["in2021"]]
    inside = shapely.contains_xy(poly, cur["lon"].to_numpy(), cur["lat"].to_numpy())
    codes = cur.loc[inside, "code"].tolist()
    if not codes:
        raise ConfigError(
            "the polygon holds no LSOA centroid",
            [
                Problem(
                    "no 2021 LSOA centroid lies inside the polygon.",
                    "Draw a larger polygon (LSOAs are about 1,500 residents each) or use "
                    "--point with --radius.",
                    file,
                )
            ],
        )
    return _make(name, codes, "geojson", {"geojson": shapely.geometry.mapping(poly)})


def _check_point(lat: float, lon: float, radius_m: float) -> None:
    problems = []
    if not (_UK_BOX[0] <= lat <= _UK_BOX[1] and _UK_BOX[2] <= lon <= _UK_BOX[3]):
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
    return _make(name, codes, "point", definition)


def _distance_to_target(target: Area, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Metres from each point to the nearest part of the target (polygon, else centroid)."""
    t = lsoa_table()
    lat0 = float(t.loc[list(target.lsoas), "lat"].mean())
    kx = EARTH_RADIUS_M * np.cos(np.radians(lat0)) * np.pi / 180.0
    ky = EARTH_RADIUS_M * np.pi / 180.0
    best = np.full(lat.shape, np.inf)
    pts = shapely.points(lon * kx, lat * ky)
    for code in target.lsoas:
        poly = lsoa_boundary(code, "2021")
        if poly is not None:
            local = shapely.transform(poly, lambda xy: xy * np.array([kx, ky]))
            d = shapely.distance(local, pts)
        else:
            clat, clon = t.loc[[code], ["lat", "lon"]].to_numpy(dtype=float)[0]
            d = haversine_m(clat, clon, lat, lon)
        best = np.minimum(best, d)
    return best


def buffer_area(
    target: Area,
    *,
    width_m: float | None = None,
    adjacent: bool = False,
    name: str | None = None,
) -> Area:
    """The ring around a target where displacement or diffusion would show (target excluded).

    Exactly one of:

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
        return _make(bname, ring, "buffer", {"target": target.name, "adjacent": True})
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
    d = _distance_to_target(target, cur["lat"].to_numpy(), cur["lon"].to_numpy())
    ring = set(cur.loc[d <= width_m, "code"]) - inner
    notes = [] if ring else [f"no LSOA centroid lies within {width_m:.0f} m of the target."]
    definition = {"target": target.name, "width_m": width_m}
    return _make(bname, ring, "buffer", definition, notes)


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


SeriesFn = Callable[[Sequence[str]], pd.DataFrame]


@dataclass(frozen=True)
class ControlScore:
    """One candidate control LSOA: its pre-period level and trend, and its distance."""

    lsoa: str
    level: float
    trend: float
    distance: float


@dataclass(frozen=True)
class ControlCandidates:
    """Candidate controls for a target, best first, with the scores that ranked them."""

    target: str
    target_level: float
    target_trend: float
    pool_size: int
    excluded: tuple[str, ...]
    scores: tuple[ControlScore, ...]
    method: str = CONTROL_METHOD

    @property
    def lsoas(self) -> tuple[str, ...]:
        return tuple(s.lsoa for s in self.scores)

    def area(self, name: str) -> Area:
        """The candidates as an area of kind ``controls``."""
        return _make(name, self.lsoas, "controls", {"target": self.target, "method": self.method})

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_level": self.target_level,
            "target_trend": self.target_trend,
            "pool_size": self.pool_size,
            "excluded": list(self.excluded),
            "scores": [asdict(s) for s in self.scores],
            "method": self.method,
        }

    def summary(self) -> str:
        head = (
            f"Controls for {self.target} (level {self.target_level:.2f}/LSOA/month, "
            f"trend {self.target_trend:+.3f}/month); {self.pool_size} in pool"
        )
        rows = [
            f"  {s.lsoa}  level {s.level:7.2f}  trend {s.trend:+.3f}  d {s.distance:.3f}"
            for s in self.scores
        ]
        return "\n".join([head, *rows])


def _wide(panel: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Months x LSOAs counts from a wide frame or a long one (lsoa, month, count|value)."""
    if {"lsoa", "month"} <= set(panel.columns):
        value = next(c for c in ("count", "value", "n") if c in panel.columns)
        panel = panel.pivot_table(index="month", columns="lsoa", values=value, aggfunc="sum")
    return panel.reindex(columns=list(codes)).fillna(0.0).sort_index()


def _level_trend(wide: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    y = wide.to_numpy(dtype=float)
    t = np.arange(y.shape[0], dtype=float)
    tc = t - t.mean()
    slope = (tc @ (y - y.mean(axis=0))) / max(float(tc @ tc), 1e-12)
    return y.mean(axis=0), slope


def _default_series(
    workspace: Workspace | None,
    crime_types: Sequence[str] | None,
    start: str | None,
    end: str | None,
) -> SeriesFn:
    try:
        from realimpact.data.series import lsoa_panel
    except ImportError as exc:
        raise ConfigError(
            "no series source for candidate controls",
            [
                Problem(
                    "realimpact.data.series.lsoa_panel is not available.",
                    "Pass series_fn=, a callable returning monthly counts per LSOA.",
                )
            ],
        ) from exc

    if workspace is None:
        raise ConfigError(
            "no workspace to read series from",
            [
                Problem(
                    "candidate_controls needs a workspace or series_fn.",
                    "Pass the workspace holding imported police.uk data, or series_fn=.",
                )
            ],
        )
    ws = workspace

    def fn(codes: Sequence[str]) -> pd.DataFrame:
        return lsoa_panel(ws, codes, crime_types=crime_types, start=start, end=end)

    return fn


def candidate_controls(
    workspace: Workspace | None,
    target: Area,
    *,
    series_fn: SeriesFn | None = None,
    n: int = 10,
    exclude_m: float = 1000.0,
    exclude: Iterable[str] = (),
    crime_types: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> ControlCandidates:
    """Rank LSOAs of the target's force as controls by similar pre-period level and trend.

    Method: the pool is the 2021 LSOAs of the police force area holding most of the target,
    less the target, LSOAs adjacent to it, LSOAs whose centroid is within ``exclude_m``
    metres of it (its likely buffer) and ``exclude``. For the target (mean per LSOA) and for
    each pool LSOA the pre-period monthly counts give a level (mean) and a trend (OLS slope
    per month). The distance is ``sqrt(((L - L_t)/s_L)^2 + ((T - T_t)/s_T)^2)`` with
    ``s_L``, ``s_T`` the standard deviations over the pool; the ``n`` nearest are returned.

    ``series_fn(codes)`` returns monthly counts for the pre-period, wide (months x LSOAs)
    or long (``lsoa, month, count``); by default ``realimpact.data.series.lsoa_panel``
    reads the workspace store for ``crime_types`` between ``start`` and ``end``.
    Assumption: LSOAs similar in level and trend before the operation are plausible
    counterfactuals (check parallel trends in the evaluation). Deterministic: no randomness.
    """
    force = Counter(v for v in force_of(target.lsoas).values() if v).most_common(1)
    if not force:
        raise ConfigError(
            "the target has no known police force area",
            [
                Problem(
                    "no target LSOA maps to a police force area.",
                    "Define the target with England or Wales LSOA codes.",
                )
            ],
        )
    near = set().union(*(adjacent_lsoas(c) for c in target.lsoas))
    t = lsoa_table()
    pool_codes = list(lsoas_in_force(force[0][0]))
    pool = t.loc[pool_codes]
    dist = _distance_to_target(target, pool["lat"].to_numpy(), pool["lon"].to_numpy())
    near |= set(pool.loc[dist <= exclude_m, "code"]) | set(exclude)
    excluded = tuple(sorted(near - set(target.lsoas)))
    candidates = [c for c in pool_codes if c not in near and c not in set(target.lsoas)]
    fn = series_fn or _default_series(workspace, crime_types, start, end)
    wide = _wide(fn([*target.lsoas, *candidates]), [*target.lsoas, *candidates])
    if len(wide.index) < 3:
        raise ConfigError(
            "too few pre-period months to compare controls",
            [
                Problem(
                    f"the series has {len(wide.index)} month(s); level and trend need 3+.",
                    "Import police.uk data for the force first (realimpact data import), "
                    "or widen the pre-period (--start/--end).",
                )
            ],
        )
    level, trend = _level_trend(wide)
    k = len(target.lsoas)
    lt, tt = float(level[:k].mean()), float(trend[:k].mean())
    cl, ct = level[k:], trend[k:]
    sl = float(cl.std(ddof=1)) if len(cl) > 1 and cl.std() > 0 else 1.0
    st = float(ct.std(ddof=1)) if len(ct) > 1 and ct.std() > 0 else 1.0
    d = np.sqrt(((cl - lt) / sl) ** 2 + ((ct - tt) / st) ** 2)
    order = np.argsort(d, kind="stable")[:n]
    scores = tuple(
        ControlScore(candidates[i], float(cl[i]), float(ct[i]), float(d[i])) for i in order
    )
    return ControlCandidates(target.name, lt, tt, len(candidates), excluded, scores)
