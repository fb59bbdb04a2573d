"""One-at-a-time sensitivity of a net-harm prediction: which input swings the sign.

Each uncertain input is set to its low and its high end (a baseline to its 5% and 95%
quantiles) with every other input at its central value (mode, or baseline point
estimate). An input *flips* a net when the net is negative at one end and positive at the
other: the plan's conclusion then hinges on that one assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from realimpact.plan.ledger import LedgerInput, draw

__all__ = ["Swing", "nets_of", "one_at_a_time"]


@dataclass(frozen=True)
class Swing:
    """Net at an input's low and high end, others central; ``flips`` if the sign changes."""

    input: str
    scale: str
    net_at_low: float
    net_at_high: float

    @property
    def flips(self) -> bool:
        lo, hi = self.net_at_low, self.net_at_high
        return (lo < 0 < hi) or (hi < 0 < lo)

    @property
    def width(self) -> float:
        return abs(self.net_at_high - self.net_at_low)


def nets_of(inputs: tuple[LedgerInput, ...], draws: dict[str, Any]) -> dict[str, Any]:
    """Sum of the line draws per scale (``harm``, ``ordinal``)."""
    nets: dict[str, Any] = {}
    for line in inputs:
        nets[line.scale] = nets.get(line.scale, 0.0) + draws[line.id]
    return nets


def one_at_a_time(inputs: tuple[LedgerInput, ...]) -> tuple[Swing, ...]:
    """Swings of every uncertain input on every scale it moves, widest first."""
    central: dict[str, float] = {i.id: i.mode for i in inputs}
    for i in inputs:
        if i.baseline is not None:
            central[f"{i.id}.baseline"] = i.baseline.harm_per_month()
    ends: dict[str, tuple[float, float]] = {i.id: (i.low, i.high) for i in inputs}
    for i in inputs:
        if i.baseline is not None:
            ends[f"{i.id}.baseline"] = (i.baseline.quantile(0.05), i.baseline.quantile(0.95))
    rng = np.random.default_rng(0)  # unused: every input is fixed
    swings = []
    for key, (lo, hi) in ends.items():
        if lo == hi:
            continue
        at = [nets_of(inputs, draw(inputs, rng, 1, {**central, key: v})) for v in (lo, hi)]
        for scale in at[0]:
            if at[0][scale][0] == at[1][scale][0]:
                continue
            swings.append(Swing(key, scale, float(at[0][scale][0]), float(at[1][scale][0])))
    return tuple(sorted(swings, key=lambda s: -s.width))
