"""Run study notebooks with papermill and publish them, one study or many in parallel.

Everything that can be checked before a kernel starts is checked first
(:func:`~innolab_analysis.reports.params.load_params`): a bad parameter file
costs milliseconds, not a kernel start and a numpy traceback.

One study runs under its output folder's lock
(:class:`~innolab_analysis.reports.lock.StudyLock`); what an earlier run left
is repaired first (:func:`~innolab_analysis.reports.publish.recover`). Its
notebooks run side by side, ``jobs`` at a time (default: one per core), the
comparative synthesis after the notebooks it reads; each notebook's kernel is
started while the others still run (a warm pool of ``jobs + 1`` kernels) and
imports the notebook's modules while it waits, so a kernel is ready when its
turn comes. Each run writes into its own staging folder (the notebook's
``output_dir``) and is published all or nothing
(:func:`~innolab_analysis.reports.publish.publish`).

Papermill is driven from Python with the settings measured to matter: an
explicit ``kernel_name="python3"``, a per-cell ``execution_timeout``, no tqdm
bar, CurveZMQ transport encryption where the kernel supports it (which also
silences ipykernel's "running over TCP without encryption" warning), no
notebook save after every cell, and the parameter file's folder as working
directory: every path a notebook receives is relative to the parameter file,
so no published file holds an absolute path.

SIGINT (Ctrl-C) and SIGTERM stop the kernels, publish nothing half-done,
record the runs as "interrupted" and return exit code 130 / 143.

A run is skipped when its notebook, parameters, input files and the package
version are unchanged since the last good report and every published file is
still the one that run wrote, unless ``force=True``.
"""

from __future__ import annotations

import ast
import errno
import json
import logging
import os
import pickle
import secrets
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from innolab_analysis.errors import ParamsError, Problem, RunError
from innolab_analysis.options import KernelStart, RunStatus
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
    "progress_line",
    "run_batch",
    "run_study",
    "select_notebooks",
    "validate_all",
]

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
"""The study notebooks shipped with the repository."""

DATA_ERRORS: frozenset[str] = frozenset({"DataValidationError", "ParamsError"})
"""Exception names raised inside a notebook that mean bad data or parameters (exit 2)."""

SYNTHESIS = "comparative_synthesis"
"""The notebook that reads the effects the others publish (it runs after them)."""

_PATH_PARAMETERS = ("data_dir", "output_dir", "rubric", "results_dir")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class NotebookRun:
    """What happened to one notebook of one study.

    Attributes
    ----------
    study, notebook : str
        Study id and notebook name.
    status : {"ok", "failed", "skipped", "interrupted"}
        Published, failed, unchanged since the last good report, or stopped by a signal.
    duration_s : float
        Wall-clock seconds (execution + publishing).
    exit_code : int
        0 ok/skipped, 1 analysis failure, 2 bad parameters or data, 130/143 interrupted.
    report : str, optional
        Path of the HTML report (the previous good one after a failure).
    headline : tuple of str
        Headline estimates the notebook recorded.
    error : str, optional
        One-line error (failures only).
    details : tuple of str
        Every problem of a data or parameter failure, one per line.
    kind : str, optional
        ``error.kind`` of the status record (``data``, ``cell``, ``disk_full`` …).
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
    details: tuple[str, ...] = ()
    kind: str | None = None
    debug_notebook: str | None = None
    log_file: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def exit_code(runs: Iterable[NotebookRun]) -> int:
    """The command's exit code: 130/143 if interrupted, else 2 for bad data or parameters,
    else 1 for any failure, else 0."""
    codes = {r.exit_code for r in runs}
    for signalled in (130, 143):
        if signalled in codes:
            return signalled
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
                    line=1,
                    column="study",
                )
            )
        seen[cfg.study] = cfg.path
    if problems:
        raise ParamsError(problems)
    return configs


def select_notebooks(cfg: StudyConfig, only: Sequence[str] | str | None) -> list[str]:
    """The notebooks of ``cfg`` to run: all of them, or the ``only`` ones (in study order).

    Raises
    ------
    ParamsError
        For a name that is no notebook of this parameter file (with a "did you mean").

    Examples
    --------
    >>> from innolab_analysis.reports.params import StudyConfig
    >>> cfg = StudyConfig("s", "t", "id", Path("."), Path("s.yaml"),
    ...                   {"service_quality": None, "city_spillover": None})
    >>> select_notebooks(cfg, "city_spillover,service_quality")
    ['service_quality', 'city_spillover']
    >>> select_notebooks(cfg, ["servise_quality"])
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.ParamsError: 1 problem(s) in the parameters:
      - s.yaml:1, column 'notebooks': --only servise_quality: not a notebook of s.yaml; did you mean 'service_quality'?
    """
    import difflib

    if only is None:
        return list(cfg.notebooks)
    names = [n.strip() for n in (only.split(",") if isinstance(only, str) else only)]
    names = [n for part in names for n in part.split(",") if n.strip()]
    problems = []
    listed = list(cfg.notebooks)
    for name in names:
        if name in listed:
            continue
        close = difflib.get_close_matches(name, listed, n=1, cutoff=0.6)
        if close:
            hint = f"did you mean '{close[0]}'?"
        elif name in NOTEBOOK_MODELS:
            hint = f"add it under 'notebooks:' to run it; the file lists {', '.join(listed)}"
        else:
            hint = f"it lists {', '.join(listed)}"
        problems.append(
            Problem(
                f"--only {name}: not a notebook of {cfg.path.name}; {hint}",
                file=cfg.path.name,
                line=1,
                column="notebooks",
            )
        )
    if not names:
        problems.append(Problem("--only needs notebook names, e.g. --only service_quality", line=1))
    if problems:
        raise ParamsError(problems)
    return [nb for nb in listed if nb in names]


# ----------------------------------------------------------------------------- kernels
_KERNEL_ENV = {
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # Python 3.11 "frozen modules" debugger warning
    "TQDM_DISABLE": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",  # figures inline, whatever the caller uses
}


def _quiet_loggers() -> None:
    """Silence known-harmless log noise of the notebook machinery."""
    for name in ("papermill", "traitlets", "nbconvert", "nbclient"):
        logging.getLogger(name).setLevel(logging.ERROR)


def notebook_imports(source: Path) -> list[str]:
    """Modules a notebook imports in its code cells (what its kernel may import ahead).

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("import pandas as pd\\n%matplotlib inline\\n"
    ...                                       "from innolab_analysis.studies import service")]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> nbformat.write(nb, path)
    >>> notebook_imports(path)
    ['pandas', 'innolab_analysis.studies', 'matplotlib_inline.backend_inline']
    """
    import nbformat

    found: list[str] = []
    magic = False
    for cell in nbformat.read(source, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        lines = []
        for line in cell.source.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                magic = magic or stripped.startswith("%matplotlib")
                lines.append("")
            else:
                lines.append(line)
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
    if magic:
        found.append("matplotlib_inline.backend_inline")
    return list(dict.fromkeys(found))


def _preload_line(modules: Sequence[str]) -> str:
    """One IPython startup line importing ``modules`` in a namespace of its own (nothing is
    bound in the notebook's namespace; a module that fails is left to the notebook)."""
    code = (
        "import importlib\nfor m in MODULES:\n    try:\n        importlib.import_module(m)\n"
        "    except Exception:\n        pass\n"
    )
    return f"exec({code!r}, {{'MODULES': {tuple(modules)!r}}});"


def _start_kernel(run: _Run, preload: Sequence[str]):
    """Start a python3 kernel in the parameter file's folder (forked from the template, or a
    fresh interpreter that imports ``preload`` while it starts)."""
    extra = []
    if run.factory.mode == "spawn" and preload:
        extra = [f"--IPKernelApp.exec_lines={_preload_line(preload)}"]
    return run.factory.start(
        cwd=run.cfg.path.parent,
        env=os.environ | _KERNEL_ENV | run.kernel_env,
        extra_arguments=extra,
    )


def _stop_kernel(km) -> None:
    """Shut a kernel down now and close its clients' sockets; never raises."""
    if km is None:
        return
    from jupyter_core.utils import run_sync

    for kc in km.__dict__.get("_innolab_clients", []):
        try:
            kc.stop_channels()
        except Exception:  # best effort on the way out
            pass
    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # already dead, or killed by a signal
        _kill(km)


def _kill(km) -> None:
    """SIGKILL a kernel's process group (it runs in a session of its own)."""
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(
        getattr(provisioner, "process", None), "pid", None
    )
    if not pid:
        return
    try:
        os.killpg(getattr(provisioner, "pgid", None) or pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _execute(km, source: Path, target: Path, params: dict[str, Any], timeout: int, cwd: Path):
    import papermill as pm

    pm.execute_notebook(
        str(source),
        str(target),
        parameters=params,
        kernel_name="python3",
        language="python",
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
        start_timeout=120,
        cwd=str(cwd),
        km=km,
    )


# ----------------------------------------------------------------------------- failures
@dataclass(frozen=True)
class _Failure:
    kind: str
    cell: int | None
    detail: str
    cause: str
    code: int
    details: tuple[str, ...] = ()


_SIGNAL_NAMES = {signal.SIGINT: "SIGINT (Ctrl-C)", signal.SIGTERM: "SIGTERM"}
_FULL = (errno.ENOSPC, errno.EDQUOT)
_UNWRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR, errno.EEXIST)


def _os_kind(err: int | None) -> str | None:
    if err in _FULL:
        return "disk_full"
    if err in _UNWRITABLE:
        return "unwritable"
    return None


def _errno_in_text(text: str) -> int | None:
    import re

    found = re.search(r"\[Errno (\d+)\]", text)
    return int(found.group(1)) if found else None


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else ""


def _problem_lines(text: str) -> tuple[str, tuple[str, ...]]:
    """(title, every problem) of an InnolabError message ("N problem(s) …:" + "- …" lines)."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    if not lines:
        return "", ()
    head, rest = lines[0], lines[1:]
    return head.rstrip(":"), tuple(ln.removeprefix("- ") for ln in rest)


def _classify(exc: BaseException, timeout: int, signum: int | None) -> _Failure:
    """What a failure was: status ``error.kind``, cell, detail, one-line cause, exit code."""
    if signum is not None:
        how = _SIGNAL_NAMES.get(signum, f"signal {signum}")
        return _Failure("interrupted", None, f"stopped by {how}", f"stopped by {how}", 128 + signum)
    name = type(exc).__name__
    # by name: a failure handler imports nothing (a failure before any kernel comes here first)
    if name == "PapermillExecutionError":
        detail = f"{exc.ename}: {exc.evalue}"
        kind = _os_kind(_errno_in_text(str(exc.evalue))) or "cell"
        if exc.ename in DATA_ERRORS:
            title, problems = _problem_lines(exc.evalue)
            kind = "params" if exc.ename == "ParamsError" else "data"
            cause = f"{exc.ename}: {title}" + (" (listed below)" if problems else "")
            return _Failure(kind, exc.exec_count, detail, cause, 2, problems)
        return _Failure(kind, exc.exec_count, detail, f"{exc.ename}: {_first_line(exc.evalue)}", 1)
    if name == "DeadKernelError":
        return _Failure(
            "dead_kernel", None, str(exc), "the kernel died (out of memory or killed)", 1
        )
    if name == "CellTimeoutError":
        return _Failure(
            "timeout", None, str(exc), f"a cell ran longer than the {timeout} s timeout", 1
        )
    if name == "NoSuchKernel":
        return _Failure(
            "internal", None, str(exc), "no 'python3' kernel: install ipykernel here", 1
        )
    if isinstance(exc, OSError):
        kind = _os_kind(exc.errno) or "internal"
        what = {"disk_full": "the disk is full", "unwritable": "cannot write"}.get(kind, name)
        where = f" ({exc.filename})" if exc.filename else ""
        text = f"{what}: {exc.strerror or exc}{where}"
        return _Failure(kind, None, text, text, 1)
    return _Failure("internal", None, f"{name}: {exc}", f"{name}: {_first_line(exc)}", 1)


def _cell_traceback(exc: BaseException) -> str:
    tb = getattr(exc, "traceback", None)
    if not tb:
        return ""
    import re

    text = "\n".join(tb) if isinstance(tb, list) else str(tb)
    return "\n--- cell traceback ---\n" + re.sub(r"\x1b\[[0-9;]*m", "", text) + "\n"


# ----------------------------------------------------------------------------- a run
class _Turns:
    """At most ``n`` holders at once, served in notebook order (the synthesis, last in the
    study, never takes a kernel slot before the notebooks it waits for)."""

    def __init__(self, n: int, order: Sequence[str]):
        self._free = n
        self._order = list(order)
        self._cond = threading.Condition()

    def acquire(self, nb: str, cancel: threading.Event) -> None:
        with self._cond:
            while not (self._free > 0 and self._order and self._order[0] == nb):
                if cancel.is_set():
                    self._order.remove(nb)
                    self._cond.notify_all()
                    raise _Interrupted
                self._cond.wait(0.1)
            self._order.pop(0)
            self._free -= 1
            self._cond.notify_all()

    def skip(self, nb: str) -> None:
        """``nb`` needs no kernel (skipped before its turn)."""
        with self._cond:
            if nb in self._order:
                self._order.remove(nb)
                self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._free += 1
            self._cond.notify_all()


class _Interrupted(BaseException):
    """Raised in a worker when the run was stopped by a signal."""


@dataclass
class _Run:
    """What the notebooks of one study run share."""

    cfg: StudyConfig
    out: Path
    nb_dir: Path
    notebooks: list[str]
    force: bool
    timeout: int
    jobs: int
    run_id: str
    git: dict[str, Any]
    versions: dict[str, str]
    progress: Progress | None
    cancel: threading.Event = field(default_factory=threading.Event)
    signum: int | None = None
    done: dict[str, threading.Event] = field(default_factory=dict)
    kernels: dict[int, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    render_lock: threading.Lock = field(default_factory=threading.Lock)
    exec_slots: threading.Semaphore | None = None
    warm_slots: _Turns | None = None
    factory: Any = None
    kernel_env: dict[str, str] = field(default_factory=dict)
    """Added to every kernel's environment (the folder of the studies already loaded)."""

    @property
    def study_dir(self) -> Path:
        return self.out / self.cfg.study

    def say(self, line: str) -> None:
        if self.progress is not None:
            with self.lock:
                self.progress(line)

    def stop(self, signum: int) -> None:
        """Stop every kernel; the workers see it and record the runs as interrupted."""
        with self.lock:
            if self.cancel.is_set():
                return
            self.signum = signum
            self.cancel.set()
            kernels = list(self.kernels.values())
        for km in kernels:
            _kill(km)

    def check(self) -> None:
        if self.cancel.is_set():
            raise _Interrupted

    def wait_for(self, notebooks: Iterable[str]) -> None:
        for nb in notebooks:
            while not self.done[nb].wait(0.1):
                self.check()
        self.check()


def _new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}-{secrets.token_hex(2)}"


def _rel(path: str | Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _parameters(run: _Run, nb: str, output_dir: Path) -> tuple[dict, dict, dict]:
    """(for the kernel, as published, absolute) parameters of ``nb``.

    The kernel's working directory is the parameter file's folder, so the
    notebook receives every path relative to it. The published copy leaves
    ``output_dir`` out (the runner sets it; it is not the reader's choice and
    says where the reports folder sits on this machine).
    """
    from innolab_analysis.reports.provenance import portable_path

    base = run.cfg.path.parent
    absolute = run.cfg.notebook_parameters(nb, output_dir)
    if nb == SYNTHESIS and "results_dir" in absolute and not absolute["results_dir"]:
        absolute["results_dir"] = str(run.out)
    folders = getattr(run.cfg, "results_folders", None)  # a comparison: its studies' results
    configured = list(absolute.get("results_dirs") or [])
    if folders is not None and "results_dirs" in absolute:
        # the notebook runs in a staging folder: it must not guess <reports> from output_dir
        absolute["results_dirs"] = [str(p.resolve()) for p in folders(run.out)]
    kernel, shown = dict(absolute), dict(absolute)
    for key in ("data_dirs", "results_dirs"):
        if key in absolute:
            chosen = configured if key == "results_dirs" else absolute[key]
            shown[key] = [portable_path(v, base) if v else "" for v in chosen]
    for key in _PATH_PARAMETERS:
        value = absolute.get(key)
        if not value or (key == "rubric" and value == "default"):
            continue
        kernel[key] = os.path.relpath(value, base)
        shown[key] = portable_path(value, base)
    shown.pop("output_dir", None)
    if nb == SYNTHESIS and "results_dir" in shown and not run.cfg.notebooks[nb].results_dir:
        shown["results_dir"] = ""  # the runner's choice (the reports folder), as output_dir
    return kernel, shown, absolute


def _inputs_for(run: _Run, nb: str, absolute: dict[str, Any]) -> dict[str, str]:
    from innolab_analysis.reports.provenance import file_sha256, input_hashes

    if nb in (SYNTHESIS, "city_comparison"):
        from innolab_analysis.studies.effects import result_files

        return {name: file_sha256(p) for name, p in result_files(absolute, run.out)}
    return input_hashes(absolute.get("data_dir") or run.cfg.data_dir)


def _previous(run: _Run, nb: str) -> dict[str, Any]:
    from innolab_analysis.reports.publish import status_path, verify

    try:
        record = json.loads(status_path(run.out, run.cfg.study, nb).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict):
        return {}
    if verify(run.out, record) is not None:
        record["published"] = None
    return record


def _headline(run: _Run, nb: str, published: dict[str, Any] | None) -> tuple[str, ...]:
    """Up to three effect rows of a publication, as the command's summary shows them."""
    import csv
    import math

    if not published or not published.get("effects"):
        return ()
    try:
        with open(run.out / published["effects"], newline="", encoding="utf-8") as fh:
            rows = [r for _, r in zip(range(3), csv.DictReader(fh))]
    except (OSError, csv.Error):
        return ()

    def number(text: str | None) -> float:
        try:
            return float(text) if text else math.nan
        except ValueError:
            return math.nan

    out = []
    for r in rows:
        estimate, low, high = (number(r.get(k)) for k in ("estimate", "ci_lower", "ci_upper"))
        text = f"{r.get('outcome')} {r.get('term')}: {estimate:,.2f}"
        if not (math.isnan(low) or math.isnan(high)):
            text += f" [{low:,.2f}, {high:,.2f}]"
        if str(r.get("unit")) not in ("all", "nan", ""):
            text = f"{r.get('unit')} · {text}"
        out.append(text)
    return tuple(out)


def _run_notebook(run: _Run, nb: str) -> NotebookRun:
    """Run, render and publish one notebook (in a worker thread); never raises."""
    from innolab_analysis.reports import publish as pub

    t0 = time.perf_counter()
    started = pub.iso_now()
    cfg = run.cfg
    base = {
        "study": cfg.study,
        "notebook": nb,
        "title": cfg.title,
        "language": cfg.language,
        "timezone": getattr(cfg.notebooks[nb], "timezone", None),
        "run_id": run.run_id,
        "attempt_started": started,
    }
    previous = _previous(run, nb)
    published = previous.get("published")
    km = staging = None
    held = False
    try:
        run.check()
        source = run.nb_dir / f"{nb}.ipynb"
        key = None
        if nb != SYNTHESIS:
            _, shown, absolute = _parameters(run, nb, run.study_dir)
            key = _key(run, nb, source, shown, absolute)
            if _can_skip(run, published, key):
                run.warm_slots.skip(nb)
                return _skipped(run, nb, base, previous, t0)
        run.warm_slots.acquire(nb, run.cancel)
        held = True
        run.check()
        staging = pub.Staging.create(
            run.study_dir, study=cfg.study, notebook=nb, run_id=run.run_id, started=started
        )
        km = _start_kernel(run, notebook_imports(source))
        with run.lock:
            run.kernels[id(km)] = km
        run.check()
        if nb == SYNTHESIS:
            run.wait_for(d for d in run.notebooks if d != SYNTHESIS)
            _, shown, absolute = _parameters(run, nb, run.study_dir)
            key = _key(run, nb, source, shown, absolute)
            if _can_skip(run, published, key):
                pub.discard(staging)
                staging = None
                return _skipped(run, nb, base, previous, t0)
        kernel_params, shown, absolute = _parameters(run, nb, staging.output_dir)
        inputs = _inputs_for(run, nb, absolute)
        with run.exec_slots:
            run.check()
            _execute(km, source, staging.executed, kernel_params, run.timeout, cfg.path.parent)
        run.check()
        finished = pub.iso_now()
        _render(run, nb, staging, source, shown, absolute, inputs, key, started, finished)
        run.check()
        duration = round(time.perf_counter() - t0, 2)
        record = base | {
            "status": "ok",
            "attempt_finished": finished,
            "duration_s": duration,
            "error": None,
            "debug_notebook": None,
        }
        final = pub.publish(staging, record, key=key)
        staging = None
        return NotebookRun(
            cfg.study,
            nb,
            "ok",
            duration,
            report=str(run.out / final["published"]["html"]),
            headline=_headline(run, nb, final["published"]),
        )
    except BaseException as exc:  # every failure becomes a status, never a crash
        if not held:
            run.warm_slots.skip(nb)
        try:
            return _failed(run, nb, base, published, staging, exc, t0)
        except BaseException as again:  # the handler itself must not crash the command
            return NotebookRun(
                cfg.study,
                nb,
                "failed",
                time.perf_counter() - t0,
                exit_code=1,
                error=f"{nb} failed: {type(exc).__name__}: {_first_line(exc)} (and while "
                f"recording it: {type(again).__name__}: {_first_line(again)})",
                kind="internal",
            )
    finally:
        if km is not None:
            with run.lock:
                run.kernels.pop(id(km), None)
        _stop_kernel(km)
        if held:
            run.warm_slots.release()
        run.done[nb].set()


def _key(run: _Run, nb: str, source: Path, shown: dict, absolute: dict) -> str:
    from innolab_analysis.reports.provenance import run_key

    return run_key(notebook_file=source, params=shown, inputs=_inputs_for(run, nb, absolute))


def _can_skip(run: _Run, published: dict[str, Any] | None, key: str | None) -> bool:
    return not run.force and bool(published) and published.get("key") == key


def _skipped(run: _Run, nb: str, base: dict, previous: dict, t0: float) -> NotebookRun:
    from innolab_analysis.reports.publish import iso_now, write_status

    record = (
        dict(previous)
        | base
        | {"status": "skipped", "attempt_finished": iso_now(), "duration_s": None, "error": None}
    )
    record["debug_notebook"] = None
    try:
        write_status(run.out, record)
    except OSError:
        pass  # a full or read-only disk: the previous record stays, the report is unchanged
    return NotebookRun(
        run.cfg.study,
        nb,
        "skipped",
        time.perf_counter() - t0,
        report=str(run.out / previous["published"]["html"]),
        headline=_headline(run, nb, previous["published"]),
    )


def _render(run, nb, staging, source, shown, absolute, inputs, key, started, finished) -> None:
    import nbformat

    from innolab_analysis.reports import render
    from innolab_analysis.reports.provenance import collect_provenance

    executed_nb = nbformat.read(staging.executed, as_version=4)
    language = shown.get("language", run.cfg.language)
    provenance = collect_provenance(
        study=run.cfg.study,
        notebook=nb,
        notebook_file=source,
        params=shown,
        params_file=run.cfg.path,
        data_dir=absolute.get("data_dir") or run.cfg.data_dir,
        started=datetime.fromisoformat(started),
        ended=datetime.fromisoformat(finished),
        inputs=inputs,
        key=key,
        run_id=run.run_id,
        git=run.git,
        versions=run.versions,
    )
    with run.render_lock:  # nbconvert's exporter is not documented as thread-safe
        page = render.render_report(
            executed_nb,
            study=run.cfg.study,
            notebook=nb,
            title=run.cfg.title,
            language=language,
            params=shown,
            help_text=parameter_help(nb, language),
            provenance=provenance,
        )
    staging.staged("html").write_text(page, encoding="utf-8")
    staging.staged("provenance").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )


def _failed(run, nb, base, published, staging, exc, t0) -> NotebookRun:
    """Record a failed or interrupted attempt; never raises (no log write on a full disk)."""
    from innolab_analysis.reports import publish as pub

    signum = run.signum if (run.cancel.is_set() or isinstance(exc, _Interrupted)) else None
    failure = _classify(exc, run.timeout, signum)
    kept: dict[str, str | None] = {"debug_notebook": None, "log": None}
    if staging is not None:
        if failure.kind not in ("interrupted", "disk_full"):
            try:
                staging.log.write_text(
                    "".join(traceback.format_exception(exc)) + _cell_traceback(exc),
                    encoding="utf-8",
                )
            except OSError:
                pass
        if failure.kind != "interrupted":
            kept = pub.keep_executed(staging)
        pub.discard(staging)
    status: RunStatus = "interrupted" if failure.kind == "interrupted" else "failed"
    duration = round(time.perf_counter() - t0, 2)
    record = base | {
        "status": status,
        "attempt_finished": pub.iso_now(),
        "duration_s": duration,
        "error": {"kind": failure.kind, "cell": failure.cell, "detail": failure.detail},
        "debug_notebook": kept["debug_notebook"],
        "log": kept["log"],
        "published": published,
    }
    recorded = True
    try:
        pub.write_status(run.out, record)
    except OSError:
        recorded = False
    where = f" in cell [{failure.cell}]" if failure.cell is not None else ""
    see = kept["debug_notebook"] or kept["log"]
    error = f"{nb} {status}{where}: {failure.cause}"
    if see:
        error += f" — see {_rel(run.out / see, run.out.parent)}"
    if failure.kind != "interrupted" and published:
        error += "; the last good report is kept"
    if not recorded:
        error += " (the status could not be recorded)"
    return NotebookRun(
        run.cfg.study,
        nb,
        status,
        duration,
        exit_code=failure.code,
        report=str(run.out / published["html"]) if published else None,
        error=error,
        details=failure.details,
        kind=failure.kind,
        debug_notebook=str(run.out / kept["debug_notebook"]) if kept["debug_notebook"] else None,
        log_file=str(run.out / kept["log"]) if kept["log"] else None,
    )


# ----------------------------------------------------------------------------- one study
@contextmanager
def _signals(run: _Run):
    """Route SIGINT and SIGTERM to ``run.stop`` while the study runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda s, _f: run.stop(s))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _cannot_write(out: Path, exc: OSError) -> RunError:
    """The one line a reports folder that cannot be written gets."""
    reason = {
        errno.ENOTDIR: "it is a file, not a folder",
        errno.EEXIST: "a file is in the way",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "the disk is full",
    }.get(exc.errno, exc.strerror or str(exc))
    return RunError(f"cannot write the reports to {out}: {reason}")


def _prepare(out: Path, study: str) -> Path:
    """Create ``<out>/<study>``; one clear RunError when it cannot be written."""
    study_dir = out / study
    try:
        if out.exists() and not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(out))
        study_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(out, exc) from None
    return study_dir


def run_study(
    params_file: str | Path | StudyConfig,
    *,
    out: str | Path = "reports",
    force: bool = False,
    notebooks_dir: str | Path | None = None,
    timeout: int = 600,
    progress: Progress | None = None,
    build_index: bool = True,
    only: Sequence[str] | str | None = None,
    jobs: int | None = None,
    kernels: KernelStart = "fork",
) -> tuple[NotebookRun, ...]:
    """Run the notebooks of a study side by side and publish their reports.

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
        Called with one compact line per notebook as it finishes (from worker threads).
    build_index : bool
        Rebuild ``<out>/index.html`` at the end.
    only : str or sequence of str, optional
        Run only these notebooks (``"a,b"`` or ``["a", "b"]``); the others keep their reports.
    jobs : int, optional
        Notebooks executing at once (default: twice the number of cores; kernels wait on
        files and on each other's CPU, and four notebooks side by side on two cores measured
        faster than two).
    kernels : {"fork", "spawn"}
        Fork kernels from a template that imported the notebooks' modules once
        (Linux; elsewhere "spawn"), or start a fresh interpreter for each
        (:mod:`~innolab_analysis.reports.kernels`).

    Returns
    -------
    tuple of NotebookRun
        In the study's notebook order.

    Raises
    ------
    ParamsError
        When the parameter file or ``only`` is invalid (no kernel was started).
    RunError
        When the reports folder cannot be written, or another process runs the
        same study (:class:`~innolab_analysis.reports.lock.StudyLocked`).

    Examples
    --------
    >>> runs = run_study("params/mojokerto.yaml", out="reports")  # doctest: +SKIP
    >>> [r.status for r in runs]  # doctest: +SKIP
    ['ok', 'ok', 'ok', 'ok', 'ok']
    """
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else NOTEBOOKS_DIR
    early = None
    if isinstance(params_file, StudyConfig):
        cfg = params_file
    else:
        # the kernel template only imports (no kernel, no notebook code): it gets ready while
        # the parameters and the data are checked, and goes if they are refused
        early = _early_template(nb_dir, Path(params_file), kernels)
        try:
            cfg = load_params(params_file, notebooks_dir=nb_dir)
        except BaseException:
            if early is not None:
                early.close()
            raise
    try:
        return _run_checked(
            cfg, early, nb_dir=nb_dir, out=out, force=force, timeout=timeout,
            progress=progress, build_index=build_index, only=only, jobs=jobs, kernels=kernels,
        )  # fmt: skip
    finally:
        if early is not None:
            early.close()


def _early_template(nb_dir: Path, params_file: Path, kernels: KernelStart):
    """A kernel template importing what every notebook of ``nb_dir`` imports, started in the
    parameter file's folder; None when kernels are spawned (or the folder is unreadable)."""
    from innolab_analysis.reports.kernels import KernelFactory, can_fork

    if kernels != "fork" or not can_fork():
        return None
    try:
        modules = [m for nb in sorted(nb_dir.glob("*.ipynb")) for m in notebook_imports(nb)]
        cwd = params_file.resolve().parent
        if not cwd.is_dir():
            return None
    except (OSError, ValueError, SyntaxError):
        return None
    return KernelFactory(
        list(dict.fromkeys(modules)), cwd=cwd, env=os.environ | _KERNEL_ENV, mode="fork"
    )


def _run_checked(
    cfg: StudyConfig,
    early: Any,
    *,
    nb_dir: Path,
    out: str | Path,
    force: bool,
    timeout: int,
    progress: Progress | None,
    build_index: bool,
    only: Sequence[str] | str | None,
    jobs: int | None,
    kernels: KernelStart,
) -> tuple[NotebookRun, ...]:
    """:func:`run_study` once its parameters are checked (``early``: a template already started)."""
    from contextlib import nullcontext

    from innolab_analysis.reports.kernels import KernelFactory
    from innolab_analysis.reports.lock import StudyLock
    from innolab_analysis.reports.provenance import git_state, package_versions
    from innolab_analysis.reports.publish import recover

    notebooks = select_notebooks(cfg, only)
    _quiet_loggers()
    out = Path(out).resolve()
    missing = getattr(cfg, "missing_results", None)  # a comparison: its studies must have run
    if missing is not None and missing(out):
        raise ParamsError(missing(out))
    study_dir = _prepare(out, cfg.study)
    jobs = max(1, jobs or 2 * (os.cpu_count() or 1))
    run = _Run(
        cfg=cfg,
        out=out,
        nb_dir=nb_dir,
        notebooks=notebooks,
        force=force,
        timeout=timeout,
        jobs=jobs,
        run_id=_new_run_id(),
        git=git_state(),
        versions=package_versions(),
        progress=progress,
        exec_slots=threading.Semaphore(jobs),
        warm_slots=_Turns(jobs + 1, notebooks),
    )
    run.done = {nb: threading.Event() for nb in notebooks}
    lock = StudyLock(study_dir)
    memo: str | None = None
    with _signals(run):  # from the lock to the index: a signal never cuts a repair in half
        try:
            lock.acquire()
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        try:
            if lock.stale:
                _say(progress, f"[{cfg.study}] the previous run (process {lock.stale.get('pid')}, "
                     f"started {lock.stale.get('started')}) ended without finishing; repairing")  # fmt: skip
            try:
                for line in recover(study_dir, notebooks=list(cfg.notebooks)):
                    _say(progress, f"[{cfg.study}] repaired: {line}")
            except OSError as exc:
                raise RunError(
                    f"cannot repair {study_dir} after an interrupted run: {exc.strerror or exc}"
                ) from None
            modules = [m for nb in notebooks for m in notebook_imports(nb_dir / f"{nb}.ipynb")]
            threading.Thread(target=_warm_render, name="innolab-warm", daemon=True).start()
            memo = _share_studies(run)
            factory = (
                nullcontext(early)
                if early is not None and early.cwd == cfg.path.parent.resolve()
                else KernelFactory(
                    list(dict.fromkeys(modules)),
                    cwd=cfg.path.parent,
                    env=os.environ | _KERNEL_ENV,
                    mode=kernels,
                )
            )
            with factory as run.factory:
                runs = _run_all(run)
        finally:
            lock.release()
            if memo is not None:
                shutil.rmtree(memo, ignore_errors=True)
        if build_index:
            _index(out, progress)
    if run.signum is not None:  # asked to stop: say so even for notebooks that got published
        runs = tuple(replace(r, exit_code=max(r.exit_code, 128 + run.signum)) for r in runs)
    return runs


def _share_studies(run: _Run) -> str | None:
    """Hand the studies the validation loaded to the kernels (a private folder named in
    their environment), so no notebook loads and validates the data again; None when
    nothing could be written (the kernels then load the data themselves)."""
    from innolab_analysis.data import _memo

    try:
        folder = tempfile.mkdtemp(prefix="innolab-studies-")  # 0700: this user only
    except OSError:
        return None
    try:
        _memo.share(folder)
    except (OSError, pickle.PicklingError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    run.kernel_env[_memo.ENV] = folder
    return folder


def _warm_render() -> None:
    """Import and compile the HTML export while the kernels work (the first report rendered
    would otherwise pay it: 1.5–2 s on the critical path)."""
    from innolab_analysis.reports import render

    render._environment().get_template("report.html.j2")
    render._markdown("*warm*")
    import nbformat  # noqa: F401
    import nh3  # noqa: F401


def _say(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)


def _run_all(run: _Run) -> tuple[NotebookRun, ...]:
    """One thread per notebook (kernels start early, ``jobs`` execute at once)."""
    from concurrent.futures import ThreadPoolExecutor, wait

    results: dict[str, NotebookRun] = {}
    with ThreadPoolExecutor(len(run.notebooks), "innolab-nb") as pool:
        futures = {pool.submit(_run_notebook, run, nb): nb for nb in run.notebooks}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.2)
            for fut in finished:
                result = fut.result()
                results[futures[fut]] = result
                run.say(progress_line(result, run.out))
    return tuple(results[nb] for nb in run.notebooks)


def _index(out: Path, progress: Progress | None) -> None:
    from innolab_analysis.reports.index import build_index

    try:
        build_index(out)
    except OSError as exc:
        _say(progress, f"index not rebuilt: {exc.strerror or exc}")


def progress_line(run: NotebookRun, out: Path | None = None) -> str:
    """``[study] notebook  status  duration  report-or-error`` (+ every data problem, indented)."""
    where = run.report or ""
    if out is not None and where:
        where = _rel(where, out.parent)
    tail = where if run.status in ("ok", "skipped") else run.error or ""
    line = f"[{run.study}] {run.notebook:<22} {run.status:<7} {run.duration_s:6.1f} s  {tail}"
    return "\n".join([line, *(f"    - {p}" for p in run.details)])


# ----------------------------------------------------------------------------- many studies
def _run_study_worker(
    params_file: str, out: str, force: bool, notebooks_dir: str | None, timeout: int, echo: bool
) -> list[dict[str, Any]]:
    """Process-pool / Dask entry point: run one study (one notebook at a time), plain dicts."""
    progress = (lambda line: print(line, flush=True)) if echo else None
    try:
        runs = run_study(
            params_file,
            out=out,
            force=force,
            notebooks_dir=notebooks_dir,
            timeout=timeout,
            progress=progress,
            build_index=False,
            jobs=1,
        )
    except RunError as exc:
        cfg = load_params(params_file, notebooks_dir=notebooks_dir or NOTEBOOKS_DIR)
        runs = tuple(
            NotebookRun(cfg.study, nb, "failed", 0.0, exit_code=1, error=str(exc), kind="internal")
            for nb in cfg.notebooks
        )
        if progress is not None:
            for r in runs:
                progress(progress_line(r))
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
    kernel starts (exit code 2 from the command). Each study runs under its
    own lock in its own staging folders, so workers never share files.

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
    configs = validate_all(params_files, notebooks_dir=notebooks_dir)
    out_p = Path(out).resolve()
    if out_p.exists() and not out_p.is_dir():
        raise RunError(f"cannot write the reports to {out_p}: it is a file, not a folder")
    nb_dir = str(Path(notebooks_dir).resolve()) if notebooks_dir else None
    # comparisons read the studies' results: they run after every study of the batch
    later = [str(c.path) for c in configs if hasattr(c, "missing_results")]
    files = [str(Path(f).resolve()) for f in params_files if str(Path(f).resolve()) not in later]
    results: list[NotebookRun] = []

    def collect(dicts: list[dict[str, Any]], echo: bool) -> None:
        for d in dicts:
            run = NotebookRun(
                **{k: (tuple(v) if k in ("headline", "details") else v) for k, v in d.items()}
            )
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
    _index(out_p, progress)
    return tuple(sorted(results, key=lambda r: (r.study, list(NOTEBOOK_MODELS).index(r.notebook))))


def _dask_as_completed(futures):
    from dask.distributed import as_completed as dask_as_completed

    return dask_as_completed(futures)
