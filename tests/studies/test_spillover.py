"""The Surabaya spillover study: planted truths, equivalences, inference, errors."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.spillover import (
    GERBANGKERTOSUSILA,
    LABINOV_KICKOFF,
    TOL_SUMO_SECTIONS,
    newey_west_lags,
    simulate_spillover_panel,
    spillover_study,
)

DEMO = "data/demo"


@pytest.fixture(scope="module")
def sim():
    return simulate_spillover_panel(seed=11)


@pytest.fixture(scope="module")
def sim_result(sim):
    panel, sectors, _ = sim
    return spillover_study(panel, sectors=sectors, synth=False)


# --------------------------------------------------------------------------- constants
def test_constants_follow_domain_facts():
    assert set(GERBANGKERTOSUSILA) == {"3525", "3526", "3516", "3576", "3578", "3515", "3524"}
    assert GERBANGKERTOSUSILA["3576"] == "Kota Mojokerto"
    assert LABINOV_KICKOFF == date(2018, 4, 2)
    opened = {s.section: s.opened for s in TOL_SUMO_SECTIONS}
    assert opened["IV"] == date(2016, 3, 19)
    assert opened["III"] == date(2017, 12, 19)
    assert sum(s.km for s in TOL_SUMO_SECTIONS) == pytest.approx(36.27)


def test_newey_west_lag_rule():
    # floor(4·(14/100)^(2/9)) = floor(2.585) = 2; floor(4·1) = 4 at T = 100
    assert newey_west_lags(14) == 2
    assert newey_west_lags(100) == 4
    assert newey_west_lags(3) == 1


# --------------------------------------------------------------------------- planted truths
def _demo_truth():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    path = root / DEMO / "truth.json"
    if not path.exists():
        pytest.skip("data/demo/truth.json not generated yet (colleague's demo generator)")
    return root / DEMO, json.loads(path.read_text())["regional"]


@pytest.fixture(scope="module")
def demo():
    folder, truth = _demo_truth()
    from innolab_analysis.data.study import load_study

    return load_study(folder), truth


@pytest.mark.parametrize("covid", ["dummy", "none"])
def test_demo_planted_elasticities_inside_intervals(demo, covid):
    study, truth = demo
    res = spillover_study(study, covid=covid, synth=False)
    t = res.terms.set_index("term")
    planted = {
        "elasticity_before": truth["elasticity_before"],  # 0.45
        "elasticity_after": truth["elasticity_after"],  # 0.80
        "elasticity_change": truth["elasticity_after"] - truth["elasticity_before"],
    }
    for term, value in planted.items():
        assert t.loc[term, "ci_lower"] <= value <= t.loc[term, "ci_upper"], (term, covid)
    assert res.first_post_year == truth["break_year"] == 2018


def test_demo_equals_separate_regressions_published_in_truth(demo):
    # the interacted model without a COVID dummy = separate OLS before and after; the demo
    # generator wrote those slopes (computed on the generated series) into truth.json
    study, truth = demo
    res = spillover_study(study, covid="none", synth=False)
    t = res.terms.set_index("term")["estimate"]
    ols = truth["ols_on_generated_series"]
    # truth.json's slopes are on the unrounded growth series; regions.csv rounds PDRB to
    # 0.01 Rp miliar, which moves the growth rates (hence the slopes) in the 5th decimal
    assert t["elasticity_before"] == pytest.approx(ols["before"]["elasticity"], abs=2e-4)
    assert t["elasticity_after"] == pytest.approx(ols["after"]["elasticity"], abs=2e-4)
    g = res.linkage.set_index("year")
    published = pd.Series(truth["growth_kota_mojokerto"]).rename(index=int)
    np.testing.assert_allclose(g["growth_satellite"], published.reindex(g.index), atol=0.006)


def test_interacted_model_equals_separate_regressions(sim):
    panel, _, _ = sim
    res = spillover_study(panel, covid="none", synth=False)
    d, t = res.linkage, res.terms.set_index("term")["estimate"]
    pre, post = d.loc[~d["post"]], d.loc[d["post"]]
    assert t["elasticity_before"] == pytest.approx(
        np.polyfit(pre["growth_core"], pre["growth_satellite"], 1)[0], abs=1e-10
    )
    assert t["elasticity_after"] == pytest.approx(
        np.polyfit(post["growth_core"], post["growth_satellite"], 1)[0], abs=1e-10
    )


def test_demo_full_study_with_synthetic_control(demo):
    study, _ = demo
    res = spillover_study(study)
    # the donor pool leaves out Gerbangkertosusila and the province
    assert not set(res.donors) & set(GERBANGKERTOSUSILA)
    assert "3500" not in res.donors and len(res.donors) == 38 - 7
    assert res.synth is not None
    sc = res.terms.set_index("term").loc["sc_gap"]
    assert sc["estimate"] == pytest.approx(res.synth.estimate)
    assert 0 < sc["p_value"] <= 1
    codes = {d.code for d in res.diagnostics}
    assert {"confounder_labinov", "partial_treatment_2016", "covid_shock"} <= codes
    assert "kontrol sintetis" in res.text.id.lower() and "synthetic control" in res.text.en.lower()
    for kind in ("linkage", "synth", "sectors", "gravity"):
        assert res.plot(kind=kind, language="id").get_xlabel()


def test_simulated_planted_elasticities_inside_intervals(sim_result):
    t = sim_result.terms.set_index("term")
    for term, value in (("elasticity_before", 0.4), ("elasticity_after", 0.9),
                        ("elasticity_change", 0.5)):  # fmt: skip
        assert t.loc[term, "ci_lower"] <= value <= t.loc[term, "ci_upper"], term
    assert sim_result.estimate == t.loc["elasticity_change", "estimate"]


@pytest.mark.slow
def test_interval_coverage_over_seeds():
    # 40 seeded panels (T = 14 growth years): the default hac_max intervals cover the planted
    # slopes near the nominal 95 %, Newey–West alone does not (the reason for the default)
    hits = {"hac_max": [], "hac": []}
    for seed in range(40):
        panel, _, truth = simulate_spillover_panel(seed=seed, n_other=1, with_sectors=False)
        for se in hits:
            t = spillover_study(panel, synth=False, se=se).terms.set_index("term")
            lo, hi = t.loc["elasticity_after", ["ci_lower", "ci_upper"]]
            hits[se].append(lo <= truth["elasticity_after"] <= hi)
    assert np.mean(hits["hac_max"]) >= 0.88
    assert np.mean(hits["hac"]) < np.mean(hits["hac_max"])


# --------------------------------------------------------------------------- inference
def _hand_newey_west(X: np.ndarray, y: np.ndarray, lags: int) -> np.ndarray:
    n, k = X.shape
    b = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ b
    xu = X * u[:, None]
    S = xu.T @ xu
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)
        G = xu[lag:].T @ xu[:-lag]
        S += w * (G + G.T)
    bread = np.linalg.inv(X.T @ X)
    return bread @ S @ bread * n / (n - k)


def test_hac_standard_errors_match_a_hand_computation(sim):
    panel, _, _ = sim
    res = spillover_study(panel, synth=False, se="hac", covid="none")
    d = res.linkage
    X = np.column_stack(
        [np.ones(len(d)), d["growth_core"], d["post"], d["growth_core"] * d["post"]]
    ).astype(float)
    V = _hand_newey_west(X, d["growth_satellite"].to_numpy(float), lags=2)
    t = res.terms.set_index("term")["std_error"]
    assert t["elasticity_before"] == pytest.approx(np.sqrt(V[1, 1]), rel=1e-10)
    assert t["elasticity_change"] == pytest.approx(np.sqrt(V[3, 3]), rel=1e-10)
    c = np.array([0, 1, 0, 1.0])
    assert t["elasticity_after"] == pytest.approx(np.sqrt(c @ V @ c), rel=1e-10)
    assert res.hac_lags == 2
    # hac_max is never below either the HAC or the conventional standard error
    hm = spillover_study(panel, synth=False, se="hac_max", covid="none").terms
    ols = spillover_study(panel, synth=False, se="ols", covid="none").terms
    assert (hm["std_error"] >= res.terms["std_error"] - 1e-15).all()
    np.testing.assert_allclose(hm["std_error"], np.maximum(res.terms["std_error"],
                                                           ols["std_error"]))  # fmt: skip


def test_covid_dummy_equals_dropping_2020(sim):
    # a dummy for one observation fits it exactly, so the slopes equal those without the year
    panel, _, _ = sim
    dummy = spillover_study(panel, synth=False, covid="dummy", se="ols").terms.set_index("term")
    excl = spillover_study(panel, synth=False, covid="exclude", se="ols").terms.set_index("term")
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
    rows = sim_result.effect_rows(study="surabaya_spillover", unit="3576", level="city")
    assert tuple(rows.columns) == EFFECT_COLUMNS
    assert rows["term"].tolist()[:3] == [
        "elasticity_change",
        "elasticity_before",
        "elasticity_after",
    ]
    assert set(rows["level"]) == {"city"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        sim_result.estimate = 0.0


def test_text_is_bilingual_and_honest(sim_result):
    assert sim_result.text.id.startswith("Elastisitas pertumbuhan Kota Mojokerto")
    assert sim_result.text.en.startswith("Growth elasticity of Kota Mojokerto")
    assert "2018-04-02" in sim_result.text.en and "tahun pasca peristiwa" in sim_result.text.id
    # Indonesian text uses the decimal comma, English the decimal point
    before = sim_result.terms.set_index("term").loc["elasticity_before", "estimate"]
    assert f": {before:.2f} before".replace(".", ",", 0) in sim_result.text.en
    assert f": {before:.2f} sebelum".replace(".", ",") in sim_result.text.id
    ax = sim_result.plot(kind="linkage", language="en")
    assert ax.get_xlabel() == "Growth Kota Surabaya (%)"
    ax = sim_result.plot(kind="sectors", language="id")
    assert ax.get_ylabel() == "Pangsa PDRB Kota Mojokerto (%)"


def test_donor_options(sim):
    panel, _, _ = sim
    default = spillover_study(panel, synth=False)
    assert not set(default.donors) & set(GERBANGKERTOSUSILA)
    with_gks = spillover_study(panel, synth=False, exclude_gerbangkertosusila=False)
    assert set(with_gks.donors) - set(default.donors) == set(GERBANGKERTOSUSILA) - {"3576", "3578"}
    chosen = spillover_study(panel, synth=False, donors=["3501", "3502", "3503"], exclude=["3502"])
    assert chosen.donors == ("3501", "3503")


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
    assert str(err.value).endswith("core 'Kota Surabya' is not in the regions data; did you mean "
                                   "'3578 Kota Surabaya'?")  # fmt: skip
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
    assert msg.startswith("1 problem(s) in the input data:\n  - column 'pdrb_adhk': sectors of "
                          "{'region_code': '3576', 'year': 2012} add up to ")  # fmt: skip
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
