"""A table as a report shows it: localised headers and cells, escaped, downloadable as CSV."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.options import Language

__all__ = ["ReportTable"]

_NUMERIC_SPECS = re.compile(r"^(\+?\.\d+f|d|\.\d+%|p|pnum)$")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ReportTable:
    """A table in the report's language.

    Parameters
    ----------
    data : DataFrame
        The values, one column per key of ``columns`` (copied; raw numbers and dates).
    columns : mapping
        Column key → header as the reader sees it, in display order.
    formats : mapping
        Column key → format spec of :class:`~innolab_analysis.l10n.Renderer`
        (``.2f``, ``d``, ``.1%``, ``p``, ``date``, ``yesno`` …); text by default.
    language : {"id", "en"}
    name : str
        File name (without ``.csv``) of the download.
    caption : str, optional
        One line above the table.
    notes : sequence of str
        Footnotes under the table. A note saying what ``—`` means is added
        when a cell is missing (``missing_reason`` says why).
    missing_reason : str, optional

    Examples
    --------
    >>> t = ReportTable(pd.DataFrame({"unit": ["Dinas A"], "ikm": [85.884]}),
    ...                 columns={"unit": "Unit", "ikm": "IKM"}, formats={"ikm": ".2f"},
    ...                 language="id", name="ikm")
    >>> t.to_frame().iloc[0].tolist()
    ['Dinas A', '85,88']
    """

    data: pd.DataFrame
    columns: Mapping[str, str]
    language: Language
    name: str
    formats: Mapping[str, str] = field(default_factory=dict)
    caption: str | None = None
    notes: Sequence[str] = ()
    missing_reason: str | None = None

    def __post_init__(self) -> None:
        missing = [c for c in self.columns if c not in self.data.columns]
        if missing:
            raise KeyError(f"table {self.name!r} has no column(s) {missing}")
        object.__setattr__(
            self, "data", self.data.loc[:, list(self.columns)].reset_index(drop=True).copy()
        )
        object.__setattr__(self, "columns", dict(self.columns))
        object.__setattr__(self, "formats", dict(self.formats))
        object.__setattr__(self, "notes", tuple(self.notes))

    # ------------------------------------------------------------------ content
    def _cell(self, value, spec: str) -> str:
        return l10n.Renderer(self.language, markdown=False).format_field(value, spec)

    def to_frame(self) -> pd.DataFrame:
        """The table as the reader sees it: headers and cells as text."""
        out = {
            self.columns[c]: [self._cell(v, self.formats.get(c, "")) for v in self.data[c]]
            for c in self.columns
        }
        return pd.DataFrame(out)

    def all_notes(self) -> tuple[str, ...]:
        """The footnotes, with the one about ``—`` when a cell is missing."""
        notes = list(self.notes)
        if any(self.data[c].map(l10n.is_missing).any() for c in self.columns):
            reason = self.missing_reason or l10n.tr(
                "display.missing_default", self.language, markdown=False
            )
            notes.append(
                l10n.tr("common.missing_note", self.language, markdown=False, reason=reason)
            )
        return tuple(notes)

    def to_csv(self) -> str:
        """CSV with the reader's headers and the raw values (UTF-8, comma-separated, ISO dates)."""
        frame = self.data.rename(columns=self.columns)
        return frame.to_csv(index=False, lineterminator="\n")

    # ------------------------------------------------------------------ html
    def _repr_html_(self) -> str:
        esc = html.escape
        num_class = ' class="num"'
        numeric = {c: bool(_NUMERIC_SPECS.match(self.formats.get(c, ""))) for c in self.columns}
        head = "".join(
            f'<th scope="col"{num_class if numeric[c] else ""}>{esc(label)}</th>'
            for c, label in self.columns.items()
        )
        text = self.to_frame()
        body = []
        for i in range(len(text)):
            cells = "".join(
                f"<td{num_class if numeric[c] else ''}>{esc(str(text.iat[i, j]))}</td>"
                for j, c in enumerate(self.columns)
            )
            body.append(f"<tr>{cells}</tr>")
        csv = base64.b64encode(("\ufeff" + self.to_csv()).encode("utf-8")).decode("ascii")
        slug = _SLUG.sub("-", self.name.lower()).strip("-") or "tabel"
        link = l10n.tr("display.download_csv", self.language, markdown=False)
        caption = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        notes = "".join(f'<p class="table-note">{esc(n)}</p>' for n in self.all_notes())
        return (
            '<figure class="report-table">'
            f'<div class="table-scroll"><table>{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>{notes}"
            f'<p class="table-download"><a download="{esc(slug)}.csv" '
            f'href="data:text/csv;charset=utf-8;base64,{csv}">{esc(link)}</a></p>'
            "</figure>"
        )
