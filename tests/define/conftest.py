"""Session fixtures: the real Cleveland police.uk sample (2024) in a workspace, four areas."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from realimpact.data.areas import area_from_lsoas, save_area
from realimpact.data.importing import import_paths
from realimpact.workspace import Workspace, open_workspace
from tests.define._define_data import FILES_2024, MSOAS, read_raw


@pytest.fixture(scope="session")
def raw_2024() -> pd.DataFrame:
    return read_raw()


@pytest.fixture(scope="session")
def cleveland(tmp_path_factory: pytest.TempPathFactory, raw_2024: pd.DataFrame) -> Workspace:
    ws = open_workspace(tmp_path_factory.mktemp("define") / "ws", create=True)
    import_paths(ws, FILES_2024)
    for name, msoa in MSOAS.items():
        codes = sorted(raw_2024.loc[raw_2024["msoa"] == msoa, "LSOA code"].unique())
        with warnings.catch_warnings():  # 2021 codes new at the switch: noted, not an error
            warnings.simplefilter("ignore")
            save_area(ws, area_from_lsoas(name, codes))
    return ws
