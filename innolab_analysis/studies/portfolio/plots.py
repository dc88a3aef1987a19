"""The figures of the innovation-portfolio study: one draw function per kind, on a given Axes.

Bars start at zero; legends sit below the axes, never on the data; every
line and marker is in the legend or labelled where it is drawn; tick numbers
are written the way the report's language writes numbers. Every label is a
catalog message (unit names as plain text, ``$`` escaped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from innolab_analysis import l10n
from innolab_analysis.display import localise_axis, mpl_text
from innolab_analysis.studies._figures import INK, legend_below, wrap
from innolab_analysis.studies.portfolio.text import stage_label

if TYPE_CHECKING:
    from innolab_analysis.studies.portfolio.compute import Portfolio

__all__ = ["draw", "draw_coverage", "draw_flow", "draw_funnel", "draw_readiness"]

COLORS = {
    "coverage": "#2c7fb8",
    "launched": "#2c7fb8",
    "stopped": "#d95f0e",
    "active": "#1b7837",
    "iid": "#2c7fb8",
    "labinov": "#1b7837",
    "index": "#bdd7e7",
    "lead_ok": "#08519c",
    "lead_low": "#cb181d",
}


def _tr(key: str, language: str, **values) -> str:
    return mpl_text(l10n.tr(f"portfolio.{key}", language, markdown=False, **values))


def _years(ax, years, language: str) -> None:
    ax.set_xticks(years)
    ax.set_xticklabels([str(int(y)) for y in years], fontsize=8)
    ax.set_xlabel(_tr("fig.year_axis", language))
    ax.grid(axis="x", visible=False)


def draw_coverage(res: Portfolio, ax, language: str) -> None:
    """The share of units with at least one active innovation, per year (bars from zero)."""
    c = res.coverage
    years = c["year"].to_numpy()
    pct = 100 * c["share"].to_numpy(dtype=float)
    bars = ax.bar(years, pct, width=0.7, color=COLORS["coverage"], zorder=2,
                  label=_tr("fig.coverage_bars", language))  # fmt: skip
    for x, y, n, total in zip(years, pct, c["n_with_innovation"], c["n_agencies"]):
        ax.text(x, y + 1.5, _tr("fig.coverage_bar", language, count=int(n), total=int(total)),
                ha="center", va="bottom", fontsize=7.5, color=INK)  # fmt: skip
    ax.axhline(100, color=INK, ls="--", lw=1, zorder=1)
    ax.text(years[0] - 0.4, 101.5, _tr("fig.full", language), ha="left", va="bottom",
            fontsize=8, color=INK)  # fmt: skip
    ax.set_ylim(0, 112)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylabel(_tr("fig.coverage_axis", language))
    ax.set_title(_tr("fig.coverage_title", language), loc="left", fontsize=10)
    _years(ax, years, language)
    localise_axis(ax, language, axis="y", decimals=0)
    legend_below(ax, [bars], [bars.get_label()])


def draw_flow(res: Portfolio, ax, language: str) -> None:
    """Innovations launched and stopped per year (bars) and active at year end (line)."""
    f = res.flow
    years = f["year"].to_numpy()
    ax.bar(years - 0.19, f["launched"], width=0.38, color=COLORS["launched"], zorder=2,
           label=_tr("fig.launched", language))  # fmt: skip
    ax.bar(years + 0.19, f["discontinued"], width=0.38, color=COLORS["stopped"], zorder=2,
           label=_tr("fig.stopped", language))  # fmt: skip
    ax.plot(years, f["active_end"], color=COLORS["active"], marker="o", ms=4, lw=1.8, zorder=3,
            label=_tr("fig.active", language))  # fmt: skip
    top = float(max(f["active_end"].max(), f["launched"].max(), 1))
    ax.set_ylim(0, top * 1.1)
    ax.set_ylabel(_tr("fig.count_axis", language))
    ax.set_title(_tr("fig.flow_title", language), loc="left", fontsize=10)
    _years(ax, years, language)
    ax.yaxis.get_major_locator().set_params(integer=True)
    localise_axis(ax, language, axis="y", decimals=0)
    legend_below(ax, ncol=3)


def draw_funnel(res: Portfolio, ax, language: str) -> None:
    """Innovations reaching each stage, bars from zero, IID stages then LAN's Labinov (5D)."""
    rows, y = [], 0.0
    labels, positions, heads = [], [], []
    for scheme in ("iid", "labinov"):
        part = res.funnel.loc[res.funnel["scheme"] == scheme]
        if not len(part) or part["n_reached"].iloc[0] == 0:
            continue
        heads.append(len(labels))
        labels.append(mpl_text(l10n.label("funnel_scheme", scheme, language)))
        positions.append(y)
        y += 1
        for r in part.itertuples():
            rows.append((y, scheme, r.n_reached, r.share_of_entered))
            labels.append(mpl_text(stage_label(scheme, r.stage, language)))
            positions.append(y)
            y += 1
        y += 0.5
    top = max((n for _, _, n, _ in rows), default=1)
    for yi, scheme, n, share in rows:
        ax.barh(yi, n, height=0.7, color=COLORS[scheme], zorder=2)
        ax.text(n + top * 0.01, yi, _tr("fig.funnel_bar", language, count=int(n), share=share),
                va="center", ha="left", fontsize=8, color=INK)  # fmt: skip
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=8.5)
    for i in heads:
        ax.get_yticklabels()[i].set_fontweight("bold")
    ax.set_ylim(y - 0.5, -0.8)
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel(_tr("fig.count_axis", language) + "\n" + _tr("fig.funnel_note", language))
    ax.set_title(_tr("fig.funnel_title", language), loc="left", fontsize=10)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    localise_axis(ax, language, axis="x", decimals=0)


def draw_readiness(res: Portfolio, ax, language: str) -> None:
    """Readiness index per unit (bars from zero) with the leadership score and its threshold."""
    from matplotlib.lines import Line2D

    if res.readiness is None or res.readiness["readiness_index"].notna().sum() == 0:
        ax.text(0.5, 0.5, _tr("alt.readiness_none", language), ha="center", va="center",
                transform=ax.transAxes)  # fmt: skip
        ax.set_axis_off()
        return
    r = res.readiness.dropna(subset=["readiness_index"]).sort_values(
        ["readiness_index", "name"], kind="stable"
    )
    y = np.arange(len(r))
    ax.barh(y, r["readiness_index"], height=0.65, color=COLORS["index"], zorder=2)
    low = r["low_leadership"].fillna(False).astype(bool).to_numpy()
    colors = np.where(low, COLORS["lead_low"], COLORS["lead_ok"])
    ax.scatter(r["leadership_commitment"], y, c=list(colors), s=30, zorder=3)
    ax.axvline(res.leadership_threshold, color=INK, ls="--", lw=1, zorder=2.5)
    ax.set_yticks(y)
    ax.set_yticklabels([wrap(n, 46) for n in r["name"]], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.7, len(r) - 0.3)
    ax.set_xlabel(_tr("fig.score_axis", language))
    ax.set_title(_tr("fig.readiness_title", language, end=res.end_year), loc="left",
                 fontsize=10)  # fmt: skip
    ax.grid(axis="y", visible=False)
    localise_axis(ax, language, axis="x", decimals=0)
    dim = res.leadership_label[language]
    handles = [
        Line2D([], [], color=COLORS["index"], lw=8),
        Line2D([], [], marker="o", ls="", color=COLORS["lead_ok"]),
        Line2D([], [], marker="o", ls="", color=COLORS["lead_low"]),
        Line2D([], [], color=INK, ls="--"),
    ]
    labels = [
        _tr("fig.readiness_bar", language),
        mpl_text(dim),
        _tr("fig.leadership_low", language, dimension=dim),
        _tr("fig.threshold", language, dimension=dim, threshold=res.leadership_threshold),
    ]
    legend_below(ax, handles, labels, ncol=2)


DRAW: dict[str, Callable[[Portfolio, object, str], None]] = {
    "coverage": draw_coverage,
    "flow": draw_flow,
    "funnel": draw_funnel,
    "readiness": draw_readiness,
}
"""The draw function of each figure kind."""


def draw(res: Portfolio, kind: str, ax, language: str) -> None:
    """Draw figure ``kind`` of :data:`~innolab_analysis.options.PortfolioPlotKind` on ``ax``."""
    DRAW[kind](res, ax, language)
