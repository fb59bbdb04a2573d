"""Difference-in-differences on counts with unit and period fixed effects.

The model for the count :math:`y_{it}` of unit :math:`i` in period :math:`t` is

.. math:: \\log E[y_{it}] = \\alpha_i + \\lambda_t + \\delta D_{it}

with :math:`D_{it} = 1` for treated units from the start, so :math:`e^{\\delta}` is the
rate ratio (Poisson or NB2 GLM, statsmodels; NB dispersion by the Cameron & Trivedi
1990 auxiliary regression). The average effect in counts is the mean over post periods
of the treated total minus its counterfactual :math:`\\sum_i \\hat\\mu_{it} e^{-\\hat\\delta}`.

Inference. With one or a few treated areas, cluster-robust errors are unreliable
(Conley & Taber 2011), so the default is permutation: the treatment is reassigned to
each control unit (or, with several treated units, to ``n_permutations`` random sets of
controls, seeded) and the model refitted. The p-value is the share of placebo rate
ratios at least as extreme as the real one (with the +1 correction), and the interval
for :math:`\\delta` is :math:`\\hat\\delta \\pm q` with :math:`q` the ``ci_level`` quantile
(rounded up to an observed value) of the absolute placebo estimates, so it excludes zero
exactly when the treated estimate is more extreme than that share of placebos (in the
spirit of Conley & Taber 2011). ``inference="cluster"`` uses cluster-robust errors by
unit. The parallel-trends assumption is checked with a treated-specific linear pre-trend.

Continuous outcomes (rates, packs per capita, prices) use ``family="gaussian"``: the
linear model :math:`y_{it} = \\alpha_i + \\lambda_t + \\delta D_{it} + e_{it}`, whose
:math:`\\hat\\delta` is the classic DiD in levels (Arkhangelsky et al. 2021, AER 111(12),
Table 1: -27.3 packs for Proposition 99). The default ``family="auto"`` picks ``negbin``
when every outcome is a non-negative whole number and ``gaussian`` otherwise.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from realimpact.evaluate._panel import (
    parse_time,
    resolve_family,
    split_periods,
    validate_panel,
)
from realimpact.evaluate._result import Diagnostic, EffectResult, EffectSeries
from realimpact.evaluate._twfe import FEFit, codes_of, fit_twfe
from realimpact.exceptions import ConfigError, MethodWarning, Problem

__all__ = ["difference_in_differences"]

Array = NDArray[np.float64]
Family = Literal["auto", "negbin", "poisson", "quasipoisson", "gaussian"]


def _treated_list(treated: str | Sequence[str], units: Sequence[str], unit: str) -> list[str]:
    wanted = [treated] if isinstance(treated, str) else [str(t) for t in treated]
    missing = [t for t in wanted if t not in units]
    problems = [
        Problem(
            f"treated unit {t!r} is not in the {unit!r} column.",
            "Name units that appear in the data.",
            column=unit,
        )
        for t in missing
    ]
    if len(set(wanted)) >= len(units):
        problems.append(
            Problem("every unit is treated; there is no comparison.", "Add untreated units.")
        )
    if not wanted:
        problems.append(Problem("no treated unit given.", "Name at least one treated unit."))
    if problems:
        raise ConfigError("difference_in_differences: invalid treated units", problems)
    return wanted


def _placebo_sets(
    controls: list[str], k: int, n_perm: int, rng: np.random.Generator
) -> list[list[str]]:
    if k == 1 and len(controls) <= n_perm:
        return [[c] for c in controls]
    return [list(rng.choice(controls, size=k, replace=False)) for _ in range(n_perm)]


def _pretrend(
    frame: pd.DataFrame, unit: str, outcome: str, mask: Array, start_pos: int, family: str
) -> Diagnostic:
    pre = (frame["_pos"] < start_pos).to_numpy()
    sub = frame[pre]
    trend = mask[pre] * sub["_pos"].to_numpy(dtype=float) / 12.0
    fit = fit_twfe(
        sub[outcome].to_numpy(dtype=float),
        trend,
        codes_of(sub[unit]),
        codes_of(sub["_pos"]),
        family,
    )
    from scipy import stats

    p = float(2 * stats.t.sf(abs(fit.delta / fit.se), fit.df_resid)) if fit.se > 0 else 1.0
    if family == "gaussian":
        size = f"{fit.delta / 12.0:.3g} {outcome} per period"
    else:
        size = f"rate ratio {math.exp(fit.delta):.3f} per year"
    return Diagnostic(
        "parallel pre-trends",
        bool(p >= 0.05),
        f"treated-specific pre-trend {size} (p = {p:.3g})",
        p,
    )


def difference_in_differences(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str | Sequence[str],
    start: Any,
    end: Any = None,
    family: Family = "auto",
    inference: Literal["permutation", "cluster"] = "permutation",
    ci_level: float = 0.95,
    seed: int = 0,
    n_permutations: int = 200,
) -> EffectResult:
    """Estimate a rate ratio and mean effect in counts by two-way fixed-effects DiD.

    Parameters
    ----------
    data
        Long panel: one row per ``unit`` and ``time`` with the ``outcome`` count.
    treated
        The treated unit, or a sequence of treated units; all others are controls.
    start, end
        First and optional last post-intervention period.
    family
        ``"auto"`` (default: ``"negbin"`` for counts, ``"gaussian"`` for any other
        numbers), ``"negbin"``, ``"poisson"``, ``"quasipoisson"`` (log link, rate ratio)
        or ``"gaussian"`` (linear two-way fixed effects in levels).
    inference
        ``"permutation"`` (default; placebo assignment to controls, seeded) or
        ``"cluster"`` (cluster-robust by unit; needs many units).
    seed, n_permutations
        Randomness for placebo sets when there are several treated units.

    Returns
    -------
    EffectResult
        ``estimate``: mean per-period change in the treated total (observed minus
        counterfactual); ``extra["rate_ratio"]`` with its interval; diagnostics include
        the pre-trend test. Maryland level 3.

    Notes
    -----
    Assumes parallel trends on the log scale, no spill-over into controls and no
    anticipation. With fewer than ``1 / (1 - ci_level) - 1`` controls the permutation
    interval cannot reach the nominal level; cluster-robust errors are used instead,
    with a warning.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> rows = [(u, t, rng.poisson(20 * (0.7 if u == "a" and t >= 12 else 1.0)))
    ...         for u in "abcdefghijklmnopqrstu" for t in range(24)]
    >>> df = pd.DataFrame(rows, columns=["area", "t", "n"])
    >>> res = difference_in_differences(df, unit="area", time="t", outcome="n",
    ...                                 treated="a", start=12)
    >>> 0.5 < res.extra["rate_ratio"] < 0.9
    True
    """
    counts = family not in ("auto", "gaussian")
    frame = validate_panel(
        data, unit=unit, time=time, outcome=outcome, start=start, end=end, counts=counts
    )
    index = parse_time(frame[time])
    split = split_periods(index, start, end, min_pre=2)
    frame = frame[frame["_t"].isin(split.pre + split.post)].reset_index(drop=True)
    frame[unit] = frame[unit].astype(str)
    units = sorted(frame[unit].unique())
    treated_units = _treated_list(treated, units, unit)
    controls = [u for u in units if u not in treated_units]
    start_pos = index.position_of(split.start)
    y = frame[outcome].to_numpy(dtype=float)
    family = resolve_family(family, y)  # type: ignore[assignment]
    mask = np.asarray(frame[unit].isin(treated_units), dtype=np.float64)
    if family != "gaussian" and y[mask > 0].sum() == 0:
        raise ConfigError(
            "difference_in_differences: nothing to compare",
            [Problem("the treated units have no events in any period.", "Check the outcome.")],
        )
    post = np.asarray(frame["_pos"].to_numpy() >= start_pos, dtype=np.float64)
    ucodes, tcodes = codes_of(frame[unit]), codes_of(frame["_pos"])
    need = math.ceil(1 / (1 - ci_level)) - 1
    use_perm = inference == "permutation" and len(controls) >= need
    fit = fit_twfe(
        y, mask * post, ucodes, tcodes, family, covariance="none" if use_perm else "cluster"
    )
    delta = fit.delta
    q = ((1 - ci_level) / 2, (1 + ci_level) / 2)
    diag: list[Diagnostic] = [_pretrend(frame, unit, outcome, mask, start_pos, family)]
    warn: list[str] = []
    if use_perm:
        ctrl = frame[unit].isin(controls).to_numpy()
        placebo = _permute(
            y[ctrl],
            post[ctrl],
            frame.loc[ctrl, unit].to_numpy(),
            tcodes[ctrl],
            controls,
            len(treated_units),
            family,
            n_permutations,
            seed,
            fit.alpha,
        )
        half = float(np.quantile(np.abs(placebo), ci_level, method="higher"))
        lo_d, hi_d = delta - half, delta + half
        p = float((1 + np.sum(np.abs(placebo) >= abs(delta))) / (1 + len(placebo)))
        diag.append(
            Diagnostic(
                "permutation inference",
                True,
                f"{len(placebo)} placebo assignments to control units",
                len(placebo),
            )
        )
    else:
        from scipy import stats

        half = float(stats.t.ppf(q[1], fit.df_resid)) * fit.se
        lo_d, hi_d = delta - half, delta + half
        p = float(2 * stats.t.sf(abs(delta) / fit.se, fit.df_resid))
        if inference == "permutation":
            warn.append(
                f"only {len(controls)} control units: too few for a {ci_level:.0%} permutation "
                "interval; cluster-robust errors used instead (unreliable with few units)"
            )
    return _result(
        frame,
        unit,
        time,
        outcome,
        mask * post,
        fit,
        mask,
        split.start,
        start_pos,
        (delta, lo_d, hi_d, p),
        diag,
        warn,
        treated_units,
        controls,
        family,
        inference if use_perm else "cluster",
        ci_level,
        seed,
        n_permutations,
    )


def _permute(
    y: Array,
    post: Array,
    units: Any,
    tcodes: Any,
    controls: list[str],
    k: int,
    family: str,
    n_perm: int,
    seed: int,
    alpha: float | None,
) -> Array:
    rng = np.random.default_rng(seed)
    ucodes = codes_of(units)
    out = []
    for placebo in _placebo_sets(controls, k, n_perm, rng):
        d = np.isin(units, placebo) * post
        fit = fit_twfe(y, d, ucodes, tcodes, family, alpha=alpha)
        out.append(fit.delta)
    return np.asarray(out, dtype=float)


def _result(
    frame: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    d: Array,
    fit: FEFit,
    mask: Array,
    start_label: str,
    start_pos: int,
    inf: tuple[float, float, float, float],
    diag: list[Diagnostic],
    warn: list[str],
    treated: list[str],
    controls: list[str],
    family: str,
    inference: str,
    ci_level: float,
    seed: int,
    n_perm: int,
) -> EffectResult:
    delta, lo_d, hi_d, p = inf
    tr = mask > 0
    mu = fit.fitted
    linear = family == "gaussian"
    cf_unit = mu - delta * d if linear else mu * np.exp(-delta * d)
    per = pd.DataFrame(
        {"t": frame["_t"][tr], "pos": frame["_pos"][tr], "y": frame[outcome][tr], "cf": cf_unit[tr]}
    )
    agg = per.groupby(["pos", "t"], sort=True)[["y", "cf"]].sum().reset_index()
    post = agg["pos"].to_numpy() >= start_pos
    cf = agg["cf"].to_numpy(dtype=float)
    obs = agg["y"].to_numpy(dtype=float)
    est = float(np.mean(obs[post] - cf[post]))
    cf_mean = float(np.mean(cf[post]))
    rr, rr_lo, rr_hi = math.exp(delta), math.exp(lo_d), math.exp(hi_d)
    k = len(treated)
    ci: tuple[float | None, float | None]
    relative: float | None
    if linear:
        lower = np.where(post, cf + k * (delta - hi_d), cf)
        upper = np.where(post, cf + k * (delta - lo_d), cf)
        ci = (k * lo_d, k * hi_d)
        relative = 100 * est / cf_mean if cf_mean != 0 else None
    else:
        lower = np.where(post, cf * rr / rr_hi, cf)
        upper = np.where(post, cf * rr / rr_lo, cf)
        ci = (cf_mean * (rr_lo - 1), cf_mean * (rr_hi - 1)) if cf_mean > 0 else (None, None)
        relative = 100 * (rr - 1)
    series = EffectSeries.from_arrays(
        list(agg["t"]), obs.tolist(), cf.tolist(), lower.tolist(), upper.tolist(), start_label
    )
    for dg in diag:
        if not dg.ok:
            warn.append(f"{dg.name}: {dg.message}")
    for w in warn:
        warnings.warn(w, MethodWarning, stacklevel=3)
    return EffectResult(
        method="difference_in_differences",
        estimand=(
            "mean change per period in the treated total against control units' change "
            f"(two-way fixed effects {'in levels' if linear else 'on the log scale'}; "
            "comparison group: Maryland level 3)"
        ),
        estimate=est,
        ci_low=ci[0],
        ci_high=ci[1],
        p_value=p,
        unit=f"{outcome} per period",
        ci_level=ci_level,
        relative_estimate=relative,
        series=series,
        diagnostics=tuple(diag),
        warnings=tuple(warn),
        inputs={
            "unit": unit,
            "time": time,
            "outcome": outcome,
            "treated": treated,
            "start": start_label,
            "n_controls": len(controls),
        },
        params={"family": family, "inference": inference, "n_permutations": n_perm},
        seed=seed,
        maryland_level=3,
        extra={
            "rate_ratio": None if linear else rr,
            "rate_ratio_ci": None if linear else [rr_lo, rr_hi],
            "log_rate_ratio": None if linear else delta,
            "coefficient": delta,
            "coefficient_ci": [lo_d, hi_d],
            "cumulative_effect": float(np.sum(obs[post] - cf[post])),
            "negbin_alpha": fit.alpha,
            "controls": controls,
        },
    )
