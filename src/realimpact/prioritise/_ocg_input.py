"""Organised crime group input: the Sleipnir-style preset, ratings, groups and their file.

See :mod:`realimpact.prioritise._ocg` for the method. Nominal and intelligence fields of
:class:`OrganisedCrimeGroup` are marked sensitive (:func:`sensitive_field`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from realimpact.prioritise._access import sensitive_field
from realimpact.prioritise._io import Collector, entry_label, entry_lines, read_records
from realimpact.prioritise._model import HARM_ID

__all__ = [
    "OcgAttribute",
    "OcgHarm",
    "OcgMatrixPreset",
    "OrganisedCrimeGroup",
    "Rating",
    "load_ocg_preset",
    "load_ocgs",
]


class Rating(enum.Enum):
    """A Sleipnir-style rating of one attribute for one group."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"
    NIL = "Nil"
    UNKNOWN = "Unknown"

    @property
    def description(self) -> str:
        return {"Unknown": "no reliable intelligence: an intelligence gap, not a zero"}.get(
            self.value, f"attribute assessed as {self.value.lower()}"
        )


class OcgAttribute(BaseModel):
    """One attribute of the matrix, with its rank and how far its source was verified."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    rank: int = Field(ge=1)
    verification: str

    @property
    def points(self) -> int:
        return 20 - self.rank


class OcgMatrixPreset(BaseModel):
    """The attribute list, rating multipliers, unknown policy and harm level weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    status: str
    source: str
    ratings: dict[str, float]
    unknown_policy: Literal["gap-range", "as-medium"] = "gap-range"
    harm_level_weights: dict[str, float]
    attributes: tuple[OcgAttribute, ...]


def load_ocg_preset() -> OcgMatrixPreset:
    """The Sleipnir-style preset (reconstructed from secondary sources)."""
    res = resources.files("realimpact.prioritise") / "data" / "sleipnir.yaml"
    return OcgMatrixPreset.model_validate(yaml.safe_load(res.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class OcgHarm:
    """A harm of the drug-harm matrix a group causes, and how severely (0–4)."""

    harm_id: str
    severity: float

    @property
    def level(self) -> str:
        return self.harm_id.split(".")[1]


@dataclass(frozen=True)
class OrganisedCrimeGroup:
    """A group: a non-identifying label, its attribute ratings and harms; nominals are sensitive."""

    id: str
    label: str
    ratings: Mapping[str, Rating]
    harms: tuple[OcgHarm, ...] = ()
    area: str | None = None
    real_name: str | None = sensitive_field(default=None)
    nominals: tuple[str, ...] = sensitive_field(default=())
    intelligence_notes: str = sensitive_field(default="")


_GROUP_KEYS = {
    "id",
    "label",
    "area",
    "attributes",
    "harms",
    "real_name",
    "nominals",
    "intelligence_notes",
}


def load_ocgs(path: str | Path, preset: OcgMatrixPreset | None = None) -> list[OrganisedCrimeGroup]:
    """Read groups from YAML (a ``groups:`` list); report every problem at once.

    Each group has ``id``, ``label``, ``attributes: {attribute: High|Medium|Low|Nil|Unknown}``
    and optionally ``harms: [{id, severity}]``, ``area``, and the sensitive ``real_name``,
    ``nominals``, ``intelligence_notes``.
    """
    preset = preset or load_ocg_preset()
    path = Path(path)
    col = Collector()
    raws, _ = read_records(path, col, key="groups")
    lines = entry_lines(path, "groups")
    groups = [
        g
        for i, raw in enumerate(raws)
        if (g := _parse_group(raw, i, str(path), lines[i] if i < len(lines) else None, preset, col))
        is not None
    ]
    ids = [str(r.get("id")) for r in raws if isinstance(r, Mapping) and r.get("id")]
    col.duplicates(ids, "group id", str(path))
    col.raise_if_any(f"The groups file {path.name} is invalid.")
    return groups


def _parse_group(
    raw: Any, i: int, file: str, row: int | None, preset: OcgMatrixPreset, col: Collector
) -> OrganisedCrimeGroup | None:
    label = entry_label(raw, i)
    where: dict[str, Any] = {"file": file, "row": row, "entry": label}
    if not isinstance(raw, Mapping):
        col.add("a group must be a mapping.", "Write '- id: ...' with its fields.", **where)
        return None
    n_before = len(col.problems)
    for key in sorted(set(raw) - _GROUP_KEYS):
        col.add(
            f"unknown field {key!r}.",
            f"Use: {', '.join(sorted(_GROUP_KEYS))}.",
            column=str(key),
            **where,
        )
    for key in ("id", "label"):
        if not raw.get(key):
            col.add(
                f"missing {key!r}.",
                f"Add {key!r} (a label must not identify people).",
                column=key,
                **where,
            )
    ratings = _parse_ratings(raw.get("attributes") or {}, preset, col, where)
    harms = _parse_ocg_harms(raw.get("harms") or [], col, where)
    if len(col.problems) > n_before:
        return None
    return OrganisedCrimeGroup(
        str(raw["id"]),
        str(raw["label"]),
        ratings,
        harms,
        raw.get("area"),
        raw.get("real_name"),
        tuple(str(n) for n in raw.get("nominals") or ()),
        str(raw.get("intelligence_notes") or ""),
    )


def _parse_ratings(
    raw: Any, preset: OcgMatrixPreset, col: Collector, where: dict[str, Any]
) -> dict[str, Rating]:
    known = {a.id for a in preset.attributes}
    values = {r.value.lower(): r for r in Rating}
    out: dict[str, Rating] = {}
    if not isinstance(raw, Mapping):
        col.add(
            "'attributes' must be a mapping.",
            "Write attributes: {violence: High, ...}.",
            column="attributes",
            **where,
        )
        return out
    for key, value in raw.items():
        if key not in known:
            col.add(
                f"{key!r} is not an attribute of {preset.id}.",
                f"Use: {', '.join(a.id for a in preset.attributes)}.",
                column=f"attributes.{key}",
                **where,
            )
        elif str(value).strip().lower() not in values:
            col.add(
                f"rating {value!r} is not allowed.",
                "Use High, Medium, Low, Nil or Unknown.",
                column=f"attributes.{key}",
                **where,
            )
        else:
            out[key] = values[str(value).strip().lower()]
    for a in preset.attributes:
        out.setdefault(a.id, Rating.UNKNOWN)
    return out


def _parse_ocg_harms(raw: Any, col: Collector, where: dict[str, Any]) -> tuple[OcgHarm, ...]:
    out = []
    for j, h in enumerate(raw if isinstance(raw, list) else [raw]):
        hid = h.get("id") if isinstance(h, Mapping) else None
        sev = h.get("severity") if isinstance(h, Mapping) else None
        if not isinstance(hid, str) or not HARM_ID.match(hid):
            col.add(
                f"harm {hid!r} is not a matrix harm id (type.level.slug).",
                "Write {id: social.community.corruption, severity: 3}.",
                column=f"harms.{j}",
                **where,
            )
        elif isinstance(sev, bool) or not isinstance(sev, int | float) or not 0 <= sev <= 4:
            col.add(
                f"severity {sev!r} must be a number from 0 to 4.",
                "Give 0–4.",
                column=f"harms.{j}.severity",
                **where,
            )
        else:
            out.append(OcgHarm(hid, float(sev)))
    return tuple(out)
