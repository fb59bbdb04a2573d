"""A score as a range (low, mode, high) and a harm's extent and seriousness.

Point values are ranges of width 0; ``unknown`` is the whole scale of a dimension.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from realimpact.prioritise._model import Dimension

__all__ = ["HarmScore", "ScoreRange"]


@dataclass(frozen=True)
class ScoreRange:
    """A score as (low, mode, high) on a dimension's scale; a point value has low = high."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")

    @classmethod
    def point(cls, value: float) -> ScoreRange:
        return cls(value, value, value)

    @classmethod
    def parse(cls, value: Any, dim: Dimension | None = None) -> ScoreRange:
        """Parse ``3``, ``[2, 4]``, ``[2, 3, 4]``, ``{low, mode, high}``, ``"2|3|4"``, ``unknown``.

        Two values give (low, high) with the mode at their midpoint; ``unknown`` needs the
        dimension and gives its whole scale.
        """
        if isinstance(value, str):
            text = value.strip().lower()
            if text in {"unknown", "?"}:
                if dim is None:
                    raise ValueError("'unknown' needs a dimension scale")
                return cls(dim.scale_min, (dim.scale_min + dim.scale_max) / 2, dim.scale_max)
            try:
                value = [float(p) for p in re.split(r"\||\.\.", text)]
            except ValueError:
                raise ValueError(f"{value.strip()!r} is not a number or range") from None
        if isinstance(value, Mapping):
            lo, hi = float(value["low"]), float(value["high"])
            return cls(lo, float(value.get("mode", (lo + hi) / 2)), hi)
        if isinstance(value, list | tuple):
            nums = [float(v) for v in value]
            if len(nums) == 1:
                return cls.point(nums[0])
            if len(nums) == 2:
                return cls(nums[0], (nums[0] + nums[1]) / 2, nums[1])
            if len(nums) == 3:
                return cls(*nums)
            raise ValueError("a range has 1, 2 or 3 numbers: [low, mode, high]")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"not a score: {value!r}")
        return cls.point(float(value))

    def to_dict(self) -> dict[str, float]:
        return {"low": self.low, "mode": self.mode, "high": self.high}


@dataclass(frozen=True)
class HarmScore:
    """Extent and seriousness of one harm of the drug-harm matrix caused by a problem."""

    harm_id: str
    extent: ScoreRange
    seriousness: ScoreRange

    @property
    def type(self) -> str:
        return self.harm_id.split(".")[0]

    @property
    def level(self) -> str:
        return self.harm_id.split(".")[1]
