"""One run per study output at a time: an ``fcntl`` lock on the study's output folder.

``innolab run`` holds ``reports/<study>/.lock`` (``flock``, exclusive) for the
whole run. A second run of the same study **refuses at once** with a message
naming the running one (its process id and start time) rather than waiting:
a user who started it twice by mistake learns it immediately, and a batch
never queues behind an hour-long run without saying so.

The operating system releases the lock when its process dies, however it
dies, so a lock can never be left held by a dead process. The file keeps the
holder's pid and start time while it runs and is emptied on release; finding
it non-empty on acquiring means the previous holder died without releasing
(e.g. SIGKILL) — :attr:`StudyLock.stale` then says who, and the runner
repairs what that run left (:func:`~innolab_analysis.reports.publish.recover`).
The file holds no host or user name (the folder gets copied to intranets).
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from innolab_analysis.errors import RunError

__all__ = ["LOCK_NAME", "StudyLock", "StudyLocked"]

LOCK_NAME = ".lock"
"""The lock file inside a study's output folder."""


class StudyLocked(RunError):
    """Another process is running the same study (``holder``: its pid and start time)."""

    def __init__(self, message: str, holder: dict[str, Any]):
        self.holder = holder
        super().__init__(message)


def _alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True


class StudyLock:
    """The exclusive lock of one study's output folder.

    Parameters
    ----------
    study_dir : str or Path
        ``<reports>/<study>`` (created if missing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "mojokerto"
    >>> with StudyLock(folder) as lock:
    ...     StudyLock(folder).try_acquire()
    False
    >>> StudyLock(folder).try_acquire()
    True
    """

    def __init__(self, study_dir: str | Path):
        self.study_dir = Path(study_dir)
        self.path = self.study_dir / LOCK_NAME
        self.stale: dict[str, Any] | None = None
        self._fd: int | None = None

    def _holder(self, fd: int) -> dict[str, Any]:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            data = os.read(fd, 4096)
            holder = json.loads(data.decode("utf-8")) if data.strip() else {}
        except (OSError, ValueError):
            return {}
        return holder if isinstance(holder, dict) else {}

    def try_acquire(self) -> bool:
        """Take the lock if free; False when another process (or this one) holds it.

        Raises
        ------
        OSError
            When the folder cannot be created or the lock file opened
            (read-only, full, or a file in the way).
        """
        if self._fd is not None:
            return True
        self.study_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError:
            os.close(fd)
            raise
        previous = self._holder(fd)
        self.stale = previous or None
        me = {"pid": os.getpid(), "started": datetime.now(UTC).isoformat(timespec="seconds")}
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(me).encode())
        except OSError:
            pass  # a full disk: the lock holds all the same, only its label is missing
        self._fd = fd
        return True

    def acquire(self) -> StudyLock:
        """Take the lock or raise :class:`StudyLocked` naming the run that holds it."""
        if self.try_acquire():
            return self
        holder: dict[str, Any] = {}
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                holder = self._holder(fd)
            finally:
                os.close(fd)
        except OSError:
            pass
        who = (
            f"process {holder.get('pid')}, started {str(holder.get('started')).replace('T', ' ')}"
            if holder
            else "a process that is starting"
        )
        if holder and not _alive(holder.get("pid")):
            who += ", which has ended; a process it started may still hold the lock"
        raise StudyLocked(
            f"study '{self.study_dir.name}' is already being run ({who}); "
            "wait for it to finish or stop it, then run again",
            holder,
        )

    def release(self) -> None:
        """Empty the lock file and let go of the lock (idempotent)."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StudyLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
