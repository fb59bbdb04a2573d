"""Predicted net harm of a plan: a ledger over targeted and side-effect harms, simulated.

Method
------
Every targeted harm, displacement risk and side effect is a ledger line
(:mod:`realimpact.plan.ledger`). Lines in ``percent`` are in harm units per month: the
baseline monthly count of their police.uk crime types in the plan's area (from the
observation store, over the baseline window: by default the 12 months before ``start``),
weighted by the plan's weight table (default the Cambridge Crime Harm Index, days of
imprisonment), times the expected relative change. Lines in ``ordinal`` points stay on
the stated scale -3..+3 (:data:`~realimpact.plan.model.ORDINAL_SCALE`); the two scales are
never added together. ``n_draws`` seeded draws propagate the uncertainty of every range
and baseline; the prediction states the probability of a net reduction on each scale and
on both at once.

Sensitivity: one input at a time is set to its low and high end (a baseline to its 5% and
95% quantiles) with every other input at its central value; an input *swings the sign*
when the net is negative at one end and positive at the other. The plan then warns that
its net effect hinges on that assumption.

Assumptions: lines are independent; ranges are triangular (displacement shares uniform);
harm from different crime types adds; an ordinal point means the same on every harm.

References: UKDPC (2009) chapter 4 steps 3 and 6 (net benefit); Sherman, Neyroud &
Neyroud (2016) for the CCHI weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from realimpact.data.series import month_range
from realimpact.data.weights import WeightTable
from realimpact.jsonable import to_jsonable
from realimpact.plan.baseline import area_baselines, resolve_plan_weights
from realimpact.plan.ledger import Baseline, LedgerInput, draw, quantile
from realimpact.plan.model import EffectRange, Plan
from realimpact.plan.sensitivity import Swing, nets_of, one_at_a_time
from realimpact.workspace import Workspace

__all__ = ["Interval", "LedgerLine", "NetHarmPrediction", "Swing", "predict_net_harm"]

SCALES = ("harm", "ordinal")


@dataclass(frozen=True)
class Interval:
    """Mean and a central interval (``level``) of simulated values."""

    mean: float
    low: float
    high: float
    level: float = 0.9


@dataclass(frozen=True)
class LedgerLine:
    """One simulated line: what it is, its scale, its baseline and its contribution."""

    id: str
    kind: str
    harm: str
    scale: str
    unit: str
    label: str
    range: tuple[float, float, float]
    contribution: Interval
    baseline_per_month: float | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetHarmPrediction:
    """The plan's predicted net harm with uncertainty, sensitivity and warnings.

    ``net`` maps scale (``harm``: harm units per month; ``ordinal``: points) to an
    :class:`Interval`; ``p_reduction`` the probability of a net fall on each scale and
    ``p_reduction_all`` on every scale the plan uses at once.
    """

    plan: str
    area: str
    weights: str
    harm_unit: str
    lines: tuple[LedgerLine, ...]
    net: dict[str, Interval]
    p_reduction: dict[str, float]
    p_reduction_all: float
    sensitivity: tuple[Swing, ...]
    warnings: tuple[str, ...]
    baseline_window: tuple[str, str] | None
    subtotals: dict[str, Interval]
    seed: int
    n_draws: int
    notes: tuple[str, ...] = field(default=())

    def hinges(self) -> tuple[Swing, ...]:
        """Inputs whose range alone swings the sign of a net."""
        return tuple(s for s in self.sensitivity if s.flips)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        out["hinges"] = [s.input for s in self.hinges()]
        return out

    def summary(self) -> str:
        lines = [
            f"Predicted net harm of plan {self.plan} in {self.area} (seed {self.seed}, "
            f"{self.n_draws} draws)"
        ]
        for ln in self.lines:
            c = ln.contribution
            lines.append(
                f"  {ln.kind:<12} {ln.id:<28} {c.mean:+10.3g} ({c.low:+.3g} to {c.high:+.3g}) "
                f"{_unit(ln.scale, self.harm_unit)}"
            )
        for scale, iv in self.net.items():
            lines.append(
                f"Net {scale}: {iv.mean:+.3g} ({int(iv.level * 100)}% interval {iv.low:+.3g} to "
                f"{iv.high:+.3g}) {_unit(scale, self.harm_unit)}; P(net reduction) = "
                f"{self.p_reduction[scale]:.2f}"
            )
        lines.append(f"P(net reduction on every scale) = {self.p_reduction_all:.2f}")
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _unit(scale: str, harm_unit: str) -> str:
    return f"{harm_unit} per month" if scale == "harm" else "ordinal points"


def _line(
    id_: str,
    kind: str,
    harm: str,
    eff: EffectRange,
    label: str,
    crime_types: tuple[str, ...],
    baselines: dict[tuple[str, ...], Baseline],
    table: WeightTable,
) -> LedgerInput:
    if eff.unit == "ordinal":
        return LedgerInput(
            id_, kind, harm, "ordinal", eff.low, eff.central(), eff.high, "points", label
        )
    base = baselines[crime_types]
    notes = tuple(
        f"{k} has no harm weight in {table.name} (activity or unscored): not in harm units"
        for k, w in base.weights.items()
        if not w
    )
    return LedgerInput(
        id_,
        kind,
        harm,
        "harm",
        eff.low,
        eff.central(),
        eff.high,
        "percent",
        label,
        baseline=base,
        notes=notes,
    )


def _inputs(
    plan: Plan, baselines: dict[tuple[str, ...], Baseline], table: WeightTable
) -> tuple[LedgerInput, ...]:
    out = [
        _line(
            f"target:{t.harm}",
            "target",
            t.harm,
            t.expected,
            t.mechanism,
            t.crime_types,
            baselines,
            table,
        )
        for t in plan.targeted_harms
    ]
    scale_of = {i.id: i.scale for i in out}
    for d in plan.displacement:
        of = f"target:{d.of_harm}"
        out.append(
            LedgerInput(
                d.id,
                "displacement",
                d.of_harm,
                scale_of[of],
                d.share_low,
                (d.share_low + d.share_high) / 2,
                d.share_high,
                "share",
                d.description,
                of_line=of,
            )
        )
    out += [
        _line(
            s.id, "side-effect", s.harm, s.expected, s.description, s.crime_types, baselines, table
        )
        for s in plan.side_effects
    ]
    return tuple(out)


def _interval(x: Any, level: float = 0.9) -> Interval:
    a = (1 - level) / 2
    return Interval(float(np.mean(x)), quantile(x, a), quantile(x, 1 - a), level)


def _warnings(
    net: dict[str, Interval],
    p: dict[str, float],
    swings: tuple[Swing, ...],
    inputs: tuple[LedgerInput, ...],
) -> list[str]:
    out = []
    for scale, iv in net.items():
        if iv.mean >= 0:
            out.append(
                f"the plan does not predict a net reduction on the {scale} scale "
                f"(mean {iv.mean:+.3g})."
            )
        elif p[scale] < 0.95:
            out.append(
                f"the net effect on the {scale} scale may be negative for the community: "
                f"P(net increase) = {1 - p[scale]:.2f}."
            )
    for s in swings:
        if s.flips:
            out.append(
                f"the net {s.scale} effect hinges on one uncertain assumption, {s.input}: "
                f"net {s.net_at_low:+.3g} at its low end, {s.net_at_high:+.3g} at its high end."
            )
    out += [n for i in inputs for n in i.notes]
    return out


def _subtotals(inputs: tuple[LedgerInput, ...], draws: dict[str, Any]) -> dict[str, Interval]:
    """Per ``kind:scale`` (``target:harm``, ``displacement:harm`` ...) intervals."""
    sums: dict[str, Any] = {}
    for line in inputs:
        key = f"{line.kind}:{line.scale}"
        sums[key] = sums.get(key, 0.0) + draws[line.id]
    return {k: _interval(v) for k, v in sums.items()}


def predict_net_harm(
    plan: Plan, workspace: Workspace | None = None, *, n_draws: int = 10_000, seed: int = 0
) -> NetHarmPrediction:
    """Predict the plan's net change in harm, with uncertainty, sensitivity and warnings.

    Parameters
    ----------
    plan
        A validated plan (:func:`realimpact.plan.load_plan`).
    workspace
        Holds the store and the plan's area; needed when any effect is in ``percent``.
    n_draws, seed
        Number of simulation draws and the seed of ``numpy.random.default_rng``.

    Returns
    -------
    NetHarmPrediction
        Negative nets are reductions in harm. See the module docstring for the method.

    Examples
    --------
    >>> plan = Plan.model_validate({"name": "p", "title": "t", "problem": "x", "area": "a",
    ...     "start": "2025-01", "responses": [{"intervention": "cctv", "action": "a",
    ...     "owner": "o"}], "targeted_harms": [{"harm": "social.community.no-go-areas",
    ...     "mechanism": "m", "expected": {"low": -2, "mode": -1, "high": 1, "unit": "ordinal"},
    ...     "basis": "judgement", "rationale": "r"}]})
    >>> round(predict_net_harm(plan, seed=1).p_reduction["ordinal"], 2)
    0.83
    """
    table = resolve_plan_weights(plan.weights)
    window = plan.baseline_window()
    baselines = area_baselines(plan, workspace, table, window)
    inputs = _inputs(plan, baselines, table)
    rng = np.random.default_rng(seed)
    draws = draw(inputs, rng, n_draws)
    nets = nets_of(inputs, draws)
    net = {s: _interval(nets[s]) for s in SCALES if s in nets}
    p = {s: float(np.mean(nets[s] < 0)) for s in net}
    p_all = float(np.mean(np.logical_and.reduce([nets[s] < 0 for s in net])))
    swings = one_at_a_time(inputs)
    lines = tuple(
        LedgerLine(
            i.id,
            i.kind,
            i.harm,
            i.scale,
            i.unit,
            i.label,
            (i.low, i.mode, i.high),
            _interval(draws[i.id]),
            i.baseline.harm_per_month() if i.baseline else None,
            i.notes,
        )
        for i in inputs
    )
    subtotals = _subtotals(inputs, draws)
    used = next(iter(baselines.values())).window if baselines else None
    months_used = next(iter(baselines.values())).months if baselines else 0
    wanted = len(month_range(*window))
    short = (
        (
            f"baseline: {months_used} of the {wanted} months {window[0]}..{window[1]} are in "
            "the store",
        )
        if baselines and months_used < wanted
        else ()
    )
    return NetHarmPrediction(
        plan=plan.name,
        area=plan.area,
        weights=table.name,
        harm_unit=table.unit,
        lines=lines,
        net=net,
        p_reduction=p,
        p_reduction_all=p_all,
        sensitivity=swings,
        warnings=tuple(_warnings(net, p, swings, inputs)),
        baseline_window=used,
        subtotals=subtotals,
        seed=seed,
        n_draws=n_draws,
        notes=(
            *short,
            "harm units and ordinal points are separate scales and are never added",
            "ordinal scale: -3 major decrease .. 0 no change .. +3 major increase",
        ),
    )
