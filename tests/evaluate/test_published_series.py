"""Held-out validation: single-series methods (ITS, STS) on published example series.

* England & Wales monthly deaths 2006-2022 (the CausalPy "covid" ITS example; ONS data).
  Published: the ONS counted about 75,900 deaths above the 2015-19 average in 2020
  ("Deaths registered in England and Wales: 2020", ONS, 2021). The test recomputes that
  excess from the file itself (607,922 minus the 2015-19 mean) and checks our 2020
  effect against it.
* Volkswagen weekly share price with BMW and Allianz as covariates (CausalImpact
  tutorials; tfcausalimpact's ``volks_data.csv``): a large negative effect after the
  emissions scandal of 18 September 2015 (post period from the week of 2015-09-20).
* Regression tests for the files' quirks: space-delimited quoted header, daily dates
  (which once collapsed into duplicate months and crashed ITS), YYYYMMDD integers.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from realimpact.cli.main import app
from realimpact.evaluate import interrupted_time_series, structural_time_series
from realimpact.evaluate._panel import parse_time, read_table
from realimpact.exceptions import MethodWarning

DATA = Path(__file__).resolve().parent / "data"
SCANDAL = "2015-09-20"


def _deaths() -> pd.DataFrame:
    return read_table(DATA / "deaths_and_temps_england_wales.csv")


def _five_year_excess_2020(data: pd.DataFrame) -> float:
    totals = data.groupby("year")["deaths"].sum()
    baseline = totals[totals.index.isin(range(2015, 2020))].mean()
    return float(totals.loc[2020] - baseline)


@pytest.mark.parametrize("method", [interrupted_time_series, structural_time_series])
def test_2020_excess_deaths_match_the_five_year_average_excess(method: object) -> None:
    data = _deaths()
    reference = _five_year_excess_2020(data)
    assert reference == pytest.approx(75_900, rel=0.01)  # the ONS figure, to 1 %
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        result = method(  # type: ignore[operator]
            data, time="date", outcome="deaths", start="2020-01-01", end="2020-12-01"
        )
    cumulative = result.extra["cumulative_effect"]
    # Trend-projected counterfactual vs a flat 5-year average: tolerance 10 %.
    assert cumulative == pytest.approx(reference, rel=0.10)
    assert result.ci_low * 12 < reference < result.ci_high * 12


def test_excess_deaths_through_the_cli_are_positive_and_significant() -> None:
    args = [
        "evaluate",
        "series",
        str(DATA / "deaths_and_temps_england_wales.csv"),
        "--time-col",
        "date",
        "--outcome",
        "deaths",
        "--covariates",
        "temp",
        "--start",
        "2020-01-01",
        "--json",
    ]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    results = json.loads(out.stdout)["results"]
    for name in ("its", "sts"):
        assert results[name]["ci_low"] > 0, name
        assert 5 < results[name]["relative_estimate"] < 15, name


def _volks() -> pd.DataFrame:
    return read_table(DATA / "volks_data.csv")


def test_space_delimited_quoted_header_is_read_into_named_columns() -> None:
    data = _volks()
    assert list(data.columns) == ["Date", "VolksWagen", "BMW", "Allianz"]
    assert len(data) == 325
    assert data["VolksWagen"].dtype.kind == "f"


def test_volkswagen_share_price_falls_after_the_emissions_scandal() -> None:
    data = _volks()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        its = interrupted_time_series(
            data, time="Date", outcome="VolksWagen", start=SCANDAL, covariates=("BMW", "Allianz")
        )
        level = structural_time_series(
            data,
            time="Date",
            outcome="VolksWagen",
            start=SCANDAL,
            covariates=("BMW", "Allianz"),
            trend="level",
        )
    # A price is not a count: family "auto" chooses the linear model.
    assert its.params["family"] == "gaussian"
    # "Large negative effect": more than 15 % below the counterfactual, interval below 0.
    for result in (its, level):
        assert result.relative_estimate is not None
        assert result.relative_estimate < -15
        assert result.ci_high is not None and result.ci_high < 0


def test_volkswagen_file_runs_through_the_cli_as_published() -> None:
    args = [
        "evaluate",
        "series",
        str(DATA / "volks_data.csv"),
        "--time-col",
        "Date",
        "--outcome",
        "VolksWagen",
        "--covariates",
        "BMW",
        "--start",
        SCANDAL,
        "--method",
        "its",
        "--json",
    ]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["results"]["its"]["estimate"] < 0


def test_daily_dates_keep_one_label_per_day() -> None:
    data = read_table(DATA / "comparison_data.csv")
    index = parse_time(data["DATE"])
    assert len(index) == len(data) == 108
    assert index.labels[:2] == ("2019-04-16", "2019-04-17")
    assert index.frequency == "other"


def test_daily_series_runs_through_the_cli() -> None:
    args = [
        "evaluate",
        "series",
        str(DATA / "comparison_data.csv"),
        "--time-col",
        "DATE",
        "--outcome",
        "CHANGED",
        "--covariates",
        "NOT_CHANGED_1",
        "--start",
        "2019-07-01",
        "--method",
        "its",
        "--json",
    ]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    its = json.loads(out.stdout)["results"]["its"]
    assert its["series"]["post_start"] == "2019-07-01"


def test_yyyymmdd_integer_dates_sort_and_split_as_numbers() -> None:
    days = pd.Series([20181002, 20180930, 20181001])
    index = parse_time(days)
    assert index.labels == ("20180930", "20181001", "20181002")
    assert index.position_of(20181001) == 1
