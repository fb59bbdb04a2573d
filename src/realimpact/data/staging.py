"""Bulk load of CSV files into staged Parquet with DuckDB, one parse per file.

Partner files always go this way (their rows are kept as events); police.uk files only
when an import keeps event rows (:func:`write_events`), their checks and counts coming
from the faster pass of :mod:`realimpact.data.counting`.

Files of one kind are read in chunks by a single ``read_csv`` per header layout
(explicit VARCHAR columns, no sniffing), joined to a small table of batch ids, and written
with ``COPY`` as one Parquet file per chunk into a staging folder. Each row carries a
``flags`` bit mask of the row checks of
:func:`realimpact.data.validation.row_check_sql`, computed during the same scan, so
validation afterwards reads one tiny column.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from realimpact.data.formats import FileKind
from realimpact.data.sources import SourceFile
from realimpact.data.store import StagedKind
from realimpact.data.validation import row_check_sql

__all__ = ["PlannedFile", "StageReport", "chunk_files", "stage_kind", "write_events"]

CHECK_BITS = {"month": 1, "coordinates": 2, "value": 4, "place": 8, "measure": 16}


@dataclass(frozen=True)
class PlannedFile:
    """A file to load, with the batch identity and the force-month it will own."""

    src: SourceFile
    force: str | None
    period: str | None


@dataclass(frozen=True)
class StageReport:
    """Staged Parquet for one kind plus per-batch check counts."""

    staged: StagedKind
    checks: pd.DataFrame  # batch_id, rows, <check>..., dup_candidates
    lsoas: pd.DataFrame  # batch_id, lsoa (distinct)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_sql(kind: FileKind, header: tuple[str, ...], paths: list[str]) -> str:
    cols = ", ".join(f"{_lit(h or f'column{i}')}: 'VARCHAR'" for i, h in enumerate(header))
    files = "[" + ", ".join(_lit(p) for p in paths) + "]"
    read = (
        f"read_csv({files}, columns={{{cols}}}, header=true, auto_detect=false, delim=',', "
        "quote='\"', escape='\"', filename=true)"
    )
    select = []
    for h, s in kind.columns:
        select.append(f"{_q(h)} AS {s}" if h in header else f"NULL::VARCHAR AS {s}")
    return f"SELECT {', '.join(select)}, filename FROM {read}"


def _month_key(kind: FileKind) -> str:
    m = kind.store_name(kind.month_column)
    return f"CASE WHEN (flags & 1) = 0 THEN substr(trim({m}), 1, 7) END"


CHUNK_BYTES = 128 << 20  # CSV bytes per staged Parquet file: bounds memory and file size


def chunk_files(files: list[PlannedFile], limit: int = CHUNK_BYTES) -> list[list[PlannedFile]]:
    """``files`` in order, cut into runs of at most ``limit`` bytes (a bigger file alone)."""
    out: list[list[PlannedFile]] = [[]]
    size = 0
    for f in files:
        if out[-1] and size + f.src.size > limit:
            out.append([])
            size = 0
        out[-1].append(f)
        size += f.src.size
    return out


def stage_kind(
    con: duckdb.DuckDBPyConnection, kind: FileKind, files: list[PlannedFile], out: Path
) -> StageReport:
    """Load ``files`` (all of ``kind``) into Parquet files under ``out``, one per chunk.

    Files are read in chunks of about 128 MB of CSV, each written as one zstd Parquet file
    whose rows carry ``batch_id``, ``force`` and ``period``. One file per chunk is about
    twice as fast to write as one partition folder per force-month, and the chunking keeps
    memory flat however many files are imported. Used for partner files, whose rows are
    kept, and by :func:`write_events`.
    """
    check_frames, lsoa_frames = [], []
    checks = row_check_sql(kind, set().union(*(set(f.src.header) for f in files)))

    def on_chunk(name: str) -> None:  # checks per chunk keep memory flat
        scan = f"read_parquet({_lit(str(out / name))})"
        check_frames.append(_check_counts(con, kind, scan, checks))
        lsoa_frames.append(_lsoas(con, kind, scan))

    owners = _write(con, kind, files, out, checks, on_chunk)
    if kind.name == "partner":
        _map_points(con, out)
    batches = tuple((f.src.sha256, f.force, f.period) for f in files)
    staged = StagedKind(kind.name, out, owners, batches, _counts_sql(kind, out))
    return StageReport(
        staged,
        pd.concat(check_frames, ignore_index=True),
        pd.concat(lsoa_frames, ignore_index=True),
    )


def write_events(
    con: duckdb.DuckDBPyConnection, kind: FileKind, files: list[PlannedFile], out: Path
) -> tuple[tuple[str, str], ...]:
    """Write the event rows of checked police.uk ``files`` as Parquet under ``out``.

    Returns ``(file name, batch_id)`` pairs. Used when an import keeps event rows; the
    checks and counts come from :mod:`realimpact.data.counting`.
    """
    checks = row_check_sql(kind, set().union(*(set(f.src.header) for f in files)))
    return _write(con, kind, files, out, checks, lambda name: None)


def _write(
    con: duckdb.DuckDBPyConnection,
    kind: FileKind,
    files: list[PlannedFile],
    out: Path,
    checks: dict[str, str],
    on_chunk: Callable[[str], None],
) -> tuple[tuple[str, str], ...]:
    out.mkdir(parents=True, exist_ok=True)
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _files (filename VARCHAR, batch_id VARCHAR, "
        "force VARCHAR, period VARCHAR)"
    )
    con.executemany(
        "INSERT INTO _files VALUES (?, ?, ?, ?)",
        [[str(f.src.path), f.src.sha256, f.force, f.period] for f in files],
    )
    owners: list[tuple[str, str]] = []
    for chunk in chunk_files(files):
        name = f"part-{uuid.uuid4().hex[:16]}.parquet"
        con.execute(
            f"COPY ({_select_sql(kind, chunk, checks)}) TO {_lit(str(out / name))} "
            "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
        )
        owners.extend((name, f.src.sha256) for f in chunk)
        on_chunk(name)
    return tuple(owners)


def _select_sql(kind: FileKind, files: list[PlannedFile], checks: dict[str, str]) -> str:
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for f in files:
        groups[f.src.header].append(str(f.src.path))
    flags = " + ".join(
        f"(CASE WHEN {expr} THEN {CHECK_BITS[name]} ELSE 0 END)" for name, expr in checks.items()
    )
    raw = " UNION ALL BY NAME ".join(f"({_read_sql(kind, h, p)})" for h, p in groups.items())
    typed = ", ".join(_typed(s) for _, s in kind.columns)
    return f"""
          SELECT {typed}, month_key, batch_id, force, period, flags FROM (
            SELECT *, {_month_key(kind)} AS month_key FROM (
              SELECT r.*, f.batch_id, f.force, f.period, ({flags})::UTINYINT AS flags
              FROM ({raw}) r JOIN _files f USING (filename)))
    """


def _typed(store_name: str) -> str:
    if store_name in {"latitude", "longitude", "value"}:
        return f"TRY_CAST({store_name} AS DOUBLE) AS {store_name}"
    return store_name


def _scan(out: Path) -> str:
    return f"read_parquet({_lit(str(out / '*.parquet'))})"


def _check_counts(
    con: duckdb.DuckDBPyConnection, kind: FileKind, scan: str, checks: dict[str, str]
) -> pd.DataFrame:
    parts = [f"count(*) FILTER ((flags & {CHECK_BITS[c]}) <> 0) AS {c}" for c in checks]
    if kind.name == "street":
        return _with_exact_duplicates(con, scan, sql_counts=parts)
    if kind.name == "partner":
        dup = (
            "count(*) - count(DISTINCT hash(month, lsoa, latitude, longitude, measure, value, "
            "source))"
        )
    else:
        dup = "0"
    sql = (
        f"SELECT batch_id, count(*) AS rows, {', '.join(parts)}, {dup} AS duplicate "
        f"FROM {scan} GROUP BY batch_id"
    )
    return con.execute(sql).df()


_ALL_STREET = (
    "crime_id, month, reported_by, falls_within, longitude, latitude, location, lsoa, "
    "lsoa_name, crime_type, last_outcome, context"
)


def _with_exact_duplicates(
    con: duckdb.DuckDBPyConnection, scan: str, sql_counts: list[str]
) -> pd.DataFrame:
    """Per-batch checks, plus exact repeats among rows whose Crime ID repeats.

    Blank Crime IDs (anti-social behaviour) legitimately repeat and are not checked. The
    main pass counts repeated Crime ID hashes (cheaper than distinct strings; a hash
    collision only makes a batch a suspect, never hides a repeat); whole rows are hashed
    only in suspect batches.
    """
    chk = con.execute(
        f"SELECT batch_id, count(*) AS rows, {', '.join(sql_counts)}, "
        "count(crime_id) - count(DISTINCT hash(crime_id)) FILTER (crime_id IS NOT NULL) "
        "AS id_repeats "
        f"FROM {scan} GROUP BY batch_id"
    ).df()
    suspects = chk.loc[chk["id_repeats"] > 0, "batch_id"].tolist()
    chk["duplicate"] = 0
    if suspects:
        dup = con.execute(
            f"SELECT batch_id, count(*) - count(DISTINCT hash({_ALL_STREET})) AS d FROM {scan} "
            "WHERE crime_id IS NOT NULL AND list_contains(?, batch_id) GROUP BY batch_id",
            [suspects],
        ).df()
        chk["duplicate"] = chk["batch_id"].map(dict(zip(dup["batch_id"], dup["d"], strict=True)))
        chk["duplicate"] = chk["duplicate"].fillna(0).astype(int)
    return chk.drop(columns=["id_repeats"])


def _lsoas(con: duckdb.DuckDBPyConnection, kind: FileKind, scan: str) -> pd.DataFrame:
    if "lsoa" not in {s for _, s in kind.columns}:
        return pd.DataFrame({"batch_id": [], "lsoa": []})
    return con.execute(
        f"SELECT DISTINCT batch_id, trim(lsoa) AS lsoa FROM {scan} "
        "WHERE nullif(trim(lsoa), '') IS NOT NULL"
    ).df()


def _counts_sql(kind: FileKind, out: Path) -> str:
    src = _scan(out)
    if kind.name == "partner":
        pts = _lit(str(_points_path(out)))
        return (
            "SELECT batch_id, month_key, coalesce(nullif(trim(e.lsoa), ''), p.lsoa21), measure, "
            f"coalesce(source, ''), sum(value), count(*) FROM {src} e "
            f"LEFT JOIN read_parquet({pts}) p USING (latitude, longitude) GROUP BY ALL"
        )
    lsoa = [] if kind.name == "stop_and_search" else ["nullif(trim(lsoa), '') AS lsoa"]
    dims = ", ".join(["force", "period", "month_key", *lsoa, *kind.count_by])
    order = "" if kind.name == "stop_and_search" else " ORDER BY lsoa"  # zone maps for reads
    return f"SELECT {dims}, count(*) FROM {src} WHERE month_key IS NOT NULL GROUP BY ALL{order}"


def content_force_month(
    con: duckdb.DuckDBPyConnection, src: SourceFile
) -> tuple[set[str], set[str]]:
    """Distinct forces (``Falls within``) and months of a police.uk file without a standard name."""
    header = src.header
    month_col = "Month" if "Month" in header else "Date"
    force_col = "Falls within" if "Falls within" in header else None
    cols = ", ".join(f"{_lit(h or f'column{i}')}: 'VARCHAR'" for i, h in enumerate(header))
    read = (
        f"read_csv({_lit(str(src.path))}, columns={{{cols}}}, header=true, auto_detect=false, "
        "delim=',', quote='\"', escape='\"')"
    )
    force_expr = _q(force_col) if force_col else "NULL"
    rows = con.execute(
        f"SELECT DISTINCT substr(trim({_q(month_col)}), 1, 7), {force_expr} FROM {read}"
    ).fetchall()
    return {r[0] for r in rows if r[0]}, {r[1] for r in rows if r[1]}


def _points_path(out: Path) -> Path:
    return out.parent / f"{out.name}-points.parquet"


def _map_points(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Map partner rows given by coordinates to the 2021 LSOA with the nearest centroid."""
    pts = con.execute(
        f"SELECT DISTINCT latitude, longitude FROM {_scan(out)} WHERE nullif(trim(lsoa), '') "
        "IS NULL AND latitude IS NOT NULL AND longitude IS NOT NULL AND flags = 0"
    ).df()
    if pts.empty:
        pts["lsoa21"] = pd.Series(dtype=str)
    else:
        from realimpact.data.geography import nearest_lsoas

        pts["lsoa21"] = nearest_lsoas(pts["latitude"].to_numpy(), pts["longitude"].to_numpy())
    con.register("_points", pts)
    con.execute(
        "COPY (SELECT latitude::DOUBLE AS latitude, longitude::DOUBLE AS longitude, "
        f"lsoa21::VARCHAR AS lsoa21 FROM _points) TO {_lit(str(_points_path(out)))} "
        "(FORMAT parquet)"
    )
    con.unregister("_points")
