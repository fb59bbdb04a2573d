"""Cold load time of the whole knowledge base, against the 100 ms target and baselines.

Each candidate runs in a fresh interpreter (a subprocess), N times; the median is reported.
Times are measured inside the child with ``time.perf_counter`` so interpreter start-up is
left out; "import" is the time to import ``realimpact.framework`` (pydantic and friends),
"load" the time of ``load_knowledge_base()`` after it.

Candidates:
- ``realimpact``: import + validated load (what a CLI command pays), and load alone;
- ``yaml.safe_load``: the same YAML files parsed with the pure-Python loader, no validation;
- ``yaml CSafeLoader``: the same files parsed with libyaml, no validation.

Run: ``.venv/bin/python bench/knowledge.py [N]`` (default N = 15).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

TARGET_MS = 100.0

REALIMPACT = """
import json, time
t0 = time.perf_counter()
from realimpact.framework import load_knowledge_base
t1 = time.perf_counter()
kb = load_knowledge_base()
t2 = time.perf_counter()
assert len(kb.harms) == 85
print(json.dumps({"import": (t1 - t0) * 1e3, "load": (t2 - t1) * 1e3}))
"""

YAML_ONLY = """
import json, time
from pathlib import Path
import yaml
from realimpact.framework import package_data_dir
files = sorted(package_data_dir().glob("*.yaml"))
texts = [f.read_text(encoding="utf-8") for f in files]
t0 = time.perf_counter()
for text in texts:
    yaml.load(text, Loader=yaml.{loader})
t1 = time.perf_counter()
print(json.dumps({{"load": (t1 - t0) * 1e3}}))
"""


def _run(code: str, n: int) -> list[dict[str, float]]:
    out = []
    for _ in range(n):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        out.append(json.loads(done.stdout))
    return out


def main(n: int = 15) -> None:
    ri = _run(REALIMPACT, n)
    rows = [
        ("realimpact import + load", statistics.median(r["import"] + r["load"] for r in ri)),
        ("realimpact load (validated)", statistics.median(r["load"] for r in ri)),
        ("  of which import", statistics.median(r["import"] for r in ri)),
    ]
    for loader in ("SafeLoader", "CSafeLoader"):
        runs = _run(YAML_ONLY.format(loader=loader), n)
        rows.append(
            (f"yaml {loader} only (no validation)", statistics.median(r["load"] for r in runs))
        )
    base = rows[1][1]
    print(f"Knowledge base cold load, median of {n} fresh interpreters (target {TARGET_MS:.0f} ms)")
    print(f"{'candidate':38} {'ms':>8} {'vs target':>10} {'vs load':>8}")
    for name, ms in rows:
        print(f"{name:38} {ms:8.1f} {ms / TARGET_MS:9.2f}x {ms / base:7.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
