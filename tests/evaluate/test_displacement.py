"""WDQ and WDD against the worked numbers of their papers and of R ``ptools``.

Reference values and their provenance: ``results/displacement_reference.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from realimpact.evaluate.displacement import wdd, wdd_harm, wdq
from realimpact.exceptions import ConfigError

REF = json.loads((Path(__file__).parent / "results" / "displacement_reference.json").read_text())
TOL = 1e-6  # absolute; the references are exact arithmetic or 8+ significant digits


def _wdd_case(case: dict[str, Any]) -> Any:
    return wdd(
        case["target"],
        case["control"],
        buffer=case.get("buffer"),
        buffer_control=case.get("buffer_control"),
        time_weights=case.get("time_weights", (1, 1)),
        area_weights=case.get("area_weights", (1, 1, 1, 1)),
        ci_level=case["ci_level"],
    )


@pytest.mark.parametrize("case", REF["wdd"], ids=[c["id"] for c in REF["wdd"]])
def test_wdd_matches_ptools_reference(case: dict[str, Any]) -> None:
    r = _wdd_case(case)
    for key in ("estimate", "se", "est_local", "est_displace", "z", "ci_low", "ci_high"):
        if key in case:
            assert getattr(r, key) == pytest.approx(case[key], abs=TOL, rel=1e-7), key
    if "z_rounded_2dp" in case:
        assert round(r.z, 2) == case["z_rounded_2dp"]
        assert round(r.ci_low) == case["ci_low_rounded"]
        assert round(r.ci_high) == case["ci_high_rounded"]


def test_wdd_harm_matches_ptools_cumulative_harm() -> None:
    ref = REF["wdd_harm"]
    per_type = {
        k: wdd(v["target"], v["control"], ci_level=ref["ci_level"], crime_type=k)
        for k, v in ref["cases"].items()
    }
    r = wdd_harm(per_type, ref["weights"], part=ref["part"], ci_level=ref["ci_level"])
    for key in ("estimate", "se", "z", "ci_low", "ci_high"):
        assert getattr(r, key) == pytest.approx(ref[key], rel=1e-5), key


def test_wdd_harm_variance_uses_squared_weights() -> None:
    a = wdd((30, 20), (30, 30), crime_type="a")
    b = wdd((50, 25), (50, 50), crime_type="b")
    r = wdd_harm({"a": a, "b": b}, {"a": 10.0, "b": 4.0})
    assert r.estimate == pytest.approx(10 * -10 + 4 * -25)
    assert r.se**2 == pytest.approx(100 * a.se**2 + 16 * b.se**2)


@pytest.mark.parametrize("case", REF["wdq"], ids=[c["id"] for c in REF["wdq"]])
def test_wdq_matches_bowers_johnson_formulas(case: dict[str, Any]) -> None:
    r = wdq(case["R"], case["D"], case["C"])
    for key in ("success_measure", "buffer_measure", "wdq", "total_net_effect"):
        assert getattr(r, key) == pytest.approx(case[key], abs=1e-8), key
    assert r.gross_effect == pytest.approx(case["gross_effect"])
    assert r.net_effect == pytest.approx(case["net_effect"])


def test_wdq_reports_diffusion_when_buffer_falls() -> None:
    r = wdq((100, 50), (100, 75), (100, 100))
    assert r.meaningful
    assert "Diffusion of benefits" in r.reading


def test_wdq_reports_displacement_when_buffer_rises() -> None:
    r = wdq((100, 50), (100, 120), (100, 100))
    assert "displacement" in r.reading.lower()
    assert "net benefit remains" in r.reading


def test_wdq_is_not_meaningful_when_target_did_not_fall() -> None:
    r = wdq((100, 120), (100, 75), (100, 100))
    assert r.wdq is None
    assert not r.meaningful
    assert "not meaningful" in r.reading
    assert r.to_dict()["wdq"] is None


def test_wdq_rejects_zero_control_and_negative_counts_all_at_once() -> None:
    with pytest.raises(ConfigError) as exc:
        wdq((100, -5), (100, 75), (0, 100))
    cols = {(p.column, p.entry) for p in exc.value.problems}
    assert ("target", "after") in cols
    assert ("control", "before") in cols


def test_wdd_reading_says_no_evidence_when_buffer_change_is_noise() -> None:
    r = wdd((300, 200), (300, 300), buffer=(100, 102), buffer_control=(100, 100))
    assert "fell in the target" in r.reading
    assert "No evidence either way" in r.reading
    assert r.maryland_level == 3


def test_wdd_reading_flags_displacement_when_buffer_rises_clearly() -> None:
    r = wdd((200, 100), (200, 200), buffer=(200, 320), buffer_control=(200, 200))
    assert "evidence of displacement" in r.reading


def test_wdd_warns_on_small_counts() -> None:
    r = wdd((5, 2), (6, 7))
    assert any("below 10" in w for w in r.warnings)
    assert not r.diagnostics[0].ok


def test_wdd_p_value_is_two_sided_normal() -> None:
    r = _wdd_case(REF["wdd"][3])
    # z = -118 / sqrt(1568) = -2.98; two-sided p from the normal = 0.00288
    assert r.p_value == pytest.approx(0.002886, abs=2e-5)
    assert r.to_dict()["significant"] is True
