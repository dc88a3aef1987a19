"""Workload 1: SKM index over millions of responses from Parquet, by agency × semester.

Peers: DuckDB SQL over the same Parquet file, and naive pandas (``read_csv``
with default dtypes, then ``groupby``). Floors (issue "Scale and speed"): at
most 1.5× DuckDB's time, at least 5× faster than naive pandas, peak memory
under 2 GB.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks._harness import Case

ELEMENTS = [f"u{i}" for i in range(1, 10)]


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def generate(path: Path, n_rows: int, *, n_agencies: int = 600, seed: int = 0) -> tuple[Path, Path]:
    """Write ``n_rows`` synthetic responses to Parquet (int8 answers) and CSV; return both paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.mkdir(parents=True, exist_ok=True)
    pq_path, csv_path = path / f"skm_{n_rows}.parquet", path / f"skm_{n_rows}.csv"
    if pq_path.exists() and csv_path.exists():
        return pq_path, csv_path
    rng = np.random.default_rng(seed)
    agencies = np.array([f"A{i:04d}" for i in range(n_agencies)])
    chunk = 1_000_000
    writer = None
    with open(csv_path, "w") as csv:
        csv.write("respondent_id,agency_id,semester," + ",".join(ELEMENTS) + "\n")
        for start in range(0, n_rows, chunk):
            n = min(chunk, n_rows - start)
            agency = rng.integers(0, n_agencies, n)
            semester = (2017 + rng.integers(0, 8, n)) * 10 + rng.integers(1, 3, n)
            base = rng.normal(3.0, 0.4, n_agencies)[agency]
            cols = {
                "respondent_id": pa.array(np.arange(start, start + n, dtype=np.int64)),
                "agency_id": pa.DictionaryArray.from_arrays(
                    pa.array(agency.astype(np.int32)), pa.array(agencies)
                ),
                "semester": pa.array(semester.astype(np.int32)),
            }
            answers = {}
            for u in ELEMENTS:
                vals = np.clip(np.rint(base + rng.normal(0, 0.7, n)), 1, 4).astype(np.int8)
                mask = rng.random(n) < 0.03
                answers[u] = (vals, mask)
                cols[u] = pa.array(vals, mask=mask)
            table = pa.table(cols)
            if writer is None:
                writer = pq.ParquetWriter(pq_path, table.schema)
            writer.write_table(table, row_group_size=250_000)
            # CSV with blanks for missing answers, as agencies export them
            block = np.empty((n, 3 + len(ELEMENTS)), dtype=object)
            block[:, 0] = np.arange(start, start + n)
            block[:, 1] = agencies[agency]
            block[:, 2] = semester
            for j, u in enumerate(ELEMENTS):
                vals, mask = answers[u]
                col = vals.astype(str).astype(object)
                col[mask] = ""
                block[:, 3 + j] = col
            csv.write("\n".join(",".join(map(str, row)) for row in block))
            csv.write("\n")
    writer.close()
    return pq_path, csv_path


def _as_result(keys_a, keys_s, ikm) -> dict[str, float]:
    return {f"{a}|{s}": float(v) for a, s, v in zip(keys_a, keys_s, ikm)}


def ours(path: str) -> dict[str, float]:
    from innolab_analysis.metrics.skm import skm_index

    out = skm_index(path, by=["agency_id", "semester"])
    return _as_result(out["agency_id"], out["semester"], out["ikm_unrounded"])


def duckdb_sql(path: str) -> dict[str, float]:

    avgs = " + ".join(f"avg({u})" for u in ELEMENTS)
    sql = (
        f"SELECT agency_id, semester, ({avgs}) / 9 * 25 AS ikm "
        f"FROM read_parquet('{path}') GROUP BY agency_id, semester"
    )
    con = _connect()
    a, s, v = con.execute(sql).fetchnumpy().values()
    return _as_result(a, s, v)


def naive_pandas(path: str) -> dict[str, float]:
    import pandas as pd

    df = pd.read_csv(path)
    means = df.groupby(["agency_id", "semester"])[ELEMENTS].mean()
    ikm = means.mean(axis=1) * 25
    return _as_result(ikm.index.get_level_values(0), ikm.index.get_level_values(1), ikm.to_numpy())


def cases(workdir: Path, quick: bool):
    n = 1_000_000 if quick else 10_000_000
    pq_path, csv_path = generate(workdir, n)
    size = f"{n:,} responses"
    return [
        [
            Case(
                "SKM index by agency × semester",
                size,
                "ours (skm_index on Parquet)",
                "benchmarks.skm:ours",
                {"path": str(pq_path)},
                repeats=5,
                max_mb=2048,
            ),
            Case(
                "SKM index by agency × semester",
                size,
                "DuckDB SQL",
                "benchmarks.skm:duckdb_sql",
                {"path": str(pq_path)},
                repeats=5,
                floor=1.5,
                tol=1e-9,
            ),
            Case(
                "SKM index by agency × semester",
                size,
                "naive pandas (read_csv + groupby)",
                "benchmarks.skm:naive_pandas",
                {"path": str(csv_path)},
                floor=0.2,
                tol=1e-9,
            ),
        ]
    ]
