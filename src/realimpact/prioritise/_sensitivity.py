"""Sensitivity of the top of the ranking to single weight and single score changes.

Method
------
Scores are s_i = sum_k w_k x_ik with weights summing to 1 and x rescaled to 0–1 (mode
scores). Changing one weight w_j by delta while the other weights keep their proportions
(so the weights still sum to 1) gives s_i(delta) = s_i + delta (x_ij - r_ij), where r_ij is
problem i's weighted mean over the other dimensions: every score is linear in delta. So
the exact delta at which an outsider overtakes a member of the top k is found in closed
form for every (member, outsider, dimension), and the smallest feasible |delta| (the new
weight stays in [0, 1]) is the smallest weight change that alters top-k membership.
This is a one-at-a-time analysis (Saltelli et al. 2008, ch. 1); it does not explore joint
changes, which the Monte Carlo covers.

A score pivot is the smallest change of one problem's score on one dimension that moves
it across the top-k boundary (a member falling below the best outsider, or an outsider
rising above the weakest member), in the dimension's own scale units; infeasible changes
(beyond the scale) are left out.

The tornado sets each weight in turn to its low and high value (the lowest and highest
any partner gave, normalised, or -/+50% with one partner) and reports the ranks of the
current top k.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from realimpact.prioritise._model import ScoringModel
from realimpact.prioritise._problems import ProblemMatrix

__all__ = ["ScorePivot", "SensitivityResult", "TornadoBar", "WeightPivot", "sensitivity"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WeightPivot:
    """The smallest change of one weight that lets ``enters`` overtake ``leaves``."""

    dimension: str
    current_weight: float
    new_weight: float
    enters: str
    leaves: str

    @property
    def change(self) -> float:
        return self.new_weight - self.current_weight


@dataclass(frozen=True)
class ScorePivot:
    """The smallest change of one problem's score on one dimension that alters the top k."""

    problem: str
    dimension: str
    current: float
    required: float
    effect: str

    @property
    def change(self) -> float:
        return self.required - self.current


@dataclass(frozen=True)
class TornadoBar:
    """Ranks of the current top k with one weight set to its low and to its high value."""

    dimension: str
    weight_low: float
    weight_high: float
    ranks_now: dict[str, int]
    ranks_low: dict[str, int]
    ranks_high: dict[str, int]
    top_changes_low: bool
    top_changes_high: bool

    @property
    def swing(self) -> int:
        """Largest rank change of any current top-k problem at either end."""
        return max(
            [
                abs(r[n] - now)
                for n, now in self.ranks_now.items()
                for r in (self.ranks_low, self.ranks_high)
            ]
            + [0]
        )


@dataclass(frozen=True)
class SensitivityResult:
    """What single changes would alter the top of the ranking (see module docstring)."""

    top_k: int
    top: tuple[str, ...]
    weight_pivots: tuple[WeightPivot, ...]
    top_position_pivot: WeightPivot | None
    score_pivots: tuple[ScorePivot, ...]
    tornado: tuple[TornadoBar, ...]

    @property
    def minimal_weight_pivot(self) -> WeightPivot | None:
        return min(self.weight_pivots, key=lambda p: abs(p.change), default=None)

    def summary(self) -> str:
        lines = [f"Top {self.top_k}: {', '.join(self.top)}"]
        tp = self.top_position_pivot
        if tp is not None:
            lines.append(
                f"Rank 1 changes ({tp.enters} overtakes {tp.leaves}) if the weight of "
                f"{tp.dimension} goes {tp.current_weight:.3f} -> {tp.new_weight:.3f}."
            )
        for p in self.weight_pivots[:5]:
            lines.append(
                f"  weight {p.dimension}: {p.current_weight:.3f} -> {p.new_weight:.3f}"
                f" puts {p.enters} above {p.leaves}"
            )
        for s in self.score_pivots[:5]:
            lines.append(
                f"  score {s.problem} / {s.dimension}: {s.current:g} -> "
                f"{s.required:.2f} ({s.effect})"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        def wp(p: WeightPivot) -> dict[str, Any]:
            return {**p.__dict__, "change": p.change}

        return {
            "top_k": self.top_k,
            "top": list(self.top),
            "top_position_pivot": wp(self.top_position_pivot) if self.top_position_pivot else None,
            "weight_pivots": [wp(p) for p in self.weight_pivots],
            "score_pivots": [{**s.__dict__, "change": s.change} for s in self.score_pivots],
            "tornado": [{**t.__dict__, "swing": t.swing} for t in self.tornado],
        }


def _order(scores: FloatArray) -> npt.NDArray[np.int64]:
    return np.argsort(-scores, kind="stable").astype(np.int64)


def _shifted_weights(w: FloatArray, j: int, new: float) -> FloatArray:
    rest = 1.0 - w[j]
    out = w * ((1.0 - new) / rest) if rest > 1e-12 else np.full_like(w, (1.0 - new) / (w.size - 1))
    out[j] = new
    return out


def _pivots_for(
    x: FloatArray, w: FloatArray, names: tuple[str, ...], dims: tuple[str, ...], k: int
) -> list[WeightPivot]:
    s = x @ w
    order = _order(s)
    ins, outs = order[:k], order[k:]
    found: list[WeightPivot] = []
    for j, dim in enumerate(dims):
        if w[j] >= 1 - 1e-12 or outs.size == 0:
            continue
        slope_i = x[:, j] - (s - w[j] * x[:, j]) / (1 - w[j])
        gap = s[ins][:, None] - s[outs][None, :]
        slope = slope_i[ins][:, None] - slope_i[outs][None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(slope != 0, -gap / slope, np.nan)
        new = w[j] + delta
        ok = np.isfinite(delta) & (new >= 0) & (new <= 1)
        for sign in (1, -1):
            cand = np.where(ok & (np.sign(delta) == sign), np.abs(delta), np.inf)
            if np.isfinite(cand).any():
                a, b = np.unravel_index(int(np.argmin(cand)), cand.shape)
                found.append(
                    WeightPivot(
                        dim, float(w[j]), float(new[a, b]), names[int(outs[b])], names[int(ins[a])]
                    )
                )
    return sorted(found, key=lambda p: abs(p.change))


def _score_pivots(
    model: ScoringModel, x: FloatArray, w: FloatArray, names: tuple[str, ...], k: int
) -> list[ScorePivot]:
    s = x @ w
    order = _order(s)
    if k >= len(names):
        return []
    best_out, worst_in = s[order[k]], s[order[k - 1]]
    out: list[ScorePivot] = []
    for j, dim in enumerate(model.scored):
        if w[j] <= 0:
            continue
        span = dim.scale_max - dim.scale_min
        for rank, i in enumerate(order):
            member = rank < k
            need = ((s[i] - best_out) if member else (worst_in - s[i])) / w[j]
            target = x[i, j] - need if member else x[i, j] + need
            if not 0 <= target <= 1:
                continue
            cur, req = (x[i, j], target) if not dim.reverse else (1 - x[i, j], 1 - target)
            effect = f"falls out of the top {k}" if member else f"enters the top {k}"
            out.append(
                ScorePivot(
                    names[i],
                    dim.id,
                    round(dim.scale_min + cur * span, 10),
                    dim.scale_min + req * span,
                    effect,
                )
            )
    return sorted(
        out,
        key=lambda p: (
            abs(p.change)
            / (model.dimension(p.dimension).scale_max - model.dimension(p.dimension).scale_min)
        ),
    )


def _tornado(
    x: FloatArray,
    w: FloatArray,
    names: tuple[str, ...],
    dims: tuple[str, ...],
    k: int,
    partner_matrix: FloatArray | None,
) -> list[TornadoBar]:
    top = _order(x @ w)[:k]
    now = {names[i]: r + 1 for r, i in enumerate(top)}
    bars = []
    for j, dim in enumerate(dims):
        if partner_matrix is not None and partner_matrix.shape[0] > 1:
            lo, hi = float(partner_matrix[:, j].min()), float(partner_matrix[:, j].max())
        else:
            lo, hi = w[j] * 0.5, min(1.0, w[j] * 1.5)
        ranks = []
        changed = []
        for value in (lo, hi):
            order = _order(x @ _shifted_weights(w, j, value))
            rank_of = np.empty_like(order)
            rank_of[order] = np.arange(1, order.size + 1)
            ranks.append({names[i]: int(rank_of[i]) for i in top})
            changed.append(set(order[:k].tolist()) != set(top.tolist()))
        bars.append(TornadoBar(dim, lo, hi, now, ranks[0], ranks[1], changed[0], changed[1]))
    return sorted(bars, key=lambda b: (-b.swing, b.dimension))


def sensitivity(
    model: ScoringModel,
    matrix: ProblemMatrix,
    weights: FloatArray,
    *,
    top_k: int = 3,
    partner_matrix: FloatArray | None = None,
) -> SensitivityResult:
    """Which single weight or score change would alter the top ``top_k`` (mode scores).

    Parameters
    ----------
    model : ScoringModel
    matrix : ProblemMatrix
        From :func:`prepare_problems`; the mode scores are used.
    weights : ndarray
        Weights over ``matrix.dimensions``, summing to 1.
    top_k : int
        Size of the top group whose membership is examined.
    partner_matrix : ndarray, optional
        Partners' normalised weights; their min and max set the tornado's ends.

    Returns
    -------
    SensitivityResult
        The pivots (smallest single weight or score change that alters the top group) and
        the tornado table.

    Notes
    -----
    Method in the module docstring: scores are linear in a single weight change (the other
    weights keeping their proportions), so each crossing point is found in closed form.
    One-at-a-time analysis (Saltelli et al. 2008, ch. 1): joint changes are not explored.
    """
    w = np.asarray(weights, dtype=float)
    x = matrix.mode
    k = max(1, min(top_k, matrix.n_problems))
    top = tuple(matrix.names[i] for i in _order(x @ w)[:k])
    pivots = _pivots_for(x, w, matrix.names, matrix.dimensions, k)
    first = _pivots_for(x, w, matrix.names, matrix.dimensions, 1)
    return SensitivityResult(
        k,
        top,
        tuple(pivots),
        first[0] if first else None,
        tuple(_score_pivots(model, x, w, matrix.names, k)[:20]),
        tuple(_tornado(x, w, matrix.names, matrix.dimensions, k, partner_matrix)),
    )
