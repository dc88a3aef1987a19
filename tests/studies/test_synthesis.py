"""A study's comparative synthesis: its own results only, keyed by (study, unit), one scale at a time."""

from __future__ import annotations

import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from innolab_analysis.errors import DataValidationError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.metrics.skm import skm_index
from innolab_analysis.studies.effects import collect_effects, record_effects
from innolab_analysis.studies.synthesis import comparative_synthesis, reconcile_designs
from innolab_analysis.studies.synthesis.example import _study, example_effects
from innolab_analysis.studies.synthesis.inputs import ikm_levels


@pytest.fixture(scope="module")
def mojokerto():
    return comparative_synthesis(
        _study("mojokerto"), example_effects("mojokerto"), study_id="mojokerto", n_draws=500,
        seed=1,
    )  # fmt: skip


@pytest.fixture(scope="module")
def truth(repo_root):
    return json.loads((repo_root / "data" / "demo" / "truth.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory):
    """A reports folder where Kota Mojokerto and Kota Pasuruan both recorded their results."""
    root = tmp_path_factory.mktemp("reports")
    rows = example_effects()
    for (study, notebook), grp in rows.groupby(["study", "notebook"]):
        record_effects(grp[list(EFFECT_COLUMNS)], root / study, notebook=notebook)
    return root


def test_a_study_reads_only_its_own_results_and_rsud_keeps_its_city(two_cities):
    # both cities have a unit 'rsud'; Pasuruan's synthesis must show Pasuruan's number
    both = collect_effects(two_cities)
    rsud = both[(both["unit"] == "rsud") & (both["method"] == "did_imputation")]
    assert sorted(rsud["study"]) == ["mojokerto", "pasuruan_demo"]
    own = rsud.set_index("study")["estimate"]
    assert own["mojokerto"] != own["pasuruan_demo"]

    effects = collect_effects(two_cities, studies=["pasuruan_demo"])
    assert set(effects["study"]) == {"pasuruan_demo"}
    res = comparative_synthesis(
        _study("pasuruan_demo"), effects, study_id="pasuruan_demo", n_draws=500, seed=1
    )
    table = res.primary.table.set_index("unit")
    assert table.loc["rsud", "label"] == "RSUD dr. R. Soedarsono Kota Pasuruan"
    assert table.loc["rsud", "estimate"] == pytest.approx(own["pasuruan_demo"])
    assert set(table["study"]) == {"pasuruan_demo"}
    treated = _study("pasuruan_demo").innovations.dropna(subset=["launched_on"])
    assert res.primary.k == treated["agency_id"].nunique() == 9  # Pasuruan's own, not 25
    assert res.city == "Kota Pasuruan"
    scope = res.markdown("scope", "en")
    assert "This synthesis uses the results of the Kota Pasuruan study only: 39 numbers" in scope
    assert "Mojokerto" not in res.markdown("agencies", "en") + res.markdown("ranking", "en")


def test_rows_of_another_study_are_refused(two_cities):
    with pytest.raises(DataValidationError) as err:
        comparative_synthesis(_study("mojokerto"), collect_effects(two_cities),
                              study_id="mojokerto")  # fmt: skip
    assert str(err.value) == (
        "1 problem(s) in the input data:\n  - column 'study': the effect rows hold other "
        "studies (pasuruan_demo) besides 'mojokerto': a study's synthesis uses its own results "
        "only; collect them with collect_effects(reports, studies=['mojokerto']), and compare "
        "studies with a comparison file (kind: comparison)"
    )


def test_a_missing_study_is_named(two_cities):
    with pytest.raises(DataValidationError) as err:
        collect_effects(two_cities, studies=["mojokerto", "kota_batu"])
    assert str(err.value) == (
        "1 problem(s) in recorded effects:\n"
        f"  - {two_cities / 'kota_batu'}: no recorded results for study 'kota_batu' in "
        f"{two_cities / 'kota_batu' / 'effects'}; run its parameter file first (innolab run "
        "params/<study>.yaml)"
    )


def test_scales_are_never_mixed(mojokerto):
    designs = mojokerto.designs
    assert set(designs["scale"]) == {"ikm", "elasticity", "pdrb_adhk_growth"}
    fig, ax = plt.subplots()
    mojokerto.plot("designs", ax=ax, language="en")
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == [
        "Staggered DiD (Callaway–Sant'Anna) · all units",
        "TWFE (two-way fixed effects) · all units",
        "Interrupted time series · UPT Puskesmas Blooto",
    ]  # IKM points only: no elasticity on this axis
    assert ax.get_xlabel() == "Effect on IKM (95% CI)"


def test_standardised_effects_are_in_pre_period_sds_and_labelled(mojokerto):
    s = mojokerto.standardised
    sd = mojokerto.sd["ikm"]
    assert 2.0 < sd < 5.0
    did = mojokerto.designs.set_index("method").loc["staggered_did"]
    row = s[s["method"] == "staggered_did"].iloc[0]
    assert row["estimate"] == pytest.approx(did["estimate"] / sd)
    assert set(s["outcome"]) == {"ikm"}  # the elasticity and the PDRB gap are not standardised
    table = mojokerto.table("standardised", "en")
    assert table.caption == (
        "Standardised effects: in pre-period standard deviations of their outcome (positive = "
        "improvement)"
    )


def test_leadership_moderator_recovers_the_planted_slope(mojokerto, truth):
    reg = mojokerto.primary.moderators["leadership_commitment"]
    slope = reg.terms.iloc[0]
    planted = truth["ikm"]["moderation_slope_per_point"]  # 1.989 IKM points per rubric point
    assert slope["ci_lower"] < planted < slope["ci_upper"]
    assert mojokerto.primary.table["leadership_commitment"].notna().all()
    assert set(mojokerto.primary.moderators) == {
        "leadership_commitment", "readiness_index", "kind_group"
    }  # fmt: skip


def test_holm_and_benjamini_hochberg_on_the_agency_table(mojokerto):
    t = mojokerto.primary.table
    np.testing.assert_allclose(t["p_holm"], multipletests(t["p_value"], method="holm")[1])
    np.testing.assert_allclose(t["p_bh"], multipletests(t["p_value"], method="fdr_bh")[1])
    text = mojokerto.markdown("testing", "en")
    raw, holm, bh = ((t[c] < 0.05).sum() for c in ("p_value", "p_holm", "p_bh"))
    assert (
        f"At 5%, {raw} effects are significant without adjustment, {holm} after Holm's "
        f"adjustment" in text
    )
    assert f"and {bh} after Benjamini–Hochberg" in text


def test_cost_per_ikm_point_and_missing_budgets(mojokerto, truth):
    v = mojokerto.value.set_index("unit")
    totals = truth["budgets"]["total_rp_from_first_launch_year_to_2024"]
    effects = mojokerto.primary.table.set_index("unit")
    for unit, total in totals.items():
        assert v.loc[unit, "budget_rp"] == total
        est, lo, hi = effects.loc[unit, ["estimate", "ci_lower", "ci_upper"]]
        if est > 0:
            assert v.loc[unit, "per_point"] == pytest.approx(total / est)
            assert v.loc[unit, "per_point_lower"] == pytest.approx(total / hi)
            expected = total / lo if lo > 0 else np.inf
            assert v.loc[unit, "per_point_upper"] == pytest.approx(expected)
    missing = [u for u in truth["budgets"]["units_without_budgets"] if u in effects.index]
    assert not v.loc[missing, "complete"].any() and v.loc[missing, "budget_rp"].isna().all()
    text = mojokerto.markdown("value", "en")
    assert f"Budgets are recorded in full for {len(totals)} of {len(v)} units." in text
    assert (
        f"Budgets are missing or incomplete for {len(missing)} units (marked — in the table)"
        in text
    )
    assert mojokerto.table("value", "en").to_frame().iloc[:, 1].eq("—").sum() == len(missing)
    assert "so the cost per day saved is not available" in text


def test_ikm_levels_match_skm_index_and_their_se_the_bootstrap(demo_study):
    levels, year = ikm_levels(demo_study, "mojokerto")
    assert year == 2024 and len(levels) == 31
    skm = demo_study.skm_responses
    sub = skm[skm["survey_date"].dt.year == 2024]
    small = sub[sub["agency_id"].isin(["rsud", "kel_miji"])]
    idx = skm_index(small, by="agency_id", bootstrap=400, seed=3).set_index("agency_id")
    mine = levels.set_index("unit")
    for unit in ("rsud", "kel_miji"):
        assert mine.loc[unit, "ikm"] == pytest.approx(idx.loc[unit, "ikm"], abs=0.005)
        boot_se = (idx.loc[unit, "ikm_ci_upper"] - idx.loc[unit, "ikm_ci_lower"]) / (2 * 1.96)
        assert mine.loc[unit, "std_error"] == pytest.approx(boot_se, rel=0.2)


def test_ranking_section_speaks_plainly_about_sets_and_shrinkage(mojokerto):
    text = mojokerto.markdown("ranking", "en")
    assert "Rank confidence sets (90%; Mogstad, Romano, Shaikh and Wilhelm 2024)" in text
    assert "Empirical-Bayes estimates pull every unit's number toward the mean" in text
    top = mojokerto.primary.ranks.statements()["top"]
    if top:
        assert "are among the top" in text or "is among the top" in text
    levels = mojokerto.markdown("levels", "id")
    assert "Unit dengan responden paling sedikit, Kelurahan Surodinawan" in levels


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_codes_or_missing_numbers_reach_the_reader(mojokerto, language):
    text = "\n".join(mojokerto.markdown(s, language) for s in mojokerto.SECTIONS)
    ids = set(_study("mojokerto").agencies["agency_id"])
    assert not [w for w in re.findall(r"[a-z0-9_]+", text) if w in ids and "_" in w]
    assert not re.search(r"\b(nan|inf|NaN)\b", text)
    if language == "id":
        assert not re.search(r"\d\.\d{1,2}\b(?!\d)", re.sub(r"\d{1,3}(\.\d{3})+", "", text))
    for name in mojokerto.TABLES:
        cells = mojokerto.table(name, language).to_frame().to_numpy().ravel()
        assert not [c for c in cells if str(c) in ids], name


def test_without_results_the_synthesis_says_so(demo_study):
    empty = pd.DataFrame(columns=["run", "notebook", *EFFECT_COLUMNS])
    res = comparative_synthesis(demo_study, empty, study_id="mojokerto", n_draws=200)
    assert res.primary is None and res.effect_rows("mojokerto").empty
    assert res.markdown("scope", "en").endswith(
        "the innovation impact). The parts that use only the study's data (the ranking of the "
        "units' IKM) are still shown.\n"
    )
    keys = [f.key for f in res.findings("en")]
    assert keys == ["scope", "ikm_levels"]


def test_reconciliation_flags_disagreeing_designs():
    rows = pd.DataFrame(
        {"study": "s", "unit": ["all", "all", "a"], "label": "", "outcome": "ikm",
         "scale": "ikm", "method": ["staggered_did", "twfe", "twfe"],
         "estimate": [4.0, -1.0, 1.0], "std_error": [0.5, 0.5, 1.0],
         "ci_lower": [3.0, -2.0, -1.0], "ci_upper": [5.0, 0.0, 3.0]}
    )  # fmt: skip
    rec = reconcile_designs(rows)
    assert len(rec) == 1
    r = rec.iloc[0]
    assert (r["design_a"], r["design_b"]) == ("staggered_did", "twfe")
    assert r["difference"] == pytest.approx(5.0)
    assert r["z"] == pytest.approx(5.0 / np.hypot(0.5, 0.5))
    assert not r["intervals_overlap"] and r["disagree"]


def test_summary_and_effect_rows_record_the_pooled_effect(mojokerto):
    rows = mojokerto.effect_rows("mojokerto")
    assert rows[["unit", "outcome", "term", "method"]].values.tolist() == [
        ["all", "ikm", "pooled", "random_effects_reml"]
    ]
    assert rows["estimate"].iloc[0] == pytest.approx(mojokerto.primary.pooled.estimate)


def test_every_outcome_a_study_records_has_a_name_and_an_unknown_one_fails(mojokerto):
    from innolab_analysis.l10n import CatalogError
    from innolab_analysis.studies.portfolio.compute import Portfolio
    from innolab_analysis.studies.synthesis.text import outcome_name

    codes = set(Portfolio._example().effect_rows("mojokerto")["outcome"]) | set(
        mojokerto.effects["scale"]
    )
    assert {"oaoi_coverage_pct", "days_to_launch", "ikm", "elasticity"} <= codes
    for language in ("id", "en"):
        names = {c: outcome_name(c, language) for c in codes}
        assert not [n for n in names.values() if "_" in n], names
    assert outcome_name("survival_3y_pct", "id") == (
        "inovasi yang masih berjalan 3 tahun sesudah penerapan (%)"
    )
    with pytest.raises(CatalogError):
        outcome_name("waiting_minutes", "en")


def test_headline_cost_column_and_agreement_read_as_a_reader_needs(mojokerto):
    assert [f.key for f in mojokerto.findings("en")][:2] == ["pooled_effect", "design_effect"]
    assert mojokerto.findings("en")[0].text.startswith(
        "Measured unit by unit, the innovations changed the IKM of the units that adopted them"
    )
    value = mojokerto.table("value", "en")  # no per-unit day effects: no column of dashes
    assert list(value.columns.values()) == [
        "Unit", "Budget (Rp million)", "Cost per IKM point", "95% CI of the cost per point"
    ]  # fmt: skip
    assert value.caption == "Cost per IKM point (Rp million)"
    assert mojokerto.markdown("reconciliation", "en").startswith(
        "## Do the designs agree\n\nOne pair of designs estimates the same outcome for the same "
        "unit, and the two agree: their intervals overlap and their signs do not differ "
        "significantly.\n"
    )
