"""Survey indicators with Wilson confidence intervals and small-sample warnings.

Each item's indicator is the proportion of respondents who gave a valid answer (not
"don't know", not blank) in the item's indicator levels, e.g. percent agreeing (Appendix
D's "agree strongly" + "agree slightly") or percent saying drug use or dealing is "a very
or fairly big problem" (PSA 25). Tagged free-text concerns give, per harm, the proportion
of all respondents whose concern was tagged with it.

Interval: Wilson score interval (Wilson 1927, JASA 22:209-212), recommended over the Wald
interval for small samples and proportions near 0 or 1 (Brown, Cai & DasGupta 2001,
Statistical Science 16:101-133). Assumes a simple random sample of independent
respondents; a self-selected sample (like the report's own poll) is not representative
whatever the interval says.

Warnings: ``n < 30`` (small sample) and fewer than 5 respondents in either cell
(yes / no), where normal approximations are poor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import stats

from realimpact.define.survey import Survey

__all__ = ["MIN_CELL", "MIN_N", "Indicator", "indicators", "wilson_interval"]

MIN_N = 30
MIN_CELL = 5


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ((nan, nan) when n = 0).

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(81, 263)]
    [0.2553, 0.3662]
    """
    if n == 0:
        return (math.nan, math.nan)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Indicator:
    """One indicator: count of "yes" among ``n`` valid answers, proportion and interval."""

    id: str
    text: str
    kind: str
    count: int
    n: int
    dont_know: int
    missing: int
    proportion: float
    low: float
    high: float
    level: float
    harms: tuple[str, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def summary(self) -> str:
        pct = f"{100 * self.proportion:.1f}%" if self.n else "n/a"
        ci = f"[{100 * self.low:.1f}, {100 * self.high:.1f}]" if self.n else ""
        return f"{self.id}: {pct} {ci} ({self.count}/{self.n})" + "".join(
            f" WARNING: {w}" for w in self.warnings
        )


def _warnings(count: int, n: int) -> tuple[str, ...]:
    out = []
    if n < MIN_N:
        out.append(f"small sample: n = {n} < {MIN_N}; the interval is wide and unstable.")
    if n and min(count, n - count) < MIN_CELL:
        out.append(f"a cell has fewer than {MIN_CELL} respondents (yes {count}, no {n - count}).")
    return tuple(out)


def _make(
    id: str,
    text: str,
    kind: str,
    count: int,
    n: int,
    dk: int,
    missing: int,
    level: float,
    harms: tuple[str, ...],
) -> Indicator:
    lo, hi = wilson_interval(count, n, level)
    prop = count / n if n else math.nan
    return Indicator(
        id, text, kind, count, n, dk, missing, prop, lo, hi, level, harms, _warnings(count, n)
    )


def indicators(survey: Survey, *, level: float = 0.95) -> tuple[Indicator, ...]:
    """Indicators of every item of the survey, then one per harm tagged in free text.

    Parameters
    ----------
    survey : Survey
        Imported responses.
    level : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    tuple of Indicator
        Items first (``kind="item"``, id = item id), then concerns
        (``kind="concern"``, id = ``concern:<harm id>``), each with count, n, proportion,
        interval and warnings (module docstring).
    """
    out = []
    for item in survey.items:
        scale = survey.catalogue.scale_of(item)
        dk_ids = {lv.id for lv in scale.levels if lv.dont_know}
        values = list(survey.answers[item.id].values())
        missing = sum(v is None for v in values)
        dk = sum(v in dk_ids for v in values)
        valid = [v for v in values if v is not None and v not in dk_ids]
        count = sum(v in item.indicator for v in valid)
        out.append(
            _make(item.id, item.text, "item", count, len(valid), dk, missing, level, item.harms)
        )
    tagged: dict[str, int] = {}
    for c in survey.concerns:
        for h in c.harm_ids:
            tagged[h] = tagged.get(h, 0) + 1
    for hid, count in tagged.items():
        out.append(
            _make(
                f"concern:{hid}",
                f"Free-text concern tagged {hid}",
                "concern",
                count,
                survey.n,
                0,
                0,
                level,
                (hid,),
            )
        )
    return tuple(out)
