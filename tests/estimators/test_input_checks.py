"""Input checks of every public estimator (issue 12, item 5), with their whole messages.

* ``level`` (and ``power``/``alpha``) strictly inside (0, 1) everywhere, the likely fix named;
* a non-finite outcome is dropped with a diagnostic saying how many rows, or refused naming
  the rows — never a silent NaN;
* an empty or all-missing table raises an ``InnolabError`` that says what was expected;
* the interrupted time series uses the time values, not row positions, when periods are missing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, EstimationError, InnolabError, ParamsError
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
from innolab_analysis.estimators.staggered import staggered_did
from innolab_analysis.estimators.sun_abraham import sun_abraham
from innolab_analysis.estimators.synth import synthetic_control
from innolab_analysis.estimators.twfe import twfe


def _panel(seed: int = 7) -> pd.DataFrame:
    """24 units × 6 periods, cohorts 3 and 5 and never treated, planted effect 2."""
    rng = np.random.default_rng(seed)
    n, T = 24, 6
    idx = np.repeat(np.arange(n), T)
    df = pd.DataFrame({"unit": [f"u{i:02d}" for i in idx], "time": np.tile(np.arange(1, T + 1), n)})
    df["cohort"] = np.where(idx < 8, 3, np.where(idx < 16, 5, 0))
    df["treated"] = ((df["cohort"] > 0) & (df["time"] >= df["cohort"])).astype(int)
    df["ever"] = (df["cohort"] > 0).astype(int)
    df["post"] = (df["time"] >= 3).astype(int)
    df["y"] = rng.normal(0, 1, n)[idx] + 0.3 * df["time"] + 2 * df["treated"]
    df["y"] += rng.normal(0, 0.5, len(df))
    return df


def _series(n: int = 40, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.DataFrame(
        {
            "time": t,
            "y": 10 + 0.1 * t + 3.0 * (t >= 20) + rng.normal(0, 0.5, n),
            "x": rng.normal(5, 1, n),
        }
    )


def _effects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": [f"OPD{i}" for i in range(8)],
            "estimate": [1.0, 2.0, 1.5, 3.0, 2.5, 0.5, 1.8, 2.2],
            "std_error": [0.5, 0.4, 0.6, 0.5, 0.3, 0.7, 0.4, 0.5],
            "lead": [1.0, 2.0, 1.5, 4.0, 3.0, 0.5, 2.0, 2.5],
        }
    )


PANEL = {"outcome": "y", "unit": "unit", "time": "time"}


def _sa():
    return sun_abraham(_panel(), **PANEL, cohort="cohort")


LEVELLED = {
    "before_after": lambda level: before_after(_panel(), outcome="y", post="treated", level=level),
    "did": lambda level: did(_panel(), outcome="y", group="ever", post="post", level=level),
    "twfe": lambda level: twfe(_panel(), **PANEL, treatment="treated", level=level),
    "staggered_did": lambda level: staggered_did(_panel(), **PANEL, cohort="cohort", level=level),
    "event_study": lambda level: event_study(
        _panel(), **PANEL, cohort="cohort", leads=2, lags=1, level=level
    ),
    "sun_abraham": lambda level: sun_abraham(_panel(), **PANEL, cohort="cohort", level=level),
    "imputation_did": lambda level: imputation_did(_panel(), **PANEL, cohort="cohort", level=level),
    "interrupted_time_series": lambda level: interrupted_time_series(
        _series(), outcome="y", time="time", intervention=20, level=level
    ),
    "growth_linkage": lambda level: growth_linkage(
        _series(), outcome="y", driver="x", time="time", event=20, level=level
    ),
    "synthetic_control": lambda level: synthetic_control(
        _panel(), **PANEL, treated_unit="u00", intervention=3, placebo=False, level=level
    ),
    "honest_did": lambda level: honest_did(_sa(), level=level),
    "pool_effects": lambda level: pool_effects(_effects(), level=level),
    "meta_regression": lambda level: meta_regression(_effects(), "lead", level=level),
    "shrink_effects": lambda level: shrink_effects(_effects(), level=level),
    "rank_confidence_sets": lambda level: rank_confidence_sets(_effects(), level=level),
}
"""Every public estimator with a confidence level, called on good data."""

SHARES = {
    "minimum_detectable_effect(power)": (
        "power",
        0.8,
        lambda v: minimum_detectable_effect(
            "its", _series(), outcome="y", time="time", intervention=20, power=v, n_sims=10
        ),
    ),
    "minimum_detectable_effect(alpha)": (
        "alpha",
        0.05,
        lambda v: minimum_detectable_effect(
            "its", _series(), outcome="y", time="time", intervention=20, alpha=v, n_sims=10
        ),
    ),
    "pretrend_power(power)": ("power", 0.8, lambda v: pretrend_power(_sa(), power=v)),
    "pretrend_power(alpha)": ("alpha", 0.05, lambda v: pretrend_power(_sa(), alpha=v)),
    "adjust_pvalues(alpha)": (
        "alpha",
        0.05,
        lambda v: adjust_pvalues(pd.DataFrame({"p_value": [0.01, 0.2]}), alpha=v),
    ),
}
"""The other shares in (0, 1): target power and test levels."""

BAD_LEVELS = [(95, "0.95"), (1.5, "0.95"), (-0.5, "0.95"), (0, "0.95"), (1, "0.95"),
              (float("nan"), "0.95"), (True, "0.95"), ("0.95", "0.95")]  # fmt: skip


def _level_message(name: str, value, guess: str, typical: float) -> str:
    return (
        "1 problem(s) in the parameters:\n"
        f"  - column '{name}': {name} must be a number strictly between 0 and 1, got {value!r}; "
        f"did you mean {guess}?; allowed: a share strictly between 0 and 1 (e.g. {typical:g})"
    )


@pytest.mark.parametrize("name", list(LEVELLED))
@pytest.mark.parametrize(("level", "guess"), BAD_LEVELS)
def test_level_outside_zero_one_is_refused_with_the_fix(name, level, guess):
    with pytest.raises(ParamsError) as info:
        LEVELLED[name](level)
    assert str(info.value) == _level_message("level", level, guess, 0.95)


@pytest.mark.parametrize("name", list(SHARES))
def test_power_and_alpha_outside_zero_one_are_refused(name):
    arg, typical, call = SHARES[name]
    percent = 80 if arg == "power" else 5
    with pytest.raises(ParamsError) as info:
        call(percent)
    assert str(info.value) == _level_message(arg, percent, f"{percent / 100:g}", typical)
    with pytest.raises(ParamsError) as info:
        call(-1)
    assert str(info.value) == _level_message(arg, -1, f"{typical:g}", typical)


def test_a_level_inside_zero_one_gives_a_finite_interval_at_that_level():
    narrow, wide = LEVELLED["did"](0.5), LEVELLED["did"](0.99)
    assert narrow.estimate == wide.estimate
    assert wide.ci_lower < narrow.ci_lower < narrow.estimate < narrow.ci_upper < wide.ci_upper


# ----------------------------------------------------------------------------- non-finite values
def _with_inf(df: pd.DataFrame, column: str = "y", rows=(4,)) -> pd.DataFrame:
    out = df.copy()
    out.loc[list(rows), column] = np.inf
    return out


DROPPING = {
    "before_after": lambda df: before_after(df, outcome="y", post="treated"),
    "did": lambda df: did(df, outcome="y", group="ever", post="post"),
    "twfe": lambda df: twfe(df, **PANEL, treatment="treated"),
    "event_study": lambda df: event_study(df, **PANEL, cohort="cohort", leads=2, lags=1),
    "staggered_did": lambda df: staggered_did(df, **PANEL, cohort="cohort"),
    "sun_abraham": lambda df: sun_abraham(df, **PANEL, cohort="cohort"),
    "imputation_did": lambda df: imputation_did(df, **PANEL, cohort="cohort"),
}
"""Estimators that leave out a row with an infinite outcome and say so."""


@pytest.mark.parametrize("name", list(DROPPING))
def test_one_infinite_outcome_is_left_out_with_a_note_that_counts_it(name):
    res = DROPPING[name](_with_inf(_panel()))
    clean = DROPPING[name](_panel().drop(index=4))
    notes = [d for d in res.diagnostics if d.code == "missing_rows_dropped"]
    assert [d.message.en for d in notes] == [
        "1 of 144 rows was left out because it holds an infinite value."
    ]
    assert notes[0].message.id == "1 dari 144 baris tidak dipakai karena ada nilai yang tak hingga."
    assert math.isfinite(res.estimate) and math.isfinite(res.std_error)
    if name != "staggered_did":  # staggered keeps the unit in the panel, with one cell missing
        assert res.estimate == pytest.approx(clean.estimate, rel=1e-12)
    assert res.terms[["estimate", "std_error"]].notna().all().all()


def test_interrupted_time_series_leaves_out_an_infinite_value_and_counts_it():
    res = interrupted_time_series(_with_inf(_series()), outcome="y", time="time", intervention=20)
    note = next(d for d in res.diagnostics if d.code == "missing_rows_dropped")
    assert note.message.en == "1 of 40 rows was left out because it holds an infinite value."
    gap = next(d for d in res.diagnostics if d.code == "time_gaps")
    assert gap.message.en == (
        "The series skips 1 period between 0 and 39. The trend is fitted on the actual times, so "
        "the gap does not distort the slope, but fewer points are used."
    )
    assert res.n_obs == 39 and res.terms["std_error"].notna().all()


REFUSING = {
    "bacon_decomposition": (
        lambda df: bacon_decomposition(df, **PANEL, treatment="treated"),
        "1 problem(s) in the input data:\n  - 1 row(s) miss a value or hold an infinite one in 'y', "
        "'treated', 'unit' and 'time'; the Goodman-Bacon decomposition needs a complete balanced "
        "panel — fill or remove those rows [row 6]",
    ),
    "synthetic_control": (
        lambda df: synthetic_control(df, **PANEL, treated_unit="u00", intervention=3),
        "1 problem(s) in the input data:\n  - the treated unit 'u00' has no finite outcome value "
        "in period(s) 5",
    ),
}
"""Estimators that need every value and refuse an infinite one, naming it."""


@pytest.mark.parametrize("name", list(REFUSING))
def test_estimators_that_need_every_value_refuse_an_infinite_one(name):
    call, message = REFUSING[name]
    with pytest.raises(DataValidationError) as info:
        call(_with_inf(_panel()))
    assert str(info.value) == message


def test_synthetic_control_can_drop_a_donor_with_an_infinite_value():
    res = synthetic_control(
        _with_inf(_panel(), rows=(10,)), **PANEL, treated_unit="u00", intervention=3,
        missing="drop", placebo=False,
    )  # fmt: skip
    note = next(d for d in res.diagnostics if d.code == "donors_dropped_missing")
    assert note.message.en == (
        "1 donor unit was dropped because of missing or infinite outcome values: u01."
    )
    assert "u01" not in res.weights.index


def test_effects_tables_refuse_non_finite_estimates_naming_the_rows():
    bad = _effects().assign(estimate=[1.0, np.inf, 1.5, 3.0, 2.5, 0.5, 1.8, 2.2])
    for call in (pool_effects, shrink_effects, rank_confidence_sets):
        with pytest.raises(DataValidationError) as info:
            call(bad)
        assert "column 'estimate': must be a finite number in every row (1 row(s) are not)" in str(
            info.value
        )


def test_adjust_pvalues_refuses_an_infinite_p_value_and_romano_wolf_infinite_estimates():
    with pytest.raises(DataValidationError) as info:
        adjust_pvalues(pd.DataFrame({"p_value": [0.01, np.inf]}))
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'p_value': p-values must lie in [0, 1] [row 3 (inf)]"
    )
    with pytest.raises(ParamsError) as info:
        romano_wolf([1.0, np.inf], np.ones((10, 2)))
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - romano_wolf needs at least one estimate and every estimate finite; got [1.0, inf]"
    )
    with pytest.raises(ParamsError) as info:
        romano_wolf([1.0, 2.0], np.full((10, 2), np.nan))
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - every bootstrap draw must be finite; 20 are missing or infinite"
    )


# ----------------------------------------------------------------------------- empty input
EMPTY_PANEL = _panel().iloc[:0]
NAN_PANEL = _panel().assign(y=np.nan)
EMPTY_CASES = {
    "twfe/empty": (
        lambda: twfe(EMPTY_PANEL, **PANEL, treatment="treated"),
        "1 problem(s) in the input data:\n  - twfe got a table with no rows; it expects one row "
        "per unit and period with values in 'y', 'treated', 'unit' and 'time'",
    ),
    "twfe/all-NaN": (
        lambda: twfe(NAN_PANEL, **PANEL, treatment="treated"),
        "1 problem(s) in the input data:\n  - twfe has no usable row: each of the 144 rows misses "
        "a value or holds an infinite one in 'y', 'treated', 'unit' and 'time'; it expects one "
        "row per unit and period with values in every one of them",
    ),
    "did/empty": (
        lambda: did(EMPTY_PANEL, outcome="y", group="ever", post="post"),
        "1 problem(s) in the input data:\n  - did got a table with no rows; it expects one row "
        "per observation with values in 'y', 'ever' and 'post'",
    ),
    "before_after/all-NaN": (
        lambda: before_after(NAN_PANEL, outcome="y", post="treated"),
        "1 problem(s) in the input data:\n  - before_after has no usable row: each of the 144 "
        "rows misses a value or holds an infinite one in 'y' and 'treated'; it expects one row "
        "per observation with values in every one of them",
    ),
    "bacon/empty": (
        lambda: bacon_decomposition(EMPTY_PANEL, **PANEL, treatment="treated"),
        "1 problem(s) in the input data:\n  - bacon_decomposition got a table with no rows; it "
        "expects a balanced panel, one row per unit and period with values in 'y', 'treated', "
        "'unit' and 'time'",
    ),
    "staggered_did/empty": (
        lambda: staggered_did(EMPTY_PANEL, **PANEL, cohort="cohort"),
        "1 problem(s) in the input data:\n  - staggered_did got a table with no rows; it expects "
        "one row per unit and period with values in 'y', 'unit', 'time' and 'cohort'",
    ),
    "staggered_did/all-NaN": (
        lambda: staggered_did(NAN_PANEL, **PANEL, cohort="cohort"),
        "1 problem(s) in the input data:\n  - column 'y': the outcome is constant (or all "
        "missing); there is no variation to estimate an effect from. Check the outcome column.",
    ),
    "event_study/empty": (
        lambda: event_study(EMPTY_PANEL, **PANEL, cohort="cohort"),
        "1 problem(s) in the input data:\n  - event_study got a table with no rows; it expects "
        "one row per unit and period with values in 'y', 'unit' and 'time'",
    ),
    "sun_abraham/all-NaN": (
        lambda: sun_abraham(NAN_PANEL, **PANEL, cohort="cohort"),
        "1 problem(s) in the input data:\n  - sun_abraham has no usable row: each of the 144 rows "
        "misses a value or holds an infinite one in 'y'; it expects a long panel with one row "
        "per unit and period with values in every one of them",
    ),
    "imputation_did/empty": (
        lambda: imputation_did(EMPTY_PANEL, **PANEL, cohort="cohort"),
        "1 problem(s) in the input data:\n  - imputation_did got a table with no rows; it expects "
        "a long panel with one row per unit and period with values in 'y', 'unit', 'time' and "
        "'cohort'",
    ),
    "synthetic_control/empty": (
        lambda: synthetic_control(EMPTY_PANEL, **PANEL, treated_unit="u00", intervention=3),
        "1 problem(s) in the input data:\n  - synthetic_control got a table with no rows; it "
        "expects one row per unit and period with values in 'y', 'unit' and 'time'",
    ),
    "interrupted_time_series/empty": (
        lambda: interrupted_time_series(
            _series().iloc[:0], outcome="y", time="time", intervention=20
        ),
        "1 problem(s) in the input data:\n  - interrupted_time_series got a table with no rows; "
        "it expects one row per period with values in 'y' and 'time'",
    ),
    "interrupted_time_series/all-NaN": (
        lambda: interrupted_time_series(
            _series().assign(y=np.nan), outcome="y", time="time", intervention=20
        ),
        "1 problem(s) in the input data:\n  - interrupted_time_series has no usable row: each of "
        "the 40 rows misses a value or holds an infinite one in 'y' and 'time'; it expects one "
        "row per period with values in every one of them",
    ),
    "minimum_detectable_effect/empty": (
        lambda: minimum_detectable_effect(
            "staggered", EMPTY_PANEL, outcome="y", unit="unit", time="time", cohort="cohort"
        ),
        "1 problem(s) in the input data:\n  - minimum_detectable_effect('staggered') got a table "
        "with no rows; it expects one row per unit and period with values in 'y', 'unit' and "
        "'time'",
    ),
    "adjust_pvalues/empty": (
        lambda: adjust_pvalues(pd.DataFrame({"p_value": []})),
        "1 problem(s) in the input data:\n  - adjust_pvalues got a table with no rows; it expects "
        "one row per hypothesis with values in 'p_value'",
    ),
}
"""Empty or all-missing tables: an InnolabError saying what was expected, never a raw traceback."""


@pytest.mark.parametrize("case", list(EMPTY_CASES))
def test_empty_or_all_missing_input_says_what_was_expected(case):
    call, message = EMPTY_CASES[case]
    with pytest.raises(InnolabError) as info:
        call()
    assert str(info.value) == message


def test_effects_tables_and_sensitivity_analyses_refuse_empty_input():
    empty = _effects().iloc[:0]
    for call in (pool_effects, shrink_effects, rank_confidence_sets):
        with pytest.raises(DataValidationError):
            call(empty)
    with pytest.raises(EstimationError) as info:
        honest_did(pd.DataFrame())
    assert str(info.value).startswith("expected an event-study result (sun_abraham")
    with pytest.raises(ParamsError) as info:
        romano_wolf([], np.ones((10, 0)))
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - romano_wolf needs at least one estimate and every estimate finite; got []"
    )


# ----------------------------------------------------------------------------- ITS on the real time
def test_interrupted_time_series_uses_the_time_values_when_periods_are_missing():
    """Integer time 0–39 with ten periods missing, planted level change 3: OLS on the real time."""
    import statsmodels.api as sm

    rng = np.random.default_rng(12)
    t = np.arange(40)
    y = 50 + 0.4 * t + 3.0 * (t >= 20) + 0.25 * (t - 20) * (t >= 20) + rng.normal(0, 0.6, 40)
    missing = rng.choice([i for i in range(1, 39) if i != 20], 10, replace=False)
    keep = np.setdiff1d(t, missing)
    df = pd.DataFrame({"time": keep, "y": y[keep]})
    res = interrupted_time_series(df, outcome="y", time="time", intervention=20, se="ols")

    def ols_on(clock: np.ndarray, start: float):
        after = (clock >= start).astype(float)
        X = sm.add_constant(np.column_stack([clock, after, (clock - start) * after]))
        return sm.OLS(df["y"].to_numpy(), X).fit()

    real = ols_on(df["time"].to_numpy(float), 20.0)
    rows = ols_on(np.arange(30, dtype=float), float(np.searchsorted(keep, 20)))
    terms = res.terms.set_index("term")
    assert terms.loc["level_change", "estimate"] == pytest.approx(real.params[2], rel=1e-10)
    assert terms.loc["slope_change", "estimate"] == pytest.approx(real.params[3], rel=1e-10)
    assert terms.loc["pre_slope", "estimate"] == pytest.approx(real.params[1], rel=1e-10)
    assert terms.loc["level_change", "std_error"] == pytest.approx(real.bse[2], rel=1e-10)
    assert abs(terms.loc["level_change", "estimate"] - rows.params[2]) > 0.05  # not row positions
    gap = next(d for d in res.diagnostics if d.code == "time_gaps")
    assert gap.message.en.startswith("The series skips 10 periods between 0 and 39.")


def test_interrupted_time_series_counts_months_of_a_gapped_monthly_series():
    months = pd.date_range("2016-01-01", periods=36, freq="MS")
    y = 70 + 0.1 * np.arange(36) + 3.0 * (months >= "2018-01-01")
    df = pd.DataFrame({"month": months, "y": y}).drop(index=[5, 6, 7, 30])
    res = interrupted_time_series(df, outcome="y", time="month", intervention="2018-01-01")
    terms = res.terms.set_index("term")["estimate"]
    assert terms["level_change"] == pytest.approx(3.0, abs=1e-9)
    assert terms["pre_slope"] == pytest.approx(0.1, abs=1e-9)
    gap = next(d for d in res.diagnostics if d.code == "time_gaps")
    assert gap.message.id == (
        "Deret ini melompati 4 periode antara 1 Januari 2016 dan 1 Desember 2018. Tren dihitung "
        "pada waktu yang sebenarnya, jadi lompatan tidak menggeser kemiringan, tetapi lebih "
        "sedikit titik yang dipakai."
    )


def test_an_intervention_of_another_kind_than_the_times_is_refused():
    with pytest.raises(DataValidationError) as info:
        interrupted_time_series(_series(), outcome="y", time="time", intervention="2018-01-01")
    assert str(info.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'time': intervention '2018-01-01' cannot be compared with the times, which "
        "run from 0 to 39; pass a value of the same kind as the times"
    )
