"""The comparison of several studies (cities), run from a ``kind: comparison`` parameter file.

``compute`` (numbers), ``text`` (sentences from ``l10n/messages/comparison.yaml``), ``tables``,
``plots``; the unit-level analyses are those of :mod:`innolab_analysis.studies.synthesis`.
"""

from innolab_analysis.studies.comparison.compute import CityComparison, city_comparison

__all__ = ["CityComparison", "city_comparison"]
