"""Point labels that do not overlap: each label takes the first free place around its point.

A small greedy placement (the idea of adjustText, without iterations): labels are
placed in priority order; each tries offsets in eight directions at growing
distances and takes the first one whose box overlaps no point, no label placed
before it and stays inside the axes. A label that finds no free place is left
out unless it is ``required``; then it takes its least crowded place with a thin
leader line. Label positions are computed on the drawn figure (its layout done),
and the labels stay out of the layout engine so they cannot move the axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["LabelSpec", "place_labels"]

_DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))


@dataclass(frozen=True)
class LabelSpec:
    """One label: its point (data coordinates), its text and how it looks."""

    x: float
    y: float
    text: str
    required: bool = False
    weight: str = "normal"
    color: str = "#222222"


def _overlaps(box, boxes) -> float:
    """Total overlap area of ``box`` with ``boxes`` (display units)."""
    area = 0.0
    for other in boxes:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            area += w * h
    return area


def place_labels(
    ax,
    labels: Sequence[LabelSpec],
    *,
    points: Sequence[tuple[float, float]] = (),
    avoid: Sequence = (),
    fontsize: float = 7.5,
    marker_radius: float = 4.0,
) -> list:
    """Annotate ``labels`` on ``ax`` without overlaps; return the annotations placed.

    Parameters
    ----------
    ax : Axes
    labels : sequence of LabelSpec
        In priority order (the most important first).
    points : sequence of (x, y)
        Every plotted point (data coordinates) a label must not cover; the labelled
        points are added.
    avoid : sequence of Artist
        Other artists (texts already on the axes) a label must not cover.
    fontsize : float
    marker_radius : float
        Half the size of a point's box, in points.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.scatter([0, 0.01, 1], [0, 0.01, 1])
    >>> placed = place_labels(ax, [LabelSpec(0, 0, "a"), LabelSpec(0.01, 0.01, "b")])
    >>> [a.get_text() for a in placed]
    ['a', 'b']
    >>> plt.close(fig)
    """
    from matplotlib.transforms import Bbox

    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_px = fig.dpi / 72.0
    radius = marker_radius * to_px
    all_points = list(points) + [(s.x, s.y) for s in labels]
    occupied = []
    for x, y in all_points:
        px, py = ax.transData.transform((x, y))
        if np.isfinite(px) and np.isfinite(py):
            occupied.append(Bbox([[px - radius, py - radius], [px + radius, py + radius]]))
    occupied += [artist.get_window_extent(renderer) for artist in avoid]
    frame = ax.get_window_extent(renderer)
    placed = []
    for spec in labels:
        best = None
        for step in (1.0, 2.2, 3.6):
            for dx, dy in _DIRECTIONS:
                offset = (dx * 5 * step, dy * 4 * step)
                ann = ax.annotate(
                    spec.text,
                    (spec.x, spec.y),
                    xytext=offset,
                    textcoords="offset points",
                    ha="left" if dx > 0 else ("right" if dx < 0 else "center"),
                    va="bottom" if dy > 0 else ("top" if dy < 0 else "center"),
                    fontsize=fontsize,
                    fontweight=spec.weight,
                    color=spec.color,
                    annotation_clip=False,
                )
                ann.set_in_layout(False)
                box = ann.get_window_extent(renderer)
                inside = (
                    box.x0 >= frame.x0
                    and box.x1 <= frame.x1
                    and box.y0 >= frame.y0
                    and box.y1 <= frame.y1
                )
                cost = _overlaps(box, occupied) + (0.0 if inside else 1e9)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, ann, box, step)
                else:
                    ann.remove()
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        cost, ann, box, step = best
        if cost > 0 and not spec.required:
            ann.remove()
            continue
        if step > 1.0:
            ann.remove()
            ann = ax.annotate(
                spec.text,
                (spec.x, spec.y),
                xytext=ann.xyann,
                textcoords="offset points",
                ha=ann.get_ha(),
                va=ann.get_va(),
                fontsize=fontsize,
                fontweight=spec.weight,
                color=spec.color,
                annotation_clip=False,
                arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.6, "shrinkB": 3},
            )
            ann.set_in_layout(False)
        occupied.append(box)
        placed.append(ann)
    return placed
