"""Turn results into plain JSON-ready values (the shape every ``--json`` output uses)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, enums, numpy and pandas values, dates and paths to JSON values.

    Non-finite floats become ``None`` (JSON has no NaN). Objects with a ``to_dict`` method
    are converted through it.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if hasattr(value, "to_dict") and callable(value.to_dict) and not _is_pandas(value):
        return to_jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if _is_pandas(value):
        return _pandas_to_jsonable(value)
    if type(value).__module__.startswith("numpy") and hasattr(value, "tolist"):
        return to_jsonable(value.tolist())
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump(mode="json"))
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


def _is_pandas(value: Any) -> bool:
    return type(value).__module__.startswith("pandas")


def _pandas_to_jsonable(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        records = value.to_dict(orient="records")
        return [to_jsonable(r) for r in records]
    if isinstance(value, pd.Series):
        return to_jsonable(value.to_dict())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    if value is pd.NaT or value is pd.NA:
        return None
    return str(value)
