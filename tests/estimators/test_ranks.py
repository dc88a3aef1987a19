"""Rank confidence sets (Mogstad, Romano, Shaikh & Wilhelm 2024) against csranks and the theory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators.ranking import (
    RANK_COLUMNS,
    pairwise_bounds,
    rank_confidence_sets,
)

# csranks (R, github.com/danielwilhelm/R-CS-ranks at bd4f755, version 1.2.2.9001), its R files
# R/ranks.R, R/diffmeans.R, R/rank_utils.R sourced into R 4.2 with MASS:
#   x  <- c(10, 9.2, 8.9, 8.0, 7.5, 7.4, 6.0, 5.0)
#   se <- c(0.4, 0.5, 0.3, 0.6, 0.4, 0.5, 0.7, 0.4)
#   csranks(x, diag(se^2), coverage = 0.90, simul = TRUE,  R = 20000, seed = s)
#   csranks(x, diag(se^2), coverage = 0.90, simul = FALSE, R = 20000, seed = s)
#   csranks(x, diag(se^2), coverage = 0.90, simul = TRUE,  R = 20000, seed = s, stepdown = FALSE)
# gave, for seeds s = 1, 2, 3 alike (except where noted):
CSRANKS_X = [10, 9.2, 8.9, 8.0, 7.5, 7.4, 6.0, 5.0]
CSRANKS_SE = [0.4, 0.5, 0.3, 0.6, 0.4, 0.5, 0.7, 0.4]
CSRANKS = {
    "simultaneous_lower": [1, 1, 1, 2, 3, 2, 4, 7],
    "simultaneous_upper": [3, 6, 5, 7, 7, 7, 8, 8],
    "marginal_lower": [1, 1, 1, 2, 4, 4, 5, 7],
    # the first unit's upper bound is 2 with seeds 1 and 2 and 3 with seed 3 in csranks:
    # its comparison with the third unit sits at the critical value
    "marginal_upper": [(2, 3), 4, 4, 7, 7, 7, 8, 8],
}


def frame(x, se, labels=None) -> pd.DataFrame:
    labels = labels or [chr(ord("A") + i) for i in range(len(x))]
    return pd.DataFrame({"unit": labels, "estimate": x, "std_error": se})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reproduces_csranks_on_a_small_example(seed):
    sets = rank_confidence_sets(frame(CSRANKS_X, CSRANKS_SE), n_draws=20000, seed=seed)
    t = sets.table
    assert list(t.columns) == list(RANK_COLUMNS)
    assert t["label"].tolist() == list("ABCDEFGH")  # already in rank order
    for col, expected in CSRANKS.items():
        for got, want in zip(t[col].tolist(), expected):
            assert got in want if isinstance(want, tuple) else got == want, (col, got, want)


def test_without_stepdown_matches_csranks_single_step():
    t = rank_confidence_sets(
        frame(CSRANKS_X, CSRANKS_SE), n_draws=20000, seed=1, stepdown=False
    ).table
    assert t["simultaneous_lower"].tolist() == [1, 1, 1, 2, 3, 2, 4, 7]
    assert t["simultaneous_upper"].tolist() == [3, 6, 5, 7, 7, 7, 8, 8]


def test_max_t_critical_value_is_the_studentized_range_for_independent_equal_errors():
    # three independent N(0, 1): max |Z_i - Z_j| / sqrt(2) is the studentized range / sqrt(2)
    family = ~np.eye(3, dtype=bool)
    _, _, crit = pairwise_bounds(
        np.zeros(3), np.eye(3), family, coverage=0.9, kind="symmetric", stepdown=False,
        n_draws=400_000, seed=3,
    )  # fmt: skip
    exact = stats.studentized_range.ppf(0.9, 3, np.inf) / np.sqrt(2)
    assert crit[0] == pytest.approx(exact, abs=0.01)
    assert exact == pytest.approx(2.0523, abs=1e-4)


def test_two_units_are_told_apart_exactly_when_the_z_test_rejects():
    # one pair: the two one-sided comparisons in one family = a two-sided test at 90%
    z90 = stats.norm.ppf(0.95)
    se = 1 / np.sqrt(2)  # sd of the difference = 1
    apart = rank_confidence_sets(frame([z90 + 0.05, 0.0], [se, se]), n_draws=100_000, seed=1)
    close = rank_confidence_sets(frame([z90 - 0.05, 0.0], [se, se]), n_draws=100_000, seed=1)
    assert apart.table[["simultaneous_lower", "simultaneous_upper"]].values.tolist() == [
        [1, 1],
        [2, 2],
    ]
    assert close.table[["simultaneous_lower", "simultaneous_upper"]].values.tolist() == [
        [1, 2],
        [1, 2],
    ]


def test_properties_simultaneous_contains_marginal_contains_estimated_rank():
    rng = np.random.default_rng(5)
    x, se = rng.normal(0, 1, 12), rng.uniform(0.2, 0.8, 12)
    t = rank_confidence_sets(frame(list(x), list(se)), n_draws=2000).table
    assert (t["simultaneous_lower"] <= t["marginal_lower"]).all()
    assert (t["marginal_upper"] <= t["simultaneous_upper"]).all()
    assert ((t["marginal_lower"] <= t["rank"]) & (t["rank"] <= t["marginal_upper"])).all()
    assert t["rank"].tolist() == list(range(1, 13))


def test_lower_is_better_reverses_the_ranking():
    df = frame([1.0, 5.0, 9.0], [0.1, 0.1, 0.1])
    up = rank_confidence_sets(df).table.set_index("label")["rank"]
    down = rank_confidence_sets(df, higher_is_better=False).table.set_index("label")["rank"]
    assert up.to_dict() == {"C": 1, "B": 2, "A": 3}
    assert down.to_dict() == {"A": 1, "B": 2, "C": 3}


def test_statements_say_what_the_data_support():
    df = frame([10.0, 9.9, 9.8, 5.0, 4.9, 4.95, 5.05, 0.0], [0.2] * 8)
    sets = rank_confidence_sets(df, n_draws=5000)
    s = sets.statements(tau=3)
    assert s == {
        "tau": 3,
        "top": ["A", "B", "C"],
        "tau_bottom": 3,
        "bottom": ["H"],
        "rest": ["G", "D", "F", "E"],
        "rest_told_apart": False,
    }
    assert sets.sentences("en", tau=3) == [
        "With 90% confidence (jointly for all units), A, B and C are among the top 3.",
        "H is among the bottom 3, with the same confidence.",
        "The other 4 units cannot be told apart: no pair of them differs at 90% confidence.",
    ]
    assert sets.sentences("id", tau=3)[0] == (
        "Dengan keyakinan 90% (serentak untuk semua unit), A, B dan C termasuk 3 teratas."
    )


def test_no_unit_is_surely_top_when_all_are_noisy():
    sets = rank_confidence_sets(frame([3.0, 2.0, 1.0, 0.0], [5.0] * 4))
    assert sets.among_top(1) == []
    assert sets.sentences("en")[0] == "No unit can be placed among the top 1 with 90% confidence."
    assert (sets.table["simultaneous_lower"] == 1).all() and (
        sets.table["simultaneous_upper"] == 4
    ).all()


def test_correlated_estimates_use_the_full_covariance():
    # strongly correlated errors: the difference is precise although each estimate is not
    x = [1.0, 0.0]
    cov = np.array([[1.0, 0.99], [0.99, 1.0]])
    indep = rank_confidence_sets(frame(x, [1.0, 1.0]), n_draws=20000).table
    corr = rank_confidence_sets(frame(x, [1.0, 1.0]), cov=cov, n_draws=20000).table
    assert indep["simultaneous_upper"].tolist() == [2, 2]
    assert corr["simultaneous_upper"].tolist() == [1, 2]


def test_refuses_duplicate_units_bad_cov_and_few_draws():
    with pytest.raises(DataValidationError) as err:
        rank_confidence_sets(frame([1.0, 2.0], [1.0, 1.0], ["rsud", "rsud"]))
    assert str(err.value) == (
        "1 problem(s) in the input data:\n  - units ['rsud'] appear more than once; rank one "
        "estimate per unit (key the rows by study and unit)"
    )
    with pytest.raises(DataValidationError, match=r"cov must be a symmetric 2 × 2 matrix"):
        rank_confidence_sets(frame([1.0, 2.0], [1.0, 1.0]), cov=np.eye(3))
    with pytest.raises(ParamsError, match="n_draws must be an integer of at least 100, got 10"):
        rank_confidence_sets(frame([1.0, 2.0], [1.0, 1.0]), n_draws=10)


def test_plot_returns_the_axes_with_one_row_per_unit():
    import matplotlib.pyplot as plt

    sets = rank_confidence_sets(frame(CSRANKS_X, CSRANKS_SE))
    fig, ax = plt.subplots()
    assert sets.plot(ax, language="id") is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == list("HGFEDCBA")
    assert ax.get_xlabel() == "Peringkat (1 = terbaik)"


@pytest.mark.slow
def test_simulated_coverage_of_marginal_and_simultaneous_sets():
    """Coverage at 90% over 300 simulated league tables of 8 units (the sets are conservative)."""
    rng = np.random.default_rng(2024)
    theta = np.array([3.0, 2.6, 2.5, 2.0, 1.2, 1.1, 1.0, 0.0])
    se = np.array([0.4, 0.5, 0.3, 0.6, 0.4, 0.5, 0.7, 0.4])
    true_rank = 1 + (theta[None, :] > theta[:, None]).sum(axis=1)
    reps, joint, marginal = 300, 0, np.zeros(len(theta))
    for r in range(reps):
        x = theta + se * rng.standard_normal(len(theta))
        t = rank_confidence_sets(frame(list(x), list(se)), n_draws=500, seed=r).table
        t = t.set_index("label").loc[list("ABCDEFGH")]
        s_ok = (t["simultaneous_lower"] <= true_rank) & (true_rank <= t["simultaneous_upper"])
        m_ok = (t["marginal_lower"] <= true_rank) & (true_rank <= t["marginal_upper"])
        joint += bool(s_ok.all())
        marginal += m_ok.to_numpy()
    mc = 3 * np.sqrt(0.9 * 0.1 / reps)  # three Monte-Carlo standard errors
    assert joint / reps >= 0.9 - mc
    assert (marginal / reps >= 0.9 - mc).all(), marginal / reps


@pytest.mark.slow
def test_joint_coverage_is_exact_when_all_units_are_equal():
    """All true values equal (every true rank is 1): the least favourable case, coverage = 90%."""
    rng = np.random.default_rng(7)
    se = np.array([0.5, 0.8, 1.0, 0.6, 0.7])
    reps, joint = 400, 0
    for r in range(reps):
        x = se * rng.standard_normal(len(se))
        t = rank_confidence_sets(frame(list(x), list(se)), n_draws=1000, seed=r).table
        joint += bool((t["simultaneous_lower"] == 1).all())
    mc = 3 * np.sqrt(0.9 * 0.1 / reps)
    assert abs(joint / reps - 0.9) <= mc, joint / reps
