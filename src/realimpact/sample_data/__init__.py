"""Real police.uk sample data shipped with realimpact (Open Government Licence v3.0).

See ``PROVENANCE.md`` in this folder for sources, commits and changes (gzip only).

Examples
--------
>>> from realimpact import sample_data
>>> sample_data.path("policeuk", "cleveland", "street").is_dir()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["path"]

_ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Return the path of a shipped sample file or folder.

    Parameters
    ----------
    *parts : str
        Path components below the sample folder, e.g. ``"policeuk", "cleveland", "street"``.

    Returns
    -------
    pathlib.Path
        Absolute path; raises ``FileNotFoundError`` if it does not exist.
    """
    target = _ROOT.joinpath(*parts)
    if not target.exists():
        raise FileNotFoundError(f"no sample data at {target}; see {_ROOT / 'PROVENANCE.md'}")
    return target
