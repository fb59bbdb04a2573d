"""Harm extents from counts and concern from survey indicators."""

from __future__ import annotations

import pytest

from realimpact.define import (
    Baseline,
    BaselineRow,
    ProblemProfile,
    apply_extents,
    concern_score,
    harm_extents,
    poisson_interval,
    wilson_interval,
)
from realimpact.define.indicators import Indicator

HID = "social.community.fear-of-crime-anti-social-behaviour-asb"


def _baseline(totals: dict[str, float]) -> Baseline:
    rows = tuple(
        BaselineRow(series=k, total=v, monthly_mean=v / 12, trend_per_month=0)
        for k, v in totals.items()
    )
    total = BaselineRow(series="all", total=sum(totals.values()), monthly_mean=0, trend_per_month=0)
    return Baseline(
        area="a",
        start="2024-01",
        end="2024-12",
        months=12,
        weights=None,
        unit=None,
        rows=rows,
        total=total,
    )


@pytest.mark.parametrize(
    ("n", "level", "expected"),
    [  # Garwood exact limits as tabulated (e.g. Ulm 1990, Am J Epidemiol 131:373), 3 d.p.
        (0, 0.90, (0.0, 2.996)),
        (1, 0.95, (0.025, 5.572)),
        (10, 0.95, (4.795, 18.390)),
    ],
)
def test_poisson_interval_matches_tabulated_exact_limits(
    n: int, level: float, expected: tuple[float, float]
) -> None:
    assert poisson_interval(n, level) == pytest.approx(expected, abs=1e-3)


def test_extent_is_relative_to_the_largest_count_with_a_poisson_range() -> None:
    baselines = {
        "a": _baseline({"Anti-social behaviour": 200, "Public order": 40}),
        "b": _baseline({"Anti-social behaviour": 60, "Public order": 0}),
    }
    ext = harm_extents(baselines, {HID: ["Anti-social behaviour", "Public order"]})
    assert ext["a"][HID][1] == 4.0
    assert ext["b"][HID][1] == pytest.approx(4 * 60 / 240, abs=1e-3)
    lo, hi = poisson_interval(60)
    assert ext["b"][HID][0] == pytest.approx(4 * lo / 240, abs=1e-3)
    assert ext["b"][HID][2] == pytest.approx(4 * hi / 240, abs=1e-3)
    assert ext["a"][HID][2] == 4.0  # clipped to the scale


def test_apply_extents_keeps_seriousness_and_fills_unknown() -> None:
    p = ProblemProfile(name="p", harm_scores=[{"id": HID, "extent": 1, "seriousness": 3}])
    other = "economic.community.cost-of-crime"
    p = apply_extents(p, {HID: (1.0, 2.0, 3.0), other: (0.0, 0.5, 1.0)})
    got = {h.id: h for h in p.harm_scores}
    assert got[HID].seriousness == 3 and got[HID].extent == [1.0, 2.0, 3.0]
    assert got[other].seriousness == "unknown"
    assert p.harms[1].seriousness.high == 4.0


def test_concern_score_is_four_times_the_indicator_and_its_wilson_interval() -> None:
    lo, hi = wilson_interval(28, 38)
    ind = Indicator("i", "t", "item", 28, 38, 2, 0, 28 / 38, lo, hi, 0.95, (), ())
    assert concern_score(ind) == pytest.approx([4 * lo, 4 * 28 / 38, 4 * hi], abs=1e-3)
