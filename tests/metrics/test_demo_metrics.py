"""The metrics on the shipped demo study, checked against its planted truth (data/demo/truth.json)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.metrics import (
    innovation_coverage,
    innovation_flow,
    innovation_funnel,
    plot_element_heatmap,
    plot_ikm,
    readiness_index,
    skm_index,
)


@pytest.fixture(scope="module")
def demo(request, demo_dir):
    study = request.getfixturevalue("demo_study")
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))
    return study, truth


def test_leadership_scores_match_the_planted_ones(demo):
    study, truth = demo
    lead = truth["leadership"]
    out = readiness_index(study.readiness)
    assert out["note"].isna().all()
    first_launch = study.innovations.groupby("agency_id")["launched_on"].min()
    for agency, score in lead["scores"].items():
        rows = out[out["agency_id"] == agency].sort_values("assessed_on")
        launch = first_launch.get(agency, pd.NaT)
        before = rows[rows["assessed_on"] <= launch] if pd.notna(launch) else rows.iloc[0:0]
        chosen = before.iloc[-1] if len(before) else rows.iloc[0]
        # the rubric scale is 1-5: normalised = (score - 1) / 4 x 100
        assert chosen["leadership_commitment"] == pytest.approx((score - 1) / 4 * 100), agency


def test_agencies_with_innovations_are_the_treated_ones(demo):
    study, truth = demo
    effects = truth["agency_effects"]
    cov = innovation_coverage(study.innovations, study.agencies, years=[2024])
    n_treated = truth["ikm"]["n_treated_agencies"]
    assert cov.loc[0, "n_agencies"] == n_treated + truth["ikm"]["n_never_treated_agencies"]
    # a unit without an innovation active in 2024 is never-treated or lost all its innovations
    without = set(cov.loc[0, "agencies_without"])
    launched = study.innovations.dropna(subset=["launched_on"])
    assert set(launched["agency_id"]) == set(effects)
    lost = {
        a
        for a, g in launched.groupby("agency_id")
        if g["discontinued_on"].notna().all() and (g["discontinued_on"] < "2024-01-01").all()
    }
    assert without == (set(study.agencies["agency_id"]) - set(effects)) | lost
    # first launches per agency are the planted ones
    first = launched.groupby("agency_id")["launched_on"].min().dt.strftime("%Y-%m-%d")
    assert first.to_dict() == {a: e["first_launch"] for a, e in effects.items()}
    # flow: launches per year add up to the launched innovations
    flow = innovation_flow(study.innovations)
    assert flow["launched"].sum() == len(launched)
    funnel = innovation_funnel(study.innovations)
    assert funnel.loc[0, "n_reached"] == len(study.innovations)


def test_skm_by_agency_and_year_with_plots(demo):
    study, _ = demo
    resp = study.skm_responses.assign(year=study.skm_responses["survey_date"].dt.year)
    last = resp[resp["year"] == resp["year"].max()]
    r = skm_index(last, by="agency_id", bootstrap=200, seed=7)
    assert (r["ikm_ci_lower"] <= r["ikm_unrounded"]).all() and (
        r["ikm_unrounded"] <= r["ikm_ci_upper"]
    ).all()
    ax = plot_ikm(r, language="en")
    assert len(ax.get_yticklabels()) == len(r)
    ax = plot_element_heatmap(r)
    assert ax.collections[0].get_array().size == len(r) * 9
    # weighted and unweighted differ but both stay on the scale
    rw = skm_index(last, by="agency_id", sample_weight="weight")
    assert np.all((rw["ikm"] >= 25) & (rw["ikm"] <= 100))
