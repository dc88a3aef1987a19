"""synthetic_did: input checks, staggered aggregation, the three standard errors, plots."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from innolab_analysis import InnolabError
from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.sdid import synthetic_did


def _factor_panel(seed=3, n_units=24, n_periods=16, effect=2.0, treated=("u00",), start=10):
    rng = np.random.default_rng(seed)
    load = rng.uniform(0.5, 1.5, n_units)
    f = np.cumsum(rng.normal(0.3, 1.0, n_periods))
    y = 50 + rng.normal(0, 3, n_units)[:, None] + load[:, None] * f[None, :]
    y += rng.normal(0, 0.5, (n_units, n_periods))
    units = [f"u{i:02d}" for i in range(n_units)]
    starts = start if isinstance(start, dict) else dict.fromkeys(treated, start)
    for u, s in starts.items():
        y[units.index(u), s:] += effect
    return pd.DataFrame(
        [(u, t, y[i, t]) for i, u in enumerate(units) for t in range(n_periods)],
        columns=["unit", "t", "y"],
    )


KW = {"outcome": "y", "unit": "unit", "time": "t"}


def test_recovers_planted_effect_and_reads_both_languages():
    df = _factor_panel()
    res = synthetic_did(df, **KW, treated_unit="u00", intervention=10)
    assert res.estimate == pytest.approx(2.0, abs=0.6)
    assert res.se_method == "placebo" and len(res.replications) == 23
    assert res.ci_lower < res.estimate < res.ci_upper
    assert [t for t in res.terms["term"]][:3] == ["att", "e=0", "e=1"]
    assert len(res.terms) == 1 + 6
    assert "Synthetic difference-in-differences" in res.text.en
    assert "Selisih-dari-selisih sintetis" in res.text.id
    assert {d.code for d in res.diagnostics} >= {"one_treated_unit"}


def test_jackknife_undefined_with_one_treated_unit_says_so():
    df = _factor_panel()
    res = synthetic_did(df, **KW, treated_unit="u00", intervention=10, se="jackknife")
    assert math.isnan(res.std_error) and math.isnan(res.p_value)
    d = {d.code: d for d in res.diagnostics}["jackknife_undefined"]
    assert d.message.en.startswith("The jackknife standard error is undefined here")
    assert "jackknife" in d.message.id and "dua unit yang diberi perlakuan" in d.message.id
    assert res.se_type.startswith("none: no jackknife")


def test_jackknife_is_leave_one_out_with_fixed_weights():
    treated = ("u00", "u01", "u02", "u03")
    df = _factor_panel(treated=treated)
    res = synthetic_did(df, **KW, treated_unit=list(treated), intervention=10, se="jackknife")
    wide = df.pivot(index="unit", columns="t", values="y")
    omega = res.unit_weights.iloc[:, 0]
    lam = res.time_weights.iloc[:, 0].to_numpy()
    controls = list(omega.index)

    def tau(ctrl, tr):
        w = omega[ctrl] / omega[ctrl].sum()
        d = wide.loc[list(tr)].mean() - (wide.loc[ctrl].T @ w)
        return d.iloc[10:].mean() - d.iloc[:10].to_numpy() @ lam

    u = [tau([c for c in controls if c != x], treated) for x in controls]
    u += [tau(controls, [t for t in treated if t != x]) for x in treated]
    u = np.array(u)
    n = len(u)
    expected = math.sqrt((n - 1) / n * np.sum((u - u.mean()) ** 2))
    assert res.std_error == pytest.approx(expected, rel=1e-10)
    assert res.se_method == "jackknife"


def test_staggered_is_the_weighted_average_of_cohort_fits():
    starts = {"u00": 8, "u01": 8, "u02": 11}
    df = _factor_panel(start=starts)
    res = synthetic_did(df, **KW, treated_unit=list(starts), intervention=starts, se="none")
    never = [f"u{i:02d}" for i in range(3, 24)]
    a = synthetic_did(
        df, **KW, treated_unit=["u00", "u01"], intervention=8, donors=never, se="none"
    )
    b = synthetic_did(df, **KW, treated_unit="u02", intervention=11, donors=never, se="none")
    assert [c.label for c in res.cohorts] == [8, 11]
    assert res.cohorts[0].estimate == pytest.approx(a.estimate, abs=1e-12)
    assert res.cohorts[1].estimate == pytest.approx(b.estimate, abs=1e-12)
    w = np.array([2 * 8, 1 * 5], dtype=float)
    assert res.estimate == pytest.approx((w @ [a.estimate, b.estimate]) / w.sum(), abs=1e-12)
    assert {"cohort=8", "cohort=11"} <= set(res.terms["term"])
    assert "2 adoption cohorts" in res.text.en
    assert res.se_type.startswith("none")


def test_staggered_cohorts_get_their_own_standard_errors():
    starts = {"u00": 8, "u01": 8, "u02": 11}
    df = _factor_panel(start=starts)
    kw = {**KW, "treated_unit": list(starts), "intervention": starts}
    res = synthetic_did(df, **kw, se="placebo", replications=40)
    t = res.terms.set_index("term")
    cohort_reps = []
    for co in res.cohorts:
        assert co.std_error > 0
        assert t.loc[f"cohort={co.label}", "std_error"] == co.std_error
        lo, hi = t.loc[f"cohort={co.label}", ["ci_lower", "ci_upper"]]
        assert lo < co.estimate < hi
        cohort_reps.append(co.std_error)
    # the cohort SEs come from the same draws as the aggregate: the aggregate is a
    # weighted mean of the cohort estimates draw by draw, so its SE is at most the sum
    w = np.array([co.weight for co in res.cohorts])
    assert res.std_error <= float(w @ cohort_reps) + 1e-12
    assert "cohort_se_undefined" not in {d.code for d in res.diagnostics}
    # jackknife: cohort 11 has one treated unit, so it has no jackknife SE, and says why
    jk = synthetic_did(df, **kw, se="jackknife")
    assert jk.cohorts[0].std_error > 0 and math.isnan(jk.cohorts[1].std_error)
    d = {d.code: d for d in jk.diagnostics}["cohort_se_undefined"]
    assert d.message.en == (
        "The cohort starting 11 has no standard error of its own: it holds a single treated "
        "unit, and the jackknife that leaves it out has no estimate left for the cohort. Its "
        "estimate is shown; for a standard error use se='placebo' or se='bootstrap'."
    )
    assert d.message.id.startswith("Kelompok yang mulai 11 tidak punya galat baku sendiri")


def test_bootstrap_is_seeded_and_positive():
    treated = [f"u{i:02d}" for i in range(6)]
    df = _factor_panel(treated=treated)
    kw = {**KW, "treated_unit": treated, "intervention": 10, "replications": 50}
    a, b = synthetic_did(df, **kw), synthetic_did(df, **kw)
    assert a.se_method == "bootstrap" and len(a.replications) == 50
    assert a.std_error == b.std_error > 0


@pytest.mark.parametrize("se", ["placebo", "bootstrap", "jackknife"])
def test_comparison_se_false_refits_sdid_alone_with_the_same_numbers(se):
    treated = [f"u{i:02d}" for i in range(3)]
    df = _factor_panel(treated=treated)
    kw = {**KW, "treated_unit": treated, "intervention": 10, "se": se, "replications": 30}
    full = synthetic_did(df, **kw)
    lean = synthetic_did(df, **kw, comparison_se=False)
    assert lean.std_error == full.std_error > 0
    pd.testing.assert_frame_equal(lean.terms, full.terms)
    assert list(lean.replications.columns) == ["sdid"]
    assert lean.replications["sdid"].tolist() == full.replications["sdid"].tolist()
    assert lean.comparison["estimate"].tolist() == full.comparison["estimate"].tolist()
    assert lean.comparison.loc[["sc", "did"], "std_error"].isna().all()
    assert full.comparison.loc[["sc", "did"], "std_error"].gt(0).all()


def test_input_checks():
    df = _factor_panel()
    kw = {**KW, "treated_unit": "u00", "intervention": 10}
    with pytest.raises(
        ParamsError,
        match=r"level must be a number strictly between 0 and 1, got 1.5; did you mean 0.95\?",
    ):
        synthetic_did(df, **kw, level=1.5)
    with pytest.raises(ParamsError, match="comparison_se must be True or False, got 'no'"):
        synthetic_did(df, **kw, comparison_se="no")
    with pytest.raises(InnolabError, match="the data have no rows"):
        synthetic_did(df.iloc[:0], **kw)
    allnan = df.assign(y=np.nan)
    with pytest.raises(DataValidationError, match="every outcome value is missing or not finite"):
        synthetic_did(allnan, **kw)
    with pytest.raises(DataValidationError, match="treated unit 'u99' is not in the data"):
        synthetic_did(df, **{**kw, "treated_unit": "u99"})
    with pytest.raises(DataValidationError, match="must be after the first period"):
        synthetic_did(df, **{**kw, "intervention": 40})
    bad = df.copy()
    bad.loc[(bad.unit == "u05") & (bad.t == 3), "y"] = np.inf
    bad.loc[(bad.unit == "u06") & (bad.t.isin([1, 2])), "y"] = np.nan
    with pytest.raises(DataValidationError, match="2 control unit"):
        synthetic_did(bad, **kw)
    res = synthetic_did(bad, **kw, missing="drop")
    d = {d.code: d for d in res.diagnostics}["controls_dropped_missing"]
    assert d.message.en == (
        "2 control units were left out because their outcomes are missing or not finite in "
        "3 unit-periods: u05 and u06."
    )
    assert d.message.id.startswith("2 unit kontrol tidak dipakai")
    assert "u05" not in res.unit_weights.index
    treated_bad = df.copy()
    treated_bad.loc[(treated_bad.unit == "u00") & (treated_bad.t == 2), "y"] = np.nan
    with pytest.raises(DataValidationError, match="treated unit 'u00' has no finite outcome"):
        synthetic_did(treated_bad, **kw, missing="drop")


@pytest.mark.parametrize("kind", ["paths", "weights", "time_weights", "effects", "comparison"])
def test_every_plot_kind_returns_its_axes(kind):
    res = synthetic_did(_factor_panel(), **KW, treated_unit="u00", intervention=10)
    fig, ax = plt.subplots()
    assert res.plot(ax, kind=kind, language="id") is ax
    assert isinstance(res.plot(kind=kind), Axes)
    plt.close("all")
    with pytest.raises(ParamsError):
        res.plot(kind="nope")
