"""The public API of realimpact.define: sorted, complete, importable."""

from __future__ import annotations

import doctest
import importlib

import realimpact.define as define


def test_all_is_sorted_and_every_name_exists() -> None:
    assert define.__all__ == sorted(define.__all__)
    assert all(hasattr(define, name) for name in define.__all__)


def test_docstring_examples_run() -> None:
    for name in ("profile", "suggest", "indicators", "store", "scoring", "community"):
        module = importlib.import_module(f"realimpact.define.{name}")
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
