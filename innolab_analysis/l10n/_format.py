"""Numbers, dates and times for a report's locale (Babel), and values made safe for Markdown.

Every number a reader sees goes through :func:`number` (or a message's format
spec, which calls it): Bahasa Indonesia writes ``2,90`` and ``1.234``, English
``2.90`` and ``1,234``. Dates read ``19 Desember 2017`` / ``19 December 2017``;
times are shown in the study's time zone with its Indonesian abbreviation
(WIB, WITA, WIT). A value that is missing or not finite reads ``—``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from innolab_analysis.errors import check_option
from innolab_analysis.options import Language

__all__ = [
    "LOCALES",
    "MISSING",
    "TIMEZONES",
    "date",
    "datetime",
    "escape_markdown",
    "integer",
    "is_missing",
    "number",
    "percent",
    "p_value",
    "yes_no",
]

LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_GB"}
"""Babel locale of each report language (English reports use day-month-year dates)."""

MISSING = "—"
"""What a reader sees for a missing or non-finite value (a footnote says why)."""

TIMEZONES: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
"""Indonesia's time zones and the abbreviation a reader knows them by."""

_YES_NO = {"id": ("Ya", "Tidak"), "en": ("Yes", "No")}


def _check(language: object) -> str:
    check_option("language", language, Language, hint="'id' (Bahasa Indonesia) or 'en' (English)")
    return str(language)


@lru_cache(maxsize=8)
def _locale(language: str):
    from babel import Locale

    return Locale.parse(LOCALES[language])


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT, ±inf and pandas' NA."""
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, float | int) and not isinstance(value, bool):
        return not math.isfinite(float(value))
    try:
        return bool(value != value)  # NaN-like objects (numpy floats, NaT)
    except (TypeError, ValueError):
        return False


def number(value: Any, language: Language, decimals: int = 2, *, sign: bool = False) -> str:
    """A number with ``decimals`` decimals and thousands grouping in ``language``.

    Examples
    --------
    >>> number(1234.567, "id"), number(1234.567, "en"), number(float("nan"), "id")
    ('1.234,57', '1,234.57', '—')
    >>> number(0.41, "id", sign=True)
    '+0,41'
    >>> number(1e30, "id", 0), number(float("-inf"), "en")
    ('1.000.000.000.000.000.000.000.000.000.000', '—')
    """
    from babel.numbers import format_decimal

    language = _check(language)
    if is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    # round half up on the shortest decimal form of the value (2.145 -> 2,15), as a reader
    # and the SKM regulation expect; Babel's default context rounds half to even
    x = decimal.Decimal(repr(float(value)))
    # enough digits for the integer part and the decimals (1e30 needs more than the default 28)
    digits = max(28, x.adjusted() + decimals + 3)
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP, prec=digits):
        if x.quantize(decimal.Decimal(1).scaleb(-decimals)) == 0:
            x = abs(x)  # no "-0,00"
        return format_decimal(x, format=pattern, locale=_locale(language))


def integer(value: Any, language: Language) -> str:
    """A count with thousands grouping (``116.604`` / ``116,604``); years need no helper (``2017``)."""
    if is_missing(value):
        return MISSING
    return number(round(float(value)), language, 0)


def percent(share: Any, language: Language, decimals: int = 0) -> str:
    """A share between 0 and 1 as a percentage (``45,6%`` / ``45.6%``)."""
    from babel.numbers import format_percent

    language = _check(language)
    if is_missing(share):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    x = decimal.Decimal(repr(float(share)))
    digits = max(28, x.adjusted() + decimals + 5)
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP, prec=digits):
        return format_percent(x, format=pattern, locale=_locale(language))


def p_value(p: Any, language: Language) -> str:
    """``p < 0,001`` or ``p = 0,042`` (``p = —`` when there is none).

    Examples
    --------
    >>> p_value(0.0004, "id"), p_value(0.0421, "en")
    ('p < 0,001', 'p = 0.042')
    """
    if is_missing(p):
        return f"p = {MISSING}"
    if float(p) < 0.001:
        return f"p < {number(0.001, language, 3)}"
    return f"p = {number(float(p), language, 3)}"


def yes_no(value: Any, language: Language) -> str:
    """``Ya``/``Tidak`` or ``Yes``/``No`` (``—`` when missing)."""
    language = _check(language)
    if is_missing(value):
        return MISSING
    return _YES_NO[language][0 if bool(value) else 1]


def _as_date(value: Any) -> _dt.date | None:
    if is_missing(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    import pandas as pd

    return pd.Timestamp(value).date()


def date(value: Any, language: Language, *, style: str = "long") -> str:
    """A calendar date: ``19 Desember 2017`` / ``19 December 2017``.

    ``style="month"`` gives ``Desember 2017``; ``"short"`` gives ``19/12/2017``.

    Examples
    --------
    >>> date("2017-12-19", "id"), date("2017-12-19", "en", style="month")
    ('19 Desember 2017', 'December 2017')
    """
    from babel.dates import format_date

    language = _check(language)
    d = _as_date(value)
    if d is None:
        return MISSING
    fmt = {"long": "d MMMM y", "month": "MMMM y", "short": "dd/MM/y"}[style]
    return format_date(d, format=fmt, locale=_locale(language))


def datetime(value: Any, language: Language, *, timezone: str = "Asia/Jakarta") -> str:
    """A moment in the study's time zone: ``1 Desember 2026 15.34 WIB``.

    Naive values are taken as UTC (the runner records UTC).

    Examples
    --------
    >>> datetime("2026-12-01T08:34:57+00:00", "id")
    '1 Desember 2026 15.34 WIB'
    >>> datetime("2026-12-01T08:34:57+00:00", "en", timezone="Asia/Makassar")
    '1 December 2026 16.34 WITA'
    """
    from babel.dates import format_datetime

    language = _check(language)
    if is_missing(value):
        return MISSING
    import pandas as pd

    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    zone = ZoneInfo(timezone)
    text = format_datetime(
        ts.to_pydatetime(), format="d MMMM y HH.mm", tzinfo=zone, locale=_locale(language)
    )
    abbreviation = TIMEZONES.get(timezone)
    if abbreviation is None:
        offset = ts.tz_convert(zone).strftime("%z")
        abbreviation = f"UTC{offset[:3]}:{offset[3:]}"
    return f"{text} {abbreviation}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$=:\"'])")
_SPACE = re.compile(r"\s+")


def escape_markdown(value: Any) -> str:
    r"""Text from data made inert in Markdown: every markup character backslash-escaped.

    Newlines and runs of white space become one space, so a value cannot start a
    heading, a list, a table or a raw-HTML block; ``<``, ``&`` and quotes are
    escaped, so no tag or entity survives. What a reader sees is the text itself.

    Examples
    --------
    >>> print(escape_markdown('<img src=x onerror="alert(1)"> **Dinas**'))
    \<img src\=x onerror\=\"alert\(1\)\"\> \*\*Dinas\*\*
    """
    text = _SPACE.sub(" ", str(value)).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)
