"""The "capture or dead city" indicators: sector shares and LQs, population and income ratios."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.metrics.regional import _require_columns, location_quotient

__all__ = ["capture_indicators", "indicator_trends"]


def _reference(r: pd.DataFrame) -> pd.DataFrame:
    """Province totals per year (the ``provinsi`` rows, else the sum of the kab/kota)."""
    prov = r.loc[r["kind"] == "provinsi"]
    source = r.loc[r["kind"] != "provinsi"] if prov.empty else prov
    return source.groupby("year")[["pdrb_adhk", "population"]].sum()


def capture_indicators(
    regions: pd.DataFrame,
    sectors: pd.DataFrame | None,
    *,
    satellite: str,
    years: list[int],
    capture_sectors: Mapping[str, Sequence[str]],
    tolerance: float,
) -> pd.DataFrame:
    """Per year: the satellite's population and per-capita PDRB relative to the province, and
    (with ``sectors``) the share and LQ of each capture group.

    Returns
    -------
    DataFrame
        ``year, population_ratio, per_capita_ratio[, share_<group>, lq_<group> …]``.

    Raises
    ------
    DataValidationError
        Sector rows missing for the satellite in some year, or sectors that do not add up
        to the region's PDRB within ``tolerance``.
    """
    r = regions.loc[regions["year"].isin(years)]
    ref = _reference(r)
    sat = r.loc[r["region_code"] == satellite].set_index("year")
    out = pd.DataFrame({"year": years})
    out["population_ratio"] = out["year"].map(sat["population"] / ref["population"])
    pc_sat = sat["pdrb_adhk"] / sat["population"]
    pc_ref = ref["pdrb_adhk"] / ref["population"]
    out["per_capita_ratio"] = out["year"].map(pc_sat / pc_ref)
    if sectors is None:
        return out
    _require_columns(sectors, ["region_code", "year", "sector", "pdrb_adhk"], "pdrb_sectors")
    s = sectors.loc[:, ["region_code", "year", "sector", "pdrb_adhk"]].copy()
    s["region_code"] = s["region_code"].astype("str")
    s["year"] = pd.to_numeric(s["year"]).astype(int)
    s = s.loc[s["year"].isin(years)]
    kinds = regions.drop_duplicates("region_code").set_index("region_code")["kind"]
    s["kind"] = s["region_code"].map(kinds).fillna("kota")
    group_of = {code: g for g, codes in capture_sectors.items() for code in codes}
    s["group"] = s["sector"].astype("str").map(group_of).fillna("other")
    sat_years = sorted(set(s.loc[s["region_code"] == satellite, "year"]))
    missing = sorted(set(years) - set(sat_years))
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"pdrb_sectors has no rows for the satellite {satellite!r} in year(s) "
                    f"{missing}",
                    column="year",
                )
            ]
        )
    grouped = s.groupby(["region_code", "kind", "year", "group"], as_index=False)["pdrb_adhk"].sum()
    sat_s = grouped.loc[grouped["region_code"] == satellite]
    shares = sat_s.assign(
        share=sat_s["pdrb_adhk"] / sat_s.groupby("year")["pdrb_adhk"].transform("sum")
    ).pivot_table(index="year", columns="group", values="share", aggfunc="sum")
    # the sectors of every region-year must add up to its PDRB in the regions table
    totals = r.loc[:, ["region_code", "kind", "year", "pdrb_adhk"]]
    lq = location_quotient(
        grouped,
        region="region_code",
        sector="group",
        value="pdrb_adhk",
        regions=satellite,
        totals=totals,
        tolerance=tolerance,
    ).pivot_table(index="year", columns="group", values="lq", aggfunc="sum")
    for g in capture_sectors:
        out[f"share_{g}"] = out["year"].map(shares[g]) if g in shares else 0.0
        out[f"lq_{g}"] = out["year"].map(lq[g]) if g in lq else 0.0
    return out


def indicator_trends(indicators: pd.DataFrame, first_post_year: int) -> pd.DataFrame:
    """Mean before and from ``first_post_year``, their change and the linear trend per year.

    Returns
    -------
    DataFrame
        ``indicator, mean_pre, mean_post, change, slope_per_year``.
    """
    rows = []
    pre = indicators["year"] < first_post_year
    for c in indicators.columns.drop("year"):
        v = indicators[c].astype(float)
        slope = float(np.polyfit(indicators["year"], v, 1)[0]) if v.notna().sum() >= 2 else np.nan
        rows.append(
            {
                "indicator": c,
                "mean_pre": float(v[pre].mean()),
                "mean_post": float(v[~pre].mean()),
                "change": float(v[~pre].mean() - v[pre].mean()),
                "slope_per_year": slope,
            }
        )
    return pd.DataFrame(rows)
