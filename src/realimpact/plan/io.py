"""Read, validate and save plan YAML files, with precise errors.

Method: the YAML is parsed, validated against :class:`~realimpact.plan.model.Plan`, then
every reference is checked against the knowledge base and the evidence library (harm ids,
intervention ids, Box A types, measures, Box B sources, police.uk crime types, risk ids).
All problems are raised together as one :class:`~realimpact.exceptions.ConfigError`; each
names the file, the entry path with its YAML line (``targeted_harms[1] (line 23)``), the
field and the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from realimpact.data.weights import CRIME_TYPES as POLICEUK_CRIME_TYPES
from realimpact.data.weights import list_weight_tables
from realimpact.define._errors import yaml_line
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.plan.library import EvidenceLibrary, load_evidence_library
from realimpact.plan.model import Plan
from realimpact.workspace import Workspace

__all__ = ["load_plan", "parse_plan", "plan_path", "save_plan", "shape_problems"]


def _path(loc: Sequence[Any]) -> tuple[str, str]:
    """(entry path, field) of a location: ``(targeted_harms[1].expected, low)``."""
    parts = [str(p) for p in loc]
    entry = ""
    for p in parts[:-1]:
        entry += f"[{p}]" if p.isdigit() else (f".{p}" if entry else p)
    return entry or "plan", parts[-1] if parts else "plan"


class _Collector:
    def __init__(self, file: str | None, root: yaml.Node | None) -> None:
        self.file, self.root = file, root
        self.problems: list[Problem] = []

    def add(self, loc: Sequence[Any], message: str, fix: str) -> None:
        entry, field = _path(loc)
        line = yaml_line(self.root, loc)
        self.problems.append(
            Problem(message, fix, file=self.file, row=line, column=field, entry=entry)
        )

    def unknown(self, loc: Sequence[Any], ref: str, known: Iterable[str], what: str) -> None:
        close = difflib.get_close_matches(ref, list(known), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        self.add(loc, f"unknown {what} {ref!r}.", f"Use an existing {what}.{hint}")


def shape_problems(
    exc: ValidationError, file: str | None, root: yaml.Node | None = None
) -> list[Problem]:
    """One problem per pydantic error of a plan mapping, located in ``root`` if given."""
    col = _Collector(file, root)
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        col.add(loc, f"{err['msg']}.", _fix(err))
    return col.problems


def _fix(err: Any) -> str:
    kind = err.get("type", "")
    field = str(err["loc"][-1]) if err["loc"] else "plan"
    if kind == "missing":
        return f"Add the required field {field!r} (see docs/plan.md)."
    if kind == "extra_forbidden":
        return f"Remove or rename {field!r}; see docs/plan.md for the fields."
    if kind == "literal_error":
        return f"Use one of: {(err.get('ctx') or {}).get('expected', '')}."
    if kind == "string_pattern_mismatch":
        return "Write months as YYYY-MM, dates as YYYY-MM-DD, ids in lower-case-with-hyphens."
    return f"Correct the value of {field!r}."


def _references(plan: Plan, kb: KnowledgeBase, lib: EvidenceLibrary, col: _Collector) -> None:
    harms = {h.id for h in kb.harms}
    ivs = set(lib.ids())
    types = set(POLICEUK_CRIME_TYPES)
    for i, r in enumerate(plan.responses):
        if r.intervention not in ivs:
            col.unknown(("responses", i, "intervention"), r.intervention, ivs, "intervention id")
    for i, t in enumerate(plan.targeted_harms):
        base = ("targeted_harms", i)
        if t.harm not in harms:
            col.unknown((*base, "harm"), t.harm, harms, "harm id")
        for ref in t.evidence:
            if ref not in ivs:
                col.unknown((*base, "evidence"), ref, ivs, "intervention id")
        _crime_types(t.crime_types, t.expected.unit, (*base,), types, col)
    _risks(plan, kb, harms, types, col)
    _measures(plan, kb, col)
    _weights(plan.weights, col)
    if plan.case_study and plan.case_study not in {c.id for c in kb.cases}:
        col.unknown(("case_study",), plan.case_study, [c.id for c in kb.cases], "case-study id")


def _weights(weights: str, col: _Collector) -> None:
    shipped = list_weight_tables()
    if weights in shipped or (Path(weights).suffix == ".csv" and Path(weights).is_file()):
        return
    col.add(
        ("weights",),
        f"unknown weight table {weights!r}.",
        f"Use a shipped table ({', '.join(shipped)}) or the path of a crime_type,weight CSV.",
    )


def _crime_types(
    crime_types: Sequence[str], unit: str, base: tuple[Any, ...], known: set[str], col: _Collector
) -> None:
    for ct in crime_types:
        if ct not in known:
            col.unknown((*base, "crime_types"), ct, known, "police.uk crime type")
    if unit == "percent" and not crime_types:
        col.add(
            (*base, "expected", "unit"),
            "an effect in percent needs the police.uk crime_types it applies to.",
            "Add crime_types (e.g. [Burglary, Robbery]) or use unit: ordinal.",
        )


def _risks(
    plan: Plan, kb: KnowledgeBase, harms: set[str], types: set[str], col: _Collector
) -> None:
    boxa = {d.id for d in kb.displacement_types}
    targeted = {t.harm for t in plan.targeted_harms}
    seen: set[str] = set()
    for i, d in enumerate(plan.displacement):
        if d.type not in boxa:
            col.unknown(("displacement", i, "type"), d.type, boxa, "Box A displacement type")
        if d.of_harm not in targeted:
            col.unknown(("displacement", i, "of_harm"), d.of_harm, targeted, "targeted harm")
        _unique(d.id, ("displacement", i, "id"), seen, col)
    for i, s in enumerate(plan.side_effects):
        if s.harm not in harms:
            col.unknown(("side_effects", i, "harm"), s.harm, harms, "harm id")
        _crime_types(s.crime_types, s.expected.unit, ("side_effects", i), types, col)
        _unique(s.id, ("side_effects", i, "id"), seen, col)


def _unique(rid: str, loc: tuple[Any, ...], seen: set[str], col: _Collector) -> None:
    if rid in seen:
        col.add(loc, f"duplicate risk id {rid!r}.", "Give every risk its own id.")
    seen.add(rid)


def _measures(plan: Plan, kb: KnowledgeBase, col: _Collector) -> None:
    mids = {m.id for m in kb.measures}
    sids = {s.id for s in kb.sources}
    subjects = {t.harm for t in plan.targeted_harms} | set(plan.risk_ids())
    for i, m in enumerate(plan.measures):
        if m.measure not in mids:
            col.unknown(("measures", i, "measure"), m.measure, mids, "measure id")
        if m.source not in sids:
            col.unknown(("measures", i, "source"), m.source, sids, "Box B source id")
        for ref in m.measures:
            if ref not in subjects:
                col.unknown(("measures", i, "measures"), ref, subjects, "targeted harm or risk id")
        _crime_types(m.crime_types, "ordinal", ("measures", i), set(POLICEUK_CRIME_TYPES), col)


_RAW_REFS: tuple[tuple[str, str, str], ...] = (
    ("responses", "intervention", "interventions"),
    ("targeted_harms", "harm", "harms"),
    ("targeted_harms", "evidence", "interventions"),
    ("side_effects", "harm", "harms"),
    ("displacement", "type", "box-a"),
    ("measures", "measure", "measures"),
    ("measures", "source", "sources"),
)


def _raw_references(
    data: dict[str, Any], kb: KnowledgeBase, lib: EvidenceLibrary, col: _Collector
) -> None:
    """Check the ids of a plan whose shape is invalid, so every problem is reported at once."""
    known = {
        "interventions": (set(lib.ids()), "intervention id"),
        "harms": ({h.id for h in kb.harms}, "harm id"),
        "box-a": ({d.id for d in kb.displacement_types}, "Box A displacement type"),
        "measures": ({m.id for m in kb.measures}, "measure id"),
        "sources": ({s.id for s in kb.sources}, "Box B source id"),
    }
    for section, field, kind in _RAW_REFS:
        entries = data.get(section)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            value = entry.get(field) if isinstance(entry, dict) else None
            refs = value if isinstance(value, list) else [value]
            ids, what = known[kind]
            for ref in refs:
                if isinstance(ref, str) and ref not in ids:
                    col.unknown((section, i, field), ref, ids, what)


def parse_plan(
    text: str,
    *,
    file: str = "<plan>",
    kb: KnowledgeBase | None = None,
    library: EvidenceLibrary | None = None,
) -> Plan:
    """Validate plan YAML text; raise :class:`ConfigError` listing every problem.

    ``kb`` and ``library`` default to the shipped knowledge base and evidence library
    (pass a workspace's to allow its local entries).
    """
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        raise ConfigError(
            f"The plan {file} is not valid YAML.",
            [
                Problem(
                    f"YAML error at {where}: {exc}.",
                    "Fix the YAML syntax there.",
                    file=file,
                    row=mark.line + 1 if mark else None,
                )
            ],
        ) from exc
    col = _Collector(file, root)
    if not isinstance(data, dict):
        col.add((), "a plan must be a YAML mapping.", "Start from 'realimpact plan new'.")
        raise ConfigError(f"The plan {file} is invalid.", col.problems)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        col.problems.extend(shape_problems(exc, file, root))
        kb = kb if kb is not None else load_knowledge_base()
        library = library if library is not None else load_evidence_library(kb=kb)
        _raw_references(data, kb, library, col)
        raise ConfigError(f"The plan {file} is invalid.", col.problems) from exc
    kb = kb if kb is not None else load_knowledge_base()
    library = library if library is not None else load_evidence_library(kb=kb)
    _references(plan, kb, library, col)
    if col.problems:
        raise ConfigError(f"The plan {file} has unknown references.", col.problems)
    return plan


def load_plan(
    path: str | Path,
    *,
    kb: KnowledgeBase | None = None,
    library: EvidenceLibrary | None = None,
) -> Plan:
    """Read and validate a plan YAML file (see :func:`parse_plan`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Cannot read the plan {p}.",
            [Problem(f"cannot read ({exc}).", "Give the path of a UTF-8 YAML file.", file=str(p))],
        ) from exc
    return parse_plan(text, file=str(p), kb=kb, library=library)


def save_plan(plan: Plan, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``plan`` as YAML; refuses to replace an existing file unless ``overwrite``."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise ConfigError(
            f"{p} exists.",
            [Problem("the file exists.", "Choose another name or pass overwrite.", file=str(p))],
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(yaml.safe_dump(plan.to_dict(), sort_keys=False, allow_unicode=True), "utf-8")
    tmp.replace(p)
    return p


def plan_path(workspace: Workspace, ref: str | Path) -> Path:
    """The file of a plan given as a path, or as a name saved in ``<workspace>/plans/``."""
    p = Path(ref)
    if p.is_file():
        return p
    saved = workspace.path("plans") / f"{ref}.yaml"
    if saved.is_file():
        return saved
    names = sorted(x.stem for x in workspace.path("plans").glob("*.yaml"))
    raise NotFoundError(
        f"no plan file {str(ref)!r} and no plan of that name in {workspace.root / 'plans'} "
        f"(saved: {', '.join(names) or 'none'}). Create one with: realimpact plan new NAME ..."
    )
