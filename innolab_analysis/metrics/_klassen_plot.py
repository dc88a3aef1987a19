"""The Klassen figure: units by level and growth, the reference point, the four quadrants named.

Drawn by :meth:`innolab_analysis.metrics.regional.KlassenResult.plot`. The
study's own units (``highlight``) stand out in colour and are always named;
other units are named where a label finds a free place (never on another
label, a point or a quadrant name); the x axis turns logarithmic when the
levels span more than a factor of ten (said in its label).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from innolab_analysis.errors import DataValidationError, Problem, close_names
from innolab_analysis.metrics._figure_parts import INK, legend_below, localise_ticks, text
from innolab_analysis.options import Language

if TYPE_CHECKING:
    from innolab_analysis.metrics.regional import KlassenResult

__all__ = ["draw_klassen"]

UNITS = "#7fa7c9"
HIGHLIGHT = "#c0392b"
_CORNERS = {"I": (0.99, 0.99), "II": (0.99, 0.01), "III": (0.01, 0.99), "IV": (0.01, 0.01)}


def _highlighted(res: KlassenResult, highlight: str | Sequence[str] | None) -> list[str]:
    if highlight is None:
        return []
    wanted = [highlight] if isinstance(highlight, str) else [str(h) for h in highlight]
    units = [str(u) for u in res.table["unit"]]
    unknown = [h for h in wanted if h not in units]
    if unknown:
        raise DataValidationError(
            [
                Problem(
                    f"highlight {h!r} is not a unit of the typology; {close_names(h, units)}",
                    column="unit",
                )
                for h in unknown
            ]  # fmt: skip
        )
    return wanted


def draw_klassen(
    res: KlassenResult,
    ax,
    language: Language,
    *,
    highlight: str | Sequence[str] | None = None,
    names: Mapping[object, str] | None = None,
) -> None:
    """Draw the typology of ``res`` on ``ax`` (see :meth:`KlassenResult.plot`)."""
    from matplotlib.lines import Line2D

    from innolab_analysis._plot_labels import LabelSpec, place_labels
    from innolab_analysis.display import mpl_text
    from innolab_analysis.metrics.regional import KLASSEN_QUADRANTS

    marked = _highlighted(res, highlight)
    t = res.table.assign(code=res.table["unit"].astype(str))
    name_of = {str(k): str(v) for k, v in (names or {}).items()}
    label = {u: mpl_text(name_of.get(u, u)) for u in t["code"]}
    is_marked = t["code"].isin(marked).to_numpy()
    others = t.loc[~is_marked]
    ax.scatter(others["level"], others["growth"], s=30, color=UNITS, edgecolor="white",
               linewidth=0.5, zorder=3)  # fmt: skip
    ax.scatter(t.loc[is_marked, "level"], t.loc[is_marked, "growth"], s=70, color=HIGHLIGHT,
               edgecolor="white", linewidth=0.6, zorder=4)  # fmt: skip
    ax.axvline(res.reference_level, color=INK, lw=0.9, zorder=2)
    ax.axhline(res.reference_growth, color=INK, lw=0.9, zorder=2)
    levels = t["level"].to_numpy(dtype=float)
    log = bool((levels > 0).all() and levels.max() / levels.min() > 10)
    if log:
        from matplotlib.ticker import LogLocator, NullLocator

        ax.set_xscale("log")
        ax.set_xlim(levels.min() / 1.3, levels.max() * 1.3)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_minor_locator(NullLocator())  # plain numbers only, no 10^k labels
    else:
        span = (levels.max() - levels.min()) or abs(levels.max()) or 1.0
        ax.set_xlim(levels.min() - 0.12 * span, levels.max() + 0.12 * span)
    growth = np.append(t["growth"].to_numpy(dtype=float), res.reference_growth)
    gspan = (growth.max() - growth.min()) or abs(growth.max()) or 1.0
    ax.set_ylim(growth.min() - 0.18 * gspan, growth.max() + 0.18 * gspan)
    corner_texts = [
        ax.text(
            x,
            y,
            text(
                "metrics_regional.klassen.quadrant",
                language,
                quadrant=q,
                label=KLASSEN_QUADRANTS[q][0 if language == "id" else 1],
            ),
            transform=ax.transAxes,
            ha="right" if x > 0.5 else "left",
            va="top" if y > 0.5 else "bottom",
            fontsize=8,
            color="#555555",
        )  # fmt: skip
        for q, (x, y) in _CORNERS.items()
    ]
    kind = res.kind + ("_log" if log else "")
    ax.set_xlabel(text(f"metrics_regional.klassen.x.{kind}", language))
    ax.set_ylabel(text("metrics_regional.klassen.y", language))
    ax.set_title(text("metrics_regional.klassen.title", language), loc="left", fontsize=10)
    localise_ticks(ax, language, "both")
    handles = [Line2D([], [], marker="o", ls="", color=UNITS, ms=6)]
    texts = [text(f"metrics_regional.klassen.units.{res.kind}", language)]
    for u in marked:
        handles.append(Line2D([], [], marker="o", ls="", color=HIGHLIGHT, ms=8))
        texts.append(label[u])
    handles.append(Line2D([], [], color=INK, lw=0.9))
    texts.append(text("metrics_regional.klassen.reference", language,
                      growth=res.reference_growth, level=res.reference_level))  # fmt: skip
    legend_below(ax, handles, texts, ncol=2 if len(handles) > 2 else 1)
    specs = [
        LabelSpec(
            float(r.level),
            float(r.growth),
            label[r.code],
            required=True,
            weight="bold",
            color=HIGHLIGHT,
        )  # fmt: skip
        for r in t.loc[is_marked].itertuples()
    ]
    specs += [
        LabelSpec(float(r.level), float(r.growth), label[r.code], color="#444444")
        for r in others.itertuples()
    ]
    place_labels(ax, specs, points=list(zip(t["level"], t["growth"])), avoid=corner_texts)
