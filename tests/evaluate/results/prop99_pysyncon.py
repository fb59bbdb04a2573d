"""Produce the pysyncon reference answer for California's Proposition 99.

Run from the repository root with the bench extra installed:

    .venv/bin/python tests/evaluate/results/prop99_pysyncon.py

It fits pysyncon (1.7) with the predictor specification of Abadie, Diamond & Hainmueller
(2010, Table 1) on ``tests/evaluate/data/smoking_data.csv`` and writes the donor weights,
the V weights, the pre-period loss, the gap series and the time taken to
``tests/evaluate/results/prop99_pysyncon.json``. The tests read that file; they never
import pysyncon.
"""

from __future__ import annotations

import json
import platform
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from pysyncon import Dataprep, Synth

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "smoking_data.csv"


def main() -> None:
    df = pd.read_csv(DATA)
    df["year"] = df["year"].astype(int)
    states = sorted(df["state"].unique())
    controls = [s for s in states if s != "California"]
    dataprep = Dataprep(
        foo=df,
        predictors=["lnincome", "age15to24", "retprice"],
        predictors_op="mean",
        time_predictors_prior=range(1980, 1989),
        special_predictors=[
            ("beer", range(1984, 1989), "mean"),
            ("cigsale", [1975], "mean"),
            ("cigsale", [1980], "mean"),
            ("cigsale", [1988], "mean"),
        ],
        dependent="cigsale",
        unit_variable="state",
        time_variable="year",
        treatment_identifier="California",
        controls_identifier=controls,
        time_optimize_ssr=range(1970, 1989),
    )
    synth = Synth()
    t0 = time.perf_counter()
    synth.fit(dataprep=dataprep, optim_method="Nelder-Mead", optim_initial="equal")
    seconds = time.perf_counter() - t0
    assert synth.W is not None and synth.V is not None
    weights = {str(k): float(v) for k, v in zip(synth.W_names, synth.W, strict=True)}
    years = list(range(1970, 2001))
    wide = df.pivot(index="year", columns="state", values="cigsale")
    synthetic = wide[list(synth.W_names)].to_numpy() @ synth.W
    gap = wide["California"].to_numpy() - synthetic
    out = {
        "source": "pysyncon " + version("pysyncon") + " Synth().fit(Nelder-Mead, equal)",
        "python": platform.python_version(),
        "seconds": seconds,
        "weights": weights,
        "V": [float(v) for v in synth.V],
        "loss_V": float(synth.loss_V or 0.0),
        "years": years,
        "gap": [float(g) for g in gap],
    }
    (HERE / "prop99_pysyncon.json").write_text(json.dumps(out, indent=2) + "\n")
    print(
        json.dumps({k: out[k] for k in ("seconds", "loss_V")}),
        "weights>0.01:",
        {k: round(v, 3) for k, v in weights.items() if v > 0.01},
    )


if __name__ == "__main__":
    main()
