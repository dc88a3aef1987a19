"""Tidy effect rows passed between notebooks: record them in one, collect them in another.

Each study notebook records its headline estimates with :func:`record_effects`
into ``<output_dir>/effects/<notebook>.csv`` (the runner sets ``output_dir`` to
``reports/<study>``). A study's comparative synthesis reads back **that study's**
rows (:func:`collect_effects` with ``studies=[study]``); a comparison across
studies lists the studies it compares. Every row is identified by its
``(study, unit)`` pair — never by the unit alone, since two cities both have a
``rsud`` — wherever rows are collected, stored or joined (:data:`EFFECT_KEY`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators._result import EFFECT_COLUMNS

__all__ = [
    "EFFECT_KEY",
    "NUMERIC_EFFECT_COLUMNS",
    "collect_effects",
    "effects_path",
    "findings_path",
    "read_findings",
    "record_effects",
    "record_results",
    "result_files",
]

EFFECT_KEY: tuple[str, str] = ("study", "unit")
"""What identifies the unit of an effect row: the study it belongs to and the unit id."""

READERS: tuple[str, ...] = ("comparative_synthesis", "city_comparison")
"""Notebooks that read recorded results (their own rows are never read back as inputs)."""

NUMERIC_EFFECT_COLUMNS: tuple[str, ...] = (
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "p_value",
    "n_obs",
)
"""Effect columns that must hold numbers (blank allowed where a design has no SE)."""


def effects_path(output_dir: str | Path, notebook: str) -> Path:
    """Where the effect rows of ``notebook`` live: ``<output_dir>/effects/<notebook>.csv``."""
    return Path(output_dir) / "effects" / f"{notebook}.csv"


def findings_path(output_dir: str | Path, notebook: str) -> Path:
    """Where the summary findings of ``notebook`` live: ``<output_dir>/findings/<notebook>.json``."""
    return Path(output_dir) / "findings" / f"{notebook}.json"


def _atomic_text(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def record_results(result, output_dir: str | Path, *, notebook: str, study: str) -> list[Path]:
    """Record what a study notebook found: its effect rows and its summary findings.

    Writes ``effects/<notebook>.csv`` (:func:`record_effects`) and
    ``findings/<notebook>.json`` (the findings in both languages, for the index
    headline and the comparative synthesis), each atomically.

    Parameters
    ----------
    result : StudyResult
        The study's result (``effect_rows(study)`` and ``findings(language)``).
    output_dir : str or Path
        The notebook's ``output_dir`` parameter.
    notebook : str
        Name of the recording notebook.
    study : str
        The study id (the notebook's ``study_id`` parameter).

    Returns
    -------
    list of Path
        The files written.
    """
    import json

    written = [record_effects(result.effect_rows(study), output_dir, notebook=notebook)]
    payload = {
        "study": study,
        "notebook": notebook,
        "findings": {lang: [f.as_dict() for f in result.findings(lang)] for lang in ("id", "en")},
    }
    text = json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False)
    written.append(_atomic_text(findings_path(output_dir, notebook), text))
    return written


def read_findings(output_dir: str | Path, notebook: str) -> dict | None:
    """The findings a notebook recorded (None when there are none or the file is unreadable)."""
    import json

    path = findings_path(output_dir, notebook)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _check(rows: pd.DataFrame, where: str) -> list[Problem]:
    problems: list[Problem] = []
    missing = [c for c in EFFECT_COLUMNS if c not in rows.columns]
    extra = [c for c in rows.columns if c not in EFFECT_COLUMNS]
    if missing:
        problems.append(
            Problem(
                f"missing effect column(s) {', '.join(missing)}; build the rows with "
                "EffectResult.effect_rows(study=..., unit=..., level=...)",
                file=where,
                allowed=", ".join(EFFECT_COLUMNS),
            )
        )
    if extra:
        problems.append(
            Problem(
                f"unexpected effect column(s) {', '.join(map(str, extra))}; keep only the "
                "effect columns",
                file=where,
                allowed=", ".join(EFFECT_COLUMNS),
            )
        )
    for col in NUMERIC_EFFECT_COLUMNS:
        if col not in rows.columns:
            continue
        values = pd.to_numeric(rows[col], errors="coerce")
        bad = values.isna() & rows[col].notna()
        if bad.any():
            idx = [i for i, b in enumerate(bad.to_numpy()) if b][:5]
            problems.append(
                Problem(
                    "must hold numbers",
                    file=where,
                    column=col,
                    rows=tuple(i + 2 for i in idx),
                    values=tuple(rows[col].iloc[i] for i in idx),
                )
            )
    for col in ("study", "outcome", "term", "method"):
        if col in rows.columns and rows[col].isna().any():
            idx = [i for i, b in enumerate(rows[col].isna().to_numpy()) if b][:5]
            problems.append(
                Problem("must not be blank", file=where, column=col, rows=tuple(i + 2 for i in idx))
            )
    return problems


def record_effects(rows: pd.DataFrame, output_dir: str | Path, *, notebook: str) -> Path:
    """Write a notebook's tidy effect rows to ``<output_dir>/effects/<notebook>.csv``.

    The file is written atomically (a temporary file in the same folder, then
    ``os.replace``), so a reader never sees half a file.

    Parameters
    ----------
    rows : DataFrame
        Effect rows with exactly the columns of
        :data:`~innolab_analysis.estimators._result.EFFECT_COLUMNS` (as returned
        by ``EffectResult.effect_rows``). Not modified.
    output_dir : str or Path
        The notebook's ``output_dir`` parameter.
    notebook : str
        Name of the recording notebook (the file stem).

    Returns
    -------
    Path
        The CSV written.

    Raises
    ------
    DataValidationError
        When columns are missing or unexpected, or numbers are not numbers
        (every problem at once).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from innolab_analysis.estimators._result import EFFECT_COLUMNS
    >>> row = dict.fromkeys(EFFECT_COLUMNS, "x") | {
    ...     "estimate": 1.5, "std_error": 0.5, "ci_lower": 0.5, "ci_upper": 2.5,
    ...     "p_value": 0.01, "n_obs": 40}
    >>> path = record_effects(pd.DataFrame([row]), tempfile.mkdtemp(), notebook="demo")
    >>> path.name
    'demo.csv'
    """
    if not isinstance(rows, pd.DataFrame):
        raise DataValidationError(
            f"record_effects needs a DataFrame of effect rows, got {type(rows).__name__}"
        )
    target = effects_path(output_dir, notebook)
    problems = _check(rows, target.name)
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the effect rows")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            rows.loc[:, list(EFFECT_COLUMNS)].to_csv(fh, index=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def collect_effects(
    reports_dir: str | Path,
    *,
    studies: Sequence[str] | None = None,
    folders: Sequence[str | Path] | None = None,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """Read the recorded effect rows of the studies under ``reports_dir``.

    Looks for ``<reports_dir>/<study>/effects/<notebook>.csv``.

    Parameters
    ----------
    reports_dir : str or Path
        The published reports folder (``reports/`` by default).
    studies : sequence of str, optional
        Read only these study folders (a study's synthesis reads its own); each must
        hold recorded rows, else the error names it. Default: every study folder.
    folders : sequence of str or Path, optional
        The results folder of each of ``studies`` when it is not ``<reports_dir>/<study>``
        (an empty entry keeps the default).
    exclude : sequence of str
        Notebooks whose rows are left out (e.g. the synthesis's own).

    Returns
    -------
    DataFrame
        Columns ``run``, ``notebook`` and the effect columns; ``run`` is the
        study folder the rows come from (the ``study`` column is the study id
        the notebook wrote). Empty (with these columns) when nothing was recorded.

    Raises
    ------
    DataValidationError
        When a file does not hold valid effect rows (every file checked).

    Examples
    --------
    >>> import tempfile
    >>> collect_effects(tempfile.mkdtemp()).columns[:3].tolist()
    ['run', 'notebook', 'study']
    """
    root = Path(reports_dir)
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    if studies is None:
        paths = sorted(root.glob("*/effects/*.csv"))
    else:
        paths = []
        given = list(folders) if folders is not None else [""] * len(studies)
        for study, folder in zip(studies, given):
            where = Path(folder) if folder else root / study
            found = sorted((where / "effects").glob("*.csv"))
            if not found:
                problems.append(
                    Problem(
                        f"no recorded results for study '{study}' in {where / 'effects'}; run "
                        "its parameter file first (innolab run params/<study>.yaml)",
                        file=str(where),
                    )
                )
            paths += found
    for path in paths:
        if path.stem in exclude:
            continue
        try:
            frame = pd.read_csv(path, dtype={"study": "str", "unit": "str", "term": "str"})
        except (OSError, ValueError) as exc:
            problems.append(Problem(f"cannot read effect rows: {exc}", file=str(path)))
            continue
        file_problems = _check(frame, str(path))
        if file_problems:
            problems += file_problems
            continue
        frame = frame.loc[:, list(EFFECT_COLUMNS)]
        frame.insert(0, "notebook", path.stem)
        frame.insert(0, "run", path.parent.parent.name)
        frames.append(frame)
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in recorded effects")
    if not frames:
        return pd.DataFrame(columns=["run", "notebook", *EFFECT_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def result_files(params: dict, reports_dir: str | Path) -> list[tuple[str, Path]]:
    """The inputs of a notebook that reads results (for the runner's incremental key).

    ``comparative_synthesis``: its study's recorded effect rows (not its own) and its data
    files; ``city_comparison``: every compared study's effect rows and data files. Each as
    ``(name, path)`` with a name relative to the study (``mojokerto/effects/x.csv``).
    """
    from innolab_analysis.reports.provenance import input_hashes

    if "studies" in params:  # a comparison
        entries = list(zip(params["studies"], params["data_dirs"], params["results_dirs"]))
        prefix = True
    else:
        entries = [(params["study_id"], params.get("data_dir", ""), "")]
        prefix = False
    root = Path(params.get("results_dir") or reports_dir)
    out = []
    for study, data_dir, folder in entries:
        where = Path(folder) if folder else root / study
        head = f"{study}/" if prefix else ""
        for path in sorted((where / "effects").glob("*.csv")):
            if path.stem not in READERS:
                out.append((f"{head}effects/{path.name}", path))
        for name in input_hashes(data_dir):
            out.append((f"{head}data/{name}", Path(data_dir) / name))
    return out
