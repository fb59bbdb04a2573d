"""``realimpact survey``: import community surveys; indicators and community weights."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from realimpact import define as lib
from realimpact.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    command,
    console,
    emit_json,
    err_console,
    get_workspace,
)

__all__ = ["register"]

app = typer.Typer(
    help="Community surveys: Likert and PSA 23/25 perception items, tagged concerns, "
    "indicators with Wilson intervals, community weights.\n\n"
    "Example: realimpact survey import examples/define/residents_survey.csv"
)

ModelOpt = Annotated[str, typer.Option("--model", help="Scoring preset for the weights.")]


def _report(survey: lib.Survey, model: str, area: str | None = None) -> dict[str, Any]:
    survey = survey.subset(area) if area else survey
    cw = lib.community_weights(survey)
    return {
        "survey": survey.to_dict(),
        "indicators": [i.to_dict() for i in lib.indicators(survey)],
        "community_weights": cw.to_dict(),
        "dimension_weights": {"model": model, "community": cw.for_model(model)},
    }


def _render(report: dict[str, Any]) -> None:
    s = report["survey"]
    console.print(f"Survey {s['name']}: {s['respondents']} respondents", highlight=False)
    table = Table("indicator", "yes / n", "%", "95% CI (Wilson)", "warnings")
    for i in report["indicators"]:
        pct = f"{100 * i['proportion']:.1f}" if i["n"] else "-"
        ci = f"{100 * i['low']:.1f}–{100 * i['high']:.1f}" if i["n"] else "-"
        table.add_row(i["id"], f"{i['count']}/{i['n']}", pct, ci, "\n".join(i["warnings"]))
    console.print(table)
    weights = Table("harm", "community weight", "concern share")
    cw = report["community_weights"]
    for h, w in sorted(cw["weights"].items(), key=lambda kv: -kv[1]):
        weights.add_row(h, f"{w:.3f}", f"{cw['concern'][h]:.2f}")
    console.print(weights)
    dims = report["dimension_weights"]
    console.print(
        f"As the 'community' partner of model {dims['model']}: "
        + ", ".join(f"{k} {v:.3f}" for k, v in dims["community"].items()),
        highlight=False,
    )


@app.command("import")
@command
def import_(
    csv: Annotated[Path, typer.Argument(help="Survey CSV (one row per respondent).")],
    name: Annotated[str | None, typer.Option("--name", help="Survey name.")] = None,
    items: Annotated[Path | None, typer.Option("--items", help="Own items YAML.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a saved survey.")] = False,
    model: ModelOpt = "ukdpc",
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Import survey responses from CSV (all errors reported at once; nothing saved if any).

    Example: realimpact survey import examples/define/residents_survey.csv --name residents
    """
    survey = lib.import_survey(
        get_workspace(workspace), csv, name=name, items=items, overwrite=replace
    )
    report = _report(survey, model)
    if json_output:
        emit_json(report)
    else:
        _render(report)
        err_console.print(f"Saved survey {survey.name}", highlight=False)


@app.command("show")
@command
def show(
    name: Annotated[str, typer.Argument(help="Survey name.")],
    area: Annotated[
        str | None, typer.Option("--area", help="Only respondents of this area.")
    ] = None,
    model: ModelOpt = "ukdpc",
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show a saved survey's indicators and community weights.

    Example: realimpact survey show residents --area boro-centre --json
    """
    report = _report(lib.load_survey(get_workspace(workspace), name), model, area)
    emit_json(report) if json_output else _render(report)


@app.command("weights")
@command
def weights(
    name: Annotated[str, typer.Argument(help="Survey name.")],
    out: Annotated[Path, typer.Option("--out", help="Weights YAML to write.")] = Path(
        "weights.yaml"
    ),
    partners: Annotated[
        Path | None, typer.Option("--partners", help="Partners' weights file to add to.")
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="Only respondents of this area.")
    ] = None,
    name_as: Annotated[str, typer.Option("--name-as", help="Partner name.")] = "community",
    model: ModelOpt = "ukdpc",
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Write a weights file for ``realimpact prioritise``: the partners' weights (if given)
    plus the survey's community weights as one more partner.

    Example: realimpact survey weights residents --partners partners.yaml --out weights.yaml
    """
    survey = lib.load_survey(get_workspace(workspace), name)
    survey = survey.subset(area) if area else survey
    doc = lib.weights_document(
        lib.community_weights(survey), model, partners_file=partners, name=name_as
    )
    path = lib.write_yaml(out, doc, header=f"Weights with community weights from survey {name}.")
    if json_output:
        emit_json(doc)
    else:
        err_console.print(f"Wrote {len(doc['partners'])} partners to {path}", highlight=False)


@app.command("items")
@command
def items_(json_output: JsonOpt = False) -> None:
    """List the survey items known to the importer (PSA 23/25 and example local items).

    Example: realimpact survey items
    """
    cat = lib.load_catalogue()
    if json_output:
        emit_json(cat.to_dict())
        return
    table = Table("column", "question", "scale", "harms", "source")
    for i in cat.items.values():
        table.add_row(i.id, i.text, i.scale, "\n".join(i.harms), i.source)
    console.print(table)


def register(root: typer.Typer) -> None:
    """Add the ``survey`` command group to the root app."""
    root.add_typer(app, name="survey")
