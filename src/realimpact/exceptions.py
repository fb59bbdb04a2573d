"""Errors and warnings raised by realimpact.

Errors are for unusable input; statistical caveats are warnings (as in statsmodels).
Every error that concerns input carries the list of *all* problems found, each with the
file, row and column it is in and what would fix it.

Hierarchy::

    RealImpactError                 base of every error realimpact raises on purpose
    ├── InputError                  input cannot be used; .problems lists every problem
    │   ├── KnowledgeBaseError      a framework data file (package or overlay) is invalid
    │   ├── ImportValidationError   a data file failed validation; the store is unchanged
    │   └── ConfigError             a YAML/CSV configuration (problem, plan, weights) is invalid
    ├── NotFoundError               an id, area, workspace object or file does not exist
    └── WorkspaceError              the workspace cannot be opened or written

    RealImpactWarning (UserWarning) base of realimpact's warnings
    ├── DataQualityWarning          input accepted, but something in it deserves a look
    └── MethodWarning               a statistical method's assumption may not hold
    RealImpactDeprecationWarning    an API that will go
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = [
    "ConfigError",
    "DataQualityWarning",
    "ImportValidationError",
    "InputError",
    "KnowledgeBaseError",
    "MethodWarning",
    "NotFoundError",
    "Problem",
    "RealImpactDeprecationWarning",
    "RealImpactError",
    "RealImpactWarning",
    "WorkspaceError",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it.

    ``row`` counts data rows from 1 as a spreadsheet shows them (the header is row 1, so the
    first data row is row 2) for CSV files; for YAML/TOML files it is the entry's position or
    id, given in ``entry``.
    """

    message: str
    fix: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    entry: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.entry:
            parts.append(f"entry {self.entry!r}")
        return ", ".join(parts) if parts else "input"

    def __str__(self) -> str:
        return f"{self.location()}: {self.message} Fix: {self.fix}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RealImpactError(Exception):
    """Base class of all errors realimpact raises on purpose."""


class InputError(RealImpactError):
    """Input cannot be used. ``problems`` lists every problem found, not just the first."""

    def __init__(self, summary: str, problems: Iterable[Problem] = ()) -> None:
        self.summary = summary
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    @property
    def errors(self) -> Sequence[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> Sequence[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def _render(self) -> str:
        if not self.problems:
            return self.summary
        shown = self.problems[:50]
        lines = [self.summary, *(f"  - [{p.severity}] {p}" for p in shown)]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more problems")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": self.summary,
            "problems": [p.to_dict() for p in self.problems],
        }


class KnowledgeBaseError(InputError):
    """A framework data file (shipped with the package or in a workspace overlay) is invalid."""


class ImportValidationError(InputError):
    """A data file failed validation. Nothing was written: the store is as it was."""


class ConfigError(InputError):
    """A configuration file (problem profile, plan, weights, survey) is invalid."""


class NotFoundError(RealImpactError, KeyError):
    """An id, area, or other named object does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class WorkspaceError(RealImpactError):
    """The workspace cannot be opened, created or written."""


class RealImpactWarning(UserWarning):
    """Base class of realimpact's warnings."""


class DataQualityWarning(RealImpactWarning):
    """Input was accepted, but something in it deserves a look."""


class MethodWarning(RealImpactWarning):
    """A statistical method's assumption may not hold; read the result with care."""


class RealImpactDeprecationWarning(DeprecationWarning):
    """An API that will be removed."""
