"""Parameterised study reports: typed parameters, the papermill runner, HTML publishing.

* :mod:`~innolab_analysis.reports.params` — the parameter schema (single source of
  every notebook parameter's type, default and help) and safe YAML validation.
* :mod:`~innolab_analysis.reports.runner` — run one study (:func:`run_study`) or
  many in parallel (:func:`run_batch`, process pool or Dask).
* :mod:`~innolab_analysis.reports.render` — one executed notebook as a self-contained
  HTML report (:func:`render_report`).
* :mod:`~innolab_analysis.reports.publish` — all-or-nothing publishing, repair after an
  interrupted run, the status of each run (:func:`published_reports`).
* :mod:`~innolab_analysis.reports.lock` — one run per study output at a time.
* :mod:`~innolab_analysis.reports.kernels` — kernels forked from a template that imported once.
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
        "published_reports": ".publish",
        "StudyLock": ".lock",
        "render_report": ".render",
        "collect_provenance": ".provenance",
    },
)
