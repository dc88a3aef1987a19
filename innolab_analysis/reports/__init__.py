"""Parameterised study reports: typed parameters, the papermill runner, HTML publishing.

* :mod:`~innolab_analysis.reports.params` — the parameter schema (single source of
  every notebook parameter's type, default and help) and safe YAML validation.
* :mod:`~innolab_analysis.reports.runner` — run one study (:func:`run_study`) or
  many in parallel (:func:`run_batch`, process pool or Dask).
* :mod:`~innolab_analysis.reports.publish` — self-contained HTML reports, atomic
  writes and ``index.html`` (:func:`build_index`).
* :mod:`~innolab_analysis.reports.provenance` — hashes, git state, versions.

The ``innolab`` command (:mod:`innolab_analysis.cli`) drives them.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "load_params": "innolab_analysis.reports.params",
    "StudyConfig": "innolab_analysis.reports.params",
    "NOTEBOOK_MODELS": "innolab_analysis.reports.params",
    "parameter_table": "innolab_analysis.reports.params",
    "run_study": "innolab_analysis.reports.runner",
    "run_batch": "innolab_analysis.reports.runner",
    "validate_all": "innolab_analysis.reports.runner",
    "NotebookRun": "innolab_analysis.reports.runner",
    "build_index": "innolab_analysis.reports.publish",
    "render_report": "innolab_analysis.reports.publish",
    "collect_provenance": "innolab_analysis.reports.provenance",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'innolab_analysis.reports' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
