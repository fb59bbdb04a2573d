"""Reported impacts of enforcement on drug-related harms (UKDPC 2009, Table 3.1).

Table 3.1 lists, in three columns, the harms that drug-related law enforcement has been
reported to *increase*, the harms it has been reported to *decrease*, and *other impacts*
(proxy measures for impact on harms, such as treatment uptake). Each item is one
:class:`ImpactEntry`. The table names no studies; ``evidence`` links an item to the chapter 3
text that reports it (study, enforcement approach and the exact quote), and ``harm_ids``
links it to the harm matrix (Table 4.1) where a harm fits.

Reference: UK Drug Policy Commission (2009), *Refocusing Drug-Related Law Enforcement to
Address Harms*, chapter 3 and Table 3.1 ("Summary of the impacts that drug-related law
enforcement activity has been reported to have on drug-related harms").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from realimpact.exceptions import Problem
from realimpact.framework._loader import ProblemCollector, read_entries, validate_entries
from realimpact.framework.cases import HarmId, Text

__all__ = [
    "IMPACTS_PATH",
    "Evidence",
    "ImpactEntry",
    "check_impact_harm_links",
    "impacts_for_harm",
    "load_impacts",
]

IMPACTS_PATH = Path(str(files("realimpact.framework") / "data" / "impacts.yaml"))
"""Table 3.1 as shipped with the package."""

ImpactDirection = Literal["increased", "decreased", "other"]
_COLUMN = {
    "increased": "Harms increased",
    "decreased": "Harms decreased",
    "other": "Other impacts (proxy measures for impact on harms)",
}


class Evidence(BaseModel):
    """A passage of the report supporting a Table 3.1 item: study, approach and exact quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    study: str | None = None
    approach: Text
    quote: Text


class ImpactEntry(BaseModel):
    """One item of Table 3.1.

    ``direction`` is the column (``increased``, ``decreased`` or ``other``) and ``position``
    the item's row within it, counted from 1.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Text
    label: Text
    direction: ImpactDirection
    position: int
    harm_ids: tuple[HarmId, ...] = ()
    harm_note: str | None = None
    evidence: tuple[Evidence, ...] = ()
    evidence_note: str | None = None

    @model_validator(mode="after")
    def _explained(self) -> ImpactEntry:
        if self.position < 1:
            raise ValueError("'position' counts rows from 1")
        if not self.evidence and not self.evidence_note:
            raise ValueError("'evidence' is empty: add evidence or an 'evidence_note'")
        return self

    @property
    def column(self) -> str:
        """The Table 3.1 column heading the item sits under."""
        return _COLUMN[self.direction]

    @property
    def citation(self) -> str:
        """Where the item comes from."""
        return "Table 3.1"

    @property
    def studies(self) -> tuple[str, ...]:
        """The studies the report's text names for this item, without repeats."""
        return tuple(dict.fromkeys(e.study for e in self.evidence if e.study))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: every field plus ``column`` and ``citation``."""
        out = self.model_dump(mode="json")
        out["column"] = self.column
        out["citation"] = self.citation
        return out

    def summary(self) -> str:
        """One line for people, e.g. ``Harms increased: Overdose deaths (Kerr et al. (2005))``."""
        studies = "; ".join(self.studies) or "no study named"
        return f"{self.column}: {self.label} ({studies})"


def load_impacts(paths: Iterable[Path], collector: ProblemCollector) -> list[ImpactEntry]:
    """Load and validate Table 3.1 files; problems go to ``collector``.

    Parameters
    ----------
    paths
        YAML files, each a list of impact entries (see ``data/impacts.yaml``).
    collector
        Receives every problem (file, entry, field and fix); invalid entries are left out.

    Returns
    -------
    list of ImpactEntry
        Valid entries in file order. A repeated id is reported as a problem.

    Examples
    --------
    >>> c = ProblemCollector()
    >>> rows = load_impacts([IMPACTS_PATH], c)
    >>> sorted({r.direction for r in rows if r.label == "Overdose deaths"})
    ['decreased', 'increased']
    """
    out: list[ImpactEntry] = []
    seen: set[str] = set()
    for path in paths:
        raw = read_entries(path, collector)
        for entry in validate_entries(ImpactEntry, raw, file=str(path), collector=collector):
            if entry.id in seen:
                collector.add(
                    Problem(
                        "this impact id is already used by an earlier entry.",
                        "Give the entry a new id of the form '{direction}.{slug}'.",
                        file=str(path),
                        column="id",
                        entry=entry.id,
                    )
                )
                continue
            seen.add(entry.id)
            out.append(entry)
    return out


def impacts_for_harm(impacts: Iterable[ImpactEntry], harm_id: str) -> list[ImpactEntry]:
    """The Table 3.1 items linked to one harm-matrix id (both directions)."""
    return [i for i in impacts if harm_id in i.harm_ids]


def check_impact_harm_links(
    impacts: Sequence[ImpactEntry], harm_ids: Iterable[str], collector: ProblemCollector
) -> None:
    """Report every ``harm_ids`` link that is not in the harm matrix."""
    collector.unknown_harm_links(impacts, "harm_ids", harm_ids)
