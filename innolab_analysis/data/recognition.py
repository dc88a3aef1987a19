"""What the loader recognised without configuration, as structured records.

Every mapping the loader makes on its own — a sheet or header row found, a
header or an SKM question mapped to a column, answer labels turned into scores,
a unit name turned into its id, an id generated, a column left unused — is one
:class:`Recognition` on :attr:`Study.recognitions
<innolab_analysis.data.study.Study.recognitions>`, never a silent change.
Reports render them through the message catalog; :func:`format_recognitions`
is the plain console rendering of ``innolab validate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields

import pandas as pd

from innolab_analysis.options import RecognitionKind

__all__ = ["Recognition", "RecognitionKind", "format_recognitions", "recognitions_frame"]


@dataclass(frozen=True)
class Recognition:
    """One thing the loader recognised.

    Attributes
    ----------
    table : str
        The table of the data model.
    source : str
        The source it was found in: a path relative to the study folder
        (``exports/skm_2024.xlsx``) or ``sql:<table> (…)``; never a password.
    kind : str
        See :data:`~innolab_analysis.options.RecognitionKind`: ``sheet``,
        ``header_row``, ``footer``, ``summary_rows``, ``blank_rows``, ``column``,
        ``question``, ``answers``, ``timestamp``, ``value``, ``answer``,
        ``age_band``, ``missing_zero``, ``date_format``, ``generated_id``,
        ``derived``, ``constant``, ``blank``, ``unit_name``, ``unused``,
        ``template``, ``id_prefix``, ``duplicates_dropped``, ``value_labels``,
        ``ignored_file``.
    source_value : str
        What was found: the header, the cell value, the sheet, the rows.
    canonical : str
        What it became: the column, the canonical value, the unit id …
    n_rows : int
        How many rows it concerns.
    column : str, optional
        The canonical column, for recognitions of values.
    """

    table: str
    source: str
    kind: RecognitionKind
    source_value: str
    canonical: str
    n_rows: int
    column: str | None = None


def recognitions_frame(recognitions: Iterable[Recognition]) -> pd.DataFrame:
    """The recognitions as a DataFrame with one column per field.

    Examples
    --------
    >>> r = Recognition("skm_responses", "skm.xlsx", "column", "Stempel waktu", "survey_date", 12)
    >>> recognitions_frame([r])[["kind", "source_value", "canonical", "n_rows"]].values.tolist()
    [['column', 'Stempel waktu', 'survey_date', 12]]
    """
    names = [f.name for f in fields(Recognition)]
    return pd.DataFrame([astuple(r) for r in recognitions], columns=names)


_TITLES = {
    "sheet": "sheet",
    "header_row": "header",
    "footer": "left out under the data",
    "summary_rows": "summary rows left out",
    "blank_rows": "blank rows left out",
    "column": "column",
    "question": "SKM question",
    "answers": "SKM column by its answers",
    "timestamp": "Google Forms timestamp",
    "value": "value",
    "answer": "answers",
    "age_band": "age bands",
    "missing_zero": "0 read as no answer",
    "date_format": "dates",
    "generated_id": "generated ids",
    "derived": "derived",
    "constant": "constant",
    "blank": "not in the source, left blank",
    "unit_name": "unit named",
    "unused": "not used (kept, private)",
    "template": "template",
    "id_prefix": "ids made unique across sources",
    "duplicates_dropped": "repeated rows dropped",
    "value_labels": "value labels",
    "ignored_file": "file ignored",
}


def _clip(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def format_recognitions(recognitions: Sequence[Recognition], indent: str = "    ") -> str:
    """A console rendering of the recognitions, grouped by table and source (English).

    Answers and values of one column are written on one line.

    Examples
    --------
    >>> rs = [Recognition("skm_responses", "f.xlsx", "timestamp", "Cap waktu", "survey_date", 3),
    ...       Recognition("skm_responses", "f.xlsx", "answer", "Baik", "3", 2, "u9"),
    ...       Recognition("skm_responses", "f.xlsx", "answer", "Buruk", "1", 1, "u9")]
    >>> print(format_recognitions(rs, indent=""))
    skm_responses ← f.xlsx
      Google Forms timestamp: 'Cap waktu' → survey_date (3 rows)
      answers u9: 'Baik' → 3 (2 rows), 'Buruk' → 1 (1 row)
    """
    lines: list[str] = []
    from innolab_analysis.data.tables import TABLES

    order = {t: i for i, t in enumerate(TABLES)}
    groups: dict[tuple[str, str], list[Recognition]] = {}
    for r in recognitions:
        groups.setdefault((r.table, r.source), []).append(r)
    ranked = sorted(
        groups.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[1][0].kind == "ignored_file")
    )
    for (table, source), recs in ranked:
        lines.append(f"{indent}{table} ← {source}")
        merged: dict[tuple[str, str | None], list[Recognition]] = {}
        for r in recs:
            grouped = r.kind in ("answer", "value", "unit_name", "unused", "blank")
            key = (r.kind, r.column) if grouped else (r.kind, f"{r.source_value}\0{r.canonical}")
            merged.setdefault(key, []).append(r)
        for (kind, _), rs in merged.items():
            title = _TITLES[kind]
            if kind in ("answer", "value", "unit_name"):
                parts = ", ".join(
                    f"{r.source_value!r} → {r.canonical} ({_rows(r.n_rows)})" for r in rs
                )
                lines.append(f"{indent}  {title} {rs[0].column}: {parts}")
            elif kind in ("unused", "blank"):
                lines.append(f"{indent}  {title}: " + ", ".join(repr(r.source_value) for r in rs))
            else:
                r = rs[0]
                arrow = f" → {r.canonical}" if r.canonical else ""
                rows = f" ({_rows(r.n_rows)})" if r.n_rows else ""
                lines.append(f"{indent}  {title}: {_clip(r.source_value)!r}{arrow}{rows}")
    return "\n".join(lines)
