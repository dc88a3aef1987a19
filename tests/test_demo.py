"""The demo study: deterministic regeneration, data model, published anchors, planted truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from innolab_analysis.data.tables import TABLES
from innolab_analysis.demo import DEMO_TABLES, simulate_study, write_demo_study
from innolab_analysis.errors import InnolabError


@pytest.fixture(scope="module")
def truth(demo_dir):
    return json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regions(demo_dir):
    return pd.read_csv(demo_dir / "regions.csv", dtype={"region_code": str})


@pytest.mark.slow
def test_regeneration_is_byte_identical(tmp_path, demo_dir):
    write_demo_study(tmp_path)
    shipped = sorted(p.name for p in demo_dir.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        new, old = (tmp_path / name).read_bytes(), (demo_dir / name).read_bytes()
        if name.endswith(".parquet") and new != old:
            # A different pyarrow writes a different 'created_by' footer; then the
            # content must still be identical.
            a, b = pq.read_metadata(tmp_path / name), pq.read_metadata(demo_dir / name)
            assert a.created_by != b.created_by, f"{name} differs: regenerate data/demo"
            assert pq.read_table(tmp_path / name).equals(pq.read_table(demo_dir / name))
            continue
        assert new == old, f"{name} differs: run python -m innolab_analysis.demo data/demo"


def test_same_seed_same_tables_and_other_seed_differs():
    a, ta = simulate_study(seed=7, scale=0.1)
    b, tb = simulate_study(seed=7, scale=0.1)
    c, _ = simulate_study(seed=8, scale=0.1)
    for name in DEMO_TABLES:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert ta["ikm"]["att_simple"] == tb["ikm"]["att_simple"]
    assert not a["skm_responses"]["u1"].equals(c["skm_responses"]["u1"])
    # scale 0.1 gives about a tenth of the ~110,000 respondents
    assert 9_000 < len(a["skm_responses"]) < 13_000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1}, "seed must be a non-negative integer, got -1"),
        ({"scale": 0}, "scale must be a number between 0.05 and 10, got 0"),
        (
            {"seed": "a", "scale": 20.0},
            "seed must be a non-negative integer, got 'a'; "
            "scale must be a number between 0.05 and 10, got 20.0",
        ),
    ],
)
def test_bad_arguments_raise_with_every_problem(kwargs, message):
    with pytest.raises(InnolabError) as err:
        simulate_study(**kwargs)
    assert str(err.value) == message


def test_files_follow_the_data_model(demo_dir):
    files = {p.stem: p for p in demo_dir.iterdir() if p.suffix in (".csv", ".parquet")}
    assert set(files) == set(TABLES)
    total = sum(p.stat().st_size for p in demo_dir.iterdir())
    assert total < 5_000_000
    for name, path in files.items():
        if path.suffix == ".parquet":
            cols = pq.read_schema(path).names
        else:
            cols = pd.read_csv(path, nrows=0).columns.tolist()
        declared = [c for c in TABLES[name].names if c in cols]
        assert cols == declared, name  # only declared columns, in declared order
        required = [c.name for c in TABLES[name].columns if c.required]
        assert set(required) <= set(cols), name
    schema = pq.read_schema(files["skm_responses"])
    assert {str(schema.field(f"u{i}").type) for i in range(1, 10)} == {"int8"}


def test_demo_loads_with_the_loader(demo_study):
    assert set(demo_study.tables) == set(TABLES)
    assert len(demo_study.agencies) == 31
    assert 100_000 <= len(demo_study.skm_responses) <= 200_000


def test_skm_answers_blanks_and_kranggan(demo_dir):
    skm = pd.read_parquet(demo_dir / "skm_responses.parquet")
    answers = skm[[f"u{i}" for i in range(1, 10)]]
    assert set(np.unique(answers.stack().dropna().to_numpy())) == {1, 2, 3, 4}
    blank = answers.isna().mean()
    assert blank["u4"] > 0.05 and blank["u8"] > 0.05 and blank[["u1", "u2", "u5"]].max() < 0.03
    agencies = pd.read_csv(demo_dir / "agencies.csv")
    kr = agencies.set_index("agency_id").loc["kec_kranggan"]
    assert kr["name"] == "Kecamatan Kranggan" and kr["established_on"] == "2016-06-20"
    assert agencies["city"].eq("Kota Mojokerto").all()
    dates = pd.to_datetime(skm.loc[skm["agency_id"] == "kec_kranggan", "survey_date"])
    assert dates.min() >= pd.Timestamp("2016-07-01")
    ind = pd.read_csv(demo_dir / "service_indicators.csv")
    assert ind.loc[ind["agency_id"] == "kec_kranggan", "period"].min() == "2016-07-01"
    when = pd.to_datetime(skm["survey_date"])
    per = skm.groupby(["agency_id", when.dt.year, when.dt.month >= 7]).size()
    assert per.min() >= 120  # respondents per agency and semester
    assert len(per) == 31 * 20 - 3  # every agency every semester, Kranggan from 2016H2


def test_innovation_dates_and_stages_are_consistent(demo_dir):
    inv = pd.read_csv(demo_dir / "innovations.csv")
    d = {
        c: pd.to_datetime(inv[c])
        for c in ("proposed_on", "trial_on", "launched_on", "discontinued_on")
    }
    assert (d["proposed_on"] <= d["trial_on"]).where(d["trial_on"].notna(), True).all()
    assert (d["trial_on"] <= d["launched_on"]).where(d["launched_on"].notna(), True).all()
    assert (
        (d["launched_on"] <= d["discontinued_on"]).where(d["discontinued_on"].notna(), True).all()
    )
    stage = np.where(
        d["launched_on"].notna(),
        "penerapan",
        np.where(d["trial_on"].notna(), "uji_coba", "inisiatif"),
    )
    assert (inv["iid_stage"] == stage).all()
    first = d["launched_on"].groupby(inv["agency_id"]).min()
    assert first.min() < pd.Timestamp("2018-04-02")  # a few before Labinov
    assert first.dt.year.between(2018, 2022).mean() > 0.7  # most 2018–2022
    assert inv["agency_id"].nunique() < 31 - 2  # some agencies never innovate at all
    assert d["discontinued_on"].notna().sum() >= 2
    for title in (
        "Palapa Mojo",
        "Lakon Kumis Mas Gege",
        "Bajak Sambal Terasi",
        "Gaman Majapahit",
        "Kencana Mojo",
        "Gempa Genting",
    ):
        assert title in set(inv["title"])
    assert inv["title"].is_unique


def test_readiness_dimensions_match_the_default_rubric(demo_dir):
    from innolab_analysis.metrics.readiness import load_rubric

    rd = pd.read_csv(demo_dir / "readiness.csv")
    assert set(rd["dimension"]) == set(load_rubric().dimension_names)
    assert rd["score"].between(1, 5).all()
    years = pd.to_datetime(rd["assessed_on"]).dt.year
    assert set(years) == {2018, 2021}
    assert rd.loc[years == 2018, "agency_id"].nunique() == 31


def test_truth_att_recovered_by_an_imputation_estimator(demo_study, truth):
    """TWFE fitted on untreated cells, averaged residual on treated cells = 'simple' ATT."""
    from innolab_analysis.studies.panel import agency_panel

    panel = agency_panel(demo_study, outcomes=["ikm", "processing_days"])
    codes = panel["agency_id"].astype("category").cat.codes.to_numpy()
    t = panel["period_index"].to_numpy() - 1
    X = np.zeros((len(panel), codes.max() + 1 + t.max() + 1))
    X[np.arange(len(panel)), codes] = 1
    X[np.arange(len(panel)), codes.max() + 1 + t] = 1
    untreated = panel["treated"].to_numpy() == 0
    for outcome, tol in (("ikm", 0.3), ("processing_days", 0.15)):
        y = panel[outcome].to_numpy()
        beta = np.linalg.lstsq(X[untreated], y[untreated], rcond=None)[0]
        att = (y[~untreated] - X[~untreated] @ beta).mean()
        assert att == pytest.approx(truth[outcome]["att_simple"], abs=tol), outcome
    assert truth["ikm"]["n_treated_post_cells"] == int((~untreated).sum())


def test_truth_aggregates_are_consistent(truth):
    ikm = truth["ikm"]
    cohorts = ikm["cohorts"]
    n = np.array([c["n_agencies"] for c in cohorts])
    k = np.array([c["n_post_periods"] for c in cohorts])
    post = np.array([c["att_post_mean"] for c in cohorts])
    # simple = group-size × periods weighted mean of the cohort means; group = size-weighted
    assert ikm["att_simple"] == pytest.approx((n * k * post).sum() / (n * k).sum(), abs=1e-5)
    assert ikm["att_group"] == pytest.approx((n * post).sum() / n.sum(), abs=1e-5)
    assert sum(n) == ikm["n_treated_agencies"] == 23
    assert ikm["n_never_treated_agencies"] == 8
    # dynamic effect grows over the first semesters, then stays (ramp 0.4, 0.7, 1)
    e = ikm["att_by_event_time"]
    assert e["0"] < e["1"] < e["2"]
    assert ikm["moderation_slope_per_sd"] > 0
    assert truth["processing_days"]["att_simple"] < 0
    assert ikm["mapping_check"]["max_abs_error"] < 0.1


def test_expected_ikm_matches_a_large_simulated_sample():
    from innolab_analysis.demo._agency import draw_answers, ikm_of, latent_for

    rng = np.random.default_rng(11)
    for target in (70.0, 88.0):
        mu = latent_for(np.array([target]))[0]
        assert ikm_of(draw_answers(rng, np.full(300_000, mu))) == pytest.approx(target, abs=0.1)


def test_sectors_sum_exactly_to_region_totals(demo_dir, regions):
    sec = pd.read_csv(demo_dir / "pdrb_sectors.csv", dtype={"region_code": str})
    assert sec.groupby(["region_code", "year"]).size().eq(17).all()
    sums = sec.groupby(["region_code", "year"])[["pdrb_adhb", "pdrb_adhk"]].sum()
    tot = regions.set_index(["region_code", "year"])[["pdrb_adhb", "pdrb_adhk"]]
    np.testing.assert_allclose(sums.loc[tot.index].to_numpy(), tot.to_numpy(), rtol=0, atol=1e-6)
    kk = regions[regions["kind"] != "provinsi"]
    prov = regions[regions["kind"] == "provinsi"].set_index("year")
    np.testing.assert_allclose(
        kk.groupby("year")["pdrb_adhk"].sum().to_numpy(), prov["pdrb_adhk"].to_numpy(), atol=1e-4
    )
    sby = sec[(sec["region_code"] == "3578") & (sec["year"] == 2023)].set_index("sector")
    share = sby["pdrb_adhb"] / sby["pdrb_adhb"].sum()
    assert share["G"] == pytest.approx(0.28, abs=0.02)
    assert share["C"] == pytest.approx(0.19, abs=0.02)
    assert share["I"] == pytest.approx(0.16, abs=0.02)


def test_regions_carry_the_published_anchors(regions):
    assert regions["region_code"].nunique() == 39  # 38 kabupaten/kota + the province
    codes = set(regions.loc[regions["kind"] != "provinsi", "region_code"])
    assert codes == {str(c) for c in range(3501, 3530)} | {str(c) for c in range(3571, 3580)}
    assert regions["year"].min() == 2010 and regions["year"].max() == 2024
    r = regions.set_index(["region_code", "year"])
    lpe = r["pdrb_adhk"].groupby(level=0).pct_change() * 100
    for year, value in {2018: 6.19, 2019: 6.09, 2020: -4.85, 2022: 6.51, 2024: 5.76}.items():
        assert lpe[("3578", year)] == pytest.approx(value, abs=0.01)
    assert r.loc[("3578", 2020), "pdrb_adhk"] == 390_930.0
    assert r.loc[("3578", 2024), "pdrb_adhk"] == pytest.approx(485_440, rel=1e-3)
    assert lpe[("3576", 2020)] == pytest.approx(-3.69, abs=0.01)
    assert lpe[("3576", 2022)] == pytest.approx(5.56, abs=0.01)
    assert r.loc[("3576", 2010), "population"] == 120_196
    assert r.loc[("3576", 2020), "population"] == 132_434
    share = r.loc[("3576", 2023), "pdrb_adhb"] / r.loc[("3500", 2023), "pdrb_adhb"]
    assert share == pytest.approx(0.0027, abs=0.0003)
    assert r.loc[("3576", 2023), "ipm"] == 80.90
    assert (regions["ipm_method"] == np.where(regions["year"] <= 2019, "lama", "sp2020lf")).all()
    km = r.loc["3576"]
    assert km.loc[2015, "travel_time_min"] == 120 and km.loc[2018, "travel_time_min"] == 45
    assert km.loc[2015, "distance_km"] == 50


def test_growth_elasticity_truth_matches_the_table(regions, truth):
    reg = truth["regional"]
    assert (reg["elasticity_before"], reg["elasticity_after"], reg["break_year"]) == (
        0.45,
        0.8,
        2018,
    )
    r = regions.set_index(["region_code", "year"])["pdrb_adhk"]
    g = {c: r.loc[c].pct_change() * 100 for c in ("3576", "3578")}
    for label, years in (("before", range(2011, 2018)), ("after", range(2018, 2025))):
        ys = list(years)
        slope, _ = np.polyfit(g["3578"].loc[ys], g["3576"].loc[ys], 1)
        assert slope == pytest.approx(reg["ols_on_generated_series"][label]["elasticity"], abs=0.01)
    assert (
        reg["ols_on_generated_series"]["after"]["elasticity"]
        > reg["ols_on_generated_series"]["before"]["elasticity"]
    )
    spill = reg["spillover_elasticity_other_regions"]
    assert {c for c, b in spill.items() if b > 0} == {"3515", "3516", "3524", "3525", "3526"}


def test_seed_sequence_children_do_not_depend_on_how_many_are_spawned():
    # The applications indicator draws from a 4th child stream; the first three must be the
    # streams the generator used before it existed, or every other table would change.
    three = np.random.SeedSequence(2018).spawn(3)
    four = np.random.SeedSequence(2018).spawn(4)
    for a, b in zip(three, four[:3]):
        assert (a.generate_state(8) == b.generate_state(8)).all()
    assert not (four[3].generate_state(8) == three[2].generate_state(8)).all()


def test_applications_indicator_gives_a_krejcie_morgan_population(demo_study):
    from innolab_analysis.metrics.skm import sample_adequacy

    ind = demo_study.service_indicators
    apps = ind.loc[ind["indicator"] == "applications"]
    assert len(apps) == 31 * 20 - 3  # every agency-semester cell, Kranggan from 2016H2
    assert (apps["unit"] == "count").all()
    assert (apps["value"] == apps["value"].round()).all() and apps["value"].min() > 0
    # appended after the other indicators, which keep their rows and order
    assert (ind["indicator"].iloc[: len(ind) - len(apps)] != "applications").all()
    assert ind["indicator"].iloc[len(ind) - len(apps) :].eq("applications").all()
    last = pd.Timestamp("2024-07-01")
    skm = demo_study.skm_responses
    sample = skm.loc[skm["survey_date"] >= last]
    users = apps.loc[apps["period"] == last].set_index("agency_id")["value"].astype(int)
    adequacy = sample_adequacy(sample, users, by="agency_id", include_adequate=True)
    short = int((~adequacy["adequate"]).sum())
    assert len(adequacy) == 31
    assert 0 < short < len(adequacy) / 2  # some units fall short, most do not (7 of 31)


# ----------------------------------------------------------------------------- budgets, 2nd city
def test_budgets_cover_part_of_the_units_and_match_the_truth(demo_study, truth):
    budgets, inv = demo_study.innovation_budgets, demo_study.innovations
    assert list(budgets.columns) == ["innovation_id", "year", "budget_rp"]
    owner = budgets["innovation_id"].map(inv.set_index("innovation_id")["agency_id"])
    b = truth["budgets"]
    assert sorted(owner.unique()) == b["units_with_budgets"]
    launched = sorted(inv.dropna(subset=["launched_on"])["agency_id"].unique())
    assert sorted(b["units_with_budgets"] + b["units_without_budgets"]) == launched
    assert 0.2 < len(b["units_with_budgets"]) / len(launched) < 0.8  # part of them, not all
    first = inv.dropna(subset=["launched_on"]).groupby("agency_id")["launched_on"].min().dt.year
    since = budgets[budgets["year"] >= owner.map(first)]
    totals = since.groupby(owner[since.index])["budget_rp"].sum()
    assert totals.to_dict() == b["total_rp_from_first_launch_year_to_2024"]
    assert (budgets["budget_rp"] % 1e6 == 0).all() and budgets["year"].between(2017, 2024).all()


@pytest.fixture(scope="module")
def pasuruan(repo_root):
    from innolab_analysis.data.study import load_study

    return load_study(repo_root / "data" / "demo_pasuruan")


def test_second_city_is_smaller_shares_unit_ids_and_has_smaller_effects(
    pasuruan, demo_study, repo_root
):
    from innolab_analysis.demo import CITY_TABLES

    assert set(pasuruan.tables) == set(CITY_TABLES)
    assert len(pasuruan.agencies) == 12 and set(pasuruan.agencies["city"]) == {"Kota Pasuruan"}
    shared = set(pasuruan.agencies["agency_id"]) & set(demo_study.agencies["agency_id"])
    assert {"rsud", "disdukcapil", "dpmptsp", "dishub"} <= shared
    names = pasuruan.agencies.set_index("agency_id")["name"]
    assert names["rsud"] == "RSUD dr. R. Soedarsono Kota Pasuruan"
    t2 = json.loads((repo_root / "data" / "demo_pasuruan" / "truth.json").read_text("utf-8"))
    t1 = json.loads((repo_root / "data" / "demo" / "truth.json").read_text("utf-8"))
    assert t2["city"]["effect_scale"] == 0.6 and t1["city"]["effect_scale"] == 1.0
    assert t2["ikm"]["theta_by_launch_year"]["2018"] == pytest.approx(0.6 * 4.0)
    assert "regional" not in t2 and "kranggan" not in t2["panel"]
    assert t2["ikm"]["att_simple"] < t1["ikm"]["att_simple"]


@pytest.mark.slow
def test_second_city_regeneration_is_byte_identical(tmp_path, repo_root):
    write_demo_study(tmp_path, city="pasuruan")
    shipped = repo_root / "data" / "demo_pasuruan"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in shipped.iterdir())
    for path in shipped.iterdir():
        new = (tmp_path / path.name).read_bytes()
        if path.suffix == ".parquet" and new != path.read_bytes():
            assert pq.read_table(tmp_path / path.name).equals(pq.read_table(path))
            continue
        assert new == path.read_bytes(), f"{path.name} differs: run make demo"


def test_unknown_city_is_refused():
    with pytest.raises(InnolabError) as err:
        simulate_study(city="surabaya")
    assert str(err.value) == "city must be one of ('mojokerto', 'pasuruan'), got 'surabaya'"
