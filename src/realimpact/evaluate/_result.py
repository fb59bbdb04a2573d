"""The result shape shared by every evaluation method.

Every method returns an :class:`EffectResult` (or a subclass adding method-specific
fields): a frozen object with the estimate and its interval, a p-value where the method
gives one, the series needed to draw it, diagnostics, warnings, and the inputs and
parameters (including any ``seed``) that reproduce it. JSON field names are the same
across methods: ``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``weights``,
``series``, ``warnings``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from realimpact.jsonable import to_jsonable

__all__ = ["Diagnostic", "EffectResult", "EffectSeries"]


@dataclass(frozen=True)
class EffectSeries:
    """Observed and counterfactual series with the counterfactual's interval.

    ``time`` labels are strings (``YYYY-MM`` for monthly data, or the user's labels).
    ``post_start`` is the first label of the post-intervention period.
    """

    time: tuple[str, ...]
    observed: tuple[float, ...]
    counterfactual: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    post_start: str

    def __post_init__(self) -> None:
        n = len(self.time)
        for name in ("observed", "counterfactual", "lower", "upper"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"series {name} has {len(getattr(self, name))} values, not {n}")
        if self.post_start not in self.time:
            raise ValueError(f"post_start {self.post_start!r} is not one of the time labels")

    @classmethod
    def from_arrays(
        cls,
        time: Sequence[Any],
        observed: Sequence[float],
        counterfactual: Sequence[float],
        lower: Sequence[float],
        upper: Sequence[float],
        post_start: Any,
    ) -> EffectSeries:
        return cls(
            time=tuple(str(t) for t in time),
            observed=tuple(float(v) for v in observed),
            counterfactual=tuple(float(v) for v in counterfactual),
            lower=tuple(float(v) for v in lower),
            upper=tuple(float(v) for v in upper),
            post_start=str(post_start),
        )

    @property
    def effect(self) -> tuple[float, ...]:
        """Pointwise effect: observed minus counterfactual."""
        return tuple(o - c for o, c in zip(self.observed, self.counterfactual, strict=True))

    @property
    def post_index(self) -> int:
        return self.time.index(self.post_start)

    def to_frame(self) -> Any:
        """The series as a pandas DataFrame (one row per period)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "time": self.time,
                "observed": self.observed,
                "counterfactual": self.counterfactual,
                "lower": self.lower,
                "upper": self.upper,
                "effect": self.effect,
                "post": [i >= self.post_index for i in range(len(self.time))],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": list(self.time),
            "observed": list(self.observed),
            "counterfactual": list(self.counterfactual),
            "lower": list(self.lower),
            "upper": list(self.upper),
            "effect": list(self.effect),
            "post_start": self.post_start,
        }


@dataclass(frozen=True)
class Diagnostic:
    """One check of a method's assumptions: ``ok`` is False when the check failed."""

    name: str
    ok: bool
    message: str
    value: float | str | None = None


@dataclass(frozen=True)
class EffectResult:
    """An estimated effect of an intervention, with everything needed to read and redo it.

    ``estimate`` is in ``unit`` (for example "crimes per month" or "harm units (CCHI days)
    per month"); negative means a fall relative to the counterfactual. ``ci_low`` and
    ``ci_high`` bound a ``ci_level`` interval. ``extra`` holds method-specific figures.
    """

    method: str
    estimand: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    unit: str
    ci_level: float = 0.95
    relative_estimate: float | None = None
    series: EffectSeries | None = None
    weights: Mapping[str, float] | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    warnings: tuple[str, ...] = ()
    inputs: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    maryland_level: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def significant(self) -> bool:
        """True when the interval excludes zero (or p < 1 - ci_level if no interval)."""
        if self.ci_low is not None and self.ci_high is not None:
            return self.ci_low > 0 or self.ci_high < 0
        if self.p_value is not None:
            return self.p_value < 1 - self.ci_level
        return False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            out[f.name] = to_jsonable(getattr(self, f.name))
        out["significant"] = self.significant
        return out

    def summary(self) -> str:
        """A plain-language summary of the estimate, its interval and its caveats."""

        def fmt(v: float | None) -> str:
            return "n/a" if v is None or not math.isfinite(v) else f"{v:,.3g}"

        lines = [
            f"{self.method}: {self.estimand}",
            f"  estimate {fmt(self.estimate)} {self.unit}"
            f" ({int(self.ci_level * 100)}% interval {fmt(self.ci_low)} to {fmt(self.ci_high)})",
        ]
        if self.relative_estimate is not None:
            lines.append(f"  relative change {fmt(self.relative_estimate)}%")
        if self.p_value is not None:
            lines.append(f"  p-value {self.p_value:.3g}")
        for d in self.diagnostics:
            lines.append(f"  [{'ok' if d.ok else 'WARN'}] {d.name}: {d.message}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)
