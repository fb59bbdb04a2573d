"""Organised crime groups: a Sleipnir-style attribute matrix beside a harm-focused score.

Method
------
*Attribute score* (in the style of Sleipnir, reconstructed from secondary sources; see
``data/sleipnir.yaml``): attribute of rank r has points P = 20 - r; a rating contributes
P times its multiplier (High 4, Medium 2, Low 1, Nil 0). **Unknown is an intelligence gap,
never scored as zero in silence**: with ``unknown_policy: gap-range`` (default) the score is
reported as an interval, from every unknown being Nil (``attribute_low``) to every unknown
being High (``attribute_high``), with the point ``attribute_score`` at Medium (as the
secondary source's reconstruction does), and each gap is listed. An attribute not given
at all counts as Unknown.

*Harm score*: for each drug-harm-matrix harm a group causes, severity (0–4) times a level
weight (individual 1, family 1, community 2, national 3, international 3 by default; a
configurable realimpact default with no empirical basis), summed.

*Disagreement* (Mulholland & Cole 2020 asked whether attribute- and harm-focused methods
agree): ranks under both (1 = highest), rank differences, Kendall's tau-b between the two
scores, and the groups that move most.

Nominal and intelligence fields are sensitive (see :mod:`._access`) and are left out of
every export unless an allowed viewer asks for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from realimpact.prioritise._access import Viewer, export_dict, sensitive_field
from realimpact.prioritise._ocg_input import (
    OcgMatrixPreset,
    OrganisedCrimeGroup,
    Rating,
    load_ocg_preset,
)

__all__ = ["OcgAssessment", "OcgScore", "score_ocgs"]


@dataclass(frozen=True)
class OcgScore:
    """One group's scores and ranks under both methods, and its intelligence gaps."""

    group: OrganisedCrimeGroup
    attribute_score: float
    attribute_low: float
    attribute_high: float
    harm_score: float
    attribute_rank: int
    harm_rank: int
    gaps: tuple[str, ...] = field(default=())

    @property
    def rank_difference(self) -> int:
        """Harm rank minus attribute rank (positive: less prominent when judged by harm)."""
        return self.harm_rank - self.attribute_rank


@dataclass(frozen=True)
class OcgAssessment:
    """Attribute- and harm-focused assessments of the same groups, and their disagreement."""

    preset_id: str
    preset_status: str
    scores: tuple[OcgScore, ...]
    kendall_tau: float | None

    def movers(self, n: int = 3) -> tuple[OcgScore, ...]:
        """Groups whose rank differs most between the two methods."""
        return tuple(sorted(self.scores, key=lambda s: -abs(s.rank_difference))[:n])

    @property
    def intelligence_gaps(self) -> dict[str, tuple[str, ...]]:
        return {s.group.id: s.gaps for s in self.scores if s.gaps}

    def to_dict(
        self, *, include_sensitive: bool = False, viewer: Viewer | None = None
    ) -> dict[str, Any]:
        """JSON-ready form; sensitive group fields only for an allowed viewer who asks."""
        rows = export_dict(
            [_row(s) for s in self.scores], include_sensitive=include_sensitive, viewer=viewer
        )
        for r in rows:
            r.update(r.pop("_sensitive"))
        return {
            "preset": self.preset_id,
            "preset_status": self.preset_status,
            "kendall_tau": self.kendall_tau,
            "groups": rows,
            "intelligence_gaps": {k: list(v) for k, v in self.intelligence_gaps.items()},
            "movers": [s.group.id for s in self.movers()],
        }

    def to_csv(self, *, include_sensitive: bool = False, viewer: Viewer | None = None) -> str:
        """One row per group (ratings as columns); sensitive fields as in :meth:`to_dict`."""
        rows = self.to_dict(include_sensitive=include_sensitive, viewer=viewer)["groups"]
        flat = [
            {
                k: (";".join(map(_cell, v)) if isinstance(v, list) else v)
                for k, v in r.items()
                if not isinstance(v, dict)
            }
            | {f"rating.{a}": x for a, x in r["ratings"].items()}
            for r in rows
        ]
        buf = io.StringIO()
        if flat:
            writer = csv.DictWriter(buf, fieldnames=list(flat[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(flat)
        return buf.getvalue()

    def summary(self) -> str:
        lines = [f"{self.preset_id}: {self.preset_status}"]
        for s in sorted(self.scores, key=lambda s: s.attribute_rank):
            lines.append(
                f"  {s.group.label:<24} attr {s.attribute_score:6.1f} "
                f"[{s.attribute_low:.0f}–{s.attribute_high:.0f}] rank {s.attribute_rank}"
                f" | harm {s.harm_score:5.1f} rank {s.harm_rank} | gaps {len(s.gaps)}"
            )
        tau = "n/a" if self.kendall_tau is None else f"{self.kendall_tau:+.2f}"
        lines.append(f"Kendall tau (attribute vs harm): {tau}")
        return "\n".join(lines)

    def to_markdown(self, *, include_sensitive: bool = False, viewer: Viewer | None = None) -> str:
        """A readable document; sensitive fields only for an allowed viewer who asks."""
        rows = self.to_dict(include_sensitive=include_sensitive, viewer=viewer)["groups"]
        tau = "n/a" if self.kendall_tau is None else f"{self.kendall_tau:+.2f}"
        lines = [
            "# Organised crime groups: attribute matrix beside harm score",
            "",
            f"Preset {self.preset_id}: {self.preset_status}",
            "",
            "| group | attribute score [unknown as Nil..High] | attribute rank | harm score "
            "| harm rank | rank difference | intelligence gaps |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['label']} | {r['attribute_score']:.0f} [{r['attribute_low']:.0f}.."
            f"{r['attribute_high']:.0f}] | {r['attribute_rank']} | {r['harm_score']:.1f} | "
            f"{r['harm_rank']} | {r['rank_difference']:+d} | {', '.join(r['gaps']) or '-'} |"
            for r in rows
        ]
        lines += ["", f"Kendall tau between the two rankings: {tau}."]
        if include_sensitive:
            lines += ["", "## Sensitive (restricted)", ""]
            lines += [
                f"- {r['label']}: {r.get('real_name') or '-'}; nominals: "
                f"{', '.join(r.get('nominals') or []) or '-'}; notes: "
                f"{r.get('intelligence_notes') or '-'}"
                for r in rows
            ]
        return "\n".join(lines) + "\n"


def _cell(v: Any) -> str:
    if isinstance(v, Mapping) and "harm_id" in v:
        return f"{v['harm_id']}:{v['severity']:g}"
    return str(v)


def _row(s: OcgScore) -> dict[str, Any]:
    g = s.group
    return {
        "id": g.id,
        "label": g.label,
        "area": g.area,
        "ratings": {k: v.value for k, v in g.ratings.items()},
        "attribute_score": s.attribute_score,
        "attribute_low": s.attribute_low,
        "attribute_high": s.attribute_high,
        "attribute_rank": s.attribute_rank,
        "harm_score": s.harm_score,
        "harm_rank": s.harm_rank,
        "rank_difference": s.rank_difference,
        "gaps": list(s.gaps),
        "harms": [h.__dict__ for h in g.harms],
        "_sensitive": _SensitiveView(g.real_name, g.nominals, g.intelligence_notes),
    }


@dataclass(frozen=True)
class _SensitiveView:
    real_name: str | None = sensitive_field(default=None)
    nominals: tuple[str, ...] = sensitive_field(default=())
    intelligence_notes: str = sensitive_field(default="")


def _attribute_scores(g: OrganisedCrimeGroup, p: OcgMatrixPreset) -> tuple[float, float, float]:
    known = sum(
        a.points * p.ratings[g.ratings[a.id].value]
        for a in p.attributes
        if g.ratings[a.id] is not Rating.UNKNOWN
    )
    unknown_points = sum(a.points for a in p.attributes if g.ratings[a.id] is Rating.UNKNOWN)
    return (
        known + unknown_points * p.ratings["Medium"],
        known,
        known + unknown_points * p.ratings["High"],
    )


def _ranks(values: list[float]) -> list[int]:
    order = np.argsort(-np.asarray(values), kind="stable")
    ranks = np.empty(len(values), dtype=int)
    ranks[order] = np.arange(1, len(values) + 1)
    return [int(r) for r in ranks]


def score_ocgs(
    groups: list[OrganisedCrimeGroup], preset: OcgMatrixPreset | None = None
) -> OcgAssessment:
    """Score groups by attributes and by harms, and show how far the two disagree.

    Parameters
    ----------
    groups : list of OrganisedCrimeGroup
        Groups as read by :func:`load_ocgs`.
    preset : OcgMatrixPreset, optional
        Attribute points, rating multipliers and harm level weights; default the shipped
        Sleipnir-style preset (:func:`load_ocg_preset`).

    Returns
    -------
    OcgAssessment
        Per group the attribute score with its [all-unknown-Nil, all-unknown-High]
        interval, the harm score, both ranks and their difference; Kendall's tau-b
        between the two scores (None for fewer than 2 groups); intelligence gaps.

    Notes
    -----
    Method in the module docstring. Assumptions: the attribute points and multipliers are
    reconstructed from secondary descriptions of RCMP Sleipnir (not the RCMP tool) and the
    harm level weights are realimpact defaults without an empirical basis; the comparison
    follows the question of Mulholland & Cole (2020) whether attribute- and harm-focused
    rankings agree. Deterministic.
    """
    p = preset or load_ocg_preset()
    attr = [_attribute_scores(g, p) for g in groups]
    harm = [
        sum(h.severity * p.harm_level_weights.get(h.level, 1.0) for h in g.harms) for g in groups
    ]
    a_rank, h_rank = _ranks([a[0] for a in attr]), _ranks(harm)
    tau = None
    if len(groups) > 1:
        t = stats.kendalltau([a[0] for a in attr], harm).statistic
        tau = float(t) if np.isfinite(t) else None
    scores = tuple(
        OcgScore(
            g,
            a[0],
            a[1],
            a[2],
            hs,
            ar,
            hr,
            tuple(k for k, v in g.ratings.items() if v is Rating.UNKNOWN),
        )
        for g, a, hs, ar, hr in zip(groups, attr, harm, a_rank, h_rank, strict=True)
    )
    return OcgAssessment(p.id, p.status, scores, tau)
