"""Out-of-core and Dask execution of the SKM metrics: same rows, same numbers as in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError
from innolab_analysis.metrics.scale import (
    ikm_panel,
    skm_index_dask,
    skm_stats_dask,
    skm_stats_streaming,
)
from innolab_analysis.metrics.skm import skm_index, skm_sufficient_stats

ELEMENTS = [f"u{i}" for i in range(1, 10)]
NUMERIC = ["n_respondents", *[f"nrr_{u}" for u in ELEMENTS], "ikm_unrounded", "ikm"]


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    """12 000 responses, 40 agencies, 3 years, blanks, one agency with nobody answering u5."""
    rng = np.random.default_rng(7)
    n = 12_000
    df = pd.DataFrame(
        {
            "agency_id": np.array([f"a{i:02d}" for i in range(40)])[rng.integers(0, 40, n)],
            "survey_date": pd.Timestamp("2019-01-01")
            + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D"),
            "weight": rng.uniform(0.5, 3.0, n),
        }
    )
    for u in ELEMENTS:
        x = pd.array(rng.integers(1, 5, n), dtype="Int8")
        x[rng.random(n) < 0.05] = pd.NA
        df[u] = x
    df.loc[df["agency_id"] == "a07", "u5"] = pd.NA
    df["year"] = df["survey_date"].dt.year
    return df


@pytest.fixture(scope="module")
def hive_dir(responses, tmp_path_factory):
    """The responses as hive-partitioned Parquet, several files per year."""
    root = tmp_path_factory.mktemp("skm") / "skm_responses"
    for year, part in responses.groupby("year"):
        d = root / f"year={year}"
        d.mkdir(parents=True)
        half = len(part) // 2
        part.iloc[:half].drop(columns="year").to_parquet(d / "part-0.parquet")
        part.iloc[half:].drop(columns="year").to_parquet(d / "part-1.parquet")
    return root


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str], cols=NUMERIC, rtol: float = 0) -> None:
    assert len(a) == len(b)
    for k in keys:
        np.testing.assert_array_equal(a[k].astype(str).to_numpy(), b[k].astype(str).to_numpy())
    np.testing.assert_allclose(
        a[cols].to_numpy(dtype=float), b[cols].to_numpy(dtype=float), rtol=rtol, atol=1e-12
    )


def test_dask_on_hive_parquet_equals_in_memory(client, responses, hive_dir):
    expected = skm_index(responses, by=["agency_id", "year"])
    got = skm_index_dask(hive_dir, by=["agency_id", "year"], client=client)
    _same(expected, got, ["agency_id", "year"])
    assert got["grade"].tolist() == expected["grade"].tolist()
    # the agency nobody answered u5 for: NaN with the same note, not a silent NaN
    row = got[got["agency_id"] == "a07"].iloc[0]
    assert np.isnan(row["ikm_unrounded"])
    assert row["note"] == expected[expected["agency_id"] == "a07"]["note"].iloc[0]
    assert row["note"].startswith("IKM not computed: no answers for u5")


def test_dask_on_dataframes_equals_in_memory(client, responses):
    import dask.dataframe as dd

    expected = skm_index(responses, by="agency_id")
    ddf = dd.from_pandas(responses, npartitions=7)
    _same(expected, skm_index_dask(ddf, by="agency_id", client=client), ["agency_id"])
    _same(expected, skm_index_dask(responses, by="agency_id"), ["agency_id"])  # local scheduler


def test_dask_weighted_statistics_equal_in_memory(client, responses):
    import dask.dataframe as dd

    expected = skm_sufficient_stats(responses, by="agency_id", sample_weight="weight")
    got = skm_stats_dask(
        dd.from_pandas(responses, npartitions=5),
        by="agency_id",
        sample_weight="weight",
        client=client,
    )
    cols = [c for c in expected.columns if c != "agency_id"]
    # weighted sums of floats: equal up to the order of summation
    _same(expected, got, ["agency_id"], cols, rtol=1e-14)


def test_streaming_small_batches_gives_exactly_the_same_statistics(responses, hive_dir):
    expected = skm_sufficient_stats(responses, by=["agency_id", "year"])
    got = skm_stats_streaming(hive_dir, by=["agency_id", "year"], batch_size=997)
    cols = [c for c in expected.columns if c not in ("agency_id", "year")]
    # integer answers: sums and counts are exact whatever the batches
    np.testing.assert_array_equal(expected[cols].to_numpy(), got[cols].to_numpy())
    assert int(got["n_respondents"].sum()) == len(responses)


def test_ikm_panel_equals_skm_index_by_period_start(client, responses, hive_dir):
    from innolab_analysis.studies.panel import period_start

    for frequency in ("semester", "year"):
        framed = responses.assign(period=period_start(responses["survey_date"], frequency))
        expected = skm_index(framed, by=["agency_id", "period"])
        expected = expected.rename(columns={"ikm_unrounded": "ikm_expected"})
        for got in (
            ikm_panel(hive_dir, frequency=frequency, batch_size=2_000),
            ikm_panel(hive_dir, frequency=frequency, engine="dask", client=client),
            ikm_panel(responses, frequency=frequency),
        ):
            assert got.columns.tolist() == [
                "agency_id",
                "period",
                "n_respondents",
                "ikm",
                "ikm_note",
            ]
            assert len(got) == len(expected) == 40 * (6 if frequency == "semester" else 3)
            np.testing.assert_array_equal(
                got["period"].to_numpy(dtype="datetime64[s]"),
                expected["period"].to_numpy(dtype="datetime64[s]"),
            )
            np.testing.assert_array_equal(got["n_respondents"], expected["n_respondents"])
            np.testing.assert_allclose(got["ikm"], expected["ikm_expected"], rtol=0, atol=1e-12)


def test_ikm_panel_matches_agency_panel_on_the_demo(demo_study, demo_dir):
    from innolab_analysis.studies.panel import agency_panel

    panel = agency_panel(demo_study)
    panel = panel[panel["n_respondents"] > 0]
    got = ikm_panel(demo_dir / "skm_responses.parquet")
    merged = panel.merge(
        got.assign(period=got["period"].astype(panel["period"].dtype)),
        on=["agency_id", "period"],
        suffixes=("", "_scale"),
        validate="one_to_one",
    )
    assert len(merged) == len(panel) == len(got)
    np.testing.assert_array_equal(merged["n_respondents"], merged["n_respondents_scale"])
    np.testing.assert_allclose(merged["ikm"], merged["ikm_scale"], rtol=0, atol=1e-12)


def test_bad_answer_in_one_partition_names_the_partition(client, responses):
    import dask.dataframe as dd

    bad = responses.copy()
    bad.loc[bad.index[5], "u3"] = 7
    with pytest.raises(DataValidationError) as err:
        skm_index_dask(dd.from_pandas(bad, npartitions=3), by="agency_id", client=client)
    assert str(err.value) == (
        "1 problem(s) in the SKM responses (rows counted within partition 0):\n"
        "  - partition 0, column 'u3': 1 answer(s) outside the 1-4 scale [row 7 (7.0)]; "
        "allowed: integers 1-4 (1 = tidak baik ... 4 = sangat baik) or blank"
    )


def test_missing_columns_are_all_reported_before_any_work(hive_dir):
    with pytest.raises(DataValidationError) as err:
        skm_index_dask(hive_dir, by=["agency", "semester"])
    msg = str(err.value)
    assert msg.startswith("2 problem(s) in the SKM responses:\n")
    assert "column 'agency': grouping column 'agency' not found" in msg
    assert "column 'semester': grouping column 'semester' not found" in msg
    with pytest.raises(DataValidationError) as err:
        ikm_panel(hive_dir, date="interview_date")
    assert str(err.value).startswith(
        "1 problem(s) in the SKM responses:\n"
        "  - column 'interview_date': date column 'interview_date' not found; "
        "the period of a response comes from it; allowed: ["
    )


def test_options_and_sources_are_checked(tmp_path):
    with pytest.raises(InnolabError, match="engine"):
        ikm_panel(tmp_path, engine="spark")
    with pytest.raises(InnolabError, match="frequency"):
        ikm_panel(tmp_path, frequency="quarter")
    with pytest.raises(DataValidationError, match="no Parquet file found at this path"):
        skm_index_dask(tmp_path / "nothing")
    with pytest.raises(InnolabError) as err:
        skm_index_dask([1, 2, 3])
    assert str(err.value) == (
        "source must be a path to Parquet data, a pandas DataFrame or a dask DataFrame, got list"
    )


def test_ikm_panel_duckdb_equals_the_pyarrow_scan_exactly(hive_dir):
    for frequency in ("semester", "year"):
        fast = ikm_panel(hive_dir, frequency=frequency)  # engine="duckdb"
        scan = ikm_panel(hive_dir, frequency=frequency, engine="arrow")
        assert fast.columns.tolist() == scan.columns.tolist()
        np.testing.assert_array_equal(fast["agency_id"].astype(str), scan["agency_id"].astype(str))
        np.testing.assert_array_equal(fast["period"], scan["period"])
        np.testing.assert_array_equal(fast["n_respondents"], scan["n_respondents"])
        # sums and counts are exact in both; the index may differ in the last bit only
        # because skm_index_from_stats sums NRR x weight over a matrix whose memory
        # layout follows the statistics frame
        np.testing.assert_allclose(fast["ikm"], scan["ikm"], rtol=0, atol=1e-12)
        assert fast["ikm_note"].isna().sum() == scan["ikm_note"].isna().sum()


def test_ikm_panel_duckdb_reports_bad_answers_like_the_shared_validation(responses, tmp_path):
    bad = responses.drop(columns="year").copy()
    bad.loc[bad.index[3], "u2"] = 9
    bad.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(DataValidationError) as fast:
        ikm_panel(tmp_path / "bad.parquet")
    with pytest.raises(DataValidationError) as scan:
        ikm_panel(tmp_path / "bad.parquet", engine="arrow")
    assert str(fast.value) == str(scan.value)
    assert "column 'u2': 1 answer(s) outside the 1-4 scale [row 5 (9.0)]" in str(fast.value)


def test_ikm_panel_reads_text_dates_too(responses, tmp_path):
    text = responses.drop(columns="year").assign(
        survey_date=responses["survey_date"].dt.strftime("%Y-%m-%d")
    )
    text.to_parquet(tmp_path / "text_dates.parquet")
    got = ikm_panel(tmp_path / "text_dates.parquet")  # DuckDB refuses text dates: pyarrow path
    expected = ikm_panel(responses)
    np.testing.assert_array_equal(got["n_respondents"], expected["n_respondents"])
    np.testing.assert_allclose(got["ikm"], expected["ikm"], rtol=0, atol=1e-12)


def test_dask_skips_an_empty_file_among_others(client, responses, tmp_path):
    responses.iloc[:0].to_parquet(tmp_path / "a_empty.parquet")
    responses.to_parquet(tmp_path / "b_full.parquet")
    expected = skm_index(responses, by="agency_id")
    _same(expected, skm_index_dask(tmp_path, by="agency_id", client=client), ["agency_id"])
    panel = ikm_panel(tmp_path, engine="dask", client=client)
    np.testing.assert_allclose(panel["ikm"], ikm_panel(responses)["ikm"], rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- odd input (issue 12)


def test_responses_without_a_date_are_refused_on_every_engine(responses, tmp_path):
    small = responses.drop(columns="year").iloc[:6].copy()
    small.loc[small.index[[1, 4]], "survey_date"] = pd.NaT
    small.to_parquet(tmp_path / "nodate.parquet")
    why = (
        "column 'survey_date': 2 response(s) without a readable date; the period of a response "
        "comes from its date [row 3 (None), row 6 (None)]; allowed: dates such as 2024-07-15"
    )
    with pytest.raises(DataValidationError) as fast:
        ikm_panel(tmp_path / "nodate.parquet")  # DuckDB finds a period NULL: the scan words it
    with pytest.raises(DataValidationError) as scan:
        ikm_panel(tmp_path / "nodate.parquet", engine="arrow")
    assert str(fast.value) == str(scan.value)
    assert why in str(fast.value)
    with pytest.raises(DataValidationError) as memory:
        ikm_panel(small.assign(survey_date=small["survey_date"].astype(object).where(
            small["survey_date"].notna(), "kemarin")))  # fmt: skip
    assert str(memory.value) == (
        "1 problem(s) in the SKM responses (rows counted within the DataFrame):\n"
        "  - the DataFrame, column 'survey_date': 2 response(s) without a readable date; the "
        "period of a response comes from its date [row 3 ('kemarin'), row 6 ('kemarin')]; "
        "allowed: dates such as 2024-07-15"
    )


def test_boolean_answers_are_refused_out_of_core(responses, tmp_path):
    bools = responses.drop(columns="year").iloc[:4].assign(u3=[True, False, True, True])
    bools.to_parquet(tmp_path / "bools.parquet")
    with pytest.raises(DataValidationError) as e:
        skm_stats_streaming(tmp_path / "bools.parquet")
    assert "column 'u3': 4 boolean answer(s) (True/False)" in str(e.value)
    with pytest.raises(DataValidationError) as e:
        skm_index(tmp_path / "bools.parquet")
    assert (
        "column 'u3': column has type BOOLEAN (booleans are not answers; store the scores 1-4)"
        in str(e.value)
    )
    with pytest.raises(InnolabError) as e:
        skm_stats_streaming(None)
    assert str(e.value) == (
        "path must be a Parquet file, a directory of Parquet files or a glob, got NoneType; for a "
        "DataFrame use skm_sufficient_stats"
    )
