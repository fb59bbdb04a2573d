"""The public API of realimpact.evaluate: a sorted __all__ whose names all exist."""

from __future__ import annotations

import realimpact.evaluate as ev


def test_evaluate_all_is_sorted_and_every_name_is_importable() -> None:
    assert list(ev.__all__) == sorted(ev.__all__)
    missing = [n for n in ev.__all__ if not hasattr(ev, n)]
    assert missing == []


def test_evaluate_all_lists_every_public_name_defined_here() -> None:
    public = {n for n in vars(ev) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(ev, n)).__name__ == "module"}
    assert public - modules - {"annotations"} <= set(ev.__all__)
