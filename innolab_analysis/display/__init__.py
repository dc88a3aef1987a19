"""What a report shows: tables and figures, localised, escaped and self-contained.

* :class:`ReportTable` — a table with headers and cells in the report's
  language (Babel numbers, dates, Ya/Tidak, ``—`` with a footnote), every value
  HTML-escaped, wide tables scrolling inside their own box, and the table
  embedded as a CSV download (offline).
* :class:`ReportFigure` — a figure rendered once to PNG with its alt text (its
  one-line reading, for screen readers).

Studies build them (``result.table(name, language)``, ``result.figure(kind,
language)``); notebooks display them.
"""

from innolab_analysis.display.figure import ReportFigure, localise_axis, mpl_text
from innolab_analysis.display.table import ReportTable

__all__ = ["ReportFigure", "ReportTable", "localise_axis", "mpl_text"]
