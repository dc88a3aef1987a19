"""Tests of the synthetic control: solver, planted truths, inference, diagnostics, errors."""

from __future__ import annotations

import math

import matplotlib.axes
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from innolab_analysis.errors import DataValidationError, EstimationError, ParamsError
from innolab_analysis.estimators._result import SUMMARY_COLUMNS
from innolab_analysis.estimators._simplex import kkt_residual, project_simplex, simplex_lstsq
from innolab_analysis.estimators._synth_fit import fit_weights
from innolab_analysis.estimators.synth import SyntheticControlResult, synthetic_control


# ----------------------------------------------------------------------------- simulators
def factor_panel(
    *,
    n_donors: int = 19,
    n_periods: int = 30,
    intervention: int = 20,
    effect: float = 5.0,
    noise: float = 0.3,
    seed: int = 0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Linear factor model; the treated unit's loadings are a convex mix of 3 donors'."""
    rng = np.random.default_rng(seed)
    f = np.cumsum(rng.normal(0, 1, (n_periods, 3)), axis=0)  # common factors
    mu = rng.uniform(0.5, 2.0, (n_donors, 3))
    alpha = rng.uniform(40, 60, n_donors)
    true_w = np.zeros(n_donors)
    true_w[[1, 2, 3]] = [0.5, 0.3, 0.2]
    y0 = alpha[None, :] + f @ mu.T + rng.normal(0, noise, (n_periods, n_donors))
    y1 = (alpha @ true_w) + f @ (mu.T @ true_w) + rng.normal(0, noise, n_periods)
    y1 = y1 + effect * (np.arange(n_periods) >= intervention)
    rows = [("T", t, y1[t]) for t in range(n_periods)]
    rows += [(f"d{j:02d}", t, y0[t, j]) for j in range(n_donors) for t in range(n_periods)]
    return pd.DataFrame(rows, columns=["unit", "t", "y"]), true_w


def convex_panel(weights=(0.3, 0.7), n_donors: int = 6, seed: int = 1) -> pd.DataFrame:
    """Treated = exact convex combination of the first donors, no noise, no effect."""
    rng = np.random.default_rng(seed)
    y0 = 100 + np.cumsum(rng.normal(0, 2, (12, n_donors)), axis=0) + rng.uniform(-20, 20, n_donors)
    w = np.zeros(n_donors)
    w[: len(weights)] = weights
    y1 = y0 @ w
    rows = [("T", 2010 + t, y1[t]) for t in range(12)]
    rows += [(f"d{j}", 2010 + t, y0[t, j]) for j in range(n_donors) for t in range(12)]
    return pd.DataFrame(rows, columns=["unit", "year", "y"])


def fit(df, **kw):
    args = dict(outcome="y", unit="unit", time="t", treated_unit="T", intervention=20)
    args.update(kw)
    return synthetic_control(df, **args)


# ----------------------------------------------------------------------------- simplex solver
def test_project_simplex_hand_values():
    # (0.5, 0.5) is already on the simplex; (2, 0) projects to the vertex (1, 0);
    # (1, 1, 0) -> (0.5, 0.5, 0): subtract theta = 0.5 and clip.
    np.testing.assert_allclose(project_simplex(np.array([0.5, 0.5])), [0.5, 0.5])
    np.testing.assert_allclose(project_simplex(np.array([2.0, 0.0])), [1.0, 0.0])
    np.testing.assert_allclose(project_simplex(np.array([1.0, 1.0, 0.0])), [0.5, 0.5, 0.0])


def test_simplex_lstsq_matches_slsqp_on_random_problems():
    rng = np.random.default_rng(42)
    compared = 0
    for _ in range(60):
        J = int(rng.integers(2, 15))
        m = int(rng.integers(J, 30))  # m >= J: strictly convex, unique optimum
        A = rng.normal(size=(m, J))
        b = rng.normal(size=m)
        w = simplex_lstsq(A, b)
        assert w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-12)
        assert kkt_residual(A, b, w) < 1e-8

        def f(x, A=A, b=b):
            return float(np.sum((A @ x - b) ** 2))

        ref = minimize(
            f,
            np.full(J, 1 / J),
            jac=lambda x, A=A, b=b: 2 * A.T @ (A @ x - b),
            method="SLSQP",
            bounds=[(0, None)] * J,
            constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1}],
            options={"ftol": 1e-15, "maxiter": 2000},
        )
        if not ref.success or abs(ref.x.sum() - 1) > 1e-9:
            continue  # SLSQP's own failures say nothing about ours
        compared += 1
        np.testing.assert_allclose(w, ref.x, atol=1e-6)
        assert f(w) <= f(ref.x) + 1e-10
    assert compared >= 20


def test_simplex_lstsq_degenerate_problem_still_satisfies_kkt():
    # rank-1 A with many donors: a whole face of optimal weights; any must satisfy KKT
    rng = np.random.default_rng(3)
    A = np.outer(rng.normal(size=2), rng.normal(size=30))
    b = rng.normal(size=2)
    w = simplex_lstsq(A, b)
    assert kkt_residual(A, b, w) < 1e-8
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


# ----------------------------------------------------------------------------- planted truths
def test_exact_convex_combination_recovers_weights_outcome_matching():
    df = convex_panel()
    res = synthetic_control(
        df, outcome="y", unit="unit", time="year", treated_unit="T", intervention=2018
    )
    np.testing.assert_allclose(res.weights.to_numpy(), [0.3, 0.7, 0, 0, 0, 0], atol=1e-6)
    assert res.pre_rmspe < 1e-8
    assert res.estimate == pytest.approx(0.0, abs=1e-6)


def test_exact_convex_combination_recovers_weights_with_predictors():
    df = convex_panel(weights=(0.2, 0.5, 0.3), n_donors=5)
    preds = [("y", [y]) for y in (2010, 2012, 2014, 2016, 2017)]
    res = synthetic_control(
        df,
        outcome="y",
        unit="unit",
        time="year",
        treated_unit="T",
        intervention=2018,
        predictors=preds,
        placebo=False,
        leave_one_out=False,
    )
    np.testing.assert_allclose(res.weights.to_numpy(), [0.2, 0.5, 0.3, 0, 0], atol=1e-6)
    assert res.v_weights.sum() == pytest.approx(1.0)
    assert list(res.v_weights.index) == [f"y ({y})" for y in (2010, 2012, 2014, 2016, 2017)]
    np.testing.assert_allclose(res.balance["treated"], res.balance["synthetic"], atol=1e-6)


def test_planted_effect_recovered_inside_interval():
    df, _ = factor_panel(effect=5.0)
    res = fit(df)
    assert res.estimate == pytest.approx(5.0, abs=0.5)
    assert res.ci_lower < 5.0 < res.ci_upper
    assert res.ci_lower > 0  # 5 with noise 0.3 is clearly detected
    # the treated unit has the largest post/pre ratio: p = 1 / (19 + 1)
    assert res.p_value == pytest.approx(1 / 20)
    # (the weights themselves are not identified here: 19 donors, 3 factors)
    assert isinstance(res, SyntheticControlResult)


def test_no_effect_not_significant_and_in_time_placebo_small():
    df, _ = factor_panel(effect=0.0, seed=5)
    res = fit(df)
    assert res.ci_lower < 0 < res.ci_upper
    assert res.p_value > 0.1
    assert res.in_time is not None and res.in_time.time == 10
    assert abs(res.in_time.estimate) < 1.0


def test_nested_fit_on_predictors_recovers_planted_effect():
    df, _ = factor_panel(effect=-4.0, seed=2)
    preds = {"y mean": "y", "y t5": ("y", [5]), "y t19": ("y", [19])}
    res = fit(df, predictors=preds, leave_one_out=False, in_time_placebo=None)
    assert res.estimate == pytest.approx(-4.0, abs=0.6)
    assert res.ci_lower < -4.0 < res.ci_upper
    assert list(res.v_weights.index) == list(preds)


# ----------------------------------------------------------------------------- inference
def test_p_value_is_rank_of_rmspe_ratio():
    df, _ = factor_panel(effect=1.0, noise=1.0, seed=11)
    res = fit(df)
    pl = res.placebo
    r_t = pl["ratio"].iloc[0]
    n_ge = int((pl["ratio"].iloc[1:] >= r_t).sum())
    assert res.p_value == pytest.approx((1 + n_ge) / (1 + 19))
    assert pl.index[0] == "T" and len(pl) == 20
    # ratio = post / pre
    np.testing.assert_allclose(pl["ratio"], pl["post_rmspe"] / pl["pre_rmspe"])


def test_placebo_mspe_cutoff_excludes_poorly_fitted_placebos():
    df, _ = factor_panel(effect=1.0, noise=1.0, seed=11)
    res = fit(df, placebo_mspe_cutoff=2)
    pl = res.placebo
    pre_t = pl["pre_rmspe"].iloc[0]
    expected = (pl["pre_rmspe"] ** 2 <= 2 * pre_t**2).to_numpy().copy()
    expected[0] = True
    assert 0 < (~expected).sum() < len(expected) - 1  # the cutoff bites, but not on all
    np.testing.assert_array_equal(pl["included"].to_numpy(), expected)
    kept = pl.iloc[1:][pl["included"].iloc[1:].to_numpy()]
    assert res.p_value == pytest.approx(
        (1 + int((kept["ratio"] >= pl["ratio"].iloc[0]).sum())) / (1 + len(kept))
    )


def test_confidence_interval_inverts_the_placebo_test():
    # brute force: c is inside the interval iff the placebo test of "effect = c" has p > 0.05
    df, _ = factor_panel(effect=3.0, noise=0.8, seed=4)
    res = fit(df, in_time_placebo=None, leave_one_out=False)
    post = res.gap.to_numpy()[20:]
    ratios = res.placebo["ratio"].to_numpy()[1:]

    def p_of(c):
        r = np.sqrt(np.mean((post - c) ** 2)) / res.pre_rmspe
        return (1 + np.sum(ratios >= r)) / (1 + len(ratios))

    grid = np.linspace(res.ci_lower - 3, res.ci_upper + 3, 601)
    for c in grid:
        inside = res.ci_lower <= c <= res.ci_upper
        if min(abs(c - res.ci_lower), abs(c - res.ci_upper)) < 1e-6:
            continue
        assert (p_of(c) > 0.05) == inside, c


def test_too_few_placebos_give_unbounded_interval_and_warning():
    df, _ = factor_panel(n_donors=8, effect=5.0)
    res = fit(df)
    assert res.p_value == pytest.approx(1 / 9)
    assert math.isinf(res.ci_lower) and math.isinf(res.ci_upper)
    gran = [d for d in res.diagnostics if d.code == "placebo_granularity"][0]
    assert gran.severity == "warning"
    assert "1/9 = 0.111" in gran.message.en


def test_leave_one_out_refits_each_positive_weight_donor():
    df, _ = factor_panel(effect=5.0)
    res = fit(df)
    positive = res.weights[res.weights > 1e-3]
    assert set(res.leave_one_out.index) == set(positive.index)
    for donor in positive.index:
        refit = fit(
            df.loc[df["unit"] != donor], placebo=False, in_time_placebo=None, leave_one_out=False
        )
        assert res.leave_one_out.loc[donor, "estimate"] == pytest.approx(refit.estimate, abs=1e-9)


def test_no_placebo_means_no_p_value_and_a_note():
    df, _ = factor_panel()
    res = fit(df, placebo=False)
    assert math.isnan(res.p_value) and math.isnan(res.ci_lower)
    assert "no placebo run" in res.se_type
    assert any(d.code == "no_standard_error" for d in res.diagnostics)


# ----------------------------------------------------------------------------- result contract
def test_result_contract_and_input_not_mutated():
    df, _ = factor_panel()
    before = df.copy()
    res = fit(df)
    pd.testing.assert_frame_equal(df, before)
    s = res.summary()
    assert tuple(s.columns) == SUMMARY_COLUMNS
    assert s.loc[0, "term"] == "mean_post_gap" and math.isnan(s.loc[0, "std_error"])
    assert res.weights.sum() == pytest.approx(1.0) and (res.weights >= 0).all()
    np.testing.assert_allclose(res.gap, res.treated - res.synthetic)
    assert res.estimate == pytest.approx(res.gap.loc[20:].mean())
    assert res.pre_rmspe == pytest.approx(np.sqrt(np.mean(res.gap.loc[:19] ** 2)))
    assert res.n_obs == 20 * 30
    assert "Firpo & Possebom" in res.se_type
    assert res.text.id and res.text.en and "<div" in res._repr_html_()
    with pytest.raises(AttributeError):
        res.estimate = 0.0


@pytest.mark.parametrize("kind", ["paths", "gap", "placebo"])
def test_plots_return_axes(kind, legend_outside):
    df, _ = factor_panel(n_donors=6)
    res = fit(df)
    ax = res.plot(kind=kind, language="id")
    assert isinstance(ax, matplotlib.axes.Axes)
    n_lines = {"paths": 2, "gap": 1, "placebo": 7}[kind]
    assert len([ln for ln in ax.get_lines() if np.asarray(ln.get_xdata()).size > 2]) == n_lines
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    unit = str(res.treated_unit)
    assert (
        legend
        == {
            "paths": [unit, f"{unit} sintetis", "intervensi"],
            "gap": [unit, "tanpa efek (nol)", "intervensi"],
            "placebo": [
                "unit plasebo (masing-masing diperlakukan seolah-olah menerima intervensi)",
                unit,
                "tanpa efek (nol)",
                "intervensi",
            ],
        }[kind]
    )
    legend_outside(ax)


def test_plot_errors():
    df, _ = factor_panel(n_donors=6)
    res = fit(df, placebo=False)
    with pytest.raises(ParamsError, match=r"kind must be one of \('paths', 'gap', 'placebo'\)"):
        res.plot(kind="bars")
    with pytest.raises(EstimationError) as e:
        res.plot(kind="placebo")
    assert str(e.value) == (
        "no placebo gaps to plot: the result was fitted with placebo=False; refit with placebo=True"
    )


# ----------------------------------------------------------------------------- diagnostics
def test_diagnostics_outside_hull_few_donors_dominant_donor():
    rng = np.random.default_rng(0)
    rows = []
    for t in range(10):
        rows.append(("T", t, 100 + t + rng.normal()))  # far above every donor
        for j in range(3):
            rows.append((f"d{j}", t, 10 * j + t + rng.normal()))
    res = synthetic_control(
        pd.DataFrame(rows, columns=["unit", "t", "y"]),
        outcome="y",
        unit="unit",
        time="t",
        treated_unit="T",
        intervention=7,
    )
    codes = {d.code: d for d in res.diagnostics}
    assert codes["outside_convex_hull"].severity == "warning"
    assert "In 7 of 7 pre-intervention periods" in codes["outside_convex_hull"].message.en
    assert "Only 3 donor units" in codes["few_donors"].message.en
    assert res.weights["d2"] == pytest.approx(1.0)
    assert "dominant_donor" in codes
    assert "poor_pre_fit" in codes


# ----------------------------------------------------------------------------- bad input
def test_duplicate_unit_time_rows_are_named():
    df, _ = factor_panel(n_donors=4)
    bad = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    with pytest.raises(DataValidationError) as e:
        fit(bad)
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'unit, t': 2 rows share the same (unit, t); keep one row per unit and t "
        "(aggregate or remove duplicates) [row 5 (('T', 3)), row 152 (('T', 3))]"
    )


def test_unknown_treated_unit_and_bad_intervention_listed_together():
    df, _ = factor_panel(n_donors=4)
    with pytest.raises(DataValidationError) as e:
        fit(df, treated_unit="d0l", intervention=99)
    msg = str(e.value)
    assert msg.startswith("2 problem(s) in the input data:\n")
    assert "treated_unit 'd0l' is not in the data; did you mean " in msg
    assert "'d01'" in msg
    assert (
        "intervention 99 must be after the first period and not after the last one: the data "
        "run from 0 to 29, so pass a first treated period in (0, 29]"
    ) in msg


def test_missing_outcomes_named_or_donors_dropped():
    df, _ = factor_panel(n_donors=6)
    bad = df.copy()
    bad.loc[(bad["unit"] == "d02") & bad["t"].isin([3, 4]), "y"] = np.nan
    with pytest.raises(DataValidationError) as e:
        fit(bad)
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - donor 'd02' has no finite outcome value in period(s) 3, 4; fill it, remove the donor, "
        "or pass missing='drop'"
    )
    res = fit(bad, missing="drop")
    assert "d02" not in res.weights.index
    note = [d for d in res.diagnostics if d.code == "donors_dropped_missing"][0]
    assert (
        note.message.en
        == "1 donor unit was dropped because of missing or infinite outcome values: d02."
    )
    assert (
        note.message.id
        == "1 unit donor dibuang karena ada nilai hasil yang hilang atau tak hingga: d02."
    )


def test_missing_treated_values_raise_even_with_drop():
    df, _ = factor_panel(n_donors=4)
    bad = df.loc[~((df["unit"] == "T") & (df["t"] == 2))]
    with pytest.raises(
        DataValidationError, match="the treated unit 'T' has no finite outcome value in period"
    ):
        fit(bad, missing="drop")


def test_constant_outcome_and_too_few_donors():
    df, _ = factor_panel(n_donors=4)
    flat = df.assign(y=7.0)
    with pytest.raises(DataValidationError, match=r"the outcome is constant \(7.0\)"):
        fit(flat)
    two = df.loc[df["unit"].isin(["T", "d00"])]
    with pytest.raises(EstimationError) as e:
        fit(two)
    assert str(e.value) == (
        "synthetic control needs at least 2 donor units, got 1 (['d00']); "
        "add untreated units to the data or to donors"
    )


def test_bad_options_raise_params_errors():
    df, _ = factor_panel(n_donors=4)
    with pytest.raises(
        ParamsError, match=r"missing must be one of \('raise', 'drop'\), got 'skip'"
    ):
        fit(df, missing="skip")
    with pytest.raises(ParamsError, match="placebo_mspe_cutoff must be None or a number >= 1"):
        fit(df, placebo_mspe_cutoff=0.5)
    with pytest.raises(ParamsError, match=r"predictor op must be one of \('mean', 'median'\)"):
        fit(df, predictors=[("y", [1, 2], "max")])
    with pytest.raises(DataValidationError, match="predictors='nope' is not a column"):
        fit(df, predictors=["nope"])


def test_fit_weights_without_predictors_is_plain_simplex_ls():
    rng = np.random.default_rng(0)
    Z0 = rng.normal(size=(15, 6))
    z1 = Z0 @ np.array([0.1, 0.2, 0.3, 0.4, 0, 0])
    f = fit_weights(z1, Z0)
    np.testing.assert_allclose(f.weights, [0.1, 0.2, 0.3, 0.4, 0, 0], atol=1e-8)
    assert f.v is None and f.pre_mspe < 1e-16


def test_docstring_examples_run():
    import doctest

    from innolab_analysis.estimators import _simplex, synth

    for module in (synth, _simplex):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_intervention_of_the_wrong_type_is_named():
    df, _ = factor_panel(n_donors=4)
    with pytest.raises(DataValidationError) as e:
        fit(df, intervention="2021-06")
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 't': intervention '2021-06' (str) cannot be compared with the periods of "
        "column 't' (int, from 0 to 29); pass a period of the same type"
    )


def test_in_time_placebo_at_a_chosen_period_and_bad_period():
    df, _ = factor_panel(effect=0.0, seed=5, n_donors=6)
    res = fit(df, in_time_placebo=8, placebo=False, leave_one_out=False)
    assert res.in_time.time == 8
    assert list(res.in_time.gap.index) == list(range(20))  # only real pre-period
    assert res.in_time.estimate == pytest.approx(res.in_time.gap.loc[8:].mean())
    with pytest.raises(ParamsError) as e:
        fit(df, in_time_placebo=1, placebo=False)
    assert str(e.value).startswith(
        "1 problem(s) in the parameters:\n  - in_time_placebo must be a pre-intervention "
        "period with at least 2 periods before it, one of [2, 3, 4,"
    )


def test_predictor_spec_forms_agree():
    from innolab_analysis.estimators.synth import Predictor

    df, _ = factor_panel(effect=2.0, seed=8, n_donors=6)
    kw = dict(placebo=False, leave_one_out=False, in_time_placebo=None)
    a = fit(df, predictors=[("y", [3]), ("y", range(10, 20), "median")], **kw)
    b = fit(
        df,
        predictors=[
            {"column": "y", "periods": [3]},
            Predictor("y", tuple(range(10, 20)), "median"),
        ],
        **kw,
    )
    np.testing.assert_allclose(a.weights, b.weights, atol=1e-12)
    assert list(a.balance.index) == ["y (3)", "y (median 10-19)"]
    # balance: treated and donor mean are the plain summaries of the data
    wide = df.pivot(index="t", columns="unit", values="y")
    assert a.balance.loc["y (3)", "treated"] == pytest.approx(wide.loc[3, "T"])
    assert a.balance.loc["y (median 10-19)", "donor_mean"] == pytest.approx(
        wide.loc[10:19].drop(columns="T").median().mean()
    )
    assert a.balance.loc["y (3)", "synthetic"] == pytest.approx(
        wide.loc[3, a.weights.index] @ a.weights
    )


def test_interpolating_fit_gives_an_unbounded_interval_not_absurd_bounds():
    # 12 donors, 4 pre-periods: any treated path is (nearly) an exact convex combination,
    # so the pre-period fit is an interpolation and the ratio test cannot bound the effect.
    rng = np.random.default_rng(3)
    n_units, n_periods = 13, 8
    y = rng.normal(50, 5, (n_units, n_periods))
    y[0, :4] = y[1:, :4].mean(axis=0)  # inside the hull exactly
    df = pd.DataFrame(
        [(f"u{i:02d}", 2000 + t, y[i, t]) for i in range(n_units) for t in range(n_periods)],
        columns=["unit", "year", "y"],
    )
    res = synthetic_control(
        df, outcome="y", unit="unit", time="year", treated_unit="u00", intervention=2004,
        leave_one_out=False, in_time_placebo=None,
    )  # fmt: skip
    assert res.pre_rmspe < 1e-6
    assert "interpolation" in {d.code for d in res.diagnostics}
    lo, hi = res.ci_lower, res.ci_upper
    assert (np.isinf(lo) and np.isinf(hi)) or (np.isnan(lo) and np.isnan(hi))
