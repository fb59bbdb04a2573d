"""File-level entry points: load a model, problems, weights and decisions, then act.

These are what the CLI (and a notebook user with files) call: one function per task,
each raising one :class:`~realimpact.exceptions.ConfigError` that lists every problem in
every file it read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from realimpact.exceptions import ConfigError, RealImpactError
from realimpact.prioritise._decision import (
    DecisionRecord,
    build_decision_record,
    load_decision_input,
    save_decision_record,
)
from realimpact.prioritise._model import ScoringModel, load_model, load_preset
from realimpact.prioritise._montecarlo import Distribution, WeightUncertainty
from realimpact.prioritise._problems import load_problems
from realimpact.prioritise._ranking import PrioritisationResult, prioritise
from realimpact.prioritise._weights import AggregationMethod, load_weights
from realimpact.workspace import Workspace

__all__ = ["known_harm_ids", "prioritise_files", "record_decision_files"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def known_harm_ids() -> frozenset[str] | None:
    """Harm ids of the framework's drug-harm matrix, or None if it cannot be loaded."""
    try:
        from realimpact.framework import load_knowledge_base

        return frozenset(h.id for h in load_knowledge_base().harms)
    except (ImportError, RealImpactError):
        return None


def _model(preset: str, model_file: Path | None) -> ScoringModel:
    return load_model(model_file) if model_file is not None else load_preset(preset)


def prioritise_files(
    problems: Path,
    weights: Path | None = None,
    *,
    preset: str = "ukdpc",
    model_file: Path | None = None,
    method: AggregationMethod | None = None,
    draws: int = 10_000,
    seed: int | None = None,
    top_k: int = 3,
    interval: float = 0.9,
    distribution: Distribution = "triangular",
    weight_uncertainty: WeightUncertainty = "dirichlet",
    progress: Callable[[int], None] | None = None,
) -> PrioritisationResult:
    """Load problems (and weights) from files and rank them with :func:`prioritise`.

    Problems of both files are validated before anything runs; all problems are reported
    together.
    """
    model = _model(preset, model_file)
    problems_list: list[object] = []
    pw = None
    errors: list[ConfigError] = []
    try:
        problems_list = list(load_problems(problems, model, harm_ids=known_harm_ids()))
    except ConfigError as exc:
        errors.append(exc)
    if weights is not None:
        try:
            pw = load_weights(weights, model)
        except ConfigError as exc:
            errors.append(exc)
    if errors:
        raise ConfigError("The input files are invalid.", [p for e in errors for p in e.problems])
    return prioritise(
        problems_list,
        model,
        pw,
        method=method,
        draws=draws,
        seed=seed,
        top_k=top_k,
        interval=interval,
        distribution=distribution,
        weight_uncertainty=weight_uncertainty,
        progress=progress,
    )


def record_decision_files(
    workspace: Workspace,
    decision: Path,
    problems: Path,
    weights: Path | None = None,
    *,
    preset: str = "ukdpc",
    model_file: Path | None = None,
    method: AggregationMethod | None = None,
    draws: int = 10_000,
    seed: int | None = None,
    top_k: int = 3,
) -> tuple[DecisionRecord, Path]:
    """Rank from files, combine with the decision file, save a new version; return it.

    Nothing is written unless every input is valid.
    """
    errors: list[ConfigError] = []
    try:
        chosen = load_decision_input(decision)
    except ConfigError as exc:
        errors.append(exc)
    try:
        result = prioritise_files(
            problems,
            weights,
            preset=preset,
            model_file=model_file,
            method=method,
            draws=draws,
            seed=seed,
            top_k=top_k,
        )
    except ConfigError as exc:
        errors.append(exc)
    if errors:
        raise ConfigError("The input files are invalid.", [p for e in errors for p in e.problems])
    files = [decision, problems, weights, model_file]
    inputs = {str(f): _sha256(f) for f in files if f is not None}
    record = build_decision_record(result, chosen, source=str(decision), inputs=inputs)
    return save_decision_record(workspace, record)
