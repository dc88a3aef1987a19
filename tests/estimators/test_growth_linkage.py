"""Growth linkage: equivalences, the shared standard-error rule, input checks, text and figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from innolab_analysis.errors import DataValidationError, EstimationError, ParamsError
from innolab_analysis.estimators._hac import fit_hac, newey_west_lags
from innolab_analysis.estimators.growth_linkage import growth_linkage
from innolab_analysis.estimators.its import interrupted_time_series

KW = {"outcome": "g_sat", "driver": "g_core", "time": "year", "event": 2018}


def _series(seed: int = 2018, covid: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(2011, 2025)
    core = 6 + rng.normal(0, 1, 14)
    if covid:
        core[years == 2020] = -5.0
    sat = 1.5 + np.where(years >= 2018, 0.9, 0.4) * core + rng.normal(0, 0.3, 14)
    return pd.DataFrame({"year": years, "g_core": core, "g_sat": sat})


def _hand_newey_west(X: np.ndarray, y: np.ndarray, lags: int) -> np.ndarray:
    """Bartlett-kernel Newey–West covariance, no small-sample factor."""
    b = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ b
    xu = X * u[:, None]
    S = xu.T @ xu
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)
        G = xu[lag:].T @ xu[:-lag]
        S += w * (G + G.T)
    bread = np.linalg.inv(X.T @ X)
    return bread @ S @ bread


def _design(df: pd.DataFrame) -> np.ndarray:
    post = (df["year"] >= 2018).astype(float)
    return np.column_stack([np.ones(len(df)), df["g_core"], post, df["g_core"] * post])


def test_interacted_model_equals_separate_regressions():
    df = _series(covid=False)
    res = growth_linkage(df, **KW)
    pre, post = df.loc[df["year"] < 2018], df.loc[df["year"] >= 2018]
    assert res.slope("elasticity_before") == pytest.approx(
        np.polyfit(pre["g_core"], pre["g_sat"], 1)[0], abs=1e-10
    )
    assert res.slope("elasticity_after") == pytest.approx(
        np.polyfit(post["g_core"], post["g_sat"], 1)[0], abs=1e-10
    )
    assert res.estimate == pytest.approx(
        res.slope("elasticity_after") - res.slope("elasticity_before"), abs=1e-12
    )
    assert res.n_obs == 14 and res.hac_lags == newey_west_lags(14) == 2


def test_a_dummy_equals_leaving_the_period_out():
    df = _series()
    dummy = growth_linkage(df, **KW, dummies={"covid_2020": 2020}, se="ols")
    left_out = growth_linkage(df, **KW, exclude=[2020], se="ols")
    a, b = dummy.terms.set_index("term"), left_out.terms.set_index("term")
    for term in ("elasticity_before", "elasticity_after", "elasticity_change"):
        assert a.loc[term, "estimate"] == pytest.approx(b.loc[term, "estimate"], abs=1e-10)
        assert a.loc[term, "std_error"] == pytest.approx(b.loc[term, "std_error"], rel=1e-8)
    assert dummy.terms["term"].tolist()[-1] == "covid_2020"
    assert "covid_2020" not in b.index
    assert dummy.data.set_index("time").loc[2020, "dummy"] == "covid_2020"
    assert not left_out.data.set_index("time").loc[2020, "used"]


def test_standard_errors_by_hand_for_each_rule():
    df = _series(covid=False)
    X, y = _design(df), df["g_sat"].to_numpy()
    n, k = X.shape
    V = _hand_newey_west(X, y, lags=2)
    V_ols = sm.OLS(y, X).fit().cov_params()
    after = np.array([0, 1, 0, 1.0])
    contrasts = {
        "elasticity_change": np.eye(4)[3],
        "elasticity_before": np.eye(4)[1],
        "elasticity_after": after,
    }
    se = {
        rule: growth_linkage(df, **KW, se=rule).terms.set_index("term")["std_error"]
        for rule in ("hac", "hac_max", "ols")
    }
    for term, c in contrasts.items():
        hac, ols = np.sqrt(c @ V @ c), np.sqrt(c @ V_ols @ c)
        assert se["hac"][term] == pytest.approx(hac, rel=1e-10)
        assert se["ols"][term] == pytest.approx(ols, rel=1e-10)
        assert se["hac_max"][term] == pytest.approx(max(hac * np.sqrt(n / (n - k)), ols), rel=1e-10)


def test_one_option_means_the_same_in_the_interrupted_time_series():
    # the same regression through the ITS and through the shared module: same SEs, same words
    df = _series(covid=False)
    post = (df["year"] >= 2018).astype(float)
    X = pd.DataFrame(
        {
            "intercept": 1.0,
            "pre_slope": np.arange(14.0),
            "level_change": post,
            "slope_change": (np.arange(14.0) - 7) * post,
        }
    )
    for rule in ("hac_max", "hac", "ols"):
        its = interrupted_time_series(
            df.assign(t=np.arange(14)), outcome="g_sat", time="t", intervention=7, se=rule
        )
        fit = fit_hac(df["g_sat"].to_numpy(), X, se=rule)
        assert its.std_error == pytest.approx(
            fit.std_error(fit.contrast("level_change")), rel=1e-12
        )
        assert its.se_type == fit.se_type
        linkage = growth_linkage(df, **KW, se=rule)
        assert linkage.se_type.split(", T = ")[0] == its.se_type.split(", T = ")[0]


def test_level_must_be_inside_zero_one():
    df = _series()
    for bad in (0, 1, 1.5, True, "0.95"):
        with pytest.raises(ParamsError) as err:
            growth_linkage(df, **KW, level=bad)
        assert str(err.value) == (
            "1 problem(s) in the parameters:\n"
            f"  - column 'level': level must be a number strictly between 0 and 1, got {bad!r}; "
            "did you mean 0.95?; allowed: a share strictly between 0 and 1 (e.g. 0.95)"
        )


def test_non_finite_and_empty_input_are_refused_with_the_rows():
    df = _series()
    df.loc[[3, 5], "g_sat"] = [np.nan, np.inf]
    with pytest.raises(DataValidationError) as err:
        growth_linkage(df, **KW)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'g_sat': must hold finite numbers; 2 row(s) are missing or infinite — fill "
        "them or leave those periods out of the data [row 5 (nan), row 7 (inf)]"
    )
    with pytest.raises(DataValidationError) as err:
        growth_linkage(_series().iloc[:0], **KW)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': the data have no rows; pass one row per period with the outcome's "
        "and the driver's growth"
    )


def test_unknown_periods_and_too_few_periods():
    df = _series()
    with pytest.raises(DataValidationError) as err:
        growth_linkage(df, **KW, dummies={"covid": 2030}, exclude=[1999])
    assert str(err.value) == (
        "2 problem(s) in the input data:\n"
        "  - column 'year': dummies['covid']: period 2030 is not in the data (2011–2024)\n"
        "  - column 'year': exclude: period 1999 is not in the data (2011–2024)"
    )
    with pytest.raises(EstimationError) as err:
        growth_linkage(df, **{**KW, "event": 2024})
    assert str(err.value) == (
        "too few periods for the growth linkage: 13 before and 1 from 2024 (dummied and excluded "
        "periods not counted; 14 in all for 4 parameters); need ≥ 3 before, ≥ 2 after and 2 "
        "residual degrees of freedom — use a longer series or exclude fewer periods"
    )


def test_text_and_diagnostics_from_the_catalog():
    res = growth_linkage(_series(), **KW, dummies={"covid_2020": 2020}, exclude=[2011])
    t = res.terms.set_index("term")
    change = t.loc["elasticity_change"]
    en = (
        f"Elasticity of g\\_sat with respect to g\\_core: {t.loc['elasticity_before', 'estimate']:.2f}"
        f" before 2018 and {t.loc['elasticity_after', 'estimate']:.2f} from 2018; change "
        f"{change['estimate']:+.2f} (95% CI {change['ci_lower']:.2f} to {change['ci_upper']:.2f}; "
        f"p = {change['p_value']:.3f}), 13 periods."
    )
    assert res.text.en == en
    assert res.text.id.startswith("Elastisitas g\\_sat terhadap g\\_core: ")
    assert [d.code for d in res.diagnostics] == ["few_post_periods", "periods_excluded"]
    assert res.diagnostics[0].message.id == (
        "Hanya 6 periode mulai 2018: daya uji rendah, jangan menyimpulkan berlebihan dari "
        "perubahan elastisitas."
    )
    assert res.diagnostics[1].message.en == (
        "Periods 2011 left out of the regression; the Newey–West lags run over the remaining "
        "series."
    )


def test_figure_explains_every_marker_and_keeps_far_points_at_the_edge():
    res = growth_linkage(_series(), **KW, dummies={"covid_2020": 2020})
    ax = res.plot(
        language="id", outcome_label="Pertumbuhan A (%)", driver_label="Pertumbuhan B (%)"
    )
    b, a = res.slope("elasticity_before"), res.slope("elasticity_after")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    x, y = _series().set_index("year").loc[2020, ["g_core", "g_sat"]]
    assert legend == [
        f"sebelum 2018 · elastisitas {b:.2f}".replace(".", ","),
        f"mulai 2018 · elastisitas {a:.2f}".replace(".", ","),
        "2020: diberi dummy sendiri, tidak memengaruhi kemiringan (di luar bingkai, ke arah "
        f"panah: {x:.2f}; {y:.2f})".replace(".", ","),
    ]
    assert ax.get_xlim()[0] > x  # the COVID point is drawn at the edge, not squeezing the rest
    assert ax.get_xlabel() == "Pertumbuhan B (%)" and ax.get_ylabel() == "Pertumbuhan A (%)"
    years = {t.get_text() for t in ax.texts}
    assert {"2011", "2017", "2018", "2024"} <= years and "2020" not in years
    assert ax.xaxis.get_major_formatter()(5.5, 0) == "5,5"
