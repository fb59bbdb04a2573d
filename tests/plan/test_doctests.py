"""The examples in the plan package's docstrings run and give the printed results."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "realimpact.plan.library",
    "realimpact.plan.log",
    "realimpact.plan.model",
    "realimpact.plan.predict",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
