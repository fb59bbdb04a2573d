"""Controlled vocabularies of the framework: harm types, levels and sources, measure kinds.

Each vocabulary is a :class:`enum.StrEnum` whose value is the stable id used in data files
and JSON; ``label`` gives the report's name and ``description`` a plain-English explanation.

References
----------
UK Drug Policy Commission (2009), *Refocusing drug-related law enforcement to address
harms*, chapter 4 and Table 4.1.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["HarmLevel", "HarmSource", "HarmType", "MeasureKind", "QuestionGroup"]


class HarmType(StrEnum):
    """The four types of harm, the rows of Table 4.1."""

    HEALTH = "health"
    SOCIAL = "social"
    ECONOMIC = "economic"
    ENVIRONMENTAL = "environmental"

    @property
    def label(self) -> str:
        """The report's name for the type."""
        return _TYPE_TEXT[self][0]

    @property
    def description(self) -> str:
        """What harms of this type are, in plain English."""
        return _TYPE_TEXT[self][1]


_TYPE_TEXT: dict[HarmType, tuple[str, str]] = {
    HarmType.HEALTH: ("Health harms", "Harm to physical or mental health, up to death."),
    HarmType.SOCIAL: (
        "Social/structural harms",
        "Harm to people's safety, relationships, life chances and to trust in institutions "
        "and the law (the report's Appendix C calls the latter 'structural').",
    ),
    HarmType.ECONOMIC: (
        "Economic harms",
        "Money lost or spent: poverty, lost business and revenue, costs of crime, services "
        "and enforcement.",
    ),
    HarmType.ENVIRONMENTAL: (
        "Environmental harms",
        "Damage to places and the natural environment: litter, production hazards, deforestation.",
    ),
}


class HarmLevel(StrEnum):
    """The five levels at which harms are felt, the columns of Table 4.1."""

    INDIVIDUAL = "individual"
    FAMILY = "family"
    COMMUNITY = "community"
    NATIONAL = "national"
    INTERNATIONAL = "international"

    @property
    def label(self) -> str:
        """The report's column heading."""
        return _LEVEL_TEXT[self][0]

    @property
    def description(self) -> str:
        """Who feels harms at this level, in plain English."""
        return _LEVEL_TEXT[self][1]


_LEVEL_TEXT: dict[HarmLevel, tuple[str, str]] = {
    HarmLevel.INDIVIDUAL: ("Individual (user or dealer)", "The drug user or dealer themselves."),
    HarmLevel.FAMILY: (
        "Family and peers",
        "The families, children and friends of users and dealers.",
    ),
    HarmLevel.COMMUNITY: (
        "Local community",
        "Residents, businesses and services of the neighbourhood where the market operates.",
    ),
    HarmLevel.NATIONAL: ("National", "The country as a whole: its institutions, budgets and law."),
    HarmLevel.INTERNATIONAL: (
        "International",
        "Producer and transit countries and the international order.",
    ),
}


class HarmSource(StrEnum):
    """Where a harm comes from: the sources of drug harms named in chapter 4."""

    USE = "use"
    PRODUCTION = "production"
    SUPPLY_DISTRIBUTION = "supply-distribution"
    ENFORCEMENT_AND_CONTROL = "enforcement-and-control"

    @property
    def description(self) -> str:
        """What this source of harm is, in plain English."""
        return _SOURCE_TEXT[self]


_SOURCE_TEXT: dict[HarmSource, str] = {
    HarmSource.USE: "Taking drugs: injecting, overdose, acquisitive crime to fund use.",
    HarmSource.PRODUCTION: "Growing or making drugs: labs, farms, production hazards.",
    HarmSource.SUPPLY_DISTRIBUTION: (
        "Trafficking and dealing: the drug market's visibility, violence and corruption."
    ),
    HarmSource.ENFORCEMENT_AND_CONTROL: (
        "Enforcement and control themselves: arrests, prison, costs, eradication, and "
        "side-effects such as damage to an area's reputation."
    ),
}


class MeasureKind(StrEnum):
    """What a measure shows."""

    OUTCOME = "outcome"
    MONITORING = "monitoring"
    ACTIVITY_OUTPUT = "activity-output"

    @property
    def description(self) -> str:
        """What measures of this kind show, in plain English."""
        return _KIND_TEXT[self]


_KIND_TEXT: dict[MeasureKind, str] = {
    MeasureKind.OUTCOME: "Shows a harm itself, so a change in it is a change in harm.",
    MeasureKind.MONITORING: (
        "An intermediate or proxy measure (price, purity, numbers in treatment) that helps "
        "interpret outcomes or watch for unintended consequences."
    ),
    MeasureKind.ACTIVITY_OUTPUT: (
        "Counts what enforcement did (arrests, seizures, assets recovered), not its impact."
    ),
}


class QuestionGroup(StrEnum):
    """The six 5WH headings of Table 4.3."""

    WHO = "who"
    WHAT = "what"
    WHERE = "where"
    WHEN = "when"
    WHY = "why"
    HOW = "how"

    @property
    def label(self) -> str:
        """The heading as the report prints it (``Who?``)."""
        return f"{self.value.capitalize()}?"
