"""Plots of the metrics (axes-level: ``ax=None`` → a new figure; the Axes is returned).

Every title, axis label, legend entry and value label is a catalog message
(``l10n/messages/metrics_plots.yaml``; category names from ``labels.yaml``) in
Bahasa Indonesia (``language="id"``, the default) or English; numbers are
written the way the language writes them; names from the data are plain text
(``$`` escaped). Levels such as the IKM are dots with their intervals over the
regulation's grade bands, which are named inside the axes; counts are bars
from zero; legends sit under the axes, never on the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis._plotting import axes_or_new, plot_style
from innolab_analysis.display import localise_axis, mpl_text
from innolab_analysis.errors import DataValidationError, InnolabError, Problem
from innolab_analysis.metrics._checks import check_frame
from innolab_analysis.metrics._figure_parts import (
    GRADE_COLORS,
    INK,
    band_limits,
    drawn_renderer,
    grade_bands,
    legend_below,
    localise_ticks,
    text,
    wrap,
)
from innolab_analysis.metrics.standards import SkmStandard, StandardName, check_option, get_standard
from innolab_analysis.options import Language

__all__ = ["GRADE_COLORS", "plot_coverage", "plot_element_heatmap", "plot_funnel", "plot_ikm"]

_SCHEME_COLORS = {"iid": "#2c7fb8", "labinov": "#1b7837"}
_FUNNEL_COLUMNS = ("scheme", "stage", "step", "n_reached", "share_of_entered", "conversion", "note")


def _need(frame: object, cols: list[str], what: str) -> pd.DataFrame:
    """A frame with ``cols`` and at least one row (the output of the matching metric)."""
    hint = f"pass the output of the metric that {what} draws"
    frame = check_frame(frame, f"{what} input", hint=hint)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InnolabError(
            f"{what} needs column(s) {missing}; pass the output of the matching metric function"
        )
    if len(frame) == 0:
        raise DataValidationError(
            [Problem(f"nothing to draw: the table has no rows; {hint}")],
            title=f"1 problem(s) in the {what} input",
        )
    return frame


def _unit_labels(result: pd.DataFrame, label_col: str | None, language: Language) -> list[str]:
    if label_col is not None:
        _need(result, [label_col], "the plot")
        return [str(v) for v in result[label_col]]
    by = list(result.columns[: list(result.columns).index("n_respondents")])
    if not by:
        return [l10n.tr("metrics_plots.all_respondents", language, markdown=False)] * len(result)
    return [" / ".join(str(v) for v in row) for row in result[by].itertuples(index=False)]


# ============================================================================ IKM
def plot_ikm(
    result: pd.DataFrame,
    *,
    label_col: str | None = None,
    standard: StandardName | SkmStandard = "2017",
    language: Language = "id",
    ax=None,
):
    """IKM per unit as dots (with their bootstrap intervals) over the grade bands, best on top.

    The IKM is a level on the 25–100 scale, so it is a dot, not a bar; each
    dot carries its published value. The bands of the interval table are
    shaded and named inside the axes (``Mutu B · Baik``). Units without an
    IKM (an element nobody answered) are not drawn; the legend says how many.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`~innolab_analysis.metrics.skm.skm_index` (with ``by``);
        intervals are drawn when ``ikm_ci_lower``/``ikm_ci_upper`` are present.
    label_col : str, optional
        Column with the unit names (default: the grouping columns).
    standard : {"2017", "2014", "2004"} or SkmStandard
        The interval table of the bands.
    language : {"id", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    InnolabError
        Not an ``skm_index`` result, no rows, or no unit with an IKM.

    Examples
    --------
    >>> from innolab_analysis.metrics.skm import skm_index
    >>> df = pd.DataFrame({"agency_id": ["a", "b"], **{"u%d" % i: [4, 3] for i in range(1, 10)}})
    >>> ax = plot_ikm(skm_index(df, by="agency_id"))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['b', 'a']
    """
    from matplotlib.lines import Line2D

    check_option("language", language, Language)
    std = get_standard(standard)
    result = _need(result, ["n_respondents", "ikm", "grade"], "plot_ikm")
    labels = _unit_labels(result, label_col, language)
    frame = result.assign(_label=labels)
    n_missing = int(frame["ikm"].isna().sum())
    frame = frame.dropna(subset=["ikm"]).sort_values(["ikm", "_label"], kind="stable")
    frame = frame.reset_index(drop=True)
    if frame.empty:
        raise InnolabError(
            f"no unit has an IKM to draw ({n_missing} unit(s), each with an element nobody "
            "answered; see the note column of skm_index)"
        )
    intervals = {"ikm_ci_lower", "ikm_ci_upper"} <= set(frame.columns)
    with plot_style():
        ax = axes_or_new(ax, figsize=(8.0, max(3.0, 0.34 * len(frame) + 2.0)))
        y = np.arange(len(frame))
        handles = []
        values = frame["ikm"]
        if intervals:
            centre = frame["ikm_unrounded"] if "ikm_unrounded" in frame else frame["ikm"]
            err = np.vstack([centre - frame["ikm_ci_lower"], frame["ikm_ci_upper"] - centre])
            bars = ax.errorbar(centre, y, xerr=np.clip(err, 0, None), fmt="none", ecolor=INK,
                               elinewidth=1, capsize=2.5, zorder=2)  # fmt: skip
            handles.append((bars, text("metrics_plots.ikm.interval", language)))
            values = pd.concat([values, frame["ikm_ci_lower"], frame["ikm_ci_upper"]]).dropna()
        ax.scatter(frame["ikm"], y, s=38, color=INK, zorder=3)
        handles.insert(0, (Line2D([], [], marker="o", ls="", color=INK, ms=6),
                           text("metrics_plots.ikm.dot", language)))  # fmt: skip
        if n_missing:
            handles.append((Line2D([], [], ls=""),
                            text("metrics_plots.ikm.missing", language, count=n_missing)))  # fmt: skip
        lo, hi = band_limits(std, float(values.min()), float(values.max()), 2.0)
        ax.set_xlim(lo, min(100.0, hi + 0.06 * (hi - lo)))  # room for the value labels
        ax.set_ylim(-0.7, len(frame) + 0.9)  # an empty strip on top for the band names
        right = frame["ikm_ci_upper"].fillna(frame["ikm"]) if intervals else frame["ikm"]
        for yi, v, r in zip(y, frame["ikm"], right):
            ax.annotate(l10n.number(v, language, 2), (max(v, r), yi), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7.5, color=INK,
                        annotation_clip=False)  # fmt: skip
        ax.set_yticks(y)
        ax.set_yticklabels([wrap(n) for n in frame["_label"]], fontsize=8)
        ax.set_xlabel(text("metrics_plots.ikm.axis", language, regulation=std.regulation))
        ax.set_title(text("metrics_plots.ikm.title", language), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
        localise_ticks(ax, language, "x")
        grade_bands(ax, std, language, where=0.995)
        legend_below(ax, [h for h, _ in handles], [t for _, t in handles])
    return ax


# ============================================================================ elements
def plot_element_heatmap(
    result: pd.DataFrame,
    *,
    label_col: str | None = None,
    standard: StandardName | SkmStandard = "2017",
    language: Language = "id",
    annotate: bool = True,
    ax=None,
):
    """Element means (NRR, 1–4) per unit, coloured by the grade each mean falls in.

    Columns are the elements in regulation order (``U1`` … with their names);
    a cell's colour is the grade of its score on the interval table's 1–4
    scale (the index bounds divided by 25), so an orange or red cell is an
    element that pulls the unit below grade B. Units are sorted by IKM, best
    on top; a missing mean reads ``—``.

    Examples
    --------
    >>> from innolab_analysis.metrics.skm import skm_index
    >>> df = pd.DataFrame({"agency_id": ["a", "b"], **{"u%d" % i: [4, 3] for i in range(1, 10)}})
    >>> ax = plot_element_heatmap(skm_index(df, by="agency_id"), language="en")
    >>> ax.get_xticklabels()[2].get_text()
    'U3\\nCompletion\\ntime'
    """
    import seaborn as sns
    from matplotlib.colors import BoundaryNorm, ListedColormap

    check_option("language", language, Language)
    std = get_standard(standard)
    cols = [f"nrr_{c}" for c in std.columns]
    result = _need(result, ["n_respondents", *cols], "plot_element_heatmap")
    labels = _unit_labels(result, label_col, language)
    frame = result.assign(_label=labels)
    if "ikm" in frame.columns:
        frame = frame.sort_values(["ikm", "_label"], ascending=[False, True], na_position="last")
    values = frame[cols].to_numpy(dtype=float)
    bands = std.bands[::-1]  # worst first
    bounds = [1.0] + [b.nik_lower / 25 for b in bands[1:]] + [4.0]
    cmap = ListedColormap([GRADE_COLORS.get(b.grade, "#cccccc") for b in bands])
    names = [
        mpl_text(f"{e.code.upper()}\n" + "\n".join(_lines(e.label(language), 12)))
        for e in std.elements
    ]
    mat = pd.DataFrame(values, index=[wrap(n) for n in frame["_label"]], columns=names)
    annot = (
        np.vectorize(lambda v: l10n.number(v, language, 2), otypes=[object])(values)
        if annotate
        else False
    )
    with plot_style():
        ax = axes_or_new(ax, figsize=(3.4 + 0.95 * len(names), max(3.0, 0.34 * len(mat) + 2.4)))
        sns.heatmap(mat, ax=ax, cmap=cmap, norm=BoundaryNorm(bounds, cmap.N), annot=annot,
                    fmt="", annot_kws={"fontsize": 7.5, "color": INK}, linewidths=0.5,
                    linecolor="white", cbar_kws={"label": text("metrics_plots.heatmap.bar", language),
                                                 "shrink": 0.6, "ticks": bounds})  # fmt: skip
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelsize=7.5, top=True, labeltop=True, bottom=False,
                       labelbottom=False, rotation=0)  # fmt: skip
        ax.tick_params(axis="y", labelsize=8, rotation=0)
        ax.set_title(text("metrics_plots.heatmap.title", language), loc="left", fontsize=10)
        bar = ax.collections[0].colorbar
        localise_axis(bar.ax, language, axis="y", decimals=2)
        for lower, upper, band in zip(bounds[:-1], bounds[1:], bands):
            bar.ax.text(1.6, (lower + upper) / 2, mpl_text(band.grade), va="center", ha="left",
                        transform=bar.ax.get_yaxis_transform(), fontsize=8, color=INK)  # fmt: skip
    return ax


def _lines(name: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(name, width, break_long_words=False) or [name]


# ============================================================================ coverage
def plot_coverage(coverage: pd.DataFrame, *, language: Language = "id", ax=None):
    """One Agency One Innovation coverage per year: the share of units with an active innovation.

    Bars from zero on a 0–100% axis; above each bar, how many units out of all
    (``23 dari 31``). Years are calendar labels.

    Examples
    --------
    >>> cov = pd.DataFrame({"year": [2018, 2019], "n_agencies": [10, 10], "n_with_innovation": [4, 8],
    ...                     "share": [0.4, 0.8]})
    >>> [round(float(p.get_height()), 6) for p in plot_coverage(cov).patches]
    [40.0, 80.0]
    """
    from matplotlib.patches import Patch

    check_option("language", language, Language)
    coverage = _need(coverage, ["year", "n_agencies", "n_with_innovation", "share"],
                     "plot_coverage")  # fmt: skip
    c = coverage.sort_values("year").reset_index(drop=True)
    x = np.arange(len(c))
    color = _SCHEME_COLORS["iid"]
    with plot_style():
        ax = axes_or_new(ax, figsize=(min(10.0, max(6.0, 0.7 * len(c) + 2.0)), 4.4))
        ax.bar(x, c["share"] * 100, width=0.7, color=color, zorder=2)
        ax.set_xlim(-0.6, len(c) - 0.4)
        ax.set_ylim(0, 112)  # room for the counts above a full bar
        counts = []
        for xi, n, total, share in zip(x, c["n_with_innovation"], c["n_agencies"], c["share"]):
            label = text("metrics_plots.coverage.count", language, n=int(n), total=int(total))
            counts.append(ax.annotate(label, (xi, share * 100), xytext=(0, 3), ha="center",
                                      textcoords="offset points", va="bottom", fontsize=7.5,
                                      color=INK))  # fmt: skip
        _fit_counts(ax, counts)
        ax.set_yticks([0, 20, 40, 60, 80, 100])
        ax.set_xticks(x)
        crowded = len(c) > 20  # years side by side would touch: set them at an angle
        ax.set_xticklabels([str(int(v)) for v in c["year"]], rotation=45 if crowded else 0,
                           ha="right" if crowded else "center")  # fmt: skip
        ax.set_ylabel(text("metrics_plots.coverage.axis", language))
        ax.set_xlabel(text("metrics_plots.coverage.year_axis", language))
        ax.set_title(text("metrics_plots.coverage.title", language), loc="left", fontsize=10)
        ax.grid(axis="x", visible=False)
        localise_ticks(ax, language, "y")
        legend_below(ax, [Patch(color=color)], [text("metrics_plots.coverage.legend", language)])
    return ax


def _fit_counts(ax, counts: list) -> None:
    """Counts above bars that stay inside their bar's slot: one line, two lines, or upright."""
    x0, x1 = ax.get_xlim()

    def too_wide() -> bool:
        renderer = drawn_renderer(ax)
        slot = ax.get_window_extent(renderer).width / (x1 - x0)
        return max(t.get_window_extent(renderer).width for t in counts) > 0.92 * slot

    if not too_wide():
        return
    for t in counts:
        t.set_text(t.get_text().replace(" ", "\n", 1))
    if too_wide():
        for t in counts:
            t.set_text(t.get_text().replace("\n", " ", 1))
            t.set_rotation(90)


# ============================================================================ funnel
def plot_funnel(funnel: pd.DataFrame, *, language: Language = "id", ax=None):
    """Innovations reaching each stage, in stage order: bars from zero, one colour per scheme.

    The IID stages (*inisiatif → uji coba → penerapan*) and LAN's 5D stages
    may be stacked in one table; each bar carries its count and its share of
    the scheme's first stage.

    Parameters
    ----------
    funnel : DataFrame
        Output of :func:`~innolab_analysis.metrics.innovation.innovation_funnel`
        (without ``by``); several schemes may be concatenated.

    Examples
    --------
    >>> from innolab_analysis.metrics.innovation import innovation_funnel
    >>> inn = pd.DataFrame({"iid_stage": ["penerapan", "uji_coba", "inisiatif"]})
    >>> ax = plot_funnel(innovation_funnel(inn), language="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Initiative', 'Trial', 'Implementation']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    check_option("language", language, Language)
    funnel = _need(funnel, ["scheme", "stage", "step", "n_reached"], "plot_funnel")
    extra = [c for c in funnel.columns if c not in _FUNNEL_COLUMNS]
    if extra:
        raise InnolabError(
            f"plot_funnel draws one funnel per scheme; this table has grouping column(s) {extra}: "
            "filter it to one group first"
        )
    order = {"iid": 0, "labinov": 1}
    rows = funnel.assign(_o=funnel["scheme"].map(order).fillna(2)).sort_values(["_o", "step"])
    rows = rows.reset_index(drop=True)
    # one empty slot between schemes
    gaps = (rows["scheme"] != rows["scheme"].shift()).cumsum() - 1
    y = -(np.arange(len(rows)) + gaps.to_numpy())
    first = rows.groupby("scheme")["n_reached"].transform("first")
    with plot_style():
        ax = axes_or_new(ax, figsize=(8.0, max(2.8, 0.36 * (len(rows) + gaps.max()) + 2.0)))
        colors = [_SCHEME_COLORS.get(s, "#777777") for s in rows["scheme"]]
        ax.barh(y, rows["n_reached"], height=0.7, color=colors, zorder=2)
        top = float(rows["n_reached"].max()) or 1.0
        for yi, n, f in zip(y, rows["n_reached"], first):
            label = (
                text("metrics_plots.funnel.count", language, n=int(n), share=n / f)
                if f
                else text("metrics_plots.funnel.count_only", language, n=int(n))
            )
            ax.annotate(label, (n, yi), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=7.5, color=INK)  # fmt: skip
        ax.set_xlim(0, top * 1.18)
        ax.set_ylim(y.min() - 0.7, 0.7)
        ax.set_yticks(y)
        ax.set_yticklabels([mpl_text(_stage_label(r.scheme, r.stage, language))
                            for r in rows.itertuples()], fontsize=8)  # fmt: skip
        ax.set_xlabel(text("metrics_plots.funnel.axis", language))
        ax.set_title(text("metrics_plots.funnel.title", language), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
        localise_ticks(ax, language, "x")
        schemes = list(dict.fromkeys(rows["scheme"]))
        handles = [Patch(color=_SCHEME_COLORS.get(s, "#777777")) for s in schemes]
        names = [mpl_text(_scheme_label(s, language)) for s in schemes]
        handles.append(Line2D([], [], ls=""))
        names.append(text("metrics_plots.funnel.note", language))
        legend_below(ax, handles, names)
    return ax


def _stage_label(scheme: str, stage: str, language: Language) -> str:
    kind = f"{scheme}_stage"
    return l10n.label(kind, stage, language) if l10n.has_label(kind, stage) else str(stage)


def _scheme_label(scheme: str, language: Language) -> str:
    if l10n.has_label("funnel_scheme", scheme):
        return l10n.label("funnel_scheme", scheme, language)
    return str(scheme)
