"""Specification of the UK case studies (UKDPC 2009, Table 3.2, Appendix B, chapter 3).

Expected counts and figures below were read from the report independently of cases.yaml;
line numbers refer to the plain-text report in /work/shared/seed (see its INDEX.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from realimpact.exceptions import KnowledgeBaseError
from realimpact.framework._loader import ProblemCollector
from realimpact.framework.cases import (
    CASES_PATH,
    CaseStudy,
    StrategyGroupCode,
    check_case_harm_links,
    load_case_studies,
    search_cases,
)
from tests._shared import REPORT

HARMS_PATH = CASES_PATH.parent / "harms.yaml"

# Table 3.2 (lines 522-557): 14 rows, in four sections.
TABLE_3_2 = {
    "operation-grassland": "a",
    "operation-macarise": "a",
    "operation-abruption": "a",
    "operation-kaross": "a",
    "persistent-offender-project-glasgow": "a",
    "derbyshire-drug-market-project": "b",
    "operation-reduction": "b",
    "operation-iceberg": "b",
    "operation-nemesis": "b",
    "operation-greenbay": "b",
    "operation-tarian": "b",
    "project-kitley": "c",
    "mps-controlled-deliveries": "c",
    "operation-mazurka": "c",
}
# Appendix B (lines 1163-1388): 13 sections; every Table 3.2 operation except Tarian.
APPENDIX_B = set(TABLE_3_2) - {"operation-tarian"}
# Case studies discussed only in the chapter 3 text (lines 562-616): the Knowsley eviction
# (civil powers, group a), the SCPO example (behaviours, c), Operation Nimrod and SOCA's
# Vulnerable Persons Team (modified approaches, d).
CHAPTER_3_ONLY = {
    "knowsley-housing-trust-eviction": "a",
    "scpo-cutting-agent-case": "c",
    "operation-nimrod": "d",
    "soca-vulnerable-persons-team": "d",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def cases() -> list[CaseStudy]:
    collector = ProblemCollector()
    loaded = load_case_studies([CASES_PATH], collector, local=False)
    collector.raise_if_any()
    return loaded


@pytest.fixture(scope="module")
def by_id(cases: list[CaseStudy]) -> dict[str, CaseStudy]:
    return {c.id: c for c in cases}


@pytest.fixture(scope="module")
def report_text() -> str:
    if not REPORT.is_file():
        pytest.skip(f"the report text is not at {REPORT}")
    return _norm(REPORT.read_text(encoding="utf-8"))


def _figure(case: CaseStudy, measure: str, period: str | None = None) -> object:
    hits = [
        f for f in case.figures if f.measure == measure and (period is None or f.period == period)
    ]
    assert len(hits) == 1, f"{case.id}: expected one figure {measure!r}, got {len(hits)}"
    return hits[0]


def test_every_table_3_2_and_appendix_b_operation_is_one_entry(by_id: dict[str, CaseStudy]) -> None:
    in_table = {i for i, c in by_id.items() if "table-3.2" in c.sources}
    in_appendix = {i for i, c in by_id.items() if "appendix-b" in c.sources}
    assert in_table == set(TABLE_3_2)
    assert in_appendix == APPENDIX_B
    assert len(in_table | in_appendix) == 14


def test_chapter_3_only_case_studies_are_included_too(by_id: dict[str, CaseStudy]) -> None:
    only_text = {i for i, c in by_id.items() if c.sources == ("chapter-3",)}
    assert only_text == set(CHAPTER_3_ONLY)
    assert len(by_id) == 18


@pytest.mark.parametrize(
    ("case_id", "group"), sorted({**TABLE_3_2, **CHAPTER_3_ONLY}.items()), ids=lambda v: str(v)
)
def test_case_has_the_strategy_group_the_report_assigns(
    by_id: dict[str, CaseStudy], case_id: str, group: str
) -> None:
    assert by_id[case_id].strategy_group is StrategyGroupCode(group)


def test_all_four_strategy_groups_are_described() -> None:
    assert [g.value for g in StrategyGroupCode] == ["a", "b", "c", "d"]
    assert all(g.description for g in StrategyGroupCode)


def test_nemesis_reports_crime_down_20_percent(by_id: dict[str, CaseStudy]) -> None:
    fig = _figure(by_id["operation-nemesis"], "reported crime in the Western Neighbourhood")
    assert (fig.change, fig.unit, fig.direction) == (-20, "percent-change", "decrease")


def test_nemesis_reports_treatment_retention_52_to_85_percent(by_id: dict[str, CaseStudy]) -> None:
    fig = _figure(by_id["operation-nemesis"], "retention of users in drug treatment")
    assert (fig.before, fig.after, fig.unit, fig.direction) == (52, 85, "percent", "increase")


def test_nemesis_reports_waiting_time_16_to_2_weeks(by_id: dict[str, CaseStudy]) -> None:
    fig = _figure(by_id["operation-nemesis"], "drug treatment waiting time")
    assert (fig.before, fig.after, fig.unit, fig.direction) == (16, 2, "weeks", "decrease")


def test_nemesis_reports_77_percent_more_drug_related_crimestoppers_information(
    by_id: dict[str, CaseStudy],
) -> None:
    fig = _figure(by_id["operation-nemesis"], "drug-related Crimestoppers information")
    assert (fig.change, fig.direction) == (77, "increase")
    overall = _figure(by_id["operation-nemesis"], "all Crimestoppers information")
    assert overall.change == 31


def test_reduction_reports_three_pounds_saved_per_pound_spent(by_id: dict[str, CaseStudy]) -> None:
    fig = _figure(by_id["operation-reduction"], "crime costs saved per £1 spent on the operation")
    assert fig.value == 3
    assert "£1" in fig.quote and "£3" in fig.quote


@pytest.mark.parametrize(
    ("period", "change"),
    [("2006 against 2005", -10), ("2007 against 2005", -25), ("2008 against 2005", -33)],
)
def test_iceberg_reports_overall_crime_falls_against_2005(
    by_id: dict[str, CaseStudy], period: str, change: float
) -> None:
    measure = (
        "overall crime"
        if period != "2006 against 2005"
        else "overall crime (before Operation Iceberg)"
    )
    assert _figure(by_id["operation-iceberg"], measure, period).change == change


def test_glasgow_reports_29_percent_drop_in_reconvictions(by_id: dict[str, CaseStudy]) -> None:
    fig = _figure(by_id["persistent-offender-project-glasgow"], "reconvictions of the cohort")
    assert (fig.change, fig.direction) == (-29, "decrease")


def test_derbyshire_reports_73_entered_treatment_against_target_of_300(
    by_id: dict[str, CaseStudy],
) -> None:
    case = by_id["derbyshire-drug-market-project"]
    assert _figure(case, "problem drug users entering treatment").value == 73
    assert _figure(case, "target for problem drug users entering treatment").value == 300


def test_every_case_has_a_figure_or_says_why_not(cases: list[CaseStudy]) -> None:
    for case in cases:
        assert case.figures or case.figures_note, case.id
    without = {c.id for c in cases if not c.figures}
    assert without == {"operation-tarian", "operation-nimrod", "soca-vulnerable-persons-team"}


def test_every_figure_quote_is_verbatim_in_the_report(
    cases: list[CaseStudy], report_text: str
) -> None:
    missing = [
        (c.id, f.quote) for c in cases for f in c.figures if _norm(f.quote) not in report_text
    ]
    assert missing == []


def test_table_3_2_cells_and_anticipated_risks_are_verbatim(
    cases: list[CaseStudy], report_text: str
) -> None:
    missing = []
    for case in cases:
        texts = list(case.anticipated_risks)
        # Tarian's row is split across a page break in the table, so its cells are not contiguous.
        if "table-3.2" in case.sources and case.id != "operation-tarian":
            texts += [
                case.problem,
                case.activity,
                case.impact_on_harms,
                case.other_consequences or "",
            ]
        missing += [(case.id, t) for t in texts if _norm(t) not in report_text]
    assert missing == []


def test_every_harm_link_is_in_the_harm_matrix(cases: list[CaseStudy]) -> None:
    harm_ids = [e["id"] for e in yaml.safe_load(HARMS_PATH.read_text(encoding="utf-8"))]
    collector = ProblemCollector()
    check_case_harm_links(cases, harm_ids, collector)
    assert [str(p) for p in collector.problems] == []
    assert all(c.harms_targeted for c in cases)


def test_unknown_harm_link_is_reported_with_the_case_and_fix(by_id: dict[str, CaseStudy]) -> None:
    collector = ProblemCollector()
    check_case_harm_links(
        [by_id["operation-nemesis"]], ["health.individual.overdose-death"], collector
    )
    assert collector.problems
    assert all(
        p.entry == "operation-nemesis" and "realimpact harms" in p.fix for p in collector.problems
    )


def test_search_finds_cases_by_place_alias_and_figure(cases: list[CaseStudy]) -> None:
    assert [c.id for c in search_cases(cases, "Stoke")] == ["operation-nemesis"]
    assert [c.id for c in search_cases(cases, "karross")] == ["operation-kaross"]
    assert "project-kitley" in {c.id for c in search_cases(cases, "cutting agent")}
    assert search_cases(cases, "brighton treatment")[0].id == "operation-reduction"
    assert search_cases(cases, "no such operation anywhere") == []
    assert len(search_cases(cases, "")) == len(cases)


def test_to_dict_is_json_with_citation(by_id: dict[str, CaseStudy]) -> None:
    out = by_id["operation-nemesis"].to_dict()
    json.dumps(out)
    assert out["citation"] == "Table 3.2; Appendix B; chapter 3 (UK case studies)"
    assert out["strategy_group"] == "b"
    assert (
        "Reported crime in Western Neighbourhood reduced by 20%"
        in by_id["operation-nemesis"].summary()
    )


# ---------------------------------------------------------------- invalid data and overlays

GOOD_FIGURE = {
    "measure": "reports of dealing",
    "before": 40,
    "after": 25,
    "unit": "count",
    "direction": "decrease",
    "kind": "outcome",
    "quote": "reports fell from 40 to 25",
}
GOOD = {
    "id": "operation-local-test",
    "name": "Operation Local Test",
    "place": "Middlesbrough",
    "strategy_group": "b",
    "sources": ["local"],
    "problem": "Open market near a school.",
    "activity": "Test purchase and arrests.",
    "impact_on_harms": "Fewer reports of dealing.",
    "figures": [GOOD_FIGURE],
}


def _write(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    return path


def _load(path: Path, *, local: bool = True) -> tuple[list[CaseStudy], ProblemCollector]:
    collector = ProblemCollector()
    return load_case_studies([path], collector, local=local), collector


def test_overlay_case_studies_are_marked_local(tmp_path: Path) -> None:
    loaded, collector = _load(_write(tmp_path, [GOOD]))
    assert collector.problems == []
    assert [c.local for c in loaded] == [True]
    shipped, _ = _load(CASES_PATH, local=False)
    assert not any(c.local for c in shipped)


def test_missing_field_names_file_entry_and_fix(tmp_path: Path) -> None:
    entry = {k: v for k, v in GOOD.items() if k != "problem"}
    path = _write(tmp_path, [entry])
    loaded, collector = _load(path)
    assert loaded == []
    (problem,) = collector.problems
    assert (problem.file, problem.entry, problem.column) == (
        str(path),
        "operation-local-test",
        "problem",
    )
    assert "Add the required field 'problem'" in problem.fix


def test_bad_strategy_group_names_the_allowed_groups(tmp_path: Path) -> None:
    _, collector = _load(_write(tmp_path, [{**GOOD, "strategy_group": "e"}]))
    (problem,) = collector.problems
    assert problem.column == "strategy_group"
    assert "'a', 'b', 'c' or 'd'" in problem.fix


def test_all_problems_in_a_file_are_reported_at_once(tmp_path: Path) -> None:
    bad_group = {**GOOD, "id": "one", "strategy_group": "z"}
    extra = {**GOOD, "id": "two", "colour": "red"}
    no_name = {k: v for k, v in GOOD.items() if k != "name"} | {"id": "three"}
    _, collector = _load(_write(tmp_path, [bad_group, extra, no_name]))
    assert sorted(p.entry or "" for p in collector.problems) == ["one", "three", "two"]
    with pytest.raises(KnowledgeBaseError) as info:
        collector.raise_if_any()
    assert "colour" in str(info.value) and "strategy_group" in str(info.value)


def test_empty_figures_need_a_reason(tmp_path: Path) -> None:
    _, collector = _load(_write(tmp_path, [{**GOOD, "figures": []}]))
    (problem,) = collector.problems
    assert "figures_note" in problem.message


def test_figure_direction_must_agree_with_its_numbers(tmp_path: Path) -> None:
    figure = {**GOOD_FIGURE, "direction": "increase"}
    _, collector = _load(_write(tmp_path, [{**GOOD, "figures": [figure]}]))
    (problem,) = collector.problems
    assert "contradicts" in problem.message and problem.column == "figures.0"


def test_figure_without_a_number_is_rejected(tmp_path: Path) -> None:
    figure = {"measure": "x", "unit": "count", "direction": "level", "kind": "output", "quote": "q"}
    _, collector = _load(_write(tmp_path, [{**GOOD, "figures": [figure]}]))
    assert "needs a number" in collector.problems[0].message


def test_repeated_id_is_reported(tmp_path: Path) -> None:
    loaded, collector = _load(_write(tmp_path, [GOOD, GOOD]))
    assert len(loaded) == 1
    assert collector.problems[0].column == "id" and "already used" in collector.problems[0].message
