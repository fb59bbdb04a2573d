"""Bad problem and weight files: every problem in one report, naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.exceptions import ConfigError
from realimpact.prioritise import load_preset, load_problems, prioritise_files


def test_duplicate_names_unknown_dimensions_and_out_of_scale_harms_are_reported_together(
    tmp_path: Path,
) -> None:
    # Regression: a duplicate name hid every model error until it was fixed, and a harm
    # extent of 9 (scale 0-4) was accepted silently.
    path = tmp_path / "p.yaml"
    path.write_text(
        "problems:\n"
        "  - name: A\n"
        "    harms: [{id: health.individual.overdose-death, extent: 9, seriousness: 3}]\n"
        "    scores: {foo: 1}\n"
        "  - name: A\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_problems(path, load_preset("ukdpc"))
    problems = info.value.problems
    messages = " | ".join(p.message for p in problems)
    assert "used more than once" in messages
    assert "extent 9 is outside the scale 0–4" in messages
    assert "'foo' is not a dimension" in messages
    assert {p.column for p in problems} >= {"harms.0", "foo", "vulnerability"}
    assert all(p.file == str(path) and p.fix for p in problems)


def test_a_missing_problems_file_is_one_problem_naming_the_file(tmp_path: Path) -> None:
    # Regression: a missing file also reported "holds no 'problems' list".
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        prioritise_files(missing, seed=1, draws=10)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].file == str(missing)
    assert "cannot read the file" in info.value.problems[0].message


def test_a_yaml_syntax_error_names_its_row(tmp_path: Path, examples: Path) -> None:
    weights = tmp_path / "w.yaml"
    weights.write_text("partners:\n  - name: police\n    weights: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        prioritise_files(examples / "cleveland_problems.yaml", weights, seed=1, draws=10)
    (problem,) = info.value.problems
    assert problem.file == str(weights) and problem.row == 4
    assert "not valid YAML" in problem.message


def test_a_bad_decision_file_and_bad_problems_are_reported_together_and_nothing_saved(
    tmp_path: Path,
) -> None:
    # Regression: the decision file's errors hid the problems file's until they were fixed.
    from realimpact.prioritise import record_decision_files
    from realimpact.workspace import open_workspace

    ws = open_workspace(tmp_path / "ws")
    decision = tmp_path / "d.yaml"
    decision.write_text("title: x\n", encoding="utf-8")
    problems = tmp_path / "p.yaml"
    problems.write_text("problems:\n  - name: A\n  - name: A\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        record_decision_files(ws, decision, problems, seed=1, draws=10)
    files = {p.file for p in info.value.problems}
    assert files == {str(decision), str(problems)}
    assert not any(ws.path("decisions").iterdir())


def test_yaml_problem_errors_name_the_line_where_the_problem_starts(tmp_path: Path) -> None:
    # Regression: problems in YAML files had row None, only CSV rows were named.
    path = tmp_path / "p.yaml"
    path.write_text(
        "problems:\n"
        "  - name: A\n"
        "    harms: [{id: health.individual.overdose-dead, extent: 2, seriousness: 3}]\n"
        "  - name: B\n"
        "    scores: {vulnerability: 7}\n",
        encoding="utf-8",
    )
    from realimpact.prioritise import known_harm_ids

    with pytest.raises(ConfigError) as info:
        load_problems(path, load_preset("ukdpc"), harm_ids=known_harm_ids())
    rows = {(p.entry, p.column): p.row for p in info.value.problems}
    assert rows[("A", "harms.0")] == 2
    assert rows[("B", "vulnerability")] == 4


def test_ocg_group_errors_name_the_line_where_the_group_starts(tmp_path: Path) -> None:
    from realimpact.prioritise import load_ocgs

    path = tmp_path / "g.yaml"
    path.write_text(
        "groups:\n"
        "  - id: OCG-1\n"
        "    label: One\n"
        "    attributes: {violence: High}\n"
        "  - id: OCG-2\n"
        "    attributes: {violence: Enormous}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_ocgs(path)
    assert {p.row for p in info.value.problems} == {5}
    assert {p.column for p in info.value.problems} >= {"label"}


def test_an_unreadable_csv_score_is_quoted_as_written(tmp_path: Path) -> None:
    # Regression: the message quoted the lower-cased text ("could not convert ... 'b'").
    path = tmp_path / "p.csv"
    path.write_text("name,vulnerability\nA,High\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_problems(path)
    (problem,) = info.value.problems
    assert "'High' is not a number or range" in problem.message
    assert (problem.row, problem.column) == (2, "vulnerability")
