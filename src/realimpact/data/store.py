"""The observation store: Parquet event files plus a DuckDB catalogue, in ``<workspace>/store/``.

Layout (designed so a national picture, about 6 million police.uk rows a year, stays fast)::

    store/
      catalogue.duckdb                     batches, event_files, monthly counts, partner values
      events/<kind>/part-<id>.parquet      event rows of one import chunk (many files each)

``<kind>`` is ``street``, ``outcomes``, ``stop_and_search`` or ``partner``. Every event row
carries ``batch_id``, ``force``, ``period``, ``month_key`` and ``flags``; the catalogue's
``event_files`` table says which file holds which batch. Read the rows of a kind with
``read_parquet('<store>/events/<kind>/*.parquet')`` (see :func:`events_glob`).

Every imported file is a *batch* identified by the SHA-256 of its bytes. A police.uk
batch owns one force-month ``(kind, force, period)``: re-importing the same bytes adds
nothing, and a different file for the same force and month (a newer police.uk release)
replaces it and is recorded as replacing the older batch. The catalogue keeps
``counts_<kind>`` tables (force, period, month, lsoa, category, n), maintained on import,
so that monthly series never scan the event files.

Transactions: new Parquet is written to a staging folder outside ``store/`` and validated
first; stored files that hold replaced batches are rewritten without them, also outside
``store/``. Only then are the files swapped in (renames) and the catalogue updated in one
DuckDB transaction. If anything fails, the transaction is rolled back and the files are
moved back, so the store is left byte-for-byte as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from realimpact.workspace import Workspace

__all__ = [
    "IMPORTER_VERSION",
    "Batch",
    "StoreStatus",
    "connect",
    "events_glob",
    "reader",
    "release_readers",
    "store_status",
]

IMPORTER_VERSION = "2"
CATALOGUE = "catalogue.duckdb"
POLICE_KINDS = ("street", "outcomes", "stop_and_search")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    batch_id VARCHAR PRIMARY KEY, kind VARCHAR, force VARCHAR, period VARCHAR,
    file_name VARCHAR, rows BIGINT, encoding VARCHAR, warnings INTEGER,
    imported_at TIMESTAMP, importer_version VARCHAR,
    status VARCHAR, replaced_by VARCHAR
);
CREATE TABLE IF NOT EXISTS counts_street (
    force VARCHAR, period VARCHAR, month VARCHAR, lsoa VARCHAR, crime_type VARCHAR, n BIGINT);
CREATE TABLE IF NOT EXISTS counts_outcomes (
    force VARCHAR, period VARCHAR, month VARCHAR, lsoa VARCHAR, outcome_type VARCHAR, n BIGINT);
CREATE TABLE IF NOT EXISTS counts_stop_and_search (
    force VARCHAR, period VARCHAR, month VARCHAR, object_of_search VARCHAR, outcome VARCHAR,
    n BIGINT);
CREATE TABLE IF NOT EXISTS event_files (kind VARCHAR, file VARCHAR, batch_id VARCHAR);
CREATE TABLE IF NOT EXISTS partner_values (
    batch_id VARCHAR, month VARCHAR, lsoa VARCHAR, measure VARCHAR, source VARCHAR,
    value DOUBLE, n BIGINT);
"""


@dataclass(frozen=True)
class Batch:
    """One imported file, as recorded in the catalogue."""

    batch_id: str
    kind: str
    force: str | None
    period: str | None
    file_name: str
    rows: int
    encoding: str
    warnings: int
    imported_at: dt.datetime
    importer_version: str
    status: str  # "current" or "replaced"
    replaced_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def catalogue_path(workspace: Workspace) -> Path:
    return workspace.store_dir / CATALOGUE


@contextmanager
def connect(workspace: Workspace, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the catalogue (read-only by default; an empty in-memory one if none).

    Readers get a read-only connection so several processes may read at once; DuckDB
    allows a single writer.
    """
    path = catalogue_path(workspace)
    if read_only and not path.exists():
        con = duckdb.connect()
        con.execute(_SCHEMA)
    else:
        con = duckdb.connect(str(path), read_only=read_only)
        if not read_only:
            con.execute(_SCHEMA)
    try:
        yield con
    finally:
        con.close()


_READERS: dict[str, tuple[tuple[int, ...], duckdb.DuckDBPyConnection]] = {}


def _version(path: Path) -> tuple[int, ...]:
    wal = path.with_name(path.name + ".wal")
    st = path.stat()
    extra = (wal.stat().st_mtime_ns,) if wal.exists() else ()
    return (st.st_mtime_ns, st.st_size, *extra)


@contextmanager
def reader(workspace: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on a cached read-only connection to the catalogue (for fast repeated reads).

    Opening a DuckDB file costs tens of milliseconds, more than a series query, so the
    connection is kept per process and reopened when the file changes. While it is open
    the process holds DuckDB's shared lock: call :func:`release_readers` before another
    process imports (an import in this process releases it itself).
    """
    path = catalogue_path(workspace)
    if not path.exists():
        with connect(workspace) as con:
            yield con
        return
    key, version = str(path), _version(path)
    cached = _READERS.get(key)
    if cached is None or cached[0] != version:
        if cached is not None:
            cached[1].close()
        _READERS[key] = (version, duckdb.connect(key, read_only=True))
    cur = _READERS[key][1].cursor()
    try:
        yield cur
    finally:
        cur.close()


def release_readers() -> None:
    """Close the cached read-only connections of this process."""
    for _, con in _READERS.values():
        con.close()
    _READERS.clear()


def known_batches(workspace: Workspace) -> dict[str, str]:
    """``{batch_id: status}`` of every batch ever imported (reads only)."""
    if not catalogue_path(workspace).exists():
        return {}
    with connect(workspace) as con:
        return dict(con.execute("SELECT batch_id, status FROM batches").fetchall())


def events_dir(workspace: Workspace, kind: str) -> Path:
    return workspace.store_dir / "events" / kind


def events_glob(workspace: Workspace, kind: str) -> str:
    """Glob of the event Parquet files of ``kind``, for DuckDB's ``read_parquet``.

    Every row has the source columns plus ``month_key``, ``batch_id``, ``force``,
    ``period`` and ``flags``; filter on ``force`` and ``period`` for one force-month.
    """
    return str(events_dir(workspace, kind) / "*.parquet")


@dataclass(frozen=True)
class StagedKind:
    """What one kind's import adds, prepared outside the store, waiting to be swapped in.

    The count rows come either as a frame (``counts``, the fast path) or as a SELECT over
    the staged Parquet (``counts_sql``). ``owners`` lists the staged event Parquet files
    (none unless event rows are kept).
    """

    kind: str
    root: Path | None  # folder of staged Parquet files (None: no event rows kept)
    owners: tuple[tuple[str, str], ...]  # (file name, batch_id): which file holds which batch
    batches: tuple[tuple[str, str | None, str | None], ...]  # (batch_id, force, period)
    counts_sql: str | None = None  # SELECT producing rows of the count table
    counts: Any = None  # or the rows themselves (a Polars or pandas frame, table's columns,
    # in the order to store them: by LSOA code where there is one)


@dataclass
class _Swap:
    moved: list[tuple[Path, Path]] = field(default_factory=list)

    def move(self, src: Path, dst: Path) -> None:
        dst.parent.mkdir(parents=True, exist_ok=True)
        src.rename(dst)
        self.moved.append((src, dst))

    def undo(self) -> None:
        for src, dst in reversed(self.moved):
            dst.rename(src)


def commit(
    workspace: Workspace, staged: list[StagedKind], batches: list[Batch], replaces: dict[str, str]
) -> None:
    """Swap staged Parquet files into the store and record batches, atomically.

    ``replaces`` maps an old batch id to the new batch id that replaces it. Stored files
    holding replaced batches are rewritten without them (outside the store) before the
    transaction; the swap then only renames files.
    """
    release_readers()  # DuckDB cannot open one file read-only and read-write in one process
    tag = uuid.uuid4().hex[:8]
    trash = workspace.root / f".store-trash-{tag}"
    scratch = workspace.root / f".store-rewrite-{tag}"
    swap = _Swap()
    try:
        with connect(workspace, read_only=False) as con:
            rewrites = _rewrite_files(con, workspace, list(replaces), scratch)
            con.execute("BEGIN TRANSACTION")
            try:
                for st in staged:
                    _swap_kind(con, workspace, st, swap)
                _swap_rewrites(con, workspace, rewrites, scratch, swap, trash)
                _record_batches(con, batches, replaces)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                swap.undo()
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(trash, ignore_errors=True)


@dataclass(frozen=True)
class _Rewrite:
    kind: str
    old: str  # file name in the store
    new: str | None  # rewritten file in the scratch folder (None: nothing left)
    keep: tuple[str, ...]  # batch ids the rewritten file holds


def _rewrite_files(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, old_ids: list[str], scratch: Path
) -> list[_Rewrite]:
    """Copies, outside the store, of the stored files holding ``old_ids``, without them."""
    if not old_ids:
        return []
    rows = con.execute(
        "SELECT kind, file, list(batch_id ORDER BY batch_id) FILTER (WHERE NOT "
        "list_contains(?, batch_id)) FROM event_files WHERE file IN (SELECT file FROM event_files "
        "WHERE list_contains(?, batch_id)) GROUP BY ALL ORDER BY ALL",
        [old_ids, old_ids],
    ).fetchall()
    out: list[_Rewrite] = []
    for kind, old, keep in rows:
        keep = tuple(keep or ())
        new = None
        if keep:
            scratch.mkdir(parents=True, exist_ok=True)
            new = f"part-{uuid.uuid4().hex[:16]}.parquet"
            src = str(events_dir(workspace, kind) / old)
            dst = str(scratch / new).replace("'", "''")
            con.execute(
                f"COPY (SELECT * FROM read_parquet(?) WHERE NOT list_contains(?, batch_id)) "
                f"TO '{dst}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)",
                [src, old_ids],
            )
        out.append(_Rewrite(kind, old, new, keep))
    return out


def _swap_rewrites(
    con: duckdb.DuckDBPyConnection,
    workspace: Workspace,
    rewrites: list[_Rewrite],
    scratch: Path,
    swap: _Swap,
    trash: Path,
) -> None:
    for r in rewrites:
        root = events_dir(workspace, r.kind)
        swap.move(root / r.old, trash / r.kind / r.old)
        con.execute("DELETE FROM event_files WHERE kind = ? AND file = ?", [r.kind, r.old])
        if r.new is not None:
            swap.move(scratch / r.new, root / r.new)
            con.executemany(
                "INSERT INTO event_files VALUES (?, ?, ?)", [[r.kind, r.new, b] for b in r.keep]
            )


def _swap_kind(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, st: StagedKind, swap: _Swap
) -> None:
    table = "partner_values" if st.kind == "partner" else f"counts_{st.kind}"
    keys = pd.DataFrame(list(st.batches), columns=["batch_id", "force", "period"], dtype=object)
    con.register("_staged_batches", keys)  # one DELETE for all the batches' old counts
    if st.kind == "partner":
        con.execute(
            "DELETE FROM partner_values WHERE batch_id IN "
            "(SELECT batch_id::VARCHAR FROM _staged_batches)"
        )
    else:
        con.execute(
            f"DELETE FROM counts_{st.kind} USING _staged_batches b "
            f"WHERE counts_{st.kind}.force = b.force::VARCHAR "
            f"AND counts_{st.kind}.period = b.period::VARCHAR"
        )
    con.unregister("_staged_batches")
    if st.counts is not None:
        con.register("_staged_counts", st.counts)
        con.execute(f"INSERT INTO {table} SELECT * FROM _staged_counts")  # kept in its order
        con.unregister("_staged_counts")
    elif st.counts_sql is not None:
        con.execute(f"INSERT INTO {table} {st.counts_sql}")  # reads the staged Parquet
    if st.root is None or not st.owners:
        return
    target_root = events_dir(workspace, st.kind)
    for name in sorted({name for name, _ in st.owners}):
        swap.move(st.root / name, target_root / name)
    con.executemany(
        "INSERT INTO event_files VALUES (?, ?, ?)", [[st.kind, n, b] for n, b in st.owners]
    )


def _record_batches(
    con: duckdb.DuckDBPyConnection, batches: list[Batch], replaces: dict[str, str]
) -> None:
    for old, new in replaces.items():
        con.execute(
            "UPDATE batches SET status = 'replaced', replaced_by = ? WHERE batch_id = ?", [new, old]
        )
    if not batches:
        return
    frame = pd.DataFrame([b.to_dict() for b in batches], columns=list(Batch.__dataclass_fields__))
    con.register("_new_batches", frame)  # one statement for all batches
    con.execute(
        "INSERT INTO batches SELECT batch_id, kind, force, period, file_name, rows, "
        "encoding, warnings, imported_at, importer_version, status, "
        "replaced_by::VARCHAR FROM _new_batches"
    )
    con.unregister("_new_batches")  # (a failed statement aborts the transaction: no cleanup)


def current_partitions(workspace: Workspace) -> dict[tuple[str, str, str], str]:
    """``{(kind, force, period): batch_id}`` of the current police.uk batches."""
    if not catalogue_path(workspace).exists():
        return {}
    with connect(workspace) as con:
        rows = con.execute(
            "SELECT kind, force, period, batch_id FROM batches "
            "WHERE status = 'current' AND kind <> 'partner'"
        ).fetchall()
    return {(k, f, p): b for k, f, p, b in rows}


@dataclass(frozen=True)
class StoreStatus:
    """What the store holds: forces, months and rows per kind, and every batch."""

    root: Path
    kinds: pd.DataFrame  # kind, force, first_month, last_month, months, rows, batches
    batches: tuple[Batch, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "kinds": self.kinds.to_dict(orient="records"),
            "batches": [b.to_dict() for b in self.batches],
        }

    def summary(self) -> str:
        if self.kinds.empty:
            return f"The store at {self.root} is empty. Import data with 'realimpact data import'."
        lines = [f"Store at {self.root}:"]
        for r in self.kinds.itertuples():
            force = r.force if isinstance(r.force, str) else "-"
            lines.append(
                f"  {r.kind!s:<16} {force:<18} {r.first_month}..{r.last_month} "
                f"({r.months} months), {r.rows:,} rows in {r.batches} files"
            )
        replaced = sum(b.status == "replaced" for b in self.batches)
        lines.append(f"  {len(self.batches)} batches recorded ({replaced} replaced by newer files)")
        return "\n".join(lines)


# Partner batches have no force or period of their own: their months come from their values.
_STATUS_SQL = """
WITH cur AS (SELECT * FROM batches WHERE status = 'current'),
pmonths AS (
    SELECT min(month) AS first_month, max(month) AS last_month,
           count(DISTINCT month) AS months
    FROM partner_values WHERE batch_id IN (SELECT batch_id FROM cur WHERE kind = 'partner'))
SELECT kind, force, min(period) AS first_month, max(period) AS last_month,
       count(DISTINCT period) AS months, sum(rows)::BIGINT AS rows, count(*) AS batches
FROM cur WHERE kind <> 'partner' GROUP BY ALL
UNION ALL
SELECT 'partner', NULL, any_value(p.first_month), any_value(p.last_month),
       coalesce(any_value(p.months), 0), sum(c.rows)::BIGINT, count(*)
FROM cur c, pmonths p WHERE c.kind = 'partner' HAVING count(*) > 0
ORDER BY kind, force
"""


def store_status(workspace: Workspace) -> StoreStatus:
    """Summarise the store of ``workspace`` (reads only)."""
    with connect(workspace) as con:
        kinds = con.execute(_STATUS_SQL).df()
        rows = con.execute("SELECT * FROM batches ORDER BY imported_at, file_name").fetchall()
    return StoreStatus(workspace.store_dir, kinds, tuple(Batch(*r) for r in rows))
