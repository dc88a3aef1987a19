"""Run study notebooks with papermill and publish them, one study or many in parallel.

Everything that can be checked before a kernel starts is checked first
(:func:`~innolab_analysis.reports.params.load_params`): a bad parameter file
costs milliseconds, not a kernel start and a numpy traceback.

Papermill is driven from Python with the settings measured to matter: an
explicit ``kernel_name="python3"``, a per-cell ``execution_timeout``,
``shutdown_kernel="immediate"``, no tqdm bar, CurveZMQ transport encryption
where the kernel supports it (which also silences ipykernel's "running over
TCP without encryption" warning), and the notebook's folder as working
directory.

A run is skipped when its notebook, parameters, input files and the package
version are unchanged since the last good report (the key is stored in the
provenance JSON), unless ``force=True``.
"""

from __future__ import annotations

import json
import logging
import os
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from innolab_analysis.errors import ParamsError, Problem
from innolab_analysis.options import RunStatus
from innolab_analysis.reports.params import (
    NOTEBOOK_MODELS,
    StudyConfig,
    load_params,
    parameter_help,
)

__all__ = [
    "DATA_ERRORS",
    "NOTEBOOKS_DIR",
    "NotebookRun",
    "RunStatus",
    "exit_code",
    "run_batch",
    "run_study",
    "validate_all",
]

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
"""The study notebooks shipped with the repository."""

DATA_ERRORS: frozenset[str] = frozenset({"DataValidationError", "ParamsError"})
"""Exception names raised inside a notebook that mean bad data or parameters (exit 2)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class NotebookRun:
    """What happened to one notebook of one study.

    Attributes
    ----------
    study, notebook : str
        Study id and notebook name.
    status : {"ok", "failed", "skipped"}
        Published, failed, or unchanged since the last good report.
    duration_s : float
        Wall-clock seconds (execution + publishing).
    exit_code : int
        0 ok/skipped, 1 analysis failure, 2 bad parameters or data.
    report : str, optional
        Path of the HTML report (the previous good one after a failure).
    headline : tuple of str
        Headline estimates the notebook recorded.
    error : str, optional
        One-line error (failures only).
    debug_notebook, log_file : str, optional
        Executed notebook (with papermill's error banner) and full traceback.
    """

    study: str
    notebook: str
    status: RunStatus
    duration_s: float
    exit_code: int = 0
    report: str | None = None
    headline: tuple[str, ...] = ()
    error: str | None = None
    debug_notebook: str | None = None
    log_file: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def exit_code(runs: Iterable[NotebookRun]) -> int:
    """The command's exit code: 2 if any bad data/parameters, else 1 if any failure, else 0."""
    codes = {r.exit_code for r in runs}
    return 2 if 2 in codes else (1 if 1 in codes else 0)


def validate_all(
    params_files: Sequence[str | Path],
    *,
    notebooks_dir: str | Path | None = None,
    check_data: bool = True,
) -> list[StudyConfig]:
    """Validate every parameter file; raise one :class:`ParamsError` with all problems.

    Also refuses two files that claim the same study id (they would write to
    the same folder). ``check_data=False`` checks the parameters only, not the
    data they name (``innolab validate --no-data``).
    """
    configs, problems = [], []
    for f in params_files:
        try:
            configs.append(
                load_params(f, notebooks_dir=notebooks_dir or NOTEBOOKS_DIR, check_data=check_data)
            )
        except ParamsError as exc:
            problems += exc.problems
    seen: dict[str, Path] = {}
    for cfg in configs:
        if cfg.study in seen:
            problems.append(
                Problem(
                    f"study id '{cfg.study}' is also used by {seen[cfg.study].name}; "
                    "give each study its own id (it names the output folder)",
                    file=str(cfg.path),
                    column="study",
                )
            )
        seen[cfg.study] = cfg.path
    if problems:
        raise ParamsError(problems)
    return configs


# ----------------------------------------------------------------------------- quiet
_KERNEL_ENV = {
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # Python 3.11 "frozen modules" debugger warning
    "TQDM_DISABLE": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",  # figures inline, whatever the caller uses
}


def _quiet_loggers() -> None:
    """Silence known-harmless log noise of the notebook machinery."""
    for name in ("papermill", "traitlets", "nbconvert", "nbclient"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextmanager
def _kernel_environment():
    """Environment the kernel inherits, restored afterwards."""
    saved = {k: os.environ.get(k) for k in _KERNEL_ENV}
    os.environ.update(_KERNEL_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute(source: Path, target: Path, params: dict[str, Any], timeout: int) -> None:
    import papermill as pm
    from traitlets.config import Config

    with _kernel_environment():
        _papermill(pm, Config, source, target, params, timeout)


def _papermill(pm, Config, source: Path, target: Path, params: dict[str, Any], timeout: int):
    pm.execute_notebook(
        str(source),
        str(target),
        parameters=params,
        kernel_name="python3",
        language="python",
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
        start_timeout=120,
        cwd=str(source.parent),
        shutdown_kernel="immediate",
        config=Config({"KernelManager": {"transport_encryption": "auto"}}),
    )


def _first_line(text: str) -> str:
    """One line from a possibly multi-line message (an error title keeps its first item)."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    if not lines:
        return ""
    head, rest = lines[0], lines[1:]
    if head.endswith(":") and rest:  # "N problem(s) …:" followed by "- item" lines
        head = f"{head} {rest[0].removeprefix('- ')}"
        rest = rest[1:]
    more = len(rest)
    return head + (f" (+{more} more line{'s' if more > 1 else ''})" if more else "")


def _describe_failure(exc: BaseException, timeout: int) -> tuple[str, int, int | None]:
    """(one-line cause, exit code, cell number) for an execution failure."""
    from papermill.exceptions import PapermillExecutionError

    name = type(exc).__name__
    if isinstance(exc, PapermillExecutionError):
        code = 2 if exc.ename in DATA_ERRORS else 1
        return f"{exc.ename}: {_first_line(exc.evalue)}", code, exc.exec_count
    if name == "DeadKernelError":
        return "the kernel died (out of memory or killed)", 1, None
    if name == "CellTimeoutError":
        return f"a cell ran longer than the {timeout} s timeout", 1, None
    if name == "NoSuchKernel":
        return "no 'python3' kernel: install ipykernel in this environment", 1, None
    return f"{name}: {_first_line(exc)}", 1, None


# ----------------------------------------------------------------------------- one study
def run_study(
    params_file: str | Path | StudyConfig,
    *,
    out: str | Path = "reports",
    force: bool = False,
    notebooks_dir: str | Path | None = None,
    timeout: int = 600,
    progress: Progress | None = None,
    build_index: bool = True,
) -> tuple[NotebookRun, ...]:
    """Run every notebook of a study and publish its reports.

    Parameters
    ----------
    params_file : str, Path or StudyConfig
        The study parameter file (validated before any kernel starts).
    out : str or Path
        Reports folder; the study writes to ``<out>/<study>/``.
    force : bool
        Re-run notebooks whose inputs did not change.
    notebooks_dir : str or Path, optional
        Folder holding ``<notebook>.ipynb`` (default: the repository's ``notebooks/``).
    timeout : int
        Seconds any one cell may run.
    progress : callable, optional
        Called with one compact line per notebook.
    build_index : bool
        Rebuild ``<out>/index.html`` at the end.

    Returns
    -------
    tuple of NotebookRun

    Raises
    ------
    ParamsError
        When the parameter file is invalid (no kernel was started).

    Examples
    --------
    >>> runs = run_study("params/mojokerto.yaml", out="reports")  # doctest: +SKIP
    >>> [r.status for r in runs]  # doctest: +SKIP
    ['ok', 'ok']
    """
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else NOTEBOOKS_DIR
    cfg = (
        params_file
        if isinstance(params_file, StudyConfig)
        else load_params(params_file, notebooks_dir=nb_dir)
    )
    _quiet_loggers()
    out = Path(out).resolve()
    missing = getattr(cfg, "missing_results", None)  # a comparison: its studies must have run
    if missing is not None and missing(out):
        raise ParamsError(missing(out))
    study_dir = out / cfg.study
    (study_dir / "_executed").mkdir(parents=True, exist_ok=True)
    runs = []
    for nb in cfg.notebooks:
        run = _run_notebook(cfg, nb, nb_dir, study_dir, out, force=force, timeout=timeout)
        runs.append(run)
        if progress is not None:
            progress(progress_line(run, out))
    if build_index:
        from innolab_analysis.reports.index import build_index as _build

        _build(out)
    return tuple(runs)


def progress_line(run: NotebookRun, out: Path | None = None) -> str:
    """One compact line: ``[study] notebook  status  duration  report-or-error``."""
    where = run.report or ""
    if out is not None and where:
        where = _rel(where, out.parent)
    tail = where if run.status != "failed" else run.error or ""
    return f"[{run.study}] {run.notebook:<22} {run.status:<7} {run.duration_s:6.1f} s  {tail}"


def _rel(path: str | Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _inputs_for(cfg: StudyConfig, nb: str, params: dict[str, Any], out: Path) -> dict[str, str]:
    from innolab_analysis.reports.provenance import file_sha256, input_hashes

    if nb in ("comparative_synthesis", "city_comparison"):
        from innolab_analysis.studies.effects import result_files

        return {name: file_sha256(p) for name, p in result_files(params, out)}
    return input_hashes(params.get("data_dir") or cfg.data_dir)


def _run_notebook(
    cfg: StudyConfig,
    nb: str,
    nb_dir: Path,
    study_dir: Path,
    out: Path,
    *,
    force: bool,
    timeout: int,
) -> NotebookRun:
    from innolab_analysis.reports import index, publish, render
    from innolab_analysis.reports.provenance import collect_provenance, run_key

    t0 = time.perf_counter()
    started = datetime.now(UTC)
    source = nb_dir / f"{nb}.ipynb"
    params = cfg.notebook_parameters(nb, study_dir)
    inputs = _inputs_for(cfg, nb, params, out)
    key = run_key(notebook_file=source, params=params, inputs=inputs)
    html_path = study_dir / f"{nb}.html"
    json_path = study_dir / f"{nb}.json"
    executed = study_dir / "_executed" / f"{nb}.ipynb"
    log_file = study_dir / "_executed" / f"{nb}.log"
    base = {"study": cfg.study, "notebook": nb, "title": cfg.title, "language": cfg.language}

    if not force and html_path.is_file() and json_path.is_file():
        try:
            previous = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if previous.get("key") == key:
            run = NotebookRun(
                cfg.study,
                nb,
                "skipped",
                time.perf_counter() - t0,
                report=str(html_path),
                headline=tuple(index.headline(out, cfg.study, nb)),
            )
            publish.write_status(
                out,
                base
                | {
                    "status": "skipped",
                    "duration_s": previous.get("duration_s"),
                    "finished": previous.get("ended"),
                },
            )
            return run

    effects_file = study_dir / "effects" / f"{nb}.csv"
    effects_before = effects_file.read_bytes() if effects_file.is_file() else None
    try:
        _execute(source, executed, params, timeout)
        import nbformat

        executed_nb = nbformat.read(executed, as_version=4)
        ended = datetime.now(UTC)
        provenance = collect_provenance(
            study=cfg.study,
            notebook=nb,
            notebook_file=source,
            params=params,
            params_file=cfg.path,
            data_dir=params.get("data_dir") or cfg.data_dir,
            started=started,
            ended=ended,
            inputs=inputs,
            key=key,
        )
        help_text = parameter_help(nb, params.get("language", cfg.language))
        page = render.render_report(
            executed_nb,
            study=cfg.study,
            notebook=nb,
            title=cfg.title,
            language=params.get("language", cfg.language),
            params=params,
            help_text=help_text,
            provenance=provenance,
        )
    except Exception as exc:
        _restore(effects_file, effects_before)
        cause, code, cell = _describe_failure(exc, timeout)
        log_file.write_text(
            "".join(traceback.format_exception(exc)) + _cell_traceback(exc), encoding="utf-8"
        )
        where = f" in cell [{cell}]" if cell is not None else ""
        debug = executed if executed.is_file() else None
        error = f"{nb} failed{where}: {cause}" + (
            f" — see {_rel(debug, out.parent)}" if debug else f" — see {_rel(log_file, out.parent)}"
        )
        duration = time.perf_counter() - t0
        publish.write_status(
            out,
            base
            | {
                "status": "failed",
                "error": error,
                "exit_code": code,
                "cell": cell,
                "debug_notebook": str(debug) if debug else None,
                "log_file": str(log_file),
                "duration_s": round(duration, 2),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        return NotebookRun(
            cfg.study,
            nb,
            "failed",
            duration,
            exit_code=code,
            report=str(html_path) if html_path.is_file() else None,
            error=error,
            debug_notebook=str(debug) if debug else None,
            log_file=str(log_file),
        )

    publish.atomic_write(html_path, page)
    publish.atomic_write(
        json_path, json.dumps(provenance, indent=2, ensure_ascii=False, default=str)
    )
    duration = time.perf_counter() - t0
    publish.write_status(
        out,
        base
        | {
            "status": "ok",
            "duration_s": round(duration, 2),
            "finished": provenance["ended"],
            "debug_notebook": str(executed),
        },
    )
    return NotebookRun(
        cfg.study,
        nb,
        "ok",
        duration,
        report=str(html_path),
        headline=tuple(index.headline(out, cfg.study, nb)),
    )


def _restore(path: Path, content: bytes | None) -> None:
    """Put back the effect rows a failed run may have overwritten."""
    from innolab_analysis.reports.publish import atomic_write

    if content is None:
        path.unlink(missing_ok=True)
    elif not path.is_file() or path.read_bytes() != content:
        atomic_write(path, content)


def _cell_traceback(exc: BaseException) -> str:
    tb = getattr(exc, "traceback", None)
    if not tb:
        return ""
    import re

    text = "\n".join(tb) if isinstance(tb, list) else str(tb)
    return "\n--- cell traceback ---\n" + re.sub(r"\x1b\[[0-9;]*m", "", text) + "\n"


# ----------------------------------------------------------------------------- many studies
def _run_study_worker(
    params_file: str, out: str, force: bool, notebooks_dir: str | None, timeout: int, echo: bool
) -> list[dict[str, Any]]:
    """Process-pool / Dask entry point: run one study, return plain dicts."""
    progress = (lambda line: print(line, flush=True)) if echo else None
    runs = run_study(
        params_file,
        out=out,
        force=force,
        notebooks_dir=notebooks_dir,
        timeout=timeout,
        progress=progress,
        build_index=False,
    )
    return [asdict(r) for r in runs]


def run_batch(
    params_files: Sequence[str | Path],
    *,
    out: str | Path = "reports",
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    notebooks_dir: str | Path | None = None,
    timeout: int = 600,
    progress: Progress | None = None,
) -> tuple[NotebookRun, ...]:
    """Run many studies in parallel: a process pool, or a Dask cluster.

    Every file is validated first; one bad file stops the batch before any
    kernel starts (exit code 2 from the command).

    Parameters
    ----------
    params_files : sequence of str or Path
        Study parameter files (distinct study ids).
    out : str or Path
        Reports folder shared by all studies.
    workers : int, optional
        Processes (default ``os.cpu_count()``); ignored with ``scheduler``.
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``tcp://host:8786``);
        the workers must see the same file system.
    force, notebooks_dir, timeout
        As in :func:`run_study`.
    progress : callable, optional
        Called with one line per notebook (process pool: printed by the
        workers as they finish; Dask: by the caller when a study finishes).

    Returns
    -------
    tuple of NotebookRun
    """
    from innolab_analysis.reports.index import build_index

    configs = validate_all(params_files, notebooks_dir=notebooks_dir)
    out_p = Path(out).resolve()
    nb_dir = str(Path(notebooks_dir).resolve()) if notebooks_dir else None
    # comparisons read the studies' results: they run after every study of the batch
    later = [str(c.path) for c in configs if hasattr(c, "missing_results")]
    files = [str(Path(f).resolve()) for f in params_files if str(Path(f).resolve()) not in later]
    results: list[NotebookRun] = []

    def collect(dicts: list[dict[str, Any]], echo: bool) -> None:
        for d in dicts:
            run = NotebookRun(**{k: (tuple(v) if k == "headline" else v) for k, v in d.items()})
            results.append(run)
            if echo and progress is not None:
                progress(progress_line(run, out_p))

    if scheduler:
        from dask.distributed import Client

        with Client(scheduler) as client:
            futures = [
                client.submit(
                    _run_study_worker, f, str(out_p), force, nb_dir, timeout, False, pure=False
                )
                for f in files
            ]
            for fut in _dask_as_completed(futures):
                collect(fut.result(), echo=True)
    else:
        import multiprocessing

        n = max(1, min(workers or os.cpu_count() or 1, len(files)))
        echo_in_worker = progress is not None
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [
                pool.submit(
                    _run_study_worker, f, str(out_p), force, nb_dir, timeout, echo_in_worker
                )
                for f in files
            ]
            for fut in as_completed(futures):
                collect(fut.result(), echo=False)
    for f in later:
        collect(_run_study_worker(f, str(out_p), force, nb_dir, timeout, False), echo=True)
    build_index(out_p)
    return tuple(sorted(results, key=lambda r: (r.study, list(NOTEBOOK_MODELS).index(r.notebook))))


def _dask_as_completed(futures):
    from dask.distributed import as_completed as dask_as_completed

    return dask_as_completed(futures)
