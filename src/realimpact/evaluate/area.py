"""Evaluate a named workspace area end to end.

:func:`evaluate_area` pulls monthly series for a target area, its buffer and control areas
from the workspace store (:mod:`realimpact.data.series`), runs the counterfactual methods
on the target's crime count and on its harm-weighted total, measures displacement in the
buffer (WDQ and WDD, per crime type and harm-weighted), reports police-activity offences
apart, prices the crimes avoided against the operation's cost, and gives a cautious
verdict (:func:`realimpact.evaluate.verdict.verdict`).

Inference is calibrated by default: ITS (and STS when it over-flags) takes its p-value
and interval from 100 untreated placebo areas of the same force
(:mod:`realimpact.evaluate._area_checks`); DiD's permutation inference and the synthetic
control's in-space placebos are calibrated by construction. :func:`calibrate_area` runs
the placebo check alone, as a diagnostic.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from realimpact.data.areas import Area, buffer_area, candidate_controls, load_area
from realimpact.data.series import panel
from realimpact.data.weights import WeightTable
from realimpact.evaluate._area_checks import (
    DEFAULT_CALIBRATION_AREAS,
    area_sustainability,
    calibrate_area,
    calibrate_results,
    run_area_calibration,
)
from realimpact.evaluate._area_displacement import (
    BUFFER,
    TARGET,
    Displacement,
    avoided_crimes,
    displacement,
)
from realimpact.evaluate._result import EffectResult
from realimpact.evaluate._run import Evaluation, evaluate_panel, method_function
from realimpact.evaluate.calibration import CalibrationResult
from realimpact.evaluate.costs import (
    CostTable,
    OperationCost,
    ValueForMoney,
    value_for_money,
)
from realimpact.evaluate.harm import resolve_weights
from realimpact.evaluate.sustainability import SustainabilityResult
from realimpact.evaluate.verdict import Verdict, verdict
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable
from realimpact.workspace import Workspace

__all__ = [
    "DEFAULT_CALIBRATION_AREAS",
    "AreaEvaluation",
    "Displacement",
    "calibrate_area",
    "evaluate_area",
]

ProgressFn = Callable[[str], None]
HARM_MODEL_BASED = (
    "harm-unit ITS/STS p-values and intervals are model-based (the placebo check is run on "
    "counts); a method is set aside when the count check found it over-flagging"
)


@dataclass(frozen=True)
class AreaEvaluation:
    """Everything :func:`evaluate_area` found, with the verdict first."""

    area: str
    lsoas: tuple[str, ...]
    buffer: str
    buffer_lsoas: tuple[str, ...]
    controls: Mapping[str, tuple[str, ...]]
    start: str
    end: str | None
    verdict: Verdict
    counts: Evaluation
    harm: Evaluation | None
    activity: EffectResult | None
    displacement: Displacement | None
    value_for_money: ValueForMoney | None
    sustainability: SustainabilityResult | None
    weights: str
    harm_unit: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seed: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)
    calibration: Mapping[str, CalibrationResult] = field(default_factory=dict)
    inference: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [
            f"Evaluation of {self.area} ({len(self.lsoas)} LSOAs) from {self.start}"
            f"{f' to {self.end}' if self.end else ''}; buffer {self.buffer} "
            f"({len(self.buffer_lsoas)} LSOAs); {len(self.controls)} control units",
            self.verdict.summary(),
        ]
        if self.harm is not None:
            lines += [
                "",
                f"In harm units ({self.weights}, {self.harm_unit}):",
                self.harm.verdict.summary(),
            ]
        if self.activity is not None:
            a = self.activity
            lines += [
                "",
                "Police activity (Drugs, Possession of weapons; not harm): "
                f"{a.estimate:+,.3g} per month ({a.method})",
            ]
        if self.sustainability is not None:
            lines += ["", "Sustainability (primary method):", self.sustainability.summary()]
        if self.inference:
            lines += ["", "Inference (how each method's p-value and interval were obtained):"]
            lines += [f"  {m}: {how}" for m, how in self.inference.items()]
        if self.calibration:
            c0 = next(iter(self.calibration.values()))
            lines += [
                "",
                f"Placebo check of the model-based tests on untreated areas of the force "
                f"(seed {c0.seed}):",
            ]
            lines += [f"  {c.summary()}" for c in self.calibration.values()]
        if self.displacement is not None:
            lines += ["", self.displacement.summary()]
        if self.value_for_money is not None:
            lines += ["", "Value for money:", self.value_for_money.summary()]
        lines += [f"note: {n}" for n in self.notes] + [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _load(workspace: Workspace, area: Area | str) -> Area:
    return area if isinstance(area, Area) else load_area(workspace, area)


def _control_units(
    workspace: Workspace,
    target: Area,
    buffer: Area,
    controls: Sequence[Area | str],
    crime_types: Sequence[str] | None,
    start: str,
    n_donors: int,
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Named control units: the given areas, or groups of ranked candidate LSOAs."""
    if controls:
        areas = [_load(workspace, c) for c in controls]
        return {a.name: tuple(a.lsoas) for a in areas}, []
    k = max(1, len(target.lsoas))
    pre_end = str(pd.Period(start, "M") - 1)
    cand = candidate_controls(
        workspace,
        target,
        n=n_donors * k,
        exclude=buffer.lsoas,
        crime_types=crime_types,
        end=pre_end,
    )
    codes = list(cand.lsoas)
    units = {f"control-{i // k + 1:02d}": tuple(codes[i : i + k]) for i in range(0, len(codes), k)}
    units = {u: c for u, c in units.items() if len(c) == k}
    note = (
        f"controls: {len(units)} units of {k} LSOAs each, from the {len(codes)} LSOAs of "
        f"the force most similar to the target in pre-period level and trend "
        f"({cand.method}); buffer and adjacent LSOAs excluded"
    )
    return units, [note]


def _totals(
    frame: pd.DataFrame, table: WeightTable, crime_types: Sequence[str] | None
) -> pd.DataFrame:
    """Per unit x month: harm-type count, harm, and activity count."""
    w = table.harm_weights()
    f = frame if crime_types is None else frame[frame["crime_type"].isin(crime_types)]
    is_h = f["crime_type"].isin(list(w))
    is_a = f["crime_type"].isin(list(table.activity_types))
    f = f.assign(
        n_harm=f["count"].where(is_h, 0.0),
        h=f["harm"].where(is_h, 0.0).fillna(0.0),
        n_act=f["count"].where(is_a, 0.0),
    )
    g = f.groupby(["unit", "month"], as_index=False)[["n_harm", "h", "n_act"]].sum()
    return g.rename(columns={"n_harm": "count", "h": "harm", "n_act": "activity"})


def _activity(
    tot: pd.DataFrame, start: str, end: str | None, ci_level: float, seed: int
) -> EffectResult | None:
    fn = method_function("its")
    t = tot[tot["unit"] == TARGET][["month", "activity"]]
    if fn is None or t["activity"].sum() == 0:
        return None
    try:
        return fn(
            t, time="month", outcome="activity", start=start, end=end, ci_level=ci_level, seed=seed
        )
    except ConfigError:
        return None


def _value(
    disp: Displacement | None,
    cost: float | OperationCost | None,
    unit_costs: CostTable | None,
    seed: int,
) -> ValueForMoney | None:
    if cost is None or disp is None:
        return None
    avoided = {ct: avoided_crimes(r, disp.sizes) for ct, r in disp.wdd_by_type.items()}
    return value_for_money(avoided, operation_cost=cost, unit_costs=unit_costs, seed=seed)


def _run_outcome(
    tot: pd.DataFrame,
    outcome: str,
    start: str,
    end: str | None,
    methods: Sequence[str],
    ci_level: float,
    seed: int,
    progress: ProgressFn | None,
) -> Evaluation:
    data = tot[["unit", "month", outcome]]
    return evaluate_panel(
        data,
        unit="unit",
        time="month",
        outcome=outcome,
        treated=TARGET,
        start=start,
        end=end,
        methods=list(methods),
        ci_level=ci_level,
        seed=seed,
        progress=progress,
    )


def _harm_verdict(
    harm: Evaluation, cal: Mapping[str, CalibrationResult], alpha: float
) -> Evaluation:
    """Harm-unit ITS/STS stay model-based: set them aside when the count check over-flags."""
    rates = {
        r.method: cal[m].false_positive_rate
        for m, r in harm.results.items()
        if m in cal and cal[m].false_positive_rate > alpha
    }
    cav = [HARM_MODEL_BASED] if set(harm.results) & {"its", "sts"} else []
    new = verdict(list(harm.results.values()), calibration=rates, alpha=alpha, extra_caveats=cav)
    return dataclasses.replace(harm, verdict=new)


def evaluate_area(
    workspace: Workspace,
    area: Area | str,
    *,
    start: str,
    end: str | None = None,
    buffer: Area | str | None = None,
    controls: Sequence[Area | str] = (),
    crime_types: Sequence[str] | None = None,
    weights: WeightTable | str | None = None,
    cost: float | OperationCost | None = None,
    methods: Sequence[str] = ("its", "did", "synth", "sts"),
    unit_costs: CostTable | None = None,
    n_donors: int = 20,
    calibrate: int = DEFAULT_CALIBRATION_AREAS,
    ci_level: float = 0.95,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> AreaEvaluation:
    """Evaluate an operation in a saved area: verdict, harm, displacement, value for money.

    Parameters
    ----------
    workspace
        Workspace whose store holds the police.uk data.
    area
        The target area (a saved area's name or an :class:`~realimpact.data.areas.Area`).
    start, end
        First month of the operation and last month evaluated (``YYYY-MM``).
    buffer
        Where displacement would show; default: the LSOAs adjacent to the target.
    controls
        Control areas (each one unit). Default: groups of the force's LSOAs most similar
        to the target in pre-period level and trend, each group the size of the target
        (:func:`~realimpact.data.areas.candidate_controls`), ``n_donors`` groups.
    crime_types
        police.uk crime types (default: all harm types of the weight table).
    weights
        Harm weight table (default CCHI); activity offences are reported apart.
    cost
        Operation cost (GBP, or an :class:`OperationCost`): enables value for money.
    methods
        Counterfactual methods among ``its``, ``did``, ``synth``, ``sts``.
    unit_costs
        Unit costs of crime (default: shipped table, values not verified).
    calibrate
        Number of untreated placebo areas of the same force (random groups of as many
        LSOAs as the target; target, buffer and control LSOAs excluded) on which ITS and
        STS are run from the same start with the same comparison series. Their
        false-positive rate is reported, and the target's ITS p-value and interval are
        replaced by the placebo-calibrated ones (STS too when its rate exceeds alpha); the
        model-based ones stay in ``extra["model_based"]``. ``0`` turns this off (a warning
        says the p-values are model-based); with fewer than ``1/alpha - 1`` separate
        untreated areas the check is skipped with the same warning.
    ci_level, seed
        Interval level and random seed for every method.
    progress
        Called with each step's name.

    Returns
    -------
    AreaEvaluation

    Notes
    -----
    The outcome is the monthly count of the harm types (the types the weight table
    scores, activity offences excluded); the same methods run on the harm-weighted total.
    Displacement compares equal before/after windows (the months just before the start and
    the first months from it) in the target, buffer and the pooled controls; the WDD per
    crime type, net of displacement, gives the crimes avoided that value for money prices.
    The verdict rests on the count methods, with displacement and data caveats attached.
    """
    if calibrate < 0:
        raise ConfigError(
            "evaluate_area: calibrate must not be negative",
            [Problem(f"calibrate={calibrate}", "Give 0 (off) or a number of placebo areas.")],
        )
    step = progress or (lambda _name: None)
    step("loading areas")
    target = _load(workspace, area)
    notes: list[str] = []
    if buffer is None:
        buf = buffer_area(target, adjacent=True, name=f"{target.name}-buffer")
        notes.append(f"buffer: the {len(buf.lsoas)} LSOAs adjacent to the target (none given)")
    else:
        buf = _load(workspace, buffer)
    units, cnotes = _control_units(workspace, target, buf, controls, crime_types, start, n_donors)
    notes += cnotes
    table = resolve_weights(weights)
    step("reading series")
    frame = panel(
        workspace,
        {TARGET: target.lsoas, BUFFER: buf.lsoas, **units},
        crime_types=crime_types,
        end=end,
        weights=table,
    )
    tot = _totals(frame, table, crime_types)
    counts = _run_outcome(tot, "count", start, end, methods, ci_level, seed, progress)
    harm = _run_outcome(tot, "harm", start, end, methods, ci_level, seed, progress)
    step("displacement")
    sizes = (len(target.lsoas), len(buf.lsoas), sum(len(c) for c in units.values()))
    disp = displacement(frame, tot, table, start, end, ci_level, sizes)
    activity = _activity(tot, start, end, ci_level, seed)
    vfm = _value(disp, cost, unit_costs, seed)
    primary = counts.results.get("its") or next(iter(counts.results.values()), None)
    caveats = [disp.wdd_count.reading]
    if vfm is not None and vfm.unverified:
        caveats.append("value for money uses unit costs not verified against the Home Office table")
    types = sorted(set(table.harm_weights()) & set(crime_types or table.weights))
    exclude = (*target.lsoas, *buf.lsoas, *(c for u in units.values() for c in u))
    alpha = 1 - ci_level
    cal, cal_notes, cal_warn = run_area_calibration(
        workspace,
        target.lsoas,
        types,
        exclude,
        tot,
        counts.results,
        start,
        end,
        calibrate,
        alpha,
        seed,
        progress,
    )
    notes += cal_notes
    applied = calibrate_results(counts.results, cal, alpha=alpha, requested=calibrate)
    counts = dataclasses.replace(counts, results=applied.results)
    cal_warn += list(applied.warnings)
    caveats += cal_warn
    final = verdict(
        list(counts.results.values()),
        calibration=applied.miscalibrated,
        alpha=alpha,
        extra_caveats=caveats,
    )
    counts = dataclasses.replace(counts, verdict=final)
    if primary is not None and primary.series is not None:
        notes.append(
            "sustainability windows use the primary method's model-based simulation "
            "intervals (not placebo-calibrated): read them as too narrow"
        )
    harm = _harm_verdict(harm, cal, alpha)
    notes.append(
        f"harm weights: {table.name} ({table.unit}); {', '.join(sorted(table.activity_types))} "
        "reported as police activity, not harm"
    )
    return AreaEvaluation(
        area=target.name,
        lsoas=tuple(target.lsoas),
        buffer=buf.name,
        buffer_lsoas=tuple(buf.lsoas),
        controls=units,
        start=start,
        end=end,
        verdict=final,
        counts=counts,
        harm=harm,
        activity=activity,
        displacement=disp,
        value_for_money=vfm,
        sustainability=area_sustainability(primary),
        weights=table.name,
        harm_unit=table.unit,
        notes=tuple(notes),
        warnings=tuple(target.warnings) + tuple(buf.warnings) + tuple(cal_warn),
        seed=seed,
        calibration=cal,
        inference=applied.inference,
        params={
            "methods": list(methods),
            "calibrate": calibrate,
            "crime_types": None if crime_types is None else list(crime_types),
            "ci_level": ci_level,
            "n_donors": n_donors,
            "cost": to_jsonable(cost),
        },
    )
