"""Vectorised conversion and validation of tables, driven by :mod:`.tables`.

Every check collects :class:`~innolab_analysis.errors.Problem` objects instead of
raising, so that the loader can report every problem of every table at once.
Row numbers are spreadsheet rows: the header is row 1, the first data row is
row 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from innolab_analysis.data._readers import RawTable
from innolab_analysis.data.tables import ColumnSpec, TableSpec
from innolab_analysis.errors import Problem

SHOWN = 5
"""How many offending rows a problem lists."""

BLANKS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a"})
"""Cell texts read as blank (compared case-insensitively, after stripping)."""

TRUE_WORDS = ("true", "ya", "y", "yes", "1")
FALSE_WORDS = ("false", "tidak", "n", "no", "0")

SMALL_INT_COLUMNS = frozenset(f"u{i}" for i in range(1, 15))
"""Columns stored as Int8 (SKM answers 1–4) to save memory."""

DATE_ALLOWED = "ISO dates (2024-03-31) or day/month/year (31/03/2024)"

_INT = r"[+-]?\d+"
_DOT = r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+"
_COMMA = r"[+-]?\d*,\d+"
_DOT_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"
_COMMA_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def rows_problem(
    mask: pd.Series | np.ndarray,
    values: pd.Series,
    message: str,
    *,
    file: str,
    column: str | None,
    allowed: str | None = None,
) -> Problem:
    """A problem for the rows where ``mask`` is true: the first rows shown, the count in words."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    n = len(positions)
    more = f" (showing {SHOWN}, and {n - SHOWN} more)" if n > SHOWN else ""
    shown = positions[:SHOWN]
    vals = values.iloc[shown]
    return Problem(
        message.format(
            n=n, is_are=_is_are(n), has_have="has" if n == 1 else "have", s="" if n == 1 else "s"
        )
        + more,
        file=file,
        column=column,
        rows=tuple(int(i) + 2 for i in shown),
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
        text, native = s.astype("str").str.strip(), None
    else:
        text, native = None, s
    blank = pd.Series(False, index=s.index)
    if text is not None:
        blank |= text.isna() | text.str.lower().isin(BLANKS).fillna(False).astype(bool)
        text = text.mask(blank)
    if native is not None:
        blank |= native.isna() & (text.isna() if text is not None else True)
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
        ``"text"``, ``"mixed"``, ``"ambiguous"`` → boolean masks of offending cells.
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
        bad["mixed"] = comma_ev | dot_ev
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


def _convert_number(
    s: pd.Series, spec: ColumnSpec, file: str, context: str
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
            problems.append(
                rows_problem(
                    bad["mixed"],
                    s,
                    "mixes decimal styles: some values use a decimal comma (3,5 or 1.234,5) and "
                    "others a decimal point (3.5 or 1,234.5); use one style in the whole column",
                    file=file,
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
                    file=file,
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
                file=file,
                column=spec.name,
                allowed=allowed,
            )
        )
    ok = values.notna()
    if spec.dtype == "int":
        frac = ok & (values % 1 != 0)
        if frac.any():
            problems.append(
                rows_problem(
                    frac,
                    s,
                    "{n} value{s} {has_have} a fractional part",
                    file=file,
                    column=spec.name,
                    allowed=allowed,
                )
            )
    out_of_range = pd.Series(False, index=s.index)
    if spec.min is not None:
        out_of_range |= ok & (values < spec.min)
    if spec.max is not None:
        out_of_range |= ok & (values > spec.max)
    if out_of_range.any():
        problems.append(
            rows_problem(
                out_of_range,
                s,
                "{n} value{s} {is_are} out of range",
                file=file,
                column=spec.name,
                allowed=allowed,
            )
        )
    problems += _blank_problem(blank, spec, file)
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


def _blank_problem(blank: pd.Series, spec: ColumnSpec, file: str) -> list[Problem]:
    if spec.nullable or not blank.any():
        return []
    return [
        rows_problem(
            blank,
            pd.Series([""] * len(blank), index=blank.index),
            "{n} blank cell{s} in a column that must be filled in",
            file=file,
            column=spec.name,
        )
    ]


# --------------------------------------------------------------------------- other types


def _convert_string(s: pd.Series, spec: ColumnSpec, file: str) -> tuple[pd.Series, list[Problem]]:
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
    return out.astype("str"), _blank_problem(blank, spec, file)


def _object_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp | np.datetime64) or hasattr(v, "isoformat"):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v).strip()


def _convert_bool(s: pd.Series, spec: ColumnSpec, file: str) -> tuple[pd.Series, list[Problem]]:
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
                file=file,
                column=spec.name,
                allowed="true/false, ya/tidak, y/n, yes/no, 1/0 (any case)"
                + (", or blank" if spec.nullable else ""),
            )
        )
    problems += _blank_problem(blank, spec, file)
    if problems or blank.any():
        return out, problems
    return out.astype(bool), []


_ISO = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = r"\d{1,2}/\d{1,2}/\d{4}"


def _convert_date(s: pd.Series, spec: ColumnSpec, file: str) -> tuple[pd.Series, list[Problem]]:
    text, native, blank = _split(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    bad = pd.Series(False, index=s.index)
    problems = []
    if text is not None:
        iso = text.str.fullmatch(_ISO).fillna(False).astype(bool)
        if iso.any():
            parsed = pd.to_datetime(text.where(iso), format="ISO8601", errors="coerce")
            out = out.mask(iso, parsed.astype("datetime64[us]"))
        slashed = text.str.replace(r"[.-]", "/", regex=True)
        dmy = (slashed.str.fullmatch(_DMY).fillna(False) & ~iso).astype(bool)
        if dmy.any():
            built = pd.to_datetime(slashed.where(dmy), format="%d/%m/%Y", errors="coerce")
            out = out.mask(dmy, built.astype("datetime64[us]"))
            failed = dmy & built.isna()
            if failed.any():
                parts = slashed[failed].str.split("/", expand=True).astype(int)
                us_order = pd.Series(False, index=s.index)
                us_order[failed] = ((parts[1] > 12) & (parts[0] <= 12)).to_numpy()
                if us_order.any():
                    problems.append(
                        rows_problem(
                            us_order,
                            s,
                            "dates are written month/day/year (US order), so dates such as "
                            "03/04/2024 cannot be read safely; re-export the column as ISO "
                            "dates (2024-03-31)",
                            file=file,
                            column=spec.name,
                            allowed=DATE_ALLOWED,
                        )
                    )
        bad |= (text.notna() & out.isna()).astype(bool)
        if problems:  # month/day/year column: reported once above, not again as "not dates"
            bad &= ~dmy
    if native is not None:
        if pd.api.types.is_datetime64_any_dtype(native.dtype):
            nat = native.dt.tz_localize(None) if getattr(native.dt, "tz", None) else native
            out = out.mask(native.notna(), nat.astype("datetime64[us]"))
        else:
            is_date = native.notna() & native.map(
                lambda v: hasattr(v, "year") and hasattr(v, "month")
            ).astype(bool)
            conv = pd.to_datetime(native.where(is_date), errors="coerce")
            out = out.mask(is_date, conv.astype("datetime64[us]"))
            bad |= native.notna() & ~is_date
    if bad.any():
        problems.append(
            rows_problem(
                bad,
                s,
                "{n} value{s} cannot be read as a date",
                file=file,
                column=spec.name,
                allowed=DATE_ALLOWED + (", or blank" if spec.nullable else ""),
            )
        )
    problems += _blank_problem(blank, spec, file)
    return out, problems


def _convert_category(s: pd.Series, spec: ColumnSpec, file: str) -> tuple[pd.Series, list[Problem]]:
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
                file=file,
                column=spec.name,
                allowed=", ".join(allowed) + (", or blank" if spec.nullable else ""),
            )
        )
    problems += _blank_problem(blank, spec, file)
    out = pd.Series(pd.Categorical(mapped, categories=list(allowed)), index=s.index)
    return out, problems


def convert_column(
    s: pd.Series, spec: ColumnSpec, file: str, context: str
) -> tuple[pd.Series, list[Problem]]:
    """Convert one column to its declared type; list every problem found in it."""
    if spec.dtype in ("int", "float"):
        return _convert_number(s, spec, file, context)
    if spec.dtype == "bool":
        return _convert_bool(s, spec, file)
    if spec.dtype == "date":
        return _convert_date(s, spec, file)
    if spec.dtype == "category":
        return _convert_category(s, spec, file)
    return _convert_string(s, spec, file)


# --------------------------------------------------------------------------- tables


def _missing_column(col: str, header: list[str], spec: TableSpec, file: str) -> Problem:
    unknown = [h for h in header if h not in spec.names]
    lowered = {h.lower(): h for h in unknown}
    close = difflib.get_close_matches(col, list(lowered), n=1, cutoff=0.6)
    message = "required column is missing; the file has columns " + ", ".join(
        repr(h) for h in header
    )
    if close:
        message += f"; '{lowered[close[0]]}' looks like a misspelling: rename it to '{col}'"
    return Problem(message, file=file, column=col)


def validate_table(raw: RawTable, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert and check one table read from a file.

    Returns
    -------
    frame : DataFrame
        The table with declared columns converted (declared order first, then
        any extra columns as read). When there are problems it is only partly
        converted, good enough for the checks across tables.
    problems : list of Problem
    """
    frame = raw.frame
    file = raw.file
    problems: list[Problem] = []
    if spec.name == "skm_responses":
        from innolab_analysis.data.headers import skm_column_mapping

        mapping, clashes = skm_column_mapping(frame.columns)
        problems += [Problem(p.message, file=file, column=p.column) for p in clashes]
        if not clashes:
            frame = frame.rename(columns={k: v for k, v in mapping.items() if k != v})
    header = [str(c) for c in frame.columns]
    for col in spec.columns:
        if col.required and col.name not in frame.columns:
            problems.append(_missing_column(col.name, header, spec, file))
    converted: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values, found = convert_column(frame[col.name], col, file, raw.decimal)
        problems += found
        converted[col.name] = values
    problems += _uniqueness(converted, spec, file, frame)
    if spec.name == "innovations":
        problems += _date_order(converted, file, frame)
    extras = [c for c in frame.columns if c not in spec.names]
    out = pd.DataFrame(converted, index=frame.index)
    for c in extras:
        out[c] = frame[c].copy()
    return out.reset_index(drop=True), problems


def _uniqueness(
    converted: Mapping[str, pd.Series], spec: TableSpec, file: str, frame: pd.DataFrame
) -> list[Problem]:
    problems = []
    checked: set[tuple[str, ...]] = set()
    for col in spec.columns:
        if col.unique and col.name in converted:
            values = converted[col.name]
            dup = values.notna() & values.duplicated(keep=False)
            if dup.any():
                n_ids = values[dup].nunique()
                problems.append(
                    rows_problem(
                        dup,
                        frame[col.name],
                        f"{plural(n_ids, 'identifier')} occur{'s' if n_ids == 1 else ''} more "
                        "than once ({n} rows); every value must be unique",
                        file=file,
                        column=col.name,
                    )
                )
            checked.add((col.name,))
    key = tuple(k for k in spec.key if k in converted)
    if key and key not in checked and len(key) == len([k for k in spec.key if k in converted]):
        keyframe = pd.DataFrame({k: converted[k] for k in key})
        dup = keyframe.duplicated(keep=False)
        if dup.any():
            shown = (
                keyframe.astype(object).apply(
                    lambda r: "(" + ", ".join(str(_plain(v)) for v in r) + ")", axis=1
                )
                if dup.sum() <= 1000
                else keyframe.iloc[:, 0]
            )
            problems.append(
                rows_problem(
                    dup,
                    shown,
                    "{n} rows repeat the same (" + ", ".join(key) + "); each combination "
                    "must appear once",
                    file=file,
                    column=None,
                )
            )
    return problems


_STAGES = ("proposed_on", "trial_on", "launched_on", "discontinued_on")


def _date_order(
    converted: Mapping[str, pd.Series], file: str, frame: pd.DataFrame
) -> list[Problem]:
    problems = []
    present = [c for c in _STAGES if c in converted]
    order = " ≤ ".join(_STAGES)
    for i, early in enumerate(present):
        for late in present[i + 1 :]:
            a, b = converted[early], converted[late]
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
                        file=file,
                        column=late,
                    )
                )
    return problems


def cross_check(
    frames: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    tables: Mapping[str, TableSpec],
) -> list[Problem]:
    """Check ``references`` between tables (agency ids, region codes)."""
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
            missing = (values.notna() & ~values.isin(known)).astype(bool)
            if missing.any():
                ids = list(dict.fromkeys(values[missing].tolist()))
                listed = ", ".join(repr(v) for v in ids[:10])
                if len(ids) > 10:
                    listed += f" and {len(ids) - 10} more"
                problems.append(
                    rows_problem(
                        missing,
                        values,
                        f"{plural(len(ids), 'id')} not found in {files[target_table]} "
                        f"({target_col}): {listed}; add "
                        f"{'it' if len(ids) == 1 else 'them'} to {files[target_table]} or "
                        "correct the ids ({n} row{s})",
                        file=files[name],
                        column=col.name,
                    )
                )
    return problems
