"""The examples in the framework's docstrings run and give the printed results."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["realimpact.framework.models", "realimpact.framework.knowledge"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
