"""``realimpact demo``: the main job on the shipped real sample, and the framework tour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realimpact.cli.main import app

runner = CliRunner()


@pytest.mark.slow
def test_demo_evaluates_a_real_area_and_prints_verdict_displacement_and_value_for_money(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "demo-ws"
    result = runner.invoke(app, ["demo", "--workspace", str(ws)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "hypothetical" in out.lower()
    assert "Verdict:" in out
    assert "Displacement" in out
    assert "For every £1 spent" in out
    assert "NOT VERIFIED" in out
    assert (ws / "areas" / "middlesbrough-013.json").is_file()

    assert "difference_in_differences" in out and "structural_time_series" in out
    # calibrated inference by default: ITS from 100 untreated placebo areas of Cleveland
    assert "in-space placebo inference" in out
    assert "Placebo check of the model-based tests" in out and "of 100 untreated areas" in out
    assert "calibrated by construction" in out

    # Re-running (JSON, one method to keep it quick) imports nothing twice.
    again = runner.invoke(app, ["demo", "--workspace", str(ws), "--method", "its", "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)["demo"]
    assert "0 new" in data["imported"]
    ev = data["evaluation"]
    assert ev["area"] == "middlesbrough-013"
    assert set(ev["counts"]["results"]) == {"its"}
    assert ev["value_for_money"]["operation_cost"] == 50_000
    assert data["hypothetical"].startswith("The operation is hypothetical")
    assert ev["calibration"]["its"]["n_areas"] == 100
    assert ev["counts"]["results"]["its"]["params"]["inference"] == "in-space placebo"


def test_demo_tour_shows_the_framework() -> None:
    result = runner.invoke(app, ["demo", "--tour"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Operation Nemesis" in result.stdout


def test_demo_bad_start_month_is_a_clean_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--workspace", str(tmp_path / "w"), "--start", "2031-01"])
    assert result.exit_code == 2
    assert "2031-01" in result.output
