"""agency_panel refuses panels no comparison design can use, saying why and what would make one."""

from __future__ import annotations

import pandas as pd
import pytest

from innolab_analysis.errors import EstimationError
from innolab_analysis.studies.panel import agency_panel


def _study(launches: dict[str, str | None]) -> dict[str, pd.DataFrame]:
    """Agencies with one innovation each (launch date or None) and SKM answers 2019–2020."""
    ids = list(launches)
    agencies = pd.DataFrame(
        {"agency_id": ids, "name": [f"Unit {a}" for a in ids], "kind": "dinas", "city": "Kota X"}
    )
    innovations = pd.DataFrame(
        {
            "innovation_id": [f"I{a}" for a in ids],
            "agency_id": ids,
            "launched_on": pd.to_datetime(list(launches.values())),
            "discontinued_on": pd.NaT,
        }
    )
    dates = ["2019-02-01", "2019-08-01", "2020-02-01", "2020-08-01"]
    responses = pd.DataFrame(
        {
            "respondent_id": [f"{a}{i}" for a in ids for i in range(4)],
            "agency_id": [a for a in ids for _ in range(4)],
            "survey_date": pd.to_datetime(dates * len(ids)),
            **{f"u{k}": 3 for k in range(1, 10)},
        }
    )
    return {"agencies": agencies, "innovations": innovations, "skm_responses": responses}


def _why(study) -> str:
    with pytest.raises(EstimationError) as info:
        agency_panel(study)
    return str(info.value)


def test_every_launch_before_the_data_is_always_treated_not_never_treated():
    study = _study({"A": "2017-05-01", "B": "2018-03-01", "C": None})
    assert _why(study) == (
        "always treated: every innovation was launched before the first period of the data "
        "(2019-S1; launches from 2017-05-01 to 2018-03-01), so no agency has a period before its "
        "innovation and no effect can be estimated; add SKM responses or indicators from before "
        "2017-05-01, or study innovations launched after 2019-S1"
    )


def test_one_agency_only_has_no_comparison_group():
    assert _why(_study({"A": "2019-09-01"})) == (
        "no comparison group: the panel has one agency only (A); a comparison needs other "
        "agencies observed over the same periods — agencies that never innovated, or innovated "
        "later — so add them (agencies and their SKM responses or indicators), or study A alone "
        "with an interrupted time series (agency_panel(..., require_comparison=False))"
    )
    panel = agency_panel(_study({"A": "2019-09-01"}), require_comparison=False)
    assert panel["cohort"].tolist() == [2, 2, 2, 2]


def test_all_launching_in_the_same_period_has_no_comparison_group():
    study = _study({"A": "2019-09-01", "B": "2019-09-01", "C": "2019-11-15"})
    assert _why(study) == (
        "no comparison group: all 3 agencies launched their first innovation in the same period "
        "(2019-S2) and none stayed without one, so after 2019-S2 nothing untreated is left to "
        "compare with; a comparison needs agencies that never innovated or innovated later: add "
        "them (with their SKM responses or indicators), or study each agency with an interrupted "
        "time series"
    )
    # one agency that never innovated makes the comparison
    assert len(agency_panel(_study({"A": "2019-09-01", "B": "2019-09-01", "C": None}))) == 12
    # so does one that innovated later
    assert len(agency_panel(_study({"A": "2019-09-01", "B": "2020-03-01"}))) == 8
