"""Harm suggestions: every one carries the report's reason, quote and citation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from realimpact.define import (
    ProblemProfile,
    decide,
    load_rules,
    suggest_harms,
    suggestion_notes,
    table_4_2_profile,
)
from realimpact.exceptions import ConfigError
from realimpact.framework import load_knowledge_base
from tests._shared import REPORT


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().lower()


@pytest.mark.skipif(not REPORT.exists(), reason="report text not available")
def test_every_rule_quote_occurs_verbatim_in_the_report() -> None:
    report = _norm(REPORT.read_text(encoding="utf-8"))
    for rule in load_rules():
        assert _norm(rule.quote) in report, rule.id


def test_every_rule_names_harms_of_the_matrix_and_a_citation() -> None:
    kb = load_knowledge_base()
    rules = load_rules(kb=kb)
    assert len(rules) >= 12
    for rule in rules:
        assert all(kb.has_harm(h) for h in rule.harms), rule.id
        assert rule.citation.startswith("UKDPC 2009")


def test_open_market_suggests_turf_wars_and_fear_with_reasons() -> None:
    profile = ProblemProfile(name="m", openness="open")
    found = {s.harm_id: s for s in suggest_harms(profile)}
    fear = found["social.community.fear-of-crime-anti-social-behaviour-asb"]
    assert "visibility of the market" in fear.rules[0].quote
    turf = found["social.individual.victim-of-crime-intimidation"]
    assert any("turf wars" in r.quote for r in turf.rules)
    assert all(s.status == "new" and s.rules for s in found.values())


def test_exploitation_suggests_child_welfare() -> None:
    found = suggest_harms(ProblemProfile(name="m", exploitation=True))
    child = next(s for s in found if s.harm_id == "health.family.poor-child-welfare")
    assert "young children or other vulnerable people" in child.rules[0].quote


def test_a_new_market_gives_the_tragler_note_not_a_harm() -> None:
    profile = ProblemProfile(name="m", maturity="new")
    assert suggest_harms(profile) == ()
    notes = suggestion_notes(profile)
    assert [n.id for n in notes] == ["new-market-tragler"]
    assert "Tragler et al. (2001)" in notes[0].quote


def test_a_closed_market_with_no_features_gets_no_suggestion() -> None:
    assert suggest_harms(ProblemProfile(name="m", openness="closed", violence=False)) == ()


def test_table_4_2_suggestions_are_mostly_already_in_its_chains() -> None:
    found = suggest_harms(table_4_2_profile())
    in_profile = [s for s in found if s.status == "in profile"]
    assert len(in_profile) / len(found) > 0.8


def test_decisions_record_who_when_and_the_rules_and_update_status() -> None:
    profile = ProblemProfile(name="m", openness="open")
    found = suggest_harms(profile)
    when = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)
    hid = "economic.community.cost-of-crime"
    profile = decide(profile, hid, "accepted", by="analyst1", at=when, suggestions=found)
    profile = decide(
        profile,
        "economic.community.property-devalued",
        "rejected",
        by="analyst1",
        comment="rents rising here",
        at=when,
        suggestions=found,
    )
    d = profile.decision_for(hid)
    assert d is not None
    assert (d.by, d.at, d.rules) == (
        "analyst1",
        "2026-01-05T10:00:00+00:00",
        ("attracts-users-crime",),
    )
    status = {s.harm_id: s.status for s in suggest_harms(profile)}
    assert status[hid] == "accepted"
    assert status["economic.community.property-devalued"] == "rejected"
    assert hid in profile.harm_ids()
    assert "economic.community.property-devalued" not in profile.harm_ids()


def test_a_bad_rules_file_reports_every_problem(tmp_path: Path) -> None:
    rules = [
        {
            "id": "a",
            "when": {"colour": ["red"]},
            "harms": ["health.individual.overdose"],
            "reason": "r",
            "quote": "q",
            "citation": "c",
        },
        {"id": "b", "when": {"openness": "open"}, "reason": "r", "quote": "q", "citation": "c"},
        {"id": "c", "when": {}, "reason": "r"},
    ]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    cols = {(p.entry, p.column) for p in err.value.problems}
    assert ("a", "when.colour") in cols
    assert ("a", "harms.0") in cols
    assert ("b", "when.openness") in cols
    assert ("c", "quote") in cols and ("c", "citation") in cols
    assert all(p.file == str(path) for p in err.value.problems)


def test_a_rules_file_with_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("- id: a\n  when: {openness: [open\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert err.value.problems[0].file == str(path)
    assert err.value.problems[0].row is not None


def test_a_decision_keeps_its_time_through_save_and_load(tmp_path: Path) -> None:
    from realimpact.define import load_profile, save_profile
    from realimpact.workspace import open_workspace

    ws = open_workspace(tmp_path / "ws")
    profile = decide(
        ProblemProfile(name="m"), "economic.community.cost-of-crime", "accepted", by="analyst1"
    )
    save_profile(ws, profile)
    loaded = load_profile(ws, "m")
    assert loaded.decisions == profile.decisions
    assert loaded.decisions[0].at.endswith("+00:00")


def test_accepting_adds_a_harm_chain_per_rule_and_rejecting_removes_it() -> None:
    profile = ProblemProfile(name="m", openness="open", violence=True)
    found = suggest_harms(profile)
    hid = "social.community.fear-of-crime-anti-social-behaviour-asb"
    accepted = decide(profile, hid, "accepted", by="a", suggestions=found)
    chains = [c for c in accepted.chains if c.harm_ids == (hid,)]
    assert [c.source for c in chains] == ["rule:visibility-fear", "rule:violence-intimidation"]
    assert chains[0].characteristic == "openness: open"
    assert chains[0].experienced_by == "Local community, families and individuals"
    assert "Table 4.2" in (chains[0].notes or "")
    rejected = decide(accepted, hid, "rejected", by="b", suggestions=found)
    assert not [c for c in rejected.chains if c.harm_ids == (hid,)]
    assert [d.decision for d in rejected.decisions] == ["accepted", "rejected"]
