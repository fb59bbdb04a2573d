"""The framework's knowledge on the command line: harms, measures, sources, stages, cases.

Every command reads :func:`realimpact.framework.knowledge_base_for_workspace` (the package
data plus the workspace overlay) and prints a rich table, or JSON with ``--json`` (fields
documented in docs/json.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich.table import Table

from realimpact.cli._common import JsonOpt, WorkspaceOpt, command, console, emit_json
from realimpact.framework import (
    Harm,
    HarmLevel,
    HarmType,
    KnowledgeBase,
    QuestionGroup,
    knowledge_base_for_workspace,
)

__all__ = ["harm_json", "register"]

harms_app = typer.Typer()
cases_app = typer.Typer()

TypeOpt = Annotated[HarmType | None, typer.Option("--type", help="Only harms of this type.")]
LevelOpt = Annotated[HarmLevel | None, typer.Option("--level", help="Only harms at this level.")]
SearchOpt = Annotated[
    str | None, typer.Option("--search", help="Only entries containing every word.")
]


def _mark(entry: Any) -> str:
    return " [local]" if getattr(entry, "local", False) else ""


def harm_json(kb: KnowledgeBase, harm: Harm) -> dict[str, Any]:
    """A harm with its links by id (the ``harms show --json`` shape)."""
    return {
        **harm.to_dict(),
        "measure_ids": [m.id for m in kb.measures_for(harm.id)],
        "chain_ids": [c.id for c in kb.chains_for(harm.id)],
        "impact_ids": [i.id for i in kb.impacts_for(harm.id)],
        "case_ids": [c.id for c in kb.cases if harm.id in c.harms_targeted],
    }


def _harm_table(harms: tuple[Harm, ...], title: str) -> Table:
    table = Table(title=title)
    table.add_column("Harm", ratio=3, min_width=20)
    table.add_column("Id", overflow="fold", ratio=3, style="dim")
    table.add_column("Sources", overflow="fold", ratio=2)
    cell: tuple[HarmType, HarmLevel] | None = None
    for harm in harms:
        if cell != (harm.type, harm.level):
            if cell is not None:
                table.add_section()
            cell = (harm.type, harm.level)
            table.add_row(f"[bold]{harm.type.label} / {harm.level.label}[/]", "", "")
        sources = ", ".join(s.value for s in harm.sources)
        table.add_row(harm.label + _mark(harm), harm.id, sources)
    return table


@harms_app.callback(invoke_without_command=True)
@command
def harms(
    ctx: typer.Context,
    type_: TypeOpt = None,
    level: LevelOpt = None,
    search: SearchOpt = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the harms of the drug-harm matrix, grouped by type and level.

    Example: realimpact harms --type social --level community --search crime
    """
    if ctx.invoked_subcommand is not None:
        return
    kb = knowledge_base_for_workspace(workspace)
    found = kb.search_harms(search, type=type_, level=level)
    if json_output:
        emit_json({"count": len(found), "harms": [h.to_dict() for h in found]})
        return
    console.print(_harm_table(found, f"Drug-related harms (Table 4.1): {len(found)}"))


@harms_app.command("show")
@command
def harms_show(
    harm_id: Annotated[str, typer.Argument(help="Harm id, e.g. health.individual.overdose-death.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show one harm with the measures, Table 4.2 chains, impacts and cases linked to it.

    Example: realimpact harms show health.individual.overdose-death
    """
    kb = knowledge_base_for_workspace(workspace)
    harm = kb.harm(harm_id)
    if json_output:
        emit_json(harm_json(kb, harm))
        return
    console.print(f"[bold]{harm.label}[/]{_mark(harm)}  ({harm.id})")
    console.print(f"{harm.type.label}, {harm.level.label}. Source: {harm.citation}.")
    if harm.sources:
        console.print(f"Sources of harm: {', '.join(s.value for s in harm.sources)}")
        console.print(f"  ({harm.source_basis})", highlight=False)
    console.print(_measure_table(kb, kb.measures_for(harm.id), "Measures that can show it"))
    for chain in kb.chains_for(harm.id):
        console.print(f"Table 4.2: {_chain_text(chain)}", highlight=False)
    for impact in kb.impacts_for(harm.id):
        console.print(f"Table 3.1: {impact.summary()}", highlight=False)


def _chain_text(chain: Any) -> str:
    steps = [chain.problem, chain.leads_to, chain.resultant_harm]
    return " -> ".join(s for s in steps if s) + f" (felt by: {chain.experienced_by})"


def _measure_table(kb: KnowledgeBase, measures: tuple[Any, ...], title: str) -> Table:
    table = Table(title=title)
    table.add_column("Id", no_wrap=True)
    for col in ("Measure", "Kind", "Harms", "Suggested sources"):
        table.add_column(col, overflow="fold")
    for m in measures:
        harms = "\n".join(m.harm_ids)
        sources = ", ".join(kb.source(s).label for s in m.suggested_sources)
        table.add_row(m.id, m.label + _mark(m), m.kind.value, harms, sources)
    return table


@command
def measures(
    harm: Annotated[
        str | None, typer.Option("--harm", help="Only measures that can show this harm id.")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List measures of harm (Appendix C, Harocopos and Hough, PSA 25/23, activity).

    Example: realimpact measures --harm social.community.loss-of-amenities
    """
    kb = knowledge_base_for_workspace(workspace)
    found = kb.measures_for(harm) if harm else kb.measures
    if json_output:
        emit_json({"count": len(found), "measures": [m.to_dict() for m in found]})
        return
    console.print(_measure_table(kb, found, f"Measures: {len(found)}"))


def _simple(title: str, rows: Sequence[tuple[str, ...]], columns: tuple[str, ...]) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@command
def sources(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """List the possible information sources for measuring impact (Box B).

    Example: realimpact sources --json
    """
    kb = knowledge_base_for_workspace(workspace)
    if json_output:
        emit_json({"count": len(kb.sources), "sources": [s.to_dict() for s in kb.sources]})
        return
    rows = [(s.id, s.label + _mark(s)) for s in kb.sources]
    _simple("Information sources for measuring impact (Box B)", rows, ("Id", "Source"))


@command
def displacement_types(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """List the types of displacement from drug control and enforcement (Box A).

    Example: realimpact displacement-types
    """
    kb = knowledge_base_for_workspace(workspace)
    items = kb.displacement_types
    if json_output:
        emit_json({"count": len(items), "displacement_types": [d.to_dict() for d in items]})
        return
    rows = [(d.id, d.label + _mark(d), d.description) for d in items]
    _simple("Displacement (Box A)", rows, ("Id", "Type", "Description"))


@command
def questions(
    group: Annotated[
        QuestionGroup | None, typer.Option("--group", help="Only one 5WH group.")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the 5WH problem-analysis questions of Table 4.3, by group and sub-heading.

    Example: realimpact questions --group where
    """
    kb = knowledge_base_for_workspace(workspace)
    items = tuple(q for q in kb.questions if group is None or q.group is group)
    if json_output:
        emit_json({"count": len(items), "questions": [q.to_dict() for q in items]})
        return
    rows = [(q.id, q.group.label, q.heading or "", q.question + _mark(q)) for q in items]
    _simple(
        "Drug problem analysis: questions (Table 4.3)", rows, ("Id", "5WH", "Heading", "Question")
    )


@command
def stages(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """List the six stages of a harm-focused enforcement programme with guiding questions.

    Example: realimpact stages
    """
    kb = knowledge_base_for_workspace(workspace)
    if json_output:
        emit_json({"count": len(kb.stages), "stages": [s.to_dict() for s in kb.stages]})
        return
    rows = [
        (str(s.number), s.title, "\n".join(f"- {q}" for q in s.guiding_questions))
        for s in kb.stages
    ]
    _simple("The harm-focused process (Figure 4.2, chapter 4)", rows, ("#", "Stage", "Questions"))


@command
def chains(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """List Table 4.2's harm chains for an open or visible drug market, with harm links.

    Example: realimpact chains --json
    """
    kb = knowledge_base_for_workspace(workspace)
    if json_output:
        emit_json(
            {"count": len(kb.harm_chains), "harm_chains": [c.to_dict() for c in kb.harm_chains]}
        )
        return
    rows = [
        (
            c.id,
            c.problem,
            c.leads_to or "",
            c.resultant_harm,
            c.experienced_by,
            "\n".join(c.harm_ids),
        )
        for c in kb.harm_chains
    ]
    columns = ("Id", "Problem", "Leads to", "Resultant harm", "Who", "Harm ids")
    _simple("Problem analysis: open or visible drug market (Table 4.2)", rows, columns)


@cases_app.callback(invoke_without_command=True)
@command
def cases(
    ctx: typer.Context,
    search: SearchOpt = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the UK case studies, optionally only those containing every word searched.

    Example: realimpact cases --search "crack house"
    """
    if ctx.invoked_subcommand is not None:
        return
    kb = knowledge_base_for_workspace(workspace)
    found = kb.search_cases(search or "")
    if json_output:
        emit_json({"count": len(found), "cases": [c.to_dict() for c in found]})
        return
    rows = [
        (c.id, c.name + _mark(c), c.place, f"({c.strategy_group.value})", c.impact_on_harms)
        for c in found
    ]
    _simple(f"UK case studies: {len(found)}", rows, ("Id", "Operation", "Place", "Group", "Impact"))


@cases_app.command("show")
@command
def cases_show(
    case_id: Annotated[str, typer.Argument(help="Case study id (see `realimpact cases`).")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show one case study: problem, activity, impact on harms and its reported figures.

    Example: realimpact cases show operation-nemesis
    """
    case = knowledge_base_for_workspace(workspace).case(case_id)
    if json_output:
        emit_json(case.to_dict())
        return
    console.print(case.summary(), highlight=False)


def register(app: typer.Typer) -> None:
    """Add the framework commands to the ``realimpact`` app."""
    app.add_typer(harms_app, name="harms")
    app.add_typer(cases_app, name="cases")
    for fn in (measures, sources, displacement_types, questions, stages, chains):
        app.command(fn.__name__.replace("_", "-"))(fn)
