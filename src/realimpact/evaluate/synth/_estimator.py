"""Synthetic control (Abadie, Diamond & Hainmueller 2010) for a long panel."""

from __future__ import annotations

import dataclasses
import difflib
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from realimpact.evaluate._panel import PeriodSplit, parse_time, split_periods, validate_panel
from realimpact.evaluate._result import EffectSeries
from realimpact.evaluate.synth._diagnostics import run_diagnostics
from realimpact.evaluate.synth._inference import (
    FIT_FILTER,
    PanelArrays,
    fit_unit,
    gaps_for,
    placebo_band,
    placebo_of,
    rmspe_p_value,
    run_placebos,
)
from realimpact.evaluate.synth._inference import leave_one_out as run_loo
from realimpact.evaluate.synth._predictors import Predictor, build_predictors
from realimpact.evaluate.synth._solver import SynthFit
from realimpact.evaluate.synth._types import PlaceboFit, PredictorBalance, SynthResult
from realimpact.exceptions import ConfigError, MethodWarning, Problem

__all__ = ["synthetic_control"]

Progress = Callable[[int, int], None]


def _column_problems(data: pd.DataFrame, names: Sequence[str], role: str) -> list[Problem]:
    cols = [str(c) for c in data.columns]
    problems = []
    for name in names:
        if name not in data.columns:
            close = difflib.get_close_matches(name, cols, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    f"the {role} column {name!r} is missing.{hint}",
                    f"Name one of the columns: {', '.join(cols)}.",
                    file="data",
                    column=name,
                )
            )
    return problems


def _non_numeric(data: pd.DataFrame, names: Sequence[str]) -> list[Problem]:
    problems = []
    for name in names:
        if name not in data.columns:
            continue
        raw = data[name].reset_index(drop=True)
        bad = pd.to_numeric(raw, errors="coerce").isna() & raw.notna()
        for pos in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(
                Problem(
                    f"{raw.iloc[pos]!r} is not a number.",
                    "Give a number, or leave the cell empty if it is unknown.",
                    file="data",
                    row=int(pos) + 2,
                    column=name,
                )
            )
    return problems


def _variables(
    outcome: str, covariates: Sequence[str], predictors: Sequence[Predictor] | None
) -> list[str]:
    names = list(covariates) + [p.variable for p in predictors or ()]
    return [n for n in dict.fromkeys(names) if n != outcome]


def _wide(frame: pd.DataFrame, unit: str, column: str, labels: Sequence[str]) -> pd.DataFrame:
    values = pd.to_numeric(frame[column], errors="coerce")
    table = pd.DataFrame({"u": frame[unit].astype(str), "t": frame["_t"], "v": values})
    wide = table.pivot(index="t", columns="u", values="v")
    return wide.reindex(index=list(labels))


def _balance_problems(wide: pd.DataFrame, outcome: str) -> list[Problem]:
    missing = wide.isna()
    problems = []
    for r, c in np.argwhere(missing.to_numpy())[:20]:
        label, unit = wide.index[r], wide.columns[c]
        problems.append(
            Problem(
                f"unit {unit!r} has no {outcome} value for period {label}.",
                "Give every unit a value in every period (0 for no events), or drop the unit.",
                file="data",
                column=outcome,
            )
        )
    return problems


def _treated_problem(treated: Any, units: Sequence[str], unit: str) -> Problem:
    close = difflib.get_close_matches(str(treated), list(units), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return Problem(
        f"treated unit {treated!r} is not in the {unit!r} column.{hint}",
        "Give the name of one unit in the data.",
        file="data",
        column=unit,
    )


def _prepare(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: Any,
    start: Any,
    end: Any,
    covariates: Sequence[str],
    predictors: Sequence[Predictor] | None,
) -> tuple[PanelArrays, int, PeriodSplit, tuple[str, ...]]:
    extra = _variables(outcome, covariates, predictors)
    problems = _column_problems(data, extra, "covariate") + _non_numeric(data, extra)
    try:
        frame = validate_panel(
            data, unit=unit, time=time, outcome=outcome, start=start, end=end, counts=False
        )
    except ConfigError as err:
        raise ConfigError(err.summary, [*err.problems, *problems]) from None
    split = split_periods(parse_time(frame[time]), start, end, source="data", column=time)
    labels = split.pre + split.post
    y_wide = _wide(frame, unit, outcome, labels)
    units = tuple(str(u) for u in y_wide.columns)
    if str(treated) not in units:
        problems.append(_treated_problem(treated, units, unit))
    problems += _balance_problems(y_wide, outcome)
    if len(units) < 3:
        problems.append(
            Problem("fewer than 3 units.", "Add donor units.", file="data", column=unit)
        )
    if problems:
        raise ConfigError("data: the panel cannot be used for synthetic control", problems)
    wide = {outcome: y_wide} | {v: _wide(frame, unit, v, labels) for v in extra}
    pm = build_predictors(
        wide, split.index, split.pre, outcome=outcome, covariates=covariates, predictors=predictors
    )
    arrays = PanelArrays(
        units=units,
        x=pm.values,
        y=y_wide.to_numpy(dtype=np.float64),
        n_pre=split.n_pre,
        groups=pm.groups,
        optimise_v=pm.optimise_v,
        standardise=pm.standardise,
    )
    return arrays, units.index(str(treated)), split, pm.labels


def _fit_options(
    arrays: PanelArrays,
    split: PeriodSplit,
    labels: Sequence[str],
    optimise_periods: Sequence[Any] | None,
    v_weights: Sequence[float] | None,
) -> PanelArrays:
    """Apply Synth's ``time.optimize.ssr`` and ``custom.v`` options, checking them."""
    problems: list[Problem] = []
    rows = None
    if optimise_periods is not None:
        pos = [split.index.position_of(p) for p in optimise_periods]
        bad = [p for p, i in zip(optimise_periods, pos, strict=True) if not 0 <= i < split.n_pre]
        problems += [
            Problem(
                f"optimisation period {p!r} is not a pre-intervention period.",
                f"Use periods from {split.pre[0]} to {split.pre[-1]}.",
                column="optimise_periods",
            )
            for p in bad
        ]
        if not optimise_periods:
            problems.append(
                Problem("no optimisation periods.", "Give some.", column="optimise_periods")
            )
        rows = np.asarray(sorted(set(pos)), dtype=np.int_)
    custom = None
    if v_weights is not None:
        custom = np.asarray(v_weights, dtype=np.float64)
        if custom.shape != (len(labels),) or np.any(custom < 0) or custom.sum() <= 0:
            problems.append(
                Problem(
                    f"v_weights has {custom.size} value(s); {len(labels)} predictor(s) need "
                    "one non-negative weight each, not all zero.",
                    "Give one weight per predictor, in the predictors' order.",
                    column="v_weights",
                )
            )
    if problems:
        raise ConfigError("synthetic_control: unusable fitting options", problems)
    return dataclasses.replace(arrays, loss_rows=rows, custom_v=custom)


def _ranges(
    arrays: PanelArrays, labels: Sequence[str], t: int, donors: np.ndarray
) -> dict[str, tuple[float, float, float]]:
    x0 = arrays.x[:, donors]
    lo, hi = x0.min(axis=1), x0.max(axis=1)
    return {
        lab: (float(arrays.x[i, t]), float(lo[i]), float(hi[i])) for i, lab in enumerate(labels)
    }


def _balance(
    arrays: PanelArrays, labels: Sequence[str], t: int, donors: np.ndarray, fit: SynthFit
) -> tuple[PredictorBalance, ...]:
    x0, x1 = arrays.x[:, donors], arrays.x[:, t]
    synth = x0 @ fit.weights
    mean = x0.mean(axis=1)
    return tuple(
        PredictorBalance(lab, float(x1[i]), float(synth[i]), float(mean[i]), float(fit.v[i]))
        for i, lab in enumerate(labels)
    )


def synthetic_control(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: Any,
    start: Any,
    end: Any = None,
    covariates: Sequence[str] = (),
    predictors: Sequence[Predictor] | None = None,
    placebo: bool = True,
    ci_level: float = 0.95,
    seed: int = 0,
    leave_one_out: bool = True,
    progress: Progress | None = None,
    optimise_periods: Sequence[Any] | None = None,
    v_weights: Sequence[float] | None = None,
) -> SynthResult:
    """Estimate an intervention's effect on one unit with a synthetic control.

    Method: Abadie, Diamond & Hainmueller (2010). The counterfactual is a weighted
    average of donor units with weights ``w >= 0`` summing to one that minimise
    ``(X1 - X0 w)' V (X1 - X0 w)``, where ``X`` holds the predictors (standardised by
    their standard deviation across units, as R's ``Synth``) and the diagonal ``V`` is
    chosen to minimise the pre-period mean squared prediction error of the outcome
    (nested optimisation). The inner problem is solved exactly as one non-negative
    least-squares problem (see :mod:`realimpact.evaluate.synth._solver`); V is searched
    by restarted Nelder-Mead from equal and regression-based starts over one parameter
    per predictor. With no covariates and no ``predictors`` the predictors are the
    pre-period outcomes themselves and the weights minimise pre-period MSPE directly
    (no search needed, which is what makes 1,000-donor placebo runs fast).

    Inference: in-space placebos over all donors; ``p_value`` is the rank of the
    treated unit's post/pre RMSPE ratio among all units (Abadie et al. 2010), and
    ``extra["p_value_well_fitting"]`` the same among placebos whose pre-period MSPE is at
    most 5 times the treated unit's. The interval inverts the rescaled placebo average
    gaps (see :mod:`realimpact.evaluate.synth._inference`); it is a permutation-style
    interval, not a sampling-theory confidence interval. Leave-one-out refits drop each
    donor with positive weight.

    Assumptions: no spillover onto donors, no anticipation before ``start``, the treated
    unit within the donors' convex hull, and a pre-period long enough for a good fit.
    Failed checks appear in ``diagnostics`` and ``warnings`` and are issued as
    :class:`~realimpact.exceptions.MethodWarning`.

    Parameters
    ----------
    data
        Long panel: one row per unit and period.
    unit, time, outcome
        Column names. Time may be ``YYYY-MM`` strings, dates, Periods or integers.
    treated
        The treated unit's value in ``unit``.
    start, end
        First and (optionally) last post-intervention period.
    covariates
        Columns whose pre-period means join the outcome lags as predictors.
    predictors
        Explicit :class:`Predictor` list (as Synth's predictors and special predictors).
    placebo
        Run in-space placebos (needed for ``p_value`` and the interval).
    ci_level
        Level of the placebo interval.
    seed
        Recorded for reproducibility; the method itself uses no randomness.
    leave_one_out
        Refit without each donor with positive weight (robustness check).
    progress
        Optional callback ``progress(done, total)`` during placebo fits.
    optimise_periods
        Pre-periods whose outcome MSPE chooses V (Synth's ``time.optimize.ssr``);
        all pre-periods when None.
    v_weights
        Fixed predictor weights, one per predictor in order (Synth's ``custom.v``),
        e.g. from a training-period fit as in the cross-validation of Abadie, Diamond &
        Hainmueller (2015); no V search is then made.

    Returns
    -------
    SynthResult
        ``estimate`` is the average post-period gap (observed minus synthetic).

    Examples
    --------
    Area A is the average of areas B and C until month 8, then 5 crimes a month higher:

    >>> import pandas as pd
    >>> b = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17]
    >>> c = [20, 18, 21, 19, 22, 20, 23, 21, 24, 22, 25, 23]
    >>> d = [40, 41, 39, 42, 40, 43, 41, 44, 42, 45, 43, 46]
    >>> a = [(x + y) / 2 + (5 if m >= 8 else 0) for m, (x, y) in enumerate(zip(b, c))]
    >>> df = pd.DataFrame({"area": [u for u in "ABCD" for _ in range(12)],
    ...                    "month": list(range(12)) * 4, "crimes": a + b + c + d})
    >>> r = synthetic_control(df, unit="area", time="month", outcome="crimes",
    ...                       treated="A", start=8, placebo=False)
    >>> {k: round(v, 3) for k, v in r.weights.items()}
    {'B': 0.5, 'C': 0.5, 'D': 0.0}
    >>> round(r.estimate, 6)
    5.0
    """
    arrays, t, split, labels = _prepare(
        data,
        unit=unit,
        time=time,
        outcome=outcome,
        treated=treated,
        start=start,
        end=end,
        covariates=covariates,
        predictors=predictors,
    )
    if optimise_periods is not None or v_weights is not None:
        arrays = _fit_options(arrays, split, labels, optimise_periods, v_weights)
    donors = np.array([j for j in range(len(arrays.units)) if j != t], dtype=np.int_)
    fit = fit_unit(arrays, t, donors)
    gaps = gaps_for(arrays, t, donors, fit.weights)
    n_post = split.n_post
    own = placebo_of(arrays, arrays.units[t], gaps, n_post)
    placebos: list[PlaceboFit] = []
    placebo_gaps = np.empty((gaps.size, 0))
    if placebo:
        tick = _ticker(progress, donors.size)
        placebos, placebo_gaps = run_placebos(arrays, t, donors, n_post, tick)
    loo = run_loo(arrays, t, donors, fit.weights, n_post) if leave_one_out else {}
    return _result(
        arrays=arrays,
        t=t,
        donors=donors,
        fit=fit,
        gaps=gaps,
        own=own,
        placebos=placebos,
        placebo_gaps=placebo_gaps,
        loo=loo,
        split=split,
        labels=labels,
        ci_level=ci_level,
        inputs={
            "unit": unit,
            "time": time,
            "outcome": outcome,
            "treated": str(treated),
            "start": split.start,
            "end": split.end,
            "covariates": list(covariates),
            "predictors": [p.to_dict() for p in predictors] if predictors else None,
            "n_units": len(arrays.units),
            "n_pre": split.n_pre,
            "n_post": n_post,
        },
        params={
            "placebo": placebo,
            "ci_level": ci_level,
            "fit_filter": FIT_FILTER,
            "leave_one_out": leave_one_out,
            "optimise_periods": None
            if optimise_periods is None
            else [str(p) for p in optimise_periods],
            "v_weights": None if v_weights is None else [float(v) for v in v_weights],
        },
        seed=seed,
        outcome=outcome,
    )


def _ticker(progress: Progress | None, total: int) -> Callable[[], None] | None:
    if progress is None:
        return None
    done = [0]

    def tick() -> None:
        done[0] += 1
        progress(done[0], total)

    return tick


def _result(
    *,
    arrays: PanelArrays,
    t: int,
    donors: np.ndarray,
    fit: SynthFit,
    gaps: np.ndarray,
    own: PlaceboFit,
    placebos: list[PlaceboFit],
    placebo_gaps: np.ndarray,
    loo: dict[str, float],
    split: PeriodSplit,
    labels: Sequence[str],
    ci_level: float,
    inputs: dict[str, Any],
    params: dict[str, Any],
    seed: int,
    outcome: str,
) -> SynthResult:
    observed = arrays.y[:, t]
    cf = observed - gaps
    estimate = own.mean_gap
    cf_post = float(cf[split.n_pre :].mean())
    ci_low = ci_high = p_value = p_fit = None
    lower, upper = cf, cf
    extra: dict[str, Any] = {}
    if placebos:
        (q_lo, q_hi), lo, hi, n_used = placebo_band(
            own, placebos, placebo_gaps, split.n_post, ci_level
        )
        if np.isfinite(q_lo):
            ci_low, ci_high = estimate - q_hi, estimate - q_lo
            lower, upper = cf + lo, cf + hi
        p_value = rmspe_p_value(own, placebos, None)
        p_fit = rmspe_p_value(own, placebos, FIT_FILTER)
        extra["placebos_in_interval"] = n_used
    z_pre = arrays.y[: split.n_pre]
    checks, warns = run_diagnostics(
        pre_rmspe=own.pre_rmspe,
        z_treated=z_pre[:, t],
        z_donors=z_pre[:, donors],
        ci_level=ci_level,
        placebo=bool(placebos),
        estimate=estimate,
        loo=loo,
        predictors=_ranges(arrays, labels, t, donors),
    )
    for text in warns:
        warnings.warn(f"synthetic control: {text}", MethodWarning, stacklevel=3)
    extra |= {
        "cumulative_effect": float(gaps[split.n_pre :].sum()),
        "p_value_well_fitting": p_fit,
        "loss_v": fit.loss_v,
        "loo_range": [min(loo.values()), max(loo.values())] if loo else None,
    }
    return SynthResult(
        method="synthetic control",
        estimand=(
            f"average post-period gap in {outcome} between {arrays.units[t]} and its synthetic"
            " control (Maryland level 3: a weighted comparison group matched on the pre-period)"
        ),
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        unit=f"{outcome} per period",
        ci_level=ci_level,
        relative_estimate=100.0 * estimate / cf_post if cf_post else None,
        series=EffectSeries.from_arrays(
            split.pre + split.post,
            observed.tolist(),
            cf.tolist(),
            lower.tolist(),
            upper.tolist(),
            split.start,
        ),
        weights={arrays.units[int(j)]: float(w) for j, w in zip(donors, fit.weights, strict=True)},
        diagnostics=checks,
        warnings=warns,
        inputs=inputs,
        params=params,
        seed=seed,
        maryland_level=3,
        extra=extra,
        pre_rmspe=own.pre_rmspe,
        post_rmspe=own.post_rmspe,
        rmspe_ratio=own.ratio,
        v_weights={lab: float(v) for lab, v in zip(labels, fit.v, strict=True)},
        balance=_balance(arrays, labels, t, donors, fit),
        placebos=tuple(placebos),
        leave_one_out=loo,
    )
