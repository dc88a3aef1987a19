"""innolab_analysis: impact analysis of public-service innovation in Indonesian local government.

The package reads and validates a study (:func:`load_study`), computes
service-quality and innovation metrics (:func:`skm_index`, :func:`iid_predicate`,
…), estimates impacts with honest inference (:func:`did`,
:func:`staggered_did`, :func:`synthetic_control`, …), runs city-level
regional-economics studies (:func:`spillover_study`) and publishes
parameterised notebook reports (the ``innolab`` command).

Names are imported lazily, so ``import innolab_analysis`` is fast and the
command line starts quickly.
"""

from __future__ import annotations

import importlib
from typing import Any

from innolab_analysis.errors import (
    DataValidationError,
    EstimationError,
    InnolabError,
    ParamsError,
    RunError,
)

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    # data in
    "load_study": "innolab_analysis.data.study",
    "Study": "innolab_analysis.data.study",
    "read_table": "innolab_analysis.data.study",
    "TABLES": "innolab_analysis.data.tables",
    # metrics
    "skm_index": "innolab_analysis.metrics.skm",
    "skm_grade": "innolab_analysis.metrics.skm",
    "krejcie_morgan": "innolab_analysis.metrics.skm",
    "sample_adequacy": "innolab_analysis.metrics.skm",
    "innovation_coverage": "innolab_analysis.metrics.innovation",
    "readiness_index": "innolab_analysis.metrics.readiness",
    "iid_predicate": "innolab_analysis.metrics.iid",
    "iid_composite": "innolab_analysis.metrics.iid",
    "location_quotient": "innolab_analysis.metrics.regional",
    "shift_share": "innolab_analysis.metrics.regional",
    "klassen_typology": "innolab_analysis.metrics.regional",
    "williamson_index": "innolab_analysis.metrics.regional",
    "gravity_interaction": "innolab_analysis.metrics.regional",
    # estimators
    "before_after": "innolab_analysis.estimators.before_after",
    "did": "innolab_analysis.estimators.did",
    "twfe": "innolab_analysis.estimators.twfe",
    "staggered_did": "innolab_analysis.estimators.staggered",
    "event_study": "innolab_analysis.estimators.event_study",
    "interrupted_time_series": "innolab_analysis.estimators.its",
    "synthetic_control": "innolab_analysis.estimators.synth",
    "minimum_detectable_effect": "innolab_analysis.estimators.power",
    "EffectResult": "innolab_analysis.estimators._result",
    # studies
    "spillover_study": "innolab_analysis.studies.spillover",
}

__all__ = [
    "DataValidationError",
    "EstimationError",
    "InnolabError",
    "ParamsError",
    "RunError",
    "__version__",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'innolab_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
