"""What counts as an SKM answer: reading one answer column into numbers, naming what is not one.

An answer is a number (1–4 is checked afterwards, with the other scale
checks) or a blank. Text that reads as a number (``"3"``) is an answer;
other text (``"baik"``) is an unmapped answer option. Booleans are never
answers: ``True`` would otherwise be scored as 1 and ``False`` as 0 — a yes/no
column mapped onto an element by mistake. Dates, lists and other objects are
not answers either. Every kind of non-answer is reported with its rows.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from innolab_analysis.errors import Problem

__all__ = ["ALLOWED_ANSWERS", "MAX_SHOWN", "answers_as_float", "spreadsheet_rows"]

ALLOWED_ANSWERS = "integers 1-4 (1 = tidak baik ... 4 = sangat baik) or blank"
MAX_SHOWN = 10

_WHAT = {
    "text": "text answer(s); map the answer options a-d to 1-4 first",
    "boolean": (
        "boolean answer(s) (True/False); an answer is a score 1-4, not yes/no: check that "
        "this column is an SKM element"
    ),
    "other": "value(s) that are not answers (neither a number nor text)",
}


def spreadsheet_rows(mask: np.ndarray) -> np.ndarray:
    """Spreadsheet row numbers (header = row 1) of the first few True positions."""
    return np.flatnonzero(mask)[:MAX_SHOWN] + 2


def _kind(v: object) -> str | None:
    """None for a blank or a number; else what kind of non-answer ``v`` is."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return "boolean"
    if isinstance(v, numbers.Real):
        return None
    if isinstance(v, str):
        text = v.strip()
        if not text:
            return None
        try:
            float(text)
        except ValueError:
            return "text"
        return None
    return "other"


def _value(v: object, kind: str | None) -> float:
    if kind is not None or v is None or v is pd.NA or v is pd.NaT:
        return np.nan
    if isinstance(v, str):
        return float(v) if v.strip() else np.nan
    return float(v)


def _problem(s: pd.Series, mask: np.ndarray, column: str, kind: str) -> Problem:
    pos = np.flatnonzero(mask)[:MAX_SHOWN]
    values = s.to_numpy(dtype=object)[pos]
    return Problem(
        f"{int(mask.sum())} {_WHAT[kind]}",
        column=column,
        rows=tuple(int(r) for r in spreadsheet_rows(mask)),
        values=tuple(v.item() if isinstance(v, np.generic) else v for v in values),
        allowed=ALLOWED_ANSWERS,
    )


def answers_as_float(s: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """One answer column as float (NaN = blank) and the problems of its non-answers.

    Numeric columns take the fast path; booleans, dates, complex numbers and
    mixed object columns are read cell by cell.

    Examples
    --------
    >>> x, problems = answers_as_float(pd.Series([4, True, "3", "baik", None], dtype=object), "u1")
    >>> x.tolist()
    [4.0, nan, 3.0, nan, nan]
    >>> [str(p) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    ["column 'u1': 1 text answer(s); map the answer options a-d to 1-4 first [row 5 ('baik')];
      allowed: integers 1-4 (1 = tidak baik ... 4 = sangat baik) or blank",
     "column 'u1': 1 boolean answer(s) (True/False); an answer is a score 1-4, not yes/no: check
      that this column is an SKM element [row 3 (True)]; allowed: integers 1-4 (1 = tidak baik ...
      4 = sangat baik) or blank"]
    """
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        mask = s.notna().to_numpy(dtype=bool)
        found = [_problem(s, mask, column, "boolean")] if mask.any() else []
        return np.full(len(s), np.nan), found
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return s.to_numpy(dtype=float, na_value=np.nan), []
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        text = s.str.strip()
        num = pd.to_numeric(text, errors="coerce")
        mask = (text.notna() & (text != "") & num.isna()).to_numpy(dtype=bool, na_value=False)
        found = [_problem(s, mask, column, "text")] if mask.any() else []
        return num.to_numpy(dtype=float, na_value=np.nan), found
    cells = s.astype(object).to_numpy(dtype=object)
    kinds = [_kind(v) for v in cells]
    out = np.array([_value(v, k) for v, k in zip(cells, kinds)], dtype=float)
    found = []
    for kind in ("text", "boolean", "other"):
        mask = np.fromiter((k == kind for k in kinds), dtype=bool, count=len(kinds))
        if mask.any():
            found.append(_problem(s, mask, column, kind))
    return out, found
