"""The synthetic-control result: an :class:`EffectResult` with the fit's own figures."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from realimpact.evaluate._result import EffectResult

__all__ = ["PlaceboFit", "PredictorBalance", "SynthResult"]


@dataclass(frozen=True)
class PlaceboFit:
    """One in-space placebo: a donor treated as if it had received the intervention.

    ``pre_rmspe`` and ``post_rmspe`` are root mean squared gaps before and after the
    start; ``ratio`` is post over pre; ``mean_gap`` is the average post-period gap;
    ``gaps`` is the whole gap series (observed minus synthetic, one value per period of
    the result's ``series``), the data behind a placebo "spaghetti" chart.
    """

    unit: str
    pre_rmspe: float
    post_rmspe: float
    ratio: float
    mean_gap: float
    gaps: tuple[float, ...] = ()


@dataclass(frozen=True)
class PredictorBalance:
    """A predictor's value for the treated unit, its synthetic control and the donor mean."""

    predictor: str
    treated: float
    synthetic: float
    donor_mean: float
    v_weight: float


@dataclass(frozen=True)
class SynthResult(EffectResult):
    """Result of :func:`synthetic_control`.

    Adds to :class:`EffectResult`: the pre- and post-period RMSPE of the treated unit and
    their ratio, the predictor weights ``v_weights``, the predictor ``balance`` table,
    every in-space ``placebos`` fit, and ``leave_one_out`` (the average post effect when
    each donor with positive weight is dropped and the model refitted).
    """

    pre_rmspe: float = math.nan
    post_rmspe: float = math.nan
    rmspe_ratio: float = math.nan
    v_weights: Mapping[str, float] = field(default_factory=dict)
    balance: tuple[PredictorBalance, ...] = ()
    placebos: tuple[PlaceboFit, ...] = ()
    leave_one_out: Mapping[str, float] = field(default_factory=dict)

    def placebo_frame(self) -> pd.DataFrame:
        """Gap series of the treated unit and every placebo, one row per unit and period.

        Columns: ``unit``, ``time``, ``gap``, ``treated`` (bool), ``pre_rmspe``.
        """
        times = self.series.time if self.series is not None else ()
        treated = self.series.effect if self.series is not None else ()
        rows = [(str(self.inputs.get("treated", "")), treated, True, self.pre_rmspe)]
        rows += [(p.unit, p.gaps, False, p.pre_rmspe) for p in self.placebos]
        return pd.DataFrame(
            [
                {"unit": u, "time": t, "gap": g, "treated": is_t, "pre_rmspe": r}
                for u, gaps, is_t, r in rows
                for t, g in zip(times, gaps, strict=False)
            ],
            columns=["unit", "time", "gap", "treated", "pre_rmspe"],
        )

    def top_weights(self, n: int = 10, minimum: float = 0.001) -> list[tuple[str, float]]:
        """The ``n`` largest donor weights above ``minimum``, largest first."""
        items = sorted((self.weights or {}).items(), key=lambda kv: -kv[1])
        return [(k, v) for k, v in items[:n] if v >= minimum]

    def summary(self) -> str:
        """The shared summary plus donor weights, fit and robustness."""
        lines = [super().summary()]
        donors = ", ".join(f"{k} {v:.3f}" for k, v in self.top_weights())
        lines.append(f"  donors: {donors}")
        lines.append(
            f"  pre-period RMSPE {self.pre_rmspe:.3g}, post/pre RMSPE ratio {self.rmspe_ratio:.3g}"
        )
        if self.leave_one_out:
            low, high = min(self.leave_one_out.values()), max(self.leave_one_out.values())
            lines.append(f"  leave-one-out effects range {low:.3g} to {high:.3g}")
        return "\n".join(lines)
