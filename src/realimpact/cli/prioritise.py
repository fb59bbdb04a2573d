"""``realimpact prioritise`` and ``realimpact decision``: rank problems, record decisions."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import typer
from rich.table import Table

from realimpact import prioritise as lib
from realimpact.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    command,
    console,
    emit_json,
    err_console,
    get_workspace,
    progress_bar,
)
from realimpact.exceptions import ConfigError, Problem

__all__ = ["register"]

decision_app = typer.Typer(
    help="Decision records: the ranking as decided, kept with history.\n\n"
    "Example: realimpact decision history cleveland-drug-markets-2026-27"
)

ProblemsArg = Annotated[Path | None, typer.Argument(help="Problems file (YAML or CSV).")]
ProblemsOpt = Annotated[
    Path | None, typer.Option("--problems", "-p", help="Problems file (YAML or CSV).")
]
WeightsOpt = Annotated[
    Path | None, typer.Option("--weights", help="Partner weights YAML (partners: {...}).")
]
PresetOpt = Annotated[str, typer.Option("--preset", help="Scoring preset: ukdpc, morile-style.")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Own scoring-model YAML file.")]
MethodOpt = Annotated[
    str | None,
    typer.Option(
        "--method",
        help="Weight aggregation: arithmetic, equal_influence, "
        "geometric, median (default: the weights file's).",
    ),
]
DrawsOpt = Annotated[int, typer.Option("--draws", min=1, help="Monte Carlo draws.")]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Random seed (reproducible).")]
TopOpt = Annotated[int, typer.Option("--top", min=1, help="k for P(top k) and sensitivity.")]


def _problems_path(file: Path | None, problems: Path | None) -> Path:
    if (file is None) == (problems is None):
        raise ConfigError(
            "give the problems file once",
            [
                Problem(
                    "give FILE or --problems, not both or neither.",
                    "e.g. realimpact prioritise examples/prioritise/cleveland_problems.yaml",
                    column="problems",
                )
            ],
        )
    return cast(Path, file or problems)


def _method(method: str | None) -> lib._weights.AggregationMethod | None:
    if method is not None and method not in lib.AGGREGATION_METHODS:
        raise ConfigError(
            f"unknown method {method!r}",
            [
                Problem(
                    f"{method!r} is not an aggregation method.",
                    f"Use one of: {', '.join(lib.AGGREGATION_METHODS)}.",
                    column="method",
                )
            ],
        )
    return cast(Literal["arithmetic", "equal_influence", "geometric", "median"] | None, method)


def _choice(value: str, allowed: tuple[str, ...], option: str) -> Any:
    if value not in allowed:
        raise ConfigError(
            f"unknown --{option} {value!r}",
            [
                Problem(
                    f"{value!r} is not allowed.",
                    f"Use one of: {', '.join(allowed)}.",
                    column=option,
                )
            ],
        )
    return value


def _render(result: lib.PrioritisationResult) -> None:
    pct = round(result.interval * 100)
    table = Table(title=f"Priorities ({result.model_id}; weights: {result.method})")
    for col in (
        "rank",
        "problem",
        "score",
        f"{pct}% score interval",
        "median rank",
        f"{pct}% rank interval",
        f"P(top {result.top_k})",
    ):
        table.add_column(col, justify="left" if col == "problem" else "right")
    for p in result.problems:
        table.add_row(
            str(p.rank),
            p.name,
            f"{p.score:.1f}",
            f"{p.score_low:.1f}–{p.score_high:.1f}",
            str(p.median_rank),
            f"{p.rank_low}–{p.rank_high}",
            f"{p.p_top_k:.2f}",
        )
    console.print(table)
    console.print(f"[dim]{result.model_status}[/]")
    _render_sensitivity(result.sensitivity)
    if result.agreement is not None:
        _render_agreement(result)
    console.print(
        f"[dim]{result.draws} draws, seed {result.seed}, {result.distribution} ranges,"
        f" weight uncertainty {result.weight_uncertainty}[/]"
    )


def _render_sensitivity(sens: lib.SensitivityResult) -> None:
    tp = sens.top_position_pivot
    if tp is not None:
        console.print(
            f"Rank 1 changes ({tp.enters} overtakes {tp.leaves}) if the weight of "
            f"{tp.dimension} goes {tp.current_weight:.3f} -> {tp.new_weight:.3f}.",
            highlight=False,
        )
    table = Table(title=f"Smallest single changes that alter the top {sens.top_k}")
    for col in ("change", "from", "to", "effect"):
        table.add_column(col)
    for w in sens.weight_pivots[:5]:
        table.add_row(
            f"weight of {w.dimension}",
            f"{w.current_weight:.3f}",
            f"{w.new_weight:.3f}",
            f"{w.enters} overtakes {w.leaves}",
        )
    for sp in sens.score_pivots[:5]:
        table.add_row(
            f"{sp.problem}: {sp.dimension}", f"{sp.current:.2f}", f"{sp.required:.2f}", sp.effect
        )
    console.print(table)
    tornado = Table(title="Tornado: ranks of the current top at each weight's partner extremes")
    for col in ("dimension", "low weight", "top ranks", "high weight", "top ranks", "swing"):
        tornado.add_column(col)
    for b in sens.tornado:
        tornado.add_row(
            b.dimension,
            f"{b.weight_low:.3f}",
            _ranks(b.ranks_low),
            f"{b.weight_high:.3f}",
            _ranks(b.ranks_high),
            str(b.swing),
        )
    console.print(tornado)


def _ranks(ranks: dict[str, int]) -> str:
    return ", ".join(str(r) for r in ranks.values())


def _render_agreement(result: lib.PrioritisationResult) -> None:
    agreement = result.agreement
    assert agreement is not None
    table = Table(title="Partners' weights: where they disagree (normalised)")
    for col in ("dimension", "aggregate", "min", "max", "lowest", "highest"):
        table.add_column(col)
    for s in agreement.most_disputed(len(agreement.spreads)):
        table.add_row(
            s.dimension,
            f"{result.weights[s.dimension]:.3f}",
            f"{s.minimum:.3f}",
            f"{s.maximum:.3f}",
            s.lowest_partner,
            s.highest_partner,
        )
    console.print(table)
    taus = ", ".join(f"{a}/{b} {t:+.2f}" for (a, b), t in agreement.rank_correlation.items())
    console.print(f"Kendall tau between partners' own rankings: {taus}", highlight=False)


def prioritise_command(
    file: ProblemsArg = None,
    problems: ProblemsOpt = None,
    weights: WeightsOpt = None,
    preset: PresetOpt = "ukdpc",
    model: ModelOpt = None,
    method: MethodOpt = None,
    draws: DrawsOpt = 10_000,
    seed: SeedOpt = None,
    top: TopOpt = 3,
    distribution: Annotated[
        str, typer.Option("--distribution", help="Score ranges: triangular or uniform.")
    ] = "triangular",
    weight_uncertainty: Annotated[
        str,
        typer.Option(
            "--weight-uncertainty",
            help="dirichlet (around the aggregate, spread "
            "from partners), partners (one partner per draw) or none.",
        ),
    ] = "dirichlet",
    interval: Annotated[
        float, typer.Option("--interval", min=0.5, max=0.999, help="Central rank interval.")
    ] = 0.9,
    json_output: JsonOpt = False,
) -> None:
    """Rank problems with rank intervals, P(top k) and a sensitivity view.

    Example: realimpact prioritise cleveland_problems.yaml --weights cleveland_weights.yaml --seed 1

    (run in examples/prioritise/; add --json for JSON, --top K for P(top K)).
    """
    path = _problems_path(file, problems)
    with progress_bar(transient=True, disable=json_output) as bar:
        task = bar.add_task("Monte Carlo", total=draws)
        result = lib.prioritise_files(
            path,
            weights,
            preset=preset,
            model_file=model,
            method=_method(method),
            draws=draws,
            seed=seed,
            top_k=top,
            interval=interval,
            distribution=_choice(distribution, ("triangular", "uniform"), "distribution"),
            weight_uncertainty=_choice(
                weight_uncertainty, ("dirichlet", "partners", "none"), "weight-uncertainty"
            ),
            progress=lambda n: bar.advance(task, n),
        )
    if json_output:
        emit_json(result)
    else:
        _render(result)


@decision_app.command("record")
@command
def record(
    decision: Annotated[
        Path,
        typer.Argument(
            help="Decision YAML: title, decided_on, participants, reasons, prioritised, tolerated."
        ),
    ],
    problems: Annotated[Path, typer.Option("--problems", "-p", help="Problems file.")],
    weights: WeightsOpt = None,
    preset: PresetOpt = "ukdpc",
    model: ModelOpt = None,
    method: MethodOpt = None,
    draws: DrawsOpt = 10_000,
    seed: SeedOpt = None,
    top: TopOpt = 3,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Rank the problems and save the decision as a new version (history is kept).

    Example: realimpact decision record cleveland_decision.yaml -p cleveland_problems.yaml --seed 1

    (run in examples/prioritise/; add --weights cleveland_weights.yaml --top 2).
    """
    ws = get_workspace(workspace)
    saved, path = lib.record_decision_files(
        ws,
        decision,
        problems,
        weights,
        preset=preset,
        model_file=model,
        method=_method(method),
        draws=draws,
        seed=seed,
        top_k=top,
    )
    if json_output:
        emit_json({"path": str(path), "record": saved})
        return
    console.print(saved.to_markdown(), highlight=False)
    err_console.print(f"Saved version {saved.version} to {path}", highlight=False)


@decision_app.command("show")
@command
def show(
    slug: Annotated[str, typer.Argument(help="Decision name (folder under decisions/).")],
    version: Annotated[
        int | None, typer.Option("--version", help="Version (default latest).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="markdown, html or csv.")] = "markdown",
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Show a saved decision record as Markdown, HTML or CSV (or JSON with --json).

    Example: realimpact decision show cleveland-drug-markets-2026-27 --format html
    """
    history = lib.decision_history(get_workspace(workspace, create=False), slug)
    rec = history[-1] if version is None else _version(history, version)
    if json_output:
        emit_json(rec)
        return
    out = {"markdown": rec.to_markdown, "html": rec.to_html, "csv": rec.to_csv}.get(fmt)
    if out is None:
        raise ConfigError(
            f"unknown format {fmt!r}",
            [Problem(f"{fmt!r} is not a format.", "Use markdown, html or csv.", column="format")],
        )
    typer.echo(out())


def _version(history: tuple[lib.DecisionRecord, ...], v: int) -> lib.DecisionRecord:
    for rec in history:
        if rec.version == v:
            return rec
    raise ConfigError(
        f"no version {v}",
        [
            Problem(
                f"version {v} does not exist.",
                f"Use one of: {', '.join(str(r.version) for r in history)}.",
                column="version",
            )
        ],
    )


@decision_app.command("history")
@command
def history(
    slug: Annotated[str, typer.Argument(help="Decision name (folder under decisions/).")],
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the versions of a decision, and what changed from each to the next.

    Example: realimpact decision history cleveland-drug-markets-2026-27
    """
    recs = lib.decision_history(get_workspace(workspace, create=False), slug)
    diffs = [lib.diff_decisions(a, b) for a, b in itertools.pairwise(recs)]
    if json_output:
        emit_json({"versions": [r.version for r in recs], "diffs": diffs})
        return
    table = Table(title=f"Decision {slug}")
    for col in ("version", "decided on", "recorded at", "prioritised", "tolerated"):
        table.add_column(col)
    for r in recs:
        table.add_row(
            str(r.version),
            r.decided_on.isoformat(),
            str(r.recorded_at),
            ", ".join(i.problem for i in r.items if i.decision == "prioritised"),
            ", ".join(i.problem for i in r.tolerated),
        )
    console.print(table)
    for d in diffs:
        console.print(d.summary(), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("prioritise")(command(prioritise_command))
    app.add_typer(decision_app, name="decision")
