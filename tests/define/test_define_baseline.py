"""Baselines measured from the store match an independent count of the raw files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from realimpact.data.weights import get_weight_table
from realimpact.define import compute_baseline, linear_trend
from realimpact.workspace import Workspace
from tests.define._define_data import MSOAS


@pytest.mark.parametrize("area", sorted(MSOAS))
def test_baseline_counts_match_an_independent_pandas_count(
    cleveland: Workspace, raw_2024: pd.DataFrame, area: str
) -> None:
    b = compute_baseline(cleveland, area, start="2024-01", end="2024-12", weights=None)
    mine = raw_2024[raw_2024["msoa"] == MSOAS[area]]
    assert b.months == 12
    assert b.total.total == len(mine)  # exact: 2024 files use 2021 codes
    for ct, n in mine.groupby("Crime type").size().items():
        assert b.row(str(ct)).total == n
        assert b.row(str(ct)).monthly_mean == pytest.approx(n / 12, rel=1e-12)


def test_baseline_trend_is_the_ols_slope_of_monthly_counts(
    cleveland: Workspace, raw_2024: pd.DataFrame
) -> None:
    b = compute_baseline(
        cleveland, "mbro-001", start="2024-01", end="2024-12", crime_types=["Drugs"]
    )
    drugs = raw_2024[
        (raw_2024["msoa"] == "Middlesbrough 001") & (raw_2024["Crime type"] == "Drugs")
    ]
    monthly = (
        drugs.groupby("Month").size().reindex([f"2024-{m:02d}" for m in range(1, 13)], fill_value=0)
    )
    expected = stats.linregress(np.arange(12), monthly.to_numpy()).slope
    assert b.row("Drugs").trend_per_month == pytest.approx(expected, abs=1e-9)
    assert b.total.total == monthly.sum()


def test_harm_weighted_total_is_count_times_cchi_weight(
    cleveland: Workspace, raw_2024: pd.DataFrame
) -> None:
    table = get_weight_table("cchi")
    weights = table.harm_weights()
    b = compute_baseline(cleveland, "stockton-025", start="2024-01", end="2024-12")
    mine = raw_2024[raw_2024["msoa"] == "Stockton-on-Tees 025"]
    counts = mine.groupby("Crime type").size()
    expected = sum(n * weights[ct] for ct, n in counts.items() if ct in weights)
    assert b.total.harm_total == pytest.approx(expected, rel=1e-9)
    assert b.row("Drugs").harm_total is None  # activity offence: left out of harm, as in series
    assert "cchi" in b.summary()


def test_linear_trend_of_a_constant_is_zero_and_of_a_line_its_slope() -> None:
    assert linear_trend([5, 5, 5, 5]) == pytest.approx(0.0)
    assert linear_trend([1, 3, 5, 7]) == pytest.approx(2.0)
    assert linear_trend([4]) == 0.0


def test_problem_baseline_command_saves_the_measured_baseline(
    cleveland: Workspace, raw_2024: pd.DataFrame
) -> None:
    import json

    from typer.testing import CliRunner

    from realimpact.cli.main import app
    from realimpact.define import load_profile

    ws = str(cleveland.root)
    runner = CliRunner()
    added = runner.invoke(
        app, ["problem", "add", "--name", "cli-mbro", "--area", "mbro-001", "-w", ws, "--replace"]
    )
    assert added.exit_code == 0, added.output
    result = runner.invoke(
        app,
        [
            "problem",
            "baseline",
            "cli-mbro",
            "--start",
            "2024-01",
            "--end",
            "2024-06",
            "--crime-type",
            "Drugs",
            "-w",
            ws,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    mine = raw_2024[
        (raw_2024["msoa"] == "Middlesbrough 001")
        & (raw_2024["Crime type"] == "Drugs")
        & (raw_2024["Month"] <= "2024-06")
    ]
    assert data["total"]["total"] == len(mine)
    saved = load_profile(cleveland, "cli-mbro").baseline
    assert saved is not None and saved.total.total == len(mine)


@pytest.mark.parametrize(
    ("start", "end", "column", "words"),
    [
        ("2024-13", "2024-12", "start", "not a month"),
        ("2024-06", "2024-01", "start", "after the end"),
        ("2019-01", "2019-12", "start", "no month of 2019-01..2019-12"),
    ],
)
def test_problem_baseline_over_bad_or_empty_months_is_an_error_and_keeps_the_old_one(
    cleveland: Workspace, start: str, end: str, column: str, words: str
) -> None:
    import json

    from typer.testing import CliRunner

    from realimpact.cli.main import app

    ws = str(cleveland.root)
    runner = CliRunner()
    add = ["problem", "add", "--name", "cli-empty", "--area", "mbro-001", "-w", ws, "--replace"]
    assert runner.invoke(app, add).exit_code == 0
    good = ["problem", "baseline", "cli-empty", "--start", "2024-01", "--end", "2024-03", "-w", ws]
    assert runner.invoke(app, good).exit_code == 0
    saved = cleveland.path("problems") / "cli-empty.yaml"
    before = saved.read_bytes()
    bad = ["problem", "baseline", "cli-empty", "--start", start, "--end", end, "-w", ws, "--json"]
    result = runner.invoke(app, bad)
    assert result.exit_code == 2
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["column"] == column and words in problem["message"] and problem["fix"]
    assert saved.read_bytes() == before
