"""Rank a set of problems: point scores, Monte Carlo rank intervals, sensitivity.

:func:`prioritise` is the one call the CLI and the web app make. It resolves problems
against a scoring model, aggregates the partners' weights, runs the seeded Monte Carlo
(:mod:`._montecarlo`) and the sensitivity analysis (:mod:`._sensitivity`), and returns
one frozen :class:`PrioritisationResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from realimpact.exceptions import ConfigError, Problem
from realimpact.prioritise._model import ScoringModel, load_preset
from realimpact.prioritise._montecarlo import (
    Distribution,
    WeightUncertainty,
    simulate_ranks,
)
from realimpact.prioritise._problems import prepare_problems
from realimpact.prioritise._sensitivity import SensitivityResult, sensitivity
from realimpact.prioritise._weights import (
    AggregationMethod,
    PartnerAgreement,
    PartnerWeights,
    aggregate_weights,
    partner_agreement,
)

__all__ = ["PrioritisationResult", "RankedProblem", "prioritise"]


@dataclass(frozen=True)
class RankedProblem:
    """One problem's place: point score and rank, and its Monte Carlo rank distribution."""

    name: str
    area: str | None
    score: float
    rank: int
    median_rank: int
    rank_low: int
    rank_high: int
    p_top_k: float
    score_low: float
    score_high: float


@dataclass(frozen=True)
class PrioritisationResult:
    """A ranking with its uncertainty, sensitivity, weights and the parameters that made it.

    ``problems`` are sorted by point rank (mode scores, aggregate weights). Scores are on
    0–100. ``rank_low``–``rank_high`` is the central ``interval`` of the rank distribution.
    """

    model_id: str
    model_status: str
    problems: tuple[RankedProblem, ...]
    weights: Mapping[str, float]
    method: str
    partners: PartnerWeights | None
    agreement: PartnerAgreement | None
    sensitivity: SensitivityResult
    draws: int
    seed: int | None
    top_k: int
    interval: float
    distribution: str
    weight_uncertainty: str
    concentration: float | None

    def summary(self) -> str:
        pct = round(self.interval * 100)
        lines = [
            f"Model {self.model_id}: {self.model_status}",
            f"{'rank':>4}  {'problem':<34} {'score':>6}  median  {pct}% interval  "
            f"P(top {self.top_k})",
        ]
        for p in self.problems:
            lines.append(
                f"{p.rank:>4}  {p.name[:34]:<34} {p.score:6.1f}  {p.median_rank:>6}  "
                f"{p.rank_low:>4}–{p.rank_high:<8}  {p.p_top_k:8.2f}"
            )
        lines.append(self.sensitivity.summary())
        if self.agreement is not None:
            lines.append(self.agreement.summary())
        lines.append(
            f"{self.draws} draws, seed {self.seed}, {self.distribution} ranges, "
            f"weights: {self.method} + {self.weight_uncertainty}"
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "model_status": self.model_status,
            "problems": [p.__dict__ for p in self.problems],
            "weights": dict(self.weights),
            "method": self.method,
            "partners": self.partners.to_dict() if self.partners else None,
            "agreement": self.agreement.to_dict() if self.agreement else None,
            "sensitivity": self.sensitivity.to_dict(),
            "parameters": {
                "draws": self.draws,
                "seed": self.seed,
                "top_k": self.top_k,
                "interval": self.interval,
                "distribution": self.distribution,
                "weight_uncertainty": self.weight_uncertainty,
                "concentration": self.concentration,
            },
        }


def _resolve_weights(
    model: ScoringModel, weights: Any, method: AggregationMethod | None
) -> tuple[dict[str, float], PartnerWeights | None, str]:
    if weights is None:
        return model.default_weights(), None, "model defaults"
    if isinstance(weights, PartnerWeights):
        pw = weights
    elif isinstance(weights, Mapping) and all(isinstance(v, Mapping) for v in weights.values()):
        pw = PartnerWeights.from_mapping(model, weights)
    elif isinstance(weights, Mapping):
        pw = PartnerWeights.from_mapping(model, {"agreed": weights})
    else:
        raise ConfigError(
            "weights must be PartnerWeights or a mapping.",
            [
                Problem(
                    f"got {type(weights).__name__}.",
                    "Pass {dimension: weight} or {partner: {dimension: weight}}.",
                )
            ],
        )
    m = method or pw.method
    return aggregate_weights(pw, m), pw, m


def prioritise(
    problems: Sequence[Any],
    model: ScoringModel | str = "ukdpc",
    weights: PartnerWeights | Mapping[str, Any] | None = None,
    *,
    method: AggregationMethod | None = None,
    draws: int = 10_000,
    seed: int | None = None,
    top_k: int = 3,
    interval: float = 0.9,
    distribution: Distribution = "triangular",
    weight_uncertainty: WeightUncertainty = "dirichlet",
    progress: Callable[[int], None] | None = None,
) -> PrioritisationResult:
    """Rank problems explicitly, with rank intervals and a sensitivity view.

    Parameters
    ----------
    problems : sequence of ProblemLike
        Anything with ``name``, ``area`` and ``scores`` (see :class:`ProblemLike`).
    model : ScoringModel or str
        A model, or a preset name (``ukdpc``, ``morile-style``).
    weights : PartnerWeights or mapping, optional
        Partners' weights, ``{partner: {dimension: weight}}``, or one ``{dimension: weight}``
        vector; by default the model's default weights.
    method : str, optional
        Aggregation of partners' weights (see :mod:`._weights`); default the weights' own.
    draws, seed, interval, distribution, weight_uncertainty
        Monte Carlo settings (see :func:`simulate_ranks`). Same seed, same result.
    top_k : int
        Size of the top group for P(top k) and the sensitivity view.

    Returns
    -------
    PrioritisationResult
        Problems in rank order with score (at the mode scores and aggregate weights), score
        interval, median rank, rank interval and P(top k); the sensitivity view; partner
        agreement when two or more partners weighted.

    Notes
    -----
    Method: each problem's score is the weighted sum of its normalised dimension scores
    (x100); the Monte Carlo (:func:`simulate_ranks`) draws scores within their ranges and
    weights around the partners' and tallies ranks, giving rank intervals and P(top k)
    instead of a single ordering; :func:`sensitivity` finds the smallest change that alters
    the top group. This implements UKDPC (2009) chapter 4 step 2 (prioritise harms and
    problems with partners, stating the uncertainty). Assumptions: dimensions are
    compensatory (a high score offsets a low one, except with ``geometric`` weights) and
    the scales, ranges and default weights are the user's or realimpact's neutral
    defaults, not the report's.

    Examples
    --------
    >>> from realimpact.prioritise import Dimension, ProblemInput, ScoringModel, prioritise
    >>> model = ScoringModel(id="m", name="m", status="example", dimensions=(
    ...     Dimension(id="harm", label="harm"), Dimension(id="concern", label="concern")))
    >>> problems = [ProblemInput("open market", scores={"harm": 4, "concern": [2, 3, 4]}),
    ...             ProblemInput("cannabis farm", scores={"harm": 1, "concern": "unknown"})]
    >>> result = prioritise(problems, model, draws=1000, seed=1, top_k=1)
    >>> [(p.name, p.score, p.median_rank) for p in result.problems]
    [('open market', 87.5, 1), ('cannabis farm', 37.5, 2)]
    """
    if isinstance(model, str):
        model = load_preset(model)
    matrix = prepare_problems(model, problems)
    w_map, partners, m = _resolve_weights(model, weights, method)
    w = np.array([w_map[d] for d in matrix.dimensions])
    pm = partners.matrix() if partners is not None else None
    dist = simulate_ranks(
        matrix,
        w,
        partner_matrix=pm,
        draws=draws,
        seed=seed,
        distribution=distribution,
        weight_uncertainty=weight_uncertainty,
        interval=interval,
        progress=progress,
    )
    k = max(1, min(top_k, matrix.n_problems))
    point = matrix.mode @ w * 100.0
    order = np.argsort(-point, kind="stable")
    med = dist.median_rank
    lo, hi = dist.rank_quantile((1 - interval) / 2), dist.rank_quantile((1 + interval) / 2)
    ptop = dist.p_top(k)
    ranked = tuple(
        RankedProblem(
            matrix.names[i],
            getattr(problems[i], "area", None),
            float(point[i]),
            r + 1,
            int(med[i]),
            int(lo[i]),
            int(hi[i]),
            float(ptop[i]),
            float(dist.score_low[i]),
            float(dist.score_high[i]),
        )
        for r, i in enumerate(order)
    )
    agreement = (
        partner_agreement(partners, matrix.names, matrix.mode)
        if partners is not None and len(partners.partners) > 1
        else None
    )
    sens = sensitivity(model, matrix, w, top_k=k, partner_matrix=pm)
    return PrioritisationResult(
        model.id,
        model.status,
        ranked,
        w_map,
        m,
        partners,
        agreement,
        sens,
        draws,
        seed,
        k,
        interval,
        distribution,
        weight_uncertainty,
        dist.concentration,
    )
