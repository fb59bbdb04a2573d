"""``realimpact plan``: write, check and predict response plans; compare with evaluations."""

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
    err_console,
    get_workspace,
)
from realimpact.define import load_profile
from realimpact.exceptions import NotFoundError
from realimpact.framework import KnowledgeBase, load_knowledge_base
from realimpact.plan import (
    EvidenceLibrary,
    NetHarmPrediction,
    Plan,
    check_plan,
    compare,
    draft_plan,
    load_evidence_library,
    load_log,
    load_plan,
    plan_path,
    predict_net_harm,
    read_evaluation,
    save_plan,
)
from realimpact.workspace import Workspace

__all__ = ["register"]

app = typer.Typer(help="Response plans: targeted harms, responses, risks, measures, prediction.")
PlanArg = Annotated[str, typer.Argument(help="Plan file, or the name of a plan in the workspace.")]


def _context(ws: Workspace) -> tuple[KnowledgeBase, EvidenceLibrary]:
    kb = load_knowledge_base(ws.root / "framework")
    return kb, load_evidence_library(ws.root / "framework", kb)


def _load(ws: Workspace, ref: str) -> Plan:
    kb, lib = _context(ws)
    return load_plan(plan_path(ws, ref), kb=kb, library=lib)


@app.command("new")
@command
def new(
    name: Annotated[str, typer.Argument(help="Plan name (lower-case-with-hyphens).")],
    area: Annotated[str, typer.Option("--area", help="Saved area the plan works in.")],
    problem: Annotated[str, typer.Option("--problem", help="Problem profile name.")],
    response: Annotated[list[str], typer.Option("--response", help="Intervention id (repeat).")],
    harm: Annotated[
        list[str] | None,
        typer.Option("--harm", help="Targeted harm id (repeat); default: the problem's harms."),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="First month, YYYY-MM.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="File to write.")] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Draft a complete plan from the evidence library and save it as YAML to edit.

    Risks come from the responses' known displacement risks and harms, with known
    mitigations; ranges are placeholders to replace.

    Example: realimpact plan new boro --area boro --problem market --harm social.community.no-go-areas --response hot-spots
    """  # noqa: E501
    ws = get_workspace(workspace)
    kb, lib = _context(ws)
    profile = None if harm else load_profile(ws, problem, kb=kb)  # NotFoundError lists saved
    plan = draft_plan(
        name,
        area=area,
        problem=problem,
        harms=list(harm or []),
        responses=list(response),
        start=start,
        profile=profile,
        kb=kb,
        library=lib,
    )
    path = save_plan(plan, out or ws.path("plans") / f"{name}.yaml")
    if json_output:
        emit_json({"path": str(path), "plan": plan.to_dict()})
    else:
        console.print(plan.summary(), highlight=False, markup=False)
        err_console.print(f"Saved to {path}; edit it, then: realimpact plan check {name}")


@app.command("show")
@command
def show(plan: PlanArg, workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """Show a plan: targeted harms, responses, displacement and side-effect risks.

    Example: realimpact plan show examples/plan/operation-reduction.yaml
    """
    p = _load(get_workspace(workspace), plan)
    emit_json(p) if json_output else console.print(p.summary(), highlight=False, markup=False)


@app.command("check")
@command
def check(plan: PlanArg, workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """Validate a plan (precise errors) and warn about evidence and measures gaps.

    Example: realimpact plan check examples/plan/middlesbrough-centre.yaml
    """
    ws = get_workspace(workspace)
    kb, lib = _context(ws)
    p = load_plan(plan_path(ws, plan), kb=kb, library=lib)
    result = check_plan(p, ws, kb=kb, library=lib)
    if json_output:
        emit_json(result)
        return
    console.print(result.summary(), highlight=False, markup=False)
    console.print(result.measures.summary(), highlight=False, markup=False)


def _ledger_table(pred: NetHarmPrediction) -> Table:
    t = Table(title=f"Net harm: {pred.plan} ({pred.harm_unit} per month, or ordinal points)")
    t.add_column("kind")
    t.add_column("line", overflow="fold")
    for name in ("scale", "mean", "90% interval"):
        t.add_column(name, no_wrap=True)
    for ln in pred.lines:
        c = ln.contribution
        t.add_row(ln.kind, ln.id, ln.scale, f"{c.mean:+,.3g}", f"{c.low:+,.3g} to {c.high:+,.3g}")
    for scale, iv in pred.net.items():
        t.add_row(
            "NET",
            scale,
            scale,
            f"{iv.mean:+,.3g}",
            f"{iv.low:+,.3g} to {iv.high:+,.3g}",
            style="bold",
        )
    return t


@app.command("predict")
@command
def predict(
    plan: PlanArg,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    draws: Annotated[int, typer.Option("--draws", min=100, help="Simulation draws.")] = 10_000,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Predict the plan's net harm with uncertainty, P(net reduction) and sensitivity.

    Harm units use the plan's weight table and the area's baseline from the store;
    ordinal lines stay on the -3..+3 scale.

    Example: realimpact plan predict middlesbrough-centre --seed 1
    """
    ws = get_workspace(workspace)
    pred = predict_net_harm(_load(ws, plan), ws, n_draws=draws, seed=seed)
    if json_output:
        emit_json(pred)
        return
    console.print(_ledger_table(pred))
    for scale, p in pred.p_reduction.items():
        unit = f"{pred.harm_unit} per month" if scale == "harm" else "ordinal points"
        console.print(f"P(net reduction, {scale}: {unit}) = {p:.2f}", highlight=False, markup=False)
    console.print(f"P(net reduction on every scale) = {pred.p_reduction_all:.2f}")
    for w in pred.warnings:
        console.print(f"warning: {w}", style="yellow", highlight=False, markup=False)


@app.command("compare")
@command
def compare_(
    plan: PlanArg,
    evaluation: Annotated[Path, typer.Argument(help="Area evaluation JSON (evaluate --json).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Results analysis: the plan's predicted effects beside the evaluation's measured ones.

    With an implementation log, how the plan was carried out is reviewed too.

    Example: realimpact plan compare middlesbrough-centre evaluation.json
    """
    ws = get_workspace(workspace)
    data = read_evaluation(evaluation)
    p = _load(ws, plan)
    pred = predict_net_harm(p, ws, seed=seed)
    try:
        log = load_log(ws, p.name)
    except NotFoundError:
        log = None
    result = compare(pred, data, plan=p, log=log)
    emit_json(result) if json_output else console.print(
        result.summary(), highlight=False, markup=False
    )


def register(root: typer.Typer) -> None:
    """Add the ``plan`` command group to the root app."""
    root.add_typer(app, name="plan")
