"""Read date texts as exports write them, vectorised, saying which format each cell used.

Accepted (a time of day may follow any of them: ``10:59:47``, ``10.59.47``,
``6:46:43 PM``, and a ``GMT+7`` suffix, which is dropped: times are local):

* ISO: ``2024-03-31``, ``2024-03-31T10:59:47``;
* year first with slashes: ``2025/10/24 6:46:43 PM GMT+7`` (the Google Forms CSV);
* day/month/year: ``31/03/2024``, ``31-03-2024``, ``31.03.2024`` (the Indonesian order);
  month/day/year only when the column says so (``date_order: mdy`` in
  ``sources.yaml``, or a Google Forms export in the English locale whose dates
  prove it);
* written out, Indonesian or English: ``17 Agustus 2020``, ``Senin, 17 Agu 2020``,
  ``17 August 2020``; a month and year alone (``Agustus 2020``) is read as the 1st.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["DATE_ALLOWED", "MONTHS", "DateRead", "read_date_texts"]

DATE_ALLOWED = (
    "ISO dates (2024-03-31), day/month/year (31/03/2024), either with a time of day "
    "(31/03/2024 10:59:47), or written out (17 Agustus 2020)"
)

MONTHS: dict[str, int] = {
    **{
        m: i
        for i, m in enumerate(
            [
                "januari",
                "februari",
                "maret",
                "april",
                "mei",
                "juni",
                "juli",
                "agustus",
                "september",
                "oktober",
                "november",
                "desember",
            ],
            start=1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            start=1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des"],
            start=1,
        )
    },
    "agt": 8,
    "agus": 8,
    "ags": 8,
    "pebruari": 2,
    "nopember": 11,
    "nop": 11,
    "peb": 2,
    "may": 5,
    "aug": 8,
    "oct": 10,
    "dec": 12,
    "sept": 9,
}
"""Month names and abbreviations (Indonesian and English) → month number."""

_TIME = (
    r"(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:\.\d+)?)?\s*(?P<P>[AaPp][Mm])?)?"
)
_TZ = r"(?:\s*(?:GMT|UTC|WIB|WITA|WIT|Z)?\s*[+-]?\d{0,2}(?::?\d{2})?)?"
_WEEKDAY = r"(?:[A-Za-z]+,?\s+)?"
_PATTERNS = {
    "iso": r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _TZ,
    "ymd": r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _TIME + _TZ,
    "slashed": r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})" + _TIME + _TZ,
    "long": _WEEKDAY + r"(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]+)\.?\s+(?P<y>\d{4})" + _TIME + _TZ,
    "month": r"(?P<mon>[A-Za-z]+)\.?\s+(?P<y>\d{4})",
}
_PLAIN_ISO = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_NAMES = {
    "iso": "ISO (2024-03-31)",
    "ymd": "year/month/day (2025/10/24 6:46:43 PM GMT+7)",
    "dmy": "day/month/year (31/03/2024)",
    "mdy": "month/day/year (03/31/2024)",
    "long": "written out (17 Agustus 2020)",
    "month": "month and year only, read as the 1st (Agustus 2020)",
}


@dataclass
class DateRead:
    """The dates read from a column of texts, and what went wrong."""

    values: pd.Series
    bad: pd.Series
    """Cells that are not dates in any accepted format (or impossible dates)."""
    formats: dict[str, int] = field(default_factory=dict)
    """Format name (words) → cells read with it; ISO not listed."""
    with_time: int = 0
    order_problem: str | None = None
    """Why day/month and month/day cannot be told apart, or which cells break the order."""
    order_cells: pd.Series | None = None
    """The cells the order problem shows."""
    order_excluded: pd.Series | None = None
    """The cells the order problem covers (not reported again as unreadable)."""


def _build(parts: pd.DataFrame, day: str, month: pd.Series | str) -> pd.Series:
    def num(name: str, default: float) -> pd.Series:
        if name not in parts:
            return pd.Series(default, index=parts.index, dtype="float64")
        return pd.to_numeric(parts[name], errors="coerce").fillna(default)

    hour = num("H", 0)
    if "P" in parts:
        half = parts["P"].str.lower()
        pm = half.eq("pm").fillna(False).astype(bool)
        am = half.eq("am").fillna(False).astype(bool)
        hour = hour.where(~(pm & (hour < 12)), hour + 12).where(~(am & (hour == 12)), 0)
    frame = pd.DataFrame(
        {
            "year": num("y", float("nan")),
            "month": num(month, float("nan")) if isinstance(month, str) else month,
            "day": num(day, 1),
            "hour": hour,
            "minute": num("M", 0),
            "second": num("S", 0),
        },
        index=parts.index,
    )
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[us]")


def read_date_texts(
    text: pd.Series, *, order: str | None = None, locale: str | None = None
) -> DateRead:
    """Read stripped date texts (NA where blank).

    Parameters
    ----------
    text : Series of str
    order : {"dmy", "mdy"}, optional
        The order of slashed dates, from ``sources.yaml``.
    locale : {"id", "en"}, optional
        The locale a Google Forms timestamp header revealed: ``id`` reads
        day-first; ``en`` reads the order the dates prove, and asks when they
        prove nothing.

    Examples
    --------
    >>> r = read_date_texts(pd.Series(["02/01/2019 10:59:47", "17 Agustus 2020",
    ...                                "2025/10/24 6:46:43 PM GMT+7"]))
    >>> r.values.dt.strftime("%Y-%m-%d %H:%M").tolist(), r.bad.any()
    (['2019-01-02 10:59', '2020-08-17 00:00', '2025-10-24 18:46'], np.False_)
    """
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    present = text.notna()
    plain = text.str.fullmatch(_PLAIN_ISO).fillna(False).astype(bool)
    if plain.any():  # the common case, vectorised in one call: 2024-03-31[ 10:59[:47]]
        parsed = pd.to_datetime(text.where(plain), format="ISO8601", errors="coerce")
        out = out.mask(plain, parsed.astype("datetime64[us]"))
        if plain.sum() == present.sum():
            bad = (present & out.isna()).astype(bool)
            return DateRead(out, bad, {}, int(text.str.contains(":", regex=False).sum()))
    todo = present & ~plain
    formats: dict[str, int] = {}
    with_time = 0
    result = DateRead(out, pd.Series(False, index=text.index))
    with_time += int((plain & text.str.contains(":", regex=False).fillna(False)).sum())
    for kind, pattern in _PATTERNS.items():
        if not todo.any():
            break
        parts = text.where(todo).str.extract("^" + pattern + "$")
        hit = parts["y"].notna() & todo
        if not hit.any():
            continue
        parts = parts[hit]
        if kind in ("iso", "ymd"):
            values = _build(parts, "d", "m")
        elif kind in ("long", "month"):
            month = parts["mon"].str.lower().map(MONTHS)
            known = month.notna()
            parts, month = parts[known], month[known]
            hit = hit & hit.index.isin(parts.index)
            values = _build(parts, "d", month.astype(float))
        else:
            values, kind = _slashed(parts, order, locale, result)
        out.loc[values.index] = values
        timed = int(parts["H"].notna().sum()) if "H" in parts else 0
        with_time += timed
        if kind != "iso":
            name = _NAMES[kind] + (", with a time of day" if timed else "")
            formats[name] = formats.get(name, 0) + int(values.notna().sum())
        todo &= ~hit
    result.values = out
    result.bad = (present & out.isna()).astype(bool)
    if result.order_excluded is not None:
        result.bad &= ~result.order_excluded
    result.formats = {k: v for k, v in formats.items() if v}
    result.with_time = with_time
    return result


def _flag(result: DateRead, shown, covered) -> None:
    result.order_cells = pd.Series(False, index=result.bad.index)
    result.order_cells.loc[shown] = True
    result.order_excluded = pd.Series(False, index=result.bad.index)
    result.order_excluded.loc[covered] = True


def _slashed(parts: pd.DataFrame, order: str | None, locale: str | None, result: DateRead):
    a = pd.to_numeric(parts["a"], errors="coerce")
    b = pd.to_numeric(parts["b"], errors="coerce")
    day_first = (a > 12) & (b <= 12)
    month_first = (b > 12) & (a <= 12)
    chosen = order
    if chosen is None and locale == "id":
        chosen = "dmy"
    if chosen is None:
        if month_first.any() and day_first.any():
            result.order_problem = (
                "mixes day/month/year (e.g. 25/03/2024) and month/day/year (e.g. 03/25/2024); "
                "one order per column: correct the cells written the other way"
            )
            minority = month_first if month_first.sum() <= day_first.sum() else day_first
            _flag(result, minority[minority].index, minority[minority].index)
            chosen = "dmy" if minority is month_first else "mdy"
        elif month_first.any():
            if locale == "en":
                chosen = "mdy"
            else:
                result.order_problem = (
                    "dates are written month/day/year (US order), so dates such as 03/04/2024 "
                    "cannot be read safely; re-export the column as ISO dates (2024-03-31), or "
                    "write date_order: mdy for this source in sources.yaml"
                )
                _flag(result, month_first[month_first].index, parts.index)
                return pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]"), "dmy"
        elif locale == "en" and not day_first.any():
            result.order_problem = (
                "the dates could be day/month/year or month/day/year (no day above 12 tells); "
                "the form was exported in the English locale, which writes month first in the "
                "US: write date_order: mdy (or dmy) for this source in sources.yaml"
            )
            _flag(result, parts.index, parts.index)
            return pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]"), "dmy"
        else:
            chosen = "dmy"
    if chosen == "dmy":
        values = _build(parts.assign(d=parts["a"], m=parts["b"]), "d", "m")
    else:
        values = _build(parts.assign(d=parts["b"], m=parts["a"]), "d", "m")
    return values, chosen


def read_native_dates(native: pd.Series) -> tuple[pd.Series, pd.Series, int]:
    """Native cells (datetimes; Excel serial numbers) as dates; the bad cells; serials read."""
    out = pd.Series(pd.NaT, index=native.index, dtype="datetime64[us]")
    if pd.api.types.is_datetime64_any_dtype(native.dtype):
        nat = native.dt.tz_localize(None) if getattr(native.dt, "tz", None) else native
        return (
            out.mask(native.notna(), nat.astype("datetime64[us]")),
            pd.Series(False, index=native.index),
            0,
        )
    is_date = native.notna() & native.map(
        lambda v: hasattr(v, "year") and hasattr(v, "month")
    ).astype(bool)
    conv = pd.to_datetime(native.where(is_date), errors="coerce")
    out = out.mask(is_date, conv.astype("datetime64[us]"))
    numeric = pd.to_numeric(native.where(~is_date), errors="coerce")
    serial = numeric.notna() & numeric.between(20000, 80000) & ~is_date
    if serial.any():
        days = pd.to_timedelta(numeric[serial].round(6), unit="D")
        out.loc[serial[serial].index] = (pd.Timestamp("1899-12-30") + days).astype("datetime64[us]")
    bad = (native.notna() & out.isna()).astype(bool)
    return out, bad, int(serial.sum())
