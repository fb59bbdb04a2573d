"""Fixtures for the observation-store tests: the shipped real police.uk sample, imported once."""

from __future__ import annotations

import pytest

from realimpact.data.importing import ImportResult, import_paths
from realimpact.workspace import Workspace, open_workspace
from tests.data._store_data import POLICEUK


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, ImportResult]:
    """A workspace with the whole shipped sample imported (both forces, all kinds)."""
    ws = open_workspace(tmp_path_factory.mktemp("sample") / "ws")
    result = import_paths(ws, [POLICEUK])
    return ws, result
