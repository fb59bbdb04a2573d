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

from realimpact.define._errors import unknown_id_problem
from realimpact.define.survey_items import Catalogue, SurveyItem, load_catalogue
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base

__all__ = ["Concern", "Survey", "read_survey_csv"]

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

    def subset(self, area: str) -> Survey:
        """The respondents of one ``area`` (the CSV's area column), as a survey of its own.

        Raises :class:`~realimpact.exceptions.NotFoundError` if nobody gave that area.
        """
        keep = tuple(r for r in self.respondents if self.areas.get(r) == area)
        if not keep:
            known = sorted(set(self.areas.values()))
            raise NotFoundError(
                f"no respondent of survey {self.name!r} in area {area!r}. "
                f"Areas: {', '.join(known) or 'none given'}."
            )
        kept = set(keep)
        return Survey(
            name=f"{self.name}[{area}]",
            respondents=keep,
            areas={r: a for r, a in self.areas.items() if r in kept},
            items=self.items,
            answers={i: {r: v for r, v in a.items() if r in kept} for i, a in self.answers.items()},
            concerns=tuple(c for c in self.concerns if c.respondent in kept),
            catalogue=self.catalogue,
            source=self.source,
            imported_at=self.imported_at,
        )

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

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8), one row per respondent.
    name : str, optional
        The survey's name (default: the file's stem).
    items : str, Path or Catalogue, optional
        A custom items file, merged over the shipped catalogue, or a catalogue.
    kb : KnowledgeBase, optional
        For checking the harm ids of items and tagged concerns.

    Returns
    -------
    Survey
        Answers as level ids (``None`` when blank), areas and tagged concerns.

    Raises
    ------
    ConfigError
        Listing every problem with file, row (header = 1), column and fix.
    NotFoundError
        If the file does not exist.
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
