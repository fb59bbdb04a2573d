"""Time-series evaluation methods against statsmodels: same answers, time side by side.

Sections:

(a) ``twfe``: the two-way fixed-effects count fit behind ``difference_in_differences``
    (``realimpact.evaluate._twfe.fit_twfe``: IRLS with alternating weighted demeaning)
    against statsmodels ``GLM`` with unit and month dummy columns, on panels of
    20 / 100 / 300 units x 35 months simulated from NB counts. Prints the coefficient
    difference and the time ratio (statsmodels / realimpact).
(b) ``its``: the count GLM behind ``interrupted_time_series``
    (``realimpact.evaluate._countglm.fit_count_glm``) against statsmodels ``GLM`` on a
    48-month series with month dummies.
(c) ``gaussian``: the linear two-way FE fit (``family="gaussian"``) against statsmodels
    ``OLS`` with state and year dummies on the real Proposition 99 panel (39 states x
    31 years, ``tests/evaluate/data/synthdid_california_prop99.csv``); both give
    Arkhangelsky et al. (2021) Table 1's DID of -27.3.

Run: ``.venv/bin/python bench/timeseries.py``. Timings are wall-clock on whatever else the
machine is doing; read the ratios, not the absolute times.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from realimpact.evaluate._countglm import fit_count_glm
from realimpact.evaluate._twfe import codes_of, fit_twfe


def _best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _panel(n_units: int, rng: np.random.Generator) -> pd.DataFrame:
    sizes = rng.uniform(2, 30, n_units)
    unit = np.repeat(np.arange(n_units), 35)
    month = np.tile(np.arange(35), n_units)
    mu = sizes[unit] * (1 + 0.3 * np.sin(2 * np.pi * month / 12))
    treated = (unit == 0) & (month >= 24)
    mu = np.where(treated, 0.7 * mu, mu)
    y = rng.negative_binomial(10, 10 / (10 + mu)).astype(float)
    return pd.DataFrame({"unit": unit, "month": month, "y": y, "d": treated.astype(float)})


def bench_twfe() -> None:
    print("(a) two-way FE negative binomial (alpha fixed 0.1), one treatment dummy")
    head = ("units", "rows", "statsmodels s", "realimpact s", "ratio", "|diff|")
    print("{:>6} {:>6} {:>14} {:>13} {:>7} {:>9}".format(*head))
    rng = np.random.default_rng(0)
    for n_units in (20, 100, 300):
        df = _panel(n_units, rng)
        x = pd.concat(
            [
                pd.Series(1.0, index=df.index, name="const"),
                df["d"],
                pd.get_dummies(df["unit"], prefix="u", drop_first=True, dtype=float),
                pd.get_dummies(df["month"], prefix="m", drop_first=True, dtype=float),
            ],
            axis=1,
        )
        fam = sm.families.NegativeBinomial(alpha=0.1)
        t_sm, ref = _best(lambda x=x, df=df, fam=fam: sm.GLM(df["y"], x, family=fam).fit(), 1)
        t_ri, fit = _best(
            lambda df=df: fit_twfe(
                df["y"].to_numpy(),
                df["d"].to_numpy(),
                codes_of(df["unit"]),
                codes_of(df["month"]),
                "negbin",
                alpha=0.1,
            )
        )
        diff = abs(fit.delta - ref.params["d"])
        ratio = t_sm / t_ri
        print(f"{n_units:>6} {len(df):>6} {t_sm:>14.3f} {t_ri:>13.4f} {ratio:>7.1f} {diff:>9.1e}")


def bench_its() -> None:
    print("(b) ITS count GLM, 48 months, 15 columns (level, slope, 11 month dummies)")
    rng = np.random.default_rng(1)
    t = np.arange(48)
    months = pd.get_dummies(t % 12, drop_first=True, dtype=float).to_numpy()
    x = np.column_stack([np.ones(48), t / 12, t >= 36, (t >= 36) * (t - 36) / 12, months])
    y = rng.poisson(30 * (1 + 0.2 * np.sin(2 * np.pi * t / 12))).astype(float)
    t_sm, ref = _best(lambda: sm.GLM(y, x, family=sm.families.Poisson()).fit(), 5)
    t_ri, fit = _best(lambda: fit_count_glm(y, x, "poisson", covariance="none"), 5)
    diff = float(np.max(np.abs(fit.params - ref.params)))
    print(
        f"statsmodels {t_sm * 1e3:.2f} ms, realimpact {t_ri * 1e3:.2f} ms, "
        f"ratio {t_sm / t_ri:.1f}, max |coef diff| {diff:.1e}"
    )


def bench_gaussian() -> None:
    print("(c) linear two-way FE DiD, Proposition 99 (39 states x 31 years)")
    path = (
        Path(__file__).resolve().parents[1] / "tests/evaluate/data/synthdid_california_prop99.csv"
    )
    df = pd.read_csv(path, sep=";")
    df["d"] = ((df["State"] == "California") & (df["Year"] >= 1989)).astype(float)
    x = pd.concat(
        [
            pd.Series(1.0, index=df.index, name="const"),
            df["d"],
            pd.get_dummies(df["State"], prefix="s", drop_first=True, dtype=float),
            pd.get_dummies(df["Year"], prefix="y", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    y = df["PacksPerCapita"].astype(float)
    t_sm, ref = _best(lambda: sm.OLS(y, x).fit(), 5)
    t_ri, fit = _best(
        lambda: fit_twfe(
            y.to_numpy(),
            df["d"].to_numpy(),
            codes_of(df["State"]),
            codes_of(df["Year"]),
            "gaussian",
        ),
        5,
    )
    print(
        f"statsmodels {t_sm * 1e3:.2f} ms, realimpact {t_ri * 1e3:.2f} ms, "
        f"ratio {t_sm / t_ri:.1f}, DID {fit.delta:.3f} vs {ref.params['d']:.3f}"
    )


def main() -> None:
    warnings.simplefilter("ignore")
    bench_twfe()
    bench_its()
    bench_gaussian()


if __name__ == "__main__":
    main()
