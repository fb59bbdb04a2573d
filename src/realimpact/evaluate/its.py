"""Interrupted time series: segmented count regression with seasonality and HAC errors.

The model for one series of counts :math:`y_t` is a log-linear GLM

.. math:: \\log E[y_t] = \\beta_0 + \\beta_1 t + \\beta_2 D_t + \\beta_3 (t - t_0) D_t
          + s(m_t) + \\gamma' x_t

with :math:`D_t = 1` from the start :math:`t_0`, so :math:`e^{\\beta_2}` is the level
change and :math:`e^{\\beta_3}` the change in monthly growth (Bernal, Cummins & Gasparrini
2017, "Interrupted time series regression for the evaluation of public health
interventions: a tutorial", Int J Epidemiol 46:348-355). Seasonality :math:`s` is month
dummies when the pre period covers two years, else two Fourier harmonics. Counts are
overdispersed (negative binomial, dispersion by the Cameron & Trivedi 1990 auxiliary
regression, or quasi-Poisson scale) and autocorrelated: standard errors are Newey-West
HAC with the Newey & West (1994) lag rule ``floor(4 (n/100)^(2/9))`` and small-sample
correction, and intervals use Student-t draws with the residual degrees of freedom.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from statsmodels.stats.diagnostic import acorr_ljungbox

from realimpact.evaluate._countglm import (
    MAX_MEAN,
    CountFit,
    fit_count_glm,
    mm,
    predictive,
    t_draws,
)
from realimpact.evaluate._panel import (
    PeriodSplit,
    parse_time,
    resolve_family,
    split_periods,
    validate_panel,
)
from realimpact.evaluate._result import Diagnostic, EffectResult, EffectSeries
from realimpact.exceptions import ConfigError, MethodWarning, Problem

__all__ = ["SimulatedEffectResult", "interrupted_time_series"]

Family = Literal["auto", "negbin", "poisson", "quasipoisson", "gaussian"]
Seasonality = Literal["month", "fourier", "none"]
Autocorrelation = Literal["ar1", "hac", "none"]
Array = NDArray[np.float64]


@dataclass(frozen=True)
class SimulatedEffectResult(EffectResult):
    """An :class:`EffectResult` that keeps the simulation draws behind its intervals.

    ``effect_draws`` has one row per draw and one column per post period (the pointwise
    effect, observed minus simulated counterfactual, in outcome units). It is left out
    of ``to_dict()`` and is what :func:`realimpact.evaluate.sustainability` uses to give
    intervals for windows of the post period.
    """

    effect_draws: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.pop("effect_draws", None)
        return out


def _season_columns(months: Sequence[int] | None, kind: str) -> dict[str, Array]:
    if months is None or kind == "none":
        return {}
    m = np.asarray(months, dtype=float)
    if kind == "month":
        return {f"month_{k}": (m == k).astype(float) for k in range(2, 13)}
    return {
        f"{f}{h}": fn(2 * np.pi * h * m / 12)
        for h in (1, 2)
        for f, fn in (("sin", np.sin), ("cos", np.cos))
    }


def _design(
    frame: pd.DataFrame,
    start_pos: int,
    months: Sequence[int] | None,
    season: str,
    covs: Sequence[str],
    slope: bool = True,
) -> pd.DataFrame:
    t = frame["_pos"].to_numpy(dtype=float)
    post = (t >= start_pos).astype(float)
    cols: dict[str, Array] = {
        "const": np.ones(len(t)),
        "trend": (t - start_pos) / 12.0,
        "level_change": post,
        "slope_change": post * (t - start_pos) / 12.0,
    }
    if not slope:
        del cols["slope_change"]
    cols.update(_season_columns(months, season))
    for c in covs:
        cols[c] = frame[c].to_numpy(dtype=float)
    return pd.DataFrame(cols)


def _choose_season(seasonality: str, frequency: str, n_pre: int) -> str:
    if frequency != "monthly" or seasonality == "none":
        return "none"
    if seasonality == "month" and n_pre < 24:
        return "fourier"
    return seasonality


def _check_args(family: str, seasonality: str, ci_level: float) -> None:
    problems = []
    if family not in ("auto", "negbin", "poisson", "quasipoisson", "gaussian"):
        problems.append(
            Problem(
                f"unknown family {family!r}.",
                "Use auto, negbin, poisson, quasipoisson or gaussian.",
                column="family",
            )
        )
    if seasonality not in ("month", "fourier", "none"):
        problems.append(
            Problem(
                f"unknown seasonality {seasonality!r}.",
                "Use month, fourier or none.",
                column="seasonality",
            )
        )
    if not 0 < ci_level < 1:
        problems.append(
            Problem(
                f"ci_level {ci_level} is not between 0 and 1.", "Use e.g. 0.95.", column="ci_level"
            )
        )
    if problems:
        raise ConfigError("interrupted_time_series: invalid arguments", problems)


def _diagnostics(fit: CountFit, n_pre: int, season: str, seasonality: str) -> list[Diagnostic]:
    resid = fit.resid_pearson
    lags = min(6, max(1, len(resid) // 5))
    lb = float(acorr_ljungbox(resid, lags=[lags])["lb_pvalue"].iloc[0])
    handled = fit.covariance in ("ar1", "hac")
    how = {"ar1": "an AR(1) sandwich", "hac": "Newey-West HAC"}.get(fit.covariance, "none")
    out = [
        Diagnostic(
            "residual autocorrelation",
            handled or lb >= 0.05,
            f"Ljung-Box p = {lb:.3g} at lag {lags}; correction: {how}",
            lb,
        ),
        Diagnostic(
            "pre-period length",
            n_pre >= 12,
            f"{n_pre} pre-intervention periods"
            + ("" if n_pre >= 12 else "; fewer than 12 makes the projected trend fragile"),
            float(n_pre),
        ),
        Diagnostic(
            "overdispersion",
            fit.family != "poisson" or fit.dispersion < 1.5,
            f"Pearson dispersion {fit.dispersion:.2f}"
            + (" (use negbin or quasipoisson)" if fit.family == "poisson" else ""),
            fit.dispersion,
        ),
    ]
    out.append(
        Diagnostic(
            "inference calibration",
            True,
            "model-based interval; on real small-area counts such intervals can be too "
            "narrow: check with placebo_calibration and prefer calibrate_result",
            "model-based",
        )
    )
    if season != seasonality:
        out.append(
            Diagnostic(
                "seasonality",
                True,
                f"{seasonality} requested; used {season} "
                "(pre period shorter than 24 months or not monthly)",
                season,
            )
        )
    return out


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    time: str,
    outcome: str,
    start: Any,
    end: Any = None,
    covariates: Sequence[str] = (),
    seasonality: Seasonality = "month",
    family: Family = "auto",
    ci_level: float = 0.95,
    seed: int = 0,
    autocorrelation: Autocorrelation = "ar1",
    comparison: str | None = None,
    n_draws: int = 2000,
    change: Literal["level_slope", "level"] = "level_slope",
) -> SimulatedEffectResult:
    """Estimate an intervention's effect on one count series by segmented regression.

    Parameters
    ----------
    data
        One row per period: ``time`` and ``outcome`` columns (plus covariates).
    time, outcome
        Column names. Time may be ``YYYY-MM`` strings, dates, Periods or integers.
    start, end
        First (and optionally last) post-intervention period; periods after ``end``
        are ignored.
    covariates
        Extra regressors (for example a log comparison series).
    seasonality
        ``"month"`` (month dummies; falls back to two Fourier harmonics when the pre
        period is shorter than 24 months), ``"fourier"`` or ``"none"``.
    family
        ``"auto"`` (default: ``"negbin"`` when every outcome is a non-negative whole
        number, ``"gaussian"`` otherwise, e.g. prices or rates), ``"negbin"``,
        ``"quasipoisson"``, ``"poisson"`` or ``"gaussian"``.
    autocorrelation
        ``"ar1"`` (quasi-likelihood sandwich with AR(1) working correlation, default),
        ``"hac"`` (Newey-West) or ``"none"`` (model-based; with ``quasipoisson`` this
        is the naive analysis that over-rejects on real small-area data).
    comparison
        Optional column holding a comparison series (counts in an untreated area);
        ``log(comparison + 0.5)`` enters as a regressor (Maryland level 3).
    seed, n_draws
        The interval is simulated from ``n_draws`` Student-t parameter draws made with
        ``numpy.random.default_rng(seed)``.

    Returns
    -------
    SimulatedEffectResult
        ``estimate``: mean per-period effect over the post period, observed minus the
        counterfactual (no level or slope change, same season and covariates).
        ``extra``: level and slope rate ratios with intervals, cumulative effect,
        dispersion, AR(1) correlation.

    Notes
    -----
    Assumes the pre-intervention trend and seasonality would have continued and that
    nothing else changed at ``start``. Model-based intervals on small-area crime counts
    can still be too narrow: check them with
    :func:`realimpact.evaluate.calibration.placebo_calibration` and prefer
    :func:`realimpact.evaluate.calibration.calibrate_result` for a real evaluation.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> months = pd.period_range("2021-01", periods=36, freq="M").astype(str)
    >>> y = np.random.default_rng(1).poisson(np.where(np.arange(36) >= 24, 40, 50))
    >>> res = interrupted_time_series(
    ...     pd.DataFrame({"month": months, "n": y}), time="month", outcome="n", start="2023-01"
    ... )
    >>> bool(res.estimate < 0)
    True
    """
    _check_args(family, seasonality, ci_level)
    covs = list(covariates) + ([comparison] if comparison else [])
    frame = validate_panel(
        data,
        time=time,
        outcome=outcome,
        covariates=covs,
        start=start,
        end=end,
        counts=family not in ("gaussian", "auto"),
    )
    frame, split, months = _align(frame, time, start, end)
    family = resolve_family(family, frame[outcome])  # type: ignore[assignment]
    if comparison:
        frame[comparison] = np.log(frame[comparison] + 0.5)
    season = _choose_season(seasonality, split.index.frequency, split.n_pre)
    start_pos = split.index.positions[split.index.position_of(split.start)]
    design = _design(frame, start_pos, months, season, covs, change == "level_slope")
    y = frame[outcome].to_numpy(dtype=float)
    fit = fit_count_glm(y, design.to_numpy(dtype=float), family, covariance=autocorrelation)
    inputs = {
        "time": time,
        "outcome": outcome,
        "start": str(start),
        "end": None if end is None else str(end),
        "covariates": list(covariates),
        "comparison": comparison,
    }
    params = {
        "family": family,
        "seasonality": season,
        "autocorrelation": autocorrelation,
        "n_draws": n_draws,
    }
    return _result(
        frame,
        design,
        y,
        fit,
        outcome,
        split.start,
        ci_level,
        seed,
        n_draws,
        _diagnostics(fit, split.n_pre, season, seasonality),
        inputs,
        params,
        3 if comparison else 2,
    )


def _align(
    frame: pd.DataFrame, time: str, start: Any, end: Any
) -> tuple[pd.DataFrame, PeriodSplit, list[int] | None]:
    index = parse_time(frame[time])
    split = split_periods(index, start, end, min_pre=3)
    pos_map = dict(zip(index.labels, index.positions, strict=True))
    frame["_pos"] = frame["_t"].map(pos_map)
    end_pos = pos_map[split.post[-1]]
    frame = frame[frame["_pos"] <= end_pos].reset_index(drop=True)
    months = None
    if index.months:
        month_of = dict(zip(index.labels, index.months, strict=True))
        months = [month_of[t] for t in frame["_t"]]
    return frame, split, months


def _result(
    frame: pd.DataFrame,
    design: pd.DataFrame,
    y: Array,
    fit: CountFit,
    outcome: str,
    start_label: str,
    ci_level: float,
    seed: int,
    n_draws: int,
    diag: list[Diagnostic],
    inputs: dict[str, Any],
    params: dict[str, Any],
    maryland: int,
) -> SimulatedEffectResult:
    x = design.to_numpy(dtype=float)
    changes = [c for c in ("level_change", "slope_change") if c in design.columns]
    x0 = design.assign(**dict.fromkeys(changes, 0.0)).to_numpy(dtype=float)
    post = design["level_change"].to_numpy() > 0
    rng = np.random.default_rng(seed)
    draws = t_draws(fit.params, fit.cov, fit.df_resid, n_draws, rng)
    cf_draw = fit.inverse_link(mm(draws, x0.T))
    if fit.family != "gaussian" and not np.all(np.isfinite(cf_draw) & (cf_draw <= MAX_MEAN)):
        diag.append(
            Diagnostic(
                "unstable_projection",
                False,
                "some simulated counterfactual means are implausibly large (a coefficient is "
                "barely identified, usually because the series is sparse); the interval is "
                "unreliable: use a longer period, more LSOAs or more crime types",
            )
        )
    cf = fit.inverse_link(x0.dot(fit.params))
    est = float(np.mean(y[post] - cf[post]))
    model_eff = (fit.inverse_link(mm(draws, x.T))[:, post] - cf_draw[:, post]).mean(axis=1)
    model_point = float(np.mean(fit.inverse_link(x.dot(fit.params))[post] - cf[post]))
    shifted = model_eff - model_point + est
    q = ((1 - ci_level) / 2, (1 + ci_level) / 2)
    lo, hi = (float(v) for v in np.quantile(shifted, q))
    p = float(min(1.0, 2 * min(np.mean(shifted <= 0), np.mean(shifted >= 0)) + 1 / n_draws))
    band = np.quantile(predictive(cf_draw, fit, rng), q, axis=0)
    series = EffectSeries.from_arrays(
        list(frame["_t"]), y.tolist(), cf.tolist(), band[0].tolist(), band[1].tolist(), start_label
    )
    cf_mean = float(np.mean(cf[post]))
    extra = _extra(fit, design, y, cf, post, shifted, q, ci_level)
    return SimulatedEffectResult(
        method="interrupted_time_series",
        estimand=(
            "mean change per period after the start against the pre-period trend and "
            "seasonality projected forward"
            + (
                " with a comparison series (Maryland level 3)"
                if maryland == 3
                else " (no comparison series: Maryland level 2)"
            )
        ),
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        unit=f"{outcome} per period",
        ci_level=ci_level,
        relative_estimate=100 * est / cf_mean if cf_mean > 0 else None,
        series=series,
        diagnostics=tuple(diag),
        warnings=_warnings(diag),
        inputs=inputs,
        params=params,
        seed=seed,
        maryland_level=maryland,
        extra=extra,
        effect_draws=y[post][None, :] - predictive(cf_draw[:, post], fit, rng),
    )


def _coef(fit: CountFit, design: pd.DataFrame, name: str, level: float) -> dict[str, float]:
    i = list(design.columns).index(name)
    b = float(fit.params[i])
    lo, hi = fit.conf_int(i, level)
    if fit.family == "gaussian":
        return {"estimate": b, "ci_low": lo, "ci_high": hi}
    with np.errstate(over="ignore"):  # an unidentified coefficient gives inf, not a crash
        ratio = np.exp(np.array([b, lo, hi], dtype=float))
    return {"estimate": float(ratio[0]), "ci_low": float(ratio[1]), "ci_high": float(ratio[2])}


def _extra(
    fit: CountFit,
    design: pd.DataFrame,
    y: Array,
    cf: Array,
    post: Any,
    shifted: Array,
    q: tuple[float, float],
    level: float,
) -> dict[str, Any]:
    n_post = int(post.sum())
    gauss = fit.family == "gaussian"
    return {
        ("level_change" if gauss else "level_change_rate_ratio"): _coef(
            fit, design, "level_change", level
        ),
        ("slope_change_per_year" if gauss else "slope_change_rate_ratio_per_year"): (
            _coef(fit, design, "slope_change", level) if "slope_change" in design else None
        ),
        "cumulative_effect": float(np.sum(y[post] - cf[post])),
        "cumulative_ci": [float(v) for v in np.quantile(shifted * n_post, q)],
        "rate_ratio": float(np.mean(y[post]) / np.mean(cf[post]))
        if np.mean(cf[post]) > 0
        else None,
        "negbin_alpha": fit.alpha,
        "dispersion": fit.dispersion,
        "ar1_rho": fit.rho,
        "n_pre": int((~post).sum()),
        "n_post": n_post,
    }


def _warnings(diag: Sequence[Diagnostic]) -> tuple[str, ...]:
    msgs = tuple(f"{d.name}: {d.message}" for d in diag if not d.ok)
    for m in msgs:
        warnings.warn(m, MethodWarning, stacklevel=3)
    return msgs
