"""A per-draw, per-problem Python loop doing what :func:`simulate_ranks` does.

It exists as an independent implementation to test the vectorised Monte Carlo against and
to benchmark it (``bench/prioritise.py``). It uses NumPy's own ``Generator.triangular`` /
``uniform`` / ``dirichlet`` scalar draws and Python's ``sorted``, not the vectorised code
paths, so agreement is in distribution (within Monte Carlo error), not draw by draw.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from realimpact.prioritise._montecarlo import dirichlet_concentration
from realimpact.prioritise._problems import ProblemMatrix

__all__ = ["simulate_ranks_loop"]


def _draw_score(rng: np.random.Generator, a: float, c: float, b: float, tri: bool) -> float:
    if b <= a:
        return a
    return float(rng.triangular(a, c, b)) if tri else float(rng.uniform(a, b))


def simulate_ranks_loop(
    matrix: ProblemMatrix,
    weights: npt.NDArray[np.float64],
    *,
    partner_matrix: npt.NDArray[np.float64] | None = None,
    draws: int = 1000,
    seed: int | None = None,
    distribution: str = "triangular",
    weight_uncertainty: str = "dirichlet",
) -> npt.NDArray[np.int64]:
    """Return the problems x ranks count matrix, computed one draw and one score at a time."""
    rng = np.random.default_rng(seed)
    n_p, n_k = matrix.low.shape
    alpha = None
    if weight_uncertainty == "dirichlet" and partner_matrix is not None:
        alpha = dirichlet_concentration(partner_matrix, weights)
    counts = np.zeros((n_p, n_p), dtype=np.int64)
    tri = distribution == "triangular"
    for _ in range(draws):
        w = [float(v) for v in weights]
        if alpha is not None:
            pos = [k for k in range(n_k) if weights[k] > 0]
            sample = rng.dirichlet([alpha * weights[k] for k in pos])
            w = [0.0] * n_k
            for k, v in zip(pos, sample, strict=True):
                w[k] = float(v)
        elif weight_uncertainty == "partners" and partner_matrix is not None:
            w = [float(v) for v in partner_matrix[int(rng.integers(0, partner_matrix.shape[0]))]]
        totals = []
        for p in range(n_p):
            total = 0.0
            for k in range(n_k):
                x = _draw_score(rng, matrix.low[p, k], matrix.mode[p, k], matrix.high[p, k], tri)
                total += w[k] * x
            totals.append(total)
        order = sorted(range(n_p), key=lambda i: -totals[i])
        for rank, p in enumerate(order):
            counts[p, rank] += 1
    return counts
