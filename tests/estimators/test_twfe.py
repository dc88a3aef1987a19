"""TWFE: equivalence with dummy-variable OLS, absorption methods, conventions, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from innolab_analysis.errors import DataValidationError, EstimationError
from innolab_analysis.estimators._linear import demean, factorize
from innolab_analysis.estimators.twfe import twfe


def _panel(seed: int = 0, n_units: int = 40, n_periods: int = 8, effect: float = 2.0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "time": np.tile(np.arange(n_periods), n_units),
        }
    )
    adopt = rng.choice([3, 5, 99], n_units)
    df["d"] = (df["time"] >= adopt[df["unit"]]).astype(int)
    df["x"] = rng.normal(size=len(df))
    df["y"] = (
        rng.normal(size=n_units)[df["unit"]]
        + 0.3 * df["time"]
        + effect * df["d"]
        + 0.5 * df["x"]
        + rng.normal(0, 1, len(df))
    )
    return df


@pytest.mark.parametrize("drop", [0.0, 0.15])
def test_twfe_equals_dummy_ols_coef_and_cr1(drop):
    df = _panel()
    if drop:
        df = df.sample(frac=1 - drop, random_state=1).reset_index(drop=True)
    res = twfe(
        df,
        outcome="y",
        treatment="d",
        unit="unit",
        time="time",
        covariates=["x"],
        small_sample="full",
    )
    m = smf.ols("y ~ d + x + C(unit) + C(time)", df).fit(
        cov_type="cluster", cov_kwds={"groups": df["unit"]}
    )
    assert res.estimate == pytest.approx(m.params["d"], abs=1e-10)
    assert res.std_error == pytest.approx(m.bse["d"], abs=1e-10)
    assert res.terms.loc[1, "estimate"] == pytest.approx(m.params["x"], abs=1e-10)
    expected = "balanced two-way exact" if not drop else "two-way exact (Schur complement)"
    assert res.demean_method == expected


def test_small_sample_conventions_differ_only_by_k():
    df = _panel()
    full = twfe(df, outcome="y", treatment="d", unit="unit", time="time", small_sample="full")
    nested = twfe(df, outcome="y", treatment="d", unit="unit", time="time")
    none = twfe(df, outcome="y", treatment="d", unit="unit", time="time", small_sample="none")
    n, g, t = 320, 40, 8
    # nested: unit FE nested in the unit clusters are not counted; time FE count (t - 1) + 1
    k_full, k_nested, k_none = 1 + g + t - 1, 1 + t, 1
    ratio = np.sqrt((n - k_full) / (n - k_nested))
    assert nested.std_error == pytest.approx(full.std_error * ratio, rel=1e-12)
    assert none.std_error == pytest.approx(
        full.std_error * np.sqrt((n - k_full) / (n - k_none)), rel=1e-12
    )
    assert "K = 9, fixed effects nested in the clusters not counted in K" in nested.se_type
    assert "K = 48, every fixed-effect level counted in K" in full.se_type


def test_hc1_and_iid_match_statsmodels():
    df = _panel().sample(frac=0.9, random_state=2).reset_index(drop=True)
    for vcov, cov_type in (("hc1", "HC1"), ("iid", "nonrobust")):
        res = twfe(df, outcome="y", treatment="d", unit="unit", time="time", vcov=vcov)
        m = smf.ols("y ~ d + C(unit) + C(time)", df).fit(cov_type=cov_type)
        assert res.std_error == pytest.approx(m.bse["d"], abs=1e-10), vcov


def test_absorption_methods_agree():
    rng = np.random.default_rng(5)
    n = 3000
    u = rng.integers(0, 200, n)
    t = rng.integers(0, 30, n)
    X = rng.normal(size=(n, 2)) + u[:, None] * 0.1 - t[:, None] * 0.05
    exact = demean(X, [u, t])
    assert exact.method == "two-way exact (Schur complement)"
    # three effects force alternating projections; a third constant effect changes nothing
    mapped = demean(X, [u, t, np.zeros(n, dtype=int)], tol=1e-13)
    assert mapped.method == "alternating projections" and mapped.converged
    np.testing.assert_allclose(exact.values, mapped.values, atol=1e-9)
    # residuals are orthogonal to every unit and period
    for codes in (u, t):
        sums = np.bincount(codes, weights=exact.values[:, 0])
        np.testing.assert_allclose(sums, 0, atol=1e-9)


def test_planted_effect_recovered():
    df = _panel(seed=3, n_units=200, effect=1.5)
    res = twfe(df, outcome="y", treatment="d", unit="unit", time="time", covariates=["x"])
    assert res.ci_lower < 1.5 < res.ci_upper
    assert abs(res.estimate - 1.5) < 0.2


def test_duplicate_unit_periods():
    df = _panel()
    df = pd.concat([df, df.iloc[[5, 17]]], ignore_index=True)
    with pytest.raises(DataValidationError) as info:
        twfe(df, outcome="y", treatment="d", unit="unit", time="time")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'unit, time': 4 rows share the same (unit, time); keep one row per unit and "
        "time (aggregate or remove duplicates) [row 7 ((0, 5)), row 19 ((2, 1)), "
        "row 322 ((0, 5)), row 323 ((2, 1))]"
    )


def test_non_binary_treatment():
    df = _panel().assign(d=lambda f: f["d"] * 2)
    with pytest.raises(DataValidationError) as info:
        twfe(df, outcome="y", treatment="d", unit="unit", time="time")
    assert "column 'd': must be a 0/1 indicator;" in str(info.value)
    assert info.value.column == "d"


def test_switching_treatment_gives_diagnostic_and_no_bacon():
    df = _panel()
    df.loc[(df.unit == 0) & (df.time == 7), "d"] = 1 - df.loc[(df.unit == 0) & (df.time == 7), "d"]
    df.loc[(df.unit == 0), "d"] = [0, 0, 1, 1, 0, 0, 0, 0]
    res = twfe(df, outcome="y", treatment="d", unit="unit", time="time")
    assert "treatment_switches_off" in [d.code for d in res.diagnostics]
    with pytest.raises(EstimationError) as info:
        res.bacon()
    assert str(info.value) == (
        "the Goodman-Bacon decomposition is not available for this fit: treatment switches off "
        "in 1 units; it needs treatment that stays on"
    )


def test_treatment_collinear_with_fixed_effects():
    df = _panel()
    df["d"] = (df["time"] >= 4).astype(int)  # everyone adopts at once: absorbed by time effects
    with pytest.raises(EstimationError) as info:
        twfe(df, outcome="y", treatment="d", unit="unit", time="time")
    assert str(info.value).startswith("cannot estimate d: collinear with the other regressors")


def test_negative_weights_diagnostic_counts_cells():
    df = _panel()
    res = twfe(df, outcome="y", treatment="d", unit="unit", time="time")
    u, _ = factorize(df["unit"])
    t, _ = factorize(df["time"])
    dres = demean(df["d"].to_numpy(float), [u, t]).values[:, 0][df["d"].to_numpy() == 1]
    n_neg = int((dres < 0).sum())
    codes = [d.code for d in res.diagnostics]
    assert ("negative_weights" in codes) == (n_neg > 0)
    if n_neg:
        msg = next(d for d in res.diagnostics if d.code == "negative_weights").message.en
        assert msg.startswith(f"{n_neg} of {len(dres)} treated unit-periods")


def test_plot_and_bacon_available():
    res = twfe(_panel(), outcome="y", treatment="d", unit="unit", time="time")
    ax = res.plot()
    assert ax.get_title().startswith("TWFE = ")
    b = res.bacon()
    assert b.estimate == pytest.approx(res.estimate, abs=1e-8)


def _few_clusters(n_units: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {"unit": np.repeat(np.arange(n_units), 8), "time": np.tile(np.arange(8), n_units)}
    )
    df["d"] = ((df.unit < n_units // 2) & (df.time >= 4)).astype(int)
    df["y"] = (
        rng.normal(size=n_units)[df.unit] + 0.1 * df.time + 0.6 * df.d + rng.normal(0, 1, len(df))
    )
    return df


def test_wild_bootstrap_enumeration_equals_brute_force_dummy_regressions():
    """With Rademacher weights and 2^G <= reps every sign vector is used: check by brute force."""
    df = _few_clusters(6)
    res = twfe(
        df,
        outcome="y",
        treatment="d",
        unit="unit",
        time="time",
        vcov="wild",
        bootstrap_weights="rademacher",
        bootstrap_reps=999,
    )
    formula = "y ~ d + C(unit) + C(time)"
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": df["unit"]}}
    full = smf.ols(formula, df).fit(**kw)
    restricted = smf.ols("y ~ C(unit) + C(time)", df).fit()
    t_obs = full.tvalues["d"]
    t_boot = []
    for k in range(2**6):
        signs = np.array([1.0 if (k >> g) & 1 else -1.0 for g in range(6)])
        ystar = restricted.fittedvalues + restricted.resid * signs[df["unit"]]
        fit = smf.ols(formula, df.assign(y=ystar)).fit(**kw)
        t_boot.append(fit.tvalues["d"])
    expected = float(np.mean(np.abs(t_boot) >= abs(t_obs) * (1 - 1e-9)))  # ties count
    assert res.p_value == pytest.approx(expected, abs=1e-12)
    assert "few_clusters" in [d.code for d in res.diagnostics]
    assert "restricted wild cluster bootstrap (999 rademacher draws" in res.se_type


@pytest.mark.slow  # pyfixest compiles with numba on first use (~5 s)
def test_wild_bootstrap_matches_pyfixest_wildboottest():
    pf = pytest.importorskip("pyfixest", reason="needs pyfixest (bench extra)")
    pytest.importorskip("wildboottest", reason="needs wildboottest for pyfixest's bootstrap")
    df = _few_clusters(10)
    res = twfe(
        df,
        outcome="y",
        treatment="d",
        unit="unit",
        time="time",
        vcov="wild",
        bootstrap_weights="rademacher",
        bootstrap_reps=9999,
    )
    fit = pf.feols("y ~ d | unit + time", data=df, vcov={"CRV1": "unit"})
    boot = fit.wildboottest(param="d", reps=9999, seed=1)  # 2^10 < 9999: full enumeration
    assert res.p_value == pytest.approx(float(boot["Pr(>|t|)"]), abs=1e-12)
