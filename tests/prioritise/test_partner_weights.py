"""Partners' weights: aggregation by each documented method, agreement, and bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from realimpact.exceptions import ConfigError
from realimpact.prioritise import (
    PartnerWeights,
    ScoringModel,
    aggregate_weights,
    load_preset,
    load_problems,
    load_weights,
    partner_agreement,
    prepare_problems,
)

RAW = {"police": {"d1": 3, "d2": 1}, "health": {"d1": 1, "d2": 1}, "council": {"d1": 2, "d2": 2}}


@pytest.mark.parametrize(
    ("method", "expected_d1"),
    [
        # mean of raw (2, 4/3) -> 2 / (2 + 4/3) = 0.6
        pytest.param("arithmetic", 0.6, id="arithmetic-raw-mean"),
        # normalised rows 0.75, 0.5, 0.5 -> mean 0.5833
        pytest.param("equal_influence", (0.75 + 0.5 + 0.5) / 3, id="equal-influence"),
        # geometric means: d1 (0.75*.5*.5)^(1/3), d2 (0.25*.5*.5)^(1/3), renormalised
        pytest.param(
            "geometric",
            0.1875 ** (1 / 3) / (0.1875 ** (1 / 3) + 0.0625 ** (1 / 3)),
            id="geometric-ahp",
        ),
        pytest.param("median", 0.5, id="median"),
    ],
)
def test_aggregation_methods_match_hand_computation(
    two_dim_model: ScoringModel, method: str, expected_d1: float
) -> None:
    pw = PartnerWeights.from_mapping(two_dim_model, RAW)
    agg = aggregate_weights(pw, method)  # type: ignore[arg-type]
    assert agg["d1"] == pytest.approx(expected_d1, abs=1e-12)
    assert sum(agg.values()) == pytest.approx(1.0)


def test_agreement_shows_spread_and_rank_correlation(two_dim_model: ScoringModel) -> None:
    pw = PartnerWeights.from_mapping(
        two_dim_model, {"a": {"d1": 1, "d2": 0}, "b": {"d1": 0, "d2": 1}}
    )
    x = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    agreement = partner_agreement(pw, ("P1", "P2", "P3"), x)
    assert agreement.rank_correlation[("a", "b")] == pytest.approx(-1.0)
    assert agreement.rankings["a"] == ("P1", "P2", "P3")
    spread = {s.dimension: s for s in agreement.spreads}
    assert (spread["d1"].minimum, spread["d1"].maximum) == (0.0, 1.0)
    assert spread["d1"].highest_partner == "a"


def test_any_named_vector_is_accepted_such_as_community_survey_weights(examples: Path) -> None:
    model = load_preset("ukdpc")
    pw = load_weights(examples / "cleveland_weights.yaml", model)
    assert "community" in pw.partners and len(pw.partners) == 5
    problems = load_problems(examples / "cleveland_problems.yaml", model)
    m = prepare_problems(model, problems)
    agreement = partner_agreement(pw, m.names, m.mode)
    assert len(agreement.rank_correlation) == 10  # 5 partners, all pairs


def test_bad_weights_file_lists_every_problem(tmp_path: Path, two_dim_model: ScoringModel) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "method: average\npartners:\n  police: {d1: 1}\n  health: {d1: -2, d2: x, d3: 1}\n"
        "  council: {d1: 0, d2: 0}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_weights(path, two_dim_model)
    found = {(p.entry, p.column) for p in info.value.problems}
    assert {
        (None, "method"),
        ("police", "d2"),
        ("health", "d1"),
        ("health", "d2"),
        ("health", "d3"),
        ("council", None),
    } <= found


def test_community_survey_vector_can_be_added_to_partner_weights(
    two_dim_model: ScoringModel,
) -> None:
    pw = PartnerWeights.from_mapping(two_dim_model, RAW)
    with_community = pw.with_partner("community", {"d1": 0, "d2": 5})
    assert list(with_community.partners) == ["police", "health", "council", "community"]
    assert with_community.partners["community"] == (0.0, 5.0)
    assert "community" not in pw.partners  # frozen: a new object
    with pytest.raises(ConfigError) as info:
        pw.with_partner("community", {"d1": 1})
    assert info.value.problems[0].column == "d2"
