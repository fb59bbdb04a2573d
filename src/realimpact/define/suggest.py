"""Suggest likely harms from a profile's market characteristics, with the report's reasons.

Rules live in an editable YAML file (the shipped one is ``define/data/suggestion_rules.yaml``;
pass your own with ``rules=``). A rule fires when all its ``when`` conditions hold; each
suggested harm carries every rule that suggested it, with the reason, the report's words
(``quote``) and where they are (``citation``). The analyst accepts or rejects each
suggestion with :func:`decide`, which records who and when in the profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from realimpact.define._errors import pydantic_problems, read_yaml, unknown_id_problem
from realimpact.define.profile import ProblemProfile, ProfileChain, SuggestionDecision
from realimpact.exceptions import ConfigError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base

__all__ = ["HarmSuggestion", "SuggestionRule", "decide", "load_rules", "suggest_harms"]

_LIST_KEYS = ("openness", "settings", "maturity", "location_features")
_BOOL_KEYS = ("violence", "exploitation", "corruption", "organised_crime")


class SuggestionRule(BaseModel):
    """One rule: conditions on characteristics -> harms, with the report's reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    when: dict[str, Any]
    harms: tuple[str, ...] = ()
    experienced_by: str = ""
    reason: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    citation: str = Field(min_length=1)

    def matches(self, characteristics: Mapping[str, Any]) -> bool:
        """Whether every condition holds for the profile's characteristics."""
        for key, want in self.when.items():
            have = characteristics.get(key)
            if key in _BOOL_KEYS:
                if have is not bool(want):
                    return False
                continue
            have_set = set(have) if isinstance(have, list) else {have}
            if not have_set & set(want):
                return False
        return True


@dataclass(frozen=True)
class HarmSuggestion:
    """A suggested harm with every rule (reason, quote, citation) that suggested it."""

    harm_id: str
    label: str
    rules: tuple[SuggestionRule, ...]
    status: Literal["new", "accepted", "rejected", "in profile"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "harm_id": self.harm_id,
            "label": self.label,
            "status": self.status,
            "reasons": [
                r.model_dump(include={"id", "reason", "quote", "citation", "experienced_by"})
                for r in self.rules
            ],
        }


def load_rules(
    path: str | Path | None = None, *, kb: KnowledgeBase | None = None
) -> tuple[SuggestionRule, ...]:
    """Read a rules file (default: the shipped one); ConfigError lists every problem."""
    if path is None:
        text = resources.files("realimpact.define").joinpath("data/suggestion_rules.yaml")
        file, raw = "suggestion_rules.yaml", yaml.safe_load(text.read_text(encoding="utf-8"))
    else:
        file, raw = str(path), read_yaml(Path(path), "rules file")
    kb = kb if kb is not None else load_knowledge_base()
    if not isinstance(raw, list):
        raise ConfigError(
            "The rules file is invalid.",
            [
                Problem(
                    "a rules file is a YAML list of rules.",
                    "See docs/define.md, 'Rules'.",
                    file=file,
                )
            ],
        )
    problems: list[Problem] = []
    rules = [r for i, item in enumerate(raw) if (r := _rule(item, i, file, kb, problems))]
    if problems:
        raise ConfigError(f"The rules file {Path(file).name} is invalid.", problems)
    return tuple(rules)


def _rule(
    item: Any, i: int, file: str, kb: KnowledgeBase, problems: list[Problem]
) -> SuggestionRule | None:
    label = str(item.get("id", i)) if isinstance(item, Mapping) else str(i)
    try:
        rule = SuggestionRule.model_validate(item)
    except ValidationError as exc:
        problems += pydantic_problems(exc, file=file, entry=label)
        return None
    allowed = {*_LIST_KEYS, *_BOOL_KEYS}
    for key, value in rule.when.items():
        if key not in allowed:
            problems.append(
                Problem(
                    f"unknown condition {key!r}.",
                    f"Use one of: {', '.join(sorted(allowed))}.",
                    file=file,
                    entry=label,
                    column=f"when.{key}",
                )
            )
        elif key in _LIST_KEYS and not isinstance(value, list):
            problems.append(
                Problem(
                    f"condition {key!r} must be a list.",
                    f"Write {key}: [{value}].",
                    file=file,
                    entry=label,
                    column=f"when.{key}",
                )
            )
    known = {h.id for h in kb.harms}
    for j, hid in enumerate(rule.harms):
        if hid not in known:
            problems.append(
                unknown_id_problem(
                    hid,
                    known,
                    what="harm",
                    file=file,
                    entry=label,
                    column=f"harms.{j}",
                    fix="Use a harm id of the matrix.",
                )
            )
    return rule


def suggest_harms(
    profile: ProblemProfile,
    *,
    rules: Sequence[SuggestionRule] | None = None,
    kb: KnowledgeBase | None = None,
) -> tuple[HarmSuggestion, ...]:
    """Harms the profile's characteristics suggest, each with its reasons.

    Method: every rule whose conditions all hold fires; suggestions are grouped by harm id
    in the order the rules name them. ``status`` says whether the analyst already accepted
    or rejected the harm, or it is already in one of the profile's chains. Rules without
    harms (e.g. the Tragler et al. 2001 note on new markets) are returned as notes by
    :func:`suggestion_notes`.

    Examples
    --------
    >>> from realimpact.define import ProblemProfile
    >>> p = ProblemProfile(name="x", exploitation=True)
    >>> [s.harm_id for s in suggest_harms(p)][:1]
    ['health.family.poor-child-welfare']
    """
    kb = kb if kb is not None else load_knowledge_base()
    rules = tuple(rules) if rules is not None else load_rules(kb=kb)
    chars = profile.characteristics()
    fired = [r for r in rules if r.matches(chars)]
    by_harm: dict[str, list[SuggestionRule]] = {}
    for rule in fired:
        for hid in rule.harms:
            by_harm.setdefault(hid, []).append(rule)
    in_chains = {h for c in profile.chains for h in c.harm_ids}
    out = []
    for hid, rs in by_harm.items():
        d = profile.decision_for(hid)
        status: Any = d.decision if d else ("in profile" if hid in in_chains else "new")
        out.append(HarmSuggestion(hid, kb.harm(hid).label, tuple(rs), status))
    return tuple(out)


def suggestion_notes(
    profile: ProblemProfile, *, rules: Sequence[SuggestionRule] | None = None
) -> tuple[SuggestionRule, ...]:
    """Fired rules that suggest no harm but carry a note (e.g. new market, Tragler)."""
    rules = tuple(rules) if rules is not None else load_rules()
    return tuple(r for r in rules if not r.harms and r.matches(profile.characteristics()))


def decide(
    profile: ProblemProfile,
    harm_id: str,
    decision: Literal["accepted", "rejected"],
    *,
    by: str,
    comment: str = "",
    at: dt.datetime | None = None,
    suggestions: Sequence[HarmSuggestion] | None = None,
) -> ProblemProfile:
    """A copy of ``profile`` with the analyst's decision on ``harm_id`` recorded.

    Parameters
    ----------
    profile : ProblemProfile
        The profile (not changed: profiles are frozen).
    harm_id : str
        A harm of the matrix, suggested or not (checked when the profile is saved).
    decision : {"accepted", "rejected"}
    by : str
        Who decided (recorded).
    comment : str
        Why (recorded).
    at : datetime, optional
        When (default: now, UTC).
    suggestions : sequence of HarmSuggestion, optional
        The suggestions shown, so the decision records which rules suggested the harm.

    Decisions are appended (the history is kept); the latest one counts. Accepting a
    suggested harm also adds one harm chain per rule that suggested it (characteristic ->
    the rule's reason -> the harm -> who experiences it, ``source: rule:<id>``); rejecting
    it removes those chains.
    """
    chosen = next((s for s in suggestions or () if s.harm_id == harm_id), None)
    rules = tuple(r.id for r in chosen.rules) if chosen else ()
    when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    record = SuggestionDecision(
        harm_id=harm_id, decision=decision, by=by, at=when, rules=rules, comment=comment
    )
    chains = [
        c for c in profile.chains if not (c.source.startswith("rule:") and c.harm_ids == (harm_id,))
    ]
    if decision == "accepted" and chosen is not None:
        chains += [_rule_chain(r, chosen) for r in chosen.rules]
    return profile.model_copy(
        update={"decisions": (*profile.decisions, record), "chains": tuple(chains)}
    )


def _rule_chain(rule: SuggestionRule, suggestion: HarmSuggestion) -> ProfileChain:
    when = "; ".join(
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in rule.when.items()
    )
    return ProfileChain(
        characteristic=when,
        leads_to=rule.reason,
        resultant_harm=suggestion.label,
        experienced_by=rule.experienced_by or "not stated",
        notes=f'{rule.citation}: "{rule.quote}"',
        harm_ids=(suggestion.harm_id,),
        source=f"rule:{rule.id}",
    )
