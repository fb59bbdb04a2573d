"""The Weighted Displacement Quotient (Bowers & Johnson 2003); see :mod:`.displacement`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from realimpact.evaluate._counts import check as _check
from realimpact.evaluate._counts import pair as _pair
from realimpact.exceptions import Problem

__all__ = ["WDQResult", "wdq"]

#: |success measure| below this is treated as "no change" (WDQ would be unstable).
_TINY_SUCCESS = 1e-9


@dataclass(frozen=True)
class WDQResult:
    """The Weighted Displacement Quotient and its parts (Bowers & Johnson 2003).

    Attributes follow the paper's notation: ``R`` target (response), ``D`` buffer
    (displacement), ``C`` control; ``b`` before, ``a`` after.

    ``success_measure`` is ``Ra/Ca - Rb/Cb`` (negative = the target fell relative to the
    control); ``buffer_measure`` is ``Da/Ca - Db/Cb`` (positive = possible displacement,
    negative = possible diffusion of benefits); ``wdq`` is their ratio, ``None`` when it is
    not meaningful (the target did not fall); ``total_net_effect`` is the number of crimes
    saved net of displacement, ``[Rb*Ca/Cb - Ra] + [Db*Ca/Cb - Da]`` (positive = fewer).
    """

    Rb: float
    Ra: float
    Db: float
    Da: float
    Cb: float
    Ca: float
    gross_effect: float
    net_effect: float
    success_measure: float
    buffer_measure: float
    wdq: float | None
    total_net_effect: float
    meaningful: bool
    reading: str
    warnings: tuple[str, ...] = ()
    crime_type: str | None = None
    unit: str = "crimes"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["method"] = "wdq"
        out["warnings"] = list(self.warnings)
        return out

    def summary(self) -> str:
        wq = "not meaningful" if self.wdq is None else f"{self.wdq:.3f}"
        head = f"WDQ{f' ({self.crime_type})' if self.crime_type else ''}: {wq}"
        lines = [
            head,
            f"  success measure {self.success_measure:.4g}, buffer measure "
            f"{self.buffer_measure:.4g}, total net effect {self.total_net_effect:,.1f} "
            f"{self.unit} saved",
            f"  {self.reading}",
        ]
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _wdq_reading(q: float | None, success: float) -> str:
    if q is None:
        return (
            "The target area did not fall relative to the control "
            f"(success measure {success:+.3g} >= 0), so the WDQ is not meaningful: "
            "there is no effect to be displaced."
        )
    if q > 1:
        return "Diffusion of benefits larger than the direct effect (WDQ > 1)."
    if q > 0:
        return "Diffusion of benefits: the buffer also fell relative to the control (WDQ > 0)."
    if q == 0:
        return "No change in the buffer relative to the control (WDQ = 0)."
    if q >= -1:
        return (
            "Some displacement, smaller than the direct effect (-1 <= WDQ < 0): "
            "a net benefit remains."
        )
    return "Displacement larger than the direct effect (WDQ < -1): a net loss."


def wdq(
    target: Sequence[float],
    buffer: Sequence[float],
    control: Sequence[float],
    *,
    crime_type: str | None = None,
    unit: str = "crimes",
) -> WDQResult:
    """Weighted Displacement Quotient (Bowers & Johnson 2003).

    Parameters
    ----------
    target, buffer, control
        ``(before, after)`` counts in the target (response) area, the buffer around it
        and the control area, for before and after periods of equal length. Harm-weighted
        counts (sums of weight x count) are accepted as well.
    crime_type, unit
        Labels carried into the result.

    Returns
    -------
    WDQResult
        Gross and net effects, success measure, buffer measure, WDQ, total net effect
        and a plain-English reading.

    Notes
    -----
    Method: ``SM = Ra/Ca - Rb/Cb``, ``BDM = Da/Ca - Db/Cb``, ``WDQ = BDM/SM``,
    ``TNE = [Rb*Ca/Cb - Ra] + [Db*Ca/Cb - Da]`` (POP Center Tool Guide 10, Appendix B).
    Assumptions: the control shows what would have happened in the target and buffer
    without the response; the buffer is where displacement would show and is not itself
    treated. The WDQ is only meaningful when the target fell (``SM < 0``); it has no
    sampling error, so use :func:`wdd` for a test.

    Examples
    --------
    >>> r = wdq((100, 50), (100, 75), (100, 100))
    >>> round(r.wdq, 3), r.total_net_effect
    (0.5, 75.0)
    """
    problems: list[Problem] = []
    R = _pair("target", target, problems)
    D = _pair("buffer", buffer, problems)
    C = _pair("control", control, problems)
    for label, v in zip(("before", "after"), C, strict=True):
        if v == 0:
            problems.append(
                Problem(
                    f"control {label} count is 0; the WDQ divides by the control counts.",
                    "Choose a larger control area (or a longer period) with crimes in both.",
                    column="control",
                    entry=label,
                )
            )
    _check(problems, "WDQ")
    (Rb, Ra), (Db, Da), (Cb, Ca) = R, D, C
    success = Ra / Ca - Rb / Cb
    buffer_m = Da / Ca - Db / Cb
    meaningful = success < -_TINY_SUCCESS
    q = buffer_m / success if meaningful else None
    warns: list[str] = []
    if not meaningful:
        warns.append("WDQ not computed: the target did not fall relative to the control.")
    elif abs(success) < 0.02:
        warns.append(f"Success measure {success:.4f} is close to 0; the WDQ is unstable.")
    if min(Rb, Ra, Db, Da) < 20:
        warns.append("Small counts (< 20) in the target or buffer: the WDQ is very noisy.")
    return WDQResult(
        Rb=Rb,
        Ra=Ra,
        Db=Db,
        Da=Da,
        Cb=Cb,
        Ca=Ca,
        gross_effect=Rb - Ra,
        net_effect=Rb / Cb - Ra / Ca,
        success_measure=success,
        buffer_measure=buffer_m,
        wdq=q,
        total_net_effect=(Rb * Ca / Cb - Ra) + (Db * Ca / Cb - Da),
        meaningful=meaningful,
        reading=_wdq_reading(q, success),
        warnings=tuple(warns),
        crime_type=crime_type,
        unit=unit,
    )
