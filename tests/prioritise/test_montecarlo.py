"""The Monte Carlo: reproducible, agreeing with an independent per-draw loop, and sensible."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from realimpact.prioritise import (
    ProblemInput,
    ProblemMatrix,
    ScoringModel,
    prioritise,
    simulate_ranks,
    simulate_ranks_loop,
)


def _random_matrix(n_p: int, n_k: int, seed: int) -> ProblemMatrix:
    rng = np.random.default_rng(seed)
    lo = rng.uniform(0, 0.5, (n_p, n_k))
    hi = lo + rng.uniform(0, 0.5, (n_p, n_k))
    mode = lo + (hi - lo) * rng.uniform(size=(n_p, n_k))
    names = tuple(f"p{i}" for i in range(n_p))
    return ProblemMatrix(names, tuple(f"d{k}" for k in range(n_k)), lo, mode, hi, ())


def test_triangular_draws_follow_scipys_triangular_distribution() -> None:
    # One problem, one dimension, fixed weights: the score is 100 x the drawn value.
    # Kolmogorov-Smirnov against scipy.stats.triang; p > 0.001 (a false alarm 1 in 1000).
    a, c, b = 0.1, 0.25, 0.9
    m = ProblemMatrix(("p",), ("d",), np.array([[a]]), np.array([[c]]), np.array([[b]]), ())
    captured: list[np.ndarray] = []
    from realimpact.prioritise._montecarlo import _score_sampler

    draw = _score_sampler(np.random.default_rng(5), m, "triangular")
    captured.append(draw(20000)[:, 0, 0].astype(float))
    ref = stats.triang(c=(c - a) / (b - a), loc=a, scale=b - a)
    assert stats.kstest(captured[0], ref.cdf).pvalue > 1e-3
    assert captured[0].mean() == pytest.approx(ref.mean(), abs=0.005)  # SE 0.0013


def test_same_seed_gives_identical_rank_distributions() -> None:
    m = _random_matrix(30, 6, 0)
    w = np.full(6, 1 / 6)
    partners = np.random.default_rng(1).dirichlet(np.full(6, 10.0), size=4)
    a = simulate_ranks(m, w, partner_matrix=partners, draws=3000, seed=42)
    b = simulate_ranks(m, w, partner_matrix=partners, draws=3000, seed=42)
    c = simulate_ranks(m, w, partner_matrix=partners, draws=3000, seed=43)
    np.testing.assert_array_equal(a.rank_counts, b.rank_counts)
    assert not np.array_equal(a.rank_counts, c.rank_counts)


@pytest.mark.parametrize("distribution", ["triangular", "uniform"])
@pytest.mark.parametrize("weight_uncertainty", ["dirichlet", "partners", "none"])
def test_vectorised_matches_per_draw_loop_within_monte_carlo_error(
    distribution: str, weight_uncertainty: str
) -> None:
    # Independent implementations with different seeds: every rank probability must agree
    # within 0.03 (with 8000 draws each, one binomial SE is at most 0.0056, the difference's
    # 0.0079; 0.03 is about 3.8 SE, over 36 cells).
    m = _random_matrix(6, 4, 5)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    partners = np.random.default_rng(2).dirichlet(np.full(4, 15.0), size=5)
    fast = simulate_ranks(
        m,
        w,
        partner_matrix=partners,
        draws=8000,
        seed=11,
        distribution=distribution,  # type: ignore[arg-type]
        weight_uncertainty=weight_uncertainty,
    )  # type: ignore[arg-type]
    slow = simulate_ranks_loop(
        m,
        w,
        partner_matrix=partners,
        draws=8000,
        seed=12,
        distribution=distribution,
        weight_uncertainty=weight_uncertainty,
    )
    np.testing.assert_allclose(fast.rank_counts / 8000, slow / 8000, atol=0.03)


def test_dominant_problem_ranks_first_with_probability_one(two_dim_model: ScoringModel) -> None:
    problems = [ProblemInput("dominant", scores={"d1": [3.5, 4, 4], "d2": [3.5, 4, 4]})]
    problems += [
        ProblemInput(f"other{i}", scores={"d1": [0, 1, 3], "d2": [0, 2, 3]}) for i in range(5)
    ]
    partners = {"a": {"d1": 3, "d2": 1}, "b": {"d1": 1, "d2": 3}}
    result = prioritise(problems, two_dim_model, partners, draws=4000, seed=3, top_k=1)
    top = result.problems[0]
    assert top.name == "dominant"
    assert (top.median_rank, top.rank_low, top.rank_high, top.p_top_k) == (1, 1, 1, 1.0)
    others = result.problems[1:]
    assert all(
        p.p_top_k == 0.0 and 2 <= p.rank_low <= p.median_rank <= p.rank_high <= 6 for p in others
    )


def test_identical_uncertain_problems_share_top_place_about_equally(
    two_dim_model: ScoringModel,
) -> None:
    scores = {"d1": [0, 2, 4], "d2": [0, 2, 4]}
    problems = [ProblemInput(n, scores=scores) for n in ("a", "b", "c", "d")]
    result = prioritise(problems, two_dim_model, draws=20000, seed=9, top_k=1)
    # each 0.25; binomial SE 0.003, tolerance 0.02
    for p in result.problems:
        assert p.p_top_k == pytest.approx(0.25, abs=0.02)
        assert (p.rank_low, p.rank_high) == (1, 4)


def test_point_scores_without_disagreement_give_fixed_ranks(two_dim_model: ScoringModel) -> None:
    problems = [ProblemInput(n, scores={"d1": v, "d2": v}) for n, v in (("x", 1), ("y", 3))]
    result = prioritise(problems, two_dim_model, draws=100, seed=1)
    assert [(p.name, p.median_rank, p.rank_low, p.rank_high) for p in result.problems] == [
        ("y", 1, 1, 1),
        ("x", 2, 2, 2),
    ]
    assert result.concentration is None
