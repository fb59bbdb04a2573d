"""Stage 6: did harm fall, against a credible counterfactual, net of displacement?

Methods (each returns an :class:`EffectResult` with the same JSON field names):
:func:`difference_in_differences`, :func:`interrupted_time_series`,
:func:`synthetic_control`, :func:`structural_time_series`. Displacement:
:func:`wdq`, :func:`wdd`, :func:`wdd_harm`. Harm units: :func:`harm_series`,
:func:`harm_effect`. Value for money: :func:`value_for_money` with :func:`load_unit_costs`
and :class:`OperationCost`. Sustainability: :func:`sustainability`. Calibration:
:func:`placebo_calibration`, :func:`calibrate_result`, :func:`calibrate_area`.
Verdict: :func:`verdict`. Whole evaluations:
:func:`evaluate_area`, :func:`evaluate_panel`, :func:`evaluate_series`.
"""

from realimpact.evaluate._result import Diagnostic, EffectResult, EffectSeries
from realimpact.evaluate._run import Evaluation, evaluate_panel, evaluate_series
from realimpact.evaluate.area import AreaEvaluation, Displacement, calibrate_area, evaluate_area
from realimpact.evaluate.calibration import (
    CalibrationResult,
    calibrate_result,
    placebo_calibration,
)
from realimpact.evaluate.costs import (
    AvoidedCrimes,
    CostTable,
    OperationCost,
    UnitCost,
    ValueForMoney,
    load_unit_costs,
    value_for_money,
)
from realimpact.evaluate.did import difference_in_differences
from realimpact.evaluate.displacement import WDDResult, WDQResult, wdd, wdd_harm, wdq
from realimpact.evaluate.harm import HarmEffect, harm_effect, harm_series
from realimpact.evaluate.its import interrupted_time_series
from realimpact.evaluate.sts import structural_time_series
from realimpact.evaluate.sustainability import SustainabilityResult, sustainability
from realimpact.evaluate.synth import SynthResult, synthetic_control
from realimpact.evaluate.verdict import MethodReading, Verdict, verdict

__all__ = [
    "AreaEvaluation",
    "AvoidedCrimes",
    "CalibrationResult",
    "CostTable",
    "Diagnostic",
    "Displacement",
    "EffectResult",
    "EffectSeries",
    "Evaluation",
    "HarmEffect",
    "MethodReading",
    "OperationCost",
    "SustainabilityResult",
    "SynthResult",
    "UnitCost",
    "ValueForMoney",
    "Verdict",
    "WDDResult",
    "WDQResult",
    "calibrate_area",
    "calibrate_result",
    "difference_in_differences",
    "evaluate_area",
    "evaluate_panel",
    "evaluate_series",
    "harm_effect",
    "harm_series",
    "interrupted_time_series",
    "load_unit_costs",
    "placebo_calibration",
    "structural_time_series",
    "sustainability",
    "synthetic_control",
    "value_for_money",
    "verdict",
    "wdd",
    "wdd_harm",
    "wdq",
]
