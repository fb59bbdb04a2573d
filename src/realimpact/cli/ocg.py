"""``realimpact ocg``: organised crime groups, attribute matrix beside harm score."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from realimpact import prioritise as lib
from realimpact.cli._common import JsonOpt, command, console, emit_json

__all__ = ["register"]

app = typer.Typer(
    help="Organised crime groups: Sleipnir-style attributes and harms.\n\n"
    "Example: realimpact ocg score examples/prioritise/ocg_groups.yaml"
)


@app.command("score")
@command
def score(
    file: Annotated[Path, typer.Argument(help="Groups YAML (groups: [...]).")],
    include_sensitive: Annotated[
        bool, typer.Option("--include-sensitive", help="Include nominals (vetted roles only).")
    ] = False,
    role: Annotated[
        str | None, typer.Option("--role", help="Your role, e.g. analyst-vetted.")
    ] = None,
    user: Annotated[str, typer.Option("--user", help="Your user name (for the audit).")] = "cli",
    csv_output: Annotated[
        bool, typer.Option("--csv", help="Print CSV instead of a table.")
    ] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print a Markdown document instead of a table.")
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """Score groups by attributes and by harms; show disagreement and intelligence gaps.

    Sensitive fields (real names, nominals, notes) are left out unless --include-sensitive
    is given with --role analyst-vetted or admin.

    Example: realimpact ocg score examples/prioritise/ocg_groups.yaml --json
    """
    viewer = lib.Viewer(user, role) if role else None
    lib.check_sensitive_access(include_sensitive, viewer)
    result = lib.score_ocgs(lib.load_ocgs(file))
    if json_output:
        emit_json(result.to_dict(include_sensitive=include_sensitive, viewer=viewer))
        return
    if markdown:
        typer.echo(result.to_markdown(include_sensitive=include_sensitive, viewer=viewer), nl=False)
        return
    if csv_output:
        typer.echo(result.to_csv(include_sensitive=include_sensitive, viewer=viewer), nl=False)
        return
    _render(result)


def _render(result: lib.OcgAssessment) -> None:
    table = Table(title="Organised crime groups: attributes vs harms")
    for col in (
        "group",
        "attribute score [unknown=Nil..High]",
        "attr rank",
        "harm score",
        "harm rank",
        "rank diff",
        "intelligence gaps",
    ):
        table.add_column(col)
    for s in sorted(result.scores, key=lambda s: s.attribute_rank):
        table.add_row(
            s.group.label,
            f"{s.attribute_score:.0f} [{s.attribute_low:.0f}–{s.attribute_high:.0f}]",
            str(s.attribute_rank),
            f"{s.harm_score:.1f}",
            str(s.harm_rank),
            f"{s.rank_difference:+d}",
            str(len(s.gaps)),
        )
    console.print(table)
    for gid, gaps in result.intelligence_gaps.items():
        console.print(
            f"Intelligence gaps for {gid} (Unknown, not scored as 0): " + ", ".join(gaps),
            highlight=False,
        )
    tau = "n/a" if result.kendall_tau is None else f"{result.kendall_tau:+.2f}"
    console.print(
        f"Kendall tau (attribute vs harm ranking): {tau}; groups that move most: "
        + ", ".join(f"{s.group.label} ({s.rank_difference:+d})" for s in result.movers()),
        highlight=False,
    )
    console.print(f"[dim]{result.preset_status}[/]")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ocg")
