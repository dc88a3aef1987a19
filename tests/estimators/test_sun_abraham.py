"""Sun & Abraham (2021) interaction-weighted event study.

Published numbers: on mpdta with never-treated controls the post-period
cohort × period coefficients are the Callaway–Sant'Anna ATT(g, t) of the R
``did`` vignette (both are the difference in differences against the period
before adoption), the cell-weighted ATT is its simple aggregation (−0.0400)
and the interaction-weighted average of e ≥ 0 its dynamic one (−0.0772).
The whole coefficient vector and its CR1 covariance are also checked against
a brute-force dummy regression (numpy least squares, fixest's CR1 by hand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, EstimationError, ParamsError
from innolab_analysis.estimators.staggered import _example_panel
from innolab_analysis.estimators.sun_abraham import sun_abraham

md = pytest.importorskip("moderndid", reason="mpdta ships in the moderndid wheel (test extra)")

# R did vignette "Getting started", att_gt(yname="lemp", gname="first.treat"): post cells
PUBLISHED_POST = {
    (2004, 2004): -0.0105, (2004, 2005): -0.0704, (2004, 2006): -0.1373, (2004, 2007): -0.1008,
    (2006, 2006): -0.0046, (2006, 2007): -0.0412, (2007, 2007): -0.0261,
}  # fmt: skip


@pytest.fixture(scope="module")
def mpdta():
    return md.load_mpdta().to_pandas()


def _fit(df, **kw):
    return sun_abraham(
        df, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", **kw
    )


def test_mpdta_matches_the_published_did_vignette(mpdta):
    res = _fit(mpdta)
    cells = res.cells
    got = {
        (int(g), int(t)): b
        for g, t, b, e in zip(cells.cohort, cells.time, cells.estimate, cells.event_time)
        if e >= 0
    }
    assert set(got) == set(PUBLISHED_POST)
    for key, value in PUBLISHED_POST.items():
        assert got[key] == pytest.approx(value, abs=5e-5), key
    terms = res.terms.set_index("term")
    assert terms.loc["ATT (cell-weighted)", "estimate"] == pytest.approx(-0.0400, abs=5e-5)
    assert res.estimate == pytest.approx(-0.0772, abs=5e-5)
    assert res.event["term"].tolist() == ["e=-4", "e=-3", "e=-2", "e=0", "e=1", "e=2", "e=3"]
    # the interaction weights of e=0 are the three cohorts' shares of the observations
    w0 = res.cohort_shares[res.cohort_shares.event_time == 0]
    assert w0["share"].sum() == pytest.approx(1.0)
    assert w0["n_obs"].tolist() == [20, 40, 131]


def _brute_force(df, y, unit, time, cohort):
    """Dummy regression y ~ unit + period + cohort×period (t ≠ g−1), CR1 by unit as fixest."""
    units = np.sort(df[unit].unique())
    times = np.sort(df[time].unique())
    cols, names = [], []
    for u in units[1:]:
        cols.append((df[unit] == u).to_numpy(float))
    for t in times:
        cols.append((df[time] == t).to_numpy(float))
    n_fe = len(cols)
    for g in np.sort(df.loc[df[cohort] > 0, cohort].unique()):
        for t in times:
            if t == g - 1:
                continue
            d = ((df[cohort] == g) & (df[time] == t)).to_numpy(float)
            if d.any():
                cols.append(d)
                names.append((g, t))
    X = np.column_stack(cols)
    yv = df[y].to_numpy(float)
    XtX_inv = np.linalg.pinv(X.T @ X)
    b = XtX_inv @ X.T @ yv
    e = yv - X @ b
    codes = pd.factorize(df[unit])[0]
    S = np.zeros((codes.max() + 1, X.shape[1]))
    np.add.at(S, codes, X * e[:, None])
    n, G = len(yv), codes.max() + 1
    K = len(names) + len(times)  # coefficients + period effects (units nested in clusters)
    V = XtX_inv @ S.T @ S @ XtX_inv * G / (G - 1) * (n - 1) / (n - K)
    k = slice(n_fe, None)
    return names, b[k], V[k, k]


def test_unbalanced_panel_matches_a_brute_force_dummy_regression():
    df = _example_panel(n_per=6, seed=3)
    rng = np.random.default_rng(4)
    df = df.drop(index=rng.choice(len(df), 12, replace=False)).reset_index(drop=True)
    res = sun_abraham(df, outcome="y", unit="unit", time="time", cohort="cohort")
    names, b, V = _brute_force(df, "y", "unit", "time", "cohort")
    ours = {(int(g), int(t)): i for i, (g, t) in enumerate(zip(res.cells.cohort, res.cells.time))}
    order = [ours[(int(g), int(t))] for g, t in names]
    np.testing.assert_allclose(res.cells.estimate.to_numpy()[order], b, atol=1e-10)
    np.testing.assert_allclose(res.cells_vcov.to_numpy()[np.ix_(order, order)], V, atol=1e-12)


def test_last_treated_control_drops_the_periods_from_its_adoption():
    df = _example_panel()
    res = sun_abraham(
        df, outcome="y", unit="unit", time="time", cohort="cohort", control_group="last_treated"
    )
    assert sorted(res.cells.cohort.unique()) == [4]
    assert res.cells.time.max() == 5  # cohort 6 adopts in period 6
    assert "last_treated_control" in {d.code for d in res.diagnostics}
    # without never-treated units, "last treated" is "never treated" with cohort 6 recoded as
    # never treated and its adoption periods removed
    adopters = df[df.cohort != 0]
    last = sun_abraham(
        adopters, outcome="y", unit="unit", time="time", cohort="cohort",
        control_group="last_treated",
    )  # fmt: skip
    recoded = adopters[adopters.time < 6].assign(cohort=lambda d: d.cohort.where(d.cohort != 6, 0))
    ref = sun_abraham(recoded, outcome="y", unit="unit", time="time", cohort="cohort")
    np.testing.assert_allclose(last.cells.estimate, ref.cells.estimate, atol=1e-12)
    np.testing.assert_allclose(last.vcov.to_numpy(), ref.vcov.to_numpy(), atol=1e-14)


def test_clustered_at_a_coarser_level_and_the_diagnostics():
    df = _example_panel().assign(region=lambda d: d.unit.str[-1])
    res = sun_abraham(df, outcome="y", unit="unit", time="time", cohort="cohort", cluster="region")
    assert res.n_clusters == 10
    codes = {d.code for d in res.diagnostics}
    assert {"few_clusters"} <= codes
    few = next(d for d in res.diagnostics if d.code == "few_clusters")
    assert few.message.en == (
        "The standard errors rest on only 10 clusters. With fewer than 30 clusters, clustered "
        "standard errors tend to be too small, so the effect looks more certain than it is. Use "
        "the wild cluster bootstrap and read the confidence interval with care."
    )
    assert few.message.id.startswith("Galat baku bertumpu pada hanya 10 klaster. Dengan kurang")
    assert "region" not in few.message.en + few.message.id  # no column name for a reader
    assert "region (10 clusters)" in res.se_type


def test_inputs_are_checked():
    df = _example_panel()
    kw = {"outcome": "y", "unit": "unit", "time": "time", "cohort": "cohort"}
    with pytest.raises(
        ParamsError, match="level must be a number strictly between 0 and 1, got 1.5"
    ):
        sun_abraham(df, level=1.5, **kw)
    with pytest.raises(DataValidationError, match="sun_abraham got a table with no rows"):
        sun_abraham(df.iloc[:0], **kw)
    with pytest.raises(
        DataValidationError,
        match="sun_abraham has no usable row: each of the 210 rows misses a value",
    ):
        sun_abraham(df.assign(y=np.nan), **kw)
    with pytest.raises(EstimationError, match="no unit in 'cohort' is never treated"):
        sun_abraham(df[df.cohort > 0], **kw)
    bad = df.copy()
    bad.loc[[0, 5], "y"] = [np.inf, np.nan]
    res = sun_abraham(bad, **kw)
    note = next(d for d in res.diagnostics if d.code == "missing_rows_dropped")
    assert note.message.en == (
        "2 of 210 rows were left out: 1 because a value they need is missing and 1 because they "
        "hold an infinite value."
    )
    assert note.message.id == (
        "2 dari 210 baris tidak dipakai: 1 karena ada nilai yang kosong dan 1 karena ada nilai "
        "yang tak hingga."
    )
    assert res.n_obs == len(df) - 2
