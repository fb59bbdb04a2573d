"""Monte Carlo ranking: 200 problems x 10,000 draws, vectorised NumPy vs a per-draw loop.

Candidates (same inputs: 200 problems, 10 dimensions with triangular score ranges, five
partners' weight vectors driving Dirichlet weight uncertainty):

- ``vectorised``: :func:`realimpact.prioritise.simulate_ranks` (what ``prioritise`` uses),
  10,000 draws, best and median of R repeats;
- ``per-draw loop``: :func:`realimpact.prioritise.simulate_ranks_loop`, a Python loop over
  draws and problems. It is run on fewer draws (default 200) and its time **scaled
  linearly** to 10,000 draws (it is O(draws); the scaling is labelled in the output);
- ``end-to-end prioritise()``: the vectorised Monte Carlo plus point scores, rank
  summaries and the sensitivity analysis, 10,000 draws.

Targets: vectorised well under 1 s, and at least 50x faster than the loop.
Run: ``.venv/bin/python bench/prioritise.py [R] [LOOP_DRAWS]`` (defaults 5 and 200).
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from realimpact.prioritise import (
    Dimension,
    ProblemInput,
    ProblemMatrix,
    ScoringModel,
    prioritise,
    simulate_ranks,
    simulate_ranks_loop,
)

N_PROBLEMS, N_DIMS, DRAWS = 200, 10, 10_000


def _inputs(seed: int = 0) -> tuple[ProblemMatrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lo = rng.uniform(0, 0.6, (N_PROBLEMS, N_DIMS))
    hi = np.minimum(1.0, lo + rng.uniform(0, 0.4, (N_PROBLEMS, N_DIMS)))
    mode = lo + (hi - lo) * rng.uniform(size=lo.shape)
    names = tuple(f"problem {i}" for i in range(N_PROBLEMS))
    m = ProblemMatrix(names, tuple(f"d{k}" for k in range(N_DIMS)), lo, mode, hi, ())
    partners = rng.dirichlet(np.full(N_DIMS, 20.0), size=5)
    return m, partners.mean(axis=0), partners


def _time(fn: object, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    loop_draws = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    m, w, partners = _inputs()
    vec = _time(lambda: simulate_ranks(m, w, partner_matrix=partners, draws=DRAWS, seed=1), repeats)
    loop = _time(
        lambda: simulate_ranks_loop(m, w, partner_matrix=partners, draws=loop_draws, seed=1), 1
    )[0]
    loop_scaled = loop * DRAWS / loop_draws
    model = ScoringModel(
        id="bench",
        name="bench",
        status="benchmark",
        dimensions=tuple(Dimension(id=f"d{k}", label=f"d{k}") for k in range(N_DIMS)),
    )
    problems = [
        ProblemInput(
            n,
            scores={
                f"d{k}": [4 * m.low[i, k], 4 * m.mode[i, k], 4 * m.high[i, k]]
                for k in range(N_DIMS)
            },
        )
        for i, n in enumerate(m.names)
    ]
    e2e = _time(lambda: prioritise(problems, model, draws=DRAWS, seed=1), repeats)
    best, med = min(vec), statistics.median(vec)
    print(
        f"{N_PROBLEMS} problems x {DRAWS:,} draws x {N_DIMS} dimensions "
        f"(triangular ranges, Dirichlet weights from 5 partners)"
    )
    print(f"{'candidate':<44}{'seconds':>10}{'ratio vs loop':>16}")
    print(
        f"{'vectorised simulate_ranks (best of ' + str(repeats) + ')':<44}{best:>10.3f}"
        f"{loop_scaled / best:>15.0f}x"
    )
    print(f"{'vectorised simulate_ranks (median)':<44}{med:>10.3f}{loop_scaled / med:>15.0f}x")
    print(
        f"{'end-to-end prioritise() incl. sensitivity (median)':<44}"
        f"{statistics.median(e2e):>10.3f}{loop_scaled / statistics.median(e2e):>15.0f}x"
    )
    label = f"per-draw Python loop ({loop_draws} draws, scaled x{DRAWS // loop_draws})"
    print(f"{label:<44}{loop_scaled:>10.3f}{1:>15.0f}x")
    print(
        f"target: vectorised < 1 s: {'yes' if med < 1 else 'NO'}; "
        f">= 50x: {'yes' if loop_scaled / med >= 50 else 'NO'}"
    )


if __name__ == "__main__":
    main()
