"""2×2 DiD: equivalence with statsmodels OLS, cell means, inference options, bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.did import did


def _survey(seed: int = 7, n_agencies: int = 12, effect: float = 3.0) -> pd.DataFrame:
    """Pooled cross-sections: respondents of 12 agencies, half innovate, two rounds."""
    rng = np.random.default_rng(seed)
    n = 40 * n_agencies
    agency = rng.integers(0, n_agencies, n)
    group = (agency < n_agencies // 2).astype(int)
    post = rng.integers(0, 2, n)
    age = rng.normal(40, 10, n)
    y = 70 + 2 * group + 1.5 * post + effect * group * post + 0.05 * age
    y = y + rng.normal(0, 3, n) + rng.normal(0, 1, n_agencies)[agency]
    return pd.DataFrame({"ikm": y, "innovates": group, "after": post, "age": age, "agency": agency})


def test_did_equals_ols_interaction_hc1():
    df = _survey()
    res = did(df, outcome="ikm", group="innovates", post="after")
    m = smf.ols("ikm ~ innovates * after", df).fit(cov_type="HC1")
    assert res.estimate == pytest.approx(m.params["innovates:after"], abs=1e-10)
    assert res.std_error == pytest.approx(m.bse["innovates:after"], abs=1e-10)
    assert res.terms["term"].tolist() == ["did", "group", "post", "intercept"]


def test_did_with_covariates_iid_and_cluster_match_statsmodels():
    df = _survey()
    res = did(df, outcome="ikm", group="innovates", post="after", covariates=["age"], vcov="iid")
    m = smf.ols("ikm ~ innovates * after + age", df).fit()
    assert res.estimate == pytest.approx(m.params["innovates:after"], abs=1e-10)
    assert res.std_error == pytest.approx(m.bse["innovates:after"], abs=1e-10)
    res_c = did(
        df, outcome="ikm", group="innovates", post="after", vcov="cluster", cluster="agency"
    )
    mc = smf.ols("ikm ~ innovates * after", df).fit(
        cov_type="cluster", cov_kwds={"groups": df["agency"]}
    )
    assert res_c.std_error == pytest.approx(mc.bse["innovates:after"], abs=1e-10)
    assert res_c.se_type.startswith("CR1 cluster-robust by agency, 12 clusters")
    # t(G-1) reference, as the se_type says
    from scipy import stats

    crit = stats.t.ppf(0.975, 11)
    assert res_c.ci_upper == pytest.approx(res_c.estimate + crit * res_c.std_error, abs=1e-10)
    assert [d.code for d in res_c.diagnostics] == ["few_clusters"]


def test_cell_means_and_estimate_by_hand():
    df = pd.DataFrame(
        {"y": [1.0, 3, 2, 4, 5, 7, 10, 12], "g": [0, 0, 0, 0, 1, 1, 1, 1], "p": [0, 0, 1, 1] * 2}
    )
    res = did(df, outcome="y", group="g", post="p")
    # control 2 -> 3, treated 6 -> 11: (11 - 6) - (3 - 2) = 4
    assert res.estimate == pytest.approx(4.0)
    cm = res.cell_means.set_index(["group", "post"])["mean"]
    assert cm.to_dict() == {(0, 0): 2.0, (0, 1): 3.0, (1, 0): 6.0, (1, 1): 11.0}
    assert res.cell_means["n"].tolist() == [2, 2, 2, 2]


def test_did_does_not_mutate_and_result_is_frozen():
    df = _survey()
    before = df.copy()
    res = did(df, outcome="ikm", group="innovates", post="after")
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 0.0  # type: ignore[misc]


def test_wild_bootstrap_keeps_cr1_se_and_is_seeded():
    df = _survey()
    kw = dict(outcome="ikm", group="innovates", post="after", cluster="agency")
    cr1 = did(df, vcov="cluster", **kw)
    w1 = did(df, vcov="wild", bootstrap_reps=199, seed=3, **kw)
    w2 = did(df, vcov="wild", bootstrap_reps=199, seed=3, **kw)
    assert w1.std_error == pytest.approx(cr1.std_error)
    assert w1.p_value == w2.p_value
    assert 0.0 <= w1.p_value <= 1.0
    # a strong planted effect (3 points, SE about 1) is rejected by the bootstrap too
    assert w1.p_value < 0.05
    assert "restricted wild cluster bootstrap (199 webb draws, seed 3)" in w1.se_type


def test_wild_bootstrap_interval_agrees_with_its_p_value():
    df = _survey()
    kw = dict(outcome="ikm", group="innovates", post="after", cluster="agency")
    outcomes = set()
    for effect in (
        -3.0,
        -2.0,
        -1.0,
        0.0,
    ):  # the survey plants +3: these span "no effect" to "clear"
        shifted = df.assign(ikm=df["ikm"] + effect * df["innovates"] * df["after"])
        res = did(shifted, vcov="wild", bootstrap_reps=399, seed=1, **kw)
        excludes_zero = res.ci_lower > 0 or res.ci_upper < 0
        assert excludes_zero == (res.p_value < 0.05), (effect, res.p_value, res.ci_lower)
        assert res.ci_lower < res.estimate < res.ci_upper
        outcomes.add(excludes_zero)
    assert outcomes == {True, False}  # both branches were exercised


def test_missing_columns_are_all_listed():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": [0, 0, 1, 1], "p": [0, 1, 0, 1]})
    with pytest.raises(DataValidationError) as info:
        did(df, outcome="yy", group="gg", post="p")
    assert str(info.value) == (
        "2 problem(s) in the input data:\n"
        "  - column 'yy': outcome='yy' is not a column of the data; pass one of the available "
        "columns; allowed: y, g, p\n"
        "  - column 'gg': group='gg' is not a column of the data; pass one of the available "
        "columns; allowed: y, g, p"
    )


def test_non_binary_group_lists_rows():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": [0, 2, 1, "a"], "p": [0, 1, 0, 1]})
    with pytest.raises(DataValidationError) as info:
        did(df, outcome="y", group="g", post="p")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'g': must be a 0/1 indicator; 2 rows hold other values — recode them "
        "[row 3 (2), row 5 ('a')]; allowed: 0 or 1"
    )
    assert info.value.rows == (3, 5)


def test_constant_outcome():
    df = pd.DataFrame({"y": [5.0] * 4, "g": [0, 0, 1, 1], "p": [0, 1, 0, 1]})
    with pytest.raises(DataValidationError) as info:
        did(df, outcome="y", group="g", post="p")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'y': the outcome is constant (5.0 in every used row), so no effect can be "
        "estimated; check that the right column was chosen"
    )


def test_vcov_options_are_checked():
    df = _survey()
    with pytest.raises(ParamsError) as info:
        did(df, outcome="ikm", group="innovates", post="after", vcov="hc3")
    assert "vcov must be one of ('iid', 'hc1', 'cluster', 'wild'), got 'hc3'" in str(info.value)
    with pytest.raises(ParamsError) as info:
        did(df, outcome="ikm", group="innovates", post="after", cluster="agency")
    assert (
        "cluster='agency' was given but vcov='hc1' ignores it; set vcov='cluster' (or 'wild')"
        in str(info.value)
    )


def test_empty_cell_is_an_error():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": [0, 0, 1, 1], "p": [0, 1, 0, 0]})
    with pytest.raises(DataValidationError) as info:
        did(df, outcome="y", group="g", post="p")
    assert "no observations with g=1 and p=1; a 2×2 DiD needs all four cells" in str(info.value)


def test_plot_returns_axes_with_counterfactual(legend_outside):
    res = did(_survey(), outcome="ikm", group="innovates", post="after")
    ax = res.plot(language="id")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "kelompok yang diberi perlakuan",
        "kelompok pembanding",
        "kontrafaktual (kelompok yang diberi perlakuan dengan perubahan kelompok pembanding)",
        f"efek DiD = {l10n.number(res.estimate, 'id', 3)}",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sebelum", "sesudah"]
    legend_outside(ax)
    cf = ax.get_lines()[2].get_ydata()
    cm = res.cell_means.set_index(["group", "post"])["mean"]
    assert cf[1] - (cm[(1, 1)] - res.estimate) == pytest.approx(0.0, abs=1e-9)
