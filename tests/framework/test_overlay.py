"""A workspace overlay adds local entries; broken files are reported precisely, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.exceptions import KnowledgeBaseError
from realimpact.framework import load_knowledge_base

LOCAL_HARM = """\
- id: social.community.county-lines-exploitation
  type: social
  level: community
  label: County lines exploitation
  citation: Local partnership problem profile, 2025
  sources: [supply-distribution]
"""

LOCAL_MEASURE = """\
- id: local.missing-episodes
  label: Missing-from-home episodes of children linked to dealing
  kind: outcome
  harm_ids: [social.community.county-lines-exploitation, health.family.poor-child-welfare]
  citation: Local partnership
  suggested_sources: [partner-agency-data]
"""


def _overlay(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "framework"
    folder.mkdir()
    for name, text in files.items():
        (folder / name.replace("_yaml", ".yaml").replace("_csv", ".csv")).write_text(text)
    return folder


def test_overlay_adds_local_harms_and_measures_after_the_package_ones(tmp_path: Path) -> None:
    kb = load_knowledge_base(_overlay(tmp_path, harms_yaml=LOCAL_HARM, measures_yaml=LOCAL_MEASURE))
    harm = kb.harm("social.community.county-lines-exploitation")
    assert harm.local and len(kb.harms) == 86 and kb.harms[-1] is harm
    assert [m.id for m in kb.measures_for(harm.id)] == ["local.missing-episodes"]
    assert "local.missing-episodes" in [
        m.id for m in kb.measures_for("health.family.poor-child-welfare")
    ]
    assert not kb.harm("health.individual.overdose-death").local
    assert "2 local entries" in kb.summary()


def test_overlay_accepts_csv_with_semicolon_lists(tmp_path: Path) -> None:
    csv_text = (
        "id,type,level,label,citation,sources\n"
        "health.community.spice-collapses,health,community,Spice collapses in public,"
        "Local A&E,use;supply-distribution\n"
    )
    kb = load_knowledge_base(_overlay(tmp_path, harms_csv=csv_text))
    assert [s.value for s in kb.harm("health.community.spice-collapses").sources] == [
        "use",
        "supply-distribution",
    ]


def test_empty_or_missing_overlay_gives_the_package_base(tmp_path: Path) -> None:
    assert load_knowledge_base(tmp_path / "absent") is load_knowledge_base()
    (tmp_path / "empty").mkdir()
    assert load_knowledge_base(tmp_path / "empty") is load_knowledge_base()


def _problems(folder: Path) -> KnowledgeBaseError:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(folder)
    return info.value


def test_missing_field_names_file_entry_field_and_fix(tmp_path: Path) -> None:
    folder = _overlay(
        tmp_path, harms_yaml=LOCAL_HARM.replace("  label: County lines exploitation\n", "")
    )
    err = _problems(folder)
    [problem] = err.errors
    assert problem.file == str(folder / "harms.yaml")
    assert problem.entry == "social.community.county-lines-exploitation"
    assert problem.column == "label"
    assert "Add the required field 'label'" in problem.fix
    assert str(folder / "harms.yaml") in str(err) and "Fix:" in str(err)


def test_unknown_harm_id_in_a_measure_link_suggests_the_close_id(tmp_path: Path) -> None:
    text = LOCAL_MEASURE.replace(
        "social.community.county-lines-exploitation, ", "health.family.poor-child-welfar, "
    )
    err = _problems(_overlay(tmp_path, measures_yaml=text))
    [problem] = err.errors
    assert problem.entry == "local.missing-episodes" and problem.column == "harm_ids"
    assert problem.file is not None and problem.file.endswith("measures.yaml")
    assert "'health.family.poor-child-welfar'" in problem.message
    assert "Did you mean: health.family.poor-child-welfare" in problem.fix


def test_overlay_id_equal_to_a_package_id_is_an_error(tmp_path: Path) -> None:
    clash = LOCAL_HARM.replace(
        "social.community.county-lines-exploitation", "social.community.corruption"
    )
    clash = clash.replace("County lines exploitation", "Corruption")
    err = _problems(_overlay(tmp_path, harms_yaml=clash))
    [problem] = err.errors
    assert problem.entry == "social.community.corruption" and problem.column == "id"
    assert "already defined in" in problem.message and "harms.yaml" in problem.message
    assert "unique id" in problem.fix


def test_duplicate_id_within_an_overlay_file_is_an_error(tmp_path: Path) -> None:
    err = _problems(_overlay(tmp_path, harms_yaml=LOCAL_HARM + LOCAL_HARM))
    assert [p.entry for p in err.errors] == ["social.community.county-lines-exploitation"]


def test_bad_yaml_names_the_file_line_and_fix(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, harms_yaml="- id: x\n  label: [unclosed\n")
    [problem] = _problems(folder).errors
    assert problem.file == str(folder / "harms.yaml")
    assert "not valid YAML at line" in problem.message
    assert "Correct the YAML syntax" in problem.fix


def test_all_problems_in_all_files_are_reported_together(tmp_path: Path) -> None:
    bad_harm = LOCAL_HARM.replace("type: social", "type: spiritual")
    bad_measure = LOCAL_MEASURE.replace("kind: outcome", "kind: vibes").replace(
        "partner-agency-data", "tarot"
    )
    err = _problems(_overlay(tmp_path, harms_yaml=bad_harm, measures_yaml=bad_measure))
    columns = sorted(p.column or "" for p in err.errors)
    assert columns == ["kind", "type"]
    assert "allowed values" in " ".join(p.fix for p in err.errors)


def test_extra_fields_are_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    err = _problems(_overlay(tmp_path, harms_yaml=LOCAL_HARM + "  severity: high\n"))
    [problem] = err.errors
    assert problem.column == "severity" and "allowed fields are" in problem.fix


def test_harm_id_that_breaks_the_scheme_is_refused_with_the_expected_id(tmp_path: Path) -> None:
    text = LOCAL_HARM.replace("id: social.community.county-lines-exploitation", "id: county-lines")
    [problem] = _problems(_overlay(tmp_path, harms_yaml=text)).errors
    assert "social.community.county-lines-exploitation" in problem.message


LOCAL_CASE = """\
- id: {id}
  name: Operation Local
  place: Anytown
  strategy_group: b
  sources: [local]
  problem: Open crack market by the station.
  activity: Closure orders and outreach.
  impact_on_harms: Not yet evaluated.
  figures: []
  figures_note: Evaluation pending.
  harms_targeted: [social.community.no-go-areas]
"""


def test_overlay_adds_local_case_studies(tmp_path: Path) -> None:
    kb = load_knowledge_base(_overlay(tmp_path, cases_yaml=LOCAL_CASE.format(id="operation-local")))
    case = kb.case("operation-local")
    assert case.local and kb.cases[-1] is case
    assert [c.id for c in kb.search_cases("anytown")] == ["operation-local"]


def test_overlay_case_id_equal_to_a_package_case_is_an_error(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, cases_yaml=LOCAL_CASE.format(id="operation-nemesis"))
    [problem] = _problems(folder).errors
    assert problem.entry == "operation-nemesis" and problem.file == str(folder / "cases.yaml")
    assert "already defined in" in problem.message


def test_yaml_entry_problems_name_the_line_where_the_entry_starts(tmp_path: Path) -> None:
    # Regression: problems in YAML overlay entries had row None.
    broken = LOCAL_HARM + "- id: social.community.second\n  label: Second\n  sources: [nope]\n"
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(_overlay(tmp_path, harms_yaml=broken))
    rows = {(p.entry, p.row) for p in info.value.problems}
    assert ("social.community.second", 7) in rows  # 6 lines of LOCAL_HARM, then this entry
    with pytest.raises(KnowledgeBaseError) as info:
        (tmp_path / "framework" / "harms.yaml").write_text("- id: [unclosed\n")
        load_knowledge_base(tmp_path / "framework")
    assert info.value.problems[0].row == 2
