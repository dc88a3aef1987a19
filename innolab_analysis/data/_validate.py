"""Vectorised conversion and validation of tables, driven by :mod:`.tables`.

Every check collects :class:`~innolab_analysis.errors.Problem` objects instead of
raising, so that the loader can report every problem of every table at once.
Row numbers are the source's rows as a spreadsheet shows them (the header is
row 1 when it is on the first row); a :class:`Where` carries them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis.data._dates import DATE_ALLOWED, read_date_texts, read_native_dates
from innolab_analysis.data._yaml import quoted
from innolab_analysis.data.tables import UNIT_BOUNDS, ColumnSpec, TableSpec
from innolab_analysis.errors import Problem

SHOWN = 5
"""How many offending rows a problem lists."""

BLANKS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a"})
"""Cell texts read as blank (compared case-insensitively, after stripping)."""

TRUE_WORDS = ("true", "ya", "y", "yes", "1")
FALSE_WORDS = ("false", "tidak", "n", "no", "0")

SMALL_INT_COLUMNS = frozenset(f"u{i}" for i in range(1, 15))
"""Columns stored as Int8 (SKM answers 1–4) to save memory."""

_INT = r"[+-]?\d+"
_DOT = r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+"
_COMMA = r"[+-]?\d*,\d+"
_DOT_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"
_COMMA_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"

Note = tuple[str, str, str, int]
"""(kind, what was found, what it became, rows): a recognition made while converting."""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


@dataclass(frozen=True)
class Where:
    """Where the cells of a column come from: the source's label and each row's number."""

    file: str
    rows: np.ndarray | None = None
    """Row number of each position (None: position + 2, a header on row 1)."""

    def row_numbers(self, positions: np.ndarray) -> tuple[int, ...]:
        if self.rows is None:
            return tuple(int(i) + 2 for i in positions)
        return tuple(int(self.rows[i]) for i in positions)


def rows_problem(
    mask: pd.Series | np.ndarray,
    values: pd.Series,
    message: str,
    *,
    file: str | Where,
    column: str | None,
    allowed: str | None = None,
    suffix: str = "",
) -> Problem:
    """A problem for the rows where ``mask`` is true: the first rows shown, the count in words.

    ``message`` is formatted with ``n``, ``s``, ``is_are`` and ``has_have``;
    ``suffix`` (a fix hint that may hold braces) is appended as it is.
    """
    where = file if isinstance(file, Where) else Where(file)
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    n = len(positions)
    more = f" (showing {SHOWN}, and {n - SHOWN} more)" if n > SHOWN else ""
    shown = positions[:SHOWN]
    vals = values.iloc[shown]
    return Problem(
        message.format(
            n=n, is_are=_is_are(n), has_have="has" if n == 1 else "have", s="" if n == 1 else "s"
        )
        + more
        + suffix,
        file=where.file,
        column=column,
        rows=where.row_numbers(shown),
        values=tuple(_plain(v) for v in vals),
        allowed=allowed,
    )


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    return value


# --------------------------------------------------------------------------- cell text


def _split(s: pd.Series) -> tuple[pd.Series | None, pd.Series | None, pd.Series]:
    """Split a column into text cells (stripped) and native cells; plus the blank mask.

    CSV columns are all text; Parquet columns are all native; .xlsx columns are
    object columns mixing both (numbers, datetimes and strings).
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object) if s.cat.categories.dtype != object else s.astype("str")
    if s.dtype == object:
        is_text = s.map(lambda v: isinstance(v, str)).astype(bool)
        text = s.where(is_text).astype("str").str.strip() if is_text.any() else None
        native = s.where(~is_text) if (~is_text).any() else None
    elif isinstance(s.dtype, pd.StringDtype) or pd.api.types.is_string_dtype(s.dtype):
        is_text = pd.Series(True, index=s.index)
        text, native = s.astype("str").str.strip(), None
    else:
        is_text = pd.Series(False, index=s.index)
        text, native = None, s
    blank = pd.Series(False, index=s.index)
    if text is not None:
        empty = text.isna() | text.str.lower().isin(BLANKS).fillna(False).astype(bool)
        blank |= empty & is_text
        text = text.mask(empty)
    if native is not None:
        blank |= native.isna() & ~is_text
    return text, native, blank.astype(bool)


# --------------------------------------------------------------------------- numbers


def _fast_float(text: pd.Series) -> pd.Series:
    """Plain numbers as float64 (NaN where not a number): Arrow's cast, else pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = pc.cast(pa.array(text, type=pa.string()), pa.float64())
        return pd.Series(array.to_numpy(zero_copy_only=False), index=text.index)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def parse_numbers(
    text: pd.Series, *, context: str, dtype: str
) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Parse number texts, deciding the decimal mark per column.

    Parameters
    ----------
    text : Series of str
        Stripped cell texts, NA where blank.
    context : {".", ","}
        The decimal mark the file's convention suggests (',' for ';'-separated CSV).
    dtype : {"int", "float"}
        The declared type (a whole-number column reads '1.234' as a thousands group).

    Returns
    -------
    values : Series of float64
    bad : dict
        ``"text"``, ``"mixed"`` (the cells in the minority decimal style, or
        every styled cell when neither style is the minority), ``"ambiguous"``
        → boolean masks of offending cells; ``"mixed_style"`` says which style
        the flagged cells use (``","`` or ``"."``, or ``""`` for a tie).
    """
    present = text.notna()
    no_comma = not text.str.contains(",", regex=False).fillna(False).any()
    no_dot = not text.str.contains(".", regex=False).fillna(False).any()
    if no_comma and (context == "." or no_dot):
        values = _fast_float(text)
        bad_text = present & (values.isna() | np.isinf(values.fillna(0)))
        return values.mask(bad_text), {"text": bad_text}

    def full(pattern: str) -> pd.Series:
        return text.str.fullmatch(pattern).fillna(False).astype(bool)

    is_int, dot, comma = full(_INT), full(_DOT), full(_COMMA)
    dot_th, comma_th = full(_DOT_THOUSANDS), full(_COMMA_THOUSANDS)
    comma_ev = (comma & ~comma_th) | (dot_th & ~dot)
    dot_ev = (dot & ~dot_th) | (comma_th & ~comma)
    bad: dict[str, pd.Series] = {}
    if comma_ev.any() and dot_ev.any():
        n_comma, n_dot = int(comma_ev.sum()), int(dot_ev.sum())
        if n_comma < n_dot:
            bad["mixed"], style = comma_ev, ","
        elif n_dot < n_comma:
            bad["mixed"], style = dot_ev, "."
        else:
            bad["mixed"], style = comma_ev | dot_ev, ""
        bad["mixed_style"] = pd.Series(style, index=text.index)
        return pd.Series(np.nan, index=text.index), bad
    decimal = "," if comma_ev.any() else "." if dot_ev.any() else context
    if decimal == ",":
        valid = is_int | comma | dot_th
        cleaned = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        single_group = dot & dot_th
    else:
        valid = is_int | dot | comma_th
        cleaned = text.str.replace(",", "", regex=False)
        single_group = comma & comma_th
    if not (comma_ev.any() or dot_ev.any()) and dtype == "float" and single_group.any():
        bad["ambiguous"] = single_group
        valid &= ~single_group
    values = pd.to_numeric(cleaned.where(valid), errors="coerce").astype("float64")
    bad["text"] = present & ~valid & ~bad.get("ambiguous", pd.Series(False, index=text.index))
    return values, bad


def _mixed_message(style: str, n_flagged: int, n_other: int) -> str:
    if style not in (",", "."):
        return (
            "mixes decimal styles: some values use a decimal comma (3,5 or 1.234,5) and "
            "others a decimal point (3.5 or 1,234.5); use one style in the whole column"
        )
    mine, theirs = (
        ("comma (3,5)", "point (3.5)") if style == "," else ("point (3.5)", "comma (3,5)")
    )
    it = "it" if n_flagged == 1 else "them"
    have = "has" if n_other == 1 else "have"
    return (
        f"{{n}} value{{s}} {{has_have}} a decimal {mine} while the other {n_other} {have} a "
        f"decimal {theirs}; write {it} with a decimal {theirs.split()[0]} like the rest"
    )


def _convert_number(
    s: pd.Series, spec: ColumnSpec, where: Where, context: str
) -> tuple[pd.Series, list[Problem]]:
    text, native, blank = _split(s)
    values = pd.Series(np.nan, index=s.index, dtype="float64")
    problems = []
    allowed = _number_allowed(spec)
    bad_text = pd.Series(False, index=s.index)
    if text is not None:
        parsed, bad = parse_numbers(text, context=context, dtype=spec.dtype)
        values = values.mask(text.notna(), parsed)
        if "mixed" in bad:
            style = bad["mixed_style"].iloc[0] if len(bad["mixed_style"]) else ""
            flagged = int(bad["mixed"].sum())
            others = int(text.str.contains(r"[.,]", regex=True).fillna(False).sum()) - flagged
            problems.append(
                rows_problem(
                    bad["mixed"],
                    s,
                    _mixed_message(style, flagged, others),
                    file=where,
                    column=spec.name,
                )
            )
            return values, problems
        if "ambiguous" in bad and bad["ambiguous"].any():
            sep = "." if context == "," else ","
            problems.append(
                rows_problem(
                    bad["ambiguous"],
                    s,
                    f"{{n}} value{{s}} {{is_are}} ambiguous: '{sep}' followed by three digits "
                    "may be a thousands separator or a decimal mark; write the number without "
                    "a thousands separator (1234.5 or 1234,5)",
                    file=where,
                    column=spec.name,
                )
            )
        bad_text = bad["text"]
    if native is not None:
        is_num = (
            native.map(
                lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
            ).astype(bool)
            if native.dtype == object
            else pd.Series(
                pd.api.types.is_numeric_dtype(native.dtype)
                and not pd.api.types.is_bool_dtype(native.dtype),
                index=native.index,
            )
        )
        nums = pd.to_numeric(native.where(is_num), errors="coerce").astype("float64")
        values = values.mask(native.notna() & is_num, nums)
        bad_text = bad_text | (native.notna() & ~is_num) | (is_num & np.isinf(nums.fillna(0)))
    if bad_text.any():
        problems.append(
            rows_problem(
                bad_text,
                s,
                "{n} value{s} cannot be read as a number",
                file=where,
                column=spec.name,
                allowed=allowed,
            )
        )
    ok = values.notna()
    flagged = pd.Series(False, index=s.index)
    if spec.dtype == "int":
        frac = ok & (values % 1 != 0)
        if frac.any():
            hint = ""
            if text is not None and text.str.fullmatch(_DOT_THOUSANDS).fillna(False)[frac].any():
                hint = " ('.' followed by three digits: a thousands separator? write 1234)"
            problems.append(
                rows_problem(
                    frac,
                    s,
                    "{n} value{s} {has_have} a fractional part" + hint,
                    file=where,
                    column=spec.name,
                    allowed=allowed,
                )
            )
            flagged |= frac
    out_of_range = pd.Series(False, index=s.index)
    if spec.min is not None:
        out_of_range |= ok & (values < spec.min)
    if spec.max is not None:
        out_of_range |= ok & (values > spec.max)
    out_of_range &= ~flagged  # one problem per cell: a fractional year is not also out of range
    if out_of_range.any():
        problems.append(
            rows_problem(
                out_of_range,
                s,
                "{n} value{s} {is_are} out of range",
                file=where,
                column=spec.name,
                allowed=allowed,
            )
        )
    problems += _blank_problem(blank, spec, where)
    if problems:
        return values, problems
    if spec.dtype == "int":
        target = "Int8" if spec.name in SMALL_INT_COLUMNS else "Int64"
        return pd.Series(pd.array(values.to_numpy(), dtype="Float64"), index=s.index).astype(
            target
        ), []
    return values, []


def _fmt_bound(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _number_allowed(spec: ColumnSpec) -> str:
    kind = "whole numbers" if spec.dtype == "int" else "numbers"
    if spec.min is not None and spec.max is not None:
        text = f"{kind} from {_fmt_bound(spec.min)} to {_fmt_bound(spec.max)}"
    elif spec.min is not None:
        text = f"{kind} ≥ {_fmt_bound(spec.min)}"
    elif spec.max is not None:
        text = f"{kind} ≤ {_fmt_bound(spec.max)}"
    else:
        text = kind
    return text + (", or blank" if spec.nullable else "")


def _blank_problem(blank: pd.Series, spec: ColumnSpec, where: Where) -> list[Problem]:
    if spec.nullable or not blank.any():
        return []
    return [
        rows_problem(
            blank,
            pd.Series([""] * len(blank), index=blank.index),
            "{n} blank cell{s} in a column that must be filled in",
            file=where,
            column=spec.name,
        )
    ]


# --------------------------------------------------------------------------- other types


def _convert_string(
    s: pd.Series, spec: ColumnSpec, where: Where
) -> tuple[pd.Series, list[Problem]]:
    text, native, blank = _split(s)
    out = pd.Series(pd.NA, index=s.index, dtype="str")
    if text is not None:
        out = out.mask(text.notna(), text)
    if native is not None:
        nat = native
        if pd.api.types.is_float_dtype(nat.dtype) and (nat.dropna() % 1 == 0).all():
            nat = nat.astype("Int64")
        nat_text = nat.astype("str").str.strip().mask(native.isna())
        if native.dtype == object:
            nat_text = native.map(_object_text, na_action="ignore").astype("str")
        out = out.mask(native.notna(), nat_text)
    return out.astype("str"), _blank_problem(blank, spec, where)


def _object_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp | np.datetime64) or hasattr(v, "isoformat"):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v).strip()


def _convert_bool(s: pd.Series, spec: ColumnSpec, where: Where) -> tuple[pd.Series, list[Problem]]:
    text, native, blank = _split(s)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    bad = pd.Series(False, index=s.index)
    if text is not None:
        low = text.str.lower()
        is_true, is_false = low.isin(TRUE_WORDS), low.isin(FALSE_WORDS)
        out = out.mask(is_true.fillna(False).astype(bool), True)
        out = out.mask(is_false.fillna(False).astype(bool), False)
        bad |= (text.notna() & ~(is_true | is_false)).fillna(False).astype(bool)
    if native is not None:
        mapped = native.map(
            lambda v: bool(v) if isinstance(v, (bool, np.bool_)) or v in (0, 1) else None,
            na_action="ignore",
        )
        ok = native.notna() & mapped.notna()
        out = out.mask(ok, mapped.where(ok).astype("boolean"))
        bad |= native.notna() & mapped.isna()
    problems = []
    if bad.any():
        problems.append(
            rows_problem(
                bad,
                s,
                "{n} value{s} cannot be read as true/false",
                file=where,
                column=spec.name,
                allowed="true/false, ya/tidak, y/n, yes/no, 1/0 (any case)"
                + (", or blank" if spec.nullable else ""),
            )
        )
    problems += _blank_problem(blank, spec, where)
    if problems or blank.any():
        return out, problems
    return out.astype(bool), []


def _convert_date(
    s: pd.Series,
    spec: ColumnSpec,
    where: Where,
    *,
    order: str | None = None,
    locale: str | None = None,
) -> tuple[pd.Series, list[Problem], list[Note]]:
    text, native, blank = _split(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    bad = pd.Series(False, index=s.index)
    problems: list[Problem] = []
    notes: list[Note] = []
    allowed = DATE_ALLOWED + (", or blank" if spec.nullable else "")
    if text is not None:
        read = read_date_texts(text, order=order, locale=locale)
        out = out.mask(text.notna(), read.values)
        bad |= read.bad
        if read.order_problem:
            problems.append(
                rows_problem(
                    read.order_cells,
                    s,
                    read.order_problem,
                    file=where,
                    column=spec.name,
                    allowed=allowed,
                )
            )
        for name, n in read.formats.items():
            notes.append(("date_format", name, spec.name, n))
    if native is not None:
        values, native_bad, serials = read_native_dates(native)
        out = out.mask(native.notna() & values.notna(), values)
        bad |= native_bad
        if serials:
            notes.append(("date_format", "Excel serial day numbers", spec.name, serials))
    if bad.any():
        problems.append(
            rows_problem(
                bad,
                s,
                "{n} value{s} cannot be read as a date",
                file=where,
                column=spec.name,
                allowed=allowed,
            )
        )
    problems += _blank_problem(blank, spec, where)
    return out, problems, notes


def _convert_category(
    s: pd.Series, spec: ColumnSpec, where: Where, hint: str = ""
) -> tuple[pd.Series, list[Problem]]:
    allowed = tuple(spec.allowed or ())
    text, native, blank = _split(s)
    if native is not None:
        nat_text = native.map(_object_text, na_action="ignore").astype("str")
        text = nat_text if text is None else text.fillna(nat_text)
    lookup = {a.casefold(): a for a in allowed}
    mapped = text.str.casefold().map(lookup)
    unknown = (text.notna() & mapped.isna()).astype(bool)
    problems = []
    if unknown.any():
        distinct = list(dict.fromkeys(text[unknown].tolist()))
        hints = []
        for value in distinct[:SHOWN]:
            close = difflib.get_close_matches(value.casefold(), list(lookup), n=1, cutoff=0.6)
            if close:
                hints.append(f"'{value}' → '{lookup[close[0]]}'?")
        message = "{n} value{s} {is_are} not allowed"
        if hints:
            message += " (did you mean " + ", ".join(hints) + ")"
        problems.append(
            rows_problem(
                unknown,
                s,
                message,
                suffix=hint,
                file=where,
                column=spec.name,
                allowed=", ".join(allowed) + (", or blank" if spec.nullable else ""),
            )
        )
    problems += _blank_problem(blank, spec, where)
    out = pd.Series(pd.Categorical(mapped, categories=list(allowed)), index=s.index)
    return out, problems


def convert_column(
    s: pd.Series,
    spec: ColumnSpec,
    file: str | Where,
    context: str,
    *,
    order: str | None = None,
    locale: str | None = None,
    hint: str = "",
) -> tuple[pd.Series, list[Problem], list[Note]]:
    """Convert one column to its declared type; list every problem found in it.

    Returns the converted column, the problems and the recognitions made
    (date formats read). ``hint`` ends the message of values that are not
    allowed (the ``sources.yaml`` lines that would map them).
    """
    where = file if isinstance(file, Where) else Where(file)
    if spec.dtype in ("int", "float"):
        return (*_convert_number(s, spec, where, context), [])
    if spec.dtype == "bool":
        return (*_convert_bool(s, spec, where), [])
    if spec.dtype == "date":
        return _convert_date(s, spec, where, order=order, locale=locale)
    if spec.dtype == "category":
        return (*_convert_category(s, spec, where, hint), [])
    return (*_convert_string(s, spec, where), [])


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Locator:
    """Where each row of a stacked table comes from: its source and its row there."""

    labels: tuple[str, ...]
    source: np.ndarray
    rows: np.ndarray

    def split(self, mask: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """(source label, positions) of the masked rows, source by source."""
        positions = np.flatnonzero(mask)
        out = []
        for i, label in enumerate(self.labels):
            mine = positions[self.source[positions] == i]
            if len(mine):
                out.append((label, mine))
        return out


def located_problems(
    mask: pd.Series | np.ndarray,
    values: pd.Series,
    message: str,
    locator: Locator,
    *,
    column: str | None,
    allowed: str | None = None,
    suffix: str = "",
) -> list[Problem]:
    """:func:`rows_problem` for a stacked table: one problem per source holding such rows."""
    mask = np.asarray(mask, dtype=bool)
    out = []
    for label, positions in locator.split(mask):
        sub = np.zeros(len(mask), dtype=bool)
        sub[positions] = True
        out.append(
            rows_problem(
                sub,
                values,
                message,
                file=Where(label, locator.rows),
                column=column,
                allowed=allowed,
                suffix=suffix,
            )
        )
    return out


def check_table(frame: pd.DataFrame, spec: TableSpec, locator: Locator) -> list[Problem]:
    """Checks on a whole (stacked) table: unique ids and keys, bounds by unit."""
    problems = _uniqueness(frame, spec, locator)
    if spec.name == "service_indicators":
        problems += _unit_bounds(frame, locator)
    return problems


def _uniqueness(frame: pd.DataFrame, spec: TableSpec, locator: Locator) -> list[Problem]:
    problems = []
    checked: set[tuple[str, ...]] = set()
    for col in spec.columns:
        if col.unique and col.name in frame.columns:
            values = frame[col.name]
            dup = (values.notna() & values.duplicated(keep=False)).to_numpy(dtype=bool)
            if dup.any():
                n_ids = values[dup].nunique()
                problems += located_problems(
                    dup,
                    values,
                    f"{plural(n_ids, 'identifier')} occur{'s' if n_ids == 1 else ''} more "
                    "than once ({n} rows); every value must be unique",
                    locator,
                    column=col.name,
                )
            checked.add((col.name,))
    key = tuple(k for k in spec.key if k in frame.columns)
    if key and key not in checked and len(key) == len(spec.key):
        keyframe = frame[list(key)]
        dup = keyframe.duplicated(keep=False).to_numpy(dtype=bool)
        if dup.any():
            shown = (
                keyframe.astype(object).apply(
                    lambda r: "(" + ", ".join(str(_plain(v)) for v in r) + ")", axis=1
                )
                if dup.sum() <= 1000
                else keyframe.iloc[:, 0]
            )
            problems += located_problems(
                dup,
                shown,
                "{n} rows repeat the same (" + ", ".join(key) + "); each combination "
                "must appear once",
                locator,
                column=None,
            )
    return problems


def _unit_bounds(frame: pd.DataFrame, locator: Locator) -> list[Problem]:
    if not {"value", "unit"} <= set(frame.columns):
        return []
    problems = []
    unit = frame["unit"].astype("str").str.strip().str.lower()
    value = pd.to_numeric(frame["value"], errors="coerce")
    for name, (lo, hi) in UNIT_BOUNDS.items():
        is_unit = unit.eq(name).fillna(False).to_numpy(dtype=bool)
        bad = is_unit & (
            ((value < lo).to_numpy(dtype=bool, na_value=False) if lo is not None else False)
            | ((value > hi).to_numpy(dtype=bool, na_value=False) if hi is not None else False)
        )
        if bad.any():
            if hi is None:
                what = {"count": "a count", "days": "a number of days"}.get(name, "it")
                message = (
                    f"{{n}} value{{s}} in unit '{name}' {{is_are}} negative; {what} cannot be "
                    "negative: correct the value or the unit"
                )
                allowed = f"{name}: ≥ {_fmt_bound(lo)}"
            else:
                message = (
                    f"{{n}} value{{s}} in unit '{name}' {{is_are}} outside {_fmt_bound(lo)} to "
                    f"{_fmt_bound(hi)}; a share lies between them (write 35 % as 0.35): correct "
                    "the value or the unit"
                )
                allowed = f"{name}: from {_fmt_bound(lo)} to {_fmt_bound(hi)}"
            problems += located_problems(
                bad, frame["value"], message, locator, column="value", allowed=allowed
            )
    return problems


_STAGES = ("proposed_on", "trial_on", "launched_on", "discontinued_on")


def date_order_problems(frame: pd.DataFrame, where: Where) -> list[Problem]:
    """Innovation dates must follow proposed_on ≤ trial_on ≤ launched_on ≤ discontinued_on."""
    problems = []
    present = [c for c in _STAGES if c in frame.columns]
    order = " ≤ ".join(_STAGES)
    for i, early in enumerate(present):
        for late in present[i + 1 :]:
            a, b = frame[early], frame[late]
            if not (
                pd.api.types.is_datetime64_any_dtype(a) and pd.api.types.is_datetime64_any_dtype(b)
            ):
                continue
            wrong = (a.notna() & b.notna() & (b < a)).astype(bool)
            if wrong.any():
                shown = (
                    late
                    + " "
                    + b.dt.strftime("%Y-%m-%d").astype("str")
                    + " < "
                    + early
                    + " "
                    + a.dt.strftime("%Y-%m-%d").astype("str")
                )
                problems.append(
                    rows_problem(
                        wrong,
                        shown,
                        f"{{n}} row{{s}} {{is_are}} dated before {early}; the dates must follow "
                        f"{order}",
                        file=where,
                        column=late,
                    )
                )
    return problems


def cross_check(
    frames: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    tables: Mapping[str, TableSpec],
    locators: Mapping[str, Locator] | None = None,
    hint: Callable[[str, str, list], str] | None = None,
) -> list[Problem]:
    """Check ``references`` between tables (agency ids, region codes).

    ``hint(table, column, unknown values)`` adds how to fix it (a "did you mean").
    """
    problems = []
    for name, spec in tables.items():
        if name not in frames:
            continue
        for col in spec.columns:
            if not col.references or col.name not in frames[name].columns:
                continue
            target_table, target_col = col.references.split(".")
            if target_table not in frames or target_col not in frames[target_table].columns:
                continue
            values = frames[name][col.name]
            known = set(frames[target_table][target_col].dropna())
            missing = (values.notna() & ~values.isin(known)).to_numpy(dtype=bool)
            if missing.any():
                ids = list(dict.fromkeys(values[missing].tolist()))
                listed = ", ".join(repr(v) for v in ids[:10])
                if len(ids) > 10:
                    listed += f" and {len(ids) - 10} more"
                message = (
                    f"{plural(len(ids), 'id')} not found in {files[target_table]} "
                    f"({target_col}): {listed}; add "
                    f"{'it' if len(ids) == 1 else 'them'} to {files[target_table]} or "
                    "correct the ids ({n} row{s})"
                )
                extra = hint(name, col.name, ids) if hint is not None else ""
                if locators and name in locators:
                    problems += located_problems(
                        missing, values, message, locators[name], column=col.name, suffix=extra
                    )
                else:
                    problems.append(
                        rows_problem(
                            missing,
                            values,
                            message,
                            file=files[name],
                            column=col.name,
                            suffix=extra,
                        )
                    )
    return problems


def missing_column(
    col: str,
    header: Sequence[str],
    unused: Sequence[str],
    file: str,
    *,
    table: str | None = None,
    spec: ColumnSpec | None = None,
) -> Problem:
    """A required column the source lacks, with the source headers closest to it and the fix."""
    from innolab_analysis.data.aliases import header_key

    lowered = {header_key(h): h for h in unused}
    close = difflib.get_close_matches(header_key(col), list(lowered), n=3, cutoff=0.5)
    message = "required column is missing; the file has columns " + ", ".join(
        repr(h) for h in header
    )
    if close and difflib.SequenceMatcher(None, header_key(col), close[0]).ratio() >= 0.8:
        return Problem(
            message + f"; '{lowered[close[0]]}' looks like a misspelling: rename it to '{col}'",
            file=file,
            column=col,
        )
    if table is None:
        return Problem(message, file=file, column=col)
    first = lowered[close[0]] if close else "<header>"
    if close:
        message += "; closest: " + ", ".join(repr(lowered[c]) for c in close)
    message += (
        f"; if a column holds it, write in sources.yaml: {table}: "
        f"{{columns: {{{quoted(first)}: {col}}}}}"
    )
    if spec is not None and spec.allowed:
        example = "{value: " + spec.allowed[0] + "}"
        message += f"; if every row has the same value: {table}: {{derive: {{{col}: {example}}}}} (allowed: {', '.join(spec.allowed)})"
    elif spec is not None and spec.dtype == "date":
        message += (
            f"; if another date stands for it: {table}: {{derive: {{{col}: {{from: <column>}}}}}}"
        )
    else:
        message += (
            f"; if every row has the same value: {table}: {{derive: {{{col}: {{value: …}}}}}}"
        )
    return Problem(message, file=file, column=col)
