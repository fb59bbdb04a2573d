"""The Weighted Displacement Difference test (Wheeler & Ratcliffe 2018); see `displacement`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy import stats

from realimpact.evaluate._counts import Pair
from realimpact.evaluate._counts import check as _check
from realimpact.evaluate._counts import pair as _pair
from realimpact.evaluate._result import Diagnostic, EffectResult
from realimpact.exceptions import ConfigError, Problem

__all__ = ["WDDResult", "wdd", "wdd_harm"]


@dataclass(frozen=True, kw_only=True)
class WDDResult(EffectResult):
    """The WDD test (Wheeler & Ratcliffe 2018): an :class:`EffectResult` plus its parts.

    ``estimate`` is the total WDD (local + displacement) in ``unit`` (change from before
    to after; negative = crime fell relative to the controls), with ``se`` its Poisson
    standard error and ``z`` its z-score. ``est_local``/``se_local`` are the target-vs-
    control part, ``est_displace``/``se_displace`` the buffer-vs-buffer-control part
    (0 when no buffer was given). ``reading`` is the plain-English reading.
    """

    se: float = 0.0
    z: float = 0.0
    est_local: float = 0.0
    se_local: float = 0.0
    est_displace: float = 0.0
    se_displace: float = 0.0
    has_buffer: bool = False
    reading: str = ""

    def summary(self) -> str:
        """The WDD, its parts, the reading and the caveats."""
        lvl = f"{self.ci_level:.0%}"
        lines = [
            f"{self.method}: total {self.estimate:,.4g} {self.unit} (SE {self.se:,.4g}, "
            f"z {self.z:.2f}, p {self.p_value if self.p_value is not None else float('nan'):.3g}, "
            f"{lvl} interval {self.ci_low:,.4g} to {self.ci_high:,.4g})",
            f"  local (target vs control) {self.est_local:,.4g} (SE {self.se_local:,.4g})",
        ]
        if self.has_buffer:
            lines.append(
                f"  displacement (buffer vs its control) {self.est_displace:,.4g} "
                f"(SE {self.se_displace:,.4g})"
            )
        lines.append(f"  {self.reading}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _weights(
    time_weights: Sequence[float], area_weights: Sequence[float], problems: list[Problem]
) -> tuple[Pair, tuple[float, ...]]:
    tw = tuple(float(v) for v in time_weights)
    aw = tuple(float(v) for v in area_weights)
    if len(tw) != 2 or any(v <= 0 for v in tw):
        problems.append(
            Problem(
                f"time_weights must be two positive numbers; got {tw}.",
                "Give the lengths of the before and after periods, e.g. (2, 1).",
                column="time_weights",
            )
        )
        tw = (1.0, 1.0)
    if len(aw) != 4 or any(v <= 0 for v in aw):
        problems.append(
            Problem(
                f"area_weights must be four positive numbers; got {aw}.",
                "Give sizes in the order control, target, buffer-control, buffer.",
                column="area_weights",
            )
        )
        aw = (1.0, 1.0, 1.0, 1.0)
    return (tw[0], tw[1]), aw


def _diff(treated: Pair, control: Pair, tw: Pair, a_t: float, a_c: float) -> tuple[float, float]:
    """Weighted difference in differences and its Poisson variance."""
    w = (tw[0] * a_t, tw[1] * a_t, tw[0] * a_c, tw[1] * a_c)
    est = (treated[1] / w[1] - treated[0] / w[0]) - (control[1] / w[3] - control[0] / w[2])
    var = treated[1] / w[1] ** 2 + treated[0] / w[0] ** 2
    var += control[1] / w[3] ** 2 + control[0] / w[2] ** 2
    return est, var


def _z_p(est: float, se: float) -> tuple[float, float]:
    if se <= 0:
        return (0.0, 1.0) if est == 0 else (math.copysign(math.inf, est), 0.0)
    z = est / se
    return z, float(2 * stats.norm.sf(abs(z)))


def _wdd_reading(local: float, se_l: float, disp: float, se_d: float, buf: bool, lvl: float) -> str:
    crit = float(stats.norm.ppf(0.5 + lvl / 2))
    parts: list[str] = []
    if local + crit * se_l < 0:
        parts.append("Crime fell in the target area relative to the control.")
    elif local - crit * se_l > 0:
        parts.append("Crime rose in the target area relative to the control.")
    else:
        parts.append("No detectable change in the target area relative to the control.")
    if buf:
        if disp - crit * se_d > 0:
            parts.append("The buffer rose relative to its control: evidence of displacement.")
        elif disp + crit * se_d < 0:
            parts.append("The buffer fell relative to its control: diffusion of benefits.")
        else:
            parts.append("No evidence either way of displacement or diffusion in the buffer.")
    return " ".join(parts)


def wdd(
    target: Sequence[float],
    control: Sequence[float],
    *,
    buffer: Sequence[float] | None = None,
    buffer_control: Sequence[float] | None = None,
    time_weights: Sequence[float] = (1.0, 1.0),
    area_weights: Sequence[float] = (1.0, 1.0, 1.0, 1.0),
    ci_level: float = 0.95,
    crime_type: str | None = None,
    unit: str = "crimes",
) -> WDDResult:
    """Weighted Displacement Difference test (Wheeler & Ratcliffe 2018).

    Parameters
    ----------
    target, control
        ``(before, after)`` counts in the target area and its control.
    buffer, buffer_control
        Optional ``(before, after)`` counts in the buffer (displacement area) and in a
        control for the buffer. When a buffer is given without its own control, the
        target's control is used for it too.
    time_weights
        Lengths of the before and after periods (e.g. ``(2, 1)`` for 24 months before and
        12 after); the estimate is then a change per unit time.
    area_weights
        Sizes in the order control, target, buffer-control, buffer; the estimate is then a
        change per unit area.
    ci_level
        Level of the two-sided normal interval (ptools' default alpha 0.1 is a 0.90 level;
        realimpact defaults to 0.95).
    crime_type, unit
        Labels carried into the result.

    Returns
    -------
    WDDResult
        Total, local and displacement estimates with standard errors, z, two-sided p,
        interval and a plain-English reading.

    Notes
    -----
    Method: ``local = (T1 - T0) - (C1 - C0)``, ``displace = (D1 - D0) - (DC1 - DC0)``,
    ``WDD = local + displace``, variance = sum of the counts (each divided by its squared
    weight). Assumptions: counts are Poisson (the normal approximation is poor for tiny
    or overdispersed counts: a warning is given) and, without the intervention, target and
    control would have changed by the same number of crimes (parallel trends on the
    linear scale). Validated against R ``ptools::wdd`` tests.

    Examples
    --------
    >>> r = wdd((207, 110), (308, 318), buffer=(178, 157), buffer_control=(150, 140))
    >>> r.estimate, round(r.se**2)
    (-118.0, 1568)
    """
    problems: list[Problem] = []
    T = _pair("target", target, problems)
    C = _pair("control", control, problems)
    has_buffer = buffer is not None
    D = _pair("buffer", buffer, problems)
    DC = _pair(
        "buffer_control", buffer_control if buffer_control is not None else control, problems
    )
    if not has_buffer:
        DC = (0.0, 0.0)
    tw, aw = _weights(time_weights, area_weights, problems)
    if not 0 < ci_level < 1:
        problems.append(Problem(f"ci_level {ci_level} is not between 0 and 1.", "Use e.g. 0.95."))
    _check(problems, "WDD")
    est_l, var_l = _diff(T, C, tw, aw[1], aw[0])
    est_d, var_d = _diff(D, DC, tw, aw[3], aw[2])
    est, var = est_l + est_d, var_l + var_d
    se = math.sqrt(var)
    z, p = _z_p(est, se)
    crit = float(stats.norm.ppf(0.5 + ci_level / 2))
    warns, diags = _wdd_checks(T, C, D, DC, has_buffer, buffer_control is not None)
    return WDDResult(
        method="wdd",
        estimand=(
            "change in crimes from before to after in the target (and buffer) net of the "
            "change in the control areas (Wheeler & Ratcliffe 2018)"
        ),
        estimate=est,
        ci_low=est - crit * se,
        ci_high=est + crit * se,
        p_value=p,
        unit=unit,
        ci_level=ci_level,
        relative_estimate=_relative(T, C),
        diagnostics=diags,
        warnings=warns,
        inputs={
            "target": T,
            "control": C,
            "buffer": D if has_buffer else None,
            "buffer_control": DC if has_buffer else None,
            "crime_type": crime_type,
        },
        params={"time_weights": tw, "area_weights": aw, "ci_level": ci_level},
        maryland_level=3,
        extra={"maryland_reason": "before/after with a comparison (control) area: SMS 3"},
        se=se,
        z=z,
        est_local=est_l,
        se_local=math.sqrt(var_l),
        est_displace=est_d,
        se_displace=math.sqrt(var_d),
        has_buffer=has_buffer,
        reading=_wdd_reading(
            est_l, math.sqrt(var_l), est_d, math.sqrt(var_d), has_buffer, ci_level
        ),
    )


def _relative(T: Pair, C: Pair) -> float | None:
    """Percent change in the target vs the control-implied counterfactual."""
    if T[0] <= 0 or C[0] <= 0:
        return None
    expected = T[0] * C[1] / C[0]
    return None if expected <= 0 else 100.0 * (T[1] - expected) / expected


def _wdd_checks(
    T: Pair, C: Pair, D: Pair, DC: Pair, has_buffer: bool, own_buffer_control: bool
) -> tuple[tuple[str, ...], tuple[Diagnostic, ...]]:
    counts = [*T, *C, *(D if has_buffer else ()), *(DC if has_buffer else ())]
    small = min(counts) < 10
    warns: list[str] = []
    if small:
        warns.append(
            "Some counts are below 10: the normal approximation to the Poisson is poor; "
            "read the interval as rough."
        )
    if has_buffer and not own_buffer_control:
        warns.append("No buffer control given: the target's control was used for the buffer.")
    diag = Diagnostic(
        "counts large enough for the normal approximation",
        not small,
        f"smallest count {min(counts):g} (want >= 10)",
        float(min(counts)),
    )
    note = Diagnostic(
        "overdispersion not checked",
        True,
        "the WDD assumes Poisson counts; overdispersed counts make the interval too narrow",
    )
    return tuple(warns), (diag, note)


def wdd_harm(
    results: Sequence[WDDResult] | Mapping[str, WDDResult],
    weights: Sequence[float] | Mapping[str, float],
    *,
    part: str = "total",
    ci_level: float = 0.95,
    unit: str = "harm units",
) -> WDDResult:
    """Combine per-crime-type WDD tests with harm weights (Wheeler 2020, ``ptools::wdd_harm``).

    Parameters
    ----------
    results
        One :class:`WDDResult` per crime type (a mapping keyed by crime type, or a sequence
        in the same order as ``weights``).
    weights
        Harm weight per crime type (e.g. ONS Crime Severity Score points or CCHI days).
    part
        ``"total"`` (local + displacement), ``"local"`` or ``"displace"``.
    ci_level
        Level of the two-sided normal interval.

    Returns
    -------
    WDDResult
        ``estimate = sum(w_k * est_k)`` with ``se = sqrt(sum(w_k**2 * se_k**2))``.

    Notes
    -----
    A fall of 10 crimes of weight 10 has a larger variance than a fall of 25 crimes of
    weight 4, although both are 100 harm units: hence the squared weights. Assumes the
    crime types' counts are independent.
    """
    keys, res, w = _align(results, weights)
    attr = {
        "total": ("estimate", "se"),
        "local": ("est_local", "se_local"),
        "displace": ("est_displace", "se_displace"),
    }
    if part not in attr:
        raise ConfigError(
            "WDD harm", [Problem(f"unknown part {part!r}", "Use total, local or displace.")]
        )
    combined = {p: _combine(res, w, *a) for p, a in attr.items()}
    est, se = combined[part]
    z, p = _z_p(est, se)
    crit = float(stats.norm.ppf(0.5 + ci_level / 2))
    warns = tuple(sorted({x for r in res for x in r.warnings}))
    has_buffer = part == "total" and any(r.has_buffer for r in res)
    return WDDResult(
        method="wdd_harm",
        estimand=f"harm-weighted sum of per-crime-type WDD estimates ({part})",
        estimate=est,
        ci_low=est - crit * se,
        ci_high=est + crit * se,
        p_value=p,
        unit=unit,
        ci_level=ci_level,
        warnings=warns,
        inputs={"crime_types": keys, "estimates": [float(getattr(r, attr[part][0])) for r in res]},
        params={"weights": dict(zip(keys, w, strict=True)), "part": part},
        maryland_level=3,
        se=se,
        z=z,
        est_local=combined["local"][0] if part != "displace" else 0.0,
        se_local=combined["local"][1] if part != "displace" else 0.0,
        est_displace=combined["displace"][0] if has_buffer else 0.0,
        se_displace=combined["displace"][1] if has_buffer else 0.0,
        has_buffer=has_buffer,
        reading=_wdd_reading(
            combined["local"][0] if part != "displace" else est,
            combined["local"][1] if part != "displace" else se,
            combined["displace"][0],
            combined["displace"][1],
            has_buffer,
            ci_level,
        ),
    )


def _combine(res: Sequence[WDDResult], w: Sequence[float], ea: str, sa: str) -> tuple[float, float]:
    ests = [float(getattr(r, ea)) for r in res]
    ses = [float(getattr(r, sa)) for r in res]
    est = sum(wk * e for wk, e in zip(w, ests, strict=True))
    se = math.sqrt(sum((wk * s) ** 2 for wk, s in zip(w, ses, strict=True)))
    return est, se


def _align(
    results: Sequence[WDDResult] | Mapping[str, WDDResult],
    weights: Sequence[float] | Mapping[str, float],
) -> tuple[list[str], list[WDDResult], list[float]]:
    problems: list[Problem] = []
    if isinstance(results, Mapping):
        keys = list(results)
        res = [results[k] for k in keys]
        if isinstance(weights, Mapping):
            missing = [k for k in keys if k not in weights]
            problems.extend(
                Problem(f"no harm weight for {k!r}", "Add a weight for it.", entry=k)
                for k in missing
            )
            w = [float(weights.get(k, 0.0)) for k in keys]
        else:
            w = [float(v) for v in weights]
    else:
        res = list(results)
        keys = [r.inputs.get("crime_type") or f"#{i + 1}" for i, r in enumerate(res)]
        w = (
            [float(weights[k]) for k in keys]
            if isinstance(weights, Mapping)
            else [float(v) for v in weights]
        )
    if len(w) != len(res):
        problems.append(
            Problem(f"{len(w)} weights for {len(res)} results", "Give one weight per crime type.")
        )
    _check(problems, "WDD harm")
    return keys, res, w
