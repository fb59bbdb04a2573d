"""realimpact.data: import, validate and store observed data; monthly series.

The observation store (``store/`` of a workspace) holds police.uk street, outcomes and
stop-and-search records and partner measures (DuckDB catalogue + Parquet), see
:mod:`realimpact.data.store`. Geography (LSOA lookups, areas, the 2011 → 2021 crosswalk)
lives in :mod:`realimpact.data.geography`, :mod:`realimpact.data.areas` and
:mod:`realimpact.data.crosswalk`; harm weight tables in :mod:`realimpact.data.weights`.

Examples
--------
>>> from realimpact.data import import_paths, area_series  # doctest: +SKIP
>>> result = import_paths(workspace, ["2025-11.zip"])  # doctest: +SKIP
>>> series = area_series(workspace, "town-centre", crime_types=["Drugs"])  # doctest: +SKIP
"""

from realimpact.data.importing import FileOutcome, ImportResult, import_paths
from realimpact.data.measures import measure_series
from realimpact.data.series import AreaSeries, area_series, lsoa_panel, month_range, panel
from realimpact.data.store import Batch, StoreStatus, events_glob, store_status

__all__ = [
    "AreaSeries",
    "Batch",
    "FileOutcome",
    "ImportResult",
    "StoreStatus",
    "area_series",
    "events_glob",
    "import_paths",
    "lsoa_panel",
    "measure_series",
    "month_range",
    "panel",
    "store_status",
]
