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
