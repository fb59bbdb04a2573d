"""Validation of import files: every problem, located by file, row and column, with a fix.

Two passes keep validation fast at national scale. Header checks (missing or renamed
columns, encodings) run on each file's first line. Row checks run as SQL aggregates over
the whole import in DuckDB (:func:`row_check_sql`); only when a check finds something is
the offending file re-read with Python's ``csv`` module (:func:`locate_row_problems`) to
give the exact spreadsheet row (the header is row 1, the first data row is row 2).

Errors stop the import; warnings are reported and the import goes on, unless
``strict=True``, which turns every warning into an error (:func:`apply_strict`).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from realimpact.data.formats import FileKind
from realimpact.data.sources import SourceFile, _open
from realimpact.exceptions import Problem, Severity

__all__ = [
    "LAT_RANGE",
    "LON_RANGE",
    "apply_strict",
    "can_find_repeats",
    "check_header",
    "column_names",
    "encoding_problems",
    "locate_row_problems",
    "month_pattern",
    "repeated_rows",
    "row_check_sql",
]

LAT_RANGE = (49.8, 60.9)
LON_RANGE = (-8.7, 1.8)
_MAX_PER_CHECK = 20
_MONTH_RE = {
    "Month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "Date": re.compile(r"\d{4}-(0[1-9]|1[0-2])-\d{2}.*"),
    "month": re.compile(r"\d{4}-(0[1-9]|1[0-2])(-\d{2})?"),
}
_MONTH_SQL = {
    "Month": r"\d{4}-(0[1-9]|1[0-2])",
    "Date": r"\d{4}-(0[1-9]|1[0-2])-\d{2}.*",
    "month": r"\d{4}-(0[1-9]|1[0-2])(-\d{2})?",
}


def month_pattern(column: str) -> str:
    """The regular expression (RE2 and Rust regex syntax) a value of ``column`` must match."""
    return _MONTH_SQL[column]


def check_header(src: SourceFile, kind: FileKind) -> list[Problem]:
    """Missing required columns (with the close match a rename left), and unknown columns."""
    present = [h for h in src.header if h]
    problems: list[Problem] = []
    unknown = [h for h in present if h not in kind.headers]
    for col in kind.headers:
        if col in present:
            continue
        match = difflib.get_close_matches(col, unknown, n=1, cutoff=0.6)
        if not match:  # same words, or an abbreviation ('Lat' for 'Latitude')
            match = [
                u
                for u in unknown
                if u.lower().replace("_", " ") == col.lower()
                or (len(u) >= 3 and col.lower().startswith(u.lower().rstrip(".")))
            ]
        if match:
            msg = f"Column {col!r} is missing; {match[0]!r} looks like it renamed."
            fix = f"Rename the header {match[0]!r} to {col!r}."
        elif col in kind.required:
            msg = f"Required column {col!r} is missing."
            fix = f"Add a column headed {col!r} (expected columns: {', '.join(kind.headers)})."
        else:
            continue
        sev: Severity = "error" if col in kind.required else "warning"
        problems.append(Problem(msg, fix, file=src.name, row=1, column=col, severity=sev))
    return problems


def encoding_problems(src: SourceFile) -> list[Problem]:
    """A warning for a Windows-1252 file (accepted, transcoded to UTF-8)."""
    if src.encoding != "cp1252":
        return []
    return [
        Problem(
            "The file is not UTF-8; it was read as Windows-1252 (cp1252).",
            "Save the file as UTF-8 (Excel: 'CSV UTF-8'); check accented characters.",
            file=src.name,
            row=src.first_bad_byte_line,
            severity="warning",
        )
    ]


def row_check_sql(kind: FileKind, present: set[str]) -> dict[str, str]:
    """SQL boolean expressions (over store column names) that flag bad rows, by check."""
    month = kind.store_name(kind.month_column)
    checks = {
        "month": f"NOT coalesce(regexp_full_match(trim({month}), "
        f"'{_MONTH_SQL[kind.month_column]}'), false)",
    }
    if {"Latitude", "Longitude"} <= present or {"latitude", "longitude"} <= present:
        checks["coordinates"] = (
            "(nullif(trim(latitude), '') IS NOT NULL OR nullif(trim(longitude), '') IS NOT NULL)"
            " AND NOT coalesce(TRY_CAST(latitude AS DOUBLE) BETWEEN "
            f"{LAT_RANGE[0]} AND {LAT_RANGE[1]} AND TRY_CAST(longitude AS DOUBLE) BETWEEN "
            f"{LON_RANGE[0]} AND {LON_RANGE[1]}, false)"
        )
    if kind.name == "partner":
        checks["value"] = "NOT coalesce(isfinite(TRY_CAST(value AS DOUBLE)), false)"
        checks["measure"] = "nullif(trim(measure), '') IS NULL"
        checks["place"] = (
            "nullif(trim(lsoa), '') IS NULL AND (nullif(trim(latitude), '') IS NULL "
            "OR nullif(trim(longitude), '') IS NULL)"
        )
    return checks


_SEVERITY = {
    "month": "error",
    "coordinates": "error",
    "value": "error",
    "place": "error",
    "measure": "error",
    "lsoa": "warning",
    "duplicate": "warning",
    "fields": "error",
}


def locate_row_problems(
    src: SourceFile,
    kind: FileKind,
    checks: Iterable[str],
    known_lsoa: Callable[[str], bool] | None = None,
    repeats: Sequence[tuple[int, int]] | None = None,
) -> list[Problem]:
    """Re-read one file with the ``csv`` module and locate the rows that failed ``checks``.

    At most 20 problems per check are listed, then one line saying how many more.
    ``repeats`` gives the exact repeats already found (:func:`repeated_rows`), so that the
    duplicate check needs no re-read.
    """
    wanted = set(checks)
    found: dict[str, list[Problem]] = {c: [] for c in wanted}
    extra: dict[str, int] = dict.fromkeys(wanted, 0)
    for check, problem in _row_problems(src, kind, wanted, known_lsoa, repeats):
        if len(found[check]) < _MAX_PER_CHECK:
            found[check].append(problem)
        else:
            extra[check] += 1
    out: list[Problem] = []
    for check in sorted(wanted):
        out.extend(found[check])
        if extra[check]:
            first = found[check][0]
            out.append(
                replace(first, message=f"... and {extra[check]} more rows like this.", row=None)
            )
    return out


def _rows(src: SourceFile) -> Iterator[list[str]]:
    with _open(src.path) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        yield from csv.reader(text)


def _row_problems(
    src: SourceFile,
    kind: FileKind,
    wanted: set[str],
    known: Callable[[str], bool] | None,
    repeats: Sequence[tuple[int, int]] | None = None,
) -> Iterator[tuple[str, Problem]]:
    if "duplicate" in wanted and repeats is None and can_find_repeats(src, kind):
        repeats = repeated_rows([src]).get(src.sha256, [])
    if "duplicate" in wanted and repeats is not None:  # no csv-module re-read for repeats
        yield from (("duplicate", _repeat(src, row, first)) for row, first in repeats)
        wanted = wanted - {"duplicate"}
        if not wanted:
            return
    rows = _rows(src)
    header = [h.strip() for h in next(rows, [])]
    idx = {h: i for i, h in enumerate(header)}
    seen: dict[tuple[str, ...], int] = {}
    for n, row in enumerate(rows, start=2):
        if not row:  # a blank line is skipped by the readers, as here
            continue
        if len(row) != len(header):
            if "fields" in wanted:
                yield (
                    "fields",
                    _p(
                        src,
                        n,
                        None,
                        "fields",
                        f"The row has {len(row)} fields; the header has {len(header)}.",
                        "Quote fields that contain commas; remove stray separators.",
                    ),
                )
            continue
        rec = dict(zip(header, row, strict=True))
        yield from _check_row(src, kind, wanted, known, rec, n)
        if "duplicate" in wanted and _dup_key(kind, rec) is not None:
            key = tuple(row)
            if key in seen:
                yield (
                    "duplicate",
                    _p(
                        src,
                        n,
                        None,
                        "duplicate",
                        f"The row repeats row {seen[key]} exactly.",
                        "Remove the repeated row (or check the export).",
                    ),
                )
            else:
                seen[key] = n
    del idx


def can_find_repeats(src: SourceFile, kind: FileKind) -> bool:
    """Whether :func:`repeated_rows` applies: a rectangular police.uk file with Crime IDs."""
    names = column_names(src.header)
    return src.rectangular and kind.name == "street" and "Crime ID" in names


def column_names(header: Sequence[str]) -> list[str]:
    """Reader column names for a header: blanks named ``column<i>``, repeats suffixed."""
    names: list[str] = []
    for i, h in enumerate(header):
        name = h or f"column{i}"
        names.append(name if name not in names else f"{name}_{i}")
    return names


def repeated_rows(sources: Sequence[SourceFile]) -> dict[str, list[tuple[int, int]]]:
    """Exact repeats among rows with a Crime ID, in one parallel read of all ``sources``.

    Returns ``{batch id: [(row, first row it repeats), ...]}`` in spreadsheet rows, as the
    ``csv`` loop of :func:`locate_row_problems` finds them. Only for files the byte screen
    found rectangular (no quotes, no blank lines: the reader's row number plus 2 is the
    spreadsheet row); see :func:`can_find_repeats`.
    """
    import polars as pl

    out: dict[str, list[tuple[int, int]]] = {s.sha256: [] for s in sources}
    by_header: dict[tuple[str, ...], list[SourceFile]] = {}
    for s in sources:
        by_header.setdefault(s.header, []).append(s)
    for header, group in by_header.items():
        names = column_names(header)
        ids = {str(s.path): s.sha256 for s in group}
        frame = (
            pl.scan_csv(
                list(ids),
                schema=dict.fromkeys(names, pl.String),
                has_header=True,
                empty_string_is_null=False,
                quote_char=None,
                include_file_paths="_file",
            )
            .with_columns(_row=pl.int_range(pl.len()).over("_file") + 2)
            .filter(pl.col("Crime ID") != "")
            .group_by(["_file", *names])
            .agg(pl.col("_row").sort())
            .filter(pl.col("_row").list.len() > 1)
            .select("_file", "_row")
            .collect()
        )
        for path, rows in frame.iter_rows():
            out[ids[path]].extend((row, rows[0]) for row in rows[1:])
    return {k: sorted(v) for k, v in out.items()}


def _repeat(src: SourceFile, row: int, first: int) -> Problem:
    return _p(
        src,
        row,
        None,
        "duplicate",
        f"The row repeats row {first} exactly.",
        "Remove the repeated row (or check the export).",
    )


def _dup_key(kind: FileKind, rec: dict[str, str]) -> str | None:
    if kind.name == "street":  # outcomes: identical rows for two suspects are real
        return rec.get("Crime ID") or None  # blank IDs (ASB) legitimately repeat
    return "row" if kind.name == "partner" else None


def _check_row(
    src: SourceFile,
    kind: FileKind,
    wanted: set[str],
    known: Callable[[str], bool] | None,
    rec: dict[str, str],
    n: int,
) -> Iterator[tuple[str, Problem]]:
    mcol = kind.month_column
    month = rec.get(mcol, "").strip()
    if "month" in wanted and not _MONTH_RE[mcol].fullmatch(month):
        fmt = "an ISO date-time" if mcol == "Date" else "YYYY-MM (or YYYY-MM-DD)"
        yield (
            "month",
            _p(
                src,
                n,
                mcol,
                "month",
                f"Cannot read the month {month!r}.",
                f"Write the month as {fmt}.",
            ),
        )
    lat_col = "Latitude" if "Latitude" in rec else "latitude"
    lon_col = "Longitude" if "Longitude" in rec else "longitude"
    if "coordinates" in wanted and (rec.get(lat_col, "").strip() or rec.get(lon_col, "").strip()):
        yield from _check_coords(src, n, rec, lat_col, lon_col)
    lsoa_col = "LSOA code" if "LSOA code" in rec else "lsoa_code"
    code = rec.get(lsoa_col, "").strip()
    if "lsoa" in wanted and known is not None and code and not known(code):
        yield (
            "lsoa",
            _p(
                src,
                n,
                lsoa_col,
                "lsoa",
                f"Unknown LSOA code {code!r}.",
                "Use a 2011 or 2021 LSOA code (e.g. E01011973).",
            ),
        )
    if "value" in wanted and _not_number(rec.get("value", "")):
        yield (
            "value",
            _p(
                src,
                n,
                "value",
                "value",
                f"The value {rec.get('value')!r} is not a finite number.",
                "Write a number (e.g. 12 or 3.5), without units or thousands commas.",
            ),
        )
    if "measure" in wanted and not rec.get("measure", "").strip():
        yield (
            "measure",
            _p(src, n, "measure", "measure", "The row has no measure.", _MEASURE_FIX),
        )
    has_point = rec.get("latitude", "").strip() and rec.get("longitude", "").strip()
    if "place" in wanted and not code and not has_point:
        yield (
            "place",
            _p(
                src,
                n,
                "lsoa_code",
                "place",
                "The row has no LSOA code.",
                "Give lsoa_code, or latitude and longitude (mapped to the nearest LSOA centroid).",
            ),
        )


def _check_coords(
    src: SourceFile, n: int, rec: dict[str, str], lat_col: str, lon_col: str
) -> Iterator[tuple[str, Problem]]:
    for col, lo_hi in ((lat_col, LAT_RANGE), (lon_col, LON_RANGE)):
        raw = rec.get(col, "").strip()
        try:
            ok = lo_hi[0] <= float(raw) <= lo_hi[1]
        except ValueError:
            ok = False
        if not ok:
            yield (
                "coordinates",
                _p(
                    src,
                    n,
                    col,
                    "coordinates",
                    f"{col} {raw!r} is outside the UK ({lo_hi[0]} to {lo_hi[1]}).",
                    "Check the coordinates are WGS84 decimal degrees and latitude/longitude are "
                    "not swapped.",
                ),
            )


_MEASURE_FIX = "Name the measure, e.g. 'needle finds' or 'calls for service'."


def _not_number(raw: str) -> bool:
    """True unless ``raw`` is a finite number ('nan' and 'inf' are not values to store)."""
    try:
        return not math.isfinite(float(raw))
    except ValueError:
        return True


def _p(src: SourceFile, row: int, column: str | None, check: str, msg: str, fix: str) -> Problem:
    sev: Severity = "error" if _SEVERITY[check] == "error" else "warning"
    return Problem(msg, fix, file=src.name, row=row, column=column, severity=sev)


def apply_strict(problems: Iterable[Problem], strict: bool) -> list[Problem]:
    """Turn warnings into errors when ``strict`` (the ``--strict`` option)."""
    if not strict:
        return list(problems)
    return [replace(p, severity="error") for p in problems]
