"""The harm matrix transcribes Table 4.1 completely, with ids that follow the scheme."""

from __future__ import annotations

import re

import pytest

from realimpact.framework import HarmLevel, HarmSource, HarmType, harm_id, load_knowledge_base

# Expected harms per cell, counted by hand from Table 4.1 of the report (seed text lines
# 678-697). Bullets split by the PDF conversion are one harm ("Attraction or recruitment
# to" + "criminal life"; "Underclass of vulnerable" + "people"); the empty bullet in the
# economic/community cell is not a harm; the environmental row has entries only in the
# local community and international columns.
EXPECTED_PER_CELL = {
    "health": {"individual": 5, "family": 3, "community": 2, "national": 2, "international": 3},
    "social": {"individual": 8, "family": 10, "community": 10, "national": 10, "international": 6},
    "economic": {"individual": 3, "family": 4, "community": 7, "national": 4, "international": 5},
    "environmental": {
        "individual": 0,
        "family": 0,
        "community": 2,
        "national": 0,
        "international": 1,
    },
}

ID_PATTERN = re.compile(
    r"^(health|social|economic|environmental)\."
    r"(individual|family|community|national|international)\.[a-z0-9]+(-[a-z0-9]+)*$"
)


def test_matrix_has_the_reports_count_of_harms_in_every_cell() -> None:
    assert load_knowledge_base().matrix_counts() == EXPECTED_PER_CELL


def test_matrix_holds_85_harms_as_the_brief_states() -> None:
    assert len(load_knowledge_base().harms) == 85


@pytest.mark.parametrize("harm", load_knowledge_base().harms, ids=lambda h: h.id)
def test_every_harm_id_follows_the_type_level_slug_scheme(harm) -> None:  # type: ignore[no-untyped-def]
    assert ID_PATTERN.match(harm.id)
    assert harm.id == harm_id(harm.type, harm.level, harm.label)
    assert len(harm.id.split(".")[2]) <= 40
    assert harm.citation == "Table 4.1"
    assert not harm.local


def test_split_bullets_are_joined_and_empty_bullets_dropped() -> None:
    labels = {h.label for h in load_knowledge_base().harms}
    assert "Attraction or recruitment to criminal life" in labels
    assert "Underclass of vulnerable people" in labels
    assert not any(label in {"", "criminal life", "people", "•"} for label in labels)


def test_harms_of_a_cell_keep_the_reports_order() -> None:
    cell = load_knowledge_base().harms_in("health", "individual")
    assert [h.label for h in cell] == [
        "Physical/diseases",
        "Mental health",
        "Overdose/death",
        "Risks from cutting agents",
        "Risk of accidents",
    ]


def test_example_id_from_the_brief_exists() -> None:
    assert load_knowledge_base().harm("health.individual.overdose-death").label == "Overdose/death"


def test_sources_are_given_only_with_the_place_the_report_says_so() -> None:
    kb = load_knowledge_base()
    for harm in kb.harms:
        assert bool(harm.sources) == bool(harm.source_basis), harm.id
    assert kb.harm("social.individual.impact-of-criminal-justice-system-cjs-e").sources == (
        HarmSource.ENFORCEMENT_AND_CONTROL,
    )
    assert kb.harm("social.individual.poor-life-skills").sources == ()


def test_vocabularies_carry_plain_english_descriptions() -> None:
    for enum in (HarmType, HarmLevel, HarmSource):
        for member in enum:
            assert len(member.description) > 20
    assert HarmLevel.FAMILY.label == "Family and peers"
