"""Held-out validation: difference-in-differences on continuous outcomes and bank counts.

* Proposition 99, synthdid's semicolon-delimited file: Arkhangelsky, Athey, Hirshberg,
  Imbens & Wager (2021), "Synthetic difference in differences", AER 111(12), Table 1,
  DID column: -27.3 packs per capita (California from 1989 against all 38 other states,
  two-way fixed effects).
* Mississippi banks in the Great Depression (Richardson & Troost 2009, JPE 117(6); the
  CausalPy ``banks`` example): banks in business in the Federal Reserve's 6th district
  (which lent freely) against the 8th, 1930 to 1931. Checked against the means
  difference computed independently in the test.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from typer.testing import CliRunner

from realimpact.cli.main import app
from realimpact.evaluate import EffectResult, difference_in_differences
from realimpact.evaluate._panel import read_table
from realimpact.exceptions import MethodWarning

DATA = Path(__file__).resolve().parent / "data"


def _did(data: pd.DataFrame, **kwargs: object) -> EffectResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        return difference_in_differences(data, **kwargs)  # type: ignore[arg-type]


def _prop99() -> pd.DataFrame:
    return read_table(DATA / "synthdid_california_prop99.csv")


def test_prop99_gaussian_did_equals_synthdid_table1() -> None:
    result = _did(
        _prop99(),
        unit="State",
        time="Year",
        outcome="PacksPerCapita",
        treated="California",
        start=1989,
        family="gaussian",
    )
    # Published to one decimal: tolerance 0.05 packs.
    assert result.estimate == pytest.approx(-27.3, abs=0.05)
    assert result.extra["coefficient"] == pytest.approx(result.estimate, rel=1e-9)
    assert result.extra["rate_ratio"] is None
    assert result.params["family"] == "gaussian"


def test_auto_family_treats_packs_per_capita_as_continuous() -> None:
    result = _did(
        _prop99(),
        unit="State",
        time="Year",
        outcome="PacksPerCapita",
        treated="California",
        start=1989,
    )
    assert result.params["family"] == "gaussian"
    assert result.estimate == pytest.approx(-27.3, abs=0.05)


def test_gaussian_twfe_matches_ols_with_dummies_and_cluster_errors() -> None:
    data = _prop99()
    data["d"] = ((data["State"] == "California") & (data["Year"] >= 1989)).astype(float)
    ols = smf.ols("PacksPerCapita ~ d + C(State) + C(Year)", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(data["State"])[0]}
    )
    result = _did(
        data,
        unit="State",
        time="Year",
        outcome="PacksPerCapita",
        treated="California",
        start=1989,
        family="gaussian",
        inference="cluster",
    )
    lo, hi = result.extra["coefficient_ci"]
    # Same point estimate to 1e-8; same cluster-robust standard error to 1 %
    # (statsmodels' small-sample factor is the same G/(G-1) * (N-1)/(N-K)).
    assert result.extra["coefficient"] == pytest.approx(ols.params["d"], abs=1e-8)
    half = (hi - lo) / 2
    from scipy import stats

    se = half / stats.t.ppf(0.975, 38)
    assert se == pytest.approx(ols.bse["d"], rel=0.01)


def test_prop99_did_through_the_cli_reads_semicolons_and_gives_table1() -> None:
    args = [
        "evaluate",
        "panel",
        str(DATA / "synthdid_california_prop99.csv"),
        "--unit-col",
        "State",
        "--time-col",
        "Year",
        "--outcome",
        "PacksPerCapita",
        "--treated",
        "California",
        "--start",
        "1989",
        "--method",
        "did",
        "--json",
    ]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    did = json.loads(out.stdout)["results"]["did"]
    assert did["params"]["family"] == "gaussian"
    assert did["estimate"] == pytest.approx(-27.3, abs=0.05)


def _banks_long() -> pd.DataFrame:
    wide = read_table(DATA / "banks.csv")
    wide = wide[wide["year"].isin([1930, 1931])]
    long = wide.melt(id_vars=["date", "year"], value_vars=["bib6", "bib8"], var_name="district")
    return long.rename(columns={"value": "banks"})


def test_banks_did_equals_the_means_difference_1930_to_1931() -> None:
    data = _banks_long()
    start = int(data.loc[data["year"] == 1931, "date"].min())
    result = _did(
        data,
        unit="district",
        time="date",
        outcome="banks",
        treated="bib6",
        start=start,
        family="gaussian",
    )
    m = data.groupby(["district", "year"])["banks"].mean()
    classic = (m["bib6", 1931] - m["bib6", 1930]) - (m["bib8", 1931] - m["bib8", 1930])
    # Balanced daily panel: two-way FE DiD is exactly the means difference (1e-8).
    assert result.estimate == pytest.approx(classic, abs=1e-8)
    # The 6th district kept more of its banks than the 8th (Richardson & Troost).
    assert classic > 10
    assert np.isfinite(result.estimate)


def test_banks_count_model_gives_a_rate_ratio_above_one() -> None:
    result = _did(
        _banks_long(),
        unit="district",
        time="date",
        outcome="banks",
        treated="bib6",
        start=int(_banks_long().query("year == 1931")["date"].min()),
    )
    assert result.params["family"] == "negbin"
    assert result.extra["rate_ratio"] > 1.0
