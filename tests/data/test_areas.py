"""Specifications of areas, buffers, controls and the ``realimpact area`` command."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import mapping
from typer.testing import CliRunner

from realimpact import sample_data
from realimpact.cli.main import app
from realimpact.data.areas import (
    Area,
    area_from_geojson,
    area_from_lsoas,
    area_from_point,
    buffer_area,
    candidate_controls,
    delete_area,
    list_areas,
    load_area,
    save_area,
)
from realimpact.data.geography import (
    adjacent_lsoas,
    lsoa_boundary,
    lsoa_info,
    lsoa_table,
)
from realimpact.exceptions import ConfigError, DataQualityWarning, NotFoundError
from realimpact.workspace import open_workspace

CENTRE = (54.5742, -1.2350)  # Middlesbrough town centre


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def centre() -> Area:
    return area_from_point("centre", *CENTRE, 800)


def test_point_and_radius_area_is_every_2021_lsoa_centroid_within_the_radius(
    centre: Area,
) -> None:
    table = lsoa_table()
    current = table[table["in2021"]]
    expected = {
        c
        for c, la, lo in zip(current["code"], current["lat"], current["lon"], strict=True)
        if _haversine(*CENTRE, la, lo) <= 800
    }
    assert set(centre.lsoas) == expected and len(expected) >= 3
    assert {lsoa_info(c).lad_name for c in centre.lsoas} == {"Middlesbrough"}
    assert list(centre.lsoas) == sorted(centre.lsoas)


def test_polygon_area_from_a_real_boundary_holds_that_msoas_lsoas(tmp_path: Path) -> None:
    table = lsoa_table()
    members = table[table["in2021"] & table["name"].str.startswith("Middlesbrough 001", na=False)]
    codes = set(members["code"])
    poly = shapely.union_all([lsoa_boundary(c, "2021") for c in codes])
    path = tmp_path / "msoa.geojson"
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(poly)}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.warns(DataQualityWarning, match="changed at the 2011/2021 switch"):
        area = area_from_geojson("boro-001", path)
    assert set(area.lsoas) == codes and len(codes) >= 5


def test_ring_buffer_excludes_target_and_holds_lsoas_within_the_width(centre: Area) -> None:
    with pytest.warns(DataQualityWarning, match="changed at the 2011/2021 switch"):
        ring = buffer_area(centre, width_m=1000)
    assert ring.lsoas and not set(ring.lsoas) & set(centre.lsoas)
    target = shapely.union_all([lsoa_boundary(c, "2021") for c in centre.lsoas])
    for code in ring.lsoas:  # in degrees, 1000 m is < 0.016 deg of latitude or longitude
        lat, lon = lsoa_info(code).lat, lsoa_info(code).lon
        assert target.distance(shapely.Point(lon, lat)) < 0.016
    with pytest.warns(DataQualityWarning):
        wider = buffer_area(centre, width_m=2000)
    assert set(ring.lsoas) < set(wider.lsoas)


def test_adjacent_buffer_is_the_neighbours_of_the_target_less_the_target(centre: Area) -> None:
    with pytest.warns(DataQualityWarning):
        ring = buffer_area(centre, adjacent=True, name="centre-adj")
    expected = set().union(*(adjacent_lsoas(c) for c in centre.lsoas)) - set(centre.lsoas)
    assert set(ring.lsoas) == expected
    assert ring.definition == {"target": "centre", "adjacent": True}


def test_buffer_needs_exactly_one_rule(centre: Area) -> None:
    with pytest.raises(ConfigError, match="choose one buffer rule"):
        buffer_area(centre)
    with pytest.raises(ConfigError):
        buffer_area(centre, width_m=500, adjacent=True)


def test_2011_codes_are_mapped_to_2021_with_a_warning() -> None:
    with pytest.warns(DataQualityWarning) as caught:
        area = area_from_lsoas("hartlepool", ["E01011973", "E01012057"])
    assert any("E01011973 mapped" in str(w.message) for w in caught)
    assert area.lsoas == ("E01012057", "E01035188")
    assert any("changed at the 2011/2021 switch" in w for w in area.warnings)


def test_unknown_codes_are_all_reported_in_one_error() -> None:
    with pytest.raises(ConfigError) as err:
        area_from_lsoas("bad", ["E01999999", "E01012057", "W01999999"])
    assert [p.entry for p in err.value.problems] == ["E01999999", "W01999999"]


@pytest.mark.parametrize("name", ["", "a b", "../up", "-dash", "x" * 65], ids=repr)
def test_invalid_area_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(ConfigError) as err:
        area_from_lsoas(name, ["E01012057"])
    assert "letters, digits" in err.value.problems[0].fix


def test_geojson_errors_name_the_file_and_fix(tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "Polygon",\n "coordinates": [[[0, 0], ]]}')
    with pytest.raises(ConfigError) as err:
        area_from_geojson("x", broken)
    assert err.value.problems[0].file == str(broken) and err.value.problems[0].row == 2
    with pytest.raises(ConfigError, match="no polygon"):
        area_from_geojson("x", {"type": "Point", "coordinates": [-1.23, 54.57]})
    osgb = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
        "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
    }
    with pytest.raises(ConfigError, match="WGS84"):
        area_from_geojson("x", osgb)


def test_point_outside_britain_and_bad_radius_are_both_reported() -> None:
    with pytest.raises(ConfigError) as err:
        area_from_point("x", -1.235, 54.57, -5)  # latitude and longitude swapped
    assert {p.column for p in err.value.problems} == {"point", "radius"}


def test_save_load_list_delete_round_trip(tmp_path: Path, centre: Area) -> None:
    ws = open_workspace(tmp_path / "ws")
    save_area(ws, centre)
    assert load_area(ws, "centre") == centre
    assert [a.name for a in list_areas(ws)] == ["centre"]
    delete_area(ws, "centre")
    with pytest.raises(NotFoundError, match="Saved areas: none yet"):
        load_area(ws, "centre")


def test_saving_over_an_existing_area_fails_and_leaves_it_unchanged(
    tmp_path: Path, centre: Area
) -> None:
    ws = open_workspace(tmp_path / "ws")
    path = save_area(ws, centre)
    before = path.read_bytes()
    other = Area("centre", ("E01012057",), "lsoas", {"lsoas": ["E01012057"]})
    with pytest.raises(ConfigError, match="already exists"):
        save_area(ws, other)
    assert path.read_bytes() == before
    assert sorted(p.name for p in ws.areas_dir.iterdir()) == ["centre.json"]


@pytest.fixture(scope="module")
def violence_2023h2() -> pd.DataFrame:
    """Real violence and sexual offence counts per 2021 LSOA, Cleveland 2023-06 .. 2023-12."""
    folder = sample_data.path("policeuk", "cleveland", "street")
    months = [f"2023-{m:02d}" for m in range(6, 13)]
    rows = pd.concat(
        pd.read_csv(
            folder / f"{m}-cleveland-street.csv.gz", usecols=["Month", "LSOA code", "Crime type"]
        )
        for m in months
    )
    rows = rows[rows["Crime type"] == "Violence and sexual offences"]
    counts = rows.groupby(["LSOA code", "Month"]).size().rename("count").reset_index()
    return counts.rename(columns={"LSOA code": "lsoa", "Month": "month"})


def test_controls_are_same_force_not_adjacent_and_ranked_by_level_and_trend(
    centre: Area, violence_2023h2: pd.DataFrame
) -> None:
    result = candidate_controls(
        None,
        centre,
        series_fn=lambda codes: violence_2023h2[violence_2023h2["lsoa"].isin(codes)],
        n=5,
    )
    assert len(result.scores) == 5
    chosen = set(result.lsoas)
    assert not chosen & set(centre.lsoas)
    assert not chosen & set().union(*(adjacent_lsoas(c) for c in centre.lsoas))
    assert {lsoa_info(c).pfa_code for c in chosen} == {"E23000013"}
    distances = [s.distance for s in result.scores]
    assert distances == sorted(distances)
    # independent recomputation of the best candidate's level and trend
    best = result.scores[0]
    series = violence_2023h2[violence_2023h2["lsoa"] == best.lsoa].set_index("month")["count"]
    series = series.reindex([f"2023-{m:02d}" for m in range(6, 13)], fill_value=0)
    slope = np.polyfit(np.arange(7.0), series.to_numpy(dtype=float), 1)[0]
    assert best.level == pytest.approx(series.mean(), abs=1e-9)
    assert best.trend == pytest.approx(slope, abs=1e-9)


def test_controls_without_enough_months_say_to_import_data(centre: Area) -> None:
    empty = pd.DataFrame({"lsoa": [], "month": [], "count": []})
    with pytest.raises(ConfigError, match="too few pre-period months"):
        candidate_controls(None, centre, series_fn=lambda codes: empty)


runner = CliRunner()


def test_cli_add_show_buffer_list_round_trip(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    add = runner.invoke(
        app,
        [
            "area",
            "add",
            "c",
            "--point",
            "54.5742,-1.2350",
            "--radius",
            "800",
            "--workspace",
            ws,
            "--json",
        ],
    )
    assert add.exit_code == 0, add.output
    assert len(json.loads(add.stdout)["lsoas"]) >= 3
    buf = runner.invoke(app, ["area", "buffer", "c", "--adjacent", "-w", ws, "--json"])
    assert buf.exit_code == 0 and json.loads(buf.stdout)["name"] == "c-buffer"
    listed = runner.invoke(app, ["area", "list", "-w", ws, "--json"])
    assert [a["name"] for a in json.loads(listed.stdout)] == ["c", "c-buffer"]
    shown = runner.invoke(app, ["area", "show", "c", "-w", ws])
    assert shown.exit_code == 0 and "c (point)" in shown.stdout


def test_cli_bad_input_exits_2_with_json_problems(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["area", "add", "x", "--lsoa", "E01999999", "-w", str(tmp_path / "ws"), "--json"]
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"][0]["entry"] == "E01999999"


@pytest.mark.parametrize("cmd", ["add", "buffer", "controls", "list", "show", "delete"])
def test_every_area_command_has_help_with_an_example(cmd: str) -> None:
    result = runner.invoke(app, ["area", cmd, "--help"])
    assert result.exit_code == 0 and "Example: realimpact area" in result.stdout


@pytest.fixture(scope="module")
def imported_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding the real Cleveland street files 2023-03 .. 2023-09 (the switch)."""
    from realimpact.data import import_paths

    root = tmp_path_factory.mktemp("geo") / "ws"
    folder = sample_data.path("policeuk", "cleveland", "street")
    files = [folder / f"2023-{m:02d}-cleveland-street.csv.gz" for m in range(3, 10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # import notes are the data-store tests' business
        import_paths(open_workspace(root), files)
    return root


def test_controls_read_the_store_across_the_2011_2021_switch(
    imported_workspace: Path, centre: Area
) -> None:
    from realimpact.data import lsoa_panel

    ws = open_workspace(imported_workspace)
    result = candidate_controls(ws, centre, n=5, start="2023-03", end="2023-09")
    assert len(result.scores) == 5 and result.pool_size > 300
    # a merged LSOA's series continues across the switch: its 2023-05 value is the sum of
    # its own rows and its two 2011 parents' rows in the raw file (the month mixes
    # vintages; a merge maps each parent whole, weight 1)
    raw = pd.read_csv(
        sample_data.path("policeuk", "cleveland", "street", "2023-05-cleveland-street.csv.gz"),
        usecols=["LSOA code"],
    )
    expected = int(raw["LSOA code"].isin(["E01035188", "E01011973", "E01011976"]).sum())
    got = lsoa_panel(ws, ["E01035188"], start="2023-05", end="2023-05")
    assert float(got["count"].iloc[0]) == pytest.approx(expected, abs=1e-9)


def test_cli_controls_prints_ranked_candidates(imported_workspace: Path) -> None:
    ws = str(imported_workspace)
    added = runner.invoke(app, ["area", "add", "t", "--lsoa", "E01012057", "-w", ws])
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["area", "controls", "t", "--n", "3", "-w", ws, "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)["scores"]
    assert len(scores) == 3 and scores[0]["distance"] <= scores[2]["distance"]


def test_buffer_width_must_be_a_positive_distance(centre: Area) -> None:
    with pytest.raises(ConfigError) as err:
        buffer_area(centre, width_m=-5)
    assert err.value.problems[0].column == "width"


def test_malformed_geojson_geometries_are_all_reported_with_exit_2_not_a_traceback(
    tmp_path: Path,
) -> None:
    # Regression: a ring of two points raised shapely's ValueError through the CLI.
    ring = [[-1.24, 54.57], [-1.23, 54.58]]
    features = [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "geometry": {"type": "Polygon"}},
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ConfigError) as err:
        area_from_geojson("x", path)
    columns = [p.column for p in err.value.problems]
    assert columns == ["features.0.geometry", "features.1.geometry"]
    assert all(p.file == str(path) and p.fix for p in err.value.problems)
    ws = tmp_path / "ws"
    result = runner.invoke(
        app, ["area", "add", "x", "--geojson", str(path), "-w", str(ws), "--json"]
    )
    assert result.exit_code == 2
    assert len(json.loads(result.stdout)["problems"]) == 2
    assert not (ws / "areas" / "x.json").exists()
    path.write_text("[1, 2]")
    with pytest.raises(ConfigError, match="not an object"):
        area_from_geojson("x", path)


def test_polygon_with_latitude_first_is_told_to_swap_the_pairs() -> None:
    square = [[54.57, -1.24], [54.57, -1.23], [54.58, -1.23], [54.58, -1.24], [54.57, -1.24]]
    with pytest.raises(ConfigError) as err:
        area_from_geojson("x", {"type": "Polygon", "coordinates": [square]})
    assert err.value.problems[0].column == "coordinates"
    assert "longitude first" in err.value.problems[0].fix
    lon_first = [[lon, lat] for lat, lon in square]
    area = area_from_geojson("x", {"type": "Polygon", "coordinates": [lon_first]})
    assert area.lsoas


def test_control_ranking_moved_to_controls_module_is_still_importable_from_areas() -> None:
    from realimpact.data import areas, controls

    assert areas.candidate_controls is controls.candidate_controls
    assert areas.ControlCandidates is controls.ControlCandidates
    assert areas.Area is controls.Area


def test_controls_refuse_bad_months_reversed_periods_and_unknown_crime_types(
    centre: Area,
) -> None:
    # Regression: --start 2023-13 and --crime-type Nonsense ran and ranked all-zero series.
    with pytest.raises(ConfigError) as err:
        candidate_controls(None, centre, start="2023-13", end="bogus", crime_types=["Drgs"])
    by_column = {p.column: p for p in err.value.problems}
    assert set(by_column) == {"start", "end", "crime_type"}
    assert "Did you mean 'Drugs'?" in by_column["crime_type"].fix
    with pytest.raises(ConfigError, match="cannot be used") as err:
        candidate_controls(None, centre, start="2023-06", end="2023-01")
    assert err.value.problems[0].column == "end"


def test_controls_refuse_a_pre_period_with_no_crimes_at_all(centre: Area) -> None:
    def zeros(codes: Sequence[str]) -> pd.DataFrame:
        months = pd.period_range("2023-01", "2023-06", freq="M").astype(str)
        return pd.DataFrame(0.0, index=months, columns=list(codes))

    with pytest.raises(ConfigError, match="no crimes recorded"):
        candidate_controls(None, centre, series_fn=zeros)
