"""A study's comparative synthesis: its own results pooled, ranked and costed.

``compute`` (numbers), ``text`` (sentences from ``l10n/messages/synthesis.yaml``),
``tables`` (report tables), ``plots`` (figures); ``units`` and ``inputs`` hold the unit-level
analyses and data readers the city comparison shares.
"""

from innolab_analysis.studies.synthesis.compute import (
    AGENCY_METHODS,
    Synthesis,
    comparative_synthesis,
    reconcile_designs,
)
from innolab_analysis.studies.synthesis.units import UnitEffects, UnitLevels

__all__ = [
    "AGENCY_METHODS",
    "Synthesis",
    "UnitEffects",
    "UnitLevels",
    "comparative_synthesis",
    "reconcile_designs",
]
