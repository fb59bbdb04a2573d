"""Benchmark: import-and-aggregate of police.uk street files at national scale (>= 6M rows).

Prints, side by side in one run, at 1x, 2x and 4x (4x >= 6 million rows):

* realimpact ``import_paths`` (hash, validate every row, build the monthly count table,
  record each batch), and the same keeping every event row as Parquet (``keep_events``),
* plain pandas: ``read_csv`` of every file (all columns, as an analyst would) + ``concat`` +
  ``groupby().size()``; and the same with ``usecols`` = the 3 needed columns,
* the bare scan by the two fastest engines, of which the faster is the ceiling: Polars
  ``scan_csv(files).group_by(lsoa, month, type).len()`` and DuckDB ``SELECT lsoa, month,
  type, count(*) FROM read_csv(...) GROUP BY ALL`` (both with their own type detection),

each in its own subprocess with its peak memory (``ru_maxrss``) and rows/s; then the
monthly series of one area and of 100 areas read back from the store, against the bare scan.

Data: the real street files in ``/work/shared/data/policeuk-*/street`` (else the shipped
sample), replicated with the Month column shifted by 3 years per replica so that every
file is a distinct force-month (written once to a cache folder in the temp dir).

With ``--repeats n`` every engine runs n times, interleaved, and the median time is shown
(the shared machine's load drifts by a factor of 2 or more within minutes).

Usage: ``python bench/ingest.py [--replicas 6] [--repeats 3] [--keep]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path("/work/shared/data")
CACHE = Path(tempfile.gettempdir()) / "realimpact-bench-ingest"
SCALES = (1, 2, 4)


def _sources() -> list[Path]:
    files = sorted(SHARED.glob("policeuk-*/street/*-street.csv"))
    if files:
        return files
    from realimpact import sample_data

    return sorted(sample_data.path("policeuk").glob("*/street/*-street.csv.gz"))


def _shift(month: str, years: int) -> str:
    return f"{int(month[:4]) - years:04d}{month[4:]}"


def _read_text(path: Path) -> str:
    if path.name.endswith(".gz"):
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    return path.read_text(encoding="utf-8")


def build_replicas(n: int) -> list[Path]:
    """Folders rep00..rep{n-1}, each a full copy of the sources with months moved 3y * k back."""
    sources = _sources()
    out = []
    for k in range(n):
        folder = CACHE / f"rep{k:02d}"
        out.append(folder)
        if (folder / ".done").exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for src in sources:
            _write_replica(src, folder, 3 * k)
        (folder / ".done").write_text("ok")
    return out


def _write_replica(src: Path, folder: Path, years: int) -> None:
    name = src.name.removesuffix(".gz")
    month = name[:7]
    lines = _read_text(src).splitlines(keepends=True)
    body = []
    for line in lines[1:]:
        crime_id, m, rest = line.split(",", 2)
        body.append(f"{crime_id},{_shift(m, years)},{rest}")
    target = folder / f"{_shift(month, years)}{name[7:]}"
    target.write_text(lines[0] + "".join(body), encoding="utf-8")


def _files(folders: list[str]) -> list[str]:
    return sorted(str(p) for f in folders for p in Path(f).glob("*.csv"))


# ---- tasks run in subprocesses -------------------------------------------------------------


def task_realimpact(
    folders: list[str], ws_dirs: list[str], keep_events: bool = False
) -> dict[str, float]:
    """Import into the first of ``ws_dirs`` not used yet (a fresh store each repeat)."""
    from realimpact.data.importing import import_paths
    from realimpact.workspace import open_workspace

    ws_dir = next(d for d in ws_dirs if not Path(d).exists())
    ws = open_workspace(ws_dir)
    t = time.perf_counter()
    result = import_paths(ws, folders, keep_events=keep_events)
    return {"seconds": time.perf_counter() - t, "rows": result.rows}


def task_pandas(folders: list[str], usecols: bool = False) -> dict[str, float]:
    """Plain pandas: read every file (all columns, or only the 3 needed), concat, group."""
    import pandas as pd

    t = time.perf_counter()
    cols = ["Month", "LSOA code", "Crime type"]
    frames = [pd.read_csv(f, usecols=cols if usecols else None) for f in _files(folders)]
    df = pd.concat(frames, ignore_index=True)
    counts = df.groupby(["LSOA code", "Month", "Crime type"], dropna=False).size()
    return {"seconds": time.perf_counter() - t, "rows": len(df), "groups": len(counts)}


def task_polars(folders: list[str]) -> dict[str, float]:
    import polars as pl

    files = _files(folders)
    t = time.perf_counter()
    counts = pl.scan_csv(files).group_by("LSOA code", "Month", "Crime type").len().collect()
    return {
        "seconds": time.perf_counter() - t,
        "rows": int(counts["len"].sum()),
        "groups": counts.height,
    }


def task_duckdb(folders: list[str]) -> dict[str, float]:
    import duckdb

    files = _files(folders)
    t = time.perf_counter()
    con = duckdb.connect()
    rows = con.execute(
        'SELECT "LSOA code", "Month", "Crime type", count(*) AS n FROM read_csv(?) GROUP BY ALL',
        [files],
    ).fetchall()
    return {
        "seconds": time.perf_counter() - t,
        "rows": sum(r[3] for r in rows),
        "groups": len(rows),
    }


def task_series(ws_dir: str) -> dict[str, float]:
    import warnings

    import duckdb

    from realimpact.data.series import area_series, panel
    from realimpact.workspace import open_workspace

    warnings.simplefilter("ignore")
    ws = open_workspace(ws_dir, create=False)
    with duckdb.connect(str(ws.store_dir / "catalogue.duckdb"), read_only=True) as con:
        lsoas = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT lsoa FROM counts_street WHERE lsoa LIKE 'E0103%' ORDER BY lsoa"
            ).fetchall()
        ]
    from realimpact.data.areas import area_from_lsoas

    one = area_from_lsoas("one", lsoas[:5])
    area_series(ws, one)  # warm the crosswalk cache (loaded once per process)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        area_series(ws, one)
        times.append(time.perf_counter() - t)
    areas = {
        f"a{i}": tuple(lsoas[(3 * i) % len(lsoas) : (3 * i) % len(lsoas) + 3]) for i in range(100)
    }
    t100 = []
    for _ in range(3):
        t = time.perf_counter()
        p = panel(ws, areas)
        t100.append(time.perf_counter() - t)
    return {
        "one_area": statistics.median(times),
        "hundred_areas": statistics.median(t100),
        "panel_rows": len(p),
    }


def _child(argv: list[str]) -> None:
    task, payload = argv[0], json.loads(argv[1])
    out = globals()[f"task_{task}"](**payload)
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_many(
    tasks: dict[str, tuple[str, dict[str, object]]], repeats: int
) -> dict[str, dict[str, float]]:
    """Run every task ``repeats`` times, interleaved (the machine's load drifts), and keep
    the median seconds and the largest peak memory of each."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, (task, payload) in tasks.items():
            runs[name].append(run(task, **payload))
    out = {}
    for name, rs in runs.items():
        best = dict(rs[0])
        best["seconds"] = statistics.median(r["seconds"] for r in rs)
        best["max_rss_mb"] = max(r["max_rss_mb"] for r in rs)
        out[name] = best
    return out


def run(task: str, **payload: object) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", task, json.dumps(payload)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=6, help="replicas at 1x (default 6)")
    parser.add_argument("--keep", action="store_true", help="keep the replicated CSV cache")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs per engine, interleaved; median (default 1)"
    )
    args = parser.parse_args()
    t = time.perf_counter()
    folders = build_replicas(args.replicas * max(SCALES))
    print(f"replicated data ready in {time.perf_counter() - t:.1f}s ({CACHE})")
    print(
        f"{'scale':>5} {'rows':>10} | {'engine':<23} {'seconds':>7} {'rows/s':>11} "
        f"{'peak MB':>8} | {'x ceiling':>9} {'x pandas':>8}"
    )
    for scale in SCALES:
        subset = [str(f) for f in folders[: args.replicas * scale]]
        ws_dir = tempfile.mkdtemp(prefix="bench-ws-")
        fresh = [f"{ws_dir}/ws{i}" for i in range(args.repeats)]  # each import into a new store
        kept = [f"{ws_dir}/ev{i}" for i in range(args.repeats)]
        res = run_many(
            {
                "bare Polars scan": ("polars", {"folders": subset}),
                "bare DuckDB scan": ("duckdb", {"folders": subset}),
                "realimpact import": ("realimpact", {"folders": subset, "ws_dirs": fresh}),
                "  + keep event rows": (
                    "realimpact",
                    {"folders": subset, "ws_dirs": kept, "keep_events": True},
                ),
                "pandas read_csv+groupby": ("pandas", {"folders": subset}),
                "pandas, usecols=3": ("pandas", {"folders": subset, "usecols": True}),
            },
            args.repeats,
        )
        pandas = res["pandas read_csv+groupby"]
        ceiling = min(
            (res["bare Polars scan"], res["bare DuckDB scan"]), key=lambda r: r["seconds"]
        )
        for name, r in res.items():
            x_ceiling = r["seconds"] / ceiling["seconds"]
            x_pandas = r["seconds"] / pandas["seconds"]
            print(
                f"{scale:>4}x {int(r['rows']):>10,} | {name:<23} {r['seconds']:>7.2f} "
                f"{r['rows'] / r['seconds']:>11,.0f} {r['max_rss_mb']:>8.0f} | "
                f"{x_ceiling:>9.2f} {x_pandas:>8.2f}"
            )
        ri = res["realimpact import"]
        mem = ri["max_rss_mb"] / pandas["max_rss_mb"]
        faster, of_ceiling = pandas["seconds"] / ri["seconds"], ri["seconds"] / ceiling["seconds"]
        print(
            f"{'':>5} {'':>10} | realimpact import: {faster:.2f}x faster than pandas, "
            f"{of_ceiling:.2f}x the ceiling, peak memory {mem:.2f} x pandas"
        )
        s = run("series", ws_dir=fresh[0])
        bare = ceiling
        print(
            f"{'':>5} {'':>10} | series, 1 area (5 LSOAs)  {s['one_area'] * 1000:>8.1f} ms  "
            f"= ceiling / {bare['seconds'] / s['one_area']:,.0f}"
        )
        print(
            f"{'':>5} {'':>10} | panel, 100 areas          {s['hundred_areas'] * 1000:>8.1f} ms  "
            f"= ceiling / {bare['seconds'] / s['hundred_areas']:,.0f}"
        )
        shutil.rmtree(ws_dir, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(CACHE, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        os.environ.setdefault("PYTHONWARNINGS", "ignore")
        main()
