"""Find the table on a sheet: title and blank rows above the header, footers and summary rows below.

Office lists and e-SKM sheets rarely start with the header on row 1: a merged
title row ("DAFTAR PERANGKAT DAERAH KOTA …"), blank rows and sometimes a second
header row sit above it; a "Sumber: …" footer, a signature block or the
"pengolahan" summary rows (NRR, BOBOT, IKM) sit below the data. The functions
here work on the rows of a sheet as read (lists of cells) and say what they
found, so the loader can report it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from innolab_analysis.data.aliases import (
    header_key,
    header_lookup,
    normalise_text,
    question_words,
    summary_labels,
    timestamp_headers,
)
from innolab_analysis.errors import Problem

__all__ = ["Header", "find_header", "is_blank", "trailing_rows"]

SCAN_ROWS = 30
"""How many rows from the top may hold the header."""

_FOOTER = re.compile(
    r"^\s*(sumber|source|keterangan|ket\b|catatan|note|notes|\*|dicetak|printed|"
    r"diolah|mengetahui|kepala|nip\b)",
    re.IGNORECASE,
)
_CODE = re.compile(r"^(?:u|unsur)\s*0?\d{1,2}\b")


def is_blank(value: object) -> bool:
    """True for None, NaN and text that is only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip() == ""


def _filled(row: Sequence[object]) -> list[tuple[int, object]]:
    return [(i, v) for i, v in enumerate(row) if not is_blank(v)]


def _is_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    return not re.fullmatch(r"[+-]?[\d.,]+%?", value.strip())


def _recognised(cells: Sequence[object], table: str) -> int:
    lookup = header_lookup(table)
    stamps = timestamp_headers() if table == "skm_responses" else {}
    qwords = question_words()
    n = 0
    for v in cells:
        key = header_key(v)
        if key in lookup or key in stamps:
            n += 1
        elif table == "skm_responses" and (
            _CODE.match(key) or set(normalise_text(v).split()) & qwords
        ):
            n += 1
    return n


def _short(value: object, width: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Header:
    """Where the header of a sheet is and what was skipped above it."""

    index: int
    """0-based row index of the header (the last row when it spans two)."""
    names: list[str]
    notes: list[str] = field(default_factory=list)
    """What was found, in words ("row 3 (rows 1–2 above: title 'DAFTAR …', blank)")."""
    two_rows: bool = False


def find_header(
    rows: Sequence[Sequence[object]], table: str, header_row: int | None = None
) -> tuple[Header | None, list[str]]:
    """Find the header row among the first rows of a sheet.

    Parameters
    ----------
    rows : sequence of sequences
        The first rows of the sheet (cells as read).
    table : str
        The table the sheet should hold (its headers score a row).
    header_row : int, optional
        The header's 1-based row, from ``sources.yaml``: used as it is.

    Returns
    -------
    header : Header or None
        None when no row looks like a header.
    tried : list of str
        When None: what each candidate row looked like, for the message.

    Examples
    --------
    >>> h, _ = find_header([["DAFTAR PERANGKAT DAERAH"], [], ["No", "Nama Perangkat Daerah",
    ...     "Singkatan"], [1, "Dinas Kesehatan", "Dinkes"]], "agencies")
    >>> h.index, h.names, h.notes
    (2, ['No', 'Nama Perangkat Daerah', 'Singkatan'], ["row 3; above it: title 'DAFTAR PERANGKAT DAERAH', 1 blank row"])
    """
    head = [list(r) for r in rows[:SCAN_ROWS]]
    if header_row is not None:
        i = header_row - 1
        if i >= len(rows):
            return None, [f"header_row {header_row} is below the last row ({len(rows)})"]
        return Header(i, _names(head[i] if i < len(head) else list(rows[i]))), []
    width = max((len(_filled(r)) for r in head), default=0)
    best, best_score = None, (-1, -1)
    for i, row in enumerate(head):
        cells = [v for _, v in _filled(row)]
        if len(cells) < 2 or sum(_is_text(v) for v in cells) < 0.8 * len(cells):
            continue
        score = (_recognised(cells, table), len(cells))
        if score[0] > best_score[0] or (
            score[0] == best_score[0] == 0 and best is None and len(cells) >= 0.5 * width
        ):
            best, best_score = i, score
    if best is None:
        tried = [
            f"row {i + 1}: "
            + (", ".join(repr(_short(v, 20)) for _, v in _filled(r)[:4]) or "blank")
            for i, r in enumerate(head[:5])
        ]
        return None, tried
    names = _names(head[best])
    two_rows = False
    if best > 0:
        above = head[best - 1]
        gaps = [j for j, n in enumerate(names) if n == "" and j < len(above) and _is_text(above[j])]
        if gaps and len(_filled(above)) >= 2:
            for j in gaps:
                names[j] = str(above[j]).strip()
            two_rows = True
    first = best - 1 if two_rows else best
    skipped = []
    blanks = 0
    for r in head[:first]:
        cells = _filled(r)
        if not cells:
            blanks += 1
        else:
            skipped.append(f"title {_short(cells[0][1])!r}")
    if blanks:
        skipped.append(f"{blanks} blank row" + ("s" if blanks > 1 else ""))
    span = f"rows {best}–{best + 1} (a header on two rows)" if two_rows else f"row {best + 1}"
    notes = []
    if skipped:
        notes.append(f"{span}; above it: {', '.join(skipped)}")
    elif two_rows:
        notes.append(span)
    return Header(best, names, notes, two_rows), []


def _names(row: Sequence[object]) -> list[str]:
    names = ["" if is_blank(v) else " ".join(str(v).split()) for v in row]
    while names and names[-1] == "":
        names.pop()
    return names


def _summary_label(row: Sequence[object]) -> str | None:
    labels = summary_labels()
    for _, v in _filled(row)[:3]:
        if not isinstance(v, str):
            continue
        key = normalise_text(v)
        if key in labels or any(key.startswith(label + " ") for label in labels):
            return v.strip()
        return None
    return None


def trailing_rows(
    body: Sequence[Sequence[object]], table: str, width: int
) -> tuple[int, list[str], list[str]]:
    """Rows under the data to leave out: footers, signature blocks, summary rows.

    Parameters
    ----------
    body : sequence of rows
        The rows under the header (only the last ones need be given).
    table : str
        Summary rows (NRR, BOBOT, IKM …) are recognised in ``skm_responses``.
    width : int
        Number of columns of the header.

    Returns
    -------
    n : int
        How many rows at the end are not data.
    footers, summaries : list of str
        Their first cells, for the report.

    Examples
    --------
    >>> trailing_rows([["A", "Dinas A", "dinas"], [], ["Sumber: Bagian Organisasi"]],
    ...               "agencies", 3)
    (2, ['Sumber: Bagian Organisasi'], [])
    """
    n = 0
    footers: list[str] = []
    summaries: list[str] = []
    for row in reversed(body):
        cells = _filled(row)
        if not cells:
            n += 1
            continue
        label = _summary_label(row) if table == "skm_responses" else None
        first = cells[0][1]
        if label is not None:
            summaries.append(label)
        elif len(cells) <= 2 and isinstance(first, str) and _FOOTER.match(first):
            footers.append(_short(first))
        elif len(cells) == 1 and width >= 3 and isinstance(first, str):
            footers.append(_short(first))
        else:
            break
        n += 1
    return n, footers[::-1], summaries[::-1]


def inner_summary_rows(body: Sequence[Sequence[object]]) -> list[tuple[int, str]]:
    """(position, label) of summary-like rows (NRR, IKM …) between data rows."""
    return [(i, label) for i, row in enumerate(body) if (label := _summary_label(row))]


def summary_problem(found: list[tuple[int, str]], rows: Sequence[int], file: str) -> Problem:
    """The problem for summary rows found between data rows."""
    return Problem(
        f"{len(found)} row(s) between the data look like summary rows (NRR, IKM …), not "
        "respondents; delete them or move every summary row under the data",
        file=file,
        rows=tuple(rows[i] for i, _ in found[:5]),
        values=tuple(label for _, label in found[:5]),
    )
