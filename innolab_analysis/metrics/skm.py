"""SKM / IKM: the community satisfaction index of a public-service unit.

Implements Permen PANRB 14/2017 (default) and the legacy standards of 2014 and
2004 (see :mod:`innolab_analysis.metrics.standards`):

* NRR per element = Σ scores on the element / number of respondents who
  answered it (the regulation's divisor "total unsur yang terisi");
* index = Σ NRR × weight, converted to 25–100 by × 25 (weight exact 1/K by
  default, or the printed 0,11 / 0,071 to match legacy reports);
* published value rounded half up to two decimals, then graded.

The computation is organised as *sufficient statistics* per group (number of
respondents, sum and count of answers per element). They are additive, so
statistics of files, chunks or Dask partitions combine by summing
(:func:`combine_skm_stats`) and :func:`skm_index_from_stats` finishes the job.
"""

from __future__ import annotations

import glob as _glob
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, InnolabError, Problem
from innolab_analysis.metrics._answers import (
    ALLOWED_ANSWERS,
    MAX_SHOWN,
    answers_as_float,
    spreadsheet_rows,
)
from innolab_analysis.metrics._checks import check_frame, check_level, check_rows, number_array
from innolab_analysis.metrics.standards import (
    GradeRule,
    SkmStandard,
    StandardName,
    WeightsMode,
    check_option,
    get_standard,
    round_half_up,
)
from innolab_analysis.options import Language, SampleSizeMethod

__all__ = [
    "KREJCIE_MORGAN_TABLE",
    "combine_skm_stats",
    "krejcie_morgan",
    "sample_adequacy",
    "skm_grade",
    "skm_index",
    "skm_index_from_stats",
    "skm_label",
    "skm_sufficient_stats",
    "weakest_elements",
]


# --------------------------------------------------------------------------- helpers


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _stat_columns(std: SkmStandard) -> list[str]:
    return ["n_respondents"] + [f"{p}_{c}" for c in std.columns for p in ("sum", "cnt")]


def _check_columns(
    present: Sequence[str], std: SkmStandard, by: list[str], sample_weight: str | None, file=None
) -> None:
    problems = []
    missing = [c for c in std.columns if c not in present]
    if missing:
        problems.append(
            Problem(
                f"element column(s) {missing} missing for standard '{std.name}' "
                f"({std.regulation}); rename your columns to the canonical u1..u{std.n_elements}",
                file=file,
                column=", ".join(missing),
                allowed=", ".join(f"{e.code} = {e.label_id}" for e in std.elements),
            )
        )
    for c in by:
        if c not in present:
            problems.append(
                Problem(
                    f"grouping column '{c}' not found",
                    file=file,
                    column=c,
                    allowed=str(list(present)),
                )
            )
    if sample_weight is not None and sample_weight not in present:
        problems.append(
            Problem(
                f"sample_weight column '{sample_weight}' not found", file=file, column=sample_weight
            )
        )
    if problems:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in the SKM responses"
        )


_CHUNK = 1 << 18  # rows per block: small temporaries are reused instead of re-allocated


def _repeated_respondents(df: pd.DataFrame) -> list[Problem]:
    """Respondents recorded more than once (by ``respondent_id``, the table's key), with the loader's check.

    The data layer refuses a repeated identifier when it loads ``skm_responses``;
    a frame built otherwise (a script, a notebook) is checked here the same
    way. Without a ``respondent_id`` column identical rows are different
    respondents who answered alike, which is common; they are kept.
    """
    if "respondent_id" not in df.columns:
        return []
    from innolab_analysis.data._validate import Locator, check_table
    from innolab_analysis.data.tables import TABLES

    frame = df[["respondent_id"]].reset_index(drop=True)
    n = len(frame)
    # one unnamed source; rows counted as a spreadsheet shows them (header = row 1)
    where = Locator((None,), np.zeros(n, dtype=np.int64), np.arange(n, dtype=np.int64) + 2)
    return check_table(frame, TABLES["skm_responses"], where)


def _weights_vector(
    df: pd.DataFrame, sample_weight: str | None
) -> tuple[np.ndarray | None, list[Problem]]:
    if sample_weight is None:
        return None, []
    w = pd.to_numeric(df[sample_weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        return w, [
            Problem(
                f"{int(bad.sum())} missing, negative or non-numeric sampling weight(s)",
                column=sample_weight,
                rows=tuple(int(r) for r in spreadsheet_rows(bad)),
                values=tuple(
                    df[sample_weight].to_numpy()[np.flatnonzero(bad)[:MAX_SHOWN]].tolist()
                ),
                allowed="finite numbers >= 0",
            )
        ]
    return w, []


def _group_codes(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group code of every row and the (sorted) group keys."""
    if not by:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=range(1))
    g = df.groupby(by, sort=True, dropna=False, observed=True)
    codes = g.ngroup().to_numpy().astype(np.int64)
    keys = g.size().reset_index()[by]
    return codes, keys


def _scan_frame(
    df: pd.DataFrame,
    std: SkmStandard,
    by: list[str],
    sample_weight: str | None,
    *,
    keep_answers: bool,
) -> tuple[pd.DataFrame, np.ndarray | None, np.ndarray | None, np.ndarray]:
    """Validate a response frame and reduce it to sufficient statistics, block by block.

    Returns the statistics, the answers matrix (only with ``keep_answers``, for
    the bootstrap), the weights (None when unweighted) and the group codes.
    Every problem is collected before raising.
    """
    _check_columns(list(df.columns), std, by, sample_weight)
    n = len(df)
    if n == 0:
        raise DataValidationError(
            [
                Problem(
                    "no respondents: the response table is empty; an IKM needs at least one respondent"
                )
            ],
            title="1 problem(s) in the SKM responses",
        )
    w, problems = _weights_vector(df, sample_weight)
    problems += _repeated_respondents(df)
    codes, keys = _group_codes(df, by)
    G = len(keys)
    X = np.empty((n, std.n_elements), dtype=float, order="F") if keep_answers else None
    cols: dict[str, np.ndarray] = {
        "n_respondents": np.bincount(codes, minlength=G).astype(np.int64)
    }
    for j, c in enumerate(std.columns):
        full, found = answers_as_float(df[c], c)
        problems += found
        tally = np.zeros(G * 5, dtype=np.int64)
        wsum = np.zeros(G)
        wcnt = np.zeros(G)
        n_bad, bad_rows, bad_vals = 0, [], []
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            x = full[start:stop]
            ok = (x == 1.0) | (x == 2.0) | (x == 3.0) | (x == 4.0)
            bad = ~ok & ~np.isnan(x)
            if bad.any():
                n_bad += int(bad.sum())
                if len(bad_rows) < MAX_SHOWN:
                    pos = np.flatnonzero(bad)[: MAX_SHOWN - len(bad_rows)]
                    bad_rows += (pos + start + 2).tolist()
                    bad_vals += x[pos].tolist()
            xo = np.where(ok, x, 0.0)
            if w is None:
                # count (group, answer) pairs; blanks and bad answers go to slot 0
                tally += np.bincount(codes[start:stop] * 5 + xo.astype(np.int64), minlength=G * 5)
            else:
                ws = w[start:stop]
                wsum += np.bincount(codes[start:stop], weights=xo * ws, minlength=G)
                wcnt += np.bincount(codes[start:stop], weights=np.where(ok, ws, 0.0), minlength=G)
            if X is not None:
                X[start:stop, j] = np.where(ok, x, np.nan)
        if n_bad:
            problems.append(
                Problem(
                    f"{n_bad} answer(s) outside the 1-4 scale",
                    column=c,
                    rows=tuple(bad_rows),
                    values=tuple(bad_vals),
                    allowed=ALLOWED_ANSWERS,
                )
            )
        if w is None:
            t = tally.reshape(G, 5)
            cols[f"sum_{c}"] = (t * np.arange(5)).sum(axis=1).astype(float)
            cols[f"cnt_{c}"] = t[:, 1:].sum(axis=1).astype(float)
        else:
            cols[f"sum_{c}"], cols[f"cnt_{c}"] = wsum, wcnt
    if problems:
        # answer problems in column order, then the weights
        problems.sort(
            key=lambda p: (
                p.column == sample_weight,
                std.columns.index(p.column) if p.column in std.columns else 0,
            )
        )
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in the SKM responses"
        )
    return _frame(keys, cols), X, w, codes


def _frame(keys: pd.DataFrame, cols: dict[str, object]) -> pd.DataFrame:
    """Group keys followed by new columns, built in one go (column-wise inserts are slow)."""
    new = pd.DataFrame(cols, index=range(len(keys)))
    out = pd.concat([keys.reset_index(drop=True), new], axis=1) if len(keys.columns) else new
    out.columns = pd.Index(out.columns.tolist())  # same column-index dtype whatever the input
    return out


# --------------------------------------------------------------------------- Parquet / DuckDB


def _parquet_files(path: str | Path) -> list[str]:
    p = Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*.parquet"))
    elif p.exists():
        files = [str(p)]
    else:
        files = sorted(_glob.glob(str(path), recursive=True))
    if not files:
        raise DataValidationError(
            [
                Problem(
                    "no Parquet file found at this path",
                    file=str(path),
                    allowed="a .parquet file, a directory holding .parquet files, or a glob pattern",
                )
            ],
            title="1 problem(s) in the SKM responses",
        )
    return files


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_list(files: list[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def _proven_in_scale(con, files: list[str], columns: Sequence[str]) -> set[str]:
    """Columns whose Parquet row-group statistics prove every answer lies in [1, 4].

    Reading the footers costs milliseconds; columns not proven this way are
    checked row by row inside the aggregation query.
    """
    rows = con.execute(
        "SELECT path_in_schema, stats_min_value, stats_max_value, num_values, stats_null_count "
        f"FROM parquet_metadata({_sql_list(files)})"
    ).fetchall()
    proven = set(columns)
    seen: set[str] = set()
    for name, lo, hi, n_values, n_null in rows:
        if name not in proven:
            continue
        seen.add(name)
        if n_values is not None and n_null is not None and n_values - n_null == 0:
            continue  # only blanks in this row group
        try:
            ok = lo is not None and hi is not None and float(lo) >= 1 and float(hi) <= 4
        except ValueError:
            ok = False
        if not ok:
            proven.discard(name)
    return proven & seen


def _stats_from_parquet(
    path: str | Path, std: SkmStandard, by: list[str], sample_weight: str | None
) -> pd.DataFrame:
    """Sufficient statistics straight from Parquet with DuckDB (only the needed columns are read).

    Validation costs (almost) nothing on clean integer data: the answer range
    is proven from the row-group statistics; otherwise (or for float
    columns, which may hold 2.5) the query also counts bad answers, and only
    when there are some does a second query fetch the first offending rows.
    """
    import duckdb

    files = _parquet_files(path)
    src = f"read_parquet({_sql_list(files)}, union_by_name = true"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        schema = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {src})").fetchall()}
        _check_columns(list(schema), std, by, sample_weight, file=str(path))
        problems = []
        numeric = ("INT", "DOUBLE", "FLOAT", "DECIMAL", "REAL")
        for c in [*std.columns, *([sample_weight] if sample_weight else [])]:
            if not any(k in schema[c].upper() for k in numeric):
                why = (
                    "booleans are not answers; store the scores 1-4"
                    if schema[c].upper() == "BOOLEAN"
                    else "text answers?; store answers as numbers"
                )
                problems.append(
                    Problem(
                        f"column has type {schema[c]} ({why})",
                        file=str(path),
                        column=c,
                        allowed=ALLOWED_ANSWERS if c != sample_weight else "numbers >= 0",
                    )
                )
        if problems:
            raise DataValidationError(
                problems, title=f"{len(problems)} problem(s) in the SKM responses"
            )
        proven = _proven_in_scale(con, files, std.columns)
        w = _q(sample_weight) if sample_weight else None
        aggs = ["count(*) AS n_respondents"]
        checks = {}
        for c in std.columns:
            qc = _q(c)
            if w is None:
                aggs.append(f"sum({qc})::DOUBLE AS {_q('sum_' + c)}")
                aggs.append(f"count({qc})::DOUBLE AS {_q('cnt_' + c)}")
            else:
                aggs.append(f"coalesce(sum({qc} * {w}), 0)::DOUBLE AS {_q('sum_' + c)}")
                aggs.append(
                    f"coalesce(sum(CASE WHEN {qc} IS NOT NULL THEN {w} END), 0)::DOUBLE "
                    f"AS {_q('cnt_' + c)}"
                )
            is_int = "INT" in schema[c].upper()
            if not (is_int and c in proven):
                checks[c] = f"{qc} NOT IN (1, 2, 3, 4)"
                aggs.append(f"count_if({checks[c]}) AS {_q('bad_' + c)}")
        if w is not None:
            aggs.append(f"count_if({w} IS NULL OR {w} < 0 OR isnan({w}::DOUBLE)) AS __bad_w")
        group = ", ".join(_q(b) for b in by)
        sql = f"SELECT {group + ', ' if by else ''}{', '.join(aggs)} FROM {src})"
        if by:
            sql += f" GROUP BY {group} ORDER BY {group}"
        stats = con.execute(sql).df()

        for c, cond in checks.items():
            n_bad = int(stats[f"bad_{c}"].sum())
            if not n_bad:
                continue
            rows = con.execute(
                f"SELECT filename, file_row_number, {_q(c)} FROM {src}, filename = true, "
                f"file_row_number = true) WHERE {cond} LIMIT {MAX_SHOWN}"
            ).fetchall()
            bad_files = sorted({r[0] for r in rows})
            problems.append(
                Problem(
                    f"{n_bad} answer(s) outside the 1-4 scale",
                    file=bad_files[0] if len(bad_files) == 1 else str(path),
                    column=c,
                    rows=tuple(int(r[1]) + 2 for r in rows),
                    values=tuple(r[2] for r in rows),
                    allowed=ALLOWED_ANSWERS,
                )
            )
        if w is not None and stats["__bad_w"].sum() > 0:
            problems.append(
                Problem(
                    f"{int(stats['__bad_w'].sum())} missing or negative sampling weight(s)",
                    file=str(path),
                    column=sample_weight,
                    allowed="finite numbers >= 0",
                )
            )
        if problems:
            raise DataValidationError(
                problems, title=f"{len(problems)} problem(s) in the SKM responses"
            )
    finally:
        con.close()
    if len(stats) == 0 or stats["n_respondents"].sum() == 0:
        raise DataValidationError(
            [Problem("no respondents: the Parquet data hold no rows", file=str(path))],
            title="1 problem(s) in the SKM responses",
        )
    stats = stats[by + _stat_columns(std)].copy()
    stats["n_respondents"] = stats["n_respondents"].astype(np.int64)
    return stats.reset_index(drop=True)


# --------------------------------------------------------------------------- public API


def skm_sufficient_stats(
    responses: pd.DataFrame | str | Path,
    *,
    by: str | Sequence[str] | None = None,
    standard: StandardName | SkmStandard = "2017",
    sample_weight: str | None = None,
) -> pd.DataFrame:
    """Sufficient statistics of the SKM per group: respondents, sum and count of answers per element.

    The statistics are additive: statistics of several files, chunks or Dask
    partitions combine by summing them per group (:func:`combine_skm_stats`),
    and :func:`skm_index_from_stats` turns them into the index.

    Parameters
    ----------
    responses : DataFrame, str or Path
        One row per respondent with the answer columns ``u1`` … ``uK`` (1–4,
        blank = not answered); or a Parquet file, a directory of Parquet files
        or a glob, read lazily with DuckDB (only the needed columns).
    by : str or list of str, optional
        Grouping columns (e.g. ``"agency_id"``); ``None`` = one group.
    standard : {"2017", "2014", "2004"} or SkmStandard
        The standard that fixes the elements.
    sample_weight : str, optional
        Column of sampling weights; sums and counts are then weighted.

    Returns
    -------
    DataFrame
        The grouping columns, ``n_respondents`` and, per element ``uK``,
        ``sum_uK`` (Σ weight × answer) and ``cnt_uK`` (Σ weight over those who
        answered; the number answering when unweighted), sorted by group.

    Raises
    ------
    DataValidationError
        Missing element/grouping columns, text answers, answers outside 1–4,
        bad weights or no respondents — every problem at once.

    Notes
    -----
    With Dask, reduce every partition and combine (checked against the
    in-memory result in the tests)::

        meta = skm_sufficient_stats(sample, by="agency_id").iloc[:0]
        parts = ddf.map_partitions(skm_sufficient_stats, by="agency_id", meta=meta)
        result = skm_index_from_stats(combine_skm_stats([parts.compute()]))

    Examples
    --------
    >>> df = pd.DataFrame({"u%d" % i: [4, 3] for i in range(1, 10)})
    >>> skm_sufficient_stats(df)[["n_respondents", "sum_u1", "cnt_u1"]].to_numpy().tolist()
    [[2.0, 7.0, 2.0]]
    """
    std = get_standard(standard)
    by_ = _by_list(by)
    if isinstance(responses, (str, Path)):
        return _stats_from_parquet(responses, std, by_, sample_weight)
    if not isinstance(responses, pd.DataFrame):
        raise InnolabError(
            f"responses must be a DataFrame or a path to Parquet data, got {type(responses).__name__}"
        )
    return _scan_frame(responses, std, by_, sample_weight, keep_answers=False)[0]


def combine_skm_stats(
    parts: Sequence[pd.DataFrame], *, standard: StandardName | SkmStandard = "2017"
) -> pd.DataFrame:
    """Combine sufficient statistics of several chunks (files, Dask partitions) by summing per group.

    Parameters
    ----------
    parts : sequence of DataFrame
        Outputs of :func:`skm_sufficient_stats` with the same grouping columns.
    standard : {"2017", "2014", "2004"} or SkmStandard

    Returns
    -------
    DataFrame
        Statistics of the union of the chunks, sorted by group.

    Examples
    --------
    >>> df = pd.DataFrame({"u%d" % i: [4, 3] for i in range(1, 10)})
    >>> both = combine_skm_stats([skm_sufficient_stats(df), skm_sufficient_stats(df)])
    >>> int(both["n_respondents"].iloc[0])
    4
    """
    std = get_standard(standard)
    if not parts:
        raise InnolabError("combine_skm_stats needs at least one statistics table, got none")
    stat_cols = _stat_columns(std)
    for i, part in enumerate(parts):
        _check_stats(part, std, f"statistics table {i}")
    frame = pd.concat(list(parts), ignore_index=True)
    by = [c for c in frame.columns if c not in stat_cols]
    if not by:
        out = frame[stat_cols].sum().to_frame().T
    else:
        out = (
            frame.groupby(by, sort=True, dropna=False, observed=True)[stat_cols].sum().reset_index()
        )
    out["n_respondents"] = out["n_respondents"].astype(np.int64)
    return out


def _grade_columns(unrounded: np.ndarray, std: SkmStandard, rule: GradeRule) -> dict[str, object]:
    gi = std.grade_index(unrounded, rule)
    pick = np.where(gi >= 0, gi, 0)

    def col(attr: str) -> pd.Series:
        vals = np.array([getattr(b, attr) for b in std.bands], dtype=object)[pick]
        return pd.Series(np.where(gi >= 0, vals, None), dtype="str")

    return {"grade": col("grade"), "label_id": col("label_id"), "label_en": col("label_en")}


def _check_stats(stats: object, std: SkmStandard, what: str) -> None:
    """A frame of sufficient statistics with every column of the standard."""
    check_frame(stats, "SKM statistics", hint="pass the output of skm_sufficient_stats")
    stat_cols = _stat_columns(std)
    missing = [c for c in stat_cols if c not in stats.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"sufficient-statistics column(s) missing from {what} for standard "
                    f"'{std.name}'; build them with skm_sufficient_stats()",
                    column=", ".join(missing),
                    allowed=", ".join(stat_cols),
                )
            ],
            title="1 problem(s) in the SKM statistics",
        )


def _note(key: str, **values) -> str:
    """A note of a result table (English, for the analyst), from the catalog."""
    return l10n.tr(f"metrics_skm.note.{key}", "en", markdown=False, **values)


def _check_some_answers(stats: pd.DataFrame, std: SkmStandard) -> None:
    """Refuse statistics without a single answer: every cell blank is no survey at all.

    One group (or one element) without answers gets a NaN index and a note;
    when *no* group has any answer the input is empty in all but its row count.
    """
    cnts = stats[[f"cnt_{c}" for c in std.columns]].to_numpy(dtype=float)
    if not (cnts > 0).any():
        n = int(stats["n_respondents"].sum())
        raise DataValidationError(
            [
                Problem(
                    f"no answers: all {n} respondent row(s) are blank on every element "
                    f"({', '.join(std.columns)}); an IKM needs answers 1-4",
                    column=", ".join(std.columns),
                    allowed=ALLOWED_ANSWERS,
                )
            ],
            title="1 problem(s) in the SKM responses",
        )


def skm_index_from_stats(
    stats: pd.DataFrame,
    *,
    standard: StandardName | SkmStandard = "2017",
    weights: WeightsMode = "exact",
    rule: GradeRule = "round_then_classify",
) -> pd.DataFrame:
    """The SKM/IKM per group from sufficient statistics (see :func:`skm_sufficient_stats`).

    Parameters
    ----------
    stats : DataFrame
        Grouping columns, ``n_respondents``, ``sum_uK`` and ``cnt_uK``.
    standard : {"2017", "2014", "2004"} or SkmStandard
    weights : {"exact", "printed"}
        ``"exact"`` weighs every element 1/K; ``"printed"`` uses the rounded
        weight printed in the regulation (0,11 for nine elements — maximum 99,
        not 100 — or 0,071 for fourteen) to reproduce legacy reports.
    rule : {"round_then_classify", "classify_unrounded"}
        Grading across the gaps of the interval table; see :func:`skm_grade`.

    Returns
    -------
    DataFrame
        See :func:`skm_index`.

    Examples
    --------
    >>> df = pd.DataFrame({"u%d" % i: [4, 3] for i in range(1, 10)})
    >>> skm_index_from_stats(skm_sufficient_stats(df))["ikm"].tolist()
    [87.5]
    """
    std = get_standard(standard)
    check_option("weights", weights, WeightsMode)
    check_option("rule", rule, GradeRule)
    stat_cols = _stat_columns(std)
    _check_stats(stats, std, "the statistics table")
    if len(stats) == 0:
        raise DataValidationError(
            [Problem("no respondents: the statistics table is empty")],
            title="1 problem(s) in the SKM statistics",
        )
    by = [c for c in stats.columns if c not in stat_cols]
    _check_some_answers(stats, std)
    # C-contiguous so the row sums below add in the same order whatever the frame's layout
    # (bit-for-bit equal results from the in-memory, Parquet and Dask paths)
    sums = np.ascontiguousarray(stats[[f"sum_{c}" for c in std.columns]].to_numpy(dtype=float))
    cnts = np.ascontiguousarray(stats[[f"cnt_{c}" for c in std.columns]].to_numpy(dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        nrr = np.where(cnts > 0, sums / np.where(cnts > 0, cnts, 1.0), np.nan)
    unrounded = 25.0 * (nrr * std.weight(weights)).sum(axis=1)
    unrounded[np.isnan(nrr).any(axis=1)] = np.nan

    cols: dict[str, object] = {"n_respondents": stats["n_respondents"].to_numpy().astype(np.int64)}
    for j, c in enumerate(std.columns):
        cols[f"nrr_{c}"] = nrr[:, j]
    cols["ikm_unrounded"] = unrounded
    cols["ikm"] = np.asarray(round_half_up(unrounded, 2), dtype=float)
    cols.update(_grade_columns(unrounded, std, rule))
    notes = np.full(len(nrr), None, dtype=object)
    missing = np.isnan(nrr)
    for i in np.flatnonzero(missing.any(axis=1)):  # only the groups that need a note
        els = [_note("element", code=e.code, label=e.label_id)
               for e, m in zip(std.elements, missing[i]) if m]  # fmt: skip
        notes[i] = _note("no_answers", elements=l10n.Safe(", ".join(els)))
    cols["note"] = pd.Series(notes, dtype="str")
    return _frame(stats[by], cols)


def skm_index(
    responses: pd.DataFrame | str | Path,
    *,
    by: str | Sequence[str] | None = None,
    standard: StandardName | SkmStandard = "2017",
    weights: WeightsMode = "exact",
    sample_weight: str | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 0.95,
    rule: GradeRule = "round_then_classify",
) -> pd.DataFrame:
    """The SKM/IKM (Indeks Kepuasan Masyarakat) per group, by the regulation.

    For each element, NRR = Σ scores / number of respondents who answered it
    (blanks are skipped, the regulation's "total unsur yang terisi"). The
    index is ``25 × Σ NRR × weight``; ``ikm`` is it rounded **half up** to two
    decimals (what agencies publish) and the grade is read from that rounded
    value with the lower bounds of the interval table (2017: ≥ 88,31 A,
    ≥ 76,61 B, ≥ 65,00 C, else D; so 88,305 → 88,31 → A). Pass
    ``rule="classify_unrounded"`` to grade the unrounded value instead
    (88,305 → B), as several apps do.

    For ``standard="2014"`` the interval table is believed equal to 2004's
    (LOW confidence); pass ``get_standard("2014").with_bands(...)`` to use
    another one.

    Parameters
    ----------
    responses : DataFrame, str or Path
        One row per respondent, answer columns ``u1`` … ``u9`` (``u14`` for
        2004) holding 1–4 or blank; or a Parquet file/directory/glob, read
        lazily with DuckDB and aggregated without loading it into pandas.
    by : str or list of str, optional
        Grouping columns (e.g. ``"agency_id"``); ``None`` = one row overall.
    standard : {"2017", "2014", "2004"} or SkmStandard
        Permen PANRB 14/2017 (default), Permen PANRB 16/2014 or KepMenPAN 25/2004.
    weights : {"exact", "printed"}
        Element weight 1/K, or the printed 0,11 / 0,071 (legacy reports).
    sample_weight : str, optional
        Column of sampling weights: NRR becomes the weighted mean per element.
    bootstrap : int
        Number of bootstrap replicates for a percentile CI (0 = none).
        Respondents are resampled within each group (DataFrame input only).
    seed : int, optional
        Seed of the bootstrap.
    level : float
        Confidence level of the interval.
    rule : {"round_then_classify", "classify_unrounded"}
        Grading rule across the table's gaps.

    Returns
    -------
    DataFrame
        One row per group: grouping columns, ``n_respondents``, ``nrr_u1`` …,
        ``ikm_unrounded``, ``ikm``, ``grade`` (A–D), ``label_id`` (Sangat baik /
        Baik / Kurang baik / Tidak baik), ``label_en`` (Very good / Good / Poor
        / Very poor; our translation), ``note`` (why an IKM is missing: an
        element nobody in the group answered gives NaN and a note instead of
        an error, so one bad unit does not stop a city-wide table), and with
        ``bootstrap > 0`` ``ikm_ci_lower`` / ``ikm_ci_upper``.

    Raises
    ------
    DataValidationError
        Every problem at once: missing columns; text, boolean or other non-answer
        values (``True`` is not an answer of 1); answers outside 1–4 or not
        finite; bad weights; a ``respondent_id`` recorded more than once (the
        loader's key check, also run on frames built otherwise); no respondents,
        or respondents whose every answer is blank.
    ParamsError
        ``level`` not strictly between 0 and 1, unknown option values.

    Examples
    --------
    >>> df = pd.DataFrame({"agency_id": ["a", "a", "b"], **{"u%d" % i: [4, 3, 2] for i in range(1, 10)}})
    >>> skm_index(df, by="agency_id")[["agency_id", "ikm", "grade"]].to_numpy().tolist()
    [['a', 87.5, 'B'], ['b', 50.0, 'D']]
    """
    std = get_standard(standard)
    check_option("weights", weights, WeightsMode)
    check_option("rule", rule, GradeRule)
    if not isinstance(bootstrap, (int, np.integer)) or isinstance(bootstrap, bool) or bootstrap < 0:
        raise InnolabError(
            f"bootstrap must be an integer >= 0 (number of replicates), got {bootstrap!r}"
        )
    level = check_level(level)
    by_ = _by_list(by)
    if isinstance(responses, (str, Path)):
        if bootstrap:
            raise InnolabError(
                "bootstrap needs respondent-level data in memory; pass a DataFrame, "
                "or bootstrap=0 for Parquet input"
            )
        stats = _stats_from_parquet(responses, std, by_, sample_weight)
        return skm_index_from_stats(stats, standard=std, weights=weights, rule=rule)
    if not isinstance(responses, pd.DataFrame):
        raise InnolabError(
            f"responses must be a DataFrame or a path to Parquet data, got {type(responses).__name__}"
        )
    stats, X, w, codes = _scan_frame(responses, std, by_, sample_weight, keep_answers=bootstrap > 0)
    out = skm_index_from_stats(stats, standard=std, weights=weights, rule=rule)
    if bootstrap:
        w = np.ones(len(responses)) if w is None else w
        lo, hi, dropped = _bootstrap(
            X, w, codes, len(stats), std.weight(weights), bootstrap, seed, level
        )
        out["ikm_ci_lower"] = lo
        out["ikm_ci_upper"] = hi
        notes = out["note"].to_numpy(dtype=object, na_value=None)
        for g in np.flatnonzero(dropped > 0):
            extra = _note("bootstrap_dropped", dropped=int(dropped[g]), replicates=int(bootstrap))
            notes[g] = extra if notes[g] is None else _note("join", first=notes[g], second=extra)
        out["note"] = pd.Series(notes, dtype="str")
    return out


def _bootstrap(
    X: np.ndarray,
    w: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    weight: float,
    B: int,
    seed: int | None,
    level: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile CI of the unrounded index, resampling respondents within each group.

    Each block of replicates is a multinomial count matrix C (replicates ×
    respondents); sums and counts per element are then ``C @ (w·x)`` and
    ``C @ (w·answered)``.
    """
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    lo = np.full(n_groups, np.nan)
    hi = np.full(n_groups, np.nan)
    dropped = np.zeros(n_groups, dtype=int)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
    for g in range(n_groups):
        idx = order[bounds[g] : bounds[g + 1]]
        n = len(idx)
        ans = ~np.isnan(X[idx])
        vals = np.where(ans, X[idx], 0.0) * w[idx, None]
        wans = ans * w[idx, None]
        block = max(1, min(B, 2_000_000 // max(n, 1)))
        reps = []
        done = 0
        while done < B:
            b = min(block, B - done)
            C = rng.multinomial(n, np.full(n, 1.0 / n), size=b).astype(float)
            s, c = C @ vals, C @ wans
            with np.errstate(invalid="ignore", divide="ignore"):
                nrr = s / c
            reps.append(25.0 * (nrr * weight).sum(axis=1))
            done += b
        r = np.concatenate(reps)
        ok = np.isfinite(r)
        dropped[g] = int((~ok).sum())
        if ok.any():
            lo[g], hi[g] = np.quantile(r[ok], [alpha, 1 - alpha])
    return lo, hi, dropped


def skm_grade(
    value,
    standard: StandardName | SkmStandard = "2017",
    *,
    rule: GradeRule = "round_then_classify",
):
    """The *mutu pelayanan* grade (A–D) of an index on the 25–100 scale.

    The index is rounded half up to two decimals first (what agencies
    publish), then classified with the lower bounds of the interval table —
    2017: ≥ 88,31 A, ≥ 76,61 B, ≥ 65,00 C, else D; 2004 (and, LOW confidence,
    2014): ≥ 81,26 A, ≥ 62,51 B, ≥ 43,76 C, else D. So 88,305 → 88,31 → A, and
    88,3049 → 88,30 → B. ``rule="classify_unrounded"`` skips the rounding
    (88,305 → B).

    Parameters
    ----------
    value : float or array-like
        Index value(s) in [25, 100].
    standard : {"2017", "2014", "2004"} or SkmStandard
    rule : {"round_then_classify", "classify_unrounded"}

    Returns
    -------
    str or numpy.ndarray of str

    Raises
    ------
    InnolabError
        A value outside [25, 100] or NaN.

    Examples
    --------
    >>> skm_grade(88.305), skm_grade(88.305, rule="classify_unrounded"), skm_grade(76.47, "2004")
    ('A', 'B', 'B')
    """
    idx, std, scalar = _grade_positions(value, standard, rule)
    grades = np.array([b.grade for b in std.bands])[idx]
    return str(grades) if scalar else grades


def skm_label(
    value,
    standard: StandardName | SkmStandard = "2017",
    *,
    language: Language = "id",
    rule: GradeRule = "round_then_classify",
):
    """The *kinerja unit pelayanan* label of an index (Sangat baik … Tidak baik; English: Very good … Very poor).

    Same rule as :func:`skm_grade`.

    Examples
    --------
    >>> skm_label(91.48), skm_label(91.48, language="en")
    ('Sangat baik', 'Very good')
    """
    check_option("language", language, Language)
    idx, std, scalar = _grade_positions(value, standard, rule)
    labels = np.array([b.label(language) for b in std.bands])[idx]
    return str(labels) if scalar else labels


def _grade_positions(value, standard, rule):
    std = get_standard(standard)
    x = number_array(value, "an SKM index", title="1 problem(s) in the index values")
    bad = np.isnan(x) | (x < 25) | (x > 100)
    if bad.any():
        shown = x[bad][:MAX_SHOWN].tolist() if x.ndim else [float(x)]
        raise InnolabError(
            f"an SKM index must lie in [25, 100] (the 25-100 conversion scale); got {shown}. "
            "Multiply a 1-4 scale index by 25 first"
        )
    return std.grade_index(x, rule), std, x.ndim == 0


# --------------------------------------------------------------------------- sampling

KREJCIE_MORGAN_TABLE: Mapping[int, int] = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48,
    60: 52, 65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86,
    120: 92, 130: 97, 140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127, 200: 132,
    210: 136, 220: 140, 230: 144, 240: 148, 250: 152, 260: 155, 270: 159, 280: 162, 290: 165,
    300: 169, 320: 175, 340: 181, 360: 186, 380: 191, 400: 196, 420: 201, 440: 205, 460: 210,
    480: 214, 500: 217, 550: 226, 600: 234, 650: 242, 700: 248, 750: 254, 800: 260, 850: 265,
    900: 269, 950: 274, 1000: 278, 1100: 285, 1200: 291, 1300: 297, 1400: 302, 1500: 306,
    1600: 310, 1700: 313, 1800: 317, 1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335,
    2800: 338, 3000: 341, 3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364,
    8000: 367, 9000: 368, 10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380,
    50000: 381, 75000: 382, 1000000: 384,
}  # fmt: skip
"""The published table of Krejcie & Morgan (1970), population N → sample size S."""


def krejcie_morgan(population, *, method: SampleSizeMethod = "formula"):
    """Required sample size by Krejcie & Morgan (1970), as the SKM regulation suggests.

    ``S = λ²NPQ / (d²(N−1) + λ²PQ)`` with λ² = 3,841 (χ², 1 df, α = 5 %),
    P = Q = 0,5 and d = 0,05, **rounded** to the nearest integer (not ceiled:
    rounding reproduces all 90 rows of the published table; ceiling does not,
    e.g. N = 150 → 109 instead of 108).

    Caveat: the Krejcie–Morgan formula sizes a sample to estimate a
    *proportion* within ±5 %, whereas the SKM estimates a *mean* score; it is
    the regulation's convention, not a precision guarantee for the IKM (use
    the bootstrap CI of :func:`skm_index` for that).

    Parameters
    ----------
    population : int or array-like of int
        Population size N (e.g. service users per year), ≥ 1.
    method : {"formula", "table"}
        ``"formula"`` (default) or the published table: the row of the
        smallest tabulated N ≥ population (conservative; 384 above 1 000 000).

    Returns
    -------
    int or numpy.ndarray of int

    Raises
    ------
    InnolabError
        A negative, zero, non-integer or missing population.

    Examples
    --------
    >>> krejcie_morgan(100), krejcie_morgan(1000), krejcie_morgan(1_000_000)
    (80, 278, 384)
    """
    check_option("method", method, SampleSizeMethod)
    raw = np.asarray(population, dtype=object)
    flat = raw.reshape(-1)
    bad = []
    for v in flat:
        ok = (
            not isinstance(v, (bool, np.bool_))
            and isinstance(v, (int, np.integer, float, np.floating))
            and np.isfinite(float(v))
            and float(v) == int(v)
            and int(v) >= 1
        )
        if not ok:
            bad.append(v)
    if bad:
        raise InnolabError(
            f"population must be a whole number >= 1 (e.g. service users per year), got {bad[:MAX_SHOWN]}"
        )
    N = np.array([int(v) for v in flat], dtype=float).reshape(raw.shape)
    if method == "formula":
        lam2, P, d = 3.841, 0.5, 0.05
        S = lam2 * N * P * (1 - P) / (d**2 * (N - 1) + lam2 * P * (1 - P))
        out = np.floor(S + 0.5).astype(int)  # round half up (no table row sits on .5)
    else:
        keys = np.array(sorted(KREJCIE_MORGAN_TABLE))
        vals = np.array([KREJCIE_MORGAN_TABLE[k] for k in keys])
        pos = np.minimum(np.searchsorted(keys, N, side="left"), len(keys) - 1)
        out = np.where(N < keys[0], N, vals[pos]).astype(int)
    return int(out) if out.ndim == 0 else out


def sample_adequacy(
    responses: pd.DataFrame | str | Path,
    population: Mapping | pd.Series | pd.DataFrame,
    *,
    by: str | Sequence[str] = "agency_id",
    standard: StandardName | SkmStandard = "2017",
    include_adequate: bool = False,
) -> pd.DataFrame:
    """Units that surveyed fewer respondents than the Krejcie–Morgan table asks.

    Parameters
    ----------
    responses : DataFrame, str or Path
        SKM responses (as for :func:`skm_index`).
    population : mapping, Series or DataFrame
        Population per unit: ``{unit: N}``, a Series indexed by unit, or a
        DataFrame with the ``by`` columns and a ``population`` column.
    by : str or list of str
        The unit columns.
    standard : {"2017", "2014", "2004"} or SkmStandard
    include_adequate : bool
        Also list the units that reached the sample size.

    Returns
    -------
    DataFrame
        ``by`` columns, ``population``, ``required`` (Krejcie–Morgan),
        ``achieved`` (respondents), ``min_answered`` (fewest answers on any
        element), ``shortfall`` and ``adequate``; shortfalls first.

    Raises
    ------
    DataValidationError
        Units in the responses without a population, bad populations.

    Examples
    --------
    >>> df = pd.DataFrame({"agency_id": ["a"] * 30, **{"u%d" % i: [3] * 30 for i in range(1, 10)}})
    >>> sample_adequacy(df, {"a": 100})[["agency_id", "required", "achieved", "shortfall"]].to_numpy().tolist()
    [['a', 80, 30, 50]]
    """
    by_ = _by_list(by)
    if not by_:
        raise InnolabError("sample_adequacy needs the unit column(s) in by, e.g. by='agency_id'")
    stats = skm_sufficient_stats(responses, by=by_, standard=standard)
    std = get_standard(standard)
    if isinstance(population, pd.DataFrame):
        pop = population
        if "population" not in pop.columns or any(c not in pop.columns for c in by_):
            raise DataValidationError(
                [
                    Problem(
                        f"population table needs columns {by_ + ['population']}",
                        allowed=str(list(pop.columns)),
                    )
                ],
                title="1 problem(s) in the population",
            )
        pop = pop[by_ + ["population"]]
    else:
        if len(by_) != 1:
            raise InnolabError("with several unit columns, pass population as a DataFrame")
        series = pd.Series(population) if isinstance(population, Mapping) else population
        pop = pd.DataFrame({by_[0]: series.index.to_numpy(), "population": series.to_numpy()})
    merged = pop.merge(stats, on=by_, how="outer", indicator=True)
    orphans = merged[merged["_merge"] == "right_only"]
    if len(orphans):
        units = [tuple(r) if len(by_) > 1 else r[0] for r in orphans[by_].itertuples(index=False)]
        raise DataValidationError(
            [
                Problem(
                    f"{len(units)} unit(s) have responses but no population: {units[:MAX_SHOWN]}",
                    column=", ".join(by_),
                    allowed="every surveyed unit listed in the population",
                )
            ],
            title="1 problem(s) in the population",
        )
    merged["required"] = krejcie_morgan(merged["population"].to_numpy(dtype=object))
    merged["achieved"] = merged["n_respondents"].fillna(0).astype(np.int64)
    cnt = merged[[f"cnt_{c}" for c in std.columns]].fillna(0).to_numpy(dtype=float)
    merged["min_answered"] = cnt.min(axis=1).astype(np.int64)
    merged["shortfall"] = np.maximum(merged["required"] - merged["achieved"], 0).astype(np.int64)
    merged["adequate"] = merged["shortfall"] == 0
    out = merged[
        by_ + ["population", "required", "achieved", "min_answered", "shortfall", "adequate"]
    ]
    if not include_adequate:
        out = out[~out["adequate"]]
    out = out.sort_values(["shortfall", *by_], ascending=[False] + [True] * len(by_))
    return out.reset_index(drop=True)


def weakest_elements(
    result: pd.DataFrame | pd.Series,
    k: int = 3,
    *,
    standard: StandardName | SkmStandard = "2017",
) -> pd.DataFrame:
    """The elements that pull the index down most (lowest NRR), per group.

    Parameters
    ----------
    result : DataFrame or Series
        Output of :func:`skm_index` (or one row of it).
    k : int
        How many elements per group.
    standard : {"2017", "2014", "2004"} or SkmStandard
        The standard of ``result`` (for the element labels).

    Returns
    -------
    DataFrame
        Grouping columns, ``rank`` (1 = weakest), ``element`` (``u3``), ``label_id``,
        ``label_en``, ``nrr`` and ``ikm_points_lost`` = 25 × (4 − NRR) / K — the
        IKM points the group would gain if that element were rated 4 by all.
        Ties keep regulation order.

    Examples
    --------
    >>> df = pd.DataFrame({"u%d" % i: [4, 4 if i != 3 else 2] for i in range(1, 10)})
    >>> weakest_elements(skm_index(df), k=1)[["element", "nrr"]].to_numpy().tolist()
    [['u3', 3.0]]
    """
    std = get_standard(standard)
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise InnolabError(f"k must be a positive integer, got {k!r}")
    if not isinstance(result, pd.Series):
        check_frame(result, "SKM result", hint="pass the output of skm_index")
    frame = result.to_frame().T if isinstance(result, pd.Series) else result
    check_rows(frame, "SKM result", "at least one row of skm_index's output")
    nrr_cols = [f"nrr_{c}" for c in std.columns]
    missing = [c for c in nrr_cols if c not in frame.columns]
    if missing or "n_respondents" not in frame.columns:
        raise InnolabError(
            f"result must be the output of skm_index for standard '{std.name}'; "
            f"missing columns {missing or ['n_respondents']}"
        )
    by = list(frame.columns[: list(frame.columns).index("n_respondents")])
    nrr = frame[nrr_cols].to_numpy(dtype=float)
    k = min(int(k), std.n_elements)
    records = []
    for i in range(len(frame)):
        row = nrr[i]
        order = np.argsort(np.where(np.isnan(row), np.inf, row), kind="stable")[:k]
        for rank, j in enumerate(order, start=1):
            e = std.elements[j]
            records.append(
                {
                    **{b: frame[b].iloc[i] for b in by},
                    "rank": rank,
                    "element": e.code,
                    "label_id": e.label_id,
                    "label_en": e.label_en,
                    "nrr": row[j],
                    "ikm_points_lost": 25.0 * (4.0 - row[j]) / std.n_elements,
                }
            )
    return pd.DataFrame.from_records(
        records, columns=[*by, "rank", "element", "label_id", "label_en", "nrr", "ikm_points_lost"]
    )
