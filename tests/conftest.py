"""Shared fixtures. Test data lives in tests/fixtures with its PROVENANCE.md."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def workspace_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace folder, also set as $REALIMPACT_WORKSPACE."""
    ws = tmp_path / "ws"
    monkeypatch.setenv("REALIMPACT_WORKSPACE", str(ws))
    return ws
