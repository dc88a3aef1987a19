"""Property tests of the metrics (hypothesis): odd input never gives a raw traceback (issue 12).

Each public metric, fed generated tables — empty, one row, NaN, inf, booleans,
text, repeated rows and ids — either answers with a number that keeps the
metric's invariants or raises an :class:`~innolab_analysis.errors.InnolabError`
whose message is a sentence (never ``AttributeError``, ``IndexError``,
``KeyError`` or a NumPy ``ValueError``). The invariants: the IKM stays on
25–100 and is 25 × the mean of the element means; grades and IID predicates
never get worse as the score rises; Krejcie–Morgan never asks for more than
the population or 384; coverage shares lie in 0–1 and funnels never grow;
survival lies in 0–1 and never rises; the shift-share identities hold to
rounding; location quotients weighted by the reference shares average 1; the
Williamson index is ≥ 0 and 0 when every region has the same income.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innolab_analysis.errors import InnolabError
from innolab_analysis.metrics import innovation as inv
from innolab_analysis.metrics import regional as rg
from innolab_analysis.metrics.iid import IID_PREDICATES, iid_predicate
from innolab_analysis.metrics.readiness import load_rubric, readiness_index
from innolab_analysis.metrics.skm import krejcie_morgan, skm_grade, skm_index

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COLS = [f"u{i}" for i in range(1, 10)]
GRADES = ("A", "B", "C", "D")


def answer_or_error(call):
    """The metric's answer, or None when it refused with an InnolabError that reads as a sentence."""
    try:
        return call()
    except InnolabError as err:
        message = str(err)
        assert message.strip() and "Traceback" not in message
        assert not message.startswith(("'", '"')), message  # not a bare KeyError repr
        return None


# ============================================================================ cells
odd_cell = st.one_of(
    st.none(),
    st.integers(-2, 6),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.booleans(),
    st.sampled_from(["3", " 4 ", "baik", "", "sangat puas", "2.5"]),
)
good_cell = st.one_of(st.none(), st.integers(1, 4))


# ============================================================================ SKM
@SETTINGS
@given(
    st.lists(st.lists(odd_cell, min_size=9, max_size=9), min_size=0, max_size=12),
    st.booleans(),
    st.booleans(),
)
def test_skm_index_answers_or_refuses_clearly(rows, with_ids, grouped):
    df = pd.DataFrame(rows, columns=COLS, dtype=object)
    if with_ids:
        df.insert(0, "respondent_id", [f"r{i % 4}" for i in range(len(df))])  # repeats from 5 rows
    if grouped:
        df.insert(0, "agency_id", ["a", "b"] * (len(df) // 2) + ["a"] * (len(df) % 2))
    out = answer_or_error(lambda: skm_index(df, by="agency_id" if grouped else None))
    booleans = any(isinstance(v, bool) for row in rows for v in row)
    if booleans or (with_ids and len(df) > 4):  # True is no answer of 1; an id twice is refused
        assert out is None
    if out is None:
        return
    ikm = out["ikm"].dropna()
    assert ((ikm >= 25) & (ikm <= 100)).all()
    assert out.loc[out["ikm"].isna(), "note"].notna().all()  # a missing IKM always says why
    assert set(out["grade"].dropna()) <= set(GRADES)


@SETTINGS
@given(st.lists(st.lists(good_cell, min_size=9, max_size=9), min_size=1, max_size=20))
def test_skm_index_on_clean_answers_is_25_times_the_mean_of_element_means(rows):
    X = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    df = pd.DataFrame(X, columns=COLS)
    if np.isnan(X).all():
        with pytest.raises(InnolabError, match="no answers"):
            skm_index(df)
        return
    out = skm_index(df)
    if np.isnan(X).all(axis=0).any():  # an element nobody answered: NaN and a note
        assert np.isnan(out.loc[0, "ikm"]) and out.loc[0, "note"].startswith("IKM not computed")
        return
    expected = 25 * np.nanmean(X, axis=0).mean()
    assert out.loc[0, "ikm_unrounded"] == pytest.approx(expected, abs=1e-9)
    assert 25 <= out.loc[0, "ikm"] <= 100


@SETTINGS
@given(
    st.lists(st.lists(st.integers(1, 4), min_size=9, max_size=9), min_size=1, max_size=10),
    st.data(),
)
def test_a_boolean_among_clean_answers_is_always_refused(rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(0, 8))
    rows[i][j] = data.draw(st.booleans())  # True would otherwise count as an answer of 1
    df = pd.DataFrame(rows, columns=COLS, dtype=object)
    with pytest.raises(InnolabError, match=rf"column 'u{j + 1}': 1 boolean answer\(s\)"):
        skm_index(df)


@SETTINGS
@given(st.lists(st.floats(25, 100), min_size=1, max_size=30), st.sampled_from(["2017", "2004"]))
def test_grade_never_gets_worse_as_the_index_rises(values, standard):
    ordered = np.sort(np.asarray(values))
    grades = skm_grade(ordered, standard)
    rank = [GRADES.index(g) for g in grades]
    assert rank == sorted(rank, reverse=True)


@SETTINGS
@given(st.one_of(odd_cell, st.lists(odd_cell, max_size=5), st.text(max_size=5)))
def test_grade_of_odd_values(value):
    out = answer_or_error(lambda: skm_grade(value))
    if out is not None:
        assert set(np.atleast_1d(out)) <= set(GRADES)


@SETTINGS
@given(st.lists(st.integers(1, 10**7), min_size=1, max_size=20))
def test_krejcie_morgan_is_monotone_and_bounded(populations):
    n = np.sort(np.asarray(populations))
    s = krejcie_morgan(n)
    assert (np.diff(s) >= 0).all()
    assert (s <= n).all() and (s <= 384).all() and (s >= 1).all()


@SETTINGS
@given(st.one_of(odd_cell, st.lists(odd_cell, max_size=4), st.text(max_size=4)))
def test_krejcie_morgan_of_odd_values(value):
    out = answer_or_error(lambda: krejcie_morgan(value))
    if out is not None:
        assert (np.atleast_1d(out) >= 1).all()


# ============================================================================ IID
@SETTINGS
@given(st.lists(st.floats(0, 100), min_size=1, max_size=20), st.sampled_from([2023, 2024, 2025]))
def test_iid_predicate_never_gets_worse_as_the_score_rises(scores, year):
    ranks = [IID_PREDICATES.index(p) for p in iid_predicate(np.sort(scores), year)]
    nonzero = [r for r in ranks if r != 3]  # "Tidak Dapat Dinilai" is the score 0 only
    assert nonzero == sorted(nonzero, reverse=True)


@SETTINGS
@given(st.one_of(odd_cell, st.lists(odd_cell, max_size=4)), st.sampled_from([2023, 2019, True]))
def test_iid_predicate_of_odd_values(score, year):
    out = answer_or_error(lambda: iid_predicate(score, year))
    if out is not None:
        assert set(np.atleast_1d(out)) <= set(IID_PREDICATES)


# ============================================================================ innovation
date_cell = st.one_of(
    st.none(),
    st.dates(min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2024-12-31").date()).map(str),
    st.sampled_from(["kemarin", "2019-13-01", "", "17 Agustus 2020"]),
)  # fmt: skip
innovation_row = st.fixed_dictionaries(
    {
        "agency_id": st.sampled_from(["a", "b", "c", "x"]),
        "proposed_on": date_cell,
        "launched_on": date_cell,
        "discontinued_on": st.one_of(st.none(), date_cell),
        "iid_stage": st.sampled_from(["inisiatif", "uji_coba", "penerapan", None, "selesai"]),
        "origin": st.sampled_from(["original", "adaptation", None]),
        "form": st.sampled_from(["pelayanan_publik", None]),
        "digital": st.sampled_from([True, False, None]),
    }
)
AGENCIES = pd.DataFrame({"agency_id": ["a", "b", "c"]})
INNOVATION_COLUMNS = ["agency_id", "proposed_on", "launched_on", "discontinued_on", "iid_stage",
                      "origin", "form", "digital"]  # fmt: skip


@SETTINGS
@given(st.lists(innovation_row, max_size=8))
def test_innovation_metrics_answer_or_refuse_clearly(rows):
    inn = pd.DataFrame(rows, columns=INNOVATION_COLUMNS) if rows else None
    cov = answer_or_error(lambda: inv.innovation_coverage(inn, AGENCIES, years=range(2018, 2023)))
    if cov is not None:
        assert ((cov["share"] >= 0) & (cov["share"] <= 1)).all()
        assert (cov["n_with_innovation"] <= cov["n_agencies"]).all()
    flow = answer_or_error(lambda: inv.innovation_flow(inn, years=range(2018, 2023)))
    if flow is not None:
        assert (flow[["launched", "discontinued", "active_end"]] >= 0).all().all()
    funnel = answer_or_error(lambda: inv.innovation_funnel(inn))
    if funnel is not None:
        assert (np.diff(funnel["n_reached"]) <= 0).all()
    answer_or_error(lambda: inv.innovation_mix(inn))
    answer_or_error(lambda: inv.time_to_launch(inn))
    answer_or_error(lambda: inv.innovations_per_agency(inn, AGENCIES, as_of="2024-12-31"))
    surv = answer_or_error(lambda: inv.innovation_survival(inn, as_of="2024-12-31"))
    if surv is not None:
        s = surv["survival"].dropna()
        assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()


# ============================================================================ readiness
readiness_row = st.fixed_dictionaries(
    {
        "agency_id": st.sampled_from(["a", "b", None]),
        "assessed_on": st.sampled_from(["2020-01-01", "2021-06-30", "kemarin", None]),
        "dimension": st.sampled_from([*load_rubric().dimension_names, "inovasi"]),
        "score": odd_cell,
    }
)


@SETTINGS
@given(st.lists(readiness_row, max_size=10))
def test_readiness_answers_or_refuses_clearly(rows):
    df = pd.DataFrame(rows, columns=["agency_id", "assessed_on", "dimension", "score"])
    out = answer_or_error(lambda: readiness_index(df))
    if any(isinstance(r["score"], bool) for r in rows):
        assert out is None  # True is not a score of 1
    if out is not None:
        idx = out["readiness_index"].dropna()
        assert ((idx >= 0) & (idx <= 100 + 1e-9)).all()


# ============================================================================ regional
value_cell = st.one_of(
    st.floats(0.5, 1e4), st.floats(allow_nan=True, allow_infinity=True), st.just(0.0),
    st.just(-1.0), st.booleans(), st.sampled_from(["12,5", "n/a"]),
)  # fmt: skip


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["r1", "r2", "r3"]),
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from([2015, 2020, 2020.5, None]),
            value_cell,
        ),
        max_size=14,
    )  # fmt: skip
)
def test_regional_indices_answer_or_refuse_clearly(rows):
    df = pd.DataFrame(rows, columns=["region", "sector", "year", "value"])
    kw = {"region": "region", "sector": "sector", "value": "value"}
    lq = answer_or_error(lambda: rg.location_quotient(df, **kw, year=2020))
    if lq is not None:
        assert np.isfinite(lq["lq"]).all() and (lq["lq"] >= 0).all()
    answer_or_error(lambda: rg.dynamic_location_quotient(df, **kw, start=2015, end=2020))
    ss = answer_or_error(lambda: rg.shift_share(df, **kw, start=2015, end=2020,
                                                method="esteban_marquillas"))  # fmt: skip
    if ss is not None:
        total = ss["regional_share"] + ss["industry_mix"] + ss["competitive"]
        np.testing.assert_allclose(total, ss["change"], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(ss["competitive_homothetic"] + ss["allocation"],
                                   ss["competitive"], rtol=1e-9, atol=1e-7)  # fmt: skip


@SETTINGS
@given(st.lists(st.floats(0.5, 1e4), min_size=6, max_size=6))
def test_location_quotients_weighted_by_reference_shares_average_one(values):
    df = pd.DataFrame({"region": ["r1"] * 3 + ["r2"] * 3, "sector": list("ABC") * 2,
                       "value": values})  # fmt: skip
    lq = rg.location_quotient(df, region="region", sector="sector", value="value")
    ref = df.groupby("sector")["value"].sum() / df["value"].sum()
    for _, part in lq.groupby("region"):
        assert (part["lq"] * part["sector"].map(ref)).sum() == pytest.approx(1.0, rel=1e-9)


@SETTINGS
@given(
    st.lists(st.tuples(st.floats(0.0, 1e6), st.floats(1.0, 1e7)), min_size=1, max_size=8),
    st.floats(0.01, 100.0),
)
def test_williamson_is_non_negative_and_zero_for_equal_incomes(rows, income):
    df = pd.DataFrame(rows, columns=["gdp", "pop"])
    out = answer_or_error(lambda: rg.williamson_index(df, gdp="gdp", population="pop"))
    if out is not None:
        assert out["williamson"].iloc[0] >= 0
    equal = df.assign(gdp=df["pop"] * income)
    assert rg.williamson_index(equal, gdp="gdp", population="pop")["williamson"].iloc[0] == (
        pytest.approx(0.0, abs=1e-9)
    )


@SETTINGS
@given(
    st.lists(st.tuples(st.text("abc", min_size=1, max_size=2), value_cell, value_cell), max_size=8),
    st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_klassen_quadrants_follow_the_comparisons(rows, reference):
    df = pd.DataFrame(rows, columns=["unit", "g", "y"])
    k = answer_or_error(lambda: rg.klassen_typology(df, unit="unit", growth="g", level="y",
                                                    reference_growth=reference))  # fmt: skip
    if k is None:
        return
    t = k.table
    high_g, high_y = t["growth"] >= k.reference_growth, t["level"] >= k.reference_level
    expected = np.select([high_g & high_y, ~high_g & high_y, high_g & ~high_y],
                         ["I", "II", "III"], default="IV")  # fmt: skip
    assert t["quadrant"].tolist() == expected.tolist()
