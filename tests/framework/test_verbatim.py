"""Every transcribed text occurs in the report: labels, questions, chain cells, titles.

Compared after normalising the conversion's artefacts (bullets, tags, runs of whitespace,
spaces after "/", case). The report text is the project's seed copy (see its INDEX.md for
line numbers); the tests are skipped where it is not available.
"""

from __future__ import annotations

import re

import pytest

from realimpact.framework import load_knowledge_base
from tests._shared import REPORT

# (first line, last line) of each part of the report, 1-based, from the seed's INDEX.md
TABLE_4_1 = (678, 697)
TABLE_4_2 = (717, 744)
TABLE_4_3 = (746, 754)
BOX_A = (774, 783)
BOX_B = (837, 856)
APPENDIX_C = (1390, 1429)
CHAPTER_2_MEASURES = (340, 371)
HAROCOPOS_HOUGH = (812, 823)


def _norm(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("•", " ").replace("’", "'")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"/ ", "/", text).lower().strip()


def _part(lines: tuple[int, int]) -> str:
    if not REPORT.is_file():
        pytest.skip(f"the report text is not at {REPORT}")
    all_lines = REPORT.read_text(encoding="utf-8").splitlines()
    return _norm("\n".join(all_lines[lines[0] - 1 : lines[1]]))


def _missing(texts: list[str], part: str) -> list[str]:
    return [t for t in texts if _norm(t).rstrip(".") not in part]


def test_every_harm_label_is_in_table_4_1() -> None:
    labels = [h.label for h in load_knowledge_base().harms]
    assert _missing(labels, _part(TABLE_4_1)) == []


def test_every_measure_label_is_in_its_list() -> None:
    kb = load_knowledge_base()
    where = {"appc": APPENDIX_C, "hh": HAROCOPOS_HOUGH, "psa25": CHAPTER_2_MEASURES}
    where |= {"psa23": CHAPTER_2_MEASURES, "activity": CHAPTER_2_MEASURES}
    for prefix, lines in where.items():
        labels = [m.label for m in kb.measures if m.id.split(".")[0] == prefix]
        assert _missing(labels, _part(lines)) == [], prefix


def test_every_appendix_c_group_heading_is_in_appendix_c() -> None:
    groups = {m.group for m in load_knowledge_base().measures if m.id.startswith("appc.")}
    headings = [g.split(" / ", 1)[1] for g in groups if g]
    assert _missing(headings, _part(APPENDIX_C)) == []


def test_every_question_is_in_table_4_3() -> None:
    kb = load_knowledge_base()
    texts = [q.question for q in kb.questions] + [q.heading for q in kb.questions if q.heading]
    assert _missing(texts, _part(TABLE_4_3)) == []


def test_every_chain_cell_is_in_table_4_2() -> None:
    cells = []
    for c in load_knowledge_base().harm_chains:
        cells += [c.problem, c.resultant_harm, c.experienced_by, c.leads_to or "", c.notes or ""]
    assert _missing([c for c in cells if c], _part(TABLE_4_2)) == []


def test_boxes_are_transcribed_word_for_word() -> None:
    kb = load_knowledge_base()
    assert _missing([s.label for s in kb.sources], _part(BOX_B)) == []
    box_a = [d.label for d in kb.displacement_types] + [
        d.description for d in kb.displacement_types
    ]
    assert _missing(box_a, _part(BOX_A)) == []


def test_stage_titles_are_the_reports_step_headings() -> None:
    part = _part((700, 870))
    assert _missing([s.title for s in load_knowledge_base().stages], part) == []
