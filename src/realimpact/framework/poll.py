"""The enforcement personnel opinion poll of UKDPC (2009), Appendix D, as a tidy dataset.

427 enforcement personnel (a self-selected, not representative, sample) answered statements
on a four-point agree/disagree scale plus "Don't know", and one question on the main aim of
enforcement. The report gives percentages for some responses and only words ("just over
half", "the vast majority") for others; both are kept, the words in ``reported``, and no
number is inferred from words. The report gives no per-question bases: ``base_n`` is empty
and :attr:`PollResults.respondents` holds the 427 completed questionnaires.

Reference: UK Drug Policy Commission (2009), *Refocusing Drug-Related Law Enforcement to
Address Harms*, Appendix D ("Enforcement Personnel Opinion Poll Results").
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from realimpact.framework._loader import ProblemCollector, read_entries, validate_entries
from realimpact.framework.cases import Slug, Text

__all__ = ["POLL_PATH", "PollResponse", "PollResults", "load_poll"]

POLL_PATH = Path(str(files("realimpact.framework") / "data" / "poll.csv"))
"""Appendix D as shipped with the package."""

RESPONDENTS = 427
"""'In total 427 completed questionnaires were received.' (Appendix D)"""
DONT_KNOW_RANGE = (3, 69)
"""'The number of people who responded "Don't know" ... ranging from 3 to 69' (Appendix D)."""


class PollResponse(BaseModel):
    """One reported result: a response option of one question, with its share and quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question_id: Slug
    section: Text
    question_text: Text
    response: Text
    percentage: float | None = Field(default=None, ge=0, le=100)
    count: int | None = Field(default=None, ge=0)
    reported: Text
    respondent_group: Text
    base_n: int | None = Field(default=None, gt=0)
    quote: Text

    @field_validator("percentage", "count", "base_n", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _has_result(self) -> PollResponse:
        if self.count is not None and self.base_n is not None and self.count > self.base_n:
            raise ValueError("'count' cannot exceed 'base_n'")
        return self


@dataclass(frozen=True)
class PollResults:
    """The Appendix D poll: every reported response, with the survey's size.

    Attributes
    ----------
    responses
        One :class:`PollResponse` per reported result, in the report's order.
    respondents
        Completed questionnaires (427).
    dont_know_range
        Fewest and most "Don't know" answers to any statement question (3 and 69).
    citation
        Where the data come from.
    """

    responses: tuple[PollResponse, ...]
    respondents: int = RESPONDENTS
    dont_know_range: tuple[int, int] = DONT_KNOW_RANGE
    citation: str = "Appendix D"

    @property
    def question_ids(self) -> tuple[str, ...]:
        """The questions, in the report's order."""
        return tuple(dict.fromkeys(r.question_id for r in self.responses))

    def question(self, question_id: str) -> tuple[PollResponse, ...]:
        """The reported responses to one question."""
        return tuple(r for r in self.responses if r.question_id == question_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per reported response; ``percentage`` is NaN where the report gives words."""
        frame = pd.DataFrame([r.model_dump() for r in self.responses])
        return frame.astype({"percentage": "float64", "count": "Int64", "base_n": "Int64"})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "citation": self.citation,
            "respondents": self.respondents,
            "dont_know_range": list(self.dont_know_range),
            "responses": [r.model_dump(mode="json") for r in self.responses],
        }

    def summary(self) -> str:
        """One line per question: the statement and what was reported."""
        lines = [f"Enforcement personnel poll ({self.citation}), {self.respondents} respondents"]
        for qid in self.question_ids:
            rows = self.question(qid)
            results = "; ".join(f"{r.response} {r.reported}" for r in rows)
            lines.append(f"- {rows[0].question_text} -> {results}")
        return "\n".join(lines)


def load_poll(path: Path | None = None) -> PollResults:
    """Load the Appendix D poll results.

    Parameters
    ----------
    path
        A CSV of the same columns; default the copy shipped with the package.

    Raises
    ------
    KnowledgeBaseError
        If any row is invalid; every problem names the file, row and column.

    Examples
    --------
    >>> poll = load_poll()
    >>> [r.percentage for r in poll.question("aim")]
    [39.0, 28.0, 22.0, 11.0]
    """
    source = path or POLL_PATH
    collector = ProblemCollector()
    raw = read_entries(source, collector)
    rows = validate_entries(PollResponse, raw, file=str(source), collector=collector, row_offset=2)
    collector.raise_if_any("The opinion-poll file has invalid rows.")
    return PollResults(responses=tuple(rows))
