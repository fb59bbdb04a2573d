"""The workspace: one folder that holds a partnership's data, areas, problems and plans.

Layout (each stage owns its subfolder; nothing else writes there)::

    <workspace>/
      workspace.toml        marker file with the format version
      store/                the observation store (DuckDB database + Parquet files)
      areas/                named areas (one JSON file each)
      framework/            local overlay of the knowledge base (harms, measures, cases...)
      problems/             problem profiles (YAML)
      surveys/              imported survey responses
      decisions/            prioritisation decision records (history kept)
      plans/                response plans (YAML)
      logs/                 implementation logs
      evaluations/          saved evaluation results (JSON)

Where the workspace is: the ``--workspace`` option, else the ``REALIMPACT_WORKSPACE``
environment variable, else the per-user data folder (``platformdirs.user_data_dir``, e.g.
``~/.local/share/realimpact/default`` on Linux).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from realimpact.exceptions import WorkspaceError

__all__ = ["ENV_VAR", "FORMAT_VERSION", "Workspace", "default_workspace_path", "open_workspace"]

ENV_VAR = "REALIMPACT_WORKSPACE"
FORMAT_VERSION = 1
_MARKER = "workspace.toml"
SUBFOLDERS = (
    "store",
    "areas",
    "framework",
    "problems",
    "surveys",
    "decisions",
    "plans",
    "logs",
    "evaluations",
)


def default_workspace_path() -> Path:
    """The workspace used when none is named: ``$REALIMPACT_WORKSPACE`` or the user folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("realimpact", appauthor=False)) / "default"


@dataclass(frozen=True)
class Workspace:
    """A workspace folder. Create or open one with :func:`open_workspace`."""

    root: Path

    def path(self, subfolder: str) -> Path:
        """The path of one of the workspace's subfolders (created if missing)."""
        if subfolder not in SUBFOLDERS:
            raise ValueError(f"unknown workspace subfolder {subfolder!r}")
        p = self.root / subfolder
        p.mkdir(parents=True, exist_ok=True)
        return p

    @property
    def store_dir(self) -> Path:
        return self.path("store")

    @property
    def areas_dir(self) -> Path:
        return self.path("areas")

    @property
    def overlay_dir(self) -> Path:
        return self.path("framework")


def open_workspace(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Workspace:
    """Open the workspace at ``path`` (or the default one), creating it if asked.

    Raises :class:`WorkspaceError` if the folder exists but is not a workspace (it holds
    other files and no ``workspace.toml``), or cannot be created.
    """
    root = Path(path).expanduser() if path is not None else default_workspace_path()
    marker = root / _MARKER
    if marker.exists():
        return Workspace(root.resolve())
    if root.exists() and any(root.iterdir()):
        raise WorkspaceError(
            f"{root} exists and is not a realimpact workspace (no {_MARKER}). "
            "Choose an empty or new folder with --workspace, or set REALIMPACT_WORKSPACE."
        )
    if not create:
        raise WorkspaceError(f"no workspace at {root}. Import data first, or pass --workspace.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"format_version = {FORMAT_VERSION}\n", encoding="utf-8")
    except OSError as exc:
        raise WorkspaceError(f"cannot create workspace at {root}: {exc}") from exc
    return Workspace(root.resolve())
