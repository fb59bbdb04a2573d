"""Decision records: the ranking as decided, who decided, with what weights and why.

UKDPC (2009, ch. 4) notes that prioritising the most harmful markets "implies that agencies
'tolerate' the others" and that this already happens implicitly; a record makes it
explicit. Every ranked problem must be either *prioritised* or *tolerated*, and a record
that tolerates a problem without a reason is refused.

Records are saved append-only in ``<workspace>/decisions/<slug>/v0001.json``, ``v0002.json``
...: a re-scoring adds a version and never overwrites one; :func:`diff_decisions` shows what
changed between versions. Exports: JSON (``to_dict``), CSV, Markdown and HTML.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from realimpact.exceptions import NotFoundError, WorkspaceError
from realimpact.prioritise._io import Collector, read_mapping, validate_model
from realimpact.prioritise._ranking import PrioritisationResult
from realimpact.workspace import Workspace

__all__ = [
    "DecisionDiff",
    "DecisionInput",
    "DecisionItem",
    "DecisionRecord",
    "Participant",
    "build_decision_record",
    "decision_history",
    "diff_decisions",
    "load_decision_input",
    "save_decision_record",
]


class Participant(BaseModel):
    """Someone who took part in the decision, and the partner they spoke for."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    partner: str = Field(min_length=1)
    role: str = ""


class DecisionItem(BaseModel):
    """One problem's place in the ranking and what was decided about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    problem: str
    rank: int
    score: float
    median_rank: int
    rank_low: int
    rank_high: int
    p_top_k: float
    decision: Literal["prioritised", "tolerated"]
    reason: str = ""
    priority: int | None = None  # order in the decided 'prioritised' list (1 = first)


class DecisionInput(BaseModel):
    """What a partnership decided, as written in a decision YAML file."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    decided_on: dt.date
    participants: list[Participant] = Field(min_length=1)
    reasons: str = Field(min_length=1)
    prioritised: list[str] = Field(default_factory=list)
    tolerated: dict[str, str] = Field(default_factory=dict)


class DecisionRecord(BaseModel):
    """A saved decision: ranking, decisions, participants, weights, reasons, parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    decided_on: dt.date
    participants: tuple[Participant, ...]
    reasons: str
    model: str
    method: str
    weights: dict[str, float]
    partner_weights: dict[str, dict[str, float]] | None = None
    parameters: dict[str, Any]
    items: tuple[DecisionItem, ...]
    inputs: dict[str, str] = Field(default_factory=dict)  # input file -> SHA-256
    version: int = 0
    recorded_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _tolerated_need_reasons(self) -> DecisionRecord:
        missing = [
            i.problem for i in self.items if i.decision == "tolerated" and not i.reason.strip()
        ]
        if missing:
            raise ValueError(f"tolerated without a reason: {', '.join(missing)}")
        return self

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "decision"

    @property
    def tolerated(self) -> tuple[DecisionItem, ...]:
        return tuple(i for i in self.items if i.decision == "tolerated")

    def summary(self) -> str:
        return self.to_markdown()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_csv(self) -> str:
        """One row per problem: rank, score, interval, decision, reason."""
        buf = io.StringIO()
        fields = list(DecisionItem.model_fields)
        w = csv.DictWriter(
            buf, fieldnames=["title", "decided_on", "version", *fields], lineterminator="\n"
        )
        w.writeheader()
        for i in self.items:
            w.writerow(
                {
                    "title": self.title,
                    "decided_on": self.decided_on.isoformat(),
                    "version": self.version,
                    **i.model_dump(),
                }
            )
        return buf.getvalue()

    def to_markdown(self) -> str:
        """A readable document of the decision."""
        people = "\n".join(
            f"- {p.name} ({p.partner}{', ' + p.role if p.role else ''})" for p in self.participants
        )
        rows = "\n".join(
            f"| {i.rank} | {i.problem} | {i.score:.1f} | {i.median_rank} | "
            f"{i.rank_low}–{i.rank_high} | {i.p_top_k:.2f} | {i.decision} "
            f"| {i.priority or ''} | {i.reason} |"
            for i in self.items
        )
        weights = "\n".join(f"| {k} | {v:.3f} |" for k, v in self.weights.items())
        params = ", ".join(f"{k} = {v}" for k, v in self.parameters.items())
        return (
            f"# {self.title}\n\nDecided on {self.decided_on.isoformat()} "
            f"(version {self.version}).\n\n## Who took part\n\n{people}\n\n"
            f"## Reasons\n\n{self.reasons}\n\n## Ranking and decisions\n\n"
            "| rank | problem | score | median rank | rank interval | P(top k) | decision "
            f"| decided priority | reason |\n|---|---|---|---|---|---|---|---|---|\n{rows}\n\n"
            f"## Deliberately not prioritised (tolerated)\n\n"
            + ("\n".join(f"- **{i.problem}**: {i.reason}" for i in self.tolerated) or "None.")
            + f"\n\n## Weights used ({self.method}, model {self.model})\n\n"
            f"| dimension | weight |\n|---|---|\n{weights}\n\n"
            f"Monte Carlo parameters: {params}.\n"
            + (
                "\n## Inputs (SHA-256)\n\n"
                + "\n".join(f"- {k}: {v}" for k, v in self.inputs.items())
                + "\n"
                if self.inputs
                else ""
            )
        )

    def to_html(self) -> str:
        """The Markdown document as a minimal, self-contained HTML page (escaped)."""
        body: list[str] = []
        in_table = False
        for line in self.to_markdown().splitlines():
            if line.startswith("|---"):
                continue
            if line.startswith("|") != in_table:
                in_table = not in_table
                body.append("<table>" if in_table else "</table>")
            body.append(_html_line(line))
        if in_table:
            body.append("</table>")
        title = html.escape(self.title)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>\n"
            + "\n".join(b for b in body if b)
            + "\n</body></html>\n"
        )


def _html_line(line: str) -> str:
    text = html.escape(line)
    if line.startswith("## "):
        return f"<h2>{text[3:]}</h2>"
    if line.startswith("# "):
        return f"<h1>{text[2:]}</h1>"
    if line.startswith("|"):
        return (
            "<tr>" + "".join(f"<td>{c.strip()}</td>" for c in text.strip("|").split("|")) + "</tr>"
        )
    if line.startswith("- "):
        return f"<p>• {text[2:]}</p>"
    return f"<p>{text}</p>" if line else ""


def load_decision_input(path: str | Path) -> DecisionInput:
    """Read and validate a decision YAML file (title, decided_on, participants, ...)."""
    path = Path(path)
    col = Collector()
    raw = read_mapping(path, col)
    out = validate_model(DecisionInput, raw, col, file=str(path)) if raw is not None else None
    col.raise_if_any(f"The decision file {path.name} is invalid.")
    assert out is not None
    return out


def build_decision_record(
    result: PrioritisationResult,
    decision: DecisionInput,
    *,
    source: str | None = None,
    inputs: Mapping[str, str] | None = None,
) -> DecisionRecord:
    """Combine a ranking with what was decided; refuse anything left implicit.

    Every ranked problem must be listed as prioritised or tolerated (with a non-empty
    reason); names must match the ranking. All problems are reported together.
    """
    col = Collector()
    names = {p.name for p in result.problems}
    both = set(decision.prioritised) & set(decision.tolerated)
    for n in sorted(set(decision.prioritised) | set(decision.tolerated)):
        if n not in names:
            col.add(
                f"{n!r} is not one of the ranked problems.",
                f"Use a name from the ranking: {', '.join(sorted(names))}.",
                file=source,
                entry=n,
            )
    for n in sorted(both):
        col.add(f"{n!r} is both prioritised and tolerated.", "Choose one.", file=source, entry=n)
    for n, reason in decision.tolerated.items():
        if not str(reason or "").strip():
            col.add(
                f"{n!r} is tolerated without a reason.",
                "Say why it is deliberately not prioritised (UKDPC 2009 asks that this "
                "be made explicit).",
                file=source,
                entry=n,
                column="tolerated",
            )
    for n in sorted(names - set(decision.prioritised) - set(decision.tolerated)):
        col.add(
            f"{n!r} is neither prioritised nor tolerated.",
            "List it under 'prioritised', or under 'tolerated' with the reason.",
            file=source,
            entry=n,
        )
    col.raise_if_any("The decision cannot be recorded.")
    order = {n: k + 1 for k, n in enumerate(decision.prioritised)}
    items = tuple(
        DecisionItem(
            problem=p.name,
            rank=p.rank,
            score=p.score,
            median_rank=p.median_rank,
            rank_low=p.rank_low,
            rank_high=p.rank_high,
            p_top_k=p.p_top_k,
            decision="tolerated" if p.name in decision.tolerated else "prioritised",
            reason=decision.tolerated.get(p.name, ""),
            priority=order.get(p.name),
        )
        for p in result.problems
    )
    partners = result.partners.to_dict()["partners"] if result.partners else None
    params = result.to_dict()["parameters"]
    return DecisionRecord(
        title=decision.title,
        decided_on=decision.decided_on,
        participants=tuple(decision.participants),
        reasons=decision.reasons,
        model=result.model_id,
        method=result.method,
        weights=dict(result.weights),
        partner_weights=partners,
        parameters=params,
        inputs=dict(inputs or {}),
        items=items,
    )


def _versions(folder: Path) -> list[int]:
    return sorted(
        int(m.group(1))
        for p in folder.glob("v*.json")
        if (m := re.fullmatch(r"v(\d+)\.json", p.name))
    )


def save_decision_record(
    workspace: Workspace, record: DecisionRecord
) -> tuple[DecisionRecord, Path]:
    """Save ``record`` as the next version under ``decisions/<slug>/``; never overwrite.

    Written to a temporary file first and linked into place, so a failure leaves the
    folder as it was. Returns the saved record (with ``version`` and ``recorded_at``).
    """
    folder = workspace.path("decisions") / record.slug
    try:
        folder.mkdir(parents=True, exist_ok=True)
        version = (_versions(folder) or [0])[-1] + 1
        saved = record.model_copy(
            update={"version": version, "recorded_at": dt.datetime.now(dt.UTC)}
        )
        target = folder / f"v{version:04d}.json"
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(saved.to_dict(), fh, indent=2, ensure_ascii=False)
            os.link(tmp, target)  # fails if the version exists: append-only
        finally:
            os.unlink(tmp)
    except OSError as exc:
        raise WorkspaceError(f"cannot save the decision record in {folder}: {exc}") from exc
    return saved, target


def decision_history(workspace: Workspace, slug: str) -> tuple[DecisionRecord, ...]:
    """All saved versions of a decision, oldest first."""
    folder = workspace.path("decisions") / slug
    versions = _versions(folder) if folder.is_dir() else []
    if not versions:
        known = sorted(p.name for p in workspace.path("decisions").iterdir() if p.is_dir())
        raise NotFoundError(f"no decision record {slug!r}; known: {', '.join(known) or 'none'}.")
    return tuple(
        DecisionRecord.model_validate_json((folder / f"v{v:04d}.json").read_text(encoding="utf-8"))
        for v in versions
    )


@dataclass(frozen=True)
class DecisionDiff:
    """What changed between two versions of a decision."""

    from_version: int
    to_version: int
    rank_changes: Mapping[str, tuple[int, int]]
    decision_changes: Mapping[str, tuple[str, str]]
    weight_changes: Mapping[str, tuple[float, float]]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    participants_added: tuple[str, ...]
    participants_removed: tuple[str, ...]

    def summary(self) -> str:
        lines = [f"v{self.from_version} -> v{self.to_version}"]
        lines += [f"  rank {n}: {a} -> {b}" for n, (a, b) in self.rank_changes.items()]
        lines += [f"  decision {n}: {a} -> {b}" for n, (a, b) in self.decision_changes.items()]
        lines += [f"  weight {d}: {a:.3f} -> {b:.3f}" for d, (a, b) in self.weight_changes.items()]
        lines += [f"  added {n}" for n in self.added] + [f"  removed {n}" for n in self.removed]
        lines += [f"  participant joined: {n}" for n in self.participants_added]
        lines += [f"  participant left: {n}" for n in self.participants_removed]
        return "\n".join(lines if len(lines) > 1 else [*lines, "  no changes"])

    def to_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.__dict__.items()}


def diff_decisions(a: DecisionRecord, b: DecisionRecord) -> DecisionDiff:
    """Differences from record ``a`` to record ``b`` (ranks, decisions, weights, people)."""
    ia, ib = {i.problem: i for i in a.items}, {i.problem: i for i in b.items}
    common = [n for n in ib if n in ia]
    pa = {f"{p.name} ({p.partner})" for p in a.participants}
    pb = {f"{p.name} ({p.partner})" for p in b.participants}
    return DecisionDiff(
        a.version,
        b.version,
        {n: (ia[n].rank, ib[n].rank) for n in common if ia[n].rank != ib[n].rank},
        {n: (ia[n].decision, ib[n].decision) for n in common if ia[n].decision != ib[n].decision},
        {
            d: (a.weights.get(d, 0.0), b.weights.get(d, 0.0))
            for d in sorted(set(a.weights) | set(b.weights))
            if abs(a.weights.get(d, 0.0) - b.weights.get(d, 0.0)) > 1e-12
        },
        tuple(n for n in ib if n not in ia),
        tuple(n for n in ia if n not in ib),
        tuple(sorted(pb - pa)),
        tuple(sorted(pa - pb)),
    )
