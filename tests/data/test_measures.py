"""Partner measures: real ASB counts rewritten in the partner long format and read back."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from realimpact.data.importing import import_paths
from realimpact.data.measures import measure_series
from realimpact.workspace import open_workspace
from tests.data._store_data import POLICEUK, read_rows, write_csv

MONTHS = ("2024-01", "2024-02", "2024-04")  # 2024-03 deliberately absent: zero-filled


def _asb_counts() -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for m in MONTHS:
        for r in read_rows(POLICEUK / "cleveland" / "street" / f"{m}-cleveland-street.csv.gz"):
            if r["Crime type"] == "Anti-social behaviour":
                counts[(m, r["LSOA code"])] += 1
    return counts


def test_partner_asb_reports_sum_over_the_area_and_fill_missing_months(tmp_path: Path) -> None:
    counts = _asb_counts()
    rows = [[m, code, "", "", "ASB reports", str(n), "council"] for (m, code), n in counts.items()]
    header = ["month", "lsoa_code", "latitude", "longitude", "measure", "value", "source"]
    path = write_csv(tmp_path / "asb.csv", header, rows)
    ws = open_workspace(tmp_path / "ws")
    import_paths(ws, [path])
    area = sorted({code for _, code in counts})[:12]
    cw = pd.DataFrame({"from_lsoa": area, "to_lsoa21": area, "weight": 1.0})
    got = measure_series(ws, area, start="2024-01", end="2024-04", crosswalk=cw)
    expected = {m: sum(n for (mm, c), n in counts.items() if mm == m and c in area) for m in MONTHS}
    expected["2024-03"] = 0
    assert dict(zip(got["month"], got["value"], strict=True)) == expected
    assert set(got["measure"]) == {"ASB reports"}


def test_mean_of_a_score_is_not_zero_filled(tmp_path: Path) -> None:
    header = ["month", "lsoa_code", "measure", "value"]
    rows = [
        ["2024-01", "E01012057", "feel safe after dark (%)", "40"],
        ["2024-01", "E01012058", "feel safe after dark (%)", "60"],
        ["2024-03", "E01012057", "feel safe after dark (%)", "55"],
    ]
    ws = open_workspace(tmp_path / "ws")
    import_paths(ws, [write_csv(tmp_path / "survey.csv", header, rows)])
    codes = ["E01012057", "E01012058"]
    cw = pd.DataFrame({"from_lsoa": codes, "to_lsoa21": codes, "weight": 1.0})
    got = measure_series(ws, codes, how="mean", crosswalk=cw)
    assert got["value"].tolist()[0] == 50.0 and pd.isna(got["value"].tolist()[1])
    assert got["value"].tolist()[2] == 55.0


def test_two_partner_files_in_one_import_are_both_stored(tmp_path: Path) -> None:
    header = ["month", "lsoa_code", "measure", "value"]
    a = write_csv(tmp_path / "a.csv", header, [["2024-01", "E01012057", "needle finds", "2"]])
    b = write_csv(tmp_path / "b.csv", header, [["2024-01", "E01012057", "needle finds", "5"]])
    ws = open_workspace(tmp_path / "ws")
    result = import_paths(ws, [a, b])
    assert [f.status for f in result.files] == ["new", "new"] and result.warnings == ()
    got = measure_series(ws, ["E01012057"])
    assert got["value"].tolist() == [7.0]
