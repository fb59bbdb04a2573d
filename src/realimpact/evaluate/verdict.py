"""An overall verdict from several methods' results that never overstates.

Each method's :class:`~realimpact.evaluate._result.EffectResult` is read for its direction
(interval below 0 = fall, above 0 = rise, else no detectable change) and checked for
caveats: failed assumption diagnostics, poor pre-period fit, too few pre-periods, small
counts, a structural break in the window (the 2020 lockdown, March-June 2020), and
miscalibrated inference when a calibration is given. The verdict is the cautious
combination: a fall or rise is only claimed when methods whose checks passed agree and at
least one detects it; disagreement is "inconclusive"; "no detectable change" is a valid
answer. The design's Maryland Scientific Methods Scale level is recorded (Sherman et al.
1997; Farrington et al. 2002): 2 = before/after without a comparison, 3 = with a
comparable control (DiD, synthetic control, ITS with a comparison series).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from realimpact.evaluate._result import EffectResult
from realimpact.jsonable import to_jsonable

__all__ = ["STRUCTURAL_BREAKS", "MethodReading", "Verdict", "verdict"]

#: Known structural breaks in UK crime series: (first month, last month, description).
STRUCTURAL_BREAKS: tuple[tuple[str, str, str], ...] = (
    ("2020-03", "2020-06", "the first COVID-19 lockdown (March-June 2020)"),
)
MIN_PRE_PERIODS = 12
SMALL_COUNT = 10.0
#: Poor pre-period fit: mean absolute error above this share of the mean *and* above three
#: times the mean absolute deviation of Poisson noise, ``3 sqrt(2/pi) sqrt(mean)``.
POOR_FIT = 0.25


@dataclass(frozen=True)
class MethodReading:
    """One method's result read for the verdict."""

    method: str
    direction: str  # "fall" | "rise" | "no detectable change"
    estimate: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    unit: str
    checks_passed: bool
    caveats: tuple[str, ...]
    maryland_level: int | None
    inference: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The overall verdict, the readings behind it and every caveat."""

    conclusion: str  # "fall" | "rise" | "no detectable change" | "inconclusive"
    headline: str
    confidence: str  # "low" | "moderate"
    maryland_level: int | None
    maryland_reason: str
    readings: tuple[MethodReading, ...]
    caveats: tuple[str, ...]
    calibration: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [
            f"Verdict: {self.headline}",
            f"  confidence {self.confidence}; Maryland SMS level {self.maryland_level} "
            f"({self.maryland_reason})",
        ]
        for r in self.readings:
            ci = (
                ""
                if r.ci_low is None or r.ci_high is None
                else f" [{r.ci_low:,.3g}, {r.ci_high:,.3g}]"
            )
            ok = "" if r.checks_passed else " (assumption checks failed)"
            how = f"; {r.inference} inference" if r.inference else ""
            lines.append(f"  {r.method}: {r.direction}, {r.estimate:,.3g}{ci} {r.unit}{how}{ok}")
        lines.extend(f"  caveat: {c}" for c in self.caveats)
        return "\n".join(lines)


def _direction(r: EffectResult) -> str:
    if r.ci_low is not None and r.ci_high is not None:
        if r.ci_high < 0:
            return "fall"
        if r.ci_low > 0:
            return "rise"
        return "no detectable change"
    if r.significant:
        return "fall" if r.estimate < 0 else "rise"
    return "no detectable change"


def _series_caveats(r: EffectResult) -> list[str]:
    s = r.series
    if s is None:
        return []
    out: list[str] = []
    k = s.post_index
    if k < MIN_PRE_PERIODS:
        out.append(f"only {k} pre-periods (want at least {MIN_PRE_PERIODS})")
    pre_obs = s.observed[:k]
    if pre_obs:
        mean = sum(pre_obs) / len(pre_obs)
        if mean < SMALL_COUNT:
            out.append(f"small counts (pre-period mean {mean:.1f} per period)")
        mae = sum(abs(o - c) for o, c in zip(pre_obs, s.counterfactual[:k], strict=True))
        mae /= len(pre_obs)
        noise = 3 * math.sqrt(2 / math.pi) * math.sqrt(max(mean, 0.0))
        if mean > 0 and mae / mean > POOR_FIT and mae > noise:
            out.append(
                f"poor pre-period fit (mean absolute error {mae / mean:.0%} of the mean, more "
                "than three times Poisson noise)"
            )
    for first, last, what in STRUCTURAL_BREAKS:
        if any(first <= t[:7] <= last for t in s.time):
            out.append(f"the window includes {what}, a structural break")
    return out


def _read(r: EffectResult, calibration: Mapping[str, float], alpha: float) -> MethodReading:
    caveats = [f"{d.name}: {d.message}" for d in r.diagnostics if not d.ok]
    if r.ci_low is not None and r.ci_high is not None and r.ci_high - r.ci_low <= 0:
        caveats.append("degenerate interval of zero width: the model fitted the pre-period exactly")
    failed = bool(caveats)
    series_cav = _series_caveats(r)
    caveats += series_cav
    if any(c.startswith(("poor pre-period fit", "only ")) for c in series_cav):
        failed = True
    rate = calibration.get(r.method)
    if rate is not None and rate > 1.5 * alpha:
        caveats.append(
            f"placebo check: untreated areas flagged at {rate:.0%} against a nominal {alpha:.0%}"
        )
        failed = True
    return MethodReading(
        method=r.method,
        direction=_direction(r),
        estimate=r.estimate,
        ci_low=r.ci_low,
        ci_high=r.ci_high,
        p_value=r.p_value,
        unit=r.unit,
        checks_passed=not failed,
        caveats=tuple(caveats),
        maryland_level=r.maryland_level,
        inference=None if r.params.get("inference") is None else str(r.params["inference"]),
    )


def _conclude(readings: Sequence[MethodReading]) -> tuple[str, str, str]:
    passed = [r for r in readings if r.checks_passed]
    trusted = passed or list(readings)
    set_aside = len(readings) - len(passed) if passed else 0
    aside = f"; {set_aside} method(s) set aside for failed checks" if set_aside else ""
    low = not passed
    dirs = {r.direction for r in trusted} - {"no detectable change"}
    n, names = len(trusted), ", ".join(r.method for r in trusted)
    if not dirs:
        conf = "low" if low else "moderate"
        return "no detectable change", f"no detectable change ({names}{aside})", conf
    if len(dirs) > 1:
        return "inconclusive", f"inconclusive: methods disagree in direction ({names})", "low"
    d = dirs.pop()
    k = sum(r.direction == d for r in trusted)
    word = "fell" if d == "fall" else "rose"
    if low:
        head = f"inconclusive: every method failed an assumption check ({k} of {n} show a {d})"
        return "inconclusive", head, "low"
    if k == n and n >= 2 and not low:
        head = f"the measure {word} relative to the counterfactual ({k} of {n} methods{aside})"
        return d, head, "moderate"
    rest = "; the rest see no detectable change" if k < n else ""
    return d, f"some evidence the measure {word} ({k} of {n} methods{rest}{aside})", "low"


def verdict(
    results: Sequence[EffectResult],
    *,
    calibration: Mapping[str, float] | None = None,
    alpha: float = 0.05,
    extra_caveats: Sequence[str] = (),
) -> Verdict:
    """Combine method results into one cautious verdict.

    Parameters
    ----------
    results
        Results of the methods run on the same target series (ITS, DiD, synthetic
        control, structural time series...).
    calibration
        Optional false-positive rate per method name measured by placebo runs on untreated
        areas (e.g. ``{"its": 0.18}``) for results whose inference is still model-based; a
        rate above 1.5 x ``alpha`` marks the method's inference as miscalibrated. Results
        already given placebo-calibrated inference
        (:func:`~realimpact.evaluate.calibration.calibrate_result`) should not be listed:
        their p-value and interval are the calibrated ones, which the verdict reads.
    alpha
        Nominal level of the tests.
    extra_caveats
        Caveats from outside the methods (e.g. displacement, data quality).

    Returns
    -------
    Verdict
        ``conclusion`` is "fall", "rise", "no detectable change" or "inconclusive".

    Notes
    -----
    A method whose assumption checks failed (a failed diagnostic, poor pre-period fit, too
    few pre-periods, miscalibration) does not count towards a claimed change unless no
    method passed, in which case confidence is "low". A structural break or small counts
    are caveats that lower nothing by themselves but are always shown.
    """
    cal = dict(calibration or {})
    readings = tuple(_read(r, cal, alpha) for r in results)
    if not readings:
        return Verdict(
            "inconclusive",
            "no method could be run",
            "low",
            None,
            "no design",
            (),
            tuple(extra_caveats),
            cal,
        )
    conclusion, headline, confidence = _conclude(readings)
    levels = [r.maryland_level for r in readings if r.maryland_level is not None]
    level = max(levels) if levels else None
    reason = {
        2: "before/after without a comparable control",
        3: "before/after with a comparison: control areas, a comparison series or a "
        "synthetic control",
    }.get(level or 0, "not recorded by the methods")
    caveats = sorted({f"{r.method}: {c}" for r in readings for c in r.caveats} | set(extra_caveats))
    return Verdict(conclusion, headline, confidence, level, reason, readings, tuple(caveats), cal)
