"""Held-out validation: synthetic control against published cases not used in development.

Cases (data in ``tests/evaluate/data/``, provenance in PROVENANCE.md there):

* Basque Country (Abadie & Gardeazabal 2003, AER 93(1); the specification of the R
  ``Synth`` vignette, Abadie, Diamond & Hainmueller 2011, JSS 42(13), section 4):
  synthetic Basque Country = Cataluna 0.851 + Madrid 0.149, all other regions 0;
  GDP per capita about 10 percentage points below the synthetic unit after terrorism
  took hold (Abadie & Gardeazabal 2003, section III).
* German reunification (Abadie, Diamond & Hainmueller 2015, AJPS 59(2), Table 2):
  synthetic West Germany = Austria .42, USA .22, Japan .16, Switzerland .11,
  Netherlands .09; GDP per capita about 1,600 USD a year lower on average over
  1990-2003 (section 6).
* Proposition 99 from the synthdid file (Arkhangelsky et al. 2021, AER 111(12),
  Table 1, SC column): -19.6 packs per capita, averaged over 1989-2000.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from realimpact.cli.main import app
from realimpact.evaluate import synthetic_control
from realimpact.evaluate._panel import read_table
from realimpact.evaluate.synth import Predictor, SynthResult
from realimpact.exceptions import ConfigError, MethodWarning

DATA = Path(__file__).resolve().parent / "data"
BASQUE = "Basque Country (Pais Vasco)"
SCHOOL = ("school.illit", "school.prim", "school.med", "school.high", "school.post.high")
SECTORS = (
    "sec.agriculture",
    "sec.energy",
    "sec.industry",
    "sec.construction",
    "sec.services.venta",
    "sec.services.nonventa",
)


def _fit(data: pd.DataFrame, **kwargs: object) -> SynthResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        return synthetic_control(data, placebo=False, leave_one_out=False, **kwargs)  # type: ignore[arg-type]


def _basque_vignette() -> SynthResult:
    """The Synth vignette's dataprep: predictors as listed, V chosen on 1960-69."""
    data = pd.read_csv(DATA / "basque_data.csv")
    # Spain as a whole is not a donor; time.optimize.ssr = 1960:1969 is the pre-period.
    data = data[(data["regionname"] != "Spain (Espana)") & (data["year"] >= 1960)]
    preds = [Predictor(c, tuple(range(1964, 1970))) for c in (*SCHOOL, "invest")]
    preds.append(Predictor("gdpcap", tuple(range(1960, 1970))))
    preds += [Predictor(c, tuple(range(1961, 1970, 2))) for c in SECTORS]
    preds.append(Predictor("popdens", (1969,)))
    return _fit(
        data,
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated=BASQUE,
        start=1970,
        predictors=preds,
    )


def test_basque_weights_are_the_synth_vignettes_cataluna_and_madrid() -> None:
    result = _basque_vignette()
    weights = result.weights or {}
    # Published to three decimals; tolerance 0.01 on each weight.
    assert weights["Cataluna"] == pytest.approx(0.851, abs=0.01)
    assert weights["Madrid (Comunidad De)"] == pytest.approx(0.149, abs=0.01)
    others = {k: v for k, v in weights.items() if k not in ("Cataluna", "Madrid (Comunidad De)")}
    assert max(others.values()) < 0.01


def test_basque_gdp_falls_about_ten_percent_below_its_synthetic_unit() -> None:
    series = _basque_vignette().series
    assert series is not None
    frame = pd.DataFrame({"year": series.time, "obs": series.observed, "cf": series.counterfactual})
    late = frame[frame["year"].astype(float) >= 1975]
    relative = float((late["obs"] / late["cf"] - 1).mean())
    # "about 10 percentage points": tolerance 5 points either side.
    assert -0.15 < relative < -0.05


def _german_predictors(first: int, schooling: tuple[int, int], invest: str) -> list[Predictor]:
    years = tuple(range(first, first + 10))
    return [
        Predictor("gdp", years),
        Predictor("trade", years),
        Predictor("infrate", years),
        Predictor("industry", years),
        Predictor("schooling", schooling),
        Predictor(invest, (1980,)),
    ]


def _german(**kwargs: object) -> SynthResult:
    data = pd.read_csv(DATA / "german_reunification.csv")
    return _fit(data, unit="country", time="year", outcome="gdp", treated="West Germany", **kwargs)


GERMAN_PUBLISHED = {
    "Austria": 0.42,
    "USA": 0.22,
    "Japan": 0.16,
    "Switzerland": 0.11,
    "Netherlands": 0.09,
}


def test_german_reunification_cross_validated_weights_match_the_paper() -> None:
    # ADH (2015) section 5 and their replication code: V is chosen on a training fit
    # (predictors 1971-80, outcome MSPE over 1981-90), then used unchanged with the
    # 1981-90 predictors (Synth's custom.v).
    training = _german(
        start=1991,
        predictors=_german_predictors(1971, (1970, 1975), "invest70"),
        optimise_periods=range(1981, 1991),
    )
    result = _german(
        start=1990,
        predictors=_german_predictors(1981, (1980, 1985), "invest80"),
        v_weights=list(training.v_weights.values()),
    )
    weights = result.weights or {}
    # Published to two decimals: tolerance 0.015 on each weight, the rest below 0.01.
    for country, weight in GERMAN_PUBLISHED.items():
        assert weights[country] == pytest.approx(weight, abs=0.015), country
    assert all(v < 0.01 for k, v in weights.items() if k not in GERMAN_PUBLISHED)
    # About -1,600 USD a year over 1990-2003; tolerance 150 USD.
    assert result.estimate == pytest.approx(-1600, abs=150)
    assert result.params["v_weights"] == pytest.approx(list(training.v_weights.values()))


def test_german_reunification_without_cross_validation_keeps_the_five_donors() -> None:
    result = _german(start=1990, predictors=_german_predictors(1981, (1980, 1985), "invest80"))
    weights = result.weights or {}
    top5 = {k for k, _ in sorted(weights.items(), key=lambda kv: -kv[1])[:5]}
    assert top5 == set(GERMAN_PUBLISHED)
    # V fitted on the 1960-89 outcomes instead: each weight within 0.10 of the paper's.
    for country, weight in GERMAN_PUBLISHED.items():
        assert weights[country] == pytest.approx(weight, abs=0.10), country


def test_fitting_options_are_checked_all_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        _german(
            start=1990,
            predictors=_german_predictors(1981, (1980, 1985), "invest80"),
            optimise_periods=[1995, 1985],
            v_weights=[1.0, -1.0],
        )
    columns = [p.column for p in info.value.problems]
    assert columns == ["optimise_periods", "v_weights"]
    assert "1995" in info.value.problems[0].message


def test_prop99_synthdid_file_gives_table1_sc_estimate_through_the_cli() -> None:
    runner = CliRunner()
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
        "synth",
        "--json",
    ]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    synth = json.loads(out.stdout)["results"]["synth"]
    # Arkhangelsky et al. (2021) Table 1: SC -19.6; tolerance 0.5 packs.
    assert synth["estimate"] == pytest.approx(-19.6, abs=0.5)
    assert synth["p_value"] < 0.1


def test_basque_csv_with_index_column_and_empty_covariates_runs_through_the_cli(
    tmp_path: Path,
) -> None:
    data = read_table(DATA / "basque_data.csv")
    path = tmp_path / "basque_regions.csv"
    data[data["regionname"] != "Spain (Espana)"].to_csv(path, index=False, na_rep="")
    args = [
        "evaluate",
        "panel",
        str(path),
        "--unit-col",
        "regionname",
        "--time-col",
        "year",
        "--outcome",
        "gdpcap",
        "--treated",
        BASQUE,
        "--start",
        "1970",
        "--method",
        "synth",
        "--json",
    ]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    synth = json.loads(out.stdout)["results"]["synth"]
    # Outcome-only fit (the CLI cannot take the vignette's predictors): the gap is
    # negative, as published, and 16 donors are used.
    assert synth["estimate"] < -0.3
    assert synth["inputs"]["n_units"] == 17
