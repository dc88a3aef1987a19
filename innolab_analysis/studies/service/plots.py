"""The figures of the service-quality study: one draw function per kind, on a given Axes.

Levels such as the IKM are dots (with their bootstrap intervals when there
are any), not bars; the grade bands of the regulation are shaded and labelled
inside the axes; legends sit outside the data area; tick numbers are written
the way the report's language writes numbers. Every label is a catalog message
(names from data as plain text, ``$`` escaped).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import localise_axis, mpl_text
from innolab_analysis.metrics.plots import GRADE_COLORS
from innolab_analysis.studies._figures import INK, extent_points, legend_below, wrap
from innolab_analysis.studies.service.text import element_label, grade_label

if TYPE_CHECKING:
    from innolab_analysis.studies.service.compute import ServiceQuality

__all__ = ["draw", "draw_agencies", "draw_city", "draw_elements"]

CITY = "#1f4e79"


def _tr(key: str, language: str, **values) -> str:
    return mpl_text(l10n.tr(f"service.{key}", language, markdown=False, **values))


def _trim(lo: float, hi: float, data_lo: float, data_hi: float, bounds) -> tuple[float, float]:
    """Limits without a sliver of a band that holds no data (it could not be labelled)."""
    span = hi - lo
    for edge in bounds:
        if lo < edge <= data_lo and (edge - lo) < 0.12 * span:
            lo = edge
        if data_hi < edge < hi and (hi - edge) < 0.12 * span:
            hi = edge
    return lo, hi


def _band_limits(res: ServiceQuality, values: pd.Series, pad: float) -> tuple[float, float]:
    from innolab_analysis.metrics.standards import get_standard

    data_lo, data_hi = float(values.min()), float(values.max())
    lo, hi = max(25.0, data_lo - pad), min(100.0, data_hi + pad)
    bounds = [b.nik_lower for b in get_standard(res.standard).bands]
    return _trim(lo, hi, data_lo, data_hi, bounds)


def _fit(a: float, b: float, lo: float, hi: float, length: float, need: float):
    """Limits that give the band [a, b] at least ``need`` points, moving the edge it touches."""
    if (b - a) * length / (hi - lo) >= need or need >= length:
        return lo, hi
    if b >= hi and hi < 100.0:  # the top band: move the upper limit
        return lo, min(100.0, (a * length - need * lo) / (length - need))
    if a <= lo and lo > 25.0:  # the bottom band: move the lower limit
        return max(25.0, (b * length - need * hi) / (length - need)), hi
    return lo, hi


def _bands(ax, res: ServiceQuality, language: str, *, axis: str, where: float) -> None:
    """Shade the grade bands along ``axis`` and label each visible band inside the axes.

    ``where`` is the position of the labels across the bands, in axes fraction.
    A label that does not fit goes on two lines; an outer band too narrow even
    for that is widened (the axis extended toward 25 or 100).
    """
    from innolab_analysis.metrics.standards import get_standard

    get, put = (ax.get_xlim, ax.set_xlim) if axis == "x" else (ax.get_ylim, ax.set_ylim)
    lo, hi = get()
    length = extent_points(ax, axis)
    labels = []
    for band in get_standard(res.standard).bands:
        top = band.nik_upper + 0.01 if band.grade != "A" else 100.0
        a, b = max(band.nik_lower, lo), min(top, hi)
        if b <= a:
            continue
        name = _tr("fig.band", language, grade=band.grade, label=grade_label(band.grade, language))
        lines = name.replace(" · ", "\n")
        if axis == "x":
            one, two = 4.7 * len(name) + 6, 4.7 * max(map(len, lines.split("\n"))) + 6
        else:
            one, two = 12.0, 24.0
        text = name if (b - a) * length / (hi - lo) >= one else lines
        lo, hi = _fit(a, b, lo, hi, length, one if text == name else two)
        labels.append((band, top, text))
    for band, top, text in labels:
        a, b = max(band.nik_lower, lo), min(top, hi)
        shade = ax.axvspan if axis == "x" else ax.axhspan
        shade(band.nik_lower, top, color=GRADE_COLORS[band.grade], alpha=0.13, lw=0, zorder=0)
        mid = (a + b) / 2
        if axis == "x":
            ax.text(mid, where, text, transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize=8, color=INK, zorder=4, linespacing=1.1)  # fmt: skip
        else:
            ax.text(where, mid, text, transform=ax.get_yaxis_transform(), ha="right",
                    va="center", fontsize=8, color=INK, zorder=4, linespacing=1.1)  # fmt: skip
    put(lo, hi)


def _errors(frame: pd.DataFrame, centre: str) -> np.ndarray:
    return np.vstack(
        [frame[centre] - frame["ikm_ci_lower"], frame["ikm_ci_upper"] - frame[centre]]
    ).clip(min=0)


def _next_grade(res: ServiceQuality, value: float, within: float = 5.0) -> float | None:
    """The lower bound of the grade above ``value`` when it is less than ``within`` points away."""
    from innolab_analysis.metrics.standards import get_standard

    above = [b.nik_lower for b in get_standard(res.standard).bands if b.nik_lower > value]
    return min(above) if above and min(above) - value < within else None


def draw_city(res: ServiceQuality, ax, language: str) -> None:
    """The city-wide IKM per period: dots joined by a line, intervals when there are any."""
    c = res.city.reset_index(drop=True)
    x = np.arange(len(c))
    handles = []
    (line,) = ax.plot(x, c["ikm"], color=CITY, marker="o", ms=5, lw=1.6, zorder=3,
                      label=_tr("fig.city_ikm", language))  # fmt: skip
    handles.append(line)
    values = c["ikm"]
    if res.has_intervals:
        bars = ax.errorbar(x, c["ikm_unrounded"], yerr=_errors(c, "ikm_unrounded"), fmt="none",
                           ecolor=CITY, elinewidth=1, capsize=3, zorder=2,
                           label=_tr("fig.interval", language))  # fmt: skip
        handles.append(bars)
        values = pd.concat([c["ikm_ci_lower"], c["ikm_ci_upper"]])
    target = _next_grade(res, float(values.max()))
    if target is not None:  # show the next grade's band: the city's target
        values = pd.concat([values, pd.Series([target + 1.5])])
    ax.set_ylim(*_band_limits(res, values, 2.0))
    ax.set_xlim(-0.6, len(c) - 0.4 + 0.18 * (len(c) + 0.2))  # room for the band label
    ax.set_xticks(x)
    ax.set_xticklabels([res.period_label(p) for p in c["period"]], rotation=45, ha="right",
                       fontsize=8)  # fmt: skip
    ax.set_ylabel(_tr("fig.ikm_axis", language))
    ax.set_xlabel(_tr("fig.period_axis", language))
    frequency = l10n.tr(f"service.frequency.{res.frequency}", language, markdown=False)
    ax.set_title(_tr("fig.city_title", language, frequency=frequency), loc="left", fontsize=10)
    ax.grid(axis="x", visible=False)
    localise_axis(ax, language, axis="y", decimals=0)
    legend_below(ax, handles, [h.get_label() for h in handles], ncol=2)
    _bands(ax, res, language, axis="y", where=0.985)


def draw_agencies(res: ServiceQuality, ax, language: str) -> None:
    """The IKM of every unit in the latest period: dots coloured by grade, sorted, best on top."""
    from matplotlib.lines import Line2D

    frame = res.latest.dropna(subset=["ikm"]).sort_values(["ikm", "name"], kind="stable")
    frame = frame.reset_index(drop=True)
    y = np.arange(len(frame))
    short = set()
    if res.adequacy is not None:
        short = set(res.adequacy.loc[~res.adequacy["adequate"].astype(bool), "agency_id"])
    hollow = frame["agency_id"].astype(str).isin(short).to_numpy()
    handles = []
    values = frame["ikm"]
    if res.has_intervals:
        bars = ax.errorbar(frame["ikm_unrounded"], y, xerr=_errors(frame, "ikm_unrounded"),
                           fmt="none", ecolor=INK, elinewidth=1, capsize=2, zorder=2)  # fmt: skip
        handles.append((bars, _tr("fig.interval", language)))
        values = pd.concat([frame["ikm_ci_lower"], frame["ikm_ci_upper"]])
    face = np.where(hollow, "white", INK)
    ax.scatter(frame["ikm"], y, s=40, c=list(face), edgecolors=INK, linewidths=1.5, zorder=3)
    city = float(res.city["ikm"].iloc[-1])
    ax.axvline(city, color=CITY, ls="--", lw=1.2, zorder=1)
    lo, hi = _band_limits(res, pd.concat([values, pd.Series([city])]), 1.5)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, len(frame) + 0.6)  # an empty strip on top for the band labels
    ax.set_yticks(y)
    ax.set_yticklabels([wrap(n, 46) for n in frame["name"]], fontsize=8)
    ax.set_xlabel(_tr("fig.ikm_axis", language))
    ax.set_title(_tr("fig.agencies_title", language, period=res.period_label(res.last_period)),
                 loc="left", fontsize=10)  # fmt: skip
    ax.grid(axis="y", visible=False)
    localise_axis(ax, language, axis="x", decimals=0)
    handles.insert(0, (Line2D([], [], marker="o", ls="", color=INK, ms=6),
                       _tr("fig.unit_ikm", language)))  # fmt: skip
    if hollow.any():
        handles.insert(1, (Line2D([], [], marker="o", ls="", mfc="white", mec=INK, ms=6,
                                  mew=1.6), _tr("fig.unit_short", language)))  # fmt: skip
    handles.append(
        (Line2D([], [], color=CITY, ls="--"), _tr("fig.city_reference", language, value=city))
    )
    legend_below(ax, [h for h, _ in handles], [t for _, t in handles])
    _bands(ax, res, language, axis="x", where=0.995)


def draw_elements(res: ServiceQuality, ax, language: str) -> None:
    """Element means (NRR, 1–4) per unit in the latest period, coloured by their grade band.

    The colour of a cell is the grade its score would have on the interval
    table's 1–4 scale (the index bounds divided by 25), so a red or orange cell
    is an element that pulls the unit below grade B.
    """
    import seaborn as sns
    from matplotlib.colors import BoundaryNorm, ListedColormap

    from innolab_analysis.metrics.standards import get_standard

    bands = get_standard(res.standard).bands[::-1]  # worst first
    bounds = [1.0] + [b.nik_lower / 25 for b in bands[1:]] + [4.0]
    cmap = ListedColormap([GRADE_COLORS[b.grade] for b in bands])
    codes = sorted(res.elements["element"], key=lambda e: int(e[1:]))
    frame = res.latest.sort_values(["ikm", "name"], ascending=[False, True], na_position="last")
    values = frame[[f"nrr_{c}" for c in codes]].to_numpy(dtype=float)
    labels = np.vectorize(lambda v: l10n.number(v, language, 2), otypes=[object])(values)
    columns = [
        mpl_text(
            f"{c.upper()}\n"
            + "\n".join(
                textwrap.wrap(element_label(res.standard, c, language), 12, break_long_words=False)
            )
        )
        for c in codes
    ]
    mat = pd.DataFrame(values, index=[wrap(n, 46) for n in frame["name"]], columns=columns)
    sns.heatmap(mat, ax=ax, cmap=cmap, norm=BoundaryNorm(bounds, cmap.N), annot=labels, fmt="",
                annot_kws={"fontsize": 8, "color": INK}, linewidths=0.5, linecolor="white",
                cbar_kws={"label": _tr("fig.nrr_axis", language), "shrink": 0.5,
                          "ticks": bounds})  # fmt: skip
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelsize=7.5, top=True, labeltop=True, bottom=False,
                   labelbottom=False)  # fmt: skip
    for tick in ax.get_xticklabels():
        tick.set_rotation(0)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(_tr("fig.elements_title", language, period=res.period_label(res.last_period)),
                 loc="left", fontsize=10)  # fmt: skip
    bar = ax.collections[0].colorbar
    localise_axis(bar.ax, language, axis="y", decimals=2)
    for lower, upper, band in zip(bounds[:-1], bounds[1:], bands):
        bar.ax.text(1.6, (lower + upper) / 2, band.grade, transform=bar.ax.get_yaxis_transform(),
                    va="center", ha="left", fontsize=8, color=INK)  # fmt: skip


DRAW: dict[str, Callable[[ServiceQuality, object, str], None]] = {
    "city": draw_city,
    "agencies": draw_agencies,
    "elements": draw_elements,
}
"""The draw function of each figure kind."""


def draw(res: ServiceQuality, kind: str, ax, language: str) -> None:
    """Draw figure ``kind`` of :data:`~innolab_analysis.options.ServicePlotKind` on ``ax``."""
    DRAW[kind](res, ax, language)
