"""The inputs of a net-harm prediction: ledger lines, uncertain inputs and their draws.

Each targeted harm, displacement risk and side effect of a plan becomes one
:class:`LedgerInput`. Its change is drawn from a triangular distribution over the plan's
range (mode: the plan's ``mode`` or the midpoint). A line in ``percent`` also draws its
baseline: the monthly rate of each police.uk crime type in the area has a Jeffreys
Gamma(count + 1/2, 1/months) posterior for a Poisson rate, weighted by the weight table
into harm units per month. A displacement share is uniform over its range and undoes
(``share > 0``) or extends (``share < 0``, diffusion) the change of its targeted harm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import stats

__all__ = ["Baseline", "LedgerInput", "draw", "quantile"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Baseline:
    """Monthly counts of crime types in the area over ``months`` months, and their weights."""

    counts: Mapping[str, float]
    weights: Mapping[str, float]
    months: int
    window: tuple[str, str]

    def harm_per_month(self) -> float:
        """Point estimate: sum of count / months * weight."""
        return sum(n / self.months * self.weights[k] for k, n in self.counts.items())

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` draws of harm units per month (Jeffreys Gamma posterior per crime type)."""
        total = np.zeros(n)
        for k, c in self.counts.items():
            if self.weights[k]:
                total += rng.gamma(c + 0.5, 1.0 / self.months, size=n) * self.weights[k]
        return total

    def quantile(self, q: float) -> float:
        """Approximate quantile of harm per month (normal approximation of the weighted sum)."""
        mean = sum((c + 0.5) / self.months * self.weights[k] for k, c in self.counts.items())
        var = sum((c + 0.5) / self.months**2 * self.weights[k] ** 2 for k, c in self.counts.items())
        return float(max(0.0, mean + stats.norm.ppf(q) * np.sqrt(var)))


@dataclass(frozen=True)
class LedgerInput:
    """One line of the ledger before simulation.

    ``kind`` is ``target``, ``displacement`` or ``side-effect``; ``scale`` is ``harm`` (harm
    units per month) or ``ordinal`` (points); ``low``/``mode``/``high`` are percent,
    ordinal points or (displacement) a share; ``of_line`` names the target line a
    displacement share applies to.
    """

    id: str
    kind: str
    harm: str
    scale: str
    low: float
    mode: float
    high: float
    unit: str
    label: str
    baseline: Baseline | None = None
    of_line: str | None = None
    notes: tuple[str, ...] = field(default=())


def _triangular(rng: np.random.Generator, lo: float, mode: float, hi: float, n: int) -> FloatArray:
    if hi <= lo:
        return np.full(n, lo)
    return rng.triangular(lo, mode, hi, size=n)


def draw(
    inputs: tuple[LedgerInput, ...],
    rng: np.random.Generator,
    n: int,
    fixed: Mapping[str, float] | None = None,
) -> dict[str, FloatArray]:
    """Contribution draws of each line (harm units per month or ordinal points).

    ``fixed`` pins inputs (``<id>`` for a line's change or share, ``<id>.baseline`` for its
    baseline) at a value, for one-at-a-time sensitivity.
    """
    fixed = fixed or {}
    out: dict[str, FloatArray] = {}
    for line in inputs:
        if line.kind == "displacement":
            continue
        change = _value(line.id, fixed, rng, line, n)
        if line.baseline is not None:
            key = f"{line.id}.baseline"
            base = np.full(n, fixed[key]) if key in fixed else line.baseline.draw(rng, n)
            out[line.id] = base * change / 100.0
        else:
            out[line.id] = change
    for line in inputs:
        if line.kind == "displacement" and line.of_line is not None:
            share = _value(line.id, fixed, rng, line, n)
            out[line.id] = -share * out[line.of_line]
    return out


def _value(
    key: str, fixed: Mapping[str, float], rng: np.random.Generator, line: LedgerInput, n: int
) -> FloatArray:
    if key in fixed:
        return np.full(n, fixed[key])
    if line.kind == "displacement":
        return (
            rng.uniform(line.low, line.high, size=n)
            if line.high > line.low
            else np.full(n, line.low)
        )
    return _triangular(rng, line.low, line.mode, line.high, n)


def quantile(values: FloatArray, q: float) -> float:
    """Empirical quantile as a float."""
    return float(np.quantile(values, q))
