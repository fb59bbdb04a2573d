"""Fixtures for the plan tests: a workspace with the real Cleveland police.uk sample."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from realimpact.data.areas import area_from_lsoas, save_area
from realimpact.data.importing import import_paths
from realimpact.exceptions import DataQualityWarning
from realimpact.workspace import Workspace, open_workspace

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples" / "plan"
STREET = ROOT / "src/realimpact/sample_data/policeuk/cleveland/street"
# Middlesbrough 001H and 001A: the Cleveland LSOAs with the most Drugs records 2023-06..2025-11.
CENTRE = ("E01035189", "E01012068")


@pytest.fixture(scope="session")
def cleveland(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace with every Cleveland street file imported and the plan's area saved."""
    ws = open_workspace(tmp_path_factory.mktemp("plan") / "ws")
    import_paths(ws, [STREET])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        save_area(ws, area_from_lsoas("middlesbrough-centre", CENTRE))
    return ws


@pytest.fixture(autouse=True)
def _quiet_vintage_warnings() -> None:
    """The centre has one LSOA that changed in 2021: its warning is tested in tests/data."""
    warnings.filterwarnings("ignore", category=DataQualityWarning)
