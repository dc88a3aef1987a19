"""One exception tree for the whole toolkit.

Every error the toolkit raises on purpose derives from :class:`InnolabError`.
Errors about user input carry structured fields (``file``, ``column``,
``rows``, ``allowed``, ``problems``) so that the command line and the reports
can show them, and their message lists *every* problem found, not only the
first.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DataValidationError",
    "EstimationError",
    "InnolabError",
    "ParamsError",
    "Problem",
    "RunError",
    "check_level",
    "check_option",
    "close_names",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in user input.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it, in one sentence.
    file : str, optional
        The file the problem is in.
    column : str, optional
        The column (or parameter key) concerned.
    rows : tuple of int
        The first offending row numbers, 1-based as a spreadsheet shows them
        (the header is row 1, so the first data row is row 2).
    values : tuple
        The offending values, in the order of ``rows``.
    allowed : str, optional
        What is allowed, in words.
    line : int, optional
        Line number, for YAML parameter files.
    """

    message: str
    file: str | None = None
    column: str | None = None
    rows: tuple[int, ...] = ()
    values: tuple[Any, ...] = ()
    allowed: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}" + (f":{self.line}" if self.line else ""))
        if self.column:
            where.append(f"column '{self.column}'")
        head = ", ".join(where)
        text = f"{head}: {self.message}" if head else self.message
        if self.rows:
            shown = ", ".join(
                f"row {r} ({v!r})" if i < len(self.values) else f"row {r}"
                for i, (r, v) in enumerate(zip(self.rows, self.values + (None,) * len(self.rows)))
            )
            text += f" [{shown}]"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


class InnolabError(Exception):
    """Root of every error raised on purpose by innolab_analysis."""


class DataValidationError(InnolabError, ValueError):
    """Input data do not satisfy the declared schema.

    The message lists every problem at once; ``problems`` holds them as
    :class:`Problem` objects and ``failure_cases`` as a DataFrame.
    """

    def __init__(self, problems: Sequence[Problem] | str, *, title: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = list(problems)
        self.title = title or f"{len(self.problems)} problem(s) in the input data"
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [self.title + ":"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    @property
    def file(self) -> str | None:
        files = {p.file for p in self.problems if p.file}
        return files.pop() if len(files) == 1 else None

    @property
    def column(self) -> str | None:
        cols = {p.column for p in self.problems if p.column}
        return cols.pop() if len(cols) == 1 else None

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(r for p in self.problems for r in p.rows)

    @property
    def failure_cases(self):
        """The problems as a tidy DataFrame (file, column, row, value, message)."""
        import pandas as pd

        records = []
        for p in self.problems:
            if p.rows:
                for i, r in enumerate(p.rows):
                    v = p.values[i] if i < len(p.values) else None
                    records.append((p.file, p.column, r, v, p.message))
            else:
                records.append((p.file, p.column, None, None, p.message))
        return pd.DataFrame(records, columns=["file", "column", "row", "value", "message"])


class ParamsError(DataValidationError):
    """A study parameter file is invalid (unknown keys, wrong types, missing files)."""

    def __init__(self, problems: Sequence[Problem] | str, *, title: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        super().__init__(problems, title=title or f"{len(problems)} problem(s) in the parameters")


class EstimationError(InnolabError, ValueError):
    """An estimator cannot produce an honest number from these data."""


class RunError(InnolabError, RuntimeError):
    """A notebook run failed; ``cell`` and ``notebook`` say where."""

    def __init__(self, message: str, *, notebook: str | None = None, cell: int | None = None):
        self.notebook = notebook
        self.cell = cell
        super().__init__(message)


def close_names(name: object, candidates: Sequence[object], *, limit: int = 12) -> str:
    """A "did you mean …?" hint for ``name`` among ``candidates`` (or a sample of them).

    Examples
    --------
    >>> close_names("agnecy_id", ["agency_id", "period"])
    "did you mean 'agency_id'?"
    """
    import difflib

    cands = [str(c) for c in candidates]
    close = difflib.get_close_matches(str(name), cands, n=3, cutoff=0.5)
    if close:
        return "did you mean " + ", ".join(repr(c) for c in close) + "?"
    shown = ", ".join(repr(c) for c in sorted(cands)[:limit])
    return f"available: {shown}{' …' if len(cands) > limit else ''}"


def check_option(name: str, value: object, options: Any, *, hint: str = "") -> None:
    """Raise :class:`ParamsError` unless ``value`` is one of ``options``.

    Parameters
    ----------
    name : str
        The argument or parameter name.
    value : object
        The value given.
    options : Literal alias or sequence
        The allowed values; a ``typing.Literal`` alias is the single source of
        option strings throughout the package.
    hint : str
        How to fix it, appended after a semicolon.

    Examples
    --------
    >>> from typing import Literal
    >>> check_option("vcov", "hc3", Literal["iid", "hc1", "cluster"])
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.ParamsError: 1 problem(s) in the parameters:
      - column 'vcov': vcov must be one of ('iid', 'hc1', 'cluster'), got 'hc3'; allowed: iid, hc1, cluster
    """
    from typing import get_args

    allowed = tuple(get_args(options)) or tuple(options)
    if value not in allowed:
        raise ParamsError(
            [
                Problem(
                    f"{name} must be one of {allowed}, got {value!r}"
                    + (f"; {hint}" if hint else ""),
                    column=name,
                    allowed=", ".join(map(str, allowed)),
                )
            ]
        )


def check_level(value: Any, *, name: str = "level", typical: float = 0.95) -> float:
    """Return ``value`` as a float, or raise :class:`ParamsError` unless it lies strictly in (0, 1).

    The message gives the allowed range and the likely fix: a percentage such
    as ``95`` is read as ``0.95`` (``5`` as ``0.05`` when ``typical`` is below
    one half, as for ``alpha``); other values suggest ``typical``.

    Examples
    --------
    >>> check_level(0.9)
    0.9
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.ParamsError: 1 problem(s) in the parameters:
      - column 'level': level must be a number strictly between 0 and 1, got 95; did you mean 0.95?; allowed: a share strictly between 0 and 1 (e.g. 0.95)
    """
    is_number = (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and (
            type(value).__name__ != "bool_"  # NumPy's boolean is no number either
        )
    )
    if is_number and math.isfinite(float(value)) and 0 < float(value) < 1:
        return float(value)
    guess = typical
    if is_number and 1 < float(value) < 100 and (float(value) > 50) == (typical > 0.5):
        guess = float(value) / 100
    raise ParamsError(
        [
            Problem(
                f"{name} must be a number strictly between 0 and 1, got {value!r}; "
                f"did you mean {guess:g}?",
                column=name,
                allowed=f"a share strictly between 0 and 1 (e.g. {typical:g})",
            )
        ]
    )
