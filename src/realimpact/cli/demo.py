"""``realimpact demo``: the main job (an evaluation of a real area), and a framework tour.

``realimpact demo`` runs :func:`realimpact.evaluate.demo.evaluation_demo`: it imports the
shipped Cleveland police.uk sample into a demo workspace (``--workspace``, default
``./realimpact-demo``), evaluates a named Middlesbrough area around a stated start month for
a hypothetical operation, and prints the verdict with caveats, displacement and value for
money. ``realimpact demo --tour`` shows the framework tour instead: :func:`framework_tour`,
which prints its sections on a rich console and returns the same content as data.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from realimpact.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    command,
    console,
    emit_json,
    progress_bar,
)
from realimpact.cli.framework import harm_json
from realimpact.evaluate.demo import DEMO_START, evaluation_demo
from realimpact.exceptions import MethodWarning
from realimpact.framework import HarmLevel, HarmType, KnowledgeBase, knowledge_base_for_workspace
from realimpact.workspace import open_workspace

__all__ = ["DEMO_WORKSPACE", "EXAMPLE_CASE", "EXAMPLE_HARM", "framework_tour", "register"]

EXAMPLE_HARM = "social.community.fear-of-crime-anti-social-behaviour-asb"
"""The harm the tour shows with its measures: the community harm Table 4.2 returns to most."""

EXAMPLE_CASE = "operation-nemesis"
"""The case study the tour shows."""

DEMO_WORKSPACE = Path("realimpact-demo")
"""Where ``realimpact demo`` imports the sample when no ``--workspace`` is given."""


def _stages(out: Console, kb: KnowledgeBase) -> None:
    out.rule("1. The six stages of a harm-focused programme (Figure 4.2)")
    for stage in kb.stages:
        out.print(f"[bold]{stage.number}. {stage.title}[/]")
        out.print(f"   e.g. {stage.guiding_questions[0]}", highlight=False)


def _matrix(out: Console, kb: KnowledgeBase) -> None:
    out.rule("2. The drug-harm matrix (Table 4.1): harms per type and level")
    table = Table()
    table.add_column("Type")
    for level in HarmLevel:
        table.add_column(level.label, justify="right")
    counts = kb.matrix_counts()
    for type_ in HarmType:
        table.add_row(type_.label, *(str(counts[type_][lv]) for lv in HarmLevel))
    out.print(table)
    out.print(f"{len(kb.harms)} harms. List them with `realimpact harms`.")


def _example_harm(out: Console, kb: KnowledgeBase) -> None:
    harm = kb.harm(EXAMPLE_HARM)
    out.rule("3. One harm and the measures that can show it")
    out.print(f"[bold]{harm.label}[/] ({harm.id}): {harm.type.label}, {harm.level.label}")
    for m in kb.measures_for(harm.id):
        out.print(f"  - {m.kind.value}: {m.label}  ({m.citation})", highlight=False)


def _chains(out: Console, kb: KnowledgeBase) -> None:
    out.rule("4. Why a market harms: Table 4.2's chains for an open drug market")
    for c in kb.harm_chains[:8]:
        steps = " -> ".join(s for s in (c.problem, c.leads_to, c.resultant_harm) if s)
        out.print(f"  {steps}  [dim](felt by {c.experienced_by})[/]", highlight=False)
    out.print(f"  ... {len(kb.harm_chains)} chains in all: `realimpact chains`.")


def _case(out: Console, kb: KnowledgeBase) -> None:
    out.rule("5. A case study")
    out.print(Panel(kb.case(EXAMPLE_CASE).summary(), expand=False), highlight=False)


def framework_tour(kb: KnowledgeBase, out: Console | None = None) -> dict[str, Any]:
    """Print the framework tour on ``out`` (if given) and return its content as data.

    Sections: the six stages, the matrix's counts per cell, an example harm with its
    measures, Table 4.2's harm chains and one case study.
    """
    if out is not None:
        for section in (_stages, _matrix, _example_harm, _chains, _case):
            section(out, kb)
    return {
        "stages": [s.to_dict() for s in kb.stages],
        "matrix_counts": kb.matrix_counts(),
        "example_harm": harm_json(kb, kb.harm(EXAMPLE_HARM)),
        "harm_chains": [c.to_dict() for c in kb.harm_chains],
        "case": kb.case(EXAMPLE_CASE).to_dict(),
    }


def _tour(workspace: Path | None, json_output: bool) -> None:
    kb = knowledge_base_for_workspace(workspace)
    if json_output:
        emit_json({"framework": framework_tour(kb)})
        return
    console.print(Panel("Real Impact: harm-focused drug law enforcement (UKDPC, 2009)"))
    framework_tour(kb, console)


def _evaluation(
    workspace: Path | None, start: str, methods: tuple[str, ...], json_output: bool
) -> None:
    ws = open_workspace(workspace or DEMO_WORKSPACE, create=True)
    bar = progress_bar(transient=True, disable=json_output)
    task = bar.add_task("demo", total=len(methods) * 2 + 9)
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        result = evaluation_demo(
            ws,
            start=start,
            methods=methods,
            progress=lambda name: bar.update(task, advance=1, description=name),
        )
    if json_output:
        emit_json({"demo": result})
        return
    console.print(result.summary(), markup=False, highlight=False)
    console.print("\nThe framework tour: realimpact demo --tour", highlight=False)


@command
def demo(
    tour: Annotated[
        bool, typer.Option("--tour", help="Show the guided tour of the framework instead.")
    ] = False,
    start: Annotated[
        str, typer.Option("--start", help="First month of the hypothetical operation.")
    ] = DEMO_START,
    method: Annotated[
        str, typer.Option("--method", help="all, or several of its,did,synth,sts.")
    ] = "all",
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """The main job: evaluate a real Cleveland area around a stated start month.

    Imports the police.uk sample shipped with realimpact into a demo workspace (--workspace,
    default ./realimpact-demo), evaluates Middlesbrough MSOA 013 with its adjacent buffer
    for a HYPOTHETICAL operation from 2024-07 (no real operation is evaluated) and prints
    the verdict with its caveats, displacement, harm units and value for money.
    --tour shows the guided tour of the framework instead.

    Example: realimpact demo
    """
    if tour:
        _tour(workspace, json_output)
        return
    methods = (
        ("its", "did", "synth", "sts")
        if method == "all"
        else tuple(m.strip() for m in method.split(",") if m.strip())
    )
    _evaluation(workspace, start, methods, json_output)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``realimpact`` app."""
    app.command("demo")(demo)
