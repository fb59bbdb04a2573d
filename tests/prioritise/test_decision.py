"""Decision records: explicit toleration with reasons, append-only history, diffs, exports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from realimpact.exceptions import ConfigError, NotFoundError
from realimpact.prioritise import (
    DecisionInput,
    Participant,
    ProblemInput,
    ScoringModel,
    build_decision_record,
    decision_history,
    diff_decisions,
    prioritise,
    save_decision_record,
)
from realimpact.workspace import open_workspace


@pytest.fixture
def ranking(two_dim_model: ScoringModel):  # type: ignore[no-untyped-def]
    problems = [
        ProblemInput(n, scores={"d1": v, "d2": v})
        for n, v in (("open market", 4), ("delivery", 3), ("cannabis farm", 1))
    ]
    return prioritise(problems, two_dim_model, draws=200, seed=1, top_k=2)


def _decision(**kw: object) -> DecisionInput:
    base: dict[str, object] = {
        "title": "Test area 2027",
        "decided_on": dt.date(2026, 11, 28),
        "participants": [Participant(name="Chair", partner="council")],
        "reasons": "Highest harm first.",
        "prioritised": ["open market", "delivery"],
        "tolerated": {"cannabis farm": "Low community harm; monitored."},
    }
    return DecisionInput.model_validate(base | kw)


def test_tolerating_without_a_reason_is_refused(ranking) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        build_decision_record(ranking, _decision(tolerated={"cannabis farm": "  "}))
    assert "without a reason" in str(info.value)


def test_every_problem_must_be_prioritised_or_tolerated(ranking) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        build_decision_record(
            ranking, _decision(tolerated={}, prioritised=["open market", "nowhere"])
        )
    messages = " ".join(p.message for p in info.value.problems)
    assert "'nowhere' is not one of the ranked problems" in messages
    assert "'delivery' is neither prioritised nor tolerated" in messages
    assert "'cannabis farm' is neither" in messages


def test_saving_keeps_every_version_and_diffs_them(
    ranking,
    two_dim_model: ScoringModel,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ws = open_workspace(tmp_path / "ws")
    first, path1 = save_decision_record(ws, build_decision_record(ranking, _decision()))
    rescored = prioritise(
        [
            ProblemInput(n, scores={"d1": v, "d2": v})
            for n, v in (("open market", 2), ("delivery", 3), ("cannabis farm", 1), ("new", 4))
        ],
        two_dim_model,
        {"d1": 3, "d2": 1},
        draws=200,
        seed=1,
        top_k=2,
    )
    second, path2 = save_decision_record(
        ws,
        build_decision_record(
            rescored,
            _decision(
                prioritised=["new", "delivery"],
                tolerated={"open market": "Falling; neighbourhood team.", "cannabis farm": "Low."},
            ),
        ),
    )
    assert (first.version, second.version) == (1, 2)
    assert path1.read_text(encoding="utf-8") == json.dumps(
        first.to_dict(), indent=2, ensure_ascii=False
    )
    history = decision_history(ws, "test-area-2027")
    assert [r.version for r in history] == [1, 2]
    diff = diff_decisions(*history)
    assert diff.rank_changes["open market"] == (1, 3)
    assert diff.decision_changes["open market"] == ("prioritised", "tolerated")
    assert diff.added == ("new",)
    assert diff.weight_changes["d1"] == (0.5, 0.75)
    assert sorted(p.name for p in path2.parent.iterdir()) == ["v0001.json", "v0002.json"]


def test_exports_show_the_tolerated_problems_with_reasons(ranking) -> None:  # type: ignore[no-untyped-def]
    rec = build_decision_record(ranking, _decision())
    md, page, table = rec.to_markdown(), rec.to_html(), rec.to_csv()
    assert "## Deliberately not prioritised (tolerated)" in md
    assert "**cannabis farm**: Low community harm; monitored." in md
    assert "<h1>Test area 2027</h1>" in page and "<table>" in page
    header, *rows = table.strip().splitlines()
    assert header.startswith("title,decided_on,version,problem,rank")
    assert len(rows) == 3 and "tolerated" in rows[2]
    assert [i.priority for i in rec.items] == [1, 2, None]  # the decided order


def test_unknown_decision_names_the_known_ones(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    with pytest.raises(NotFoundError, match="no decision record 'x'"):
        decision_history(ws, "x")
