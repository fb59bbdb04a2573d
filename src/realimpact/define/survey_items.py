"""Survey scales and items: the shipped catalogue and custom items files.

The catalogue (``define/data/survey_items.yaml``) holds the PSA 25/23 perception items
and example local items in Appendix D's agree/disagree format. A custom items file of
the same format adds or replaces items (and scales) for one survey.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from realimpact.define._errors import pydantic_problems, read_yaml, unknown_id_problem
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base

__all__ = ["Catalogue", "Level", "Scale", "SurveyItem", "load_catalogue"]


class Level(BaseModel):
    """One response level of a scale, with its accepted spellings and numeric code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    code: int
    spellings: tuple[str, ...] = ()
    dont_know: bool = False


class Scale(BaseModel):
    """An ordered response scale."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: tuple[Level, ...] = Field(min_length=2)

    def parse(self, cell: str) -> Level | None:
        """The level a cell means (id, code or spelling, any case), or None."""
        text = cell.strip().lower().replace("’", "'")
        for lv in self.levels:
            if text in {lv.id, str(lv.code), *(s.lower() for s in lv.spellings)}:
                return lv
        return None

    def accepted(self) -> str:
        return "; ".join(
            f"{lv.spellings[0] if lv.spellings else lv.id} ({lv.code})" for lv in self.levels
        )


class SurveyItem(BaseModel):
    """A question: its scale, indicator levels, concern levels and the harms it bears on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    scale: str
    indicator: tuple[str, ...] = Field(min_length=1)
    concern: tuple[str, ...] = ()
    harms: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Catalogue:
    """Scales and items by id."""

    scales: Mapping[str, Scale]
    items: Mapping[str, SurveyItem]

    def item(self, item_id: str) -> SurveyItem:
        try:
            return self.items[item_id]
        except KeyError:
            raise NotFoundError(f"no survey item {item_id!r}") from None

    def scale_of(self, item: SurveyItem) -> Scale:
        return self.scales[item.scale]

    def merged(self, other: Catalogue) -> Catalogue:
        return Catalogue({**self.scales, **other.scales}, {**self.items, **other.items})

    def to_dict(self) -> dict[str, Any]:
        return {
            "scales": {k: v.model_dump(mode="json") for k, v in self.scales.items()},
            "items": [v.model_dump(mode="json") for v in self.items.values()],
        }


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scales: dict[str, Scale] = Field(default_factory=dict)
    items: list[SurveyItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> _CatalogueFile:
        ids = [i.id for i in self.items]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"item ids used more than once: {', '.join(dup)}")
        return self


def load_catalogue(
    path: str | Path | None = None,
    *,
    base: Catalogue | None = None,
    kb: KnowledgeBase | None = None,
) -> Catalogue:
    """Load the shipped catalogue, or a custom items file merged over ``base`` (or it)."""
    if path is None:
        res = resources.files("realimpact.define").joinpath("data/survey_items.yaml")
        raw, file = yaml.safe_load(res.read_text(encoding="utf-8")), "survey_items.yaml"
    else:
        raw, file = read_yaml(Path(path), "survey items file"), str(path)
        base = base if base is not None else load_catalogue(kb=kb)
    try:
        parsed = _CatalogueFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(
            "The survey items file is invalid.", pydantic_problems(exc, file=file)
        ) from None
    cat = Catalogue(parsed.scales, {i.id: i for i in parsed.items})
    if base is not None:
        cat = base.merged(cat)
    _check(cat, file, kb if kb is not None else load_knowledge_base())
    return cat


def _check(cat: Catalogue, file: str, kb: KnowledgeBase) -> None:
    problems: list[Problem] = []
    known = {h.id for h in kb.harms}
    for item in cat.items.values():
        where: dict[str, Any] = {"file": file, "entry": item.id}
        scale = cat.scales.get(item.scale)
        if scale is None:
            problems.append(
                Problem(
                    f"unknown scale {item.scale!r}.",
                    f"Use one of: {', '.join(cat.scales)} or define it.",
                    column="scale",
                    **where,
                )
            )
            continue
        levels = {lv.id for lv in scale.levels}
        for part in ("indicator", "concern"):
            for lv in getattr(item, part):
                if lv not in levels:
                    problems.append(
                        Problem(
                            f"{part} level {lv!r} is not in scale {item.scale!r}.",
                            f"Use: {', '.join(sorted(levels))}.",
                            column=part,
                            **where,
                        )
                    )
        for j, hid in enumerate(item.harms):
            if hid not in known:
                problems.append(
                    unknown_id_problem(
                        hid,
                        known,
                        what="harm",
                        column=f"harms.{j}",
                        fix="Use a harm id of the matrix.",
                        **where,
                    )
                )
    if problems:
        raise ConfigError("The survey items are invalid.", problems)
