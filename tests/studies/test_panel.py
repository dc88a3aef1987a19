"""agency_panel: cohorts from administrative dates, on a tiny hand-built study and on the demo."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError
from innolab_analysis.studies.panel import agency_panel, period_start


def _answers(rows: list[list[int | None]]) -> dict[str, list]:
    return {f"u{k + 1}": [r[k] for r in rows] for k in range(9)}


@pytest.fixture
def tiny() -> dict[str, pd.DataFrame]:
    """Three agencies, 2019–2020.

    A launches 2019-03-10 (discontinued 2020-02-01) and proposes another that is never launched;
    B never launches; C is formed 2019-08-01 and launches 2020-09-01.
    """
    agencies = pd.DataFrame(
        {
            "agency_id": ["A", "B", "C"],
            "name": ["Unit A", "Unit B", "Unit C"],
            "kind": ["dinas", "badan", "kecamatan"],
            "city": "Kota X",
            "cluster": None,
            "established_on": [None, None, "2019-08-01"],
        }
    )
    innovations = pd.DataFrame(
        {
            "innovation_id": ["I1", "I2", "I3", "I4"],
            "agency_id": ["A", "A", "B", "C"],
            "launched_on": ["2019-03-10", None, None, "2020-09-01"],
            "discontinued_on": ["2020-02-01", None, None, None],
        }
    )
    # A 2019H1: two respondents, U9 blank for the second one.
    a1 = [[4, 4, 4, 4, 4, 4, 4, 4, 4], [2, 2, 2, 2, 2, 2, 2, 2, None]]
    responses = pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3", "r4"],
            "agency_id": ["A", "A", "B", "C"],
            "survey_date": ["2019-02-01", "2019-05-01", "2020-10-01", "2020-11-11"],
            **_answers([*a1, [3] * 9, [1, 2, 3, 4, 1, 2, 3, 4, 1]]),
        }
    )
    indicators = pd.DataFrame(
        {
            "agency_id": ["A", "A", "A", "A", "C"],
            "period": ["2019-01-01", "2019-07-01", "2019-01-01", "2019-07-01", "2020-01-01"],
            "indicator": [
                "processing_days",
                "processing_days",
                "complaints_received",
                "complaints_received",
                "processing_days",
            ],
            "value": [10.0, 8.0, 3.0, 5.0, 4.0],
            "unit": ["days", "days", "count", "count", "days"],
        }
    )
    readiness = pd.DataFrame(
        {
            "agency_id": ["A", "A", "A", "A", "B", "C"],
            "assessed_on": [
                "2018-05-01",
                "2018-05-01",
                "2019-06-01",
                "2019-06-01",
                "2018-05-01",
                "2020-10-01",
            ],
            "dimension": ["leadership_commitment", "budget"] * 2 + ["budget", "budget"],
            "score": [3.0, 2.0, 5.0, 5.0, 4.0, 1.0],
        }
    )
    return {
        "agencies": agencies,
        "innovations": innovations,
        "skm_responses": responses,
        "service_indicators": indicators,
        "readiness": readiness,
    }


def test_tiny_study_semester_panel(tiny):
    before = {k: v.copy() for k, v in tiny.items()}
    p = agency_panel(tiny, start="2019-01-01", end="2020-12-31").set_index(["agency_id", "period"])
    for k in tiny:  # inputs are not mutated
        pd.testing.assert_frame_equal(tiny[k], before[k])
    assert list(p.reset_index().columns) == [
        "agency_id", "period", "period_index", "ikm", "n_respondents", "ikm_note",
        "processing_days", "complaints_received", "first_launch", "cohort", "treated",
        "event_time", "active", "n_active", "always_treated", "budget", "leadership_commitment",
        "readiness_assessed_on",
    ]  # fmt: skip
    # C is left out before it existed (2019H1, 2019H2 both start before 2019-08-01)
    assert len(p) == 4 + 4 + 2
    assert p.xs("C")["period_index"].tolist() == [3, 4]
    a = p.xs("A")
    # A 2019H1: element means (4+2)/2 = 3 for U1..U8, 4 for U9 (only answered) → 25 × 28/9
    assert a["ikm"].iloc[0] == pytest.approx(25 * (8 * 3 + 4) / 9)
    assert a["n_respondents"].tolist() == [2, 0, 0, 0]
    assert a["ikm"].iloc[1:].isna().all()
    assert a["ikm_note"].iloc[1] == "no SKM respondents in this period"
    assert a["cohort"].tolist() == [1, 1, 1, 1]
    assert a["treated"].tolist() == [1, 1, 1, 1]
    assert a["event_time"].tolist() == [0, 1, 2, 3]
    # discontinued 2020-02-01: still in operation in 2020H1, not in 2020H2; treated stays 1
    assert a["active"].tolist() == [1, 1, 1, 0]
    assert a["n_active"].tolist() == [1, 1, 1, 0]
    assert a["processing_days"].tolist()[:2] == [10.0, 8.0]
    assert a["complaints_received"].tolist()[:2] == [3.0, 5.0]
    # assessment closest before launch (2019-03-10) is 2018-05-01, not 2019-06-01
    assert a["leadership_commitment"].iloc[0] == 3.0 and a["budget"].iloc[0] == 2.0
    b = p.xs("B")
    assert b["cohort"].eq(0).all() and b["treated"].eq(0).all() and b["event_time"].isna().all()
    assert b["first_launch"].isna().all() and b["active"].eq(0).all()
    assert b["ikm"].iloc[3] == pytest.approx(75.0)
    c = p.xs("C")
    assert c["cohort"].tolist() == [4, 4] and c["treated"].tolist() == [0, 1]
    assert c["event_time"].tolist() == [-1, 0]
    # no assessment before launch → the first one
    assert c["budget"].iloc[0] == 1.0 and np.isnan(c["leadership_commitment"].iloc[0])
    assert c["ikm"].iloc[1] == pytest.approx(25 * (1 + 2 + 3 + 4 + 1 + 2 + 3 + 4 + 1) / 9)


def test_tiny_study_yearly_panel_sums_counts_and_averages_days(tiny):
    p = agency_panel(tiny, frequency="year").set_index(["agency_id", "period"])
    a = p.xs("A")
    assert a["period_index"].tolist() == [1, 2]
    assert a["processing_days"].iloc[0] == 9.0  # mean of 10 and 8
    assert a["complaints_received"].iloc[0] == 8.0  # 3 + 5
    assert a["cohort"].iloc[0] == 1
    # C: 2019 began before it existed → only 2020; its 2019 data would be noted, here none
    assert p.xs("C")["period_index"].tolist() == [2]


def test_start_after_first_launch_makes_always_treated_and_late_launch_never(tiny):
    p = agency_panel(tiny, start="2020-01-01", end="2020-06-30").set_index("agency_id")
    assert bool(p.loc["A", "always_treated"]) and p.loc["A", "cohort"] == 1
    assert p.loc["A", "event_time"] == 2  # counted from the true launch period (2019H1)
    # C launches after the window: cohort 0, first_launch still shown
    assert p.loc["C", "cohort"] == 0 and p.loc["C", "treated"] == 0
    assert p.loc["C", "first_launch"] == pd.Timestamp("2020-09-01")


def test_unknown_frequency_message(tiny):
    with pytest.raises(InnolabError) as err:
        agency_panel(tiny, frequency="month")
    assert str(err.value) == (
        "frequency must be one of ('semester', 'year'), got 'month'; "
        "use 'semester' (SKM is usually surveyed per semester) or 'year'"
    )


def test_missing_skm_responses_message(tiny):
    del tiny["skm_responses"]
    with pytest.raises(InnolabError) as err:
        agency_panel(tiny)
    assert str(err.value) == (
        "agency_panel needs the 'skm_responses' table to compute the outcome 'ikm', but the "
        "study has none (tables present: agencies, innovations, service_indicators, readiness); "
        "add skm_responses.csv (or .parquet) to the study folder"
    )
    # without the IKM the panel is built from the indicators
    p = agency_panel(tiny, outcomes="processing_days")
    assert "ikm" not in p.columns and p["processing_days"].notna().sum() == 3


def test_unknown_outcomes_are_all_listed(tiny):
    with pytest.raises(DataValidationError) as err:
        agency_panel(tiny, outcomes=["ikm", "waiting_time", "cost"])
    assert str(err.value) == (
        "2 problem(s) in the outcomes of agency_panel:\n"
        "  - column 'outcomes': outcome 'waiting_time' is neither 'ikm' nor a service indicator "
        "in the study; check the spelling or add it to service_indicators; allowed: ikm, "
        "complaints_received, processing_days\n"
        "  - column 'outcomes': outcome 'cost' is neither 'ikm' nor a service indicator in the "
        "study; check the spelling or add it to service_indicators; allowed: ikm, "
        "complaints_received, processing_days"
    )


def test_inconsistent_dates_are_reported_together(tiny):
    tiny["innovations"].loc[0, "discontinued_on"] = "2019-01-01"
    tiny["skm_responses"].loc[3, "survey_date"] = "2019-07-15"  # C formed 2019-08-01
    with pytest.raises(DataValidationError) as err:
        agency_panel(tiny)
    assert str(err.value) == (
        "2 problem(s) in agency_panel:\n"
        "  - skm_responses, column 'survey_date': 1 row(s) are dated before their agency "
        "existed (agencies.established_on); fix the dates or the agency [row 5 ('C')]\n"
        "  - innovations, column 'discontinued_on': discontinued_on is before launched_on; an "
        "innovation cannot stop before it starts [row 2 ('I1')]"
    )


def test_start_after_end_message(tiny):
    with pytest.raises(InnolabError) as err:
        agency_panel(tiny, start="2021-01-01", end="2019-12-31")
    assert (
        str(err.value) == "start (2021-01-01) is after end (2019-07-01); swap them or fix the dates"
    )


def test_period_start():
    s = period_start(pd.Series(["2018-06-30", "2018-07-01", None]))
    assert s.tolist()[:2] == [pd.Timestamp("2018-01-01"), pd.Timestamp("2018-07-01")]
    assert pd.isna(s.iloc[2])


def test_demo_panel_matches_truth(demo_study, demo_dir):
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))
    p = agency_panel(demo_study)
    assert len(p) == 31 * 20 - 3  # Kranggan exists from 2016-07-01
    assert p.loc[p["agency_id"] == "kec_kranggan", "period"].min() == pd.Timestamp("2016-07-01")
    assert p["ikm"].notna().all() and p["n_respondents"].min() >= 120
    cohorts = p.drop_duplicates("agency_id").set_index("agency_id")["cohort"]
    for agency, eff in truth["agency_effects"].items():
        assert cohorts[agency] == eff["cohort_index"]
    assert (cohorts == 0).sum() == truth["ikm"]["n_never_treated_agencies"]
    # absorbing treatment; the only innovation of kel_surodinawan stops in 2024
    s = p[p["agency_id"] == "kel_surodinawan"]
    assert s["treated"].iloc[-1] == 1 and s["active"].iloc[-1] == 0
    # leadership scores are the ones the DGP used
    lead = p.drop_duplicates("agency_id").set_index("agency_id")["leadership_commitment"]
    for agency, score in truth["leadership"]["scores"].items():
        assert lead[agency] == score
    assert p.attrs["notes"] == []
