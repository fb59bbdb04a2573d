"""Synthetic control: a weighted donor pool as the counterfactual, with placebo inference.

See :func:`synthetic_control`. Method: Abadie, Diamond & Hainmueller (2010), "Synthetic
control methods for comparative case studies", JASA 105(490), 493-505.
"""

from realimpact.evaluate.synth._estimator import synthetic_control
from realimpact.evaluate.synth._predictors import Predictor
from realimpact.evaluate.synth._solver import simplex_weights
from realimpact.evaluate.synth._types import PlaceboFit, PredictorBalance, SynthResult

__all__ = [
    "PlaceboFit",
    "Predictor",
    "PredictorBalance",
    "SynthResult",
    "simplex_weights",
    "synthetic_control",
]
