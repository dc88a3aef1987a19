"""Provenance of a published report: what went in, what ran it, when.

:func:`collect_provenance` gathers the parameters and their SHA-256, the
SHA-256 of every input file, the git commit (and whether the tree was dirty),
package versions, the run id and timing: what reproducing the report needs.
It holds no absolute path, host name or user name — every path is relative to
the parameter file (:func:`portable_path`), because the reports are copied to
intranets and websites. :func:`run_key` is the incremental-build key: a run
whose notebook, parameters, input files and package version are unchanged can
be skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Mapping
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "PACKAGES",
    "collect_provenance",
    "file_sha256",
    "git_state",
    "input_hashes",
    "package_versions",
    "params_sha256",
    "portable_path",
    "run_key",
]

PACKAGES: tuple[str, ...] = (
    "innolab-analysis",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "duckdb",
    "babel",
    "pydantic",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
)
"""Distributions whose versions every report records."""

_REPO = Path(__file__).resolve().parents[2]


def portable_path(path: str | Path, base: str | Path) -> str:
    """``path`` as a published file may show it: relative to the folder ``base``.

    POSIX separators. A path under the user's home that ``base`` is not in is
    written from ``~`` (no user name); a path that shares nothing with ``base``
    but the root would spell out where it lies, so only its last two parts are
    kept, after ``…/`` (the SHA-256 of the inputs says what it held).

    Examples
    --------
    >>> portable_path("/srv/study/data/demo", "/srv/study/params")
    '../data/demo'
    >>> portable_path("/srv/study/params/x.yaml", "/srv/study/params")
    'x.yaml'
    >>> portable_path("/mnt/usb/kota/data", "/srv/study/params")
    '…/kota/data'
    """
    target = Path(os.path.abspath(path))
    folder = Path(os.path.abspath(base))
    rel = Path(os.path.relpath(target, folder)).as_posix()
    home = Path.home()
    if rel.startswith("..") and target.is_relative_to(home) and not folder.is_relative_to(home):
        return "~/" + target.relative_to(home).as_posix()
    if rel.split("/").count("..") >= len(folder.parts) - 1:  # climbs to the root
        return "…/" + "/".join(target.parts[-2:])
    return rel


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def params_sha256(params: Mapping[str, Any]) -> str:
    """SHA-256 of the parameters as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_hashes(data_dir: str | Path | None) -> dict[str, str]:
    """SHA-256 of every file under ``data_dir`` (relative POSIX path → digest).

    Hidden files and folders (``.git``, ``.ipynb_checkpoints``) are skipped.
    """
    if not data_dir:
        return {}
    root = Path(data_dir)
    if not root.is_dir():
        return {}
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = file_sha256(path)
    return out


def git_state(repo: str | Path = _REPO) -> dict[str, Any]:
    """The git commit of ``repo`` and whether its tree had uncommitted changes.

    Returns ``{"commit": None, "dirty": None}`` outside a git checkout.
    """

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(repo), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def package_versions() -> dict[str, str]:
    """Python and the key package versions (``"not installed"`` when absent)."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_key(
    *, notebook_file: str | Path, params: Mapping[str, Any], inputs: Mapping[str, str]
) -> str:
    """Incremental-build key: notebook bytes + parameters + input hashes + package version.

    ``output_dir`` is left out of the parameters, so moving the reports folder
    does not force a re-run by itself.
    """
    payload = {
        "notebook": file_sha256(notebook_file),
        "params": {k: v for k, v in params.items() if k != "output_dir"},
        "inputs": dict(inputs),
        "innolab_analysis": package_versions()["innolab-analysis"],
    }
    return params_sha256(payload)


def collect_provenance(
    *,
    study: str,
    notebook: str,
    notebook_file: str | Path,
    params: Mapping[str, Any],
    params_file: str | Path | None,
    data_dir: str | Path | None,
    started: datetime,
    ended: datetime,
    inputs: Mapping[str, str] | None = None,
    key: str | None = None,
    run_id: str | None = None,
    git: Mapping[str, Any] | None = None,
    versions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything a reader needs to reproduce a report, as a JSON-ready dict.

    Parameters
    ----------
    study, notebook : str
        Study id and notebook name.
    notebook_file : str or Path
        The source notebook that was executed.
    params : mapping
        The parameters as published (paths relative to the parameter file).
    params_file : str or Path, optional
        The YAML file they came from; the other paths are written relative to its folder.
    data_dir : str or Path, optional
        Input folder; every file in it is hashed (unless ``inputs`` is given).
    started, ended : datetime
        Timezone-aware start and end of the run.
    inputs : mapping, optional
        Precomputed :func:`input_hashes`.
    key : str, optional
        Precomputed :func:`run_key`.
    run_id : str, optional
        The run that made the report (every published file of it carries it).
    git, versions : mapping, optional
        Precomputed :func:`git_state` and :func:`package_versions` (one per run).

    Returns
    -------
    dict

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> import tempfile, pathlib
    >>> nb = pathlib.Path(tempfile.mkdtemp()) / "x.ipynb"
    >>> _ = nb.write_text("{}")
    >>> t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    >>> p = collect_provenance(study="s", notebook="x", notebook_file=nb, params={"a": 1},
    ...                        params_file=None, data_dir=None, started=t, ended=t)
    >>> p["params_sha256"] == params_sha256({"a": 1})
    True
    """
    inputs = dict(inputs) if inputs is not None else input_hashes(data_dir)
    base = Path(params_file).parent if params_file else Path(notebook_file).parent
    return {
        "study": study,
        "notebook": notebook,
        "run_id": run_id,
        "notebook_file": portable_path(notebook_file, base),
        "notebook_sha256": file_sha256(notebook_file),
        "params": dict(params),
        "params_sha256": params_sha256(params),
        "params_file": portable_path(params_file, base) if params_file else None,
        "params_file_sha256": file_sha256(params_file) if params_file else None,
        "data_dir": portable_path(data_dir, base) if data_dir else None,
        "inputs": inputs,
        "git": dict(git) if git is not None else git_state(),
        "versions": dict(versions) if versions is not None else package_versions(),
        "started": started.isoformat(timespec="seconds"),
        "ended": ended.isoformat(timespec="seconds"),
        "duration_s": round((ended - started).total_seconds(), 2),
        "key": key or run_key(notebook_file=notebook_file, params=params, inputs=inputs),
    }
