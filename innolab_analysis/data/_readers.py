"""Read one table file (.csv, .parquet, .xlsx) as it is, before any validation.

CSV files are read as text (every cell a string) so that the validator decides
how to parse numbers and dates; the encoding (UTF-8, UTF-8 with BOM, UTF-16 with
BOM, Windows-1252) and the separator (``,``, ``;`` or tab, sniffed from the
header line) are detected. Files that are not tables at all (empty, PDF, ZIP,
binary) are refused with a message that says what the file looks like.
Nothing here writes to the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from innolab_analysis.errors import Problem

FORMATS: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
"""File suffix → format read by :func:`read_raw`."""

UNSUPPORTED: dict[str, str] = {
    ".xls": "old Excel workbooks (.xls) are not read; save it as .xlsx or export .csv",
    ".ods": "OpenDocument spreadsheets (.ods) are not read; save it as .xlsx or export .csv",
}


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file: original headers, cells not yet converted."""

    frame: pd.DataFrame
    file: str
    decimal: str
    """The decimal mark the file's convention suggests: ',' for ';'- or tab-separated CSV."""


def _empty(name: str) -> Problem:
    return Problem("the file is empty; export the table again or remove the file", file=name)


def _sniff_separator(header_line: str) -> str:
    counts = {}
    for sep in (",", ";", "\t"):
        try:
            counts[sep] = len(next(csv.reader([header_line], delimiter=sep))) - 1
        except (csv.Error, StopIteration):
            counts[sep] = 0
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


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


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def _read_csv(path: Path, name: str) -> tuple[RawTable | None, list[Problem]]:
    data = path.read_bytes()
    if not data.strip():
        return None, [_empty(name)]
    kind = _what_is(data[:4096])
    if kind is not None:
        return None, [
            Problem(
                f"this is not a CSV table but {kind}; export the table as .csv, .xlsx or .parquet",
                file=name,
            )
        ]
    try:
        text, _ = _decode(data)
    except UnicodeDecodeError:
        return None, [
            Problem(
                "the text encoding is not UTF-8 or Windows-1252; save the file as 'CSV UTF-8'",
                file=name,
            )
        ]
    header_line = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    sep = _sniff_separator(header_line)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
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
    header = next(csv.reader([header_line], delimiter=sep))
    return _finish(frame, header, name, "," if sep in {";", "\t"} else ".")


def _read_parquet(path: Path, name: str) -> tuple[RawTable | None, list[Problem]]:
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
        frame = pq.read_table(path).to_pandas(date_as_object=False)
    except (pyarrow.ArrowException, OSError) as exc:
        return None, [
            Problem(f"the Parquet file cannot be read ({exc}); write it again", file=name)
        ]
    return _finish(frame, [str(c) for c in frame.columns], name, ".")


def _read_xlsx(path: Path, name: str, table: str) -> tuple[RawTable | None, list[Problem]]:
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
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return None, [
            Problem(f"the .xlsx workbook cannot be opened ({exc}); save it again", file=name)
        ]
    try:
        by_name = {ws.title.strip().lower(): ws.title for ws in book.worksheets}
        sheet = by_name.get(table, book.worksheets[0].title)
        rows = list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        return None, [
            Problem(f"sheet '{sheet}' is empty; put the table on it or remove the file", file=name)
        ]
    header = ["" if v is None else str(v) for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    body = [r[: len(header)] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=range(len(header)), dtype=object)
    frame.columns = header
    return _finish(frame, header, name, ".")


def _finish(
    frame: pd.DataFrame, header: list[str], name: str, decimal: str
) -> tuple[RawTable | None, list[Problem]]:
    problems = []
    cleaned = [str(h).strip() for h in header]
    if len(cleaned) == frame.shape[1]:
        # Trailing separators in Excel exports make unnamed, empty columns: drop them.
        empty = [
            i
            for i, h in enumerate(cleaned)
            if h == ""
            and frame.iloc[:, i].astype("str").str.strip().isin(["", "None", "nan"]).all()
        ]
        if empty:
            keep = [i for i in range(len(cleaned)) if i not in empty]
            frame = frame.iloc[:, keep]
            cleaned = [cleaned[i] for i in keep]
    else:
        return None, [
            Problem(
                f"the header has {len(cleaned)} column(s) but the rows have {frame.shape[1]}; "
                "check the separator and quoting",
                file=name,
            )
        ]
    seen: dict[str, int] = {}
    for h in cleaned:
        seen[h] = seen.get(h, 0) + 1
    dups = [h for h, n in seen.items() if n > 1]
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
    if len(frame) == 0:
        return None, [
            Problem(
                "the file has a header but no data rows; add the rows or remove the file",
                file=name,
            )
        ]
    return RawTable(frame=frame.reset_index(drop=True), file=name, decimal=decimal), []


def read_raw(path: Path, table: str) -> tuple[RawTable | None, list[Problem]]:
    """Read a table file without converting its cells.

    Parameters
    ----------
    path : Path
        The file; its suffix selects the reader (.csv, .parquet, .xlsx).
    table : str
        The table name (selects the .xlsx sheet when one is named after it).

    Returns
    -------
    raw : RawTable or None
        None when the file cannot be read at all.
    problems : list of Problem
    """
    name = path.name
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        return None, [Problem(UNSUPPORTED[suffix], file=name)]
    fmt = FORMATS.get(suffix)
    if fmt is None:
        allowed = ", ".join(FORMATS)
        return None, [Problem(f"unknown file type '{suffix}'", file=name, allowed=allowed)]
    if fmt == "csv":
        return _read_csv(path, name)
    if fmt == "parquet":
        return _read_parquet(path, name)
    return _read_xlsx(path, name, table)
