"""The simplex-constrained weight solver against an independent exact computation.

The reference enumerates every donor subset, solves the equality-constrained least
squares on it by its KKT system, keeps the non-negative solutions and takes the best:
exact for small problems and sharing no code with the NNLS solver. Tolerance: 1e-9
relative on the objective, 1e-6 on the weights.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from realimpact.evaluate.synth import simplex_weights


def _objective(x0: np.ndarray, x1: np.ndarray, v: np.ndarray, w: np.ndarray) -> float:
    r = x1 - x0 @ w
    return float(r @ (v * r))


def _brute_force(x0: np.ndarray, x1: np.ndarray, v: np.ndarray) -> np.ndarray:
    j = x0.shape[1]
    best, best_w = np.inf, np.zeros(j)
    for size in range(1, j + 1):
        for subset in itertools.combinations(range(j), size):
            a = x0[:, subset] * np.sqrt(v)[:, None]
            b = x1 * np.sqrt(v)
            kkt = np.zeros((size + 1, size + 1))
            kkt[:size, :size] = a.T @ a
            kkt[:size, size] = 1.0
            kkt[size, :size] = 1.0
            rhs = np.append(a.T @ b, 1.0)
            sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:size]
            if np.any(sol < -1e-12):
                continue
            w = np.zeros(j)
            w[list(subset)] = np.clip(sol, 0, None)
            w /= w.sum()
            f = _objective(x0, x1, v, w)
            if f < best - 1e-15:
                best, best_w = f, w
    return best_w


@pytest.mark.parametrize("seed", range(12), ids=lambda s: f"seed{s}")
def test_simplex_weights_match_exhaustive_active_set_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k, j = rng.integers(2, 7), rng.integers(2, 8)
    x0 = rng.normal(size=(k, j))
    x1 = rng.normal(size=k) * rng.choice([0.3, 1.0, 3.0])
    v = rng.dirichlet(np.ones(k))
    w = simplex_weights(x0, x1, v)
    ref = _brute_force(x0, x1, v)
    assert w.min() >= 0.0
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    f, f_ref = _objective(x0, x1, v, w), _objective(x0, x1, v, ref)
    assert f == pytest.approx(f_ref, rel=1e-9, abs=1e-12)
    assert np.allclose(w, ref, atol=1e-6)


def test_simplex_weights_recover_an_exact_convex_combination() -> None:
    rng = np.random.default_rng(7)
    x0 = rng.normal(size=(30, 12))
    truth = np.zeros(12)
    truth[[1, 4, 9]] = [0.5, 0.3, 0.2]
    w = simplex_weights(x0, x0 @ truth)
    assert np.allclose(w, truth, atol=1e-9)


def test_simplex_weights_put_all_weight_on_the_nearest_donor_when_treated_is_extreme() -> None:
    x0 = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    w = simplex_weights(x0, np.array([10.0, 10.0]))
    assert np.allclose(w, [0.0, 0.0, 1.0])


def test_synth_public_api_is_sorted_and_every_name_exists() -> None:
    import realimpact.evaluate.synth as synth

    assert list(synth.__all__) == sorted(synth.__all__)
    assert all(hasattr(synth, name) for name in synth.__all__)


def test_synth_docstring_examples_run() -> None:
    import doctest

    from realimpact.evaluate.synth import _estimator, _predictors

    for module in (_estimator, _predictors):
        failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert tried > 0 and failed == 0, module.__name__
