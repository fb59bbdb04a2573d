"""Helpers for the observation-store tests: real sample rows, independent counts, hashes."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import Counter
from pathlib import Path

from realimpact import sample_data

POLICEUK = sample_data.path("policeuk")


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a police.uk CSV (plain or gzip) with Python's csv module."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def street_files(force: str) -> list[Path]:
    return sorted((POLICEUK / force / "street").glob("*.csv.gz"))


def csv_street_counts(force: str) -> Counter[tuple[str, str]]:
    """Independent count per (month, crime type) of a force's shipped street files."""
    counts: Counter[tuple[str, str]] = Counter()
    for f in street_files(force):
        for row in read_rows(f):
            counts[(row["Month"], row["Crime type"])] += 1
    return counts


def tree_hash(root: Path) -> str:
    """SHA-256 over every file path and content below ``root`` (byte-for-byte state)."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def real_rows(
    month: str = "2023-01", force: str = "cleveland", n: int = 30
) -> tuple[list[str], list[list[str]]]:
    """Header and the first ``n`` rows of a real street file."""
    rows = read_rows(POLICEUK / force / "street" / f"{month}-{force}-street.csv.gz")
    header = list(rows[0].keys())
    return header, [list(r.values()) for r in rows[:n]]
