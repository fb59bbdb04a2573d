"""Every harm id written in a shipped example, preset, message or doc exists in the matrix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from realimpact.framework import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]
HARM_ID = re.compile(
    r"\b(?:health|social|economic|environmental)\."
    r"(?:individual|family|community|national|international)\.[a-z0-9][a-z0-9-]*[a-z0-9]"
)
SHIPPED = [
    *sorted((ROOT / "examples" / "prioritise").glob("*")),
    *sorted((ROOT / "src" / "realimpact" / "prioritise").rglob("*.py")),
    *sorted((ROOT / "src" / "realimpact" / "prioritise" / "data").rglob("*.yaml")),
    *sorted((ROOT / "src" / "realimpact" / "framework").glob("*.py")),
    *(ROOT / "src" / "realimpact" / "cli" / f for f in ("framework.py", "prioritise.py", "ocg.py")),
    *(ROOT / "docs" / f for f in ("framework.md", "prioritise.md", "weights.md", "geography.md")),
]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_harm_id_in_a_shipped_file_exists_in_the_matrix(path: Path) -> None:
    known = {h.id for h in load_knowledge_base().harms}
    text = path.read_text(encoding="utf-8")
    unknown = sorted({m.group(0) for m in HARM_ID.finditer(text)} - known)
    assert unknown == [], f"{path.name} names harm ids not in harms.yaml: {unknown}"


def test_the_scan_finds_the_harm_ids_of_the_cleveland_example() -> None:
    text = (ROOT / "examples" / "prioritise" / "cleveland_problems.yaml").read_text("utf-8")
    found = {m.group(0) for m in HARM_ID.finditer(text)}
    assert len(found) >= 5 and found <= {h.id for h in load_knowledge_base().harms}
