"""Lookup, search and links of the knowledge base; completeness of the other collections."""

from __future__ import annotations

import json

import pytest

from realimpact.exceptions import NotFoundError
from realimpact.framework import MeasureKind, QuestionGroup, load_knowledge_base


def test_unknown_harm_id_raises_not_found_with_close_suggestions() -> None:
    with pytest.raises(NotFoundError, match=r"Did you mean: health\.individual\.overdose-death"):
        load_knowledge_base().harm("health.individual.overdose")


def test_search_matches_every_word_case_insensitively_and_filters() -> None:
    kb = load_knowledge_base()
    found = kb.search_harms("CORRUPTION")
    assert {h.level.value for h in found} == {"community", "national", "international"}
    assert [h.id for h in kb.search_harms("corruption", level="national")] == [
        "social.national.corruption"
    ]
    assert kb.search_harms("cost crime", type="economic", level="family")[0].id == (
        "economic.family.cost-of-being-victim-of-crime"
    )
    assert len(kb.search_harms()) == 85


def test_measures_for_a_harm_follow_the_links() -> None:
    kb = load_knowledge_base()
    ids = [
        m.id for m in kb.measures_for("environmental.community.degradation-of-neighbourhoods-e-g")
    ]
    assert ids == [
        "appc.paraphernalia-reports",
        "appc.vandalism-reports",
        "appc.council-paraphernalia",
        "hh.paraphernalia",
    ]
    with pytest.raises(NotFoundError):
        kb.measures_for("no.such.harm")


def test_measures_cover_appendix_c_harocopos_hough_and_psa_lists() -> None:
    kb = load_knowledge_base()
    prefixes = [m.id.split(".")[0] for m in kb.measures]
    # Appendix C (lines 1390-1429): 31 measures = health 7, social 10, structural 6,
    # economic 3, environmental 5. Harocopos and Hough: 10 bullets; PSA 25: 4;
    # PSA 23: 4; chapter 2 activity/output indicators: 6 (arrests, seizures and four bullets).
    assert {p: prefixes.count(p) for p in set(prefixes)} == {
        "appc": 31,
        "hh": 10,
        "psa25": 4,
        "psa23": 4,
        "activity": 6,
    }
    for m in kb.measures:
        assert m.harm_ids or m.kind is MeasureKind.ACTIVITY_OUTPUT, m.id
        assert m.suggested_sources, m.id


def test_every_appendix_c_harm_type_group_is_recorded() -> None:
    groups = {
        m.group.split(" / ")[0] for m in load_knowledge_base().measures if m.id.startswith("appc.")
    }
    assert groups == {"HEALTH", "SOCIAL", "STRUCTURAL", "ECONOMIC", "ENVIRONMENTAL"}


def test_boxes_routes_groups_and_stages_are_complete() -> None:
    kb = load_knowledge_base()
    assert len(kb.sources) == 16  # Box B bullets
    assert [d.id for d in kb.displacement_types] == [
        "policy",
        "geographical",
        "crime-type",
        "tactical",
        "target",
        "substance",
    ]  # Box A
    assert len(kb.routes) == 4
    assert [g.id for g in kb.strategy_groups] == ["a", "b", "c", "d"]
    assert [s.number for s in kb.stages] == [1, 2, 3, 4, 5, 6]
    assert all(len(s.guiding_questions) >= 3 for s in kb.stages)


def test_question_bank_has_every_table_4_3_bullet_by_group() -> None:
    questions = load_knowledge_base().questions
    per_group = {g.value: sum(q.group is g for q in questions) for g in QuestionGroup}
    # Table 4.3 bullets: Who 6+3, What 5+2+4, Where 3, When 2, Why 3, How 3.
    assert per_group == {"who": 9, "what": 11, "where": 3, "when": 2, "why": 3, "how": 3}
    headings = {q.heading for q in questions if q.group is QuestionGroup.WHAT}
    assert headings == {
        "What is the nature of the problem?",
        "What are the harms it causes?",
        "What is the size of the problem?",
    }


def test_table_4_2_chains_link_to_matrix_harms() -> None:
    kb = load_knowledge_base()
    assert len(kb.harm_chains) == 25
    assert {c.problem for c in kb.harm_chains} == {
        "Visible drug dealing",
        "Use in public areas",
        "Unsafe injecting practices",
        "Open nature of the market",
    }
    assert all(c.harm_ids for c in kb.harm_chains)
    chains = kb.chains_for("economic.community.loss-of-business")
    assert {c.problem for c in chains} == {"Visible drug dealing", "Use in public areas"}


def test_case_studies_and_impacts_are_integrated() -> None:
    kb = load_knowledge_base()
    assert kb.cases and kb.impacts
    assert kb.search_cases("nemesis")[0].id == kb.case(kb.search_cases("nemesis")[0].id).id
    assert kb.poll.respondents == 427


def test_knowledge_base_is_frozen_and_cached() -> None:
    kb = load_knowledge_base()
    assert kb is load_knowledge_base()
    with pytest.raises(AttributeError):
        kb.harms = ()  # type: ignore[misc]


def test_to_dict_is_json_with_documented_fields() -> None:
    data = json.loads(json.dumps(load_knowledge_base().to_dict()))
    assert set(data["harms"][0]) >= {"id", "type", "level", "label", "citation", "sources", "local"}
    assert set(data["measures"][0]) >= {"id", "label", "kind", "harm_ids", "citation"}
    assert "85 harms" in load_knowledge_base().summary()


def test_chains_group_by_the_market_characteristic_in_table_order() -> None:
    grouped = load_knowledge_base().chains_by_problem()
    assert list(grouped) == [
        "Visible drug dealing",
        "Use in public areas",
        "Unsafe injecting practices",
        "Open nature of the market",
    ]
    assert [len(v) for v in grouped.values()] == [13, 6, 1, 5]


def test_sources_for_a_harm_come_from_its_measures() -> None:
    kb = load_knowledge_base()
    ids = [s.id for s in kb.sources_for("health.individual.overdose-death")]
    assert ids == ["partner-agency-data", "national-surveys"]
