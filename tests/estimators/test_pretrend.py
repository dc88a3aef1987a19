"""Pre-trend power (Roth 2022): the detectable slope has the requested power, and its biases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from innolab_analysis.errors import EstimationError, ParamsError
from innolab_analysis.estimators.pretrend import pretrend_power
from innolab_analysis.estimators.staggered import _example_panel
from innolab_analysis.estimators.sun_abraham import sun_abraham


@pytest.fixture(scope="module")
def es():
    return sun_abraham(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")


def test_the_slope_is_detected_with_the_requested_power(es):
    pp = pretrend_power(es, power=0.8)
    e, b, V = es.event_vcov()
    pre = e < 0
    s = (e - (-1)).astype(float)
    sd = np.sqrt(np.diag(V))[pre]
    rng = np.random.default_rng(42)
    draws = rng.multivariate_normal(pp.slope * s[pre], V[np.ix_(pre, pre)], size=400_000)
    detected = (np.abs(draws) > stats.norm.ppf(0.975) * sd).any(1).mean()
    assert detected == pytest.approx(0.8, abs=0.003)  # Monte Carlo SE 0.0006
    post = pp.bias.dropna(subset=["event_time"])
    post = post[post.event_time >= 0]
    np.testing.assert_allclose(post.trend_bias, pp.slope * (post.event_time + 1))
    avg = pp.bias[pp.bias.event_time.isna()].iloc[0]
    assert avg.trend_bias == pytest.approx(post.trend_bias.mean())
    assert pp.text.en.startswith(
        "A pre-trend test of the 4 pre-adoption coefficients (5% level each) would detect a "
        f"linear difference in trends of slope {pp.slope:.3f} per period with probability 80%."
    )
    assert "dengan peluang 80%" in pp.text.id


def test_one_pre_period_has_the_closed_form():
    df = _example_panel()
    df = df[df.time >= 3]  # cohort 4 keeps one pre-period (e = -1, the reference) …
    df = df[df.cohort != 6]
    es1 = sun_abraham(df.assign(cohort=df.cohort.where(df.cohort != 4, 5)), outcome="y",
                      unit="unit", time="time", cohort="cohort")  # fmt: skip
    pp = pretrend_power(es1, power=0.5)
    sd = float(np.sqrt(es1.vcov.loc["e=-2", "e=-2"]))
    c = stats.norm.ppf(0.975)
    # power(γ) = 1 − [Φ(c − γ/sd) − Φ(−c − γ/sd)] with s = −1 at e = −2 (|s| = 1)
    want = optimize.brentq(
        lambda g: 1 - (stats.norm.cdf(c - g / sd) - stats.norm.cdf(-c - g / sd)) - 0.5, 0, 10 * sd
    )
    assert pp.slope == pytest.approx(want, rel=1e-7)


def test_inputs_are_checked(es):
    with pytest.raises(
        ParamsError,
        match=r"power must be a number strictly between 0 and 1, got 1.2; did you mean 0.8\?",
    ):
        pretrend_power(es, power=1.2)
    with pytest.raises(EstimationError, match="expected an event-study result"):
        pretrend_power(_example_panel())
