"""Plots of the metrics (axes-level: ``ax=None`` → a new figure; the Axes is returned).

Labels come in Indonesian (``language="id"``) or English (``"en"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis._plotting import axes_or_new, plot_style
from innolab_analysis.errors import InnolabError
from innolab_analysis.metrics.standards import SkmStandard, StandardName, check_option, get_standard
from innolab_analysis.options import Language

__all__ = ["plot_coverage", "plot_element_heatmap", "plot_funnel", "plot_ikm"]


GRADE_COLORS = {"A": "#1a9850", "B": "#91cf60", "C": "#fc8d59", "D": "#d73027"}

_TEXT = {
    "ikm": {"id": "Indeks Kepuasan Masyarakat (IKM)", "en": "Community satisfaction index (IKM)"},
    "unit": {"id": "Unit pelayanan", "en": "Service unit"},
    "element": {"id": "Unsur pelayanan", "en": "Service element"},
    "nrr": {"id": "Nilai rata-rata (NRR, 1-4)", "en": "Mean score (NRR, 1-4)"},
    "year": {"id": "Tahun", "en": "Year"},
    "share": {"id": "Perangkat daerah dengan inovasi (%)", "en": "Units with an innovation (%)"},
    "counts": {"id": "Jumlah perangkat daerah", "en": "Number of units"},
    "n_with": {"id": "Dengan inovasi", "en": "With an innovation"},
    "n_all": {"id": "Semua", "en": "All"},
    "reached": {"id": "Jumlah inovasi yang mencapai tahap", "en": "Innovations reaching the stage"},
    "iid": {"id": "Tahapan IID", "en": "IID stages"},
    "labinov": {"id": "Tahapan Laboratorium Inovasi (5D)", "en": "Innovation Lab stages (5D)"},
}

_STAGE_LABELS = {
    "inisiatif": {"id": "Inisiatif", "en": "Initiative"},
    "uji_coba": {"id": "Uji coba", "en": "Trial"},
    "penerapan": {"id": "Penerapan", "en": "Implementation"},
    "drum_up": {"id": "Drum-up", "en": "Drum-up"},
    "diagnose": {"id": "Diagnose", "en": "Diagnose"},
    "design": {"id": "Design", "en": "Design"},
    "deliver": {"id": "Deliver", "en": "Deliver"},
    "display": {"id": "Display", "en": "Display"},
}


def _t(key: str, language: Language) -> str:
    return _TEXT[key][language]


def _need(frame: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InnolabError(
            f"{what} needs column(s) {missing}; pass the output of the matching metric function"
        )


def _unit_labels(result: pd.DataFrame, label_col: str | None) -> list[str]:
    if label_col is not None:
        _need(result, [label_col], "the plot")
        return result[label_col].astype(str).tolist()
    by = list(result.columns[: list(result.columns).index("n_respondents")])
    if not by:
        return ["(all)"] * len(result)
    return [" / ".join(str(v) for v in row) for row in result[by].itertuples(index=False)]


def plot_ikm(
    result: pd.DataFrame,
    *,
    label_col: str | None = None,
    standard: StandardName | SkmStandard = "2017",
    language: Language = "id",
    ax=None,
):
    """IKM per unit as sorted horizontal bars, coloured by grade, over the grade bands.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`~innolab_analysis.metrics.skm.skm_index` (with ``by``);
        CI whiskers are drawn when ``ikm_ci_lower``/``ikm_ci_upper`` are present.
    label_col : str, optional
        Column with the unit names (default: the grouping columns).
    standard : {"2017", "2014", "2004"} or SkmStandard
        The interval table of the background bands.
    language : {"id", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from innolab_analysis.metrics.skm import skm_index
    >>> df = pd.DataFrame({"agency_id": ["a", "b"], **{"u%d" % i: [4, 3] for i in range(1, 10)}})
    >>> ax = plot_ikm(skm_index(df, by="agency_id"))
    """
    check_option("language", language, Language)
    std = get_standard(standard)
    _need(result, ["n_respondents", "ikm", "grade"], "plot_ikm")
    labels = _unit_labels(result, label_col)
    frame = (
        result.assign(_label=labels).sort_values("ikm", na_position="first").reset_index(drop=True)
    )
    with plot_style():
        ax = axes_or_new(ax, figsize=(7.0, max(2.5, 0.3 * len(frame) + 1.2)))
        for band in std.bands:
            ax.axvspan(
                band.nik_lower,
                min(band.nik_upper + 0.01, 100),
                color=GRADE_COLORS[band.grade],
                alpha=0.12,
                lw=0,
            )
            ax.text(
                (band.nik_lower + band.nik_upper) / 2,
                1.01,
                band.grade,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8,
                color=GRADE_COLORS[band.grade],
            )
        y = np.arange(len(frame))
        colors = [
            GRADE_COLORS.get(g, "#999999") if isinstance(g, str) else "#999999"
            for g in frame["grade"]
        ]
        ax.barh(y, frame["ikm"].fillna(0) - 25, left=25, color=colors, height=0.7)
        if {"ikm_ci_lower", "ikm_ci_upper"} <= set(frame.columns):
            err = np.vstack(
                [
                    frame["ikm_unrounded"] - frame["ikm_ci_lower"],
                    frame["ikm_ci_upper"] - frame["ikm_unrounded"],
                ]
            )
            ax.errorbar(
                frame["ikm_unrounded"], y, xerr=err, fmt="none", ecolor="black", capsize=2, lw=0.8
            )
        for yi, v in zip(y, frame["ikm"]):
            if pd.notna(v):
                ax.text(v + 0.3, yi, f"{v:.2f}", va="center", fontsize=7)
        ax.set_yticks(y)
        ax.set_yticklabels(frame["_label"])
        low = float(np.nanmin(frame["ikm"])) if frame["ikm"].notna().any() else 25.0
        ax.set_xlim(max(25.0, min(60.0, low - 5)), 101)
        ax.set_xlabel(_t("ikm", language) + f" — {std.regulation}")
        ax.set_ylabel(_t("unit", language))
        ax.grid(axis="y", visible=False)
    return ax


def plot_element_heatmap(
    result: pd.DataFrame,
    *,
    label_col: str | None = None,
    standard: StandardName | SkmStandard = "2017",
    language: Language = "id",
    annotate: bool = True,
    ax=None,
):
    """Heatmap of the element means (NRR, 1–4): units × elements in regulation order.

    Examples
    --------
    >>> from innolab_analysis.metrics.skm import skm_index
    >>> df = pd.DataFrame({"agency_id": ["a", "b"], **{"u%d" % i: [4, 3] for i in range(1, 10)}})
    >>> ax = plot_element_heatmap(skm_index(df, by="agency_id"), language="en")
    """
    import seaborn as sns

    check_option("language", language, Language)
    std = get_standard(standard)
    cols = [f"nrr_{c}" for c in std.columns]
    _need(result, ["n_respondents", *cols], "plot_element_heatmap")
    labels = _unit_labels(result, label_col)
    names = [
        f"{e.code.upper()} {e.label_id if language == 'id' else e.label_en}" for e in std.elements
    ]
    mat = pd.DataFrame(result[cols].to_numpy(dtype=float), index=labels, columns=names)
    with plot_style():
        ax = axes_or_new(ax, figsize=(1.0 + 0.75 * len(names), max(2.5, 0.35 * len(mat) + 1.8)))
        sns.heatmap(
            mat,
            ax=ax,
            vmin=1,
            vmax=4,
            cmap="RdYlGn",
            annot=annotate,
            fmt=".2f",
            annot_kws={"fontsize": 7},
            cbar_kws={"label": _t("nrr", language)},
            linewidths=0.5,
        )
        ax.set_xlabel(_t("element", language))
        ax.set_ylabel(_t("unit", language))
        ax.tick_params(axis="x", labelrotation=45)
        for lab in ax.get_xticklabels():
            lab.set_horizontalalignment("right")
    return ax


def plot_coverage(coverage: pd.DataFrame, *, language: Language = "id", ax=None):
    """One Agency One Innovation coverage over time: share line (left axis) and counts (bars, right axis).

    Examples
    --------
    >>> cov = pd.DataFrame({"year": [2018, 2019], "n_agencies": [10, 10], "n_with_innovation": [4, 8],
    ...                     "share": [0.4, 0.8]})
    >>> ax = plot_coverage(cov)
    """
    check_option("language", language, Language)
    _need(coverage, ["year", "n_agencies", "n_with_innovation", "share"], "plot_coverage")
    with plot_style():
        ax = axes_or_new(ax)
        years = coverage["year"].to_numpy()
        counts = ax.twinx()
        counts.bar(
            years - 0.2,
            coverage["n_agencies"],
            width=0.4,
            color="#bdc3c7",
            label=_t("n_all", language),
        )
        counts.bar(
            years + 0.2,
            coverage["n_with_innovation"],
            width=0.4,
            color="#74a9cf",
            label=_t("n_with", language),
        )
        counts.set_ylabel(_t("counts", language))
        counts.grid(False)
        counts.legend(loc="lower right", fontsize=8)
        ax.set_zorder(counts.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.plot(years, coverage["share"] * 100, marker="o", color="#c0392b", lw=2)
        ax.set_ylim(0, 105)
        ax.set_ylabel(_t("share", language))
        ax.set_xlabel(_t("year", language))
        ax.set_xticks(years)
    return ax


def plot_funnel(funnel: pd.DataFrame, *, language: Language = "id", ax=None):
    """The stage funnel: innovations reaching each stage (IID and/or Labinov), in stage order.

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
    """
    check_option("language", language, Language)
    _need(funnel, ["scheme", "stage", "step", "n_reached"], "plot_funnel")
    extra = [
        c
        for c in funnel.columns
        if c
        not in ("scheme", "stage", "step", "n_reached", "share_of_entered", "conversion", "note")
    ]
    if extra:
        raise InnolabError(
            f"plot_funnel draws one funnel per scheme; this table has grouping column(s) {extra}: "
            "filter it to one group first"
        )
    palette = {"iid": "#2c7fb8", "labinov": "#1b7837"}
    with plot_style():
        rows = funnel.sort_values(
            ["scheme", "step"],
            key=lambda s: s.map({"iid": 0, "labinov": 1}) if s.name == "scheme" else s,
        ).reset_index(drop=True)
        ax = axes_or_new(ax, figsize=(7.0, max(2.5, 0.4 * len(rows) + 1.0)))
        y = np.arange(len(rows))[::-1]
        top = rows["n_reached"].max() if len(rows) else 1
        for yi, (_, r) in zip(y, rows.iterrows()):
            ax.barh(
                yi,
                r["n_reached"],
                left=(top - r["n_reached"]) / 2,
                color=palette.get(r["scheme"], "#777"),
                height=0.75,
            )
            ax.text(
                top / 2,
                yi,
                str(int(r["n_reached"])),
                ha="center",
                va="center",
                color="white",
                fontsize=8,
                fontweight="bold",
            )
        ax.set_yticks(y)
        ax.set_yticklabels(
            [
                f"{_t(r.scheme, language) if r.scheme in _TEXT else r.scheme}: "
                f"{_STAGE_LABELS.get(r.stage, {}).get(language, r.stage)}"
                for r in rows.itertuples()
            ]
        )
        ax.set_xlabel(_t("reached", language))
        ax.set_xticks([])
        ax.grid(False)
    return ax
