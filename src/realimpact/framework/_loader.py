"""Load and validate the knowledge base's data files (YAML or CSV) against pydantic models.

Every file is a list of entries. Each entry is validated against a pydantic model; all
problems in all files are collected and raised together as one
:class:`~realimpact.exceptions.KnowledgeBaseError`, each naming the file, the entry (its
``id`` or position) and the field, with the fix.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from realimpact.exceptions import KnowledgeBaseError, Problem

__all__ = ["ProblemCollector", "read_entries", "validate_entries"]

M = TypeVar("M", bound=BaseModel)

# libyaml's C parser is ~10x faster than the pure-Python one (see bench/knowledge.py).
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ProblemCollector:
    """Collects problems across files, then raises them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def unknown_harm_links(
        self, entries: Iterable[Any], field: str, harm_ids: Iterable[str]
    ) -> None:
        """Report every id in each entry's ``field`` that is not in ``harm_ids``."""
        known = set(harm_ids)
        for entry in entries:
            for hid in getattr(entry, field):
                if hid not in known:
                    self.add(
                        Problem(
                            f"harm id {hid!r} is not in the harm matrix.",
                            "Use an id listed by `realimpact harms`, or remove the link and "
                            "explain in 'harm_note'.",
                            column=field,
                            entry=entry.id,
                        )
                    )

    def raise_if_any(self, summary: str = "The knowledge base has invalid entries.") -> None:
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            raise KnowledgeBaseError(summary, self.problems)


def read_entries(path: Path, collector: ProblemCollector, *, key: str | None = None) -> list[Any]:
    """Read a YAML file (a list, or a mapping whose ``key`` holds the list) or a CSV file.

    Unreadable files are reported to ``collector`` and give an empty list.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        collector.add(
            Problem(f"cannot read the file ({exc}).", "Save it as UTF-8 text.", file=str(path))
        )
        return []
    if path.suffix == ".csv":
        return [dict(row) for row in csv.DictReader(text.splitlines())]
    try:
        data = yaml.load(text, Loader=_SafeLoader)  # a safe loader (no arbitrary objects)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        collector.add(
            Problem(
                f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}.",
                "Correct the YAML syntax (indentation, quotes, colons) at that place.",
                file=str(path),
                row=mark.line + 1 if mark else None,
            )
        )
        return []
    if data is None:
        return []
    if key is not None and isinstance(data, dict):
        data = data.get(key, [])
    if not isinstance(data, list):
        collector.add(
            Problem(
                "must hold a list of entries.",
                f"Make the top level a YAML list{f' under {key!r}' if key else ''}.",
                file=str(path),
            )
        )
        return []
    return data


def _yaml_entry_lines(file: str) -> list[int]:
    """The line where each entry of a YAML list starts (for problems), or [] if unknown."""
    if not file.endswith((".yaml", ".yml")):
        return []
    try:
        node = yaml.compose(Path(file).read_text(encoding="utf-8-sig"), Loader=_SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    if isinstance(node, yaml.MappingNode):
        lists = [v for _, v in node.value if isinstance(v, yaml.SequenceNode)]
        node = lists[0] if len(lists) == 1 else None
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _entry_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and raw.get("id"):
        return str(raw["id"])
    return f"#{index + 1}"


def validate_entries(
    model: type[M],
    raw_entries: Sequence[Any],
    *,
    file: str,
    collector: ProblemCollector,
    row_offset: int | None = None,
) -> list[M]:
    """Validate each raw entry against ``model``; invalid ones are reported and skipped.

    ``row_offset`` is given for CSV files: the spreadsheet row of entry 0 (2, below the
    header), so problems name the row; for YAML files the row is the line where the
    entry starts.
    """
    out: list[M] = []
    lines: list[int] | None = None  # YAML entry lines, read only when a problem is found
    for i, raw in enumerate(raw_entries):
        label = _entry_label(raw, i)
        row = row_offset + i if row_offset is not None else None
        try:
            out.append(model.model_validate(raw))
        except ValidationError as exc:
            if row is None:
                lines = _yaml_entry_lines(file) if lines is None else lines
                row = lines[i] if i < len(lines) else None
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or None
                collector.add(
                    Problem(
                        f"{err['msg']}.",
                        _fix_for(err, model),
                        file=file,
                        row=row,
                        column=loc,
                        entry=label,
                    )
                )
    return out


def _fix_for(err: Any, model: type[BaseModel]) -> str:
    kind = err.get("type", "")
    field = ".".join(str(p) for p in err["loc"])
    if kind == "missing":
        return f"Add the required field {field!r} to this entry."
    if kind == "extra_forbidden":
        allowed = ", ".join(sorted(model.model_fields))
        return f"Remove or rename {field!r}; allowed fields are: {allowed}."
    if kind in {"enum", "literal_error"}:
        ctx = err.get("ctx") or {}
        return f"Use one of the allowed values for {field!r}: {ctx.get('expected', '')}."
    return f"Correct the value of {field!r}."
