"""Load and validate a study: a folder with one file per table.

A study folder holds files named after the tables of
:data:`~innolab_analysis.data.tables.TABLES` (``agencies.csv``,
``skm_responses.parquet``, ``regions.xlsx`` …). Tables a study does not need may
be absent; files with other names are ignored. :func:`load_study` reads every
table, converts each column to its declared type, checks every rule of the data
model (types, allowed values, ranges, blanks, unique ids and keys, date order,
ids that refer to another table) and raises one
:class:`~innolab_analysis.errors.DataValidationError` listing every problem of
every table, or returns a frozen :class:`Study`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import get_args

import pandas as pd

from innolab_analysis.data._readers import FORMATS, UNSUPPORTED, read_raw
from innolab_analysis.data._validate import cross_check, validate_table
from innolab_analysis.data.tables import TABLES
from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.options import TableName

__all__ = ["Study", "TableName", "load_study", "read_table"]


TABLE_NAMES: tuple[str, ...] = get_args(TableName)


@dataclass(frozen=True, eq=False, repr=False)
class Study:
    """A validated study: one DataFrame per table (None where the study has no file).

    Attributes
    ----------
    path : Path
        The study folder.
    files : dict
        Table name → the file it was read from.
    agencies, innovations, skm_responses, service_indicators, readiness, regions, pdrb_sectors, innovation_budgets
        The tables, with columns converted to their declared types; None when absent.
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
                        f"to {self.path}",
                        allowed=", ".join(self.tables),
                    )
                ]
            )
        return frame

    def summary(self) -> pd.DataFrame:
        """One row per table present: table, file, rows, columns."""
        return pd.DataFrame(
            [
                (t, self.files[t].name, len(getattr(self, t)), getattr(self, t).shape[1])
                for t in self.tables
            ],
            columns=["table", "file", "rows", "columns"],
        )

    def __repr__(self) -> str:
        parts = ", ".join(f"{t}={len(getattr(self, t))} rows" for t in self.tables)
        return f"Study({str(self.path)!r}: {parts})"

    def _repr_html_(self) -> str:
        return f"<p><b>Study</b> {self.path}</p>" + self.summary().to_html(index=False)


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


def _find_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    found: dict[str, list[Path]] = {}
    problems = []
    for entry in sorted(folder.iterdir()):
        if not entry.is_file():
            continue
        stem, suffix = entry.stem, entry.suffix.lower()
        if stem not in TABLES:
            continue
        if suffix in UNSUPPORTED:
            problems.append(Problem(UNSUPPORTED[suffix], file=entry.name))
        elif suffix in FORMATS:
            found.setdefault(stem, []).append(entry)
    files = {}
    for table, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(p.name for p in paths)
            problems.append(
                Problem(
                    f"two files for table '{table}': {names}; keep only one of them",
                    file=paths[0].name,
                )
            )
        else:
            files[table] = paths[0]
    return files, problems


def load_study(path: str | Path) -> Study:
    """Read a study folder and validate every table against the data model.

    Parameters
    ----------
    path : str or Path
        Folder holding one file per table, named after the table
        (``agencies.csv``, ``skm_responses.parquet``, ``regions.xlsx`` …).

    Returns
    -------
    Study
        Frozen; its tables are new DataFrames (the files are never modified).

    Raises
    ------
    DataValidationError
        Listing every problem of every table at once: file, column, the first
        offending spreadsheet rows (header = row 1) and values, and what is allowed.

    Examples
    --------
    >>> from innolab_analysis.data import load_study
    >>> study = load_study("data/demo")  # doctest: +SKIP
    >>> study.tables  # doctest: +SKIP
    ('agencies', 'innovations', 'skm_responses', ...)
    """
    folder = Path(path)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DataValidationError(
            [Problem(f"study folder {str(folder)!r} {what}; pass the folder holding the tables")]
        )
    files, problems = _find_files(folder)
    if not files and not problems:
        expected = ", ".join(f"{t}.csv" for t in TABLE_NAMES)
        raise DataValidationError(
            [
                Problem(
                    f"no table files in {str(folder)!r}; name the files after the tables "
                    "(.csv, .parquet or .xlsx)",
                    allowed=expected,
                )
            ]
        )
    frames: dict[str, pd.DataFrame] = {}
    for table, file in files.items():
        raw, found = read_raw(file, table)
        problems += found
        if raw is None:
            continue
        frame, found = validate_table(raw, TABLES[table])
        problems += found
        frames[table] = frame
    problems += cross_check(frames, {t: f.name for t, f in files.items()}, TABLES)
    if problems:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in study {str(folder)!r}"
        )
    names = {f.name for f in fields(Study)}
    return Study(path=folder, files=dict(files), **{t: f for t, f in frames.items() if t in names})


def read_table(path: str | Path, table: TableName | None = None) -> pd.DataFrame:
    """Read and validate one table file (no checks across tables).

    Parameters
    ----------
    path : str or Path
        A .csv, .parquet or .xlsx file.
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
    file = Path(path)
    name = file.stem if table is None else table
    _check_table_name(name)
    if not file.is_file():
        raise DataValidationError(
            [Problem(f"file {str(file)!r} does not exist; check the path", file=file.name)]
        )
    raw, problems = read_raw(file, name)
    if raw is not None:
        frame, found = validate_table(raw, TABLES[name])
        problems += found
    if problems or raw is None:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in {file.name} (table '{name}')"
        )
    return frame
