"""The plan: a documented YAML format for stages 3-5 of the UKDPC (2009) framework.

A plan names the problem and area, the harms it targets (matrix ids) with the mechanism
for each, the chosen responses (evidence-library ids), the expected change in each targeted
harm with a range and its basis (the evidence library or analyst judgement), the expected
displacement (Box A type and where), enforcement's own harms, each risk with a
mitigation, an owner and a due date, and the measures of success and monitoring. See
``docs/plan.md`` for the format with an example.

Scales: an effect in ``percent`` is the relative change in the monthly rate of the named
police.uk ``crime_types`` in the area (it gives harm units with a weight table and a
baseline from the store); an effect in ``ordinal`` points uses :data:`ORDINAL_SCALE`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ORDINAL_SCALE",
    "SIDE_EFFECT_CATEGORIES",
    "DisplacementRisk",
    "EffectRange",
    "Plan",
    "PlannedMeasure",
    "Response",
    "SideEffect",
    "TargetedHarm",
]

ORDINAL_SCALE: dict[int, str] = {
    -3: "major decrease",
    -2: "moderate decrease",
    -1: "minor decrease",
    0: "no change",
    1: "minor increase",
    2: "moderate increase",
    3: "major increase",
}

SIDE_EFFECT_CATEGORIES: dict[str, str] = {
    "cjs-costs": "criminal justice costs (arrest, prosecution, courts, prison)",
    "imprisonment": "impact of imprisonment on those arrested",
    "families": "harm to families and children of those arrested",
    "community-tension": "police-community tension",
    "treatment-dropout": "treatment drop-out or deterred service use",
    "health": "health harms to users (rushed or hidden injecting, overdose)",
    "violence": "violence as dealers contest the market",
    "reputation": "damage to the area's reputation",
    "other": "another harm of enforcement itself",
}

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_ID = r"^[a-z0-9]+([.-][a-z0-9]+)*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EffectRange(_Model):
    """An expected change: ``low``..``high`` (and optional ``mode``) in ``unit``.

    Negative is a fall in harm. ``percent`` is a relative change of the baseline rate;
    ``ordinal`` is points on :data:`ORDINAL_SCALE` (-3 to +3).
    """

    low: float
    high: float
    mode: float | None = None
    unit: Literal["percent", "ordinal"]

    @model_validator(mode="after")
    def _ordered(self) -> EffectRange:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high}); swap them")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        if self.unit == "ordinal" and (self.low < -3 or self.high > 3):
            raise ValueError("ordinal effects lie on the scale -3 (major decrease) to +3")
        if self.unit == "percent" and self.low < -100:
            raise ValueError("a fall cannot exceed -100 percent")
        return self

    def central(self) -> float:
        """The mode if given, else the midpoint.

        Examples
        --------
        >>> EffectRange(low=-20, high=5, unit="percent").central()
        -7.5
        """
        return self.mode if self.mode is not None else (self.low + self.high) / 2


class Response(_Model):
    """A chosen response: an evidence-library intervention, what it will do here, its owner."""

    intervention: str = Field(min_length=1)
    action: str = Field(min_length=1)
    owner: str = Field(min_length=1)


class TargetedHarm(_Model):
    """A harm the plan targets, how it should fall, by how much and on what basis."""

    harm: str = Field(min_length=1)
    mechanism: str = Field(min_length=1)
    expected: EffectRange
    basis: Literal["evidence", "judgement"]
    evidence: tuple[str, ...] = ()
    rationale: str | None = None
    crime_types: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _basis_stated(self) -> TargetedHarm:
        if self.basis == "evidence" and not self.evidence:
            raise ValueError("basis 'evidence' needs 'evidence': the intervention ids relied on")
        if self.basis == "judgement" and not self.rationale:
            raise ValueError("basis 'judgement' needs a 'rationale' saying why")
        return self


class _Risk(_Model):
    id: str = Field(min_length=1, pattern=_ID)
    mitigation: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    due: str = Field(pattern=_DATE)


class DisplacementRisk(_Risk):
    """Expected displacement: a Box A type, where, and the share of a targeted change it undoes.

    ``share`` is the fraction of the change in ``of_harm`` that reappears elsewhere
    (0.3: 30% of the fall comes back in the buffer); negative means diffusion of benefits.
    """

    type: str = Field(min_length=1)
    where: Literal["buffer", "other-crime-types", "tactics", "targets", "substances", "policy"]
    description: str = Field(min_length=1)
    of_harm: str = Field(min_length=1)
    share_low: float = Field(ge=-1, le=1.5)
    share_high: float = Field(ge=-1, le=1.5)

    @model_validator(mode="after")
    def _ordered(self) -> DisplacementRisk:
        if self.share_low > self.share_high:
            raise ValueError("share_low is above share_high; swap them")
        return self


class SideEffect(_Risk):
    """A harm of enforcement itself, its expected change and its mitigation."""

    category: Literal[
        "cjs-costs",
        "imprisonment",
        "families",
        "community-tension",
        "treatment-dropout",
        "health",
        "violence",
        "reputation",
        "other",
    ]
    harm: str = Field(min_length=1)
    description: str = Field(min_length=1)
    expected: EffectRange
    crime_types: tuple[str, ...] = ()


class PlannedMeasure(_Model):
    """A measure from the knowledge base, what it measures here, its source and owner.

    ``measures`` lists targeted harm ids and/or risk ids the measure shows.
    """

    measure: str = Field(min_length=1)
    measures: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    frequency: Literal["weekly", "monthly", "quarterly", "annual", "before-and-after"]
    owner: str = Field(min_length=1)
    crime_types: tuple[str, ...] = ()


class Plan(_Model):
    """A response plan (UKDPC 2009, chapter 4 steps 3-5), as written in a plan YAML file."""

    name: str = Field(min_length=1, pattern=_ID)
    title: str = Field(min_length=1)
    problem: str = Field(min_length=1)
    area: str = Field(min_length=1)
    buffer: str | None = None
    start: str = Field(pattern=_MONTH)
    end: str | None = Field(default=None, pattern=_MONTH)
    baseline_start: str | None = Field(default=None, pattern=_MONTH)
    baseline_end: str | None = Field(default=None, pattern=_MONTH)
    weights: str = "cchi"
    case_study: str | None = None
    responses: tuple[Response, ...] = Field(min_length=1)
    targeted_harms: tuple[TargetedHarm, ...] = Field(min_length=1)
    displacement: tuple[DisplacementRisk, ...] = ()
    side_effects: tuple[SideEffect, ...] = ()
    measures: tuple[PlannedMeasure, ...] = ()
    notes: str | None = None

    def baseline_window(self) -> tuple[str, str]:
        """The baseline months: as given, else the 12 months before ``start``."""
        if self.baseline_start and self.baseline_end:
            return self.baseline_start, self.baseline_end
        year, month = (int(x) for x in self.start.split("-"))
        index = year * 12 + month - 1  # months since year 0 of the start month
        first, last = index - 12, index - 1
        return f"{first // 12}-{first % 12 + 1:02d}", f"{last // 12}-{last % 12 + 1:02d}"

    def risk_ids(self) -> list[str]:
        """Ids of every displacement risk and side effect."""
        return [r.id for r in self.displacement] + [s.id for s in self.side_effects]

    def targeted(self, harm_id: str) -> TargetedHarm | None:
        """The targeted-harm entry for ``harm_id``, if the plan targets it."""
        return next((t for t in self.targeted_harms if t.harm == harm_id), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the YAML file's field names."""
        return self.model_dump(mode="json", exclude_none=True)

    def summary(self) -> str:
        """The plan in a few lines."""
        lines = [
            f"Plan {self.name}: {self.title}",
            f"Problem {self.problem}; area {self.area}; from {self.start}"
            + (f" to {self.end}" if self.end else ""),
            "Responses: " + ", ".join(r.intervention for r in self.responses),
        ]
        for t in self.targeted_harms:
            e = t.expected
            lines.append(
                f"  target {t.harm}: {e.low:+g}..{e.high:+g} {e.unit} ({t.basis}) - {t.mechanism}"
            )
        for d in self.displacement:
            lines.append(
                f"  displacement {d.id} ({d.type}, {d.where}): share {d.share_low:+g}.."
                f"{d.share_high:+g}; mitigation: {d.mitigation} [{d.owner}, due {d.due}]"
            )
        for s in self.side_effects:
            lines.append(
                f"  side effect {s.id} ({s.category}, {s.harm}): {s.expected.low:+g}.."
                f"{s.expected.high:+g} {s.expected.unit}; mitigation: {s.mitigation} "
                f"[{s.owner}, due {s.due}]"
            )
        return "\n".join(lines)
