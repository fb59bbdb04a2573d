"""Produce the pysyncon reference answer for California's Proposition 99.

Run from the repository root with the bench extra installed:

    .venv/bin/python tests/evaluate/results/prop99_pysyncon.py

It fits pysyncon (1.7) with the predictor specification of Abadie, Diamond & Hainmueller
(2010, Table 1) on ``tests/evaluate/data/smoking_data.csv``: its own nested optimisation
(Nelder-Mead from equal and from regression-based V), and the inner problem alone at two
fixed V. For each it writes the donor weights, V, the pre-period loss (MSPE), the gap
series and the time taken to ``tests/evaluate/results/prop99_pysyncon.json``.
The tests read that file; they never import pysyncon.
"""

from __future__ import annotations

import json
import platform
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from pysyncon import Dataprep, Synth

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "smoking_data.csv"


# Fixed predictor weights V (order: lnincome, age15to24, retprice, beer, cigsale 1975,
# cigsale 1980, cigsale 1988) at which the inner problem is solved by both tools.
FIXED_V = {
    "equal": [1 / 7] * 7,
    "outcome_heavy": [0.0, 0.18, 0.02, 0.0, 0.8, 0.0, 0.0],
}


def dataprep_for(df: pd.DataFrame) -> Dataprep:
    states = sorted(df["state"].unique())
    controls = [s for s in states if s != "California"]
    return Dataprep(
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


def fit(df: pd.DataFrame, **kwargs: object) -> dict[str, object]:
    synth = Synth()
    t0 = time.perf_counter()
    synth.fit(dataprep=dataprep_for(df), **kwargs)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    assert synth.W is not None and synth.V is not None
    names = list(dataprep_for(df).controls_identifier)
    wide = df.pivot(index="year", columns="state", values="cigsale")
    gap = wide["California"].to_numpy() - wide[names].to_numpy() @ synth.W
    return {
        "seconds": seconds,
        "weights": {str(k): float(v) for k, v in zip(names, synth.W, strict=True)},
        "V": [float(v) for v in synth.V],
        "loss_V": float(synth.loss_V or 0.0),
        "gap": [float(g) for g in gap],
    }


def main() -> None:
    df = pd.read_csv(DATA)
    df["year"] = df["year"].astype(int)
    out: dict[str, object] = {
        "source": "pysyncon " + version("pysyncon") + " (Synth().fit)",
        "python": platform.python_version(),
        "years": list(range(1970, 2001)),
        "nelder_mead_equal": fit(df, optim_method="Nelder-Mead", optim_initial="equal"),
        "nelder_mead_ols": fit(df, optim_method="Nelder-Mead", optim_initial="ols"),
        "fixed_v": {name: fit(df, custom_V=np.array(v)) for name, v in FIXED_V.items()},
    }
    (HERE / "prop99_pysyncon.json").write_text(json.dumps(out, indent=2) + "\n")
    for key in ("nelder_mead_equal", "nelder_mead_ols"):
        res = out[key]
        assert isinstance(res, dict)
        print(key, round(res["seconds"], 1), "s, loss", round(res["loss_V"], 3))


if __name__ == "__main__":
    main()
