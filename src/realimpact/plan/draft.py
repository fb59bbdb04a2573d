"""Draft a complete first plan from the evidence library (``realimpact plan new``).

The draft targets the given harms (or the problem profile's), with the chosen responses'
known displacement risks (medium or high) and reported harm increases as risks with their
known mitigations; when a response uses sanctions, the five harms of enforcement the
report asks plans to weigh (step 3 trade-offs) are added; and each targeted harm and risk
gets a knowledge-base measure with a suggested Box B source. Ranges are placeholders
(ordinal -1..0 for targets, 0..+1 for risks; displacement share 0..0.3) and owners read
"to be assigned": the analyst must replace them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from realimpact.define import ProblemProfile
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, MeasureKind, load_knowledge_base
from realimpact.plan.check import TRADE_OFFS
from realimpact.plan.evidence import Intervention
from realimpact.plan.io import shape_problems
from realimpact.plan.library import EvidenceLibrary, load_evidence_library
from realimpact.plan.model import Plan

__all__ = ["draft_plan"]

TO_ASSIGN = "to be assigned"
_MITIGATE = "State the mitigation."
_WHERE = {
    "geographical": "buffer",
    "crime-type": "other-crime-types",
    "tactical": "tactics",
    "target": "targets",
    "substance": "substances",
    "policy": "policy",
}
#: The harm each trade-off category falls on by default, and the category of known harms.
_TRADE_OFF_HARM = {
    "cjs-costs": "economic.community.cost-of-enforcement-and-the-cjs",
    "imprisonment": "social.individual.impact-of-criminal-justice-system-cjs-e",
    "families": "health.family.poor-child-welfare",
    "community-tension": "social.individual.distrust-of-authority",
    "treatment-dropout": "health.individual.physical-diseases",
}
_CATEGORY_OF = {
    **{h: c for c, h in _TRADE_OFF_HARM.items() if c != "treatment-dropout"},
    "health.individual.physical-diseases": "health",
    "health.individual.overdose-death": "health",
    "social.individual.victim-of-crime-intimidation": "violence",
    "social.community.local-reputation": "reputation",
}


def _targets(harms: list[str], chosen: list[Intervention]) -> list[dict[str, Any]]:
    out = []
    for h in harms:
        ev = [iv.id for iv in chosen if iv.reported_to_decrease(h)]
        item: dict[str, Any] = {
            "harm": h,
            "mechanism": "State how the responses should reduce this harm.",
            "expected": {"low": -1, "high": 0, "unit": "ordinal"},
        }
        if ev:
            item.update(basis="evidence", evidence=ev)
        else:
            item.update(basis="judgement", rationale="No library evidence: state your reasons.")
        out.append(item)
    return out


def _risk(rid: str, due: str, mitigation: str = _MITIGATE, **fields: Any) -> dict[str, Any]:
    return {"id": rid, **fields, "mitigation": mitigation, "owner": TO_ASSIGN, "due": due}


def _displacement(chosen: list[Intervention], of_harm: str, due: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for iv in chosen:
        for r in iv.displacement:
            if r.risk in {"medium", "high"} and r.type not in {d["type"] for d in out}:
                out.append(
                    _risk(
                        f"{r.type}-displacement",
                        due,
                        type=r.type,
                        where=_WHERE[r.type],
                        description=r.note,
                        of_harm=of_harm,
                        share_low=0.0,
                        share_high=0.3,
                    )
                )
    return out


def _side_effect(
    rid: str, category: str, harm: str, text: str, due: str, mit: str
) -> dict[str, Any]:
    expected = {"low": 0, "high": 1, "unit": "ordinal"}
    return _risk(rid, due, mit, category=category, harm=harm, description=text, expected=expected)


def _mitigation_for(iv: Intervention, harm: str) -> str:
    """A known mitigation of an unintended consequence touching ``harm``, if the library has one."""
    found = [m for u in iv.unintended if harm in u.harms for m in u.mitigations]
    return found[0] if found else _MITIGATE


def _side_effects(chosen: list[Intervention], harms: list[str], due: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for iv in chosen:
        for inc in iv.increases:
            if inc.harm not in harms and inc.harm not in {s["harm"] for s in out}:
                cat = _CATEGORY_OF.get(inc.harm, "other")
                rid = f"{iv.id}-{len(out) + 1}"
                out.append(
                    _side_effect(rid, cat, inc.harm, inc.study, due, _mitigation_for(iv, inc.harm))
                )
    if any(iv.enforcement for iv in chosen):
        for cat in TRADE_OFFS:
            if cat not in {s["category"] for s in out}:
                text = f"Harm of enforcement to weigh: {cat.replace('-', ' ')}."
                out.append(_side_effect(cat, cat, _TRADE_OFF_HARM[cat], text, due, _MITIGATE))
    return out


def _measure_for(harm: str, subject: str, kb: KnowledgeBase) -> dict[str, Any] | None:
    found = [m for m in kb.measures_for(harm) if m.kind is not MeasureKind.ACTIVITY_OUTPUT]
    found.sort(key=lambda m: m.kind is not MeasureKind.OUTCOME)
    if not found or not found[0].suggested_sources:
        return None
    m = found[0]
    return {
        "measure": m.id,
        "measures": [subject],
        "source": m.suggested_sources[0],
        "frequency": "monthly",
        "owner": TO_ASSIGN,
    }


def _measures(
    harms: list[str], risks: dict[str, list[dict[str, Any]]], kb: KnowledgeBase
) -> list[dict[str, Any]]:
    wanted = [(h, h) for h in harms]
    wanted += [(d["of_harm"], d["id"]) for d in risks["displacement"]]
    wanted += [(s["harm"], s["id"]) for s in risks["side_effects"]]
    merged: dict[str, dict[str, Any]] = {}
    for harm, subject in wanted:
        m = _measure_for(harm, subject, kb)
        if m is None:
            continue
        if m["measure"] in merged:
            merged[m["measure"]]["measures"].append(subject)
        else:
            merged[m["measure"]] = m
    return list(merged.values())


def draft_plan(
    name: str,
    *,
    area: str,
    problem: str,
    harms: Sequence[str] = (),
    responses: Sequence[str],
    start: str | None = None,
    profile: ProblemProfile | None = None,
    kb: KnowledgeBase | None = None,
    library: EvidenceLibrary | None = None,
) -> Plan:
    """A complete first plan drafted from the evidence library, to be edited by hand.

    With no ``harms``, the harms of the problem ``profile`` (stage 1) are targeted.
    """
    kb = kb if kb is not None else load_knowledge_base()
    library = library if library is not None else load_evidence_library(kb=kb)
    harms = list(harms) or (list(profile.harm_ids()) if profile is not None else [])
    if not harms:
        raise ConfigError(
            f"Plan {name} targets no harm.",
            [
                Problem(
                    "no harm given and no problem profile with harms.",
                    "Pass --harm HARM_ID (realimpact harms), or define the problem first.",
                    column="harm",
                )
            ],
        )
    chosen, problems = _known_references(harms, responses, kb, library)
    start = start or dt.date.today().strftime("%Y-%m")
    due = f"{start}-01"
    risks = {
        "displacement": _displacement(chosen, harms[0], due),
        "side_effects": _side_effects(chosen, harms, due),
    }
    data = {
        "name": name,
        "title": f"Plan {name}",
        "problem": problem,
        "area": area,
        "start": start,
        "responses": [
            {"intervention": iv.id, "action": iv.mechanism, "owner": TO_ASSIGN} for iv in chosen
        ],
        "targeted_harms": _targets(harms, chosen),
        **risks,
        "measures": _measures(harms, risks, kb) if not problems else [],
    }
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        # empty lists left by unknown ids are consequences, not problems of their own
        dropped = {"measures", "responses", "targeted_harms"} if problems else set()
        problems += [p for p in shape_problems(exc, None) if p.column not in dropped]
    if problems:
        raise ConfigError(f"Plan {name} cannot be drafted.", problems)
    return plan


def _known_references(
    harms: Sequence[str], responses: Sequence[str], kb: KnowledgeBase, library: EvidenceLibrary
) -> tuple[list[Intervention], list[Problem]]:
    """The known interventions, and a problem for every unknown harm or intervention id."""
    problems: list[Problem] = []
    for h in harms:
        try:
            kb.harm(h)
        except NotFoundError as exc:
            fix = "Use a harm id of the matrix (realimpact harms search WORDS)."
            problems.append(Problem(str(exc), fix, column="harm", entry=h))
    chosen = []
    for r in responses:
        try:
            chosen.append(library.get(r))
        except NotFoundError as exc:
            fix = "Use an intervention id of the library (realimpact evidence list)."
            problems.append(Problem(str(exc), fix, column="response", entry=r))
    return chosen, problems
