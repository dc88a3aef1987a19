"""Studies: agency panels, impact and portfolio bundles, the city spillover, the synthesis.

Names are imported lazily.
"""

from innolab_analysis._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "agency_panel": ".panel",
        "innovation_switching": ".innovation_switching",
        "impact_study": ".impact",
        "ImpactStudy": ".impact",
        "innovation_portfolio": ".portfolio",
        "Portfolio": ".portfolio",
        "service_quality": ".service",
        "ServiceQuality": ".service",
        "spillover_study": ".spillover",
        "regional_context": ".spillover",
        "SpilloverResult": ".spillover",
        "RegionalContext": ".spillover",
        "simulate_spillover_panel": ".spillover",
        "GERBANGKERTOSUSILA": ".spillover",
        "TOL_SUMO_SECTIONS": ".spillover",
        "LABINOV_KICKOFF": ".spillover",
        "comparative_synthesis": ".synthesis",
        "Synthesis": ".synthesis",
        "city_comparison": ".comparison",
        "CityComparison": ".comparison",
        "reconcile_designs": ".synthesis",
        "record_effects": ".effects",
        "collect_effects": ".effects",
    },
)
