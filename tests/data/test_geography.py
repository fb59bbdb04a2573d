"""Specifications of realimpact.data.geography on the shipped ONS lookups and police.uk rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from realimpact import sample_data
from realimpact.data.geography import (
    EARTH_RADIUS_M,
    adjacent_lsoas,
    force_of,
    haversine_m,
    known_lsoa,
    locate_lsoas,
    lsoa_boundary,
    lsoa_centroid,
    lsoa_info,
    lsoa_table,
    lsoas_in_force,
    nearest_lsoa,
    nearest_lsoas,
    require_lsoas,
)
from realimpact.exceptions import ConfigError, NotFoundError

CLEVELAND_PFA = "E23000013"
CLEVELAND_LADS = {"E06000001", "E06000002", "E06000003", "E06000004"}


def _street(month: str, force: str = "cleveland") -> pd.DataFrame:
    folder = sample_data.path("policeuk", force, "street")
    return pd.read_csv(folder / f"{month}-{force}-street.csv.gz", dtype=str)


@pytest.fixture(scope="module")
def june_2023() -> pd.DataFrame:
    return _street("2023-06").dropna(subset=["LSOA code"])


def test_lookup_holds_every_2011_and_2021_lsoa_of_england_and_wales() -> None:
    table = lsoa_table()
    assert len(table) == 36_778  # 34,753 codes of 2011 + 2,025 created in 2021
    assert int(table["in2011"].sum()) == 34_753
    assert int((~table["in2011"]).sum()) == 2_025


@pytest.mark.parametrize(
    ("month", "force"),
    [("2023-01", "cleveland"), ("2023-06", "cleveland"), ("2018-06", "city-of-london")],
    ids=["cleveland-2011-codes", "cleveland-2021-codes", "city-2011-codes"],
)
def test_every_lsoa_code_in_real_police_files_is_known(month: str, force: str) -> None:
    codes = _street(month, force)["LSOA code"].dropna().unique()
    assert len(codes) >= 15
    assert all(known_lsoa(c) for c in codes)


def test_lsoa_info_gives_ward_la_csp_and_force_from_the_ons_lookups() -> None:
    info = lsoa_info("E01012057")
    assert info.name == "Middlesbrough 009E"
    assert (info.ward_code, info.ward_name) == ("E05009862", "Linthorpe")
    assert (info.lad_code, info.lad_name) == ("E06000002", "Middlesbrough")
    assert info.csp_name == "Middlesbrough"
    assert (info.pfa_code, info.pfa_name) == (CLEVELAND_PFA, "Cleveland")
    assert info.vintage == "both" and info.vintage_known and info.has_boundary


def test_2011_only_code_is_marked_2011_and_new_code_inherits_its_parents_areas() -> None:
    old = lsoa_info("E01011973")  # Hartlepool 005A, merged in 2021
    assert old.vintage == "2011" and old.vintage_known
    new = lsoa_info("E01035188")
    assert new.vintage == "2021"
    assert new.inherited_from in {"E01011973", "E01011976"}
    assert new.lad_code == "E06000001" and new.pfa_code == CLEVELAND_PFA


def test_code_outside_shipped_boundaries_has_assumed_vintage() -> None:
    table = lsoa_table()
    code = str(table.loc[table["in2011"] & ~table["vintage_known"], "code"].iloc[0])
    info = lsoa_info(code)
    assert info.vintage == "both" and not info.vintage_known and not info.has_boundary


def test_unknown_code_raises_not_found_with_the_fix() -> None:
    with pytest.raises(NotFoundError, match="E01012057"):
        lsoa_centroid("E01999999")


def test_require_lsoas_lists_every_unknown_code_at_once() -> None:
    with pytest.raises(ConfigError) as err:
        require_lsoas(["E01012057", "E01999999", "nonsense"], source="x.csv")
    assert [p.entry for p in err.value.problems] == ["E01999999", "nonsense"]
    assert all(p.file == "x.csv" and p.fix for p in err.value.problems)


def test_haversine_matches_one_degree_of_latitude_on_the_mean_sphere() -> None:
    # independent: one degree of arc is pi*R/180 metres (tolerance 1 mm)
    d = float(haversine_m(54.0, -1.0, 55.0, -1.0))
    assert d == pytest.approx(math.pi * EARTH_RADIUS_M / 180, abs=1e-3)


def test_nearest_lsoa_of_a_centroid_is_that_lsoa() -> None:
    table = lsoa_table()
    sample = table[table["in2021"]].iloc[::97]
    got = nearest_lsoas(sample["lat"].to_numpy(), sample["lon"].to_numpy())
    assert (got == sample["code"].to_numpy()).all()
    lat, lon = lsoa_centroid("E01012057")
    assert nearest_lsoa(lat, lon) == "E01012057"


def test_nearest_centroid_of_real_crimes_is_their_lsoa_or_a_neighbour(
    june_2023: pd.DataFrame,
) -> None:
    lat = june_2023["Latitude"].astype(float).to_numpy()
    lon = june_2023["Longitude"].astype(float).to_numpy()
    near = nearest_lsoas(lat, lon)
    reported = june_2023["LSOA code"].to_numpy()
    ok = [n == r or n in adjacent_lsoas(r) for n, r in zip(near, reported, strict=True)]
    assert np.mean(ok) >= 0.99  # measured 0.9946 on 8,719 rows


def test_locate_lsoas_agrees_with_police_uk_by_point_in_polygon(
    june_2023: pd.DataFrame,
) -> None:
    lat = june_2023["Latitude"].astype(float).to_numpy()
    lon = june_2023["Longitude"].astype(float).to_numpy()
    got = locate_lsoas(lat, lon)
    # police.uk assigns LSOAs with full-resolution boundaries; ours are generalised
    # (measured 0.9646): at least 95% must agree
    assert np.mean(got == june_2023["LSOA code"].to_numpy()) >= 0.95


def test_adjacency_is_symmetric_over_cleveland() -> None:
    for code in lsoas_in_force(CLEVELAND_PFA):
        for other in adjacent_lsoas(code):
            assert code in adjacent_lsoas(other), (code, other)


def test_boundary_neighbours_touch_and_non_neighbours_do_not() -> None:
    code = "E01012057"
    poly = lsoa_boundary(code, "2021")
    neighbours = adjacent_lsoas(code)
    assert 3 <= len(neighbours) <= 15
    for other in neighbours:
        assert poly.distance(lsoa_boundary(other, "2021")) < 1e-6
    far = set(lsoas_in_force(CLEVELAND_PFA)) - neighbours - {code}
    assert all(poly.distance(lsoa_boundary(c, "2021")) > 0 for c in list(far)[:40])


def test_lsoas_without_boundaries_fall_back_to_six_nearest_centroids() -> None:
    table = lsoa_table()
    code = str(table.loc[~table["vintage_known"], "code"].iloc[0])
    assert lsoa_boundary(code) is None
    assert len(adjacent_lsoas(code)) >= 6


def test_cleveland_force_holds_the_359_lsoas_of_its_four_authorities() -> None:
    codes = lsoas_in_force(CLEVELAND_PFA)
    assert len(codes) == 359
    assert set(force_of(codes[:5]).values()) == {CLEVELAND_PFA}
    assert {lsoa_info(c).lad_code for c in codes[::20]} <= CLEVELAND_LADS


@pytest.mark.parametrize("module", ["geography", "crosswalk", "areas", "weights"])
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib
    import warnings

    mod = importlib.import_module(f"realimpact.data.{module}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_lsoa_info_gives_the_msoa_matched_by_name_with_its_library_name() -> None:
    info = lsoa_info("E01012057")  # Middlesbrough 009E
    assert (info.msoa_code, info.msoa_name) == ("E02002504", "Middlesbrough 009")
    assert info.msoa_hcl_name == "Linthorpe West"
    assert lsoa_table()["msoa"].notna().mean() > 0.85


@pytest.mark.parametrize("module", ["geography", "crosswalk", "areas", "controls", "weights"])
def test_public_names_are_sorted_and_exist(module: str) -> None:
    import importlib
    import inspect

    mod = importlib.import_module(f"realimpact.data.{module}")
    assert mod.__all__ == sorted(mod.__all__)
    assert all(hasattr(mod, name) for name in mod.__all__)
    own = {
        n
        for n, v in vars(mod).items()
        if not n.startswith("_")
        and (inspect.isfunction(v) or inspect.isclass(v))
        and v.__module__ == mod.__name__
    }
    assert own <= set(mod.__all__), f"public but not in __all__: {own - set(mod.__all__)}"
    routines = [getattr(mod, n) for n in mod.__all__]
    undocumented = [
        r.__name__
        for r in routines
        if (inspect.isfunction(r) or inspect.isclass(r)) and not (r.__doc__ or "").strip()
    ]
    assert undocumented == []
