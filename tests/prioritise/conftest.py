"""Shared inputs for the prioritise tests: the shipped example files and tiny models."""

from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.prioritise import Dimension, ScoringModel

EXAMPLES = Path(__file__).parents[2] / "examples" / "prioritise"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def two_dim_model() -> ScoringModel:
    """Two dimensions on 0-4, equal default weights."""
    return ScoringModel(
        id="two",
        name="two dimensions",
        status="test model",
        dimensions=(
            Dimension(id="d1", label="first", weight=1.0),
            Dimension(id="d2", label="second", weight=1.0),
        ),
    )
