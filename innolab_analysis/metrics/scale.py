"""SKM metrics and the agency × period IKM panel at national scale: streaming and Dask.

A national study is tens of millions of SKM responses (514 kabupaten/kota,
about 30 units each, two semesters a year). Nothing here loads them into
memory at once. Every function is built on the *additive* sufficient
statistics of :mod:`innolab_analysis.metrics.skm` (respondents, sum and count
of answers per element and group): each chunk — a Parquet row group batch, a
file, a Dask partition — is reduced to its statistics with
:func:`~innolab_analysis.metrics.skm.skm_sufficient_stats` (so every
chunk is validated by the same rules as a small study), the statistics are
summed per group with :func:`~innolab_analysis.metrics.skm.combine_skm_stats`
and :func:`~innolab_analysis.metrics.skm.skm_index_from_stats` finishes. The
answers are small integers, so sums and counts are exact in float64 and the
result does not depend on how the data were cut: it equals the in-memory
:func:`~innolab_analysis.metrics.skm.skm_index` number for number.

Three ways to run it:

* ``skm_index(path)`` (in :mod:`~innolab_analysis.metrics.skm`): DuckDB over
  the Parquet files, out of core, the fastest on one machine;
* ``ikm_panel(path)`` here (``engine="duckdb"``): the same for the unit ×
  period panel, the period derived from the interview date inside DuckDB;
* ``engine="arrow"`` here: a pyarrow dataset scanned batch by batch in one
  process (memory bounded by the batch size);
* ``engine="dask"`` / :func:`skm_index_dask`: on a ``dask.distributed``
  cluster (or the local threaded scheduler), one task per Parquet file
  (aggregated by DuckDB inside the task, with the checks of ``skm_index``) or
  per partition of a DataFrame, combined by a tree reduction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, InnolabError, Problem
from innolab_analysis.metrics._answers import MAX_SHOWN
from innolab_analysis.metrics.skm import (
    _by_list,
    _check_columns,
    _parquet_files,
    combine_skm_stats,
    skm_index_from_stats,
    skm_sufficient_stats,
)
from innolab_analysis.metrics.standards import (
    GradeRule,
    SkmStandard,
    StandardName,
    WeightsMode,
    check_option,
    get_standard,
)
from innolab_analysis.options import Frequency as PanelFrequency
from innolab_analysis.options import PanelEngine

__all__ = [
    "PanelEngine",
    "PanelFrequency",
    "ikm_panel",
    "skm_index_dask",
    "skm_stats_dask",
    "skm_stats_streaming",
]


_FANIN = 8  # statistics tables combined per node of the tree reduction


# --------------------------------------------------------------------------- helpers


def _files(path: str | Path) -> list[str]:
    """The Parquet files of a file, directory or glob (the rules and message of skm_index)."""
    return _parquet_files(path)


def _period_of_days(d: np.ndarray, frequency: str) -> np.ndarray:
    """First day (1 Jan / 1 Jul) of the period of datetime64 values, as datetime64[s]; NaT stays."""
    months = d.astype("datetime64[M]").astype(np.int64)
    within = months % 12
    start = months - within + (np.where(within >= 6, 6, 0) if frequency == "semester" else 0)
    out = start.astype("datetime64[M]").astype("datetime64[s]")
    out[np.isnat(d)] = np.datetime64("NaT")
    return out


def _period_start(dates: pd.Series, frequency: str) -> pd.Series:
    """First day (1 Jan / 1 Jul) of the period of every date, vectorised in numpy.

    A response without a readable date has no period: those rows are refused
    (they would silently form a period of their own).
    """
    parsed = pd.to_datetime(dates, errors="coerce")
    _check_dates(dates, parsed.isna().to_numpy(dtype=bool))
    d = parsed.to_numpy(dtype="datetime64[D]")
    return pd.Series(_period_of_days(d, frequency), index=dates.index)


def _check_dates(dates: pd.Series, missing: np.ndarray) -> None:
    """Refuse the responses whose date is blank or unreadable, listing their rows."""
    if not missing.any():
        return
    pos = np.flatnonzero(missing)[:MAX_SHOWN]
    values = dates.to_numpy(dtype=object)[pos]
    raise DataValidationError(
        [
            Problem(
                f"{int(missing.sum())} response(s) without a readable date; the period of a "
                "response comes from its date",
                column=str(dates.name),
                rows=tuple(int(p) + 2 for p in pos),
                values=tuple(None if pd.isna(v) else str(v) for v in values),
                allowed="dates such as 2024-07-15",
            )
        ],
        title="1 problem(s) in the SKM responses",
    )


def _with_period(df: pd.DataFrame, date: str, frequency: str) -> pd.DataFrame:
    if date not in df.columns:
        raise DataValidationError(
            [
                Problem(
                    f"date column '{date}' not found; the period of a response comes from it",
                    column=date,
                    allowed=str(list(df.columns)),
                )
            ],
            title="1 problem(s) in the SKM responses",
        )
    return df.assign(period=_period_start(df[date], frequency))


def _check_present(
    present: Iterable[str],
    by: list[str],
    std: SkmStandard,
    sample_weight: str | None,
    period: tuple[str, str] | None,
    where: str,
) -> None:
    """Every needed column is there (all problems at once, worded as in skm_index)."""
    present = list(present)
    if period is not None:
        _with_period(pd.DataFrame(columns=present), *period)  # names a missing date column
        present.append("period")
    _check_columns(present, std, by, sample_weight, file=where)


def _chunk_stats(
    df: pd.DataFrame,
    by: list[str],
    standard: SkmStandard,
    sample_weight: str | None,
    label: str,
    period: tuple[str, str] | None = None,
) -> pd.DataFrame | None:
    """Sufficient statistics of one chunk (``None`` when it is empty); problems name the chunk."""
    if len(df) == 0:
        return None
    try:
        if period is not None:
            df = _with_period(df, *period)
        return skm_sufficient_stats(df, by=by, standard=standard, sample_weight=sample_weight)
    except DataValidationError as err:
        raise _chunk_error(err, label) from None


def _chunk_error(err: DataValidationError, label: str) -> DataValidationError:
    """The error of one chunk, its problems naming the chunk (rows count within it)."""
    from dataclasses import replace

    problems = [replace(p, file=p.file or label) for p in err.problems]
    return DataValidationError(problems, title=err.title + f" (rows counted within {label})")


def _combine(parts: Iterable[pd.DataFrame | None], standard: SkmStandard) -> pd.DataFrame | None:
    kept = [p for p in parts if p is not None]
    return combine_skm_stats(kept, standard=standard) if kept else None


def _finish(stats: pd.DataFrame | None, where: str, by: list[str]) -> pd.DataFrame:
    if stats is None or int(stats["n_respondents"].sum()) == 0:
        raise DataValidationError(
            [Problem("no respondents: the data hold no rows", file=where)],
            title="1 problem(s) in the SKM responses",
        )
    for b in by:  # partition/categorical keys back to plain values
        if isinstance(stats[b].dtype, pd.CategoricalDtype):
            stats[b] = stats[b].astype(stats[b].cat.categories.dtype)
    return stats.sort_values(by, kind="stable").reset_index(drop=True) if by else stats


def _columns_needed(
    by: list[str], std: SkmStandard, sample_weight: str | None, date: str | None
) -> list[str]:
    cols = [*by, *std.columns, *([sample_weight] if sample_weight else [])]
    if date is not None:
        cols.append(date)
    return list(dict.fromkeys(c for c in cols if c != "period" or date is None))


def _as_dask(source: Any, columns: list[str]):
    import dask.dataframe as dd

    if isinstance(source, dd.DataFrame):
        return source
    if isinstance(source, pd.DataFrame):
        n = max(1, min(32, len(source) // 250_000 + 1))
        return dd.from_pandas(source, npartitions=n, sort=False)
    if isinstance(source, (str, Path)):
        files = _files(source)
        return dd.read_parquet(files if len(files) > 1 else files[0], columns=columns)
    raise InnolabError(
        "source must be a path to Parquet data, a pandas DataFrame or a dask DataFrame, "
        f"got {type(source).__name__}"
    )


def _dask_stats(
    source: Any,
    by: list[str],
    std: SkmStandard,
    sample_weight: str | None,
    client: Any,
    period: tuple[str, str] | None,
) -> pd.DataFrame:
    import dask

    columns = _columns_needed(by, std, sample_weight, period[0] if period else None)
    if isinstance(source, (str, Path)):
        # one task per file, each aggregated out of core by DuckDB (the same code, checks
        # and messages as skm_index(path)); columns are projected inside the task
        files = _files(source)
        parts = [
            dask.delayed(_file_stats)(f, columns, by, std, sample_weight, period) for f in files
        ]
    else:
        ddf = _as_dask(source, columns)
        _check_present(ddf.columns, by, std, sample_weight, period, "the dask DataFrame")
        parts = [
            dask.delayed(_chunk_stats)(p, by, std, sample_weight, f"partition {i}", period)
            for i, p in enumerate(ddf[columns].to_delayed())
        ]
    while len(parts) > 1:  # tree reduction: the statistics stay small on every node
        parts = [
            dask.delayed(_combine)(parts[i : i + _FANIN], std) for i in range(0, len(parts), _FANIN)
        ]
    if client is not None:
        (stats,) = client.gather(client.compute(parts))
    else:
        (stats,) = dask.compute(*parts)
    where = str(source) if isinstance(source, (str, Path)) else "the dask DataFrame"
    return _finish(stats, where, by)


def _file_stats(
    file: str,
    columns: list[str],
    by: list[str],
    std: SkmStandard,
    sample_weight: str | None,
    period: tuple[str, str] | None,
) -> pd.DataFrame | None:
    import pyarrow.parquet as pq

    if pq.ParquetFile(file).metadata.num_rows == 0:
        return None  # an empty file adds nothing (and is no error among others)
    if period is None:
        return skm_sufficient_stats(file, by=by, standard=std, sample_weight=sample_weight)
    units = [b for b in by if b != "period"]
    if sample_weight is None and units == by[:-1]:
        stats = _duckdb_panel_stats([file], units, std, *period)
        if stats is not None:
            return stats if len(stats) else None
    return _combine(_arrow_batches(file, columns, by, std, sample_weight, period), std)


def _arrow_batches(
    source: str | Path | Sequence[str],
    columns: list[str],
    by: list[str],
    std: SkmStandard,
    sample_weight: str | None,
    period: tuple[str, str] | None,
    batch_size: int = 1 << 20,
):
    """Statistics of every record batch of a pyarrow dataset (hive partitions understood)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    files = [source] if isinstance(source, str) and Path(source).is_file() else source
    dataset = ds.dataset(files, format="parquet", partitioning="hive")
    _check_present(dataset.schema.names, by, std, sample_weight, period, str(source))
    scanner = dataset.scanner(columns=columns, batch_size=batch_size)
    for i, batch in enumerate(scanner.to_batches()):
        label = f"batch {i} of {source}"
        if period is None:
            yield _chunk_stats(batch.to_pandas(), by, std, sample_weight, label, None)
            continue
        date, frequency = period
        col = batch.column(date)
        if not (pa.types.is_date(col.type) or pa.types.is_timestamp(col.type)):
            # text dates and the like: pandas parses them
            yield _chunk_stats(batch.to_pandas(), by, std, sample_weight, label, period)
            continue
        # the period straight from the Arrow dates (no Python date objects)
        days = col.to_numpy(zero_copy_only=False).astype("datetime64[D]")
        try:
            _check_dates(batch.column(date).to_pandas().rename(date), np.isnat(days))
        except DataValidationError as err:
            raise _chunk_error(err, label) from None
        df = batch.drop_columns([date]).to_pandas()
        df["period"] = _period_of_days(days, frequency)
        yield _chunk_stats(df, by, std, sample_weight, label, None)


def _duckdb_panel_stats(
    files: list[str], units: list[str], std: SkmStandard, date: str, frequency: str
) -> pd.DataFrame | None:
    """Statistics per unit and period in DuckDB (out of core, all cores).

    Returns ``None`` — and the caller falls back to the pyarrow scan, whose
    shared validation words every problem — when a column is missing or not an
    integer/date, or when an answer lies outside 1–4. Sums and counts of
    integer answers are exact, so the numbers equal the pyarrow path's.
    """
    import duckdb

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    src = "read_parquet([" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "], "
    src += "union_by_name = true, hive_partitioning = true)"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        schema = {
            r[0]: r[1].upper() for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
        }
        needed = [*units, *std.columns, date]
        if any(c not in schema for c in needed) or "period" in units:
            return None
        if not all("INT" in schema[c] for c in std.columns):
            return None
        if not (schema[date] == "DATE" or schema[date].startswith("TIMESTAMP")):
            return None
        d = q(date)
        month = f"CASE WHEN month({d}) >= 7 THEN 7 ELSE 1 END" if frequency == "semester" else "1"
        period = f"make_date(year({d}), {month}, 1)"
        try:  # answers whose Parquet row-group statistics already prove 1-4 need no check
            from innolab_analysis.metrics.skm import _proven_in_scale

            proven = _proven_in_scale(con, files, std.columns)
        except ImportError:  # pragma: no cover - helper renamed: check every column
            proven = set()
        unproven = [c for c in std.columns if c not in proven]
        aggs = ["count(*) AS n_respondents"]
        for c in std.columns:
            aggs += [
                f"sum({q(c)})::DOUBLE AS {q('sum_' + c)}",
                f"count({q(c)})::DOUBLE AS {q('cnt_' + c)}",
            ]
        for c in unproven:
            aggs += [f"min({q(c)}) AS {q('min_' + c)}", f"max({q(c)}) AS {q('max_' + c)}"]
        keys = ", ".join(q(u) for u in units)
        sql = (
            f"SELECT {keys}, {period} AS period, {', '.join(aggs)} FROM {src} "
            f"GROUP BY ALL ORDER BY {keys}, period"
        )
        stats = con.execute(sql).df()
    finally:
        con.close()
    for c in unproven:
        lo, hi = stats[f"min_{c}"].min(), stats[f"max_{c}"].max()
        if (pd.notna(lo) and lo < 1) or (pd.notna(hi) and hi > 4):
            return None
    if stats["period"].isna().any():
        return None  # responses without a date: the pyarrow scan lists them
    stats = stats[[*units, "period", "n_respondents", *_stat_names(std)]].copy()
    stats["n_respondents"] = stats["n_respondents"].astype(np.int64)
    stats["period"] = pd.to_datetime(stats["period"]).astype("datetime64[s]")
    return stats


def _stat_names(std: SkmStandard) -> list[str]:
    return [f"{p}_{c}" for c in std.columns for p in ("sum", "cnt")]


# --------------------------------------------------------------------------- public API


def skm_stats_streaming(
    path: str | Path,
    *,
    by: str | Sequence[str] | None = None,
    standard: StandardName | SkmStandard = "2017",
    sample_weight: str | None = None,
    batch_size: int = 1 << 20,
) -> pd.DataFrame:
    """SKM sufficient statistics of Parquet data scanned batch by batch in one process.

    Memory is bounded by ``batch_size`` rows (plus the statistics), whatever
    the size of the data; each batch is validated like a small study.

    Parameters
    ----------
    path : str or Path
        A Parquet file, a directory of Parquet files (hive partitions such as
        ``year=2020/`` become columns) or a glob.
    by : str or list of str, optional
        Grouping columns.
    standard : {"2017", "2014", "2004"} or SkmStandard
    sample_weight : str, optional
        Column of sampling weights.
    batch_size : int
        Rows per batch.

    Returns
    -------
    DataFrame
        As :func:`~innolab_analysis.metrics.skm.skm_sufficient_stats`, sorted by group.

    Raises
    ------
    DataValidationError
        Missing columns, bad answers (rows counted within the batch named in
        the message), no respondents.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> df = pd.DataFrame({"agency_id": ["a", "a", "b"], **{f"u{i}": [4, 3, 2] for i in range(1, 10)}})
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "skm.parquet"
    >>> df.to_parquet(path)
    >>> skm_stats_streaming(path, by="agency_id")[["agency_id", "n_respondents", "sum_u1"]].to_numpy().tolist()
    [['a', 2, 7.0], ['b', 1, 2.0]]
    """
    std = get_standard(standard)
    by_ = _by_list(by)
    if not isinstance(path, (str, Path)):
        raise InnolabError(
            f"path must be a Parquet file, a directory of Parquet files or a glob, got "
            f"{type(path).__name__}; for a DataFrame use skm_sufficient_stats"
        )
    files = _files(path)
    columns = _columns_needed(by_, std, sample_weight, None)
    stats = _combine(_arrow_batches(files, columns, by_, std, sample_weight, None, batch_size), std)
    return _finish(stats, str(path), by_)


def skm_stats_dask(
    source: Any,
    *,
    by: str | Sequence[str] | None = None,
    standard: StandardName | SkmStandard = "2017",
    sample_weight: str | None = None,
    client: Any = None,
) -> pd.DataFrame:
    """SKM sufficient statistics computed on Dask: one task per file or partition, tree-combined.

    Parameters
    ----------
    source : str, Path, pandas DataFrame or dask DataFrame
        Parquet file/directory/glob (one task per file, columns projected),
        or a DataFrame (one task per partition).
    by : str or list of str, optional
        Grouping columns.
    standard : {"2017", "2014", "2004"} or SkmStandard
    sample_weight : str, optional
        Column of sampling weights.
    client : dask.distributed.Client, optional
        Cluster to run on; default: the active client, else Dask's local scheduler.

    Returns
    -------
    DataFrame
        As :func:`~innolab_analysis.metrics.skm.skm_sufficient_stats`, sorted by group.

    Raises
    ------
    DataValidationError
        Missing columns, bad answers (rows counted within the partition named
        in the message), no respondents.

    Examples
    --------
    >>> df = pd.DataFrame({"agency_id": ["a", "a", "b"], **{f"u{i}": [4, 3, 2] for i in range(1, 10)}})
    >>> skm_stats_dask(df, by="agency_id")[["agency_id", "n_respondents"]].to_numpy().tolist()
    [['a', 2], ['b', 1]]
    """
    std = get_standard(standard)
    return _dask_stats(source, _by_list(by), std, sample_weight, client, None)


def skm_index_dask(
    source: Any,
    *,
    by: str | Sequence[str] | None = None,
    standard: StandardName | SkmStandard = "2017",
    weights: WeightsMode = "exact",
    sample_weight: str | None = None,
    rule: GradeRule = "round_then_classify",
    client: Any = None,
) -> pd.DataFrame:
    """The SKM/IKM per group computed on a Dask cluster; same rows and numbers as ``skm_index``.

    Each file or partition is reduced to sufficient statistics (validated as
    in :func:`~innolab_analysis.metrics.skm.skm_index`), the statistics are
    summed per group by a tree reduction on the cluster, and the index is
    finished on the client. Bootstrap CIs need respondent-level data in one
    place and are not offered here.

    Parameters
    ----------
    source : str, Path, pandas DataFrame or dask DataFrame
        Parquet file/directory/glob, or a DataFrame.
    by : str or list of str, optional
        Grouping columns.
    standard : {"2017", "2014", "2004"} or SkmStandard
    weights : {"exact", "printed"}
    sample_weight : str, optional
    rule : {"round_then_classify", "classify_unrounded"}
    client : dask.distributed.Client, optional
        Cluster to run on; default: the active client, else Dask's local scheduler.

    Returns
    -------
    DataFrame
        As :func:`~innolab_analysis.metrics.skm.skm_index` (without CI columns).

    Raises
    ------
    DataValidationError
        Missing columns, bad answers, bad weights, no respondents.

    Examples
    --------
    >>> df = pd.DataFrame({"agency_id": ["a", "a", "b"], **{f"u{i}": [4, 3, 2] for i in range(1, 10)}})
    >>> skm_index_dask(df, by="agency_id")[["agency_id", "ikm", "grade"]].to_numpy().tolist()
    [['a', 87.5, 'B'], ['b', 50.0, 'D']]
    """
    std = get_standard(standard)
    check_option("weights", weights, WeightsMode)
    check_option("rule", rule, GradeRule)
    stats = _dask_stats(source, _by_list(by), std, sample_weight, client, None)
    return skm_index_from_stats(stats, standard=std, weights=weights, rule=rule)


def ikm_panel(
    source: Any,
    *,
    frequency: PanelFrequency = "semester",
    unit: str | Sequence[str] = "agency_id",
    date: str = "survey_date",
    standard: StandardName | SkmStandard = "2017",
    engine: PanelEngine = "duckdb",
    client: Any = None,
    batch_size: int = 1 << 20,
) -> pd.DataFrame:
    """The IKM per unit and period (the outcome panel of the estimators) from national-size data.

    Periods are the same as in :func:`innolab_analysis.studies.panel.agency_panel`:
    a response belongs to the semester (1 January / 1 July) or year of its
    ``date``; the IKM pools the period's respondents (unrounded, 25–100).

    Parameters
    ----------
    source : str, Path, pandas DataFrame or dask DataFrame
        SKM responses: Parquet file/directory (hive partitions allowed)/glob,
        or a DataFrame (``engine="dask"`` only for dask DataFrames).
    frequency : {"semester", "year"}
    unit : str or list of str
        Unit column(s), e.g. ``"agency_id"`` or ``["province", "agency_id"]``.
    date : str
        Column with the interview date.
    standard : {"2017", "2014", "2004"} or SkmStandard
    engine : {"duckdb", "arrow", "dask"}
        ``"duckdb"`` (default): DuckDB over the Parquet files, out of core and
        the fastest on one machine; on any data problem it falls back to the
        pyarrow scan so that the message is the one ``skm_index`` gives.
        ``"arrow"``: pyarrow batches in this process (memory bounded by
        ``batch_size``). ``"dask"``: one task per file/partition on ``client``.
        DataFrame input is computed in memory (``"duckdb"``/``"arrow"``).
    client : dask.distributed.Client, optional
        Cluster for ``engine="dask"``.
    batch_size : int
        Rows per batch for ``engine="arrow"``.

    Returns
    -------
    DataFrame
        One row per unit and period with respondents, sorted: unit column(s),
        ``period`` (first day, datetime64[s]), ``n_respondents``, ``ikm``
        (unrounded), ``ikm_note`` (why an IKM is missing, else ``<NA>``).

    Raises
    ------
    InnolabError
        Unknown ``frequency`` or ``engine``.
    DataValidationError
        Missing columns, bad answers, no respondents.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "agency_id": ["a", "a", "a"],
    ...     "survey_date": pd.to_datetime(["2020-03-01", "2020-08-01", "2020-09-01"]),
    ...     **{f"u{i}": [4, 3, 2] for i in range(1, 10)}})
    >>> panel = ikm_panel(df)
    >>> panel["period"].dt.strftime("%Y-%m-%d").tolist(), panel["n_respondents"].tolist()
    (['2020-01-01', '2020-07-01'], [1, 2])
    >>> panel["ikm"].round(2).tolist()
    [100.0, 62.5]
    """
    check_option("frequency", frequency, PanelFrequency)
    check_option("engine", engine, PanelEngine)
    std = get_standard(standard)
    units = _by_list(unit)
    by = [*units, "period"]
    period = (date, frequency)
    if engine == "dask":
        stats = _dask_stats(source, by, std, None, client, period)
    elif engine == "duckdb" and isinstance(source, (str, Path)):
        files = _files(source)
        stats = _duckdb_panel_stats(files, units, std, date, frequency)
        if stats is None:  # a problem: the pyarrow scan words it exactly as skm_index does
            columns = _columns_needed(by, std, None, date)
            parts = _arrow_batches(files, columns, by, std, None, period, batch_size)
            stats = _finish(_combine(parts, std), str(source), by)
        else:
            stats = _finish(stats, str(source), by)
    elif isinstance(source, pd.DataFrame):
        cols = _columns_needed(by, std, None, date)
        label = "the DataFrame"
        stats = _finish(_chunk_stats(source[[c for c in cols if c in source]], by, std, None, label, period), label, by)  # fmt: skip
    elif isinstance(source, (str, Path)):
        files = _files(source)
        columns = _columns_needed(by, std, None, date)
        parts = _arrow_batches(files, columns, by, std, None, period, batch_size)
        stats = _finish(_combine(parts, std), str(source), by)
    else:
        raise InnolabError(
            f"source must be a path to Parquet data or a pandas DataFrame for engine='{engine}', "
            f"got {type(source).__name__}; use engine='dask' for a dask DataFrame"
        )
    index = skm_index_from_stats(stats, standard=std)
    out = index[[*by, "n_respondents", "ikm_unrounded", "note"]].rename(
        columns={"ikm_unrounded": "ikm", "note": "ikm_note"}
    )
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[s]")
    return out.reset_index(drop=True)
