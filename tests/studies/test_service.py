"""The service-quality study: numbers by hand, whole sentences in both languages, tables, figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.display import ReportTable
from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.service import ServiceQuality, service_quality

U = [f"u{i}" for i in range(1, 10)]


def _answers(agency: str, day: str, values: list[int], n: int = 4) -> pd.DataFrame:
    return pd.DataFrame(
        {"agency_id": agency, "survey_date": pd.Timestamp(day), **dict(zip(U, values))},
        index=range(n),
    )


@pytest.fixture(scope="module")
def tiny():
    """Two units, two semesters of 2023; every number below is computed by hand.

    2023-S1: unit a answers 4 everywhere, unit b 3 → city NRR 3.5 → IKM 87.50 (B).
    2023-S2: a answers 3 (IKM 75.00, C); b answers 2 except u9 = 1 (IKM 25·17/9 = 47.22, D);
    city NRR 2.5 for u1–u8 and 2.0 for u9 → IKM 25·22/9 = 61.11 (D), change −26.39.
    """
    responses = pd.concat(
        [
            _answers("a", "2023-03-01", [4] * 9),
            _answers("b", "2023-03-01", [3] * 9),
            _answers("a", "2023-09-01", [3] * 9),
            _answers("b", "2023-09-01", [2] * 8 + [1]),
            _answers("a", "2021-09-01", [1] * 9),  # outside the years asked for
        ],
        ignore_index=True,
    )
    agencies = pd.DataFrame({"agency_id": ["a", "b"], "name": ["Unit A", "Unit B"]})
    indicators = pd.DataFrame(
        {
            "agency_id": ["a", "b", "a", "b"],
            "period": pd.to_datetime(["2023-07-01", "2023-07-01", "2023-01-01", "2023-01-01"]),
            "indicator": "applications",
            "value": [4.0, 100.0, 999.0, 999.0],
            "unit": "count",
        }
    )
    return {"skm_responses": responses, "agencies": agencies, "service_indicators": indicators}


@pytest.fixture(scope="module")
def sq(tiny):
    return service_quality(tiny, start_year=2022, end_year=2023)


# ============================================================================ numbers
def test_indices_by_hand(sq):
    assert sq.city["ikm"].tolist() == [87.5, 61.11]
    assert sq.city["grade"].tolist() == ["B", "D"]
    latest = sq.latest.set_index("agency_id")
    assert latest.loc["a", "ikm"] == 75.0 and latest.loc["a", "grade"] == "C"
    assert latest.loc["b", "ikm"] == 47.22 and latest.loc["b", "grade"] == "D"
    assert latest.loc["b", "name"] == "Unit B"
    assert sq.n_respondents == 16 and sq.n_units == 2
    assert sq.period_label(sq.last_period) == "2023-S2"
    assert sq.weakest["element"].tolist() == ["u9", "u1", "u2"]  # ties in regulation order
    assert sq.elements["element"].tolist() == ["u9", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"]
    assert sq.elements["ikm_points_lost"].iloc[0] == pytest.approx(25 * 2 / 9)


def test_sample_adequacy_by_hand(sq):
    # Krejcie–Morgan: N = 100 → 80 (b surveyed 4: shortfall 76); N = 4 → 4 (a: adequate).
    a = sq.adequacy.set_index("agency_id")
    assert a.loc["b", ["population", "required", "achieved", "shortfall"]].tolist() == [
        100,
        80,
        4,
        76,
    ]
    assert a.loc["a", "required"] == 4 and bool(a.loc["a", "adequate"])
    assert sq.adequacy["agency_id"].tolist() == ["b", "a"]  # shortfalls first


def test_yearly_population_sums_the_year(tiny):
    res = service_quality(tiny, start_year=2022, end_year=2023, frequency="year")
    assert res.period_label(res.last_period) == "2023"
    assert res.city["ikm"].tolist() == [74.31]  # 25 · (8·3.0 + 2.75) / 9 = 74.305… → 74.31
    pop = res.adequacy.set_index("agency_id")["population"]
    assert pop.to_dict() == {"a": 1003, "b": 1099}


def test_effect_rows_and_summary(sq):
    rows = sq.effect_rows("service_quality")
    assert list(rows.columns) == list(EFFECT_COLUMNS)
    assert rows["term"].tolist() == ["2023-S2", "2023-S1"]  # latest first
    assert rows["estimate"].tolist() == [61.11, 87.5]
    assert rows["n_obs"].tolist() == [8, 8]
    assert set(rows["method"]) == {"skm_index"} and set(rows["level"]) == {"city"}
    assert rows[["std_error", "ci_lower", "ci_upper", "p_value"]].isna().all().all()
    assert set(rows["se_type"]) == {"none (descriptive index, no sampling error computed)"}
    assert sq.summary()["estimate"].tolist() == [61.11, 87.5]


def test_demo_city_ikm_by_hand_and_adequacy(demo_study):
    res = service_quality(demo_study)
    skm = demo_study.skm_responses
    last = skm.loc[skm["survey_date"] >= pd.Timestamp("2024-07-01"), U].to_numpy(float)
    by_hand = 25 * np.nanmean(last, axis=0).mean()
    assert res.city["ikm_unrounded"].iloc[-1] == pytest.approx(by_hand, abs=1e-9)
    assert res.city["ikm"].iloc[[0, -1]].tolist() == [77.57, 85.88]
    assert res.n_respondents == len(skm) and res.n_units == 31
    assert int((~res.adequacy["adequate"]).sum()) == 7 and len(res.adequacy) == 31
    assert res.findings("en")[0].text.startswith(
        "The city-wide IKM rose from 77.57 (grade B) in 2015-S1 to **85.88** (grade B) in "
        "2024-S2 (5,821 respondents). Grade B means *Good* service performance"
    )
    # the summary names four of the seven units short of the sample, the section all seven
    assert res.findings("en")[3].text == (
        "7 of 31 units are short of the Krejcie–Morgan minimum sample in 2024-S2, by 187 "
        "respondents in all: Badan Penanggulangan Bencana Daerah, Bagian Organisasi Sekretariat "
        "Daerah, Dinas Lingkungan Hidup, Kelurahan Kedundung and 3 other units. Their indices are "
        "less certain; the next survey needs more respondents there."
    )
    assert "Kecamatan Prajurit Kulon and UPT Puskesmas Blooto" in res.markdown("sample", "en")
    assert int(res.adequacy["shortfall"].sum()) == 187


def test_bootstrap_interval_in_rows_and_text(demo_study):
    res = service_quality(demo_study, start_year=2024, end_year=2024, bootstrap=50, seed=3)
    last = res.city.iloc[-1]
    assert last["ikm_ci_lower"] < last["ikm"] < last["ikm_ci_upper"]
    rows = res.effect_rows("sq")
    assert rows["ci_lower"].iloc[0] == last["ikm_ci_lower"]
    assert rows["se_type"].iloc[0] == (
        "percentile bootstrap, 50 replicates of respondents within period"
    )
    lo = f"{last['ikm_ci_lower']:.2f}".replace(".", ",")
    hi = f"{last['ikm_ci_upper']:.2f}".replace(".", ",")
    city = res.findings("id")[0]
    assert f"(selang kepercayaan 95% {lo} s.d. {hi})" in city.text
    assert (city.estimate, city.ci_lower, city.ci_upper) == (
        last["ikm"],
        last["ikm_ci_lower"],
        last["ikm_ci_upper"],
    )
    units = res.findings("en")[1].text
    assert "95% confidence interval" in units and (
        "Their confidence intervals overlap, so this order is not certain." in units
        or "Their confidence intervals do not overlap" in units
    )
    again = service_quality(demo_study, start_year=2024, end_year=2024, bootstrap=50, seed=3)
    pd.testing.assert_frame_equal(res.city, again.city)


# ============================================================================ words
def test_findings_in_english(sq):
    found = sq.findings("en")
    assert [f.key for f in found] == [
        "city_ikm",
        "units_ikm",
        "weakest_elements",
        "sample_adequacy",
    ]
    assert [f.text for f in found] == [
        "The city-wide IKM fell from 87.50 (grade B) in 2023-S1 to **61.11** (grade D) in "
        "2023-S2 (8 respondents). Grade D means *Very poor* service performance under Permen "
        "PANRB No. 14 Tahun 2017 (IKM 25.00 to 64.99); grade C starts at 65.00, 3.89 points "
        "above the city's value now.",
        "In 2023-S2 Unit A has the highest IKM (75.00, grade C; 4 respondents) and Unit B the "
        "lowest (47.22, grade D; 4 respondents, below the minimum sample of 80). Of the 2 units, "
        "1 has grade C and 1 has grade D. This report has no confidence intervals, so small gaps "
        "between units may be sampling chance.",
        "The weakest elements city-wide in 2023-S2: Facilities and infrastructure (mean score "
        "2.00 of 4); Requirements (mean score 2.50 of 4); Systems, mechanisms and procedures "
        "(mean score 2.50 of 4). If the weakest were rated 4 by every respondent, the city IKM "
        "would rise by 5.56 points.",
        "1 of 2 units is short of the Krejcie–Morgan minimum sample in 2023-S2, by 76 "
        "respondents: Unit B. Its IKM is less certain; the next survey needs more respondents "
        "there.",
    ]
    assert (found[0].estimate, found[0].ci_lower, found[0].outcome) == (61.11, None, "ikm")
    assert found[3].estimate == 1.0


def test_findings_in_indonesian_use_the_decimal_comma(sq):
    found = [f.text for f in sq.findings("id")]
    assert found[0] == (
        "IKM seluruh kota turun dari 87,50 (mutu B) pada 2023-S1 menjadi **61,11** (mutu D) pada "
        "2023-S2 (8 responden). Mutu D berarti kinerja unit pelayanan *Tidak baik* menurut "
        "Permen PANRB No. 14 Tahun 2017 (IKM 25,00 s.d. 64,99); mutu C dimulai pada 65,00, 3,89 "
        "poin di atas nilai kota sekarang."
    )
    assert found[2] == (
        "Unsur terlemah se-kota pada 2023-S2: Sarana dan prasarana (nilai rata-rata 2,00 dari "
        "4); Persyaratan (nilai rata-rata 2,50 dari 4); Sistem, Mekanisme, dan Prosedur (nilai "
        "rata-rata 2,50 dari 4). Bila unsur terlemah dinilai 4 oleh semua responden, IKM kota "
        "naik 5,56 poin."
    )
    assert found[3] == (
        "1 dari 2 unit belum mencapai ukuran sampel minimum Krejcie–Morgan pada 2023-S2, kurang "
        "76 responden seluruhnya: Unit B. IKM unit tersebut kurang pasti; survei berikutnya "
        "perlu lebih banyak responden di sana."
    )


def test_sections_in_both_languages(sq):
    assert sq.SECTIONS == ("summary", "data", "city", "agencies", "elements", "sample")
    assert sq.markdown("city", "en") == (
        "## City\\-wide IKM by period\n\nThe city-wide IKM in 2023-S2 is **61.11** (8 "
        "respondents), grade **D** (Very poor); in 2023-S1 it was 87.50 (grade B), a change of "
        "-26.39 points. The highest value in this span is 87.50 (2023-S1), the lowest 61.11 "
        "(2023-S2).\n"
    )
    assert sq.markdown("city", "id") == (
        "## IKM kota per periode\n\nIKM seluruh kota pada 2023-S2 adalah **61,11** (8 "
        "responden), mutu **D** (Tidak baik); pada 2023-S1 nilainya 87,50 (mutu B), selisih "
        "-26,39 poin. Nilai tertinggi dalam rentang ini 87,50 (2023-S1), terendah 61,11 "
        "(2023-S2).\n"
    )
    assert sq.markdown("agencies", "id") == (
        "## IKM per unit layanan\n\nGambar dan tabel berikut memuat IKM setiap unit pada "
        "2023-S2, dari 47,22 (Unit B) sampai 75,00 (Unit A); IKM seluruh kota 61,11. Dari 2 "
        "unit, 1 bermutu C dan 1 bermutu D. Titik kosong menandai unit yang sampelnya belum "
        "mencapai ukuran minimum Krejcie–Morgan.\n"
    )
    # ties between elements are read in regulation order: unit a (all 3) → U1, unit b → U9
    assert sq.markdown("elements", "en").endswith(
        "In 1 of 2 units the weakest element is Requirements.\n"
    )
    summary = sq.markdown("summary", "en")
    assert summary.startswith("## Summary\n\n- The city-wide IKM fell from 87.50")
    assert summary.count("\n- ") == 4


def test_data_section_and_sources(sq):
    assert sq.markdown("data", "en") == (
        "## Survey data\n\nThe analysis uses **16** answers to the community satisfaction survey "
        "(SKM) from **2** service units, 2022–2023, grouped by half-year. The index follows "
        "Permen PANRB No. 14 Tahun 2017: the mean score (NRR) of each element over the "
        "respondents who answered it, the same weight for every element, times 25 and rounded to "
        "two decimals; the service grade is read from that regulation's interval table. This "
        "report has no confidence intervals (the bootstrap was not run); every IKM comes with its "
        "number of respondents.\n"
    )
    assert sq.sources is None and sq.table("sources", "en").data.empty


@dataclass(frozen=True)
class _Recognition:
    """Stand-in for the data layer's recognition record (same field names)."""

    table: str
    source: str
    kind: str
    source_value: str
    canonical: str
    n_rows: int


def test_recognitions_are_rendered_in_the_data_section(tiny):
    records = [
        _Recognition("skm_responses", "form.csv", "column", "Stempel waktu", "survey_date", 16),
        {"table": "skm_responses", "source": "form.csv", "kind": "value",
         "source_value": "Sangat sesuai", "canonical": "4", "n_rows": 5},
        _Recognition("agencies", "opd.xlsx", "new_kind", "<b>x</b>", "name", 2),
    ]  # fmt: skip
    res = service_quality({**tiny, "recognitions": records}, start_year=2022, end_year=2023)
    assert res.markdown("data", "en").endswith(
        "\n\nThe data loader recognised 3 items automatically in the source files (column "
        "headers, values, derived columns), listed in the table below; check that every mapping "
        "is right.\n"
    )
    assert "Pemuat data mengenali 3 hal secara otomatis" in res.markdown("data", "id")
    table = res.table("sources", "id")
    assert table.to_frame().values.tolist() == [
        ["Jawaban SKM", "form.csv", "Judul kolom", "Stempel waktu", "Tanggal survei", "16"],
        ["Jawaban SKM", "form.csv", "Nilai", "Sangat sesuai", "4", "5"],
        ["Unit layanan", "opd.xlsx", "Lainnya", "<b>x</b>", "name", "2"],
    ]
    assert list(table.columns.values()) == [
        "Tabel", "Sumber", "Dikenali sebagai", "Di sumber", "Dalam model data", "Baris",
    ]  # fmt: skip
    html = table._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_sample_adequacy_cannot_be_assessed_without_users(tiny):
    study = {k: v for k, v in tiny.items() if k != "service_indicators"}
    res = service_quality(study, start_year=2022, end_year=2023)
    assert res.adequacy is None
    message = (
        "Sample adequacy (Krejcie–Morgan table) cannot be assessed: the data hold no count of "
        "service users per unit. Add the number of applications per unit and period to the "
        "service indicators."
    )
    assert res.markdown("sample", "en") == f"## Sample adequacy\n\n{message}\n"
    assert res.findings("en")[3].text == message and res.findings("en")[3].estimate is None
    assert res.diagnostics[0].message.id.startswith(
        "Kecukupan sampel (tabel Krejcie–Morgan) tidak dapat dinilai"
    )
    assert res.table("sample", "en").data.empty
    assert "Hollow dots" not in res.markdown("agencies", "en")


def test_units_without_users_are_named(tiny):
    ind = tiny["service_indicators"]
    study = {**tiny, "service_indicators": ind.loc[ind["agency_id"] != "a"]}
    res = service_quality(study, start_year=2022, end_year=2023)
    assert res.adequacy["agency_id"].tolist() == ["b"]
    (note,) = [d for d in res.diagnostics if d.code == "sample_adequacy_missing_users"]
    assert note.message.en == (
        "1 unit has no count of service users in 2023-S2, so its sample adequacy is not "
        "assessed: Unit A."
    )
    assert note.message.id == (
        "1 unit tanpa jumlah pengguna layanan pada 2023-S2, jadi kecukupan sampelnya tidak "
        "dinilai: Unit A."
    )
    assert res.markdown("sample", "en").endswith(f"\n\n{note.message.en}\n")


def test_names_from_data_are_escaped(tiny):
    agencies = pd.DataFrame({"agency_id": ["a", "b"], "name": ["<script>x</script>", "**B**"]})
    res = service_quality({**tiny, "agencies": agencies}, start_year=2022, end_year=2023)
    text = res.findings("en")[1].text
    assert "\\<script\\>x\\</script\\>" in text and "\\*\\*B\\*\\*" in text
    assert "<script>" not in res.markdown("agencies", "en")
    html = res.table("agencies", "en")._repr_html_()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert res.alt_text("agencies", "en").startswith(
        "IKM of 2 service units in 2023-S2, from 47.22 (**B**) to 75.00 (<script>x</script>)."
    )  # alt text is plain text: the page escapes it as an attribute


# ============================================================================ tables
def test_tables_are_localised(sq):
    city = sq.table("city", "id")
    assert isinstance(city, ReportTable) and city.caption == "IKM seluruh kota per semester"
    assert city.to_frame().values.tolist() == [
        ["2023-S1", "8", "87,50", "B", "Baik"],
        ["2023-S2", "8", "61,11", "D", "Tidak baik"],
    ]
    assert list(city.columns.values()) == ["Periode", "Responden", "IKM", "Mutu", "Kinerja"]
    units = sq.table("agencies", "en").to_frame()
    assert units.columns.tolist() == ["Service unit", "Respondents", "IKM", "Grade", "Performance"]
    assert units.values.tolist() == [
        ["Unit A", "4", "75.00", "C", "Poor"],
        ["Unit B", "4", "47.22", "D", "Very poor"],
    ]
    elements = sq.table("elements", "id").to_frame()
    assert elements.iloc[0].tolist() == ["U9 · Sarana dan prasarana", "2,00", "5,56"]
    sample = sq.table("sample", "id").to_frame()
    assert sample.iloc[0].tolist() == ["Unit B", "100", "80", "4", "76", "Tidak"]
    assert sample.iloc[1, -1] == "Ya"


# ============================================================================ figures
def test_figures_read_as_their_alt_text(sq):
    ax = sq.plot("agencies", language="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Unit B", "Unit A"]
    assert ax.get_xlabel() == "IKM (scale 25–100)"
    assert ax.get_xlim()[0] >= 25 and ax.get_xlim()[1] <= 100
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "Unit IKM",
        "Unit IKM, sample below the Krejcie–Morgan minimum",
        "City-wide IKM (61.11)",
    ]
    bands = [t.get_text() for t in ax.texts]
    assert any(b.startswith("Grade D") for b in bands) and any("C" in b for b in bands)
    ax = sq.plot("city", language="id")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023-S1", "2023-S2"]
    assert ax.yaxis.get_major_formatter()(77.5, 0) == "78"
    ax = sq.plot("elements", language="id")
    assert len(ax.get_xticklabels()) == 9
    assert ax.get_xticklabels()[7].get_text() == "U8\nPenanganan\nPengaduan,\nSaran dan\nMasukan"
    assert sq.alt_text("city", "id") == (
        "IKM seluruh kota per semester dari 87,50 pada 2023-S1 (mutu B) sampai 61,11 pada "
        "2023-S2 (mutu D), terendah 61,11 dan tertinggi 87,50."
    )
    assert sq.figure("elements", "en").alt == (
        "Mean scores of 9 elements for 2 units in 2023-S2, from 1.00 to 3.00; weakest element "
        "city-wide: Facilities and infrastructure."
    )


# ============================================================================ errors
def test_errors(tiny, sq):
    with pytest.raises(ParamsError) as err:
        service_quality(tiny, start_year=2024, end_year=2022)
    assert err.value.problems[0].message == (
        "start_year must not be after end_year, got start_year=2024 and end_year=2022; swap them"
    )
    with pytest.raises(DataValidationError) as err:
        service_quality(tiny, start_year=2010, end_year=2012)
    assert err.value.problems[0].message == (
        "no SKM responses in 2010–2012; the survey dates run from 2021-09-01 to 2023-09-01: "
        "choose start_year and end_year inside them"
    )
    with pytest.raises(ParamsError, match="frequency"):
        service_quality(tiny, frequency="month")
    with pytest.raises(ParamsError, match="standard"):
        service_quality(tiny, standard="2019")
    with pytest.raises(ParamsError) as err:
        sq.markdown("budget", "en")
    assert err.value.problems[0].message == (
        "section must be one of ('summary', 'data', 'city', 'agencies', 'elements', 'sample'), "
        "got 'budget'"
    )
    with pytest.raises(ParamsError, match="language"):
        sq.markdown("data", "fr")
    with pytest.raises(ParamsError, match="kind must be one of"):
        sq.alt_text("map", "en")


def test_input_not_modified(tiny):
    before = tiny["skm_responses"].copy()
    service_quality(tiny, start_year=2022, end_year=2023)
    pd.testing.assert_frame_equal(tiny["skm_responses"], before)


def test_the_result_is_a_study_result(sq):
    from innolab_analysis.studies._contract import StudyResult

    assert isinstance(sq, StudyResult) and isinstance(sq, ServiceQuality)
    assert sq.headline("en") == sq.findings("en")[0].text
