"""Load the knowledge base from the package data and an optional workspace overlay.

Method: every data file is a YAML list (or CSV table) of entries, validated against the
schemas in :mod:`realimpact.framework.models`. Then ids are checked unique across package
and overlay, and every link (a measure's or chain's ``harm_ids``, a measure's
``suggested_sources``) must name an existing entry. All problems in all files are reported
together in one :class:`~realimpact.exceptions.KnowledgeBaseError`, each naming the file,
the entry, the field and the fix; nothing is returned unless everything is valid.

Overlay: a workspace's ``framework/`` folder may hold files of the same names (``harms.yaml``
or ``harms.csv``, ``measures.yaml`` ...). Their entries are added after the package's and
marked ``local=True``. An overlay cannot replace a shipped entry: an overlay id equal to a
package id is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from realimpact.exceptions import Problem
from realimpact.framework._loader import ProblemCollector, read_entries, validate_entries
from realimpact.framework.cases import CaseStudy, check_case_harm_links, load_case_studies
from realimpact.framework.impacts import ImpactEntry, check_impact_harm_links, load_impacts
from realimpact.framework.knowledge import KnowledgeBase
from realimpact.framework.models import (
    DisplacementType,
    EnforcementStrategy,
    Entry,
    Harm,
    HarmChain,
    InformationSource,
    Measure,
    Question,
    Route,
    Stage,
)

__all__ = ["COLLECTIONS", "knowledge_base_for_workspace", "load_knowledge_base", "package_data_dir"]

M = TypeVar("M", bound=BaseModel)

#: collection name -> (file stem, entry model); the order is the load order.
COLLECTIONS: dict[str, tuple[str, type[Entry]]] = {
    "harms": ("harms", Harm),
    "sources": ("sources", InformationSource),
    "measures": ("measures", Measure),
    "displacement_types": ("displacement", DisplacementType),
    "routes": ("routes", Route),
    "strategy_groups": ("strategies", EnforcementStrategy),
    "stages": ("stages", Stage),
    "questions": ("questions", Question),
    "harm_chains": ("harm_chains", HarmChain),
}

# (collection, field, target collection) of every link between entries
_LINKS: tuple[tuple[str, str, str], ...] = (
    ("measures", "harm_ids", "harms"),
    ("measures", "suggested_sources", "sources"),
    ("harm_chains", "harm_ids", "harms"),
)


def package_data_dir() -> Path:
    """The folder of the YAML files shipped with the package."""
    return Path(str(resources.files("realimpact.framework") / "data"))


@dataclass(frozen=True)
class _Loaded:
    entries: dict[str, tuple[Entry, ...]]
    files: dict[str, dict[str, str]]  # collection -> id -> file


def _files_for(folder: Path, stem: str) -> list[Path]:
    return [p for p in (folder / f"{stem}.yaml", folder / f"{stem}.csv") if p.is_file()]


def _read_folder(folder: Path, collector: ProblemCollector, *, local: bool) -> _Loaded:
    entries: dict[str, tuple[Entry, ...]] = {}
    files: dict[str, dict[str, str]] = {}
    for name, (stem, model) in COLLECTIONS.items():
        got: list[Entry] = []
        for path in _files_for(folder, stem):
            raw = read_entries(path, collector)
            if local:
                raw = [{**r, "local": True} if isinstance(r, dict) else r for r in raw]
            offset = 2 if path.suffix == ".csv" else None
            valid = validate_entries(
                model, raw, file=str(path), collector=collector, row_offset=offset
            )
            _check_duplicates(valid, files.setdefault(name, {}), str(path), collector)
            got.extend(valid)
        entries[name] = tuple(got)
    return _Loaded(entries, files)


def _check_duplicates(
    entries: Sequence[Entry | CaseStudy],
    seen: dict[str, str],
    file: str,
    collector: ProblemCollector,
) -> None:
    for entry in entries:
        if entry.id in seen:
            collector.add(
                Problem(
                    f"duplicate id: {entry.id!r} is already defined in {seen[entry.id]}.",
                    "Give each entry a unique id (overlay entries cannot replace shipped ones; "
                    "choose a new id for a local entry).",
                    file=file,
                    column="id",
                    entry=entry.id,
                )
            )
        else:
            seen[entry.id] = file


@lru_cache(maxsize=1)
def _package() -> _Loaded:
    collector = ProblemCollector()
    loaded = _read_folder(package_data_dir(), collector, local=False)
    _check_links(loaded, collector)
    collector.raise_if_any("The knowledge base shipped with realimpact is invalid.")
    return loaded


def _merge(base: _Loaded, overlay: _Loaded, collector: ProblemCollector) -> _Loaded:
    files: dict[str, dict[str, str]] = {}
    for name in COLLECTIONS:
        shipped = base.files.get(name, {})
        seen = dict(shipped)
        for entry_id, file in overlay.files.get(name, {}).items():
            if entry_id in shipped:
                clash = [e for e in overlay.entries[name] if e.id == entry_id][:1]
                _check_duplicates(clash, {entry_id: shipped[entry_id]}, file, collector)
            else:
                seen[entry_id] = file
        files[name] = seen
    entries = {name: base.entries[name] + overlay.entries[name] for name in COLLECTIONS}
    return _Loaded(entries, files)


def _check_links(loaded: _Loaded, collector: ProblemCollector) -> None:
    for name, fieldname, target in _LINKS:
        known = {e.id for e in loaded.entries[target]}
        for entry in loaded.entries[name]:
            for ref in getattr(entry, fieldname):
                if ref not in known:
                    collector.add(_unknown_link(loaded, name, entry, fieldname, target, ref, known))


def _unknown_link(
    loaded: _Loaded,
    name: str,
    entry: Entry,
    fieldname: str,
    target: str,
    ref: str,
    known: Iterable[str],
) -> Problem:
    close = difflib.get_close_matches(ref, list(known), n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    stem = COLLECTIONS[target][0]
    return Problem(
        f"unknown {target.rstrip('s').replace('_', ' ')} id {ref!r} in {fieldname}.",
        f"Use an id defined in {stem}.yaml (package or workspace overlay).{hint}",
        file=loaded.files.get(name, {}).get(entry.id),
        column=fieldname,
        entry=entry.id,
    )


@dataclass(frozen=True)
class _Evidence:
    cases: tuple[CaseStudy, ...]
    impacts: tuple[ImpactEntry, ...]


def _evidence(
    collector: ProblemCollector, overlay_dir: Path | None, harm_ids: set[str]
) -> _Evidence:
    """Case studies (Table 3.2, Appendix B) and Table 3.1 impacts, with overlay entries."""
    shipped = package_data_dir()
    cases = load_case_studies(_files_for(shipped, "cases"), collector, local=False)
    impact_files = _files_for(shipped, "impacts")
    if overlay_dir is not None:
        local_files = _files_for(overlay_dir, "cases")
        local = load_case_studies(local_files, collector, local=True)
        shipped_ids = {c.id: str(_files_for(shipped, "cases")[0]) for c in cases}
        for case in local:
            _check_duplicates([case], shipped_ids, str(local_files[0]), collector)
        cases += local
        impact_files += _files_for(overlay_dir, "impacts")
    impacts = load_impacts(impact_files, collector)
    check_case_harm_links(cases, harm_ids, collector)
    check_impact_harm_links(impacts, harm_ids, collector)
    return _Evidence(tuple(cases), tuple(impacts))


def _build(loaded: _Loaded, evidence: _Evidence) -> KnowledgeBase:
    e = loaded.entries
    return KnowledgeBase(
        harms=_typed(e["harms"], Harm),
        measures=_typed(e["measures"], Measure),
        sources=_typed(e["sources"], InformationSource),
        displacement_types=_typed(e["displacement_types"], DisplacementType),
        routes=_typed(e["routes"], Route),
        strategy_groups=_typed(e["strategy_groups"], EnforcementStrategy),
        stages=_typed(e["stages"], Stage),
        questions=_typed(e["questions"], Question),
        harm_chains=_typed(e["harm_chains"], HarmChain),
        cases=evidence.cases,
        impacts=evidence.impacts,
    )


def _typed(entries: tuple[Entry, ...], model: type[M]) -> tuple[M, ...]:
    return tuple(x for x in entries if isinstance(x, model))


@lru_cache(maxsize=1)
def _package_kb() -> KnowledgeBase:
    collector = ProblemCollector()
    package = _package()
    evidence = _evidence(collector, None, {h.id for h in package.entries["harms"]})
    collector.raise_if_any("The knowledge base shipped with realimpact is invalid.")
    return _build(package, evidence)


def load_knowledge_base(overlay_dir: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base, adding a workspace overlay's local entries.

    Parameters
    ----------
    overlay_dir
        A folder (a workspace's ``framework/``) holding extra ``harms.yaml``,
        ``measures.yaml``, ``cases.yaml`` ... whose entries are added with ``local=True``.
        ``None`` (or a folder without data files) gives the package data alone, loaded once
        per process and cached.

    Returns
    -------
    KnowledgeBase
        Frozen; package entries first in the report's order, then local entries.

    Raises
    ------
    KnowledgeBaseError
        If any file is unreadable or invalid, an id is duplicated (also across package and
        overlay), or a link names an unknown id. Every problem is listed, with the file,
        the entry, the field and the fix.

    Notes
    -----
    The data transcribe UK Drug Policy Commission (2009), *Refocusing drug-related law
    enforcement to address harms*; each entry's ``citation`` names its table, box or
    section.
    """
    if overlay_dir is None or not Path(overlay_dir).is_dir() or not _has_data(Path(overlay_dir)):
        return _package_kb()
    collector = ProblemCollector()
    overlay = _read_folder(Path(overlay_dir), collector, local=True)
    merged = _merge(_package(), overlay, collector)
    _check_links(merged, collector)
    evidence = _evidence(collector, Path(overlay_dir), {h.id for h in merged.entries["harms"]})
    collector.raise_if_any(f"The knowledge base overlay in {overlay_dir} is invalid.")
    return _build(merged, evidence)


def _has_data(folder: Path) -> bool:
    return any(p.suffix in {".yaml", ".yml", ".csv"} for p in folder.iterdir())


def knowledge_base_for_workspace(workspace: Path | None = None) -> KnowledgeBase:
    """The knowledge base with the overlay of a workspace (its ``framework/`` folder).

    ``None`` means the default workspace (``$REALIMPACT_WORKSPACE`` or the per-user folder);
    if it does not exist yet, the package data alone is returned. A named workspace that
    does not exist raises :class:`~realimpact.exceptions.WorkspaceError`. Nothing is created.
    """
    from realimpact.workspace import default_workspace_path, open_workspace

    if workspace is None:
        return load_knowledge_base(default_workspace_path() / "framework")
    return load_knowledge_base(open_workspace(workspace, create=False).root / "framework")
