"""The implementation log: what was actually done, when and where (UKDPC 2009, step 5).

A log records phases (dates, places, the responses delivered), deviations from the plan
and whether each planned mitigation was carried out. It is stored as
``<workspace>/logs/<plan>.yaml`` and written atomically (a failed save leaves the old file
as it was). The log, not the plan, defines the intervention period and area that the
evaluation uses (:func:`evaluation_window`): "projects, programmes or operations are not
always implemented as planned" (step 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.workspace import Workspace

__all__ = [
    "Deviation",
    "EvaluationWindow",
    "ImplementationLog",
    "MitigationRecord",
    "Phase",
    "evaluation_window",
    "load_log",
    "log_path",
    "save_log",
]

_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Phase(_Model):
    """A phase actually carried out: dates (``YYYY-MM-DD``), places and what was done."""

    name: str = Field(min_length=1)
    start: str = Field(pattern=_DATE)
    end: str | None = Field(default=None, pattern=_DATE)
    places: tuple[str, ...] = ()
    responses: tuple[str, ...] = ()
    done: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"phase ends ({self.end}) before it starts ({self.start})")
        return self


class Deviation(_Model):
    """A departure from the plan and why."""

    date: str = Field(pattern=_DATE)
    description: str = Field(min_length=1)
    reason: str | None = None


class MitigationRecord(_Model):
    """Whether a planned mitigation (a plan risk id) was carried out."""

    risk: str = Field(min_length=1)
    done: bool
    date: str = Field(pattern=_DATE)
    note: str | None = None


class ImplementationLog(_Model):
    """Everything recorded about a plan's implementation."""

    plan: str = Field(min_length=1)
    area: str = Field(min_length=1)
    phases: tuple[Phase, ...] = ()
    deviations: tuple[Deviation, ...] = ()
    mitigations: tuple[MitigationRecord, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def summary(self) -> str:
        lines = [f"Implementation log of {self.plan} (area {self.area})"]
        for p in self.phases:
            where = f" at {', '.join(p.places)}" if p.places else ""
            lines.append(f"  phase {p.name}: {p.start}..{p.end or 'ongoing'}{where} - {p.done}")
        for d in self.deviations:
            lines.append(
                f"  deviation {d.date}: {d.description}" + (f" ({d.reason})" if d.reason else "")
            )
        for m in self.mitigations:
            state = "done" if m.done else "NOT done"
            lines.append(
                f"  mitigation {m.risk}: {state} {m.date}" + (f" - {m.note}" if m.note else "")
            )
        if self.phases:
            lines.append(evaluation_window(self).summary())
        return "\n".join(lines)


@dataclass(frozen=True)
class EvaluationWindow:
    """The intervention period and area the log defines, for :func:`evaluate_area`.

    ``start`` is the month of the first phase's start; ``end`` the month of the last
    phase's end, or ``None`` while a phase is open.
    """

    area: str
    start: str
    end: str | None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`realimpact.evaluate.area.evaluate_area`."""
        return {"area": self.area, "start": self.start, "end": self.end}

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "start": self.start, "end": self.end}

    def summary(self) -> str:
        return f"Evaluation window: area {self.area}, from {self.start}" + (
            f" to {self.end}" if self.end else " (still running)"
        )


def evaluation_window(log: ImplementationLog) -> EvaluationWindow:
    """The evaluation's intervention period and area, from what was actually done.

    Examples
    --------
    >>> done = Phase(name="covert", start="2025-01-13", end="2025-03-07", done="test purchases")
    >>> evaluation_window(ImplementationLog(plan="p", area="boro", phases=(done,))).kwargs()
    {'area': 'boro', 'start': '2025-01', 'end': '2025-03'}
    """
    if not log.phases:
        raise ConfigError(
            f"The log of {log.plan} has no phases yet.",
            [
                Problem(
                    "no phase recorded.",
                    "Add one: realimpact log add PLAN --phase NAME --start YYYY-MM-DD.",
                    entry=log.plan,
                    column="phases",
                )
            ],
        )
    start = min(p.start for p in log.phases)[:7]
    ends = [p.end for p in log.phases]
    end = None if any(e is None for e in ends) else max(e for e in ends if e)[:7]
    return EvaluationWindow(area=log.area, start=start, end=end)


def log_path(workspace: Workspace, plan: str) -> Path:
    """``<workspace>/logs/<plan>.yaml``."""
    return workspace.path("logs") / f"{plan}.yaml"


def load_log(workspace: Workspace, plan: str) -> ImplementationLog:
    """The stored log of ``plan``; NotFoundError if none was started."""
    path = log_path(workspace, plan)
    if not path.is_file():
        raise NotFoundError(
            f"no implementation log for plan {plan!r} in {workspace.root}. "
            f"Start one with: realimpact log add {plan} --phase NAME ..."
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return ImplementationLog.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"The log {path} is invalid.",
            [
                Problem(
                    f"{e['msg']}.",
                    "Correct this field.",
                    file=str(path),
                    column=".".join(str(x) for x in e["loc"]),
                )
                for e in exc.errors()
            ],
        ) from exc


def save_log(workspace: Workspace, log: ImplementationLog) -> Path:
    """Write the log atomically (temporary file, then rename)."""
    path = log_path(workspace, log.plan)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(log.to_dict(), sort_keys=False, allow_unicode=True), "utf-8")
    tmp.replace(path)
    return path
