"""The data check that ``innolab validate`` and ``innolab run`` make before any kernel starts.

:func:`check_data` loads each data folder a parameter file names, exactly as
the notebooks will (:func:`~innolab_analysis.data.study.load_study`), and
returns every problem: the data's own (with the folder in each file name),
and the ones between data and parameters (no survey responses in the years
asked for). The parameter loader (``reports.params.load_params``) calls it, so
``validate`` and ``run`` give the same messages; :func:`loaded_study` hands the
loaded study to the command line, which prints what was recognised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from innolab_analysis.data.study import Study, load_study
from innolab_analysis.errors import DataValidationError, Problem

__all__ = ["DataNeed", "check_data", "loaded_study"]


@dataclass(frozen=True)
class DataNeed:
    """What one notebook of a parameter file reads.

    Attributes
    ----------
    notebook : str
    data_dir : Path
        The data folder (absolute).
    years : tuple of int, optional
        ``(start_year, end_year)`` of the SKM responses the notebook keeps.
    years_key : tuple, optional
        Where ``start_year`` is written in the parameter file (a key path), for the line.
    """

    notebook: str
    data_dir: Path
    years: tuple[int, int] | None = None
    years_key: tuple = ()
    tables: tuple[str, ...] = ()
    """The tables the notebook reads."""


def loaded_study(data_dir: str | Path) -> Study:
    """The study of a data folder, loaded once per process while its files do not change
    (:func:`~innolab_analysis.data.study.load_study` memoises it).

    Raises
    ------
    DataValidationError
        As :func:`~innolab_analysis.data.study.load_study`.
    """
    return load_study(Path(data_dir))


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def check_data(
    needs: Sequence[DataNeed],
    *,
    params_file: str,
    line_of: Callable[..., int | None] = lambda *keys: None,
) -> list[Problem]:
    """Load every data folder the notebooks read and list every problem.

    Parameters
    ----------
    needs : sequence of DataNeed
        One per notebook reading data.
    params_file : str
        The parameter file's name, for the problems between data and parameters.
    line_of : callable
        ``line_of(*key_path)`` → the line of a key in the parameter file.

    Returns
    -------
    list of Problem
        The data's problems (file names prefixed by the data folder, as a user
        finds them from the working directory), each once even when several
        notebooks read the folder.
    """
    problems: list[Problem] = []
    checked: dict[Path, Study | None] = {}
    unfilled: dict[tuple[Path, str, str], list[str]] = {}
    for need in needs:
        folder = Path(need.data_dir)
        if folder not in checked:
            try:
                checked[folder] = loaded_study(folder)
            except DataValidationError as exc:
                checked[folder] = None
                prefix = _display(folder)
                problems += [
                    replace(p, file=f"{prefix}/{p.file}" if p.file else prefix)
                    for p in exc.problems
                ]
        study = checked[folder]
        if study is None:
            continue
        templates = {r.table: r.source for r in study.recognitions if r.kind == "template"}
        for table in need.tables:
            if getattr(study, table) is None and table in templates:
                unfilled.setdefault((folder, table, templates[table]), []).append(need.notebook)
        if need.years is None or study.skm_responses is None:
            continue
        start, end = need.years
        dates = pd.to_datetime(study.skm_responses["survey_date"])
        if not dates.dt.year.between(start, end).any():
            problems.append(
                Problem(
                    f"notebook '{need.notebook}' keeps the SKM responses of {start}–{end}, but "
                    f"the survey dates run from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}; "
                    "set start_year and end_year inside them",
                    file=params_file,
                    line=line_of(*need.years_key),
                    column="start_year",
                )
            )
    for (folder, table, file), notebooks in unfilled.items():
        problems.append(
            Problem(
                f"still holds only the template's example row, and the notebook(s) "
                f"{', '.join(notebooks)} read the table {table}; fill it in, or remove those "
                "notebooks from the parameter file",
                file=f"{_display(folder)}/{file}",
            )
        )
    return problems


def describe_loaded(study: Study, indent: str = "  ") -> str:
    """The console rendering of a loaded study for ``innolab validate`` (English).

    The tables with their rows and sources, everything recognised, and the
    private columns.

    Examples
    --------
    >>> print(describe_loaded(loaded_study("data/demo")).splitlines()[0])
      data data/demo: 8 tables
    """
    from innolab_analysis.data.recognition import _rows, format_recognitions

    lines = [f"{indent}data {_display(study.path)}: {len(study.tables)} tables"]
    width = max((len(t) for t in study.tables), default=0)
    for t in study.tables:
        n = len(getattr(study, t))
        sources = ", ".join(study.sources.get(t, ()))
        lines.append(f"{indent}  {t:<{width}}  {_rows(n):>12} ← {sources}")
    if study.recognitions:
        lines.append(f"{indent}recognised (nothing was configured for these):")
        lines.append(format_recognitions(study.recognitions, indent=indent + "  "))
    if study.private_columns:
        lines.append(f"{indent}private (a report shows them only as aggregates):")
        for t, cols in study.private_columns.items():
            lines.append(f"{indent}  {t}: " + ", ".join(repr(c) for c in cols))
    return "\n".join(lines)
