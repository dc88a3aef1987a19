"""SKM/IKM: worked examples from domain.md §1.6, grade boundaries, blanks, weights, errors, Parquet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError
from innolab_analysis.metrics.skm import (
    combine_skm_stats,
    sample_adequacy,
    skm_grade,
    skm_index,
    skm_index_from_stats,
    skm_label,
    skm_sufficient_stats,
    weakest_elements,
)
from innolab_analysis.metrics.standards import get_standard

# GASPUL's element totals in *their* order, which swaps the regulation's U8/U9
# (their U8 = Sarana 105, U9 = Pengaduan 115); mapped to the regulation order below.
GASPUL_TOTALS = [105, 101, 100, 116, 102, 105, 106, 105, 115]
GASPUL_TO_REGULATION = [0, 1, 2, 3, 4, 5, 6, 8, 7]
PHC_MEANS = [3.06, 2.98, 3.06, 2.90, 3.06, 3.14, 3.04, 3.06, 3.18, 3.08, 3.20, 3.18, 3.10, 3.04]


def responses_with_totals(totals, n):
    """n respondents whose column totals are exactly ``totals`` (two adjacent answer values)."""
    cols = {}
    for j, t in enumerate(totals, start=1):
        base, extra = divmod(t, n)
        cols[f"u{j}"] = [base + 1] * extra + [base] * (n - extra)
    return pd.DataFrame(cols)


@pytest.fixture
def gaspul():
    return responses_with_totals([GASPUL_TOTALS[k] for k in GASPUL_TO_REGULATION], 29)


@pytest.fixture
def phc():
    # 50 respondents: mean m means a total of 50·m (all are whole numbers)
    return responses_with_totals([round(m * 50) for m in PHC_MEANS], 50)


# --------------------------------------------------------------------------- worked examples


def test_gaspul_example_exact_index_and_grade(gaspul):
    assert gaspul.sum().tolist() == [105, 101, 100, 116, 102, 105, 106, 115, 105]  # u8 = pengaduan
    r = skm_index(gaspul)
    assert r.loc[0, "n_respondents"] == 29
    # the published NRRs, to four decimals
    published = [3.6207, 3.4828, 3.4483, 4.0000, 3.5172, 3.6207, 3.6552, 3.6207, 3.9655]
    nrr = r[[f"nrr_u{i}" for i in range(1, 10)]].iloc[0].to_numpy(dtype=float)
    np.testing.assert_allclose(nrr.round(4), [published[k] for k in GASPUL_TO_REGULATION])
    assert r.loc[0, "ikm_unrounded"] == pytest.approx(955 / 261 * 25, rel=1e-12)  # 91.4750957...
    assert r.loc[0, "ikm"] == 91.48
    assert (r.loc[0, "grade"], r.loc[0, "label_id"], r.loc[0, "label_en"]) == (
        "A",
        "Sangat baik",
        "Very good",
    )
    assert pd.isna(r.loc[0, "note"])


def test_gaspul_weighted_90_56_is_a_rounding_artefact(gaspul):
    # the report's "weighted" 90.56 is not what the exact regulation formula gives ...
    assert skm_index(gaspul).loc[0, "ikm"] != 90.56
    # ... it is what the printed weight 0.11 (9 x 0.11 = 0.99) gives: 0.99 x 91.475 = 90.56
    printed = skm_index(gaspul, weights="printed")
    assert printed.loc[0, "ikm_unrounded"] == pytest.approx(0.99 * 955 / 261 * 25)
    assert printed.loc[0, "ikm"] == 90.56


def test_phc_2004_printed_weight_and_exact(phc):
    nrr = skm_index(phc, standard="2004")[[f"nrr_u{i}" for i in range(1, 15)]].iloc[0]
    np.testing.assert_allclose(nrr.to_numpy(dtype=float), PHC_MEANS)
    printed = skm_index(phc, standard="2004", weights="printed")
    # 43.08 x 0.071 x 25 = 76.467 (the report's 76.475 comes from rounding 3.05868 to 3.059 first)
    assert printed.loc[0, "ikm_unrounded"] == pytest.approx(43.08 * 0.071 * 25)
    assert printed.loc[0, "ikm"] == 76.47
    assert printed.loc[0, "grade"] == "B"
    assert printed.loc[0, "label_id"] == "Baik"
    exact = skm_index(phc, standard="2004")
    assert exact.loc[0, "ikm_unrounded"] == pytest.approx(43.08 / 14 * 25)
    assert exact.loc[0, "ikm"] == 76.93
    assert exact.loc[0, "grade"] == "B"
    # the same numbers under the 2017 table: 76.47 is C (Kurang baik), 76.93 is B (Baik)
    assert skm_grade(76.47, "2017") == "C"
    assert skm_label(76.47, "2017") == "Kurang baik"
    assert skm_grade(76.93, "2017") == "B"


def test_printed_weights_cap_the_index_at_99():
    best = pd.DataFrame({f"u{i}": [4, 4] for i in range(1, 10)})
    assert skm_index(best).loc[0, "ikm"] == 100.0
    assert skm_index(best, weights="printed").loc[0, "ikm"] == 99.0
    worst = pd.DataFrame({f"u{i}": [1] for i in range(1, 10)})
    assert skm_index(worst).loc[0, "ikm"] == 25.0
    assert skm_index(worst).loc[0, "grade"] == "D"


# --------------------------------------------------------------------------- grade boundaries

BOUNDARIES_2017 = [
    (100.0, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"),
    (65.00, "C"), (64.99, "D"), (25.0, "D"),
]  # fmt: skip
BOUNDARIES_2004 = [
    (100.0, "A"), (81.26, "A"), (81.25, "B"), (62.51, "B"), (62.50, "C"),
    (43.76, "C"), (43.75, "D"), (25.0, "D"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "grade"), BOUNDARIES_2017)
def test_grade_boundaries_2017(value, grade):
    assert skm_grade(value) == grade


@pytest.mark.parametrize(("value", "grade"), BOUNDARIES_2004)
def test_grade_boundaries_2004(value, grade):
    assert skm_grade(value, "2004") == grade
    # 2014's table is taken to equal 2004's (LOW confidence)
    assert skm_grade(value, "2014") == grade


@pytest.mark.parametrize(
    ("value", "rounded_rule", "unrounded_rule"),
    [
        (88.305, "A", "B"),  # published 88.31 -> A; a classify-unrounded app says B
        (88.3049, "B", "B"),
        (88.3051, "A", "B"),
        (76.605, "B", "C"),
        (76.6049, "C", "C"),
        (64.995, "C", "D"),
        (64.9949, "D", "D"),
    ],
)
def test_half_up_rounding_then_classify(value, rounded_rule, unrounded_rule):
    assert skm_grade(value) == rounded_rule
    assert skm_grade(value, rule="classify_unrounded") == unrounded_rule


def test_half_up_at_2004_boundary_where_python_round_fails():
    assert round(81.255, 2) == 81.25  # Python's round on the binary value
    assert skm_grade(81.255, "2004") == "A"  # published 81.26


def test_skm_index_publishes_half_up():
    # 8 respondents all 4 except one answer 3 on u1: NRR_u1 = 3.875, index = 25 x 35.875/9
    df = pd.DataFrame({f"u{i}": [4] * 8 for i in range(1, 10)})
    df.loc[0, "u1"] = 3
    r = skm_index(df)
    assert r.loc[0, "ikm_unrounded"] == pytest.approx(25 * 35.875 / 9)  # 99.6527...
    assert r.loc[0, "ikm"] == 99.65


def test_grade_is_vectorised_and_rejects_out_of_scale():
    np.testing.assert_array_equal(skm_grade([90, 80, 70, 30]), ["A", "B", "C", "D"])
    np.testing.assert_array_equal(skm_label([90, 30], language="en"), ["Very good", "Very poor"])
    with pytest.raises(InnolabError) as e:
        skm_grade([3.6, 101])
    assert str(e.value) == (
        "an SKM index must lie in [25, 100] (the 25-100 conversion scale); got [3.6, 101.0]. "
        "Multiply a 1-4 scale index by 25 first"
    )


# --------------------------------------------------------------------------- blanks, groups, weights


def test_blanks_use_the_answered_divisor():
    df = pd.DataFrame({f"u{i}": [4, 2, 3] for i in range(1, 10)})
    df["u1"] = [4, None, None]  # only one respondent answered u1
    r = skm_index(df)
    assert r.loc[0, "nrr_u1"] == 4.0
    assert r.loc[0, "nrr_u2"] == 3.0
    assert r.loc[0, "ikm_unrounded"] == pytest.approx(25 * (4 + 8 * 3) / 9)


def test_element_without_answers_gives_nan_and_a_note():
    df = pd.DataFrame({"agency_id": ["a", "a", "b"], **{f"u{i}": [4, 3, 3] for i in range(1, 10)}})
    df["u3"] = [4.0, 3.0, None]
    df["u8"] = [4.0, 3.0, None]
    r = skm_index(df, by="agency_id")
    assert r["agency_id"].tolist() == ["a", "b"]
    assert r.loc[0, "ikm"] == 87.5
    assert np.isnan(r.loc[1, "ikm"]) and np.isnan(r.loc[1, "ikm_unrounded"])
    assert pd.isna(r.loc[1, "grade"])
    assert r.loc[1, "note"] == (
        "IKM not computed: no answers for u3 (Waktu Penyelesaian), "
        "u8 (Penanganan Pengaduan, Saran dan Masukan); every element needs at least one answer "
        "(divisor = respondents who answered the element)"
    )


def test_groups_by_two_columns_and_input_not_mutated():
    df = pd.DataFrame(
        {
            "agency_id": ["a", "a", "b", "b"],
            "year": [2019, 2020, 2019, 2019],
            **{f"u{i}": [4, 3, 2, 4] for i in range(1, 10)},
        }
    )
    before = df.copy()
    r = skm_index(df, by=["agency_id", "year"])
    pd.testing.assert_frame_equal(df, before)
    assert r[["agency_id", "year", "n_respondents", "ikm"]].to_numpy().tolist() == [
        ["a", 2019, 1, 100.0],
        ["a", 2020, 1, 75.0],
        ["b", 2019, 2, 75.0],
    ]


def test_sample_weights_give_weighted_nrr():
    df = pd.DataFrame({f"u{i}": [4, 2] for i in range(1, 10)})
    df["w"] = [3.0, 1.0]
    df.loc[1, "u2"] = None
    r = skm_index(df, sample_weight="w")
    assert r.loc[0, "nrr_u1"] == pytest.approx((3 * 4 + 1 * 2) / 4)  # 3.5
    assert r.loc[0, "nrr_u2"] == 4.0  # only the weight-3 respondent answered
    assert r.loc[0, "ikm_unrounded"] == pytest.approx(25 * (8 * 3.5 + 4) / 9)
    # equal weights reproduce the unweighted index
    df["w"] = 2.5
    pd.testing.assert_frame_equal(skm_index(df, sample_weight="w"), skm_index(df.drop(columns="w")))


def test_sufficient_stats_combine_across_chunks():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"agency_id": rng.choice(list("abcd"), 400)})
    for i in range(1, 10):
        col = rng.integers(1, 5, 400).astype(float)
        col[rng.random(400) < 0.1] = np.nan
        df[f"u{i}"] = col
    parts = [
        skm_sufficient_stats(chunk, by="agency_id")
        for chunk in (df.iloc[:100], df.iloc[100:250], df.iloc[250:])
    ]
    combined = skm_index_from_stats(combine_skm_stats(parts))
    pd.testing.assert_frame_equal(combined, skm_index(df, by="agency_id"))


def test_sufficient_stats_on_dask_partitions():
    dd = pytest.importorskip("dask.dataframe")
    df = _random_responses(2000, 4)
    ddf = dd.from_pandas(df, npartitions=4)
    meta = skm_sufficient_stats(df.head(20), by="agency_id").iloc[:0]
    parts = ddf.map_partitions(skm_sufficient_stats, by="agency_id", meta=meta).compute()
    assert len(parts) > 3  # one statistics row per group and partition, before combining
    result = skm_index_from_stats(combine_skm_stats([parts]))
    pd.testing.assert_frame_equal(result, skm_index(df, by="agency_id"), check_dtype=False)


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"agency_id": np.repeat(["a", "b"], [60, 40])})
    for i in range(1, 10):
        df[f"u{i}"] = rng.integers(2, 5, 100)
    r1 = skm_index(df, by="agency_id", bootstrap=300, seed=42)
    r2 = skm_index(df, by="agency_id", bootstrap=300, seed=42)
    pd.testing.assert_frame_equal(r1, r2)
    r3 = skm_index(df, by="agency_id", bootstrap=300, seed=43)
    assert not np.allclose(r1["ikm_ci_lower"], r3["ikm_ci_lower"])
    assert (r1["ikm_ci_lower"] < r1["ikm_unrounded"]).all()
    assert (r1["ikm_unrounded"] < r1["ikm_ci_upper"]).all()
    # the spread is of the size of the standard error of a mean of ~60 respondents
    width = r1["ikm_ci_upper"] - r1["ikm_ci_lower"]
    assert ((width > 1) & (width < 10)).all()
    # constant answers: every replicate gives the same index
    const = pd.DataFrame({f"u{i}": [3] * 20 for i in range(1, 10)})
    rc = skm_index(const, bootstrap=50, seed=1)
    assert rc.loc[0, "ikm_ci_lower"] == pytest.approx(75.0)
    assert rc.loc[0, "ikm_ci_upper"] == pytest.approx(75.0)


def test_weakest_elements(gaspul):
    r = skm_index(gaspul)
    w = weakest_elements(r, k=3)
    assert w["element"].tolist() == ["u3", "u2", "u5"]
    # the element names are the catalog's, the ones the reports use
    assert w["label_en"].tolist() == [
        "Completion time",
        "Systems, mechanisms and procedures",
        "Service product as specified",
    ]
    assert w["label_id"].tolist() == [
        "Waktu Penyelesaian",
        "Sistem, Mekanisme, dan Prosedur",
        "Produk Spesifikasi Jenis Pelayanan",
    ]
    assert w.loc[0, "nrr"] == pytest.approx(100 / 29)
    assert w.loc[0, "ikm_points_lost"] == pytest.approx(25 * (4 - 100 / 29) / 9)
    # one row of a grouped result works too, and the grouping columns are carried
    df = gaspul.assign(agency_id="x")
    row = skm_index(df, by="agency_id").iloc[0]
    assert weakest_elements(row, k=1)[["agency_id", "element"]].to_numpy().tolist() == [["x", "u3"]]


def test_sample_adequacy():
    df = pd.DataFrame(
        {"agency_id": ["a"] * 30 + ["b"] * 90, **{f"u{i}": [3] * 120 for i in range(1, 10)}}
    )
    df.loc[0:4, "u2"] = None
    out = sample_adequacy(df, {"a": 100, "b": 100, "c": 50})
    assert out.to_dict("list") == {
        "agency_id": ["a", "c"],
        "population": [100, 50],
        "required": [80, 44],
        "achieved": [30, 0],
        "min_answered": [25, 0],
        "shortfall": [50, 44],
        "adequate": [False, False],
    }
    full = sample_adequacy(df, {"a": 100, "b": 100, "c": 50}, include_adequate=True)
    assert full["agency_id"].tolist() == ["a", "c", "b"]
    with pytest.raises(DataValidationError) as e:
        sample_adequacy(df, {"a": 100})
    assert str(e.value) == (
        "1 problem(s) in the population:\n"
        "  - column 'agency_id': 1 unit(s) have responses but no population: ['b']; "
        "allowed: every surveyed unit listed in the population"
    )


# --------------------------------------------------------------------------- errors

ALLOWED = "integers 1-4 (1 = tidak baik ... 4 = sangat baik) or blank"


def test_error_answers_out_of_range_and_text_listed_at_once():
    df = pd.DataFrame({f"u{i}": [4, 3, 2] for i in range(1, 10)})
    df["u2"] = [5, 0, 3]
    df["u4"] = pd.Series(["baik", "3", None], dtype="str")
    with pytest.raises(DataValidationError) as e:
        skm_index(df)
    assert str(e.value) == (
        "2 problem(s) in the SKM responses:\n"
        f"  - column 'u2': 2 answer(s) outside the 1-4 scale [row 2 (5.0), row 3 (0.0)]; allowed: {ALLOWED}\n"
        "  - column 'u4': 1 text answer(s); map the answer options a-d to 1-4 first "
        f"[row 2 ('baik')]; allowed: {ALLOWED}"
    )
    assert e.value.rows == (2, 3, 2)


def test_error_non_integer_answer():
    df = pd.DataFrame({f"u{i}": [4.0, 2.5] for i in range(1, 10)})
    with pytest.raises(
        DataValidationError,
        match=r"column 'u1': 1 answer\(s\) outside the 1-4 scale \[row 3 \(2.5\)\]",
    ):
        skm_index(df)


def test_error_missing_elements_lists_them_and_the_standard():
    df = pd.DataFrame({f"u{i}": [4] for i in range(1, 10)})
    with pytest.raises(DataValidationError) as e:
        skm_index(df, standard="2004")
    labels = ", ".join(f"{el.code} = {el.label_id}" for el in get_standard("2004").elements)
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        "  - column 'u10, u11, u12, u13, u14': element column(s) ['u10', 'u11', 'u12', 'u13', 'u14'] "
        "missing for standard '2004' (KepMenPAN No. KEP/25/M.PAN/2/2004); rename your columns to the "
        f"canonical u1..u14; allowed: {labels}"
    )


def test_error_empty_input():
    df = pd.DataFrame({f"u{i}": pd.Series([], dtype="int64") for i in range(1, 10)})
    with pytest.raises(DataValidationError) as e:
        skm_index(df)
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        "  - no respondents: the response table is empty; an IKM needs at least one respondent"
    )


def test_error_bad_options():
    df = pd.DataFrame({f"u{i}": [4] for i in range(1, 10)})
    with pytest.raises(InnolabError) as e:
        skm_index(df, standard="2019")
    assert str(e.value) == (
        "standard must be one of ('2017', '2014', '2004'), got '2019'; "
        "pass '2017' for Permen PANRB 14/2017 (the current regulation)"
    )
    with pytest.raises(InnolabError) as e:
        skm_index(df, weights="rounded")
    assert str(e.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'weights': weights must be one of ('exact', 'printed'), got 'rounded'; "
        "allowed: exact, printed"
    )
    with pytest.raises(InnolabError, match="bootstrap must be an integer >= 0"):
        skm_index(df, bootstrap=-1)


def test_error_negative_weight():
    df = pd.DataFrame({f"u{i}": [4, 3] for i in range(1, 10)})
    df["w"] = [1.0, -2.0]
    with pytest.raises(DataValidationError) as e:
        skm_index(df, sample_weight="w")
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        "  - column 'w': 1 missing, negative or non-numeric sampling weight(s) [row 3 (-2.0)]; "
        "allowed: finite numbers >= 0"
    )


# --------------------------------------------------------------------------- Parquet input


def _random_responses(n, seed, groups="abc"):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {"agency_id": rng.choice(list(groups), n), "respondent_id": np.arange(n).astype(str)}
    )
    for i in range(1, 10):
        col = pd.array(rng.integers(1, 5, n), dtype="Int64")
        col[rng.random(n) < 0.05] = pd.NA
        df[f"u{i}"] = col
    df["w"] = rng.uniform(0.5, 2.0, n)
    return df


def test_parquet_directory_matches_dataframe(tmp_path):
    df = _random_responses(3000, 1)
    (tmp_path / "skm").mkdir()
    df.iloc[:1000].to_parquet(tmp_path / "skm" / "part1.parquet")
    df.iloc[1000:].to_parquet(tmp_path / "skm" / "part2.parquet")
    from_files = skm_index(tmp_path / "skm", by="agency_id")
    in_memory = skm_index(df, by="agency_id")
    pd.testing.assert_frame_equal(from_files, in_memory, check_dtype=False)
    # glob, string path and weights
    pd.testing.assert_frame_equal(
        skm_index(str(tmp_path / "skm" / "*.parquet"), by="agency_id", sample_weight="w"),
        skm_index(df, by="agency_id", sample_weight="w"),
        check_dtype=False,
        atol=1e-9,
    )
    overall = skm_index(tmp_path / "skm" / "part1.parquet")
    assert overall.loc[0, "n_respondents"] == 1000


def test_parquet_bad_answers_name_file_and_rows(tmp_path):
    df = _random_responses(50, 2)
    df.loc[7, "u5"] = 9
    path = tmp_path / "bad.parquet"
    df.to_parquet(path)
    with pytest.raises(DataValidationError) as e:
        skm_index(path, by="agency_id")
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        f"  - {path}, column 'u5': 1 answer(s) outside the 1-4 scale [row 9 (9)]; allowed: {ALLOWED}"
    )


def test_parquet_missing_path(tmp_path):
    with pytest.raises(DataValidationError, match="no Parquet file found at this path"):
        skm_index(tmp_path / "nothing" / "*.parquet")


# --------------------------------------------------------------------------- demo study


def test_demo_study_end_to_end(request, demo_dir):
    study = request.getfixturevalue("demo_study")
    resp = study.skm_responses
    r = skm_index(resp, by="agency_id")
    assert len(r) == resp["agency_id"].nunique()
    assert r["n_respondents"].sum() == len(resp)
    ok = r["ikm"].notna()
    assert ((r.loc[ok, "ikm"] >= 25) & (r.loc[ok, "ikm"] <= 100)).all()
    assert r.loc[~ok, "note"].notna().all()
    # grades agree with the rounded published value
    np.testing.assert_array_equal(
        r.loc[ok, "grade"].to_numpy(dtype=object), skm_grade(r.loc[ok, "ikm"])
    )
    # the city-wide index is the per-element mean over all respondents
    city = skm_index(resp)
    answered = resp[[f"u{i}" for i in range(1, 10)]].astype("float64")
    assert city.loc[0, "ikm_unrounded"] == pytest.approx(25 * answered.mean().mean())


# --------------------------------------------------------------------------- non-answers (issue 12)


def test_booleans_are_not_answers():
    # True would be scored 1 and False 0: a yes/no column mapped onto an element by mistake
    df = pd.DataFrame({f"u{i}": [4, 3, 2] for i in range(1, 10)})
    df["u2"] = [True, False, True]
    df["u5"] = pd.Series([4, True, None], dtype=object)
    with pytest.raises(DataValidationError) as e:
        skm_index(df)
    why = (
        "boolean answer(s) (True/False); an answer is a score 1-4, not yes/no: check that this "
        "column is an SKM element"
    )
    assert str(e.value) == (
        "2 problem(s) in the SKM responses:\n"
        f"  - column 'u2': 3 {why} [row 2 (True), row 3 (False), row 4 (True)]; allowed: {ALLOWED}\n"
        f"  - column 'u5': 1 {why} [row 3 (True)]; allowed: {ALLOWED}"
    )


def test_dates_and_objects_are_not_answers_but_numeric_text_is():
    df = pd.DataFrame({f"u{i}": [4, 3] for i in range(1, 10)})
    df["u1"] = pd.to_datetime(["2024-01-02", None])
    df["u3"] = pd.Series(["4", " 3 "], dtype=object)  # numbers written as text are answers
    with pytest.raises(DataValidationError) as e:
        skm_index(df)
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        "  - column 'u1': 1 value(s) that are not answers (neither a number nor text) "
        f"[row 2 (Timestamp('2024-01-02 00:00:00'))]; allowed: {ALLOWED}"
    )
    df["u1"] = [4, 3]
    assert skm_index(df).loc[0, "nrr_u3"] == 3.5


def test_repeated_respondent_ids_are_a_data_problem():
    df = pd.DataFrame(
        {"respondent_id": ["r1", "r2", "r1"], **{f"u{i}": [4, 3, 4] for i in range(1, 10)}}
    )
    with pytest.raises(DataValidationError) as e:
        skm_index(df)
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        "  - column 'respondent_id': 1 identifier occurs more than once (2 rows); every value must "
        "be unique [row 2 ('r1'), row 4 ('r1')]"
    )
    # without an identifier, equal rows are respondents who answered alike
    assert skm_index(df.drop(columns="respondent_id")).loc[0, "n_respondents"] == 3


def test_all_blank_answers_are_refused():
    df = pd.DataFrame({"agency_id": ["a", "b"], **{f"u{i}": [None, None] for i in range(1, 10)}})
    with pytest.raises(DataValidationError) as e:
        skm_index(df, by="agency_id")
    cols = ", ".join(f"u{i}" for i in range(1, 10))
    assert str(e.value) == (
        "1 problem(s) in the SKM responses:\n"
        f"  - column '{cols}': no answers: all 2 respondent row(s) are blank on every element "
        f"({cols}); an IKM needs answers 1-4; allowed: {ALLOWED}"
    )


@pytest.mark.parametrize("level", [95, 1.5, 0, -0.5, 1, float("nan"), "0.9", True])
def test_level_must_lie_in_zero_one(level):
    df = pd.DataFrame({f"u{i}": [4, 3] for i in range(1, 10)})
    with pytest.raises(InnolabError) as e:
        skm_index(df, bootstrap=10, level=level)
    assert str(e.value) == (
        "1 problem(s) in the parameters:\n"
        f"  - column 'level': level must be a number strictly between 0 and 1, got {level!r}; "
        "did you mean 0.95?; allowed: a share strictly between 0 and 1 (e.g. 0.95)"
    )


def test_grade_refuses_non_numbers():
    with pytest.raises(InnolabError) as e:
        skm_grade([80, "baik", True])
    assert str(e.value) == (
        "1 problem(s) in the index values:\n"
        "  - 2 value(s) that are not numbers ('baik', True); an SKM index is a number; allowed: numbers"
    )


def test_result_tables_are_checked():
    with pytest.raises(DataValidationError) as e:
        weakest_elements(None)
    assert str(e.value) == (
        "1 problem(s) in the SKM result table:\n"
        "  - the SKM result table is missing (got None); pass the output of skm_index"
    )
    r = skm_index(pd.DataFrame({f"u{i}": [4] for i in range(1, 10)}))
    with pytest.raises(DataValidationError, match="has no rows; this needs at least one row"):
        weakest_elements(r.iloc[:0])
    with pytest.raises(DataValidationError) as e:
        combine_skm_stats([skm_sufficient_stats(r[[]].assign(**{f"u{i}": [4] for i in range(1, 10)})),
                           pd.DataFrame({"n_respondents": [1]})])  # fmt: skip
    assert str(e.value).startswith(
        "1 problem(s) in the SKM statistics:\n"
        "  - column 'sum_u1, cnt_u1, sum_u2, cnt_u2, sum_u3, cnt_u3, sum_u4, cnt_u4, sum_u5, cnt_u5, "
        "sum_u6, cnt_u6, sum_u7, cnt_u7, sum_u8, cnt_u8, sum_u9, cnt_u9': sufficient-statistics "
        "column(s) missing from statistics table 1 for standard '2017'; build them with "
        "skm_sufficient_stats(); allowed: n_respondents, sum_u1"
    )
