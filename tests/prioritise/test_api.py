"""The package's public API is exactly its sorted ``__all__``."""

from __future__ import annotations

import realimpact.prioritise as pkg


def test_all_is_sorted_and_every_name_exists() -> None:
    assert list(pkg.__all__) == sorted(pkg.__all__)
    assert all(hasattr(pkg, name) for name in pkg.__all__)


def test_no_public_name_is_left_out_of_all() -> None:
    public = {n for n in vars(pkg) if not n.startswith("_")}
    assert public - set(pkg.__all__) == set()


def test_docstring_examples_run() -> None:
    import doctest

    from realimpact.prioritise import _ranking

    outcome = doctest.testmod(_ranking)
    assert outcome.attempted > 0 and outcome.failed == 0


def test_method_functions_have_numpydoc_parameters_returns_and_notes() -> None:
    import inspect

    import realimpact.data.areas as areas
    import realimpact.data.controls as controls

    methods = [
        pkg.prioritise,
        pkg.simulate_ranks,
        pkg.sensitivity,
        pkg.aggregate_weights,
        pkg.score_ocgs,
        controls.candidate_controls,
        areas.area_from_lsoas,
        areas.area_from_geojson,
        areas.area_from_point,
        areas.buffer_area,
    ]
    for fn in methods:
        doc = inspect.getdoc(fn) or ""
        sections = ("Parameters\n----------", "Returns\n-------")
        missing = [s.split()[0] for s in sections if s not in doc]
        assert not missing, f"{fn.__name__} lacks {missing}"
        assert "Notes" in doc or "Method" in doc, f"{fn.__name__} states no method"
