"""Where each table of a study comes from: ``sources.yaml``, or one file per table.

A study folder may hold ``sources.yaml`` (or :func:`~innolab_analysis.data.load_study`
may get the same as a dict, ``sources={...}``)::

    city: Kota Batu                       # agencies.city when the unit list has none
    agencies:
      file: "Daftar OPD 2024.xlsx"        # a path relative to the study folder
      sheet: OPD                          # workbooks: the sheet (default: found)
      header_row: 3                       # default: found below title and blank rows
    skm_responses:                        # several sources, read and stacked
      - file: "eskm/skm_*.csv"            # a glob: every matching file, stacked
        columns: {"Kode Layanan": agency_id}
        values: {u4: {"Tidak dipungut biaya": 4}}
      - file: "Survei SKM 2024 (Jawaban).xlsx"
        derive: {respondent_id: generated}
      - sql:                              # a database (SQLAlchemy URL, no password in it)
          url: postgresql+psycopg://analyst@db.kota.go.id/eskm
          password_env: ESKM_PASSWORD     # the password comes from this variable
          table: jawaban_skm              # or query: "SELECT …"

Tables the file does not name keep the convention: the file named after the
table (``regions.csv``). :func:`read_sources` checks the file with pydantic and
the data model: unknown keys get a "did you mean" and every problem its line.
"""

from __future__ import annotations

import difflib
import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innolab_analysis.data._yaml import KeyPath, read_plain_yaml_file
from innolab_analysis.data.tables import TABLES
from innolab_analysis.errors import Problem
from innolab_analysis.options import DateOrder, DeriveRule

__all__ = [
    "FORMATS",
    "SOURCES_FILE",
    "UNSUPPORTED",
    "Derive",
    "Source",
    "SqlSpec",
    "StudySources",
    "available_tables",
    "read_sources",
]

SOURCES_FILE = "sources.yaml"
"""Name of the file that describes a study's sources."""

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
    ".sav": "sav",
    ".dta": "dta",
}
"""File suffix → format the readers know."""

UNSUPPORTED: dict[str, str] = {
    ".xls": "old Excel workbooks (.xls) are not read; save it as .xlsx or export .csv",
    ".ods": "OpenDocument spreadsheets (.ods) are not read; save it as .xlsx or export .csv",
}

ID_COLUMNS = {"skm_responses": "respondent_id", "innovations": "innovation_id"}
"""Identifier columns a source may lack: they are then generated, stable per file and row."""


# ----------------------------------------------------------------------------- schema
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class SqlSpec(_Strict):
    """A database source: a SQLAlchemy URL without password, and a table or a query."""

    url: str | None = Field(None, description="SQLAlchemy URL without the password.")
    url_env: str | None = Field(None, description="Environment variable holding the whole URL.")
    password_env: str | None = Field(None, description="Environment variable with the password.")
    table: str | None = Field(None, description="Table (or view) to read.")
    query: str | None = Field(None, description="SELECT query to read.")
    db_schema: str | None = Field(None, alias="schema", description="Schema of the table.")


_Value = str | int | float | bool | None


class _SourceModel(_Strict):
    file: str | None = Field(None, description="Path or glob, relative to the study folder.")
    sql: SqlSpec | None = Field(None, description="A database table or query.")
    sheet: str | int | None = Field(None, description="Sheet of a workbook (name or 1-based).")
    header_row: int | None = Field(None, ge=1, description="Row of the header (1 = first).")
    columns: dict[str, str] = Field(default_factory=dict, description="Source header → column.")
    values: dict[str, dict[str, _Value]] = Field(
        default_factory=dict, description="Column → {source value: canonical value}."
    )
    derive: dict[str, Any] = Field(default_factory=dict, description="Columns the source lacks.")
    id_prefix: str | None = Field(None, description="Prefix of the generated ids.")
    drop_duplicates: bool = Field(False, description="Drop rows repeated exactly (twice sent).")
    date_order: DateOrder | None = Field(None, description="dmy or mdy for slashed dates.")


_TOP_KEYS = ("city",)


@dataclass(frozen=True)
class Derive:
    """How a column the source lacks is made: ``rule`` generated/blank/from/value."""

    rule: str
    arg: Any = None


@dataclass(frozen=True)
class Source:
    """One source of a table, checked; ``label`` names it in messages (never a password)."""

    table: str
    label: str
    path: Path | None = None
    sql: SqlSpec | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    derive: Mapping[str, Derive] = field(default_factory=dict)
    id_prefix: str | None = None
    drop_duplicates: bool = False
    date_order: str | None = None
    declared: bool = False
    """True when the source is written in ``sources.yaml`` (not the file-name convention)."""
    entry: str = ""
    """Where it is written: ``sources.yaml: skm_responses[1]`` (for the fix hints)."""


@dataclass(frozen=True)
class StudySources:
    """Every table's sources, and the problems found in ``sources.yaml`` itself."""

    folder: Path
    tables: Mapping[str, tuple[Source, ...]]
    city: str | None = None
    file: Path | None = None
    problems: tuple[Problem, ...] = ()
    ignored: tuple[tuple[str, str], ...] = ()
    """(table, file) of convention files left out because ``sources.yaml`` names the table."""


# ----------------------------------------------------------------------------- reading
def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return "; allowed: " + ", ".join(known)


class _Checker:
    def __init__(self, name: str, lines: Mapping[KeyPath, int]):
        self.name = name
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: KeyPath) -> int | None:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)

    def add(self, message: str, path: KeyPath) -> None:
        self.problems.append(
            Problem(
                message,
                file=self.name,
                line=self.line(path),
                column=".".join(str(p) for p in path) or None,
            )
        )


def read_sources(folder: str | Path, sources: Mapping[str, Any] | None = None) -> StudySources:
    """The sources of every table of a study folder.

    Parameters
    ----------
    folder : str or Path
        The study folder.
    sources : mapping, optional
        The content of a ``sources.yaml``, as a dict; when given, the folder's
        ``sources.yaml`` is not read.

    Returns
    -------
    StudySources
        With ``problems`` listing everything wrong in the description (nothing is
        raised here, so the loader can report them with the data's problems).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "skm.csv").write_text("U1\\n4\\n")
    >>> s = read_sources(folder, {"skm_responses": {"file": "skm.csv"}, "agencis": {}})
    >>> [str(p) for p in s.problems]
    ["sources, column 'agencis': unknown key 'agencis'; did you mean 'agencies'?"]
    """
    folder = Path(folder)
    file: Path | None = None
    if sources is not None:
        raw, lines, problems, name = dict(sources), {}, [], "sources"
    elif (folder / SOURCES_FILE).is_file():
        file = folder / SOURCES_FILE
        raw, lines, problems, name = *read_plain_yaml_file(file), SOURCES_FILE
    else:
        raw, lines, problems, name = {}, {}, [], SOURCES_FILE
    check = _Checker(name, lines)
    check.problems += problems
    tables: dict[str, tuple[Source, ...]] = {}
    city = None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        check.add("the file must map table names to their sources (agencies: {file: …})", ())
        raw = {}
    known = [*TABLES, *_TOP_KEYS]
    for key, value in raw.items():
        if key == "city":
            if not isinstance(value, str) or not value.strip():
                check.add("city must be the name of the kabupaten/kota, e.g. 'Kota Batu'", (key,))
            else:
                city = value.strip()
        elif key not in TABLES:
            check.add(f"unknown key '{key}'" + _suggest(key, known), (key,))
        else:
            entries = value if isinstance(value, list) else [value]
            out = []
            for i, entry in enumerate(entries):
                path: KeyPath = (key, i) if isinstance(value, list) else (key,)
                src = _source(key, entry, path, folder, check, len(entries) > 1)
                out += src
            tables[key] = tuple(out)
    ignored: list[tuple[str, str]] = []
    conventional, found = _convention_files(folder)
    check.problems += found
    for table, path in conventional.items():
        if table in tables:
            declared = {s.path for s in tables[table]}
            if path not in declared:
                ignored.append((table, path.name))
        else:
            tables[table] = (Source(table=table, label=path.name, path=path),)
    order = {t: i for i, t in enumerate(TABLES)}
    return StudySources(
        folder=folder,
        tables=dict(sorted(tables.items(), key=lambda kv: order[kv[0]])),
        city=city,
        file=file,
        problems=tuple(check.problems),
        ignored=tuple(ignored),
    )


def _entry_name(path: KeyPath) -> str:
    return f"{path[0]}[{path[1]}]" if len(path) > 1 else str(path[0])


def _source(
    table: str, entry: Any, path: KeyPath, folder: Path, check: _Checker, many: bool
) -> list[Source]:
    if not isinstance(entry, dict):
        check.add(
            f"the source of '{table}' must be a mapping such as {{file: {table}.xlsx}}, "
            f"got {entry!r}",
            path,
        )
        return []
    fields = list(_SourceModel.model_fields)
    clean = {}
    for key, value in entry.items():
        if key not in fields:
            check.add(f"unknown key '{key}'" + _suggest(key, fields), (*path, key))
        else:
            clean[key] = value
    try:
        model = _SourceModel.model_validate(clean)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"] if not str(p).startswith("function-"))
            where = (*path, *loc)
            if err["type"] == "extra_forbidden":
                parent = SqlSpec.model_fields if loc and loc[0] == "sql" else {}
                check.add(f"unknown key '{loc[-1]}'" + _suggest(loc[-1], list(parent)), where)
            else:
                got = err.get("input")
                check.add(f"{err['msg'].lower()}, got {got!r}", where)
        return []
    spec = TABLES[table]
    ok = True
    for header, canonical in model.columns.items():
        ok &= _is_column(table, canonical, (*path, "columns", header), check)
    for column, mapping in model.values.items():
        if not _is_column(table, column, (*path, "values", column), check):
            ok = False
            continue
        allowed = spec.column(column).allowed
        for source_value, canonical in mapping.items():
            if allowed and canonical is not None and str(canonical) not in allowed:
                check.add(
                    f"'{canonical}' is not allowed in {table}.{column}"
                    + _suggest(str(canonical), list(allowed)),
                    (*path, "values", column, source_value),
                )
                ok = False
    derive = {}
    for column, rule in model.derive.items():
        d = _derive(table, column, rule, (*path, "derive", column), check)
        ok &= d is not None
        if d is not None:
            derive[column] = d
    if (model.file is None) == (model.sql is None):
        check.add(
            "give the source as 'file' (a path or glob) or as 'sql' (a database), not "
            + ("both" if model.file else "neither"),
            path,
        )
        return []
    entry_name = _entry_name(path)
    common = dict(
        table=table,
        sheet=model.sheet,
        header_row=model.header_row,
        columns=dict(model.columns),
        values={c: {str(k): v for k, v in m.items()} for c, m in model.values.items()},
        derive=derive,
        id_prefix=model.id_prefix,
        drop_duplicates=model.drop_duplicates,
        date_order=model.date_order,
        declared=True,
        entry=entry_name,
    )
    if model.sql is not None:
        if not _check_sql(model.sql, (*path, "sql"), check) or not ok:
            return []
        what = model.sql.table or "query"
        return [Source(label=f"sql:{what} ({entry_name})", sql=model.sql, **common)]
    paths = _glob(folder, model.file)
    if not paths:
        files = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in FORMATS and not p.name.startswith(".")
        )
        hint = difflib.get_close_matches(model.file, files, n=1, cutoff=0.5)
        more = (
            f"; did you mean '{hint[0]}'?"
            if hint
            else (
                "; files in the folder: " + ", ".join(files[:10])
                if files
                else "; the folder has no table files"
            )
        )
        check.add(f"no file matches '{model.file}' in the study folder" + more, (*path, "file"))
        return []
    out = []
    for p in paths:
        suffix = p.suffix.lower()
        if suffix not in FORMATS and suffix not in UNSUPPORTED:
            check.add(
                f"'{_rel(p, folder)}' is not a table file; use " + ", ".join(FORMATS),
                (*path, "file"),
            )
            continue
        out.append(Source(label=_rel(p, folder), path=p, **common))
    return out if ok else []


def _rel(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


def _glob(folder: Path, pattern: str) -> list[Path]:
    base = Path(pattern)
    if not base.is_absolute():
        base = folder / pattern
    if glob.has_magic(str(pattern)):
        return sorted(Path(p) for p in glob.glob(str(base), recursive=True) if Path(p).is_file())
    return [base] if base.is_file() else []


def _is_column(table: str, column: str, where: KeyPath, check: _Checker) -> bool:
    names = list(TABLES[table].names)
    if column in names:
        return True
    check.add(f"'{column}' is not a column of {table}" + _suggest(column, names), where)
    return False


def _derive(table: str, column: str, rule: Any, where: KeyPath, check: _Checker) -> Derive | None:
    spec = TABLES[table]
    if not _is_column(table, column, where, check):
        return None
    words = list(get_args(DeriveRule))
    if isinstance(rule, str):
        if rule not in words:
            check.add(
                f"derive rule {rule!r} is unknown; write 'generated', 'blank', "
                "{from: <column or header>} or {value: <value>}",
                where,
            )
            return None
        if rule == "generated" and ID_COLUMNS.get(table) != column:
            check.add(
                f"only {table}'s identifier can be generated"
                + (f" ({ID_COLUMNS[table]})" if table in ID_COLUMNS else f": {table} has none"),
                where,
            )
            return None
        if rule == "blank" and not spec.column(column).nullable:
            check.add(
                f"{table}.{column} must be filled in, so it cannot be blank; map a source "
                "column to it or give {value: …}",
                where,
            )
            return None
        return Derive(rule)
    if isinstance(rule, dict) and len(rule) == 1 and next(iter(rule)) in ("from", "value"):
        key, arg = next(iter(rule.items()))
        if key == "from" and not isinstance(arg, str):
            check.add(f"'from' names a column or a source header, got {arg!r}", where)
            return None
        if key == "value" and (arg is None or isinstance(arg, list | dict)):
            check.add(f"'value' must be one value, got {arg!r}", where)
            return None
        return Derive(key, arg)
    check.add(
        "write 'generated', 'blank', {from: <column or header>} or {value: <value>}, "
        f"got {rule!r}",
        where,
    )
    return None


def _check_sql(sql: SqlSpec, where: KeyPath, check: _Checker) -> bool:
    ok = True
    if (sql.url is None) == (sql.url_env is None):
        check.add("give 'url' (without password) or 'url_env' (a variable holding it)", where)
        ok = False
    if sql.url is not None:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(sql.url)
        except ArgumentError:
            check.add(
                "'url' is not a database URL (e.g. postgresql+psycopg://user@host/db)",
                (*where, "url"),
            )
            return False
        if url.password is not None:
            check.add(
                "the URL holds a password; remove it and name an environment variable with "
                "'password_env' (passwords never go in sources.yaml)",
                (*where, "url"),
            )
            ok = False
    if (sql.table is None) == (sql.query is None):
        check.add("give 'table' or 'query', one of them", where)
        ok = False
    return ok


def _convention_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    found: dict[str, list[Path]] = {}
    problems = []
    if not folder.is_dir():
        return {}, []
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


def available_tables(folder: str | Path) -> set[str]:
    """Tables a study folder provides (``sources.yaml`` and the convention), without reading them.

    Examples
    --------
    >>> available_tables("data/demo") >= {"agencies", "skm_responses"}
    True
    """
    return set(read_sources(folder).tables)
