"""Files for ``realimpact prioritise``: problems from saved profiles, community weights.

So that the whole define -> prioritise flow also works from the command line:
``realimpact problem export --out problems.yaml`` writes the profiles in the problems-file
format of :func:`realimpact.prioritise.load_problems` (name, area, scores, per-harm extent
and seriousness, notes), and ``realimpact survey weights NAME --partners FILE --out FILE``
writes a weights file (:func:`realimpact.prioritise.load_weights`) with the survey's
``community`` vector added to the partners' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from realimpact.define._errors import atomic_write, read_yaml
from realimpact.define.community import CommunityWeights
from realimpact.define.profile import ProblemProfile
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.prioritise import ScoringModel, load_preset

__all__ = ["problems_document", "weights_document", "write_yaml"]


def _problem(profile: ProblemProfile) -> dict[str, Any]:
    notes = [profile.title, profile.notes]
    if profile.baseline is not None:
        notes.append(profile.baseline.summary().splitlines()[0])
    entry: dict[str, Any] = {"name": profile.name}
    if profile.area:
        entry["area"] = profile.area
    entry["scores"] = dict(profile.scores)
    entry["harms"] = [
        {"id": h.id, "extent": h.extent, "seriousness": h.seriousness} for h in profile.harm_scores
    ]
    entry["notes"] = " ".join(n for n in notes if n)
    return entry


def problems_document(profiles: Sequence[ProblemProfile]) -> dict[str, Any]:
    """A ``{"problems": [...]}`` mapping in the prioritise problems-file format.

    Profiles without scores or harm scores are exported as they are; ``prioritise`` then
    reports each missing dimension (give ``unknown`` for a score that is not known).
    Raises :class:`~realimpact.exceptions.NotFoundError` for no profiles (a problems file
    with none cannot be ranked).
    """
    if not profiles:
        raise NotFoundError(
            "no problem profiles to export. Add one with: realimpact problem add FILE.yaml"
        )
    return {"problems": [_problem(p) for p in profiles]}


def weights_document(
    community: CommunityWeights,
    model: ScoringModel | str = "ukdpc",
    *,
    partners_file: str | Path | None = None,
    name: str = "community",
) -> dict[str, Any]:
    """A weights-file mapping: the partners of ``partners_file`` (if any) plus ``name``.

    Raises :class:`~realimpact.exceptions.ConfigError` if the partners file already has a
    partner called ``name`` or is not a weights file.
    """
    model = load_preset(model) if isinstance(model, str) else model
    doc: dict[str, Any] = {"method": "equal_influence", "partners": {}}
    if partners_file is not None:
        raw = read_yaml(Path(partners_file), "weights file")
        if not isinstance(raw, dict) or not isinstance(raw.get("partners"), dict):
            raise ConfigError(
                "The partners file is not a weights file.",
                [
                    Problem(
                        "it needs a 'partners:' mapping of partner -> {dimension: weight}.",
                        "See docs/prioritise.md, 'Weights file'.",
                        file=str(partners_file),
                    )
                ],
            )
        doc = {"method": raw.get("method", "equal_influence"), "partners": dict(raw["partners"])}
        if name in doc["partners"]:
            raise ConfigError(
                "The partner name is taken.",
                [
                    Problem(
                        f"the partners file already has a partner {name!r}.",
                        "Remove it from the file or choose another --name-as.",
                        file=str(partners_file),
                        entry=name,
                    )
                ],
            )
    vec = community.for_model(model)
    doc["partners"][name] = {k: round(v, 6) for k, v in vec.items()}
    return doc


def write_yaml(path: str | Path, doc: dict[str, Any], *, header: str = "") -> Path:
    """Write ``doc`` as YAML atomically, with an optional comment header."""
    path = Path(path)
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    atomic_write(path, comment + text)
    return path
