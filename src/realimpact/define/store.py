"""Problem profiles on disk: ``<workspace>/problems/<name>.yaml``.

The file is the YAML form of :meth:`ProblemProfile.to_dict` (format in docs/define.md).
Reading checks everything and reports every problem at once as a
:class:`~realimpact.exceptions.ConfigError` naming the file, the entry (the profile's
name) and the field, with a fix: unknown fields and values, harm ids not in the matrix,
5WH question ids not in Table 4.3, an area not saved in the workspace, and harm scores
outside 0-4. Saving validates first and writes atomically, so an invalid profile never
replaces a good file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from realimpact.define._errors import (
    atomic_write,
    locate_lines,
    pydantic_problems,
    read_yaml,
    unknown_id_problem,
)
from realimpact.define.profile import ProblemProfile, _range
from realimpact.exceptions import ConfigError, NotFoundError, Problem
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.workspace import Workspace

__all__ = [
    "check_profile",
    "list_profiles",
    "load_profile",
    "profile_path",
    "read_profile_file",
    "save_profile",
    "validate_profile",
]


def profile_path(workspace: Workspace, name: str) -> Path:
    """Where the profile ``name`` is stored."""
    return workspace.path("problems") / f"{name}.yaml"


def check_profile(
    profile: ProblemProfile,
    *,
    kb: KnowledgeBase | None = None,
    workspace: Workspace | None = None,
    file: str | None = None,
) -> list[Problem]:
    """Problems of a well-formed profile against the knowledge base and the workspace."""
    kb = kb if kb is not None else load_knowledge_base()
    known = {h.id for h in kb.harms}
    where: dict[str, Any] = {"file": file, "entry": profile.name}
    out: list[Problem] = []
    fix = "Use a harm id of the matrix (realimpact harms search WORDS)."
    refs = [
        (f"chains.{i}.harm_ids.{j}", h)
        for i, c in enumerate(profile.chains)
        for j, h in enumerate(c.harm_ids)
    ]
    refs += [(f"decisions.{i}.harm_id", d.harm_id) for i, d in enumerate(profile.decisions)]
    refs += [(f"harm_scores.{i}.id", h.id) for i, h in enumerate(profile.harm_scores)]
    for column, hid in refs:
        if hid not in known:
            out.append(unknown_id_problem(hid, known, what="harm", fix=fix, column=column, **where))
    questions = {q.id for q in kb.questions}
    for qid in profile.answers:
        if qid not in questions:
            out.append(
                unknown_id_problem(
                    qid,
                    questions,
                    what="5WH question",
                    column=f"answers.{qid}",
                    fix="Use a Table 4.3 question id (realimpact questions).",
                    **where,
                )
            )
    out += _score_problems(profile, file)
    area = profile.area
    if workspace is not None and area and not (workspace.areas_dir / f"{area}.json").exists():
        out.append(
            Problem(
                f"area {area!r} is not saved in the workspace.",
                f"Save it first: realimpact area add {area} --lsoa CODE ...",
                column="area",
                **where,
            )
        )
    return out


def _score_problems(profile: ProblemProfile, file: str | None) -> list[Problem]:
    out = []
    for i, h in enumerate(profile.harm_scores):
        for part in ("extent", "seriousness"):
            try:
                r = _range(getattr(h, part))
                bad = r.low < 0 or r.high > 4
            except (ValueError, TypeError, KeyError) as exc:
                bad, r = True, None
                msg = str(exc)
            if bad:
                shown = f"{r.low:g}-{r.high:g} is outside 0-4" if r is not None else msg
                out.append(
                    Problem(
                        f"{part} of harm {h.id!r}: {shown}.",
                        "Give a number 0-4, [low, high], [low, mode, high] or 'unknown'.",
                        file=file,
                        entry=profile.name,
                        column=f"harm_scores.{i}.{part}",
                    )
                )
    return out


def _checks_of_the_rest(
    raw: Mapping[str, Any],
    exc: ValidationError,
    *,
    kb: KnowledgeBase | None,
    workspace: Workspace | None,
    file: str | None,
) -> list[Problem]:
    """The reference checks of the fields without shape errors, so all come at once."""
    bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    rest = {k: v for k, v in raw.items() if str(k) not in bad or k == "name"}
    try:
        partial = ProblemProfile.model_validate(rest)
    except ValidationError:  # e.g. the name itself is bad: nothing more can be checked
        return []
    return check_profile(partial, kb=kb, workspace=workspace, file=file)


def validate_profile(
    raw: Any,
    *,
    file: str | None = None,
    kb: KnowledgeBase | None = None,
    workspace: Workspace | None = None,
) -> ProblemProfile:
    """Build and check a profile from a mapping; ConfigError lists every problem."""
    label = str(raw.get("name")) if isinstance(raw, Mapping) and raw.get("name") else None
    if not isinstance(raw, Mapping):
        raise ConfigError(
            "The problem profile is invalid.",
            [
                Problem(
                    "a profile must be a YAML mapping of fields.",
                    "Start from examples/define/open-market.yaml.",
                    file=file,
                )
            ],
        )
    try:
        profile = ProblemProfile.model_validate(dict(raw))
    except ValidationError as exc:
        problems = pydantic_problems(exc, file=file, entry=label)
        problems += _checks_of_the_rest(raw, exc, kb=kb, workspace=workspace, file=file)
        raise ConfigError("The problem profile is invalid.", problems) from None
    problems = check_profile(profile, kb=kb, workspace=workspace, file=file)
    if problems:
        raise ConfigError("The problem profile is invalid.", problems)
    return profile


def read_profile_file(
    path: str | Path, *, kb: KnowledgeBase | None = None, workspace: Workspace | None = None
) -> ProblemProfile:
    """Read and check a profile YAML file (format in docs/define.md).

    With ``workspace``, the profile's ``area`` must be saved in it. Raises
    :class:`~realimpact.exceptions.NotFoundError` for a missing file and
    :class:`~realimpact.exceptions.ConfigError` listing every problem (YAML syntax with its
    line; unknown fields and values, harm and question ids, scores outside 0-4).

    Examples
    --------
    >>> from pathlib import Path
    >>> p = read_profile_file(Path("examples/define/open-market.yaml"))  # doctest: +SKIP
    >>> p.openness.value  # doctest: +SKIP
    'open'
    """
    path = Path(path)
    raw = read_yaml(path, "problem profile")
    try:
        return validate_profile(raw, file=str(path), kb=kb, workspace=workspace)
    except ConfigError as exc:
        raise ConfigError(exc.summary, locate_lines(exc.problems, path)) from None


def save_profile(
    workspace: Workspace,
    profile: ProblemProfile,
    *,
    overwrite: bool = False,
    kb: KnowledgeBase | None = None,
) -> Path:
    """Check and save a profile to ``<workspace>/problems/<name>.yaml``, atomically.

    Parameters
    ----------
    workspace : Workspace
        Where to save; the profile's ``area`` must be saved there.
    profile : ProblemProfile
        The profile (checked with :func:`check_profile`).
    overwrite : bool
        Replace a saved profile of the same name.
    kb : KnowledgeBase, optional
        Knowledge base for harm and question ids (default: the package's).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ConfigError
        Listing every problem (file, entry, field, fix); nothing is written and an existing
        file is left byte for byte as it was.
    """
    path = profile_path(workspace, profile.name)
    problems = check_profile(profile, kb=kb, workspace=workspace, file=str(path))
    if path.exists() and not overwrite:
        problems.append(
            Problem(
                f"a problem named {profile.name!r} already exists.",
                "Choose another name, or replace it (--replace / overwrite=True).",
                file=str(path),
                entry=profile.name,
                column="name",
            )
        )
    if problems:
        raise ConfigError(f"Problem {profile.name!r} was not saved.", problems)
    text = yaml.safe_dump(profile.to_dict(), sort_keys=False, allow_unicode=True, width=100)
    atomic_write(path, text)
    return path


def load_profile(
    workspace: Workspace, name: str, *, kb: KnowledgeBase | None = None
) -> ProblemProfile:
    """Load the saved profile ``name`` (NotFoundError lists the saved names)."""
    path = profile_path(workspace, name)
    if not path.exists():
        names = [p.name for p in list_profiles(workspace, kb=kb)]
        raise NotFoundError(
            f"no problem named {name!r} in {workspace.root}. Saved: {', '.join(names) or 'none'}."
        )
    return read_profile_file(path, kb=kb)


def list_profiles(workspace: Workspace, *, kb: KnowledgeBase | None = None) -> list[ProblemProfile]:
    """Every saved profile, by name."""
    kb = kb if kb is not None else load_knowledge_base()
    paths = sorted(workspace.path("problems").glob("*.yaml"))
    return [read_profile_file(p, kb=kb) for p in paths]
