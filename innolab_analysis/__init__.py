"""innolab_analysis: impact analysis of public-service innovation in Indonesian local government.

The package reads and validates a study (:func:`load_study`), computes
service-quality and innovation metrics (:func:`skm_index`, :func:`iid_predicate`,
…), estimates impacts with honest inference (:func:`did`,
:func:`staggered_did`, :func:`synthetic_control`, …), runs city-level
regional-economics studies (:func:`spillover_study`) and publishes
parameterised notebook reports (the ``innolab`` command).

Names are imported lazily, so ``import innolab_analysis`` is fast and the
command line starts quickly.

Examples
--------
>>> import innolab_analysis as ia
>>> study = ia.load_study("data/demo")  # doctest: +SKIP
>>> ia.skm_index(study.skm_responses, by="agency_id").head()  # doctest: +SKIP
"""

from innolab_analysis._lazy import attach
from innolab_analysis.errors import (
    DataValidationError,
    EstimationError,
    InnolabError,
    ParamsError,
    RunError,
)

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        # data in
        "load_study": ".data",
        "Study": ".data",
        "read_table": ".data",
        "read_bps_pdrb": ".data",
        "standardise_skm_columns": ".data",
        "TABLES": ".data",
        "Recognition": ".data",
        "init_study": ".data",
        # metrics: service quality and innovation
        "skm_index": ".metrics.skm",
        "skm_grade": ".metrics.skm",
        "skm_label": ".metrics.skm",
        "skm_sufficient_stats": ".metrics.skm",
        "skm_index_from_stats": ".metrics.skm",
        "krejcie_morgan": ".metrics.skm",
        "sample_adequacy": ".metrics.skm",
        "weakest_elements": ".metrics.skm",
        "skm_index_dask": ".metrics.scale",
        "ikm_panel": ".metrics.scale",
        "innovation_coverage": ".metrics.innovation",
        "innovation_flow": ".metrics.innovation",
        "innovation_funnel": ".metrics.innovation",
        "innovation_mix": ".metrics.innovation",
        "innovation_survival": ".metrics.innovation",
        "time_to_launch": ".metrics.innovation",
        "readiness_index": ".metrics.readiness",
        "load_rubric": ".metrics.readiness",
        "iid_predicate": ".metrics.iid",
        "iid_composite": ".metrics.iid",
        # metrics: regional economics
        "location_quotient": ".metrics.regional",
        "dynamic_location_quotient": ".metrics.regional",
        "shift_share": ".metrics.regional",
        "klassen_typology": ".metrics.regional",
        "williamson_index": ".metrics.regional",
        "gravity_interaction": ".metrics.regional",
        # estimators
        "before_after": ".estimators.before_after",
        "did": ".estimators.did",
        "twfe": ".estimators.twfe",
        "bacon_decomposition": ".estimators.bacon",
        "staggered_did": ".estimators.staggered",
        "event_study": ".estimators.event_study",
        "interrupted_time_series": ".estimators.its",
        "growth_linkage": ".estimators.growth_linkage",
        "synthetic_control": ".estimators.synth",
        "minimum_detectable_effect": ".estimators.power",
        "synthetic_did": ".estimators.sdid",
        "switching_did": ".estimators.switching",
        "sun_abraham": ".estimators.sun_abraham",
        "imputation_did": ".estimators.imputation",
        "honest_did": ".estimators.honest",
        "pretrend_power": ".estimators.pretrend",
        "adjust_pvalues": ".estimators.multiple_testing",
        "romano_wolf": ".estimators.multiple_testing",
        "EffectResult": ".estimators._result",
        "pool_effects": ".estimators.pooling",
        "meta_regression": ".estimators.meta_regression",
        "shrink_effects": ".estimators.shrinkage",
        "rank_confidence_sets": ".estimators.ranking",
        # studies
        "agency_panel": ".studies.panel",
        "innovation_switching": ".studies.innovation_switching",
        "impact_study": ".studies.impact",
        "innovation_portfolio": ".studies.portfolio",
        "service_quality": ".studies.service",
        "spillover_study": ".studies.spillover",
        "regional_context": ".studies.spillover",
        "SpilloverResult": ".studies.spillover",
        "comparative_synthesis": ".studies.synthesis",
        "city_comparison": ".studies.comparison",
        "collect_effects": ".studies.effects",
        "record_effects": ".studies.effects",
        "record_results": ".studies.effects",
        "StudyResult": ".studies._contract",
        "Finding": ".studies._contract",
        # display and text
        "ReportTable": ".display",
        "ReportFigure": ".display",
        "tr": ".l10n",
        # reports
        "load_params": ".reports.params",
        "run_study": ".reports.runner",
        "run_batch": ".reports.runner",
    },
    eager={
        "DataValidationError": DataValidationError,
        "EstimationError": EstimationError,
        "InnolabError": InnolabError,
        "ParamsError": ParamsError,
        "RunError": RunError,
        "__version__": __version__,
    },
)
