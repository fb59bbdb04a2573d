"""The measures plan: outcomes per targeted harm, monitoring per risk, outputs labelled."""

from __future__ import annotations

import csv
import gzip

import pytest

from realimpact.plan import Plan, check_plan, load_plan, measures_plan
from realimpact.workspace import Workspace
from tests.plan.conftest import CENTRE, EXAMPLES, STREET

CLEVELAND = EXAMPLES / "middlesbrough-centre.yaml"


def _without(plan: Plan, measure_id: str) -> Plan:
    return plan.model_copy(
        update={"measures": tuple(m for m in plan.measures if m.measure != measure_id)}
    )


def test_targeted_harm_without_outcome_measure_is_warned_with_suggestions() -> None:
    plan = _without(load_plan(CLEVELAND), "appc.drug-deaths")
    mp = measures_plan(plan)
    assert any(
        w.startswith("targeted harm health.individual.overdose-death has no outcome measure")
        for w in mp.warnings
    )
    assert mp.suggestions == {"health.individual.overdose-death": ("appc.drug-deaths",)}


def test_a_harm_measured_only_by_arrests_is_warned_as_outputs_are_not_outcomes() -> None:
    plan = load_plan(CLEVELAND)
    only_arrests = tuple(
        m
        for m in plan.measures
        if "social.community.victim-of-crime-asb" not in m.measures
        or m.measure == "activity.drug-arrests"
    )
    mp = measures_plan(plan.model_copy(update={"measures": only_arrests}))
    warning = next(w for w in mp.warnings if "victim-of-crime-asb" in w)
    assert "only output or monitoring measures" in warning
    row = next(r for r in mp.rows if r.measure == "activity.drug-arrests")
    assert row.role == "output, not outcome"


def test_side_effect_without_monitoring_measure_is_warned() -> None:
    plan = _without(load_plan(CLEVELAND), "appc.children-at-risk-register")
    warnings = measures_plan(plan).warnings
    assert "risk families has no monitoring measure: its harm would go unseen." in warnings


def test_complete_cleveland_plan_has_outcomes_for_every_target_and_baselines(
    cleveland: Workspace,
) -> None:
    mp = measures_plan(load_plan(CLEVELAND), cleveland)
    assert not [w for w in mp.warnings if "no outcome" in w or "no monitoring" in w]
    sac = next(r for r in mp.rows if r.measure == "psa23.serious-acquisitive-crime")
    assert sac.baseline_window == ("2024-01", "2024-12")
    assert sac.baseline_per_month is not None and sac.baseline_per_month > 0
    assert sac.source_label.startswith("Crime statistics")
    survey = next(r for r in mp.rows if r.measure == "hh.community-safety")
    assert survey.baseline_per_month is None  # a survey: no store baseline


def test_store_baseline_of_a_measure_matches_an_independent_csv_count(
    cleveland: Workspace,
) -> None:
    mp = measures_plan(load_plan(CLEVELAND), cleveland)
    nearby = next(r for r in mp.rows if r.measure == "hh.nearby-crime")
    types = {"Violence and sexual offences", "Robbery"}  # the measure's crime_types
    n = 0
    for month in range(1, 13):
        path = STREET / f"2024-{month:02d}-cleveland-street.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
            n += sum(
                1
                for r in csv.DictReader(fh)
                if r["LSOA code"] in CENTRE and r["Crime type"] in types
            )
    assert nearby.baseline_per_month == pytest.approx(n / 12, rel=1e-9)


def test_check_warns_when_evidence_cited_does_not_report_the_harm() -> None:
    plan = load_plan(CLEVELAND)
    t = plan.targeted_harms[1].model_copy(update={"evidence": ("cctv",)})
    changed = plan.model_copy(update={"targeted_harms": (plan.targeted_harms[0], t)})
    warnings = check_plan(changed).warnings
    assert any("the evidence cited (cctv) does not report a decrease" in w for w in warnings)


def test_plans_using_sanctions_must_weigh_enforcements_own_harms() -> None:
    plan = load_plan(CLEVELAND)
    assert not any("use sanctions" in w for w in check_plan(plan).warnings)
    fewer = tuple(s for s in plan.side_effects if s.id not in {"imprisonment", "families"})
    kept = tuple(m for m in plan.measures if set(m.measures) - {"imprisonment", "families"})
    cut = plan.model_copy(update={"side_effects": fewer, "measures": kept})
    warning = next(w for w in check_plan(cut).warnings if "use sanctions" in w)
    assert warning.endswith(
        "weighs none of these harms of enforcement: imprisonment, families. Add them as side "
        "effects (expected 0 if none) with a mitigation."
    )


def test_plans_without_sanctions_need_not_weigh_enforcements_harms() -> None:
    from realimpact.plan import draft_plan

    harm = ["social.community.no-go-areas"]
    lighting = draft_plan("l", area="a", problem="p", harms=harm, responses=["street-lighting"])
    assert not lighting.side_effects
    assert not any("use sanctions" in w for w in check_plan(lighting).warnings)
