"""Problems to be ranked: per-dimension scores given as points or ranges.

A problem is anything with a ``name``, an ``area`` and per-dimension ``scores`` (the
:class:`ProblemLike` protocol), so problems can come from a YAML/CSV file today and from
``realimpact.define`` problem profiles later. Each score is a :class:`ScoreRange`
(low, mode, high); a point value is a range of width 0 and ``unknown`` is the whole scale.
Problems may also list per-harm scores (harm ids ``{type}.{level}.{slug}`` of the
drug-harm matrix) from which a model's harm dimensions are derived.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from realimpact.prioritise._io import (
    Collector,
    entry_label,
    entry_lines,
    read_records,
    validate_model,
)
from realimpact.prioritise._model import HARM_ID, Dimension, ScoringModel
from realimpact.prioritise._resolve import ProblemMatrix, add_model_problems, prepare_problems
from realimpact.prioritise._scores import HarmScore, ScoreRange

__all__ = [
    "HarmScore",
    "ProblemInput",
    "ProblemLike",
    "ProblemMatrix",
    "ScoreRange",
    "load_problems",
    "prepare_problems",
]


@runtime_checkable
class ProblemLike(Protocol):
    """What prioritisation needs of a problem (define's ProblemProfile can provide it)."""

    @property
    def name(self) -> str: ...

    @property
    def area(self) -> str | None: ...

    @property
    def scores(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class ProblemInput:
    """A problem to rank, as read from a file (satisfies :class:`ProblemLike`)."""

    name: str
    area: str | None = None
    scores: Mapping[str, ScoreRange] = field(default_factory=dict)
    harms: tuple[HarmScore, ...] = ()
    notes: str = ""
    source: str | None = None
    row: int | None = None


class _ProblemEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    area: str | None = None
    scores: dict[str, Any] = Field(default_factory=dict)
    harms: list[dict[str, Any]] = Field(default_factory=list)
    notes: str = ""


def load_problems(
    path: str | Path,
    model: ScoringModel | None = None,
    *,
    harm_ids: Collection[str] | None = None,
) -> list[ProblemInput]:
    """Read problems from YAML (a ``problems:`` list) or CSV (one column per dimension).

    In CSV, columns other than ``name``, ``area`` and ``notes`` are dimension ids and a
    range is written ``2|3|4`` (low|mode|high). Harm ids must have the form
    ``{type}.{level}.{slug}``; given ``harm_ids`` (e.g. the knowledge base's), they must also
    be among them. Every problem in the file is reported at
    once as a :class:`~realimpact.exceptions.ConfigError` naming file, row/entry and column.
    """
    path = Path(path)
    col = Collector()
    raws, row0 = read_records(path, col, key="problems")
    lines = entry_lines(path, "problems") if row0 is None else []
    out: list[ProblemInput] = []
    for i, raw in enumerate(raws):
        row = row0 + i if row0 is not None else (lines[i] if i < len(lines) else None)
        if row0 is not None:
            raw = _csv_entry(raw)
        out.extend(_parse_problem(raw, i, row, str(path), col, model))
    if harm_ids is not None:
        _check_known_harms(out, harm_ids, col)
    if model is not None:
        add_model_problems(model, out, col)
    col.duplicates([p.name for p in out], "problem name", str(path))
    col.raise_if_any(f"The problems file {path.name} is invalid.")
    return out


def _check_known_harms(
    problems: Sequence[ProblemInput], known: Collection[str], col: Collector
) -> None:
    for p in problems:
        for j, h in enumerate(p.harms):
            if h.harm_id not in known:
                close = difflib.get_close_matches(h.harm_id, list(known), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else "."
                col.add(
                    f"harm {h.harm_id!r} is not in the drug-harm matrix.",
                    f"Use a harm id from the matrix (realimpact harms){hint}",
                    file=p.source,
                    row=p.row,
                    entry=p.name,
                    column=f"harms.{j}",
                )


def _csv_entry(raw: Mapping[str, Any]) -> dict[str, Any]:
    fixed = {"name", "area", "notes"}
    entry: dict[str, Any] = {k: v for k, v in raw.items() if k in fixed and v not in (None, "")}
    entry["scores"] = {k: v for k, v in raw.items() if k not in fixed and v not in (None, "")}
    return entry


def _parse_problem(
    raw: Any, i: int, row: int | None, file: str, col: Collector, model: ScoringModel | None
) -> list[ProblemInput]:
    label = entry_label(raw, i)
    entry = validate_model(_ProblemEntry, raw, col, file=file, entry=label, row=row)
    if entry is None:
        return []
    scores: dict[str, ScoreRange] = {}
    for dim_id, value in entry.scores.items():
        dim = _dim_or_none(model, dim_id)
        try:
            scores[dim_id] = ScoreRange.parse(value, dim)
        except (ValueError, KeyError, TypeError) as exc:
            col.add(
                f"score {value!r} is not valid: {exc}.",
                "Give a number, [low, high], [low, mode, high] or 'unknown'.",
                file=file,
                row=row,
                column=dim_id if file.lower().endswith(".csv") else f"scores.{dim_id}",
                entry=label,
            )
    parsed = [_parse_harm(h, j, label, file, row, col) for j, h in enumerate(entry.harms)]
    harms = tuple(h for h in parsed if h is not None)
    return [ProblemInput(entry.name, entry.area, scores, harms, entry.notes, file, row)]


def _dim_or_none(model: ScoringModel | None, dim_id: str) -> Dimension | None:
    if model is None:
        return None
    try:
        return model.dimension(dim_id)
    except KeyError:
        return None


def _parse_harm(
    raw: Any, j: int, label: str, file: str, row: int | None, col: Collector
) -> HarmScore | None:
    where = {"file": file, "row": row, "entry": label, "column": f"harms.{j}"}
    if not isinstance(raw, Mapping) or "id" not in raw:
        col.add(
            "a harm needs 'id', 'extent' and 'seriousness'.",
            "Write e.g. {id: health.individual.overdose-death, extent: 3, seriousness: [2, 4]}.",
            **where,
        )
        return None
    hid = str(raw["id"])
    if not HARM_ID.match(hid):
        col.add(
            f"harm id {hid!r} is not of the form type.level.slug.",
            "Use types health|social|economic|environmental and levels individual|family|"
            "community|national|international, e.g. health.individual.overdose-death.",
            **where,
        )
        return None
    try:
        extent, serious = (ScoreRange.parse(raw.get(k, "unknown"), _FULL) for k in _PARTS)
        for part, r in zip(_PARTS, (extent, serious), strict=True):
            if r.low < _FULL.scale_min or r.high > _FULL.scale_max:
                given = f"{r.low:g}" if r.low == r.high else f"{r.low:g}–{r.high:g}"
                raise ValueError(f"{part} {given} is outside the scale 0–4")
        return HarmScore(hid, extent, serious)
    except (ValueError, KeyError, TypeError) as exc:
        col.add(
            f"harm {hid!r} has an invalid score: {exc}.",
            "Give extent and seriousness as numbers 0-4 or ranges.",
            **where,
        )
        return None


_FULL = Dimension(id="harm", label="harm")
_PARTS = ("extent", "seriousness")
