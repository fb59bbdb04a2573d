"""The knowledge base: the report's framework as one frozen, typed, searchable object.

Build it with :func:`realimpact.framework.load_knowledge_base`; it holds every entry in the
report's order, followed by a workspace overlay's local entries (``local=True``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from realimpact.exceptions import NotFoundError
from realimpact.framework.cases import CaseStudy, search_cases
from realimpact.framework.impacts import ImpactEntry
from realimpact.framework.models import (
    DisplacementType,
    EnforcementStrategy,
    Entry,
    Harm,
    HarmChain,
    InformationSource,
    Measure,
    Question,
    Route,
    Stage,
)
from realimpact.framework.vocab import HarmLevel, HarmType

if TYPE_CHECKING:
    from realimpact.framework.poll import PollResults

__all__ = ["KnowledgeBase"]

E = TypeVar("E", bound=Entry | CaseStudy)


_LISTED_BY = {
    "harm": "harms",
    "measure": "measures",
    "information source": "sources",
    "stage": "stages",
    "harm chain": "chains",
    "case study": "cases",
}


def _find(entries: Sequence[E], entry_id: str, what: str) -> E:
    for entry in entries:
        if entry.id == entry_id:
            return entry
    ids = [e.id for e in entries]
    close = difflib.get_close_matches(entry_id, ids, n=3, cutoff=0.5)
    if not close:
        close = [i for i in ids if entry_id.lower() in i][:3]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    listing = _LISTED_BY.get(what)
    fix = f" `realimpact {listing}` lists the ids." if listing else ""
    raise NotFoundError(f"No {what} with id {entry_id!r}.{hint}{fix}")


def _words(text: str) -> list[str]:
    return [w for w in text.lower().replace("/", " ").split() if w]


@dataclass(frozen=True)
class KnowledgeBase:
    """The framework's knowledge: harm matrix, measures, sources, stages, questions, chains.

    Attributes are tuples of frozen pydantic entries in the data files' order. Lookup
    methods raise :class:`~realimpact.exceptions.NotFoundError` with close-match
    suggestions for an unknown id.

    Examples
    --------
    >>> from realimpact.framework import load_knowledge_base
    >>> kb = load_knowledge_base()
    >>> kb.harm("health.individual.overdose-death").label
    'Overdose/death'
    >>> [m.id for m in kb.measures_for("health.individual.overdose-death")]
    ['appc.drug-deaths']
    """

    harms: tuple[Harm, ...]
    measures: tuple[Measure, ...]
    sources: tuple[InformationSource, ...]
    displacement_types: tuple[DisplacementType, ...]
    routes: tuple[Route, ...]
    strategy_groups: tuple[EnforcementStrategy, ...]
    stages: tuple[Stage, ...]
    questions: tuple[Question, ...]
    harm_chains: tuple[HarmChain, ...]
    cases: tuple[CaseStudy, ...] = ()
    impacts: tuple[ImpactEntry, ...] = ()
    _harm_index: dict[str, Harm] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_harm_index", {h.id: h for h in self.harms})

    # -- harms -----------------------------------------------------------------------
    def harm(self, harm_id: str) -> Harm:
        """The harm with this id; NotFoundError suggests close ids if there is none."""
        found = self._harm_index.get(harm_id)
        return found if found is not None else _find(self.harms, harm_id, "harm")

    def has_harm(self, harm_id: str) -> bool:
        """Whether a harm with this id exists."""
        return harm_id in self._harm_index

    def search_harms(
        self,
        text: str | None = None,
        type: HarmType | str | None = None,
        level: HarmLevel | str | None = None,
    ) -> tuple[Harm, ...]:
        """Harms whose label, id or source basis contains every word of ``text``.

        Matching is case-insensitive; ``type`` and ``level`` (enum or its value) narrow the
        result. With no arguments, every harm is returned.
        """
        want_type = HarmType(type) if type is not None else None
        want_level = HarmLevel(level) if level is not None else None
        words = _words(text or "")
        out = []
        for harm in self.harms:
            if want_type is not None and harm.type is not want_type:
                continue
            if want_level is not None and harm.level is not want_level:
                continue
            haystack = " ".join((harm.label, harm.id, harm.source_basis or "")).lower()
            if all(w in haystack for w in words):
                out.append(harm)
        return tuple(out)

    def harms_in(self, type: HarmType | str, level: HarmLevel | str) -> tuple[Harm, ...]:
        """The harms of one matrix cell, in the report's order."""
        return self.search_harms(type=type, level=level)

    def matrix_counts(self) -> dict[str, dict[str, int]]:
        """Number of harms per cell: ``{type: {level: count}}`` over every type and level."""
        counts = {t.value: {lv.value: 0 for lv in HarmLevel} for t in HarmType}
        for harm in self.harms:
            counts[harm.type.value][harm.level.value] += 1
        return counts

    # -- measures and links ----------------------------------------------------------
    def measure(self, measure_id: str) -> Measure:
        """The measure with this id."""
        return _find(self.measures, measure_id, "measure")

    def measures_for(self, harm_id: str) -> tuple[Measure, ...]:
        """The measures that can show the harm ``harm_id`` (which must exist)."""
        self.harm(harm_id)
        return tuple(m for m in self.measures if harm_id in m.harm_ids)

    def chains_for(self, harm_id: str) -> tuple[HarmChain, ...]:
        """The Table 4.2 harm chains linked to the harm ``harm_id`` (which must exist)."""
        self.harm(harm_id)
        return tuple(c for c in self.harm_chains if harm_id in c.harm_ids)

    def chains_by_problem(self) -> dict[str, tuple[HarmChain, ...]]:
        """Table 4.2's chains grouped by the market characteristic (problem) causing them."""
        grouped: dict[str, list[HarmChain]] = {}
        for chain in self.harm_chains:
            grouped.setdefault(chain.problem, []).append(chain)
        return {problem: tuple(chains) for problem, chains in grouped.items()}

    def sources_for(self, harm_id: str) -> tuple[InformationSource, ...]:
        """Box B sources suggested by the measures of the harm ``harm_id``, first use first."""
        ids = dict.fromkeys(s for m in self.measures_for(harm_id) for s in m.suggested_sources)
        return tuple(self.source(i) for i in ids)

    def source(self, source_id: str) -> InformationSource:
        """The Box B information source with this id."""
        return _find(self.sources, source_id, "information source")

    def stage(self, stage_id: str) -> Stage:
        """The process stage with this id (``define`` ... ``evaluate``)."""
        return _find(self.stages, stage_id, "stage")

    def chain(self, chain_id: str) -> HarmChain:
        """The harm chain (Table 4.2 row) with this id."""
        return _find(self.harm_chains, chain_id, "harm chain")

    def case(self, case_id: str) -> CaseStudy:
        """The case study (Table 3.2, Appendix B, or a local one) with this id."""
        return _find(self.cases, case_id, "case study")

    def search_cases(self, text: str = "") -> tuple[CaseStudy, ...]:
        """Case studies whose text contains every word of ``text`` (case-insensitive)."""
        return tuple(search_cases(self.cases, text))

    def impacts_for(self, harm_id: str) -> tuple[ImpactEntry, ...]:
        """The Table 3.1 impacts of enforcement linked to the harm ``harm_id``."""
        self.harm(harm_id)
        return tuple(i for i in self.impacts if harm_id in i.harm_ids)

    @cached_property
    def poll(self) -> PollResults:
        """The Appendix D enforcement personnel poll (loaded on first use: it needs pandas)."""
        from realimpact.framework.poll import load_poll

        return load_poll()

    # -- output ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Number of entries of each kind."""
        return {
            "harms": len(self.harms),
            "measures": len(self.measures),
            "sources": len(self.sources),
            "displacement_types": len(self.displacement_types),
            "routes": len(self.routes),
            "strategy_groups": len(self.strategy_groups),
            "stages": len(self.stages),
            "questions": len(self.questions),
            "harm_chains": len(self.harm_chains),
            "cases": len(self.cases),
            "impacts": len(self.impacts),
        }

    def summary(self) -> str:
        """A short plain-text account of what the knowledge base holds."""
        local = sum(1 for e in self._all_entries() if getattr(e, "local", False))
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.counts().items())
        return f"Knowledge base: {parts}; {local} local entries from the workspace overlay."

    def to_dict(self) -> dict[str, Any]:
        """Every entry as JSON-ready dicts, keyed by collection name."""
        out: dict[str, Any] = {
            name: [_entry_dict(e) for e in getattr(self, name)] for name in self.counts()
        }
        out["poll"] = self.poll.to_dict()
        return out

    def _all_entries(self) -> Iterable[Entry | CaseStudy | ImpactEntry]:
        for name in self.counts():
            yield from getattr(self, name)


def _entry_dict(entry: Any) -> Any:
    if hasattr(entry, "to_dict"):
        return entry.to_dict()
    if hasattr(entry, "model_dump"):
        return entry.model_dump(mode="json")
    return entry
