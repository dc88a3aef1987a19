"""A memo of validated studies, keyed by what was read and the files' stat.

Reading and validating the demo study takes about 1.5 s, and a study run
loads the same folder several times: ``innolab validate``/``run`` check the
data before any kernel starts, then each notebook loads it again. A second
:func:`~innolab_analysis.data.load_study` of an unchanged folder returns the
first result with new (copy-on-write) DataFrames, so a caller that changes a
table in place never changes what the next caller gets.

The key is the description of the sources with resolved paths (every file,
sheet, mapping) and each file's size, modification time (ns), inode and content
hash (a rewrite within one tick of a coarse clock keeps the stat), and
the stat of ``sources.yaml``: editing, replacing, adding or removing a file
reads the folder again; the same folder spelled another way (relative,
absolute) is the same study, returned with the caller's spelling. A study
with a database source is never memoised (its contents have no stat), nor is
a failed load.

Across processes: :func:`share` writes the memo into a private folder
(``0700``, made by the caller) and a process whose environment names it in
``INNOLAB_STUDY_MEMO`` reads a study from there instead of loading it — the
runner does this for its kernels, which would otherwise each load the study
the validation has just loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ENV", "clear", "memoised", "share"]

ENV = "INNOLAB_STUDY_MEMO"
"""The environment variable naming a folder written by :func:`share`."""

_SIZE = 4
_lock = threading.Lock()
_studies: OrderedDict[str, Any] = OrderedDict()


def _stat(path: Path | None) -> tuple | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return ("missing", str(Path(path).resolve()))
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, st.st_ino, _digest(path))


def _digest(path: Path) -> str | None:
    """The file's content hash: a file rewritten in place with the same size within one tick
    of a coarse clock, or whose mtime was set back (``cp -p``, ``touch -r``), has the same
    stat but other content. Hashing costs far less than reading and validating."""
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def key_of(described: Any) -> str | None:
    """The memo key (a SHA-256) of a :class:`~innolab_analysis.data.sources.StudySources`,
    or None when it cannot be memoised (a database source, problems in ``sources.yaml``)."""
    if described.problems:
        return None
    tables, stats = {}, []
    for table, sources in sorted(described.tables.items()):
        resolved = []
        for src in sources:
            if src.sql is not None or src.path is None:
                return None
            resolved.append(dataclasses.replace(src, path=Path(src.path).resolve()))
            stats.append((table, _stat(src.path)))
        tables[table] = tuple(resolved)
    spelled_out = dataclasses.replace(
        described,
        folder=Path(described.folder).resolve(),
        file=Path(described.file).resolve() if described.file is not None else None,
        tables=tables,
    )
    text = repr((repr(spelled_out), _stat(described.file), tuple(stats)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _fresh(study: Any, folder: Path) -> Any:
    """The study with new DataFrame objects sharing the data copy-on-write, spelled from
    ``folder`` as the caller spelled it."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(study):
        value = getattr(study, f.name)
        if hasattr(value, "copy") and hasattr(value, "attrs"):  # a DataFrame
            copy = value.copy(deep=False)
            copy.attrs = dict(value.attrs)
            changes[f.name] = copy
    origin = Path(study.path)
    if origin != folder:
        files = {}
        for table, path in study.files.items():
            try:
                files[table] = folder / Path(path).relative_to(origin)
            except ValueError:
                files[table] = path
        changes |= {"path": folder, "files": files}
    return dataclasses.replace(study, **changes)


def _shared(key: str) -> Any | None:
    folder = os.environ.get(ENV)
    if not folder:
        return None
    try:
        with open(os.path.join(folder, f"{key}.pickle"), "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def memoised(folder: Path, described: Any, load: Callable[[], Any]) -> Any:
    """``load()``'s study for ``described``, from the memo when the files are unchanged."""
    key = key_of(described)
    if key is None:
        return load()
    with _lock:
        hit = _studies.get(key)
        if hit is not None:
            _studies.move_to_end(key)
    if hit is None:
        hit = _shared(key)
    if hit is None:
        hit = load()
    with _lock:
        _studies[key] = hit
        _studies.move_to_end(key)
        while len(_studies) > _SIZE:
            _studies.popitem(last=False)
    return _fresh(hit, folder)


def share(folder: str | Path) -> int:
    """Write every memoised study into ``folder`` for processes started with
    ``INNOLAB_STUDY_MEMO=folder``; returns how many were written."""
    with _lock:
        items = list(_studies.items())
    for key, study in items:
        tmp = os.path.join(folder, f".{key}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(study, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(folder, f"{key}.pickle"))
    return len(items)


def clear() -> None:
    """Forget every memoised study (in this process)."""
    with _lock:
        _studies.clear()
