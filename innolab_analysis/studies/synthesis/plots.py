"""The figures of a study's synthesis: one draw function per kind, each on one scale.

Labels from the catalog, units by name; an elasticity and IKM points never share an axis
(the designs figure shows one scale; the standardised figure says it is standardised).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.estimators.pooling import forest_plot
from innolab_analysis.studies.synthesis.text import _design_scale, design_name, outcome_name
from innolab_analysis.studies.synthesis.units import UnitEffects

if TYPE_CHECKING:  # pragma: no cover
    from innolab_analysis.studies.synthesis.compute import Synthesis

__all__ = ["draw", "draw_unit_effects", "empty"]


def _tr(key: str, language: str, **values) -> str:
    return l10n.tr(f"synthesis.{key}", language, markdown=False, **values)


def empty(ax, language: str) -> None:
    """An axes that says it has no data yet."""
    ax.text(0.5, 0.5, _tr("figure_empty", language), ha="center", va="center",
            transform=ax.transAxes)  # fmt: skip
    ax.set_axis_off()


def draw_unit_effects(ue: UnitEffects, ax, language: str, *, label: str = "label") -> None:
    """Forest plot of per-unit effects (best first) with the pooled diamond and prediction bar."""
    t = ue.table.sort_values("estimate", ascending=not ue.higher_is_better, kind="stable")
    w = 1 / (t["std_error"] ** 2 + ue.pooled.tau2)
    rows = pd.DataFrame(
        {
            "label": t[label].to_numpy(),
            "estimate": t["estimate"].to_numpy(),
            "ci_lower": t["ci_lower"].to_numpy(),
            "ci_upper": t["ci_upper"].to_numpy(),
            "weight": (w / w.sum()).to_numpy(),
        }
    )
    forest_plot(rows, ax, language=language, pooled=ue.pooled,
                xlabel=_tr("axis_outcome", language, outcome=outcome_name(ue.outcome, language)))  # fmt: skip


def _designs(res: Synthesis, ax, language: str) -> None:
    scale = _design_scale(res)
    d = res.designs[res.designs["scale"] == scale]
    everyone = _tr("all_units", language)
    labels = [
        _tr("figure_row", language, design=design_name(m, language), unit=lab or everyone)
        for m, lab in zip(d["method"], d["label"].where(d["unit"] != "all", ""))
    ]
    rows = pd.DataFrame(
        {"label": labels, "estimate": d["estimate"].to_numpy(),
         "ci_lower": d["ci_lower"].to_numpy(), "ci_upper": d["ci_upper"].to_numpy()}
    )  # fmt: skip
    forest_plot(rows, ax, language=language,
                xlabel=_tr("axis_outcome", language, outcome=outcome_name(scale, language)))  # fmt: skip


def _standardised(res: Synthesis, ax, language: str) -> None:
    s = res.standardised
    rows = pd.DataFrame(
        {
            "label": [_tr("figure_row", language, design=design_name(m, language),
                          unit=outcome_name(o, language))
                      for m, o in zip(s["method"], s["outcome"])],
            "estimate": s["estimate"].to_numpy(),
            "ci_lower": s["ci_lower"].to_numpy(),
            "ci_upper": s["ci_upper"].to_numpy(),
        }
    )  # fmt: skip
    forest_plot(rows, ax, language=language, xlabel=_tr("axis_standardised", language))


def draw(res: Synthesis, kind: str, ax, language: str) -> None:
    """Draw figure ``kind`` of the synthesis on ``ax``."""
    ue = res.primary
    if kind == "designs" and not res.designs.empty:
        _designs(res, ax, language)
    elif kind == "standardised" and not res.standardised.empty:
        _standardised(res, ax, language)
    elif kind == "agencies" and ue is not None:
        draw_unit_effects(ue, ax, language)
    elif kind == "ranking" and ue is not None:
        ue.ranks.plot(ax, language=language)
    elif kind == "levels" and res.levels is not None:
        res.levels.shrinkage.plot(ax, language=language,
                                  xlabel=_tr("axis_ikm", language, year=res.levels.year))  # fmt: skip
    elif kind == "moderators" and ue is not None and "leadership_commitment" in ue.moderators:
        ue.moderators["leadership_commitment"].draw(
            ax, language=language, xlabel=_tr("axis_leadership", language),
            ylabel=_tr("axis_outcome", language, outcome=outcome_name(ue.outcome, language)),
        )  # fmt: skip
    else:
        empty(ax, language)
