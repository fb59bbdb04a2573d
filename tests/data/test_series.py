"""Monthly series from the store: zero-filled, crosswalked, harm-weighted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realimpact.data.areas import area_from_lsoas
from realimpact.data.importing import ImportResult, import_paths
from realimpact.data.series import area_series, lsoa_panel, month_range, panel
from realimpact.data.weights import CRIME_TYPES, get_weight_table
from realimpact.exceptions import DataQualityWarning
from realimpact.workspace import Workspace, open_workspace
from tests.data._store_data import POLICEUK, read_rows, street_files

Store = tuple[Workspace, ImportResult]


def _rows(force: str) -> list[dict[str, str]]:
    return [r for f in street_files(force) for r in read_rows(f)]


@pytest.fixture(scope="module")
def cleveland_rows() -> list[dict[str, str]]:
    return _rows("cleveland")


def _identity(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"from_lsoa": codes, "to_lsoa21": codes, "weight": 1.0})


def test_series_is_zero_filled_for_months_without_records(sample_store: Store) -> None:
    ws, _ = sample_store
    area = area_from_lsoas("barbican", ["E01000001"])  # City of London 001A
    s = area_series(ws, area, crosswalk=_identity(["E01000001"]))
    assert len(s.frame) == 36 * len(CRIME_TYPES)
    assert list(s.months) == month_range("2017-12", "2020-11")
    counts = Counter(
        (r["Month"], r["Crime type"])
        for r in _rows("city-of-london")
        if r["LSOA code"] == "E01000001"
    )
    got = {
        (m, t): c for m, t, c in s.frame[["month", "crime_type", "count"]].itertuples(index=False)
    }
    assert {k: v for k, v in got.items() if v} == dict(counts)
    assert sum(v == 0 for v in got.values()) > 0  # months x types with no record are 0, not missing


def test_local_authority_series_is_consistent_across_the_2023_lsoa_vintage_switch(
    sample_store: Store, cleveland_rows: list[dict[str, str]]
) -> None:
    """All 2021 LSOAs of Hartlepool, via the crosswalk, against rows named 'Hartlepool ...'.

    The LA boundary did not change in 2021, so every 2011 Hartlepool LSOA maps inside the
    2021 Hartlepool LSOAs and monthly totals must match exactly (tolerance 1e-9).
    """
    ws, _ = sample_store
    codes21 = sorted(
        {
            r["LSOA code"]
            for r in cleveland_rows
            if r["LSOA name"].startswith("Hartlepool") and r["Month"] >= "2023-06"
        }
    )
    expected = Counter(
        r["Month"] for r in cleveland_rows if r["LSOA name"].startswith("Hartlepool")
    )
    with pytest.warns(DataQualityWarning, match="2011/2021 switch"):
        s = area_series(ws, area_from_lsoas("hartlepool", codes21), weights=None)
    totals = s.totals().set_index("month")["count"]
    assert len(totals) == 35
    for month, n in expected.items():
        assert totals[month] == pytest.approx(n, abs=1e-9), month
    assert any("2011/2021" in w for w in s.warnings)


def test_harm_totals_exclude_activity_offences_and_say_so(sample_store: Store) -> None:
    ws, _ = sample_store
    codes = ["E01012057", "E01012058", "E01012059"]
    area = area_from_lsoas("mbro", codes)
    table = get_weight_table("cchi")
    s = area_series(ws, area, weights="cchi")
    f = s.frame
    assert f.loc[f["crime_type"].isin(["Drugs", "Possession of weapons"]), "harm"].isna().all()
    harm_types = f[~f["crime_type"].isin(s.excluded_from_harm)]
    expected = (harm_types["count"] * harm_types["crime_type"].map(table.weights)).sum()
    assert s.totals()["harm"].sum() == pytest.approx(expected, rel=1e-12)
    drugs = f.loc[f["crime_type"] == "Drugs", "count"].sum()
    assert s.totals()["activity"].sum() == pytest.approx(
        drugs + f.loc[f["crime_type"] == "Possession of weapons", "count"].sum()
    )
    assert any("Activity offences (Drugs, Possession of weapons)" in n for n in s.notes)
    with_activity = area_series(ws, area, weights="cchi", include_activity=True)
    d = with_activity.frame[with_activity.frame["crime_type"] == "Drugs"]
    assert np.allclose(d["harm"], d["count"] * table.weights["Drugs"])


def test_user_weights_and_crime_type_selection(sample_store: Store) -> None:
    ws, _ = sample_store
    area = area_from_lsoas("one", ["E01000001"])
    s = area_series(
        ws,
        area,
        crime_types=["Burglary", "Robbery"],
        weights={"Burglary": 2.0, "Robbery": 10.0},
        crosswalk=_identity(["E01000001"]),
    )
    assert set(s.frame["crime_type"]) == {"Burglary", "Robbery"}
    f = s.frame
    assert np.allclose(
        f["harm"], f["count"] * f["crime_type"].map({"Burglary": 2.0, "Robbery": 10.0})
    )
    assert s.to_dict()["weights"] == "custom"


def test_start_and_end_bound_the_months(sample_store: Store) -> None:
    ws, _ = sample_store
    area = area_from_lsoas("one", ["E01000001"])
    s = area_series(ws, area, start="2020-01", end="2020-06", crosswalk=_identity(["E01000001"]))
    assert list(s.months) == month_range("2020-01", "2020-06")


def test_panel_stacks_many_areas_in_long_format(sample_store: Store) -> None:
    ws, _ = sample_store
    areas = {"a": ("E01000001",), "b": ("E01000002", "E01000003")}
    p = panel(
        ws,
        areas,
        crime_types=["Drugs"],
        crosswalk=_identity(["E01000001", "E01000002", "E01000003"]),
    )
    assert list(p.columns) == ["unit", "month", "crime_type", "count", "harm"]
    assert p.groupby("unit").size().to_dict() == {"a": 36, "b": 36}


def test_lsoa_panel_has_every_lsoa_month_and_matches_the_csv_drugs_count(
    sample_store: Store,
) -> None:
    ws, _ = sample_store
    rows = _rows("city-of-london")
    codes = sorted({r["LSOA code"] for r in rows if r["LSOA code"]})
    p = lsoa_panel(ws, codes, crime_types=["Drugs"], crosswalk=_identity(codes))
    assert len(p) == len(codes) * 36
    expected = sum(r["Crime type"] == "Drugs" and bool(r["LSOA code"]) for r in rows)
    assert p["count"].sum() == expected


def test_a_series_read_then_an_import_in_one_process_sees_the_new_month(tmp_path: Path) -> None:
    street = POLICEUK / "city-of-london" / "street"
    ws = open_workspace(tmp_path / "ws")
    import_paths(ws, [street / "2019-01-city-of-london-street.csv.gz"])
    area = area_from_lsoas("one", ["E01000001"])
    cw = _identity(["E01000001"])
    assert area_series(ws, area, crosswalk=cw).months == ("2019-01",)
    import_paths(ws, [street / "2019-02-city-of-london-street.csv.gz"])
    assert area_series(ws, area, crosswalk=cw).months == ("2019-01", "2019-02")


def test_lsoa_panel_fills_each_lsoa_only_over_its_own_forces_months(sample_store: Store) -> None:
    ws, _ = sample_store  # City of London 2017-12..2020-11 and Cleveland 2023-01..2025-11
    codes = ["E01000001", "E01012057"]  # City 001A; a Middlesbrough LSOA
    p = lsoa_panel(ws, codes, crime_types=["Drugs"], crosswalk=_identity(codes))
    months = p.groupby("lsoa")["month"].agg(["min", "max", "count"]).to_dict(orient="index")
    assert months["E01000001"] == {"min": "2017-12", "max": "2020-11", "count": 36}
    assert months["E01012057"] == {"min": "2023-01", "max": "2025-11", "count": 35}
