"""Build examples/prioritise/cleveland_problems.yaml from the police.uk Cleveland files.

Measured inputs (from /work/shared/data/policeuk-cleveland/street/, OGL v3, see that
folder's PROVENANCE.md): for four MSOAs (an MSOA is the LSOA name without its final
letter, e.g. "Middlesbrough 001E" -> "Middlesbrough 001"), counts in 2024 of Drugs,
Anti-social behaviour, Public order and Possession of weapons street records, and the
trend of Drugs records (Jan-Nov 2025 over Jan-Nov 2024).

How counts become scores (0-4), stated so anyone can redo it:
* extent of a harm = 4 x the area's percentile among all Cleveland MSOAs for that count;
  the range (low, high) uses the exact Poisson 90% interval of the count, so small counts
  get wide ranges;
* likelihood_trend = 2 + 2 log2(ratio of Drugs records 2025/2024, same months), clipped
  to 0-4 (0 = halving or better, 2 = stable, 4 = doubling).
Everything else in the file (seriousness, concern, vulnerability, ability to have an
impact, newness) is an ILLUSTRATIVE partnership judgement, marked as such.

Run: .venv/bin/python examples/prioritise/cleveland_baseline.py
"""

from __future__ import annotations

import glob
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

DATA = Path("/work/shared/data/policeuk-cleveland/street")
OUT = Path(__file__).with_name("cleveland_problems.yaml")
AREAS = {
    "Middlesbrough town centre open market": "Middlesbrough 001",
    "Stockton town centre street dealing": "Stockton-on-Tees 025",
    "Hartlepool estate closed delivery market": "Hartlepool 015",
    "Redcar seafront emerging market": "Redcar and Cleveland 022",
}
# Illustrative judgements (not measured): seriousness of each harm, and the other dimensions.
JUDGEMENT = {
    "Middlesbrough town centre open market": dict(
        serious={
            "social": [3, 3, 4],
            "health": [2, 3, 4],
            "economic": [2, 3, 3],
            "environmental": [2, 3, 3],
        },
        community_concern=[3, 4, 4],
        partner_priority=[3, 3, 4],
        vulnerability=[2, 3, 4],
        ability_to_impact=[1, 2, 3],
        market_newness=0,
        confidence=3,
    ),
    "Stockton town centre street dealing": dict(
        serious={
            "social": [2, 3, 3],
            "health": [2, 2, 3],
            "economic": [1, 2, 3],
            "environmental": [1, 2, 3],
        },
        community_concern=[2, 3, 4],
        partner_priority=[2, 3, 3],
        vulnerability=[1, 2, 3],
        ability_to_impact=[2, 2, 3],
        market_newness=1,
        confidence=3,
    ),
    "Hartlepool estate closed delivery market": dict(
        serious={
            "social": [2, 3, 4],
            "health": [3, 3, 4],
            "economic": [1, 1, 2],
            "environmental": [0, 1, 1],
        },
        community_concern=[1, 2, 3],
        partner_priority=[2, 3, 4],
        vulnerability=[3, 4, 4],
        ability_to_impact=[1, 2, 2],
        market_newness=2,
        confidence=2,
    ),
    "Redcar seafront emerging market": dict(
        serious={
            "social": [1, 2, 3],
            "health": [1, 2, 3],
            "economic": [1, 1, 2],
            "environmental": [1, 1, 2],
        },
        community_concern=[1, 2, 3],
        partner_priority=[1, 2, 2],
        vulnerability=[1, 2, 3],
        ability_to_impact=[2, 3, 4],
        market_newness=[3, 4, 4],
        confidence=1,
    ),
}
HARM_SOURCES = {  # harm id of the matrix (framework/data/harms.yaml) -> (crime types, type)
    "social.community.fear-of-crime-anti-social-behaviour-asb": (
        ["Anti-social behaviour", "Public order"],
        "social",
    ),
    "social.community.related-crime-e-g-prostitution-gangs": (["Possession of weapons"], "social"),
    "health.community.normalisation-of-drug-use-and-easy": (["Drugs"], "health"),
    "economic.community.loss-of-business": (["Anti-social behaviour"], "economic"),
    "environmental.community.degradation-of-neighbourhoods-e-g": (["Drugs"], "environmental"),
}


def load() -> pd.DataFrame:
    frames = [
        pd.read_csv(f, usecols=["Month", "LSOA name", "Crime type"])
        for f in sorted(glob.glob(str(DATA / "*.csv")))
    ]
    df = pd.concat(frames, ignore_index=True)
    df["msoa"] = df["LSOA name"].str[:-1]
    return df


def poisson_interval(n: int, level: float = 0.9) -> tuple[float, float]:
    a = (1 - level) / 2
    lo = 0.0 if n == 0 else stats.chi2.ppf(a, 2 * n) / 2
    return float(lo), float(stats.chi2.ppf(1 - a, 2 * n + 2) / 2)


def extent(counts: pd.Series, msoa: str) -> list[float]:
    n = int(counts.get(msoa, 0))
    values = np.sort(counts.to_numpy())
    lo, hi = poisson_interval(n)
    pct = [float(np.searchsorted(values, v, side="right")) / values.size for v in (lo, n, hi)]
    return [round(4 * p, 2) for p in pct]


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


_Dumper.add_representer(
    list,
    lambda d, v: d.represent_sequence(
        "tag:yaml.org,2002:seq", v, flow_style=all(not isinstance(i, dict | list) for i in v)
    ),
)


def main() -> None:
    df = load()
    y24 = df[df.Month.str.startswith("2024")]
    problems = []
    for name, msoa in AREAS.items():
        j = JUDGEMENT[name]
        harms = []
        measured = {}
        for hid, (types, htype) in HARM_SOURCES.items():
            counts = y24[y24["Crime type"].isin(types)].groupby("msoa").size()
            measured[hid] = int(counts.get(msoa, 0))
            harms.append(
                {"id": hid, "extent": extent(counts, msoa), "seriousness": j["serious"][htype]}
            )
        drugs = df[(df["Crime type"] == "Drugs") & (df.msoa == msoa)]
        n24 = int(drugs.Month.between("2024-01", "2024-11").sum())
        n25 = int(drugs.Month.between("2025-01", "2025-11").sum())
        trend = min(4.0, max(0.0, 2 + 2 * math.log2(max(n25, 1) / max(n24, 1))))
        scores = {
            k: j[k]
            for k in (
                "community_concern",
                "partner_priority",
                "vulnerability",
                "ability_to_impact",
                "market_newness",
                "confidence",
            )
        }
        scores["likelihood_trend"] = [
            round(max(0, trend - 0.5), 2),
            round(trend, 2),
            round(min(4, trend + 0.5), 2),
        ]
        problems.append(
            {
                "name": name,
                "area": f"MSOA {msoa} (Cleveland)",
                "scores": scores,
                "harms": harms,
                "notes": (
                    f"Measured 2024 counts: {measured}; Drugs Jan-Nov 2024 {n24}, "
                    f"Jan-Nov 2025 {n25}. Seriousness and other scores are illustrative."
                ),
            }
        )
    header = (
        "# Generated by examples/prioritise/cleveland_baseline.py from police.uk Cleveland\n"
        "# street files (OGL v3). Harm extents and likelihood_trend are measured; the\n"
        "# other scores are ILLUSTRATIVE judgements. See docs/prioritise.md.\n"
    )
    OUT.write_text(
        header
        + yaml.dump(
            {"problems": problems},
            Dumper=_Dumper,
            sort_keys=False,
            width=100,
            default_flow_style=False,
        ),
        encoding="utf-8",
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
