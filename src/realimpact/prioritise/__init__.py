"""Stage 2: prioritise problems explicitly, robustly and with an audit trail.

Scoring models are configuration (presets ``ukdpc`` and ``morile-style``, the latter in the
style of MoRiLE with no official status); partners' weights are compared and aggregated;
a seeded, vectorised Monte Carlo gives rank intervals; a sensitivity view shows what would
change the top of the ranking; organised crime groups get a Sleipnir-style attribute
matrix beside a harm-focused score; decisions are recorded with their reasons and history.
"""

from realimpact.prioritise._access import (
    ALLOWED_ROLES,
    AccessDeniedError,
    Viewer,
    check_sensitive_access,
    export_dict,
    sensitive_fields,
)
from realimpact.prioritise._decision import (
    DecisionDiff,
    DecisionInput,
    DecisionItem,
    DecisionRecord,
    Participant,
    build_decision_record,
    decision_history,
    diff_decisions,
    load_decision_input,
    save_decision_record,
)
from realimpact.prioritise._files import known_harm_ids, prioritise_files, record_decision_files
from realimpact.prioritise._model import (
    Dimension,
    HarmDerivation,
    ScoringModel,
    available_presets,
    load_model,
    load_preset,
)
from realimpact.prioritise._montecarlo import RankDistribution, simulate_ranks
from realimpact.prioritise._ocg import OcgAssessment, OcgScore, score_ocgs
from realimpact.prioritise._ocg_input import (
    OcgAttribute,
    OcgHarm,
    OcgMatrixPreset,
    OrganisedCrimeGroup,
    Rating,
    load_ocg_preset,
    load_ocgs,
)
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
    "ALLOWED_ROLES",
    "AccessDeniedError",
    "DecisionDiff",
    "DecisionInput",
    "DecisionItem",
    "DecisionRecord",
    "Dimension",
    "HarmDerivation",
    "HarmScore",
    "OcgAssessment",
    "OcgAttribute",
    "OcgHarm",
    "OcgMatrixPreset",
    "OcgScore",
    "OrganisedCrimeGroup",
    "Participant",
    "PartnerAgreement",
    "PartnerWeights",
    "PrioritisationResult",
    "ProblemInput",
    "ProblemLike",
    "ProblemMatrix",
    "RankDistribution",
    "RankedProblem",
    "Rating",
    "ScorePivot",
    "ScoreRange",
    "ScoringModel",
    "SensitivityResult",
    "TornadoBar",
    "Viewer",
    "WeightPivot",
    "aggregate_weights",
    "available_presets",
    "build_decision_record",
    "check_sensitive_access",
    "decision_history",
    "diff_decisions",
    "export_dict",
    "known_harm_ids",
    "load_decision_input",
    "load_model",
    "load_ocg_preset",
    "load_ocgs",
    "load_preset",
    "load_problems",
    "load_weights",
    "partner_agreement",
    "prepare_problems",
    "prioritise",
    "prioritise_files",
    "record_decision_files",
    "save_decision_record",
    "score_ocgs",
    "sensitive_fields",
    "sensitivity",
    "simulate_ranks",
    "simulate_ranks_loop",
]
