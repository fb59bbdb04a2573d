"""Predictor specifications for synthetic control and the matrices built from them.

A predictor is a variable averaged over chosen periods, as in R's ``Synth``
(``predictors`` averaged over ``time.predictors.prior`` and ``special.predictors`` such
as the outcome in given years). Abadie, Diamond & Hainmueller (2010, Table 1) use, for
example, ln(GDP per capita), the share aged 15-24 and the retail price averaged over
1980-88, beer consumption averaged over 1984-88, and cigarette sales in 1975, 1980 and
1988.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from realimpact.evaluate._panel import TimeIndex
from realimpact.exceptions import ConfigError, Problem

__all__ = ["Predictor", "PredictorMatrix", "build_predictors"]


@dataclass(frozen=True)
class Predictor:
    """One predictor: ``variable`` averaged over ``periods`` (all pre-periods when None).

    Examples
    --------
    >>> Predictor("cigsale", (1975,)).label
    'cigsale (1975)'
    >>> Predictor("beer", tuple(range(1984, 1989))).label
    'beer (1984-1988)'
    """

    variable: str
    periods: tuple[Any, ...] | None = None

    @property
    def label(self) -> str:
        if not self.periods:
            return f"{self.variable} (pre-period mean)"
        if len(self.periods) == 1:
            return f"{self.variable} ({self.periods[0]})"
        return f"{self.variable} ({self.periods[0]}-{self.periods[-1]})"

    def to_dict(self) -> dict[str, Any]:
        periods = None if self.periods is None else [str(p) for p in self.periods]
        return {"variable": self.variable, "periods": periods, "label": self.label}


@dataclass(frozen=True)
class PredictorMatrix:
    """Predictor values for every unit: ``values`` has shape (k predictors, N units).

    ``groups`` gives, for each row, the index of the V parameter it shares;
    ``optimise_v`` is False when the rows are the pre-period outcomes themselves (then
    equal V is exactly optimal and no search is needed).
    """

    labels: tuple[str, ...]
    values: NDArray[np.float64]
    groups: NDArray[np.int_]
    optimise_v: bool
    standardise: bool


def _problem_for(pred: Predictor, message: str, fix: str, source: str) -> Problem:
    return Problem(f"predictor {pred.label}: {message}", fix, file=source, column=pred.variable)


def _rows_for(
    pred: Predictor, index: TimeIndex, pre: Sequence[str]
) -> tuple[list[int], list[Problem]]:
    if pred.periods is None:
        return [index.labels.index(p) for p in pre], []
    rows, problems = [], []
    for period in pred.periods:
        pos = index.position_of(period)
        if pos < 0:
            problems.append(
                _problem_for(
                    pred,
                    f"period {period!r} is not in the data.",
                    f"Use periods from {index.labels[0]} to {index.labels[-1]}.",
                    "predictors",
                )
            )
        rows.append(pos)
    return rows, problems


def _values(
    pred: Predictor,
    wide: Mapping[str, pd.DataFrame],
    index: TimeIndex,
    pre: Sequence[str],
    source: str,
) -> tuple[NDArray[np.float64] | None, list[Problem]]:
    if pred.variable not in wide:
        known = ", ".join(sorted(wide))
        fix = f"Use one of: {known} (list covariates in `covariates=`)."
        return None, [_problem_for(pred, "the variable is not a column given.", fix, source)]
    rows, problems = _rows_for(pred, index, pre)
    if problems:
        return None, problems
    block = wide[pred.variable].iloc[rows]
    empty = block.isna().all(axis=0).to_numpy()
    for c in np.flatnonzero(empty)[:20]:
        span = f"{block.index[0]}" if len(block) == 1 else f"{block.index[0]}-{block.index[-1]}"
        problems.append(
            _problem_for(
                pred,
                f"unit {block.columns[c]!r} has no value in {span}.",
                "Fill the values, or choose periods where every unit has some.",
                source,
            )
        )
    if problems:
        return None, problems
    # Like R's Synth (na.rm = TRUE): the mean of the values present in the window.
    return np.asarray(np.nanmean(block.to_numpy(dtype=np.float64), axis=0)), []


def build_predictors(
    wide: Mapping[str, pd.DataFrame],
    index: TimeIndex,
    pre: Sequence[str],
    *,
    outcome: str,
    covariates: Sequence[str],
    predictors: Sequence[Predictor] | None,
    source: str = "data",
) -> PredictorMatrix:
    """Build the predictor matrix for all units.

    ``wide`` maps each variable to a (period label x unit) DataFrame. Without an explicit
    ``predictors`` list the predictors are each covariate's pre-period mean plus the
    outcome in every pre-period (the lags share one V weight); with no covariates the
    outcome lags alone, unstandardised, with equal V, so the weights minimise the
    pre-period MSPE exactly.

    Raises
    ------
    ConfigError
        Listing every unknown variable, unknown period and missing value.
    """
    if predictors is None:
        specs = [Predictor(c) for c in covariates]
        lags = [Predictor(outcome, (p,)) for p in pre]
        groups = list(range(len(specs))) + [len(specs)] * len(lags)
        specs += lags
        optimise = bool(covariates)
    else:
        specs = list(predictors)
        groups = list(range(len(specs)))
        optimise = len(specs) > 1
    rows, problems = [], []
    for pred in specs:
        values, found = _values(pred, wide, index, pre, source)
        problems += found
        if values is not None:
            rows.append(values)
    if not specs:
        problems.append(Problem("no predictors were given.", "Give at least one.", file=source))
    if problems:
        raise ConfigError(f"{source}: the synthetic-control predictors are unusable", problems)
    return PredictorMatrix(
        labels=tuple(p.label for p in specs),
        values=np.vstack(rows),
        groups=np.asarray(groups, dtype=np.int_),
        optimise_v=optimise,
        standardise=optimise or predictors is not None,
    )
