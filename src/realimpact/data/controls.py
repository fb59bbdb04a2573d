"""Candidate control LSOAs for a target area, ranked by pre-period level and trend.

:func:`candidate_controls` pools the 2021 LSOAs of the target's police force area, drops
the target, its neighbours and its likely buffer, and ranks the rest by a z-scaled distance
on the pre-period monthly level and trend (see its docstring). Moved here from
:mod:`realimpact.data.areas`, which still re-exports every name for compatibility.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from realimpact.data._area import Area, distance_to_area, make_area
from realimpact.data.geography import adjacent_lsoas, force_of, lsoa_table, lsoas_in_force
from realimpact.data.weights import CRIME_TYPES, suggest_crime_type
from realimpact.exceptions import ConfigError, Problem
from realimpact.workspace import Workspace

__all__ = [
    "CONTROL_METHOD",
    "ControlCandidates",
    "ControlScore",
    "SeriesFn",
    "candidate_controls",
]

CONTROL_METHOD = "same force, not adjacent; z-scaled distance on pre-period level and trend"

SeriesFn = Callable[[Sequence[str]], pd.DataFrame]


@dataclass(frozen=True)
class ControlScore:
    """One candidate control LSOA: its pre-period level and trend, and its distance."""

    lsoa: str
    level: float
    trend: float
    distance: float


@dataclass(frozen=True)
class ControlCandidates:
    """Candidate controls for a target, best first, with the scores that ranked them."""

    target: str
    target_level: float
    target_trend: float
    pool_size: int
    excluded: tuple[str, ...]
    scores: tuple[ControlScore, ...]
    method: str = CONTROL_METHOD

    @property
    def lsoas(self) -> tuple[str, ...]:
        return tuple(s.lsoa for s in self.scores)

    def area(self, name: str) -> Area:
        """The candidates as an area of kind ``controls``."""
        return make_area(
            name, self.lsoas, "controls", {"target": self.target, "method": self.method}
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_level": self.target_level,
            "target_trend": self.target_trend,
            "pool_size": self.pool_size,
            "excluded": list(self.excluded),
            "scores": [asdict(s) for s in self.scores],
            "method": self.method,
        }

    def summary(self) -> str:
        head = (
            f"Controls for {self.target} (level {self.target_level:.2f}/LSOA/month, "
            f"trend {self.target_trend:+.3f}/month); {self.pool_size} in pool"
        )
        rows = [
            f"  {s.lsoa}  level {s.level:7.2f}  trend {s.trend:+.3f}  d {s.distance:.3f}"
            for s in self.scores
        ]
        return "\n".join([head, *rows])


def _wide(panel: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Months x LSOAs counts from a wide frame or a long one (lsoa, month, count|value)."""
    if {"lsoa", "month"} <= set(panel.columns):
        value = next(c for c in ("count", "value", "n") if c in panel.columns)
        panel = panel.pivot_table(index="month", columns="lsoa", values=value, aggfunc="sum")
    return panel.reindex(columns=list(codes)).fillna(0.0).sort_index()


def _level_trend(wide: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    y = wide.to_numpy(dtype=float)
    t = np.arange(y.shape[0], dtype=float)
    tc = t - t.mean()
    slope = (tc @ (y - y.mean(axis=0))) / max(float(tc @ tc), 1e-12)
    return y.mean(axis=0), slope


def _default_series(
    workspace: Workspace | None,
    crime_types: Sequence[str] | None,
    start: str | None,
    end: str | None,
) -> SeriesFn:
    try:
        from realimpact.data.series import lsoa_panel
    except ImportError as exc:
        raise ConfigError(
            "no series source for candidate controls",
            [
                Problem(
                    "realimpact.data.series.lsoa_panel is not available.",
                    "Pass series_fn=, a callable returning monthly counts per LSOA.",
                )
            ],
        ) from exc

    if workspace is None:
        raise ConfigError(
            "no workspace to read series from",
            [
                Problem(
                    "candidate_controls needs a workspace or series_fn.",
                    "Pass the workspace holding imported police.uk data, or series_fn=.",
                )
            ],
        )
    ws = workspace

    def fn(codes: Sequence[str]) -> pd.DataFrame:
        return lsoa_panel(ws, codes, crime_types=crime_types, start=start, end=end)

    return fn


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _check_period_and_types(
    start: str | None, end: str | None, crime_types: Sequence[str] | None
) -> None:
    """Refuse months that are not YYYY-MM, a start after the end, and unknown crime types."""
    problems = [
        Problem(f"{value!r} is not a month.", "Write YYYY-MM, e.g. 2023-03.", column=name)
        for name, value in (("start", start), ("end", end))
        if value is not None and not _MONTH.match(value)
    ]
    if not problems and start is not None and end is not None and start > end:
        problems.append(
            Problem(f"start {start} is after end {end}.", "Swap --start and --end.", column="end")
        )
    problems += [
        Problem(f"unknown crime type {t!r}.", suggest_crime_type(t), column="crime_type", entry=t)
        for t in crime_types or ()
        if t not in CRIME_TYPES
    ]
    if problems:
        raise ConfigError("the pre-period or crime types cannot be used", problems)


def candidate_controls(
    workspace: Workspace | None,
    target: Area,
    *,
    series_fn: SeriesFn | None = None,
    n: int = 10,
    exclude_m: float = 1000.0,
    exclude: Iterable[str] = (),
    crime_types: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> ControlCandidates:
    """Rank LSOAs of the target's force as controls by similar pre-period level and trend.

    Parameters
    ----------
    workspace : Workspace or None
        Workspace whose store holds the imported police.uk data; may be None when
        ``series_fn`` is given.
    target : Area
        The target area (2021 LSOAs).
    series_fn : callable, optional
        ``series_fn(codes)`` returns monthly counts for the pre-period, wide (months x
        LSOAs) or long (``lsoa, month, count``). Default: ``realimpact.data.series.
        lsoa_panel`` on the workspace for ``crime_types`` between ``start`` and ``end``.
    n : int
        How many candidates to return.
    exclude_m : float
        LSOAs whose centroid lies within this many metres of the target (its likely
        buffer) are left out.
    exclude : iterable of str
        Further LSOA codes to leave out (e.g. a saved buffer).
    crime_types : sequence of str, optional
        police.uk crime types to count; default all.
    start, end : str, optional
        Pre-period as ``YYYY-MM`` months (inclusive).

    Returns
    -------
    ControlCandidates
        The ``n`` nearest candidates, best first, with the target's level and trend, the
        pool size and the excluded codes.

    Raises
    ------
    ConfigError
        Months not ``YYYY-MM`` or reversed, unknown crime types, a target outside England
        and Wales, fewer than 3 pre-period months, or no crimes at all in the pre-period.

    Notes
    -----
    Method: the pool is the 2021 LSOAs of the police force area holding most of the target,
    less the target, LSOAs adjacent to it, those within ``exclude_m`` and ``exclude``. For
    the target (mean per LSOA) and each pool LSOA the pre-period monthly counts give a level
    (mean) and a trend (OLS slope per month). The distance is
    ``sqrt(((L - L_t)/s_L)^2 + ((T - T_t)/s_T)^2)`` with ``s_L``, ``s_T`` the standard
    deviations over the pool; the ``n`` nearest are returned. Deterministic.

    Assumption: LSOAs similar in level and trend before the operation are plausible
    counterfactuals (check parallel pre-trends in the evaluation), as in the matched
    comparison areas of the UKDPC (2009) evaluation guidance (Chapter 4, step 6).
    """
    _check_period_and_types(start, end, crime_types)
    candidates, excluded = _pool(target, exclude_m, exclude)
    fn = series_fn or _default_series(workspace, crime_types, start, end)
    wide = _wide(fn([*target.lsoas, *candidates]), [*target.lsoas, *candidates])
    _check_series(wide)
    level, trend = _level_trend(wide)
    k = len(target.lsoas)
    lt, tt = float(level[:k].mean()), float(trend[:k].mean())
    cl, ct = level[k:], trend[k:]
    sl = float(cl.std(ddof=1)) if len(cl) > 1 and cl.std() > 0 else 1.0
    st = float(ct.std(ddof=1)) if len(ct) > 1 and ct.std() > 0 else 1.0
    d = np.sqrt(((cl - lt) / sl) ** 2 + ((ct - tt) / st) ** 2)
    order = np.argsort(d, kind="stable")[:n]
    scores = tuple(
        ControlScore(candidates[i], float(cl[i]), float(ct[i]), float(d[i])) for i in order
    )
    return ControlCandidates(target.name, lt, tt, len(candidates), excluded, scores)


def _pool(
    target: Area, exclude_m: float, exclude: Iterable[str]
) -> tuple[list[str], tuple[str, ...]]:
    """Candidate LSOAs of the target's force, and those left out (adjacent, near, given)."""
    force = Counter(v for v in force_of(target.lsoas).values() if v).most_common(1)
    if not force:
        raise ConfigError(
            "the target has no known police force area",
            [
                Problem(
                    "no target LSOA maps to a police force area.",
                    "Define the target with England or Wales LSOA codes.",
                )
            ],
        )
    near = set().union(*(adjacent_lsoas(c) for c in target.lsoas))
    pool_codes = list(lsoas_in_force(force[0][0]))
    pool = lsoa_table().loc[pool_codes]
    dist = distance_to_area(target, pool["lat"].to_numpy(), pool["lon"].to_numpy())
    near |= set(pool.loc[dist <= exclude_m, "code"]) | set(exclude)
    inner = set(target.lsoas)
    excluded = tuple(sorted(near - inner))
    return [c for c in pool_codes if c not in near and c not in inner], excluded


def _check_series(wide: pd.DataFrame) -> None:
    """Refuse fewer than 3 pre-period months, or a pre-period with no crimes at all."""
    if len(wide.index) < 3:
        raise ConfigError(
            "too few pre-period months to compare controls",
            [
                Problem(
                    f"the series has {len(wide.index)} month(s); level and trend need 3+.",
                    "Import police.uk data for the force first (realimpact data import), "
                    "or widen the pre-period (--start/--end).",
                )
            ],
        )
    if not wide.to_numpy().any():
        raise ConfigError(
            "no crimes recorded in the pre-period",
            [
                Problem(
                    "every LSOA of the force has 0 crimes of these types in the pre-period, "
                    "so level and trend cannot rank controls.",
                    "Check --crime-type and --start/--end against what is imported "
                    "(realimpact data status).",
                    column="crime_type",
                )
            ],
        )
