"""The figures of the city comparison, one scale each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.estimators.pooling import forest_plot
from innolab_analysis.studies.synthesis import plots as syn

if TYPE_CHECKING:  # pragma: no cover
    from innolab_analysis.studies.comparison.compute import CityComparison

__all__ = ["draw"]


def _cities(res: CityComparison, ax, language: str) -> None:
    """Each city's pooled per-unit effect, then all cities, with 95% intervals."""
    c = res.cities[np.isfinite(res.cities["pooled"])]
    all_label = l10n.tr("comparison.all_cities_label", language, markdown=False)
    p = res.effects.pooled
    rows = pd.DataFrame(
        {
            "label": [*c["city"], all_label],
            "estimate": [*c["pooled"], p.estimate],
            "ci_lower": [*c["pooled_lower"], p.ci_lower],
            "ci_upper": [*c["pooled_upper"], p.ci_upper],
        }
    )
    forest_plot(rows, ax, language=language,
                xlabel=l10n.tr("comparison.axis_cities", language, markdown=False))  # fmt: skip


def draw(res: CityComparison, kind: str, ax, language: str) -> None:
    """Draw figure ``kind`` of the comparison on ``ax``."""
    ue = res.effects
    if kind == "levels" and res.levels is not None:
        res.levels.shrinkage.plot(
            ax, language=language,
            xlabel=l10n.tr("synthesis.axis_ikm", language, markdown=False, year=res.levels.year),
        )  # fmt: skip
    elif kind == "effects" and ue is not None:
        syn.draw_unit_effects(ue, ax, language)
    elif kind == "ranking" and ue is not None:
        ue.ranks.plot(ax, language=language)
    elif kind == "cities" and ue is not None:
        _cities(res, ax, language)
    else:
        syn.empty(ax, language)
