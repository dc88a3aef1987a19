"""Impact estimators with honest inference.

Every estimator is a function returning a frozen
:class:`~innolab_analysis.estimators._result.EffectResult` subclass with
``.summary()`` (tidy), ``.plot(ax=None)``, a bilingual ``.text``, diagnostics
and ``_repr_html_``. Names are imported lazily.
"""

from innolab_analysis._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "EffectResult": "._result",
        "Diagnostic": "._result",
        "EFFECT_COLUMNS": "._result",
        "SUMMARY_COLUMNS": "._result",
        "before_after": ".before_after",
        "did": ".did",
        "twfe": ".twfe",
        "bacon_decomposition": ".bacon",
        "staggered_did": ".staggered",
        "event_study": ".event_study",
        "interrupted_time_series": ".its",
        "newey_west_lags": ".its",
        "growth_linkage": ".growth_linkage",
        "GrowthLinkageResult": ".growth_linkage",
        "synthetic_control": ".synth",
        "minimum_detectable_effect": ".power",
        "synthetic_did": ".sdid",
        "switching_did": ".switching",
        "pool_effects": ".pooling",
        "PooledEffect": ".pooling",
        "forest_plot": ".pooling",
        "meta_regression": ".meta_regression",
        "MetaRegression": ".meta_regression",
        "shrink_effects": ".shrinkage",
        "Shrinkage": ".shrinkage",
        "rank_confidence_sets": ".ranking",
        "RankSets": ".ranking",
        "sun_abraham": ".sun_abraham",
        "imputation_did": ".imputation",
        "honest_did": ".honest",
        "pretrend_power": ".pretrend",
        "adjust_pvalues": ".multiple_testing",
        "romano_wolf": ".multiple_testing",
    },
)
