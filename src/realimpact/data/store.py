"""The observation store: Parquet event files plus a DuckDB catalogue, in ``<workspace>/store/``.

Layout (designed so a national picture, about 6 million police.uk rows a year, stays fast)::

    store/
      catalogue.duckdb                     batches, monthly count tables, partner values
      events/street/force=<f>/period=<YYYY-MM>/data_0.parquet
      events/outcomes/force=<f>/period=<YYYY-MM>/data_0.parquet
      events/stop_and_search/force=<f>/period=<YYYY-MM>/data_0.parquet
      events/partner/batch=<sha256[:16]>/data_0.parquet

Every imported file is a *batch* identified by the SHA-256 of its bytes. A police.uk
batch owns one partition ``(kind, force, period)``: re-importing the same bytes adds
nothing, and a different file for the same force and month (a newer police.uk release)
replaces the partition and is recorded as replacing the older batch. The catalogue keeps
``counts_<kind>`` tables (force, period, month, lsoa, category, n), maintained on import,
so that monthly series never scan the event files.

Transactions: new Parquet is written to a staging folder outside ``store/`` and validated
first; only then are the partition folders swapped in and the catalogue updated in one
DuckDB transaction. If anything fails, the transaction is rolled back and the folders are
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
    "reader",
    "release_readers",
    "store_status",
]

IMPORTER_VERSION = "1"
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
    with connect(workspace) as con:
        return dict(con.execute("SELECT batch_id, status FROM batches").fetchall())


def events_dir(workspace: Workspace, kind: str) -> Path:
    return workspace.store_dir / "events" / kind


@dataclass(frozen=True)
class StagedKind:
    """Parquet written for one kind, outside the store, waiting to be swapped in."""

    kind: str
    root: Path  # hive-partitioned folder
    partitions: tuple[str, ...]  # relative partition folders, e.g. "force=x/period=2023-01"
    counts_sql: str  # SELECT producing rows of the kind's count table, from staged Parquet


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
    """Swap staged partitions into the store and record batches, atomically.

    ``replaces`` maps an old batch id to the new batch id that replaces it.
    """
    release_readers()  # DuckDB cannot open one file read-only and read-write in one process
    trash = workspace.root / f".store-trash-{uuid.uuid4().hex[:8]}"
    swap = _Swap()
    with connect(workspace, read_only=False) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for st in staged:
                _swap_kind(con, workspace, st, swap, trash)
            _record_batches(con, batches, replaces)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            swap.undo()
            raise
    shutil.rmtree(trash, ignore_errors=True)


def _swap_kind(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, st: StagedKind, swap: _Swap, trash: Path
) -> None:
    target_root = events_dir(workspace, st.kind)
    table = "partner_values" if st.kind == "partner" else f"counts_{st.kind}"
    for part in st.partitions:
        keys = dict(kv.split("=", 1) for kv in part.split("/"))
        if st.kind == "partner":
            con.execute("DELETE FROM partner_values WHERE batch_id LIKE ?", [keys["batch"] + "%"])
        else:
            con.execute(
                f"DELETE FROM counts_{st.kind} WHERE force = ? AND period = ?",
                [keys["force"], keys["period"]],
            )
    if any(st.root.rglob("*.parquet")):
        con.execute(f"INSERT INTO {table} {st.counts_sql}")  # reads the staged Parquet
    for part in st.partitions:
        target = target_root / part
        if target.exists():
            swap.move(target, trash / st.kind / part)
        if (st.root / part).exists():  # a header-only file stages no partition
            swap.move(st.root / part, target)


def _record_batches(
    con: duckdb.DuckDBPyConnection, batches: list[Batch], replaces: dict[str, str]
) -> None:
    for old, new in replaces.items():
        con.execute(
            "UPDATE batches SET status = 'replaced', replaced_by = ? WHERE batch_id = ?", [new, old]
        )
    for b in batches:
        con.execute(
            "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                b.batch_id,
                b.kind,
                b.force,
                b.period,
                b.file_name,
                b.rows,
                b.encoding,
                b.warnings,
                b.imported_at,
                b.importer_version,
                b.status,
                b.replaced_by,
            ],
        )


def current_partitions(workspace: Workspace) -> dict[tuple[str, str, str], str]:
    """``{(kind, force, period): batch_id}`` of the current police.uk batches."""
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
            lines.append(
                f"  {r.kind!s:<16} {r.force or '-'!s:<18} {r.first_month}..{r.last_month} "
                f"({r.months} months), {r.rows:,} rows in {r.batches} files"
            )
        replaced = sum(b.status == "replaced" for b in self.batches)
        lines.append(f"  {len(self.batches)} batches recorded ({replaced} replaced by newer files)")
        return "\n".join(lines)


def store_status(workspace: Workspace) -> StoreStatus:
    """Summarise the store of ``workspace`` (reads only)."""
    with connect(workspace) as con:
        kinds = con.execute(
            "SELECT kind, force, min(period) AS first_month, max(period) AS last_month, "
            "count(DISTINCT period) AS months, sum(rows)::BIGINT AS rows, count(*) AS batches "
            "FROM batches WHERE status = 'current' GROUP BY ALL ORDER BY kind, force"
        ).df()
        rows = con.execute("SELECT * FROM batches ORDER BY imported_at, file_name").fetchall()
    return StoreStatus(workspace.store_dir, kinds, tuple(Batch(*r) for r in rows))
