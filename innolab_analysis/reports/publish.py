"""Publish reports atomically: files written whole or not at all, and the status of each run.

Files are written atomically (a temporary file in the same folder, then
``os.replace``): a failed run never leaves half a report, and the previous
good report stays in place.

Layout of a reports folder::

    reports/index.html
    reports/<study>/<notebook>.html        the report
    reports/<study>/<notebook>.json        its provenance (and incremental key)
    reports/<study>/effects/<notebook>.csv effect rows the notebook recorded
    reports/<study>/_status/<notebook>.json   status of the last attempt
    reports/<study>/_executed/<notebook>.ipynb executed notebook (for debugging)
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "read_status", "status_path", "write_status"]


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, then ``os.replace``)."""
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


def status_path(reports_dir: str | Path, study: str, notebook: str) -> Path:
    """Where the status of the last attempt of a run is kept."""
    return Path(reports_dir) / study / "_status" / f"{notebook}.json"


def write_status(reports_dir: str | Path, record: Mapping[str, Any]) -> Path:
    """Record the outcome of the last attempt (``study``, ``notebook``, ``status`` …)."""
    return atomic_write(
        status_path(reports_dir, record["study"], record["notebook"]),
        json.dumps(dict(record), indent=2, ensure_ascii=False, default=str),
    )


def read_status(reports_dir: str | Path) -> list[dict[str, Any]]:
    """Every status record under ``reports_dir``, sorted by study and notebook order."""
    from innolab_analysis.reports.params import NOTEBOOK_MODELS

    order = {nb: i for i, nb in enumerate(NOTEBOOK_MODELS)}
    out = []
    for path in Path(reports_dir).glob("*/_status/*.json"):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(out, key=lambda r: (r.get("study", ""), order.get(r.get("notebook"), 99)))
