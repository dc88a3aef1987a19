"""National size: about 50 million SKM responses (514 kab/kota × ~30 units × 16 semesters).

``python -m benchmarks --only national`` generates the study with
:mod:`innolab_analysis.demo.national` (streaming; its time and peak memory are
a row of the table), then computes

* the IKM per unit with ``skm_index(path)`` (DuckDB, out of core) against
  DuckDB SQL over the same files;
* the IKM panel per unit × semester (the input of the estimators) with
  :func:`innolab_analysis.metrics.scale.ikm_panel`: DuckDB (default), pyarrow
  batches in one process, and a ``dask.distributed`` LocalCluster of 2 worker
  processes, against DuckDB SQL;
* the IKM per unit with :func:`~innolab_analysis.metrics.scale.skm_index_dask`
  on the same cluster.

All must give the same numbers. Results compared: the number of cells, the
sum of the IKM and the IKM of every 97th cell.
"""

from __future__ import annotations

import atexit
import json
from pathlib import Path

from benchmarks._harness import Case

ELEMENTS = [f"u{i}" for i in range(1, 10)]


def _connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def generate(out: str, scale: float) -> dict[str, float]:
    import shutil

    from innolab_analysis.demo.national import write_national_study

    shutil.rmtree(out, ignore_errors=True)
    truth = write_national_study(out, scale=scale)
    return {"n_responses": float(truth["n_responses"])}


def _summary(keys, values) -> dict[str, float]:
    import numpy as np

    pairs = sorted(zip(keys, np.asarray(values, dtype=float)))
    out = {f"{k}": float(v) for k, v in pairs[::97]}
    out["n_cells"] = float(len(pairs))
    out["sum_ikm"] = float(np.nansum([v for _, v in pairs]))
    return out


_CLIENT = []


def start_cluster() -> None:
    """Benchmark setup (untimed): a LocalCluster of 2 worker processes, as a running cluster is."""
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    _CLIENT.append(client)

    def stop() -> None:
        client.close()
        cluster.close()

    atexit.register(stop)


def _worker_peaks(client) -> str:
    """Peak RSS of every worker process (they are not children the harness can measure)."""

    def vmhwm() -> float:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024
        return float("nan")

    peaks = client.run(vmhwm)
    return "worker peaks " + ", ".join(f"{v:.0f}" for v in peaks.values()) + " MB"


def ours_duckdb(path: str) -> dict[str, float]:
    from innolab_analysis.metrics.skm import skm_index

    res = skm_index(path, by="agency_id")
    return _summary(res["agency_id"], res["ikm_unrounded"])


def duckdb_sql(path: str) -> dict[str, float]:

    avgs = " + ".join(f"avg({u})" for u in ELEMENTS)
    sql = (
        f"SELECT agency_id, ({avgs}) / 9 * 25 AS ikm "
        f"FROM read_parquet('{path}/**/*.parquet') GROUP BY agency_id"
    )
    a, v = _connect().execute(sql).fetchnumpy().values()
    return _summary(a, v)


def ours_dask_index(path: str) -> dict[str, float]:
    from innolab_analysis.metrics.scale import skm_index_dask

    res = skm_index_dask(path, by="agency_id", client=_CLIENT[0])
    return _summary(res["agency_id"], res["ikm_unrounded"]) | {"_note": _worker_peaks(_CLIENT[0])}


def _panel_keys(panel):
    return panel["agency_id"].astype(str) + "|" + panel["period"].dt.strftime("%Y-%m")


def ours_panel_duckdb(path: str) -> dict[str, float]:
    from innolab_analysis.metrics.scale import ikm_panel

    panel = ikm_panel(path)  # engine="duckdb"
    return _summary(_panel_keys(panel), panel["ikm"])


def ours_panel_arrow(path: str) -> dict[str, float]:
    from innolab_analysis.metrics.scale import ikm_panel

    panel = ikm_panel(path, engine="arrow")
    return _summary(_panel_keys(panel), panel["ikm"])


def ours_panel_dask(path: str) -> dict[str, float]:
    from innolab_analysis.metrics.scale import ikm_panel

    panel = ikm_panel(path, engine="dask", client=_CLIENT[0])
    return _summary(_panel_keys(panel), panel["ikm"]) | {"_note": _worker_peaks(_CLIENT[0])}


def duckdb_panel_sql(path: str) -> dict[str, float]:

    avgs = " + ".join(f"avg({u})" for u in ELEMENTS)
    sql = (
        "SELECT agency_id, make_date(year(survey_date), "
        "CASE WHEN month(survey_date) >= 7 THEN 7 ELSE 1 END, 1) AS period, "
        f"({avgs}) / 9 * 25 AS ikm FROM read_parquet('{path}/**/*.parquet') GROUP BY ALL"
    )
    df = _connect().execute(sql).df()
    import pandas as pd

    df["period"] = pd.to_datetime(df["period"])
    return _summary(_panel_keys(df), df["ikm"])


def national_did(root: str) -> dict[str, float]:
    """IKM panel → cohorts from the launch dates → staggered DiD; the planted effect in the note."""
    import json

    import pandas as pd

    from innolab_analysis.estimators.staggered import staggered_did
    from innolab_analysis.metrics.scale import ikm_panel
    from innolab_analysis.studies.panel import period_start

    panel = ikm_panel(Path(root) / "skm_responses")
    periods = {p: i + 1 for i, p in enumerate(sorted(panel["period"].unique()))}
    panel["t"] = panel["period"].map(periods).astype(int)
    innovations = pd.read_csv(Path(root) / "innovations.csv")
    first = period_start(pd.to_datetime(innovations.groupby("agency_id")["launched_on"].min()))
    start = min(periods)
    always = set(first.index[first.to_numpy() < start])
    cohort = first.map(
        lambda p: periods.get(pd.Timestamp(p).to_datetime64().astype("datetime64[s]"), 0)
    )
    panel["g"] = panel["agency_id"].map(cohort).fillna(0).astype(int)
    panel = panel[~panel["agency_id"].isin(always)]
    res = staggered_did(panel, outcome="ikm", unit="agency_id", time="t", cohort="g")
    truth = json.loads((Path(root) / "truth.json").read_text())["att_ikm"]
    note = (
        f"{panel['agency_id'].nunique():,} units × {len(periods)} semesters; ATT {res.estimate:.3f} "
        f"[{res.ci_lower:.3f}, {res.ci_upper:.3f}], planted {truth:.3f}"
    )
    return {"att": float(res.estimate), "_note": note}


def cases(workdir: Path, quick: bool):
    scale = 0.02 if quick else 1.0
    root = workdir / f"national_{scale:g}"
    skm = str(root / "skm_responses")
    truth = root / "truth.json"  # same seed and scale: the generator writes the same data again
    n = json.loads(truth.read_text())["n_responses"] if truth.is_file() else 50_000_000 * scale
    size = f"{'' if truth.is_file() else '~'}{n:,.0f} responses, {'15,435' if scale == 1 else 'all'} units, 2017–2024"
    groups = [
        [
            Case(
                "National study generator (streaming, hive Parquet)",
                size,
                "ours (demo.national)",
                "benchmarks.national:generate",
                {"out": str(root), "scale": scale},
                repeats=1,
                max_mb=4096,
                timeout=7200,
                note="result: number of responses written",
            )
        ]
    ]
    name_i = "National IKM per unit"
    name_p = "National IKM panel per unit × semester"
    groups += [
        [
            Case(name_i, size, "ours (skm_index on the Parquet folder, DuckDB)",
                 "benchmarks.national:ours_duckdb", {"path": skm}, repeats=3, max_mb=24_000),
            Case(name_i, size, "DuckDB SQL", "benchmarks.national:duckdb_sql", {"path": skm},
                 repeats=3, floor=1.5, tol=1e-9),
            Case(name_i, size, "ours (skm_index_dask, LocalCluster 2 processes)",
                 "benchmarks.national:ours_dask_index", {"path": skm}, repeats=1, tol=1e-9,
                 setup="benchmarks.national:start_cluster",
                 note="ours/this = skm_index ÷ this"),
        ],
        [
            Case(name_p, size, "ours (ikm_panel, default engine: DuckDB)",
                 "benchmarks.national:ours_panel_duckdb", {"path": skm}, repeats=3, max_mb=24_000),
            Case(name_p, size, "ours (ikm_panel, pyarrow batches, 1 process)",
                 "benchmarks.national:ours_panel_arrow", {"path": skm}, repeats=1, tol=1e-9,
                 note="ours/this = default engine ÷ this"),
            Case(name_p, size, "ours (ikm_panel, Dask LocalCluster 2 processes)",
                 "benchmarks.national:ours_panel_dask", {"path": skm}, repeats=1, tol=1e-9,
                 setup="benchmarks.national:start_cluster",
                 note="ours/this = default engine ÷ this"),
            Case(name_p, size, "DuckDB SQL", "benchmarks.national:duckdb_panel_sql",
                 {"path": skm}, repeats=3, floor=1.5, tol=1e-9),
        ],
        [
            Case("National panel → staggered DiD (CS, dr)", size,
                 "ours (ikm_panel + cohorts + staggered_did)", "benchmarks.national:national_did",
                 {"root": str(root)}, repeats=3, max_mb=24_000),
        ],
    ]  # fmt: skip
    return groups
