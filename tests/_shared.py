"""Where the project's shared folder (the report text, the source data) is.

CI puts a copy of ``shared/`` beside the clone; development machines have it at
``/work/shared``. Tests that need it skip with a reason when it is absent (a user's clone).
"""

from __future__ import annotations

from pathlib import Path

_CANDIDATES = (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared"))
SHARED: Path = next((p for p in _CANDIDATES if (p / "seed").is_dir()), _CANDIDATES[-1])
REPORT: Path = SHARED / "seed" / "000_85a9966099c1cff4.txt"
