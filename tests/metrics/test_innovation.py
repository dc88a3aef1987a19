"""Innovation metrics on a small planted table (every number worked out by hand in comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError
from innolab_analysis.metrics.innovation import (
    agencies_without_innovation,
    innovation_coverage,
    innovation_flow,
    innovation_funnel,
    innovation_mix,
    innovation_survival,
    innovations_per_agency,
    time_to_launch,
)


@pytest.fixture
def agencies():
    return pd.DataFrame(
        {
            "agency_id": ["a", "b", "c", "d"],
            "name": ["Dinas A", "Dinas B", "Kecamatan Kranggan", "Badan D"],
            "established_on": [None, None, "2016-06-20", "2021-01-01"],
        }
    )


@pytest.fixture
def innovations():
    cols = ["innovation_id", "agency_id", "origin", "form", "digital", "iid_stage", "labinov_stage",
            "proposed_on", "launched_on", "discontinued_on"]  # fmt: skip
    rows = [
        ("i1", "a", "original", "pelayanan_publik", True, "penerapan", "display", "2017-01-10", "2018-01-15", None),
        ("i2", "a", "adaptation", "tata_kelola", False, "penerapan", "deliver", "2018-03-01", "2018-09-01", "2019-06-30"),
        ("i3", "b", "original", "pelayanan_publik", True, "penerapan", "design", "2018-05-01", "2019-03-01", None),
        ("i4", "b", "modification", "pelayanan_publik", True, "uji_coba", "diagnose", "2019-01-01", None, None),
        ("i5", "c", "original", "lainnya", False, "inisiatif", None, "2019-02-01", None, None),
        ("i6", "c", "original", "pelayanan_publik", True, "penerapan", "drum_up", "2019-06-01", "2020-06-01", "2020-12-31"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_coverage_respects_establishment_and_activity(innovations, agencies):
    before = innovations.copy()
    cov = innovation_coverage(innovations, agencies, years=range(2018, 2022))
    pd.testing.assert_frame_equal(innovations, before)
    # 2018: a (i1, i2) of a, b, c;  2019: a, b (i2 still active until 30 June);
    # 2020: a, b, c (i6);  2021: d exists, i6 stopped on 2020-12-31 -> a, b of four
    assert cov.to_dict("list") == {
        "year": [2018, 2019, 2020, 2021],
        "n_agencies": [3, 3, 3, 4],
        "n_with_innovation": [1, 2, 3, 2],
        "share": [1 / 3, 2 / 3, 1.0, 0.5],
        "agencies_without": [("b", "c"), ("c",), (), ("c", "d")],
    }
    # default years: first to last launch year
    assert innovation_coverage(innovations, agencies)["year"].tolist() == [2018, 2019, 2020]
    assert agencies_without_innovation(innovations, agencies, 2021)["name"].tolist() == [
        "Kecamatan Kranggan",
        "Badan D",
    ]


def test_coverage_unknown_agency_is_an_error(innovations, agencies):
    bad = innovations.assign(agency_id=["a", "b", "zz", "b", "c", "c"])
    with pytest.raises(DataValidationError) as e:
        innovation_coverage(bad, agencies)
    assert str(e.value) == (
        "1 problem(s) in the innovations table:\n"
        "  - column 'agency_id': agency_id not found in the agencies table [row 4 ('zz')]; "
        "allowed: an agency_id of the agencies table"
    )


def test_bad_dates_are_listed(innovations, agencies):
    bad = innovations.copy()
    bad["launched_on"] = bad["launched_on"].astype(object)
    bad.loc[1, "launched_on"] = "kemarin"
    with pytest.raises(DataValidationError) as e:
        innovation_flow(bad)
    assert str(e.value) == (
        "1 problem(s) in the innovations table:\n"
        "  - column 'launched_on': value(s) that are not dates [row 3 ('kemarin')]; "
        "allowed: ISO dates YYYY-MM-DD or blank"
    )


def test_flow_and_stock(innovations):
    flow = innovation_flow(innovations)
    assert flow.to_dict("list") == {
        "year": [2018, 2019, 2020],
        "launched": [2, 1, 1],
        "discontinued": [0, 1, 1],
        "active_end": [2, 2, 2],
        "active_during": [2, 3, 3],
    }
    # stock identity: stock_t = stock_{t-1} + launched_t - discontinued_t
    assert (
        flow["active_end"].diff().iloc[1:] == (flow["launched"] - flow["discontinued"]).iloc[1:]
    ).all()


def test_per_agency(innovations, agencies):
    out = innovations_per_agency(innovations, agencies, as_of="2019-12-31")
    assert out.to_numpy().tolist() == [
        ["a", 2, 2, 1],
        ["b", 2, 1, 1],
        ["c", 2, 0, 0],
        ["d", 0, 0, 0],
    ]


def test_funnels(innovations):
    iid = innovation_funnel(innovations)
    assert iid["stage"].tolist() == ["inisiatif", "uji_coba", "penerapan"]
    assert iid["n_reached"].tolist() == [6, 5, 4]
    np.testing.assert_allclose(iid["conversion"], [1, 5 / 6, 4 / 5])
    np.testing.assert_allclose(iid["share_of_entered"], [1, 5 / 6, 4 / 6])
    lab = innovation_funnel(innovations, scheme="labinov")
    # i5 has no Labinov stage and is not counted
    assert lab["stage"].tolist() == ["drum_up", "diagnose", "design", "deliver", "display"]
    assert lab["n_reached"].tolist() == [5, 4, 3, 2, 1]
    # categorical stage columns (as the study loader returns them) give the same funnels
    cat = innovations.astype({"iid_stage": "category", "labinov_stage": "category"})
    pd.testing.assert_frame_equal(innovation_funnel(cat), iid)
    pd.testing.assert_frame_equal(innovation_funnel(cat, scheme="labinov"), lab)
    by = innovation_funnel(innovations, by="agency_id")
    assert by.loc[by["agency_id"] == "b", "n_reached"].tolist() == [2, 2, 1]


def test_funnel_gaps_are_explained(innovations):
    by = innovation_funnel(innovations, by="agency_id")
    c = by[by["agency_id"] == "c"]  # i5 inisiatif, i6 penerapan: nobody stopped at uji_coba
    assert c["n_reached"].tolist() == [2, 1, 1]
    a = innovation_funnel(innovations.iloc[[0]], scheme="labinov", by="agency_id")
    assert a["n_reached"].tolist() == [1, 1, 1, 1, 1]
    none = innovation_funnel(innovations.assign(labinov_stage=None), scheme="labinov")
    assert none["n_reached"].tolist() == [0] * 5
    assert none["share_of_entered"].isna().all()
    assert none["note"].tolist() == ["no innovation has a labinov_stage"] * 5
    two = innovation_funnel(innovations.iloc[[4]], scheme="iid")  # one inisiatif only
    assert two["n_reached"].tolist() == [1, 0, 0]
    assert np.isnan(two.loc[2, "conversion"])
    assert two.loc[2, "note"] == "no innovation reached the previous stage; conversion undefined"
    assert two["note"].isna().tolist() == [True, True, False]


def test_funnel_unknown_stage(innovations):
    bad = innovations.assign(
        iid_stage=["penerapan", "uji coba", "penerapan", "uji_coba", None, "penerapan"]
    )
    with pytest.raises(DataValidationError) as e:
        innovation_funnel(bad)
    assert str(e.value) == (
        "1 problem(s) in the innovations table:\n"
        "  - column 'iid_stage': 2 unknown stage value(s) [row 3 ('uji coba'), row 6 (None)]; "
        "allowed: inisiatif, uji_coba, penerapan"
    )
    with pytest.raises(InnolabError) as e:
        innovation_funnel(innovations, scheme="kipp")
    assert str(e.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'scheme': scheme must be one of ('iid', 'labinov'), got 'kipp'; "
        "allowed: iid, labinov"
    )


def test_mix(innovations):
    mix = innovation_mix(innovations)
    origin = mix[mix["dimension"] == "origin"]
    assert origin[["value", "n"]].to_numpy().tolist() == [
        ["original", 4],
        ["adaptation", 1],
        ["modification", 1],
    ]
    np.testing.assert_allclose(origin["share"], [4 / 6, 1 / 6, 1 / 6])
    digital = mix[mix["dimension"] == "digital"]
    assert digital[["value", "n"]].to_numpy().tolist() == [["True", 4], ["False", 2]]
    assert mix.groupby("dimension")["share"].sum().round(12).eq(1).all()


def test_time_to_launch(innovations):
    t = time_to_launch(innovations)
    # i1 370 days (2017); i2 184 and i3 304 days (2018); i6 366 days over 29 Feb 2020 (2019)
    assert t["proposal_year"].tolist() == [2017, 2018, 2019]
    assert t["n_proposed"].tolist() == [1, 2, 3]
    assert t["n_launched"].tolist() == [1, 2, 1]
    assert t["median_days"].tolist() == [370.0, 244.0, 366.0]
    assert t.loc[1, ["q1_days", "q3_days", "iqr_days"]].tolist() == [214.0, 274.0, 60.0]
    overall = time_to_launch(innovations, by=None)
    assert overall.loc[0, "median_days"] == np.median([370, 184, 304, 366])


def test_launch_before_proposal_is_an_error(innovations):
    bad = innovations.copy()
    bad.loc[2, "launched_on"] = "2018-04-01"
    with pytest.raises(DataValidationError) as e:
        time_to_launch(bad)
    assert str(e.value) == (
        "1 problem(s) in the innovations table:\n"
        "  - column 'launched_on': 1 innovation(s) launched before they were proposed; fix the dates "
        "[row 4 ('2018-04-01')]; allowed: launched_on on or after proposed_on"
    )


def test_survival_kaplan_meier(innovations):
    s = innovation_survival(innovations, as_of="2021-01-01", horizons=[0.5, 1, 2, 3])
    # follow-up: i6 event 0.583 y, i2 event 0.827 y, i3 censored 1.84 y, i1 censored 2.96 y
    # S = 1 - 1/4 = 0.75 after i6; x (1 - 1/3) = 0.5 after i2
    assert s["survival"].iloc[:3].tolist() == [1.0, 0.5, 0.5]
    assert s["n_at_risk"].tolist() == [4, 2, 1, 0]
    assert s["n_events"].tolist() == [0, 2, 2, 2]
    # Greenwood: var = S^2 (1/(4*3) + 1/(3*2)) = 0.25 * 0.25
    assert s.loc[1, "std_error"] == pytest.approx(0.25)
    assert np.isnan(s.loc[3, "survival"])
    assert s.loc[3, "note"] == "no innovation followed 3 years (longest follow-up 2.96 years)"
    # a discontinuation after as_of is censored, not an event
    later = innovation_survival(innovations, as_of="2019-06-01", horizons=[1])
    assert later["n_events"].tolist() == [0]
    assert later["survival"].tolist() == [1.0]
