"""``realimpact evaluate``: did harm fall, against a credible counterfactual, net of displacement?

Commands::

    realimpact evaluate AREA --start YYYY-MM ...      (alias of ``evaluate area AREA``)
    realimpact evaluate panel CSV --unit-col C --time-col C --outcome C --treated U --start T
    realimpact evaluate series CSV --outcome C --start T [--time-col C]
    realimpact evaluate wdq --target B A --buffer B A --control B A
    realimpact evaluate wdd --target B A --control B A [--buffer B A] [--buffer-control B A]
    realimpact evaluate calibrate AREA|--panel CSV --method its|sts|did --n N --seed S

Each command calls one library function and renders its result (``--json`` for JSON).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from realimpact.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    command,
    console,
    emit_json,
    get_workspace,
    progress_bar,
)
from realimpact.exceptions import ConfigError, MethodWarning, Problem

__all__ = ["register"]


class _AreaDefaultGroup(TyperGroup):
    """A group where ``evaluate AREA ...`` means ``evaluate area AREA ...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["area", *args]
        return list(super().parse_args(ctx, args))


app = typer.Typer(
    name="evaluate",
    cls=_AreaDefaultGroup,
    no_args_is_help=True,
    help=(
        "Evaluate an operation: counterfactual methods (ITS, DiD, synthetic control, "
        "structural time series), displacement (WDQ, WDD), harm units, value for money and "
        "an honest verdict. `evaluate AREA ...` is short for `evaluate area AREA ...`.\n\n"
        "Example: realimpact evaluate wdd --target 207 110 --control 308 318"
    ),
)

Pair = tuple[float, float]
MethodOpt = Annotated[
    str,
    typer.Option("--method", "-m", help="did, its, synth, sts or all (comma-separate several)."),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (simulations, placebos).")]
CiOpt = Annotated[float, typer.Option("--ci-level", help="Level of intervals.")]


def _methods(text: str) -> list[str] | str:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return "all" if parts == ["all"] else parts


def _read_csv(path: Path) -> Any:
    """Read a panel or series file in any dialect published files use (see ``read_table``)."""
    from realimpact.evaluate._panel import read_table

    return read_table(path)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Hide method warnings while a method runs: the result lists them as caveats."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        yield


def _render(result: Any, json_output: bool) -> None:
    if json_output:
        emit_json(result)
    else:
        console.print(result.summary(), markup=False, highlight=False)


def _progress(json_output: bool, total: int) -> Any:
    bar = progress_bar(transient=True, disable=json_output)
    task = bar.add_task("evaluating", total=total)

    def step(name: str) -> None:
        bar.update(task, advance=1, description=f"running {name}")

    return bar, step


@app.command("area")
@command
def area_cmd(
    area: Annotated[str, typer.Argument(help="Name of a saved area (the target).")],
    start: Annotated[str, typer.Option("--start", help="First month of the operation, YYYY-MM.")],
    end: Annotated[
        str | None, typer.Option("--end", help="Last month to evaluate, YYYY-MM.")
    ] = None,
    buffer: Annotated[str | None, typer.Option("--buffer", help="Saved buffer area.")] = None,
    control: Annotated[list[str] | None, typer.Option("--control", help="Control area(s).")] = None,
    crime_type: Annotated[
        list[str] | None, typer.Option("--crime-type", help="police.uk crime type(s).")
    ] = None,
    weights: Annotated[str, typer.Option("--weights", help="Harm weight table.")] = "cchi",
    cost: Annotated[
        float | None, typer.Option("--cost", help="Operation cost in GBP (other costs).")
    ] = None,
    staff_hours: Annotated[
        float, typer.Option("--staff-hours", help="Staff hours spent on the operation.")
    ] = 0.0,
    hourly_rate: Annotated[
        float, typer.Option("--hourly-rate", help="Cost of one staff hour, GBP.")
    ] = 0.0,
    unit_costs: Annotated[
        Path | None,
        typer.Option("--unit-costs", help="Your unit-cost CSV (category,cost_gbp,...)."),
    ] = None,
    method: MethodOpt = "all",
    calibrate: Annotated[
        int,
        typer.Option(
            "--calibrate",
            help="Untreated placebo areas of the force for calibrated ITS/STS p-values and "
            "intervals (0 = off: model-based, with a warning).",
        ),
    ] = 100,
    seed: SeedOpt = 0,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Evaluate a saved area around a start month: verdict, displacement, harm, value for money.

    Example: realimpact evaluate demo-target --start 2024-06 --buffer demo-buffer --cost 50000
    """
    from realimpact.evaluate.area import evaluate_area
    from realimpact.evaluate.costs import OperationCost, load_unit_costs

    ws = get_workspace(workspace)
    op = None
    if cost is not None or staff_hours > 0:
        op = OperationCost(staff_hours, hourly_rate, cost or 0.0)
    table = load_unit_costs(unit_costs) if unit_costs is not None else None
    methods = _methods(method)
    n = 4 if methods == "all" else len(methods)
    bar, step = _progress(json_output, 2 * n + 3 + (2 if calibrate else 0))
    with bar, _quiet():
        result = evaluate_area(
            ws,
            area,
            start=start,
            end=end,
            buffer=buffer,
            controls=tuple(control or ()),
            crime_types=crime_type,
            weights=weights,
            cost=op,
            unit_costs=table,
            calibrate=calibrate,
            methods=("its", "did", "synth", "sts") if methods == "all" else tuple(methods),
            seed=seed,
            progress=step,
        )
    _render(result, json_output)


@app.command("panel")
@command
def panel_cmd(
    csv: Annotated[Path, typer.Argument(help="Long-format CSV: one row per unit x period.")],
    unit_col: Annotated[str, typer.Option("--unit-col", help="Unit column.")],
    time_col: Annotated[str, typer.Option("--time-col", help="Time column.")],
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column (counts).")],
    treated: Annotated[list[str], typer.Option("--treated", help="Treated unit(s).")],
    start: Annotated[str, typer.Option("--start", help="First post-intervention period.")],
    end: Annotated[str | None, typer.Option("--end", help="Last period evaluated.")] = None,
    covariates: Annotated[
        list[str] | None, typer.Option("--covariates", help="Covariate column(s).")
    ] = None,
    method: MethodOpt = "did,synth",
    ci_level: CiOpt = 0.95,
    seed: SeedOpt = 0,
    json_output: JsonOpt = False,
) -> None:
    """Evaluate treated unit(s) of any long panel by DiD, synthetic control and/or ITS.

    Example: realimpact evaluate panel prop99.csv --unit-col State --time-col Year
    --outcome PacksPerCapita --treated California --start 1989 --method synth
    """
    from realimpact.evaluate._run import evaluate_panel

    data = _read_csv(csv)
    start_v, end_v = _typed(data, time_col, start), _typed(data, time_col, end)
    methods = _methods(method)
    bar, step = _progress(json_output, 3 if methods == "all" else len(methods))
    with bar, _quiet():
        result = evaluate_panel(
            data,
            unit=unit_col,
            time=time_col,
            outcome=outcome,
            treated=treated[0] if len(treated) == 1 else treated,
            start=start_v,
            end=end_v,
            covariates=tuple(covariates or ()),
            methods=methods,
            ci_level=ci_level,
            seed=seed,
            progress=step,
        )
    _render(result, json_output)


def _typed(data: Any, column: str, value: str | None) -> Any:
    """Match a command-line period to the column's type (so 1989 finds integer years)."""
    if value is None or column not in data.columns:
        return value
    kind = data[column].dtype.kind
    try:
        if kind in "iu":
            return int(value)
        if kind == "f":
            return float(value)
    except ValueError:
        return value
    return value


@app.command("series")
@command
def series_cmd(
    csv: Annotated[Path, typer.Argument(help="CSV with one row per period.")],
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column.")],
    start: Annotated[str, typer.Option("--start", help="First post period (label or row).")],
    time_col: Annotated[
        str | None, typer.Option("--time-col", help="Time column (default: row numbers).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last period evaluated.")] = None,
    covariates: Annotated[
        list[str] | None, typer.Option("--covariates", help="Covariate series column(s).")
    ] = None,
    method: MethodOpt = "its,sts",
    ci_level: CiOpt = 0.95,
    seed: SeedOpt = 0,
    json_output: JsonOpt = False,
) -> None:
    """Evaluate one series (optionally with covariate series) by ITS and/or STS.

    Time may be dates, months or row numbers (omit --time-col to use row numbers from 0).

    Example: realimpact evaluate series arma_data.csv --outcome y --covariates X
    --start 70 --method sts
    """
    from realimpact.evaluate._run import evaluate_series

    data = _read_csv(csv)
    tcol = time_col or "row"
    if time_col is None:
        data = data.assign(row=range(len(data)))
    methods = _methods(method)
    bar, step = _progress(json_output, 2 if methods == "all" else len(methods))
    with bar, _quiet():
        result = evaluate_series(
            data,
            time=tcol,
            outcome=outcome,
            start=_typed(data, tcol, start),
            end=_typed(data, tcol, end),
            covariates=tuple(covariates or ()),
            methods=methods,
            ci_level=ci_level,
            seed=seed,
            progress=step,
        )
    _render(result, json_output)


@app.command("wdq")
@command
def wdq_cmd(
    target: Annotated[tuple[float, float], typer.Option("--target", help="Target BEFORE AFTER.")],
    buffer: Annotated[tuple[float, float], typer.Option("--buffer", help="Buffer BEFORE AFTER.")],
    control: Annotated[
        tuple[float, float], typer.Option("--control", help="Control BEFORE AFTER.")
    ],
    json_output: JsonOpt = False,
) -> None:
    """Weighted Displacement Quotient (Bowers & Johnson 2003) from before/after counts.

    Example: realimpact evaluate wdq --target 100 50 --buffer 100 75 --control 100 100
    """
    from realimpact.evaluate.displacement import wdq

    _render(wdq(target, buffer, control), json_output)


@app.command("wdd")
@command
def wdd_cmd(
    target: Annotated[tuple[float, float], typer.Option("--target", help="Target BEFORE AFTER.")],
    control: Annotated[
        tuple[float, float], typer.Option("--control", help="Control BEFORE AFTER.")
    ],
    buffer: Annotated[
        tuple[float, float] | None, typer.Option("--buffer", help="Buffer BEFORE AFTER.")
    ] = None,
    buffer_control: Annotated[
        tuple[float, float] | None,
        typer.Option("--buffer-control", help="Control for the buffer, BEFORE AFTER."),
    ] = None,
    ci_level: CiOpt = 0.95,
    json_output: JsonOpt = False,
) -> None:
    """Weighted Displacement Difference test (Wheeler & Ratcliffe 2018) with SE, z, p, interval.

    Example: realimpact evaluate wdd --target 207 110 --control 308 318
    --buffer 178 157 --buffer-control 150 140
    """
    from realimpact.evaluate.displacement import wdd

    result = wdd(target, control, buffer=buffer, buffer_control=buffer_control, ci_level=ci_level)
    _render(result, json_output)


def _panel_calibration(
    csv: Path, unit_col: str | None, time_col: str | None, outcome: str | None, **kw: Any
) -> Any:
    from realimpact.evaluate.calibration import placebo_calibration

    need = {"--unit-col": unit_col, "--time-col": time_col, "--outcome": outcome}
    missing = [k for k, v in need.items() if not v]
    if missing:
        raise ConfigError(
            "evaluate calibrate --panel: missing options",
            [
                Problem(f"{k} is required with --panel", f"Name the {k[2:]} column.", file=str(csv))
                for k in missing
            ],
        )
    data = _read_csv(csv)
    assert unit_col and time_col and outcome
    start = _typed(data, time_col, kw.pop("start"))
    end = _typed(data, time_col, kw.pop("end"))
    return placebo_calibration(
        data, unit=unit_col, time=time_col, outcome=outcome, start=start, end=end, **kw
    )


@app.command("calibrate")
@command
def calibrate_cmd(
    area: Annotated[
        str | None, typer.Argument(help="Saved area whose force supplies the placebo areas.")
    ] = None,
    panel: Annotated[
        Path | None, typer.Option("--panel", help="Or: long CSV of small units x periods.")
    ] = None,
    unit_col: Annotated[str | None, typer.Option("--unit-col", help="Unit column.")] = None,
    time_col: Annotated[str | None, typer.Option("--time-col", help="Time column.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="Count column.")] = None,
    method: Annotated[str, typer.Option("--method", "-m", help="its, sts or did.")] = "its",
    n: Annotated[int, typer.Option("--n", help="Number of untreated placebo areas.")] = 100,
    group_size: Annotated[
        int, typer.Option("--group-size", help="Units per placebo area (--panel only).")
    ] = 5,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Start period for every run (default: random per run)."),
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last period.")] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Nominal level of the test.")] = 0.05,
    seed: SeedOpt = 0,
    workspace: WorkspaceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Placebo check: how often does a method flag untreated areas of your data?

    Runs the method on N untreated pseudo-areas (random groups of units, no intervention)
    and prints the false-positive rate at --alpha with its Clopper-Pearson interval and
    whether the method passes (the interval reaches down to alpha). Give a saved AREA
    (placebo areas of its size from its force, itself and its adjacent buffer excluded) or
    --panel CSV with --unit-col, --time-col and --outcome.

    Example: realimpact evaluate calibrate demo-target --method its --n 100 --start 2024-07
    """
    if (area is None) == (panel is None):
        raise ConfigError(
            "evaluate calibrate: give an AREA or --panel CSV",
            [
                Problem(
                    "both an area and --panel were given"
                    if area
                    else "neither an area nor --panel was given",
                    "Name one saved area, or pass --panel with a long CSV.",
                    column="AREA/--panel",
                )
            ],
        )
    if n < 1:
        raise ConfigError(
            "evaluate calibrate: too few placebo areas",
            [Problem(f"--n {n}", "Give at least 1 (100 or more for a useful rate).", column="--n")],
        )
    if method not in ("its", "sts", "did"):
        raise ConfigError(
            "evaluate calibrate: unknown method",
            [Problem(f"method {method!r} is not its, sts or did", "Use --method its, sts or did.")],
        )
    bar = progress_bar(transient=True, disable=json_output)
    task = bar.add_task(f"placebo runs of {method}", total=n)

    def tick(i: int, total: int) -> None:
        bar.update(task, completed=i, total=total)

    common: dict[str, Any] = {
        "method": method,
        "n_areas": n,
        "start": start,
        "end": end,
        "alpha": alpha,
        "seed": seed,
        "progress": tick,
    }
    with bar, _quiet():
        if panel is not None:
            result = _panel_calibration(
                panel, unit_col, time_col, outcome, group_size=group_size, **common
            )
        else:
            from realimpact.evaluate.area import calibrate_area

            assert area is not None
            result = calibrate_area(get_workspace(workspace), area, **common)
    if json_output:
        emit_json({**result.to_dict(), "passes": result.calibrated})
        return
    console.print(result.summary(), markup=False, highlight=False)
    console.print(
        f"{'PASSES' if result.calibrated else 'FAILS'}: "
        + (
            "the nominal rate lies within the interval or above it"
            if result.calibrated
            else "untreated areas are flagged significantly more often than alpha; use "
            "calibrated (placebo) inference for this method on these data"
        ),
        markup=False,
        highlight=False,
    )


def register(root: typer.Typer) -> None:
    """Add the ``evaluate`` group to the root app."""
    root.add_typer(app, name="evaluate")
