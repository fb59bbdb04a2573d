from __future__ import annotations

from pathlib import Path

import pytest

from realimpact.exceptions import WorkspaceError
from realimpact.workspace import default_workspace_path, open_workspace


def test_open_workspace_creates_marker_and_subfolders(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "new")
    assert (ws.root / "workspace.toml").read_text().startswith("format_version")
    assert ws.store_dir.is_dir() and ws.store_dir.name == "store"


def test_open_workspace_refuses_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(WorkspaceError, match="not a realimpact workspace"):
        open_workspace(tmp_path)


def test_default_workspace_follows_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REALIMPACT_WORKSPACE", str(tmp_path / "env-ws"))
    assert default_workspace_path() == tmp_path / "env-ws"


def test_open_workspace_without_create_reports_missing(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        open_workspace(tmp_path / "absent", create=False)
