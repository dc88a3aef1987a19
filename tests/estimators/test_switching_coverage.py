"""Simulated coverage of switching_did's intervals (slow).

Panels of 200 units × 8 periods whose 0/1 treatment switches on and off at random (on with
probability 0.15 a period, off with 0.25), unit and period effects, a constant effect of 1.
Then DID_M and DID_1 estimate 1 and the placebo 0. Coverage seen when these tests were
written (90 % intervals; printed by each test, run with ``-s``): analytic DID_M 0.90, DID_1
0.913, placebo 0.917 over 300 panels (binomial sd 0.017); bootstrap DID_M 0.90 over 60 panels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.estimators.switching import switching_did

KW = {"outcome": "y", "unit": "g", "time": "t", "treatment": "d", "level": 0.9}


def _panel(rng, G=200, T=8, effect=1.0):
    D = np.zeros((G, T))
    D[:, 0] = rng.random(G) < 0.3
    for t in range(1, T):
        u = rng.random(G)
        D[:, t] = np.where(D[:, t - 1] == 1, u > 0.25, u < 0.15)
    y = (
        rng.normal(0, 1, G)[:, None]
        + np.cumsum(rng.normal(0, 0.5, T))[None, :]
        + effect * D
        + rng.normal(0, 1, (G, T))
    )
    return pd.DataFrame(
        [(g, t, D[g, t], y[g, t]) for g in range(G) for t in range(T)],
        columns=["g", "t", "d", "y"],
    )


@pytest.mark.slow
def test_analytic_intervals_cover_did_m_did_1_and_the_placebo(record_property):
    rng = np.random.default_rng(22)
    truth = {"did_m": 1.0, "e=0": 1.0, "e=-2": 0.0}
    hits = {k: [] for k in truth}
    for _ in range(300):
        t = switching_did(_panel(rng), **KW, effects=2, placebo=1).terms.set_index("term")
        for k, v in truth.items():
            hits[k].append(t.loc[k, "ci_lower"] <= v <= t.loc[k, "ci_upper"])
    cover = {k: round(float(np.mean(h)), 4) for k, h in hits.items()}
    print(f"switching_did analytic 90% coverage over 300 panels: {cover}")
    record_property("coverage", cover)
    for k, c in cover.items():
        assert 0.85 <= c <= 0.96, (k, c)


@pytest.mark.slow
def test_bootstrap_interval_covers_did_m(record_property):
    rng = np.random.default_rng(23)
    hits = []
    for _ in range(60):
        res = switching_did(_panel(rng), **KW, se="bootstrap", bootstrap_reps=100)
        hits.append(res.ci_lower <= 1.0 <= res.ci_upper)
    cover = float(np.mean(hits))
    print(f"switching_did bootstrap 90% coverage of DID_M over 60 panels: {cover:.3f}")
    record_property("coverage", cover)
    assert 0.78 <= cover <= 1.0, cover
