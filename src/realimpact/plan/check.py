"""Check a plan against the evidence, the framework and its problem profile.

:func:`check_plan` adds warnings to a valid plan: a targeted harm whose cited evidence does
not report a decrease in it; a response reported to *increase* a harm the plan targets; a
response with no supporting evidence of effect; a displacement risk the evidence library
rates medium or high for a chosen response that the plan does not address; and every gap
of the measures plan (:func:`~realimpact.plan.measures.measures_plan`).

"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from realimpact.data.areas import list_areas
from realimpact.define import load_profile
from realimpact.exceptions import NotFoundError
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.jsonable import to_jsonable
from realimpact.plan.evidence import Intervention
from realimpact.plan.library import EvidenceLibrary, load_evidence_library
from realimpact.plan.measures import MeasuresPlan, measures_plan
from realimpact.plan.model import Plan
from realimpact.workspace import Workspace

__all__ = ["TRADE_OFFS", "PlanCheck", "check_plan"]


@dataclass(frozen=True)
class PlanCheck:
    """A valid plan's warnings (evidence and measures) and its measures plan."""

    plan: str
    warnings: tuple[str, ...]
    measures: MeasuresPlan
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.warnings

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        out["ok"] = self.ok
        return out

    def summary(self) -> str:
        head = f"Plan {self.plan} is valid" + (
            " with no warnings." if self.ok else f"; {len(self.warnings)} warnings:"
        )
        lines = [head, *(f"  warning: {w}" for w in self.warnings)]
        return "\n".join([*lines, *(f"  note: {n}" for n in self.notes)])


def _evidence_warnings(plan: Plan, lib: EvidenceLibrary) -> list[str]:
    out = []
    chosen = [lib.get(r.intervention) for r in plan.responses]
    for t in plan.targeted_harms:
        for ref in t.evidence:
            if not lib.get(ref).reported_to_decrease(t.harm):
                out.append(
                    f"{t.harm}: the evidence cited ({ref}) does not report a decrease in "
                    "this harm; state the basis as judgement or cite other evidence."
                )
        for iv in chosen:
            if any(r.harm == t.harm for r in iv.increases):
                out.append(
                    f"response {iv.id} has been reported to increase {t.harm}, a "
                    "harm this plan targets."
                )
    for iv in chosen:
        if iv.emmie.direction in {"no-effect", "increase"}:
            out.append(
                f"response {iv.id}: the evidence shows {iv.emmie.direction} "
                f"({iv.emmie.effect.summary})"
            )
    out += _displacement_gaps(plan, chosen)
    out += _trade_off_gaps(plan, chosen)
    return out


#: Enforcement's own harms a plan using sanctions should weigh (UKDPC 2009, step 3).
TRADE_OFFS = ("cjs-costs", "imprisonment", "families", "community-tension", "treatment-dropout")


def _trade_off_gaps(plan: Plan, chosen: list[Intervention]) -> list[str]:
    users = [iv.id for iv in chosen if iv.enforcement]
    if not users:
        return []
    planned = {s.category for s in plan.side_effects}
    missing = [c for c in TRADE_OFFS if c not in planned]
    if not missing:
        return []
    return [
        f"responses {', '.join(users)} use sanctions, but the plan weighs none of these harms "
        f"of enforcement: {', '.join(missing)}. Add them as side effects (expected 0 if none) "
        "with a mitigation."
    ]


def _displacement_gaps(plan: Plan, chosen: list[Intervention]) -> list[str]:
    planned = {d.type for d in plan.displacement}
    out = []
    for iv in chosen:
        for risk in iv.displacement:
            if risk.risk in {"medium", "high"} and risk.type not in planned:
                out.append(
                    f"response {iv.id} carries a {risk.risk} risk of {risk.type} "
                    f"displacement ({risk.note}) that the plan does not address."
                )
    return out


def check_plan(
    plan: Plan,
    workspace: Workspace | None = None,
    *,
    kb: KnowledgeBase | None = None,
    library: EvidenceLibrary | None = None,
) -> PlanCheck:
    """Warnings for a valid plan: evidence mismatches, unaddressed risks, missing measures."""
    kb = kb if kb is not None else load_knowledge_base()
    library = library if library is not None else load_evidence_library(kb=kb)
    mp = measures_plan(plan, workspace, kb=kb)
    warnings = _evidence_warnings(plan, library) + list(mp.warnings)
    notes: list[str] = []
    if workspace is not None:
        warnings += _area_warnings(plan, workspace)
        notes += _profile_notes(plan, workspace, kb)
    return PlanCheck(plan.name, tuple(warnings), mp, tuple(notes))


def _area_warnings(plan: Plan, workspace: Workspace) -> list[str]:
    saved = {a.name for a in list_areas(workspace)}
    return [
        f"area {name!r} is not saved in the workspace: add it with 'realimpact area add'."
        for name in (plan.area, plan.buffer)
        if name is not None and name not in saved
    ]


def _profile_notes(plan: Plan, workspace: Workspace, kb: KnowledgeBase) -> list[str]:
    """How the plan answers its problem profile (stage 1), if one is saved."""
    try:
        profile = load_profile(workspace, plan.problem, kb=kb)
    except NotFoundError:
        return [f"no problem profile named {plan.problem!r} in the workspace (stage 1)."]
    covered = {t.harm for t in plan.targeted_harms} | {s.harm for s in plan.side_effects}
    return [
        f"the problem profile names {h}, which the plan neither targets nor monitors: "
        "say why (out of scope, another operation...)."
        for h in profile.harm_ids()
        if h not in covered
    ]
