"""End to end: four real Cleveland problem areas -> profiles -> partner and community
weights -> ranking with rank intervals, sensitivity and a decision record.

Measured: baselines from the police.uk 2024 sample (OGL v3) for four MSOAs. Judged
(illustrative, stated here): market characteristics and seriousness scores. Harm extent
is measured with :func:`harm_extents` (4 x the area's count / the largest of the four,
with a Poisson range) for the crime types that show each harm. Community concern comes
from the example survey's PSA 25 indicator (:func:`concern_score`, Wilson range).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from realimpact.define import (
    ProblemProfile,
    apply_extents,
    attach_baseline,
    community_weights,
    concern_score,
    harm_extents,
    import_survey,
    indicators,
    list_profiles,
    review_harms,
    save_profile,
)
from realimpact.prioritise import (
    DecisionInput,
    PartnerWeights,
    build_decision_record,
    load_preset,
    load_weights,
    prioritise,
)
from realimpact.workspace import Workspace

ROOT = Path(__file__).parents[2]
SURVEY = ROOT / "examples" / "define" / "residents_survey.csv"
PARTNERS = ROOT / "examples" / "prioritise" / "cleveland_weights.yaml"
HARM_SERIES = {  # harm of the matrix -> police.uk crime types that show it
    "social.community.fear-of-crime-anti-social-behaviour-asb": ["Anti-social behaviour"],
    "health.community.normalisation-of-drug-use-and-easy": ["Drugs"],
    "economic.community.cost-of-crime": ["Burglary", "Shoplifting", "Vehicle crime"],
    "environmental.community.degradation-of-neighbourhoods-e-g": ["Criminal damage and arson"],
}
PROFILES: dict[str, dict[str, Any]] = {  # illustrative characteristics
    "mbro-001": {
        "openness": "open",
        "settings": ["street"],
        "maturity": "established",
        "violence": True,
        "location_features": ["night-time-economy"],
    },
    "stockton-025": {"openness": "open", "settings": ["street"], "maturity": "established"},
    "hartlepool-015": {
        "openness": "closed",
        "settings": ["delivery"],
        "maturity": "established",
        "exploitation": True,
    },
    "redcar-022": {"openness": "semi-open", "settings": ["premises"], "maturity": "new"},
}


@pytest.fixture(scope="module")
def ranked(cleveland: Workspace) -> Any:
    ws = cleveland
    survey = import_survey(ws, SURVEY, name="residents", overwrite=True)
    psa25 = next(i for i in indicators(survey) if i.id == "psa25_drug_problem")
    concern = concern_score(psa25)
    for name, chars in PROFILES.items():
        save_profile(ws, ProblemProfile(name=name, area=name, **chars), overwrite=True)
        review_harms(ws, name, accept=list(HARM_SERIES), by="test analyst")
    baselines = {}
    for name in PROFILES:
        b = attach_baseline(ws, name, start="2024-01", end="2024-12").baseline
        assert b is not None
        baselines[name] = b
    extents = harm_extents(baselines, HARM_SERIES)
    profiles = []
    for p in list_profiles(ws):
        if p.name not in PROFILES:
            continue
        trend = p.baseline.total.trend_per_month if p.baseline else 0.0
        p = apply_extents(p, extents[p.name], seriousness={h: [1, 2, 3] for h in HARM_SERIES})
        scores = {
            "community_concern": concern,
            "partner_priority": [1, 3],
            "vulnerability": 3 if p.exploitation else [1, 2],
            "likelihood_trend": 3 if trend > 0 else 1,
            "ability_to_impact": "unknown",
            "market_newness": 4 if p.maturity and p.maturity.value == "new" else 0,
            "confidence": 2,
        }
        profiles.append(p.model_copy(update={"scores": scores}))
    model = load_preset("ukdpc")
    partners = dict(load_weights(PARTNERS, model).to_dict()["partners"])
    partners["community"] = community_weights(survey).for_model(model)
    weights = PartnerWeights.from_mapping(model, partners)
    return profiles, prioritise(profiles, model, weights, draws=2000, seed=7, top_k=2)


def test_profiles_carry_measured_baselines_and_recorded_decisions(ranked: Any) -> None:
    profiles, _ = ranked
    assert len(profiles) == 4
    for p in profiles:
        assert p.baseline is not None and p.baseline.months == 12
        assert {d.harm_id for d in p.decisions} == set(HARM_SERIES)
        assert all(d.by == "test analyst" for d in p.decisions)


def test_ranking_has_rank_intervals_sensitivity_and_community_partner(ranked: Any) -> None:
    _, result = ranked
    assert {p.name for p in result.problems} == set(PROFILES)
    assert [p.rank for p in result.problems] == [1, 2, 3, 4]
    for p in result.problems:
        assert 1 <= p.rank_low <= p.median_rank <= p.rank_high <= 4
        assert 0.0 <= p.p_top_k <= 1.0
    assert sum(p.p_top_k for p in result.problems) == pytest.approx(2.0)
    assert "community" in result.partners.partners
    assert result.agreement is not None
    assert result.sensitivity.to_dict()
    # Middlesbrough 001 (town centre) has the most ASB and Drugs records of the four
    assert result.problems[0].name == "mbro-001"


def test_the_ranking_becomes_a_decision_record(ranked: Any) -> None:
    _, result = ranked
    names = [p.name for p in result.problems]
    decision = DecisionInput(
        title="Cleveland drug problems (test)",
        decided_on=dt.date(2026, 1, 10),
        participants=[
            {"name": "A. Analyst", "partner": "police"},
            {"name": "Residents' survey", "partner": "community"},
        ],
        reasons="Highest measured harm and concern.",
        prioritised=names[:2],
        tolerated={n: "Lower measured harm; monitored quarterly." for n in names[2:]},
    )
    record = build_decision_record(result, decision)
    assert [i.problem for i in record.items] == names
    assert [i.decision for i in record.items] == ["prioritised"] * 2 + ["tolerated"] * 2
