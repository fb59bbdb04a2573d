"""Record what was done in a plan's implementation log, checked against the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import load_knowledge_base
from realimpact.plan.io import load_plan, plan_path
from realimpact.plan.library import load_evidence_library
from realimpact.plan.log import (
    Deviation,
    ImplementationLog,
    MitigationRecord,
    Phase,
    load_log,
    save_log,
)
from realimpact.plan.model import Plan
from realimpact.workspace import Workspace

__all__ = ["add_to_log"]

_R = TypeVar("_R", bound=BaseModel)


def _problems(exc: ValidationError, what: str) -> list[Problem]:
    """Problems naming the command-line option of each field of a log record."""
    out = []
    for e in exc.errors():
        field = str(e["loc"][-1]) if e["loc"] else None
        if field is None:  # the one check across fields: a phase ends before it starts
            msg = str(e["msg"]).removeprefix("Value error, ")
            fix = "Give an --end on or after --start."
            out.append(Problem(f"{msg}.", fix, column="end", entry=what))
        elif e["type"] == "string_pattern_mismatch":
            out.append(
                Problem(
                    f"--{field} {e['input']!r} is not a date.",
                    f"Write --{field} as YYYY-MM-DD.",
                    column=field,
                    entry=what,
                )
            )
        else:
            out.append(Problem(f"{e['msg']}.", f"Correct --{field}.", column=field, entry=what))
    return out


def _record(model: type[_R], what: str, problems: list[Problem], **fields: object) -> _R | None:
    """``model(**fields)``, or None with its problems added."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems += _problems(exc, what)
        return None


def _check_refs(plan: Plan, risk: str | None, responses: Sequence[str]) -> list[Problem]:
    out = []
    if risk is not None and risk not in plan.risk_ids():
        out.append(
            Problem(
                f"the plan has no risk {risk!r}.",
                f"Use one of: {', '.join(plan.risk_ids()) or 'none'}.",
                column="mitigation",
            )
        )
    chosen = {r.intervention for r in plan.responses}
    for r in responses:
        if r not in chosen:
            out.append(
                Problem(
                    f"{r!r} is not a response of the plan.",
                    "Record it with --deviation if it was added during delivery, or "
                    f"use one of: {', '.join(sorted(chosen))}.",
                    column="response",
                )
            )
    return out


def add_to_log(
    workspace: Workspace,
    plan_ref: str,
    *,
    phase: str | None = None,
    start: str | None = None,
    end: str | None = None,
    places: Sequence[str] = (),
    responses: Sequence[str] = (),
    done: str | None = None,
    deviation: str | None = None,
    reason: str | None = None,
    mitigation: str | None = None,
    carried_out: bool = True,
    date: str | None = None,
    note: str | None = None,
) -> ImplementationLog:
    """Add a phase, a deviation and/or a mitigation record to the plan's log and save it.

    The log is created on first use with the plan's area. Every problem (bad dates, a
    risk id the plan does not have, a response it did not choose) is reported at once and
    nothing is written.
    """
    overlay = workspace.root / "framework"
    kb = load_knowledge_base(overlay)
    plan = load_plan(
        plan_path(workspace, plan_ref), kb=kb, library=load_evidence_library(overlay, kb)
    )
    try:
        log = load_log(workspace, plan.name)
    except NotFoundError:
        log = ImplementationLog(plan=plan.name, area=plan.area)
    when = date or dt.date.today().isoformat()
    problems = _check_refs(plan, mitigation, responses)
    update: dict[str, tuple[object, ...]] = {}
    if phase is not None:
        new_phase = _record(
            Phase,
            "phase",
            problems,
            name=phase,
            start=start or when,
            end=end,
            places=tuple(places),
            responses=tuple(responses),
            done=done or phase,
        )
        update["phases"] = (*log.phases, new_phase)
    if deviation is not None:
        dev = _record(
            Deviation, "deviation", problems, date=when, description=deviation, reason=reason
        )
        update["deviations"] = (*log.deviations, dev)
    if mitigation is not None:
        rec = _record(
            MitigationRecord,
            "mitigation",
            problems,
            risk=mitigation,
            done=carried_out,
            date=when,
            note=note,
        )
        update["mitigations"] = (*log.mitigations, rec)
    if not update and not problems:
        problems.append(
            Problem(
                "nothing to record.", "Give --phase, --deviation or --mitigation.", column="phase"
            )
        )
    if problems:
        raise ConfigError(f"Nothing was added to the log of {plan.name}.", problems)
    new = log.model_copy(update=update)
    save_log(workspace, new)
    return new
