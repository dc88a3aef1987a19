"""Render catalog messages: numbers and dates by Babel, text values escaped.

A message's placeholders take Python format specs, which the renderer reads
the way a reader of the language needs them:

=================  =========================================  =================
spec               meaning                                    ``id`` / ``en``
=================  =========================================  =================
``.2f``            number, 2 decimals, thousands grouped      ``1.234,57`` / ``1,234.57``
``+.2f``           the same with a sign                       ``+0,41``
``d``              count, grouped                             ``116.604``
``.1%``            share as percentage                        ``45,6%``
``p``              p-value expression                         ``p < 0,001``
``pnum``           p-value for a table column                 ``< 0,001``, ``0,042``
``date``           calendar date                              ``19 Desember 2017``
``month``          month and year                             ``Desember 2017``
``datetime``       moment in the study's time zone            ``1 Desember 2026 15.34 WIB``
``yesno``          boolean                                    ``Ya`` / ``Yes``
(none)             text: escaped for Markdown; int: as is     ``2017``;
                   a ``Bilingual``: its text in the language
=================  =========================================  =================

Text values (names from data) are escaped for Markdown unless the renderer is
built with ``markdown=False`` (figure labels, plain text) or the value is
wrapped in :class:`Safe` (a message already rendered). A value that is
missing or not finite reads ``—``.
"""

from __future__ import annotations

import re
import string
from typing import Any

from innolab_analysis.l10n import _format as f
from innolab_analysis.options import Language

__all__ = ["Renderer", "Safe"]

_FIXED = re.compile(r"^(?P<sign>\+)?,?\.(?P<digits>\d+)f$")
_PCT = re.compile(r"^\.(?P<digits>\d+)%$")


class Safe(str):
    """Text that is already Markdown (a rendered message): inserted as it is."""

    __slots__ = ()


class Renderer(string.Formatter):
    """A :class:`string.Formatter` for one language.

    Parameters
    ----------
    language : {"id", "en"}
    markdown : bool
        Escape text values for Markdown (default) or insert them as they are.
    timezone : str
        Time zone of ``datetime`` values (IANA name).
    """

    def __init__(
        self, language: Language, *, markdown: bool = True, timezone: str = "Asia/Jakarta"
    ):
        super().__init__()
        self.language = f._check(language)
        self.markdown = markdown
        self.timezone = timezone

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.language
        spec = format_spec.strip()
        if spec == "p":
            return f.p_value(value, lang)
        if spec == "pnum":
            return f.p_value(value, lang).removeprefix("p = ").removeprefix("p ")
        if spec == "date":
            return f.date(value, lang)
        if spec == "month":
            return f.date(value, lang, style="month")
        if spec == "datetime":
            return f.datetime(value, lang, timezone=self.timezone)
        if spec == "yesno":
            return f.yes_no(value, lang)
        m = _FIXED.match(spec)
        if m:
            return f.number(value, lang, int(m["digits"]), sign=bool(m["sign"]))
        if spec in ("d", ",d", ",", "n"):
            return f.integer(value, lang)
        m = _PCT.match(spec)
        if m or spec == "%":
            return f.percent(value, lang, int(m["digits"]) if m else 0)
        if spec:
            raise ValueError(
                f"unknown format spec {format_spec!r}; use .Nf, +.Nf, d, .N%, p, date, month, "
                "datetime or yesno"
            )
        if isinstance(value, Safe):
            return str(value)
        if (
            hasattr(value, "id")
            and hasattr(value, "en")
            and callable(getattr(value, "__getitem__", None))
        ):
            return Safe(value[lang])  # a Bilingual text: its own language, already rendered
        if isinstance(value, bool):
            return f.yes_no(value, lang)
        if f.is_missing(value):
            return f.MISSING
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return f.number(value, lang)
        text = str(value)
        return f.escape_markdown(text) if self.markdown else text
