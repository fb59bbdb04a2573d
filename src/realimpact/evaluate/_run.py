"""Run the evaluation methods by name on a panel or a single series.

The method functions live in their own modules (``its``, ``did``, ``synth``, ``sts``) and
are looked up lazily by name, so a method that is not installed is reported as skipped
with the reason rather than breaking the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from realimpact.evaluate._result import EffectResult
from realimpact.evaluate.verdict import Verdict, verdict
from realimpact.exceptions import ConfigError, Problem
from realimpact.jsonable import to_jsonable

__all__ = [
    "METHODS",
    "PANEL_METHODS",
    "SERIES_METHODS",
    "Evaluation",
    "evaluate_panel",
    "evaluate_series",
    "method_function",
]

#: Where each method's function lives (module, function), first found wins.
_LOCATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "its": (("realimpact.evaluate.its", "interrupted_time_series"),),
    "did": (("realimpact.evaluate.did", "difference_in_differences"),),
    "synth": (("realimpact.evaluate.synth", "synthetic_control"),),
    "sts": (
        ("realimpact.evaluate.sts", "structural_time_series"),
        ("realimpact.evaluate.structural", "structural_time_series"),
    ),
}
METHODS: tuple[str, ...] = ("its", "did", "synth", "sts")
PANEL_METHODS: tuple[str, ...] = ("did", "synth", "its", "sts")
SERIES_METHODS: tuple[str, ...] = ("its", "sts")
ProgressFn = Callable[[str], None]
MODEL_BASED = (
    "ITS/STS p-values and intervals are model-based and not calibrated: on small-area crime "
    "counts they can flag untreated areas well above the nominal rate; check with "
    "`realimpact evaluate calibrate --panel ...` (evaluate_area calibrates them by default)"
)


def _verdict(results: Mapping[str, EffectResult]) -> Verdict:
    """The verdict, with a caveat when ITS or STS inference is model-based."""
    model = [m for m, r in results.items() if m in ("its", "sts") and "inference" not in r.params]
    return verdict(list(results.values()), extra_caveats=[MODEL_BASED] if model else [])


def method_function(name: str) -> Callable[..., EffectResult] | None:
    """The function implementing method ``name``, or ``None`` if it is not available."""
    for module, attr in _LOCATIONS.get(name, ()):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        fn = getattr(mod, attr, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


@dataclass(frozen=True)
class Evaluation:
    """Results of several methods on one subject, the skipped methods and the verdict."""

    subject: str
    results: Mapping[str, EffectResult]
    skipped: Mapping[str, str]
    verdict: Verdict
    inputs: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = to_jsonable(self.__dict__)
        return out

    def summary(self) -> str:
        lines = [f"Evaluation of {self.subject}", self.verdict.summary(), ""]
        for r in self.results.values():
            lines += [r.summary(), ""]
        lines.extend(f"skipped {m}: {why}" for m, why in self.skipped.items())
        return "\n".join(lines).rstrip()


def resolve_methods(methods: str | Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """Method names from ``"all"``, one name, or a list; unknown names raise ``ConfigError``."""
    names = [methods] if isinstance(methods, str) else list(methods)
    if names == ["all"]:
        return tuple(allowed)
    bad = [m for m in names if m not in allowed]
    if bad:
        raise ConfigError(
            "unknown method",
            [
                Problem(
                    f"method {m!r} is not one of {', '.join(allowed)}",
                    "Use one of them or 'all'.",
                    column="method",
                )
                for m in bad
            ],
        )
    return tuple(dict.fromkeys(names))


def run_methods(
    calls: Mapping[str, Callable[[Callable[..., EffectResult]], EffectResult]],
    progress: ProgressFn | None = None,
) -> tuple[dict[str, EffectResult], dict[str, str]]:
    """Run each method; record unavailable or failing ones as skipped (with the reason).

    When every method fails on the input, the first input error is raised.
    """
    results: dict[str, EffectResult] = {}
    skipped: dict[str, str] = {}
    errors: list[ConfigError] = []
    for name, call in calls.items():
        if progress is not None:
            progress(name)
        fn = method_function(name)
        if fn is None:
            skipped[name] = "method not available in this installation"
            continue
        try:
            results[name] = call(fn)
        except ConfigError as exc:
            errors.append(exc)
            skipped[name] = str(exc).splitlines()[0]
    if not results and errors:
        raise errors[0]
    return results, skipped


def _treated_list(treated: Any) -> list[str]:
    if isinstance(treated, str | int):
        return [str(treated)]
    return [str(t) for t in treated]


def _series_of_treated(
    data: pd.DataFrame, *, unit: str, time: str, outcome: str, treated: Sequence[str]
) -> pd.DataFrame:
    """The treated units' total and the mean of the other units, per period."""
    is_t = data[unit].astype(str).isin(treated)
    t = data[is_t].groupby(time, sort=True)[outcome].sum().rename(outcome)
    c = data[~is_t].groupby(time, sort=True)[outcome].mean().rename("comparison")
    return pd.concat([t, c], axis=1).reset_index()


def evaluate_panel(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: Any,
    start: Any,
    end: Any = None,
    covariates: Sequence[str] = (),
    methods: str | Sequence[str] = ("did", "synth"),
    ci_level: float = 0.95,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> Evaluation:
    """Evaluate treated unit(s) of a long panel with several methods and give a verdict.

    Parameters
    ----------
    data
        Long panel: one row per unit x period (see
        :func:`realimpact.evaluate._panel.validate_panel`).
    unit, time, outcome, covariates
        Column names.
    treated
        The treated unit's name, or several (they are summed for ``synth`` and ``its``).
    start, end
        First (and last) post-intervention period.
    methods
        Any of ``did``, ``synth``, ``its`` (the treated total against the mean of the
        other units as a comparison series), ``sts`` (the treated total with the mean of
        the other units as a covariate series), or ``"all"``.
    ci_level, seed
        Passed to every method.

    Returns
    -------
    Evaluation
        Each method's :class:`EffectResult`, the methods skipped and why, and the
        :func:`~realimpact.evaluate.verdict.verdict`.
    """
    names = resolve_methods(methods, PANEL_METHODS)
    tl = _treated_list(treated)
    missing = [c for c in (unit, time, outcome) if c not in data.columns]
    if missing:
        from realimpact.evaluate._panel import validate_panel

        validate_panel(data, unit=unit, time=time, outcome=outcome, covariates=covariates)
    common = {
        "time": time,
        "outcome": outcome,
        "start": start,
        "end": end,
        "ci_level": ci_level,
        "seed": seed,
    }
    sdata = data
    if len(tl) > 1 and "synth" in names:
        sdata = data.assign(
            **{unit: data[unit].astype(str).where(~data[unit].astype(str).isin(tl), "treated")}
        )
        sdata = sdata.groupby([unit, time], as_index=False)[[outcome, *covariates]].sum()
    calls: dict[str, Callable[[Callable[..., EffectResult]], EffectResult]] = {
        "did": lambda f: f(data, unit=unit, treated=tl[0] if len(tl) == 1 else tl, **common),
        "synth": lambda f: f(
            sdata,
            unit=unit,
            treated=tl[0] if len(tl) == 1 else "treated",
            covariates=covariates,
            **common,
        ),
        "its": lambda f: f(
            _series_of_treated(data, unit=unit, time=time, outcome=outcome, treated=tl),
            comparison="comparison",
            **common,
        ),
        "sts": lambda f: _sts(f, data, unit, tl, common),
    }
    results, skipped = run_methods({m: calls[m] for m in names}, progress)
    inputs = {
        "unit": unit,
        "time": time,
        "outcome": outcome,
        "treated": tl,
        "start": str(start),
        "end": None if end is None else str(end),
        "covariates": list(covariates),
        "methods": list(names),
    }
    return Evaluation(
        f"{', '.join(tl)} ({outcome})",
        results,
        skipped,
        _verdict(results),
        inputs,
        seed,
    )


def _sts(
    f: Callable[..., EffectResult],
    data: pd.DataFrame,
    unit: str,
    treated: Sequence[str],
    common: Mapping[str, Any],
) -> EffectResult:
    series = _series_of_treated(
        data, unit=unit, time=common["time"], outcome=common["outcome"], treated=treated
    )
    return f(series, covariates=("comparison",), **common)


def evaluate_series(
    data: pd.DataFrame,
    *,
    time: str,
    outcome: str,
    start: Any,
    end: Any = None,
    covariates: Sequence[str] = (),
    methods: str | Sequence[str] = ("its", "sts"),
    ci_level: float = 0.95,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> Evaluation:
    """Evaluate one series (with optional covariate series) by ITS and/or STS, with a verdict.

    Parameters
    ----------
    data
        One row per period; ``time`` may be ``YYYY-MM``, dates or row numbers.
    time, outcome, covariates
        Column names.
    start, end
        First (and last) post-intervention period.
    methods
        ``its``, ``sts`` or ``"all"``.

    Returns
    -------
    Evaluation
    """
    names = resolve_methods(methods, SERIES_METHODS)
    common = {
        "time": time,
        "outcome": outcome,
        "start": start,
        "end": end,
        "covariates": tuple(covariates),
        "ci_level": ci_level,
        "seed": seed,
    }
    calls: dict[str, Callable[[Callable[..., EffectResult]], EffectResult]] = {
        m: (lambda f: f(data, **common)) for m in names
    }
    results, skipped = run_methods(calls, progress)
    inputs = {
        "time": time,
        "outcome": outcome,
        "start": str(start),
        "end": None if end is None else str(end),
        "covariates": list(covariates),
        "methods": list(names),
    }
    return Evaluation(outcome, results, skipped, _verdict(results), inputs, seed)
