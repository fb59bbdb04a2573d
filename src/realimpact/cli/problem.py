"""``realimpact problem``: define drug problems by their characteristics and harms."""

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
from realimpact.exceptions import ConfigError, Problem

__all__ = ["register"]

app = typer.Typer(
    help="Problem profiles: market characteristics, harm chains, suggested harms, baselines.\n\n"
    "Example: realimpact problem add examples/define/open-market.yaml"
)

ListOpt = list[str] | None


def _from_options(name: str | None, area: str | None, **fields: Any) -> dict[str, Any]:
    if not name:
        raise ConfigError(
            "A problem needs a name.",
            [
                Problem(
                    "no FILE and no --name.",
                    "Give a profile YAML file, or --name NAME.",
                    column="name",
                )
            ],
        )
    raw: dict[str, Any] = {"name": name, "area": area}
    raw.update({k: v for k, v in fields.items() if v not in (None, [], "")})
    return raw


def _answers(pairs: list[str]) -> dict[str, str]:
    bad = [p for p in pairs if "=" not in p]
    if bad:
        raise ConfigError(
            "Answers are QUESTION-ID=TEXT.",
            [
                Problem(
                    f"{b!r} has no '='.",
                    "Write e.g. --answer where-02='Next to a school'.",
                    column="answer",
                )
                for b in bad
            ],
        )
    return dict(p.split("=", 1) for p in pairs)


def _render(profile: lib.ProblemProfile) -> None:
    console.print(profile.summary(), highlight=False)
    if profile.chains:
        table = Table("characteristic", "leads to", "resultant harm", "who", "harm ids")
        for c in profile.chains:
            table.add_row(
                c.characteristic,
                c.leads_to or "",
                c.resultant_harm,
                c.experienced_by,
                "\n".join(c.harm_ids),
            )
        console.print(table)


@app.command("add")
@command
def add(
    file: Annotated[Path | None, typer.Argument(help="Profile YAML file.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Problem name (a slug).")] = None,
    area: Annotated[str | None, typer.Option("--area", help="A saved area's name.")] = None,
    drug: Annotated[ListOpt, typer.Option("--drug", help="Drug type (repeat).")] = None,
    openness: Annotated[str | None, typer.Option(help="open, semi-open or closed.")] = None,
    setting: Annotated[
        ListOpt, typer.Option("--setting", help="street, premises, delivery, online (repeat).")
    ] = None,
    maturity: Annotated[str | None, typer.Option(help="new or established.")] = None,
    feature: Annotated[
        ListOpt,
        typer.Option(
            "--feature",
            help="near-schools, residential, transport-hub, night-time-economy (repeat).",
        ),
    ] = None,
    times: Annotated[str | None, typer.Option(help="When the problem is worst.")] = None,
    violence: Annotated[bool | None, typer.Option("--violence/--no-violence")] = None,
    exploitation: Annotated[bool | None, typer.Option("--exploitation/--no-exploitation")] = None,
    corruption: Annotated[bool | None, typer.Option("--corruption/--no-corruption")] = None,
    organised_crime: Annotated[
        bool | None, typer.Option("--organised-crime/--no-organised-crime")
    ] = None,
    answer: Annotated[
        ListOpt, typer.Option("--answer", help="5WH answer as QUESTION-ID=TEXT (repeat).")
    ] = None,
    table_4_2: Annotated[
        bool, typer.Option("--table-4-2", help="Add the report's Table 4.2 open-market example.")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a saved problem.")] = False,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Add a problem profile from a YAML file, from options, or the report's Table 4.2.

    Example: realimpact problem add --name boro-centre --area boro-centre --openness open
    --setting street --maturity established --violence
    """
    ws = get_workspace(workspace)
    if table_4_2:
        profile = lib.table_4_2_profile()
    elif file is not None:
        profile = lib.read_profile_file(file, workspace=ws)
    else:
        raw = _from_options(
            name,
            area,
            drug_types=drug,
            openness=openness,
            settings=setting,
            maturity=maturity,
            location_features=feature,
            times=times,
            violence=violence,
            exploitation=exploitation,
            corruption=corruption,
            organised_crime=organised_crime,
            answers=_answers(answer or []),
        )
        profile = lib.validate_profile(raw, workspace=ws)
    path = lib.save_profile(ws, profile, overwrite=replace)
    if json_output:
        emit_json(profile.to_dict())
    else:
        _render(profile)
        err_console.print(f"Saved to {path}", highlight=False)


@app.command("show")
@command
def show(
    name: Annotated[str, typer.Argument(help="Problem name.")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show a saved problem profile with its harm chains.

    Example: realimpact problem show table-4-2-open-market
    """
    profile = lib.load_profile(get_workspace(workspace), name)
    emit_json(profile.to_dict()) if json_output else _render(profile)


@app.command("list")
@command
def list_(workspace: WorkspaceOpt = None, json_output: JsonOpt = False) -> None:
    """List the saved problem profiles.

    Example: realimpact problem list --json
    """
    profiles = lib.list_profiles(get_workspace(workspace))
    if json_output:
        emit_json([p.to_dict() for p in profiles])
        return
    table = Table("name", "area", "market", "maturity", "harms", "baseline")
    for p in profiles:
        market = " ".join(
            filter(None, [p.openness.value if p.openness else None, *(s.value for s in p.settings)])
        )
        table.add_row(
            p.name,
            p.area or "",
            market,
            p.maturity.value if p.maturity else "",
            str(len(p.harm_ids())),
            "yes" if p.baseline else "",
        )
    console.print(table)


@app.command("suggest-harms")
@command
def suggest_harms(
    name: Annotated[str, typer.Argument(help="Problem name.")],
    accept: Annotated[ListOpt, typer.Option("--accept", help="Harm id to accept (repeat).")] = None,
    reject: Annotated[ListOpt, typer.Option("--reject", help="Harm id to reject (repeat).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (recorded).")] = None,
    comment: Annotated[str, typer.Option("--comment", help="Reason for the decisions.")] = "",
    rules: Annotated[Path | None, typer.Option("--rules", help="Own rules YAML file.")] = None,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Suggest likely harms from the characteristics, with the report's reasons; record
    accepted and rejected harms (who and when) in the profile.

    Example: realimpact problem suggest-harms boro-centre --accept
    economic.community.cost-of-crime --by analyst1
    """
    profile, suggestions = lib.review_harms(
        get_workspace(workspace),
        name,
        accept=accept or (),
        reject=reject or (),
        by=by,
        comment=comment,
        rules=rules,
    )
    notes = lib.suggestion_notes(profile, rules=lib.load_rules(rules))
    if json_output:
        emit_json(
            {
                "problem": name,
                "suggestions": [s.to_dict() for s in suggestions],
                "notes": [n.model_dump() for n in notes],
            }
        )
        return
    table = Table("harm", "status", "reason (report's words)", "citation")
    for s in suggestions:
        table.add_row(
            f"{s.harm_id}\n{s.label}",
            s.status,
            "\n".join(f'{r.reason} "{r.quote}"' for r in s.rules),
            "\n".join(r.citation for r in s.rules),
        )
    console.print(table)
    for n in notes:
        console.print(f'Note: {n.reason} "{n.quote}" ({n.citation})', highlight=False)


@app.command("baseline")
@command
def baseline(
    name: Annotated[str, typer.Argument(help="Problem name.")],
    start: Annotated[str, typer.Option("--start", help="First month YYYY-MM.")],
    end: Annotated[str, typer.Option("--end", help="Last month YYYY-MM.")],
    crime_type: Annotated[ListOpt, typer.Option("--crime-type", help="Type (repeat).")] = None,
    weights: Annotated[str, typer.Option("--weights", help="cchi, count or none.")] = "cchi",
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Measure the baseline of the problem's area from the store and save it in the profile.

    Example: realimpact problem baseline boro-centre --start 2024-01 --end 2024-12
    """
    profile = lib.attach_baseline(
        get_workspace(workspace),
        name,
        start=start,
        end=end,
        crime_types=crime_type,
        weights=None if weights == "none" else weights,
    )
    assert profile.baseline is not None
    if json_output:
        emit_json(profile.baseline.to_dict())
        return
    b = profile.baseline
    console.print(b.summary(), highlight=False)
    table = Table("series", "total", "per month", "trend/month", f"harm ({b.weights})")
    for r in (*b.rows, b.total):
        harm = f"{r.harm_total:,.0f}" if r.harm_total is not None else "-"
        table.add_row(
            r.series, f"{r.total:,.0f}", f"{r.monthly_mean:,.1f}", f"{r.trend_per_month:+.2f}", harm
        )
    console.print(table)


@app.command("export")
@command
def export(
    names: Annotated[ListOpt, typer.Argument(help="Problems to export (default: all).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Problems YAML to write.")] = Path(
        "problems.yaml"
    ),
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Write saved profiles as a problems file for ``realimpact prioritise``.

    Example: realimpact problem export --out problems.yaml
    """
    ws = get_workspace(workspace)
    profiles = [lib.load_profile(ws, n) for n in names] if names else lib.list_profiles(ws)
    doc = lib.problems_document(profiles)
    path = lib.write_yaml(out, doc, header="Problems exported by realimpact problem export.")
    if json_output:
        emit_json(doc)
    else:
        noun = "problem" if len(profiles) == 1 else "problems"
        err_console.print(f"Wrote {len(profiles)} {noun} to {path}", highlight=False)


def register(root: typer.Typer) -> None:
    """Add the ``problem`` command group to the root app."""
    root.add_typer(app, name="problem")
