"""Parameterised study reports: typed parameters, the papermill runner, HTML publishing.

* :mod:`~innolab_analysis.reports.params` — the parameter schema (single source of
  every notebook parameter's type, default and help) and safe YAML validation.
* :mod:`~innolab_analysis.reports.runner` — run one study (:func:`run_study`) or
  many in parallel (:func:`run_batch`, process pool or Dask).
* :mod:`~innolab_analysis.reports.render` — one executed notebook as a self-contained
  HTML report (:func:`render_report`).
* :mod:`~innolab_analysis.reports.publish` — atomic writes and the status of each run.
* :mod:`~innolab_analysis.reports.index` — ``index.html`` (:func:`build_index`).
* :mod:`~innolab_analysis.reports.provenance` — hashes, git state, versions.

The ``innolab`` command (:mod:`innolab_analysis.cli`) drives them.
"""

from innolab_analysis._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "load_params": ".params",
        "StudyConfig": ".params",
        "NOTEBOOK_MODELS": ".params",
        "parameter_table": ".params",
        "run_study": ".runner",
        "run_batch": ".runner",
        "validate_all": ".runner",
        "NotebookRun": ".runner",
        "build_index": ".index",
        "render_report": ".render",
        "collect_provenance": ".provenance",
    },
)
