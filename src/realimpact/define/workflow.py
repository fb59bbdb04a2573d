"""Workspace-level steps on saved profiles: review suggestions, attach a baseline.

Each function loads a saved profile, applies one step, validates and saves it atomically
(an error leaves the stored file as it was), and returns the new profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from realimpact.define._errors import unknown_id_problem
from realimpact.define.baseline import compute_baseline
from realimpact.define.profile import ProblemProfile
from realimpact.define.store import load_profile, save_profile
from realimpact.define.suggest import HarmSuggestion, decide, load_rules, suggest_harms
from realimpact.exceptions import ConfigError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.workspace import Workspace

__all__ = ["attach_baseline", "review_harms"]


def _decision_problems(
    accept: Sequence[str], reject: Sequence[str], by: str | None, kb: KnowledgeBase
) -> list[Problem]:
    """Every problem of the decisions asked for: no --by, contradictions, unknown ids."""
    out = []
    if not by:
        out.append(Problem("who decided is not given.", "Pass --by YOUR-NAME.", column="by"))
    both = sorted(set(accept) & set(reject))
    if both:
        out.append(
            Problem(
                f"{', '.join(both)} both accepted and rejected.", "Choose one.", column="accept"
            )
        )
    known = {h.id for h in kb.harms}
    fix = "Use a harm id of the matrix (realimpact harms search WORDS)."
    for option, ids in (("accept", accept), ("reject", reject)):
        out += [
            unknown_id_problem(h, known, what="harm", fix=fix, file=None, entry=h, column=option)
            for h in ids
            if h not in known
        ]
    return out


def review_harms(
    workspace: Workspace,
    name: str,
    *,
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
    by: str | None = None,
    comment: str = "",
    rules: str | Path | None = None,
    kb: KnowledgeBase | None = None,
) -> tuple[ProblemProfile, tuple[HarmSuggestion, ...]]:
    """Suggest harms for a saved profile and record the analyst's accept/reject decisions.

    Any harm id of the matrix may be accepted or rejected, suggested or not (the analyst
    may add a harm the rules missed). With no decisions the profile is not rewritten.
    Returns the (updated) profile and the suggestions with their new status.
    """
    kb = kb if kb is not None else load_knowledge_base()
    profile = load_profile(workspace, name, kb=kb)
    rule_set = load_rules(rules, kb=kb)
    suggestions = suggest_harms(profile, rules=rule_set, kb=kb)
    if accept or reject:
        problems = _decision_problems(accept, reject, by, kb)
        if problems or not by:
            raise ConfigError(f"No decision was recorded for {name}.", problems)
        for hid in accept:
            profile = decide(
                profile, hid, "accepted", by=by, comment=comment, suggestions=suggestions
            )
        for hid in reject:
            profile = decide(
                profile, hid, "rejected", by=by, comment=comment, suggestions=suggestions
            )
        save_profile(workspace, profile, overwrite=True, kb=kb)
        suggestions = suggest_harms(profile, rules=rule_set, kb=kb)
    return profile, suggestions


def attach_baseline(
    workspace: Workspace,
    name: str,
    *,
    start: str,
    end: str,
    crime_types: Sequence[str] | None = None,
    weights: str | None = "cchi",
) -> ProblemProfile:
    """Measure the baseline of a saved profile's area and save it in the profile."""
    profile = load_profile(workspace, name)
    if not profile.area:
        raise ConfigError(
            "The problem has no area.",
            [
                Problem(
                    f"problem {name!r} has no area.",
                    "Set 'area:' to a saved area name.",
                    entry=name,
                    column="area",
                )
            ],
        )
    baseline = compute_baseline(
        workspace, profile.area, start=start, end=end, crime_types=crime_types, weights=weights
    )
    profile = profile.model_copy(update={"baseline": baseline})
    save_profile(workspace, profile, overwrite=True)
    return profile
