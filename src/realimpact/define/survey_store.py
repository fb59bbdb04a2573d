"""Stored surveys: ``<workspace>/surveys/<name>.csv`` (answers as level ids) and ``.yaml``.

The YAML file keeps the source, the import date and the items (and scales) the survey was
imported with, so a survey imported with custom items reloads with them. Both files are
written atomically; an invalid file is never stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from realimpact.define._errors import atomic_write
from realimpact.define.survey import Survey, read_survey_csv
from realimpact.define.survey_items import Catalogue, Scale, SurveyItem
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase
from realimpact.workspace import Workspace

__all__ = ["import_survey", "list_surveys", "load_survey", "save_survey"]


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
    scales = {k: Scale.model_validate(v) for k, v in raw["scales"].items()}
    items = {i["id"]: SurveyItem.model_validate(i) for i in raw["items"]}
    return Catalogue(scales, items)


def list_surveys(workspace: Workspace) -> list[str]:
    """Names of the stored surveys."""
    return [p.stem for p in sorted(workspace.path("surveys").glob("*.csv"))]
