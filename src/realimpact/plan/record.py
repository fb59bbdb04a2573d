"""Record what was done in a plan's implementation log, checked against the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import ValidationError

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


def _problems(exc: ValidationError, what: str) -> list[Problem]:
    return [
        Problem(
            f"{e['msg']}.",
            f"Correct --{e['loc'][-1] if e['loc'] else what}.",
            column=str(e["loc"][-1]) if e["loc"] else what,
            entry=what,
        )
        for e in exc.errors()
    ]


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
    try:
        if phase is not None:
            update["phases"] = (
                *log.phases,
                Phase(
                    name=phase,
                    start=start or when,
                    end=end,
                    places=tuple(places),
                    responses=tuple(responses),
                    done=done or phase,
                ),
            )
        if deviation is not None:
            update["deviations"] = (
                *log.deviations,
                Deviation(date=when, description=deviation, reason=reason),
            )
        if mitigation is not None:
            update["mitigations"] = (
                *log.mitigations,
                MitigationRecord(risk=mitigation, done=carried_out, date=when, note=note),
            )
    except ValidationError as exc:
        problems += _problems(exc, "log entry")
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
