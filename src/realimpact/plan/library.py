"""Load, validate, search and extend the evidence library (package data + workspace overlay).

Method: ``plan/data/interventions.yaml`` is a YAML list of :class:`Intervention` entries.
A workspace overlay adds ``<workspace>/framework/interventions.yaml`` (new entries, marked
``local``; an overlay cannot replace a shipped id) and ``<workspace>/framework/
local_evidence.yaml`` (local evaluations filed against any intervention). Every link is
checked against the knowledge base: harm ids (Table 4.1), Table 3.1 impact ids, Box A
displacement types and case-study ids. All problems are reported together, each with the
file, the entry, the field and the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.framework._loader import ProblemCollector, read_entries, validate_entries
from realimpact.plan.evidence import Intervention, LocalEvidence, package_interventions_path

__all__ = [
    "EvidenceLibrary",
    "FiledEvidence",
    "load_evidence_library",
    "overlay_evidence_path",
    "overlay_interventions_path",
]

INTERVENTIONS_FILE = "interventions.yaml"
LOCAL_EVIDENCE_FILE = "local_evidence.yaml"


class FiledEvidence(LocalEvidence):
    """A row of ``local_evidence.yaml``: a local evaluation and the intervention it informs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    intervention: str = Field(min_length=1)


def overlay_interventions_path(overlay_dir: Path) -> Path:
    """Where a workspace's own intervention entries live."""
    return overlay_dir / INTERVENTIONS_FILE


def overlay_evidence_path(overlay_dir: Path) -> Path:
    """Where a workspace's filed local evaluations live."""
    return overlay_dir / LOCAL_EVIDENCE_FILE


@dataclass(frozen=True)
class EvidenceLibrary:
    """The intervention types, shipped then local, with lookup and search.

    Examples
    --------
    >>> lib = load_evidence_library()
    >>> lib.get("focused-deterrence").strategy_group
    'a'
    """

    interventions: tuple[Intervention, ...]

    def ids(self) -> list[str]:
        """Every intervention id, in library order."""
        return [i.id for i in self.interventions]

    def get(self, intervention_id: str) -> Intervention:
        """The intervention with this id; NotFoundError suggests close ids."""
        for item in self.interventions:
            if item.id == intervention_id:
                return item
        close = difflib.get_close_matches(intervention_id, self.ids(), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise NotFoundError(f"No intervention with id {intervention_id!r}.{hint}")

    def search(self, text: str = "", *, harm: str | None = None) -> tuple[Intervention, ...]:
        """Interventions whose text holds every word of ``text`` and that decrease ``harm``."""
        words = text.lower().split()
        out = []
        for item in self.interventions:
            if harm is not None and not item.reported_to_decrease(harm):
                continue
            if all(w in item.search_text() for w in words):
                out.append(item)
        return tuple(out)

    def for_harm(self, harm_id: str) -> dict[str, tuple[Intervention, ...]]:
        """Interventions reported to decrease and to increase one harm."""
        dec = tuple(i for i in self.interventions if i.reported_to_decrease(harm_id))
        inc = tuple(i for i in self.interventions if any(r.harm == harm_id for r in i.increases))
        return {"decreases": dec, "increases": inc}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every intervention."""
        return {"interventions": [i.to_dict() for i in self.interventions]}

    def summary(self) -> str:
        """A line per intervention."""
        return "\n".join(
            f"{i.id:<28} {i.strategy_group}  {i.emmie.direction:<9} {i.name}"
            for i in self.interventions
        )


def _read(
    path: Path, model: type[BaseModel], collector: ProblemCollector, *, local: bool
) -> list[Any]:
    if not path.is_file():
        return []
    raw = read_entries(path, collector)
    if local:
        raw = [
            {**r, "local": True} if isinstance(r, dict) and model is Intervention else r
            for r in raw
        ]
    return validate_entries(model, raw, file=str(path), collector=collector)


def _problem(file: str, entry: str, column: str, message: str, fix: str) -> Problem:
    return Problem(message, fix, file=file, column=column, entry=entry)


def _check_links(
    items: Sequence[Intervention], files: dict[str, str], kb: KnowledgeBase, col: ProblemCollector
) -> None:
    harms = {h.id for h in kb.harms}
    impacts = {i.id for i in kb.impacts}
    boxa = {d.id for d in kb.displacement_types}
    cases = {c.id for c in kb.cases}
    for item in items:
        f = files[item.id]
        checks: list[tuple[str, Iterable[str], set[str], str]] = [
            ("harms", sorted(item.harm_ids()), harms, "a harm id of Table 4.1 (realimpact harms)"),
            ("displacement.type", [d.type for d in item.displacement], boxa, "a Box A type id"),
            ("cases", item.cases, cases, "a case-study id (realimpact cases)"),
            ("decreases.impact", _impacts(item), impacts, "a Table 3.1 impact id"),
        ]
        for column, refs, known, what in checks:
            for ref in refs:
                if ref not in known:
                    close = difflib.get_close_matches(ref, list(known), n=2, cutoff=0.5)
                    hint = f" Did you mean: {', '.join(close)}?" if close else ""
                    col.add(
                        _problem(f, item.id, column, f"unknown id {ref!r}.", f"Use {what}.{hint}")
                    )


def _impacts(item: Intervention) -> list[str]:
    return [r.impact for r in item.decreases + item.increases if r.impact]


def _index(
    items: Sequence[Intervention], file: str, seen: dict[str, str], col: ProblemCollector
) -> list[Intervention]:
    out = []
    for item in items:
        if item.id in seen:
            col.add(
                _problem(
                    file,
                    item.id,
                    "id",
                    f"duplicate id: {item.id!r} is already defined in {seen[item.id]}.",
                    "Give a local intervention a new id; shipped entries cannot be replaced.",
                )
            )
            continue
        seen[item.id] = file
        out.append(item)
    return out


def _attach(
    items: list[Intervention], filed: Sequence[FiledEvidence], file: str, col: ProblemCollector
) -> list[Intervention]:
    by_id = {i.id: i for i in items}
    extra: dict[str, list[LocalEvidence]] = {}
    for ev in filed:
        if ev.intervention not in by_id:
            col.add(
                _problem(
                    file,
                    ev.id,
                    "intervention",
                    f"unknown intervention {ev.intervention!r}.",
                    "Use an id from 'realimpact evidence list'.",
                )
            )
            continue
        data = ev.model_dump(exclude={"intervention"})
        extra.setdefault(ev.intervention, []).append(LocalEvidence(**data))
    return [
        i.model_copy(update={"local_evidence": i.local_evidence + tuple(extra.get(i.id, ()))})
        for i in items
    ]


def load_evidence_library(
    overlay_dir: Path | None = None, kb: KnowledgeBase | None = None
) -> EvidenceLibrary:
    """Load and validate the evidence library, with a workspace overlay if given.

    Parameters
    ----------
    overlay_dir
        A workspace's ``framework/`` folder; its ``interventions.yaml`` adds local entries
        and its ``local_evidence.yaml`` attaches filed local evaluations.
    kb
        The knowledge base the links are checked against (default: loaded from
        ``overlay_dir``, so local harms and cases may be linked).

    Raises
    ------
    ConfigError
        Listing every invalid entry or unknown link, with file, entry, field and fix.
    """
    kb = kb if kb is not None else load_knowledge_base(overlay_dir)
    col = ProblemCollector()
    shipped = package_interventions_path()
    seen: dict[str, str] = {}
    items = _index(_read(shipped, Intervention, col, local=False), str(shipped), seen, col)
    filed: list[FiledEvidence] = []
    ev_file = ""
    if overlay_dir is not None:
        ov = overlay_interventions_path(Path(overlay_dir))
        items += _index(_read(ov, Intervention, col, local=True), str(ov), seen, col)
        ev_path = overlay_evidence_path(Path(overlay_dir))
        filed = _read(ev_path, FiledEvidence, col, local=False)
        ev_file = str(ev_path)
    _check_links(items, seen, kb, col)
    items = _attach(items, filed, ev_file, col)
    errors = [p for p in col.problems if p.severity == "error"]
    if errors:
        raise ConfigError("The evidence library has invalid entries.", col.problems)
    return EvidenceLibrary(tuple(items))
