"""Text the studies share: the source recognitions of the data sections, lists of unit names.

The recognitions (what the loader mapped to what) become one sentence and one
:class:`~innolab_analysis.display.ReportTable`. The records' shape is
:data:`~innolab_analysis.studies._inputs.RECOGNITION_COLUMNS`; tables, kinds
and data-model columns are shown by their catalog labels, the source's own
headers and values as text (escaped by the table).
"""

from __future__ import annotations

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.studies._inputs import RECOGNITION_COLUMNS

__all__ = ["sources_markdown", "sources_table", "unit_list"]

_COLUMN_KINDS = ("column", "derived")
_HEADERS = {"kind": "recognised_as"}


def sources_markdown(frame: pd.DataFrame | None, language: str) -> str:
    """The sentence that introduces the recognitions table ('' when there are none).

    Examples
    --------
    >>> rec = pd.DataFrame([{"table": "skm_responses", "source": "form.csv", "kind": "column",
    ...                      "source_value": "Timestamp", "canonical": "survey_date", "n_rows": 9}])
    >>> sources_markdown(rec, "en")[:47]
    'The data loader recognised 1 item automatically'
    """
    if frame is None or frame.empty:
        return ""
    return l10n.tr("study_common.sources.summary", language, count=len(frame))


def _label(kind: str, code: object, language: str, fallback: str | None = None) -> str:
    if not l10n.is_missing(code) and l10n.has_label(kind, code):
        return l10n.label(kind, code, language)
    if fallback is not None:
        return l10n.label(kind, fallback, language)
    return l10n.MISSING if l10n.is_missing(code) else str(code)


def sources_table(frame: pd.DataFrame | None, language: str) -> ReportTable:
    """The recognitions as a table in ``language`` (no rows when there are none).

    Examples
    --------
    >>> rec = pd.DataFrame([{"table": "skm_responses", "source": "form.csv", "kind": "column",
    ...                      "source_value": "Timestamp", "canonical": "survey_date", "n_rows": 9}])
    >>> sources_table(rec, "id").to_frame().iloc[0].tolist()
    ['Jawaban SKM', 'form.csv', 'Judul kolom', 'Timestamp', 'Tanggal survei', '9']
    """
    if frame is None:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in RECOGNITION_COLUMNS})
    shown = pd.DataFrame(
        {
            "table": [_label("table", t, language) for t in frame["table"]],
            "source": frame["source"].to_numpy(),
            "kind": [_label("recognition_kind", k, language, "other") for k in frame["kind"]],
            "source_value": frame["source_value"].to_numpy(),
            "canonical": [
                _label("model_column", c, language) if k in _COLUMN_KINDS else c
                for k, c in zip(frame["kind"], frame["canonical"])
            ],
            "n_rows": frame["n_rows"].to_numpy(),
        }
    )
    headers = l10n.column_labels([_HEADERS.get(c, c) for c in RECOGNITION_COLUMNS], language)
    return ReportTable(
        shown,
        columns={c: headers[_HEADERS.get(c, c)] for c in RECOGNITION_COLUMNS},
        formats={"n_rows": "d"},
        language=language,
        name="sources",
        caption=l10n.tr("study_common.sources.caption", language, markdown=False),
        missing_reason=l10n.tr("study_common.sources.missing", language, markdown=False),
    )


def unit_list(names, language: str, *, limit: int | None = None, markdown: bool = True) -> str:
    """``A, B dan C`` — or, past ``limit`` names, ``A, B dan 3 unit lainnya``.

    Examples
    --------
    >>> unit_list(["Dinas A", "Dinas B", "Dinas C", "Dinas D"], "en", limit=2)
    'Dinas A, Dinas B and 2 other units'
    """
    names = list(names)
    if limit is None or len(names) <= limit:
        return l10n.join(names, language, markdown=markdown)
    shown = l10n.Renderer(language, markdown=markdown)
    sep = "; " if any("," in str(n) for n in names[:limit]) else ", "
    head = sep.join(shown.format_field(n, "") for n in names[:limit])
    return l10n.tr(
        "study_common.more_units", language, markdown=markdown, names=l10n.Safe(head),
        count=len(names) - limit,
    )  # fmt: skip
