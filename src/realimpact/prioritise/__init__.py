"""Stage 2: prioritise problems explicitly, robustly and with an audit trail.

Scoring models are configuration (presets ``ukdpc`` and ``morile-style``, the latter in the
style of MoRiLE with no official status); partners' weights are compared and aggregated;
a seeded, vectorised Monte Carlo gives rank intervals; a sensitivity view shows what would
change the top of the ranking; organised crime groups get a Sleipnir-style attribute
matrix beside a harm-focused score; decisions are recorded with their reasons and history.
"""

from realimpact.prioritise._model import (
    Dimension,
    HarmDerivation,
    ScoringModel,
    available_presets,
    load_model,
    load_preset,
)
from realimpact.prioritise._montecarlo import RankDistribution, simulate_ranks
from realimpact.prioritise._problems import (
    HarmScore,
    ProblemInput,
    ProblemLike,
    ProblemMatrix,
    ScoreRange,
    load_problems,
    prepare_problems,
)
from realimpact.prioritise._ranking import PrioritisationResult, RankedProblem, prioritise
from realimpact.prioritise._reference import simulate_ranks_loop
from realimpact.prioritise._sensitivity import (
    ScorePivot,
    SensitivityResult,
    TornadoBar,
    WeightPivot,
    sensitivity,
)
from realimpact.prioritise._weights import (
    AGGREGATION_METHODS,
    PartnerAgreement,
    PartnerWeights,
    aggregate_weights,
    load_weights,
    partner_agreement,
)

__all__ = [
    "AGGREGATION_METHODS",
    "Dimension",
    "HarmDerivation",
    "HarmScore",
    "PartnerAgreement",
    "PartnerWeights",
    "PrioritisationResult",
    "ProblemInput",
    "ProblemLike",
    "ProblemMatrix",
    "RankDistribution",
    "RankedProblem",
    "ScorePivot",
    "ScoreRange",
    "ScoringModel",
    "SensitivityResult",
    "TornadoBar",
    "WeightPivot",
    "aggregate_weights",
    "available_presets",
    "load_model",
    "load_preset",
    "load_problems",
    "load_weights",
    "partner_agreement",
    "prepare_problems",
    "prioritise",
    "sensitivity",
    "simulate_ranks",
    "simulate_ranks_loop",
]
