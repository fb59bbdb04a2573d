"""Read YAML/CSV input files and validate them, collecting every problem before raising.

Problems name the file, the entry (its ``id``/``name`` or position), the row (CSV rows
count as a spreadsheet shows them: header is row 1) and the field, with the fix.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from realimpact.exceptions import ConfigError, Problem

__all__ = [
    "Collector",
    "entry_label",
    "entry_lines",
    "read_mapping",
    "read_records",
    "validate_model",
]

M = TypeVar("M", bound=BaseModel)


class Collector:
    """Collects problems from one or more files, then raises them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, fix: str, **where: Any) -> None:
        self.problems.append(Problem(message, fix, **where))

    def duplicates(self, values: Sequence[str], what: str, file: str) -> None:
        """Report each value used more than once (``what`` names it: 'problem name')."""
        for dup in sorted({v for v in values if values.count(v) > 1}):
            self.add(
                f"{what} {dup!r} is used more than once.",
                f"Give each entry a unique {what.split()[-1]}.",
                file=file,
                entry=dup,
            )

    def raise_if_any(self, summary: str) -> None:
        if any(p.severity == "error" for p in self.problems):
            raise ConfigError(summary, self.problems)


def _read_text(path: Path, col: Collector) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        col.add(
            f"cannot read the file ({exc}).", "Check the path; save it as UTF-8.", file=str(path)
        )
        return None


def read_mapping(path: Path, col: Collector) -> Any:
    """Load a YAML file; syntax errors are reported with line and column."""
    text = _read_text(path, col)
    if text is None:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        col.add(
            f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}.",
            "Correct the YAML syntax (indentation, quotes, colons) at that place.",
            file=str(path),
            row=mark.line + 1 if mark else None,
        )
        return None


def read_records(path: Path, col: Collector, *, key: str) -> tuple[list[Any], int | None]:
    """Read a list of entries from YAML (top-level list or under ``key``) or CSV.

    Returns the entries and, for CSV, the spreadsheet row of the first entry (2).
    """
    if path.suffix.lower() == ".csv":
        text = _read_text(path, col)
        if text is None:
            return [], 2
        return [dict(r) for r in csv.DictReader(text.splitlines())], 2
    before = len(col.problems)
    data = read_mapping(path, col)
    if len(col.problems) > before:  # unreadable or not YAML: already reported
        return [], None
    if isinstance(data, Mapping):
        data = data.get(key)
    if data is None:
        col.add(
            f"holds no {key!r} list.",
            f"Put the entries in a YAML list under {key!r}.",
            file=str(path),
        )
        return [], None
    if not isinstance(data, list):
        col.add(
            f"{key!r} must be a list of entries.",
            f"Make {key!r} a YAML list ('- ...').",
            file=str(path),
        )
        return [], None
    return data, None


def entry_lines(path: Path, key: str) -> list[int]:
    """The line where each YAML entry (a top-level list or the list under ``key``) starts."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def entry_label(raw: Any, index: int) -> str:
    if isinstance(raw, Mapping):
        for k in ("id", "name"):
            if raw.get(k):
                return str(raw[k])
    return f"#{index + 1}"


def validate_model(
    model: type[M],
    raw: Any,
    col: Collector,
    *,
    file: str,
    entry: str | None = None,
    row: int | None = None,
) -> M | None:
    """Validate ``raw`` against ``model``; report each pydantic error as a located Problem."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or None
            col.add(
                f"{err['msg']}.", _fix_for(err, model), file=file, row=row, column=loc, entry=entry
            )
        return None


def _fix_for(err: Mapping[str, Any], model: type[BaseModel]) -> str:
    kind = err.get("type", "")
    field = ".".join(str(p) for p in err["loc"])
    if kind == "missing":
        return f"Add the required field {field!r}."
    if kind == "extra_forbidden":
        return f"Remove or rename {field!r}; allowed fields are: {', '.join(model.model_fields)}."
    if kind in {"enum", "literal_error"}:
        ctx = err.get("ctx") or {}
        return f"Use one of the allowed values for {field!r}: {ctx.get('expected', '')}."
    if kind == "value_error":
        return "Correct the value as the message says."
    return f"Correct the value of {field!r}."


def as_list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else [value]
