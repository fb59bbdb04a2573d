"""Stages 3-5: responses from the evidence, predicted net harm, measures and the log.

UK Drug Policy Commission (2009), chapter 4 steps 3-5: choose responses the evidence
supports (:func:`load_evidence_library`), state the harms targeted with a mechanism and an
expected effect, plan for displacement (Box A) and enforcement's own harms with
mitigations (:class:`Plan`, :func:`load_plan`), predict the net change in harm with its
uncertainty (:func:`predict_net_harm`), decide how success and side effects will be
measured (:func:`measures_plan`), log what was actually done (:class:`ImplementationLog`,
:func:`evaluation_window`) and set the prediction beside the evaluation (:func:`compare`,
:func:`file_evaluation`). The plan format is documented in ``docs/plan.md``.
"""

from realimpact.plan.check import PlanCheck, check_plan
from realimpact.plan.draft import draft_plan
from realimpact.plan.evidence import (
    STRENGTH_SCALE,
    EmmieDimension,
    EmmieRating,
    HarmReport,
    Intervention,
    LocalEvidence,
    RiskNote,
    UnintendedConsequence,
)
from realimpact.plan.io import load_plan, parse_plan, plan_path, save_plan
from realimpact.plan.library import EvidenceLibrary, FiledEvidence, load_evidence_library
from realimpact.plan.log import (
    Deviation,
    EvaluationWindow,
    ImplementationLog,
    MitigationRecord,
    Phase,
    evaluation_window,
    load_log,
    log_path,
    save_log,
)
from realimpact.plan.measures import MeasureRow, MeasuresPlan, measures_plan
from realimpact.plan.model import (
    ORDINAL_SCALE,
    SIDE_EFFECT_CATEGORIES,
    DisplacementRisk,
    EffectRange,
    Plan,
    PlannedMeasure,
    Response,
    SideEffect,
    TargetedHarm,
)
from realimpact.plan.predict import Interval, LedgerLine, NetHarmPrediction, Swing, predict_net_harm
from realimpact.plan.record import add_to_log
from realimpact.plan.results import (
    Comparison,
    ResultsAnalysis,
    compare,
    evaluation_kwargs,
    file_evaluation,
    read_evaluation,
)
from realimpact.plan.review import implementation_review

__all__ = [
    "ORDINAL_SCALE",
    "SIDE_EFFECT_CATEGORIES",
    "STRENGTH_SCALE",
    "Comparison",
    "Deviation",
    "DisplacementRisk",
    "EffectRange",
    "EmmieDimension",
    "EmmieRating",
    "EvaluationWindow",
    "EvidenceLibrary",
    "FiledEvidence",
    "HarmReport",
    "ImplementationLog",
    "Interval",
    "Intervention",
    "LedgerLine",
    "LocalEvidence",
    "MeasureRow",
    "MeasuresPlan",
    "MitigationRecord",
    "NetHarmPrediction",
    "Phase",
    "Plan",
    "PlanCheck",
    "PlannedMeasure",
    "Response",
    "ResultsAnalysis",
    "RiskNote",
    "SideEffect",
    "Swing",
    "TargetedHarm",
    "UnintendedConsequence",
    "add_to_log",
    "check_plan",
    "compare",
    "draft_plan",
    "evaluation_kwargs",
    "evaluation_window",
    "file_evaluation",
    "implementation_review",
    "load_evidence_library",
    "load_log",
    "load_plan",
    "log_path",
    "measures_plan",
    "parse_plan",
    "plan_path",
    "predict_net_harm",
    "read_evaluation",
    "save_log",
    "save_plan",
]
