"""Specifications of the 2011 → 2021 LSOA crosswalk, on real Cleveland police.uk files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from realimpact import sample_data
from realimpact.data import crosswalk as cwmod
from realimpact.data.crosswalk import (
    apply_crosswalk,
    changed_lsoas,
    crosswalk_table,
    stable_units,
)
from realimpact.data.geography import lsoa_boundary, lsoa_info, lsoa_table, lsoas_in_force

PRE_SWITCH = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05"]


@pytest.fixture(scope="module")
def pre_switch_counts() -> pd.DataFrame:
    folder = sample_data.path("policeuk", "cleveland", "street")
    frames = [
        pd.read_csv(
            folder / f"{m}-cleveland-street.csv.gz", usecols=["Month", "LSOA code", "Crime type"]
        )
        for m in PRE_SWITCH
    ]
    rows = pd.concat(frames, ignore_index=True)
    counts = rows.groupby(["Month", "Crime type", "LSOA code"]).size()
    return (
        counts.rename("count")
        .reset_index()
        .rename(columns={"Month": "month", "Crime type": "crime_type", "LSOA code": "lsoa"})
    )


def test_weights_of_every_known_code_sum_to_one() -> None:
    cw = crosswalk_table()
    assert set(cw["from_lsoa"]) == set(lsoa_table()["code"])
    sums = cw.groupby("from_lsoa")["weight"].sum()
    assert np.allclose(sums, 1.0, atol=1e-12)
    assert (cw["weight"] > 0).all()
    assert set(cw["to_lsoa21"]) <= set(lsoa_table().query("in2021")["code"])


def test_codes_in_use_in_2021_map_to_themselves() -> None:
    cw = crosswalk_table().set_index("from_lsoa")
    row = cw.loc["E01012057"]
    assert (row["to_lsoa21"], row["weight"], row["method"]) == ("E01012057", 1.0, "identity")


def test_every_2011_only_code_in_cleveland_files_maps_with_weights_summing_to_one(
    pre_switch_counts: pd.DataFrame,
) -> None:
    table = lsoa_table()
    seen = set(pre_switch_counts["lsoa"])
    ended = sorted(c for c in seen if not table.at[c, "in2021"])
    assert len(ended) == 11  # the 2011-only codes of the four Cleveland authorities seen
    cw = crosswalk_table()
    sub = cw[cw["from_lsoa"].isin(ended)]
    assert set(sub["from_lsoa"]) == set(ended)
    assert (sub["method"] == "area_overlap").all()
    assert np.allclose(sub.groupby("from_lsoa")["weight"].sum(), 1.0, atol=1e-12)


def test_applying_the_crosswalk_preserves_totals_per_month_and_crime_type(
    pre_switch_counts: pd.DataFrame,
) -> None:
    out = apply_crosswalk(pre_switch_counts, values=["count"], by=["month", "crime_type"])
    before = pre_switch_counts.groupby(["month", "crime_type"])["count"].sum()
    after = out.groupby(["month", "crime_type"])["count"].sum()
    pd.testing.assert_series_equal(before.astype(float), after, rtol=0, atol=1e-9)
    assert lsoa_table().loc[out["lsoa"].unique(), "in2021"].all()


def test_mapped_pre_switch_codes_are_the_2021_lsoas_seen_after_the_switch(
    pre_switch_counts: pd.DataFrame,
) -> None:
    out = apply_crosswalk(pre_switch_counts)
    in_force = set(lsoas_in_force("E23000013"))
    assert set(out["lsoa"]) & in_force == in_force  # all 359 covered before the switch too


def _local_area(geom: object, lat0: float) -> float:
    k = np.array([np.cos(np.radians(lat0)), 1.0])
    return float(shapely.transform(geom, lambda xy: xy * k).area)


def test_overlap_weights_match_an_independent_area_computation() -> None:
    cw = crosswalk_table()
    split = cw[cw["method"] == "area_overlap"].groupby("from_lsoa").filter(lambda g: len(g) > 1)
    code = str(split["from_lsoa"].iloc[0])
    old = lsoa_boundary(code, "2011")
    lat0 = old.centroid.y
    rows = split[split["from_lsoa"] == code]
    shares = {
        t: _local_area(old.intersection(lsoa_boundary(t, "2021")), lat0) / _local_area(old, lat0)
        for t in rows["to_lsoa21"]
    }
    total = sum(shares.values())
    for target, weight in zip(rows["to_lsoa21"], rows["weight"], strict=True):
        assert weight == pytest.approx(shares[target] / total, abs=1e-3)  # stated tolerance


def test_stable_unit_covers_the_same_ground_in_both_vintages() -> None:
    (unit,) = stable_units(["E01011973"])
    assert set(unit.lsoa11) == {"E01011973", "E01011976"}
    assert unit.lsoa21 == ("E01035188",)
    a = shapely.union_all([lsoa_boundary(c, "2011") for c in unit.lsoa11])
    b = shapely.union_all([lsoa_boundary(c, "2021") for c in unit.lsoa21])
    assert a.symmetric_difference(b).area / a.union(b).area < 0.02


def test_unchanged_code_is_a_stable_unit_of_its_own() -> None:
    (unit,) = stable_units(["E01012057"])
    assert unit.lsoa11 == unit.lsoa21 == ("E01012057",)


def test_changed_lsoas_flags_ended_new_and_receiving_codes_only() -> None:
    got = changed_lsoas(["E01011973", "E01035188", "E01012057"])
    assert got == frozenset({"E01011973", "E01035188"})


def test_ended_code_without_overlap_falls_back_to_nearest_2021_centroid_in_its_la() -> None:
    rows = cwmod._nearest_rows(["E01011973"], lsoa_table())
    target = str(rows["to_lsoa21"].iloc[0])
    assert rows["method"].iloc[0] == "nearest_centroid"
    assert lsoa_info(target).lad_code == lsoa_info("E01011973").lad_code
    assert lsoa_info(target).vintage in {"2021", "both"}
