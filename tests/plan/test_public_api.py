"""The plan package's public API: a sorted ``__all__`` that names exactly what it exports."""

from __future__ import annotations

import realimpact.plan as plan
from realimpact.plan import Plan


def test_all_is_sorted_and_every_name_exists() -> None:
    assert plan.__all__ == sorted(plan.__all__, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(plan, name) for name in plan.__all__)


def test_every_public_name_defined_in_the_package_is_exported() -> None:
    public = {
        name
        for name, obj in vars(plan).items()
        if not name.startswith("_") and getattr(obj, "__module__", "").startswith("realimpact.plan")
    }
    assert public <= set(plan.__all__)


def test_baseline_window_defaults_to_the_twelve_months_before_start() -> None:
    fields = {
        "name": "p",
        "title": "t",
        "problem": "x",
        "area": "a",
        "start": "2025-03",
        "responses": [{"intervention": "cctv", "action": "a", "owner": "o"}],
        "targeted_harms": [
            {
                "harm": "social.community.no-go-areas",
                "mechanism": "m",
                "expected": {"low": -1, "high": 0, "unit": "ordinal"},
                "basis": "judgement",
                "rationale": "r",
            }
        ],
    }
    assert Plan.model_validate(fields).baseline_window() == ("2024-03", "2025-02")
    jan = Plan.model_validate({**fields, "start": "2025-01"})
    assert jan.baseline_window() == ("2024-01", "2024-12")
