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
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from realimpact.prioritise._io import Collector, entry_label, read_records, validate_model
from realimpact.prioritise._model import HARM_ID, Dimension, ScoringModel

__all__ = [
    "HarmScore",
    "ProblemInput",
    "ProblemLike",
    "ProblemMatrix",
    "ScoreRange",
    "load_problems",
    "prepare_problems",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ScoreRange:
    """A score as (low, mode, high) on a dimension's scale; a point value has low = high."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")

    @classmethod
    def point(cls, value: float) -> ScoreRange:
        return cls(value, value, value)

    @classmethod
    def parse(cls, value: Any, dim: Dimension | None = None) -> ScoreRange:
        """Parse ``3``, ``[2, 4]``, ``[2, 3, 4]``, ``{low, mode, high}``, ``"2|3|4"``, ``unknown``.

        Two values give (low, high) with the mode at their midpoint; ``unknown`` needs the
        dimension and gives its whole scale.
        """
        if isinstance(value, str):
            text = value.strip().lower()
            if text in {"unknown", "?"}:
                if dim is None:
                    raise ValueError("'unknown' needs a dimension scale")
                return cls(dim.scale_min, (dim.scale_min + dim.scale_max) / 2, dim.scale_max)
            value = [float(p) for p in re.split(r"\||\.\.", text)]
        if isinstance(value, Mapping):
            lo, hi = float(value["low"]), float(value["high"])
            return cls(lo, float(value.get("mode", (lo + hi) / 2)), hi)
        if isinstance(value, list | tuple):
            nums = [float(v) for v in value]
            if len(nums) == 1:
                return cls.point(nums[0])
            if len(nums) == 2:
                return cls(nums[0], (nums[0] + nums[1]) / 2, nums[1])
            if len(nums) == 3:
                return cls(*nums)
            raise ValueError("a range has 1, 2 or 3 numbers: [low, mode, high]")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"not a score: {value!r}")
        return cls.point(float(value))

    def to_dict(self) -> dict[str, float]:
        return {"low": self.low, "mode": self.mode, "high": self.high}


@dataclass(frozen=True)
class HarmScore:
    """Extent and seriousness of one harm of the drug-harm matrix caused by a problem."""

    harm_id: str
    extent: ScoreRange
    seriousness: ScoreRange

    @property
    def type(self) -> str:
        return self.harm_id.split(".")[0]

    @property
    def level(self) -> str:
        return self.harm_id.split(".")[1]


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
    out: list[ProblemInput] = []
    for i, raw in enumerate(raws):
        row = row0 + i if row0 is not None else None
        if row0 is not None:
            raw = _csv_entry(raw)
        out.extend(_parse_problem(raw, i, row, str(path), col, model))
    if harm_ids is not None:
        _check_known_harms(out, harm_ids, col)
    if model is not None:
        _add_model_problems(model, out, col)
    col.duplicates([p.name for p in out], "problem name", str(path))
    col.raise_if_any(f"The problems file {path.name} is invalid.")
    return out


def _add_model_problems(
    model: ScoringModel, problems: Sequence[ProblemInput], col: Collector
) -> None:
    """Add unknown, out-of-scale and missing scores, so one report holds every problem.

    A score or harm already reported as unreadable is not reported again as missing.
    """
    seen = {(p.entry, str(p.column).removeprefix("scores.")) for p in col.problems}
    bad_harms = {p.entry for p in col.problems if str(p.column).startswith("harms.")}
    more = Collector()
    for prob in problems:
        _resolve_scores(model, prob, more)
    for p in more.problems:
        known = p.column in model.dimension_ids
        derived = model.dimension(str(p.column)).harms if known else None
        if (p.entry, p.column) in seen or (derived is not None and p.entry in bad_harms):
            continue
        col.problems.append(p)


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
                column=dim_id if row else f"scores.{dim_id}",
                entry=label,
            )
    parsed = [_parse_harm(h, j, label, file, col) for j, h in enumerate(entry.harms)]
    harms = tuple(h for h in parsed if h is not None)
    return [ProblemInput(entry.name, entry.area, scores, harms, entry.notes, file, row)]


def _dim_or_none(model: ScoringModel | None, dim_id: str) -> Dimension | None:
    if model is None:
        return None
    try:
        return model.dimension(dim_id)
    except KeyError:
        return None


def _parse_harm(raw: Any, j: int, label: str, file: str, col: Collector) -> HarmScore | None:
    where = {"file": file, "entry": label, "column": f"harms.{j}"}
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


@dataclass(frozen=True)
class ProblemMatrix:
    """Problems resolved against a model: normalised (0–1) low/mode/high arrays (P x K)."""

    names: tuple[str, ...]
    dimensions: tuple[str, ...]
    low: FloatArray
    mode: FloatArray
    high: FloatArray
    raw: tuple[Mapping[str, ScoreRange], ...]

    @property
    def n_problems(self) -> int:
        return len(self.names)


def prepare_problems(model: ScoringModel, problems: Sequence[Any]) -> ProblemMatrix:
    """Resolve problems against ``model``: derive harm dimensions, check scales, normalise.

    Raises :class:`~realimpact.exceptions.ConfigError` listing every missing, unknown or
    out-of-scale score (give ``unknown`` when a score is not known: the whole scale).
    """
    col = Collector()
    dims = model.scored
    shape = (len(problems), len(dims))
    lo, md, hi = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    raws: list[Mapping[str, ScoreRange]] = []
    for p, prob in enumerate(problems):
        resolved = _resolve_scores(model, prob, col)
        raws.append(resolved)
        for k, dim in enumerate(dims):
            r = resolved.get(dim.id)
            if r is None:
                continue
            a, b, c = (dim.normalise(v) for v in (r.low, r.mode, r.high))
            lo[p, k], md[p, k], hi[p, k] = (c, b, a) if dim.reverse else (a, b, c)
    if not problems:
        col.add("there are no problems to rank.", "Give at least one problem.")
    col.raise_if_any("The problems cannot be scored with this model.")
    names = tuple(str(p.name) for p in problems)
    return ProblemMatrix(names, tuple(d.id for d in dims), lo, md, hi, tuple(raws))


def _resolve_scores(model: ScoringModel, prob: Any, col: Collector) -> dict[str, ScoreRange]:
    where = {
        "file": getattr(prob, "source", None),
        "row": getattr(prob, "row", None),
        "entry": str(prob.name),
    }
    known = {d.id for d in model.dimensions}
    out: dict[str, ScoreRange] = {}
    for dim_id, value in prob.scores.items():
        if dim_id not in known:
            col.add(
                f"{dim_id!r} is not a dimension of model {model.id!r}.",
                f"Use one of: {', '.join(sorted(known))}.",
                column=dim_id,
                **where,
            )
            continue
        dim = model.dimension(dim_id)
        r = value if isinstance(value, ScoreRange) else ScoreRange.parse(value, dim)
        if r.low < dim.scale_min or r.high > dim.scale_max:
            col.add(
                f"score {r.low:g}–{r.high:g} is outside the scale "
                f"{dim.scale_min:g}–{dim.scale_max:g}.",
                f"Give a value between {dim.scale_min:g} and {dim.scale_max:g}.",
                column=dim_id,
                **where,
            )
            continue
        out[dim_id] = r
    for dim in model.scored:
        if dim.id in out:
            continue
        derived = _derive(dim, getattr(prob, "harms", ()))
        if derived is None:
            col.add(
                f"no score for dimension {dim.id!r} ({dim.label}).",
                "Add the score, a range, or 'unknown' (the whole scale)"
                + (", or list harms it can be derived from." if dim.harms else "."),
                column=dim.id,
                **where,
            )
        else:
            out[dim.id] = derived
    return out


def _derive(dim: Dimension, harms: Sequence[HarmScore]) -> ScoreRange | None:
    rule = dim.harms
    if rule is None:
        return None
    if not harms:
        return None
    chosen = [
        h
        for h in harms
        if (rule.type is None or h.type == rule.type)
        and (rule.level is None or h.level == rule.level)
    ]
    if not chosen:
        return ScoreRange.point(dim.scale_min)

    def value(h: HarmScore, part: str) -> float:
        e, s = getattr(h.extent, part), getattr(h.seriousness, part)
        if rule.measure == "extent":
            return float(e)
        if rule.measure == "seriousness":
            return float(s)
        return float(e * s / dim.scale_max)

    return ScoreRange(*(max(value(h, part) for h in chosen) for part in ("low", "mode", "high")))
