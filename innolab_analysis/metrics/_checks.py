"""Input checks shared by the metrics: tables, confidence levels and numeric parameters.

Each check raises from the :class:`~innolab_analysis.errors.InnolabError` tree
with a message that names what was given and what is expected, so that no
public metric answers an odd input with a raw ``AttributeError``,
``IndexError`` or ``ValueError`` from pandas or NumPy.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem

__all__ = ["check_frame", "check_level", "check_number", "check_rows", "number_array"]


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


def check_level(level: object, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1, as a float.

    Examples
    --------
    >>> check_level(0.9)
    0.9
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.ParamsError: 1 problem(s) in the parameters:
      - column 'level': level must be a number strictly between 0 and 1 (e.g. 0.95 for a 95% interval), got 95; allowed: 0 < level < 1
    """
    ok = (
        isinstance(level, (int, float, np.integer, np.floating))
        and not isinstance(level, (bool, np.bool_))
        and np.isfinite(float(level))
        and 0 < float(level) < 1
    )
    if not ok:
        raise ParamsError(
            [
                Problem(
                    f"{name} must be a number strictly between 0 and 1 (e.g. 0.95 for a 95% "
                    f"interval), got {level!r}",
                    column=name,
                    allowed=f"0 < {name} < 1",
                )
            ]
        )
    return float(level)


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

    ``what`` names one value with its article (``"an SKM index"``).

    Missing values (None, NaN) become NaN; the caller decides whether they are allowed.

    Examples
    --------
    >>> number_array([1, None, 2.5], "a score", title="1 problem(s) in the scores").tolist()
    [1.0, nan, 2.5]
    >>> number_array([1, True, "x"], "a score", title="1 problem(s) in the scores")
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.DataValidationError: 1 problem(s) in the scores:
      - 2 value(s) that are not numbers (True, 'x'); a score is a number; allowed: numbers
    """
    raw = values.to_numpy() if isinstance(values, (pd.Series, pd.DataFrame)) else values
    arr = np.asarray(raw, dtype=object) if not isinstance(raw, np.ndarray) else raw
    if arr.dtype.kind in "iuf":
        return arr.astype(float)
    flat = arr.reshape(-1)
    bad = _not_numbers(flat)
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
    return np.array([np.nan if _blank(v) else float(v) for v in flat], dtype=float).reshape(
        arr.shape
    )


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and np.isnan(v))


def _not_numbers(flat: Iterable[object]) -> list[object]:
    return [
        v
        for v in flat
        if not _blank(v)
        and (
            isinstance(v, (bool, np.bool_))
            or not isinstance(v, (int, float, np.integer, np.floating))
        )
    ]


def _plain(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v
