"""Implementation review: how the operation was carried out against the plan (step 5).

"Results analysis includes a consideration of how the operation was implemented"
(UKDPC 2009, chapter 4 step 5). The review compares the log with the plan: a start later
or an end later than planned, planned responses no phase delivered (when phases name
their responses), mitigations not carried out or never recorded, and the deviations the
log records.
"""

from __future__ import annotations

from realimpact.plan.log import ImplementationLog, evaluation_window
from realimpact.plan.model import Plan

__all__ = ["implementation_review"]


def _timing(plan: Plan, log: ImplementationLog) -> list[str]:
    if not log.phases:
        return ["no phase has been logged: the operation's period is unknown."]
    window = evaluation_window(log)
    out = []
    if window.start != plan.start:
        out.append(f"started {window.start}, planned {plan.start}.")
    if plan.end and window.end != plan.end:
        out.append(f"ended {window.end or 'not yet'}, planned {plan.end}.")
    if log.area != plan.area:
        out.append(f"carried out in area {log.area}, planned {plan.area}.")
    return out


def _responses(plan: Plan, log: ImplementationLog) -> list[str]:
    named = {r for p in log.phases for r in p.responses}
    if not named:
        return []
    return [
        f"planned response {r.intervention} was not delivered in any logged phase."
        for r in plan.responses
        if r.intervention not in named
    ]


def _mitigations(plan: Plan, log: ImplementationLog) -> list[str]:
    latest = {m.risk: m for m in log.mitigations}
    out = []
    for rid in plan.risk_ids():
        rec = latest.get(rid)
        if rec is None:
            out.append(f"mitigation for {rid} is not recorded as carried out or not.")
        elif not rec.done:
            out.append(
                f"mitigation for {rid} was NOT carried out ({rec.note or 'no reason given'})."
            )
    return out


def implementation_review(plan: Plan, log: ImplementationLog) -> tuple[str, ...]:
    """Plain-English findings on how the plan was implemented, for results analysis."""
    found = _timing(plan, log) + _responses(plan, log) + _mitigations(plan, log)
    found += [f"deviation {d.date}: {d.description}" for d in log.deviations]
    return tuple(found)
