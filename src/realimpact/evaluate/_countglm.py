"""Count regression shared by ITS and DiD: GLM fit, dispersion, robust covariances, draws.

Crime counts in small areas are overdispersed and autocorrelated. This module fits a
log-link GLM (Poisson, negative binomial NB2 or Gaussian) and returns its coefficients
with one of four covariances:

``"ar1"``
    Quasi-likelihood sandwich with an AR(1) working correlation of the Pearson
    residuals (Liang & Zeger 1986 with a single series; lag-1 correlation with the
    Kendall (1954) bias correction ``rho + (1 + 3 rho) / n``, clipped to [0, 0.95]) and
    the Pearson dispersion ``X2 / (n - p)``.
``"hac"``
    Newey-West HAC with the Newey & West (1994) lag rule and small-sample correction.
``"cluster"``
    Cluster-robust by group (for panels).
``"none"``
    Model-based, quasi-scaled by ``X2 / (n - p)`` for ``quasipoisson``.

On real Cleveland ASB series (``tests/evaluate/test_calibration.py``) HAC with 35 months
over-rejects more than the naive model; the AR(1) sandwich is the default for ITS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = [
    "CountFit",
    "fit_count_glm",
    "mm",
    "negbin_alpha",
    "newey_west_lags",
    "predictive",
    "t_draws",
]

Array = NDArray[np.float64]


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) automatic lag: ``floor(4 * (n / 100) ** (2 / 9))``, at least 1."""
    return max(1, int(4 * (n / 100) ** (2 / 9)))


def negbin_alpha(y: Array, mu: Array) -> float:
    """NB2 dispersion by the Cameron & Trivedi (1990) auxiliary regression.

    Regresses ``((y - mu)^2 - y) / mu`` on ``mu`` without intercept; the slope is
    ``alpha`` in ``Var(y) = mu + alpha mu^2``. Clipped to [1e-8, 10].
    """
    z = ((y - mu) ** 2 - y) / mu
    alpha = float(np.sum(z * mu) / np.sum(mu**2))
    return min(max(alpha, 1e-8), 10.0)


@dataclass(frozen=True)
class CountFit:
    """Coefficients, their covariance and what is needed to simulate from the fit."""

    params: Array
    cov: Array
    df_resid: float
    family: str
    alpha: float | None
    dispersion: float
    fitted: Array
    resid_pearson: Array
    rho: float | None
    covariance: str

    def inverse_link(self, eta: Array) -> Array:
        if self.family == "gaussian":
            return eta
        return np.asarray(np.exp(np.clip(eta, -50, 50)), dtype=float)

    def conf_int(self, i: int, level: float) -> tuple[float, float]:
        from scipy import stats

        half = stats.t.ppf((1 + level) / 2, max(self.df_resid, 1.0)) * math.sqrt(self.cov[i, i])
        return float(self.params[i] - half), float(self.params[i] + half)


def mm(a: Array, b: Array) -> Array:
    """Matrix product without BLAS threads (``einsum``).

    Multithreaded BLAS is very slow for these small matrices on a busy machine; the
    plain loop is fast and predictable.
    """
    return np.asarray(np.einsum("ij,jk->ik", a, b), dtype=float)


def _inv(a: Array) -> Array:
    try:
        return np.asarray(np.linalg.inv(a), dtype=float)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(a), dtype=float)


def _variance(family: str, mu: Array, alpha: float | None) -> Array:
    if family == "gaussian":
        return np.ones_like(mu)
    return mu + (alpha or 0.0) * mu**2


def _solve(a: Array, b: Array) -> Array:
    try:
        return np.asarray(np.linalg.solve(a, b), dtype=float)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(a).dot(b), dtype=float)


def _irls(y: Array, x: Array, family: str, alpha: float | None) -> tuple[Array, Array]:
    """Iteratively reweighted least squares for a log-link GLM (identity for Gaussian).

    Solves the normal equations directly (small dense designs); returns the
    coefficients and fitted means.
    """
    if family == "gaussian":
        beta = _solve(mm(x.T, x), mm(x.T, y[:, None])[:, 0])
        return beta, mm(x, beta[:, None])[:, 0]
    eta = np.log(y + 0.5)
    beta = np.zeros(x.shape[1])
    dev_old = np.inf
    for _ in range(100):
        mu = np.exp(eta)
        w = mu**2 / _variance(family, mu, alpha)
        z = eta + (y - mu) / mu
        beta = _solve(mm(x.T, w[:, None] * x), mm(x.T, (w * z)[:, None])[:, 0])
        eta = np.clip(mm(x, beta[:, None])[:, 0], -50, 50)
        mu = np.exp(eta)
        dev = float(np.sum((y - mu) ** 2 / _variance(family, mu, alpha)))
        if abs(dev - dev_old) <= 1e-10 * (abs(dev) + 1e-3):
            break
        dev_old = dev
    return beta, np.exp(eta)


def _scores(y: Array, x: Array, mu: Array, var: Array, family: str) -> Array:
    dmu = np.ones_like(mu) if family == "gaussian" else mu
    return np.asarray(x * ((y - mu) * dmu / var)[:, None], dtype=float)


def _hac_meat(scores: Array, lags: int) -> Array:
    meat = mm(scores.T, scores)
    for lag in range(1, lags + 1):
        gamma = mm(scores[lag:].T, scores[:-lag])
        meat += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    return np.asarray(meat, dtype=float)


def _cluster_meat(scores: Array, groups: Any) -> tuple[Array, int]:
    codes, _ = pd.factorize(np.asarray(groups))
    summed = np.zeros((codes.max() + 1, scores.shape[1]))
    np.add.at(summed, codes, scores)
    return mm(summed.T, summed), int(codes.max() + 1)


def _ar1_meat(x: Array, w: Array, pearson: Array) -> tuple[Array, float]:
    n = len(pearson)
    rho = float(np.sum(pearson[1:] * pearson[:-1]) / np.sum(pearson**2))
    rho = min(max(rho + (1 + 3 * rho) / n, 0.0), 0.95)
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    xw = x * np.sqrt(w)[:, None]
    return mm(mm(xw.T, rho**lag), xw), rho


def fit_count_glm(
    y: Array,
    x: Array,
    family: str,
    *,
    covariance: str = "ar1",
    groups: Any = None,
    alpha: float | None = None,
) -> CountFit:
    """Fit a log-link count GLM (or Gaussian) with the chosen covariance.

    ``family`` is ``negbin``, ``poisson``, ``quasipoisson`` or ``gaussian``;
    ``covariance`` is ``ar1``, ``hac``, ``cluster`` (needs ``groups``) or ``none``;
    ``alpha`` fixes the NB2 dispersion instead of estimating it (else Cameron-Trivedi
    from a Poisson fit). Fitted by IRLS on the normal equations; checked against
    statsmodels ``GLM`` in ``tests/evaluate/test_its.py``.
    """
    n, k = x.shape
    if family == "negbin" and alpha is None:
        _, mu0 = _irls(y, x, "poisson", None)
        alpha = negbin_alpha(y, mu0)
    a = alpha if family == "negbin" else None
    beta, mu = _irls(y, x, family, a)
    var = _variance(family, mu, a)
    pearson = (y - mu) / np.sqrt(var)
    df = float(max(n - k, 1))
    disp = float(np.sum(pearson**2) / df)
    dmu = np.ones_like(mu) if family == "gaussian" else mu
    w = dmu**2 / var
    bread = _inv(mm(x.T, w[:, None] * x))
    rho = None
    phi = disp if family in ("quasipoisson", "gaussian") else 1.0
    if covariance == "ar1":
        meat, rho = _ar1_meat(x, w, pearson)
        cov = disp * mm(mm(bread, meat), bread)
    elif covariance == "hac":
        meat = _hac_meat(_scores(y, x, mu, var, family), newey_west_lags(n))
        cov = n / df * mm(mm(bread, meat), bread)
    elif covariance == "cluster":
        meat, g = _cluster_meat(_scores(y, x, mu, var, family), groups)
        cov = g / max(g - 1, 1) * (n - 1) / df * mm(mm(bread, meat), bread)
        df = float(max(g - 1, 1))
    else:
        cov = phi * bread
    return CountFit(
        params=beta,
        cov=np.asarray(cov, dtype=float),
        df_resid=df,
        family=family,
        alpha=a,
        dispersion=disp,
        fitted=mu,
        resid_pearson=pearson,
        rho=rho,
        covariance=covariance,
    )


def t_draws(mean: Array, cov: Array, df: float, n: int, rng: np.random.Generator) -> Array:
    """Multivariate Student-t draws (``df`` degrees of freedom) around ``mean``."""
    z = rng.multivariate_normal(np.zeros(len(mean)), cov, size=n, method="eigh")
    w = np.sqrt(max(df, 1.0) / rng.chisquare(max(df, 1.0), size=n))
    return np.asarray(mean + z * w[:, None], dtype=float)


MAX_MEAN = 1e9
"""Largest mean drawn from: a projection beyond it comes from an unidentified coefficient
(a sparse series) and is capped so sampling does not fail; ITS then flags the projection."""


def predictive(mu: Array, fit: CountFit, rng: np.random.Generator) -> Array:
    """Draw outcomes around means ``mu`` from the fitted family (NB as gamma-Poisson)."""
    if fit.family != "gaussian":
        mu = np.nan_to_num(np.minimum(mu, MAX_MEAN), nan=0.0, posinf=MAX_MEAN)
    if fit.family == "gaussian":
        sd = math.sqrt(fit.dispersion)
        return np.asarray(mu + rng.normal(0.0, sd, size=mu.shape), dtype=float)
    if fit.alpha:
        shape = 1.0 / fit.alpha
        return np.asarray(rng.poisson(rng.gamma(shape, mu / shape)), dtype=float)
    if fit.family == "quasipoisson" and fit.dispersion > 1:
        excess = fit.dispersion - 1
        return np.asarray(rng.poisson(rng.gamma(mu / excess, excess)), dtype=float)
    return np.asarray(rng.poisson(mu), dtype=float)
