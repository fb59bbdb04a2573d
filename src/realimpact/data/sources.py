"""Finding input files (files, folders, data.police.uk zips) and reading their bytes once.

One pass over each file's bytes computes its SHA-256 (the batch identity), checks that it
is valid UTF-8 (with or without a byte-order mark), keeps the header line, and counts its
separators and line ends (a cheap screen for ragged rows: a file without quotes whose
commas are exactly ``(columns - 1) x lines`` has no short or long rows). Files that are
not UTF-8 are decoded as Windows-1252 and transcoded to a temporary UTF-8 file, so that
the bulk readers (Polars, DuckDB) only ever see UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import numpy as np

from realimpact.exceptions import ImportValidationError, Problem

__all__ = ["SourceFile", "discover", "scan", "scan_iter"]

_CHUNK = 1 << 22
_CSV_SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True)
class SourceFile:
    """One input file after its byte scan.

    ``path`` is what the bulk reader reads (a temporary UTF-8 copy when the original
    was not UTF-8); ``name`` is what users see in messages (the original path, or
    ``archive.zip!member``).
    """

    path: Path
    name: str
    sha256: str
    size: int
    header: tuple[str, ...]
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    first_bad_byte_line: int | None = None  # spreadsheet row of the first non-UTF-8 byte
    rectangular: bool = False  # no quotes, and every line has as many fields as the header


def discover(paths: Iterable[str | os.PathLike[str]], tmp_dir: Path) -> list[tuple[Path, str]]:
    """Expand files, folders (recursively) and zip archives into ``(path, display name)``.

    Zip members are extracted into ``tmp_dir``. Raises :class:`ImportValidationError`
    listing every path that does not exist or holds no CSV files.
    """
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            problems.append(Problem("The path does not exist.", "Check the path.", file=str(p)))
        elif p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and _is_csv(f.name))
            files += sorted(f for f in p.rglob("*.zip") if f.is_file())
            before = len(found)
            for f in files:
                found.extend(
                    _read_zip(f, tmp_dir, problems) if f.suffix == ".zip" else [(f, str(f))]
                )
            if len(found) == before:
                problems.append(_no_csv(p))
        elif p.suffix.lower() == ".zip":
            members = _read_zip(p, tmp_dir, problems)
            found.extend(members) if members or problems else problems.append(_no_csv(p))
        else:
            found.append((p, str(p)))
    if problems:
        raise ImportValidationError("Some inputs cannot be read; nothing was imported.", problems)
    return found


def _no_csv(p: Path) -> Problem:
    return Problem(
        "No .csv or .csv.gz files found here.",
        "Point to police.uk CSV files, a folder of them, or a data.police.uk zip.",
        file=str(p),
    )


def _is_csv(name: str) -> bool:
    return name.lower().endswith(_CSV_SUFFIXES)


def _read_zip(archive: Path, tmp_dir: Path, problems: list[Problem]) -> list[tuple[Path, str]]:
    """The CSV members of ``archive``, or none with a problem added if it cannot be read."""
    try:
        return _zip_members(archive, tmp_dir)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        problems.append(
            Problem(
                f"The file is not a readable zip archive ({exc}).",
                "Download the archive again from data.police.uk, or unzip it and import the "
                "folder of CSV files.",
                file=str(archive),
            )
        )
        return []


def _zip_members(archive: Path, tmp_dir: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    with zipfile.ZipFile(archive) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not _is_csv(info.filename):
                continue
            safe = [part for part in Path(info.filename).parts if part not in ("..", "/", "\\")]
            target = tmp_dir / "zip" / archive.stem / Path(*safe)  # no escaping the temp dir
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(_CHUNK):
                    dst.write(chunk)
            out.append((target, f"{archive}!{info.filename}"))
    return out


def scan(files: list[tuple[Path, str]], tmp_dir: Path, threads: int = 2) -> list[SourceFile]:
    """Hash, encoding-check and header-read every file (in ``threads`` threads).

    Raises :class:`ImportValidationError` listing every file that cannot be read (a
    truncated or mislabelled ``.gz``, a file without read permission).
    """
    results = list(scan_iter(files, tmp_dir, threads))
    problems = [r for r in results if isinstance(r, Problem)]
    if problems:
        raise ImportValidationError("Some inputs cannot be read; nothing was imported.", problems)
    return [r for r in results if isinstance(r, SourceFile)]


def scan_iter(
    files: list[tuple[Path, str]], tmp_dir: Path, threads: int = 2
) -> Iterator[SourceFile | Problem]:
    """:func:`scan` as it goes: each file's result (or the problem reading it), in order.

    The files are read in ``threads`` background threads (hashing releases the GIL), so
    a caller can work on the first files while later ones are read.
    """
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        yield from pool.map(lambda f: _scan_or_problem(f[0], f[1], tmp_dir), files)


def _scan_or_problem(path: Path, name: str, tmp_dir: Path) -> SourceFile | Problem:
    try:
        return _scan_one(path, name, tmp_dir)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        return Problem(
            f"The file cannot be read ({exc}).",
            "Download it again; a .gz file must be gzip-compressed, a .csv file plain text.",
            file=name,
        )


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def _chunks(path: Path) -> Iterator[bytes]:
    with _open(path) as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def _scan_one(path: Path, name: str, tmp_dir: Path) -> SourceFile:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size, first, utf8, newlines, commas, quoted = 0, b"", True, 0, 0, False
    bad_line: int | None = None
    last = b""
    gz = path.name.lower().endswith(".gz")
    if gz:  # hash the file as stored (compressed)
        with open(path, "rb") as raw:
            while chunk := raw.read(_CHUNK):
                digest.update(chunk)
    for chunk in _chunks(path):
        if not gz:
            digest.update(chunk)
        if not first:
            first = chunk[:65536]
        size += len(chunk)
        last = chunk[-1:]
        # ASCII (the usual police.uk file) is valid UTF-8 unless a multi-byte character
        # was cut at the end of the previous chunk
        if utf8 and (not chunk.isascii() or decoder.getstate()[0]):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                utf8 = False
                bad_line = newlines + chunk[: exc.start].count(b"\n") + 1
        quoted = quoted or b'"' in chunk
        data = np.frombuffer(chunk, np.uint8)
        newlines += int(np.count_nonzero(data == 10))
        if not quoted:
            commas += int(np.count_nonzero(data == 44))
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8, bad_line = False, newlines + 1
    encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
    read_path = path
    if not utf8:
        encoding = "cp1252"
        read_path = _transcode(path, tmp_dir, digest.hexdigest())
    header = _header(first, encoding)
    lines = newlines + (1 if last not in (b"", b"\n") else 0)
    rectangular = not quoted and commas == max(len(header) - 1, 0) * lines
    return SourceFile(
        read_path, name, digest.hexdigest(), size, header, encoding, bad_line, rectangular
    )


def _header(first: bytes, encoding: str) -> tuple[str, ...]:
    text = first.decode(encoding, errors="replace")
    line = text.splitlines()[0] if text else ""
    row = next(csv.reader([line]), [])
    return tuple(c.strip() for c in row)


def _transcode(path: Path, tmp_dir: Path, digest: str) -> Path:
    target = tmp_dir / "utf8" / f"{digest[:16]}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with _open(path) as src, open(target, "w", encoding="utf-8", newline="") as dst:
        text = src.read().decode("cp1252", errors="replace")
        dst.write(text.removeprefix("\ufeff"))
    return target
