"""``realimpact log``: the implementation log of a plan (what was done, when, where)."""

from __future__ import annotations

from typing import Annotated

import typer

from realimpact.cli._common import JsonOpt, WorkspaceOpt, command, console, emit_json, get_workspace
from realimpact.plan import add_to_log, evaluation_window, load_log

__all__ = ["register"]

app = typer.Typer(help="Implementation logs: phases, deviations and mitigations carried out.")


@app.command("add")
@command
def add(
    plan: Annotated[str, typer.Argument(help="Plan file, or a plan name in the workspace.")],
    phase: Annotated[str | None, typer.Option("--phase", help="Phase name.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Phase start, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Phase end, YYYY-MM-DD.")] = None,
    place: Annotated[list[str] | None, typer.Option("--place", help="Place (repeat).")] = None,
    response: Annotated[
        list[str] | None, typer.Option("--response", help="Intervention delivered (repeat).")
    ] = None,
    done: Annotated[str | None, typer.Option("--done", help="What was done.")] = None,
    deviation: Annotated[str | None, typer.Option("--deviation", help="A deviation.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it deviated.")] = None,
    mitigation: Annotated[str | None, typer.Option("--mitigation", help="Risk id.")] = None,
    carried_out: Annotated[
        bool, typer.Option("--carried-out/--not-carried-out", help="Was the mitigation done?")
    ] = True,
    date: Annotated[str | None, typer.Option("--date", help="Date, YYYY-MM-DD.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note on the mitigation.")] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Record a phase, a deviation or a mitigation in the plan's implementation log.

    The log is <workspace>/logs/<plan>.yaml; its phases define the evaluation window.

    Example: realimpact log add boro --phase arrests --start 2025-01-06 --end 2025-03-28
    """
    ws = get_workspace(workspace)
    log = add_to_log(
        ws,
        plan,
        phase=phase,
        start=start,
        end=end,
        places=place or [],
        responses=response or [],
        done=done,
        deviation=deviation,
        reason=reason,
        mitigation=mitigation,
        carried_out=carried_out,
        date=date,
        note=note,
    )
    emit_json(log) if json_output else console.print(log.summary(), highlight=False, markup=False)


@app.command("show")
@command
def show(
    plan: Annotated[str, typer.Argument(help="Plan name.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show the implementation log and the evaluation window it defines.

    Example: realimpact log show middlesbrough-centre --json
    """
    log = load_log(get_workspace(workspace), plan)
    if json_output:
        window = evaluation_window(log).to_dict() if log.phases else None
        emit_json({"log": log.to_dict(), "evaluation_window": window})
    else:
        console.print(log.summary(), highlight=False, markup=False)


def register(root: typer.Typer) -> None:
    """Add the ``log`` command group to the root app."""
    root.add_typer(app, name="log")
