"""The innovation portfolio on the demo: numbers from the tables, sentences quoting them, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from innolab_analysis.errors import InnolabError, ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.portfolio import innovation_portfolio


@pytest.fixture(scope="module")
def portfolio(demo_study):
    return innovation_portfolio(demo_study, start_year=2015, end_year=2024)


# ============================================================================ numbers
def test_coverage_counts_match_a_direct_count(portfolio, demo_study):
    inn = demo_study.innovations
    launched = pd.to_datetime(inn["launched_on"])
    stopped = pd.to_datetime(inn["discontinued_on"])
    active = launched.le("2024-12-31") & (stopped.isna() | stopped.ge("2024-01-01"))
    last = portfolio.coverage.iloc[-1]
    assert int(last["n_with_innovation"]) == inn.loc[active, "agency_id"].nunique() == 23
    assert int(last["n_agencies"]) == 31
    assert portfolio.coverage["year"].tolist() == list(range(2015, 2025))


def test_funnels_stack_both_schemes(portfolio, demo_study):
    f = portfolio.funnel
    iid = f[f["scheme"] == "iid"]
    assert iid["n_reached"].tolist()[0] == len(demo_study.innovations) == 51
    assert iid["n_reached"].iloc[-1] == (demo_study.innovations["iid_stage"] == "penerapan").sum()
    lab = f[f["scheme"] == "labinov"]
    assert lab["n_reached"].iloc[0] == demo_study.innovations["labinov_stage"].notna().sum()


def test_readiness_is_the_latest_assessment_per_agency(portfolio, demo_study):
    r = portfolio.readiness
    assert len(r) == demo_study.agencies["agency_id"].nunique()
    latest = (
        pd.to_datetime(demo_study.readiness["assessed_on"])
        .groupby(demo_study.readiness["agency_id"])
        .max()
    )
    assert (r.set_index("agency_id")["assessed_on"] == latest.reindex(r["agency_id"]).values).all()
    # an end year before the second round keeps the 2018 assessments only
    early = innovation_portfolio(demo_study, start_year=2015, end_year=2019)
    assert early.readiness["assessed_on"].dt.year.max() == 2018
    assert early.readiness_change is None and early.n_assessments == 31


def test_readiness_change_of_units_assessed_twice(portfolio, demo_study):
    twice = demo_study.readiness.groupby("agency_id")["assessed_on"].nunique()
    change = portfolio.readiness_change
    assert sorted(change["agency_id"]) == sorted(twice[twice > 1].index) and len(change) == 18
    assert portfolio.n_assessments == 31 + 18
    assert (change["change"] == change["last"] - change["first"]).all()
    assert (change["first_on"] < change["last_on"]).all()


def test_survival_interval_is_the_log_log_one(portfolio):
    s = portfolio.survival.set_index("years")
    row = s.loc[3.0]
    assert row["survival"] == pytest.approx(0.876488, abs=1e-6)  # the KM value of the metric
    z = stats.norm.ppf(0.975)
    theta = np.log(-np.log(row["survival"]))
    sigma = row["std_error"] / (row["survival"] * abs(np.log(row["survival"])))
    assert row["survival_ci_lower"] == pytest.approx(np.exp(-np.exp(theta + z * sigma)))
    assert row["survival_ci_upper"] == pytest.approx(np.exp(-np.exp(theta - z * sigma)))
    assert row["survival_ci_lower"] < row["survival"] < row["survival_ci_upper"] < 1
    assert (
        round(row["survival_ci_lower"], 4) == 0.7274
        and round(row["survival_ci_upper"], 4) == 0.9469
    )
    # no event by one year: S = 1 has no interval
    assert s.loc[1.0, "survival"] == 1 and np.isnan(s.loc[1.0, "survival_ci_lower"])
    assert int(row["n_followed"]) == 45


def test_effect_rows_are_the_headlines(portfolio):
    rows = portfolio.effect_rows("demo")
    assert list(rows.columns) == list(EFFECT_COLUMNS)
    assert rows["outcome"].tolist() == [
        "oaoi_coverage_pct",
        "active_innovations",
        "iid_penerapan_pct",
        "days_to_launch",
        "survival_3y_pct",
        "readiness_index",
    ]
    assert rows["estimate"].round(4).tolist() == [
        round(100 * 23 / 31, 4),
        40.0,
        round(100 * 45 / 51, 4),
        272.0,
        round(100 * portfolio.survival.set_index("years").loc[3.0, "survival"], 4),
        round(portfolio.readiness["readiness_index"].mean(), 4),
    ]
    assert rows["n_obs"].tolist() == [31, 51, 51, 45, 45, 31]
    assert set(rows["level"]) == {"city"} and set(rows["study"]) == {"demo"}
    survival = rows.iloc[4]
    assert survival["ci_lower"] < survival["estimate"] < survival["ci_upper"]
    assert portfolio.summary()["term"].iloc[0] == "oaoi_coverage_pct:2024"


# ============================================================================ words
def test_findings_quote_the_numbers(portfolio):
    found = {f.key: f for f in portfolio.findings("en")}
    assert list(found) == ["oaoi_coverage", "iid_stages", "flow", "survival", "readiness"]
    assert found["oaoi_coverage"].text == (
        "In 2024, **23 of 31 units** (74%) had at least one active innovation (2015: 0%); this is "
        "a count of every unit, not a sample. The One Agency One Innovation target — at least one "
        "innovation in every unit — is not met yet: 8 units have none: Badan Penanggulangan "
        "Bencana Daerah; Dinas Pendidikan dan Kebudayaan; Dinas Pertanian, Ketahanan Pangan dan "
        "Perikanan; Dinas Pekerjaan Umum dan Penataan Ruang, Perumahan Rakyat dan Kawasan "
        "Permukiman and 4 other units."
    )
    assert (
        portfolio.markdown("coverage", "en")
        .rstrip()
        .endswith("Inspektorat Daerah; Kelurahan Kedundung; Kelurahan Miji and Sekretariat DPRD.")
    )  # the section names every one
    assert found["iid_stages"].text == (
        "Of 51 recorded innovations, **45 (88%)** are at the implementation stage, the only stage "
        "the Regional Innovation Index (IID) of the Ministry of Home Affairs scores; 4 are in "
        "trial and 2 are initiatives. 16 innovations went through LAN's Innovation Laboratory "
        "(5D) and 13 of them reached its last stage, Display."
    )
    assert found["survival"].text == (
        "Of the 45 innovations launched by the end of 2024, **88%** were still running 3 years "
        "after launch (95% confidence interval 73% to 95%; Kaplan–Meier); 5 were stopped within "
        "their first 3 years. The 5-year figure (88%) rests on the 12 innovations followed that "
        "long."
    )
    survival = found["survival"]
    assert survival.ci_lower < survival.estimate < survival.ci_upper
    idn = {f.key: f.text for f in portfolio.findings("id")}
    assert idn["flow"] == (
        "Dalam 2015–2024 diterapkan **45** inovasi, terbanyak pada 2021 (12), dan 5 dihentikan; "
        "pada akhir 2024 ada 40 inovasi aktif. Dari usulan sampai penerapan diperlukan median "
        "272 hari (separuh inovasi antara 212 dan 350 hari)."
    )


def test_readiness_says_the_rubric_is_ours(portfolio, tmp_path):
    mean = portfolio.readiness["readiness_index"].mean()
    idn = portfolio.findings("id")[4].text
    assert idn.startswith(
        f"Indeks kesiapan berinovasi rata-rata **{mean:.1f}** dari 100".replace(".", ",", 1)
    )
    assert idn.endswith(
        "Rubriknya buatan innolab, **bukan rubrik resmi LAN** (Panduan Penilaian Innovation "
        "Readiness Level LAN tidak publik): gunakan untuk membandingkan unit, bukan sebagai "
        "tingkat kesiapan resmi."
    )
    assert "Komitmen pimpinan (bobot 25% dari indeks) di bawah ambang 50 pada 9 unit: " in idn
    assert (
        portfolio.markdown("readiness", "en")
        .rstrip()
        .endswith(
            "18 units were assessed more than once; their index rose in every one of them, by +5.7 "
            "points on average between the first and the latest assessment."
        )
    )


def test_a_rubric_of_the_study_is_not_called_ours(demo_study, tmp_path):
    from pathlib import Path

    import innolab_analysis.metrics as metrics

    source = Path(metrics.__file__).parent / "rubrics" / "default_readiness.yaml"
    mine = tmp_path / "city_rubric.yaml"
    mine.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    res = innovation_portfolio(demo_study, rubric=str(mine))
    assert res.findings("en")[4].text.endswith(
        "The rubric comes from the file city\\_rubric\\.yaml given with this study; read these "
        "numbers as official readiness levels only if that rubric is LAN's official one."
    )


def test_iid_predicate_when_scores_are_given(demo_study):
    res = innovation_portfolio(demo_study, iid_scores={2023: 84.46, 2024: 92.25})
    last = res.findings("en")[-1]
    assert last.key == "iid" and last.estimate == 92.25
    assert last.text == (
        "The city's Regional Innovation Index (IID) was 92.25 in 2024: predicate **Sangat "
        "Inovatif (very innovative)** (the 2024 threshold of Sangat Inovatif: 60.01)."
    )
    assert res.findings("id")[-1].text == (
        "Skor Indeks Inovasi Daerah (IID) kota 92,25 pada 2024: predikat **Sangat Inovatif** "
        "(ambang Sangat Inovatif 2024: 60,01)."
    )
    assert res.iid["predicate"].tolist() == ["sangat_inovatif", "sangat_inovatif"]
    # 2025 is stricter: 60,39 is Sangat Inovatif in 2023 but Inovatif in 2025
    strict = innovation_portfolio(demo_study, iid_scores={2025: 60.39})
    assert "predikat **Inovatif**" in strict.findings("id")[-1].text
    old = innovation_portfolio(demo_study, iid_scores={2022: 77.73})
    assert old.findings("en")[-1].text == (
        "The city's Regional Innovation Index (IID) was 77.73 in 2022; the predicate thresholds "
        "of that year are not stored, so no predicate is read here."
    )
    with pytest.raises(InnolabError, match=r"must lie in \[0, 100\], got 120 for 2024"):
        innovation_portfolio(demo_study, iid_scores={2024: 120})


def test_sections_render_in_both_languages(portfolio):
    assert portfolio.SECTIONS[0] == "summary" and "data" in portfolio.SECTIONS
    assert portfolio.markdown("mix", "en") == (
        "## Innovation mix\n\nShares are of the innovations that fill in the dimension. Origin: "
        "Original 75%, Adaptation 14% and Modification 12%. Form: Public service 71%, Local "
        "governance 20% and Other (by government affair) 10%. Type: Digital 51% and Non-digital "
        "49%.\n"
    )
    assert portfolio.markdown("speed", "id") == (
        "## Kecepatan penerapan\n\nDari usulan sampai penerapan diperlukan median **272** hari "
        "(kuartil 212 s.d. 350 hari; tercepat 111, terlama 396 hari); 45 dari 51 usulan sudah "
        "diterapkan.\n"
    )
    assert "Inspektorat Daerah" in portfolio.markdown("coverage", "en")
    for section in portfolio.SECTIONS:
        assert portfolio.markdown(section, "id") != portfolio.markdown(section, "en")


def test_tables_are_localised(portfolio):
    mix = portfolio.table("mix", "id").to_frame()
    assert mix.columns.tolist() == ["Dimensi", "Kategori", "Inovasi", "Pangsa"]
    assert mix.iloc[0].tolist() == ["Asal gagasan", "Orisinal", "38", "75%"]
    assert mix.iloc[-1].tolist() == ["Jenis inovasi", "Non digital", "25", "49%"]
    survival = portfolio.table("survival", "id")
    assert survival.to_frame().iloc[2].tolist() == ["3", "87,6%", "72,7%", "94,7%", "31", "5"]
    assert survival.all_notes() == (
        "— berarti nilai tidak tersedia: belum ada inovasi yang diamati selama itu, atau belum ada "
        "yang dihentikan sehingga selang tidak terdefinisi",
    )
    readiness = portfolio.table("readiness", "en").to_frame()
    assert readiness.columns.tolist() == [
        "Service unit",
        "Assessed on",
        "Readiness index (0–100)",
        "Leadership commitment (0–100)",
        "Leadership below the threshold",
    ]
    assert readiness.iloc[0].tolist() == [
        "Dinas Kependudukan dan Pencatatan Sipil", "3 July 2021", "88.0", "92.5", "No",
    ]  # fmt: skip
    funnel = portfolio.table("funnel", "en").to_frame()
    assert funnel.iloc[2].tolist() == [
        "Regional innovation stages (IID)", "Implementation", "45", "88%", "92%",
    ]  # fmt: skip


def test_figures(portfolio):
    ax = portfolio.plot("readiness", language="en")
    assert ax.get_xlabel() == "Score (0–100)" and ax.get_xlim() == (0.0, 100.0)
    assert len(ax.get_yticklabels()) == len(portfolio.readiness)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Readiness index",
        "Leadership commitment",
        "Leadership commitment, below the threshold",
        "Threshold of Leadership commitment (50)",
    ]
    ax = portfolio.plot("coverage", language="id")
    assert ax.get_ylim()[0] == 0 and [t.get_text() for t in ax.texts][-1] == (
        "Cakupan penuh (setiap unit punya inovasi)"
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2015, 2025)]
    ax = portfolio.plot("funnel", language="en")
    assert ax.get_xlim()[0] == 0
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == [
        "Regional innovation stages (IID)",
        "Initiative",
    ]
    assert portfolio.alt_text("flow", "en") == (
        "Innovations launched by year, 2015–2024: 45 in all, most 12 in 2021; 5 stopped; 40 "
        "active at the end of 2024."
    )


def test_without_readiness(demo_study):
    study = {t: getattr(demo_study, t) for t in ("agencies", "innovations")}
    res = innovation_portfolio(study)
    assert res.readiness is None and res.diagnostics[0].code == "no_readiness"
    assert res.findings("en")[4].text == (
        "The study holds no innovation-readiness assessments, so the units' readiness cannot be "
        "compared."
    )
    assert res.table("readiness", "en").data.empty
    assert [r for r in res.effect_rows("x")["outcome"]][-1] == "survival_3y_pct"
    assert (
        res.alt_text("readiness", "id") == "Studi ini tidak memuat penilaian kesiapan berinovasi."
    )


def test_bad_inputs_raise_whole_messages(portfolio, demo_study):
    with pytest.raises(ParamsError) as info:
        innovation_portfolio(demo_study, start_year=2024, end_year=2015)
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n  - start_year (2024) is after end_year (2015); swap them"
    )
    with pytest.raises(ParamsError) as info:
        portfolio.markdown("budget", "en")
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'section': section must be one of ('summary', 'data', 'coverage', 'flow', "
        "'funnel', 'mix', 'speed', 'survival', 'readiness'), got 'budget'; allowed: summary, "
        "data, coverage, flow, funnel, mix, speed, survival, readiness"
    )
