"""Small drawing helpers the study figures share."""

from __future__ import annotations

import textwrap

from innolab_analysis.display import mpl_text

__all__ = ["INK", "wrap"]

INK = "#2b2b2b"
"""Colour of text and neutral marks in study figures."""


def wrap(name: object, width: int = 46) -> str:
    """A long name (a unit's, from data) on several lines for a tick label, ``$`` escaped.

    Examples
    --------
    >>> print(wrap("Dinas Pekerjaan Umum dan Penataan Ruang, Perumahan Rakyat", 30))
    Dinas Pekerjaan Umum dan
    Penataan Ruang, Perumahan
    Rakyat
    """
    return mpl_text("\n".join(textwrap.wrap(str(name), width, break_long_words=False)) or str(name))


def _settle(ax) -> None:
    """Run the figure's layout engine, so positions are those the figure will be drawn with."""
    engine = ax.figure.get_layout_engine()
    if engine is not None:
        engine.execute(ax.figure)


def extent_points(ax, axis: str) -> float:
    """Length of the axes along ``axis`` ("x" or "y") in points, as the figure will draw it."""
    _settle(ax)
    box = ax.get_window_extent()
    size = box.width if axis == "x" else box.height
    return size * 72.0 / ax.figure.dpi


def legend_below(ax, handles=None, labels=None, *, ncol: int = 1, **kwargs):
    """A legend under the x axis (its ticks and label), outside the data area.

    The offset is measured from the drawn tick labels and axis label, so the
    legend never covers them, whatever the figure's size.
    """
    _settle(ax)
    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    below = ax.xaxis.get_tightbbox(renderer)
    y = -0.02 if below is None else (below.y0 - axes_box.y0) / axes_box.height - 0.01
    args = () if handles is None else (handles, labels)
    return ax.legend(*args, loc="upper left", bbox_to_anchor=(0, y), ncol=ncol, frameon=False,
                     fontsize=8, **kwargs)  # fmt: skip
