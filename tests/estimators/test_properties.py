"""Property-based tests of the estimators' input checks and of two identities (hypothesis).

Hostile frames — empty, one row, missing and infinite values, duplicated keys, constant
outcomes, text, booleans, numbers mixed with text — and random confidence levels go into
every public estimator. Each call must end in one of two ways: a result whose headline is a
finite number (a missing standard error comes with a diagnostic), or an ``InnolabError`` with
a message. Never a raw traceback, never a silent NaN.

Identities checked on random data: the 2×2 DiD is the OLS interaction coefficient (with the
HC1 standard error of statsmodels), and the TWFE coefficient is the weighted sum of the
Goodman-Bacon comparisons.
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from innolab_analysis.errors import InnolabError, ParamsError
from innolab_analysis.estimators.bacon import bacon_decomposition
from innolab_analysis.estimators.before_after import before_after
from innolab_analysis.estimators.did import did
from innolab_analysis.estimators.event_study import event_study
from innolab_analysis.estimators.growth_linkage import growth_linkage
from innolab_analysis.estimators.honest import honest_did
from innolab_analysis.estimators.imputation import imputation_did
from innolab_analysis.estimators.its import interrupted_time_series
from innolab_analysis.estimators.meta_regression import meta_regression
from innolab_analysis.estimators.multiple_testing import adjust_pvalues, romano_wolf
from innolab_analysis.estimators.pooling import pool_effects
from innolab_analysis.estimators.power import minimum_detectable_effect
from innolab_analysis.estimators.pretrend import pretrend_power
from innolab_analysis.estimators.ranking import rank_confidence_sets
from innolab_analysis.estimators.shrinkage import shrink_effects
from innolab_analysis.estimators.staggered import _example_panel, staggered_did
from innolab_analysis.estimators.sun_abraham import sun_abraham
from innolab_analysis.estimators.synth import synthetic_control
from innolab_analysis.estimators.twfe import twfe

EXAMPLES = int(os.environ.get("INNOLAB_HYPOTHESIS_EXAMPLES", "40"))
FAST = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # fmt: skip
"""Enough cases to find the odd ones, few enough for ``make test`` (40 each; set
``INNOLAB_HYPOTHESIS_EXAMPLES`` for a longer search)."""

ODD_NUMBERS = [0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 1e9, -1e9, 1e-12]
"""Odd values a spreadsheet holds. Magnitudes stay below 1e13, since squares of larger ones
reach numbers that l10n.number cannot write yet (see test_a_reading_with_a_huge_statistic)."""


# ----------------------------------------------------------------------------- hostile frames
@st.composite
def values(draw, n: int, *, binary: bool = False):
    """A column of ``n`` values of a randomly chosen kind, odd values sprinkled in."""
    kind = draw(st.sampled_from(["float", "const", "bool", "text", "int", "mixed"]))
    if kind == "const":
        return [draw(st.sampled_from([0.0, 1.0, 3.5]))] * n
    if kind == "bool":
        return draw(st.lists(st.booleans(), min_size=n, max_size=n))
    if kind == "text":
        return draw(st.lists(st.sampled_from(["a", "1", "", "x y"]), min_size=n, max_size=n))
    if kind == "mixed":
        return draw(st.lists(st.sampled_from([1, "2", None, 3.5]), min_size=n, max_size=n))
    base = st.integers(0, 1) if binary else st.floats(-50, 50, allow_nan=False)
    odd = st.sampled_from(ODD_NUMBERS + ([2] if binary else []))
    elements = st.one_of(base, base, base, odd) if kind == "float" else base
    return draw(st.lists(elements, min_size=n, max_size=n))


@st.composite
def wrecked_panels(draw):
    """A long panel of up to 6 units × 5 periods, with every kind of damage a spreadsheet has."""
    n_units = draw(st.integers(0, 6))
    n_periods = draw(st.integers(0, 5))
    units = draw(st.sampled_from([[f"u{i}" for i in range(n_units)], list(range(n_units)),
                                  [i if i % 2 else f"u{i}" for i in range(n_units)]]))  # fmt: skip
    rows = [(u, t) for u in units for t in range(1, n_periods + 1)]
    if rows and draw(st.booleans()):  # unbalanced
        rows = draw(st.lists(st.sampled_from(rows), min_size=0, max_size=len(rows), unique=True))
    if rows and draw(st.booleans()):  # duplicated keys
        rows = rows + draw(st.lists(st.sampled_from(rows), max_size=3))
    n = len(rows)
    df = pd.DataFrame(rows, columns=["unit", "time"]) if rows else pd.DataFrame(
        {"unit": pd.Series([], dtype=object), "time": pd.Series([], dtype=int)}
    )  # fmt: skip
    first = {u: draw(st.sampled_from([0, 2, 3, 4, 99, np.nan])) for u in units}
    df["cohort"] = [first[u] for u in df["unit"]]
    natural = ((df["cohort"] > 0) & (df["time"] >= df["cohort"])).astype(int).tolist()
    df["treated"] = natural if draw(st.booleans()) else draw(values(n, binary=True))
    df["ever"] = (df["cohort"].fillna(0) > 0).astype(int)
    df["post"] = (df["time"] >= 3).astype(int)
    df["y"] = draw(values(n))
    if n and draw(st.booleans()):
        df.loc[df.index[draw(st.integers(0, n - 1))], "time"] = np.nan
    return df


DAMAGES = ("inf", "nan", "huge", "duplicate", "drop", "constant", "cohort_changes",
           "treated_2", "one_unit", "no_never")  # fmt: skip


@st.composite
def damaged_panels(draw):
    """A sound staggered panel (cohorts 3, 4 and never) with zero to three damages applied."""
    n_units, n_periods = draw(st.integers(4, 9)), draw(st.integers(3, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    idx = np.repeat(np.arange(n_units), n_periods)
    cohort = np.array([3, 4, 0])[np.arange(n_units) % 3][idx].astype(float)
    df = pd.DataFrame(
        {"unit": [f"u{i}" for i in idx], "time": np.tile(np.arange(1, n_periods + 1), n_units)}
    )
    df["cohort"] = cohort
    df["treated"] = ((cohort > 0) & (df["time"] >= cohort)).astype(int)
    df["ever"] = (cohort > 0).astype(int)
    df["post"] = (df["time"] >= 3).astype(int)
    df["y"] = rng.normal(0, 1, n_units)[idx] + 0.3 * df["time"] + 2 * df["treated"]
    df["y"] += rng.normal(0, 0.5, len(df))
    for damage in draw(st.lists(st.sampled_from(DAMAGES), max_size=3, unique=True)):
        rows = draw(st.lists(st.integers(0, len(df) - 1), min_size=1, max_size=3, unique=True))
        at = df.index[rows]
        if damage in ("inf", "nan", "huge"):
            df.loc[at, "y"] = {"inf": np.inf, "nan": np.nan, "huge": 1e12}[damage]
        elif damage == "duplicate":
            df = pd.concat([df, df.loc[at]], ignore_index=True)
        elif damage == "drop":
            df = df.drop(index=at).reset_index(drop=True)
        elif damage == "constant":
            df["y"] = 7.0
        elif damage == "cohort_changes":
            df.loc[at, "cohort"] = 2.0
        elif damage == "treated_2":
            df.loc[at, "treated"] = 2
        elif damage == "one_unit":
            df = df[df["unit"] == df["unit"].iloc[0]].reset_index(drop=True)
        elif damage == "no_never":
            df = df[df["cohort"] > 0].reset_index(drop=True)
        if df.empty:
            break
    return df


def panels():
    """Wrecked panels (anything goes) and sound panels with a few damages."""
    return st.one_of(wrecked_panels(), damaged_panels())


@st.composite
def wrecked_series(draw):
    n = draw(st.integers(0, 30))
    times = sorted(draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)))
    df = pd.DataFrame({"time": times})
    df["y"] = draw(values(len(df)))
    df["x"] = draw(values(len(df)))
    return df


@st.composite
def damaged_series(draw):
    """A sound series on 0–39 (level change 3 at 20) with missing periods and odd values."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    t = np.arange(40)
    keep = np.sort(draw(st.lists(st.integers(0, 39), min_size=2, max_size=40, unique=True)))
    df = pd.DataFrame({"time": t[keep]})
    df["x"] = rng.normal(5, 1, len(df))
    df["y"] = 10 + 0.1 * df["time"] + 3.0 * (df["time"] >= 20) + 0.5 * df["x"]
    df["y"] += rng.normal(0, 0.5, len(df))
    odd = draw(
        st.lists(st.tuples(st.integers(0, len(df) - 1), st.sampled_from(ODD_NUMBERS)), max_size=3)
    )
    for row, value in odd:
        df.loc[df.index[row], draw(st.sampled_from(["y", "x"]))] = value
    if draw(st.booleans()):
        df = pd.concat([df, df.iloc[:1]], ignore_index=True)  # a repeated period
    return df


def series():
    return st.one_of(wrecked_series(), damaged_series())


@st.composite
def effect_tables(draw):
    n = draw(st.integers(0, 8))
    return pd.DataFrame(
        {
            "unit": [f"OPD{i}" for i in range(n)],
            "estimate": draw(values(n)),
            "std_error": draw(values(n)),
            "lead": draw(values(n)),
        }
    )


P = {"outcome": "y", "unit": "unit", "time": "time"}
PANEL_CALLS = {
    "before_after": lambda df: before_after(df, outcome="y", post="treated", group="unit"),
    "did": lambda df: did(df, outcome="y", group="ever", post="post"),
    "did(cluster)": lambda df: did(
        df, outcome="y", group="ever", post="post", vcov="cluster", cluster="unit"
    ),
    "twfe": lambda df: twfe(df, **P, treatment="treated"),
    "bacon_decomposition": lambda df: bacon_decomposition(df, **P, treatment="treated"),
    "staggered_did": lambda df: staggered_did(df, **P, cohort="cohort"),
    "staggered_did(not yet)": lambda df: staggered_did(
        df, **P, cohort="cohort", control_group="not_yet_treated"
    ),
    "event_study": lambda df: event_study(df, **P, cohort="cohort", leads=2, lags=1),
    "sun_abraham": lambda df: sun_abraham(df, **P, cohort="cohort"),
    "imputation_did": lambda df: imputation_did(df, **P, cohort="cohort"),
    "synthetic_control": lambda df: synthetic_control(
        df,
        **P,
        treated_unit="u0",
        intervention=3,
        placebo=False,
        in_time_placebo=None,
        leave_one_out=False,
    ),  # fmt: skip
}
SERIES_CALLS = {
    "interrupted_time_series": lambda df: interrupted_time_series(
        df, outcome="y", time="time", intervention=20
    ),
    "interrupted_time_series(controls)": lambda df: interrupted_time_series(
        df, outcome="y", time="time", intervention=20, controls=["x"], se="hac"
    ),
    "growth_linkage": lambda df: growth_linkage(df, outcome="y", driver="x", time="time", event=20),
}
EFFECT_CALLS = {
    "pool_effects": lambda df: pool_effects(df),
    "meta_regression": lambda df: meta_regression(df, "lead"),
    "shrink_effects": lambda df: shrink_effects(df),
    "rank_confidence_sets": lambda df: rank_confidence_sets(df, n_draws=200),
    "adjust_pvalues": lambda df: adjust_pvalues(df, column="estimate"),
}


def _answer(name: str, call, data) -> str:
    """Run ``call(data)``: a result with a finite headline, or an InnolabError with a message."""
    before = data.copy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numerical warnings are not the question here
            res = call(data)
    except InnolabError as exc:
        assert str(exc).strip(), f"{name}: an error without a message"
        event(f"refused: {type(exc).__name__}")
        return "refused"
    event("result")
    pd.testing.assert_frame_equal(data, before)  # raw data are never modified
    if isinstance(res, pd.DataFrame):  # adjust_pvalues
        return "result"
    if hasattr(res, "mde"):  # the power simulation: an MDE, or the reason there is none
        assert math.isfinite(res.mde) or res.diagnostic is not None, f"{name}: a silent NaN MDE"
        return "result"
    if not hasattr(res, "estimate"):  # shrinkage and rank sets: a table per unit
        numbers = res.table.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numbers).all() or res.diagnostics, f"{name}: non-finite cells"
        return "result"
    assert math.isfinite(res.estimate), f"{name}: a silent non-finite headline {res.estimate}"
    if not math.isfinite(getattr(res, "std_error", 0.0)):
        assert res.diagnostics, f"{name}: a missing standard error without a diagnostic"
    return "result"


@pytest.mark.parametrize("name", list(PANEL_CALLS))
@FAST
@given(df=panels())
def test_hostile_panels_get_a_result_or_a_clear_error(name, df):
    _answer(name, PANEL_CALLS[name], df)


@pytest.mark.parametrize("name", list(SERIES_CALLS))
@FAST
@given(df=series())
def test_hostile_series_get_a_result_or_a_clear_error(name, df):
    _answer(name, SERIES_CALLS[name], df)


@pytest.mark.parametrize("name", list(EFFECT_CALLS))
@FAST
@given(df=effect_tables())
def test_hostile_effect_tables_get_a_result_or_a_clear_error(name, df):
    _answer(name, EFFECT_CALLS[name], df)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=panels())
def test_hostile_panels_in_the_power_simulation(df):
    _answer(
        "minimum_detectable_effect",
        lambda d: minimum_detectable_effect(
            "staggered", d, outcome="y", unit="unit", time="time", cohort="cohort", n_sims=10,
            seed=1,
        ),
        df,
    )  # fmt: skip


@FAST
@given(
    est=st.lists(st.sampled_from(ODD_NUMBERS + [0.5, 2.0]), max_size=4),
    b=st.integers(0, 12),
    bad=st.booleans(),
)
def test_romano_wolf_on_hostile_estimates(est, b, bad):
    rng = np.random.default_rng(b)
    draws = rng.normal(size=(b, len(est) + (1 if bad else 0)))
    try:
        out = romano_wolf(est, draws)
    except InnolabError as exc:
        assert str(exc).strip()
        return
    assert out["p_romano_wolf"].between(0, 1).all()


# ----------------------------------------------------------------------------- random levels
LEVELS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-200, 200),
    st.booleans(),
    st.sampled_from(["0.95", None, "95%"]),
)
GOOD_PANEL = _example_panel(n_per=4)
LEVEL_CALLS = {
    "did": lambda lv: did(
        GOOD_PANEL.assign(
            g=(GOOD_PANEL.cohort > 0).astype(int), p=(GOOD_PANEL.time >= 4).astype(int)
        ),
        outcome="y",
        group="g",
        post="p",
        level=lv,
    ),  # fmt: skip
    "twfe": lambda lv: twfe(
        GOOD_PANEL.assign(d=((GOOD_PANEL.cohort > 0) & (GOOD_PANEL.time >= GOOD_PANEL.cohort)) * 1),
        **P,
        treatment="d",
        level=lv,
    ),  # fmt: skip
    "staggered_did": lambda lv: staggered_did(GOOD_PANEL, **P, cohort="cohort", level=lv),
    "sun_abraham": lambda lv: sun_abraham(GOOD_PANEL, **P, cohort="cohort", level=lv),
    "interrupted_time_series": lambda lv: interrupted_time_series(
        pd.DataFrame({"t": range(30), "y": np.sin(np.arange(30)) + (np.arange(30) >= 15)}),
        outcome="y",
        time="t",
        intervention=15,
        level=lv,
    ),  # fmt: skip
    "pool_effects": lambda lv: pool_effects(
        pd.DataFrame({"estimate": [1.0, 2.0, 4.0], "std_error": [1.0, 0.5, 1.0]}), level=lv
    ),
}


@pytest.mark.parametrize("name", list(LEVEL_CALLS))
@settings(max_examples=30, deadline=None)
@given(level=LEVELS)
def test_random_levels_give_an_interval_at_that_level_or_the_allowed_range(name, level):
    inside = (
        isinstance(level, int | float)
        and not isinstance(level, bool)
        and math.isfinite(level)
        and 0 < level < 1
    )
    if not inside:
        with pytest.raises(ParamsError) as info:
            LEVEL_CALLS[name](level)
        assert f"level must be a number strictly between 0 and 1, got {level!r}; did you mean" in (
            str(info.value)
        )
        return
    res = LEVEL_CALLS[name](level)  # good data: any level inside (0, 1) gives a result
    assert res.level == level and math.isfinite(res.estimate)
    assert res.ci_lower <= res.estimate <= res.ci_upper


# ----------------------------------------------------------------------------- identities
@FAST
@given(
    sizes=st.lists(st.integers(2, 6), min_size=4, max_size=4),
    seed=st.integers(0, 2**16),
    effect=st.floats(-5, 5),
)
def test_did_is_the_ols_interaction_with_its_hc1_standard_error(sizes, seed, effect):
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(seed)
    cells = [(g, p) for g in (0, 1) for p in (0, 1)]
    rows = [(g, p) for (g, p), k in zip(cells, sizes) for _ in range(k)]
    df = pd.DataFrame(rows, columns=["g", "p"])
    df["y"] = 1 + 0.5 * df.g + 0.3 * df.p + effect * df.g * df.p + rng.normal(0, 1, len(df))
    res = did(df, outcome="y", group="g", post="p")
    fit = smf.ols("y ~ g * p", df).fit(cov_type="HC1")
    assert res.estimate == pytest.approx(fit.params["g:p"], rel=1e-9, abs=1e-9)
    assert res.std_error == pytest.approx(fit.bse["g:p"], rel=1e-9)


@FAST
@given(
    n_units=st.integers(4, 9),
    n_periods=st.integers(3, 6),
    timing=st.data(),
    seed=st.integers(0, 2**16),
)
def test_twfe_is_the_weighted_sum_of_the_goodman_bacon_comparisons(
    n_units, n_periods, timing, seed
):
    rng = np.random.default_rng(seed)
    first = [timing.draw(st.sampled_from([None, *range(1, n_periods + 1)])) for _ in range(n_units)]
    groups = {f for f in first if f is not None}
    assume(groups and (None in first or len(groups) >= 2))
    rows = []
    for i, f in enumerate(first):
        for t in range(1, n_periods + 1):
            d = int(f is not None and t >= f)
            rows.append((i, t, d, i * 0.3 + t + d * (1 + 0.5 * t) + rng.normal(0, 1)))
    df = pd.DataFrame(rows, columns=["unit", "time", "d", "y"])
    try:
        tw = twfe(df, outcome="y", treatment="d", unit="unit", time="time")
        bacon = bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="time")
    except InnolabError:
        assume(False)  # e.g. treatment collinear with the fixed effects
    weighted = float((bacon.comparisons.weight * bacon.comparisons.estimate).sum())
    assert weighted == pytest.approx(tw.estimate, rel=1e-8, abs=1e-10)
    assert bacon.comparisons.weight.sum() == pytest.approx(1.0)


@FAST
@given(rows=st.lists(st.integers(0, 143), min_size=1, max_size=5, unique=True))
def test_an_infinite_outcome_counts_as_a_left_out_row(rows):
    df = _example_panel(n_per=8).assign(
        d=lambda f: ((f.cohort > 0) & (f.time >= f.cohort)).astype(int)
    )
    hurt = df.copy()
    hurt.loc[rows, "y"] = np.inf
    a = twfe(hurt, **P, treatment="d")
    b = twfe(df.drop(index=rows), **P, treatment="d")
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    assert a.std_error == pytest.approx(b.std_error, rel=1e-12)


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(level=st.floats(0.5, 0.99))
def test_sensitivity_analyses_accept_any_level_inside_and_nest_their_intervals(level):
    es = sun_abraham(GOOD_PANEL, **P, cohort="cohort")
    wide, narrow = honest_did(es, level=0.99), honest_did(es, level=level)
    assert wide.ci_lower <= narrow.ci_lower and narrow.ci_upper <= wide.ci_upper
    assert pretrend_power(es, power=level).slope > 0


def test_a_reading_with_a_huge_statistic_renders():
    from innolab_analysis.estimators._diagnostics import message

    text = message("estimators_staggered.pretrend_rejects", statistic=1e30, df=3, p=0.0)
    assert "1,000,000,000,000,000,000,000,000,000,000" in text.en
    assert "1.000.000.000.000.000.000.000.000.000.000" in text.id
