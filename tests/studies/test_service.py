"""The service-quality study bundle: numbers by hand, the narrative in both languages, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.service import SERVICE_SECTIONS, service_quality

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


def test_markdown_english(sq):
    md = {s: sq.markdown(s, "en") for s in SERVICE_SECTIONS}
    assert md["data"] == (
        "## Survey data\n\nThe analysis uses **16** SKM respondents from **2** service units, "
        "2022–2023, grouped by semester. The index follows the **2017** standard "
        "(Permen PANRB 14/2017 for '2017')."
    )
    assert md["city"] == (
        "## City-wide IKM by period\n\nThe city-wide IKM in 2023-S2 is **61.11**, grade **D** "
        "(Very poor); in 2023-S1 it was 87.50 (B), a change of -26.39 points."
    )
    assert md["agencies"] == (
        "## IKM by service unit\n\nIn 2023-S2 the highest index is **Unit A** (75.00, C) and "
        "the lowest **Unit B** (47.22, D). Grades: A: 0, B: 0, C: 1, D: 1."
    )
    assert md["elements"] == (
        "## Service elements\n\nWeakest elements city-wide in 2023-S2: Facilities "
        "(NRR 2.00); Requirements (NRR 2.50); Procedures (NRR 2.50)."
    )
    assert md["sample"] == (
        "## Sample adequacy\n\n1 of 2 units fall short of the Krejcie–Morgan sample size. "
        "They are: Unit B. Population: service users in 2023-S2 (indicator `applications`); "
        "sample: the SKM respondents of the same period."
    )


def test_markdown_indonesian_uses_the_decimal_comma(sq):
    assert sq.markdown("city", "id") == (
        "## IKM kota per periode\n\nIKM seluruh kota pada 2023-S2 adalah **61,11**, mutu **D** "
        "(Tidak baik); pada 2023-S1 nilainya 87,50 (B), berubah -26,39 poin."
    )
    assert sq.markdown("sample", "id") == (
        "## Kecukupan sampel\n\n1 dari 2 unit belum mencapai ukuran sampel Krejcie–Morgan. "
        "Unit tersebut: Unit B. Populasi: jumlah pengguna layanan pada 2023-S2 (indikator "
        "`applications`); sampel: responden SKM periode yang sama."
    )
    assert sq.markdown("elements", "id") == (
        "## Unsur pelayanan\n\nUnsur terlemah se-kota pada 2023-S2: Sarana dan prasarana "
        "(NRR 2,00); Persyaratan (NRR 2,50); Sistem, Mekanisme, dan Prosedur (NRR 2,50)."
    )


def test_sample_adequacy_cannot_be_assessed_without_users(tiny):
    study = {k: v for k, v in tiny.items() if k != "service_indicators"}
    res = service_quality(study, start_year=2022, end_year=2023)
    assert res.adequacy is None
    assert res.markdown("sample", "en") == (
        "## Sample adequacy\n\nSample adequacy (Krejcie–Morgan table) cannot be assessed: the "
        "data hold no count of service users per unit (indicator `applications` in "
        "`service_indicators`)."
    )
    assert res.markdown("sample", "id").startswith(
        "## Kecukupan sampel\n\nKecukupan sampel (tabel Krejcie–Morgan) tidak dapat dinilai"
    )


def test_units_without_users_are_named(tiny):
    ind = tiny["service_indicators"]
    study = {**tiny, "service_indicators": ind.loc[ind["agency_id"] != "a"]}
    res = service_quality(study, start_year=2022, end_year=2023)
    assert res.adequacy["agency_id"].tolist() == ["b"]
    (note,) = [d for d in res.diagnostics if d.code == "sample_adequacy_missing_users"]
    assert note.message.en == (
        "Units without a count of service users in 2023-S2, so their sample adequacy is not "
        "assessed: a."
    )


def test_yearly_population_sums_the_year(tiny):
    res = service_quality(tiny, start_year=2022, end_year=2023, frequency="year")
    assert res.period_label(res.last_period) == "2023"
    assert res.city["ikm"].tolist() == [74.31]  # 25 · (8·3.0 + 2.75) / 9 = 74.305… → 74.31
    pop = res.adequacy.set_index("agency_id")["population"]
    assert pop.to_dict() == {"a": 1003, "b": 1099}


def test_effect_rows(sq):
    rows = sq.effect_rows("service_quality")
    assert list(rows.columns) == list(EFFECT_COLUMNS)
    assert rows["term"].tolist() == ["2023-S2", "2023-S1"]  # latest first
    assert rows["estimate"].tolist() == [61.11, 87.5]
    assert rows["n_obs"].tolist() == [8, 8]
    assert set(rows["method"]) == {"skm_index"} and set(rows["level"]) == {"city"}
    assert rows[["std_error", "ci_lower", "ci_upper", "p_value"]].isna().all().all()
    assert set(rows["se_type"]) == {"none (descriptive index, no sampling error computed)"}


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
    assert f"(selang kepercayaan 95% bootstrap {lo}–" in res.markdown("city", "id")
    again = service_quality(demo_study, start_year=2024, end_year=2024, bootstrap=50, seed=3)
    pd.testing.assert_frame_equal(res.city, again.city)


def test_demo_city_ikm_by_hand_and_adequacy(demo_study):
    res = service_quality(demo_study)
    skm = demo_study.skm_responses
    last = skm.loc[skm["survey_date"] >= pd.Timestamp("2024-07-01"), U].to_numpy(float)
    by_hand = 25 * np.nanmean(last, axis=0).mean()
    assert res.city["ikm_unrounded"].iloc[-1] == pytest.approx(by_hand, abs=1e-9)
    assert res.n_respondents == len(skm) and res.n_units == 31
    short = int((~res.adequacy["adequate"]).sum())
    assert len(res.adequacy) == 31 and 0 < short < 31 / 2
    assert res.markdown("sample", "en").startswith(f"## Sample adequacy\n\n{short} of 31 units")


def test_plots_return_axes(sq):
    ax = sq.plot_agencies(language="en")
    assert ax.get_title() == "2023-S2"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Unit B", "Unit A"]
    ax = sq.plot_elements(language="id")
    assert len(ax.get_xticklabels()) == 9


def test_city_table_for_display(sq):
    table = sq.city_table("id")
    assert table.columns.tolist() == ["period", "n_respondents", "ikm", "grade", "label_id"]
    assert table["period"].tolist() == ["2023-S1", "2023-S2"]


def test_errors(tiny):
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
    res = service_quality(tiny, start_year=2022, end_year=2023)
    with pytest.raises(ParamsError) as err:
        res.markdown("summary", "en")
    assert err.value.problems[0].message == (
        "section must be one of ('data', 'city', 'agencies', 'elements', 'sample'), got 'summary'"
    )
    with pytest.raises(ParamsError, match="language"):
        res.markdown("data", "fr")


def test_input_not_modified(tiny):
    before = tiny["skm_responses"].copy()
    service_quality(tiny, start_year=2022, end_year=2023)
    pd.testing.assert_frame_equal(tiny["skm_responses"], before)
