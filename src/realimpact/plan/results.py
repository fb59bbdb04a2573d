"""Results analysis: predicted against measured effects, and filing local evidence.

Method: the prediction's subtotal for the targeted harm lines in harm units per month is
set beside each counterfactual method's harm-weighted effect in the target area (harm
units per month), and the predicted displacement subtotal beside the harm-weighted WDD's
buffer part divided by the months of its after-window. Each row says whether the
measured estimate lies inside the predicted interval, is better (a larger fall) or worse.
Ordinal lines are not measured by an area evaluation: they are listed for the measures
plan. Run the evaluation on the plan's crime types (:func:`evaluation_kwargs`) so the
two are on the same footing.

The evaluation (an :class:`~realimpact.evaluate.area.AreaEvaluation` or its JSON) can be
filed into the workspace's evidence library overlay (:func:`file_evaluation`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from realimpact.data.series import month_range
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable
from realimpact.plan.library import (
    FiledEvidence,
    load_evidence_library,
    overlay_evidence_path,
)
from realimpact.plan.log import EvaluationWindow, ImplementationLog
from realimpact.plan.model import Plan
from realimpact.plan.predict import Interval, NetHarmPrediction
from realimpact.plan.review import implementation_review
from realimpact.workspace import Workspace

__all__ = [
    "Comparison",
    "ResultsAnalysis",
    "compare",
    "evaluation_kwargs",
    "file_evaluation",
    "read_evaluation",
]


@dataclass(frozen=True)
class Comparison:
    """One predicted-versus-measured row."""

    quantity: str
    method: str
    predicted: Interval
    measured: float | None
    measured_low: float | None
    measured_high: float | None
    unit: str
    reading: str


@dataclass(frozen=True)
class ResultsAnalysis:
    """Predicted and measured effects side by side, with unmeasured (ordinal) lines."""

    plan: str
    area: str
    rows: tuple[Comparison, ...]
    unmeasured: tuple[str, ...]
    verdict: str | None
    implementation: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [f"Results analysis of {self.plan} in {self.area}"]
        if self.verdict:
            lines.append(f"Evaluation verdict: {self.verdict}")
        for r in self.rows:
            m = "n/a" if r.measured is None else f"{r.measured:+.3g}"
            lines.append(
                f"  {r.quantity} [{r.method}]: predicted {r.predicted.mean:+.3g} "
                f"({r.predicted.low:+.3g} to {r.predicted.high:+.3g}), measured {m} {r.unit}"
                f" - {r.reading}"
            )
        lines += [f"  not measured by the area evaluation: {u}" for u in self.unmeasured]
        if self.implementation:
            lines.append("Implementation against the plan:")
            lines += [f"  {f}" for f in self.implementation]
        return "\n".join(lines)


def evaluation_kwargs(plan: Plan, window: EvaluationWindow) -> dict[str, Any]:
    """Keyword arguments for ``evaluate_area`` matching the plan's harm-unit lines."""
    types = sorted({c for t in plan.targeted_harms for c in t.crime_types})
    out: dict[str, Any] = {**window.kwargs(), "weights": plan.weights}
    if types:
        out["crime_types"] = types
    if plan.buffer:
        out["buffer"] = plan.buffer
    return out


def read_evaluation(path: str | Path) -> Any:
    """The JSON an evaluation command wrote (``--json``), for :func:`compare` and filing.

    Raises :class:`~realimpact.exceptions.ConfigError` naming the file if it cannot be
    read or is not JSON.
    """
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Cannot read {p}.",
            [
                Problem(
                    f"not a readable JSON file ({exc}).",
                    "Save the output of the evaluation with --json.",
                    file=str(p),
                )
            ],
        ) from exc


def _as_dict(evaluation: Any) -> Mapping[str, Any]:
    if isinstance(evaluation, Mapping):
        return evaluation
    out: Mapping[str, Any] = evaluation.to_dict()
    return out


def _reading(pred: Interval, est: float | None, lo: float | None, hi: float | None) -> str:
    if est is None:
        return "not estimated"
    if pred.low <= est <= pred.high:
        return "within the predicted interval"
    side = "better than predicted (larger fall)" if est < pred.low else "worse than predicted"
    if lo is not None and hi is not None and lo <= pred.high and hi >= pred.low:
        return f"{side}, but its interval overlaps the prediction"
    return side


def _method_rows(pred: Interval, harm: Mapping[str, Any], unit: str) -> list[Comparison]:
    rows = []
    for method, r in (harm.get("results") or {}).items():
        est, lo, hi = r.get("estimate"), r.get("ci_low"), r.get("ci_high")
        rows.append(
            Comparison(
                "targeted harm in the target area",
                method,
                pred,
                est,
                lo,
                hi,
                unit,
                _reading(pred, est, lo, hi),
            )
        )
    return rows


def _relative_rows(prediction: NetHarmPrediction, ev: Mapping[str, Any]) -> list[Comparison]:
    """The plan's own percent range beside each method's relative change in counts.

    Only when exactly one targeted line is in percent: then the evaluation's crime types
    (from :func:`evaluation_kwargs`) are that line's, and the two are like for like.
    """
    lines = [ln for ln in prediction.lines if ln.kind == "target" and ln.scale == "harm"]
    if len(lines) != 1:
        return []
    lo, mode, hi = lines[0].range
    pred = Interval((lo + mode + hi) / 3, lo, hi, 1.0)
    rows = []
    for method, r in ((ev.get("counts") or {}).get("results") or {}).items():
        rel = r.get("relative_estimate")
        if rel is not None:
            rows.append(
                Comparison(
                    "relative change in the targeted crime types",
                    method,
                    pred,
                    float(rel),
                    None,
                    None,
                    "percent",
                    _reading(pred, float(rel), None, None),
                )
            )
    return rows


def _displacement_row(pred: Interval, disp: Mapping[str, Any], unit: str) -> Comparison | None:
    wdd = disp.get("wdd_harm")
    after = disp.get("after")
    if not wdd or not after:
        return None
    months = len(month_range(after[0], after[1]))
    est = float(wdd["est_displace"]) / months
    half = 1.96 * float(wdd["se_displace"]) / months
    return Comparison(
        "displacement to the buffer",
        "wdd-harm",
        pred,
        est,
        est - half,
        est + half,
        unit,
        _reading(pred, est, est - half, est + half),
    )


def compare(
    prediction: NetHarmPrediction,
    evaluation: Any,
    *,
    plan: Plan | None = None,
    log: ImplementationLog | None = None,
) -> ResultsAnalysis:
    """Set the plan's predicted effects beside an area evaluation's measured ones.

    Parameters
    ----------
    prediction
        From :func:`realimpact.plan.predict_net_harm`.
    evaluation
        An :class:`~realimpact.evaluate.area.AreaEvaluation` or its ``to_dict()`` JSON;
        anything without ``counts`` results raises :class:`ConfigError`.
    plan, log
        When both are given, the implementation review
        (:func:`~realimpact.plan.review.implementation_review`) is added.
    """
    ev = _as_dict(evaluation)
    if not isinstance(ev.get("counts"), Mapping):
        raise ConfigError(
            "The evaluation is not an area evaluation.",
            [
                Problem(
                    "it has no 'counts' results (top-level keys: "
                    f"{', '.join(map(str, ev)) or 'none'}).",
                    "Give the JSON written by 'realimpact evaluate area ... --json'.",
                    column="counts",
                )
            ],
        )
    unit = f"{prediction.harm_unit} per month"
    rows: list[Comparison] = []
    target = prediction.subtotals.get("target:harm")
    if target is not None and ev.get("harm"):
        rows += _method_rows(target, ev["harm"], unit)
    rows += _relative_rows(prediction, ev)
    disp = prediction.subtotals.get("displacement:harm")
    if disp is not None and ev.get("displacement"):
        row = _displacement_row(disp, ev["displacement"], unit)
        rows += [row] if row else []
    unmeasured = tuple(
        f"{ln.id} ({ln.harm}, ordinal)" for ln in prediction.lines if ln.scale == "ordinal"
    )
    verdict = (ev.get("verdict") or {}).get("headline")
    review = implementation_review(plan, log) if plan is not None and log is not None else ()
    return ResultsAnalysis(
        prediction.plan,
        str(ev.get("area", prediction.area)),
        tuple(rows),
        unmeasured,
        verdict,
        review,
    )


def _primary(ev: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    if "estimate" in ev and "method" in ev:  # a single EffectResult
        return str(ev["method"]), ev
    for part in ("harm", "counts"):
        results = (ev.get(part) or {}).get("results") or {}
        for method in ("its", "synth", "did", "sts", *results):
            if method in results:
                return method, results[method]
    raise ConfigError(
        "The evaluation has no method results to file.",
        [
            Problem(
                "no results under 'harm' or 'counts'.",
                "File the JSON of an area evaluation.",
                column="results",
            )
        ],
    )


def file_evaluation(
    workspace: Workspace,
    intervention: str,
    evaluation: Any,
    *,
    plan: str | None = None,
    evidence_id: str | None = None,
    source_file: str | None = None,
) -> FiledEvidence:
    """File an evaluation as local evidence for ``intervention`` (workspace overlay).

    ``evaluation`` is an :class:`~realimpact.evaluate.area.AreaEvaluation` (its harm-weighted
    ITS result is filed, else the first method's), an
    :class:`~realimpact.evaluate.EffectResult`, or the JSON of either. A bare result has no
    area or start: they are taken from its ``inputs`` if present, else ``unknown``.

    Appends to ``<workspace>/framework/local_evidence.yaml``; the whole library is
    re-validated before the file is replaced, so a failed filing leaves it as it was.
    """
    load_evidence_library(workspace.overlay_dir).get(intervention)
    ev = _as_dict(evaluation)
    method, res = _primary(ev)
    raw_inputs = ev.get("inputs")
    inputs: Mapping[str, Any] = raw_inputs if isinstance(raw_inputs, Mapping) else {}
    area = str(ev.get("area") or inputs.get("area") or "unknown")
    entry = FiledEvidence(
        id=evidence_id or f"{area}-{ev.get('start', 'na')}",
        intervention=intervention,
        area=area,
        start=str(ev.get("start") or inputs.get("start") or "unknown"),
        end=ev.get("end"),
        estimate=float(res["estimate"]),
        ci_low=res.get("ci_low"),
        ci_high=res.get("ci_high"),
        unit=str(res.get("unit", "")),
        method=method,
        verdict=(ev.get("verdict") or {}).get("headline"),
        plan=plan,
        file=source_file,
        filed=dt.date.today().isoformat(),
    )
    path = overlay_evidence_path(workspace.overlay_dir)
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    current = yaml.safe_load(old) if old else []
    if any(isinstance(e, dict) and e.get("id") == entry.id for e in current or []):
        raise ConfigError(
            f"Local evidence {entry.id!r} is already filed.",
            [Problem("duplicate id.", "Pass another evidence id.", file=str(path), entry=entry.id)],
        )
    new = [*(current or []), entry.model_dump(mode="json", exclude_none=True)]
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(new, sort_keys=False, allow_unicode=True), "utf-8")
    try:
        tmp.replace(path)
        load_evidence_library(workspace.overlay_dir)
    except Exception:
        if old is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(old, "utf-8")
        raise
    return entry
