"""Sensitivity finds the exact pivots of a constructed case (checked by brute force)."""

from __future__ import annotations

import numpy as np
import pytest

from realimpact.prioritise import ProblemInput, ScoringModel, prepare_problems, sensitivity

# Scores on 0-4. Normalised: A (1.0, 0.2) -> 0.60, B (0.2, 0.9) -> 0.55, C (0, 0) -> 0.
CASE = [
    ProblemInput("A", scores={"d1": 4, "d2": 0.8}),
    ProblemInput("B", scores={"d1": 0.8, "d2": 3.6}),
    ProblemInput("C", scores={"d1": 0, "d2": 0}),
]


def _brute_force_w2_crossing() -> float:
    x = np.array([[1.0, 0.2], [0.2, 0.9]])
    lo, hi = 0.5, 1.0  # A leads at w2 = 0.5 and B leads at w2 = 1
    for _ in range(200):
        mid = (lo + hi) / 2
        s = x @ np.array([1 - mid, mid])
        lo, hi = (mid, hi) if s[0] > s[1] else (lo, mid)
    return (lo + hi) / 2


def test_minimal_weight_change_that_swaps_rank_one_and_two(two_dim_model: ScoringModel) -> None:
    m = prepare_problems(two_dim_model, CASE)
    result = sensitivity(two_dim_model, m, np.array([0.5, 0.5]), top_k=1)
    pivot = result.top_position_pivot
    assert pivot is not None
    # Analytic: gap 0.05, slopes -0.8 (A) and +0.7 (B) -> delta = 0.05 / 1.5
    assert (pivot.dimension, pivot.enters, pivot.leaves) in {("d2", "B", "A"), ("d1", "B", "A")}
    by_dim = {p.dimension: p for p in result.weight_pivots}
    assert by_dim["d2"].new_weight == pytest.approx(0.5 + 0.05 / 1.5, abs=1e-12)
    assert by_dim["d2"].new_weight == pytest.approx(_brute_force_w2_crossing(), abs=1e-9)
    assert by_dim["d1"].new_weight == pytest.approx(0.5 - 0.05 / 1.5, abs=1e-12)


def test_score_pivot_gives_the_score_change_that_alters_the_top(
    two_dim_model: ScoringModel,
) -> None:
    m = prepare_problems(two_dim_model, CASE)
    result = sensitivity(two_dim_model, m, np.array([0.5, 0.5]), top_k=1)
    pivots = {(p.problem, p.dimension): p for p in result.score_pivots}
    # A must lose 0.05 / 0.5 = 0.1 normalised = 0.4 scale points on d1: 4 -> 3.6
    assert pivots[("A", "d1")].required == pytest.approx(3.6)
    assert pivots[("B", "d1")].required == pytest.approx(1.2)
    assert "falls out" in pivots[("A", "d1")].effect
    # C would need +0.6 normalised on one dimension weighted 0.5: 1.2 > 1, infeasible
    assert not any(p.problem == "C" for p in result.score_pivots)


def test_tornado_reports_rank_changes_at_partner_extremes(two_dim_model: ScoringModel) -> None:
    m = prepare_problems(two_dim_model, CASE)
    partners = np.array([[0.3, 0.7], [0.6, 0.4]])
    result = sensitivity(two_dim_model, m, np.array([0.5, 0.5]), top_k=1, partner_matrix=partners)
    bars = {b.dimension: b for b in result.tornado}
    # d2 at 0.7 (d1 0.3): A = 0.3 + 0.14 = 0.44, B = 0.06 + 0.63 = 0.69 -> A drops to 2
    assert bars["d2"].ranks_high == {"A": 2} and bars["d2"].top_changes_high
    assert bars["d2"].ranks_low == {"A": 1} and not bars["d2"].top_changes_low
    assert bars["d2"].swing == 1
