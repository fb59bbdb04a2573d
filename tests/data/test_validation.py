"""Validation of broken copies of real police.uk rows: every problem located, store untouched."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from realimpact.data.importing import import_paths
from realimpact.data.store import connect, events_glob
from realimpact.exceptions import ImportValidationError, Problem
from realimpact.workspace import Workspace, open_workspace
from tests.data._store_data import POLICEUK, real_rows, tree_hash, write_csv


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A workspace that already holds one real month (so 'unchanged' is a real claim)."""
    w = open_workspace(tmp_path / "ws")
    import_paths(
        w, [POLICEUK / "city-of-london" / "street" / "2018-01-city-of-london-street.csv.gz"]
    )
    return w


def _name(tmp_path: Path, month: str = "2023-01") -> Path:
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    return d / f"{month}-cleveland-street.csv"


def _fail(ws: Workspace, paths: list[Path], strict: bool = False) -> ImportValidationError:
    before = tree_hash(ws.store_dir)
    with pytest.raises(ImportValidationError) as info:
        import_paths(ws, paths, strict=strict)
    assert tree_hash(ws.store_dir) == before, "a failed import changed the store"
    return info.value


def _at(problems: tuple[Problem, ...], row: int | None, column: str | None) -> Problem:
    found = [p for p in problems if p.row == row and p.column == column]
    assert found, f"no problem at row {row}, column {column}: {problems}"
    return found[0]


def test_renamed_column_is_reported_with_the_close_match(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    header[header.index("Crime type")] = "Crime_Type"
    err = _fail(ws, [write_csv(_name(tmp_path), header, rows)])
    p = _at(err.problems, 1, "Crime type")
    assert p.severity == "error" and "'Crime_Type'" in p.message and "Rename" in p.fix


def test_an_abbreviated_column_is_reported_as_the_rename_of_the_full_name(
    ws: Workspace, tmp_path: Path
) -> None:
    header, rows = real_rows()
    header[header.index("Latitude")] = "Lat"
    err = _fail(ws, [write_csv(_name(tmp_path), header, rows)])
    p = _at(err.problems, 1, "Latitude")
    assert p.severity == "error" and p.fix == "Rename the header 'Lat' to 'Latitude'."


def test_missing_required_column_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    i = header.index("LSOA code")
    rows = [r[:i] + r[i + 1 :] for r in rows]
    err = _fail(ws, [write_csv(_name(tmp_path), header[:i] + header[i + 1 :], rows)])
    assert _at(err.problems, 1, "LSOA code").severity == "error"


def test_unparseable_month_is_located_by_row_and_column(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    rows[3][header.index("Month")] = "Jan 2023"
    err = _fail(ws, [write_csv(_name(tmp_path), header, rows)])
    p = _at(err.problems, 5, "Month")  # header is row 1, so rows[3] is spreadsheet row 5
    assert "Jan 2023" in p.message and "YYYY-MM" in p.fix


def test_coordinates_outside_the_uk_are_errors(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    rows[0][header.index("Latitude")] = "40.4168"
    rows[7][header.index("Longitude")] = "54.5"  # latitude typed into the longitude column
    err = _fail(ws, [write_csv(_name(tmp_path), header, rows)])
    assert _at(err.problems, 2, "Latitude").severity == "error"
    assert "outside the UK" in _at(err.problems, 9, "Longitude").message


def test_all_problems_in_all_files_are_listed_at_once(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    bad_month = [r.copy() for r in rows]
    bad_month[1][header.index("Month")] = "2023-13"
    bad_month[2][header.index("Latitude")] = "0"
    renamed = header.copy()
    renamed[renamed.index("Longitude")] = "Long"
    a = write_csv(_name(tmp_path, "2023-01"), header, bad_month)
    b = write_csv(_name(tmp_path, "2023-02"), renamed, rows)
    err = _fail(ws, [a, b])
    located = {(Path(p.file or "").name, p.row, p.column) for p in err.errors}
    assert {
        (a.name, 3, "Month"),
        (a.name, 4, "Latitude"),
        (b.name, 1, "Longitude"),
    } <= located
    assert "nothing was imported" in err.summary


def test_cp1252_file_is_read_with_a_warning_and_strict_rejects_it(
    ws: Workspace, tmp_path: Path
) -> None:
    header, rows = real_rows()
    rows[2][header.index("Location")] = "On or near Café Street"
    path = write_csv(_name(tmp_path), header, rows, encoding="cp1252")
    err = _fail(ws, [path], strict=True)
    assert _at(err.problems, 4, None).severity == "error"
    result = import_paths(ws, [path], keep_events=True)
    warning = _at(result.warnings, 4, None)
    assert warning.severity == "warning" and "Windows-1252" in warning.message
    with connect(ws) as con:
        locs = con.execute(
            "SELECT location FROM read_parquet(?) WHERE force = 'cleveland' AND period = '2023-01'",
            [events_glob(ws, "street")],
        ).fetchall()
    assert ("On or near Café Street",) in locs


def test_utf8_with_byte_order_mark_imports_cleanly(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    path = write_csv(_name(tmp_path), header, rows)
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    result = import_paths(ws, [path])
    assert result.warnings == () and result.files[0].rows == len(rows)
    assert result.files[0].status == "new"


def test_duplicate_rows_are_warned_and_strict_makes_them_errors(
    ws: Workspace, tmp_path: Path
) -> None:
    header, rows = real_rows()
    crime_row = next(i for i, r in enumerate(rows) if r[0])
    rows.append(rows[crime_row].copy())
    path = write_csv(_name(tmp_path), header, rows)
    err = _fail(ws, [path], strict=True)
    assert f"repeats row {crime_row + 2}" in _at(err.problems, len(rows) + 1, None).message
    assert import_paths(ws, [path]).warnings[0].severity == "warning"


def test_blank_crime_ids_of_anti_social_behaviour_are_accepted(
    ws: Workspace, tmp_path: Path
) -> None:
    header, rows = real_rows(n=400)
    asb = [r for r in rows if r[header.index("Crime type")] == "Anti-social behaviour"]
    assert len(asb) > 20 and all(r[0] == "" for r in asb)
    result = import_paths(ws, [write_csv(_name(tmp_path), header, asb + asb[:3])])
    assert result.warnings == ()


def test_unknown_lsoa_code_is_a_warning(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    rows[4][header.index("LSOA code")] = "E01999999"
    result = import_paths(ws, [write_csv(_name(tmp_path), header, rows)])
    p = _at(result.warnings, 6, "LSOA code")
    assert "E01999999" in p.message and p.severity == "warning"


def test_row_with_too_many_fields_is_located(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    rows[5] = [*rows[5], "extra"]
    err = _fail(ws, [write_csv(_name(tmp_path), header, rows)])
    assert "13 fields" in _at(err.problems, 7, None).message


def test_a_missing_path_is_reported_and_nothing_is_imported(ws: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "2019-01-city-of-london-street.csv.gz"
    shutil.copy(POLICEUK / "city-of-london" / "street" / good.name, good)
    err = _fail(ws, [good, tmp_path / "nope.csv"])
    assert err.problems[0].file == str(tmp_path / "nope.csv")


def test_partner_file_errors_name_row_and_column(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "needles.csv",
        ["month", "lsoa_code", "latitude", "longitude", "measure", "value", "source"],
        [
            ["2023-06", "E01012057", "", "", "needle finds", "3", "council"],
            ["2023-06-14", "", "54.5742", "-1.2350", "needle finds", "2", "council"],
            ["June", "E01012057", "", "", "needle finds", "1", "council"],
            ["2023-07", "", "", "", "needle finds", "4", "council"],
            ["2023-07", "E01012057", "", "", "needle finds", "a few", "council"],
        ],
    )
    err = _fail(ws, [path])
    assert {(p.row, p.column) for p in err.errors} == {(4, "month"), (5, "lsoa_code"), (6, "value")}


def test_partner_rows_without_a_measure_or_a_finite_value_are_errors(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "needles.csv",
        ["month", "lsoa_code", "measure", "value"],
        [
            ["2023-06", "E01012057", "needle finds", "3"],
            ["2023-06", "E01012057", " ", "4"],
            ["2023-07", "E01012057", "needle finds", "inf"],
            ["2023-08", "E01012057", "needle finds", "NaN"],
        ],
    )
    err = _fail(ws, [path])
    assert {(p.row, p.column) for p in err.errors} == {(3, "measure"), (4, "value"), (5, "value")}
    assert "measure" in _at(err.errors, 3, "measure").fix


def test_a_partner_file_with_only_a_header_is_warned_and_strict_refuses_it(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "needles.csv", ["month", "lsoa_code", "measure", "value"], [])
    err = _fail(ws, [path], strict=True)
    assert [(p.file, p.row) for p in err.errors] == [(str(path), 2)]
    result = import_paths(ws, [path])
    assert [(p.severity, p.message) for p in result.warnings] == [
        ("warning", "The file has a header but no rows.")
    ]


def test_partner_rows_by_coordinates_go_to_the_nearest_lsoa(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "calls.csv",
        ["month", "lsoa_code", "latitude", "longitude", "measure", "value"],
        [
            ["2023-06", "E01012057", "", "", "calls for service", "3"],
            ["2023-06-14", "", "54.5742", "-1.2350", "calls for service", "2"],
        ],
    )
    import_paths(ws, [path])
    from realimpact.data.geography import nearest_lsoa

    with connect(ws) as con:
        got = dict(con.execute("SELECT lsoa, value FROM partner_values").fetchall())
    expected: dict[str, float] = {"E01012057": 3.0}
    point = nearest_lsoa(54.5742, -1.2350)
    expected[point] = expected.get(point, 0.0) + 2.0
    assert got == expected


def test_windows_line_endings_import_cleanly(ws: Workspace, tmp_path: Path) -> None:
    header, rows = real_rows()
    path = write_csv(_name(tmp_path), header, rows)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = import_paths(ws, [path], keep_events=True)
    assert result.warnings == () and result.files[0].rows == len(rows)
    with connect(ws) as con:
        contexts = con.execute(
            "SELECT DISTINCT context FROM read_parquet(?) "
            "WHERE force = 'cleveland' AND period = '2023-01'",
            [events_glob(ws, "street")],
        ).fetchall()
    assert contexts == [(None,)]  # the last column carries no stray carriage return
