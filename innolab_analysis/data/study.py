"""Load and validate a study: a folder of tables, described by ``sources.yaml`` or by file names.

A study folder holds the tables of :data:`~innolab_analysis.data.tables.TABLES`:
by default one file per table named after it (``agencies.csv``,
``skm_responses.parquet``, ``regions.xlsx`` …); with a ``sources.yaml``
(:mod:`~innolab_analysis.data.sources`), any files, sheets, globs or databases,
with their mapping to the data model. Real exports load without configuration
as far as the alias tables reach (Google Forms in both locales, e-SKM CSVs,
office unit lists with title rows, IID registers with Indonesian headers), and
every recognition is recorded on :attr:`Study.recognitions`.

:func:`load_study` reads every table, converts each column to its declared
type, checks every rule of the data model (types, allowed values, ranges,
blanks, unique ids and keys, date order, ids that refer to another table, units
named by name) and raises one :class:`~innolab_analysis.errors.DataValidationError`
listing every problem of every table, or returns a frozen :class:`Study`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd

from innolab_analysis.data._memo import memoised
from innolab_analysis.data._prepare import Prepared, prepare_source
from innolab_analysis.data._readers import read_raw, read_source
from innolab_analysis.data._units import count_by_source, resolve_units, unit_hint
from innolab_analysis.data._validate import Locator, check_table, cross_check
from innolab_analysis.data.aliases import value_key
from innolab_analysis.data.recognition import Recognition, recognitions_frame
from innolab_analysis.data.sources import ID_COLUMNS, SOURCES_FILE, StudySources, read_sources
from innolab_analysis.data.tables import TABLES
from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.options import TableName

__all__ = ["Study", "TableName", "load_study", "read_table"]


TABLE_NAMES: tuple[str, ...] = get_args(TableName)


@dataclass(frozen=True, eq=False, repr=False)
class Study:
    """A validated study: one DataFrame per table (None where the study has no source).

    Attributes
    ----------
    path : Path
        The study folder.
    files : dict
        Table name → the (first) file it was read from.
    agencies, innovations, skm_responses, service_indicators, readiness, regions, pdrb_sectors, innovation_budgets
        The tables, with columns converted to their declared types, then the
        source's other columns as read; None when absent.
    sources : dict
        Table name → the labels of its sources (paths relative to the study
        folder, ``sql:<table> (…)`` for databases), in the order they were stacked.
    recognitions : tuple of Recognition
        Everything the loader recognised on its own (see
        :mod:`~innolab_analysis.data.recognition`).
    unused_columns : dict
        Table name → source columns the data model does not use (kept on the table).
    private_columns : dict
        Table name → columns a published report may show only as aggregates:
        personal data of the data model (age, sex, education …) and every
        unused source column (free text such as "Kritik dan Saran", names,
        phone numbers). Also on each frame as ``frame.attrs["private_columns"]``.
    """

    path: Path
    files: dict[str, Path] = field(default_factory=dict)
    agencies: pd.DataFrame | None = None
    innovations: pd.DataFrame | None = None
    skm_responses: pd.DataFrame | None = None
    service_indicators: pd.DataFrame | None = None
    readiness: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    pdrb_sectors: pd.DataFrame | None = None
    innovation_budgets: pd.DataFrame | None = None
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recognitions: tuple[Recognition, ...] = ()
    unused_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    private_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the tables present, in the order of the data model."""
        return tuple(t for t in TABLE_NAMES if getattr(self, t) is not None)

    def table(self, name: TableName) -> pd.DataFrame:
        """Return one table by name; raise if the study does not have it.

        Raises
        ------
        DataValidationError
            When ``name`` is not a table of the data model or the study lacks it.
        """
        _check_table_name(name)
        frame = getattr(self, name)
        if frame is None:
            raise DataValidationError(
                [
                    Problem(
                        f"the study has no table '{name}'; add {name}.csv (or .parquet/.xlsx) "
                        f"to {self.path}, or name its file in {SOURCES_FILE}",
                        allowed=", ".join(self.tables),
                    )
                ]
            )
        return frame

    def shareable(self, name: TableName) -> pd.DataFrame:
        """One table without its private columns: what may be shown row by row.

        Examples
        --------
        >>> s = load_study("data/demo")
        >>> s.private_columns["skm_responses"], "age" in s.shareable("skm_responses").columns
        (('gender', 'age', 'education'), False)
        """
        frame = self.table(name)
        return frame.drop(columns=list(self.private_columns.get(name, ())), errors="ignore")

    def recognition_table(self) -> pd.DataFrame:
        """:attr:`recognitions` as a DataFrame (table, source, kind, source_value, canonical, n_rows, column)."""
        return recognitions_frame(self.recognitions)

    def summary(self) -> pd.DataFrame:
        """One row per table present: table, file, rows, columns."""
        return pd.DataFrame(
            [
                (
                    t,
                    ", ".join(self.sources.get(t, ())) or self.files[t].name,
                    len(getattr(self, t)),
                    getattr(self, t).shape[1],
                )
                for t in self.tables
            ],
            columns=["table", "file", "rows", "columns"],
        )

    def __repr__(self) -> str:
        parts = ", ".join(f"{t}={len(getattr(self, t))} rows" for t in self.tables)
        return f"Study({str(self.path)!r}: {parts})"

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>"
            for r in self.summary().itertuples(index=False)
        )
        head = "".join(f"<th>{h}</th>" for h in ("table", "file", "rows", "columns"))
        return f"<p><b>Study</b> {escape(str(self.path))}</p><table><tr>{head}</tr>{rows}</table>"


def _check_table_name(name: object) -> None:
    if name not in TABLE_NAMES:
        raise DataValidationError(
            [
                Problem(
                    f"unknown table {name!r}; use one of the names of the data model",
                    allowed=", ".join(TABLE_NAMES),
                )
            ]
        )


def _stack(parts: list[Prepared]) -> tuple[pd.DataFrame, Locator]:
    labels = tuple(p.label for p in parts)
    if len(parts) == 1:
        frame = parts[0].frame
    else:
        frame = pd.concat([p.frame for p in parts], ignore_index=True, sort=False)
    source = np.concatenate([np.full(len(p.frame), i, dtype=np.int64) for i, p in enumerate(parts)])
    rows = np.concatenate([np.asarray(p.rows, dtype=np.int64) for p in parts])
    return frame, Locator(labels, source, rows)


def _unique_ids(table: str, frame: pd.DataFrame, loc: Locator, recs: list[Recognition]):
    """Ids repeated across stacked sources (not within one) get their source as a prefix."""
    col = ID_COLUMNS.get(table)
    if col is None or len(loc.labels) < 2 or col not in frame.columns:
        return frame
    ids = frame[col].astype("str")
    pairs = pd.DataFrame({"id": ids, "src": loc.source}).drop_duplicates()
    shared = pairs.loc[pairs["id"].duplicated(keep=False), "src"].unique()
    if not len(shared):
        return frame
    prefixed = ids.copy()
    for i in sorted(int(x) for x in shared):
        label = loc.labels[i]
        mine = loc.source == i
        prefix = label.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        first = ids[mine].iloc[0]
        prefixed[mine] = prefix + ":" + ids[mine]
        recs.append(
            Recognition(
                table, label, "id_prefix", f"{first} …", f"{prefix}:{first} …", int(mine.sum()), col
            )
        )
    frame = frame.copy()
    frame[col] = prefixed
    return frame


def _label_of(labels: tuple[str, ...]) -> str:
    return labels[0] if len(labels) == 1 else " + ".join(labels)


def load_study(path: str | Path, sources: Mapping[str, Any] | None = None) -> Study:
    """Read a study folder and validate every table against the data model.

    Parameters
    ----------
    path : str or Path
        The study folder: one file per table named after it (``agencies.csv``,
        ``skm_responses.parquet``, ``regions.xlsx`` …), and/or a
        ``sources.yaml`` naming the sources (files, globs, sheets, databases)
        and their mapping.
    sources : mapping, optional
        The content of a ``sources.yaml`` as a dict; the folder's file is then
        not read.

    Returns
    -------
    Study
        Frozen; its tables are new DataFrames (the sources are never modified),
        with :attr:`Study.recognitions` saying what was recognised.

    Raises
    ------
    DataValidationError
        Listing every problem of every table (and of ``sources.yaml``) at once:
        the file, column, the first offending rows as the source numbers them
        and the values, what is allowed, and how to fix it.

    Examples
    --------
    >>> from innolab_analysis.data import load_study
    >>> study = load_study("data/demo")
    >>> study.tables
    ('agencies', 'innovations', 'skm_responses', 'service_indicators', 'readiness', 'regions', 'pdrb_sectors', 'innovation_budgets')
    """
    folder = Path(path)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DataValidationError(
            [Problem(f"study folder {str(folder)!r} {what}; pass the folder holding the tables")]
        )
    described = read_sources(folder, sources)
    return memoised(folder, described, lambda: _load(folder, described))


def _load(folder: Path, described: StudySources) -> Study:
    problems = list(described.problems)
    recs: list[Recognition] = [
        Recognition(t, f, "ignored_file", f, f"{SOURCES_FILE} names the sources of {t}", 0)
        for t, f in described.ignored
    ]
    if not described.tables and not problems:
        expected = ", ".join(f"{t}.csv" for t in TABLE_NAMES)
        raise DataValidationError(
            [
                Problem(
                    f"no table files in {str(folder)!r}; name the files after the tables "
                    f"(.csv, .parquet or .xlsx) or describe them in {SOURCES_FILE}",
                    allowed=expected,
                )
            ]
        )
    frames, locators, unused, files, labels = _read_all(described, folder, problems, recs)
    _resolve_all_units(frames, locators, recs)
    for table, frame in frames.items():
        problems += check_table(frame, TABLES[table], locators[table])
    file_names = {t: _label_of(labels[t]) for t in frames}
    problems += cross_check(frames, file_names, TABLES, locators, hint=_hint(frames))
    if problems:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in study {str(folder)!r}"
        )
    private = {}
    for table, frame in frames.items():
        declared = [c.name for c in TABLES[table].columns if c.private and c.name in frame.columns]
        private[table] = tuple(
            declared + [c for c in frame.columns if c not in TABLES[table].names]
        )
        frame.attrs["private_columns"] = private[table]
    names = {f.name for f in fields(Study)}
    return Study(
        path=folder,
        files=files,
        sources={t: labels[t] for t in frames},
        recognitions=tuple(recs),
        unused_columns={t: tuple(u) for t, u in unused.items() if u and t in frames},
        private_columns={t: p for t, p in private.items() if p},
        **{t: f for t, f in frames.items() if t in names},
    )


def _read_all(described: StudySources, folder: Path, problems: list, recs: list):
    frames: dict[str, pd.DataFrame] = {}
    locators: dict[str, Locator] = {}
    unused: dict[str, list[str]] = {}
    files: dict[str, Path] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for table, sources in described.tables.items():
        parts: list[Prepared] = []
        for src in sources:
            raw, found = read_source(src, folder)
            problems += found
            if raw is None:
                continue
            prep = prepare_source(raw, src, TABLES[table], city=described.city)
            problems += prep.problems
            recs += prep.recognitions
            if prep.frame is not None and not prep.template_only:
                parts.append(prep)
                if src.path is not None:
                    files.setdefault(table, src.path)
                unused.setdefault(table, [])
                unused[table] += [u for u in prep.unused if u not in unused[table]]
        if not parts:
            continue
        frame, loc = _stack(parts)
        frames[table] = _unique_ids(table, frame, loc, recs)
        locators[table] = loc
        labels[table] = loc.labels
    return frames, locators, unused, files, labels


def _resolve_all_units(frames, locators, recs: list[Recognition]) -> None:
    agencies = frames.get("agencies")
    if agencies is None or "agency_id" not in agencies.columns or "name" not in agencies.columns:
        return
    for table, frame in list(frames.items()):
        if table == "agencies" or "agency_id" not in frame.columns:
            continue
        col = TABLES[table].column("agency_id") if "agency_id" in TABLES[table].names else None
        if col is None or col.references != "agencies.agency_id":
            continue
        resolved, used = resolve_units(frame["agency_id"], agencies)
        if not used:
            continue
        loc = locators[table]
        grouped: dict[tuple[str, str], list] = {}
        for value, aid in used.items():
            counts = count_by_source(frame["agency_id"], value, loc.source, loc.labels)
            for label, n in counts.items():
                entry = grouped.setdefault((label, value_key(value)), [value, aid, 0, 0])
                if n > entry[3]:
                    entry[0], entry[3] = value, n  # the most frequent spelling names it
                entry[2] += n
        for (label, _), (value, aid, n, _) in grouped.items():
            recs.append(Recognition(table, label, "unit_name", value, aid, n, "agency_id"))
        frame = frame.copy()
        frame["agency_id"] = resolved
        frames[table] = frame


def _hint(frames: Mapping[str, pd.DataFrame]):
    agencies = frames.get("agencies")

    def hint(table: str, column: str, unknown: list) -> str:
        if agencies is None or column != "agency_id" or "name" not in agencies.columns:
            return ""
        return unit_hint(table, [str(u) for u in unknown], agencies)

    return hint


def read_table(path: str | Path, table: TableName | None = None) -> pd.DataFrame:
    """Read and validate one table file (no checks across tables).

    Parameters
    ----------
    path : str or Path
        A .csv, .parquet, .xlsx, .sav or .dta file.
    table : str, optional
        Which table of the data model the file holds; by default the file name
        without its suffix (``agencies.csv`` → ``"agencies"``).

    Returns
    -------
    pandas.DataFrame
        Declared columns converted to their types, in declared order, then any
        other columns as read.

    Raises
    ------
    DataValidationError
        Listing every problem in the file (same messages as :func:`load_study`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "agencies.csv").write_text(
    ...     "agency_id,name,kind,city,cluster\\nDISDUK,Dinas Dukcapil,dinas,Kota Mojokerto,\\n")
    >>> agencies = read_table(folder / "agencies.csv")
    >>> agencies["kind"].tolist(), str(agencies["cluster"].dtype), agencies["cluster"].isna().all()
    (['dinas'], 'str', np.True_)
    """
    from innolab_analysis.data.sources import Source

    file = Path(path)
    name = file.stem if table is None else table
    _check_table_name(name)
    if not file.is_file():
        raise DataValidationError(
            [Problem(f"file {str(file)!r} does not exist; check the path", file=file.name)]
        )
    raw, problems = read_raw(file, name)
    frame = None
    if raw is not None:
        prep = prepare_source(raw, Source(table=name, label=file.name, path=file), TABLES[name])
        problems += prep.problems
        frame = prep.frame
        if frame is not None and not problems:
            loc = Locator((file.name,), np.zeros(len(frame), dtype=np.int64), prep.rows)
            problems += check_table(frame, TABLES[name], loc)
    if problems or frame is None:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in {file.name} (table '{name}')"
        )
    return frame
