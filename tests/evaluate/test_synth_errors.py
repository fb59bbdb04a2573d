"""Unusable input to synthetic_control: one ConfigError naming every problem and its fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from realimpact.evaluate.synth import Predictor, synthetic_control
from realimpact.exceptions import ConfigError

DATA = Path(__file__).resolve().parent / "data" / "smoking_data.csv"


@pytest.fixture
def smoking() -> pd.DataFrame:
    df = pd.read_csv(DATA)
    df["year"] = df["year"].astype(int)
    return df


def test_synth_suggests_the_close_column_name_for_a_misspelt_outcome(
    smoking: pd.DataFrame,
) -> None:
    with pytest.raises(ConfigError) as err:
        synthetic_control(
            smoking, unit="state", time="year", outcome="cigsales", treated="California", start=1989
        )
    (problem,) = err.value.problems
    assert problem.column == "cigsales"
    assert "'cigsale'" in problem.message


def test_synth_reports_a_misspelt_outcome_and_covariate_at_once(smoking: pd.DataFrame) -> None:
    with pytest.raises(ConfigError) as err:
        synthetic_control(
            smoking,
            unit="state",
            time="year",
            outcome="cigsales",
            treated="California",
            start=1989,
            covariates=["retprices"],
        )
    assert {p.column for p in err.value.problems} == {"cigsales", "retprices"}


def test_synth_reports_unknown_treated_missing_covariate_and_gaps_together(
    smoking: pd.DataFrame,
) -> None:
    holes = smoking.drop(index=smoking[(smoking.state == "Utah") & (smoking.year == 1980)].index)
    with pytest.raises(ConfigError) as err:
        synthetic_control(
            holes,
            unit="state",
            time="year",
            outcome="cigsale",
            treated="Califronia",
            start=1989,
            covariates=["income"],
        )
    messages = [p.message for p in err.value.problems]
    assert any("'income' is missing" in m for m in messages)
    assert any("'Califronia'" in m and "'California'" in m for m in messages)
    assert any("'Utah'" in m and "1980" in m for m in messages)
    assert all(p.fix for p in err.value.problems)


def test_synth_names_predictor_periods_outside_the_data_and_missing_values(
    smoking: pd.DataFrame,
) -> None:
    with pytest.raises(ConfigError) as err:
        synthetic_control(
            smoking,
            unit="state",
            time="year",
            outcome="cigsale",
            treated="California",
            start=1989,
            predictors=[Predictor("cigsale", (1960,)), Predictor("beer", (1975,))],
        )
    messages = [p.message for p in err.value.problems]
    assert any("1960" in m and "not in the data" in m for m in messages)
    assert any("beer" in m and "no value in 1975" in m for m in messages)
    assert {p.column for p in err.value.problems} == {"cigsale", "beer"}


def test_synth_rejects_a_start_with_no_pre_period(smoking: pd.DataFrame) -> None:
    with pytest.raises(ConfigError) as err:
        synthetic_control(
            smoking, unit="state", time="year", outcome="cigsale", treated="California", start=1970
        )
    assert any("precede start" in p.message for p in err.value.problems)


def test_synth_names_the_row_of_a_non_numeric_covariate(smoking: pd.DataFrame) -> None:
    bad = smoking.astype({"retprice": object})
    bad.loc[5, "retprice"] = "n/a?"
    with pytest.raises(ConfigError) as err:
        synthetic_control(
            bad,
            unit="state",
            time="year",
            outcome="cigsale",
            treated="California",
            start=1989,
            covariates=["retprice"],
        )
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (7, "retprice")
