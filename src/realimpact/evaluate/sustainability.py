"""Sustainability: does an effect persist, decay or emerge over the post period?

The UKDPC framework asks whether enforcement effects last (report section on
sustainability of impact). :func:`sustainability` splits the post period of any
:class:`~realimpact.evaluate.EffectResult` into windows (by default months 1-3, 4-6,
7-12 and 13 on) and gives the mean effect per period in each, with an interval:

* from the simulation draws when the result keeps them (ITS and structural time series
  return :class:`~realimpact.evaluate.its.SimulatedEffectResult`): the window mean of
  each draw, then its quantiles, which is exact for the simulated model;
* otherwise from the series' pointwise counterfactual bounds, averaged over the window.
  Averaging bounds assumes the errors in the window are perfectly correlated, so these
  intervals are conservative (too wide), which the result says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from realimpact.evaluate._result import EffectResult
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable

__all__ = ["DEFAULT_WINDOWS", "SustainabilityResult", "WindowEffect", "sustainability"]

DEFAULT_WINDOWS: tuple[tuple[int, int | None], ...] = ((1, 3), (4, 6), (7, 12), (13, None))
Pattern = Literal["persistent", "decaying", "emerging", "none", "mixed"]


@dataclass(frozen=True)
class WindowEffect:
    """Mean effect per period in one window of the post period (periods counted from 1)."""

    label: str
    first: int
    last: int
    n_periods: int
    estimate: float
    ci_low: float | None
    ci_high: float | None
    relative_estimate: float | None

    @property
    def significant(self) -> bool:
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0


@dataclass(frozen=True)
class SustainabilityResult:
    """Effects by post-period window and the pattern they make."""

    method: str
    unit: str
    ci_level: float
    windows: tuple[WindowEffect, ...]
    pattern: Pattern
    interval_source: Literal["simulation draws", "pointwise bounds (conservative)", "none"]

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}
        out["windows"] = [{**to_jsonable(w), "significant": w.significant} for w in self.windows]
        return out

    def summary(self) -> str:
        words = {
            "persistent": "the effect persists: it is still clear in the last window",
            "decaying": "the effect decays: clear at first, no longer clear in the last window",
            "emerging": "the effect emerges late: not clear at first, clear in the last window",
            "none": "no clear effect in any window",
            "mixed": "the windows do not show a simple pattern",
        }
        lines = [f"Sustainability ({self.method}): {words[self.pattern]}"]
        for w in self.windows:
            ci = (
                f" ({self.ci_level:.0%} interval {w.ci_low:,.3g} to {w.ci_high:,.3g})"
                if w.ci_low is not None and w.ci_high is not None
                else ""
            )
            lines.append(f"  {w.label}: {w.estimate:,.3g} {self.unit}{ci}")
        lines.append(f"  intervals from {self.interval_source}")
        return "\n".join(lines)


def _label(first: int, last: int | None) -> str:
    return f"months {first}+" if last is None else f"months {first}-{last}"


def _pattern(windows: Sequence[WindowEffect]) -> Pattern:
    sig = [w.significant for w in windows]
    if not any(sig):
        return "none"
    first, last = windows[0], windows[-1]
    if len(windows) == 1 or (
        sig[0] and sig[-1] and np.sign(first.estimate) == np.sign(last.estimate)
    ):
        return "persistent"
    if sig[0] and not sig[-1]:
        return "decaying"
    if not sig[0] and sig[-1]:
        return "emerging"
    return "mixed"


def _check(result: EffectResult, windows: Sequence[tuple[int, int | None]]) -> None:
    problems = []
    if result.series is None:
        problems.append(Problem("the result has no series.", "Use a method that returns one."))
    for first, last in windows:
        if first < 1 or (last is not None and last < first):
            problems.append(
                Problem(
                    f"window ({first}, {last}) is not a range of post periods counted from 1.",
                    "Give (first, last) with 1 <= first <= last, or last None for open-ended.",
                )
            )
    if problems:
        raise ConfigError("sustainability: cannot split this result", problems)


def sustainability(
    result: EffectResult,
    *,
    windows: Sequence[tuple[int, int | None]] = DEFAULT_WINDOWS,
) -> SustainabilityResult:
    """Mean effect per period in windows of the post period, with intervals.

    Parameters
    ----------
    result
        Any evaluation result with a ``series``.
    windows
        ``(first, last)`` post periods counted from 1; ``last=None`` runs to the end.
        Windows that start after the post period ends are dropped.

    Returns
    -------
    SustainabilityResult
        One :class:`WindowEffect` per window and the ``pattern``: ``persistent``,
        ``decaying``, ``emerging``, ``none`` or ``mixed``.

    Examples
    --------
    >>> from realimpact.evaluate._result import EffectResult, EffectSeries
    >>> s = EffectSeries.from_arrays(range(8), [9, 9, 5, 5, 5, 9, 9, 9], [9] * 8,
    ...                              [8] * 8, [10] * 8, 2)
    >>> r = EffectResult("demo", "demo", -1.7, None, None, None, "crimes", series=s)
    >>> sustainability(r, windows=((1, 3), (4, None))).pattern
    'decaying'
    """
    _check(result, windows)
    s = result.series
    assert s is not None
    post = s.post_index
    obs = np.asarray(s.observed[post:], dtype=float)
    cf = np.asarray(s.counterfactual[post:], dtype=float)
    lower = np.asarray(s.lower[post:], dtype=float)
    upper = np.asarray(s.upper[post:], dtype=float)
    draws = getattr(result, "effect_draws", None)
    use_draws = draws is not None and np.shape(draws)[1:] == obs.shape
    q = ((1 - result.ci_level) / 2, (1 + result.ci_level) / 2)
    out = []
    for first, last in windows:
        if first > len(obs):
            continue
        stop = len(obs) if last is None else min(last, len(obs))
        sl = slice(first - 1, stop)
        est = float(np.mean(obs[sl] - cf[sl]))
        if use_draws:
            lo, hi = (float(v) for v in np.quantile(np.asarray(draws)[:, sl].mean(axis=1), q))
        else:
            lo, hi = float(np.mean(obs[sl] - upper[sl])), float(np.mean(obs[sl] - lower[sl]))
        cf_mean = float(np.mean(cf[sl]))
        out.append(
            WindowEffect(
                _label(first, last),
                first,
                stop,
                stop - first + 1,
                est,
                lo,
                hi,
                100 * est / cf_mean if cf_mean > 0 else None,
            )
        )
    return SustainabilityResult(
        method=result.method,
        unit=result.unit,
        ci_level=result.ci_level,
        windows=tuple(out),
        pattern=_pattern(out) if out else "none",
        interval_source="simulation draws" if use_draws else "pointwise bounds (conservative)",
    )
