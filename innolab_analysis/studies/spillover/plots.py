"""The spillover report's figures: one draw function per kind, on a given Axes.

Every line and marker is in the legend (placed under the axes, so it never
covers data); the event line says what it is; the satellite is highlighted and
regions are labelled by name without overlaps; ticks are localised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from innolab_analysis import l10n
from innolab_analysis._plot_labels import LabelSpec, place_labels
from innolab_analysis._plotting import PALETTE
from innolab_analysis.display import localise_axis, mpl_text
from innolab_analysis.errors import EstimationError
from innolab_analysis.studies.spillover.facts import (
    GERBANGKERTOSUSILA,
    TOL_SUMO_FULL_OPENING,
    TOL_SUMO_PARTIAL_OPENING,
)
from innolab_analysis.studies.spillover.text import group_label

if TYPE_CHECKING:
    from innolab_analysis.studies.spillover.compute import SpilloverResult

__all__ = ["draw"]

SATELLITE = PALETTE["treated"]
CORE = "#1a1a1a"
MEMBERS = PALETTE["control"]
OTHERS = "#b0b7bd"
SERIES = ("#2c7fb8", "#d95f02", "#1b7837", "#762a83")


def _plain(key: str, language: str, **values) -> str:
    return mpl_text(l10n.tr(f"spillover.{key}", language, markdown=False, **values))


def _legend_below(ax) -> None:
    """The legend under the axes: two columns when the entries are short, else one."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ncols = 2 if max(len(t) for t in labels) <= 44 else 1
        ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(0.0, -0.13),
            ncols=ncols,
            fontsize=8,
            frameon=False,
        )


def _title(ax, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=10, fontweight="bold")


def _event_lines(res: SpilloverResult, ax, language: str) -> None:
    """The event (dashed) and, for the toll road, the partial opening before it (dotted).

    Lines sit between the last year counted before and the first counted after.
    """
    if any(d.code == "partial_treatment_2016" for d in res.diagnostics):
        p = TOL_SUMO_PARTIAL_OPENING
        ax.axvline(
            p.opened.year - 0.5,
            color="#555555",
            ls=":",
            lw=1.0,
            label=_plain("fig.partial_line", language, route=p.route, date=p.opened),
        )
    key = "fig.event_line" if res.event == TOL_SUMO_FULL_OPENING else "fig.event_line.other"
    ax.axvline(
        res.first_post_year - 0.5,
        color="black",
        ls="--",
        lw=1.0,
        label=_plain(key, language, date=res.event),
    )


def _years_axis(ax, language: str) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_plain("fig.year", language))


def _draw_linkage(res: SpilloverResult, ax, language: str) -> None:
    who = {"satellite": res.satellite_name, "core": res.core_name}
    years = res.linkage.data["time"]
    res.linkage.plot(
        ax=ax,
        language=language,
        outcome_label=l10n.tr(
            "spillover.fig.growth_axis", language, markdown=False, region=res.satellite_name
        ),
        driver_label=l10n.tr(
            "spillover.fig.growth_axis", language, markdown=False, region=res.core_name
        ),
    )
    _title(
        ax,
        _plain("fig.linkage.title", language, first=int(years.min()), last=int(years.max()), **who),
    )


def _draw_synth(res: SpilloverResult, ax, language: str) -> None:
    if res.synth is None:
        raise EstimationError(
            "no synthetic control in this result (see its diagnostics); check "
            "res.has_figure('synth') before drawing it"
        )
    sc = res.synth
    ax.plot(
        sc.treated.index,
        sc.treated.to_numpy(),
        color=SATELLITE,
        lw=2,
        marker="o",
        ms=3,
        label=mpl_text(res.satellite_name),
    )
    ax.plot(
        sc.synthetic.index,
        sc.synthetic.to_numpy(),
        color=PALETTE["counterfactual"],
        ls="--",
        lw=1.6,
        label=_plain(
            "fig.synth.synthetic",
            language,
            satellite=res.satellite_name,
            count=int((sc.weights > 0.005).sum()),
            pool=len(sc.weights),
        ),
    )
    _event_lines(res, ax, language)
    _years_axis(ax, language)
    ax.set_ylabel(_plain("fig.synth.axis", language, base=res.start_year))
    localise_axis(ax, language, axis="y", decimals=0)
    _title(ax, _plain("fig.synth.title", language, satellite=res.satellite_name))
    _legend_below(ax)


def _draw_gravity(res: SpilloverResult, ax, language: str) -> None:
    if res.gravity is None:
        raise EstimationError(
            "no gravity interaction in this result: the data have no complete travel_time_min "
            "for the satellite; check res.has_figure('gravity') before drawing it"
        )
    g = res.gravity
    base = int(g["year"].iloc[0])
    index = g["interaction"] / g["interaction"].iloc[0]
    ax.plot(
        g["year"],
        index,
        marker="o",
        color=SATELLITE,
        lw=1.8,
        label=_plain("fig.gravity.series", language),
    )
    runs = (g["distance"] != g["distance"].shift()).cumsum()
    for _, run in g.groupby(runs, sort=False):
        i = run.index[0]
        ax.annotate(
            _plain("fig.gravity.minutes", language, minutes=round(float(run["distance"].iloc[0]))),
            (g.at[i, "year"], index[i]),
            xytext=(4, 8),
            textcoords="offset points",
            ha="left",
            fontsize=8,
            color="#333333",
        )
    _event_lines(res, ax, language)
    _years_axis(ax, language)
    ax.set_ylim(0, float(index.max()) * 1.15)
    ax.set_ylabel(_plain("fig.gravity.axis", language, base=base))
    localise_axis(ax, language, axis="y", decimals=0)
    _title(
        ax, _plain("fig.gravity.title", language, satellite=res.satellite_name, core=res.core_name)
    )
    _legend_below(ax)


def _draw_sectors(res: SpilloverResult, ax, language: str) -> None:
    cols = [c for c in res.indicators.columns if c.startswith("share_")]
    if not cols:
        raise EstimationError(
            "no sector indicators in this result: pass pdrb_sectors (sectors=) to "
            "spillover_study; check res.has_figure('sectors') before drawing it"
        )
    ind = res.indicators
    for c, color in zip(cols, SERIES):
        group = c.removeprefix("share_")
        name = group_label(group, language)
        ax.plot(
            ind["year"],
            100 * ind[c],
            marker="o",
            ms=3,
            color=color,
            label=mpl_text(name[:1].upper() + name[1:]),
        )
    _event_lines(res, ax, language)
    _years_axis(ax, language)
    ax.set_ylim(0, 100 * float(ind[cols].max().max()) * 1.15)
    ax.set_ylabel(_plain("fig.sectors.axis", language))
    localise_axis(ax, language, axis="y", decimals=0)
    _title(ax, _plain("fig.sectors.title", language, satellite=res.satellite_name))
    _legend_below(ax)


def _draw_klassen(res: SpilloverResult, ax, language: str) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ctx = res.context
    t = ctx.klassen.table.set_index("unit")
    members = [c for c in GERBANGKERTOSUSILA if c in t.index and c not in (res.satellite, res.core)]
    others = [c for c in t.index if c not in {*members, res.satellite, res.core}]
    groups = (
        (others, OTHERS, 22, "o", _plain("fig.klassen.others", language)),
        (members, MEMBERS, 34, "o", _plain("fig.klassen.members", language)),
        ([res.core], CORE, 60, "D", _plain("fig.klassen.core", language, core=res.core_name)),
        ([res.satellite], SATELLITE, 110, "*", mpl_text(res.satellite_name)),
    )
    for codes, color, size, marker, label in groups:
        if codes:
            ax.scatter(
                t.loc[codes, "level"],
                t.loc[codes, "growth"],
                s=size,
                color=color,
                marker=marker,
                zorder=3,
                label=label,
                edgecolor="white",
                linewidth=0.4,
            )
    ax.axvline(
        ctx.klassen.reference_level,
        color="black",
        lw=0.8,
        ls="-",
        label=_plain("fig.klassen.reference", language),
    )
    ax.axhline(ctx.klassen.reference_growth, color="black", lw=0.8, ls="-")
    ax.set_xscale("log")
    lo, hi = float(t["level"].min()), float(t["level"].max())
    g0, g1 = float(t["growth"].min()), float(t["growth"].max())
    pad = 0.16 * (g1 - g0 or 1)
    ax.set_xlim(lo / 1.25, hi * 1.25)
    ax.set_ylim(g0 - pad, g1 + pad)
    ticks = [v for v in (5, 10, 20, 50, 100, 200, 500, 1000) if lo / 1.25 <= v <= hi * 1.25]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: l10n.number(v, language, 0)))
    localise_axis(ax, language, axis="y", decimals=1)
    corners = {"I": (0.99, 0.99), "II": (0.99, 0.01), "III": (0.01, 0.99), "IV": (0.01, 0.01)}
    corner_texts = []
    for q, (x, y) in corners.items():
        corner_texts.append(
            ax.text(
                x,
                y,
                _plain(
                    "fig.klassen.quadrant",
                    language,
                    quadrant=q,
                    label=l10n.label("klassen_quadrant", q, language),
                ),
                transform=ax.transAxes,
                ha="right" if x > 0.5 else "left",
                va="top" if y > 0.5 else "bottom",
                fontsize=8,
                color="#555555",
            )
        )
    ax.set_xlabel(_plain("fig.klassen.x", language, y1=ctx.end_year))
    ax.set_ylabel(_plain("fig.klassen.y", language))
    _title(ax, _plain("fig.klassen.title", language, y0=ctx.start_year, y1=ctx.end_year))
    _legend_below(ax)
    labels = [
        LabelSpec(
            t.at[res.satellite, "level"],
            t.at[res.satellite, "growth"],
            mpl_text(res.satellite_name),
            required=True,
            weight="bold",
            color=SATELLITE,
        ),
        LabelSpec(
            t.at[res.core, "level"],
            t.at[res.core, "growth"],
            mpl_text(res.core_name),
            required=True,
            color=CORE,
        ),
    ]
    labels += [
        LabelSpec(t.at[c, "level"], t.at[c, "growth"], mpl_text(ctx.names[c]), color=MEMBERS)
        for c in members
    ]
    # the outliers a reader asks about: the highest income, the fastest and slowest growth
    extremes = {t["level"].idxmax(), t["growth"].idxmax(), t["growth"].idxmin()}
    labels += [
        LabelSpec(t.at[c, "level"], t.at[c, "growth"], mpl_text(ctx.names[c]), color="#555555")
        for c in sorted(extremes - {res.satellite, res.core, *members})
    ]
    place_labels(ax, labels, points=list(zip(t["level"], t["growth"])), avoid=corner_texts)


_DRAW = {
    "linkage": _draw_linkage,
    "synth": _draw_synth,
    "gravity": _draw_gravity,
    "sectors": _draw_sectors,
    "klassen": _draw_klassen,
}


def draw(res: SpilloverResult, kind: str, ax, language: str) -> None:
    """Draw figure ``kind`` of the study on ``ax``."""
    _DRAW[kind](res, ax, language)
