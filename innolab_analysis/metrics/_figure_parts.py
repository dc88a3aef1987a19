"""Parts the metrics figures share: grade bands labelled inside the axes, legends below them,
localised ticks, wrapped names.

Legends sit under the x axis, offset in points from its drawn tick labels and
label (so a later layout pass cannot move them onto the data); grade bands
are shaded and named inside the axes, never above the title or outside;
tick numbers are written the way the figure's language writes numbers.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np

from innolab_analysis import l10n
from innolab_analysis.display import localise_axis, mpl_text
from innolab_analysis.metrics.standards import SkmStandard
from innolab_analysis.options import Language

__all__ = [
    "GRADE_COLORS",
    "INK",
    "band_limits",
    "drawn_renderer",
    "grade_bands",
    "legend_below",
    "localise_ticks",
    "text",
    "wrap",
]

GRADE_COLORS = {"A": "#1a9850", "B": "#91cf60", "C": "#fc8d59", "D": "#d73027"}
"""Colour of each SKM grade (green A … red D)."""

INK = "#2b2b2b"
"""Colour of text and neutral marks."""


def text(key: str, language: Language, **values) -> str:
    """A catalog message as figure text (plain, ``$`` escaped).

    Examples
    --------
    >>> text("metrics_plots.coverage.count", "id", n=23, total=31)
    '23 dari 31'
    """
    return mpl_text(l10n.tr(key, language, markdown=False, **values))


def wrap(name: object, width: int = 40) -> str:
    """A name from data on several lines for a tick label, ``$`` escaped.

    Examples
    --------
    >>> print(wrap("Dinas Pekerjaan Umum dan Penataan Ruang", 20))
    Dinas Pekerjaan Umum
    dan Penataan Ruang
    """
    lines = textwrap.wrap(str(name), width, break_long_words=False)
    return mpl_text("\n".join(lines) or str(name))


def drawn_renderer(ax):
    """The renderer of the figure of ``ax`` after its layout ran (positions as they will be drawn)."""
    fig = ax.figure
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def legend_below(ax, handles: Sequence, labels: Sequence[str], *, ncol: int = 1):
    """A legend under the x axis (below its tick labels and label), outside the data.

    The offset is measured on the drawn figure and kept in points, so the
    layout engine may resize the axes without the legend moving onto them.
    """
    from matplotlib.transforms import ScaledTranslation

    renderer = drawn_renderer(ax)
    axes_box = ax.get_window_extent(renderer)
    below = ax.xaxis.get_tightbbox(renderer)
    gap = 0.0 if below is None else max(0.0, axes_box.y0 - below.y0)
    shift = ScaledTranslation(0, -(gap + 4) / ax.figure.dpi, ax.figure.dpi_scale_trans)
    return ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=ax.transAxes + shift,
        ncol=ncol,
        frameon=False,
        fontsize=8,
        borderaxespad=0,
    )


def _decimals(ticks: np.ndarray) -> int:
    """Decimals that tell the ticks apart (0 for steps of 1 or more)."""
    ticks = np.unique(np.asarray(ticks, dtype=float))
    if len(ticks) < 2:
        return 0
    step = float(np.min(np.diff(ticks)))
    return 0 if step >= 1 or step <= 0 else min(6, math.ceil(-math.log10(step) - 1e-9))


def localise_ticks(ax, language: Language, axis: str = "y") -> None:
    """Tick numbers of ``axis`` in the language's notation, with as many decimals as they need."""
    for name in ("x", "y") if axis == "both" else (axis,):
        scale = ax.get_xscale() if name == "x" else ax.get_yscale()
        lo, hi = ax.get_xlim() if name == "x" else ax.get_ylim()
        ticks = (ax.get_xticks() if name == "x" else ax.get_yticks()).astype(float)
        shown = ticks[(ticks >= min(lo, hi)) & (ticks <= max(lo, hi))]
        if scale == "log":
            small = shown[shown > 0].min() if (shown > 0).any() else 1.0
            decimals = 0 if small >= 1 else min(6, math.ceil(-math.log10(small) - 1e-9))
        else:
            decimals = _decimals(shown)
        localise_axis(ax, language, axis=name, decimals=decimals)


def band_limits(std: SkmStandard, low: float, high: float, pad: float) -> tuple[float, float]:
    """Axis limits around ``[low, high]`` that never show a sliver of a band without data.

    A band edge just inside the padding becomes the limit, so every band seen
    is wide enough to carry its label.

    Examples
    --------
    >>> from innolab_analysis.metrics.standards import get_standard
    >>> band_limits(get_standard("2017"), 77.5, 89.5, 2.0)
    (76.61, 91.5)
    """
    lo, hi = max(25.0, low - pad), min(100.0, high + pad)
    span = hi - lo
    for edge in (b.nik_lower for b in std.bands):
        if lo < edge <= low and (edge - lo) < 0.15 * span:
            lo = edge
        if high < edge < hi and (hi - edge) < 0.15 * span:
            hi = edge
    return lo, hi


def grade_bands(ax, std: SkmStandard, language: Language, *, where: float) -> None:
    """Shade the grade bands along x and name each visible band inside the axes.

    ``where`` is the height of the names in axes fraction (a strip the caller
    keeps free of data). A name that does not fit its band is written as the
    grade letter alone; a band too narrow even for that is left unnamed (its
    colour and the neighbours' names still read it).
    """
    lo, hi = ax.get_xlim()
    renderer = drawn_renderer(ax)
    for band in std.bands:
        top = 100.0 if band is std.bands[0] else band.nik_upper + 0.01
        a, b = max(band.nik_lower, lo), min(top, hi)
        if b <= a:
            continue
        ax.axvspan(band.nik_lower, top, color=GRADE_COLORS.get(band.grade, "#cccccc"),
                   alpha=0.15, lw=0, zorder=0)  # fmt: skip
        room = abs(ax.transData.transform((b, 0))[0] - ax.transData.transform((a, 0))[0]) - 6
        full = text("metrics_plots.band", language, grade=band.grade, label=band.label(language))
        for candidate in (full, full.replace(" · ", "\n"), mpl_text(band.grade)):
            label = ax.text((a + b) / 2, where, candidate, transform=ax.get_xaxis_transform(),
                            ha="center", va="top", fontsize=8, color=INK, zorder=4,
                            linespacing=1.05)  # fmt: skip
            if label.get_window_extent(renderer).width <= room:
                break
            label.remove()
