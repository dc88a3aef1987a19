"""Goodman-Bacon decomposition: weights sum to one and reproduce TWFE exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError
from innolab_analysis.estimators.bacon import COMPARISON_TYPES, bacon_decomposition
from innolab_analysis.estimators.twfe import twfe


def _staggered(seed: int, timings: list[int], n_units: int = 60, n_periods: int = 9):
    rng = np.random.default_rng(seed)
    adopt = rng.choice(timings, n_units)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_periods),
            "year": np.tile(2010 + np.arange(n_periods), n_units),
        }
    )
    first = 2010 + adopt[df["unit"]]
    df["d"] = (df["year"] >= first).astype(int)
    # heterogeneous, growing effects: the case where TWFE goes wrong
    df["y"] = (
        rng.normal(size=n_units)[df["unit"]]
        + 0.2 * (df["year"] - 2010)
        + df["d"] * (1 + 0.5 * (df["year"] - first))
        + rng.normal(0, 1, len(df))
    )
    return df


@pytest.mark.parametrize(
    "timings",
    [[2, 4, 6, 99], [0, 3, 5, 99], [2, 5, 7], [0, 4, 99]],
    ids=["with-never", "with-always-and-never", "timing-only", "always-and-never"],
)
def test_weights_sum_to_one_and_reproduce_twfe(timings):
    df = _staggered(1, timings)
    res = bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="year")
    tw = twfe(df, outcome="y", treatment="d", unit="unit", time="year")
    assert res.comparisons["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert (res.comparisons["weight"] >= 0).all()
    weighted = float((res.comparisons["weight"] * res.comparisons["estimate"]).sum())
    assert weighted == pytest.approx(tw.estimate, abs=1e-8)
    assert res.estimate == pytest.approx(tw.estimate, abs=1e-8)
    assert res.std_error == pytest.approx(tw.std_error)
    assert set(res.comparisons["type"]) <= set(COMPARISON_TYPES)


def test_two_groups_hand_computed():
    # one treated group adopting in period 2 of 4, one never-treated group: a single 2x2
    df = pd.DataFrame(
        {
            "unit": [1, 1, 1, 1, 2, 2, 2, 2],
            "t": [1, 2, 3, 4] * 2,
            "d": [0, 1, 1, 1, 0, 0, 0, 0],
            "y": [1.0, 5.0, 6.0, 7.0, 1.0, 2.0, 2.0, 2.0],
        }
    )
    res = bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="t")
    # treated: post mean 6 - pre 1 = 5; control: post 2 - pre 1 = 1 -> 4
    assert res.comparisons[["type", "treated_cohort", "control_cohort"]].values.tolist() == [
        ["treated vs never treated", 2, "never"]
    ]
    assert res.comparisons["estimate"].iloc[0] == pytest.approx(4.0)
    assert res.comparisons["weight"].iloc[0] == pytest.approx(1.0)


def test_forbidden_weight_and_diagnostic():
    df = _staggered(2, [2, 5, 7])
    res = bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="year")
    forb = res.comparisons.loc[
        res.comparisons["type"] == "later vs earlier treated", "weight"
    ].sum()
    assert res.forbidden_weight == pytest.approx(forb)
    assert res.forbidden_weight > 0.1
    diag = next(d for d in res.diagnostics if d.code == "forbidden_comparisons")
    assert diag.severity == "warning"
    assert diag.message.en.startswith(f"{100 * forb:.1f}% of the TWFE weight comes from")
    assert res.by_type["weight"].sum() == pytest.approx(1.0)


def test_switching_treatment_is_an_error():
    df = _staggered(3, [2, 4, 99])
    df.loc[(df.unit == df.unit[df.d == 1].iloc[0]) & (df.year == 2018), "d"] = 0
    with pytest.raises(DataValidationError) as info:
        bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="year")
    msg = str(info.value)
    assert msg.startswith(
        "1 problem(s) in the input data:\n  - column 'd': treatment goes from 1 back to 0 in 1 units"
    )
    assert msg.endswith(
        "the Goodman-Bacon decomposition needs treatment that stays on once it starts — code "
        "the first adoption as permanent or drop those units"
    )


def test_unbalanced_panel_is_an_error():
    df = _staggered(4, [2, 4, 99]).iloc[1:]
    with pytest.raises(DataValidationError) as info:
        bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="year")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'unit, year': the panel is unbalanced: 539 rows for 60 units × 9 periods = "
        "540; the Goodman-Bacon decomposition needs every unit in every period (use twfe() or "
        "staggered_did() for unbalanced panels)"
    )


def test_plot_scatter_by_type(legend_outside):
    res = bacon_decomposition(
        _staggered(5, [2, 4, 99]), outcome="y", treatment="d", unit="unit", time="year"
    )
    ax = res.plot()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "treated vs never treated",
        "earlier vs later treated",
        "later vs earlier treated (already-treated controls)",
        f"TWFE coefficient = {res.estimate:.4f} (the weighted average)",
    ]
    legend_outside(ax)
    ax = res.plot(language="id")
    assert ax.get_xlabel() == "bobot perbandingan"
    assert "," in ax.yaxis.get_major_formatter()(1.5, 0)  # decimal comma on the ticks
    assert len(ax.collections) == 3
