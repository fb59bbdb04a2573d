"""``realimpact evaluate``: every path (AREA alias, area, panel, series, wdq, wdd)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from realimpact.cli.main import app
from realimpact.data.areas import area_from_lsoas, save_area
from realimpact.data.importing import import_paths
from realimpact.workspace import open_workspace

ROOT = Path(__file__).parents[2]
STREET = ROOT / "src/realimpact/sample_data/policeuk/cleveland/street"
SMOKING = ROOT / "tests/evaluate/data/smoking_data.csv"
runner = CliRunner()


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return out


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "ws"
    ws = open_workspace(path, create=True)
    import_paths(ws, [STREET])
    save_area(ws, area_from_lsoas("mbro-013", ("E01012046", "E01012047", "E01012048")))
    return path


def test_evaluate_wdd_json_reproduces_the_wheeler_ratcliffe_example() -> None:
    d = _json(
        [
            "evaluate",
            "wdd",
            "--target",
            "207",
            "110",
            "--control",
            "308",
            "318",
            "--buffer",
            "178",
            "157",
            "--buffer-control",
            "150",
            "140",
            "--json",
        ]
    )
    assert d["estimate"] == -118
    assert d["se"] ** 2 == pytest.approx(1568)
    assert round(d["ci_low"]) == -196 and round(d["ci_high"]) == -40
    assert {"estimate", "ci_low", "ci_high", "p_value", "warnings"} <= set(d)


def test_evaluate_wdd_without_buffer_prints_a_reading() -> None:
    result = runner.invoke(
        app, ["evaluate", "wdd", "--target", "20", "10", "--control", "20", "20"]
    )
    assert result.exit_code == 0, result.output
    assert "No detectable change" in result.output


def test_evaluate_wdq_json_gives_quotient_and_total_net_effect() -> None:
    d = _json(
        [
            "evaluate",
            "wdq",
            "--target",
            "100",
            "50",
            "--buffer",
            "100",
            "75",
            "--control",
            "100",
            "100",
            "--json",
        ]
    )
    assert d["wdq"] == pytest.approx(0.5)
    assert d["total_net_effect"] == pytest.approx(75)
    assert d["method"] == "wdq"


def test_evaluate_wdq_says_not_meaningful_when_target_rose() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "wdq",
            "--target",
            "50",
            "60",
            "--buffer",
            "100",
            "75",
            "--control",
            "100",
            "100",
        ],
    )
    assert result.exit_code == 0
    assert "not meaningful" in result.output


def test_evaluate_wdq_bad_counts_give_a_json_error_and_exit_2() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "wdq",
            "--target",
            "100",
            "50",
            "--buffer",
            "100",
            "75",
            "--control",
            "0",
            "100",
            "--json",
        ],
    )
    assert result.exit_code == 2
    err = json.loads(result.stdout)
    assert err["problems"][0]["column"] == "control"
    assert err["problems"][0]["fix"]


def test_evaluate_panel_runs_its_on_a_long_csv() -> None:
    d = _json(
        [
            "evaluate",
            "panel",
            str(SMOKING),
            "--unit-col",
            "state",
            "--time-col",
            "year",
            "--outcome",
            "cigsale",
            "--treated",
            "California",
            "--start",
            "1989",
            "--method",
            "its",
            "--json",
        ]
    )
    its = d["results"]["its"]
    assert its["estimate"] < 0
    assert d["verdict"]["conclusion"] in {"fall", "no detectable change", "inconclusive"}


def test_evaluate_panel_reports_a_missing_column_with_a_fix() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "panel",
            str(SMOKING),
            "--unit-col",
            "State",
            "--time-col",
            "year",
            "--outcome",
            "cigsale",
            "--treated",
            "California",
            "--start",
            "1989",
            "--method",
            "its",
        ],
    )
    assert result.exit_code == 2
    assert "State" in result.output


def test_evaluate_rejects_an_unknown_method() -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "panel",
            str(SMOKING),
            "--unit-col",
            "state",
            "--time-col",
            "year",
            "--outcome",
            "cigsale",
            "--treated",
            "California",
            "--start",
            "1989",
            "--method",
            "magic",
        ],
    )
    assert result.exit_code == 2
    assert "magic" in result.output


def test_evaluate_series_runs_on_row_numbers(tmp_path: Path) -> None:
    frames = [
        pd.read_csv(f, usecols=["Month", "Crime type"]) for f in sorted(STREET.glob("*.csv.gz"))
    ]
    monthly = pd.concat(frames).query("`Crime type` == 'Burglary'").groupby("Month").size()
    csv = tmp_path / "burglary.csv"
    monthly.rename("n").to_frame().reset_index(drop=True).to_csv(csv, index=False)
    d = _json(
        [
            "evaluate",
            "series",
            str(csv),
            "--outcome",
            "n",
            "--start",
            "20",
            "--method",
            "its",
            "--json",
        ]
    )
    assert "its" in d["results"]
    assert d["results"]["its"]["series"]["post_start"] == "20"


def test_evaluate_area_alias_and_area_subcommand_agree(workspace: Path) -> None:
    args = [
        "mbro-013",
        "--start",
        "2024-07",
        "--method",
        "its",
        "--workspace",
        str(workspace),
        "--json",
    ]
    alias = _json(["evaluate", *args])
    sub = _json(["evaluate", "area", *args])
    assert alias["verdict"] == sub["verdict"]
    assert alias["area"] == "mbro-013"
    assert alias["displacement"]["wdd_count"]["method"] == "wdd"


def test_evaluate_area_unknown_area_is_a_clean_error(workspace: Path) -> None:
    result = runner.invoke(
        app, ["evaluate", "nowhere", "--start", "2024-07", "--workspace", str(workspace)]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_evaluate_area_prices_staff_hours_with_a_user_cost_table(
    workspace: Path, tmp_path: Path
) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("category,cost_gbp\nBurglary,6000\nRobbery,12000\n")
    d = _json(
        [
            "evaluate",
            "mbro-013",
            "--start",
            "2024-07",
            "--method",
            "its",
            "--staff-hours",
            "500",
            "--hourly-rate",
            "40",
            "--cost",
            "5000",
            "--unit-costs",
            str(costs),
            "--workspace",
            str(workspace),
            "--json",
        ]
    )
    vfm = d["value_for_money"]
    assert vfm["operation_cost"] == 500 * 40 + 5000
    assert set(vfm["costs_used"]) <= {"Burglary", "Robbery"}
    assert vfm["unverified"] == []


def test_evaluate_area_json_reports_placebo_calibrated_its_by_default(workspace: Path) -> None:
    d = _json(
        [
            "evaluate",
            "mbro-013",
            "--start",
            "2024-07",
            "--method",
            "its",
            "--workspace",
            str(workspace),
            "--json",
        ]
    )
    cal = d["calibration"]["its"]
    assert cal["n_areas"] == 100 and cal["seed"] == 0
    assert cal["ci_low"] <= cal["false_positive_rate"] <= cal["ci_high"]
    its = d["counts"]["results"]["its"]
    assert its["params"]["inference"] == "in-space placebo"
    assert its["extra"]["model_based"]["p_value"] != its["p_value"]
    assert d["inference"]["its"].startswith("placebo-calibrated")


def test_evaluate_area_with_calibrate_0_warns_that_p_values_are_model_based(
    workspace: Path,
) -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "mbro-013",
            "--start",
            "2024-07",
            "--method",
            "its",
            "--calibrate",
            "0",
            "--workspace",
            str(workspace),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "NOT calibrated" in result.stdout


def test_evaluate_calibrate_area_prints_the_false_positive_rate_and_whether_it_passes(
    workspace: Path,
) -> None:
    args = ["evaluate", "calibrate", "mbro-013", "--method", "its", "--n", "30"]
    args += ["--start", "2024-07", "--seed", "3", "--workspace", str(workspace)]
    d = _json([*args, "--json"])
    assert d["n_areas"] == 30 and d["group_size"] == 3 and d["seed"] == 3
    assert d["false_positive_rate"] == pytest.approx(d["n_flagged"] / 30)
    assert d["passes"] == (d["ci_low"] <= 0.05)
    assert {r["start"] for r in d["runs"]} == {"2024-07"}
    text = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "30 untreated areas" in text.stdout
    assert ("PASSES" if d["passes"] else "FAILS") in text.stdout


@pytest.fixture(scope="module")
def asb_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.evaluate._asb_panel import asb_panel

    path = tmp_path_factory.mktemp("asb") / "asb.csv"
    asb_panel().to_csv(path, index=False)
    return path


def test_evaluate_calibrate_runs_on_a_panel_csv_with_random_starts(asb_csv: Path) -> None:
    d = _json(
        [
            "evaluate",
            "calibrate",
            "--panel",
            str(asb_csv),
            "--unit-col",
            "lsoa",
            "--time-col",
            "month",
            "--outcome",
            "asb",
            "--method",
            "sts",
            "--n",
            "20",
            "--group-size",
            "5",
            "--json",
        ]
    )
    assert d["n_areas"] == 20 and d["group_size"] == 5
    assert d["method"] == "structural_time_series"
    assert len({r["start"] for r in d["runs"]}) > 1  # a start month drawn per run
    assert all(len(r["units"]) == 5 for r in d["runs"])


def test_evaluate_calibrate_names_a_missing_panel_column(asb_csv: Path) -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "calibrate",
            "--panel",
            str(asb_csv),
            "--unit-col",
            "lsoa",
            "--time-col",
            "month",
            "--outcome",
            "count",
            "--json",
        ],
    )
    assert result.exit_code == 2
    err = json.loads(result.stdout)
    assert any("count" in p["message"] for p in err["problems"])


def test_evaluate_calibrate_needs_exactly_one_of_area_and_panel(workspace: Path) -> None:
    neither = runner.invoke(app, ["evaluate", "calibrate", "--json"])
    assert neither.exit_code == 2
    assert "neither an area nor --panel" in json.loads(neither.stdout)["problems"][0]["message"]
    missing = runner.invoke(app, ["evaluate", "calibrate", "--panel", "x.csv", "--json"])
    assert missing.exit_code == 2
    msgs = [p["message"] for p in json.loads(missing.stdout)["problems"]]
    assert len(msgs) == 3 and all("required with --panel" in m for m in msgs)
    bad = runner.invoke(
        app, ["evaluate", "calibrate", "mbro-013", "--method", "ols", "--workspace", str(workspace)]
    )
    assert bad.exit_code == 2
    assert "'ols' is not its, sts or did" in bad.output
    none = runner.invoke(app, ["evaluate", "calibrate", "mbro-013", "--n", "0", "--json"])
    assert none.exit_code == 2
    assert json.loads(none.stdout)["problems"][0]["column"] == "--n"
