"""The plan format: Operation Reduction as a plan, precise errors, drafting, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from realimpact.exceptions import ConfigError
from realimpact.framework import load_knowledge_base
from realimpact.plan import (
    check_plan,
    draft_plan,
    load_plan,
    parse_plan,
    predict_net_harm,
    save_plan,
)
from tests.plan.conftest import EXAMPLES

REDUCTION = EXAMPLES / "operation-reduction.yaml"


def test_operation_reduction_plan_validates_and_links_its_case_study() -> None:
    plan = load_plan(REDUCTION)
    assert plan.case_study == "operation-reduction"
    case = load_knowledge_base().case("operation-reduction")
    # every harm the report says the operation targeted is a targeted harm of the plan
    assert set(case.harms_targeted) <= {t.harm for t in plan.targeted_harms}


def test_operation_reduction_every_anticipated_risk_has_a_mitigation_owner_and_date() -> None:
    plan = load_plan(REDUCTION)
    case = load_knowledge_base().case("operation-reduction")
    risks = list(plan.displacement) + list(plan.side_effects)
    described = " ".join(r.description for r in risks)
    for risk in case.anticipated_risks:  # Appendix B: possible unintended consequences
        assert risk.rstrip(".").lower() in described.lower(), risk
    assert all(r.mitigation and r.owner and r.due for r in risks)
    # the consequence that actually happened (high-purity heroin deaths) has a place too
    assert any("high-purity" in r.description for r in plan.side_effects)


def test_operation_reduction_responses_cover_both_police_roles_and_treatment() -> None:
    plan = load_plan(REDUCTION)
    assert {r.intervention for r in plan.responses} == {
        "test-purchase",
        "treatment-outreach",
        "hot-spots",
    }
    actions = " ".join(r.action for r in plan.responses)
    assert "8-week" in actions and "7-10 days" in actions and "80-90%" in actions


def test_operation_reduction_predicts_on_the_ordinal_scale_and_has_outcome_measures() -> None:
    plan = load_plan(REDUCTION)
    pred = predict_net_harm(plan, seed=3, n_draws=4000)
    assert set(pred.net) == {"ordinal"}
    assert pred.net["ordinal"].low < pred.net["ordinal"].mean < pred.net["ordinal"].high
    check = check_plan(plan)
    assert not any("no outcome measure" in w for w in check.warnings)
    assert not any("no monitoring measure" in w for w in check.warnings)
    roles = {r.measure: r.role for r in check.measures.rows}
    assert roles["activity.drug-arrests"] == "output, not outcome"


BROKEN = """\
name: broken-plan
title: A plan with many mistakes
problem: test
area: somewhere
start: "2025-01"
responses:
  - intervention: hot-spot
    action: patrols
    owner: police
targeted_harms:
  - harm: social.community.victim-of-crime
    mechanism: fewer dealers
    expected: {low: 5, high: -20, unit: percent}
    basis: evidence
    evidence: [hot-spots]
  - harm: health.individual.overdose-death
    mechanism: treatment
    expected: {low: -10, high: 0, unit: percent}
    basis: judgement
    rationale: guess
side_effects:
  - id: cjs
    category: cjs-costs
    harm: economic.community.cost-of-enforcement-and-the-cjs
    description: costs
    expected: {low: 0, high: 1, unit: ordinal}
    owner: CPS
    due: "2025-13-01"
"""


def test_invalid_plan_lists_every_problem_with_line_field_and_fix() -> None:
    with pytest.raises(ConfigError) as err:
        parse_plan(BROKEN, file="broken.yaml")
    problems = err.value.problems
    assert all(p.file == "broken.yaml" for p in problems)
    where = {(p.entry, p.row, p.column) for p in problems}
    # low above high: the entry, its YAML line (the row) and the field
    assert ("targeted_harms[0]", 13, "expected") in where
    # a missing field is located at its entry; a bad value at the value's own line
    assert ("side_effects[0]", 22, "mitigation") in where
    assert ("side_effects[0]", 28, "due") in where
    # unknown ids are reported in the same error, with suggestions
    unknown = {p.column: p.fix for p in problems if p.message.startswith("unknown")}
    assert "hot-spots" in unknown["intervention"]
    assert "social.community.victim-of-crime-asb" in unknown["harm"]
    assert len(problems) == 5
    low_high = next(p for p in problems if "swap" in p.message)
    assert low_high.row == 13
    missing = next(p for p in problems if p.column == "mitigation")
    assert "Add the required field 'mitigation'" in missing.fix


def test_plan_with_valid_shape_reports_every_unknown_reference_with_suggestions() -> None:
    text = BROKEN.replace("{low: 5, high: -20", "{low: -20, high: 5").replace(
        '    owner: CPS\n    due: "2025-13-01"',
        '    mitigation: treatment first\n    owner: CPS\n    due: "2025-01-31"',
    )
    with pytest.raises(ConfigError) as err:
        parse_plan(text, file="refs.yaml")
    by_field = {(p.column, p.entry or ""): p for p in err.value.problems}
    assert "hot-spots" in by_field[("intervention", "responses[0]")].fix
    harm = by_field[("harm", "targeted_harms[0]")]
    assert "social.community.victim-of-crime-asb" in harm.fix and harm.row == 11
    # percent effects need the police.uk crime types they apply to
    assert ("unit", "targeted_harms[0].expected") in by_field
    assert ("unit", "targeted_harms[1].expected") in by_field


def test_invalid_yaml_reports_the_line() -> None:
    with pytest.raises(ConfigError) as err:
        parse_plan("name: x\n  title: [unclosed\n", file="bad.yaml")
    assert "line" in err.value.problems[0].message


def test_drafted_plan_from_evidence_validates_and_round_trips(tmp_path: Path) -> None:
    plan = draft_plan(
        "boro",
        area="boro",
        problem="open-market",
        harms=["social.community.victim-of-crime-asb"],
        responses=["crackdown"],
        start="2025-01",
    )
    # the crackdown's known risks become the plan's risks, with known mitigations
    assert {d.type for d in plan.displacement} >= {"geographical", "policy"}
    assert any(
        s.harm == "economic.community.cost-of-enforcement-and-the-cjs" for s in plan.side_effects
    )
    path = save_plan(plan, tmp_path / "boro.yaml")
    assert load_plan(path) == plan
    with pytest.raises(ConfigError):
        save_plan(plan, path)
    # a response using sanctions brings the five harms of enforcement the report asks for
    assert {"cjs-costs", "imprisonment", "families", "community-tension", "treatment-dropout"} <= {
        s.category for s in plan.side_effects
    }
    check = check_plan(plan)
    assert not any("use sanctions" in w for w in check.warnings)
    # every risk the knowledge base can measure gets a measure; the others are warned
    unmeasured = {w.split()[1] for w in check.warnings if "no monitoring measure" in w}
    assert unmeasured == {"imprisonment"}  # Appendix C lists no measure of this harm


def test_example_plans_are_documented_yaml_mappings() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text("utf-8")), dict)
        assert load_plan(path).name == path.stem


def test_a_plan_yaml_syntax_error_gives_its_line_as_the_row() -> None:
    with pytest.raises(ConfigError) as err:
        parse_plan("name: x\nresponses: [unclosed\n", file="broken.yaml")
    (problem,) = err.value.problems
    assert problem.file == "broken.yaml" and problem.row == 3
