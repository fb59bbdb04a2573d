"""Turn pydantic validation errors into located :class:`~realimpact.exceptions.Problem` s."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from realimpact.exceptions import ConfigError, NotFoundError, Problem

__all__ = [
    "atomic_write",
    "locate_lines",
    "pydantic_problems",
    "read_yaml",
    "unknown_id_problem",
    "yaml_line",
]

_FIXES = {
    "missing": "Add the field.",
    "extra_forbidden": "Remove the field or fix its spelling (see docs/define.md).",
    "enum": "Use one of the allowed values.",
    "string_pattern_mismatch": "Use letters, digits, '.', '_' or '-' (at most 64 characters).",
    "bool_parsing": "Write true or false (or leave it out if not known).",
    "literal_error": "Use one of the allowed values.",
}


def pydantic_problems(
    exc: ValidationError, *, file: str | None, entry: str | None = None, row: int | None = None
) -> list[Problem]:
    """One Problem per pydantic error, naming the field path and a fix."""
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or None
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        fix = _FIXES.get(err["type"], "Correct the value (see docs/define.md).")
        if "expected" in ctx:
            fix = f"Use {ctx['expected']}."
        out.append(Problem(f"{err['msg']}.", fix, file=file, row=row, column=field, entry=entry))
    return out


def unknown_id_problem(
    value: str,
    known: Collection[str],
    *,
    what: str,
    fix: str,
    file: str | None,
    entry: str | None,
    column: str,
    row: int | None = None,
) -> Problem:
    """A Problem for an unknown id, suggesting close matches."""
    close = sorted(k for k in known if k.startswith(value))[:3]
    close = close or difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return Problem(
        f"{what} {value!r} does not exist.",
        fix + hint,
        file=file,
        row=row,
        column=column,
        entry=entry,
    )


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and rename (all or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_yaml(path: Path, what: str) -> Any:
    """Parse a YAML file; NotFoundError if missing, ConfigError naming the line if broken."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFoundError(f"no file {path}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"The {what} is not UTF-8 text.",
            [
                Problem(
                    f"byte {exc.start} cannot be read as UTF-8.",
                    "Save the file as UTF-8.",
                    file=str(path),
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"The {what} is not valid YAML.",
            [
                Problem(
                    f"YAML syntax error: {getattr(exc, 'problem', None) or exc}.",
                    "Fix the YAML syntax at that line (indentation, colons, quotes).",
                    file=str(path),
                    row=mark.line + 1 if mark is not None else None,
                )
            ],
        ) from None


def yaml_line(root: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """The 1-based YAML line of the node at path ``loc`` (the deepest node found)."""
    node = root
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and str(part).isdigit():
            node = node.value[int(part)] if int(part) < len(node.value) else None
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


def locate_lines(problems: Sequence[Problem], path: Path) -> list[Problem]:
    """``problems`` with ``row`` set to the YAML line of their dotted ``column`` field path.

    Problems that already have a row, or name no field, are returned as they are.
    """
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return list(problems)
    out = []
    for p in problems:
        line = yaml_line(root, p.column.split(".")) if p.column and p.row is None else None
        out.append(replace(p, row=line) if line is not None else p)
    return out
