"""innovation_switching: the on/off treatment from launched_on / discontinued_on, into switching_did."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.estimators.switching import switching_did
from innolab_analysis.studies.innovation_switching import innovation_switching
from innolab_analysis.studies.panel import agency_panel


def _study(effect: float = 2.0) -> dict[str, pd.DataFrame]:
    """30 agencies, yearly 2015–2022; an indicator that rises by ``effect`` while an innovation runs.

    Agencies 0–9 launch in 2017 and discontinue in 2019-12-31, then relaunch a second
    innovation in 2021 (on, off, on again); 10–19 launch in 2018 two innovations for good;
    20–29 never launch.
    """
    ids = [f"opd_{g:02d}" for g in range(30)]
    agencies = pd.DataFrame({"agency_id": ids, "name": ids, "kind": "dinas", "city": "Kota X"})
    inn = []
    for g in range(10):
        inn.append((f"a{g}", ids[g], "2017-03-01", "2019-12-31"))
        inn.append((f"b{g}", ids[g], "2021-02-01", None))
    for g in range(10, 20):
        inn.append((f"c{g}", ids[g], "2018-05-01", None))
        inn.append((f"d{g}", ids[g], "2018-08-01", None))
    innovations = pd.DataFrame(
        inn, columns=["innovation_id", "agency_id", "launched_on", "discontinued_on"]
    )
    rows = []
    for g, a in enumerate(ids):
        for y in range(2015, 2023):
            on = (g < 10 and (2017 <= y <= 2019 or y >= 2021)) or (10 <= g < 20 and y >= 2018)
            rows.append((a, f"{y}-06-30", "processing_days", 30 - 0.5 * g + 0.2 * y + effect * on))
    indicators = pd.DataFrame(rows, columns=["agency_id", "period", "indicator", "value"])
    indicators["unit"] = "days"
    return {"agencies": agencies, "innovations": innovations, "service_indicators": indicators}


def test_the_panel_switches_off_and_on_again_and_the_effect_is_recovered():
    study = _study()
    panel = agency_panel(study, frequency="year", outcomes="processing_days")
    a = panel[panel.agency_id == "opd_00"]
    assert a["active"].tolist() == [0, 0, 1, 1, 1, 0, 1, 1]  # 2019-12-31 stop: 2020 is off
    assert a["treated"].tolist() == [0, 0, 1, 1, 1, 1, 1, 1]  # the staggered view stays on
    assert panel.loc[panel.agency_id == "opd_10", "n_active"].tolist() == [0, 0, 0, 2, 2, 2, 2, 2]
    res = innovation_switching(study, outcome="processing_days", frequency="year", effects=2)
    t = res.summary().set_index("term")
    for term in ("did_m", "joiners", "leavers", "e=0", "e=1"):
        assert t.loc[term, "estimate"] == pytest.approx(2.0, abs=1e-9), term
    # joiners: 10 in 2017, 10 in 2018, 10 again in 2021; leavers: 10 in 2020
    assert res.switchers.loc["joiners", "n_switchers"] == 30
    assert res.switchers.loc["leavers", "n_switchers"] == 10
    direct = switching_did(
        panel, outcome="processing_days", unit="agency_id", time="period_index",
        treatment="active", effects=2,
    )  # fmt: skip
    pd.testing.assert_frame_equal(res.terms, direct.terms)


def test_dose_counts_the_innovations_in_operation():
    res = innovation_switching(
        _study(), outcome="processing_days", frequency="year", dose=True, effects=1
    )
    # two innovations start at once for agencies 10–19: the effect of going 0 → 2 is still +2
    # (the outcome moves with 'some innovation running'), and 0 → 1 for agencies 0–9
    assert res.terms["term"].iloc[0] == "e=0"
    assert res.estimate == pytest.approx(2.0, abs=1e-9)
    assert "non_binary" in {d.code for d in res.diagnostics}
    assert np.isfinite(res.std_error)
