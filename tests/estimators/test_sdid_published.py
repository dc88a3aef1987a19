"""Synthetic DiD against its published study: Arkhangelsky, Athey, Hirshberg, Imbens & Wager (2021, AER).

Table 1 (California Proposition 99, per-capita cigarette sales, 38 control
states, 1970-1988 before, 1989-2000 after): SDID −15.6 (SE 8.4), SC −19.6
(9.9), DiD −27.3 (17.7), standard errors from 200 placebo draws.

Data: the Prop 99 panel inside the ``scspill`` wheel, read offline from the
installed distribution. It is the panel of R ``synthdid``'s
``california_prop99``: the first test checks its shape and a checksum of the
sales matrix computed from ``synthdid``'s file (values agree to 5e-8, float32
rounding).

The placebo standard error: with one treated unit a placebo draw matters only
through which of the 38 controls plays the treated unit, so the published 8.4
is one random draw of 200 from 38 equally likely placebo estimates. The test
computes the 38 estimates (``replications=None``), checks that 8.4 lies in the
central 95% of the distribution of the 200-draw standard error they imply, and
that one seeded 200-draw run lands in the same range.
"""

from __future__ import annotations

import numpy as np
import pytest

from innolab_analysis.estimators.sdid import synthetic_did

TABLE1 = {"sdid": (-15.6, 8.4), "sc": (-19.6, 9.9), "did": (-27.3, 17.7)}


@pytest.fixture(scope="module")
def fit(prop99):
    return synthetic_did(
        prop99, outcome="cigsale", unit="state", time="year",
        treated_unit="California", intervention=1989,
    )  # fmt: skip


def test_panel_is_synthdids_california_prop99(prop99):
    wide = prop99.pivot(index="state", columns="year", values="cigsale").sort_index()
    assert wide.shape == (39, 31)
    assert (wide.columns.min(), wide.columns.max()) == (1970, 2000)
    # sum of synthdid's california_prop99 PacksPerCapita (R package data), and California 1988
    assert float(wide.to_numpy().sum()) == pytest.approx(143741.9, abs=0.05)
    assert float(wide.loc["California", 1988]) == pytest.approx(90.1, abs=1e-4)


def test_table1_point_estimates(fit):
    for name, (published, _) in TABLE1.items():
        assert round(float(fit.comparison.loc[name, "estimate"]), 1) == published, name
    # R synthdid prints -15.6038 (README); the solver reproduces it to 1e-9
    assert fit.estimate == pytest.approx(-15.603828, abs=1e-6)
    assert fit.comparison.loc["sc", "estimate"] == pytest.approx(-19.619663, abs=1e-6)
    assert fit.comparison.loc["did", "estimate"] == pytest.approx(-27.349111, abs=1e-6)
    assert fit.unit_weights.iloc[:, 0].sum() == pytest.approx(1.0)
    assert fit.time_weights.iloc[:, 0].sum() == pytest.approx(1.0)


def test_table1_placebo_standard_errors_are_a_draw_of_ours(fit):
    reps = fit.replications
    assert len(reps) == 38 and fit.se_method == "placebo"
    rng = np.random.default_rng(0)
    for name, (_, published) in TABLE1.items():
        atoms = reps[name].to_numpy()
        draws = rng.choice(atoms, size=(4000, 200))
        ses = np.sqrt(199 / 200) * draws.std(axis=1, ddof=1)
        lo, hi = np.quantile(ses, [0.025, 0.975])
        assert lo <= published <= hi, (name, lo, hi)
    # the exact placebo SE (every control once): 9.37 for SDID
    assert fit.std_error == pytest.approx(9.371, abs=1e-3)


def test_seeded_200_draws_as_in_r(prop99):
    res = synthetic_did(
        prop99, outcome="cigsale", unit="state", time="year",
        treated_unit="California", intervention=1989, replications=200, seed=1,
    )  # fmt: skip
    assert len(res.replications) == 200
    # the same shuffles as diff-diff 3.13 SyntheticDiD(variance_method="placebo", seed=1)
    assert res.std_error == pytest.approx(10.912483, abs=1e-5)
    assert 7.5 < res.std_error < 11.5
