"""Contract tests: every estimator of the package returns a result honouring the contract.

Each case names its module and function; every estimator of the package has a case.
"""

from __future__ import annotations

import dataclasses
import importlib
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from innolab_analysis import l10n
from innolab_analysis.estimators._result import (
    EFFECT_COLUMNS,
    SUMMARY_COLUMNS,
    Diagnostic,
    EffectResult,
)


def _panel(seed: int = 2018) -> pd.DataFrame:
    """30 agencies × 8 semesters, cohorts 4 and 6 and never treated, planted effect 2."""
    rng = np.random.default_rng(seed)
    n_units, n_periods = 30, 8
    df = pd.DataFrame(
        {
            "agency_id": np.repeat([f"OPD{i:02d}" for i in range(n_units)], n_periods),
            "period": np.tile(np.arange(1, n_periods + 1), n_units),
        }
    )
    idx = np.repeat(np.arange(n_units), n_periods)
    cohort = np.where(idx < 10, 4, np.where(idx < 20, 6, 0))
    df["cohort"] = cohort
    df["treated"] = ((cohort > 0) & (df["period"] >= cohort)).astype(int)
    df["ever"] = (cohort > 0).astype(int)
    df["post"] = (df["period"] >= 4).astype(int)
    df["ikm"] = (
        75
        + rng.normal(0, 2, n_units)[idx]
        + 0.3 * df["period"]
        + 2.0 * df["treated"]
        + rng.normal(0, 1, len(df))
    )
    return df


def _series(seed: int = 2018) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = pd.date_range("2015-01-01", periods=48, freq="MS")
    k = np.arange(48)
    y = 70 + 0.1 * k + 3.0 * (t >= "2018-04-01") + rng.normal(0, 0.5, 48)
    return pd.DataFrame({"month": t, "ikm": y})


def _switching_panel(seed: int = 2018) -> pd.DataFrame:
    """The panel with innovations discontinued: 5 agencies switch off at period 6, 5 relaunch at 8."""
    df = _panel(seed)
    idx = df["agency_id"].str[3:].astype(int)
    off = (idx < 5) & (df["period"] >= 6)
    df.loc[off, "treated"] = 0
    df.loc[off, "ikm"] -= 2.0
    back = (idx < 3) & (df["period"] >= 8)
    df.loc[back, "treated"] = 1
    df.loc[back, "ikm"] += 2.0
    return df


def _growth(seed: int = 2018) -> pd.DataFrame:
    """14 years of a core's and a satellite's growth (%), elasticity 0.4 → 0.9 from 2018."""
    rng = np.random.default_rng(seed)
    years = np.arange(2011, 2025)
    core = 6 + rng.normal(0, 1, 14)
    sat = 1.5 + np.where(years >= 2018, 0.9, 0.4) * core + rng.normal(0, 0.3, 14)
    return pd.DataFrame({"year": years, "g_core": core, "g_sat": sat})


def _effects(seed: int = 2018) -> pd.DataFrame:
    """Per-agency effects of two outcomes with standard errors and moderators."""
    rng = np.random.default_rng(seed)
    lead = rng.uniform(1, 5, 24)
    rows = pd.DataFrame(
        {
            "unit": [f"OPD{i:02d}" for i in range(12)] * 2,
            "outcome": ["ikm"] * 12 + ["processing_days"] * 12,
            "estimate": np.r_[1 + 0.5 * lead[:12], -1 - 0.2 * lead[12:]] + rng.normal(0, 0.4, 24),
            "std_error": rng.uniform(0.2, 0.6, 24),
            "leadership": lead,
        }
    )
    return rows


PANEL = {"outcome": "ikm", "unit": "agency_id", "time": "period"}
CASES = [
    ("before_after", "before_after", _panel, {"outcome": "ikm", "post": "treated"}),
    ("did", "did", _panel, {"outcome": "ikm", "group": "ever", "post": "post"}),
    (
        "twfe",
        "twfe",
        _panel,
        {"outcome": "ikm", "treatment": "treated", "unit": "agency_id", "time": "period"},
    ),
    (
        "bacon",
        "bacon_decomposition",
        _panel,
        {"outcome": "ikm", "treatment": "treated", "unit": "agency_id", "time": "period"},
    ),
    (
        "its",
        "interrupted_time_series",
        _series,
        {"outcome": "ikm", "time": "month", "intervention": "2018-04-02"},
    ),
    (
        "growth_linkage",
        "growth_linkage",
        _growth,
        {"outcome": "g_sat", "driver": "g_core", "time": "year", "event": 2018},
    ),
    ("event_study", "event_study", _panel, {**PANEL, "cohort": "cohort", "leads": 2, "lags": 2}),
    ("staggered", "staggered_did", _panel, {**PANEL, "cohort": "cohort"}),
    ("sun_abraham", "sun_abraham", _panel, {**PANEL, "cohort": "cohort"}),
    ("imputation", "imputation_did", _panel, {**PANEL, "cohort": "cohort"}),
    (
        "synth",
        "synthetic_control",
        _panel,
        {**PANEL, "treated_unit": "OPD00", "intervention": 4, "placebo": False},
    ),
    (
        "synth",
        "synthetic_control",
        _panel,
        {
            **PANEL,
            "treated_unit": "OPD00",
            "intervention": 4,
            "inference": "conformal",
            "donors": [f"OPD{i:02d}" for i in range(20, 30)],
        },
    ),
    (
        "sdid",
        "synthetic_did",
        _panel,
        {
            **PANEL,
            "treated_unit": "OPD00",
            "intervention": 4,
            "donors": [f"OPD{i:02d}" for i in range(20, 30)],
        },
    ),
    (
        "sdid",
        "synthetic_did",
        _panel,
        {
            **PANEL,
            "treated_unit": [f"OPD{i:02d}" for i in range(20)],
            "intervention": {f"OPD{i:02d}": 4 if i < 10 else 6 for i in range(20)},
        },
    ),
    (
        "switching",
        "switching_did",
        _switching_panel,
        {**PANEL, "treatment": "treated", "effects": 2, "placebo": 1},
    ),
    ("pooling", "pool_effects", _effects, {"outcome": "ikm", "method": "REML"}),
    (
        "meta_regression",
        "meta_regression",
        _effects,
        {"outcome": "ikm", "moderators": "leadership"},
    ),
]


@pytest.fixture(params=CASES, ids=[c[1] for c in CASES])
def case(request):
    module, func_name, make, kwargs = request.param
    func = getattr(importlib.import_module(f"innolab_analysis.estimators.{module}"), func_name)
    data = make()
    return func, data, kwargs


def _estimate_quoted(text: str, value: float) -> bool:
    shown = [f"{v:,.{d}f}" for d in range(1, 5) for v in (value, abs(value))]
    shown += [s.replace(",", "X").replace(".", ",").replace("X", ".") for s in shown]
    return any(s in text for s in shown)


def test_result_contract(case):
    func, data, kwargs = case
    before = data.copy()
    res = func(data, **kwargs)
    pd.testing.assert_frame_equal(data, before)  # the caller's data are never changed
    _check_contract(res, kwargs["outcome"])
    again = func(data, **kwargs)
    assert again.estimate == res.estimate  # deterministic (seeded)


SENSITIVITY = [
    ("honest", "honest_did", {}),
    ("honest", "honest_did", {"restriction": "smoothness", "m": [0.0, 0.5]}),
    ("pretrend", "pretrend_power", {}),
]


@pytest.mark.parametrize(("module", "func_name", "kwargs"), SENSITIVITY)
def test_sensitivity_result_contract(module, func_name, kwargs):
    import importlib

    from innolab_analysis.estimators.sun_abraham import sun_abraham

    func = getattr(importlib.import_module(f"innolab_analysis.estimators.{module}"), func_name)
    es = sun_abraham(_panel(), **PANEL, cohort="cohort")
    res = func(es, **kwargs)
    _check_contract(res, "ikm")
    assert func(es, **kwargs).estimate == res.estimate


def _check_contract(res, outcome):
    assert isinstance(res, EffectResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 0.0  # type: ignore[misc]

    assert math.isfinite(res.estimate)
    missing = [
        name
        for name in ("std_error", "ci_lower", "ci_upper", "p_value")
        if not math.isfinite(getattr(res, name))
    ]
    # never a silent NaN: a missing inference number comes with a diagnostic
    assert not missing or res.diagnostics, f"{missing} are NaN without any diagnostic"
    if not missing:
        assert res.std_error > 0
        assert res.ci_lower <= res.estimate <= res.ci_upper
        assert 0.0 <= res.p_value <= 1.0
    assert isinstance(res.n_obs, int) and res.n_obs > 0
    assert res.method and res.se_type and res.outcome == outcome

    summary = res.summary()
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert summary.loc[0, "estimate"] == pytest.approx(res.estimate)
    assert summary.loc[0, "std_error"] == pytest.approx(res.std_error, nan_ok=True)
    assert summary["term"].is_unique
    rows = res.effect_rows(study="demo", unit="all")
    assert tuple(rows.columns) == EFFECT_COLUMNS

    assert isinstance(res.text, l10n.Bilingual)  # catalog text (the legacy Bilingual is one too)
    assert res.text.id and res.text.en and res.text.id != res.text.en
    assert _estimate_quoted(res.text.en, res.estimate), res.text.en
    for d in res.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.severity in ("info", "warning", "error")
        assert d.message.id and d.message.en and d.message.id != d.message.en

    html = res._repr_html_()
    assert "innolab-result" in html and res.se_type.split(",")[0][:20] in html

    for language in ("en", "id"):
        ax = res.plot(language=language)
        assert isinstance(ax, Axes)
    fig, given = plt.subplots()
    assert res.plot(ax=given) is given
    plt.close("all")


@pytest.mark.parametrize(
    "module",
    [
        "_linear",
        "_hac",
        "before_after",
        "did",
        "twfe",
        "bacon",
        "its",
        "growth_linkage",
        "event_study",
        "sdid",
        "switching",
        "sun_abraham",
        "_cohort_fe",
        "imputation",
        "honest",
        "pretrend",
        "multiple_testing",
    ],
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"innolab_analysis.estimators.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
