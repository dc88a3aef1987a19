"""staggered_did: hand computations, equivalences, errors, diagnostics, plots."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, EstimationError, ParamsError
from innolab_analysis.estimators.staggered import (
    StaggeredAggregate,
    _example_panel,
    staggered_did,
)


def _tiny() -> pd.DataFrame:
    """6 units, 4 periods: cohort 3 (a, b), cohort 4 (c), never (d, e, f); irregular y."""
    y = {
        "a": [1.0, 2.0, 6.0, 7.0],
        "b": [2.0, 2.5, 5.0, 9.0],
        "c": [0.0, 1.0, 1.5, 6.0],
        "d": [1.0, 1.5, 2.0, 3.0],
        "e": [3.0, 3.0, 4.5, 4.0],
        "f": [0.5, 2.0, 2.5, 3.5],
    }
    coh = {"a": 3, "b": 3, "c": 4, "d": 0, "e": 0, "f": 0}
    return pd.DataFrame(
        [(u, t + 1, coh[u], v) for u, ys in y.items() for t, v in enumerate(ys)],
        columns=["unit", "time", "cohort", "y"],
    )


def _fit(df, **kw):
    return staggered_did(df, outcome="y", unit="unit", time="time", cohort="cohort", **kw)


def _cell(res, g, t):
    row = res.att_gt[(res.att_gt.cohort == g) & (res.att_gt.time == t)]
    assert len(row) == 1
    return row.iloc[0]


def test_att_gt_is_difference_of_mean_differences():
    df = _tiny()
    res = _fit(df)
    # ATT(3,3): treated a, b: (6-2 + 5-2.5)/2 = 3.25; never d, e, f: (0.5 + 1.5 + 0.5)/3
    assert _cell(res, 3, 3).att == pytest.approx(3.25 - 2.5 / 3)
    # ATT(3,4): base 2: treated (5 + 6.5)/2 = 5.75; never (1.5 + 1 + 1.5)/3 = 4/3
    assert _cell(res, 3, 4).att == pytest.approx(5.75 - 4 / 3)
    # ATT(4,4): base 3: c 4.5; never (1 - 0.5 + 1)/3 = 0.5
    assert _cell(res, 4, 4).att == pytest.approx(4.0)
    # pre-period (varying base) ATT(4,2): base 1: c 1; never (0.5 + 0 + 1.5)/3
    assert _cell(res, 4, 2).att == pytest.approx(1 - 2 / 3)
    # SE of ATT(3,3): population variances / n per group
    dT = np.array([4.0, 2.5])
    dC = np.array([0.5, 1.5, 0.5])
    se = np.sqrt(dT.var() / 2 + dC.var() / 3)
    assert _cell(res, 3, 3).std_error == pytest.approx(se)
    # simple aggregation: cohort-size weights 2 (cohort 3, two cells) and 1 (cohort 4)
    atts = [3.25 - 2.5 / 3, 5.75 - 4 / 3, 4.0]
    assert res.estimate == pytest.approx((2 * atts[0] + 2 * atts[1] + 1 * atts[2]) / 5)


def test_single_cohort_two_periods_equals_2x2_did():
    rng = np.random.default_rng(3)
    n = 40
    treat = np.arange(n) < 15
    y0 = rng.normal(size=n)
    y1 = y0 + 0.5 + 1.5 * treat + rng.normal(size=n)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n), 2),
            "time": np.tile([1, 2], n),
            "cohort": np.repeat(np.where(treat, 2, 0), 2),
            "y": np.c_[y0, y1].ravel(),
        }
    )
    res = _fit(df)
    did_2x2 = (y1[treat].mean() - y0[treat].mean()) - (y1[~treat].mean() - y0[~treat].mean())
    assert res.estimate == pytest.approx(did_2x2, abs=1e-12)
    # the 2x2 DiD equals the OLS coefficient of the treated×post interaction
    X = np.c_[
        np.ones(2 * n),
        np.repeat(treat, 2),
        np.tile([0, 1], n),
        np.repeat(treat, 2) * np.tile([0, 1], n),
    ]
    beta = np.linalg.lstsq(X, df["y"].to_numpy(), rcond=None)[0]
    assert res.estimate == pytest.approx(beta[3], abs=1e-10)


def test_reg_ipw_dr_coincide_without_covariates():
    df = _example_panel()
    fits = [_fit(df, method=m) for m in ("dr", "reg", "ipw")]
    for other in fits[1:]:
        np.testing.assert_allclose(other.att_gt.att, fits[0].att_gt.att, atol=1e-12)
        np.testing.assert_allclose(other.att_gt.std_error, fits[0].att_gt.std_error, atol=1e-12)


def test_covariate_adjusted_estimate_recovers_planted_effect():
    df = _example_panel()
    rng = np.random.default_rng(0)
    units = df["unit"].unique()
    xmap = dict(zip(units, rng.normal(size=len(units))))
    res = _fit(df.assign(x=df["unit"].map(xmap)), covariates=["x"])
    assert res.estimate == pytest.approx(2.0, abs=3 * res.std_error)


def test_planted_effect_recovered_and_dynamic_terms():
    res = _fit(_example_panel(n_per=30, seed=5))
    assert res.ci_lower < 2.0 < res.ci_upper
    dyn = res.aggregate("dynamic")
    assert isinstance(dyn, StaggeredAggregate)
    assert list(dyn.terms["event_time"]) == [-4, -3, -2, -1, 0, 1, 2, 3]
    assert list(dyn.terms["term"])[:2] == ["e=-4", "e=-3"]
    assert dyn.terms["event_time"].dtype.kind == "i"
    post = dyn.terms[dyn.terms.event_time >= 0]
    assert dyn.estimate == pytest.approx(post["estimate"].mean())
    win = res.aggregate("dynamic", min_e=-1, max_e=1)
    assert list(win.terms["event_time"]) == [-1, 0, 1]
    bal = res.aggregate("dynamic", balance_e=1)
    # cohort 6 is seen 1 period after adoption (t=7), cohort 4 three: both kept, e <= 1
    assert bal.terms["event_time"].max() == 1


def test_not_yet_treated_uses_later_cohorts():
    df = _tiny()
    res = _fit(df, control_group="not_yet_treated")
    # ATT(3,3), base 2: controls are never (d, e, f) plus c (cohort 4 > 3)
    ctrl = (0.5 + 1.5 + 0.5 + 0.5) / 4
    assert _cell(res, 3, 3).att == pytest.approx(3.25 - ctrl)
    assert _cell(res, 3, 3).n_control == 4


def test_bootstrap_is_seeded_and_has_uniform_band():
    df = _example_panel()
    a = _fit(df, n_boot=299, seed=11)
    b = _fit(df, n_boot=299, seed=11)
    pd.testing.assert_frame_equal(a.att_gt, b.att_gt)
    gt = a.att_gt
    assert (gt.cband_upper - gt.cband_lower >= gt.ci_upper - gt.ci_lower - 1e-12).all()
    # bootstrap SEs agree with the analytic ones within Monte-Carlo error
    analytic = _fit(df)
    ratio = gt.std_error / analytic.att_gt.std_error
    assert ratio.between(0.7, 1.3).all()
    dyn = a.aggregate("dynamic")
    assert {"cband_lower", "cband_upper"} <= set(dyn.terms.columns)
    assert dyn.uniform_crit > 1.96


def test_unbalanced_panel_uses_units_observed_in_both_periods():
    df = _tiny()
    drop = (df.unit == "f") & (df.time == 2)
    res = _fit(df[~drop])
    # ATT(3,3), base 2: f missing in 2 -> controls d, e only
    assert _cell(res, 3, 3).att == pytest.approx(3.25 - 2.0 / 2)
    assert _cell(res, 3, 3).n_control == 2
    assert "unbalanced_panel" in [d.code for d in res.diagnostics]


def test_cluster_coarser_than_unit():
    df = _example_panel()
    region = {u: f"r{int(u[1:]) % 6}" for u in df["unit"].unique()}
    res = _fit(df.assign(region=df["unit"].map(region)), cluster="region")
    assert "6 clusters" in res.se_type
    assert "few_clusters" in [d.code for d in res.diagnostics]


def test_repeated_cross_sections_respondents():
    rng = np.random.default_rng(2)
    rows = []
    for a in range(24):
        coh = (3, 4, 0)[a % 3]
        for t in range(1, 6):
            for _ in range(rng.integers(5, 12)):
                eff = 1.0 if coh and t >= coh else 0.0
                rows.append((f"ag{a}", t, coh, 70 + 0.2 * a + t + eff + rng.normal(0, 2)))
    df = pd.DataFrame(rows, columns=["unit", "time", "cohort", "y"])
    res = _fit(df, panel=False)
    assert res.n_obs == len(df)
    assert "24 clusters" in res.se_type
    # ATT(3,3): four cell means from respondents
    m = lambda c, t: df[(df.cohort.isin(c)) & (df.time == t)].y.mean()  # noqa: E731
    expected = (m([3], 3) - m([3], 2)) - (m([0], 3) - m([0], 2))
    assert _cell(res, 3, 3).att == pytest.approx(expected, abs=1e-12)


def test_dates_are_mapped_to_period_indices():
    df = _tiny()
    starts = pd.to_datetime(["2020-01-01", "2020-07-01", "2021-01-01", "2021-07-01"])
    dated = df.assign(
        time=starts[df.time - 1],
        cohort=pd.Series(starts[(df.cohort.clip(lower=1) - 1)]).where(df.cohort > 0).to_numpy(),
    )
    res = _fit(dated)
    base = _fit(df)
    np.testing.assert_allclose(res.att_gt.att, base.att_gt.att)
    assert res.att_gt.time.iloc[0] == "2020-07-01"
    assert "dates_mapped" in [d.code for d in res.diagnostics]


def test_cohort_in_first_period_dropped_with_diagnostic():
    df = _tiny()
    df.loc[df.unit == "b", "cohort"] = 1
    res = _fit(df)
    assert set(res.att_gt.cohort) == {3, 4}
    diag = {d.code: d for d in res.diagnostics}["cohort_without_pre_period"]
    assert diag.message.en == (
        "1 unit (cohort 1) has no pre-treatment period (treated in the first period); "
        "it is dropped because there is no before-adoption comparison."
    )
    assert diag.message.id == (
        "1 unit (kohort 1) tidak memiliki periode sebelum adopsi (diadopsi pada periode pertama); "
        "unit tersebut dikeluarkan karena tidak ada pembanding sebelum adopsi."
    )
    df.loc[df.unit == "b", "cohort"] = -3
    assert "treated_before_panel" in [d.code for d in _fit(df).diagnostics]


def test_pretrend_test_rejects_on_diverging_trends():
    df = _example_panel(n_per=30)
    df["y"] = df["y"] + np.where(df.cohort == 6, 0.8 * df.time, 0.0)
    res = _fit(df)
    assert res.pretrend_test().rejects
    assert "pretrend_rejected" in [d.code for d in res.diagnostics]


# ---------------------------------------------------------------------------- errors
def test_no_never_treated_suggests_not_yet_treated():
    df = _tiny()
    df = df[df.cohort > 0]
    with pytest.raises(EstimationError) as ei:
        _fit(df)
    assert str(ei.value) == (
        "control_group='never_treated' but no unit in 'cohort' is never treated (0 or missing) "
        "within the panel window. Use control_group='not_yet_treated' to compare each cohort "
        "with the units that adopt later."
    )
    res = _fit(df, control_group="not_yet_treated")
    post = res.att_gt[res.att_gt.post]
    assert list(post.cohort.unique()) == [3]  # cohort 4 has no later cohort to compare with
    assert "cells_not_estimable" in [d.code for d in res.diagnostics]


def test_missing_columns_listed_at_once():
    with pytest.raises(DataValidationError) as ei:
        staggered_did(_tiny(), outcome="ikm", unit="unit", time="semester", cohort="cohort")
    assert str(ei.value) == (
        "2 column(s) missing for staggered_did:\n"
        "  - column 'ikm': column 'ikm' is missing from the data; available columns: unit, "
        "time, cohort, y\n"
        "  - column 'semester': column 'semester' is missing from the data; available columns: "
        "unit, time, cohort, y"
    )


def test_duplicate_rows_named():
    df = pd.concat([_tiny(), _tiny().iloc[[5]]], ignore_index=True)
    with pytest.raises(DataValidationError) as ei:
        _fit(df)
    assert str(ei.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'unit': 1 unit-period pair(s) appear more than once; a panel needs one row "
        "per unit and time (aggregate first, or pass panel=False for respondent-level repeated "
        "cross-sections) [row 7 ('b/2'), row 26 ('b/2')]"
    )


def test_cohort_switching_within_unit_rejected():
    df = _tiny()
    df.loc[(df.unit == "a") & (df.time == 4), "cohort"] = 0
    with pytest.raises(DataValidationError) as ei:
        _fit(df)
    assert str(ei.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'cohort': cohort (first treated period) varies within 1 unit(s): a. "
        "Staggered DiD needs an absorbing treatment: one adoption period per unit (a treatment "
        "that switches off or is re-dated is not allowed). Use each unit's first adoption period."
    )


def test_non_integer_periods_rejected():
    df = _tiny().assign(time=lambda d: d.time + 0.5)
    with pytest.raises(DataValidationError) as ei:
        _fit(df)
    assert str(ei.value).startswith(
        "1 problem(s) in the input data:\n  - column 'time': time column 'time' must hold "
        "whole-number periods; 24 value(s) have a fractional part. Use integer period indices "
        "(e.g. semester 1, 2, 3 …) or dates. [row 2 (1.5)"
    )
    with pytest.raises(DataValidationError, match="must hold integer periods"):
        _fit(_tiny().assign(time=lambda d: "S" + d.time.astype(str)))


def test_constant_outcome_rejected():
    with pytest.raises(DataValidationError) as ei:
        _fit(_tiny().assign(y=5.0))
    assert str(ei.value) == (
        "1 problem(s) in the input data:\n  - column 'y': the outcome is constant (or all "
        "missing): every value is 5; there is no variation to estimate an effect from. Check "
        "the outcome column."
    )


def test_bad_option_rejected():
    with pytest.raises(ParamsError) as ei:
        _fit(_tiny(), control_group="later")
    assert str(ei.value) == (
        "1 problem(s) in the parameters:\n  - column 'control_group': control_group must be one "
        "of ('never_treated', 'not_yet_treated'), got 'later'; allowed: never_treated, "
        "not_yet_treated"
    )


def test_input_not_mutated_and_result_frozen():
    df = _tiny()
    before = df.copy()
    res = _fit(df)
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(AttributeError):
        res.estimate = 0.0  # type: ignore[misc]


# ---------------------------------------------------------------------------- plots
def test_plots_return_axes():
    import matplotlib.pyplot as plt

    res = _fit(_example_panel(), n_boot=99, seed=1)
    ax = res.plot()
    assert len(ax.lines) + len(ax.collections) > 0
    fig, ax2 = plt.subplots()
    out = res.aggregate("dynamic").plot(ax=ax2, language="id")
    assert out is ax2
    assert ax2.get_xlabel() == "periode sejak adopsi"
    assert res.aggregate("group").plot() is not None


def test_summary_contract():
    res = _fit(_example_panel())
    s = res.summary()
    assert s.loc[0, "term"] == "ATT (simple)"
    assert s.loc[0, "estimate"] == pytest.approx(res.estimate)
    assert len(s) == 1 + len(res.att_gt)


# ---------------------------------------------------------------------------- demo
def test_demo_planted_att_inside_ci(demo_dir):
    truth_file = demo_dir / "truth.json"
    import innolab_analysis.studies.panel as panel_mod
    from innolab_analysis.data.study import load_study

    truth = json.loads(truth_file.read_text())
    panel = panel_mod.agency_panel(load_study(demo_dir))
    res = staggered_did(
        panel, outcome="ikm", unit="agency_id", time="period_index", cohort="cohort"
    )
    assert res.ci_lower < truth["ikm"]["att_simple"] < res.ci_upper
