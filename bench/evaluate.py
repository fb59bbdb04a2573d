"""Evaluation methods against established implementations: answers and speed side by side.

Sections (one function each; ``main()`` runs them all):

(a) ``prop99``: synthetic control for California's Proposition 99 with the predictor
    specification of Abadie, Diamond & Hainmueller (2010, Table 1), realimpact against
    pysyncon 1.7 (``Synth().fit(optim_method="Nelder-Mead", optim_initial="equal")``, run
    in a subprocess with a timeout) and against the paper: donor weights, the gap in 2000,
    pre-period MSPE, time and the speed ratio. pysyncon is also run at realimpact's V
    (``custom_V``) to compare the inner weight solver on the same problem.
(b) ``counts``: synthetic control with in-space placebo inference over all of 1,000 donor
    areas x 60 months of counts, simulated from real Cleveland police.uk LSOA monthly
    levels (see ``simulate_counts``). Target: under 60 s. For scale, one pysyncon fit
    (inner problem only, ``custom_V`` equal) on growing donor pools, with the time of a
    full placebo run extrapolated from it (labelled as such).

Run: ``.venv/bin/python bench/evaluate.py [--peer-timeout SECONDS] [--only prop99|counts]``.
Needs the ``bench`` extra (pysyncon). Timings are wall-clock on whatever else the
machine is doing; read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SMOKING = ROOT / "tests" / "evaluate" / "data" / "smoking_data.csv"
STREET = ROOT / "src" / "realimpact" / "sample_data" / "policeuk" / "cleveland" / "street"
PAPER = {"Utah": 0.334, "Nevada": 0.234, "Montana": 0.199, "Colorado": 0.164, "Connecticut": 0.069}
PAPER_GAP_2000 = -26.0  # approximate, read from Figure 2/3 of the paper

PYSYNCON_PROP99 = """
import json, sys, time
import numpy as np, pandas as pd
from pysyncon import Dataprep, Synth
df = pd.read_csv(sys.argv[1]); df["year"] = df["year"].astype(int)
custom_v = json.loads(sys.argv[2])
controls = sorted(s for s in df["state"].unique() if s != "California")
yrs = range(1980, 1989)
dp = Dataprep(foo=df, predictors=["lnincome", "age15to24", "retprice"], predictors_op="mean",
    time_predictors_prior=yrs,
    special_predictors=[("beer", range(1984, 1989), "mean"), ("cigsale", [1975], "mean"),
                        ("cigsale", [1980], "mean"), ("cigsale", [1988], "mean")],
    dependent="cigsale", unit_variable="state", time_variable="year",
    treatment_identifier="California", controls_identifier=controls,
    time_optimize_ssr=range(1970, 1989))
s = Synth(); t0 = time.perf_counter()
if custom_v:
    s.fit(dataprep=dp, custom_V=np.array(custom_v))
else:
    s.fit(dataprep=dp, optim_method="Nelder-Mead", optim_initial="equal")
secs = time.perf_counter() - t0
wide = df.pivot(index="year", columns="state", values="cigsale")
gap = wide["California"].to_numpy() - wide[controls].to_numpy() @ s.W
print(json.dumps({"seconds": secs, "weights": dict(zip(controls, map(float, s.W))),
                  "loss_V": float(s.loss_V), "gap_2000": float(gap[-1])}))
"""

PYSYNCON_COUNTS = """
import json, sys, time
import numpy as np, pandas as pd
from pysyncon import Synth
z = np.load(sys.argv[1]); n_pre = int(sys.argv[2]); j = int(sys.argv[3])
pre = z[:n_pre]
names = [f"u{i}" for i in range(j + 1)]
x0 = pd.DataFrame(pre[:, 1 : j + 1], columns=names[1:])
x1 = pd.Series(pre[:, 0], name=names[0])
s = Synth(); t0 = time.perf_counter()
s.fit(X0=x0, X1=x1, Z0=x0, Z1=x1, custom_V=np.full(n_pre, 1.0 / n_pre))
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def _peer(code: str, args: list[str], timeout: float) -> dict[str, Any] | None:
    """Run a peer snippet in a fresh interpreter; None when it times out or fails."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as err:
        print(f"  peer failed: {err.stderr.strip().splitlines()[-1:]}")
        return None
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def _prop99_fit(**kw: Any) -> tuple[Any, float]:
    from realimpact.evaluate.synth import Predictor, synthetic_control

    df = pd.read_csv(SMOKING)
    df["year"] = df["year"].astype(int)
    yrs = tuple(range(1980, 1989))
    preds = [
        Predictor("lnincome", yrs),
        Predictor("age15to24", yrs),
        Predictor("retprice", yrs),
        Predictor("beer", tuple(range(1984, 1989))),
        Predictor("cigsale", (1975,)),
        Predictor("cigsale", (1980,)),
        Predictor("cigsale", (1988,)),
    ]
    t0 = time.perf_counter()
    res = synthetic_control(
        df,
        unit="state",
        time="year",
        outcome="cigsale",
        treated="California",
        start=1989,
        predictors=preds,
        **kw,
    )
    return res, time.perf_counter() - t0


def _fmt(v: float | None, spec: str = ".3f") -> str:
    return "n/a" if v is None else format(v, spec)


def prop99(peer_timeout: float = 900.0, repeats: int = 3) -> None:
    """Section (a): Prop 99, realimpact vs pysyncon vs the paper."""
    runs = [_prop99_fit(placebo=False, leave_one_out=False) for _ in range(repeats)]
    ours, secs = runs[0][0], statistics.median(r[1] for r in runs)
    full, full_secs = _prop99_fit()
    v = list(ours.v_weights.values())
    print(f"\n(a) Proposition 99: running pysyncon (timeout {peer_timeout:.0f} s)...")
    peer = _peer(PYSYNCON_PROP99, [str(SMOKING), "null"], peer_timeout)
    same_v = _peer(PYSYNCON_PROP99, [str(SMOKING), json.dumps(v)], peer_timeout)
    w = dict(ours.weights)
    gap = ours.series.effect[-1]
    states = [*PAPER, *sorted(s for s, x in w.items() if x > 0.01 and s not in PAPER)]
    rows = [
        [
            s,
            _fmt(PAPER.get(s, 0.0)),
            _fmt(w[s]),
            _fmt(peer["weights"][s] if peer else None),
            _fmt(same_v["weights"][s] if same_v else None),
        ]
        for s in states
    ]
    _table(
        "(a) Prop 99 donor weights",
        ["state", "paper", "realimpact", "pysyncon (own V search)", "pysyncon at realimpact V"],
        rows,
    )

    def max_diff(other: dict[str, Any] | None) -> str:
        if other is None:
            return "timed out"
        return _fmt(max(abs(w[s] - other["weights"][s]) for s in w))

    def rel_gap(other: dict[str, Any] | None) -> str:
        return "n/a" if other is None else f"{abs(gap / other['gap_2000'] - 1):.2%}"

    _table(
        "(a) Prop 99 agreement and speed (single fit, no placebos)",
        ["measure", "realimpact", "pysyncon (own V search)", "pysyncon at realimpact V"],
        [
            ["max |weight diff| vs realimpact", "-", max_diff(peer), max_diff(same_v)],
            [
                "gap in 2000 (packs)",
                _fmt(gap, ".2f"),
                _fmt(peer and peer["gap_2000"], ".2f"),
                _fmt(same_v and same_v["gap_2000"], ".2f"),
            ],
            ["gap-2000 relative difference", "-", rel_gap(peer), rel_gap(same_v)],
            [
                "pre-period MSPE (loss V)",
                _fmt(ours.extra["loss_v"]),
                _fmt(peer and peer["loss_V"]),
                _fmt(same_v and same_v["loss_V"]),
            ],
            [
                "time (s)",
                _fmt(secs, ".2f"),
                _fmt(peer and peer["seconds"], ".1f"),
                _fmt(same_v and same_v["seconds"], ".2f"),
            ],
            [
                "speed ratio (peer / realimpact)",
                "1",
                _fmt(peer and peer["seconds"] / secs, ".0f"),
                "-",
            ],
        ],
    )
    print(f"  paper: gap in 2000 about {PAPER_GAP_2000:.0f}; realimpact {gap:.2f}")
    print(
        f"  realimpact full run (fit + 38 placebo fits + leave-one-out): {full_secs:.1f} s,"
        f" p = {full.p_value:.3f} (paper 1/39 = 0.026)"
    )


def simulate_counts(n_units: int, n_months: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Overdispersed monthly counts for ``n_units`` areas built from real LSOA levels.

    Levels are resampled (with replacement) from the mean monthly crime count of each
    Cleveland LSOA (police.uk street files shipped in the package); the month-of-year
    profile is the force's; each area drifts by a random walk (sd 0.03 per month); counts
    are negative binomial with the dispersion estimated from the real LSOA series by the
    method of moments. Unit ``a0000`` (level at the 90th percentile of LSOAs) is
    treated, with a 20% fall over the last year.
    """
    import duckdb

    real = duckdb.sql(
        f"""select "LSOA code" as lsoa, "Month" as month, count(*)::double as n
            from read_csv('{STREET}/*.csv.gz', union_by_name = true, all_varchar = true)
            where "LSOA code" is not null group by all"""
    ).df()
    wide = real.pivot(index="month", columns="lsoa", values="n").fillna(0.0)
    mean, var = wide.mean(), wide.var()
    excess = (var - mean)[var > mean]
    size = float(np.median(mean[excess.index] ** 2 / excess))
    total = wide.sum(axis=1)
    by_month = total.groupby(pd.PeriodIndex(total.index, freq="M").month).mean()
    profile = (by_month / by_month.mean()).to_numpy()
    rng = np.random.default_rng(seed)
    level = rng.choice(mean.to_numpy(), size=n_units, replace=True)
    level[0] = float(np.quantile(mean.to_numpy(), 0.9))  # a busier area is "treated"
    months = pd.period_range("2019-01", periods=n_months, freq="M")
    season = profile[months.month.to_numpy() - 1]
    drift = np.exp(np.cumsum(rng.normal(0.0, 0.03, size=(n_months, n_units)), axis=0))
    mu = level[None, :] * season[:, None] * drift
    mu[-12:, 0] *= 0.8
    y = rng.negative_binomial(size, size / (size + mu)).astype(float)
    names = [f"a{i:04d}" for i in range(n_units)]
    frame = pd.DataFrame(
        {
            "area": np.repeat(names, n_months),
            "month": [str(m) for m in months] * n_units,
            "crimes": y.T.ravel(),
        }
    )
    return frame, y


def counts(n_donors: int = 1000, n_months: int = 60, peer_timeout: float = 120.0) -> None:
    """Section (b): placebo inference over 1,000 donors x 60 months of counts."""
    from realimpact.evaluate.synth import synthetic_control

    frame, y = simulate_counts(n_donors + 1, n_months, seed=20260101)
    start = frame["month"].iloc[n_months - 12]
    t0 = time.perf_counter()
    res = synthetic_control(
        frame, unit="area", time="month", outcome="crimes", treated="a0000", start=start
    )
    total = time.perf_counter() - t0
    n_fits = 1 + len(res.placebos) + len(res.leave_one_out)
    print(
        f"\n(b) {n_donors} donors x {n_months} months: realimpact fit + {len(res.placebos)}"
        f" placebos + {len(res.leave_one_out)} leave-one-out fits in {total:.1f} s"
        f" (target < 60 s); estimate {res.estimate:.2f} per month"
        f" ({_fmt(res.relative_estimate, '.1f')}% vs simulated -20%),"
        f" interval {_fmt(res.ci_low, '.2f')} to {_fmt(res.ci_high, '.2f')}, p = {res.p_value:.3f}"
    )
    n_pre = n_months - 12
    path = Path("/tmp") / f"realimpact_bench_counts_{n_donors}.npy"
    np.save(path, y)
    rows = []
    for j in (10, 20, 40, 80, 160, n_donors):
        ours = _time_ours(frame, n_months, j)
        inner = _time_inner(y[:n_pre], j)
        peer = _peer(PYSYNCON_COUNTS, [str(path), str(n_pre), str(j)], peer_timeout)
        peer_s = peer["seconds"] if peer else None
        rows.append(
            [
                str(j),
                _fmt(ours, ".4f"),
                _fmt(inner, ".4f"),
                _fmt(peer_s, ".3f") if peer else "timed out",
                _fmt(peer_s / inner if peer_s else None, ".0f"),
            ]
        )
        if peer is None:
            break
    _table(
        "(b) one synthetic-control fit (inner weights, V equal over 48 outcome lags)",
        [
            "donors",
            "realimpact whole call (s)",
            "realimpact weight solve (s)",
            "pysyncon fit (s)",
            "ratio (peer / solve)",
        ],
        rows,
    )
    measured = [(int(r[0]), float(r[3])) for r in rows if r[3] not in ("timed out", "n/a")]
    per_fit, label = _peer_per_fit(measured, n_donors)
    print(
        f"  full placebo run ({n_fits} fits) with pysyncon: {per_fit * n_fits:,.0f} s"
        f" ({label}); realimpact {total:.1f} s; ratio {per_fit * n_fits / total:,.0f}"
    )
    if rows[-1][3] == "timed out":
        bound = peer_timeout * n_fits
        print(
            f"  but one pysyncon fit with {rows[-1][0]} donors did not finish in"
            f" {peer_timeout:.0f} s, so the extrapolation above is optimistic: the measured lower"
            f" bound for the run is {bound:,.0f} s ({bound / 3600:,.0f} h),"
            f" ratio > {bound / total:,.0f}"
        )


def _time_ours(frame: pd.DataFrame, n_months: int, j: int) -> float:
    from realimpact.evaluate.synth import synthetic_control

    sub = frame.iloc[: (j + 1) * n_months]
    start = frame["month"].iloc[n_months - 12]
    t0 = time.perf_counter()
    synthetic_control(
        sub,
        unit="area",
        time="month",
        outcome="crimes",
        treated="a0000",
        start=start,
        placebo=False,
        leave_one_out=False,
    )
    return time.perf_counter() - t0


def _time_inner(pre: np.ndarray, j: int, repeats: int = 5) -> float:
    from realimpact.evaluate.synth import simplex_weights

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        simplex_weights(pre[:, 1 : j + 1], pre[:, 0])
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _peer_per_fit(measured: list[tuple[int, float]], n_donors: int) -> tuple[float, str]:
    """The peer's per-fit time at ``n_donors``: measured, or a power-law extrapolation."""
    for j, secs in measured:
        if j == n_donors:
            return secs, f"measured per-fit time x {n_donors}-donor fits, EXTRAPOLATED to the run"
    if len(measured) < 2:
        return float("nan"), "not measurable"
    js, ts = np.log([m[0] for m in measured]), np.log([m[1] for m in measured])
    slope, icpt = np.polyfit(js, ts, 1)
    secs = float(np.exp(icpt + slope * np.log(n_donors)))
    return secs, f"per-fit time EXTRAPOLATED from smaller pools (time ~ donors^{slope:.2f})"


def main(argv: list[str] | None = None) -> None:
    from realimpact.exceptions import MethodWarning

    warnings.simplefilter("ignore", MethodWarning)  # diagnostics are printed, not warned
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-timeout", type=float, default=900.0)
    parser.add_argument("--only", choices=["prop99", "counts"])
    args = parser.parse_args(argv)
    if args.only in (None, "prop99"):
        prop99(args.peer_timeout)
    if args.only in (None, "counts"):
        counts(peer_timeout=min(args.peer_timeout, 120.0))


if __name__ == "__main__":
    main()
