"""Publish a notebook's reports all or nothing, repair what an interrupted run left behind.

A run never writes into the published folder while it works. The notebook's
``output_dir`` is a private staging folder, unique to the run
(``_staging/<run id>.<notebook>/``); the runner adds the HTML report, the
provenance JSON and the status record there. :func:`publish` then swaps the
whole set in with a redo journal:

1. every staged file is written and flushed;
2. the journal ``_journal/<notebook>.json`` (the run id, every file and its
   SHA-256, the status record) is written atomically — from here on the
   publication *will* happen;
3. each file is moved into place with ``os.replace`` (a rename: it needs no
   free space and cannot be half done), a file the new run does not have is
   removed, the status record goes last;
4. the journal and the staging folder are removed.

:func:`recover` (called by every ``innolab run`` and ``innolab publish``
under the study's lock) rolls a journal forward, rolls a staging folder
without journal back (the run was stopped before its swap: the status says
"interrupted", the last good report stays), and checks every published file
against the SHA-256 its status record holds. A file that does not match is
moved to ``_quarantine/`` and its report is no longer listed, so the index
never shows a number its report does not contain and an incremental skip
never trusts a partial output.

Layout of a reports folder::

    reports/index.html
    reports/<study>/<notebook>.html            the report
    reports/<study>/<notebook>.json            its provenance (and incremental key)
    reports/<study>/<notebook>.pdf             optional
    reports/<study>/effects/<notebook>.csv     effect rows the notebook recorded
    reports/<study>/findings/<notebook>.json   its findings
    reports/<study>/_status/<notebook>.json    the status record of the last attempt
    reports/<study>/_executed/<notebook>.ipynb the last attempt's executed notebook (+ .log)
    reports/<study>/_staging/, _journal/       a run in progress
    reports/<study>/_quarantine/               files the repair could not trust
    reports/<study>/.lock                      held by the running ``innolab`` (pid, start)
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "ROLES",
    "Staging",
    "atomic_write",
    "discard",
    "iso_now",
    "publish",
    "published_reports",
    "read_status",
    "recover",
    "status_path",
    "verify",
    "write_status",
]

ROLES: dict[str, str] = {
    "html": "{nb}.html",
    "provenance": "{nb}.json",
    "effects": "effects/{nb}.csv",
    "findings": "findings/{nb}.json",
    "pdf": "{nb}.pdf",
}
"""The files of one publication, relative to the study folder (``{nb}``: the notebook)."""

_REQUIRED = ("html", "provenance")
_STAGING, _JOURNAL, _QUARANTINE, _STATUS, _EXECUTED = (
    "_staging",
    "_journal",
    "_quarantine",
    "_status",
    "_executed",
)
_STAGED_STATUS = "status.json"
_ATTEMPT = "attempt.json"
_EXECUTED_FILES = {"executed.ipynb": "{nb}.ipynb", "run.log": "{nb}.log"}


_LEGACY = "it was published by an older version of innolab (no checksums); run it again"


def iso_now() -> str:
    """The current UTC time as ISO 8601 (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- files
def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, then ``os.replace``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a" / "r.txt"
    >>> atomic_write(target, "one").read_text()
    'one'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ----------------------------------------------------------------------------- status
def status_path(reports_dir: str | Path, study: str, notebook: str) -> Path:
    """Where the status of the last attempt of a run is kept."""
    return Path(reports_dir) / study / _STATUS / f"{notebook}.json"


def write_status(reports_dir: str | Path, record: Mapping[str, Any]) -> Path:
    """Record the outcome of the last attempt (``study``, ``notebook``, ``status`` …), atomically."""
    return atomic_write(
        status_path(reports_dir, record["study"], record["notebook"]), _json(dict(record))
    )


def _order() -> dict[str, int]:
    from innolab_analysis.reports.params import NOTEBOOK_MODELS

    return {nb: i for i, nb in enumerate(NOTEBOOK_MODELS)}


def read_status(reports_dir: str | Path) -> list[dict[str, Any]]:
    """Every status record under ``reports_dir`` as stored, by study and notebook order.

    :func:`published_reports` is the repaired and verified view; use that to
    show what is published.
    """
    order = _order()
    out = []
    for path in Path(reports_dir).glob(f"*/{_STATUS}/*.json"):
        record = _read_json(path)
        if isinstance(record, dict):
            out.append(record)
    return sorted(out, key=lambda r: (str(r.get("study", "")), order.get(r.get("notebook"), 99)))


# ----------------------------------------------------------------------------- staging
@dataclass(frozen=True)
class Staging:
    """The private folder of one notebook run (nothing in it is published until the swap).

    Attributes
    ----------
    root : Path
        ``<study folder>/_staging/<run id>.<notebook>``.
    study, notebook, run_id : str
        What runs, and the run's id.
    """

    root: Path
    study: str
    notebook: str
    run_id: str

    @property
    def study_dir(self) -> Path:
        """The study's published folder."""
        return self.root.parent.parent

    @property
    def output_dir(self) -> Path:
        """The notebook's ``output_dir``: named after the study, like the published folder."""
        return self.root / self.study

    @property
    def executed(self) -> Path:
        """Where papermill writes the executed notebook."""
        return self.root / "executed.ipynb"

    @property
    def log(self) -> Path:
        """Where the full traceback of a failure goes."""
        return self.root / "run.log"

    def staged(self, role: str) -> Path:
        """The staged file of a role (``html``, ``provenance``, ``effects`` …)."""
        return self.output_dir / ROLES[role].format(nb=self.notebook)

    @classmethod
    def create(
        cls, study_dir: str | Path, *, study: str, notebook: str, run_id: str, started: str
    ) -> Staging:
        """Make the staging folder and record the attempt in it (pid and start time)."""
        root = Path(study_dir) / _STAGING / f"{run_id}.{notebook}"
        staging = cls(root, study, notebook, run_id)
        attempt = {"run_id": run_id, "notebook": notebook, "pid": os.getpid(), "started": started}
        try:
            staging.output_dir.mkdir(parents=True)
            (root / _ATTEMPT).write_text(_json(attempt), encoding="utf-8")
        except BaseException:
            discard(staging)  # e.g. a full disk: leave no half-made folder behind
            raise
        return staging


def discard(staging: Staging) -> None:
    """Remove a staging folder (a failed or interrupted run); never raises."""
    shutil.rmtree(staging.root, ignore_errors=True)


def keep_executed(staging: Staging) -> dict[str, str | None]:
    """Move the executed notebook and log to ``_executed/`` (a rename: no space needed, never
    raises); returns ``debug_notebook`` and ``log`` relative to the reports folder."""
    kept: dict[str, str | None] = {"debug_notebook": None, "log": None}
    target = staging.study_dir / _EXECUTED
    for name, pattern in _EXECUTED_FILES.items():
        source = staging.root / name
        if not source.is_file():
            continue
        try:
            target.mkdir(exist_ok=True)
            os.replace(source, target / pattern.format(nb=staging.notebook))
        except OSError:
            continue
        rel = f"{staging.study}/{_EXECUTED}/{pattern.format(nb=staging.notebook)}"
        kept["debug_notebook" if name == "executed.ipynb" else "log"] = rel
    return kept


# ----------------------------------------------------------------------------- the swap
def publish(staging: Staging, record: Mapping[str, Any], *, key: str | None) -> dict[str, Any]:
    """Swap a staged run into the published folder, all files or none.

    Parameters
    ----------
    staging : Staging
        The run's staging folder, holding at least the HTML report and the
        provenance JSON (``staging.staged("html")`` …); effects, findings and
        a PDF are published when the notebook wrote them.
    record : mapping
        The status record without ``published`` (filled in here).
    key : str or None
        The incremental key of the run (an unchanged rerun is skipped when it matches).

    Returns
    -------
    dict
        The status record as written, with ``published`` (files relative to
        the reports folder and their SHA-256).

    Raises
    ------
    OSError
        When staging cannot be completed (e.g. the disk is full) — before the
        journal exists, so the previous publication is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> study = pathlib.Path(tempfile.mkdtemp()) / "s"
    >>> st = Staging.create(study, study="s", notebook="nb", run_id="r1", started="t0")
    >>> _ = st.staged("html").write_text("<p>report</p>")
    >>> _ = st.staged("provenance").write_text("{}")
    >>> rec = publish(st, {"study": "s", "notebook": "nb", "status": "ok"}, key="k")
    >>> rec["published"]["html"], (study / "nb.html").read_text(), st.root.exists()
    ('s/nb.html', '<p>report</p>', False)
    """
    for role in _REQUIRED:
        if not staging.staged(role).is_file():
            raise FileNotFoundError(errno.ENOENT, f"nothing staged for the {role}", role)
    study_dir = staging.study_dir
    files: dict[str, str | None] = {}
    published: dict[str, Any] = {
        "run_id": staging.run_id,
        "finished": record.get("attempt_finished"),
        "key": key,
        "sha256": {},
    }
    for role, pattern in ROLES.items():
        rel = pattern.format(nb=staging.notebook)
        source = staging.staged(role)
        if source.is_file():
            with open(source, "rb+") as fh:
                os.fsync(fh.fileno())
            files[rel] = _sha256(source)
            published[role] = f"{staging.study}/{rel}"
            published["sha256"][role] = files[rel]
        else:
            files[rel] = None  # the new run has none: a previous one is removed
            published[role] = None
    final = dict(record) | {"published": published}
    status_file = staging.root / _STAGED_STATUS
    status_file.write_text(_json(final), encoding="utf-8")
    # the folders the renames go into, made before the journal (a mkdir can need space)
    for rel in files:
        (study_dir / rel).parent.mkdir(parents=True, exist_ok=True)
    (study_dir / _STATUS).mkdir(exist_ok=True)
    (study_dir / _EXECUTED).mkdir(exist_ok=True)
    journal = {
        "run_id": staging.run_id,
        "notebook": staging.notebook,
        "staging": staging.root.name,
        "files": files,
        "status": final,
    }
    _fsync_dir(staging.root)
    atomic_write(study_dir / _JOURNAL / f"{staging.notebook}.json", _json(journal))
    _fsync_dir(study_dir / _JOURNAL)
    _roll_forward(study_dir, staging.notebook, journal)
    return final


def _roll_forward(study_dir: Path, notebook: str, journal: Mapping[str, Any]) -> list[str]:
    """Complete a journaled swap; returns the files that could not be put in place."""
    staging_root = study_dir / _STAGING / str(journal["staging"])
    staged_dir = staging_root / str(journal["status"]["study"])
    missing = []
    for rel, digest in journal["files"].items():
        target = study_dir / rel
        if digest is None:
            try:
                target.unlink(missing_ok=True)
            except OSError:
                missing.append(rel)
            continue
        source = staged_dir / rel
        if source.is_file():
            os.replace(source, target)
        elif not (target.is_file() and _sha256(target) == digest):
            missing.append(rel)
    for parent in {(study_dir / rel).parent for rel in journal["files"]}:
        _fsync_dir(parent)
    status = staging_root / _STAGED_STATUS
    record = dict(journal["status"])
    if missing:  # cannot happen unless someone removed staged files: unpublish, say why
        record.update(
            status="failed",
            published=None,
            error={
                "kind": "internal",
                "cell": None,
                "detail": "the publication of run "
                f"{journal['run_id']} could not be completed: {', '.join(missing)} missing",
            },
        )
        atomic_write(study_dir / _STATUS / f"{notebook}.json", _json(record))
    elif status.is_file():
        os.replace(status, study_dir / _STATUS / f"{notebook}.json")
    else:
        current = _read_json(study_dir / _STATUS / f"{notebook}.json") or {}
        if (current.get("published") or {}).get("run_id") != journal["run_id"]:
            atomic_write(study_dir / _STATUS / f"{notebook}.json", _json(record))
    _fsync_dir(study_dir / _STATUS)
    staging = Staging(staging_root, str(record["study"]), notebook, str(journal["run_id"]))
    keep_executed(staging)
    (study_dir / _JOURNAL / f"{notebook}.json").unlink(missing_ok=True)
    shutil.rmtree(staging_root, ignore_errors=True)
    return missing


# ----------------------------------------------------------------------------- repair
def verify(reports_dir: str | Path, record: Mapping[str, Any]) -> str | None:
    """Why the publication a status record names cannot be trusted (None when it can).

    Every file must exist and have the SHA-256 recorded at publication.
    """
    if "published" not in record:  # written before publications carried checksums
        return _LEGACY if record.get("status") in ("ok", "skipped") else None
    published = record.get("published")
    if not published:
        return None
    if not isinstance(published, Mapping) or not isinstance(published.get("sha256"), Mapping):
        return _LEGACY
    root = Path(reports_dir)
    for role in ROLES:
        rel = published.get(role)
        if rel is None:
            continue
        path = root / str(rel)
        try:
            digest = _sha256(path)
        except OSError:
            return f"{rel} is missing"
        if digest != published["sha256"].get(role):
            return f"{rel} was changed after run {published.get('run_id')} published it"
    return None


def _quarantine(study_dir: Path, rels: list[str], stamp: str) -> None:
    for rel in rels:
        source = study_dir / rel
        if not source.is_file():
            continue
        target = study_dir / _QUARANTINE / stamp / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        except OSError:
            continue


def recover(study_dir: str | Path, *, notebooks: list[str] | None = None) -> list[str]:
    """Repair a study folder after an interrupted run; call it holding the study's lock.

    * a journal (the swap had begun) is rolled forward;
    * a staging folder without journal (the run stopped before its swap) is
      removed and the status records the attempt as "interrupted" (the last
      good report stays published);
    * every published file is checked against its status record; files that
      do not match, and report files no status record vouches for, are moved
      to ``_quarantine/<time>/`` and the status no longer lists them.

    Parameters
    ----------
    study_dir : str or Path
        ``<reports>/<study>``.
    notebooks : list of str, optional
        Notebook names whose stray files are checked (default: every known notebook).

    Returns
    -------
    list of str
        One line per repair, empty when nothing was wrong.
    """
    study_dir = Path(study_dir)
    reports_dir = study_dir.parent
    study = study_dir.name
    said: list[str] = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in sorted((study_dir / _JOURNAL).glob("*.json")):
        journal = _read_json(path)
        if not isinstance(journal, dict) or "files" not in journal:
            path.unlink(missing_ok=True)
            continue
        missing = _roll_forward(study_dir, path.stem, journal)
        said.append(
            f"{path.stem}: completed the publication of run {journal['run_id']}"
            + (f" except {', '.join(missing)}" if missing else "")
        )
    attempts = []
    for root in sorted((study_dir / _STAGING).glob("*")):
        attempt = _read_json(root / _ATTEMPT) if root.is_dir() else None
        shutil.rmtree(root, ignore_errors=True) if root.is_dir() else root.unlink(missing_ok=True)
        if isinstance(attempt, dict) and attempt.get("notebook"):
            attempts.append(attempt)
    for attempt in sorted(attempts, key=lambda a: str(a.get("started"))):
        nb = str(attempt["notebook"])
        current = _read_json(status_path(reports_dir, study, nb)) or {}
        if str(current.get("attempt_started") or "") > str(attempt.get("started") or ""):
            continue  # a later attempt already recorded its outcome
        if current.get("run_id") == attempt.get("run_id"):
            continue
        record = {k: current.get(k) for k in ("title", "language", "timezone")} | {
            "study": study,
            "notebook": nb,
            "status": "interrupted",
            "run_id": attempt.get("run_id"),
            "attempt_started": attempt.get("started"),
            "attempt_finished": None,
            "duration_s": None,
            "error": {
                "kind": "interrupted",
                "cell": None,
                "detail": f"the run (process {attempt.get('pid')}) stopped before it finished; "
                "nothing of it was published",
            },
            "debug_notebook": None,
            "published": current.get("published"),
        }
        write_status(reports_dir, record)
        said.append(f"{nb}: run {attempt.get('run_id')} was interrupted; its files were removed")
    trusted: set[str] = set()
    for path in sorted((study_dir / _STATUS).glob("*.json")):
        record = _read_json(path)
        if not isinstance(record, dict):
            continue
        problem = verify(reports_dir, record)
        published = record.get("published") or {}
        if problem is None:
            trusted.update(
                str(published[r]).split("/", 1)[1] for r in ROLES if published.get(r) is not None
            )
            continue
        record = dict(record) | {"published": None}
        if record.get("status") in ("ok", "skipped"):
            record.update(
                status="failed",
                error={"kind": "internal", "cell": None, "detail": f"not published: {problem}"},
            )
        write_status(reports_dir, record)
        said.append(f"{path.stem}: its report is no longer listed: {problem}")
    names = set(notebooks or []) | set(_order()) | {p.stem for p in study_dir.glob(f"{_STATUS}/*")}
    stray = [
        pattern.format(nb=nb)
        for nb in sorted(names)
        for pattern in ROLES.values()
        if pattern.format(nb=nb) not in trusted and (study_dir / pattern.format(nb=nb)).is_file()
    ]
    if stray:
        _quarantine(study_dir, stray, stamp)
        said.append(
            f"moved {len(stray)} file(s) no published run vouches for to "
            f"{study}/{_QUARANTINE}/{stamp}/: {', '.join(stray)}"
        )
    return said


def published_reports(reports_dir: str | Path) -> list[dict[str, Any]]:
    """Every status record of a reports folder, repaired and verified, in notebook order.

    Each study folder is repaired first (:func:`recover`) unless a run holds
    its lock; then every record is checked: a publication whose files are
    missing or changed has ``published`` set to None (and the reason in
    ``error``), so what this returns is what the reports really contain.

    Returns
    -------
    list of dict
        Status records (see the README's status contract), sorted by study and
        notebook order.

    Examples
    --------
    >>> import tempfile
    >>> published_reports(tempfile.mkdtemp())
    []
    """
    from innolab_analysis.reports.lock import StudyLock

    root = Path(reports_dir)
    for study_dir in sorted(p.parent for p in root.glob(f"*/{_STATUS}")):
        lock = StudyLock(study_dir)
        try:
            if lock.try_acquire():
                try:
                    recover(study_dir)
                finally:
                    lock.release()
        except OSError:
            continue  # read-only or full: show what is there, verified below
    out = []
    for record in read_status(root):
        problem = verify(root, record)
        if problem is not None:
            record = dict(record) | {"published": None}
            if record.get("status") in ("ok", "skipped"):
                record.update(
                    status="failed",
                    error={"kind": "internal", "cell": None, "detail": f"not published: {problem}"},
                )
        out.append(record)
    return out
