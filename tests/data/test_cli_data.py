"""The ``data import``, ``data status`` and ``series`` commands (thin layers over the library)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import realimpact.data as data_pkg
from realimpact.cli import data as data_cli
from realimpact.cli import series as series_cli
from realimpact.cli.main import app
from tests.data._store_data import POLICEUK, real_rows, tree_hash, write_csv

runner = CliRunner()
CITY = POLICEUK / "city-of-london" / "street"


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_import_then_status_then_series_as_json(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    files = [str(p) for p in sorted(CITY.glob("2020-0*"))]
    code, out = _run("data", "import", *files, "--workspace", ws, "--json")
    assert code == 0, out
    imported = json.loads(out)
    assert imported["new"] == 9 and imported["skipped"] == 0
    code, out = _run("data", "import", *files, "--workspace", ws, "--json")
    assert json.loads(out)["skipped"] == 9
    code, out = _run("data", "status", "--workspace", ws, "--json")
    status = json.loads(out)
    assert status["kinds"][0]["rows"] == imported["rows"]
    assert _run("area", "add", "barbican", "--lsoa", "E01000001", "--workspace", ws)[0] == 0
    code, out = _run(
        "series",
        "barbican",
        "--crime-type",
        "Drugs",
        "--crime-type",
        "Burglary",
        "--workspace",
        ws,
        "--json",
    )
    assert code == 0, out
    series = json.loads(out)
    assert len(series["series"]) == 9 * 2
    assert series["excluded_from_harm"] == [
        "Anti-social behaviour",
        "Drugs",
        "Possession of weapons",
    ]
    assert all(r["harm"] is None for r in series["series"] if r["crime_type"] == "Drugs")


def test_failed_import_exits_2_with_json_problems_and_leaves_the_store(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert (
        _run("data", "import", str(CITY / "2019-01-city-of-london-street.csv.gz"), "-w", str(ws))[0]
        == 0
    )
    before = tree_hash(ws / "store")
    header, rows = real_rows("2019-02", "city-of-london")
    rows[0][header.index("Month")] = "Feb-19"
    bad = write_csv(tmp_path / "2019-02-city-of-london-street.csv", header, rows)
    code, out = _run("data", "import", str(bad), "-w", str(ws), "--json")
    assert code == 2
    err = json.loads(out)
    assert err["error"] == "ImportValidationError"
    assert (
        err["problems"][0] | {"file": str(bad), "row": 2, "column": "Month"} == err["problems"][0]
    )
    assert tree_hash(ws / "store") == before


@pytest.mark.parametrize("fn", [data_cli.import_cmd, data_cli.status_cmd, series_cli.series_cmd])
def test_every_command_documents_an_example(fn: object) -> None:
    doc = getattr(fn, "__doc__", "") or ""
    assert any(line.strip().startswith("Example: realimpact ") for line in doc.splitlines())


def test_package_all_is_sorted_and_importable() -> None:
    assert list(data_pkg.__all__) == sorted(data_pkg.__all__)
    assert all(hasattr(data_pkg, name) for name in data_pkg.__all__)


def test_status_gives_partner_months_from_their_values_and_no_nan(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    partner = tmp_path / "needles.csv"
    partner.write_text(
        "month,lsoa_code,measure,value,source\n"
        "2023-06,E01012057,needle finds,3,council\n"
        "2023-07-14,E01012057,needle finds,2,council\n"
        "2023-09,E01012057,calls for service,10,police\n",
        encoding="utf-8",
    )
    assert _run("data", "import", str(partner), "--workspace", ws)[0] == 0
    code, out = _run("data", "status", "--workspace", ws, "--json")
    (row,) = json.loads(out)["kinds"]
    assert (row["kind"], row["force"]) == ("partner", None)
    assert (row["first_month"], row["last_month"], row["months"]) == ("2023-06", "2023-09", 3)
    code, out = _run("data", "status", "--workspace", ws)
    assert code == 0 and "2023-06" in out and "nan" not in out


def test_series_with_a_misspelt_crime_type_is_an_error_naming_the_close_match(
    tmp_path: Path,
) -> None:
    ws = str(tmp_path / "ws")
    assert (
        _run(
            "data", "import", str(CITY / "2020-01-city-of-london-street.csv.gz"), "--workspace", ws
        )[0]
        == 0
    )
    assert _run("area", "add", "barbican", "--lsoa", "E01000001", "--workspace", ws)[0] == 0
    before = tree_hash(tmp_path / "ws")
    code, out = _run(
        "series",
        "barbican",
        "--crime-type",
        "Drugz",
        "--crime-type",
        "Burglary",
        "--workspace",
        ws,
        "--json",
    )
    assert code == 2
    (problem,) = json.loads(out)["problems"]
    assert problem["entry"] == "Drugz" and "Did you mean 'Drugs'?" in problem["fix"]
    assert tree_hash(tmp_path / "ws") == before
    assert _run("series", "barbican", "--crime-type", "Drugs", "--workspace", ws, "--json")[0] == 0


def test_series_table_shows_whole_counts_as_integers(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    month = str(CITY / "2020-01-city-of-london-street.csv.gz")
    assert _run("data", "import", month, "--workspace", ws)[0] == 0
    assert _run("area", "add", "barbican", "--lsoa", "E01000001", "--workspace", ws)[0] == 0
    code, out = _run("series", "barbican", "--workspace", ws)
    assert code == 0
    (row,) = [line for line in out.splitlines() if "2020-01" in line and "│" in line]
    records = row.split("│")[2].strip()
    assert records.isdigit(), row


def test_import_keep_events_stores_every_row_as_parquet(tmp_path: Path) -> None:
    import duckdb

    from realimpact.data.store import events_glob
    from realimpact.workspace import open_workspace

    ws = str(tmp_path / "ws")
    files = [str(p) for p in sorted(CITY.glob("2019-0[1-3]*"))]
    code, out = _run("data", "import", *files, "--workspace", ws, "--keep-events", "--json")
    assert code == 0, out
    rows = json.loads(out)["rows"]
    glob = events_glob(open_workspace(ws, create=False), "street")
    stored = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}')").fetchall()
    assert stored == [(rows,)] and rows > 1000
    plain = str(tmp_path / "plain")
    assert _run("data", "import", *files, "--workspace", plain, "--json")[0] == 0
    assert not (Path(plain) / "store" / "events" / "street").exists()
