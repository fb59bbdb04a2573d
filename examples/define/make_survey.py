"""Write residents_survey.csv: an ILLUSTRATIVE survey (made-up answers, seeded).

Not real data: it shows the CSV format of ``realimpact survey import``. 40 respondents
answer the PSA 25/23 perception items and two local items; some leave free-text concerns
tagged with harm ids of the matrix.

Run: .venv/bin/python examples/define/make_survey.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

PROBLEM = [
    "A very big problem",
    "A fairly big problem",
    "Not a very big problem",
    "Not a problem at all",
    "Don't know",
]
AGREE = ["Agree strongly", "Agree slightly", "Disagree slightly", "Disagree strongly", "Don't know"]
CONCERNS = [
    (
        "Dealing outside the shops every evening",
        "social.community.fear-of-crime-anti-social-behaviour-asb",
    ),
    ("Needles in the park", "environmental.community.degradation-of-neighbourhoods-e-g"),
    (
        "Kids being used to run drugs",
        "health.family.poor-child-welfare;social.community.attraction-or-recruitment-to-criminal",
    ),
    ("Shops closing on the high street", "economic.community.loss-of-business"),
]


def main(seed: int = 2026) -> None:
    rng = np.random.default_rng(seed)
    out = Path(__file__).with_name("residents_survey.csv")
    cols = [
        "respondent",
        "area",
        "psa25_drug_problem",
        "psa23_asb_problem",
        "psa23_confidence",
        "local_afraid",
        "local_litter",
        "concern_text",
        "concern_harms",
    ]
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for i in range(40):
            row = [f"r{i + 1:03d}", "boro-centre"]
            row.append(PROBLEM[rng.choice(5, p=[0.3, 0.3, 0.2, 0.1, 0.1])])
            row.append(PROBLEM[rng.choice(5, p=[0.2, 0.3, 0.3, 0.15, 0.05])])
            row.append(AGREE[rng.choice(5, p=[0.1, 0.3, 0.3, 0.2, 0.1])])
            row.append(AGREE[rng.choice(5, p=[0.2, 0.3, 0.25, 0.2, 0.05])])
            row.append(PROBLEM[rng.choice(5, p=[0.1, 0.2, 0.3, 0.3, 0.1])] if i % 7 else "")
            text, tags = CONCERNS[int(rng.integers(4))] if rng.random() < 0.5 else ("", "")
            w.writerow([*row, text, tags])
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
