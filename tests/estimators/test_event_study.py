"""Event study: one post bin equals the 2×2, planted truths, disagreement, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.did import did
from innolab_analysis.estimators.event_study import event_study


def _panel(seed: int = 0, dynamic: bool = False, n_units: int = 90, n_periods: int = 10):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "time": np.tile(np.arange(1, n_periods + 1), n_units),
        }
    )
    third = n_units // 3
    cohort = np.where(np.arange(n_units) < third, 4, np.where(np.arange(n_units) < 2 * third, 7, 0))
    df["cohort"] = cohort[df["unit"]]
    e = np.where(df["cohort"] > 0, df["time"] - df["cohort"], -99)
    effect = np.where(e >= 0, (e + 1.0) if dynamic else 2.0, 0.0)
    df["y"] = 0.1 * df["unit"] + 0.2 * df["time"] + effect + rng.normal(0, 0.5, len(df))
    return df


def test_one_post_bin_equals_two_by_two():
    rng = np.random.default_rng(4)
    n = 50
    df = pd.DataFrame({"unit": np.repeat(np.arange(n), 2), "time": np.tile([2017, 2018], n)})
    df["cohort"] = np.where(df["unit"] < 20, 2018, 0)
    df["y"] = rng.normal(size=2 * n) + 1.7 * ((df["cohort"] == 2018) & (df["time"] == 2018))
    res = event_study(df, outcome="y", unit="unit", time="time", cohort="cohort", leads=1, lags=0)
    ref = did(
        df.assign(g=(df["cohort"] > 0).astype(int), p=(df["time"] == 2018).astype(int)),
        outcome="y",
        group="g",
        post="p",
    )
    dyn = res.dynamic.set_index(["estimator", "event_time"])["estimate"]
    assert dyn[("twfe", 0)] == pytest.approx(ref.estimate, abs=1e-10)
    assert dyn[("staggered", 0)] == pytest.approx(ref.estimate, abs=1e-10)
    assert res.estimate == pytest.approx(ref.estimate, abs=1e-10)
    assert "no_pretrend_test" in [d.code for d in res.diagnostics]


def test_homogeneous_effect_both_estimators_agree():
    res = event_study(
        _panel(), outcome="y", unit="unit", time="time", cohort="cohort", leads=3, lags=3
    )
    post = res.dynamic[res.dynamic.event_time >= 0]
    assert set(post.estimator) == {"staggered", "twfe"}
    # planted effect 2.0 at every post event time, inside every CI
    assert ((post.ci_lower < 2.0) & (post.ci_upper > 2.0)).all()
    assert "estimators_disagree" not in [d.code for d in res.diagnostics]
    assert res.pretrend_p_value > 0.05
    assert res.terms.loc[0, "term"] == "staggered: average post"
    assert res.terms.loc[1, "term"] == "twfe: average post"
    assert res.dynamic.query("estimator == 'twfe'").event_time.tolist() == [-3, -2, 0, 1, 2, 3]


def test_dynamic_effects_make_binned_twfe_disagree():
    res = event_study(
        _panel(dynamic=True),
        outcome="y",
        unit="unit",
        time="time",
        cohort="cohort",
        leads=3,
        lags=2,
    )
    stag = res.dynamic.query("estimator == 'staggered' and event_time >= 0")
    # staggered recovers the planted e + 1 path
    assert ((stag.ci_lower < stag.event_time + 1) & (stag.ci_upper > stag.event_time + 1)).all()
    diag = next(d for d in res.diagnostics if d.code == "estimators_disagree")
    assert "TWFE uses already-treated units as controls" in diag.message.en


def test_bad_cohort_and_parameters():
    df = _panel().assign(cohort=lambda f: f["cohort"].replace(7, 70))
    with pytest.raises(DataValidationError) as info:
        event_study(df, outcome="y", unit="unit", time="time", cohort="cohort")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'cohort': cohort values [70] are not periods of 'time'; the cohort is the "
        "first treated period (0 or missing for never treated); allowed: values of time "
        "(1 … 10), 0 or missing"
    )
    with pytest.raises(ParamsError) as info:
        event_study(_panel(), outcome="y", unit="unit", time="time", cohort="cohort", reference=0)
    assert "reference must be a pre-period event time between -3 and -1, got 0" in str(info.value)


def test_plot_shows_both_with_reference_lines(legend_outside):
    res = event_study(
        _panel(), outcome="y", unit="unit", time="time", cohort="cohort", leads=2, lags=2
    )
    ax = res.plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "TWFE reference period (zero by construction)",
        "start of the innovation",
        "no effect (zero)",
        "staggered (Callaway–Sant'Anna)",
        "TWFE",
    ]
    legend_outside(ax)
    xs = {tuple(line.get_xdata()) for line in ax.get_lines()}
    assert (-0.5, -0.5) in xs


@pytest.mark.parametrize("bin_endpoints", [True, False])
def test_twfe_leads_lags_equal_dummy_regression(bin_endpoints):
    import statsmodels.formula.api as smf

    df = _panel(seed=5, dynamic=True)
    res = event_study(
        df,
        outcome="y",
        unit="unit",
        time="time",
        cohort="cohort",
        leads=2,
        lags=1,
        bin_endpoints=bin_endpoints,
        small_sample="full",
    )
    e = np.where(df["cohort"] > 0, df["time"] - df["cohort"], np.nan)
    if bin_endpoints:
        e = np.clip(e, -2, 1)
    X = df.assign(lead2=(e == -2).astype(int), lag0=(e == 0).astype(int), lag1=(e == 1).astype(int))
    m = smf.ols("y ~ lead2 + lag0 + lag1 + C(unit) + C(time)", X).fit(
        cov_type="cluster", cov_kwds={"groups": X["unit"]}
    )
    tw = res.dynamic.query("estimator == 'twfe'").set_index("event_time")
    assert tw.index.tolist() == [-2, 0, 1]
    for k, name in ((-2, "lead2"), (0, "lag0"), (1, "lag1")):
        assert tw.loc[k, "estimate"] == pytest.approx(m.params[name], abs=1e-10)
        assert tw.loc[k, "std_error"] == pytest.approx(m.bse[name], abs=1e-10)
