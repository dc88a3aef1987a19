"""What counts as an SKM answer: reading one answer column into numbers, naming what is not one.

An answer is a number (1–4 is checked afterwards, with the other scale
checks) or a blank. Text that reads as a number (``"3"``) is an answer;
other text (``"baik"``) is an unmapped answer option. Booleans are never
answers: ``True`` would otherwise be scored as 1 and ``False`` as 0 — a yes/no
column mapped onto an element by mistake. Dates, lists and other objects are
not answers either. Every kind of non-answer is reported with its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis.errors import Problem
from innolab_analysis.metrics._checks import cell_numbers

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
    values, kinds = cell_numbers(s)
    found = [_problem(s, kinds == kind, column, kind) for kind in _WHAT if (kinds == kind).any()]
    return values, found
