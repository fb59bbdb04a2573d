"""The evidence library: intervention types, what they do to harms, and how sure we are.

Each :class:`Intervention` records its mechanism, the harms it has been reported to
decrease or increase (each with the study, from Table 3.1 and chapter 3 of the report),
its displacement risks by Box A type, its unintended consequences with known mitigations,
its strategy group (a)-(d), the strength of its evidence on an EMMIE-style scale and the
case studies (Table 3.2, Appendix B) that used it.

Strength scale (:data:`STRENGTH_SCALE`), used for each EMMIE dimension: 0 none, 1 limited
(case studies, unevaluated or uncontrolled reports), 2 moderate (some controlled
evaluations), 3 strong (a systematic review of controlled evaluations). The scale is this
project's, in the spirit of EMMIE (Johnson, Tilley & Bowers 2015); it is not the College of
Policing Crime Reduction Toolkit's own rating.

The library ships as ``plan/data/interventions.yaml``; a workspace may add entries in
``<workspace>/framework/interventions.yaml`` (marked ``local``), and local evaluations can
be attached as evidence (:func:`realimpact.plan.file_evaluation`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "STRENGTH_SCALE",
    "EmmieDimension",
    "EmmieRating",
    "HarmReport",
    "Intervention",
    "LocalEvidence",
    "RiskNote",
    "UnintendedConsequence",
    "package_interventions_path",
]

STRENGTH_SCALE: dict[int, str] = {
    0: "none: no evaluation found",
    1: "limited: case studies, unevaluated or uncontrolled reports",
    2: "moderate: some controlled evaluations",
    3: "strong: a systematic review of controlled evaluations",
}

Verification = Literal["verified", "unverified", "report"]
Direction = Literal["reduction", "mixed", "no-effect", "increase", "unknown"]
RiskLevel = Literal["low", "medium", "high", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class HarmReport(_Frozen):
    """A harm (matrix id) an intervention was reported to change, with the study."""

    harm: str = Field(min_length=1)
    study: str = Field(min_length=1)
    impact: str | None = None  # a Table 3.1 item id, where one fits
    note: str | None = None


class RiskNote(_Frozen):
    """A displacement risk of one Box A type."""

    type: str = Field(min_length=1)
    risk: RiskLevel
    note: str = Field(min_length=1)


class UnintendedConsequence(_Frozen):
    """An unintended consequence, the harms it touches and known mitigations."""

    consequence: str = Field(min_length=1)
    harms: tuple[str, ...] = ()
    mitigations: tuple[str, ...] = ()
    source: str | None = None


class EmmieDimension(_Frozen):
    """One EMMIE dimension: strength on :data:`STRENGTH_SCALE` and what the evidence says."""

    strength: int = Field(ge=0, le=3)
    summary: str = Field(min_length=1)


class EmmieRating(_Frozen):
    """Strength of evidence on the five EMMIE dimensions, with its source and status.

    ``verification`` is ``report`` when the statement is the UKDPC report's own, ``verified``
    when checked against the cited source's text, ``unverified`` otherwise.
    """

    direction: Direction
    effect: EmmieDimension
    mechanism: EmmieDimension
    moderators: EmmieDimension
    implementation: EmmieDimension
    economy: EmmieDimension
    source: str = Field(min_length=1)
    verification: Verification

    def overall(self) -> int:
        """The weakest dimension's strength (a chain is as strong as its weakest link)."""
        return min(
            d.strength for d in (self.effect, self.mechanism, self.moderators, self.implementation)
        )


class LocalEvidence(_Frozen):
    """A local evaluation filed as evidence: where, when, what it found and where it is."""

    id: str = Field(min_length=1)
    area: str = Field(min_length=1)
    start: str = Field(min_length=1)
    end: str | None = None
    estimate: float
    ci_low: float | None = None
    ci_high: float | None = None
    unit: str = Field(min_length=1)
    method: str = Field(min_length=1)
    verdict: str | None = None
    plan: str | None = None
    file: str | None = None
    filed: str = Field(min_length=1)


class Intervention(_Frozen):
    """One intervention type of the evidence library.

    Attributes
    ----------
    id, name, aliases
        Stable id (``hot-spots``), display name and other names it goes by.
    enforcement
        Whether it uses arrest, prosecution or other sanctions, so that enforcement's own
        harms (chapter 4 step 3 trade-offs) must be planned for.
    strategy_group
        The report's enforcement strategy group: ``a`` individuals or groups, ``b`` areas,
        ``c`` harmful behaviours, ``d`` modified enforcement approaches.
    mechanism
        How the activity should reduce harm.
    decreases, increases
        Harms reported decreased or increased, each with the study.
    displacement
        Risks by Box A displacement type.
    unintended
        Unintended consequences with mitigations.
    emmie
        Strength of evidence (EMMIE-style), its source and its verification status.
    cases
        Linked case-study ids of the knowledge base.
    local_evidence
        Local evaluations filed against this intervention.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9]+([.-][a-z0-9]+)*$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    enforcement: bool = False
    strategy_group: Literal["a", "b", "c", "d"]
    mechanism: str = Field(min_length=1)
    decreases: tuple[HarmReport, ...] = ()
    increases: tuple[HarmReport, ...] = ()
    displacement: tuple[RiskNote, ...] = ()
    unintended: tuple[UnintendedConsequence, ...] = ()
    emmie: EmmieRating
    cases: tuple[str, ...] = ()
    citation: str = Field(min_length=1)
    local_evidence: tuple[LocalEvidence, ...] = ()
    local: bool = False

    def harm_ids(self) -> set[str]:
        """Every harm id the entry names (decreases, increases, unintended consequences)."""
        ids = {r.harm for r in self.decreases + self.increases}
        for u in self.unintended:
            ids.update(u.harms)
        return ids

    def reported_to_decrease(self, harm_id: str) -> bool:
        """Whether the entry reports a decrease in ``harm_id``."""
        return any(r.harm == harm_id for r in self.decreases)

    def search_text(self) -> str:
        """All the entry's words, lower case, for :meth:`EvidenceLibrary.search`."""
        parts = [self.id, self.name, *self.aliases, self.mechanism, self.citation]
        parts += [r.harm + " " + r.study for r in self.decreases + self.increases]
        parts += [u.consequence + " " + " ".join(u.mitigations) for u in self.unintended]
        parts += [self.emmie.source, *self.cases]
        return " ".join(parts).lower()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every field."""
        return self.model_dump(mode="json")

    def summary(self) -> str:
        """A plain-text account for people."""
        e = self.emmie
        lines = [
            f"{self.name} [{self.id}] (strategy group {self.strategy_group})"
            + (" [local]" if self.local else ""),
            f"Mechanism: {self.mechanism}",
            f"Evidence: {e.direction}; effect {e.effect.strength}/3, mechanism "
            f"{e.mechanism.strength}/3, moderators {e.moderators.strength}/3, implementation "
            f"{e.implementation.strength}/3, economy {e.economy.strength}/3 "
            f"({e.verification}; {e.source})",
        ]
        lines += [f"  decreases {r.harm}: {r.study}" for r in self.decreases]
        lines += [f"  increases {r.harm}: {r.study}" for r in self.increases]
        lines += [f"  displacement ({d.type}, {d.risk}): {d.note}" for d in self.displacement]
        for u in self.unintended:
            mit = "; ".join(u.mitigations) or "none known"
            lines.append(f"  unintended: {u.consequence} Mitigation: {mit}")
        if self.cases:
            lines.append(f"  case studies: {', '.join(self.cases)}")
        for ev in self.local_evidence:
            lines.append(
                f"  local evaluation {ev.id}: {ev.area} from {ev.start}, {ev.estimate:+.3g} "
                f"{ev.unit} ({ev.method})"
            )
        return "\n".join(lines)


def package_interventions_path() -> Path:
    """The ``interventions.yaml`` shipped with the package."""
    return Path(str(resources.files("realimpact.plan") / "data" / "interventions.yaml"))
