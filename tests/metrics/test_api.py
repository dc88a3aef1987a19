"""The public names of innolab_analysis.metrics resolve, lazily."""

from __future__ import annotations

import importlib
import subprocess
import sys

import innolab_analysis.metrics as metrics


def test_every_public_name_resolves():
    for name in metrics.__all__:
        assert getattr(metrics, name) is not None, name
    assert metrics.skm_index is importlib.import_module("innolab_analysis.metrics.skm").skm_index


def test_import_is_lazy():
    code = (
        "import sys, innolab_analysis.metrics as m; "
        "print(any(k.startswith('innolab_analysis.metrics.') for k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_top_level_names_point_here():
    import innolab_analysis

    for name in ("skm_index", "skm_grade", "krejcie_morgan", "sample_adequacy", "innovation_coverage",
                 "readiness_index", "iid_predicate", "iid_composite"):  # fmt: skip
        assert getattr(innolab_analysis, name) is getattr(metrics, name)
