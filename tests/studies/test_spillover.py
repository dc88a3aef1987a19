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
    SPILLOVER_SECTIONS,
    TOL_SUMO_SECTIONS,
    newey_west_lags,
    regional_context,
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
    # 31 donors for 8 pre-event years: the fit interpolates, the interval is unbounded and the
    # report says so next to the (near-zero) pre-event RMSPE
    assert res.synth.pre_rmspe < 0.01
    assert np.isinf(sc["ci_lower"]) and np.isinf(sc["ci_upper"])
    assert "interpolates noise" in res.markdown("synth", "en")
    assert "menginterpolasi derau" in res.markdown("synth", "id")


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


# --------------------------------------------------------------------------- narrative
def _id(text: str) -> str:
    """English-formatted numbers as Bahasa Indonesia writes them (0.43 -> 0,43)."""
    return text.replace(".", ",")


def test_markdown_design_whole_text(sim_result):
    # simulate_spillover_panel: 2010–2024; 20 invented regions 3501–3520 of which 3515 and 3516
    # are Gerbangkertosusila codes, so 18 donors remain once the seven members are left out.
    members = ", ".join(GERBANGKERTOSUSILA.values())
    assert len(sim_result.donors) == 18
    assert sim_result.markdown("design", "en") == (
        "## Study design\n\nDid **Kota Mojokerto** capture the growth spillover of **Kota "
        "Surabaya** after the Surabaya–Mojokerto toll road fully opened (2017-12-19)? A 15-year "
        "panel (2010–2024), GRDP at constant 2010 prices. First post year: **2018**. The "
        "synthetic control uses 18 donor regencies/cities; Gerbangkertosusila members "
        f"({members}) left out. COVID-19: a year-2020 dummy."
    )
    assert sim_result.markdown("design", "id") == (
        "## Desain studi\n\nApakah **Kota Mojokerto** menangkap limpahan pertumbuhan **Kota "
        "Surabaya** setelah tol Surabaya–Mojokerto beroperasi penuh (2017-12-19)? Panel 15 "
        "tahun (2010–2024), PDRB atas dasar harga konstan 2010. Tahun pasca pertama: **2018**. "
        "Kontrol sintetis memakai 18 kabupaten/kota donor; anggota Gerbangkertosusila "
        f"({members}) dikecualikan. COVID-19: dummy tahun 2020."
    )


def test_markdown_design_follows_the_options(sim):
    panel, sectors, _ = sim
    res = spillover_study(
        panel, sectors=sectors, synth=False, covid="exclude", exclude_gerbangkertosusila=False,
        start=2011,
    )  # fmt: skip
    en = res.markdown("design", "en")
    assert "A 14-year panel (2011–2024)" in en
    assert en.endswith(") kept. COVID-19: 2020 left out.")
    assert res.markdown("design", "id").endswith(
        ") tidak dikecualikan. COVID-19: tahun 2020 dikeluarkan."
    )


def test_markdown_linkage_quotes_the_terms(sim_result):
    t = sim_result.terms.set_index("term")
    ch, bf, af = (t.loc[k] for k in ("elasticity_change", "elasticity_before", "elasticity_after"))
    b, a, c = f"{bf['estimate']:.2f}", f"{af['estimate']:.2f}", f"{ch['estimate']:.2f}"
    lo, hi, p = f"{ch['ci_lower']:.2f}", f"{ch['ci_upper']:.2f}", f"{ch['p_value']:.3f}"
    assert sim_result.markdown("linkage", "en") == (
        "## Growth linkage\n\nEach percentage point of Kota Surabaya's growth goes with "
        f"**{b}** points of Kota Mojokerto's growth before 2018 and **{a}** after. Change in "
        f"elasticity {c} (95% CI {lo} to {hi}; p = {p}), 14 growth years. Standard errors: "
        f"{sim_result.se_type}."
    )
    assert sim_result.markdown("linkage", "id") == (
        "## Keterkaitan pertumbuhan\n\nSetiap 1 poin persentase pertumbuhan Kota Surabaya "
        f"sejalan dengan **{_id(b)}** poin pertumbuhan Kota Mojokerto sebelum 2018 dan "
        f"**{_id(a)}** sesudahnya. Perubahan elastisitas {_id(c)} (IK 95% {_id(lo)} s.d. "
        f"{_id(hi)}; p = {_id(p)}), 14 tahun pertumbuhan. Galat baku: Newey–West (HAC, 2 lag), "
        "per parameter tidak lebih kecil dari galat baku OLS konvensional (aturan "
        "Angrist–Pischke untuk sampel kecil); acuan distribusi t."
    )


def test_markdown_gravity_by_hand(sim_result):
    # travel time 120 -> 45 minutes (simulate_spillover_panel): (120/45)^2 = 7.11
    ratio = sim_result.gravity_ratio
    assert sim_result.markdown("gravity", "en") == (
        "## Gravity interaction\n\nGravity model I = P₁·P₂/t², t = travel time: 120 minutes in "
        "2010, 45 minutes from 2018. The Kota Surabaya–Kota Mojokerto interaction is on average "
        f"**{ratio:.2f}×** larger after the event than before (travel time 2010 vs 2018 alone: "
        "7.11×)."
    )
    assert sim_result.markdown("gravity", "id").endswith(
        f"rata-rata **{_id(f'{ratio:.2f}')}×** lebih besar sesudah peristiwa dibanding sebelumnya "
        "(waktu tempuh 2010 vs 2018 saja: 7,11×)."
    )


def test_markdown_capture_and_tables(sim_result):
    pc = sim_result.trends.set_index("indicator").loc["per_capita_ratio"]
    assert sim_result.markdown("capture", "en").endswith(
        f"Kota Mojokerto's GRDP per capita relative to the province: {pc['mean_pre']:.2f} "
        f"before, {pc['mean_post']:.2f} after."
    )
    assert sim_result.markdown("capture", "id").startswith(
        '## Menangkap limpahan atau "kota mati"?\n\nKota yang menangkap limpahan'
    )
    assert sim_result.has_sectors
    assert sim_result.terms_table("id").columns.tolist() == [
        "Parameter", "Estimasi", "Galat baku", "IK bawah", "IK atas", "p",
    ]  # fmt: skip
    assert sim_result.trends_table("en").columns.tolist() == [
        "Indicator", "Mean before", "Mean after", "Change", "Trend per year",
    ]  # fmt: skip
    assert sim_result.trends_table("en")["Mean before"].tolist() == (
        sim_result.trends["mean_pre"].round(4).tolist()
    )


def test_markdown_verdict_synth_and_diagnostics(sim_result):
    assert sim_result.markdown("verdict", "id") == "## Kesimpulan\n\n" + sim_result.text.id
    assert sim_result.markdown("synth", "en") == (
        "## Synthetic control\n\nThe synthetic control was not run (synth=False)."
    )
    lines = sim_result.markdown("diagnostics", "id").split("\n")
    assert lines[:2] == ["## Catatan sebelum mempercayai angka", ""]
    assert len(lines) - 2 == len(sim_result.diagnostics)
    first = sim_result.diagnostics[0]
    assert first.severity == "warning"
    assert lines[2] == f"- **peringatan** — {first.message.id}"


def test_markdown_errors(sim_result):
    with pytest.raises(ParamsError) as err:
        sim_result.markdown("summary", "en")
    assert "section" in str(err.value) and "'summary'" in str(err.value)
    for section in SPILLOVER_SECTIONS:
        assert "'" + section + "'" in str(err.value)
    with pytest.raises(ParamsError, match="language"):
        sim_result.markdown("design", "fr")


def test_no_travel_time_gives_the_reason(sim):
    panel, sectors, _ = sim
    res = spillover_study(panel.assign(travel_time_min=np.nan), sectors=sectors, synth=False)
    assert res.markdown("gravity", "en") == (
        "## Gravity interaction\n\nThe satellite's travel_time_min is incomplete: no gravity "
        "interaction."
    )


def test_regional_context_williamson_by_hand(sim):
    panel, _, _ = sim
    ctx = regional_context(panel, start=2010, end=2024)
    kk = panel.loc[panel["year"] == 2010]
    y = kk["pdrb_adhk"] / kk["population"]
    ybar = kk["pdrb_adhk"].sum() / kk["population"].sum()
    f = kk["population"] / kk["population"].sum()
    iw = float(np.sqrt((((y - ybar) ** 2) * f).sum()) / ybar)
    assert ctx.williamson["williamson"].iloc[0] == pytest.approx(iw)
    row = ctx.klassen.table.set_index("unit").loc["3576"]
    assert ctx.markdown("en") == (
        f"## Regional context\n\nWilliamson index across regencies/cities: {iw:.3f} (high) in "
        f"2010 and {ctx.williamson['williamson'].iloc[-1]:.3f} (high) in 2024 (cut-offs "
        "0.35/0.5 — a common, not universal, convention). Klassen typology 2010–2024: Kota "
        f"Mojokerto is in quadrant **{row['quadrant']}** ({row['label_en']})."
    )
    # growth of the typology = compound annual PDRB growth 2010–2024, by hand
    sat = panel.loc[panel["region_code"] == "3576"].set_index("year")["pdrb_adhk"]
    assert row["growth"] == pytest.approx(100 * ((sat[2024] / sat[2010]) ** (1 / 14) - 1))
    assert ctx.plot(language="id") is not None


def test_regional_context_demo_names_the_province(demo):
    study, _ = demo
    ctx = regional_context(study, start=2010, end=2024)
    assert ctx.province == "Provinsi Jawa Timur"
    assert ctx.markdown("id").startswith("## Konteks regional Jawa Timur\n\nIndeks Williamson")
    assert ctx.markdown("en").startswith("## Regional context: Jawa Timur\n\n")


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
