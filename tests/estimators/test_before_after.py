"""Before/after: Welch by hand, cluster-robust via statsmodels, groups, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from innolab_analysis.errors import DataValidationError
from innolab_analysis.estimators.before_after import before_after


def _responses(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 400
    agency = rng.integers(0, 8, n)
    post = rng.integers(0, 2, n)
    y = 75 + 2.5 * post + rng.normal(0, 4, n) + rng.normal(0, 2, 8)[agency]
    return pd.DataFrame({"ikm": y, "post": post, "agency": [f"A{a}" for a in agency]})


def test_welch_matches_scipy():
    df = _responses()
    res = before_after(df, outcome="ikm", post="post")
    pre, post = df.loc[df.post == 0, "ikm"], df.loc[df.post == 1, "ikm"]
    t = stats.ttest_ind(post, pre, equal_var=False)
    assert res.estimate == pytest.approx(post.mean() - pre.mean(), abs=1e-12)
    assert res.estimate / res.std_error == pytest.approx(t.statistic, abs=1e-10)
    assert res.p_value == pytest.approx(t.pvalue, abs=1e-10)
    ci = t.confidence_interval(0.95)
    assert (res.ci_lower, res.ci_upper) == pytest.approx((ci.low, ci.high), abs=1e-10)
    assert res.se_type == "Welch unequal-variance t (Welch–Satterthwaite degrees of freedom)"
    assert [d.code for d in res.diagnostics] == ["no_counterfactual"]


def test_cluster_robust_matches_statsmodels():
    df = _responses()
    res = before_after(df, outcome="ikm", post="post", cluster="agency")
    m = smf.ols("ikm ~ post", df).fit(cov_type="cluster", cov_kwds={"groups": df["agency"]})
    assert res.std_error == pytest.approx(m.bse["post"], abs=1e-10)
    assert res.se_type.startswith("CR1 cluster-robust by agency (8 clusters overall)")
    assert "few_clusters" in [d.code for d in res.diagnostics]


def test_per_group_terms_and_means(legend_outside):
    df = pd.DataFrame(
        {
            "ikm": [70.0, 72, 71, 75, 77, 76, 60, 61, 62, 64],
            "post": [0, 0, 0, 1, 1, 1, 0, 0, 1, 1],
            "unit": list("xxxxxxyyyy"),
        }
    )
    res = before_after(df, outcome="ikm", post="post", group="unit")
    assert res.terms["term"].tolist() == ["overall", "unit=x", "unit=y"]
    assert res.terms["estimate"].tolist() == pytest.approx([70.8 - 66.8, 5.0, 2.5])
    assert res.means.loc[1, ["pre_mean", "post_mean", "n_pre", "n_post"]].tolist() == [71, 76, 3, 3]
    ax = res.plot(language="id")
    ticks = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]))
    assert ticks == {2: "semua", 1: "x", 0: "y"}  # overall on top, groups by their value
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "perubahan",
        "sebelum",
        "sesudah",
    ]
    legend_outside(ax)


def test_too_few_observations_and_non_binary():
    df = pd.DataFrame({"ikm": [70.0, 72, 75, 76], "post": [0, 1, 1, 1], "unit": list("xxyy")})
    with pytest.raises(DataValidationError) as info:
        before_after(df, outcome="ikm", post="post")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'post': overall: 1 observations before and 3 after; at least 2 of each are "
        "needed for a standard error"
    )
    with pytest.raises(DataValidationError) as info:
        before_after(df.assign(post=[0, 1, 2, 1]), outcome="ikm", post="post")
    assert "column 'post': must be a 0/1 indicator; 1 rows hold other values" in str(info.value)


def test_missing_outcome_rows_are_dropped_with_a_note():
    df = _responses()
    df.loc[[0, 5], "ikm"] = np.nan
    res = before_after(df, outcome="ikm", post="post")
    assert res.n_obs == 398
    note = next(d for d in res.diagnostics if d.code == "missing_rows_dropped")
    assert note.message.en == ("2 of 400 rows were left out because a value they need is missing.")
    assert note.message.id == (
        "2 dari 400 baris tidak dipakai karena ada nilai yang dibutuhkan yang kosong."
    )
