"""UK case studies of drug-related law enforcement (UKDPC 2009, Table 3.2 and Appendix B).

Each :class:`CaseStudy` is one operation, merging its Table 3.2 row, its Appendix B section
and the chapter 3 text that discusses it. Every figure the report gives for the operation is
kept as a structured :class:`Figure` whose ``quote`` is the exact fragment of the report it
was read from, so a reader can check it.

The package ships ``data/cases.yaml``; a workspace can add its own case studies in an overlay
file of the same shape, loaded with ``local=True``.

Reference: UK Drug Policy Commission (2009), *Refocusing Drug-Related Law Enforcement to
Address Harms*, chapter 3 ("Evidence from our consultations: UK case studies"), Table 3.2
and Appendix B.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from realimpact.exceptions import Problem
from realimpact.framework._loader import ProblemCollector, read_entries, validate_entries

__all__ = [
    "CASES_PATH",
    "CaseStudy",
    "Figure",
    "StrategyGroupCode",
    "check_case_harm_links",
    "load_case_studies",
    "search_cases",
]

CASES_PATH = Path(str(files("realimpact.framework") / "data" / "cases.yaml"))
"""The case studies shipped with the package."""

HARM_ID_PATTERN = (
    r"^(health|social|economic|environmental)\."
    r"(individual|family|community|national|international)\.[a-z0-9]+(-[a-z0-9]+)*$"
)
HarmId = Annotated[str, StringConstraints(pattern=HARM_ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

Source = Literal["table-3.2", "appendix-b", "chapter-3", "local"]
_SOURCE_LABELS = {
    "table-3.2": "Table 3.2",
    "appendix-b": "Appendix B",
    "chapter-3": "chapter 3 (UK case studies)",
    "local": "local record",
}


class StrategyGroupCode(StrEnum):
    """The enforcement strategy groups (a)-(d) of chapter 3, after Caulkins and Reuter (2009)."""

    INDIVIDUALS = "a"
    AREAS = "b"
    BEHAVIOURS = "c"
    MODIFIED = "d"

    @property
    def description(self) -> str:
        """The report's plain-English wording of the group."""
        return _GROUP_DESCRIPTIONS[self]


_GROUP_DESCRIPTIONS = {
    StrategyGroupCode.INDIVIDUALS: "targeting specific individuals or groups identified as being "
    "particularly 'noxious' or harmful",
    StrategyGroupCode.AREAS: "targeting areas where drug problems are particularly damaging",
    StrategyGroupCode.BEHAVIOURS: "targeting particularly harmful behaviours",
    StrategyGroupCode.MODIFIED: "traditional enforcement approaches modified in some way to "
    "reduce harms",
}

Direction = Literal["increase", "decrease", "none", "level"]
Qualifier = Literal["exact", "approximately", "more-than", "less-than", "at-least"]


class Figure(BaseModel):
    """One figure reported for a case study.

    ``direction`` is ``increase``/``decrease`` for a reported change, ``none`` for a reported
    absence of change, and ``level`` for a single quantity (e.g. arrests made). ``unit``
    ``percent-change`` is a relative change; ``percent`` is a level given as a percentage.
    A range is given by ``low`` and ``high``. ``kind`` separates outputs (arrests, seizures)
    from outcomes (crime, treatment, confidence).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Text
    before: float | None = None
    after: float | None = None
    change: float | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: Text
    direction: Direction
    qualifier: Qualifier = "exact"
    period: str | None = None
    kind: Literal["output", "outcome"]
    quote: Text

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        numbers = (self.before, self.after, self.change, self.value, self.low, self.high)
        if all(n is None for n in numbers):
            raise ValueError("a figure needs a number: before/after, change, value or low/high")
        if (self.low is None) != (self.high is None):
            raise ValueError("give both 'low' and 'high' for a range, or neither")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("'low' must not exceed 'high'")
        _check_direction(self)
        return self


def _check_direction(fig: Figure) -> None:
    signs = []
    if fig.before is not None and fig.after is not None:
        signs.append(fig.after - fig.before)
    if fig.change is not None:
        signs.append(fig.change)
    if fig.direction == "level" and signs:
        raise ValueError("direction 'level' is for a single quantity; use increase/decrease")
    expected = {"increase": 1, "decrease": -1, "none": 0}.get(fig.direction)
    for s in signs:
        if expected is not None and (s > 0) - (s < 0) != expected:
            raise ValueError(f"direction {fig.direction!r} contradicts the numbers given")


class CaseStudy(BaseModel):
    """One UK enforcement operation from the report, with its reported figures.

    ``problem``, ``activity``, ``impact_on_harms`` and ``other_consequences`` are the Table
    3.2 cells where the operation is in that table; ``harms_targeted`` links to harm-matrix
    ids (Table 4.1). ``local`` is true for case studies from a workspace overlay.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    name: Text
    aliases: tuple[str, ...] = ()
    place: Text
    lead_agency: str | None = None
    dates: str | None = None
    evaluation: str | None = None
    strategy_group: StrategyGroupCode
    sources: tuple[Source, ...]
    problem: Text
    activity: Text
    impact_on_harms: Text
    other_consequences: str | None = None
    anticipated_risks: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    figures: tuple[Figure, ...]
    figures_note: str | None = None
    harms_targeted: tuple[HarmId, ...] = ()
    harm_note: str | None = None
    local: bool = False

    @model_validator(mode="after")
    def _figures_or_reason(self) -> CaseStudy:
        if not self.figures and not self.figures_note:
            raise ValueError("'figures' is empty: add the reported figures or a 'figures_note'")
        if not self.sources:
            raise ValueError("'sources' is empty: say where the case study comes from")
        return self

    @property
    def citation(self) -> str:
        """Where in the report (or the workspace) the case study comes from."""
        return "; ".join(_SOURCE_LABELS[s] for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: every field plus ``citation``."""
        out = self.model_dump(mode="json")
        out["citation"] = self.citation
        return out

    def summary(self) -> str:
        """A few lines for people: name, place, group, impact and the headline figures."""
        lines = [
            f"{self.name} ({self.place}) - strategy group ({self.strategy_group.value}): "
            f"{self.strategy_group.description}",
            f"Problem: {self.problem}",
            f"Impact on harms: {self.impact_on_harms}",
        ]
        outcomes = [f for f in self.figures if f.kind == "outcome"]
        lines += [f"  - {f.measure}: {f.quote}" for f in outcomes]
        lines.append(f"Source: {self.citation}")
        return "\n".join(lines)


def load_case_studies(
    paths: Iterable[Path], collector: ProblemCollector, *, local: bool
) -> list[CaseStudy]:
    """Load and validate case-study files; problems go to ``collector``.

    Parameters
    ----------
    paths
        YAML files, each a list of case-study entries (see ``data/cases.yaml``).
    collector
        Receives every problem (file, entry, field and fix); the caller raises them together
        with :meth:`ProblemCollector.raise_if_any`. Invalid entries are left out.
    local
        Mark the entries as coming from a workspace overlay (sets ``CaseStudy.local``).

    Returns
    -------
    list of CaseStudy
        The valid entries, in file order. A repeated id is reported as a problem.

    Examples
    --------
    >>> c = ProblemCollector()
    >>> cases = load_case_studies([CASES_PATH], c, local=False)
    >>> c.raise_if_any()
    >>> [f.after for f in search_cases(cases, "nemesis")[0].figures if f.unit == "weeks"]
    [2.0]
    """
    out: list[CaseStudy] = []
    seen: set[str] = set()
    for path in paths:
        raw = read_entries(path, collector)
        for case in validate_entries(CaseStudy, raw, file=str(path), collector=collector):
            if case.id in seen:
                collector.add(_duplicate(case.id, path))
                continue
            seen.add(case.id)
            out.append(case.model_copy(update={"local": local}) if case.local != local else case)
    return out


def _duplicate(case_id: str, path: Path) -> Problem:
    return Problem(
        "this case-study id is already used by an earlier entry.",
        "Give the entry a new id (a slug such as 'operation-name-place').",
        file=str(path),
        column="id",
        entry=case_id,
    )


def check_case_harm_links(
    cases: Sequence[CaseStudy], harm_ids: Iterable[str], collector: ProblemCollector
) -> None:
    """Report every ``harms_targeted`` id that is not in the harm matrix."""
    collector.unknown_harm_links(cases, "harms_targeted", harm_ids)


def search_cases(cases: Iterable[CaseStudy], text: str) -> list[CaseStudy]:
    """Case studies whose text contains every word of ``text`` (case-insensitive).

    Searched: id, name, aliases, place, agency, problem, activity, impact, consequences,
    risks, partners, figure measures and harm ids. An empty query returns every case.
    """
    words = [w for w in re.split(r"\s+", text.lower()) if w]
    return [c for c in cases if all(w in _haystack(c) for w in words)]


def _haystack(case: CaseStudy) -> str:
    parts: list[str] = [case.id, case.name, case.place, case.problem, case.activity]
    parts += [case.impact_on_harms, case.lead_agency or "", case.other_consequences or ""]
    parts += [*case.aliases, *case.anticipated_risks, *case.partners, *case.harms_targeted]
    parts += [f.measure for f in case.figures]
    return " ".join(parts).lower()
