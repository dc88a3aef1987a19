"""minimum_detectable_effect: monotone power, MDE shrinks with N, size ≈ alpha."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import ParamsError
from innolab_analysis.estimators.power import minimum_detectable_effect
from innolab_analysis.estimators.staggered import _example_panel, staggered_did

KW = dict(outcome="y", unit="unit", time="time", cohort="cohort")


def test_planting_shifts_estimate_by_delta_and_keeps_se():
    """The shortcut the simulation relies on: one fit per replicate suffices."""
    df = _example_panel(seed=4)
    treated = (df.cohort > 0) & (df.time >= df.cohort)
    a = staggered_did(df, **KW)
    b = staggered_did(df.assign(y=df.y + 1.7 * treated), **KW)
    assert b.estimate == pytest.approx(a.estimate + 1.7, abs=1e-10)
    assert b.std_error == pytest.approx(a.std_error, abs=1e-10)


def test_power_rises_with_effect_and_mde_matches_curve():
    res = minimum_detectable_effect("staggered", _example_panel(), n_sims=60, seed=3, **KW)
    pw = res.curve["power"].to_numpy()
    assert pw[-1] > 0.99 and pw[0] < 0.3
    assert np.all(np.diff(np.maximum.accumulate(pw)) >= 0)
    assert (res.curve["power"][res.curve.effect >= res.mde + 0.05] >= 0.8 - 0.1).all()
    assert 0.5 * res.mde_analytic < res.mde < 2 * res.mde_analytic
    assert "detectable 80% of the time" in res.text.en
    assert res.plot() is not None


def test_mde_shrinks_with_more_units():
    small = minimum_detectable_effect("staggered", _example_panel(n_per=6), n_sims=60, seed=1, **KW)
    large = minimum_detectable_effect(
        "staggered", _example_panel(n_per=24), n_sims=60, seed=1, **KW
    )
    assert large.mde < 0.75 * small.mde


@pytest.mark.slow
def test_type_one_error_close_to_alpha():
    res = minimum_detectable_effect("staggered", _example_panel(n_per=15), n_sims=400, seed=7, **KW)
    # Monte-Carlo SE of a 5% rate with 400 sims is 1.1 points; allow 3 SE
    assert abs(res.type1_error - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 400)


def test_bad_design_message():
    with pytest.raises(ParamsError) as ei:
        minimum_detectable_effect("rdd", pd.DataFrame(), outcome="y")
    assert str(ei.value) == (
        "1 problem(s) in the parameters:\n  - column 'design': design must be one of ('did', "
        "'staggered', 'its'), got 'rdd'; allowed: did, staggered, its"
    )


def test_missing_design_arguments_listed():
    with pytest.raises(ParamsError) as ei:
        minimum_detectable_effect("staggered", _example_panel(), outcome="y", unit="unit")
    assert str(ei.value) == (
        "2 problem(s) in the parameters:\n"
        "  - column 'time': design 'staggered' needs the keyword argument 'time' (a column name)\n"
        "  - column 'cohort': design 'staggered' needs the keyword argument 'cohort' (a column name)"
    )


def _two_by_two_panel(n=30, periods=6, noise=1.5, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {"unit": np.repeat(np.arange(n), periods), "time": np.tile(np.arange(periods), n)}
    )
    df["group"] = (df.unit < n // 2).astype(int)
    df["post"] = (df.time >= periods // 2).astype(int)
    df["y"] = 80 + np.repeat(rng.normal(0, 2, n), periods) + 0.3 * df.time
    df["y"] += rng.normal(0, noise, len(df))
    return df


def test_did_design_power_curve_and_mde_shrink_with_less_noise():
    kw = dict(outcome="y", unit="unit", time="time", group="group", post="post",
              vcov="cluster", cluster="unit", n_sims=60, seed=2)  # fmt: skip
    noisy = minimum_detectable_effect("did", _two_by_two_panel(noise=3.0), **kw)
    quiet = minimum_detectable_effect("did", _two_by_two_panel(noise=1.0), **kw)
    for res in (noisy, quiet):
        pw = res.curve["power"].to_numpy()
        assert pw[-1] > 0.95 and pw[0] < 0.2
        assert 0.5 * res.mde_analytic < res.mde < 2 * res.mde_analytic
    assert quiet.mde < 0.6 * noisy.mde
    assert "With 30 units (15 adopting) and 6 periods" in quiet.text.en


def test_its_design_reports_power_and_the_size_of_its_own_test():
    rng = np.random.default_rng(0)
    s = pd.DataFrame({"t": np.arange(40)})
    s["y"] = 50 + 0.2 * s.t + rng.normal(0, 1, 40)
    res = minimum_detectable_effect(
        "its", s, outcome="y", time="t", intervention=24, n_sims=60, seed=1
    )
    pw = res.curve["power"].to_numpy()
    assert pw[-1] > 0.95
    assert 0.5 * res.mde_analytic < res.mde < 2 * res.mde_analytic
    assert 0.0 <= res.type1_error <= 1.0
    assert "With 24 periods before and 16 after" in res.text.en
