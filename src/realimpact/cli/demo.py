"""``realimpact demo``: a guided tour of the framework (and, later, of an evaluation).

The tour is :func:`framework_tour`, a function other parts of the demo can call: it prints
its sections on a rich console and returns the same content as JSON-ready data.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from realimpact.cli._common import JsonOpt, WorkspaceOpt, command, console, emit_json
from realimpact.cli.framework import harm_json
from realimpact.framework import HarmLevel, HarmType, KnowledgeBase, knowledge_base_for_workspace

__all__ = ["EXAMPLE_CASE", "EXAMPLE_HARM", "framework_tour", "register"]

EXAMPLE_HARM = "social.community.fear-of-crime-anti-social-behaviour-asb"
"""The harm the tour shows with its measures: the community harm Table 4.2 returns to most."""

EXAMPLE_CASE = "operation-nemesis"
"""The case study the tour shows."""


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


@command
def demo(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """A guided tour of the Real Impact framework: stages, harm matrix, measures, a case.

    Example: realimpact demo
    """
    kb = knowledge_base_for_workspace(workspace)
    if json_output:
        emit_json({"framework": framework_tour(kb)})
        return
    console.print(Panel("Real Impact: harm-focused drug law enforcement (UKDPC, 2009)"))
    framework_tour(kb, console)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``realimpact`` app."""
    app.command("demo")(demo)
