"""switching_did: exact recovery without noise, joiners and leavers, placebos, checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.switching import switching_did

KW = {"outcome": "y", "unit": "g", "time": "t", "treatment": "d"}


def _panel(noise=0.0, seed=0):
    """40 units × 8 periods: 10 launch at 3 and stop at 6, 10 launch at 3 for good, 5 launch at 5."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(40):
        for t in range(8):
            d = int(
                (g < 10 and 3 <= t < 6) or (10 <= g < 20 and t >= 3) or (20 <= g < 25 and t >= 5)
            )
            y = 0.3 * g + 0.5 * t + 2.0 * d + noise * rng.normal()
            rows.append((g, t, d, y))
    return pd.DataFrame(rows, columns=["g", "t", "d", "y"])


def test_constant_effect_is_recovered_exactly_by_every_term():
    res = switching_did(_panel(), **KW, effects=3, placebo=2)
    t = res.summary().set_index("term")
    for term in ["did_m", "joiners", "leavers", "e=0", "e=1", "e=2"]:
        assert t.loc[term, "estimate"] == pytest.approx(2.0, abs=1e-12), term
    for term in ["did_m_placebo", "e=-2", "e=-3"]:
        assert t.loc[term, "estimate"] == pytest.approx(0.0, abs=1e-12), term
    # joiners: 20 at period 3 and 5 at period 5; leavers: 10 at period 6
    assert res.switchers.loc["joiners", "n_switchers"] == 25
    assert res.switchers.loc["leavers", "n_switchers"] == 10
    assert res.switchers.loc["did_m", "n_switchers"] == 35
    assert res.first_switch.loc[0] == 3 and res.first_switch.loc[39] is None
    assert res.text.en.startswith("Instantaneous effect (de Chaisemartin–D'Haultfœuille, DID_M)")
    assert res.text.id.startswith("Efek seketika (de Chaisemartin–D'Haultfœuille, DID_M)")


def test_analytic_and_bootstrap_standard_errors_agree_roughly():
    df = _panel(noise=1.0, seed=3)
    a = switching_did(df, **KW, effects=2)
    b = switching_did(df, **KW, effects=2, se="bootstrap", bootstrap_reps=300)
    assert a.std_error > 0 and b.std_error > 0
    assert 0.6 < a.std_error / b.std_error < 1.6
    assert b.se_type.startswith("bootstrap: 300 resamples of units (seed 2018)")


def test_twfe_would_be_biased_but_did_m_is_not_with_heterogeneous_effects():
    df = _panel()
    df.loc[(df.g >= 20) & (df.d == 1), "y"] += 4.0  # late joiners gain 6, the others 2
    res = switching_did(df, **KW)
    # DID_M averages the switches: 30 of effect 2 (20 joiners at 3, 10 leavers at 6), 5 of 6
    assert res.estimate == pytest.approx((30 * 2 + 5 * 6) / 35, abs=1e-12)


def test_diagnostics_and_checks():
    small = _panel()[lambda d: d.g.isin(range(0, 40, 5))]
    res = switching_did(small, **KW)
    codes = {d.code for d in res.diagnostics}
    assert {"few_switchers", "few_clusters"} <= codes
    with pytest.raises(
        ParamsError,
        match=r"level must be a number strictly between 0 and 1, got 0; did you mean 0.95\?",
    ):
        switching_did(_panel(), **KW, level=0)
    with pytest.raises(DataValidationError, match="the data have no rows"):
        switching_did(_panel().iloc[:0], **KW)
    bad = _panel()
    bad.loc[3, "y"] = np.nan
    with pytest.raises(DataValidationError, match="1 unit"):
        switching_did(bad, **KW)
    res = switching_did(bad, **KW, missing="drop")
    d = {d.code: d for d in res.diagnostics}["units_dropped_missing"]
    assert d.message.en == (
        "1 unit was left out because its outcome or treatment is missing or not finite in "
        "1 unit-periods: 0."
    )
    never = _panel().assign(d=0)
    with pytest.raises(DataValidationError, match="no unit changes treatment"):
        switching_did(never, **KW)
