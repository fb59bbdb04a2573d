"""Baselines of a plan's percent effects: the area's monthly counts from the store.

The counts of the named police.uk crime types in the plan's area over the baseline window
(:meth:`~realimpact.plan.model.Plan.baseline_window`) are read with
:func:`realimpact.data.series.panel` (2011 LSOA codes moved onto 2021 codes with the
crosswalk); each type's weight comes from the plan's weight table, a shipped one or a
user CSV.
"""

from __future__ import annotations

from pathlib import Path

from realimpact.data.areas import load_area
from realimpact.data.series import panel
from realimpact.data.weights import (
    WeightTable,
    get_weight_table,
    list_weight_tables,
    load_weight_table_csv,
)
from realimpact.exceptions import ConfigError, Problem
from realimpact.plan.ledger import Baseline
from realimpact.plan.model import Plan
from realimpact.workspace import Workspace

__all__ = ["area_baselines", "resolve_plan_weights"]


def resolve_plan_weights(weights: str) -> WeightTable:
    """A shipped weight table by name (``cchi``, ``count``) or a user CSV by path."""
    if weights in list_weight_tables():
        return get_weight_table(weights)
    if Path(weights).suffix == ".csv" and Path(weights).is_file():
        return load_weight_table_csv(weights, name=Path(weights).stem)
    return get_weight_table(weights)  # NotFoundError naming the shipped tables


def area_baselines(
    plan: Plan, workspace: Workspace | None, table: WeightTable, window: tuple[str, str]
) -> dict[tuple[str, ...], Baseline]:
    """Baseline counts of each set of crime types the plan's percent effects name.

    Counts come from the store for the plan's area over ``window``; a ConfigError says what
    to do when there is no workspace or no imported month in the window.
    """
    wanted = {t.crime_types for t in plan.targeted_harms if t.expected.unit == "percent"}
    wanted |= {s.crime_types for s in plan.side_effects if s.expected.unit == "percent"}
    if not wanted:
        return {}
    if workspace is None:
        raise ConfigError(
            f"Plan {plan.name} has effects in percent: they need a baseline from the store.",
            [
                Problem(
                    "no workspace given.",
                    "Pass the workspace holding the area's data, or "
                    "state those effects in ordinal points.",
                    column="workspace",
                )
            ],
        )
    area = load_area(workspace, plan.area)
    types = sorted({t for ct in wanted for t in ct})
    frame = panel(
        workspace,
        {area.name: area},
        crime_types=types,
        start=window[0],
        end=window[1],
        weights=None,
    )
    months = int(frame["month"].nunique())
    if months == 0:
        raise ConfigError(
            f"No data in the store for area {plan.area} in {window[0]}..{window[1]}.",
            [
                Problem(
                    "the baseline window has no imported months.",
                    "Import police.uk data "
                    "for those months, or set baseline_start/baseline_end in the plan.",
                    column="baseline_start",
                )
            ],
        )
    totals = frame.groupby("crime_type")["count"].sum()
    scored = table.harm_weights()
    return {
        ct: Baseline(
            counts={k: float(totals.get(k, 0.0)) for k in ct},
            weights={k: float(scored.get(k, 0.0)) for k in ct},
            months=months,
            window=(str(frame["month"].min()), str(frame["month"].max())),
        )
        for ct in wanted
    }
