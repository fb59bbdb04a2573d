"""Scoring models: dimensions, scales and default weights, held as configuration (YAML).

A scoring model is a multi-criteria (MCDA) additive value model: each dimension is scored
on an ordinal scale, rescaled to 0–1, and the priority score is the weighted sum of the
rescaled scores with weights summing to 1 (Keeney & Raiffa 1976; Belton & Stewart 2002).
Two presets ship with the package:

* ``ukdpc`` follows the criteria of UKDPC (2009) *Refocusing drug-related law enforcement
  to address harms*, chapter 4, step 2: extent and seriousness of harms (per harm type of
  the drug-harm matrix), community concern, partner priorities, vulnerability, likelihood
  or trend, ability to have an impact, and market newness (Tragler et al. 2001).
* ``morile-style`` is *in the style of* MoRiLE (harm: physical, psychological, financial,
  community and environment, geographic scope; victim vulnerability; likelihood;
  organisational position). It is **not the official NPCC tool** and claims no official
  status: MoRiLE's own scales and multipliers are restricted and were not reproduced.

Default weights in both presets are neutral starting points for a partnership's own
discussion; the report gives no numeric weights.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from realimpact.prioritise._io import Collector, read_mapping, validate_model

__all__ = [
    "Dimension",
    "HarmDerivation",
    "ScoringModel",
    "available_presets",
    "load_model",
    "load_preset",
]

HARM_TYPES = ("health", "social", "economic", "environmental")
HARM_LEVELS = ("individual", "family", "community", "national", "international")
HARM_ID = re.compile(
    r"^(health|social|economic|environmental)\."
    r"(individual|family|community|national|international)\.[a-z0-9][a-z0-9-]*$"
)
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


class HarmDerivation(BaseModel):
    """How a dimension is derived from a problem's per-harm scores when not given directly.

    The dimension value is the maximum over the problem's harms that match ``type`` and
    ``level`` (either may be omitted) of ``measure``: ``extent``, ``seriousness`` or
    ``product`` (extent x seriousness / scale maximum, which stays on the scale).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["health", "social", "economic", "environmental"] | None = None
    level: Literal["individual", "family", "community", "national", "international"] | None = None
    measure: Literal["extent", "seriousness", "product"] = "product"


class Dimension(BaseModel):
    """One scored dimension of a model.

    ``role`` is ``score`` (weighted into the priority) or ``info`` (recorded and shown,
    e.g. confidence in the information, but not weighted). ``reverse`` means a higher
    value on the scale lowers the priority.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    description: str = ""
    group: str = "other"
    scale_min: float = 0.0
    scale_max: float = 4.0
    anchors: dict[int, str] = Field(default_factory=dict)
    weight: float = Field(default=1.0, ge=0.0)
    role: Literal["score", "info"] = "score"
    reverse: bool = False
    harms: HarmDerivation | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(f"dimension id {v!r} must be lower-case letters, digits and '_'")
        return v

    @model_validator(mode="after")
    def _scale(self) -> Dimension:
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max must be greater than scale_min")
        return self

    def normalise(self, value: float) -> float:
        """Rescale a value on this dimension's scale to 0–1 (1 = highest priority)."""
        x = (value - self.scale_min) / (self.scale_max - self.scale_min)
        return 1.0 - x if self.reverse else x


class ScoringModel(BaseModel):
    """A scoring model: its dimensions, scales and default weights, and its status label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    status: str = Field(description="What the model is and is not (e.g. no official status).")
    citation: str = ""
    dimensions: tuple[Dimension, ...]

    @model_validator(mode="after")
    def _check(self) -> ScoringModel:
        ids = [d.id for d in self.dimensions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"dimension ids must be unique; repeated: {', '.join(dupes)}")
        if not any(d.role == "score" and d.weight > 0 for d in self.dimensions):
            raise ValueError("at least one 'score' dimension needs a weight above 0")
        return self

    @property
    def scored(self) -> tuple[Dimension, ...]:
        """The dimensions weighted into the priority score, in order."""
        return tuple(d for d in self.dimensions if d.role == "score")

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.scored)

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)

    def default_weights(self) -> dict[str, float]:
        """The model's default weights over scored dimensions, normalised to sum 1."""
        total = sum(d.weight for d in self.scored)
        return {d.id: d.weight / total for d in self.scored}

    def summary(self) -> str:
        lines = [f"{self.name} ({self.id}) — {self.status}"]
        w = self.default_weights()
        for d in self.dimensions:
            wt = f"weight {w[d.id]:.3f}" if d.id in w else "not weighted (info)"
            lines.append(f"  {d.id:<28} {d.scale_min:g}–{d.scale_max:g}  {wt}  {d.label}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def available_presets() -> tuple[str, ...]:
    """Names of the scoring-model presets shipped with realimpact."""
    root = resources.files("realimpact.prioritise") / "data" / "presets"
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))
    )


def load_preset(name: str) -> ScoringModel:
    """Load a shipped preset by name (``ukdpc`` or ``morile-style``)."""
    from realimpact.exceptions import ConfigError, Problem

    if name not in available_presets():
        raise ConfigError(
            f"unknown scoring preset {name!r}.",
            [
                Problem(
                    f"no preset named {name!r}.",
                    f"Use one of: {', '.join(available_presets())}, or pass a model file.",
                    entry=name,
                )
            ],
        )
    res = resources.files("realimpact.prioritise") / "data" / "presets" / f"{name}.yaml"
    with resources.as_file(res) as path:
        return load_model(path)


def load_model(path: str | Path) -> ScoringModel:
    """Load and validate a scoring-model YAML file; all problems are raised together."""
    path = Path(path)
    col = Collector()
    raw = read_mapping(path, col)
    model = None
    if raw is not None:
        model = validate_model(
            ScoringModel,
            raw,
            col,
            file=str(path),
            entry=str(raw.get("id", "model")) if isinstance(raw, dict) else None,
        )
    col.raise_if_any(f"The scoring model {path.name} is invalid.")
    assert model is not None
    return model
