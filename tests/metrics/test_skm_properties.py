"""Property-based invariants of the SKM/IKM (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from innolab_analysis.metrics.skm import skm_index

COLS = [f"u{i}" for i in range(1, 10)]

answer = st.one_of(st.none(), st.integers(1, 4))
respondent = st.lists(answer, min_size=9, max_size=9)


def frame(rows):
    return pd.DataFrame(rows, columns=COLS, dtype="Float64")


def complete(rows):
    """Every element answered by someone (so the index exists)."""
    return all(any(r[j] is not None for r in rows) for j in range(9))


surveys = st.lists(respondent, min_size=1, max_size=25).filter(complete)


@settings(max_examples=30, deadline=None)
@given(surveys)
def test_index_stays_on_the_25_100_scale(rows):
    r = skm_index(frame(rows))
    assert 25 - 1e-9 <= r.loc[0, "ikm_unrounded"] <= 100 + 1e-9
    assert 25 <= r.loc[0, "ikm"] <= 100


@settings(max_examples=30, deadline=None)
@given(surveys, st.data())
def test_raising_an_answer_never_lowers_the_index(rows, data):
    answered = [
        (i, j) for i, r in enumerate(rows) for j, v in enumerate(r) if v is not None and v < 4
    ]
    if not answered:
        return
    i, j = data.draw(st.sampled_from(answered))
    up = [list(r) for r in rows]
    up[i][j] = data.draw(st.integers(rows[i][j] + 1, 4))
    before = skm_index(frame(rows)).loc[0, "ikm_unrounded"]
    after = skm_index(frame(up)).loc[0, "ikm_unrounded"]
    assert after > before - 1e-12


@settings(max_examples=30, deadline=None)
@given(surveys, st.randoms(use_true_random=False))
def test_order_of_respondents_does_not_matter(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = skm_index(frame(rows)).drop(columns="note")
    b = skm_index(frame(shuffled)).drop(columns="note")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(surveys, st.integers(1, 3))
def test_blank_respondents_change_only_n(rows, k):
    a = skm_index(frame(rows))
    b = skm_index(frame(rows + [[None] * 9] * k))
    assert b.loc[0, "n_respondents"] == a.loc[0, "n_respondents"] + k
    cols = [c for c in a.columns if c != "n_respondents"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


@settings(max_examples=30, deadline=None)
@given(surveys)
def test_index_is_25_times_mean_of_element_means(rows):
    X = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    expected = 25 * np.nanmean(X, axis=0).mean()
    assert abs(skm_index(frame(rows)).loc[0, "ikm_unrounded"] - expected) < 1e-9
