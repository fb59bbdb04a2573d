"""Define and rank four real Cleveland problem areas, from police.uk data to a decision.

Measured: 2024 baselines of four MSOAs from the police.uk sample shipped with the package
(Open Government Licence v3.0) and harm extents computed from them. ILLUSTRATIVE: the market
characteristics, seriousness, the survey (synthetic, examples/define/residents_survey.csv)
and the partners' weights (examples/prioritise/cleveland_weights.yaml).

Run: .venv/bin/python examples/define/cleveland_define.py [WORKSPACE]
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import realimpact
from realimpact.data import import_paths
from realimpact.data.areas import area_from_lsoas, save_area
from realimpact.define import (
    ProblemProfile,
    apply_extents,
    attach_baseline,
    community_weights,
    concern_score,
    harm_extents,
    import_survey,
    indicators,
    review_harms,
    save_profile,
)
from realimpact.prioritise import PartnerWeights, load_preset, load_weights, prioritise
from realimpact.workspace import open_workspace

HERE = Path(__file__).parent
STREET = Path(realimpact.__file__).parent / "sample_data/policeuk/cleveland/street"
AREAS = {  # problem -> (2021 LSOAs of the MSOA in the 2024 files, illustrative characteristics)
    "mbro-001": (
        ["E01012068", "E01012092", "E01012093", "E01035189", "E01035190", "E01035191", "E01035192"],
        {"openness": "open", "settings": ["street"], "maturity": "established", "violence": True},
    ),
    "hartlepool-015": (
        ["E01011965", "E01011966", "E01011974", "E01011975", "E01011983", "E01012002", "E01035188"],
        {
            "openness": "closed",
            "settings": ["delivery"],
            "maturity": "established",
            "exploitation": True,
        },
    ),
    "redcar-022": (
        ["E01012146", "E01012167", "E01012168", "E01012170", "E01012173", "E01012174", "E01033470"],
        {"openness": "semi-open", "settings": ["premises"], "maturity": "new"},
    ),
}
HARM_SERIES = {
    "social.community.fear-of-crime-anti-social-behaviour-asb": ["Anti-social behaviour"],
    "health.community.normalisation-of-drug-use-and-easy": ["Drugs"],
    "economic.community.cost-of-crime": ["Burglary", "Shoplifting", "Vehicle crime"],
    "environmental.community.degradation-of-neighbourhoods-e-g": ["Criminal damage and arson"],
}


def main(root: Path) -> None:
    ws = open_workspace(root)
    import_paths(ws, sorted(STREET.glob("2024-*-cleveland-street.csv.gz")))
    for name, (codes, chars) in AREAS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            save_area(ws, area_from_lsoas(name, codes), overwrite=True)
        save_profile(ws, ProblemProfile(name=name, area=name, **chars), overwrite=True)
        review_harms(ws, name, accept=list(HARM_SERIES), by="example analyst")
    baselines = {}
    for name in AREAS:
        profile = attach_baseline(ws, name, start="2024-01", end="2024-12")
        assert profile.baseline is not None
        baselines[name] = profile.baseline
        print(profile.baseline.summary())
    survey = import_survey(ws, HERE / "residents_survey.csv", name="residents", overwrite=True)
    psa25 = next(i for i in indicators(survey) if i.id == "psa25_drug_problem")
    print(psa25.summary())
    extents = harm_extents(baselines, HARM_SERIES)
    profiles = []
    for name, (_, chars) in AREAS.items():
        p = ProblemProfile(name=name, area=name, **chars, baseline=baselines[name])
        p = apply_extents(p, extents[name], seriousness={h: [1, 2, 3] for h in HARM_SERIES})
        scores = {
            "community_concern": concern_score(psa25),
            "partner_priority": [1, 3],
            "vulnerability": 3 if p.exploitation else [1, 2],
            "likelihood_trend": 2,
            "ability_to_impact": "unknown",
            "confidence": 2,
            "market_newness": 4 if chars["maturity"] == "new" else 0,
        }
        profiles.append(p.model_copy(update={"scores": scores}))
    model = load_preset("ukdpc")
    partners = load_weights(HERE.parent / "prioritise" / "cleveland_weights.yaml", model)
    weights = dict(partners.to_dict()["partners"])
    weights["community"] = community_weights(survey).for_model(model)
    result = prioritise(
        profiles, model, PartnerWeights.from_mapping(model, weights), draws=5000, seed=2026, top_k=1
    )
    print(result.summary())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp) / "ws")
