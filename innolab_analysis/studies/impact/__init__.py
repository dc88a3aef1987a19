"""The innovation-impact study: several designs on one agency panel, side by side.

* :mod:`.compute` — :func:`impact_study` and its frozen result :class:`ImpactStudy`;
* :mod:`.text` — the findings and sections (catalog ``impact``);
* :mod:`.tables` — the report's tables;
* :mod:`.plots` — the report's figures.
"""

from innolab_analysis.studies.impact.compute import ImpactStudy, Moderation, impact_study

__all__ = ["ImpactStudy", "Moderation", "impact_study"]
