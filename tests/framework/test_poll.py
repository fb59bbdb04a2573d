"""Specification of the Appendix D enforcement personnel opinion poll (UKDPC 2009).

Read from the report (plain-text lines 1431-1525) independently of poll.csv: 427 completed
questionnaires; one question on the main aim of enforcement (four options) and 14
statements: 3 on restricting supply, 7 on reducing harm, 4 on targets and measurement.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from realimpact.exceptions import KnowledgeBaseError
from realimpact.framework.poll import POLL_PATH, PollResults, load_poll
from tests._shared import REPORT

# (question id, response, percentage) for every percentage the report prints.
PRINTED = [
    ("aim", "Reducing drug-related harms", 39),
    ("aim", "Enforcing law and delivering justice", 28),
    ("aim", "Reducing drug availability", 22),
    ("aim", "Other / All / Don't know", 11),
    ("harm-major-contribution", "agree (any)", 84),
    ("harm-shape-markets", "agree (any)", 80),
    ("harm-reduce-without-less-use", "agree (any)", 64),
    ("harm-seizures-arrests-bound-to-reduce", "agree (any)", 75),
    ("harm-seizures-arrests-bound-to-reduce", "agree strongly", 26),
    ("harm-unintended-consequences", "disagree (any)", 55),
    ("harm-arrest-despite-harm", "agree strongly", 50),
    ("harm-arrest-despite-harm", "agree slightly", 36),
    ("targets-judge-by-harms", "agree (any)", 68),
    ("targets-judge-by-harms", "agree strongly", 25),
    ("targets-insufficient-measurement", "agree (any)", 85),
    ("targets-insufficient-measurement", "agree strongly", 37),
    ("targets-good-measure", "disagree (any)", 83),
    ("targets-good-measure", "disagree strongly", 34),
    ("targets-address-important-harms", "not agree", 61),
]


@pytest.fixture(scope="module")
def poll() -> PollResults:
    return load_poll()


def test_poll_has_one_aim_question_and_fourteen_statements(poll: PollResults) -> None:
    sections = {}
    for qid in poll.question_ids:
        sections.setdefault(poll.question(qid)[0].section, []).append(qid)
    assert {s: len(q) for s, q in sections.items()} == {
        "Primary aim of drug law enforcement": 1,
        "Restricting supply": 3,
        "Reducing harm": 7,
        "Targets and measurement": 4,
    }
    assert len(poll.question_ids) == 15


def test_poll_size_is_427_with_dont_know_between_3_and_69(poll: PollResults) -> None:
    assert poll.respondents == 427
    assert poll.dont_know_range == (3, 69)


@pytest.mark.parametrize(("qid", "response", "pct"), PRINTED, ids=lambda v: str(v))
def test_printed_percentage_is_transcribed(
    poll: PollResults, qid: str, response: str, pct: int
) -> None:
    (row,) = [r for r in poll.question(qid) if r.response == response]
    assert row.percentage == pct


def test_every_printed_percentage_and_only_those_are_numbers(poll: PollResults) -> None:
    numbered = {(r.question_id, r.response) for r in poll.responses if r.percentage is not None}
    assert numbered == {(q, r) for q, r, _ in PRINTED}
    worded = [r for r in poll.responses if r.percentage is None]
    assert all(not any(ch.isdigit() for ch in r.reported) for r in worded)


def test_main_aim_shares_sum_to_100_percent(poll: PollResults) -> None:
    assert sum(r.percentage or 0 for r in poll.question("aim")) == 100


def test_strong_agreement_never_exceeds_all_agreement(poll: PollResults) -> None:
    for qid in poll.question_ids:
        pct = {r.response: r.percentage for r in poll.question(qid)}
        for level in ("agree", "disagree"):
            strong, any_ = pct.get(f"{level} strongly"), pct.get(f"{level} (any)")
            if strong is not None and any_ is not None:
                assert strong <= any_, qid


def test_quotes_and_question_texts_are_verbatim_in_the_report(poll: PollResults) -> None:
    if not REPORT.is_file():
        pytest.skip(f"the report text is not at {REPORT}")
    text = re.sub(r"\s+", " ", REPORT.read_text(encoding="utf-8"))
    missing = [
        t
        for r in poll.responses
        for t in (r.quote, r.question_text)
        if re.sub(r"\s+", " ", t) not in text
    ]
    assert missing == []


def test_to_frame_is_tidy_with_nan_where_the_report_gives_words(poll: PollResults) -> None:
    frame = poll.to_frame()
    assert len(frame) == len(poll.responses) == 24
    assert list(frame.columns[:5]) == [
        "question_id",
        "section",
        "question_text",
        "response",
        "percentage",
    ]
    words = frame[frame["reported"] == "just over half"]
    assert len(words) == 1 and math.isnan(words["percentage"].iloc[0])


def test_to_dict_is_json_and_summary_lists_every_question(poll: PollResults) -> None:
    out = poll.to_dict()
    json.dumps(out)
    assert out["respondents"] == 427 and out["citation"] == "Appendix D"
    assert len(poll.summary().splitlines()) == 1 + 15


def test_invalid_rows_are_reported_together_with_row_and_column(tmp_path: Path) -> None:
    lines = POLL_PATH.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = tmp_path / "poll.csv"
    row2 = lines[1].replace(",39,", ",139,")  # percentage out of range
    row3 = lines[2].replace("enforcement personnel (self-selected)", "")  # blank group
    bad.write_text("\n".join([lines[0], row2, row3]) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_poll(bad)
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(2, "percentage"), (3, "respondent_group")}
    assert all(p.file == str(bad) for p in info.value.problems)
    assert "percentage" in header
