"""Problem profiles: a drug problem defined by its market characteristics and its harms.

Stage 1 of the framework (UKDPC 2009, ch. 4 step 1, "Define the problem and consider
causes and effects"): a problem is described by the characteristics of the market that
cause harm (Table 4.2's "problem" column), the harms of the drug-harm matrix (Table 4.1)
they lead to and who experiences them, and the answers to the 5WH questions of Table 4.3.

A :class:`ProblemProfile` satisfies :class:`realimpact.prioritise.ProblemLike` (``name``,
``area``, ``scores``, and ``harms`` as per-harm extent and seriousness), so profiles can
be ranked directly with :func:`realimpact.prioritise.prioritise`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from realimpact.define.baseline import Baseline
from realimpact.define.vocab import LocationFeature, MarketOpenness, MarketSetting, Maturity
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.prioritise import HarmScore, ScoreRange

__all__ = [
    "HarmAssessment",
    "ProblemProfile",
    "ProfileChain",
    "SuggestionDecision",
    "table_4_2_profile",
]

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_FROZEN = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class ProfileChain(BaseModel):
    """A harm chain: characteristic -> leads to -> resultant harm -> who experiences it.

    ``harm_ids`` link the chain to harms of the matrix; ``source`` is the Table 4.2 chain
    id it was taken from, or ``analyst``.
    """

    model_config = _FROZEN

    characteristic: str = Field(min_length=1)
    leads_to: str | None = None
    resultant_harm: str = Field(min_length=1)
    experienced_by: str = Field(min_length=1)
    notes: str | None = None
    harm_ids: tuple[str, ...] = ()
    source: str = "analyst"


class SuggestionDecision(BaseModel):
    """The analyst's decision on a suggested harm: accepted or rejected, by whom and when."""

    model_config = _FROZEN

    harm_id: str
    decision: Literal["accepted", "rejected"]
    by: str = Field(min_length=1)
    at: str = Field(min_length=1)  # ISO 8601 UTC; required so it is always stored
    rules: tuple[str, ...] = ()
    comment: str = ""


class HarmAssessment(BaseModel):
    """Extent and seriousness (0-4, a number or a [low, mode, high] range) of one harm."""

    model_config = _FROZEN

    id: str
    extent: Any = "unknown"
    seriousness: Any = "unknown"
    basis: str = ""


class ProblemProfile(BaseModel):
    """One drug problem: where, which market, which characteristics, which harms.

    Attributes follow issue 5 and Table 4.3: ``openness`` (open, semi-open, closed),
    ``settings`` (street, premises, delivery, online), ``maturity`` (new, established),
    ``location_features``, ``times``, and whether violence or intimidation, exploitation
    of children and vulnerable people, corruption, and links to organised crime are
    features (``None`` = not known). ``answers`` maps 5WH question ids (``who-01`` ...)
    to the analyst's answer. ``chains`` link characteristics to harms; ``decisions``
    record accepted and rejected harm suggestions; ``harm_scores`` and ``scores`` feed
    prioritisation; ``baseline`` is the measured baseline from the observation store.

    Examples
    --------
    >>> p = ProblemProfile(name="town-centre", area="mbro-001", openness="open",
    ...                    settings=["street"], maturity="established")
    >>> p.openness.description
    'Anyone can buy without an introduction; dealing is visible.'
    """

    model_config = _FROZEN

    name: str = Field(pattern=NAME_PATTERN)
    title: str = ""
    area: str | None = None
    drug_types: tuple[str, ...] = ()
    openness: MarketOpenness | None = None
    settings: tuple[MarketSetting, ...] = ()
    maturity: Maturity | None = None
    location_features: tuple[LocationFeature, ...] = ()
    times: str = ""
    violence: bool | None = None
    exploitation: bool | None = None
    corruption: bool | None = None
    organised_crime: bool | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    chains: tuple[ProfileChain, ...] = ()
    decisions: tuple[SuggestionDecision, ...] = ()
    harm_scores: tuple[HarmAssessment, ...] = ()
    scores: dict[str, Any] = Field(default_factory=dict)
    baseline: Baseline | None = None
    notes: str = ""

    @property
    def harms(self) -> tuple[HarmScore, ...]:
        """Per-harm extent and seriousness as :class:`realimpact.prioritise.HarmScore`."""
        return tuple(
            HarmScore(h.id, _range(h.extent), _range(h.seriousness)) for h in self.harm_scores
        )

    def harm_ids(self) -> tuple[str, ...]:
        """Every harm the profile names (chains, accepted suggestions, scored), first seen first."""
        ids = [i for c in self.chains for i in c.harm_ids]
        ids += [d.harm_id for d in self.decisions if d.decision == "accepted"]
        ids += [h.id for h in self.harm_scores]
        return tuple(dict.fromkeys(ids))

    def decision_for(self, harm_id: str) -> SuggestionDecision | None:
        """The latest decision on ``harm_id``, if any."""
        found = [d for d in self.decisions if d.harm_id == harm_id]
        return found[-1] if found else None

    def characteristics(self) -> dict[str, Any]:
        """The market characteristics as plain values (for rules and display)."""
        return {
            "openness": self.openness.value if self.openness else None,
            "settings": [s.value for s in self.settings],
            "maturity": self.maturity.value if self.maturity else None,
            "location_features": [f.value for f in self.location_features],
            "violence": self.violence,
            "exploitation": self.exploitation,
            "corruption": self.corruption,
            "organised_crime": self.organised_crime,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and YAML-ready dict (the stored file format)."""
        return self.model_dump(mode="json", exclude_defaults=True)

    def summary(self) -> str:
        """A short readable description."""
        chars = {k: v for k, v in self.characteristics().items() if v not in (None, [])}
        lines = [f"Problem {self.name}" + (f": {self.title}" if self.title else "")]
        lines.append(f"  area: {self.area or '-'}; drugs: {', '.join(self.drug_types) or '-'}")
        lines.append("  " + "; ".join(f"{k}: {_show(v)}" for k, v in chars.items()))
        lines.append(f"  {len(self.chains)} harm chains, {len(self.harm_ids())} harms")
        acc = sum(d.decision == "accepted" for d in self.decisions)
        rej = sum(d.decision == "rejected" for d in self.decisions)
        lines.append(f"  suggestions: {acc} accepted, {rej} rejected")
        lines.append(f"  5WH answers: {len(self.answers)}")
        if self.baseline is not None:
            lines.append("  " + self.baseline.summary().replace("\n", "\n  "))
        return "\n".join(lines)


def _show(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _range(value: Any) -> ScoreRange:
    if isinstance(value, ScoreRange):
        return value
    if isinstance(value, str) and value.strip().lower() in {"unknown", "?"}:
        return ScoreRange(0.0, 2.0, 4.0)
    return ScoreRange.parse(value)


def table_4_2_profile(kb: KnowledgeBase | None = None) -> ProblemProfile:
    """Table 4.2 of the report (an open or visible drug market) as a problem profile.

    Every row of Table 4.2 in the knowledge base becomes a :class:`ProfileChain` (with
    its matrix harm ids); the characteristics are those the table and its paragraph name
    (UKDPC 2009, ch. 4 step 1): an open street market, with turf wars (violence).

    Examples
    --------
    >>> p = table_4_2_profile()
    >>> len(p.chains), p.openness.value
    (25, 'open')
    """
    kb = kb if kb is not None else load_knowledge_base()
    chains = tuple(
        ProfileChain(
            characteristic=c.problem,
            leads_to=c.leads_to,
            resultant_harm=c.resultant_harm,
            experienced_by=c.experienced_by,
            notes=c.notes,
            harm_ids=c.harm_ids,
            source=c.id,
        )
        for group in kb.chains_by_problem().values()
        for c in group
    )
    return ProblemProfile(
        name="table-4-2-open-market",
        title="Open or visible drug market (UKDPC 2009, Table 4.2)",
        openness=MarketOpenness.OPEN,
        settings=(MarketSetting.STREET,),
        violence=True,
        chains=chains,
        notes="The report's worked example: 'an open street drug market is causing "
        "problems in an urban community' (ch. 4, step 1).",
    )


def profile_from_mapping(data: Mapping[str, Any]) -> ProblemProfile:
    """Build a profile from a plain mapping (no file context; see :mod:`.store`)."""
    return ProblemProfile.model_validate(dict(data))
