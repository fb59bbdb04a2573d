"""Predicted net harm: baselines from the store, seeded simulation, probabilities, hinges."""

from __future__ import annotations

import csv
import gzip
import shutil
from collections import Counter
from pathlib import Path

import pytest

from realimpact.data.weights import get_weight_table
from realimpact.exceptions import ConfigError
from realimpact.plan import load_plan, parse_plan, predict_net_harm
from realimpact.workspace import Workspace
from tests.plan.conftest import CENTRE, EXAMPLES, ROOT, STREET

CLEVELAND = EXAMPLES / "middlesbrough-centre.yaml"
TYPES = ("Robbery", "Theft from the person", "Burglary", "Violence and sexual offences")


def _csv_counts(months: list[str]) -> Counter[str]:
    """Independent count per crime type in the centre's LSOAs with Python's csv module."""
    counts: Counter[str] = Counter()
    for month in months:
        path = STREET / f"{month}-cleveland-street.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["LSOA code"] in CENTRE and row["Crime type"] in TYPES:
                    counts[row["Crime type"]] += 1
    return counts


def test_cleveland_baseline_in_harm_units_matches_an_independent_count(
    cleveland: Workspace,
) -> None:
    pred = predict_net_harm(load_plan(CLEVELAND), cleveland, seed=1, n_draws=2000)
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    counts = _csv_counts(months)
    w = get_weight_table("cchi").weights
    expected = sum(counts[t] * w[t] for t in TYPES) / 12
    line = next(ln for ln in pred.lines if ln.id == "target:social.community.victim-of-crime-asb")
    assert pred.baseline_window == ("2024-01", "2024-12")
    # 2024 uses 2021 LSOA codes only, so the store's count is exact (tolerance: float sums)
    assert line.baseline_per_month == pytest.approx(expected, rel=1e-9)
    assert line.scale == "harm" and pred.harm_unit == "days of imprisonment"


def test_simulated_target_mean_matches_the_analytic_mean_within_monte_carlo_error(
    cleveland: Workspace,
) -> None:
    pred = predict_net_harm(load_plan(CLEVELAND), cleveland, seed=2, n_draws=40_000)
    line = next(ln for ln in pred.lines if ln.id == "target:social.community.victim-of-crime-asb")
    assert line.baseline_per_month is not None
    # E[baseline x change] = E[baseline] E[change]; triangular(-20, -8, 5) has mean -23/3 %;
    # the Jeffreys baseline mean is (count + 1/2)/months per type, so within 1% of the count
    analytic = line.baseline_per_month * (-23 / 3) / 100
    assert line.contribution.mean == pytest.approx(analytic, rel=0.03)  # MC SE about 1%


def test_cleveland_plan_states_probability_of_net_reduction_and_warnings(
    cleveland: Workspace,
) -> None:
    pred = predict_net_harm(load_plan(CLEVELAND), cleveland, seed=1)
    assert set(pred.net) == {"harm", "ordinal"}
    harm = pred.net["harm"]
    assert harm.low < harm.mean < 0 < harm.high  # a fall expected, but not certain
    assert 0.5 < pred.p_reduction["harm"] < 0.99
    assert pred.p_reduction_all <= min(pred.p_reduction.values())
    assert any("may be negative" in w for w in pred.warnings)
    assert "target:social.community.victim-of-crime-asb" in {s.input for s in pred.hinges()}
    assert "P(net reduction)" in pred.summary()


def test_same_seed_same_prediction_other_seed_differs(cleveland: Workspace) -> None:
    plan = load_plan(CLEVELAND)
    a = predict_net_harm(plan, cleveland, seed=5, n_draws=3000)
    b = predict_net_harm(plan, cleveland, seed=5, n_draws=3000)
    c = predict_net_harm(plan, cleveland, seed=6, n_draws=3000)
    assert a.to_dict() == b.to_dict()
    assert a.net["harm"].mean != c.net["harm"].mean


PLAN = """\
name: one-line
title: one ordinal line
problem: p
area: a
start: "2025-01"
responses: [{intervention: hot-spots, action: patrol, owner: police}]
targeted_harms:
  - harm: social.community.no-go-areas
    mechanism: presence
    expected: {low: -2, mode: -1, high: 1, unit: ordinal}
    basis: judgement
    rationale: test
"""


def test_probability_of_net_reduction_matches_the_triangular_cdf() -> None:
    pred = predict_net_harm(parse_plan(PLAN), seed=11, n_draws=40_000)
    # P(X < 0) for triangular(a=-2, c=-1, b=1) = 1 - (b - 0)^2 / ((b - a)(b - c)) = 5/6
    assert pred.p_reduction["ordinal"] == pytest.approx(5 / 6, abs=0.01)  # SE 0.002
    assert pred.hinges()[0].input == "target:social.community.no-go-areas"


def test_a_plan_whose_every_input_keeps_the_sign_has_no_hinge_warning() -> None:
    text = PLAN.replace("{low: -2, mode: -1, high: 1", "{low: -2, mode: -1, high: -0.5")
    pred = predict_net_harm(parse_plan(text), seed=1, n_draws=2000)
    assert pred.p_reduction["ordinal"] == 1.0
    assert not pred.hinges() and not pred.warnings


def test_side_effects_that_outweigh_the_target_warn_of_no_net_reduction() -> None:
    text = PLAN + (
        "side_effects:\n"
        "  - {id: tension, category: community-tension,\n"
        "     harm: social.individual.distrust-of-authority, description: stops,\n"
        "     expected: {low: 1, high: 3, unit: ordinal}, mitigation: explain,\n"
        '     owner: inspector, due: "2025-01-31"}\n'
    )
    pred = predict_net_harm(parse_plan(text), seed=1, n_draws=2000)
    assert pred.net["ordinal"].mean > 0
    assert any("does not predict a net reduction" in w for w in pred.warnings)


def test_diffusion_of_benefits_adds_to_the_fall_and_displacement_undoes_it() -> None:
    base = PLAN.replace("high: 1,", "high: -0.5,")
    tail = (
        "displacement:\n"
        "  - {id: d, type: geographical, where: buffer, description: moves,\n"
        "     of_harm: social.community.no-go-areas, share_low: SHARE, share_high: SHARE,\n"
        '     mitigation: patrol, owner: police, due: "2025-01-31"}\n'
    )
    plain = predict_net_harm(parse_plan(base), seed=1, n_draws=2000).net["ordinal"].mean
    diff = predict_net_harm(parse_plan(base + tail.replace("SHARE", "-0.5")), seed=1, n_draws=2000)
    disp = predict_net_harm(parse_plan(base + tail.replace("SHARE", "0.5")), seed=1, n_draws=2000)
    assert diff.net["ordinal"].mean == pytest.approx(1.5 * plain)
    assert disp.net["ordinal"].mean == pytest.approx(0.5 * plain)


def test_percent_effects_without_a_workspace_raise_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="baseline"):
        predict_net_harm(load_plan(CLEVELAND), None)


def test_a_user_weight_csv_gives_harm_in_its_own_unit(cleveland: Workspace, tmp_path: Path) -> None:
    weights = tmp_path / "counts.csv"
    shutil.copy(ROOT / "src/realimpact/data/weight_tables/count.csv", weights)
    text = CLEVELAND.read_text("utf-8").replace("weights: cchi", f"weights: {weights}")
    pred = predict_net_harm(parse_plan(text), cleveland, seed=1, n_draws=2000)
    line = next(ln for ln in pred.lines if ln.scale == "harm" and ln.kind == "target")
    counts = _csv_counts([f"2024-{m:02d}" for m in range(1, 13)])
    assert pred.harm_unit == "user weight"
    assert line.baseline_per_month == pytest.approx(sum(counts.values()) / 12, rel=1e-9)


def test_unknown_weight_table_is_a_plan_error() -> None:
    text = CLEVELAND.read_text("utf-8").replace("weights: cchi", "weights: chi")
    with pytest.raises(ConfigError) as err:
        parse_plan(text, file="w.yaml")
    assert [p.column for p in err.value.problems] == ["weights"]


def test_a_baseline_window_partly_outside_the_store_is_noted(cleveland: Workspace) -> None:
    text = CLEVELAND.read_text("utf-8").replace(
        'baseline_start: "2024-01"\nbaseline_end: "2024-12"',
        'baseline_start: "2022-07"\nbaseline_end: "2023-06"',
    )
    pred = predict_net_harm(parse_plan(text), cleveland, seed=1, n_draws=1000)
    assert pred.baseline_window == ("2023-01", "2023-06")
    assert "baseline: 6 of the 12 months 2022-07..2023-06 are in the store" in pred.notes
