"""Read one source of a table as it is, before any validation.

Files: ``.csv`` (as text: every cell a string, so the validator decides how to
read numbers and dates; the encoding — UTF-8, UTF-8 with BOM, UTF-16 with BOM or
Windows-1252, never a mix of them — and the separator are detected), ``.xlsx``
(the sheet and the header row are found, title rows and footers left out),
``.parquet``, SPSS ``.sav`` and Stata ``.dta`` (via pyreadstat, with their
variable and value labels). Databases through SQLAlchemy (a table or a query).
Files that are not tables at all (empty, PDF, ZIP, binary) are refused with a
message that says what the file looks like. Nothing here writes to a source.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from innolab_analysis.data._layout import (
    find_header,
    inner_summary_rows,
    is_blank,
    summary_problem,
    trailing_rows,
)
from innolab_analysis.data.sources import FORMATS, UNSUPPORTED, Source
from innolab_analysis.errors import Problem

__all__ = ["FORMATS", "UNSUPPORTED", "RawTable", "read_raw", "read_source"]

Note = tuple[str, str, str, int]
"""(kind, what was found, what it became, rows) — a recognition made while reading."""


@dataclass(frozen=True)
class RawTable:
    """A table as read from its source: original headers, cells not yet converted."""

    frame: pd.DataFrame
    file: str
    """The source's label (a path relative to the study folder, or ``sql:…``)."""
    decimal: str
    """The decimal mark the file's convention suggests: ',' for ';'- or tab-separated CSV."""
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """The row number each frame row has in the source (a spreadsheet's numbering)."""
    notes: tuple[Note, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    """Variable labels of SPSS/Stata files: header → label (often the question)."""
    value_labels: Mapping[str, Mapping[object, str]] = field(default_factory=dict)
    """Value labels of SPSS/Stata files: header → {code: label}."""
    native: bool = False
    """True for typed sources (Parquet, SPSS, Stata, SQL): no title rows or footers to find."""


def _empty(name: str) -> Problem:
    return Problem("the file is empty; export the table again or remove the file", file=name)


def _what_is(head: bytes) -> str | None:
    """Name the kind of a binary file from its first bytes, or None for text."""
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (an .xlsx workbook saved under another name?)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel/Office file (.xls/.doc)"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    if head.startswith(b"PAR1"):
        return "a Parquet file"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data"
    return None


def _nul_rows(data: bytes) -> list[int]:
    """The rows (1-based lines) holding NUL bytes when the rest of ``data`` is text, else []."""
    rest = data.replace(b"\x00", b"")
    controls = sum(rest.count(bytes([c])) for c in range(32) if c not in (9, 10, 13))
    if not rest.strip() or controls > len(rest) // 20:
        return []
    return [i for i, line in enumerate(data.split(b"\n"), start=1) if b"\x00" in line]


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def _decode(data: bytes, name: str) -> tuple[str | None, Problem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            return None, Problem(
                f"the file starts with a UTF-16 byte-order mark but is not valid UTF-16 from "
                f"byte {exc.start} on (row {line}: {exc.reason}; a truncated or damaged "
                "export?); export the table again, preferably as 'CSV UTF-8'",
                file=name,
            )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    utf8, cp1252 = [], []
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.append(i)
        except UnicodeDecodeError:
            cp1252.append(i)
    if utf8 and cp1252:
        return None, Problem(
            f"the file mixes two text encodings: UTF-8 on row(s) {_rows_text(utf8)} and "
            f"Windows-1252 on row(s) {_rows_text(cp1252)} (rows pasted from different "
            "exports); reading it either way would garble accented letters, so open it in a "
            "spreadsheet, check those rows and save it again as 'CSV UTF-8'",
            file=name,
        )
    try:
        return data.decode("cp1252"), None
    except UnicodeDecodeError:
        return None, Problem(
            "the text encoding is not UTF-8 or Windows-1252; save the file as 'CSV UTF-8'",
            file=name,
        )


def _records(text: str, sep: str, limit: int = 40) -> list[list[str]]:
    """The first ``limit`` non-blank records of ``text`` read with ``sep``, quotes honoured
    (a quoted cell may hold line breaks), as far as they can be read."""
    out: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                out.append(record)
                if len(out) >= limit:
                    break
    except csv.Error:
        pass
    return out


def _sniff_separator(lines: Sequence[str] | str) -> str:
    """The separator that splits most lines into the same number of fields (ties: ',').

    Given the whole text, the records are read with each separator in turn, quotes
    honoured, so a quoted cell holding a line break or a tab does not mislead the count.
    """
    from collections import Counter

    best, best_score = ",", (0, 0)
    for sep in (",", ";", "\t"):
        if isinstance(lines, str):
            widths = [len(r) - 1 for r in _records(lines, sep)]
        else:
            widths = []
            for line in lines:
                try:
                    widths.append(len(next(csv.reader([line], delimiter=sep))) - 1)
                except (csv.Error, StopIteration):
                    widths.append(0)
        counts = Counter(n for n in widths if n > 0)
        if not counts:
            continue
        width, lines_with_it = counts.most_common(1)[0]
        score = (lines_with_it, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path, name: str, table: str, header_row: int | None):
    data = path.read_bytes()
    if not data.strip():
        return None, [_empty(name)]
    kind = _what_is(data[:4096])
    nul_rows = _nul_rows(data) if kind == "binary data" else None
    if nul_rows:
        return None, [
            Problem(
                f"the file is text but holds NUL bytes (character 0) on row(s) "
                f"{_rows_text(nul_rows)}, which no spreadsheet export writes (a damaged file, "
                "or cells pasted from another program?); remove them (open the file in a text "
                "editor, or in a spreadsheet and save it again as 'CSV UTF-8')",
                file=name,
            )
        ]
    if kind is not None:
        return None, [
            Problem(
                f"this is not a CSV table but {kind}; export the table as .csv, .xlsx or .parquet",
                file=name,
            )
        ]
    text, problem = _decode(data, name)
    if problem is not None:
        return None, [problem]
    sep = _sniff_separator(text)
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    head: list[list[str]] = []
    ends: list[int] = []
    try:
        for record in reader:
            head.append(record)
            ends.append(reader.line_num)
            if len(head) >= max(30, header_row or 0):
                break
    except csv.Error as exc:
        return None, [Problem(f"the file cannot be read as CSV ({exc}); check quoting", file=name)]
    header, tried = find_header(head, table, header_row)
    if header is None:
        return None, [_no_header(name, tried)]
    skip = ends[header.index - 1] if header.index > 0 else 0
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skiprows=skip,
            header=0,
            index_col=False,
        )
    except pd.errors.ParserError as exc:
        return None, [
            Problem(
                f"the file cannot be read as a '{sep}'-separated table ({exc}); check quoting "
                "and the number of fields per line",
                file=name,
            )
        ]
    except pd.errors.EmptyDataError:
        return None, [_empty(name)]
    rows = np.arange(len(frame), dtype=np.int64) + header.index + 2
    notes = [("header_row", n, "", len(frame)) for n in header.notes]
    decimal = "," if sep in {";", "\t"} else "."
    return _finish(frame, header.names, name, decimal, rows, notes, table)


def _no_header(name: str, tried: Sequence[str], sheet: str | None = None) -> Problem:
    where = f"sheet '{sheet}'" if sheet else "the file"
    return Problem(
        f"no header row found in {where}: none of the first rows has two or more column "
        f"names ({'; '.join(tried) or 'all blank'}); put the column names in one row, or "
        "give header_row in sources.yaml",
        file=name,
    )


def _sheet_names(book) -> list[str]:
    return [ws.title for ws in book.worksheets]


def _choose_sheet(book, table: str, sheet: str | int | None, name: str, header_row: int | None):
    """The sheet to read, the note to report, or a problem naming what was tried."""
    from innolab_analysis.data.aliases import header_key, response_sheets
    from innolab_analysis.l10n import catalog

    names = _sheet_names(book)
    if sheet is not None:
        if isinstance(sheet, int):
            if 1 <= sheet <= len(names):
                return names[sheet - 1], None, None
            return (
                None,
                None,
                Problem(
                    f"the workbook has {len(names)} sheet(s); sheet {sheet} does not exist "
                    f"(sheets: {', '.join(names)})",
                    file=name,
                ),
            )
        if sheet in names:
            return sheet, None, None
        close = difflib.get_close_matches(sheet, names, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return (
            None,
            None,
            Problem(
                f"the workbook has no sheet '{sheet}' (sheets: {', '.join(names)}){hint}",
                file=name,
            ),
        )
    label = catalog().get(f"data.table.{table}", {})
    wanted = {header_key(n) for n in (table, label.get("id", ""), label.get("en", "")) if n}
    if table == "skm_responses":
        wanted |= {header_key(s) for s in response_sheets()}
    named = [n for n in names if header_key(n) in wanted]
    if named:
        return (
            named[0],
            (f"sheet '{named[0]}' (named after the table)" if len(names) > 1 else None),
            None,
        )
    from innolab_analysis.data._layout import _recognised

    tried, best, best_score = [], None, (-1, 0)
    for i, n in enumerate(names[:12]):
        head = [list(r) for r in book[n].iter_rows(max_row=30, values_only=True)]
        header, _ = find_header(head, table, header_row)
        if header is None:
            tried.append(
                f"'{n}' ({'empty' if not any(any(not is_blank(v) for v in r) for r in head) else 'no header row'})"
            )
            continue
        score = (_recognised(header.names, table), -i)
        tried.append(f"'{n}' (header on row {header.index + 1})")
        if score > best_score:
            best, best_score = n, score
    if best is None:
        return (
            None,
            None,
            Problem(
                "no sheet of the workbook holds a table: tried "
                + ", ".join(tried)
                + "; put the table on a sheet with its column names in one row, or name the "
                "sheet in sources.yaml (sheet: …)",
                file=name,
            ),
        )
    note = None
    if best != names[0]:
        first = tried[0] if tried else f"'{names[0]}'"
        note = f"sheet '{best}' (sheet {first} holds no {table} columns)"
    return best, note, None


DAMAGED_WORKBOOK = (
    zipfile.BadZipFile,  # a damaged ZIP directory or a part whose checksum fails
    zlib.error,  # a part that does not decompress
    EOFError,  # a part cut short
    NotImplementedError,  # a ZIP header claiming an unknown version or compression
    RuntimeError,  # zipfile: a part whose (damaged) flags say it is encrypted
    ElementTree.ParseError,  # a part that is not well-formed XML
    KeyError,  # a part the workbook needs is missing
    OSError,
    ValueError,  # openpyxl's refusal of values it cannot read
)
"""What openpyxl raises on a damaged workbook (truncated, overwritten, parts replaced)."""


def _damaged_workbook(name: str, exc: BaseException) -> Problem:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return Problem(
        f"the .xlsx workbook is damaged and cannot be read ({detail}); open it in Excel and "
        "save it again, or export the table as .csv",
        file=name,
    )


def _read_xlsx(path: Path, name: str, table: str, sheet, header_row):
    if path.stat().st_size == 0:
        return None, [_empty(name)]
    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            kind = _what_is(fh.read(4096)) or "text"
        return None, [
            Problem(
                f"this is not an .xlsx workbook (not a ZIP archive) but {kind}; save it from "
                "Excel as .xlsx or export .csv",
                file=name,
            )
        ]
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except DAMAGED_WORKBOOK as exc:
        return None, [_damaged_workbook(name, exc)]
    try:
        # read-only workbooks read their sheets lazily: a damaged sheet fails here
        chosen, sheet_note, problem = _choose_sheet(book, table, sheet, name, header_row)
        if problem is not None:
            return None, [problem]
        rows = list(book[chosen].iter_rows(values_only=True))
    except DAMAGED_WORKBOOK as exc:
        return None, [_damaged_workbook(name, exc)]
    finally:
        book.close()
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        return None, [
            Problem(f"sheet '{chosen}' is empty; put the table on it or remove the file", file=name)
        ]
    header, tried = find_header(rows, table, header_row)
    if header is None:
        return None, [_no_header(name, tried, chosen)]
    width = len(header.names)
    body = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows[header.index + 1 :]]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    row_numbers = np.arange(len(frame), dtype=np.int64) + header.index + 2
    notes = []
    if sheet_note:
        notes.append(("sheet", sheet_note, "", len(frame)))
    notes += [("header_row", n, "", len(frame)) for n in header.notes]
    return _finish(frame, header.names, name, ".", row_numbers, notes, table)


def _blank_cells(s: pd.Series) -> np.ndarray:
    if s.dtype == object:
        return s.map(is_blank).to_numpy(dtype=bool)
    if pd.api.types.is_string_dtype(s.dtype):
        return (s.isna() | s.str.strip().eq("")).to_numpy(dtype=bool)
    return s.isna().to_numpy(dtype=bool)


def _drop_blank_rows(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, int]:
    if frame.empty:
        return frame, rows, 0
    blank = np.ones(len(frame), dtype=bool)
    for col in range(frame.shape[1]):
        blank &= _blank_cells(frame.iloc[:, col])
        if not blank.any():
            break
    if not blank.any():
        return frame, rows, 0
    last = np.flatnonzero(~blank)
    inner = int(blank[: last[-1] + 1].sum()) if len(last) else 0
    keep = ~blank
    return frame.loc[keep].reset_index(drop=True), rows[keep], inner


def _finish(
    frame: pd.DataFrame,
    header: list[str],
    name: str,
    decimal: str,
    rows: np.ndarray,
    notes: list[Note],
    table: str,
) -> tuple[RawTable | None, list[Problem]]:
    problems = []
    cleaned = [str(h).strip() for h in header]
    cleaned += [""] * (frame.shape[1] - len(cleaned))
    if len(cleaned) != frame.shape[1]:
        return None, [
            Problem(
                f"the header has {len(cleaned)} column(s) but the rows have {frame.shape[1]}; "
                "check the separator and quoting",
                file=name,
            )
        ]
    frame.columns = range(frame.shape[1])
    # Trailing separators in Excel exports make unnamed, empty columns: drop them.
    empty = [i for i, h in enumerate(cleaned) if h == "" and _blank_cells(frame.iloc[:, i]).all()]
    if empty:
        keep = [i for i in range(len(cleaned)) if i not in empty]
        frame = frame.iloc[:, keep]
        cleaned = [cleaned[i] for i in keep]
    seen: dict[str, int] = {}
    for h in cleaned:
        seen[h] = seen.get(h, 0) + 1
    dups = [h for h, n in seen.items() if n > 1 and h]
    if dups:
        problems.append(
            Problem(
                "the header repeats column name(s) "
                + ", ".join(repr(d) for d in dups)
                + "; give every column a distinct name",
                file=name,
            )
        )
    if "" in cleaned:
        positions = [str(i + 1) for i, h in enumerate(cleaned) if h == ""]
        problems.append(
            Problem(
                f"the header has blank column name(s) at position(s) {', '.join(positions)}; "
                "name every column or delete the empty ones",
                file=name,
            )
        )
    if problems:
        return None, problems
    frame.columns = cleaned
    frame, rows, inner = _drop_blank_rows(frame.reset_index(drop=True), rows)
    if inner:
        notes.append(("blank_rows", f"{inner} blank row(s) between the data", "", inner))
    tail = [tuple(r) for r in frame.tail(30).itertuples(index=False, name=None)]
    n_tail, footers, summaries = trailing_rows(tail, table, len(cleaned))
    if n_tail:
        if footers:
            notes.append(("footer", "; ".join(footers), "", len(footers)))
        if summaries:
            notes.append(("summary_rows", ", ".join(summaries), "", len(summaries)))
        frame, rows = (
            frame.iloc[: len(frame) - n_tail].reset_index(drop=True),
            rows[: len(rows) - n_tail],
        )
    if table == "skm_responses" and len(frame):
        found = _inner_summaries(frame)
        if found:
            return None, [summary_problem(found, rows, name)]
    if len(frame) == 0:
        return None, [
            Problem(
                "the file has a header but no data rows; add the rows or remove the file",
                file=name,
            )
        ]
    final = [(k, f, b, len(frame) if k in ("sheet", "header_row") else n) for k, f, b, n in notes]
    return RawTable(frame=frame, file=name, decimal=decimal, rows=rows, notes=tuple(final)), []


def _inner_summaries(frame: pd.DataFrame) -> list[tuple[int, str]]:
    """Summary-like rows (NRR, IKM …) anywhere in the data, found without a loop over rows."""
    from innolab_analysis.data.aliases import summary_labels

    firsts = {label.split()[0] for label in summary_labels()}
    candidate = np.zeros(len(frame), dtype=bool)
    for c in range(min(3, frame.shape[1])):
        col = frame.iloc[:, c]
        text = col.map(lambda v: v if isinstance(v, str) else None) if col.dtype == object else col
        if not pd.api.types.is_string_dtype(text.dtype) and text.dtype != object:
            continue
        text = text.astype("str")
        if not text.notna().any():
            continue
        word = text.str.strip().str.lower().str.extract(r"^(\S+)", expand=False)
        candidate |= word.isin(firsts).fillna(False).to_numpy(dtype=bool)
    positions = np.flatnonzero(candidate)
    sub = [tuple(frame.iloc[i, :3]) for i in positions]
    return [(int(positions[j]), label) for j, label in inner_summary_rows(sub)]


def _native(frame: pd.DataFrame, name: str, start: int = 2, **kw) -> RawTable:
    rows = np.arange(len(frame), dtype=np.int64) + start
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame=frame, file=name, decimal=".", rows=rows, native=True, **kw)


def _read_parquet(path: Path, name: str):
    if path.stat().st_size == 0:
        return None, [_empty(name)]
    with path.open("rb") as fh:
        head = fh.read(4)
    if head != b"PAR1":
        kind = _what_is(head) or "text or another format"
        return None, [
            Problem(
                f"this is not a Parquet file but {kind}; write it with "
                "DataFrame.to_parquet or export .csv",
                file=name,
            )
        ]
    import pyarrow
    import pyarrow.parquet as pq

    try:
        # date32 columns as datetime64 (not Python date objects), so conversion stays vectorised
        arrow = pq.read_table(path)
        arrow.validate(full=True)  # text that is not UTF-8 fails here, not in a later step
        frame = arrow.to_pandas(date_as_object=False)
    except (
        pyarrow.ArrowException,  # a damaged footer, schema or page
        OSError,
        ValueError,  # a column name that is not UTF-8, pandas metadata that is not JSON
        KeyError,  # pandas metadata that lacks its fields
    ) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return None, [
            Problem(
                f"the Parquet file is damaged and cannot be read ({detail}); write it again "
                "(DataFrame.to_parquet) or export the table as .csv",
                file=name,
            )
        ]
    if len(frame) == 0:
        return None, [Problem("the file has no rows; add the rows or remove the file", file=name)]
    return _native(frame, name), []


def _read_stat(path: Path, name: str, fmt: str):
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    try:
        frame, meta = reader(str(path))
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        what = "SPSS" if fmt == "sav" else "Stata"
        return None, [Problem(f"the {what} file cannot be read ({exc}); save it again", file=name)]
    if len(frame) == 0:
        return None, [Problem("the file has no rows; add the rows or remove the file", file=name)]
    labels = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    value_labels = dict(meta.variable_value_labels or {})
    return _native(frame, name, 1, labels=labels, value_labels=value_labels), []


_SECRET = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """Remove passwords from a message: ``user:secret@`` in URLs and every given secret.

    Examples
    --------
    >>> scrub("could not connect to postgresql://ana:s3cret@db/eskm", ["s3cret"])
    'could not connect to postgresql://ana:***@db/eskm'
    """
    text = _SECRET.sub(r"\1***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _read_sql(source: Source, folder: Path):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    spec = source.sql
    name = source.label
    secrets: list[str] = []
    if spec.url_env:
        raw_url = os.environ.get(spec.url_env)
        if not raw_url:
            return None, [
                Problem(
                    f"the environment variable {spec.url_env} (named by url_env) is not set; "
                    "set it to the database URL before loading",
                    file=name,
                )
            ]
        url = make_url(raw_url)
        if url.password:
            secrets.append(str(url.password))
    else:
        url = make_url(spec.url)
    if spec.password_env:
        password = os.environ.get(spec.password_env)
        if password is None:
            return None, [
                Problem(
                    f"the environment variable {spec.password_env} (named by password_env) is "
                    "not set; set it to the database password before loading",
                    file=name,
                )
            ]
        secrets.append(password)
        url = url.set(password=password)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.isabs(url.database):
        url = url.set(database=str(folder / url.database))
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        return None, [
            Problem(f"cannot use the database URL ({scrub(str(exc), secrets)})", file=name)
        ]
    try:
        with engine.connect() as conn:
            if spec.table:
                frame = pd.read_sql_table(spec.table, conn, schema=spec.db_schema)
            else:
                frame = pd.read_sql_query(text(spec.query), conn)
    except (SQLAlchemyError, ValueError) as exc:
        message = scrub(str(exc).split("\n(Background on this error")[0], secrets)
        return None, [
            Problem(
                f"cannot read from the database: {' '.join(message.split())}; check the URL, "
                "the table or query and the password variable",
                file=name,
            )
        ]
    finally:
        engine.dispose()
    if len(frame) == 0:
        return None, [Problem("the table or query returned no rows", file=name)]
    return _native(frame, name, 1), []


def read_source(source: Source, folder: Path) -> tuple[RawTable | None, list[Problem]]:
    """Read one source (file or database) of a table without converting its cells.

    Parameters
    ----------
    source : Source
        From :func:`~innolab_analysis.data.sources.read_sources`.
    folder : Path
        The study folder (SQLite paths are relative to it).

    Returns
    -------
    raw : RawTable or None
        None when the source cannot be read at all.
    problems : list of Problem
    """
    if source.sql is not None:
        return _read_sql(source, folder)
    path = source.path
    name = source.label
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        return None, [Problem(UNSUPPORTED[suffix], file=name)]
    fmt = FORMATS.get(suffix)
    if fmt is None:
        return None, [
            Problem(f"unknown file type '{suffix}'", file=name, allowed=", ".join(FORMATS))
        ]
    if fmt == "csv":
        return _read_csv(path, name, source.table, source.header_row)
    if fmt == "parquet":
        return _read_parquet(path, name)
    if fmt in ("sav", "dta"):
        return _read_stat(path, name, fmt)
    return _read_xlsx(path, name, source.table, source.sheet, source.header_row)


def read_raw(path: Path, table: str) -> tuple[RawTable | None, list[Problem]]:
    """Read one table file by the file-name convention (see :func:`read_source`)."""
    return read_source(Source(table=table, label=path.name, path=path), path.parent)
