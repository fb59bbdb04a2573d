"""From measurements to prioritisation scores: harm extent from baselines, concern from surveys.

Harm extent (0-4) of each problem is measured relative to the set of problems being
compared: ``4 x n / max(n)``, where ``n`` is the problem's baseline count of the crime
types that show the harm. Its range is the exact (Garwood) Poisson interval of ``n`` on
the same scale, so a small count gets a wide range (Garwood 1936, Biometrika 28:437-442).
This is a relative scale: adding a problem with a larger count lowers everyone's extent;
say so when reporting. Community concern (0-4) is ``4 x`` a survey indicator's proportion,
with its Wilson interval as the range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scipy import stats

from realimpact.define.baseline import Baseline
from realimpact.define.indicators import Indicator
from realimpact.define.profile import HarmAssessment, ProblemProfile

__all__ = ["apply_extents", "concern_score", "harm_extents", "poisson_interval"]


def poisson_interval(n: float, level: float = 0.9) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count ``n`` (rounded to an integer)."""
    k = round(n)
    a = (1 - level) / 2
    low = 0.0 if k == 0 else float(stats.chi2.ppf(a, 2 * k) / 2)
    return low, float(stats.chi2.ppf(1 - a, 2 * k + 2) / 2)


def harm_extents(
    baselines: Mapping[str, Baseline],
    harm_series: Mapping[str, Sequence[str]],
    *,
    level: float = 0.9,
) -> dict[str, dict[str, tuple[float, float, float]]]:
    """Extent (low, mode, high) on 0-4 of each harm for each problem (see module docstring).

    ``baselines`` maps problem name -> baseline; ``harm_series`` maps harm id -> the
    crime types (baseline rows) that show it.

    Examples
    --------
    >>> from realimpact.define.baseline import Baseline, BaselineRow
    >>> def b(n):
    ...     row = BaselineRow(series="Drugs", total=n, monthly_mean=n / 12, trend_per_month=0)
    ...     return Baseline(area="a", start="2024-01", end="2024-12", months=12, weights=None,
    ...                     unit=None, rows=(row,), total=row)
    >>> ext = harm_extents({"a": b(100), "b": b(50)},
    ...                    {"health.community.normalisation-of-drug-use-and-easy": ["Drugs"]})
    >>> ext["b"]["health.community.normalisation-of-drug-use-and-easy"][1]
    2.0
    """
    counts = {
        name: {
            h: sum(r.total for r in b.rows if r.series in types) for h, types in harm_series.items()
        }
        for name, b in baselines.items()
    }
    out: dict[str, dict[str, tuple[float, float, float]]] = {n: {} for n in baselines}
    for h in harm_series:
        top = max((c[h] for c in counts.values()), default=0.0)
        for name, c in counts.items():
            if top <= 0:
                out[name][h] = (0.0, 0.0, 0.0)
                continue
            lo, hi = poisson_interval(c[h], level)
            scale = 4.0 / top
            out[name][h] = (
                round(min(4.0, lo * scale), 3),
                round(min(4.0, c[h] * scale), 3),
                round(min(4.0, hi * scale), 3),
            )
    return out


def apply_extents(
    profile: ProblemProfile,
    extents: Mapping[str, tuple[float, float, float]],
    *,
    seriousness: Mapping[str, Any] | None = None,
    basis: str = "measured baseline",
) -> ProblemProfile:
    """A copy of ``profile`` whose harm scores carry these extents.

    Existing harm scores keep their seriousness unless ``seriousness`` gives one; harms
    not yet scored get ``unknown`` seriousness (the whole 0-4 scale).
    """
    seriousness = seriousness or {}
    old = {h.id: h for h in profile.harm_scores}
    scored = [
        HarmAssessment(
            id=h,
            extent=list(ext),
            seriousness=seriousness.get(h, old[h].seriousness if h in old else "unknown"),
            basis=basis,
        )
        for h, ext in extents.items()
    ]
    kept = [h for h in profile.harm_scores if h.id not in extents]
    return profile.model_copy(update={"harm_scores": (*kept, *scored)})


def concern_score(indicator: Indicator) -> list[float]:
    """Community concern on 0-4: 4 x the indicator's (Wilson low, proportion, Wilson high)."""
    if indicator.n == 0:
        return [0.0, 2.0, 4.0]
    return [round(4 * v, 3) for v in (indicator.low, indicator.proportion, indicator.high)]
