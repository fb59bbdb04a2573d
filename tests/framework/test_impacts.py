"""Specification of Table 3.1 (UKDPC 2009): impacts of enforcement reported on drug harms.

The expected columns were typed from the report (plain-text lines 447-472) independently of
impacts.yaml: 11 harms increased, 15 harms decreased, 10 other impacts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from realimpact.framework._loader import ProblemCollector
from realimpact.framework.impacts import (
    IMPACTS_PATH,
    ImpactEntry,
    check_impact_harm_links,
    impacts_for_harm,
    load_impacts,
)
from tests._shared import REPORT

HARMS_PATH = IMPACTS_PATH.parent / "harms.yaml"

INCREASED = [
    "Overdose deaths",
    "Criminal justice costs",
    "Fear of crime",
    "Risks from unsafe injecting practices",
    "Vandalism",
    "Impact of imprisonment",
    "Police-community tensions",
    "Involuntary detoxification",
    "Physical harms",
    "Violent crime",
    "Discrimination against ethnic groups",
]
DECREASED = [
    "Overdose deaths",
    "Property crime",
    "Fear of crime",
    "Reoffending",
    "Vandalism",
    "Drug use",
    "Impact on local businesses",
    "Loss of access to public areas",
    "Lack of confidence in police",
    "Violent crime",
    "Perceived level of drug problems",
    "Initiation of drug use",
    "Damage to property/property values",
    "Loss of rental income",
    "Poor quality of life",
]
OTHER = [
    "Increased treatment uptake",
    "Displacement of injecting/usage",
    "Reduction in service calls",
    "Displacement of drug market elsewhere or indoors",
    "Reduction in injecting in public places",
    "Decreased willingness to inject at safe injecting sites",
    "Decreased use of treatment services and needle exchange",
    "Reduction in visible dealing",
    "Increased use of safe injecting facilities",
    "Reduction of enforcement activity against other crime types",
]


@pytest.fixture(scope="module")
def impacts() -> list[ImpactEntry]:
    collector = ProblemCollector()
    loaded = load_impacts([IMPACTS_PATH], collector)
    collector.raise_if_any()
    return loaded


def _column(impacts: list[ImpactEntry], direction: str) -> list[str]:
    rows = sorted((i for i in impacts if i.direction == direction), key=lambda i: i.position)
    return [i.label for i in rows]


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("increased", INCREASED), ("decreased", DECREASED), ("other", OTHER)],
    ids=["harms-increased", "harms-decreased", "other-impacts"],
)
def test_each_table_3_1_column_is_transcribed_in_order(
    impacts: list[ImpactEntry], direction: str, expected: list[str]
) -> None:
    assert _column(impacts, direction) == expected


def test_table_3_1_has_36_items_with_unique_ids(impacts: list[ImpactEntry]) -> None:
    assert len(impacts) == 36
    assert len({i.id for i in impacts}) == 36


def test_overdose_deaths_were_reported_both_increased_and_decreased(
    impacts: list[ImpactEntry],
) -> None:
    linked = impacts_for_harm(impacts, "health.individual.overdose-death")
    assert {i.direction for i in linked} == {"increased", "decreased"}
    increased = next(i for i in linked if i.direction == "increased")
    assert increased.studies == ("Kerr et al. (2005)",)
    decreased = next(i for i in linked if i.direction == "decreased")
    assert decreased.evidence[0].approach == "drug seizures"


def test_violent_crime_decrease_cites_operation_ceasefire(impacts: list[ImpactEntry]) -> None:
    entry = next(i for i in impacts if i.id == "decreased.violent-crime")
    assert "Braga et al. (2001)" in entry.studies
    assert "63% decrease in youth homicides" in entry.evidence[0].quote


def test_every_item_has_evidence_or_says_none_is_named(impacts: list[ImpactEntry]) -> None:
    for entry in impacts:
        assert entry.evidence or entry.evidence_note, entry.id


def test_every_evidence_quote_is_verbatim_in_the_report(impacts: list[ImpactEntry]) -> None:
    if not REPORT.is_file():
        pytest.skip(f"the report text is not at {REPORT}")
    text = re.sub(r"\s+", " ", REPORT.read_text(encoding="utf-8"))
    missing = [
        (i.id, e.quote)
        for i in impacts
        for e in i.evidence
        if re.sub(r"\s+", " ", e.quote) not in text
    ]
    assert missing == []


def test_every_harm_link_is_in_the_harm_matrix(impacts: list[ImpactEntry]) -> None:
    harm_ids = [e["id"] for e in yaml.safe_load(HARMS_PATH.read_text(encoding="utf-8"))]
    collector = ProblemCollector()
    check_impact_harm_links(impacts, harm_ids, collector)
    assert [str(p) for p in collector.problems] == []


def test_unlinked_harms_say_why(impacts: list[ImpactEntry]) -> None:
    for entry in impacts:
        if not entry.harm_ids:
            assert entry.harm_note, entry.id
    assert all(not i.harm_ids for i in impacts if i.direction == "other")


def test_to_dict_and_summary_name_the_column(impacts: list[ImpactEntry]) -> None:
    entry = impacts[0]
    out = entry.to_dict()
    json.dumps(out)
    assert out["column"] == "Harms increased" and out["citation"] == "Table 3.1"
    assert entry.summary() == "Harms increased: Overdose deaths (Kerr et al. (2005))"


# ---------------------------------------------------------------- invalid data

GOOD = {
    "id": "decreased.local-item",
    "label": "Local item",
    "direction": "decreased",
    "position": 1,
    "evidence": [{"approach": "hot spots policing", "quote": "our local evaluation"}],
}


def _load(tmp_path: Path, entries: list[dict[str, object]]) -> tuple[Path, ProblemCollector]:
    path = tmp_path / "impacts.yaml"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    collector = ProblemCollector()
    load_impacts([path], collector)
    return path, collector


def test_valid_overlay_entry_loads(tmp_path: Path) -> None:
    _, collector = _load(tmp_path, [GOOD])
    assert collector.problems == []


def test_bad_direction_names_file_entry_and_allowed_values(tmp_path: Path) -> None:
    path, collector = _load(tmp_path, [{**GOOD, "direction": "up"}])
    (problem,) = collector.problems
    assert (problem.file, problem.entry, problem.column) == (str(path), GOOD["id"], "direction")
    assert "'increased', 'decreased' or 'other'" in problem.fix


def test_missing_label_and_bad_harm_id_are_reported_together(tmp_path: Path) -> None:
    no_label = {k: v for k, v in GOOD.items() if k != "label"}
    bad_harm = {**GOOD, "id": "decreased.other-item", "harm_ids": ["Overdose"]}
    _, collector = _load(tmp_path, [no_label, bad_harm])
    assert {(p.entry, p.column) for p in collector.problems} == {
        ("decreased.local-item", "label"),
        ("decreased.other-item", "harm_ids.0"),
    }


def test_item_without_evidence_or_note_is_rejected(tmp_path: Path) -> None:
    _, collector = _load(tmp_path, [{**GOOD, "evidence": []}])
    assert "evidence_note" in collector.problems[0].message
