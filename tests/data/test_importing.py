"""Import of real police.uk files into the observation store."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from realimpact.data import store
from realimpact.data.importing import ImportResult, import_paths
from realimpact.data.store import connect, events_glob, store_status
from realimpact.exceptions import ImportValidationError
from realimpact.workspace import Workspace, open_workspace
from tests.data._store_data import (
    POLICEUK,
    csv_street_counts,
    read_rows,
    street_files,
    tree_hash,
    write_csv,
)


@pytest.mark.parametrize("force", ["cleveland", "city-of-london"])
def test_street_counts_match_an_independent_csv_count_per_month_and_crime_type(
    sample_store: tuple[Workspace, ImportResult], force: str
) -> None:
    ws, _ = sample_store
    expected = csv_street_counts(force)
    with connect(ws) as con:
        got = con.execute(
            "SELECT month, crime_type, sum(n) FROM counts_street WHERE force = ? GROUP BY ALL",
            [force],
        ).fetchall()
    assert {(m, t): int(n) for m, t, n in got} == dict(expected)


def test_every_sample_file_is_imported_with_its_row_count(
    sample_store: tuple[Workspace, ImportResult],
) -> None:
    _, result = sample_store
    by_name = {Path(f.file.split("!")[-1]).name: f for f in result.files}
    assert len(result.files) == 35 + 35 + 3 + 36
    for path in sorted(POLICEUK.rglob("*.csv.gz")):
        outcome = by_name[path.name]
        assert outcome.status == "new"
        assert outcome.rows == len(read_rows(path)), path.name


def test_stop_and_search_and_outcomes_are_counted_in_the_store(
    sample_store: tuple[Workspace, ImportResult],
) -> None:
    ws, _ = sample_store
    sas = sum(len(read_rows(p)) for p in (POLICEUK / "cleveland" / "stop-and-search").glob("*"))
    drugs = sum(
        r["Object of search"] == "Controlled drugs"
        for p in (POLICEUK / "cleveland" / "stop-and-search").glob("*")
        for r in read_rows(p)
    )
    with connect(ws) as con:
        total, drug_n = con.execute(
            "SELECT sum(n), sum(n) FILTER (object_of_search = 'Controlled drugs') "
            "FROM counts_stop_and_search"
        ).fetchone() or (0, 0)
        outcomes = con.execute("SELECT sum(n) FROM counts_outcomes").fetchone()
    assert (int(total), int(drug_n)) == (sas, drugs) == (22_122, 13_888)
    expected_outcomes = sum(
        len(read_rows(p)) for p in (POLICEUK / "cleveland" / "outcomes").glob("*")
    )
    assert outcomes is not None and int(outcomes[0]) == expected_outcomes


def test_status_reports_forces_months_and_rows_per_kind(
    sample_store: tuple[Workspace, ImportResult],
) -> None:
    ws, _ = sample_store
    status = store_status(ws)
    rows = {(r["kind"], r["force"]): r for r in status.kinds.to_dict(orient="records")}
    assert rows[("street", "cleveland")]["rows"] == 269_438
    assert rows[("street", "cleveland")]["months"] == 35
    assert rows[("street", "city-of-london")]["rows"] == 24_750
    assert (
        rows[("street", "city-of-london")]["first_month"],
        rows[("street", "city-of-london")]["last_month"],
    ) == ("2017-12", "2020-11")
    assert "269,438 rows" in status.summary()


def test_reimporting_the_same_files_adds_nothing_and_leaves_the_store_unchanged(
    sample_store: tuple[Workspace, ImportResult],
) -> None:
    ws, _ = sample_store
    before = tree_hash(ws.store_dir)
    again = import_paths(ws, [POLICEUK / "city-of-london"])
    assert again.count("skipped") == 36 and again.rows == 0
    assert tree_hash(ws.store_dir) == before


def test_newer_release_of_a_force_month_replaces_the_older_one(tmp_path: Path) -> None:
    real = POLICEUK / "city-of-london" / "street" / "2019-05-city-of-london-street.csv.gz"
    rows = read_rows(real)
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    older = write_csv(
        old_dir / "2019-05-city-of-london-street.csv",
        list(rows[0]),
        [list(r.values()) for r in rows[:-25]],
    )
    ws = open_workspace(tmp_path / "ws")
    first = import_paths(ws, [older])
    assert first.files[0].rows == len(rows) - 25
    second = import_paths(ws, [real])
    assert [f.status for f in second.files] == ["replaced"]
    with connect(ws) as con:
        n = con.execute("SELECT sum(n) FROM counts_street").fetchone()
        statuses = dict(con.execute("SELECT file_name, status FROM batches").fetchall())
    assert n is not None and int(n[0]) == len(rows)
    assert statuses == {str(older): "replaced", str(real): "current"}
    # the older release again is recognised by its hash and does not come back
    assert import_paths(ws, [older]).count("skipped") == 1


def test_a_data_police_uk_zip_imports_its_month_folders(tmp_path: Path) -> None:
    archive = tmp_path / "download.zip"
    months = ["2020-03", "2020-04", "2020-05"]
    with zipfile.ZipFile(archive, "w") as zf:
        for m in months:
            src = POLICEUK / "city-of-london" / "street" / f"{m}-city-of-london-street.csv.gz"
            zf.writestr(f"{m}/{m}-city-of-london-street.csv", gzip.decompress(src.read_bytes()))
    ws = open_workspace(tmp_path / "ws")
    result = import_paths(ws, [archive])
    assert sorted(f.period or "" for f in result.files) == months
    assert all("!" in f.file for f in result.files)
    expected = sum(
        len(read_rows(p)) for p in street_files("city-of-london") if p.name[:7] in months
    )
    assert result.rows == expected


def test_a_damaged_zip_or_gz_is_a_located_error_and_nothing_is_imported(tmp_path: Path) -> None:
    real = POLICEUK / "city-of-london" / "street" / "2020-03-city-of-london-street.csv.gz"
    cut_zip = tmp_path / "download.zip"
    with zipfile.ZipFile(cut_zip, "w") as zf:
        zf.writestr("2020-03/2020-03-city-of-london-street.csv", gzip.decompress(real.read_bytes()))
    cut_zip.write_bytes(cut_zip.read_bytes()[:200])  # a download cut short
    cut_gz = tmp_path / "2020-04-city-of-london-street.csv.gz"
    cut_gz.write_bytes(real.read_bytes()[:300])
    ws = open_workspace(tmp_path / "ws")
    import_paths(ws, [real])
    before = tree_hash(ws.store_dir)
    with pytest.raises(ImportValidationError) as zip_err:
        import_paths(ws, [cut_zip, real])
    with pytest.raises(ImportValidationError) as gz_err:
        import_paths(ws, [cut_gz, real])
    assert [p.file for p in zip_err.value.problems] == [str(cut_zip)]
    assert "zip" in zip_err.value.problems[0].message
    assert [p.file for p in gz_err.value.problems] == [str(cut_gz)]
    assert "cannot be read" in gz_err.value.problems[0].message
    assert tree_hash(ws.store_dir) == before


def test_a_file_without_a_police_uk_name_takes_force_and_month_from_its_content(
    tmp_path: Path,
) -> None:
    src = POLICEUK / "cleveland" / "street" / "2024-02-cleveland-street.csv.gz"
    renamed = tmp_path / "export.csv.gz"
    shutil.copy(src, renamed)
    ws = open_workspace(tmp_path / "ws")
    outcome = import_paths(ws, [renamed]).files[0]
    assert (outcome.force, outcome.period, outcome.kind) == ("cleveland", "2024-02", "street")


def test_a_header_only_file_imports_as_an_empty_month(tmp_path: Path) -> None:
    rows = read_rows(
        POLICEUK / "city-of-london" / "street" / "2019-05-city-of-london-street.csv.gz"
    )
    empty = write_csv(tmp_path / "2019-06-city-of-london-street.csv", list(rows[0]), [])
    ws = open_workspace(tmp_path / "ws")
    result = import_paths(
        ws, [empty, POLICEUK / "city-of-london" / "street" / "2019-05-city-of-london-street.csv.gz"]
    )
    assert sorted((f.period, f.rows) for f in result.files) == [
        ("2019-05", len(rows)),
        ("2019-06", 0),
    ]
    assert store_status(ws).kinds["months"].tolist() == [2]


def test_replacing_a_month_rewrites_only_its_rows_and_keeps_the_other_months(
    tmp_path: Path,
) -> None:
    folder = POLICEUK / "city-of-london" / "street"
    may, june = (folder / f"2019-0{m}-city-of-london-street.csv.gz" for m in (5, 6))
    rows = read_rows(may)
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    older = write_csv(
        old_dir / "2019-05-city-of-london-street.csv",
        list(rows[0]),
        [list(r.values()) for r in rows[:-25]],
    )
    ws = open_workspace(tmp_path / "ws")
    import_paths(ws, [older, june], keep_events=True)  # both months land in one Parquet file
    import_paths(ws, [may], keep_events=True)
    with connect(ws) as con:
        events = dict(
            con.execute(
                "SELECT period, count(*) FROM read_parquet(?) GROUP BY period",
                [events_glob(ws, "street")],
            ).fetchall()
        )
        owners = con.execute("SELECT DISTINCT batch_id FROM event_files").fetchall()
        current = con.execute("SELECT batch_id FROM batches WHERE status = 'current'").fetchall()
    assert events == {"2019-05": len(rows), "2019-06": len(read_rows(june))}
    assert sorted(owners) == sorted(current)


def test_a_commit_that_fails_after_rewriting_files_leaves_the_store_byte_identical(
    tmp_path: Path,
) -> None:
    folder = POLICEUK / "city-of-london" / "street"
    ws = open_workspace(tmp_path / "ws")
    first = import_paths(
        ws, [folder / f"2019-0{m}-city-of-london-street.csv.gz" for m in (5, 6)], keep_events=True
    )
    may = first.files[0].batch_id
    with connect(ws) as con:
        row = con.execute("SELECT * FROM batches WHERE batch_id = ?", [may]).fetchone()
    assert row is not None
    before = tree_hash(ws.store_dir)
    # replacing May rewrites the shared file; recording a batch id twice then fails
    with pytest.raises(duckdb.ConstraintException):
        store.commit(ws, [], [store.Batch(*row)], {may: "a-newer-batch"})
    assert tree_hash(ws.store_dir) == before
