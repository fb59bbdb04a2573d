"""The shipped police.uk sample: complete, and byte-identical to its source once unzipped."""

from __future__ import annotations

import gzip

import pytest

from realimpact import sample_data
from tests._shared import SHARED as _SHARED_ROOT

SHARED = _SHARED_ROOT / "data"


@pytest.mark.parametrize(
    ("parts", "n"),
    [
        (("cleveland", "street"), 35),
        (("cleveland", "stop-and-search"), 35),
        (("cleveland", "outcomes"), 3),
        (("city-of-london", "street"), 36),
    ],
)
def test_sample_has_every_month(parts: tuple[str, str], n: int) -> None:
    assert len(list(sample_data.path("policeuk", *parts).glob("*.csv.gz"))) == n


def test_sample_path_names_the_provenance_when_missing() -> None:
    with pytest.raises(FileNotFoundError, match=r"PROVENANCE\.md"):
        sample_data.path("policeuk", "no-such-force")


@pytest.mark.skipif(not SHARED.exists(), reason="the shared source copy is not on this machine")
def test_sample_street_files_are_the_source_files_gzipped_unchanged() -> None:
    for gz in sorted(sample_data.path("policeuk").glob("*/street/*.csv.gz")):
        force = gz.parent.parent.name
        source = SHARED / f"policeuk-{force}" / "street" / gz.name.removesuffix(".gz")
        assert gzip.decompress(gz.read_bytes()) == source.read_bytes(), gz.name
