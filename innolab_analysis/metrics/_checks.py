"""Input checks shared by the metrics: tables, confidence levels and numeric parameters.

Each check raises from the :class:`~innolab_analysis.errors.InnolabError` tree
with a message that names what was given and what is expected, so that no
public metric answers an odd input with a raw ``AttributeError``,
``IndexError`` or ``ValueError`` from pandas or NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem, check_level

__all__ = [
    "cell_numbers",
    "check_frame",
    "check_level",
    "check_number",
    "check_rows",
    "number_array",
]


def check_frame(data: object, table: str, *, hint: str | None = None) -> pd.DataFrame:
    """``data`` itself when it is a DataFrame; otherwise a :class:`DataValidationError`.

    For a table of the data model (no ``hint``), ``None`` is the study that
    has no such table (its file is missing or disappeared) and the message
    says which file to add; for other tables (a metric's output) ``hint``
    says what to pass.

    Examples
    --------
    >>> check_frame(None, "innovations")
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.DataValidationError: 1 problem(s) in the innovations table:
      - the innovations table is missing (got None); add innovations.csv (or .parquet/.xlsx) to the study folder and load it again
    """
    if isinstance(data, pd.DataFrame):
        return data
    if hint is None:
        hint = f"add {table}.csv (or .parquet/.xlsx) to the study folder and load it again"
    if data is None:
        text = f"the {table} table is missing (got None); {hint}"
    else:
        text = f"the {table} table must be a pandas DataFrame, got {type(data).__name__}; {hint}"
    raise DataValidationError([Problem(text)], title=f"1 problem(s) in the {table} table")


def check_rows(data: pd.DataFrame, table: str, needs: str) -> None:
    """Refuse a table without rows, saying what the metric needs.

    Examples
    --------
    >>> check_rows(pd.DataFrame({"a": []}), "innovations", "at least one innovation")
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.DataValidationError: 1 problem(s) in the innovations table:
      - the innovations table has no rows; this needs at least one innovation
    """
    if len(data) == 0:
        raise DataValidationError(
            [Problem(f"the {table} table has no rows; this needs {needs}")],
            title=f"1 problem(s) in the {table} table",
        )


def check_number(
    value: object, name: str, *, positive: bool = False, minimum: float | None = None
) -> float:
    """A finite real number (not a boolean), optionally > 0 or ≥ ``minimum``, as a float.

    Examples
    --------
    >>> check_number("2", "exponent", positive=True)
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.ParamsError: 1 problem(s) in the parameters:
      - column 'exponent': exponent must be a finite number > 0, got '2'; allowed: a number > 0
    """
    ok = (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and np.isfinite(float(value))
        and not (positive and float(value) <= 0)
        and not (minimum is not None and float(value) < minimum)
    )
    if not ok:
        bound = "> 0" if positive else (f">= {minimum:g}" if minimum is not None else "")
        raise ParamsError(
            [
                Problem(
                    f"{name} must be a finite number{' ' + bound if bound else ''}, got {value!r}",
                    column=name,
                    allowed=f"a number {bound}".strip(),
                )
            ]
        )
    return float(value)


def number_array(values: object, what: str, *, title: str, column: str | None = None) -> np.ndarray:
    """``values`` as a float array; booleans, text and other non-numbers are listed, all at once.

    ``what`` names one value with its article (``"an SKM index"``). Missing
    values (None, NaN) become NaN; the caller decides whether they are allowed.

    Examples
    --------
    >>> number_array([1, None, "2.5"], "a score", title="1 problem(s) in the scores").tolist()
    [1.0, nan, 2.5]
    >>> number_array([1, True, "x"], "a score", title="1 problem(s) in the scores")
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.DataValidationError: 1 problem(s) in the scores:
      - 2 value(s) that are not numbers (True, 'x'); a score is a number; allowed: numbers
    """
    raw = values.to_numpy() if isinstance(values, (pd.Series, pd.DataFrame)) else values
    arr = raw if isinstance(raw, np.ndarray) else np.asarray(raw, dtype=object)
    if arr.dtype.kind in "iuf":
        return arr.astype(float)
    flat = pd.Series(arr.reshape(-1), dtype=object)
    out, kinds = cell_numbers(flat)
    bad = flat[kinds != ""].tolist()
    if bad:
        shown = ", ".join(repr(_plain(v)) for v in bad[:10]) + (" …" if len(bad) > 10 else "")
        raise DataValidationError(
            [
                Problem(
                    f"{len(bad)} value(s) that are not numbers ({shown}); {what} is a number",
                    column=column,
                    allowed="numbers",
                )
            ],
            title=title,
        )
    return out.reshape(arr.shape)


def _plain(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def _kind(v: object) -> str:
    """``""`` for a blank or a number; else what kind of non-number ``v`` is."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "boolean"
    if isinstance(v, numbers.Real):
        return ""
    if isinstance(v, str):
        text = v.strip()
        if not text:
            return ""
        try:
            float(text)
        except ValueError:
            return "text"
        return ""
    return "other"


def _value(v: object, kind: str) -> float:
    if kind or v is None or v is pd.NA or v is pd.NaT:
        return np.nan
    if isinstance(v, str):
        return float(v) if v.strip() else np.nan
    return float(v)


def cell_numbers(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column as float (NaN = blank or not a number) and what each cell is when not a number.

    The kinds are ``""`` (a number or a blank), ``"text"`` (text that does not
    read as a number; ``"3"`` does), ``"boolean"`` (``True`` is not 1) and
    ``"other"`` (dates, lists …). Numeric columns take the fast path.

    Examples
    --------
    >>> values, kinds = cell_numbers(pd.Series([4, True, "3", "baik", None], dtype=object))
    >>> values.tolist(), kinds.tolist()
    ([4.0, nan, 3.0, nan, nan], ['', 'boolean', '', 'text', ''])
    """
    dtype = s.dtype
    n = len(s)
    if pd.api.types.is_bool_dtype(dtype):
        kinds = np.where(s.notna().to_numpy(dtype=bool), "boolean", "")
        return np.full(n, np.nan), kinds.astype(object)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return s.to_numpy(dtype=float, na_value=np.nan), np.full(n, "", dtype=object)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        text = s.str.strip()
        num = pd.to_numeric(text, errors="coerce")
        bad = (text.notna() & (text != "") & num.isna()).to_numpy(dtype=bool, na_value=False)
        return num.to_numpy(dtype=float, na_value=np.nan), np.where(bad, "text", "").astype(object)
    cells = s.astype(object).to_numpy(dtype=object)
    kinds = np.array([_kind(v) for v in cells], dtype=object)
    return np.array([_value(v, k) for v, k in zip(cells, kinds)], dtype=float), kinds
