"""The import's single Polars pass (counts and checks) against independent computations.

The counts are checked against DuckDB aggregating the event rows of the same import
(another engine over the same bytes) and against Python's csv module; the screens
(ragged rows, exact repeats) against a row-by-row Python reading of the real files.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest

from realimpact.data import counting
from realimpact.data.formats import STREET
from realimpact.data.importing import import_paths
from realimpact.data.sources import scan
from realimpact.data.staging import PlannedFile
from realimpact.data.store import connect, events_glob
from realimpact.exceptions import ImportValidationError
from realimpact.workspace import Workspace, open_workspace
from tests.data._store_data import POLICEUK, real_rows, write_csv

CLEVELAND = POLICEUK / "cleveland"


def _name(tmp_path: Path, month: str = "2023-01", kind: str = "street") -> Path:
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    return d / f"{month}-cleveland-{kind}.csv"


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Six real Cleveland months of every kind, imported keeping the event rows."""
    ws = open_workspace(tmp_path_factory.mktemp("kept") / "ws")
    files = [
        f
        for kind in ("street", "outcomes", "stop-and-search")
        for f in sorted((CLEVELAND / kind).glob("*.csv.gz"))[:6]
    ]
    import_paths(ws, files, keep_events=True)
    return ws


@pytest.mark.parametrize(
    ("kind", "dims"),
    [
        ("street", "lsoa, crime_type"),
        ("outcomes", "lsoa, outcome_type"),
        ("stop_and_search", "object_of_search, outcome"),
    ],
)
def test_count_tables_equal_duckdb_over_the_event_rows(
    kept: Workspace, kind: str, dims: str
) -> None:
    lsoa = "nullif(trim(lsoa), '') AS lsoa, " if "lsoa" in dims else ""
    rest = dims.removeprefix("lsoa, ")
    with connect(kept) as con:
        stored = con.execute(
            f"SELECT force, period, month, {dims}, n FROM counts_{kind}"
        ).fetchall()
        independent = con.execute(
            f"SELECT force, period, month_key, {lsoa}{rest}, count(*) FROM read_parquet(?) "
            "WHERE month_key IS NOT NULL GROUP BY ALL",
            [events_glob(kept, kind)],
        ).fetchall()
    assert len(stored) > 100
    assert Counter(stored) == Counter(independent)


def test_stop_and_search_dates_fall_into_their_month(kept: Workspace) -> None:
    """Search dates are timestamps: the count table groups them by month."""
    with connect(kept) as con:
        months = con.execute("SELECT DISTINCT month FROM counts_stop_and_search").fetchall()
    assert months and all(len(m[0]) == 7 for m in months)


def _independent_repeats(path: Path) -> int:
    """Rows with a Crime ID that repeat an earlier row exactly (Python, row by row)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        seen: set[tuple[str, ...]] = set()
        repeats = 0
        for row in reader:
            if not row[0]:
                continue
            key = tuple(row)
            repeats += key in seen
            seen.add(key)
    return repeats


def test_exact_repeats_in_real_files_are_all_found(tmp_path: Path) -> None:
    """police.uk's own files repeat some rows exactly; the screen must miss none."""
    files = sorted((POLICEUK / "city-of-london" / "street").glob("*.csv.gz"))
    expected = {f.name: n for f in files if (n := _independent_repeats(f))}
    assert expected, "the sample is expected to hold some exact repeats"
    result = import_paths(open_workspace(tmp_path / "ws"), files)
    found: Counter[str] = Counter()
    for w in result.warnings:
        if "repeats row" in w.message:
            found[Path(w.file or "").name] += 1
        elif "more rows like this" in w.message:
            found[Path(w.file or "").name] += int(w.message.split()[2])
    assert dict(found) == expected


def test_a_short_row_is_located(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    header, rows = real_rows()
    rows[3] = rows[3][:9]  # cut after LSOA name: crime type and outcome lost
    with pytest.raises(ImportValidationError) as info:
        import_paths(ws, [write_csv(_name(tmp_path), header, rows)])
    (p,) = [p for p in info.value.problems if p.row == 5]
    assert "9 fields" in p.message and p.severity == "error"


def test_blank_lines_are_skipped_and_not_counted(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    header, rows = real_rows(n=50)
    path = write_csv(_name(tmp_path), header, rows)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*text[:10], "\n", *text[10:], "\n\n"]), encoding="utf-8")
    result = import_paths(ws, [path])
    assert result.warnings == ()
    assert result.files[0].rows == 50
    with connect(ws) as con:
        assert con.execute("SELECT sum(n) FROM counts_street").fetchone() == (50,)


def test_a_quoted_field_with_a_comma_is_one_field(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    header, rows = real_rows(n=30)
    rows[2][header.index("Location")] = "On or near High Street, Redcar"
    result = import_paths(ws, [write_csv(_name(tmp_path), header, rows)])
    assert result.warnings == () and result.files[0].rows == 30


def test_a_coordinate_that_is_not_a_number_is_located(tmp_path: Path) -> None:
    """The reader parses coordinates as numbers; text sends the chunk to the slow path."""
    ws = open_workspace(tmp_path / "ws")
    header, rows = real_rows()
    rows[6][header.index("Longitude")] = "1.2.3"
    with pytest.raises(ImportValidationError) as info:
        import_paths(ws, [write_csv(_name(tmp_path), header, rows)])
    (p,) = [p for p in info.value.problems if p.row == 8]
    assert p.column == "Longitude" and "'1.2.3'" in p.message


def test_windows_line_endings_leave_no_carriage_return_in_a_counted_last_column(
    tmp_path: Path,
) -> None:
    """Outcome type is the last column of an outcomes file and a count-table key."""
    ws = open_workspace(tmp_path / "ws")
    src = sorted((CLEVELAND / "outcomes").glob("*.csv.gz"))[0]
    with gzip.open(src, "rb") as fh:
        data = fh.read()
    path = _name(tmp_path, src.name[:7], "outcomes")
    path.write_bytes(data.replace(b"\n", b"\r\n"))
    assert import_paths(ws, [path]).warnings == ()
    with connect(ws) as con:
        rows = con.execute("SELECT DISTINCT outcome_type FROM counts_outcomes").fetchall()
    types = [r[0] for r in rows]
    assert types and not any("\r" in t for t in types)


def test_the_byte_screen_flags_ragged_and_quoted_files(tmp_path: Path) -> None:
    def screen(text: str) -> bool:
        path = tmp_path / f"f{abs(hash(text))}.csv"
        path.write_text(text, encoding="utf-8")
        (src,) = scan([(path, path.name)], tmp_path)
        return src.rectangular

    assert screen("a,b,c\n1,2,3\n4,5,6\n")
    assert screen("a,b,c\n1,2,3\n4,5,6")  # no final line end
    assert screen("a,b,c\r\n1,2,3\r\n")
    assert not screen("a,b,c\n1,2\n4,5,6\n")  # short row
    assert not screen("a,b,c\n1,2,3\n\n")  # blank line
    assert not screen('a,b,c\n1,"2,x",3\n')  # quotes: the screen cannot tell


def test_files_the_reader_cannot_parse_are_told_apart_from_the_rest(tmp_path: Path) -> None:
    """A chunk that fails is retried file by file: only the broken file is reported."""
    header, rows = real_rows(n=40)
    good = write_csv(_name(tmp_path, "2023-01"), header, rows)
    broken_rows = [r.copy() for r in rows]
    broken_rows[4] = [*broken_rows[4], "x", "y"]
    broken = write_csv(_name(tmp_path, "2023-02"), header, broken_rows)
    planned = []
    for src in scan([(good, good.name), (broken, broken.name)], tmp_path):
        planned.append(PlannedFile(src, "cleveland", src.name[:7]))
    rep = counting.count_kind(STREET, planned)
    assert rep.failed == (planned[1].src.sha256,)
    assert rep.checks["rows"].tolist() == [40]
