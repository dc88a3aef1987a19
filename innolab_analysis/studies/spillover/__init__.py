"""The "Surabaya spillover" study: did a satellite city capture its core's growth?

:func:`spillover_study` (``compute``) puts four pieces of evidence side by side —
the growth linkage, a synthetic control, the gravity interaction and the
"capture or dead city" indicators — with the regional context (Williamson,
Klassen) and the confounders; its :class:`SpilloverResult` follows the
:class:`~innolab_analysis.studies._contract.StudyResult` contract (sentences in
``text``, tables in ``tables``, figures in ``plots``).
"""

from innolab_analysis.studies.spillover.compute import OUTCOME, SpilloverResult, spillover_study
from innolab_analysis.studies.spillover.context import RegionalContext, regional_context
from innolab_analysis.studies.spillover.facts import (
    CAPTURE_SECTORS,
    CAPTURE_TOLERANCE,
    COVID_YEAR,
    GERBANGKERTOSUSILA,
    LABINOV_KICKOFF,
    TOL_SUMO_FULL_OPENING,
    TOL_SUMO_PARTIAL_OPENING,
    TOL_SUMO_SECTIONS,
    TollSection,
)
from innolab_analysis.studies.spillover.simulate import simulate_spillover_panel

__all__ = [
    "CAPTURE_SECTORS",
    "CAPTURE_TOLERANCE",
    "COVID_YEAR",
    "GERBANGKERTOSUSILA",
    "LABINOV_KICKOFF",
    "OUTCOME",
    "TOL_SUMO_FULL_OPENING",
    "TOL_SUMO_PARTIAL_OPENING",
    "TOL_SUMO_SECTIONS",
    "RegionalContext",
    "SpilloverResult",
    "TollSection",
    "regional_context",
    "simulate_spillover_panel",
    "spillover_study",
]
