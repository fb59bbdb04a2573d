"""Shared checks of before/after counts for the WDQ and the WDD."""

from __future__ import annotations

import math
from collections.abc import Sequence

from realimpact.exceptions import ConfigError, Problem

__all__ = ["Pair", "check", "pair"]

Pair = tuple[float, float]

#: |success measure| below this is treated as "no change" (WDQ would be unstable).
_TINY_SUCCESS = 1e-9


def pair(name: str, value: Sequence[float] | None, problems: list[Problem]) -> Pair:
    if value is None:
        return (0.0, 0.0)
    vals = list(value)
    if len(vals) != 2:
        problems.append(
            Problem(
                f"{name} needs two counts (before, after); got {len(vals)}.",
                f"Give {name} as BEFORE AFTER, e.g. 120 95.",
                column=name,
            )
        )
        return (0.0, 0.0)
    out: list[float] = []
    for label, v in zip(("before", "after"), vals, strict=True):
        fv = float(v)
        if not math.isfinite(fv) or fv < 0:
            problems.append(
                Problem(
                    f"{name} {label} count is {v!r}; counts must be finite and non-negative.",
                    f"Correct the {label} count of the {name} area.",
                    column=name,
                    entry=label,
                )
            )
        out.append(fv)
    return (out[0], out[1])


def check(problems: list[Problem], what: str) -> None:
    if problems:
        raise ConfigError(f"{what}: {len(problems)} problem(s) in the counts", problems)
