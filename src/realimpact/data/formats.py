"""The file formats realimpact imports: police.uk downloads and the partner long CSV.

Each format (a "kind") is described by a :class:`FileKind`: the exact header columns,
the internal snake_case names the store uses, how to find the month of a row, and which
columns the pre-aggregated monthly count table groups by.

police.uk formats follow the data.police.uk archive (https://data.police.uk/about/):
``YYYY-MM-<force>-street.csv`` (12 columns), ``-outcomes.csv`` (10) and
``-stop-and-search.csv`` (15). The partner format is realimpact's own, documented in
``docs/data.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "OUTCOMES",
    "PARTNER",
    "STOP_AND_SEARCH",
    "STREET",
    "FileKind",
    "kind_from_header",
    "parse_file_name",
]


@dataclass(frozen=True)
class FileKind:
    """One importable file format.

    Attributes
    ----------
    name : str
        Kind id used in the store layout (``street``, ``outcomes``, ``stop_and_search``,
        ``partner``).
    columns : tuple of (str, str)
        Header name as it appears in the file, and the store's column name.
    required : frozenset of str
        Header names that must be present (others may be missing, filled with NULL).
    month_column : str
        Header name of the column that gives the month (``YYYY-MM`` or an ISO date).
    count_by : tuple of str
        Store columns the monthly count table groups by (besides force, month, lsoa).
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    required: frozenset[str]
    month_column: str
    count_by: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(h for h, _ in self.columns)

    def store_name(self, header: str) -> str:
        return dict(self.columns)[header]


_STREET_COLS = (
    ("Crime ID", "crime_id"),
    ("Month", "month"),
    ("Reported by", "reported_by"),
    ("Falls within", "falls_within"),
    ("Longitude", "longitude"),
    ("Latitude", "latitude"),
    ("Location", "location"),
    ("LSOA code", "lsoa"),
    ("LSOA name", "lsoa_name"),
    ("Crime type", "crime_type"),
    ("Last outcome category", "last_outcome"),
    ("Context", "context"),
)
STREET = FileKind(
    name="street",
    columns=_STREET_COLS,
    required=frozenset(
        h for h, _ in _STREET_COLS if h not in {"Context", "Last outcome category", "LSOA name"}
    ),
    month_column="Month",
    count_by=("crime_type",),
)

_OUTCOME_COLS = (*_STREET_COLS[:9], ("Outcome type", "outcome_type"))
OUTCOMES = FileKind(
    name="outcomes",
    columns=_OUTCOME_COLS,
    required=frozenset({"Crime ID", "Month", "Longitude", "Latitude", "LSOA code", "Outcome type"}),
    month_column="Month",
    count_by=("outcome_type",),
)

_SAS_COLS = (
    ("Type", "search_type"),
    ("Date", "date"),
    ("Part of a policing operation", "part_of_operation"),
    ("Policing operation", "policing_operation"),
    ("Latitude", "latitude"),
    ("Longitude", "longitude"),
    ("Gender", "gender"),
    ("Age range", "age_range"),
    ("Self-defined ethnicity", "self_defined_ethnicity"),
    ("Officer-defined ethnicity", "officer_defined_ethnicity"),
    ("Legislation", "legislation"),
    ("Object of search", "object_of_search"),
    ("Outcome", "outcome"),
    ("Outcome linked to object of search", "outcome_linked"),
    ("Removal of more than just outer clothing", "removal_of_clothing"),
)
STOP_AND_SEARCH = FileKind(
    name="stop_and_search",
    columns=_SAS_COLS,
    required=frozenset({"Type", "Date", "Latitude", "Longitude", "Object of search", "Outcome"}),
    month_column="Date",
    count_by=("object_of_search", "outcome"),
)

PARTNER = FileKind(
    name="partner",
    columns=(
        ("month", "month"),
        ("lsoa_code", "lsoa"),
        ("latitude", "latitude"),
        ("longitude", "longitude"),
        ("measure", "measure"),
        ("value", "value"),
        ("source", "source"),
    ),
    required=frozenset({"month", "measure", "value"}),
    month_column="month",
    count_by=("measure", "source"),
)

KINDS: dict[str, FileKind] = {k.name: k for k in (STREET, OUTCOMES, STOP_AND_SEARCH, PARTNER)}

_DISTINCTIVE = {
    "street": {"Crime type", "Last outcome category"},
    "outcomes": {"Outcome type"},
    "stop_and_search": {"Object of search", "Legislation", "Officer-defined ethnicity"},
    "partner": {"measure", "value"},
}
_NAME_RE = re.compile(
    r"(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes|stop-and-search)"
    r"\.csv(\.gz)?$"
)


def kind_from_header(header: list[str], file_name: str = "") -> FileKind | None:
    """Guess the kind of a file from its header, falling back to its name.

    The header decides when it shares at least one distinctive column with a kind
    (``Crime type`` for street, ``Outcome type`` for outcomes, ...); partly renamed
    headers still resolve so that validation can name the renamed columns.
    """
    cols = {c.strip() for c in header}
    lowered = {c.lower() for c in cols}
    scores = {
        k: len(d & cols) + len({x.lower() for x in d} & lowered) for k, d in _DISTINCTIVE.items()
    }
    best = max(scores, key=lambda k: scores[k])
    if scores[best] > 0:
        if best == "street" and "Outcome type" in cols:
            return OUTCOMES
        return KINDS[best]
    parsed = parse_file_name(file_name)
    return KINDS[parsed[2]] if parsed else None


def parse_file_name(file_name: str) -> tuple[str, str, str] | None:
    """Month, force slug and kind from a police.uk file name, or None.

    >>> parse_file_name("2023-06-cleveland-street.csv.gz")
    ('2023-06', 'cleveland', 'street')
    """
    m = _NAME_RE.search(file_name.rsplit("/", 1)[-1])
    if not m:
        return None
    return m["month"], m["force"], m["kind"].replace("-", "_")


def force_slug(force_name: str) -> str:
    """``"Cleveland Police"`` -> ``"cleveland"`` (the slug police.uk uses in file names)."""
    name = force_name.strip().lower()
    for suffix in (" police service", " constabulary", " police"):
        name = name.removesuffix(suffix)
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")
