"""Checking and splitting the long panels every evaluation method takes.

Every method in :mod:`realimpact.evaluate` takes a long pandas DataFrame (one row per
unit and period, or one row per period for a single series) and column names. This
module parses the time column into ordered labels, validates the panel (reporting
*every* problem at once, each with its row, column and fix) and splits the periods into
pre and post.

Time columns may hold ``YYYY-MM`` strings, dates, pandas Periods or integers (row
numbers). Monthly data (at most one date per calendar month) are labelled ``YYYY-MM``;
finer dates (daily, weekly) are labelled ``YYYY-MM-DD``; anything else keeps its own
labels in sorted order. :func:`read_table` reads the CSV dialects met in published
benchmark files (commas, semicolons, tabs, or spaces with a quoted header).
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from realimpact.exceptions import ConfigError, Problem

__all__ = [
    "PeriodSplit",
    "TimeIndex",
    "parse_time",
    "read_table",
    "resolve_family",
    "split_periods",
    "time_labels",
    "validate_panel",
]

Frequency = Literal["monthly", "other"]


@dataclass(frozen=True)
class TimeIndex:
    """Sorted unique time labels with their ordinal positions.

    ``labels`` are strings (``YYYY-MM`` when monthly); ``positions`` count months from
    the first label for monthly data and are 0, 1, 2... otherwise. ``months`` gives the
    calendar month (1-12) of each label for monthly data, else ``None``.
    """

    labels: tuple[str, ...]
    positions: tuple[int, ...]
    frequency: Frequency
    months: tuple[int, ...] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def position_of(self, label: Any) -> int:
        """The index (0-based, into ``labels``) of one label, or -1 when it is absent."""
        key = _label_of(label, self.frequency)
        try:
            return self.labels.index(key)
        except ValueError:
            return -1


def _label_of(value: Any, frequency: Frequency) -> str:
    if frequency == "monthly":
        try:
            return str(pd.Period(value, freq="M"))
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers (also numeric strings) sort by value, before any other labels."""
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def _as_dates(values: pd.Series) -> pd.Series | None:
    """Parse values as dates, or None when they are numbers or not all dates."""
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_float_dtype(values):
        return None
    try:
        parsed = pd.to_datetime(values.astype(str), format="mixed")
    except (ValueError, TypeError):
        return None
    if parsed.isna().any():
        return None
    return pd.Series(parsed)


def _as_monthly(values: pd.Series) -> pd.PeriodIndex | None:
    """Parse values as months, or None when they are not months.

    Dates count as months only when no two distinct dates fall in one calendar month;
    daily or weekly dates would otherwise collapse into duplicate months.
    """
    if isinstance(values.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(values).asfreq("M")
    parsed = _as_dates(values)
    if parsed is None:
        return None
    months = pd.PeriodIndex(parsed, freq="M")
    if parsed.nunique() > len(set(months)):
        return None
    return months


def _day_labels(values: pd.Series) -> list[str] | None:
    """ISO labels (``YYYY-MM-DD``, with the time when not midnight) of finer-than-month dates."""
    parsed = _as_dates(values)
    if parsed is None:
        return None
    timed = bool((parsed != parsed.dt.normalize()).any())
    return [t.isoformat(sep=" ") if timed else t.strftime("%Y-%m-%d") for t in parsed]


def time_labels(values: Sequence[Any] | pd.Series) -> tuple[list[str], Frequency]:
    """Per-row string labels of a time column and the inferred frequency."""
    series = pd.Series(values).reset_index(drop=True)
    monthly = _as_monthly(series)
    if monthly is not None:
        return [str(p) for p in monthly], "monthly"
    days = _day_labels(series)
    if days is not None:
        return days, "other"
    return [str(v) for v in series], "other"


def parse_time(values: Sequence[Any] | pd.Series) -> TimeIndex:
    """Parse a time column into sorted unique labels and ordinal positions.

    Parameters
    ----------
    values
        ``YYYY-MM`` strings, dates, pandas Periods or integers.

    Returns
    -------
    TimeIndex
        Monthly when every value parses as a date (positions are months since the first
        label, so gaps show); otherwise the unique values in sorted order, positions
        0, 1, 2...

    Examples
    --------
    >>> parse_time(["2023-02", "2023-01", "2023-02"]).labels
    ('2023-01', '2023-02')
    """
    series = pd.Series(values).reset_index(drop=True)
    monthly = _as_monthly(series)
    if monthly is not None:
        uniq = sorted(set(monthly))
        first = uniq[0]
        positions = tuple(int((p - first).n) for p in uniq)
        return TimeIndex(
            labels=tuple(str(p) for p in uniq),
            positions=positions,
            frequency="monthly",
            months=tuple(int(p.month) for p in uniq),
        )
    days = _day_labels(series)
    if days is not None:
        uniq_days = sorted(set(days))
        return TimeIndex(
            labels=tuple(uniq_days),
            positions=tuple(range(len(uniq_days))),
            frequency="other",
        )
    uniq_values = sorted(set(series.tolist()), key=_sort_key)
    return TimeIndex(
        labels=tuple(str(v) for v in uniq_values),
        positions=tuple(range(len(uniq_values))),
        frequency="other",
    )


@dataclass(frozen=True)
class PeriodSplit:
    """Which periods are pre-intervention, post-intervention, and after the end."""

    index: TimeIndex
    start: str
    end: str | None
    pre: tuple[str, ...]
    post: tuple[str, ...]

    @property
    def n_pre(self) -> int:
        return len(self.pre)

    @property
    def n_post(self) -> int:
        return len(self.post)


def split_periods(
    index: TimeIndex,
    start: Any,
    end: Any = None,
    *,
    min_pre: int = 3,
    source: str = "data",
    column: str | None = None,
) -> PeriodSplit:
    """Split time labels into the pre period (before ``start``) and post (``start``..``end``).

    Raises
    ------
    ConfigError
        When ``start`` or ``end`` is not a period in the data, ``end`` precedes
        ``start``, or fewer than ``min_pre`` periods precede ``start``.
    """
    problems = _split_problems(index, start, end, min_pre, source, column)
    if problems:
        raise ConfigError(f"{source}: the intervention period does not fit the data", problems)
    s = index.position_of(start)
    e = index.position_of(end) if end is not None else len(index) - 1
    return PeriodSplit(
        index=index,
        start=index.labels[s],
        end=index.labels[e] if end is not None else None,
        pre=index.labels[:s],
        post=index.labels[s : e + 1],
    )


def _split_problems(
    index: TimeIndex, start: Any, end: Any, min_pre: int, source: str, column: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    span = f"{index.labels[0]} to {index.labels[-1]}" if index.labels else "no periods"
    s = index.position_of(start)
    if s < 0:
        problems.append(
            Problem(
                f"start {start!r} is not a period in the data ({span}).",
                "Give a start that is one of the time labels in the data.",
                file=source,
                column=column,
            )
        )
    elif s < min_pre:
        problems.append(
            Problem(
                f"only {s} period(s) precede start {start!r}; at least {min_pre} are needed.",
                "Start later, or add earlier periods to the data.",
                file=source,
                column=column,
            )
        )
    if end is not None:
        e = index.position_of(end)
        if e < 0:
            problems.append(
                Problem(
                    f"end {end!r} is not a period in the data ({span}).",
                    "Give an end that is one of the time labels in the data, or none.",
                    file=source,
                    column=column,
                )
            )
        elif s >= 0 and e < s:
            problems.append(
                Problem(
                    f"end {end!r} is before start {start!r}.",
                    "Give an end on or after the start.",
                    file=source,
                    column=column,
                )
            )
    return problems


def _missing_column(name: str, columns: Sequence[str], source: str, role: str) -> Problem:
    close = difflib.get_close_matches(name, list(columns), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return Problem(
        f"the {role} column {name!r} is missing.{hint}",
        f"Name one of the columns: {', '.join(map(str, columns))}.",
        file=source,
        column=name,
    )


def _value_problems(
    data: pd.DataFrame, col: str, source: str, *, counts: bool, limit: int = 20
) -> list[Problem]:
    values = pd.to_numeric(data[col], errors="coerce")
    problems: list[Problem] = []
    bad = values.isna() & data[col].notna()
    for pos in np.flatnonzero(bad.to_numpy())[:limit]:
        problems.append(
            Problem(
                f"{data[col].iloc[pos]!r} is not a number.",
                "Give a number (counts of events per period).",
                file=source,
                row=int(pos) + 2,
                column=col,
            )
        )
    missing = data[col].isna()
    for pos in np.flatnonzero(missing.to_numpy())[:limit]:
        problems.append(
            Problem(
                "the value is missing.",
                "Give a value (0 if nothing was recorded) or drop the row.",
                file=source,
                row=int(pos) + 2,
                column=col,
            )
        )
    if counts:
        neg = values < 0
        for pos in np.flatnonzero(neg.to_numpy())[:limit]:
            problems.append(
                Problem(
                    f"{values.iloc[pos]} is negative; counts cannot be.",
                    "Correct the count (0 or more).",
                    file=source,
                    row=int(pos) + 2,
                    column=col,
                )
            )
    return problems


def _duplicate_problems(
    data: pd.DataFrame, keys: list[str], source: str, limit: int = 20
) -> list[Problem]:
    dup = data.duplicated(subset=keys, keep="first")
    problems = []
    for pos in np.flatnonzero(dup.to_numpy())[:limit]:
        key = ", ".join(f"{k}={data[k].iloc[pos]!r}" for k in keys)
        problems.append(
            Problem(
                f"duplicate row for {key}.",
                "Keep one row per " + " and ".join(keys) + " (sum counts first if needed).",
                file=source,
                row=int(pos) + 2,
                column=keys[-1],
            )
        )
    return problems


def validate_panel(
    data: pd.DataFrame,
    *,
    unit: str | None = None,
    time: str,
    outcome: str,
    covariates: Sequence[str] = (),
    source: str = "data",
    start: Any = None,
    end: Any = None,
    min_pre: int = 3,
    counts: bool = True,
) -> pd.DataFrame:
    """Check a long panel and return a clean copy with a ``_t`` (label) and ``_pos`` column.

    Checks, all reported at once: missing columns (with a close-match suggestion),
    non-numeric, missing or (for ``counts``) negative outcome values, non-numeric
    covariates, duplicate unit-time rows, and (when ``start`` is given) a start or end
    outside the data or fewer than ``min_pre`` pre-periods. Rows are numbered as a
    spreadsheet shows them (header = row 1).

    Returns
    -------
    pandas.DataFrame
        The input with the outcome and covariates as floats, ``_t`` the string time
        label and ``_pos`` the position in :func:`parse_time` order, sorted by unit and
        time.

    Raises
    ------
    ConfigError
        Listing every problem found.
    """
    if not isinstance(data, pd.DataFrame):
        raise ConfigError(
            f"{source}: expected a pandas DataFrame, got {type(data).__name__}",
            [Problem("the data is not a table.", "Pass a pandas DataFrame.", file=source)],
        )
    frame = data.reset_index(drop=True)
    cols = [str(c) for c in frame.columns]
    roles = [("time", time), ("outcome", outcome)] + [("covariate", c) for c in covariates]
    if unit is not None:
        roles.insert(0, ("unit", unit))
    problems = [_missing_column(n, cols, source, r) for r, n in roles if n not in frame.columns]
    if problems:
        raise ConfigError(f"{source}: the panel is missing columns", problems)
    if len(frame) == 0:
        raise ConfigError(
            f"{source}: the panel is empty",
            [Problem("there are no rows.", "Pass data with at least one row.", file=source)],
        )
    problems += _value_problems(frame, outcome, source, counts=counts)
    for cov in covariates:
        problems += _value_problems(frame, cov, source, counts=False)
    problems += _duplicate_problems(frame, [unit, time] if unit else [time], source)
    index = parse_time(frame[time])
    if start is not None:
        problems += _split_problems(index, start, end, min_pre, source, time)
    if problems:
        raise ConfigError(f"{source}: the panel has {len(problems)} problem(s)", problems)
    labels, _ = time_labels(frame[time])
    out = frame.copy()
    out[outcome] = pd.to_numeric(out[outcome]).astype(float)
    for cov in covariates:
        out[cov] = pd.to_numeric(out[cov]).astype(float)
    out["_t"] = labels
    pos = {lab: i for i, lab in enumerate(index.labels)}
    out["_pos"] = [pos[lab] for lab in labels]
    keys = [unit, "_pos"] if unit else ["_pos"]
    return out.sort_values(keys).reset_index(drop=True)


def resolve_family(family: str, values: Any) -> str:
    """Resolve ``family="auto"``: ``negbin`` for non-negative whole numbers, else ``gaussian``.

    Counts (crimes, deaths, banks) get a log-link count model; anything else (rates,
    packs per capita, prices) the linear model. Other families are returned unchanged.
    """
    if family != "auto":
        return family
    y = np.asarray(values, dtype=np.float64)
    counts = bool(np.all(y >= 0) and np.all(np.floor(y) == y))
    return "negbin" if counts else "gaussian"


def _separator(header: str) -> str:
    """The delimiter of a CSV from its header line: ``;``, ``,``, tab, else whitespace."""
    for sep in (";", "\t", ","):
        if sep in header:
            return sep
    return r"\s+"


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV in any of the dialects published benchmark files use.

    The delimiter is taken from the header line: semicolon (``synthdid``'s
    ``california_prop99.csv``), tab, comma, or runs of spaces with double-quoted names
    (CausalImpact's ``volks_data.csv``). A UTF-8 byte-order mark is ignored. Empty
    fields are read as missing values.

    Raises
    ------
    ConfigError
        When the file does not exist or cannot be parsed (naming the file and the fix).
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigError(
            "input file not found",
            [Problem(f"{file} does not exist", "Give the path of a CSV file.", file=str(file))],
        )
    with file.open(encoding="utf-8-sig") as handle:
        header = handle.readline()
    sep = _separator(header)
    try:
        return pd.read_csv(file, sep=sep, encoding="utf-8-sig", quotechar='"')
    except (ValueError, csv.Error, pd.errors.ParserError) as err:
        raise ConfigError(
            f"{file}: not a readable CSV",
            [
                Problem(
                    str(err).splitlines()[0],
                    "Save the table as CSV with one header line.",
                    file=str(file),
                )
            ],
        ) from None
