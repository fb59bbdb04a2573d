"""Partner weights: each partner's own weights, their agreement, and their aggregate.

Each partner (police, council, health, housing, treatment, national agency, community, or
any other named source such as a survey's community weights) gives a weight vector over
a model's scored dimensions. Vectors are normalised to sum 1 before comparison.

Aggregation methods (selectable, documented):

``arithmetic``
    Mean of the *raw* weights, then normalised: a partner who scores on a larger scale
    has more influence (as in a shared spreadsheet that sums everyone's points).
``equal_influence``
    Each partner's vector is normalised to sum 1 first, then averaged: every partner has
    the same total influence whatever scale it used.
``geometric``
    Per-dimension geometric mean of the normalised vectors, renormalised; the aggregation
    of individual priorities used with AHP (Forman & Peniwati 1998). A 0 from any partner
    gives 0.
``median``
    Per-dimension median of the normalised vectors, renormalised; robust to one outlying
    partner.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from realimpact.prioritise._io import Collector, read_mapping
from realimpact.prioritise._model import ScoringModel

__all__ = [
    "AGGREGATION_METHODS",
    "AggregationMethod",
    "PartnerAgreement",
    "PartnerWeights",
    "aggregate_weights",
    "load_weights",
    "partner_agreement",
]

AggregationMethod = Literal["arithmetic", "equal_influence", "geometric", "median"]
AGGREGATION_METHODS: tuple[str, ...] = ("arithmetic", "equal_influence", "geometric", "median")
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PartnerWeights:
    """Raw weights per partner over a model's scored dimensions (``dimensions`` order)."""

    dimensions: tuple[str, ...]
    partners: Mapping[str, tuple[float, ...]]
    method: AggregationMethod = "equal_influence"

    def matrix(self, *, normalised: bool = True) -> FloatArray:
        """Partners x dimensions array (rows normalised to sum 1 unless ``normalised=False``)."""
        m = np.array([self.partners[p] for p in self.partners], dtype=float)
        return m / m.sum(axis=1, keepdims=True) if normalised else m

    @classmethod
    def from_mapping(
        cls,
        model: ScoringModel,
        partners: Mapping[str, Mapping[str, float]],
        method: AggregationMethod = "equal_influence",
    ) -> PartnerWeights:
        """Build from ``{partner: {dimension: weight}}``; validated like a weights file."""
        col = Collector()
        out = _parse_partners(model, partners, col, file=None)
        col.raise_if_any("The partner weights are invalid.")
        return cls(model.dimension_ids, out, method)

    def with_partner(self, name: str, weights: Mapping[str, float]) -> PartnerWeights:
        """A copy with one more named vector, e.g. community weights from a survey.

        Validated like a weights file (every dimension, non-negative, not all 0); an
        existing partner of the same name is replaced.
        """
        col = Collector()
        added = _parse_partners_for(self.dimensions, {name: weights}, col, file=None)
        col.raise_if_any(f"The weights for {name!r} are invalid.")
        return PartnerWeights(self.dimensions, {**self.partners, **added}, self.method)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "partners": {
                p: dict(zip(self.dimensions, w, strict=True)) for p, w in self.partners.items()
            },
        }


def load_weights(path: str | Path, model: ScoringModel) -> PartnerWeights:
    """Read a weights YAML file: ``method:`` (optional) and ``partners: {name: {dim: w}}``.

    Every partner must weight every scored dimension of the model (0 is allowed); weights
    are non-negative and each partner's must not all be 0. All problems are reported at
    once as a :class:`~realimpact.exceptions.ConfigError`.
    """
    path = Path(path)
    col = Collector()
    raw = read_mapping(path, col)
    partners: dict[str, tuple[float, ...]] = {}
    method: Any = "equal_influence"
    if raw is not None and not (
        isinstance(raw, Mapping) and isinstance(raw.get("partners"), Mapping)
    ):
        col.add(
            "must be a mapping with a 'partners:' mapping of partner -> {dimension: weight}.",
            "See docs/prioritise.md, 'Weights file'.",
            file=str(path),
        )
    elif raw is not None:
        method = raw.get("method", "equal_influence")
        if method not in AGGREGATION_METHODS:
            col.add(
                f"unknown aggregation method {method!r}.",
                f"Use one of: {', '.join(AGGREGATION_METHODS)}.",
                file=str(path),
                column="method",
            )
        partners = _parse_partners(model, raw["partners"], col, file=str(path))
    col.raise_if_any(f"The weights file {path.name} is invalid.")
    return PartnerWeights(model.dimension_ids, partners, method)


def _parse_partners(
    model: ScoringModel, raw: Mapping[str, Any], col: Collector, file: str | None
) -> dict[str, tuple[float, ...]]:
    return _parse_partners_for(model.dimension_ids, raw, col, file, model.id)


def _parse_partners_for(
    dims: tuple[str, ...],
    raw: Mapping[str, Any],
    col: Collector,
    file: str | None,
    model_id: str = "the model",
) -> dict[str, tuple[float, ...]]:
    out: dict[str, tuple[float, ...]] = {}
    for name, weights in raw.items():
        where = {"file": file, "entry": str(name)}
        if not isinstance(weights, Mapping):
            col.add(
                "a partner's weights must be a mapping {dimension: weight}.",
                "Write e.g. police: {community_concern: 3, ...}.",
                **where,
            )
            continue
        for extra in sorted(set(weights) - set(dims)):
            col.add(
                f"{extra!r} is not a scored dimension of {model_id!r}.",
                f"Use: {', '.join(dims)}.",
                column=str(extra),
                **where,
            )
        vec = [_weight(weights, d, col, where) for d in dims]
        if all(v is not None for v in vec):
            if sum(v for v in vec if v is not None) <= 0:
                col.add("all weights are 0.", "Give at least one positive weight.", **where)
            else:
                out[str(name)] = tuple(float(v) for v in vec if v is not None)
    if not raw:
        col.add("no partners given.", "Give at least one partner's weights.", file=file)
    return out


def _weight(
    weights: Mapping[str, Any], dim: str, col: Collector, where: Mapping[str, Any]
) -> float | None:
    if dim not in weights:
        col.add(f"no weight for dimension {dim!r}.", "Add it (0 is allowed).", column=dim, **where)
        return None
    v = weights[dim]
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0 or not np.isfinite(v):
        col.add(
            f"weight {v!r} is not a non-negative number.",
            "Give a number >= 0.",
            column=dim,
            **where,
        )
        return None
    return float(v)


def aggregate_weights(
    weights: PartnerWeights, method: AggregationMethod | None = None
) -> dict[str, float]:
    """Aggregate partners' weights into one vector summing to 1.

    Parameters
    ----------
    weights : PartnerWeights
        Each partner's weight vector over the model's scored dimensions.
    method : {'arithmetic', 'equal_influence', 'geometric', 'median'}, optional
        Aggregation method; default the one given in the weights file.

    Returns
    -------
    dict of str to float
        Weight per dimension, summing to 1.

    Notes
    -----
    The methods are described in the module docstring (``geometric`` is the aggregation of
    individual priorities used with AHP, Forman & Peniwati 1998). If the aggregate is all
    zero (e.g. a geometric mean hit by zeros), the equal-influence mean is used instead.
    Assumption: partners' weights are on a ratio scale, so normalising them is meaningful.
    """
    method = method or weights.method
    if method == "arithmetic":
        agg = weights.matrix(normalised=False).mean(axis=0)
    elif method == "equal_influence":
        agg = weights.matrix().mean(axis=0)
    elif method == "geometric":
        with np.errstate(divide="ignore"):
            agg = np.exp(np.log(weights.matrix()).mean(axis=0))
    elif method == "median":
        agg = np.median(weights.matrix(), axis=0)
    else:
        raise ValueError(f"unknown aggregation method {method!r}")
    if agg.sum() <= 0:
        agg = weights.matrix().mean(axis=0)
    return dict(zip(weights.dimensions, (agg / agg.sum()).tolist(), strict=True))


@dataclass(frozen=True)
class DimensionSpread:
    """How far partners disagree on one dimension's normalised weight."""

    dimension: str
    minimum: float
    maximum: float
    mean: float
    sd: float
    lowest_partner: str
    highest_partner: str


@dataclass(frozen=True)
class PartnerAgreement:
    """Where partners agree and disagree: per-dimension spread and pairwise rank correlation.

    ``rank_correlation[(a, b)]`` is Kendall's tau-b between the rankings of the problems
    that partner a's and partner b's weights would each give on their own (mode scores).
    """

    spreads: tuple[DimensionSpread, ...]
    rank_correlation: Mapping[tuple[str, str], float]
    rankings: Mapping[str, tuple[str, ...]]

    def most_disputed(self, n: int = 3) -> tuple[DimensionSpread, ...]:
        return tuple(sorted(self.spreads, key=lambda s: -(s.maximum - s.minimum))[:n])

    def summary(self) -> str:
        lines = ["Partner agreement (normalised weights):"]
        for s in self.most_disputed(len(self.spreads)):
            lines.append(
                f"  {s.dimension:<28} {s.minimum:.3f}–{s.maximum:.3f} "
                f"(low {s.lowest_partner}, high {s.highest_partner})"
            )
        for (a, b), tau in self.rank_correlation.items():
            lines.append(f"  Kendall tau {a} vs {b}: {tau:+.2f}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "spreads": [s.__dict__ for s in self.spreads],
            "rank_correlation": [
                {"a": a, "b": b, "kendall_tau": t} for (a, b), t in self.rank_correlation.items()
            ],
            "rankings": {k: list(v) for k, v in self.rankings.items()},
        }


def partner_agreement(
    weights: PartnerWeights, names: tuple[str, ...], mode_scores: FloatArray
) -> PartnerAgreement:
    """Compare partners: spread per dimension and Kendall's tau between their rankings.

    ``mode_scores`` is the problems x dimensions array of normalised mode scores (from
    :func:`prepare_problems`).
    """
    m = weights.matrix()
    partners = list(weights.partners)
    spreads = tuple(
        DimensionSpread(
            d,
            float(m[:, k].min()),
            float(m[:, k].max()),
            float(m[:, k].mean()),
            float(m[:, k].std(ddof=1)) if len(partners) > 1 else 0.0,
            partners[int(m[:, k].argmin())],
            partners[int(m[:, k].argmax())],
        )
        for k, d in enumerate(weights.dimensions)
    )
    totals = mode_scores @ m.T  # problems x partners
    rankings = {
        p: tuple(names[i] for i in np.argsort(-totals[:, j], kind="stable"))
        for j, p in enumerate(partners)
    }
    corr: dict[tuple[str, str], float] = {}
    for (i, a), (j, b) in itertools.combinations(enumerate(partners), 2):
        tau = stats.kendalltau(totals[:, i], totals[:, j]).statistic if len(names) > 1 else 1.0
        corr[(a, b)] = float(tau) if np.isfinite(tau) else 1.0
    return PartnerAgreement(spreads, corr, rankings)
