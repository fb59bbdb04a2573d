"""Import police.uk and partner CSV files into a workspace's observation store.

Method: (1) expand the inputs (files, folders, zips); (2) one byte pass per file, in
background threads, gives its SHA-256, encoding, header and a ragged-row screen; (3) as
each file comes, the kind is read from the header, force and month from the police.uk
file name (else from the content), and files already in the store (same hash) are
skipped; (4) police.uk files are parsed by Polars in chunks of about 64 MB as soon as a
chunk is ready, giving the monthly count rows and every row check in one pass
(:mod:`realimpact.data.counting`); partner files are parsed once by DuckDB into staged
Parquet (:mod:`realimpact.data.staging`); (5) files where a check fired are re-read to
locate the rows; every problem is collected and, if any is an error (or a warning under
``strict``), nothing is written and :class:`~realimpact.exceptions.ImportValidationError`
lists them all; (6) otherwise the count rows (and any staged Parquet) are swapped in and
the catalogue updated in one transaction.

Assumptions: police.uk files hold one force and one month each (as data.police.uk
publishes them); a different file for a force-month already stored is a newer release and
replaces it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from realimpact.data import counting, staging, store
from realimpact.data.formats import KINDS, FileKind, force_slug, kind_from_header, parse_file_name
from realimpact.data.geography import known_lsoa, known_lsoa_codes
from realimpact.data.sources import SourceFile, discover, scan_iter
from realimpact.data.validation import (
    apply_strict,
    can_find_repeats,
    check_header,
    encoding_problems,
    locate_row_problems,
    repeated_rows,
)
from realimpact.exceptions import ImportValidationError, Problem
from realimpact.workspace import Workspace

__all__ = ["FileOutcome", "ImportResult", "ProgressFn", "import_paths"]

ProgressFn = Callable[[str, int, int], None]
_CHECKS = ("month", "coordinates", "value", "place", "measure", "duplicate", "fields", "lsoa")


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file: ``new``, ``replaced`` (an older release) or ``skipped``."""

    file: str
    kind: str
    force: str | None
    period: str | None
    rows: int
    status: str
    batch_id: str
    note: str = ""


@dataclass(frozen=True)
class ImportResult:
    """The outcome of :func:`import_paths`: one line per file and the warnings found."""

    files: tuple[FileOutcome, ...]
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files if f.status != "skipped")

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [f.__dict__ for f in self.files],
            "rows": self.rows,
            "new": self.count("new"),
            "replaced": self.count("replaced"),
            "skipped": self.count("skipped"),
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def summary(self) -> str:
        return (
            f"{len(self.files)} files: {self.count('new')} new, {self.count('replaced')} replaced "
            f"an older release, {self.count('skipped')} skipped (already stored); "
            f"{self.rows:,} rows imported; {len(self.warnings)} warnings."
        )


def _noop(stage: str, done: int, total: int) -> None:
    return None


def import_paths(
    workspace: Workspace,
    paths: Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    keep_events: bool = False,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Validate and import CSV files into the workspace's store, all or nothing.

    Parameters
    ----------
    workspace : Workspace
        Target workspace (see :func:`realimpact.workspace.open_workspace`).
    paths : iterable of path-like
        Files (``.csv`` or ``.csv.gz``), folders (searched recursively) or data.police.uk
        zip archives.
    strict : bool
        Treat warnings (cp1252 encoding, duplicate rows, unknown LSOA codes, missing
        optional columns) as errors.
    keep_events : bool
        Also keep police.uk event rows (one row per crime, outcome or search) as Parquet
        in the store (:func:`realimpact.data.store.events_glob`). Off by default: series,
        panels and evaluations read only the monthly count tables, and writing every
        column of every row takes longer than parsing and checking them. Partner rows
        are always kept.
    progress : callable, optional
        Called as ``progress(stage, done, total)``.

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportValidationError
        Listing every problem found (file, row, column, fix). The store is unchanged.
    """
    report = progress or _noop
    tmp = Path(tempfile.mkdtemp(prefix=".import-", dir=workspace.root))
    try:
        return _run(workspace, paths, strict, keep_events, report, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(
    workspace: Workspace,
    paths: Iterable[str | os.PathLike[str]],
    strict: bool,
    keep_events: bool,
    report: ProgressFn,
    tmp: Path,
) -> ImportResult:
    found = discover(paths, tmp)
    problems: list[Problem] = []
    planner = _Planner(workspace, problems)
    counters = _Counters()
    unreadable: list[Problem] = []
    report("Reading and checking files", 0, len(found))
    # files are hashed in background threads while Polars parses the chunks already planned
    try:
        for i, item in enumerate(scan_iter(found, tmp), start=1):
            if isinstance(item, Problem):
                unreadable.append(item)
            elif (planned := planner.add(item)) is not None and planned.kind != "partner":
                counters.add(planned.kind, planned.file)
            report("Reading and checking files", i, len(found))
    finally:
        planner.close()
    if unreadable:
        raise ImportValidationError("Some inputs cannot be read; nothing was imported.", unreadable)
    counted = counters.finish()
    staged = _stage_all(planner.planned, counted, problems, tmp, report)
    problems = apply_strict(problems, strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        n = len({p.file for p in errors})
        raise ImportValidationError(
            f"{len(errors)} problems in {n} files; nothing was imported (the store is unchanged).",
            problems,
        )
    if keep_events:
        report("Writing event rows", 0, 1)
        staged = _with_events(planner.planned, staged, tmp)
    report("Saving", 0, 1)
    batches, replaces, done = _batches(workspace, planner.planned, staged, problems)
    if batches:  # nothing new: the store is not even opened for writing
        store.commit(workspace, [s.staged for s in staged.values()], batches, replaces)
    report("Saving", 1, 1)
    return ImportResult(tuple(planner.outcomes + done), tuple(problems))


@dataclass(frozen=True)
class _Planned:
    kind: str
    file: staging.PlannedFile


class _Counters:
    """One :class:`~realimpact.data.counting.KindCounter` per police.uk kind, fed in chunks."""

    def __init__(self) -> None:
        self._counters: dict[str, counting.KindCounter] = {}
        self._pending: dict[str, list[staging.PlannedFile]] = {}
        self._size: dict[str, int] = {}

    def add(self, kind: str, file: staging.PlannedFile) -> None:
        pending = self._pending.setdefault(kind, [])
        if pending and self._size[kind] + file.src.size > counting.CHUNK_BYTES:
            self._flush(kind)
            pending = self._pending[kind]
        pending.append(file)
        self._size[kind] = self._size.get(kind, 0) + file.src.size

    def _flush(self, kind: str) -> None:
        if kind not in self._counters:
            self._counters[kind] = counting.KindCounter(KINDS[kind], known_lsoa_codes())
        self._counters[kind].add(self._pending[kind])
        self._pending[kind], self._size[kind] = [], 0

    def finish(self) -> dict[str, counting.CountReport]:
        for kind, pending in self._pending.items():
            if pending:
                self._flush(kind)
        return {kind: c.result() for kind, c in self._counters.items()}


class _Planner:
    """Decides, file by file in input order, what each scanned file becomes.

    Unknown kinds and header errors are problems; files already in the store (same
    bytes) or repeated in this import are skipped; a second file for a force-month
    already claimed in this import is a warning and is not imported.
    """

    def __init__(self, workspace: Workspace, problems: list[Problem]) -> None:
        self.known = store.known_batches(workspace)
        self.problems = problems
        self.planned: dict[str, list[staging.PlannedFile]] = {}
        self.outcomes: list[FileOutcome] = []
        self._seen: dict[str, str] = {}
        self._claimed: dict[tuple[str, str | None, str | None], str] = {}
        self._con: duckdb.DuckDBPyConnection | None = None

    def add(self, src: SourceFile) -> _Planned | None:
        kind = kind_from_header(list(src.header), src.name)
        if kind is None:
            self.problems.append(_unknown_kind(src))
            return None
        header_problems = check_header(src, kind) + encoding_problems(src)
        if src.sha256 in self.known or src.sha256 in self._seen:
            note = (
                "already in the store"
                if src.sha256 in self.known
                else f"same bytes as {self._seen[src.sha256]}"
            )
            self.outcomes.append(
                FileOutcome(src.name, kind.name, None, None, 0, "skipped", src.sha256, note)
            )
            return None
        self._seen[src.sha256] = src.name
        self.problems.extend(header_problems)
        if any(p.severity == "error" for p in header_problems):
            return None
        force, period = _force_period(lambda: self._connection, src, kind, self.problems)
        if kind.name != "partner" and (force is None or period is None):
            return None
        key = (kind.name, force, period)
        if kind.name != "partner" and key in self._claimed:
            self.problems.append(_same_partition(src, self._claimed[key], force, period))
            return None
        self._claimed[key] = src.name
        planned = staging.PlannedFile(src, force, period)
        self.planned.setdefault(kind.name, []).append(planned)
        return _Planned(kind.name, planned)

    @property
    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:  # only for police.uk files named otherwise than police.uk does
            self._con = duckdb.connect()
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()


def _force_period(
    connection: Callable[[], duckdb.DuckDBPyConnection],
    src: SourceFile,
    kind: FileKind,
    problems: list[Problem],
) -> tuple[str | None, str | None]:
    if kind.name == "partner":
        return None, None
    parsed = parse_file_name(src.name)
    if parsed:
        return parsed[1], parsed[0]
    months, forces = staging.content_force_month(connection(), src)
    if len(months) == 1 and len(forces) <= 1:
        force = force_slug(next(iter(forces))) if forces else "unknown"
        return force, next(iter(months))
    problems.append(
        Problem(
            f"The file holds {len(months)} months and {len(forces)} forces; police.uk files "
            "hold one of each.",
            "Name the file as police.uk does (YYYY-MM-<force>-street.csv) or split it by month.",
            file=src.name,
            column=kind.month_column,
        )
    )
    return None, None


def _unknown_kind(src: SourceFile) -> Problem:
    return Problem(
        f"Cannot tell what kind of file this is from its header ({', '.join(src.header[:6])}...).",
        "Import police.uk street, outcomes or stop-and-search files, or a partner file with "
        "columns month, lsoa_code, measure, value (see docs/data.md).",
        file=src.name,
        row=1,
    )


def _same_partition(src: SourceFile, other: str, force: str | None, period: str | None) -> Problem:
    return Problem(
        f"Another file in this import ({other}) holds the same force and month ({force} {period}).",
        "Import only one release of each force-month; the other file was not imported.",
        file=src.name,
        severity="warning",
    )


@dataclass(frozen=True)
class _Staged:
    """One kind's staged additions and the per-batch row counts."""

    staged: store.StagedKind
    checks: Any  # pandas DataFrame: batch_id, rows, <check>...


def _stage_all(
    planned: dict[str, list[staging.PlannedFile]],
    counted: dict[str, counting.CountReport],
    problems: list[Problem],
    tmp: Path,
    report: ProgressFn,
) -> dict[str, _Staged]:
    out: dict[str, _Staged] = {}
    known = known_lsoa
    for kind_name, files in sorted(planned.items()):
        kind = KINDS[kind_name]
        if kind_name != "partner":  # police.uk: counted while the files were read
            rep = counted[kind_name]
            failed = set(rep.failed)
            problems.extend(
                _locate_parse_failure([f for f in files if f.src.sha256 in failed], kind, None)
            )
            batches = tuple((f.src.sha256, f.force, f.period) for f in files)
            staged = store.StagedKind(kind_name, None, (), batches, counts=rep.counts)
            out[kind_name] = _Staged(staged, rep.checks)
            problems.extend(_row_problems(rep, files, kind, known))
            continue
        report("Parsing and checking partner files", 0, 1)
        with duckdb.connect() as con:
            try:
                part = staging.stage_kind(con, kind, files, tmp / "staged" / kind_name)
            except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
                problems.extend(_locate_parse_failure(files, kind, exc))
                continue
        out[kind_name] = _Staged(part.staged, part.checks)
        problems.extend(_row_problems(part, files, kind, known))
        report("Parsing and checking partner files", 1, 1)
    return out


def _with_events(
    planned: dict[str, list[staging.PlannedFile]], staged: dict[str, _Staged], tmp: Path
) -> dict[str, _Staged]:
    """Add event Parquet for the police.uk kinds (after every check has passed)."""
    out = dict(staged)
    with duckdb.connect() as con:
        for kind_name, st in staged.items():
            if kind_name == "partner":
                continue
            root = tmp / "staged" / kind_name
            owners = staging.write_events(con, KINDS[kind_name], planned[kind_name], root)
            out[kind_name] = _Staged(replace(st.staged, root=root, owners=owners), st.checks)
    return out


def _locate_parse_failure(
    files: list[staging.PlannedFile], kind: FileKind, exc: duckdb.Error | None
) -> list[Problem]:
    found: list[Problem] = []
    for f in files:
        located = locate_row_problems(f.src, kind, {"fields"})
        if not located and exc is None:
            located = [
                Problem(
                    "The CSV reader cannot parse this file.",
                    "Check the file is a comma-separated CSV with one header row, and that "
                    "fields containing commas or quotes are quoted.",
                    file=f.src.name,
                )
            ]
        found.extend(located)
    if not found and exc is not None:
        found.append(
            Problem(
                f"The CSV reader failed: {str(exc).splitlines()[0]}",
                "Check the file is a comma-separated CSV with one header row.",
                file=files[0].src.name if len(files) == 1 else None,
            )
        )
    return found


def _row_problems(
    rep: staging.StageReport | counting.CountReport,
    files: list[staging.PlannedFile],
    kind: FileKind,
    known: Callable[[str], bool] | None,
) -> list[Problem]:
    by_id = {f.src.sha256: f.src for f in files}
    unknown_lsoa: set[str] = set()
    if known is not None and isinstance(rep, staging.StageReport):  # counting did it itself
        bad = {c for c in rep.lsoas["lsoa"].unique() if not known(c)}  # each code once
        unknown_lsoa = set(rep.lsoas.loc[rep.lsoas["lsoa"].isin(bad), "batch_id"])
    out: list[Problem] = []
    records = rep.checks.to_dict(orient="records")
    suspects = [
        by_id[r["batch_id"]]
        for r in records
        if int(r.get("duplicate", 0) or 0) > 0 and can_find_repeats(by_id[r["batch_id"]], kind)
    ]
    repeats = repeated_rows(suspects) if suspects else {}  # one parallel read for them all
    for row in records:
        failed = {c for c in _CHECKS if int(row.get(c, 0) or 0) > 0}
        if row["batch_id"] in unknown_lsoa:
            failed.add("lsoa")
        if failed:
            src = by_id[row["batch_id"]]
            found = repeats.get(src.sha256)
            out.extend(locate_row_problems(src, kind, failed, known, found))
    if kind.name == "partner":  # a police.uk month may be empty; a partner file should not
        with_rows = set(rep.checks["batch_id"])
        out += [
            Problem(
                "The file has a header but no rows.",
                "Check the export: a partner file gives one row per place, month and measure.",
                file=src.name,
                row=2,
                severity="warning",
            )
            for bid, src in by_id.items()
            if bid not in with_rows
        ]
    return out


def _batches(
    workspace: Workspace,
    planned: dict[str, list[staging.PlannedFile]],
    staged: dict[str, _Staged],
    problems: list[Problem],
) -> tuple[list[store.Batch], dict[str, str], list[FileOutcome]]:
    current = store.current_partitions(workspace)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    batches: list[store.Batch] = []
    replaces: dict[str, str] = {}
    outcomes: list[FileOutcome] = []
    for kind_name, files in planned.items():
        rows = dict(
            zip(staged[kind_name].checks["batch_id"], staged[kind_name].checks["rows"], strict=True)
        )
        for f in files:
            bid = f.src.sha256
            old = current.get((kind_name, f.force or "", f.period or ""))
            if old:
                replaces[old] = bid
            n_warn = sum(p.file == f.src.name for p in problems)
            n_rows = int(rows.get(bid, 0))
            batches.append(
                store.Batch(
                    bid,
                    kind_name,
                    f.force,
                    f.period,
                    f.src.name,
                    n_rows,
                    f.src.encoding,
                    n_warn,
                    now,
                    store.IMPORTER_VERSION,
                    "current",
                )
            )
            status = "replaced" if old else "new"
            note = f"replaces batch {old[:12]}" if old else ""
            outcomes.append(
                FileOutcome(f.src.name, kind_name, f.force, f.period, n_rows, status, bid, note)
            )
    return batches, replaces, outcomes
