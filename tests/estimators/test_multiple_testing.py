"""Holm, Benjamini–Hochberg and Romano–Wolf adjusted p-values.

Published: Benjamini & Hochberg (1995, JRSS-B 57, Section 4.2) — of their 15
p-values, the Bonferroni-type procedures (Bonferroni, Holm) reject 3 at 0.05 and
the FDR procedure rejects 4.
Romano–Wolf is checked against pyfixest's implementation of the published
step-down algorithm (``_get_rwolf_pval``), on the same draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.multiple_testing import adjust_pvalues, romano_wolf
from innolab_analysis.estimators.staggered import _example_panel, staggered_did

BH1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
          0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_benjamini_hochberg_1995_example():
    t = pd.DataFrame({"term": [f"H{i}" for i in range(15)], "p_value": BH1995})
    out = adjust_pvalues(t, methods=("bonferroni", "holm", "fdr_bh"))
    assert int(out["reject_bonferroni"].sum()) == 3
    assert int(out["reject_holm"].sum()) == 3
    assert int(out["reject_fdr_bh"].sum()) == 4
    for m in ("holm", "fdr_bh"):
        np.testing.assert_allclose(out[f"p_{m}"], multipletests(BH1995, method=m)[1], rtol=1e-15)
    pd.testing.assert_frame_equal(out[["term", "p_value"]], t)  # input columns untouched


def test_families_and_missing_values():
    t = pd.DataFrame(
        {"outcome": ["ikm"] * 3 + ["days"] * 3, "p_value": [0.01, 0.02, np.nan, 0.04, 0.5, 0.03]}
    )
    out = adjust_pvalues(t, by="outcome")
    ikm = multipletests([0.01, 0.02], method="holm")[1]
    days = multipletests([0.04, 0.5, 0.03], method="fdr_bh")[1]
    np.testing.assert_allclose(out["p_holm"].iloc[:2], ikm)
    assert np.isnan(out["p_holm"].iloc[2]) and not out["reject_holm"].iloc[2]
    np.testing.assert_allclose(out["p_fdr_bh"].iloc[3:], days)
    with pytest.raises(DataValidationError, match=r"p-values must lie in \[0, 1\]"):
        adjust_pvalues(t.assign(p_value=[0.1, 2.0, 0.3, 0.1, 0.1, 0.1]))
    with pytest.raises(DataValidationError, match="expects a DataFrame with a 'p_value' column"):
        adjust_pvalues(t.rename(columns={"p_value": "p"}))


def test_romano_wolf_matches_pyfixest_on_the_same_draws():
    pf_multcomp = pytest.importorskip("pyfixest.estimation.post_estimation.multcomp")
    rng = np.random.default_rng(7)
    K, B = 6, 2000
    corr = 0.6 * np.ones((K, K)) + 0.4 * np.eye(K)
    est = np.array([0.5, 0.1, 0.3, 0.02, 0.25, 0.4])
    se = np.full(K, 0.12)
    dev = rng.multivariate_normal(np.zeros(K), corr * 0.12**2, size=B)
    ours = romano_wolf(est, dev + est, std_errors=se)
    want = pf_multcomp._get_rwolf_pval(est / se, (dev - dev.mean(0)) / se)
    np.testing.assert_allclose(ours["p_romano_wolf"], want, rtol=1e-14)
    from scipy import stats

    holm = multipletests(2 * stats.norm.sf(np.abs(est / se)), method="holm")[1]
    # positively correlated tests: Romano–Wolf is less conservative than Holm (up to MC noise)
    assert (ours["p_romano_wolf"].to_numpy() <= holm + 0.01).all()


def test_romano_wolf_on_the_staggered_bootstrap():
    df = _example_panel()
    res = staggered_did(
        df, outcome="y", unit="unit", time="time", cohort="cohort", n_boot=499, seed=3
    )
    rw = romano_wolf(res)
    assert rw["term"].tolist()[0] == "ATT(4,2)" and len(rw) == len(res.att_gt)
    post = res.att_gt["post"].to_numpy()
    assert (rw["p_romano_wolf"][post] < 0.01).all()  # planted effect of 2 in every post cell
    assert (rw["p_romano_wolf"][~post] > 0.05).all()
    with pytest.raises(ParamsError, match="needs its multiplier bootstrap"):
        romano_wolf(staggered_did(df, outcome="y", unit="unit", time="time", cohort="cohort"))


def _published_stepdown(t_abs, t_boot):
    """Romano & Wolf (2005) Algorithm 4.1 with Clarke, Romano & Wolf's (2020) (count+1)/(B+1), as loops."""
    B, K = t_boot.shape
    order = sorted(range(K), key=lambda k: -t_abs[k])
    p = {}
    prev = 0.0
    for rank, k in enumerate(order):
        remaining = order[rank:]
        count = sum(max(t_boot[b, j] for j in remaining) >= t_abs[k] for b in range(B))
        prev = max(prev, min(1.0, (count + 1) / (B + 1)))
        p[k] = prev
    return np.array([p[k] for k in range(K)])


def test_romano_wolf_follows_the_published_algorithm():
    rng = np.random.default_rng(11)
    K, B = 5, 400
    est = np.array([0.3, -0.25, 0.05, 0.4, 0.12])
    dev = rng.normal(0, 0.1, size=(B, K)) + rng.normal(0, 0.08, size=(B, 1))
    se = dev.std(0, ddof=1)
    ours = romano_wolf(est, dev + est, terms=list("abcde"))
    want = _published_stepdown(np.abs(est / se), np.abs((dev - dev.mean(0)) / se))
    np.testing.assert_allclose(ours["p_romano_wolf"], want, rtol=1e-14)
    assert ours["term"].tolist() == list("abcde")
