"""Interrupted time series: planted truth, statsmodels equivalence, lags rule, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.its import interrupted_time_series, newey_west_lags

MONTHS_ID = {
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
}  # fmt: skip


def _monthly(noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    t = pd.date_range("2015-01-01", periods=60, freq="MS")
    k = np.arange(60)
    y = (
        70
        + 0.1 * k
        + 3 * (t >= "2018-01-01")
        + 0.2 * (k - 36) * (t >= "2018-01-01")
        - 2 * (t >= "2018-05-01")
    )
    y = y + np.random.default_rng(seed).normal(0, noise, 60)
    return pd.DataFrame({"month": t, "ikm": y})


def test_two_interventions_recover_planted_changes_exactly():
    res = interrupted_time_series(
        _monthly(), outcome="ikm", time="month", intervention=["2018-04-02", "2017-12-19"]
    )
    est = res.terms.set_index("term")["estimate"]
    assert res.terms["term"].tolist() == [
        "level_change_1",
        "slope_change_1",
        "level_change_2",
        "slope_change_2",
        "pre_slope",
    ]
    np.testing.assert_allclose(est.to_numpy(), [3.0, 0.2, -2.0, 0.0, 0.1], atol=1e-9)
    assert res.estimate == pytest.approx(3.0)
    assert res.interventions == (pd.Timestamp("2017-12-19"), pd.Timestamp("2018-04-02"))
    close = next(d for d in res.diagnostics if d.code == "close_interventions")
    assert close.message.en.startswith(
        "19 December 2017 and 2 April 2018 are only 4 periods apart. With few periods"
    )
    assert close.message.id.startswith(
        "19 Desember 2017 dan 2 April 2018 hanya berjarak 4 periode. Dengan sedikit periode"
    )


def test_equals_statsmodels_hac_and_states_lag_rule():
    df = _monthly(noise=0.5)
    res = interrupted_time_series(
        df, outcome="ikm", time="month", intervention="2018-01-01", se="hac"
    )
    k = np.arange(60.0)
    after = (k >= 36).astype(float)
    X = np.column_stack([np.ones(60), k, after, (k - 36) * after])
    m = sm.OLS(df["ikm"].to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 3}, use_t=True)
    assert newey_west_lags(60) == 3  # floor(4 * 0.6 ** (2/9)) = floor(3.57)
    assert res.hac_lags == 3
    assert res.estimate == pytest.approx(m.params[2], abs=1e-10)
    assert res.std_error == pytest.approx(m.bse[2], abs=1e-10)
    assert res.p_value == pytest.approx(m.pvalues[2], abs=1e-10)
    assert res.se_type == (
        "Newey–West HAC, Bartlett kernel, 3 lags (lags = floor(4·(T/100)^(2/9)) (Newey–West "
        "1994 rule)), T = 60, no small-sample factor; t(T−K) = t(56) reference"
    )
    f = res.fitted
    # counterfactual = pre-intervention line extended
    np.testing.assert_allclose(f["counterfactual"], m.params[0] + m.params[1] * k, atol=1e-9)


def test_integer_time_seasonality_and_controls():
    df = _monthly(noise=0.3, seed=1)
    res_q = interrupted_time_series(
        df, outcome="ikm", time="month", intervention="2018-01-01", seasonality="quarter"
    )
    assert res_q.terms["term"].tolist() == ["level_change", "slope_change", "pre_slope"]
    k = np.arange(60)
    rng = np.random.default_rng(2)
    ctrl = np.sin(k)
    y = 70 + 0.1 * k + 3.0 * (k >= 36) + 0.5 * ctrl + rng.normal(0, 0.3, 60)
    ints = pd.DataFrame({"period": k, "ikm": y, "ctrl": ctrl})
    res_i = interrupted_time_series(
        ints, outcome="ikm", time="period", intervention=36, controls=["ctrl"], hac_lags=2
    )
    assert res_i.hac_lags == 2
    assert "lags given by the user" in res_i.se_type
    assert res_i.ci_lower < 3.0 < res_i.ci_upper
    assert res_i.terms["term"].tolist() == ["level_change", "slope_change", "pre_slope"]
    with pytest.raises(ParamsError) as info:
        interrupted_time_series(
            ints, outcome="ikm", time="period", intervention=36, seasonality="month"
        )
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n  - seasonality='month' needs dates in column "
        "'period', which holds int64 values; pass dates or seasonality=None"
    )


def test_intervention_outside_data_names_the_range():
    with pytest.raises(DataValidationError) as info:
        interrupted_time_series(_monthly(), outcome="ikm", time="month", intervention="2030-01-01")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'month': intervention 2030-01-01 is outside the data, which runs from "
        "2015-01-01 to 2019-12-01; an intervention needs at least one period before and one on "
        "or after it — choose a date inside that range"
    )


def test_few_pre_periods_diagnostic_and_plot(legend_outside):
    df = _monthly(noise=0.3).iloc[30:].reset_index(drop=True)  # 6 months before 2018-01
    res = interrupted_time_series(df, outcome="ikm", time="month", intervention="2018-01-01")
    diag = next(d for d in res.diagnostics if d.code == "few_pre_periods")
    assert diag.message.en.startswith("Only 6 pre-intervention periods (at least 8 recommended).")
    ax = res.plot(language="id")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "teramati",
        "model (level dan tren tiap segmen)",
        "kontrafaktual (tren sebelum intervensi diteruskan)",
        "intervensi",
    ]
    legend_outside(ax)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks and all(t.split()[0] in MONTHS_ID for t in ticks if t), ticks


def test_duplicate_periods_and_missing_column():
    df = pd.concat([_monthly(), _monthly().iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError) as info:
        interrupted_time_series(df, outcome="ikm", time="month", intervention="2018-01-01")
    assert "2 rows share the same (month); keep one row per month" in str(info.value)
    with pytest.raises(DataValidationError) as info:
        interrupted_time_series(_monthly(), outcome="skm", time="month", intervention="2018-01-01")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n  - column 'skm': outcome='skm' is not a column of the "
        "data; pass one of the available columns; allowed: month, ikm"
    )


def test_default_se_is_the_larger_of_corrected_hac_and_ols_and_holds_its_size():
    df = _monthly(noise=0.5)
    res = interrupted_time_series(df, outcome="ikm", time="month", intervention="2018-01-01")
    k = np.arange(60.0)
    after = (k >= 36).astype(float)
    X = np.column_stack([np.ones(60), k, after, (k - 36) * after])
    hac = sm.OLS(df["ikm"].to_numpy(), X).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True
    )
    ols = sm.OLS(df["ikm"].to_numpy(), X).fit()
    assert res.std_error == pytest.approx(max(hac.bse[2], ols.bse[2]), abs=1e-10)
    assert res.se_type.startswith("max per term of Newey–West HAC")
    # size on 40 periods of independent noise: the default keeps close to 5%
    rng = np.random.default_rng(0)
    rejections = {"hac_max": 0, "hac": 0}
    for _ in range(200):
        d = pd.DataFrame({"t": np.arange(40)})
        d["y"] = 50 + 0.2 * d["t"] + rng.normal(0, 1, 40)
        for se in rejections:
            r = interrupted_time_series(d, outcome="y", time="t", intervention=24, se=se)
            rejections[se] += r.p_value < 0.05
    assert rejections["hac_max"] / 200 < 0.09  # 5% + about 2.5 Monte-Carlo SE
    assert rejections["hac"] > rejections["hac_max"]
