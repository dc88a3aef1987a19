"""The figures of the innovation-impact report, drawn on a given Axes.

Every label comes from the catalog (``impact.figure.*``); cohorts and periods
are calendar labels, units are names, tick numbers follow the language, every
line and marker is in the legend, and legends sit outside the data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from innolab_analysis import l10n
from innolab_analysis._plotting import PALETTE
from innolab_analysis.display import localise_axis, mpl_text

__all__ = ["draw"]

ZERO = {"color": "black", "lw": 0.8}


def _t(key: str, language: str, **values) -> str:
    return mpl_text(l10n.tr(f"impact.figure.{key}", language, markdown=False, **values))


def _legend_below(ax, ncol: int = 2) -> None:
    """A legend under the axes: it can never cover the data."""
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=ncol,
        frameon=False,
        fontsize="small",
    )


def _nothing_to_draw(ax, key: str, language: str) -> None:
    """Say in the figure why there is nothing to draw (the design was not run)."""
    text = mpl_text(l10n.tr(key, language, markdown=False))
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()


def _no_effect(language: str) -> str:
    return mpl_text(l10n.tr("impact.figure.no_effect", language, markdown=False))


def _cohorts(res, ax, language: str) -> None:
    g = res.groups.terms.reset_index(drop=True)
    y = np.arange(len(g))[::-1]
    unit = res.unit_word(language)
    err = np.vstack([g["estimate"] - g["ci_lower"], g["ci_upper"] - g["estimate"]])
    ax.errorbar(
        g["estimate"],
        y,
        xerr=err,
        fmt="o",
        color=PALETTE["staggered"],
        capsize=3,
        label=_t("cohorts.points", language, level=res.staggered.level),
    )
    ax.axvline(
        res.staggered.estimate,
        color=PALETTE["counterfactual"],
        ls="--",
        lw=1.2,
        label=_t("cohorts.average", language),
    )
    ax.axvline(0, **ZERO, label=_no_effect(language))
    ax.set_yticks(y)
    ax.set_yticklabels([res.cohort_label(c) for c in g["cohort"]])
    ax.set_xlabel(
        _t(
            "cohorts.x",
            language,
            outcome=res.outcome_name(language),
            unit=unit,
            level=res.staggered.level,
        )
    )
    ax.set_ylabel(_t("cohorts.y", language))
    localise_axis(ax, language, axis="x", decimals=1)
    _legend_below(ax, ncol=3)


def _event_study(res, ax, language: str) -> None:
    d = res.event_study.dynamic
    unit = res.unit_word(language)
    styles = {
        "staggered": (PALETTE["staggered"], -0.12, "o", "event.staggered"),
        "twfe": (PALETTE["twfe"], 0.12, "s", "event.twfe"),
    }
    for name, (color, shift, marker, key) in styles.items():
        rows = d[d["estimator"] == name]
        x = rows["event_time"].to_numpy(float) + shift
        err = np.vstack([rows["estimate"] - rows["ci_lower"], rows["ci_upper"] - rows["estimate"]])
        ax.errorbar(
            x,
            rows["estimate"],
            yerr=err,
            fmt=marker,
            color=color,
            capsize=2,
            ms=5,
            label=_t(key, language),
        )
    ref = sorted(
        set(range(int(d["event_time"].min()), 0))
        - set(d.loc[d["estimator"] == "twfe", "event_time"].astype(int))
    )
    if ref:
        ax.plot(
            [ref[-1] + 0.12],
            [0],
            marker="s",
            mfc="white",
            color=PALETTE["twfe"],
            ls="none",
            label=_t("event.reference", language),
        )
    ax.axvline(
        -0.5, color=PALETTE["counterfactual"], ls=":", lw=1.2, label=_t("event.launch", language)
    )
    ax.axhline(0, **ZERO, label=_no_effect(language))
    ticks = np.arange(int(d["event_time"].min()), int(d["event_time"].max()) + 1)
    ax.set_xticks(ticks)
    ax.set_xlabel(_t("event.x", language))
    ax.set_ylabel(_t("event.y", language, outcome=res.outcome_name(language), unit=unit))
    localise_axis(ax, language, axis="y", decimals=1)
    _legend_below(ax, ncol=3)


def _bacon(res, ax, language: str) -> None:
    unit = res.unit_word(language)
    if res.bacon is None:
        _nothing_to_draw(ax, "impact.reason.bacon", language)
        return
    comp = res.bacon.comparisons
    colors = {
        "treated vs never treated": PALETTE["control"],
        "earlier vs later treated": PALETTE["staggered"],
        "later vs earlier treated": PALETTE["treated"],
    }
    for kind, color in colors.items():
        rows = comp[comp["type"] == kind]
        if len(rows):
            ax.scatter(
                rows["weight"],
                rows["estimate"],
                s=22,
                color=color,
                alpha=0.8,
                label=mpl_text(l10n.tr(f"impact.bacon.type.{kind}", language, markdown=False)),
            )
    ax.axhline(
        res.bacon_twfe if np.isfinite(res.bacon_twfe) else res.twfe.estimate,
        color="black",
        ls="--",
        lw=1,
        label=_t(
            "bacon.twfe",
            language,
            estimate=res.bacon_twfe if np.isfinite(res.bacon_twfe) else res.twfe.estimate,
        ),
    )
    ax.set_xlabel(_t("bacon.x", language))
    ax.set_ylabel(_t("bacon.y", language, unit=unit))
    localise_axis(ax, language, axis="x", decimals=2)
    localise_axis(ax, language, axis="y", decimals=1)
    _legend_below(ax, ncol=2)


def _robustness(res, ax, language: str) -> None:
    if res.robust is None:
        _nothing_to_draw(ax, "impact.robustness.honest.none", language)
        return
    t = res.robust.table.reset_index(drop=True)
    y = np.arange(len(t))[::-1]
    colors = [
        PALETTE["staggered"] if d == "callaway_santanna" else PALETTE["control"]
        for d in t["design"]
    ]
    err = np.vstack([t["estimate"] - t["ci_lower"], t["ci_upper"] - t["estimate"]])
    for yi, xi, e0, e1, c in zip(y, t["estimate"], err[0], err[1], colors, strict=True):
        ax.errorbar([xi], [yi], xerr=[[e0], [e1]], fmt="o", color=c, capsize=3)
    ax.errorbar(
        [],
        [],
        xerr=[],
        fmt="o",
        color=PALETTE["control"],
        capsize=3,
        label=_t("robustness.points", language, level=res.staggered.level),
    )
    ax.axvline(0, **ZERO, label=_no_effect(language))
    ax.set_yticks(y)
    ax.set_yticklabels([mpl_text(l10n.label("design", d, language)) for d in t["design"]])
    ax.set_xlabel(
        _t(
            "robustness.x",
            language,
            outcome=res.outcome_name(language),
            unit=res.unit_word(language),
            level=res.staggered.level,
        )
    )
    localise_axis(ax, language, axis="x", decimals=1)
    _legend_below(ax, ncol=2)


def _its(res, ax, language: str) -> None:
    if res.its is None:
        _nothing_to_draw(ax, "impact.its.not_run", language)
        return
    f = res.its.fitted
    start = res.its.interventions[0]
    ax.plot(
        f["time"],
        f["observed"],
        "o",
        ms=4,
        color=PALETTE["control"],
        label=_t("its.observed", language),
    )
    ax.plot(
        f["time"], f["fitted"], color=PALETTE["treated"], lw=1.6, label=_t("its.fitted", language)
    )
    after = f["time"] >= start
    ax.plot(
        f.loc[after, "time"],
        f.loc[after, "counterfactual"],
        color=PALETTE["counterfactual"],
        ls="--",
        lw=1.4,
        label=_t("its.counterfactual", language),
    )
    ax.axvline(start, color="black", ls=":", lw=1, label=_t("its.launch", language))
    ax.set_ylabel(
        _t("its.y", language, outcome=res.outcome_name(language), unit=res.unit_word(language))
    )
    ax.set_title(mpl_text(res.its_agency_name), fontsize="medium")
    localise_axis(ax, language, axis="y", decimals=1)
    _legend_below(ax, ncol=2)


def _agency_effects(res, ax, language: str) -> None:
    ae = res.agency_effects.dropna(subset=["leadership_commitment"])
    unit = res.unit_word(language)
    if ae.empty:
        _nothing_to_draw(ax, "impact.heterogeneity.none", language)
        return
    ax.errorbar(
        ae["leadership_commitment"],
        ae["estimate"],
        yerr=[ae["estimate"] - ae["ci_lower"], ae["ci_upper"] - ae["estimate"]],
        fmt="o",
        color=PALETTE["treated"],
        ecolor=PALETTE["band"],
        capsize=2,
        label=_t("agency.points", language, level=res.staggered.level),
    )
    m = res.moderation
    if m is not None:
        x = np.linspace(ae["leadership_commitment"].min(), ae["leadership_commitment"].max(), 20)
        ax.plot(
            x,
            m.intercept + m.slope_per_point * (x - m.score_mean),
            color=PALETTE["control"],
            lw=1.5,
            label=_t("agency.line", language),
        )
    ax.axhline(0, **ZERO, label=_no_effect(language))
    ax.set_xlabel(_t("agency.x", language))
    ax.set_ylabel(_t("agency.y", language, unit=unit))
    localise_axis(ax, language, axis="both", decimals=1)
    _legend_below(ax, ncol=3)


def _mde(res, ax, language: str) -> None:
    unit = res.unit_word(language)
    if res.mde is None:
        _nothing_to_draw(ax, "impact.mde.none", language)
        return
    m = res.mde
    c = m.curve
    ax.plot(
        c["effect"], c["power"], color=PALETTE["staggered"], lw=1.8, label=_t("mde.curve", language)
    )
    ax.axhline(
        m.power,
        color=PALETTE["counterfactual"],
        ls="--",
        lw=1,
        label=_t("mde.target", language, power=m.power),
    )
    ax.axvline(
        m.mde, color="black", ls=":", lw=1, label=_t("mde.found", language, mde=m.mde, unit=unit)
    )
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_t("mde.x", language, unit=unit))
    ax.set_ylabel(_t("mde.y", language))
    localise_axis(ax, language, axis="x", decimals=1)
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: l10n.percent(v, language)))
    _legend_below(ax, ncol=3)


_DRAW: dict[str, Callable[[object, object, str], None]] = {
    "cohorts": _cohorts,
    "event_study": _event_study,
    "bacon": _bacon,
    "robustness": _robustness,
    "its": _its,
    "agency_effects": _agency_effects,
    "mde": _mde,
}


def draw(res, kind: str, ax, language: str) -> None:
    """Draw figure ``kind`` of the impact study on ``ax``."""
    _DRAW[kind](res, ax, language)
