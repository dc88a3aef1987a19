"""The Surabaya spillover study: planted truths, equivalences, inference, errors, its report."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.estimators.growth_linkage import growth_linkage
from innolab_analysis.studies.spillover import (
    GERBANGKERTOSUSILA,
    LABINOV_KICKOFF,
    TOL_SUMO_SECTIONS,
    SpilloverResult,
    regional_context,
    simulate_spillover_panel,
    spillover_study,
)


@pytest.fixture(scope="module")
def sim():
    return simulate_spillover_panel(seed=11)


@pytest.fixture(scope="module")
def sim_result(sim):
    panel, sectors, _ = sim
    return spillover_study(panel, sectors=sectors, synth=False)


@pytest.fixture(scope="module")
def demo(demo_dir):
    from innolab_analysis.data.study import load_study

    truth = json.loads((demo_dir / "truth.json").read_text())["regional"]
    return load_study(demo_dir), truth


@pytest.fixture(scope="module")
def demo_result():
    return SpilloverResult._example()


def _terms(res) -> pd.DataFrame:
    return res.terms.set_index("term")


# --------------------------------------------------------------------------- constants
def test_constants_follow_domain_facts():
    assert set(GERBANGKERTOSUSILA) == {"3525", "3526", "3516", "3576", "3578", "3515", "3524"}
    assert GERBANGKERTOSUSILA["3576"] == "Kota Mojokerto"
    assert LABINOV_KICKOFF == date(2018, 4, 2)
    opened = {s.section: s.opened for s in TOL_SUMO_SECTIONS}
    assert opened["IV"] == date(2016, 3, 19)
    assert opened["III"] == date(2017, 12, 19)
    assert sum(s.km for s in TOL_SUMO_SECTIONS) == pytest.approx(36.27)


# --------------------------------------------------------------------------- planted truths
@pytest.mark.parametrize("covid", ["dummy", "none"])
def test_demo_planted_elasticities_inside_intervals(demo, covid):
    study, truth = demo
    res = spillover_study(study, covid=covid, synth=False)
    t = _terms(res)
    planted = {
        "elasticity_before": truth["elasticity_before"],  # 0.45
        "elasticity_after": truth["elasticity_after"],  # 0.80
        "elasticity_change": truth["elasticity_after"] - truth["elasticity_before"],
    }
    for term, value in planted.items():
        assert t.loc[term, "ci_lower"] <= value <= t.loc[term, "ci_upper"], (term, covid)
    assert res.first_post_year == truth["break_year"] == 2018


def test_demo_numbers_are_the_published_ones(demo_result):
    # the headline of the demo report: 0.28 before, 0.68 after, change 0.41 [0.05, 0.76]
    t = _terms(demo_result)
    assert t.loc["elasticity_before", "estimate"] == pytest.approx(0.276832, abs=1e-6)
    assert t.loc["elasticity_after", "estimate"] == pytest.approx(0.682585, abs=1e-6)
    change = t.loc["elasticity_change"]
    assert change["estimate"] == pytest.approx(0.405753, abs=1e-6)
    assert (change["ci_lower"], change["ci_upper"]) == pytest.approx((0.054352, 0.757154), abs=1e-6)
    assert change["p_value"] == pytest.approx(0.028176, abs=1e-6)
    assert t.loc["sc_gap", "estimate"] == pytest.approx(-1.40105, abs=1e-5)
    assert t.loc["sc_gap", "p_value"] == pytest.approx(0.125)
    assert demo_result.gravity_ratio == pytest.approx(6.514353, abs=1e-6)


def test_demo_equals_separate_regressions_published_in_truth(demo):
    # the interacted model without a COVID dummy = separate OLS before and after; the demo
    # generator wrote those slopes (computed on the generated series) into truth.json
    study, truth = demo
    res = spillover_study(study, covid="none", synth=False)
    t = _terms(res)["estimate"]
    ols = truth["ols_on_generated_series"]
    # truth.json's slopes are on the unrounded growth series; regions.csv rounds PDRB to
    # 0.01 Rp miliar, which moves the growth rates (hence the slopes) in the 5th decimal
    assert t["elasticity_before"] == pytest.approx(ols["before"]["elasticity"], abs=2e-4)
    assert t["elasticity_after"] == pytest.approx(ols["after"]["elasticity"], abs=2e-4)
    g = res.linkage.data.set_index("time")
    published = pd.Series(truth["growth_kota_mojokerto"]).rename(index=int)
    np.testing.assert_allclose(g["outcome"], published.reindex(g.index), atol=0.006)


def test_interacted_model_equals_separate_regressions(sim):
    panel, _, _ = sim
    res = spillover_study(panel, covid="none", synth=False)
    d, t = res.linkage.data, _terms(res)["estimate"]
    pre, post = d.loc[~d["post"]], d.loc[d["post"]]
    assert t["elasticity_before"] == pytest.approx(
        np.polyfit(pre["driver"], pre["outcome"], 1)[0], abs=1e-10
    )
    assert t["elasticity_after"] == pytest.approx(
        np.polyfit(post["driver"], post["outcome"], 1)[0], abs=1e-10
    )


def test_demo_full_study_with_synthetic_control(demo):
    study, _ = demo
    res = spillover_study(study)
    # the donor pool leaves out Gerbangkertosusila and the province
    assert not set(res.donors) & set(GERBANGKERTOSUSILA)
    assert "3500" not in res.donors and len(res.donors) == 38 - 7
    assert res.synth is not None and res.synth_status == "ok"
    sc = _terms(res).loc["sc_gap"]
    assert sc["estimate"] == pytest.approx(res.synth.estimate)
    assert 0 < sc["p_value"] <= 1
    codes = [d.code for d in res.diagnostics]
    assert {"confounder_labinov", "partial_treatment_2016", "covid_shock"} <= set(codes)
    # the estimator's interpolation note is restated with the study's donors and years
    assert codes.count("interpolation") == 1 and "no_standard_error" not in codes
    for kind in res.PLOT_KINDS:
        assert res.plot(kind, language="id").get_xlabel()
    # 31 donors for 8 pre-event years: the fit interpolates, the interval is unbounded and the
    # report says so next to the (near-zero) pre-event RMSPE
    assert res.synth.pre_rmspe < 0.01
    assert np.isinf(sc["ci_lower"]) and np.isinf(sc["ci_upper"])
    assert "interpolates noise" in res.markdown("synth", "en")
    assert "menginterpolasi derau" in res.markdown("synth", "id")


def test_simulated_planted_elasticities_inside_intervals(sim_result):
    t = _terms(sim_result)
    for term, value in (
        ("elasticity_before", 0.4),
        ("elasticity_after", 0.9),
        ("elasticity_change", 0.5),
    ):
        assert t.loc[term, "ci_lower"] <= value <= t.loc[term, "ci_upper"], term
    assert sim_result.linkage.estimate == t.loc["elasticity_change", "estimate"]


@pytest.mark.slow
def test_interval_coverage_over_seeds():
    # 40 seeded panels (T = 14 growth years): the default hac_max intervals cover the planted
    # slopes near the nominal 95 %, Newey–West alone does not (the reason for the default)
    hits = {"hac_max": [], "hac": []}
    for seed in range(40):
        panel, _, truth = simulate_spillover_panel(seed=seed, n_other=1, with_sectors=False)
        for se in hits:
            t = _terms(spillover_study(panel, synth=False, se=se))
            lo, hi = t.loc["elasticity_after", ["ci_lower", "ci_upper"]]
            hits[se].append(lo <= truth["elasticity_after"] <= hi)
    assert np.mean(hits["hac_max"]) >= 0.88
    assert np.mean(hits["hac"]) < np.mean(hits["hac_max"])


# --------------------------------------------------------------------------- inference
def test_standard_errors_follow_the_shared_rule(sim):
    # se="hac" is Newey–West as statsmodels computes it (no small-sample factor), as in the ITS;
    # "hac_max" is per term the larger of the corrected Newey–West and the OLS standard error
    panel, _, _ = sim
    by_rule = {
        se: spillover_study(panel, synth=False, se=se, covid="none")
        for se in ("hac", "hac_max", "ols")
    }
    d = by_rule["hac"].linkage.data
    X = np.column_stack([np.ones(len(d)), d["driver"], d["post"], d["driver"] * d["post"]])
    y = d["outcome"].to_numpy(float)
    hac = sm.OLS(y, X.astype(float)).fit(cov_type="HAC", cov_kwds={"maxlags": 2}).cov_params()
    ols = sm.OLS(y, X.astype(float)).fit().cov_params()
    n, k = X.shape
    after = np.array([0, 1, 0, 1.0])
    for term, c in (
        ("elasticity_before", np.eye(4)[1]),
        ("elasticity_change", np.eye(4)[3]),
        ("elasticity_after", after),
    ):
        se = {rule: _terms(r).loc[term, "std_error"] for rule, r in by_rule.items()}
        assert se["hac"] == pytest.approx(np.sqrt(c @ hac @ c), rel=1e-10)
        assert se["ols"] == pytest.approx(np.sqrt(c @ ols @ c), rel=1e-10)
        assert se["hac_max"] == pytest.approx(
            max(np.sqrt(c @ hac @ c * n / (n - k)), np.sqrt(c @ ols @ c)), rel=1e-10
        )
    assert by_rule["hac"].linkage.hac_lags == 2
    # the study passes its series to the public estimator unchanged
    direct = growth_linkage(d, outcome="outcome", driver="driver", time="time", event=2018)
    pd.testing.assert_frame_equal(direct.terms, by_rule["hac_max"].linkage.terms)


def test_covid_dummy_equals_dropping_2020(sim):
    # a dummy for one observation fits it exactly, so the slopes equal those without the year
    panel, _, _ = sim
    dummy = _terms(spillover_study(panel, synth=False, covid="dummy", se="ols"))
    excl = _terms(spillover_study(panel, synth=False, covid="exclude", se="ols"))
    for term in ("elasticity_before", "elasticity_after", "elasticity_change"):
        assert dummy.loc[term, "estimate"] == pytest.approx(excl.loc[term, "estimate"], abs=1e-10)
        assert dummy.loc[term, "std_error"] == pytest.approx(excl.loc[term, "std_error"], rel=1e-8)
    assert "covid_2020" in dummy.index and "covid_2020" not in excl.index


def test_event_year_rule(sim):
    panel, _, _ = sim
    # before 1 July → that year is post; after → the next year
    assert spillover_study(panel, synth=False, event="2016-03-19").first_post_year == 2016
    assert spillover_study(panel, synth=False, event="2017-12-19").first_post_year == 2018
    assert spillover_study(panel, synth=False, event=2019).first_post_year == 2019


# --------------------------------------------------------------------------- other evidence
def test_gravity_ratio_by_hand(sim, sim_result):
    panel, _, _ = sim
    # I = P_core·P_sat/tt²; tt 120 before 2018, 45 from 2018
    pop = panel.pivot_table(index="year", columns="region_code", values="population")
    inter = pop["3578"] * pop["3576"] / np.where(pop.index >= 2018, 45.0, 120.0) ** 2
    expected = inter[inter.index >= 2018].mean() / inter[inter.index < 2018].mean()
    assert sim_result.gravity_ratio == pytest.approx(expected)
    assert sim_result.gravity["interaction"].to_numpy() == pytest.approx(inter.to_numpy())


def test_capture_indicators_by_hand(sim, sim_result):
    panel, sectors, _ = sim
    s = sectors.loc[(sectors["region_code"] == "3576") & (sectors["year"] == 2015)]
    share_g = s.loc[s["sector"] == "G", "pdrb_adhk"].sum() / s["pdrb_adhk"].sum()
    kk = sectors.loc[sectors["year"] == 2015]
    ref_g = kk.loc[kk["sector"] == "G", "pdrb_adhk"].sum() / kk["pdrb_adhk"].sum()
    row = sim_result.indicators.set_index("year").loc[2015]
    assert row["share_trade"] == pytest.approx(share_g)
    assert row["lq_trade"] == pytest.approx(share_g / ref_g)
    r = panel.loc[panel["year"] == 2015].set_index("region_code")
    assert row["population_ratio"] == pytest.approx(
        r.loc["3576", "population"] / r["population"].sum()
    )
    assert set(sim_result.trends["indicator"]) >= {"share_trade", "lq_services", "per_capita_ratio"}


def test_effect_rows_and_frozen(sim_result):
    rows = sim_result.effect_rows("surabaya_spillover")
    assert tuple(rows.columns) == EFFECT_COLUMNS
    assert rows["term"].tolist() == [
        "elasticity_change",
        "elasticity_before",
        "elasticity_after",
        "covid_2020",
    ]
    assert set(rows["level"]) == {"city"} and set(rows["unit"]) == {"3576"}
    assert set(rows["outcome"]) == {"pdrb_adhk_growth"} and set(rows["method"]) == {
        "growth_linkage"
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        sim_result.first_post_year = 2019


def test_demo_effect_rows_carry_the_synthetic_control(demo_result):
    rows = demo_result.effect_rows("mojokerto").set_index("term")
    assert rows.loc["sc_gap", "method"] == "synthetic_control"
    assert rows.loc["sc_gap", "n_obs"] == 32 * 15
    assert rows.loc["elasticity_change", "n_obs"] == 14


def test_donor_options(sim):
    panel, _, _ = sim
    default = spillover_study(panel, synth=False)
    assert not set(default.donors) & set(GERBANGKERTOSUSILA)
    with_gks = spillover_study(panel, synth=False, exclude_gerbangkertosusila=False)
    assert set(with_gks.donors) - set(default.donors) == set(GERBANGKERTOSUSILA) - {"3576", "3578"}
    chosen = spillover_study(panel, synth=False, donors=["3501", "3502", "3503"], exclude=["3502"])
    assert chosen.donors == ("3501", "3503")


def test_too_few_donors_is_said_in_the_report(sim):
    panel, sectors, _ = sim
    res = spillover_study(panel, sectors=sectors, donors=["3501"])
    assert res.synth is None and res.synth_status == "few_donors"
    assert not res.has_figure("synth")
    assert res.markdown("synth", "en") == (
        "## Synthetic control\n\nNo synthetic control: only 1 donor has complete data, too few "
        "for a synthetic control.\n"
    )
    assert [d.message.en for d in res.diagnostics if d.code == "synth_few_donors"] == [
        "Only 1 donor: the synthetic control was not run."
    ]


# --------------------------------------------------------------------------- errors
def test_unknown_satellite_lists_close_names(sim):
    panel, _, _ = sim
    with pytest.raises(DataValidationError) as err:
        spillover_study(panel, satellite="3567", synth=False)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'region_code': satellite '3567' is not in the regions data; did you mean "
        "'3578 Kota Surabaya', '3576 Kota Mojokerto', '3526 Kabupaten Bangkalan'?"
    )
    with pytest.raises(DataValidationError) as err:
        spillover_study(panel, core="Kota Surabya", synth=False)
    assert str(err.value).endswith(
        "core 'Kota Surabya' is not in the regions data; did you mean '3578 Kota Surabaya'?"
    )
    # exact names are accepted in place of codes
    assert spillover_study(panel, satellite="kota mojokerto", synth=False).satellite == "3576"


def test_event_outside_years(sim):
    panel, _, _ = sim
    with pytest.raises(DataValidationError) as err:
        spillover_study(panel, event="2030-01-01", synth=False)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': event 2030-01-01 (first post year 2030) is outside the usable years: "
        "the data cover 2010–2024, so the first post year must be in 2013–2023 (≥ 3 growth "
        "years before, ≥ 2 after)"
    )


def test_missing_years_named(sim):
    panel, _, _ = sim
    gap = panel.loc[~((panel["region_code"] == "3576") & panel["year"].isin([2013, 2014]))]
    with pytest.raises(DataValidationError) as err:
        spillover_study(gap, synth=False)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': region 3576 Kota Mojokerto is missing year(s) [2013, 2014] of 2010–2024"
    )


def test_sectors_must_add_up_to_regions(sim):
    panel, sectors, _ = sim
    broken = sectors.copy()
    hit = (broken["region_code"] == "3576") & (broken["year"] == 2012) & (broken["sector"] == "G")
    broken.loc[hit, "pdrb_adhk"] *= 3
    with pytest.raises(DataValidationError) as err:
        spillover_study(panel, sectors=broken, synth=False)
    msg = str(err.value)
    assert msg.startswith(
        "1 problem(s) in the input data:\n  - column 'pdrb_adhk': sectors of "
        "{'region_code': '3576', 'year': 2012} add up to "
    )
    assert msg.endswith("tolerance 0.50%); check for missing or double-counted sectors")


def test_bad_options(sim):
    panel, _, _ = sim
    with pytest.raises(ParamsError) as err:
        spillover_study(panel, covid="drop", synth=False)
    assert str(err.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'covid': covid must be one of ('dummy', 'exclude', 'none'), got 'drop'; "
        "allowed: dummy, exclude, none"
    )
    with pytest.raises(DataValidationError, match=r"exclude_years \[1999\] are not growth years"):
        spillover_study(panel, exclude_years=[1999], synth=False)


# --------------------------------------------------------------------------- the report in words
def test_summary_comes_first_and_answers_the_question(demo_result):
    assert demo_result.SECTIONS[0] == "summary"
    assert [f.key for f in demo_result.findings("id")] == [
        "verdict",
        "linkage",
        "synth",
        "gravity",
        "capture",
        "confounders",
    ]
    assert demo_result.headline("id") == (
        "Buktinya campuran: sejak Tol Surabaya–Mojokerto beroperasi penuh pada 19 Desember 2017, "
        "pertumbuhan Kota Mojokerto lebih erat mengikuti Kota Surabaya (elastisitas +0,41; IK 95% "
        "0,05 s.d. 0,76), tetapi PDRB-nya tidak lebih tinggi daripada kontrol sintetisnya."
    )
    assert demo_result.headline("en") == (
        "Mixed evidence: since the Surabaya–Mojokerto toll road fully opened on 19 December 2017, "
        "Kota Mojokerto's growth follows Kota Surabaya's more closely (elasticity +0.41; 95% CI "
        "0.05 to 0.76), but its GRDP is not higher than its synthetic control."
    )
    found = {f.key: f for f in demo_result.findings("en")}
    assert found["linkage"].text == (
        "Before 2018, each percentage point of Kota Surabaya's growth went with 0.28 points of "
        "Kota Mojokerto's growth; from 2018, with 0.68 points. The increase of 0.41 is unlikely to "
        "be chance (p = 0.028), but its interval is wide (0.05 to 0.76) because there are only 14 "
        "growth years."
    )
    assert found["synth"].text == (
        'Compared with a "synthetic Kota Mojokerto" built from 31 regencies and cities outside '
        "the spillover area, Kota Mojokerto's GRDP since 2018 is on average 1.40 index points "
        "lower (p = 0.125 by the placebo test). With 31 donors for only 8 years before the event "
        "this synthetic control interpolates noise; read it as weak evidence."
    )
    assert found["gravity"].text == (
        "Travel time Kota Surabaya–Kota Mojokerto fell from 120 to 45 minutes; by the gravity "
        "model that alone multiplies the two cities' interaction by 7.11, and the average "
        "interaction after the event is 6.51× the one before."
    )
    assert found["confounders"].text == (
        "The toll road's effect cannot be separated from other events of the same period: the "
        'Krian – Mojokerto section opened on 19 March 2016 (2016–2017 still count as "before"), '
        "the LAN Innovation Laboratory began in Kota Mojokerto on 2 April 2018 and the 2020 "
        "COVID-19 shock (given its own dummy); with only 7 years after the event, every number "
        "above is an association, not a proven causal effect."
    )
    assert found["verdict"].estimate == pytest.approx(0.405753, abs=1e-6)


def test_capture_finding_reads_the_indicators(demo_result):
    found = {f.key: f for f in demo_result.findings("id")}
    assert found["capture"].text == (
        "Struktur ekonomi Kota Mojokerto: pangsa perdagangan 26,7% → 25,9%; pangsa akomodasi dan "
        "makan minum 8,8% → 8,9% dan pangsa jasa lainnya 40,8% → 42,9%; PDRB per kapita terhadap "
        "Provinsi Jawa Timur 0,99 → 0,94 (rata-rata sebelum → sesudah). Tanda-tandanya campuran: "
        "pangsa gabungan perdagangan, akomodasi dan jasa naik 1,4 poin persentase, sedangkan PDRB "
        "per kapita relatif turun."
    )


def test_markdown_design_whole_text(sim_result):
    # simulate_spillover_panel: 2010–2024; 20 invented regions 3501–3520 of which 3515 and 3516
    # are Gerbangkertosusila codes, so 18 donors remain once the seven members are left out.
    assert len(sim_result.donors) == 18
    assert sim_result.markdown("design", "en") == (
        "## Study design\n\nDid **Kota Mojokerto** capture the growth spillover of **Kota "
        "Surabaya** after the Surabaya–Mojokerto toll road fully opened on 19 December 2017? A "
        "satellite city linked faster to its core can grow with it (capture the spillover) or "
        'merely be driven through (a "dead city"). This study weighs four pieces of evidence, '
        "each with its uncertainty: the growth linkage, a synthetic control, the gravity "
        "interaction and the structure of the city's economy.\n\nData: a 15-year panel "
        "(2010–2024) of regencies and cities with GRDP at constant 2010 prices (ADHK). The first "
        'year counted as "after" is **2018** (an event before 1 July counts in that year, a '
        "later one in the next year). COVID-19 in 2020: given its own dummy. The synthetic "
        "control uses 18 donor regencies and cities; the Gerbangkertosusila members (Kabupaten "
        "Gresik, Kabupaten Bangkalan, Kabupaten Mojokerto, Kota Mojokerto, Kota Surabaya, "
        "Kabupaten Sidoarjo and Kabupaten Lamongan) are left out because the same spillover "
        "reaches them.\n"
    )
    assert sim_result.markdown("design", "id").startswith(
        "## Desain studi\n\nApakah **Kota Mojokerto** menangkap limpahan pertumbuhan **Kota "
        "Surabaya** setelah Tol Surabaya–Mojokerto beroperasi penuh pada 19 Desember 2017?"
    )


def test_markdown_design_follows_the_options(sim):
    panel, sectors, _ = sim
    res = spillover_study(
        panel,
        sectors=sectors,
        synth=False,
        covid="exclude",
        exclude_gerbangkertosusila=False,
        start=2011,
        event="2018-02-01",
    )
    en = res.markdown("design", "en")
    assert "after the connectivity event of 1 February 2018?" in en
    assert "a 14-year panel (2011–2024)" in en
    assert en.endswith(
        "COVID-19 in 2020: left out of the regression. The synthetic control uses 23 donor "
        "regencies and cities, the Gerbangkertosusila members included.\n"
    )
    # not the toll road's date: no partial-opening confounder, and the event is not called the toll
    assert "partial_treatment_2016" not in {d.code for d in res.diagnostics}
    confounders = res.findings("en")[-1].text
    assert confounders.startswith("The event's effect cannot be separated from other events")
    partial = spillover_study(panel, synth=False, event="2016-03-19")
    assert (
        "since the Krian – Mojokerto section of the Surabaya–Mojokerto toll road opened on 19 "
        "March 2016" in partial.headline("en")
    )


def test_markdown_linkage_quotes_the_terms(sim_result):
    t = _terms(sim_result)
    ch, bf, af = (t.loc[k] for k in ("elasticity_change", "elasticity_before", "elasticity_after"))

    def f(x: float, spec: str = ".2f") -> str:
        return format(x, spec)

    dummy = t.loc["covid_2020", "estimate"]
    assert sim_result.markdown("linkage", "en") == (
        "## Growth linkage\n\nThe growth elasticity answers: when Kota Surabaya's economy grows 1 "
        "percentage point faster, how many points faster does Kota Mojokerto grow? Before 2018 "
        f"the elasticity is **{f(bf['estimate'])}** (95% CI {f(bf['ci_lower'])} to "
        f"{f(bf['ci_upper'])}); from 2018 **{f(af['estimate'])}** (CI {f(af['ci_lower'])} to "
        f"{f(af['ci_upper'])}). The change is **{f(ch['estimate'], '+.2f')}** (95% CI "
        f"{f(ch['ci_lower'])} to {f(ch['ci_upper'])}; p = {f(ch['p_value'], '.3f')}), from 14 "
        "growth years. The "
        "whole interval of the change lies above zero: Kota Mojokerto's link with Kota Surabaya "
        f"strengthened. The year 2020 has its own dummy, so it does not move the slopes (its "
        f"coefficient is {f(dummy, '+.2f')} points).\n\nStandard errors: per term, the larger of "
        "the Newey–West standard error (2 lags, with the small-sample factor T/(T−K)) and the "
        "ordinary OLS one, because Newey–West alone is too small in a series this short; "
        "intervals use the t distribution with 9 degrees of freedom.\n"
    )
    assert sim_result.markdown("linkage", "id").startswith(
        "## Keterkaitan pertumbuhan\n\nElastisitas pertumbuhan menjawab: bila ekonomi Kota "
        "Surabaya tumbuh 1 poin persentase lebih cepat, berapa poin lebih cepat Kota Mojokerto "
        f"tumbuh? Sebelum 2018 elastisitasnya **{f(bf['estimate']).replace('.', ',')}**"
    )


def test_markdown_gravity_by_hand(sim_result):
    # travel time 120 -> 45 minutes (simulate_spillover_panel): (120/45)^2 = 7.11
    ratio = sim_result.gravity_ratio
    assert sim_result.markdown("gravity", "en") == (
        "## Gravity interaction\n\nThe gravity model measures how strongly two cities interact: "
        "I = P₁·P₂/tᵇ with P the population, t the travel time and b = 2. Travel time Kota "
        "Surabaya–Kota Mojokerto: 120 minutes (2010–2017) and 45 minutes (2018–2024). Cutting "
        "it from 120 to 45 minutes alone multiplies the interaction by 7.11; with the growth of "
        f"the population, the average interaction since 2018 is **{ratio:.2f}×** the one before.\n"
    )
    assert sim_result.markdown("gravity", "id").endswith(
        f"interaksi rata-rata sejak 2018 **{ratio:.2f}×** rata-rata sebelumnya.\n".replace(
            ".", ",", 1
        )
    )


def test_markdown_capture_synth_and_diagnostics(sim_result):
    pc0, pc1 = _terms_of(sim_result, "per_capita_ratio")
    assert f"GRDP per capita relative to the province {pc0:.2f} → {pc1:.2f}" in sim_result.markdown(
        "capture", "en"
    )
    assert sim_result.markdown("capture", "id").startswith(
        '## Menangkap limpahan atau \\"kota mati\\"?\n\nKota yang menangkap limpahan'
    )
    assert sim_result.has_sectors
    assert sim_result.markdown("synth", "en") == (
        "## Synthetic control\n\nNo synthetic control: the synthetic control was not run in this "
        "analysis.\n"
    )
    lines = sim_result.markdown("diagnostics", "id").rstrip("\n").split("\n")
    assert lines[:2] == ["## Catatan sebelum mempercayai angka", ""]
    assert len(lines) - 2 == len(sim_result.diagnostics)
    first = sim_result.diagnostics[0]
    assert first.severity == "warning"
    assert lines[2] == f"- **Peringatan** — {first.message.id}"


def _terms_of(res, indicator: str) -> tuple[float, float]:
    row = res.trends.set_index("indicator").loc[indicator]
    return float(row["mean_pre"]), float(row["mean_post"])


def test_markdown_errors(sim_result):
    with pytest.raises(ParamsError) as err:
        sim_result.markdown("verdict", "en")
    assert "section must be one of" in str(err.value)
    for section in sim_result.SECTIONS:
        assert "'" + section + "'" in str(err.value)
    with pytest.raises(ParamsError, match="language"):
        sim_result.markdown("design", "fr")


def test_no_travel_time_gives_the_reason(sim):
    panel, sectors, _ = sim
    res = spillover_study(panel.assign(travel_time_min=np.nan), sectors=sectors, synth=False)
    assert res.markdown("gravity", "en") == (
        "## Gravity interaction\n\nKota Mojokerto's travel times to Kota Surabaya are "
        "incomplete, so the gravity interaction was not computed.\n"
    )
    assert not res.has_figure("gravity")
    assert res.alt_text("gravity", "id") == "Gambar ini tidak tersedia untuk hasil ini."


# --------------------------------------------------------------------------- regional context
def test_regional_context_williamson_by_hand(sim):
    panel, _, _ = sim
    ctx = regional_context(panel, start=2010, end=2024)
    kk = panel.loc[panel["year"] == 2010]
    y = kk["pdrb_adhk"] / kk["population"]
    ybar = kk["pdrb_adhk"].sum() / kk["population"].sum()
    f = kk["population"] / kk["population"].sum()
    iw = float(np.sqrt((((y - ybar) ** 2) * f).sum()) / ybar)
    assert ctx.williamson["williamson"].iloc[0] == pytest.approx(iw)
    assert ctx.williamson["category"].iloc[0] == "high"
    # growth of the typology = compound annual PDRB growth 2010–2024, by hand; level in Rp juta
    row = ctx.klassen.table.set_index("unit").loc["3576"]
    sat = panel.loc[panel["region_code"] == "3576"].set_index("year")
    assert row["growth"] == pytest.approx(
        100 * ((sat.at[2024, "pdrb_adhk"] / sat.at[2010, "pdrb_adhk"]) ** (1 / 14) - 1)
    )
    assert row["level"] == pytest.approx(
        1000 * sat.at[2024, "pdrb_adhk"] / sat.at[2024, "population"]
    )


def test_regional_context_section_names_the_quadrants(demo_result):
    text = demo_result.markdown("context", "id")
    assert text.startswith(
        "## Konteks regional\\: ketimpangan dan tipologi Klassen\n\nKetimpangan antar-kabupaten/kota "
        "menurut indeks Williamson: 0,990 (tinggi) pada 2010 dan 0,992 (tinggi) pada 2024"
    )
    assert text.endswith(
        "Kota Mojokerto tumbuh 4,68% per tahun dengan PDRB per kapita Rp 43,7 juta: kuadran "
        "**IV**, relatif tertinggal. Kota Surabaya: kuadran I, maju dan tumbuh pesat.\n"
    )
    assert demo_result.context.province == "Provinsi Jawa Timur"


def test_regional_context_errors(sim):
    panel, _, _ = sim
    with pytest.raises(DataValidationError) as err:
        regional_context(panel, start=2005)
    assert err.value.problems[0].message == (
        "start=2005 is outside the years in the data (2010–2024)"
    )
    with pytest.raises(
        DataValidationError, match="satellite 'Kota Atlantis' is not in the regions"
    ):
        regional_context(panel, satellite="Kota Atlantis")
    gap = panel.loc[~((panel["region_code"] == "3501") & (panel["year"] == 2024))]
    with pytest.raises(DataValidationError, match=r"region\(s\) \['3501'\] lack pdrb_adhk"):
        regional_context(gap)
    assert regional_context(gap, missing="drop").dropped == ("3501",)


# --------------------------------------------------------------------------- tables and figures
def test_tables_show_names_and_labels_never_codes(demo_result):
    linkage = demo_result.table("linkage", "id").to_frame()
    assert linkage.columns.tolist() == [
        "Parameter",
        "Estimasi",
        "Galat baku",
        "Batas bawah IK",
        "Batas atas IK",
        "Nilai p",
    ]
    assert linkage["Parameter"].tolist() == [
        "Perubahan elastisitas",
        "Elastisitas sebelum",
        "Elastisitas sesudah",
        "Dummy COVID-19 2020",
    ]
    assert linkage.iloc[0].tolist()[1:] == ["0,41", "0,155", "0,05", "0,76", "p = 0,028"]
    weights = demo_result.table("synth_weights", "en").to_frame()
    assert weights.iloc[0].tolist() == ["Kabupaten Madiun", "31.3%"]
    capture = demo_result.table("capture", "en").to_frame()
    assert capture["Indicator"].tolist()[:3] == [
        "Population (% of the province)",
        "GRDP per capita (ratio to the province)",
        "Share of trade in GRDP (%)",
    ]
    assert capture.iloc[2].tolist()[1:3] == ["26.67", "25.91"]
    klassen = demo_result.table("klassen", "id").to_frame()
    assert klassen.columns.tolist() == [
        "Kabupaten/kota",
        "Kuadran",
        "Pertumbuhan per tahun (%)",
        "PDRB per kapita (Rp juta)",
    ]
    assert klassen.iloc[-1].tolist() == [
        "Kota Mojokerto",
        "IV — relatif tertinggal",
        "4,68",
        "43,7",
    ]


_LEAKS = {
    "snake_case": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "region code": re.compile(r"\b35\d\d\b"),
    "nan/inf": re.compile(r"\b(nan|NaN|inf|None|True|False)\b"),
}
_ENGLISH = re.compile(r"\b(the|and|of|with|before|after|growth)\b")
_INDONESIAN = re.compile(r"\b(dan|yang|dengan|sebelum|sesudah|tahun|pertumbuhan)\b")


def _report_texts(res, language: str) -> list[str]:
    texts = [res.markdown(s, language) for s in res.SECTIONS]
    for name in res.TABLES:
        table = res.table(name, language)
        frame = table.to_frame()
        texts += [" ".join(frame.columns), *(" ".join(r) for r in frame.to_numpy().tolist())]
        texts += [table.caption or "", *table.all_notes()]
    texts += [res.alt_text(k, language) for k in res.PLOT_KINDS]
    for kind in res.PLOT_KINDS:
        ax = res.plot(kind, language=language)
        ax.figure.canvas.draw()  # tick labels get their text when drawn
        shown = ax.figure.findobj(lambda a: hasattr(a, "get_text") and a.get_visible())
        texts += [t.get_text() for t in shown]
    return texts


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_report_leaks_no_code_no_other_language_and_one_number_format(demo_result, language):
    # the synthetic-control estimator's own diagnostic (placebo granularity) is its own text
    texts = [t for t in _report_texts(demo_result, language) if t]
    joined = "\n".join(texts)
    for what, pattern in _LEAKS.items():
        assert not pattern.findall(joined), (what, pattern.findall(joined)[:5])
    other = _ENGLISH if language == "id" else _INDONESIAN
    assert not other.findall(joined), other.findall(joined)[:10]
    if language == "id":
        assert not re.findall(r"\d\.\d", joined), re.findall(r".{20}\d\.\d.{20}", joined)[:5]
    else:
        assert not re.findall(r"\d,\d", joined), re.findall(r".{20}\d,\d.{20}", joined)[:5]


def test_names_from_data_stay_text(sim):
    panel, sectors, _ = sim
    evil = "Kota <img src=x onerror=alert(1)> *Mojo*"
    panel = panel.assign(
        region_name=panel["region_name"].where(panel["region_code"] != "3576", evil)
    )
    res = spillover_study(panel, sectors=sectors, synth=False)
    md = res.markdown("linkage", "en")
    assert not re.search(r"(?<!\\)<img", md)
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\> \\*Mojo\\*" in md
    html = res.table("klassen", "en")._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; *Mojo*" in html
    assert res.alt_text("linkage", "en").startswith(f"{evil}'s growth")


def _overlapping(texts) -> list[tuple[str, str]]:
    fig = texts[0].figure
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [
        (a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1 :] if ba.overlaps(bb)
    ]


def test_klassen_figure_names_the_regions_that_matter_without_overlaps(demo_result):
    ax = demo_result.plot("klassen", language="id")
    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if t.get_text()]
    names = {t.get_text() for t in labels}
    assert {"Kota Mojokerto", "Kota Surabaya", "Kabupaten Sidoarjo", "Kabupaten Gresik"} <= names
    assert not any(re.fullmatch(r"35\d\d", n) for n in names)
    assert _overlapping(labels) == []
    mojokerto = next(t for t in labels if t.get_text() == "Kota Mojokerto")
    assert mojokerto.get_fontweight() == "bold"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "Kabupaten/kota lain",
        "Anggota Gerbangkertosusila",
        "Kota Surabaya (kota inti)",
        "Kota Mojokerto",
        "Rata-rata provinsi",
    ]
    assert ax.xaxis.get_major_formatter()(50.0, 0) == "50"
    assert ax.yaxis.get_major_formatter()(4.5, 0) == "4,5"


@pytest.mark.parametrize("kind", ["synth", "gravity", "sectors"])
def test_time_figures_say_what_the_event_lines_are(demo_result, kind):
    ax = demo_result.plot(kind, language="en")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Surabaya–Mojokerto toll road fully open (19 December 2017)" in legend
    assert "Krian – Mojokerto section opened (19 March 2016)" in legend
    # the legend sits under the axes, never on the data
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(renderer).y1 < ax.get_window_extent(renderer).y0


def test_linkage_figure_labels_years_without_overlaps(demo_result):
    ax = demo_result.plot("linkage", language="id")
    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if t.get_text()]
    assert {"2011", "2017", "2018", "2024"} <= {t.get_text() for t in labels}
    assert _overlapping(labels) == []
    assert ax.get_xlabel() == "Pertumbuhan PDRB Kota Surabaya (%)"
    assert ax.get_title(loc="left") == (
        "Pertumbuhan ekonomi Kota Mojokerto terhadap Kota Surabaya, 2011–2024"
    )


def test_alt_text_is_the_one_line_reading(demo_result):
    assert demo_result.alt_text("linkage", "en") == (
        "Kota Mojokerto's growth against Kota Surabaya's growth, year by year: the line before "
        "2018 (elasticity 0.28) and the line from 2018 (elasticity 0.68)."
    )
    assert demo_result.alt_text("klassen", "id") == (
        "Tipologi Klassen 38 kabupaten/kota, 2010–2024: Kota Mojokerto di kuadran IV (relatif "
        "tertinggal), Kota Surabaya di kuadran I (maju dan tumbuh pesat)."
    )
    assert demo_result.figure("gravity", "id").alt == demo_result.alt_text("gravity", "id")


def test_conformal_p_value_and_synthetic_did_beside_the_synthetic_control(demo_result):
    from innolab_analysis.estimators.sdid import synthetic_did
    from innolab_analysis.studies.spillover._synth import index_panel

    comp = demo_result.synth_companions
    # 15 years: moving-block permutations give p-values in steps of 1/15
    assert comp.conformal.n_permutations == 15
    assert comp.conformal.p_value == pytest.approx(5 / 15)
    sd = comp.sdid
    assert sd.ci_lower < sd.estimate < sd.ci_upper and sd.ci_lower < 0 < sd.ci_upper
    assert sd.estimate < 0 and demo_result.synth.estimate < 0  # same sign as the synthetic control
    # the same donors and the same index panel as the synthetic control
    from innolab_analysis.data.study import load_study

    regions = load_study("data/demo").regions
    panel = index_panel(regions, demo_result.satellite, demo_result.donors, demo_result.start_year)
    direct = synthetic_did(
        panel,
        outcome="pdrb_index",
        unit="region_code",
        time="year",
        treated_unit=demo_result.satellite,
        intervention=demo_result.first_post_year,
        donors=list(demo_result.donors),
        se="none",
    )
    assert sd.estimate == pytest.approx(direct.estimate, abs=1e-12)
    en = demo_result.markdown("synth", "en")
    assert "p = 0.333 for the hypothesis that the toll road had no effect at all" in en
    assert f"a mean gap of {sd.estimate:.2f} index points" in en
    idn = demo_result.markdown("synth", "id")
    assert "DiD sintetis (Arkhangelsky dkk. 2021)" in idn and "p = 0,333" in idn


def test_the_companions_can_be_left_out(demo):
    study, _ = demo
    res = spillover_study(
        study, satellite="3576", core="3578", event="2017-12-19", robustness=False
    )
    assert res.synth_companions is None and res.synth is not None
    assert "Conformal inference" not in res.markdown("synth", "en")
