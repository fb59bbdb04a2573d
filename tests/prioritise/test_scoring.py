"""Problems are scored as a transparent weighted sum; bad problem files give precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.exceptions import ConfigError
from realimpact.prioritise import (
    HarmScore,
    ProblemInput,
    ScoreRange,
    load_preset,
    load_problems,
    prepare_problems,
    prioritise,
)

POINTS = {
    "harm_health": 2,
    "harm_social": 4,
    "harm_economic": 1,
    "harm_environmental": 0,
    "community_concern": 3,
    "partner_priority": 2,
    "vulnerability": 4,
    "likelihood_trend": 1,
    "ability_to_impact": 3,
    "market_newness": 2,
}


def test_point_score_matches_hand_computation_with_ukdpc_defaults() -> None:
    # Hand computation: sum(weight * value / 4) * 100 with the preset's default weights
    # 0.10 x (2 + 4 + 1 + 0) + 0.15 x 3 + 0.10 x (2 + 4 + 1 + 3) + 0.05 x 2 = 1.25 (of 4)
    expected = (0.10 * 7 + 0.15 * 3 + 0.10 * 10 + 0.05 * 2) / 4 * 100  # = 56.25
    problems = [
        ProblemInput("A", scores=POINTS),
        ProblemInput("B", scores=dict.fromkeys(POINTS, 0)),
    ]
    result = prioritise(problems, "ukdpc", draws=50, seed=1)
    assert result.problems[0].name == "A"
    assert result.problems[0].score == pytest.approx(expected, abs=1e-9)
    assert result.problems[1].score == pytest.approx(0.0, abs=1e-12)


def test_harm_dimension_is_the_worst_matching_harm_extent_times_seriousness() -> None:
    model = load_preset("ukdpc")
    scores = {k: v for k, v in POINTS.items() if not k.startswith("harm_")}
    harms = (
        HarmScore("health.individual.overdose-death", ScoreRange(1, 2, 3), ScoreRange.point(4)),
        HarmScore(
            "health.community.disease-transmission", ScoreRange.point(3), ScoreRange.point(2)
        ),
        HarmScore("social.community.no-go-areas", ScoreRange.point(4), ScoreRange(2, 3, 4)),
    )
    m = prepare_problems(model, [ProblemInput("A", scores=scores, harms=harms)])
    k = {d: i for i, d in enumerate(m.dimensions)}
    # health: max(e*s/4) = max(1*4/4, 3*2/4)=1.5 low; max(2, 1.5)=2 mode; max(3, 1.5)=3 high
    assert [
        m.low[0, k["harm_health"]] * 4,
        m.mode[0, k["harm_health"]] * 4,
        m.high[0, k["harm_health"]] * 4,
    ] == pytest.approx([1.5, 2.0, 3.0])
    assert m.mode[0, k["harm_social"]] * 4 == pytest.approx(3.0)
    # no economic harm listed: the dimension is at the bottom of its scale
    assert m.high[0, k["harm_economic"]] == 0.0


def test_score_range_parses_every_documented_form() -> None:
    assert ScoreRange.parse(3) == ScoreRange(3, 3, 3)
    assert ScoreRange.parse([1, 3]) == ScoreRange(1, 2, 3)
    assert ScoreRange.parse([1, 2, 4]) == ScoreRange(1, 2, 4)
    assert ScoreRange.parse({"low": 1, "high": 2}) == ScoreRange(1, 1.5, 2)
    assert ScoreRange.parse("1|2|3") == ScoreRange(1, 2, 3)
    model = load_preset("ukdpc")
    assert ScoreRange.parse("unknown", model.dimension("vulnerability")) == ScoreRange(0, 2, 4)


def test_csv_problem_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "problems.csv"
    cols = ",".join(POINTS)
    good = ",".join(str(v) for v in POINTS.values())
    bad = good.replace("2,4,1", "2,nine,1", 1)
    path.write_text(f"name,area,{cols}\nA,x,{good}\nB,y,{bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_problems(path, load_preset("ukdpc"))
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "harm_social")
    assert "number" in problem.fix


def test_missing_out_of_scale_and_unknown_dimensions_are_all_reported() -> None:
    model = load_preset("ukdpc")
    scores = {**POINTS, "vulnerability": 7, "colour": 1}
    del scores["community_concern"]
    with pytest.raises(ConfigError) as info:
        prepare_problems(model, [ProblemInput("A", scores=scores)])
    columns = {p.column for p in info.value.problems}
    assert columns == {"vulnerability", "colour", "community_concern"}
    assert all(p.entry == "A" for p in info.value.problems)


def test_harm_ids_are_checked_against_the_matrix_with_suggestions(tmp_path: Path) -> None:
    from realimpact.prioritise import known_harm_ids

    path = tmp_path / "p.yaml"
    path.write_text(
        "problems:\n  - name: A\n    harms:\n"
        "      - {id: health.individual.overdose-dead, extent: 2, seriousness: 3}\n"
        "      - {id: health.planet.x, extent: 2, seriousness: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_problems(path, harm_ids=known_harm_ids())
    text = str(info.value)
    assert "harms.1" in text and "type.level.slug" in text
    assert "did you mean health.individual.overdose-death" in text


def test_cleveland_example_loads_against_the_real_harm_matrix(examples: Path) -> None:
    from realimpact.prioritise import known_harm_ids

    ids = known_harm_ids()
    assert ids is not None and len(ids) > 50
    problems = load_problems(
        examples / "cleveland_problems.yaml", load_preset("ukdpc"), harm_ids=ids
    )
    assert len(problems) == 4
    assert all(p.harms for p in problems)


def test_reverse_dimension_counts_high_values_as_lower_priority() -> None:
    from realimpact.prioritise import Dimension, ScoringModel

    model = ScoringModel(
        id="r",
        name="r",
        status="test",
        dimensions=(
            Dimension(id="maturity", label="years established", scale_max=10, reverse=True),
        ),
    )
    m = prepare_problems(
        model,
        [
            ProblemInput("new", scores={"maturity": [0, 1, 2]}),
            ProblemInput("old", scores={"maturity": 10}),
        ],
    )
    assert (m.low[0, 0], m.mode[0, 0], m.high[0, 0]) == pytest.approx((0.8, 0.9, 1.0))
    assert m.mode[1, 0] == 0.0
