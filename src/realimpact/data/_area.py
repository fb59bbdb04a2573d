"""The :class:`Area` record and what every way of drawing one shares.

An area is a named set of 2021 LSOAs with how it was made. :func:`make_area` sorts the
codes and records a :class:`~realimpact.exceptions.DataQualityWarning` when LSOAs changed
at the 2011/2021 switch; :func:`distance_to_area` measures how far points lie from an
area's LSOA polygons (used by ring buffers and by control ranking).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from realimpact.data.crosswalk import changed_lsoas
from realimpact.data.geography import EARTH_RADIUS_M, haversine_m, lsoa_boundary, lsoa_table
from realimpact.exceptions import ConfigError, DataQualityWarning, Problem

__all__ = ["Area", "distance_to_area", "make_area", "validate_area_name"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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


def make_area(
    name: str,
    codes: Iterable[str],
    kind: str,
    definition: Mapping[str, Any],
    notes: Sequence[str] = (),
) -> Area:
    """An :class:`Area` of the sorted, unique ``codes``, warning about 2011/2021 changes.

    Each note, and a note naming the LSOAs that changed at the 2011/2021 switch, is issued
    as a :class:`~realimpact.exceptions.DataQualityWarning` and kept in ``Area.warnings``.
    """
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


def distance_to_area(target: Area, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
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
