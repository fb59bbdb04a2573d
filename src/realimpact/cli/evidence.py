"""``realimpact evidence``: the evidence library of intervention types (list, show, search)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from realimpact.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    command,
    console,
    emit_json,
    get_workspace,
)
from realimpact.exceptions import ConfigError, Problem
from realimpact.framework import load_knowledge_base
from realimpact.plan import (
    EvidenceLibrary,
    Intervention,
    file_evaluation,
    load_evidence_library,
    read_evaluation,
)
from realimpact.workspace import default_workspace_path

__all__ = ["register"]

app = typer.Typer(help="The evidence library: intervention types and what they do to harms.")


def _library(workspace: WorkspaceOpt) -> EvidenceLibrary:
    """The library with the workspace's overlay, if the workspace has one (nothing created)."""
    root = default_workspace_path() if workspace is None else workspace
    overlay = root / "framework"
    return load_evidence_library(overlay if overlay.is_dir() else None)


def _check_filters(workspace: WorkspaceOpt, harm: str | None, strategy: str | None) -> None:
    """An unknown harm id (NotFoundError with close ids) or strategy group is an error."""
    if harm is not None:
        overlay = (default_workspace_path() if workspace is None else workspace) / "framework"
        load_knowledge_base(overlay if overlay.is_dir() else None).harm(harm)
    if strategy is not None and strategy not in ("a", "b", "c", "d"):
        raise ConfigError(
            "Unknown strategy group.",
            [Problem(f"{strategy!r} is not a group.", "Use a, b, c or d.", column="strategy")],
        )


def _table(items: tuple[Intervention, ...]) -> Table:
    t = Table(title="Evidence library")
    t.add_column("id", no_wrap=True)
    for name in ("group", "evidence", "strength", "name"):
        t.add_column(name)
    for i in items:
        e = i.emmie
        local = " (local)" if i.local else ""
        t.add_row(i.id, i.strategy_group, e.direction, f"{e.overall()}/3", i.name + local)
    return t


@app.command("list")
@command
def list_(
    strategy: Annotated[
        str | None, typer.Option("--strategy", help="Only strategy group a, b, c or d.")
    ] = None,
    harm: Annotated[
        str | None, typer.Option("--harm", help="Only those reported to decrease this harm id.")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List intervention types with their strategy group and strength of evidence.

    Strength is the weakest of effect, mechanism, moderators and implementation on the
    0-3 scale (0 none, 1 limited, 2 moderate, 3 strong).

    Example: realimpact evidence list --harm social.community.victim-of-crime-asb
    """
    lib = _library(workspace)
    _check_filters(workspace, harm, strategy)
    items = lib.search("", harm=harm)
    if strategy:
        items = tuple(i for i in items if i.strategy_group == strategy)
    if json_output:
        emit_json([i.to_dict() for i in items])
    else:
        console.print(_table(items))


@app.command("show")
@command
def show(
    intervention: Annotated[str, typer.Argument(help="Intervention id, e.g. hot-spots.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show one intervention: mechanism, harms, displacement, mitigations, evidence, cases.

    Example: realimpact evidence show treatment-outreach
    """
    item = _library(workspace).get(intervention)
    emit_json(item) if json_output else console.print(item.summary(), highlight=False, markup=False)


@app.command("search")
@command
def search(
    text: Annotated[str, typer.Argument(help="Words that must all appear.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Search interventions by words in their name, mechanism, studies and mitigations.

    Example: realimpact evidence search "nuisance abatement"
    """
    items = _library(workspace).search(text)
    if json_output:
        emit_json([i.to_dict() for i in items])
    else:
        console.print(_table(items))


@app.command("file")
@command
def file_(
    intervention: Annotated[str, typer.Argument(help="Intervention id the evaluation informs.")],
    evaluation: Annotated[Path, typer.Argument(help="Area evaluation JSON (evaluate --json).")],
    plan: Annotated[str | None, typer.Option("--plan", help="The plan evaluated.")] = None,
    evidence_id: Annotated[str | None, typer.Option("--id", help="Id of the evidence.")] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """File a local evaluation as evidence for an intervention (workspace overlay).

    Example: realimpact evidence file hot-spots evaluation.json --plan middlesbrough-centre
    """
    data = read_evaluation(evaluation)
    filed = file_evaluation(
        get_workspace(workspace),
        intervention,
        data,
        plan=plan,
        evidence_id=evidence_id,
        source_file=str(evaluation),
    )
    if json_output:
        emit_json(filed)
    else:
        console.print(
            f"Filed {filed.id} for {intervention}: {filed.estimate:+.3g} {filed.unit} "
            f"({filed.method})",
            highlight=False,
            markup=False,
        )


def register(root: typer.Typer) -> None:
    """Add the ``evidence`` command group to the root app."""
    root.add_typer(app, name="evidence")
