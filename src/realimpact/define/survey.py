"""Survey responses: import from CSV, validate, store in ``<workspace>/surveys/``.

CSV format (one row per respondent; header names exact, any order):

``respondent`` (required, unique), ``area`` (optional), one column per item id of the
catalogue (e.g. ``psa25_drug_problem``; cells are a level's spelling, id or code, blank
when not answered), ``concern_text`` (optional free text) and ``concern_harms``
(optional harm ids of the matrix, separated by ``;``, tagging the free text).

Every problem is reported at once with file, row (the header is row 1), column and fix;
nothing is written unless the whole file is valid, and a save replaces the old survey
atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from realimpact.define._errors import atomic_write, unknown_id_problem
from realimpact.define.survey_items import Catalogue, SurveyItem, load_catalogue
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.workspace import Workspace

__all__ = [
    "Concern",
    "Survey",
    "import_survey",
    "list_surveys",
    "load_survey",
    "read_survey_csv",
    "save_survey",
]

FIXED = ("respondent", "area", "concern_text", "concern_harms")
_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


@dataclass(frozen=True)
class Concern:
    """A respondent's free-text concern and the harm ids it was tagged with."""

    respondent: str
    text: str
    harm_ids: tuple[str, ...]


@dataclass(frozen=True)
class Survey:
    """Validated survey responses: ``answers[item_id][respondent]`` is a level id or None."""

    name: str
    respondents: tuple[str, ...]
    areas: Mapping[str, str]
    items: tuple[SurveyItem, ...]
    answers: Mapping[str, Mapping[str, str | None]]
    concerns: tuple[Concern, ...]
    catalogue: Catalogue
    source: str | None = None
    imported_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    )

    @property
    def n(self) -> int:
        return len(self.respondents)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "imported_at": self.imported_at,
            "respondents": self.n,
            "items": [i.model_dump(mode="json") for i in self.items],
            "concerns": len(self.concerns),
        }

    def summary(self) -> str:
        return (
            f"Survey {self.name}: {self.n} respondents, {len(self.items)} items "
            f"({', '.join(i.id for i in self.items)}), {len(self.concerns)} tagged concerns."
        )


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        row = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"The survey file {path.name} is not UTF-8.",
            [
                Problem(
                    "the file is not UTF-8 text (Excel's 'CSV' is often Windows-1252).",
                    "Save it from your spreadsheet as 'CSV UTF-8'.",
                    file=str(path),
                    row=row,
                )
            ],
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    return (rows[0] if rows else []), [r for r in rows[1:] if any(c.strip() for c in r)]


def read_survey_csv(
    path: str | Path,
    *,
    name: str | None = None,
    items: str | Path | Catalogue | None = None,
    kb: KnowledgeBase | None = None,
) -> Survey:
    """Read and validate a survey CSV (see the module docstring for the format).

    ``items`` is a custom items file (merged over the shipped catalogue) or a catalogue.
    Raises :class:`~realimpact.exceptions.ConfigError` listing every problem.
    """
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"no file {path}")
    kb = kb if kb is not None else load_knowledge_base()
    cat = items if isinstance(items, Catalogue) else load_catalogue(items, kb=kb)
    name = name or path.stem
    file = str(path)
    header, cells = _read_rows(path)
    problems = _check_header(header, cat, file)
    rows = _as_dicts(header, cells, file, problems)
    if not set(name) <= _NAME_OK or not name:
        problems.append(
            Problem(
                f"survey name {name!r} cannot name a file.",
                "Use letters, digits, '.', '_' or '-'.",
                file=file,
            )
        )
    item_ids = [h for h in header if h in cat.items]
    answers: dict[str, dict[str, str | None]] = {i: {} for i in item_ids}
    respondents: list[str] = []
    areas: dict[str, str] = {}
    concerns: list[Concern] = []
    known = {h.id for h in kb.harms}
    for k, row in enumerate(rows):
        rownum = k + 2
        rid = (row.get("respondent") or "").strip()
        if not rid:
            problems.append(
                Problem(
                    "the respondent id is empty.",
                    "Give each row a unique id.",
                    file=file,
                    row=rownum,
                    column="respondent",
                )
            )
            rid = f"row {rownum}"
        elif rid in respondents:
            problems.append(
                Problem(
                    f"respondent {rid!r} appears twice.",
                    "Remove the duplicate row or give it its own id.",
                    file=file,
                    row=rownum,
                    column="respondent",
                )
            )
        respondents.append(rid)
        if row.get("area"):
            areas[rid] = row["area"].strip()
        for item_id in item_ids:
            answers[item_id][rid] = _cell(row.get(item_id), cat, item_id, file, rownum, problems)
        concern = _concern(row, rid, known, file, rownum, problems)
        if concern is not None:
            concerns.append(concern)
    if not rows:
        problems.append(
            Problem("the file has no responses.", "Add one row per respondent.", file=file)
        )
    if problems:
        raise ConfigError(f"The survey file {path.name} is invalid.", problems)
    return Survey(
        name,
        tuple(respondents),
        areas,
        tuple(cat.items[i] for i in item_ids),
        answers,
        tuple(concerns),
        cat,
        source=file,
    )


def _as_dicts(
    header: list[str], cells: list[list[str]], file: str, problems: list[Problem]
) -> list[dict[str, str]]:
    out = []
    for k, row in enumerate(cells):
        if len(row) > len(header):
            problems.append(
                Problem(
                    f"the row has {len(row)} cells but the header has {len(header)}.",
                    "Remove the extra cells or quote text containing commas.",
                    file=file,
                    row=k + 2,
                )
            )
        out.append(dict(zip(header, row, strict=False)))
    return out


def _check_header(header: list[str], cat: Catalogue, file: str) -> list[Problem]:
    out = []
    for col in sorted({c for c in header if header.count(c) > 1}):
        out.append(
            Problem(
                f"column {col!r} appears more than once.",
                "Keep one column per item.",
                file=file,
                row=1,
                column=col,
            )
        )
    if "respondent" not in header:
        out.append(
            Problem(
                "there is no 'respondent' column.",
                "Add a first column 'respondent' with one id per row.",
                file=file,
                row=1,
                column="respondent",
            )
        )
    for col in header:
        if col not in FIXED and col not in cat.items:
            out.append(
                unknown_id_problem(
                    col,
                    [*FIXED, *cat.items],
                    what="column",
                    file=file,
                    entry=None,
                    column=col,
                    fix="Use an item id of the catalogue (realimpact "
                    "survey items) or define it in an items file.",
                )
            )
    if not any(c in cat.items for c in header) and "concern_harms" not in header:
        out.append(
            Problem(
                "no item or concern_harms column.",
                "Add at least one item column, e.g. psa25_drug_problem.",
                file=file,
                row=1,
            )
        )
    return out


def _cell(
    value: str | None, cat: Catalogue, item_id: str, file: str, row: int, problems: list[Problem]
) -> str | None:
    if value is None or not value.strip():
        return None
    scale = cat.scale_of(cat.items[item_id])
    level = scale.parse(value)
    if level is None:
        problems.append(
            Problem(
                f"{value!r} is not an answer on this item's scale.",
                f"Use one of: {scale.accepted()}; or leave it blank.",
                file=file,
                row=row,
                column=item_id,
            )
        )
        return None
    return level.id


def _concern(
    row: Mapping[str, str | None],
    rid: str,
    known: set[str],
    file: str,
    rownum: int,
    problems: list[Problem],
) -> Concern | None:
    text = (row.get("concern_text") or "").strip()
    tags = [t.strip() for t in (row.get("concern_harms") or "").split(";") if t.strip()]
    for t in tags:
        if t not in known:
            problems.append(
                unknown_id_problem(
                    t,
                    known,
                    what="harm",
                    file=file,
                    entry=None,
                    column="concern_harms",
                    row=rownum,
                    fix="Tag concerns with harm ids of the matrix, separated by ';'.",
                )
            )
    if not text and not tags:
        return None
    return Concern(rid, text, tuple(dict.fromkeys(tags)))


# -- store -------------------------------------------------------------------------------


def _paths(workspace: Workspace, name: str) -> tuple[Path, Path]:
    folder = workspace.path("surveys")
    return folder / f"{name}.csv", folder / f"{name}.yaml"


def _to_csv(survey: Survey) -> str:
    buf = io.StringIO()
    cols = ["respondent", "area", *(i.id for i in survey.items), "concern_text", "concern_harms"]
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    by_resp = {c.respondent: c for c in survey.concerns}
    for rid in survey.respondents:
        c = by_resp.get(rid)
        row = {"respondent": rid, "area": survey.areas.get(rid, "")}
        row.update({i.id: survey.answers[i.id].get(rid) or "" for i in survey.items})
        row.update(
            concern_text=c.text if c else "", concern_harms=";".join(c.harm_ids) if c else ""
        )
        writer.writerow(row)
    return buf.getvalue()


def save_survey(workspace: Workspace, survey: Survey, *, overwrite: bool = False) -> Path:
    """Store the survey as ``surveys/<name>.csv`` (answers as level ids) + ``<name>.yaml``."""
    data_path, meta_path = _paths(workspace, survey.name)
    if data_path.exists() and not overwrite:
        raise ConfigError(
            f"Survey {survey.name!r} was not saved.",
            [
                Problem(
                    f"a survey named {survey.name!r} already exists.",
                    "Use another --name, or --replace to replace it.",
                    file=str(data_path),
                )
            ],
        )
    meta = {**survey.to_dict(), "catalogue": survey.catalogue.to_dict()}
    csv_text, meta_text = _to_csv(survey), yaml.safe_dump(meta, sort_keys=False, width=100)
    atomic_write(meta_path, meta_text)
    atomic_write(data_path, csv_text)
    return data_path


def import_survey(
    workspace: Workspace,
    path: str | Path,
    *,
    name: str | None = None,
    items: str | Path | None = None,
    overwrite: bool = False,
    kb: KnowledgeBase | None = None,
) -> Survey:
    """Read, validate and store a survey CSV; an invalid file leaves the workspace as it was."""
    survey = read_survey_csv(path, name=name, items=items, kb=kb)
    save_survey(workspace, survey, overwrite=overwrite)
    return survey


def load_survey(workspace: Workspace, name: str, *, kb: KnowledgeBase | None = None) -> Survey:
    """Load a stored survey (with the items it was imported with)."""
    data_path, meta_path = _paths(workspace, name)
    if not data_path.exists() or not meta_path.exists():
        saved = [s.stem for s in sorted(workspace.path("surveys").glob("*.csv"))]
        raise NotFoundError(f"no survey named {name!r}. Saved: {', '.join(saved) or 'none'}.")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    cat = _catalogue_from_meta(meta["catalogue"])
    survey = read_survey_csv(data_path, name=name, items=cat, kb=kb)
    return Survey(
        survey.name,
        survey.respondents,
        survey.areas,
        survey.items,
        survey.answers,
        survey.concerns,
        cat,
        source=meta.get("source"),
        imported_at=str(meta.get("imported_at", "")),
    )


def _catalogue_from_meta(raw: Mapping[str, Any]) -> Catalogue:
    from realimpact.define.survey_items import Scale

    scales = {k: Scale.model_validate(v) for k, v in raw["scales"].items()}
    items = {i["id"]: SurveyItem.model_validate(i) for i in raw["items"]}
    return Catalogue(scales, items)


def list_surveys(workspace: Workspace) -> list[str]:
    """Names of the stored surveys."""
    return [p.stem for p in sorted(workspace.path("surveys").glob("*.csv"))]
