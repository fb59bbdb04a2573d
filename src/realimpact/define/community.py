"""Community weights over harms, derived from a survey, in the form prioritisation takes.

Method (documented in docs/define.md, "Community weights"):

1. For each item, the *concern share* ``p`` is the proportion of valid answers in the
   item's ``concern`` levels (e.g. "a very or fairly big problem"; for the confidence
   item, the levels that disagree). For each harm tagged in free-text concerns, ``p`` is
   the share of all respondents whose concern was tagged with it.
2. A harm's concern score ``c_h`` is the mean of ``p`` over every item and free-text tag
   that bears on it (each source counts once).
3. Harm weights are ``w_h = c_h / sum(c)``.

:meth:`CommunityWeights.for_model` maps them onto a scoring model's dimensions: the
model's harm dimensions (those derived from per-harm scores, e.g. ``harm_health``) share
the total default weight of those dimensions in proportion to the summed ``w_h`` of the
harms they cover; every other dimension keeps its default weight. The result is one
``{dimension: weight}`` vector to give :func:`realimpact.prioritise.prioritise` as the
``community`` partner beside the partners' own weights.

Assumptions: the concern share of a sample measures how much the community cares about
the harm (not how large the harm is); items and tags count equally; harms nobody was
asked about get no community weight (they are not "unimportant", just unasked).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realimpact.define.indicators import Indicator, indicators
from realimpact.define.survey import Survey
from realimpact.exceptions import ConfigError, Problem
from realimpact.prioritise import ScoringModel, load_preset

__all__ = ["CommunityWeights", "community_weights"]


@dataclass(frozen=True)
class CommunityWeights:
    """Weights over harms from a survey, with the concern score and sources of each."""

    survey: str
    n: int
    weights: Mapping[str, float]
    concern: Mapping[str, float]
    sources: Mapping[str, tuple[str, ...]]
    warnings: tuple[str, ...]

    def for_model(self, model: ScoringModel | str = "ukdpc") -> dict[str, float]:
        """A ``{dimension: weight}`` vector over the model's scored dimensions (see module)."""
        model = load_preset(model) if isinstance(model, str) else model
        defaults = model.default_weights()
        harm_dims = [d for d in model.scored if d.harms is not None]
        share = {d.id: sum(w for h, w in self.weights.items() if _covers(d, h)) for d in harm_dims}
        total_default = sum(defaults[d.id] for d in harm_dims)
        total_share = sum(share.values())
        out = dict(defaults)
        for d in harm_dims:
            out[d.id] = total_default * share[d.id] / total_share if total_share else 0.0
        if not any(out.values()):
            raise ConfigError(
                "No community weights.",
                [
                    Problem(
                        "the survey's harms map onto no dimension of the model.",
                        "Use items tagged with harms of the matrix.",
                    )
                ],
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "n": self.n,
            "weights": dict(self.weights),
            "concern": dict(self.concern),
            "sources": {k: list(v) for k, v in self.sources.items()},
            "warnings": list(self.warnings),
        }

    def summary(self) -> str:
        lines = [f"Community weights from survey {self.survey} (n = {self.n}):"]
        for h, w in sorted(self.weights.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {w:6.3f}  {h}  (concern {self.concern[h]:.2f})")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _covers(dim: Any, harm_id: str) -> bool:
    rule = dim.harms
    htype, level = harm_id.split(".")[:2]
    return (rule.type is None or rule.type == htype) and (rule.level is None or rule.level == level)


def _concern_share(survey: Survey, ind: Indicator) -> float:
    if ind.kind == "concern":
        return ind.proportion
    item = next(i for i in survey.items if i.id == ind.id)
    dk = {lv.id for lv in survey.catalogue.scale_of(item).levels if lv.dont_know}
    valid = [v for v in survey.answers[item.id].values() if v is not None and v not in dk]
    return sum(v in item.concern for v in valid) / len(valid) if valid else math.nan


def community_weights(survey: Survey) -> CommunityWeights:
    """Derive weights over harms from a survey (method in the module docstring).

    Parameters
    ----------
    survey : Survey
        Imported responses (use ``survey.subset(area)`` for one area).

    Returns
    -------
    CommunityWeights
        ``weights`` (summing to 1) and ``concern`` per harm, the items and tags behind each,
        and small-sample warnings; ``for_model(model)`` gives the ``community`` partner's
        vector for :func:`realimpact.prioritise.prioritise`.

    Raises
    ------
    ConfigError
        If no respondent expressed concern about any harm.

    Examples
    --------
    >>> from realimpact.define import read_survey_csv  # doctest: +SKIP
    >>> cw = community_weights(read_survey_csv("residents.csv"))  # doctest: +SKIP
    >>> cw.for_model("ukdpc")["harm_social"]  # doctest: +SKIP
    """
    shares: dict[str, list[float]] = {}
    sources: dict[str, list[str]] = {}
    warnings: list[str] = []
    for ind in indicators(survey):
        p = _concern_share(survey, ind)
        if math.isnan(p):
            warnings.append(f"{ind.id}: no valid answers, left out.")
            continue
        warnings += [f"{ind.id}: {w}" for w in ind.warnings if "small sample" in w]
        for h in ind.harms:
            shares.setdefault(h, []).append(p)
            sources.setdefault(h, []).append(ind.id)
    concern = {h: sum(v) / len(v) for h, v in shares.items()}
    total = sum(concern.values())
    if total <= 0:
        raise ConfigError(
            "No community weights.",
            [
                Problem(
                    f"no respondent of survey {survey.name!r} expressed concern about any harm.",
                    "Check the survey's concern levels, or give community weights by hand.",
                )
            ],
        )
    weights = {h: c / total for h, c in concern.items()}
    return CommunityWeights(
        survey.name,
        survey.n,
        weights,
        concern,
        {h: tuple(s) for h, s in sources.items()},
        tuple(dict.fromkeys(warnings)),
    )
