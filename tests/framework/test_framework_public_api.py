"""The framework package's public API: a sorted ``__all__`` whose names all exist."""

from __future__ import annotations

import realimpact.framework as framework


def test_all_is_sorted_and_every_name_is_importable() -> None:
    assert framework.__all__ == sorted(framework.__all__)
    for name in framework.__all__:
        assert getattr(framework, name) is not None, name


def test_all_names_every_public_class_and_function_exported() -> None:
    public = {
        name
        for name, value in vars(framework).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("realimpact.")
    }
    assert public == set(framework.__all__)
