"""Borusyak, Jaravel & Spiess (2024) imputation estimator.

The first stage and the imputed effects are checked against a brute-force
dummy regression on the untreated cells (numpy least squares), the
conservative variance against the paper's formula written out with dense
matrices (v = −Z (Z0'Z0)^+ Z1'w, auxiliary effects by cohort × event time),
on mpdta (ships in the moderndid wheel). diff-diff and did-imputation agree
to 1e-6 in ``make bench`` (benchmarks/event.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.imputation import imputation_did
from innolab_analysis.estimators.staggered import _example_panel

md = pytest.importorskip("moderndid", reason="mpdta ships in the moderndid wheel (test extra)")


@pytest.fixture(scope="module")
def mpdta():
    return md.load_mpdta().to_pandas()


def _dense_bjs(df, leave_out):
    """The estimator and Theorem 3 variance written out with dummy matrices."""
    g = df["first.treat"].to_numpy()
    t = df["year"].to_numpy()
    treated = (g > 0) & (t >= g)
    uc = pd.factorize(df["countyreal"])[0]
    tc = pd.factorize(df["year"], sort=True)[0]
    nu, nt = uc.max() + 1, tc.max() + 1
    Z = np.zeros((len(df), nu + nt))
    Z[np.arange(len(df)), uc] = 1
    Z[np.arange(len(df)), nu + tc] = 1
    y = df["lemp"].to_numpy()
    Z0, Z1 = Z[~treated], Z[treated]
    G0 = np.linalg.pinv(Z0.T @ Z0)
    b = G0 @ Z0.T @ y[~treated]
    tau = y[treated] - Z1 @ b
    w = np.full(treated.sum(), 1 / treated.sum())
    v = np.zeros(len(df))
    v[~treated] = -(Z0 @ G0 @ Z1.T @ w)
    v[treated] = w
    eps = np.zeros(len(df))
    eps[~treated] = y[~treated] - Z0 @ b
    grp = pd.Series(list(zip(g[treated], t[treated] - g[treated])))
    codes = pd.factorize(grp)[0]
    v1 = v[treated]
    num = np.bincount(codes, weights=v1**2 * tau)
    den = np.bincount(codes, weights=v1**2)
    e1 = tau - (num / den)[codes]
    if leave_out:
        e1 = e1 / (1 - v1**2 / den[codes])
    eps[treated] = e1
    psi = np.bincount(uc, weights=v * eps)
    return float(w @ tau), float(np.sqrt((psi**2).sum())), tau


@pytest.mark.parametrize("leave_out", [False, True])
def test_mpdta_matches_the_dense_formula(mpdta, leave_out):
    res = imputation_did(
        mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat",
        leave_out=leave_out,
    )  # fmt: skip
    est, se, tau = _dense_bjs(mpdta, leave_out)
    assert res.estimate == pytest.approx(est, abs=1e-12)
    assert res.std_error == pytest.approx(se, rel=1e-10)
    assert res.estimate == pytest.approx(-0.0477, abs=5e-5)
    np.testing.assert_allclose(np.sort(res.effects["effect"]), np.sort(tau), atol=1e-10)
    assert res.vcov.index.tolist() == ["e=-3", "e=-2", "e=-1", "e=0", "e=1", "e=2", "e=3"]
    np.testing.assert_allclose(np.sqrt(np.diag(res.vcov))[3:], res.terms.std_error[1:], rtol=1e-12)


def test_test1_matches_a_dummy_regression_on_untreated_cells(mpdta):
    from innolab_analysis.estimators.twfe import twfe

    res = imputation_did(
        mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", pretrends=2
    )
    g, t = mpdta["first.treat"], mpdta["year"]
    un = mpdta[~((g > 0) & (t >= g))].copy()
    # the e=-1 coefficient alone equals a TWFE of the e=-1 dummy when it is the only lead
    one = imputation_did(
        mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", pretrends=1
    )
    un["lead1"] = ((un["first.treat"] > 0) & (un.year - un["first.treat"] == -1)).astype(int)
    tw = twfe(un, outcome="lemp", treatment="lead1", unit="countyreal", time="year")
    row = one.event.set_index("term").loc["e=-1"]
    assert row["estimate"] == pytest.approx(tw.estimate, abs=1e-12)
    assert row["std_error"] == pytest.approx(tw.std_error, rel=1e-10)
    assert res.pretrend.df == 2 and 0 < res.pretrend.p_value < 1


def test_per_unit_effects_are_public_and_average_to_the_att():
    df = _example_panel()
    res = imputation_did(df, outcome="y", unit="unit", time="time", cohort="cohort")
    eff = res.effects
    assert list(eff.columns) == [
        "unit", "time", "cohort", "event_time", "observed", "imputed", "effect"
    ]  # fmt: skip
    np.testing.assert_allclose(eff["observed"] - eff["imputed"], eff["effect"])
    assert eff["effect"].mean() == pytest.approx(res.estimate)
    units = res.unit_effects()
    assert len(units) == 20 and set(units["unit"]) == set(df.loc[df.cohort > 0, "unit"])
    mine = eff.groupby("unit")["effect"].mean()
    np.testing.assert_allclose(units.set_index("unit")["estimate"], mine.loc[units.unit])
    assert (units["std_error"] > 0).all()
    assert units["n_post"].tolist() == [4] * 10 + [2] * 10


def test_inputs_are_checked():
    df = _example_panel()
    kw = {"outcome": "y", "unit": "unit", "time": "time", "cohort": "cohort"}
    with pytest.raises(ParamsError, match="level must be a number strictly between 0 and 1, got"):
        imputation_did(df, level=0, **kw)
    with pytest.raises(ParamsError, match=r"horizons \[9\] have no imputable treated cell"):
        imputation_did(df, horizons=[0, 9], **kw)
    with pytest.raises(DataValidationError, match="column 'z' is missing"):
        imputation_did(df, outcome="z", unit="unit", time="time", cohort="cohort")
    bad = df.copy()
    bad.loc[3, "y"] = np.nan
    res = imputation_did(bad, **kw)
    assert res.diagnostics[0].message.en == (
        "1 of 210 rows was left out because a value it needs is missing."
    )
