"""The numerical core of synthetic control: donor weights on the simplex and the V search.

Inner problem (Abadie, Diamond & Hainmueller 2010, eq. 5): for a diagonal, non-negative
predictor-importance matrix ``V``, find donor weights ``w`` minimising
``(X1 - X0 w)' V (X1 - X0 w)`` subject to ``w >= 0`` and ``sum(w) = 1``.

Because ``sum(w) = 1``, ``X1 - X0 w = -(X0 - X1 1') w = -C w``: the problem is the
minimum-norm point of the convex hull of the columns of ``C = V^(1/2) (X0 - X1 1')``.
That is solved *exactly*, with no penalty parameter, by one non-negative least-squares
problem: for ``u >= 0`` minimise ``||C u||^2 + (1'u - 1)^2``. Writing ``u = t w`` with
``w`` on the simplex, the minimum over ``t`` is ``||C w||^2 / (1 + ||C w||^2)``, which is
increasing in ``||C w||^2``; so the NNLS minimiser is ``u* = t* w*`` and ``w* = u* / 1'u*``.
SciPy's Lawson-Hanson NNLS solves it in a few milliseconds even for 1,000 donors, and
its active set gives the exact support of ``w``.

Outer problem: choose ``V`` (normalised to sum to one) to minimise the mean squared
prediction error of the outcome over the pre-period, as R's ``Synth`` does. ``V`` is
parameterised by one non-negative number per *group* of predictors (one per predictor,
or one for a block of outcome lags), so the search has few dimensions. It runs
Nelder-Mead on ``|theta|`` from two starts (equal weights and the regression-based
weights of Synth: the squared coefficients of a regression of pre-period outcomes on the
standardised predictors), restarts each from its best point until it stops improving,
and keeps the best ``V`` found.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import OptimizeResult, minimize, nnls

__all__ = ["SynthFit", "fit_synth", "simplex_weights", "standardise"]

FloatArray = NDArray[np.float64]
XATOL = 1e-4
FATOL = 1e-7
MAX_ROUNDS = 4


@dataclass(frozen=True)
class SynthFit:
    """One fitted synthetic unit: donor weights, predictor weights and the pre-period loss."""

    weights: FloatArray
    v: FloatArray
    loss_v: float
    loss_w: float


def simplex_weights(x0: FloatArray, x1: FloatArray, v: FloatArray | None = None) -> FloatArray:
    """Weights ``w >= 0``, ``sum(w) = 1`` minimising ``sum_k v_k (x1_k - (x0 w)_k)^2``.

    Parameters
    ----------
    x0
        Predictors of the donors, shape (k predictors, J donors).
    x1
        Predictors of the treated unit, shape (k,).
    v
        Non-negative predictor weights, shape (k,); equal when omitted.

    Returns
    -------
    numpy.ndarray
        The donor weights, shape (J,), exact up to floating point (see module docstring).
    """
    n_donors = x0.shape[1]
    if n_donors == 1:
        return np.ones(1)
    root_v = np.ones(x0.shape[0]) if v is None else np.sqrt(np.maximum(v, 0.0))
    c = root_v[:, None] * (x0 - x1[:, None])
    norms = np.sqrt(np.einsum("ij,ij->j", c, c))
    scale = float(np.median(norms))
    if scale <= 0.0 or not np.isfinite(scale):
        scale = float(norms.max()) or 1.0
    system = np.vstack([c / scale, np.ones((1, n_donors))])
    target = np.zeros(system.shape[0])
    target[-1] = 1.0
    u, _ = nnls(system, target, maxiter=50 * n_donors)
    total = float(u.sum())
    if total <= 0.0:
        w = np.zeros(n_donors)
        w[int(np.argmin(norms))] = 1.0
        return w
    return np.asarray(u / total, dtype=np.float64)


def standardise(x0: FloatArray, x1: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Divide each predictor by its standard deviation over treated and donors (as Synth)."""
    both = np.column_stack([x0, x1])
    sd = both.std(axis=1, ddof=1)
    sd = np.where(sd > 0, sd, 1.0)
    return x0 / sd[:, None], x1 / sd


def _group_sizes(groups: NDArray[np.int_], n_groups: int) -> FloatArray:
    """For each predictor, the number of predictors sharing its V parameter."""
    size = np.bincount(groups, minlength=n_groups).astype(np.float64)
    return np.asarray(size[groups], dtype=np.float64)


def _expand(theta: FloatArray, groups: NDArray[np.int_], sizes: FloatArray) -> FloatArray:
    """Predictor weights V (summing to one) from the search parameters ``theta``."""
    a = np.abs(theta)
    total = float(a.sum())
    if total <= 0.0:
        a = np.ones_like(a)
        total = float(a.size)
    return np.asarray((a / total)[groups] / sizes, dtype=np.float64)


def _regression_start(
    x0: FloatArray,
    x1: FloatArray,
    z0: FloatArray,
    z1: FloatArray,
    n_groups: int,
    groups: NDArray[np.int_],
) -> FloatArray | None:
    """Synth's regression-based V: squared coefficients of outcomes on predictors."""
    x = np.column_stack([np.ones(x0.shape[1] + 1), np.column_stack([x0, x1]).T])
    z = np.column_stack([z0, z1]).T
    beta, *_ = np.linalg.lstsq(x, z, rcond=None)
    importance = np.einsum("ij,ij->i", beta[1:], beta[1:])
    per_group = np.bincount(groups, weights=importance, minlength=n_groups)
    if not np.all(np.isfinite(per_group)) or per_group.sum() <= 0:
        return None
    return np.asarray(per_group / per_group.sum(), dtype=np.float64)


def _loss(w: FloatArray, z0: FloatArray, z1: FloatArray) -> float:
    r = z1 - z0 @ w
    return float(r @ r) / max(len(z1), 1)


def _nelder_mead_round(objective: Callable[[FloatArray], float], x: FloatArray) -> OptimizeResult:
    return minimize(
        objective,
        x,
        method="Nelder-Mead",
        options={
            "xatol": XATOL,
            "fatol": FATOL,
            "maxiter": 400 * x.size,
            "adaptive": x.size > 4,
        },
    )


def _search(objective: Callable[[FloatArray], float], starts: list[FloatArray]) -> FloatArray:
    """Nelder-Mead from each start, restarted from its own optimum until no improvement.

    Every start keeps its own restart chain: spending the restarts only on the start
    that led after the first run was tried and left some Prop 99 placebo fits up to 28%
    worse in pre-period MSPE (Texas), so the chains are kept. The best point wins.
    """
    best_x, best_f = starts[0], float("inf")
    for start in starts:
        chain_x, chain_f = start, float(objective(start))
        x = start
        for _ in range(MAX_ROUNDS):
            res = _nelder_mead_round(objective, x)
            if res.fun < chain_f - 1e-6 * max(1.0, abs(chain_f)):
                chain_x, chain_f = np.asarray(res.x, dtype=np.float64), float(res.fun)
                x = chain_x / max(float(np.abs(chain_x).sum()), 1e-300)
            else:
                break
        if chain_f < best_f:
            best_x, best_f = chain_x, chain_f
    return best_x


class _WeightSolver:
    """Repeated simplex solves for one treated unit and donor pool under varying V."""

    def __init__(self, x0: FloatArray, x1: FloatArray) -> None:
        self.diff = x0 - x1[:, None]
        self.row_power = np.mean(self.diff**2, axis=1)
        self.system = np.ones((x0.shape[0] + 1, x0.shape[1]))
        self.target = np.zeros(x0.shape[0] + 1)
        self.target[-1] = 1.0
        self.maxiter = 50 * x0.shape[1]

    def solve(self, v: FloatArray) -> FloatArray:
        scale = math.sqrt(max(float(self.row_power @ v), 0.0))
        if scale <= 0.0 or not math.isfinite(scale):
            scale = 1.0
        self.system[:-1] = (np.sqrt(v) / scale)[:, None] * self.diff
        u, _ = nnls(self.system, self.target, maxiter=self.maxiter)
        total = float(u.sum())
        if total <= 0.0:
            w = np.zeros(self.diff.shape[1])
            w[int(np.argmin(self.row_power))] = 1.0
            return w
        return np.asarray(u / total, dtype=np.float64)


def fit_synth(
    x0: FloatArray,
    x1: FloatArray,
    z0: FloatArray,
    z1: FloatArray,
    groups: NDArray[np.int_] | None = None,
    *,
    optimise_v: bool = True,
    v: FloatArray | None = None,
) -> SynthFit:
    """Fit donor weights with V chosen to minimise the pre-period outcome MSPE.

    Parameters
    ----------
    x0, x1
        Standardised predictors of donors (k, J) and treated unit (k,).
    z0, z1
        Pre-period outcomes of donors (T0, J) and treated unit (T0,).
    groups
        For each predictor, the index of the V parameter it shares (0..g-1); one
        parameter per predictor when omitted.
    optimise_v
        False to use equal weight per group without searching (exact when the
        predictors are the pre-period outcomes themselves).
    v
        Given predictor weights (one per predictor, as Synth's ``custom.v``): no search.
    """
    if v is not None:
        given = np.asarray(v, dtype=np.float64) / float(np.sum(v))
        w_given = _WeightSolver(x0, x1).solve(given)
        r_given = x1 - x0 @ w_given
        return SynthFit(
            weights=w_given,
            v=given,
            loss_v=_loss(w_given, z0, z1),
            loss_w=float(r_given @ (given * r_given)),
        )
    k = x0.shape[0]
    grp = np.arange(k) if groups is None else np.asarray(groups)
    n_groups = int(grp.max()) + 1
    equal = np.full(n_groups, 1.0 / n_groups)
    solver = _WeightSolver(x0, x1)
    sizes = _group_sizes(grp, n_groups)

    def objective(theta: FloatArray) -> float:
        return _loss(solver.solve(_expand(theta, grp, sizes)), z0, z1)

    best_theta = equal
    if optimise_v and n_groups > 1:
        starts = [equal]
        reg = _regression_start(x0, x1, z0, z1, n_groups, grp)
        if reg is not None:
            starts.append(reg)
        best_theta = _search(objective, starts)
    v = _expand(best_theta, grp, sizes)
    w = solver.solve(v)
    r = x1 - x0 @ w
    return SynthFit(weights=w, v=v, loss_v=_loss(w, z0, z1), loss_w=float(r @ (v * r)))
