"""Service-quality and innovation metrics.

SKM/IKM by the regulation (Permen PANRB 14/2017; legacy 2014 and 2004),
Krejcie–Morgan sample sizes, One Agency One Innovation coverage and other
innovation metrics, an innovation-readiness index (configurable rubric), IID
predicates and composite, regional-economics measures, and their plots. Names
are imported lazily.
"""

from innolab_analysis._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        # SKM / IKM
        "skm_index": ".skm",
        "skm_grade": ".skm",
        "skm_label": ".skm",
        "skm_sufficient_stats": ".skm",
        "skm_index_from_stats": ".skm",
        "combine_skm_stats": ".skm",
        "krejcie_morgan": ".skm",
        "sample_adequacy": ".skm",
        "weakest_elements": ".skm",
        "STANDARDS": ".standards",
        "get_standard": ".standards",
        # innovation
        "innovation_coverage": ".innovation",
        "agencies_without_innovation": ".innovation",
        "innovations_per_agency": ".innovation",
        "innovation_flow": ".innovation",
        "innovation_funnel": ".innovation",
        "innovation_mix": ".innovation",
        "time_to_launch": ".innovation",
        "innovation_survival": ".innovation",
        # readiness
        "readiness_index": ".readiness",
        "load_rubric": ".readiness",
        # IID
        "iid_predicate": ".iid",
        "iid_composite": ".iid",
        # regional economics (a colleague's module, imported lazily like the rest)
        "location_quotient": ".regional",
        "dynamic_location_quotient": ".regional",
        "shift_share": ".regional",
        "klassen_typology": ".regional",
        "williamson_index": ".regional",
        "gravity_interaction": ".regional",
        # out-of-core and distributed execution
        "skm_index_dask": ".scale",
        "skm_stats_dask": ".scale",
        "skm_stats_streaming": ".scale",
        "ikm_panel": ".scale",
        # plots
        "plot_ikm": ".plots",
        "plot_element_heatmap": ".plots",
        "plot_coverage": ".plots",
        "plot_funnel": ".plots",
    },
)
