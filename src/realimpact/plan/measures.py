"""The measures plan: how success and side effects will be measured (UKDPC 2009, step 4).

For each targeted harm the plan should name at least one *outcome* measure (a measure that
shows the harm itself: Appendix C, the Harocopos and Hough list, PSA indicators), with its
data source (Box B), collection frequency and owner, and a baseline from the observation
store where the measure is a count of police.uk crime types. Each displacement risk and
side effect should have a monitoring measure. Activity measures (arrests, seizures) are
allowed but labelled outputs, not outcomes: "arrests and seizures are easy to count: drug
market externalities that do not happen are not" (Caulkins & Reuter 2009, quoted in the
report's step 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from realimpact.data.areas import load_area
from realimpact.data.series import panel
from realimpact.exceptions import NotFoundError
from realimpact.framework import KnowledgeBase, MeasureKind, load_knowledge_base
from realimpact.jsonable import to_jsonable
from realimpact.plan.model import Plan, PlannedMeasure
from realimpact.workspace import Workspace

__all__ = ["MeasureRow", "MeasuresPlan", "measures_plan"]


@dataclass(frozen=True)
class MeasureRow:
    """One planned measure with its kind, role, source, owner and baseline (if any)."""

    measure: str
    label: str
    kind: str
    role: str
    measures: tuple[str, ...]
    source: str
    source_label: str
    frequency: str
    owner: str
    baseline_per_month: float | None = None
    baseline_window: tuple[str, str] | None = None


@dataclass(frozen=True)
class MeasuresPlan:
    """Measures of success (outcomes), monitoring of risks, and outputs, with warnings.

    ``suggestions`` maps a targeted harm without an outcome measure to knowledge-base
    outcome measures that can show it.
    """

    plan: str
    rows: tuple[MeasureRow, ...]
    warnings: tuple[str, ...]
    suggestions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [f"Measures plan of {self.plan}:"]
        for r in self.rows:
            base = (
                f"; baseline {r.baseline_per_month:.1f}/month ({r.baseline_window[0]}.."
                f"{r.baseline_window[1]})"
                if r.baseline_per_month is not None and r.baseline_window
                else ""
            )
            lines.append(
                f"  [{r.role}] {r.measure} ({r.label}) for {', '.join(r.measures)}: "
                f"{r.source_label}, {r.frequency}, owner {r.owner}{base}"
            )
        lines += [f"warning: {w}" for w in self.warnings]
        for harm, ids in self.suggestions.items():
            lines.append(f"  suggested outcome measures for {harm}: {', '.join(ids) or 'none'}")
        return "\n".join(lines)


_ROLE = {
    MeasureKind.OUTCOME: "outcome",
    MeasureKind.MONITORING: "monitoring",
    MeasureKind.ACTIVITY_OUTPUT: "output, not outcome",
}


def _baseline(
    pm: PlannedMeasure, plan: Plan, workspace: Workspace | None
) -> tuple[float | None, tuple[str, str] | None]:
    if not pm.crime_types or workspace is None:
        return None, None
    try:
        area = load_area(workspace, plan.area)
    except NotFoundError:
        return None, None
    window = plan.baseline_window()
    frame = panel(
        workspace,
        {area.name: area},
        crime_types=list(pm.crime_types),
        start=window[0],
        end=window[1],
        weights=None,
    )
    months = frame["month"].nunique()
    if months == 0:
        return None, None
    return float(frame["count"].sum() / months), (
        str(frame["month"].min()),
        str(frame["month"].max()),
    )


def _row(pm: PlannedMeasure, plan: Plan, kb: KnowledgeBase, ws: Workspace | None) -> MeasureRow:
    m = kb.measure(pm.measure)
    base, window = _baseline(pm, plan, ws)
    return MeasureRow(
        measure=m.id,
        label=m.label,
        kind=m.kind.value,
        role=_ROLE[m.kind],
        measures=pm.measures,
        source=pm.source,
        source_label=kb.source(pm.source).label,
        frequency=pm.frequency,
        owner=pm.owner,
        baseline_per_month=base,
        baseline_window=window,
    )


def _harm_warnings(
    plan: Plan, rows: tuple[MeasureRow, ...], kb: KnowledgeBase
) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    warnings: list[str] = []
    suggestions: dict[str, tuple[str, ...]] = {}
    for t in plan.targeted_harms:
        mine = [r for r in rows if t.harm in r.measures]
        if any(r.kind == MeasureKind.OUTCOME.value for r in mine):
            continue
        only = " (it has only output or monitoring measures)" if mine else ""
        warnings.append(
            f"targeted harm {t.harm} has no outcome measure{only}: success cannot be shown."
        )
        suggestions[t.harm] = tuple(
            m.id for m in kb.measures_for(t.harm) if m.kind is MeasureKind.OUTCOME
        )
    return warnings, suggestions


def measures_plan(
    plan: Plan, workspace: Workspace | None = None, *, kb: KnowledgeBase | None = None
) -> MeasuresPlan:
    """Build the plan's measures plan and warn about gaps.

    Warns when a targeted harm has no outcome measure (suggesting knowledge-base measures
    that can show it), when a displacement risk or side effect has no monitoring measure,
    when a measure does not list the harm it is planned for among those it can show, and
    when its source is not one the knowledge base suggests. Baselines are the mean monthly
    count of the measure's crime types in the plan's area over the baseline window.
    """
    kb = kb if kb is not None else load_knowledge_base()
    rows = tuple(_row(pm, plan, kb, workspace) for pm in plan.measures)
    warnings, suggestions = _harm_warnings(plan, rows, kb)
    for rid in plan.risk_ids():
        if not any(rid in r.measures and r.kind != "activity-output" for r in rows):
            warnings.append(f"risk {rid} has no monitoring measure: its harm would go unseen.")
    targeted = {t.harm for t in plan.targeted_harms}
    for pm in plan.measures:
        m = kb.measure(pm.measure)
        for ref in pm.measures:
            if ref in targeted and m.harm_ids and ref not in m.harm_ids:
                warnings.append(f"measure {m.id} is not listed as showing {ref}; check it does.")
        if m.suggested_sources and pm.source not in m.suggested_sources:
            warnings.append(
                f"measure {m.id}: source {pm.source} is not among the suggested "
                f"sources ({', '.join(m.suggested_sources)})."
            )
    return MeasuresPlan(plan.name, rows, tuple(warnings), suggestions)
