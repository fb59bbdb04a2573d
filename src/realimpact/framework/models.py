"""Schemas of the knowledge base's entries (pydantic, frozen, extra fields forbidden).

Each model is one entry of one data file in ``framework/data/`` (or of a workspace
overlay). Lists may be written in CSV cells separated by ``;``.

References
----------
UK Drug Policy Commission (2009), *Refocusing drug-related law enforcement to address
harms*: Table 4.1 (:class:`Harm`), Appendix C, chapter 2 and chapter 4 step 4
(:class:`Measure`), Box B (:class:`InformationSource`), Box A (:class:`DisplacementType`),
chapter 4 (:class:`Route`, :class:`Stage`), chapter 3 (:class:`EnforcementStrategy`), Table 4.3
(:class:`Question`), Table 4.2 (:class:`HarmChain`).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from realimpact.framework.vocab import HarmLevel, HarmSource, HarmType, MeasureKind, QuestionGroup

__all__ = [
    "DisplacementType",
    "EnforcementStrategy",
    "Entry",
    "Harm",
    "HarmChain",
    "InformationSource",
    "Measure",
    "Question",
    "Route",
    "Stage",
    "harm_id",
    "harm_slug",
]

_SLUG_MAX = 40
_SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ID_RE = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")


def harm_slug(label: str) -> str:
    """Slug of a harm label: lower case, non-alphanumeric runs to ``-``, at most 40 chars.

    The cut falls at a ``-`` boundary, so a slug never ends inside a word.

    Examples
    --------
    >>> harm_slug("Overdose/death")
    'overdose-death'
    >>> harm_slug("Normalisation of drug use and easy access to drugs")
    'normalisation-of-drug-use-and-easy'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    if len(slug) <= _SLUG_MAX:
        return slug
    cut = slug[: _SLUG_MAX + 1].rfind("-")
    return slug[:cut] if cut > 0 else slug[:_SLUG_MAX]


def harm_id(type_: HarmType | str, level: HarmLevel | str, label: str) -> str:
    """The stable id ``{type}.{level}.{slug}`` of a harm.

    Examples
    --------
    >>> harm_id("health", "individual", "Overdose/death")
    'health.individual.overdose-death'
    """
    return f"{HarmType(type_).value}.{HarmLevel(level).value}.{harm_slug(label)}"


def _split_list(value: Any) -> Any:
    """Accept ``a; b`` (a CSV cell) as a list; an empty cell is an empty list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


class Entry(BaseModel):
    """Base of every entry: an ``id``, a ``citation`` and whether it came from an overlay."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    local: bool = False

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError(
                "an id is lower-case letters and digits joined by '-' or '.', "
                f"e.g. 'my-local-harm'; got {value!r}"
            )
        return value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the documented field names (see docs/json.md)."""
        return self.model_dump(mode="json")


class Harm(Entry):
    """One harm of the drug-harm matrix (Table 4.1): a cell's bullet, typed and levelled.

    ``sources`` lists the sources of harm the report attributes it to (empty where the
    report says nothing); ``source_basis`` says where the report does so.
    """

    type: HarmType
    level: HarmLevel
    label: str = Field(min_length=1)
    sources: tuple[HarmSource, ...] = ()
    source_basis: str | None = None

    _split = field_validator("sources", mode="before")(_split_list)

    @model_validator(mode="after")
    def _id_scheme(self) -> Harm:
        prefix = f"{self.type.value}.{self.level.value}."
        slug = self.id.removeprefix(prefix)
        if not self.id.startswith(prefix) or not _SLUG_RE.match(slug) or len(slug) > _SLUG_MAX:
            expected = harm_id(self.type, self.level, self.label)
            raise ValueError(f"a harm id is '{{type}}.{{level}}.{{slug}}', here {expected!r}")
        return self


class Measure(Entry):
    """A measure that can show harms (``harm_ids``), with suggested Box B sources."""

    label: str = Field(min_length=1)
    kind: MeasureKind
    harm_ids: tuple[str, ...] = ()
    group: str | None = None
    suggested_sources: tuple[str, ...] = ()
    notes: str | None = None

    _split = field_validator("harm_ids", "suggested_sources", mode="before")(_split_list)


class InformationSource(Entry):
    """A possible information source for measuring impact (Box B)."""

    label: str = Field(min_length=1)


class DisplacementType(Entry):
    """A type of displacement from drug control and enforcement (Box A)."""

    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class Route(Entry):
    """One of the four routes to lower overall drug harm (chapter 4)."""

    label: str = Field(min_length=1)
    approach: str = Field(min_length=1)


class EnforcementStrategy(Entry):
    """An enforcement strategy group (a)-(d) used to classify the case studies (chapter 3)."""

    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class Stage(Entry):
    """A stage of the harm-focused enforcement process (Figure 4.2, chapter 4 steps 1-6)."""

    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    guiding_questions: tuple[str, ...] = Field(min_length=1)


class Question(Entry):
    """A 5WH problem-analysis question of Table 4.3, under its group and sub-heading."""

    group: QuestionGroup
    heading: str | None = None
    question: str = Field(min_length=1)


class HarmChain(Entry):
    """A row of Table 4.2: problem -> leads to -> resultant harm -> who -> notes.

    ``harm_ids`` links the chain to matrix harms; ``mapping_note`` explains any link that is
    not a plain match of wording and level.
    """

    problem: str = Field(min_length=1)
    leads_to: str | None = None
    resultant_harm: str = Field(min_length=1)
    experienced_by: str = Field(min_length=1)
    notes: str | None = None
    harm_ids: tuple[str, ...] = ()
    mapping_note: str | None = None

    _split = field_validator("harm_ids", mode="before")(_split_list)
