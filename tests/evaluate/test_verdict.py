"""The overall verdict combines methods cautiously and lists every caveat."""

from __future__ import annotations

import dataclasses
from typing import Any

from realimpact.evaluate._result import Diagnostic, EffectResult, EffectSeries
from realimpact.evaluate.verdict import verdict


def _months(start_year: int, start_month: int, n: int) -> list[str]:
    out = []
    y, m = start_year, start_month
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _result(
    method: str,
    est: float,
    low: float,
    high: float,
    *,
    level: int = 3,
    pre: int = 24,
    post: int = 12,
    level_count: float = 50.0,
    start: tuple[int, int] = (2021, 1),
    fit_error: float = 0.0,
    diagnostics: tuple[Diagnostic, ...] = (),
) -> EffectResult:
    time = _months(*start, pre + post)
    obs = [level_count] * pre + [level_count + est] * post
    cf = [level_count + fit_error] * pre + [level_count] * post
    series = EffectSeries.from_arrays(time, obs, cf, cf, cf, time[pre])
    return EffectResult(
        method=method,
        estimand="test",
        estimate=est,
        ci_low=low,
        ci_high=high,
        p_value=None,
        unit="crimes per month",
        series=series,
        maryland_level=level,
        diagnostics=diagnostics,
    )


def test_verdict_reports_a_fall_only_when_all_passing_methods_agree() -> None:
    v = verdict([_result("its", -10, -15, -5, level=2), _result("did", -8, -12, -4)])
    assert v.conclusion == "fall"
    assert "fell" in v.headline and "2 of 2" in v.headline
    assert v.maryland_level == 3


def test_verdict_says_no_detectable_change_when_intervals_include_zero() -> None:
    v = verdict([_result("its", -3, -9, 2), _result("synth", 1, -4, 6)])
    assert v.conclusion == "no detectable change"


def test_verdict_is_inconclusive_when_methods_disagree_in_direction() -> None:
    v = verdict([_result("its", -10, -15, -5), _result("did", 9, 4, 14)])
    assert v.conclusion == "inconclusive"
    assert v.confidence == "low"


def test_verdict_does_not_overstate_when_only_some_methods_detect_a_fall() -> None:
    v = verdict([_result("its", -10, -15, -5), _result("did", -2, -7, 3)])
    assert v.conclusion == "fall"
    assert v.headline.startswith("some evidence")
    assert v.confidence == "low"


def test_verdict_ignores_a_method_with_poor_pre_fit_when_others_pass() -> None:
    bad = _result("synth", -20, -30, -10, fit_error=30.0)
    good = _result("did", -1, -6, 4)
    v = verdict([bad, good])
    assert v.conclusion == "no detectable change"
    assert any("poor pre-period fit" in c for c in v.caveats)


def test_verdict_warns_about_the_2020_lockdown_in_the_window() -> None:
    v = verdict([_result("its", -10, -15, -5, start=(2019, 6))])
    assert any("lockdown" in c for c in v.caveats)


def test_verdict_warns_about_few_pre_periods_and_small_counts() -> None:
    v = verdict([_result("its", -1, -2, -0.5, pre=6, level_count=3.0)])
    text = " ".join(v.caveats)
    assert "only 6 pre-periods" in text
    assert "small counts" in text
    assert v.confidence == "low"


def test_verdict_flags_failed_diagnostics_and_miscalibrated_inference() -> None:
    diag = (Diagnostic("parallel pre-trends", False, "pre-trends diverge (p=0.01)"),)
    v = verdict(
        [_result("did", -10, -15, -5, diagnostics=diag), _result("its", -10, -15, -5)],
        calibration={"its": 0.18},
    )
    text = " ".join(v.caveats)
    assert "pre-trends diverge" in text
    assert "flagged at 18%" in text
    assert v.confidence == "low"


def test_verdict_to_dict_is_json_ready() -> None:
    import json

    v = verdict([_result("its", -10, -15, -5)])
    d: dict[str, Any] = v.to_dict()
    json.dumps(d)
    assert d["conclusion"] == "fall"
    assert d["readings"][0]["method"] == "its"
    assert "Verdict:" in v.summary()


def test_verdict_is_inconclusive_when_every_method_failed_its_checks() -> None:
    bad = (Diagnostic("pre-period fit", False, "RMSPE 30% of the mean"),)
    v = verdict([_result("synth", -20, -30, -10, diagnostics=bad)])
    assert v.conclusion == "inconclusive"
    assert "every method failed" in v.headline
    assert v.caveats[0].startswith("synth: ")


def test_verdict_reads_placebo_calibrated_inference_and_drops_a_model_only_fall() -> None:
    from realimpact.evaluate.calibration import calibrate_result, placebo_calibration
    from tests.evaluate._asb_panel import asb_panel

    # real placebo distribution: ITS on 40 untreated five-LSOA Cleveland ASB areas from 2024-07
    cal = placebo_calibration(
        asb_panel(),
        unit="lsoa",
        time="month",
        outcome="asb",
        n_areas=40,
        group_size=5,
        start="2024-07",
        seed=4,
        method_kwargs={"n_draws": 200},
    )
    # a model-based "fall" of 2% (interval -1.5 to -0.5 on a counterfactual of 50)
    model = dataclasses.replace(_result("its", -1, -1.5, -0.5), relative_estimate=-2.0)
    assert verdict([model]).conclusion == "fall"
    calibrated = calibrate_result(model, cal)
    v = verdict([calibrated])
    (reading,) = v.readings
    assert reading.inference == "in-space placebo"
    assert (reading.ci_low, reading.ci_high) == (calibrated.ci_low, calibrated.ci_high)
    # 2% is smaller than almost every untreated area's own change: no claim survives
    placebo = [abs(s) for s in cal.statistics()]
    assert sum(p >= 2.0 for p in placebo) >= 2
    assert calibrated.p_value is not None and calibrated.p_value > 0.05
    assert v.conclusion == "no detectable change"
    assert "in-space placebo inference" in v.summary()
