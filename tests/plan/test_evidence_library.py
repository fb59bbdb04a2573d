"""The evidence library: the intervention types issue 6 lists, linked to the framework."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from realimpact.exceptions import ConfigError, NotFoundError
from realimpact.framework import load_knowledge_base
from realimpact.plan import STRENGTH_SCALE, load_evidence_library

REQUIRED = {
    "crackdown",
    "hot-spots",
    "problem-oriented-partnership",
    "civil-remedies",
    "closure-orders",
    "place-guardianship",
    "arrest-referral",
    "focused-deterrence",
    "test-purchase",
    "asset-recovery",
    "controlled-deliveries",
    "cutting-agent-disruption",
    "behaviour-orders",
    "treatment-outreach",
    "cctv",
    "street-lighting",
    "reassurance-communications",
}


def test_library_ships_every_intervention_type_the_issue_lists() -> None:
    assert set(load_evidence_library().ids()) >= REQUIRED


def test_every_intervention_has_mechanism_studies_risks_and_rated_sourced_evidence() -> None:
    kb = load_knowledge_base()
    for item in load_evidence_library().interventions:
        assert item.mechanism and item.citation
        assert item.decreases or item.increases, item.id
        assert all(r.study for r in item.decreases + item.increases)
        assert item.strategy_group in {s.id for s in kb.strategy_groups}
        assert item.emmie.source and item.emmie.verification in {"verified", "unverified", "report"}
        assert 0 <= item.emmie.overall() <= 3 and item.emmie.overall() in STRENGTH_SCALE


def test_links_resolve_to_harms_box_a_types_cases_and_table_3_1() -> None:
    kb = load_knowledge_base()
    lib = load_evidence_library()
    harms = {h.id for h in kb.harms}
    for item in lib.interventions:
        assert item.harm_ids() <= harms
        assert {d.type for d in item.displacement} <= {d.id for d in kb.displacement_types}
        assert set(item.cases) <= {c.id for c in kb.cases}
    # Operation Reduction's case study is linked to the treatment-outreach model
    assert "operation-reduction" in lib.get("treatment-outreach").cases
    assert lib.get("crackdown").increases[0].impact == "increased.criminal-justice-costs"


def test_focused_deterrence_cites_the_ceasefire_figures_the_report_gives() -> None:
    studies = " ".join(r.study for r in load_evidence_library().get("focused-deterrence").decreases)
    assert "63%" in studies and "Braga et al. (2001)" in studies


def test_search_finds_by_words_and_by_harm_decreased() -> None:
    lib = load_evidence_library()
    assert next(i.id for i in lib.search("nuisance abatement")) == "civil-remedies"
    found = {i.id for i in lib.search(harm="social.individual.spiralling-criminality")}
    assert {"arrest-referral", "treatment-outreach"} <= found
    both = lib.for_harm("health.individual.overdose-death")
    assert "treatment-outreach" in {i.id for i in both["increases"]}


def test_unknown_intervention_suggests_close_ids() -> None:
    with pytest.raises(NotFoundError, match="hot-spots"):
        load_evidence_library().get("hot-spot")


def _overlay(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    folder = tmp_path / "framework"
    folder.mkdir()
    (folder / "interventions.yaml").write_text(yaml.safe_dump(entries), "utf-8")
    return folder


def _local_entry(**changes: object) -> dict[str, object]:
    shipped = load_evidence_library().get("street-lighting").to_dict()
    shipped.pop("local")
    shipped.pop("local_evidence")
    return {**shipped, "id": "youth-outreach", "name": "Detached youth work", **changes}


def test_workspace_overlay_adds_local_interventions_marked_local(tmp_path: Path) -> None:
    lib = load_evidence_library(_overlay(tmp_path, [_local_entry()]))
    assert lib.get("youth-outreach").local is True
    assert lib.get("hot-spots").local is False


def test_overlay_errors_name_file_entry_field_and_fix_all_at_once(tmp_path: Path) -> None:
    bad = _local_entry(
        decreases=[{"harm": "social.community.victim-of-crime", "study": "local audit"}],
        cases=["operation-reductoin"],
    )
    dup = _local_entry(id="cctv")
    folder = _overlay(tmp_path, [bad, dup])
    with pytest.raises(ConfigError) as err:
        load_evidence_library(folder)
    problems = err.value.problems
    by_col = {p.column: p for p in problems}
    assert set(by_col) == {"harms", "cases", "id"}
    assert all(p.file == str(folder / "interventions.yaml") for p in problems)
    assert "social.community.victim-of-crime-asb" in by_col["harms"].fix
    assert "operation-reduction" in by_col["cases"].fix
    assert by_col["id"].entry == "cctv" and "duplicate" in by_col["id"].message
