"""Budgets (anggaran) of part of the demo innovations, for the value-for-money section.

Drawn from their own random stream, after every other table, so adding them changed nothing
else. A share of the units with a launched innovation (``CitySpec.budget_share``) recorded the
budgets of all their launched innovations; the others recorded none, so the report has units
whose budget is missing. An innovation is budgeted every year from its launch to its end (or
the last demo year): a base amount ~ lognormal around ``budget_median_rp`` (sd of the log 0.7),
times U(0.8, 1.2) each year, rounded to Rp 1 juta.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis.demo._catalog import CitySpec

LAST_YEAR = 2024


def simulate_budgets(
    rng: np.random.Generator, innovations: pd.DataFrame, city: CitySpec
) -> tuple[pd.DataFrame, dict]:
    """The ``innovation_budgets`` table and its truth (which units recorded budgets, totals)."""
    launched = innovations.dropna(subset=["launched_on"])
    agencies = sorted(launched["agency_id"].unique())
    recorded = [a for a in agencies if rng.random() < city.budget_share]
    rows = []
    for inv in launched[launched["agency_id"].isin(recorded)].itertuples(index=False):
        start = pd.Timestamp(inv.launched_on).year
        stop = LAST_YEAR if pd.isna(inv.discontinued_on) else pd.Timestamp(inv.discontinued_on).year
        base = float(np.exp(rng.normal(np.log(city.budget_median_rp), 0.7)))
        for year in range(start, stop + 1):
            amount = round(base * rng.uniform(0.8, 1.2) / 1e6) * 1e6
            rows.append((inv.innovation_id, year, float(amount)))
    table = pd.DataFrame(rows, columns=["innovation_id", "year", "budget_rp"])
    table = table.sort_values(["innovation_id", "year"], kind="stable").reset_index(drop=True)
    owner = innovations.set_index("innovation_id")["agency_id"]
    first = launched.groupby("agency_id")["launched_on"].min().map(lambda d: pd.Timestamp(d).year)
    per_agency = table.assign(agency_id=table["innovation_id"].map(owner))
    per_agency = per_agency[per_agency["year"] >= per_agency["agency_id"].map(first)]
    totals = per_agency.groupby("agency_id")["budget_rp"].sum()
    truth = {
        "rule": "a share of the units with a launched innovation recorded the budgets of all "
        "their launched innovations (every year from launch to discontinuation or 2024); the "
        "others recorded none",
        "share_of_units": city.budget_share,
        "median_rp_per_innovation_year": city.budget_median_rp,
        "units_with_budgets": recorded,
        "units_without_budgets": [a for a in agencies if a not in recorded],
        "total_rp_from_first_launch_year_to_2024": {a: float(totals[a]) for a in recorded},
    }
    return table, truth
