"""Rebuild the shipped geography lookups from the public source files.

Run once, by a maintainer, when the sources change::

    python -m realimpact.data.lookups._build /path/to/shared/data

The sources (``geo-lookups/`` and ``ons-lookups-2011/``) and what is kept from each are
described in ``PROVENANCE.md`` beside this file. The output files are gzip CSVs; the
library reads them with pandas and never needs the sources.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

OUT = Path(__file__).resolve().parent
GZIP = {"method": "gzip", "mtime": 0}  # reproducible bytes
SLIVER = 0.01  # overlaps under 1% of either polygon are boundary noise, not membership


def _read_boundaries(src: Path, vintage: str) -> pd.DataFrame:
    folder, key = ("lsoa11", "LSOA11CD") if vintage == "2011" else ("lsoa", "LSOA21CD")
    rows: list[dict[str, object]] = []
    for path in sorted((src / "geo-lookups" / "boundaries" / folder).glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for feat in data["features"]:
            props = feat["properties"]
            name_key = "LSOA11NM" if vintage == "2011" else "LSOA21NM"
            rows.append(
                {
                    "code": props[key],
                    "name": props[name_key],
                    "vintage": vintage,
                    "lad": path.stem,
                    "geometry": shape(feat["geometry"]),
                }
            )
    return pd.DataFrame(rows)


def _overlaps(b11: pd.DataFrame, b21: pd.DataFrame) -> pd.DataFrame:
    """Area overlaps between 2011 and 2021 polygons where either side changed code."""
    changed11 = b11[~b11["code"].isin(set(b21["code"]))]
    changed21 = b21[~b21["code"].isin(set(b11["code"]))]
    geoms21 = list(b21["geometry"])
    tree = shapely.STRtree(geoms21)
    rows: list[dict[str, object]] = []
    for code11, g11 in zip(b11["code"], b11["geometry"], strict=True):
        for j in tree.query(g11, predicate="intersects"):
            code21 = str(b21["code"].iloc[j])
            if code11 not in set(changed11["code"]) and code21 not in set(changed21["code"]):
                continue
            g21: BaseGeometry = geoms21[j]
            inter = g11.intersection(g21).area
            s11, s21 = inter / g11.area, inter / g21.area
            if max(s11, s21) >= SLIVER:
                rows.append({"lsoa11": code11, "lsoa21": code21, "share11": s11, "share21": s21})
    out = pd.DataFrame(rows)
    out["share11"] = out["share11"].round(5)
    out["share21"] = out["share21"].round(5)
    return out.sort_values(["lsoa11", "lsoa21"]).reset_index(drop=True)


def _msoa(src: Path) -> pd.DataFrame:
    """MSOAs of England and Wales, either vintage: code, names, House of Commons Library name."""
    m = pd.read_csv(src / "geo-lookups" / "msoa_la.csv", dtype=str, keep_default_na=False)
    m = m[m["MSOACD"].str.match(r"^[EW]02\d{6}$")]
    name = m["MSOA11NM"].where(m["MSOA11NM"] != "", m["MSOANM"])
    hcl = m["MSOAHCLNM"].where(m["MSOAHCLNM"] != "", m["MSOA11HCLNM"])
    return pd.DataFrame(
        {
            "code": m["MSOACD"],
            "name11": m["MSOA11NM"],
            "name21": m["MSOANM"].where(m["MSOA21CD"] != "", ""),
            "name": name,
            "hcl_name": hcl,
        }
    ).sort_values("code")


def _msoa_of(lsoa: pd.DataFrame, msoa: pd.DataFrame) -> pd.Series:
    """MSOA of each LSOA from its name ("Middlesbrough 009E" is in "Middlesbrough 009")."""
    prefix = lsoa["name"].str.slice(0, -1)
    by11 = dict(zip(msoa["name11"], msoa["code"], strict=True))
    by21 = dict(zip(msoa["name21"], msoa["code"], strict=True))
    by11.pop("", None)
    by21.pop("", None)
    first = prefix.map(by11).where(lsoa["in2011"], prefix.map(by21))
    return first.fillna(prefix.map(by21)).fillna(prefix.map(by11))


def main(src: Path) -> None:
    ll = pd.read_csv(src / "geo-lookups" / "lsoa_latlong.csv", dtype=str)
    ll = ll[ll["LSOACD"].str.match(r"^[EW]01\d{6}$")]
    lk = pd.read_csv(src / "ons-lookups-2011" / "LSOA11_to_WD19_to_LAD19_EW.csv", dtype=str)
    b11 = _read_boundaries(src, "2011")
    b21 = _read_boundaries(src, "2021")
    covered = set(b11["lad"]) | set(b21["lad"])
    lsoa = pd.DataFrame(
        {
            "code": ll["LSOACD"],
            "lat": ll["latitude"].astype(float).round(6),
            "lon": ll["longitude"].astype(float).round(6),
        }
    )
    lsoa = lsoa.merge(
        lk[["LSOA11CD", "LSOA11NM", "WD19CD", "LAD19CD"]].rename(
            columns={"LSOA11CD": "code", "LSOA11NM": "name", "WD19CD": "ward", "LAD19CD": "lad"}
        ),
        on="code",
        how="left",
    )
    names21 = dict(zip(b21["code"], b21["name"], strict=True))
    lsoa["name"] = lsoa["name"].fillna(lsoa["code"].map(names21))
    lsoa["in2011"] = lsoa["code"].isin(set(lk["LSOA11CD"]))
    in_cov = lsoa["lad"].isin(covered) | lsoa["code"].isin(set(b21["code"]))
    lsoa["in2021"] = ~lsoa["in2011"] | lsoa["code"].isin(set(b21["code"])) | ~in_cov
    lsoa["vintage_known"] = in_cov | ~lsoa["in2011"]
    msoa = _msoa(src)
    lsoa["msoa"] = _msoa_of(lsoa, msoa)
    lsoa.sort_values("code").to_csv(OUT / "lsoa.csv.gz", index=False, compression=GZIP)
    msoa.to_csv(OUT / "msoa.csv.gz", index=False, compression=GZIP)

    wards = lk[["WD19CD", "WD19NM", "LAD19CD"]].drop_duplicates("WD19CD")
    wards.sort_values("WD19CD").to_csv(OUT / "wards.csv.gz", index=False, compression=GZIP)
    lad = pd.read_csv(src / "ons-lookups-2011" / "LAD19_to_CSP19_to_PFA19_EW.csv", dtype=str)
    lad.drop(columns=["FID"]).to_csv(OUT / "lad_csp_pfa.csv.gz", index=False, compression=GZIP)

    both = pd.concat([b11, b21], ignore_index=True)
    both["wkt"] = [shapely.to_wkt(g, rounding_precision=6, trim=True) for g in both["geometry"]]
    both[["code", "vintage", "lad", "wkt"]].to_csv(
        OUT / "boundaries.csv.gz", index=False, compression=GZIP
    )
    _overlaps(b11, b21).to_csv(OUT / "overlaps.csv.gz", index=False, compression=GZIP)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
