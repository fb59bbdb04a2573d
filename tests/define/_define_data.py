"""A workspace with the real Cleveland police.uk sample (2024) and four MSOA areas.

The street files ship in ``src/realimpact/sample_data/policeuk/cleveland/street/`` (Open
Government Licence v3.0, see that folder's PROVENANCE.md). MSOAs are the LSOA names
without their final letter (``Middlesbrough 001A`` -> ``Middlesbrough 001``).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

import realimpact

STREET = Path(realimpact.__file__).parent / "sample_data" / "policeuk" / "cleveland" / "street"
FILES_2024 = sorted(STREET.glob("2024-*-cleveland-street.csv.gz"))
MSOAS = {
    "mbro-001": "Middlesbrough 001",
    "stockton-025": "Stockton-on-Tees 025",
    "hartlepool-015": "Hartlepool 015",
    "redcar-022": "Redcar and Cleveland 022",
}


def read_raw() -> pd.DataFrame:
    """The 2024 street records read directly with pandas (the independent check)."""
    frames = []
    for f in FILES_2024:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            frames.append(
                pd.read_csv(fh, usecols=["Month", "LSOA code", "LSOA name", "Crime type"])
            )
    df = pd.concat(frames, ignore_index=True)
    df["msoa"] = df["LSOA name"].str[:-1]
    return df
