"""Test helper: the real Cleveland anti-social behaviour panel (LSOA x month counts).

Built with DuckDB straight from the police.uk street files shipped in
``src/realimpact/sample_data/policeuk/cleveland/street/`` (Open Government Licence v3.0;
provenance in that folder's PROVENANCE.md). Only LSOAs recorded in the first and in the
last month are kept, so the 2021 LSOA boundary change does not create broken series;
months with no ASB in a kept LSOA count as zero.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

STREET = (
    Path(__file__).resolve().parents[2] / "src/realimpact/sample_data/policeuk/cleveland/street"
)


@lru_cache(maxsize=1)
def asb_panel() -> pd.DataFrame:
    """Columns lsoa, month (YYYY-MM), asb (count); every kept LSOA has every month."""
    con = duckdb.connect()
    glob = str(STREET / "*.csv.gz")
    rows = con.execute(
        f"""
        WITH crimes AS (
            SELECT "LSOA code" AS lsoa, "Month" AS month, "Crime type" AS crime_type
            FROM read_csv('{glob}', header = true, all_varchar = true)
            WHERE "LSOA code" IS NOT NULL
        ),
        months AS (SELECT DISTINCT month FROM crimes),
        bounds AS (SELECT min(month) AS first, max(month) AS last FROM months),
        kept AS (
            SELECT lsoa FROM crimes, bounds WHERE month = bounds.first
            INTERSECT
            SELECT lsoa FROM crimes, bounds WHERE month = bounds.last
        ),
        grid AS (SELECT lsoa, month FROM kept CROSS JOIN months)
        SELECT g.lsoa, g.month,
               count(c.crime_type) FILTER (WHERE c.crime_type = 'Anti-social behaviour') AS asb
        FROM grid g LEFT JOIN crimes c ON c.lsoa = g.lsoa AND c.month = g.month
        GROUP BY g.lsoa, g.month
        ORDER BY g.lsoa, g.month
        """
    ).df()
    con.close()
    rows["asb"] = rows["asb"].astype(int)
    return rows
