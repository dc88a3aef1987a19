"""synthetic_control(inference="conformal"): Chernozhukov, Wüthrich & Zhu (2021) on Prop 99.

No published CWZ number on data that ships offline was found, so the tests
check the definition directly (the p-value recomputed by hand from the
residuals of a simplex fit on all periods, the interval end points against the
test they invert) and that the placebo results are untouched. The agreement
with R scinference's Python port and diff-diff on the same grid is in
``make bench`` (``benchmarks/conformal.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.estimators._simplex import simplex_lstsq
from innolab_analysis.estimators.synth import synthetic_control

DONORS = ["Utah", "Nevada", "Montana", "Colorado", "Connecticut", "Idaho", "New Mexico", "Arkansas"]
KW = {
    "outcome": "cigsale", "unit": "state", "time": "year", "treated_unit": "California",
    "intervention": 1989, "donors": DONORS, "leave_one_out": False, "in_time_placebo": None,
}  # fmt: skip


@pytest.fixture(scope="module")
def wide(prop99) -> pd.DataFrame:
    return prop99.pivot(index="year", columns="state", values="cigsale")


def _p_by_hand(wide, theta: float, shifts: bool = True) -> float:
    y = wide["California"].to_numpy().copy()
    Y0 = wide[DONORS].to_numpy()
    y[19:] -= theta
    u = np.abs(y - Y0 @ simplex_lstsq(Y0, y))
    T = y.size
    stats = [np.roll(u, -s)[19:].sum() for s in range(T)]
    return float(np.mean(np.array(stats) >= u[19:].sum() - 1e-9))


def test_p_value_is_the_moving_block_rank(prop99, wide):
    res = synthetic_control(prop99, **KW, inference="conformal", level=0.9, placebo=False)
    assert res.p_value == pytest.approx(_p_by_hand(wide, 0.0))
    assert res.p_value == pytest.approx(3 / 31)
    assert res.conformal.n_permutations == 31
    assert res.se_type.startswith("none: no analytic SE for synthetic control; p-value = conformal")
    assert res.text.en.startswith("After the intervention, California's cigsale differs")
    assert "Uji konformal Chernozhukov, Wüthrich & Zhu atas 31 permutasi" in res.text.id
    # the interval inverts the joint test of a constant effect
    lo, hi = res.ci_lower, res.ci_upper
    assert lo < res.estimate < hi < 0
    assert _p_by_hand(wide, lo) > 0.1 >= _p_by_hand(wide, lo - 1e-3 * abs(lo))
    assert _p_by_hand(wide, hi) > 0.1 >= _p_by_hand(wide, hi + 1e-3 * abs(hi))


def test_per_period_intervals_invert_the_single_period_test(prop99, wide):
    res = synthetic_control(prop99, **KW, inference="conformal", level=0.9, placebo=False)
    per = res.conformal.periods
    assert list(per.index) == list(range(1989, 2001))
    y = wide["California"].to_numpy()
    Y0 = wide[DONORS].to_numpy()

    def p(j, theta):
        idx = np.r_[np.arange(19), 19 + j]
        z = y[idx].copy()
        z[-1] -= theta
        u = np.abs(z - Y0[idx] @ simplex_lstsq(Y0[idx], z))
        return np.mean(u >= u[-1] - 1e-9)

    for j, (period, row) in enumerate(per.iterrows()):
        assert row["ci_lower"] <= row["gap"] <= row["ci_upper"], period
        assert p(j, row["ci_lower"]) > 0.1 >= p(j, row["ci_lower"] - 0.01)
        assert p(j, row["ci_upper"]) > 0.1 >= p(j, row["ci_upper"] + 0.01)
    # every period from 1990 on excludes no effect at 10%
    assert (per.loc[1990:, "ci_upper"] < 0).all()


def test_given_grid_is_used_as_is(prop99):
    grid = np.linspace(-60, 20, 161)
    res = synthetic_control(
        prop99, **KW, inference="conformal", level=0.9, placebo=False, conformal_grid=grid
    )
    per = res.conformal.periods
    assert set(per["ci_lower"]).issubset(set(grid)) and set(per["ci_upper"]).issubset(set(grid))
    # the same end points as R scinference's confidence_interval on this grid (see make bench)
    assert (per.loc[1989, "ci_lower"], per.loc[1989, "ci_upper"]) == (-13.0, -6.0)


def test_iid_permutations_are_seeded(prop99):
    kw = {**KW, "inference": "conformal", "permutation": "iid", "n_permutations": 500}
    a = synthetic_control(prop99, **kw, placebo=False)
    b = synthetic_control(prop99, **kw, placebo=False)
    assert a.p_value == b.p_value and a.conformal.n_permutations == 500
    assert 1 / 500 <= a.p_value <= 0.05


def test_placebo_results_unchanged_beside_conformal(prop99):
    base = synthetic_control(prop99, **KW)
    explicit = synthetic_control(prop99, **KW, inference="placebo")
    conf = synthetic_control(prop99, **KW, inference="conformal")
    assert base.conformal is None
    pd.testing.assert_frame_equal(base.summary(), explicit.summary())
    assert base.text == explicit.text and base.se_type == explicit.se_type
    pd.testing.assert_frame_equal(base.placebo, conf.placebo)
    pd.testing.assert_series_equal(base.weights, conf.weights)
    assert conf.estimate == base.estimate and conf.p_value != base.p_value


def test_interpolating_donor_pool_is_flagged(prop99):
    res = synthetic_control(prop99, **{**KW, "donors": None}, inference="conformal", placebo=False)
    d = {d.code: d for d in res.diagnostics}["conformal_interpolation"]
    assert d.message.en.startswith("There are 38 donors for the 20 periods of each per-period")
