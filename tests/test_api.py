"""The public API: every advertised name resolves, and importing the package stays light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = [
    "innolab_analysis",
    "innolab_analysis.data",
    "innolab_analysis.metrics",
    "innolab_analysis.estimators",
    "innolab_analysis.studies",
    "innolab_analysis.reports",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package):
    module = importlib.import_module(package)
    assert module.__all__ == sorted(set(module.__all__))
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


def test_unknown_name_is_an_attribute_error():
    import innolab_analysis

    with pytest.raises(AttributeError, match="has no attribute 'skm_indx'"):
        innolab_analysis.skm_indx  # noqa: B018


def test_import_does_not_load_the_heavy_stack():
    code = (
        "import sys, innolab_analysis; "
        "print(sorted(m for m in ('pandas', 'scipy', 'statsmodels', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_top_level_names_are_the_functions_of_their_modules():
    import innolab_analysis as ia
    from innolab_analysis.estimators.staggered import staggered_did
    from innolab_analysis.metrics.skm import skm_index

    assert ia.skm_index is skm_index
    assert ia.staggered_did is staggered_did
    assert issubclass(ia.DataValidationError, ia.InnolabError)
    assert issubclass(ia.DataValidationError, ValueError)
