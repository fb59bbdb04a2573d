"""One parallel pass over police.uk files: row checks and the monthly count table together.

This is the import's hot path (about 6 million street rows for a national year). Polars'
streaming CSV reader parses every file of a kind once, in chunks of about 64 MB, and a
single group-by per chunk on ``(file, month, LSOA, category)`` yields at the same time:

* the rows of the catalogue's count table (after the month and LSOA of each group are
  trimmed and checked: the checks run on distinct values, not on rows);
* the row checks, as counts per file: unreadable months, coordinates outside the UK
  (coordinates are parsed as numbers by the reader; a value that is not a number sends
  the chunk to a slower path that reads them as text), and a screen for exact duplicate
  rows (a repeated fingerprint of Crime ID, coordinates and last outcome within a
  group; blank Crime IDs, anti-social behaviour, legitimately repeat);
* the rows of each file whose LSOA code is unknown (codes looked up once per chunk).

Ragged rows are screened in the byte pass (:mod:`realimpact.data.sources`). A screen
only says which files to look at: files it flags are re-read with Python's ``csv``
module (:func:`realimpact.data.validation.locate_row_problems`) for the exact rows, so a
screen's false alarm costs time, never a wrong message.

Event rows are not written here; see :mod:`realimpact.data.staging` for the Parquet
event layer (``keep_events``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import polars as pl

from realimpact.data.formats import FileKind
from realimpact.data.staging import PlannedFile, chunk_files
from realimpact.data.validation import LAT_RANGE, LON_RANGE, column_names, month_pattern

__all__ = ["CHUNK_BYTES", "CountReport", "KindCounter", "count_kind"]

CHUNK_BYTES = 64 << 20  # CSV bytes per Polars pass: bounds memory however much is imported
_FILE = "__file"
# Street rows are one crime each, so an exact repeat (with a Crime ID; blank IDs, anti-social
# behaviour, legitimately repeat) is a fault. Outcome rows carry no person: two suspects of
# one crime given the same outcome are two identical rows, so outcomes are not screened.
_DUP_KINDS = {"street"}
_FINGERPRINT = ("longitude", "latitude", "last_outcome")


@dataclass(frozen=True)
class CountReport:
    """Counts and per-file checks of one kind.

    ``counts`` has the columns of the catalogue's count table: ``force, period, month,
    [lsoa,] <count_by...>, n`` (text columns as categoricals, to keep memory low).
    ``checks`` has ``batch_id, rows, month, coordinates, duplicate, fields, lsoa`` (row
    counts; ``duplicate`` and ``fields`` are screens, confirmed by re-reading the file;
    ``lsoa`` counts rows whose code is not in ``known_codes``). ``failed`` lists the
    batch ids of files the reader could not parse at all.
    """

    counts: pl.DataFrame
    checks: pd.DataFrame
    failed: tuple[str, ...] = ()


def count_kind(
    kind: FileKind, files: list[PlannedFile], known_codes: frozenset[str] | None = None
) -> CountReport:
    """Parse ``files`` (all police.uk files of ``kind``) once: counts and check counts.

    See :class:`KindCounter`, which this runs chunk by chunk.
    """
    counter = KindCounter(kind, known_codes)
    for chunk in chunk_files(files, CHUNK_BYTES):
        counter.add(chunk)
    return counter.result()


class KindCounter:
    """Counts and checks of one kind, fed a chunk of files at a time (:meth:`add`).

    The import feeds it while other files are still being hashed, so the byte pass and
    the parse overlap. Each chunk's groups are reduced at once to count rows and per-file
    check counts, so memory holds one chunk's groups at a time (plus the count rows, as
    categoricals).
    """

    def __init__(self, kind: FileKind, known_codes: frozenset[str] | None = None) -> None:
        self.kind = kind
        self.files: list[PlannedFile] = []
        self._index: dict[str, int] = {}
        self._known = (
            pl.Series("known", sorted(known_codes), dtype=pl.String) if known_codes else None
        )
        self._counts: list[pl.DataFrame] = []
        self._checks: list[pl.DataFrame] = []
        self._failed: list[str] = []

    def add(self, chunk: list[PlannedFile]) -> None:
        """Parse one chunk of files (about :data:`CHUNK_BYTES` of CSV)."""
        for f in chunk:
            self._index[str(f.src.path)] = len(self.files)
            self.files.append(f)
        by_header: dict[tuple[str, ...], list[PlannedFile]] = {}
        for f in chunk:
            by_header.setdefault(f.src.header, []).append(f)
        for header, fs in by_header.items():
            blank = not all(f.src.rectangular for f in fs)  # only these may hold blank lines
            part = _group(self.kind, header, [str(f.src.path) for f in fs], blank)
            if part is not None:
                self._reduce(part)
                continue
            for f in fs:  # find the files the reader cannot parse; keep the others
                one = _group(self.kind, header, [str(f.src.path)], blank)
                if one is None:
                    self._failed.append(f.src.sha256)
                else:
                    self._reduce(one)

    def _reduce(self, part: pl.DataFrame) -> None:
        part = part.with_columns(
            pl.col(_FILE).replace_strict(self._index, return_dtype=pl.UInt32).alias("_idx")
        ).drop(_FILE)
        part, merges = _annotate(self.kind, part)
        self._counts.append(_counts(self.kind, part, merges))
        self._checks.append(_checks(part, self._known))

    def result(self) -> CountReport:
        """The count rows and per-file checks of every file added."""
        files = self.files
        meta = pl.DataFrame(
            {
                "_idx": range(len(files)),
                "batch_id": [f.src.sha256 for f in files],
                "force": [f.force for f in files],
                "period": [f.period for f in files],
                "rectangular": [f.src.rectangular for f in files],
            },
            schema={
                "_idx": pl.UInt32,
                "batch_id": pl.String,
                "force": pl.Categorical,
                "period": pl.Categorical,
                "rectangular": pl.Boolean,
            },
        )
        return CountReport(
            _count_rows(self.kind, self._counts, meta),
            _batch_checks(self._checks, meta),
            tuple(self._failed),
        )


def _keys(kind: FileKind) -> list[str]:
    lsoa = ["lsoa"] if "lsoa" in dict(kind.columns).values() else []
    return [kind.store_name(kind.month_column), *lsoa, *kind.count_by]


def _group(
    kind: FileKind, header: tuple[str, ...], paths: list[str], blank_lines: bool
) -> pl.DataFrame | None:
    """The group-by of one chunk of files sharing a header, or None if unreadable.

    Blank lines (which the reader returns as rows of nulls) are dropped when
    ``blank_lines``: the byte screen found a file that may hold some.
    """
    for typed in (True, False):  # numbers parsed by the reader; else as text (slower)
        try:
            return _group_once(kind, header, paths, typed, blank_lines)
        except pl.exceptions.PolarsError:
            continue
    return None


def _group_once(
    kind: FileKind, header: tuple[str, ...], paths: list[str], typed: bool, blank_lines: bool
) -> pl.DataFrame:
    names = column_names(header)
    to_store = dict(kind.columns)
    coords = {h for h in names if to_store.get(h) in {"latitude", "longitude"}}
    numeric = typed and len(coords) == 2
    schema = {h: pl.Float64 if numeric and h in coords else pl.String for h in names}
    lf = pl.scan_csv(
        paths, schema=schema, has_header=True, include_file_paths=_FILE, quote_char='"'
    )
    if blank_lines:
        lf = lf.filter(pl.any_horizontal([pl.col(h).is_not_null() for h in names]))
    cols = [pl.col(_FILE)]
    for h, store_name in kind.columns:
        missing = pl.lit(None, pl.String)
        cols.append(pl.col(h).alias(store_name) if h in names else missing.alias(store_name))
    lf = lf.select(cols)
    keys = _keys(kind)
    aggs: dict[str, pl.Expr] = {"n": pl.len(), "bad_coordinates": _bad_coordinates(numeric, coords)}
    if kind.name in _DUP_KINDS:
        aggs["ids"] = pl.col("crime_id").count()
        aggs["distinct"] = _fingerprint(kind).n_unique()
    return lf.group_by(_FILE, *keys).agg(**aggs).collect(engine="streaming")


def _bad_coordinates(numeric: bool, coords: set[str]) -> pl.Expr:
    """Rows with a coordinate given but not a pair inside the UK (as the SQL check)."""
    if len(coords) < 2:
        return pl.lit(0, pl.UInt32)
    lon, lat = pl.col("longitude"), pl.col("latitude")
    if numeric:
        given = lon.is_not_null() | lat.is_not_null()
    else:
        lon_t, lat_t = lon.str.strip_chars(), lat.str.strip_chars()
        given = ((lon_t.str.len_bytes() > 0) | (lat_t.str.len_bytes() > 0)).fill_null(False)
        lon, lat = lon_t.cast(pl.Float64, strict=False), lat_t.cast(pl.Float64, strict=False)
    inside = (lon.is_between(*LON_RANGE) & lat.is_between(*LAT_RANGE)).fill_null(False)
    return (given & ~inside).sum()


def _fingerprint(kind: FileKind) -> pl.Expr:
    """A hash of Crime ID with the columns that differ between rows sharing an ID.

    Exact duplicates share it; rows it confuses are told apart by the confirming re-read.
    """
    present = set(dict(kind.columns).values())
    fp = pl.col("crime_id").hash(0)
    for i, name in enumerate(c for c in _FINGERPRINT if c in present):
        fp = fp ^ pl.col(name).hash(i + 1)
    return pl.when(pl.col("crime_id").is_not_null()).then(fp)  # blank IDs: one null value


def _month_key(kind: FileKind) -> tuple[pl.Expr, pl.Expr]:
    month = pl.col(kind.store_name(kind.month_column)).str.strip_chars()
    valid = month.str.contains(f"^(?:{month_pattern(kind.month_column)})$").fill_null(False)
    return valid, pl.when(valid).then(month.str.slice(0, 7))


def _annotate(kind: FileKind, grouped: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """Add ``_valid``, ``_month`` (the month key) and ``_lsoa`` (trimmed, blank as null).

    They are computed on the distinct values (a few hundred months, some thousand LSOA
    codes) and joined back. Also returns whether the mapping merges groups (two raw
    values with one key: a date column, or codes that differ only by spaces), in which
    case the counts are summed again.
    """
    mcol = kind.store_name(kind.month_column)
    valid, key = _month_key(kind)
    months = grouped.select(pl.col(mcol).unique()).with_columns(_valid=valid, _month=key)
    merges = months["_month"].drop_nulls().n_unique() < months.filter("_valid").height
    out = grouped.join(months, on=mcol, how="left", nulls_equal=True)
    if "lsoa" in grouped.columns:
        stripped = pl.col("lsoa").str.strip_chars()
        codes = grouped.select(pl.col("lsoa").unique()).with_columns(
            _lsoa=pl.when(stripped.str.len_bytes() > 0).then(stripped)
        )
        merges = merges or codes["_lsoa"].n_unique() < codes.height
        out = out.join(codes, on="lsoa", how="left", nulls_equal=True)
    return out, merges


def _counts(kind: FileKind, grouped: pl.DataFrame, merges: bool) -> pl.DataFrame:
    """One chunk's count rows: ``_idx, month, [lsoa,] <count_by...>, n``, as categoricals."""
    dims: list[str | pl.Expr] = ["_idx", pl.col("_month").alias("month")]
    if "_lsoa" in grouped.columns:
        dims.append(pl.col("_lsoa").alias("lsoa"))
    dims.extend(kind.count_by)
    valid = grouped.filter("_valid")
    if merges:
        out = valid.group_by(dims).agg(n=pl.col("n").sum().cast(pl.Int64))
    else:
        out = valid.select(*dims, pl.col("n").cast(pl.Int64))
    text = [c for c in out.columns if c not in {"_idx", "n"}]
    return out.with_columns(pl.col(text).cast(pl.String).cast(pl.Categorical))


def _count_rows(kind: FileKind, parts: list[pl.DataFrame], meta: pl.DataFrame) -> pl.DataFrame:
    """The count table's rows: ``force, period, month, [lsoa,] <count_by...>, n``.

    Sorted by LSOA code: the catalogue's zone maps (min and max per row group) then let a
    series read skip the row groups that cannot hold an area's codes.
    """
    cols = ["month", *(["lsoa"] if "lsoa" in _keys(kind) else []), *kind.count_by]
    if not parts:
        return pl.DataFrame(
            schema={"force": pl.String, "period": pl.String, **dict.fromkeys(cols, pl.String)}
            | {"n": pl.Int64}
        )
    rows = pl.concat(parts, how="vertical_relaxed")
    if "lsoa" in cols:  # sorted by code, so that series reads skip most of the table
        rows = rows.sort("lsoa", nulls_last=True)
    return rows.join(
        meta.select("_idx", "force", "period"), on="_idx", how="left", maintain_order="left"
    ).select("force", "period", *cols, "n")


def _checks(grouped: pl.DataFrame, known: pl.Series | None) -> pl.DataFrame:
    """One chunk's check counts per file (``_idx``)."""
    aggs = [
        pl.col("n").sum().cast(pl.Int64).alias("rows"),
        pl.col("n").filter(~pl.col("_valid")).sum().cast(pl.Int64).alias("month"),
        pl.col("bad_coordinates").sum().cast(pl.Int64).alias("coordinates"),
    ]
    if "ids" in grouped.columns:
        # blank Crime IDs have a null fingerprint, which n_unique counts once; a group
        # repeats a fingerprint when its distinct non-null ones are fewer than its IDs
        blank = (pl.col("n") > pl.col("ids")).cast(pl.UInt32)
        repeats = (pl.col("ids") - (pl.col("distinct") - blank)).clip(lower_bound=0)
        aggs.append(repeats.sum().cast(pl.Int64).alias("duplicate"))
    else:
        aggs.append(pl.lit(0, pl.Int64).alias("duplicate"))
    if "_lsoa" in grouped.columns and known is not None:
        codes = grouped["_lsoa"].drop_nulls().unique()
        unknown = codes.filter(~codes.is_in(known.implode()))
        flag = pl.col("_lsoa").is_in(unknown.implode())
        aggs.append(pl.col("n").filter(flag).sum().cast(pl.Int64).alias("lsoa"))
    else:
        aggs.append(pl.lit(0, pl.Int64).alias("lsoa"))
    return grouped.group_by("_idx").agg(aggs)


def _batch_checks(parts: list[pl.DataFrame], meta: pl.DataFrame) -> pd.DataFrame:
    names = ["rows", "month", "coordinates", "duplicate", "lsoa"]
    if parts:
        per_file = pl.concat(parts, how="vertical_relaxed")
    else:
        per_file = pl.DataFrame(schema={"_idx": pl.UInt32, **dict.fromkeys(names, pl.Int64)})
    out = (
        meta.join(per_file, on="_idx", how="inner")
        .with_columns((~pl.col("rectangular")).cast(pl.Int64).alias("fields"))
        .filter(pl.col("rows") > 0)
        .select("batch_id", "rows", "month", "coordinates", "duplicate", "fields", "lsoa")
    )
    return out.to_pandas()
