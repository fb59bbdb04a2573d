"""Specifications of harm weight tables (realimpact.data.weights)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from realimpact.data import weights as wmod
from realimpact.data.weights import (
    ACTIVITY_TYPES,
    CRIME_TYPES,
    get_weight_table,
    list_weight_tables,
    load_weight_table_csv,
)
from realimpact.exceptions import ConfigError, NotFoundError

SUBGROUPS = Path(wmod.__file__).parent / "weight_tables" / "cchi_subgroups.csv"


def _write(path: Path, rows: list[tuple[str, str]], header: str = "crime_type,weight") -> Path:
    lines = [header, *(f"{a},{b}" for a, b in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _full_rows() -> list[tuple[str, str]]:
    return [(t, "1") for t in CRIME_TYPES]


def test_shipped_tables_are_cchi_and_count() -> None:
    assert list_weight_tables() == ["cchi", "count"]


def test_cchi_weights_are_count_weighted_means_of_the_published_subgroups() -> None:
    # independent recomputation from the shipped subgroup file (tolerance 5e-5: the
    # shipped table is rounded to 4 decimals)
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    with SUBGROUPS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            n = float(row["national_count_2024_25"])
            sums[row["category"]] = sums.get(row["category"], 0.0) + n * float(row["cchi_days"])
            counts[row["category"]] = counts.get(row["category"], 0.0) + n
    table = get_weight_table("cchi")
    assert set(table.weights) == set(CRIME_TYPES)
    for category, total in sums.items():
        assert table.weights[category] == pytest.approx(total / counts[category], abs=5e-5)


def test_cchi_matches_published_subgroup_values_where_a_type_is_one_subgroup() -> None:
    table = get_weight_table("cchi")
    assert table.weights["Robbery"] == 365.0  # both robbery subgroups are 365 days
    assert table.weights["Shoplifting"] == 1.0
    assert table.weights["Possession of weapons"] == 273.75


def test_antisocial_behaviour_is_unscored_and_left_out_of_harm_totals() -> None:
    table = get_weight_table("cchi")
    assert table.unscored_types == frozenset({"Anti-social behaviour"})
    assert "Anti-social behaviour" not in table.harm_weights()
    assert table.harm_total({"Anti-social behaviour": 100}) == 0.0


def test_activity_offences_are_kept_out_of_harm_totals_unless_asked() -> None:
    table = get_weight_table("cchi")
    assert table.activity_types == ACTIVITY_TYPES == {"Drugs", "Possession of weapons"}
    counts = {"Robbery": 2.0, "Drugs": 10.0, "Possession of weapons": 1.0}
    assert table.harm_total(counts) == pytest.approx(730.0)
    assert table.harm_total(counts, include_activity=True) == pytest.approx(
        730.0 + 10 * table.weights["Drugs"] + 273.75
    )


def test_count_table_weighs_every_type_one() -> None:
    table = get_weight_table("count")
    assert set(table.weights.values()) == {1.0}
    assert table.to_dict()["activity_types"] == ["Drugs", "Possession of weapons"]


def test_unknown_table_name_lists_the_available_tables() -> None:
    with pytest.raises(NotFoundError, match="cchi, count"):
        get_weight_table("css")


def test_user_table_loads_when_valid(tmp_path: Path) -> None:
    rows = _full_rows()
    rows[0] = ("Anti-social behaviour", "0.5")
    table = load_weight_table_csv(_write(tmp_path / "mine.csv", rows))
    assert table.name == "mine" and table.weights["Anti-social behaviour"] == 0.5


def test_user_table_reports_every_problem_with_row_column_and_fix(tmp_path: Path) -> None:
    rows = _full_rows()
    rows[13] = ("Violence and sexual offenses", "5")  # row 15: misspelt
    rows[0] = ("Anti-social behaviour", "-1")  # row 2: negative
    rows[1] = ("Bicycle theft", "lots")  # row 3: not a number
    rows.append(("Burglary", "2"))  # row 16: duplicate
    path = _write(tmp_path / "bad.csv", rows)
    with pytest.raises(ConfigError) as err:
        load_weight_table_csv(path)
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {
        (15, "crime_type"),
        (2, "weight"),
        (3, "weight"),
        (16, "crime_type"),
        (None, "crime_type"),  # Violence and sexual offences has no row
    }
    misspelt = next(p for p in err.value.problems if p.row == 15)
    assert "Did you mean 'Violence and sexual offences'?" in misspelt.fix
    assert all(p.file == str(path) and p.fix for p in err.value.problems)


def test_user_table_missing_column_names_the_header_fix(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", [("Robbery", "1")], header="type,weight")
    with pytest.raises(ConfigError) as err:
        load_weight_table_csv(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (1, "crime_type")
    assert "crime_type,weight" in problem.fix
