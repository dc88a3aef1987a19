"""Aggregate the planted unit-period effects into the quantities estimators report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis.demo._agency import N_PERIODS, period_start


def _r(x: float) -> float:
    return round(float(x), 6)


def effect_truth(cells: pd.DataFrame, column: str, planted: dict[int, float], years: dict) -> dict:
    """Cohort, event-time and overall aggregates of the planted effect ``column``.

    ``cells`` has one row per existing agency-semester with ``agency_id, p, g``
    (``g`` NaN when never treated) and the planted effect. Period indices in the
    output are 1-based, as in :func:`innolab_analysis.studies.panel.agency_panel`.
    """
    treated = cells[cells["g"].notna()].copy()
    treated["g"] = treated["g"].astype(int)
    n_obs = cells.groupby("agency_id")["p"].size()
    balanced = set(n_obs[n_obs == N_PERIODS].index)
    post = treated[treated["p"] >= treated["g"]]
    att_gt = post.groupby(["g", "p"])[column].mean()
    sizes = treated.groupby("g")["agency_id"].nunique()

    cohorts = []
    for g, n_g in sizes.items():
        cell = att_gt.loc[g]
        members = sorted(treated.loc[treated["g"] == g, "agency_id"].unique())
        launch_years = sorted({years[a] for a in members})
        cohorts.append(
            {
                "cohort_index": int(g) + 1,
                "cohort_period": period_start(int(g)).strftime("%Y-%m-%d"),
                "launch_years": launch_years,
                "agencies": members,
                "n_agencies": int(n_g),
                "planted_full_effect_at_mean_leadership": [planted[y] for y in launch_years],
                "att_post_mean": _r(cell.mean()),
                "n_post_periods": int(len(cell)),
                "att_by_event_time": {str(int(p - g)): _r(v) for p, v in cell.items()},
            }
        )
    w = att_gt.reset_index().merge(sizes.rename("n_g"), left_on="g", right_index=True)
    simple = np.average(w[column], weights=w["n_g"])
    group = np.average(
        [c["att_post_mean"] for c in cohorts], weights=[c["n_agencies"] for c in cohorts]
    )
    w["e"] = w["p"] - w["g"]
    dynamic = {str(int(e)): _r(np.average(d[column], weights=d["n_g"])) for e, d in w.groupby("e")}
    post_bal = post[post["agency_id"].isin(balanced)]
    simple_bal = post_bal.groupby(["g", "p"])[column].mean().reset_index()
    sizes_bal = post_bal.groupby("g")["agency_id"].nunique().rename("n_g")
    simple_bal = simple_bal.merge(sizes_bal, left_on="g", right_index=True)
    return {
        "att_simple": _r(simple),
        "att_simple_balanced_units_only": _r(
            np.average(simple_bal[column], weights=simple_bal["n_g"])
        ),
        "att_group": _r(group),
        "att_by_event_time": dynamic,
        "att_pre_periods": 0.0,
        "n_treated_agencies": int(sizes.sum()),
        "n_never_treated_agencies": int(cells.loc[cells["g"].isna(), "agency_id"].nunique()),
        "n_treated_post_cells": int(len(post)),
        "unbalanced_agencies": sorted(set(n_obs.index) - balanced),
        "cohorts": cohorts,
    }


def yearly_truth(cells: pd.DataFrame, column: str, weights: pd.Series | None) -> dict:
    """ATT (simple) of the yearly panel: cell effect = (weighted) mean of its semesters."""
    c = cells.copy()
    c["year"] = 2015 + c["p"] // 2
    c["w"] = 1.0 if weights is None else weights.to_numpy()
    c["wx"] = c["w"] * c[column]
    y = c.groupby(["agency_id", "year"]).agg(wx=("wx", "sum"), w=("w", "sum"), g=("g", "first"))
    y["effect"] = y["wx"] / y["w"]
    y = y.reset_index()
    y = y[y["g"].notna()]
    y["cohort_year"] = 2015 + y["g"].astype(int) // 2
    post = y[y["year"] >= y["cohort_year"]]
    return {"att_simple": _r(post["effect"].mean()), "n_treated_post_cells": int(len(post))}
