"""pool_effects, meta_regression and shrink_effects: inputs, scales, text, plots (numbers: *_published)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, EstimationError, ParamsError
from innolab_analysis.estimators.meta_regression import meta_regression
from innolab_analysis.estimators.pooling import forest_plot, pool_effects
from innolab_analysis.estimators.shrinkage import SHRINKAGE_COLUMNS, shrink_effects


def effects(est=(1.0, 3.0, 5.0), se=(1.0, 1.0, 1.0), outcome="ikm"):
    return pd.DataFrame(
        {
            "unit": [f"Unit {i}" for i in range(len(est))],
            "outcome": outcome,
            "estimate": est,
            "std_error": se,
        }
    )


def test_dersimonian_laird_by_hand():
    # y = 1, 3, 5 with se 1: Q = 8, c = 2, tau2 = 3, weights 1/4 each, se = sqrt(4/3), I2 = 6/8
    res = pool_effects(effects(), method="DL")
    assert res.q == pytest.approx(8.0) and res.q_df == 2
    assert res.tau2 == pytest.approx(3.0) and res.tau == pytest.approx(math.sqrt(3))
    assert res.estimate == pytest.approx(3.0)
    assert res.std_error == pytest.approx(math.sqrt(4 / 3))
    assert res.i2 == pytest.approx(0.75) and res.h2 == pytest.approx(4.0)
    half = 1.959963984540054 * math.sqrt(4 / 3 + 3)
    assert res.prediction_interval == pytest.approx((3 - half, 3 + half))
    assert res.data["weight"].tolist() == pytest.approx([1 / 3] * 3)
    assert res.method == "random_effects_dl" and res.outcome == "ikm" and res.n_obs == 3


def test_fixed_effect_is_the_inverse_variance_mean():
    res = pool_effects(effects(est=(1.0, 3.0), se=(1.0, 2.0)), method="fixed")
    assert res.estimate == pytest.approx(1.4)
    assert res.std_error == pytest.approx(math.sqrt(1 / 1.25))
    assert res.tau2 == 0.0 and res.prediction_interval == pytest.approx(
        (res.ci_lower, res.ci_upper)
    )


def test_knapp_hartung_uses_t_with_k_minus_1_df():
    res = pool_effects(effects(), method="DL", knapp_hartung=True)
    # s2w = sum w (y - mu)^2 / (k - 1) = (4 + 0 + 4)/4 / 2 = 1: the variance is unchanged
    assert res.std_error == pytest.approx(math.sqrt(4 / 3))
    t = 4.302652729911275  # t(0.975, 2)
    assert res.ci_upper - res.estimate == pytest.approx(t * math.sqrt(4 / 3))
    assert "t(2) reference" in res.se_type


def test_the_text_quotes_the_numbers_in_both_languages():
    res = pool_effects(effects(), method="DL")
    assert res.text.en == (
        "Pooled effect 3.00 (95% CI 0.74 to 5.26; p = 0.009) from 3 estimates, random-effects "
        "model with τ² by DerSimonian–Laird. Heterogeneity: I² = 75%, τ = 1.73; a similar new "
        "unit is expected to gain between -1.08 and 7.08 (95% prediction interval)."
    )
    assert res.text.id.startswith("Efek gabungan 3,00 (IK 95% 0,74 s.d. 5,26; p = 0,009) dari 3")


def test_diagnostics_warn_about_few_effects_and_heterogeneity():
    codes = [d.code for d in pool_effects(effects(), method="REML").diagnostics]
    assert codes == ["few_effects", "high_heterogeneity"]
    assert [d.code for d in pool_effects(effects(), knapp_hartung=True).diagnostics] == [
        "high_heterogeneity"
    ]
    fixed = pool_effects(effects(), method="fixed")
    assert [d.code for d in fixed.diagnostics] == ["fixed_despite_heterogeneity"]


def test_several_outcomes_are_never_pooled_together():
    mixed = pd.concat([effects(), effects(est=(0.4, 0.5, 0.3), outcome="pdrb_adhk_growth")])
    with pytest.raises(DataValidationError) as err:
        pool_effects(mixed)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n  - column 'outcome': the rows hold 2 outcomes "
        "(ikm, pdrb_adhk_growth): combining them would mix scales; pass outcome=... to choose "
        "one, or standardise the effects first; allowed: ikm, pdrb_adhk_growth"
    )
    assert pool_effects(mixed, outcome="pdrb_adhk_growth").k == 3


def test_bad_standard_errors_are_listed_by_row():
    bad = effects(est=(1.0, 2.0, float("nan"), 4.0), se=(1.0, 0.0, 1.0, float("inf")))
    with pytest.raises(DataValidationError) as err:
        pool_effects(bad)
    assert str(err.value) == (
        "2 problem(s) in the effects:\n"
        "  - column 'estimate': must be a finite number in every row (1 row(s) are not); drop "
        "those rows or supply the values [row 4 (nan)]\n"
        "  - column 'std_error': must be a positive, finite number in every row (2 row(s) are "
        "not); drop those rows or supply the values [row 3 (0.0), row 5 (inf)]"
    )


def test_options_are_checked():
    with pytest.raises(ParamsError, match=r"method must be one of \('REML', 'DL', 'PM', 'fixed'\)"):
        pool_effects(effects(), method="random")
    with pytest.raises(ParamsError, match="level must be a number strictly between 0 and 1, got"):
        pool_effects(effects(), level=95)
    with pytest.raises(DataValidationError, match="1 effect\\(s\\) given; at least 2"):
        pool_effects(effects(est=(1.0,), se=(1.0,)))


def test_forest_plot_names_rows_and_the_pooled_diamond():
    res = pool_effects(effects())
    fig, ax = plt.subplots()
    assert res.plot(ax, language="id", xlabel="Poin IKM") is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Unit 0", "Unit 1", "Unit 2", "Gabungan (REML)", "Selang prediksi"]
    assert ax.get_xlabel() == "Poin IKM"
    fig.canvas.draw()
    assert ax.xaxis.get_major_formatter()(2.5, 0) == "2,5"


def test_forest_plot_escapes_dollar_signs_in_names():
    rows = pd.DataFrame(
        {"label": ["Dinas $x$"], "estimate": [1.0], "ci_lower": [0.0], "ci_upper": [2.0]}
    )
    ax = forest_plot(rows, language="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Dinas \\$x\\$"]


def test_meta_regression_recovers_a_planted_slope_and_names_categories():
    rng = np.random.default_rng(1)
    lead = rng.uniform(1, 5, 40)
    kind = np.where(np.arange(40) % 2 == 0, "dinas", "kelurahan")
    y = 1.0 + 0.8 * lead + np.where(kind == "kelurahan", 1.5, 0.0) + rng.normal(0, 0.3, 40)
    df = pd.DataFrame({"estimate": y, "std_error": 0.3, "leadership": lead, "kind": kind})
    res = meta_regression(df, ["leadership", "kind"])
    coef = res.terms.set_index("term")["estimate"]
    assert coef["leadership"] == pytest.approx(0.8, abs=0.1)
    assert coef["kind=kelurahan"] == pytest.approx(1.5, abs=0.25)
    assert res.categories == {"kind": ["dinas", "kelurahan"]}
    assert res.qm_p_value < 1e-6 and 0 <= res.r2 <= 1
    ax = res.plot(language="en")
    assert ax.get_xlabel() == "leadership"


def test_meta_regression_refuses_too_many_moderators_and_a_single_category():
    df = effects().assign(lead=[1.0, 2.0, 3.0], kind="dinas")
    with pytest.raises(EstimationError, match="3 effects cannot estimate 3 coefficient"):
        meta_regression(df.assign(lead2=[0.0, 1.0, 5.0]), ["lead", "lead2"])
    with pytest.raises(DataValidationError) as err:
        meta_regression(df, "kind")
    assert "column 'kind': has a single category ('dinas'): nothing to compare" in str(err.value)


def test_shrinkage_pulls_uncertain_units_most():
    df = effects(est=(2.0, 9.0, 3.0, 1.0, 2.5), se=(0.2, 3.0, 0.3, 0.5, 0.25))
    res = shrink_effects(df)
    t = res.table
    assert list(t.columns) == list(SHRINKAGE_COLUMNS)
    assert t["shrinkage"].idxmax() == 1  # the unit with SE 3
    assert res.most_shrunk()["label"] == "Unit 1"
    # shrunken values lie between the unit's own estimate and the mean
    mu = res.pooled.estimate
    lo, hi = np.minimum(t["estimate"], mu), np.maximum(t["estimate"], mu)
    assert ((t["shrunken"] >= lo - 1e-12) & (t["shrunken"] <= hi + 1e-12)).all()
    assert (t["shrunken_se"] <= t["std_error"] + 1e-12).all()
    assert "Unit 1" in res.text.en and "pulled toward the mean" in res.text.en


def test_no_heterogeneity_shrinks_everyone_to_the_mean():
    res = shrink_effects(effects(est=(1.0, 1.1, 0.9), se=(1.0, 1.0, 1.0)))
    assert res.pooled.tau2 == 0.0
    assert res.table["shrunken"].tolist() == pytest.approx([1.0] * 3)
    assert res.text.en == (
        "The 3 units' numbers differ no more than their uncertainty explains (τ² = 0), so every "
        "unit's empirical-Bayes estimate equals the mean, 1.00."
    )
    assert res.diagnostics[0].code == "no_heterogeneity"
    fig, ax = plt.subplots()
    assert res.plot(ax, language="en") is ax
