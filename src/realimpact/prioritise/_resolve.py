"""Problems resolved against a scoring model: scales checked, harm dimensions derived.

:func:`prepare_problems` turns problems into normalised (0-1) low/mode/high arrays, one
column per scored dimension, after every unknown, out-of-scale or missing score has been
reported at once. A harm dimension with no direct score is derived from the problem's
harms (the highest extent x seriousness / scale of the harms of that type and level).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from realimpact.prioritise._io import Collector
from realimpact.prioritise._model import Dimension, ScoringModel
from realimpact.prioritise._scores import HarmScore, ScoreRange

__all__ = ["ProblemMatrix", "add_model_problems", "prepare_problems"]

FloatArray = npt.NDArray[np.float64]


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


def add_model_problems(model: ScoringModel, problems: Sequence[Any], col: Collector) -> None:
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
