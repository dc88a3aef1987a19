"""The innovation portfolio of a city: coverage, flow, funnels, mix, speed, survival, readiness.

:func:`innovation_portfolio` calls the innovation and readiness metrics once
for a study window and returns a frozen :class:`Portfolio` (numbers only); its
sentences come from :mod:`.text` (catalog ``l10n/messages/portfolio.yaml``),
its tables from :mod:`.tables` and its figures from :mod:`.plots`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import InnolabError, ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.options import PortfolioPlotKind, PortfolioSection, PortfolioTable
from innolab_analysis.studies._inputs import demo_study, recognitions, study_table
from innolab_analysis.studies._packaged import PackagedStudy

__all__ = ["SURVIVAL_HORIZON", "Portfolio", "innovation_portfolio"]

SURVIVAL_HORIZON = 3.0
"""Years after launch of the survival headline (the longest horizon with data when shorter)."""

LEVEL = 0.95
"""Confidence level of the survival intervals."""


@dataclass(frozen=True)
class Portfolio(PackagedStudy):
    """The innovation portfolio of one study window (frozen).

    Attributes
    ----------
    start_year, end_year : int
    n_innovations, n_agencies : int
        Innovations and units in the study's tables.
    coverage : DataFrame
        :func:`~innolab_analysis.metrics.innovation.innovation_coverage` per year.
    flow : DataFrame
        :func:`~innolab_analysis.metrics.innovation.innovation_flow` per year.
    funnel : DataFrame
        IID and Labinov funnels stacked (column ``scheme``).
    mix : DataFrame
        :func:`~innolab_analysis.metrics.innovation.innovation_mix`.
    speed : DataFrame
        :func:`~innolab_analysis.metrics.innovation.time_to_launch` overall (one row).
    survival : DataFrame
        Kaplan–Meier survival at 1, 2, 3 and 5 years, censored at 31 December of
        ``end_year``, with a log–log 95% interval (``survival_ci_lower``/``_upper``).
    readiness : DataFrame or None
        Latest assessment per agency up to ``end_year`` (readiness index,
        dimensions, ``leadership_commitment``, ``low_leadership``, ``name``);
        None when the study has no readiness table.
    readiness_change : DataFrame or None
        Units assessed more than once up to ``end_year``: ``agency_id``,
        ``name``, ``first_on``, ``first``, ``last_on``, ``last``, ``change``.
    n_assessments : int
        Readiness assessments (unit and date) up to ``end_year``.
    rubric_name, rubric_source : str
    rubric_file : str or None
        File name of the rubric given by the study (None for the shipped default, ours).
    leadership_threshold : float
    leadership_label : dict
        The rubric's name of its leadership dimension, ``{"id": …, "en": …}``.
    leadership_weight : float
        The leadership dimension's share of the index weights (0–1).
    iid : DataFrame or None
        The city's IID scores given to :func:`innovation_portfolio` with their
        predicate (``year``, ``score``, ``predicate``, ``top_bound``); None
        when none were given.
    names : DataFrame
        ``agency_id, name`` of the study's agencies.
    sources : DataFrame or None
        What the loader recognised in the source files; None when nothing.
    diagnostics : tuple of Diagnostic
    """

    DOMAIN = "portfolio"
    SECTIONS = get_args(PortfolioSection)
    TABLES = get_args(PortfolioTable)
    PLOT_KINDS = get_args(PortfolioPlotKind)

    start_year: int
    end_year: int
    n_innovations: int
    n_agencies: int
    coverage: pd.DataFrame
    flow: pd.DataFrame
    funnel: pd.DataFrame
    mix: pd.DataFrame
    speed: pd.DataFrame
    survival: pd.DataFrame
    readiness: pd.DataFrame | None
    readiness_change: pd.DataFrame | None
    n_assessments: int
    rubric_name: str
    rubric_source: str
    rubric_file: str | None
    leadership_threshold: float
    leadership_label: dict[str, str]
    leadership_weight: float
    names: pd.DataFrame
    iid: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    # ------------------------------------------------------------------ numbers
    def name_of(self, agency_ids) -> list[str]:
        """The names of units given by id (the id itself when a unit has no name)."""
        lookup = dict(zip(self.names["agency_id"], self.names["name"]))
        return [lookup.get(str(i), str(i)) for i in agency_ids]

    @property
    def headline_survival(self) -> pd.Series | None:
        """The survival row of :data:`SURVIVAL_HORIZON` years (or the longest with data)."""
        s = self.survival.dropna(subset=["survival"])
        if s.empty:
            return None
        within = s.loc[s["years"] <= SURVIVAL_HORIZON]
        return (within if len(within) else s).iloc[-1]

    @property
    def FIGSIZE(self) -> dict[str, tuple[float, float]]:
        """Figure sizes (inches): the readiness figure grows with the number of units."""
        n = 0 if self.readiness is None else int(self.readiness["readiness_index"].notna().sum())
        return {
            "coverage": (8.0, 4.0),
            "flow": (8.0, 4.2),
            "funnel": (8.0, 4.6),
            "readiness": (9.0, 0.34 * max(n, 1) + 2.4),
        }

    def _rows(self) -> pd.DataFrame:
        last = self.coverage.iloc[-1]
        flow_last = self.flow.iloc[-1]
        iid = self.funnel.loc[self.funnel["scheme"] == "iid"]
        speed = self.speed.iloc[0]
        rows = [
            ("oaoi_coverage_pct", str(int(last["year"])), 100 * last["share"], np.nan, np.nan,
             np.nan, last["n_agencies"], "innovation_coverage", "none (count of every unit)"),
            ("active_innovations", str(int(flow_last["year"])), flow_last["active_end"], np.nan,
             np.nan, np.nan, self.n_innovations, "innovation_flow", "none (count)"),
            ("iid_penerapan_pct", "penerapan", 100 * iid["share_of_entered"].iloc[-1], np.nan,
             np.nan, np.nan, iid["n_reached"].iloc[0], "innovation_funnel", "none (count)"),
            ("days_to_launch", "median", speed["median_days"], np.nan, np.nan, np.nan,
             speed["n_launched"], "time_to_launch", "none (descriptive median)"),
        ]  # fmt: skip
        s = self.headline_survival
        if s is not None:
            rows.append(
                (
                    f"survival_{s['years']:g}y_pct",
                    f"{s['years']:g}y",
                    100 * s["survival"],
                    100 * s["std_error"],
                    100 * s["survival_ci_lower"],
                    100 * s["survival_ci_upper"],
                    int(s["n_followed"]),
                    "kaplan_meier",
                    "Greenwood; log-log 95% interval; censored at the end of the window",
                )  # fmt: skip
            )
        if self.readiness is not None and self.readiness["readiness_index"].notna().any():
            r = self.readiness["readiness_index"].dropna()
            rows.append(
                (
                    "readiness_index",
                    "mean",
                    r.mean(),
                    np.nan,
                    np.nan,
                    np.nan,
                    len(r),
                    "readiness_index",
                    f"none (every unit's latest assessment; rubric: {self.rubric_name})",
                )  # fmt: skip
            )
        columns = ["outcome", "term", "estimate", "std_error", "ci_lower", "ci_upper", "n_obs",
                   "method", "se_type"]  # fmt: skip
        frame = pd.DataFrame(rows, columns=columns)
        frame["p_value"] = np.nan
        return frame

    def summary(self) -> pd.DataFrame:
        """The headline numbers (:data:`SUMMARY_COLUMNS`): coverage, stock, funnel, speed,
        survival and readiness, one row each."""
        rows = self._rows()
        rows["term"] = rows["outcome"] + ":" + rows["term"]
        return rows.loc[:, list(SUMMARY_COLUMNS)]

    def effect_rows(self, study: str) -> pd.DataFrame:
        """Headline rows (:data:`EFFECT_COLUMNS`) for the reports index and the synthesis.

        Levels, not effects (level ``city``, unit ``all``): the One Agency One
        Innovation coverage of the last year in percent first, then the active
        innovations at its end, the share of innovations at the IID
        *penerapan* stage (percent), the median days from proposal to launch, the
        Kaplan–Meier survival at
        :data:`SURVIVAL_HORIZON` years (percent, Greenwood SE, log–log
        interval) and the mean readiness index.
        """
        rows = self._rows()
        rows.insert(0, "unit", "all")
        rows.insert(0, "level", "city")
        rows.insert(0, "study", study)
        return rows.loc[:, list(EFFECT_COLUMNS)]

    @classmethod
    def _example(cls) -> Portfolio:
        """The demo study, 2015–2024, with Kota Mojokerto's published IID 2023–2024."""
        return innovation_portfolio(demo_study(), iid_scores={2023: 84.46, 2024: 92.25})


# ============================================================================ main
def innovation_portfolio(
    study: Any,
    *,
    start_year: int = 2015,
    end_year: int = 2024,
    rubric: str = "default",
    iid_scores: Mapping[int, float] | None = None,
) -> Portfolio:
    """Compute the innovation portfolio of a study window.

    Parameters
    ----------
    study : Study or mapping of table name to DataFrame
        A loaded study with ``agencies`` and ``innovations`` (``readiness`` optional).
    start_year, end_year : int
        Years of the coverage and flow tables; survival is censored at 31
        December of ``end_year`` and readiness uses assessments up to then.
    rubric : str
        ``"default"`` (the shipped rubric — ours, not LAN's) or the path of a rubric YAML.
    iid_scores : mapping of int to float, optional
        The city's Indeks Inovasi Daerah per assessment year (as published by
        Kemendagri/BSKDN), read with the predicate thresholds of that year.

    Returns
    -------
    Portfolio

    Raises
    ------
    DataValidationError
        The study has no ``innovations`` or ``agencies`` table (its file is missing
        or disappeared), or the table has no rows.
    ParamsError
        ``start_year`` after ``end_year``.
    InnolabError
        An IID score outside 0–100.

    Examples
    --------
    >>> from innolab_analysis.data.study import load_study
    >>> p = innovation_portfolio(load_study("data/demo"))
    >>> int(p.coverage["year"].iloc[-1]), int(p.coverage["n_with_innovation"].iloc[-1])
    (2024, 23)
    """
    from innolab_analysis.metrics._checks import check_frame, check_rows
    from innolab_analysis.metrics.innovation import (
        innovation_coverage,
        innovation_flow,
        innovation_funnel,
        innovation_mix,
        innovation_survival,
        time_to_launch,
    )
    from innolab_analysis.metrics.readiness import load_rubric

    if start_year > end_year:
        raise ParamsError(f"start_year ({start_year}) is after end_year ({end_year}); swap them")
    years = range(start_year, end_year + 1)
    inn, agencies = study_table(study, "innovations"), study_table(study, "agencies")
    for name, table in (("innovations", inn), ("agencies", agencies)):
        check_frame(table, name, hint=f"the portfolio needs {name}.csv (or .parquet/.xlsx) in "
                    "the study folder; add it and load the study again")  # fmt: skip
        check_rows(table, name, f"at least one row in {name}.csv")
    end = pd.Timestamp(end_year, 12, 31)
    # stages as plain text: the funnel compares stage positions
    stages = inn.assign(
        iid_stage=inn["iid_stage"].astype(object),
        labinov_stage=inn["labinov_stage"].astype(object),
    )
    funnel = pd.concat(
        [innovation_funnel(stages, scheme="iid"), innovation_funnel(stages, scheme="labinov")],
        ignore_index=True,
    )
    rub = load_rubric(None if rubric == "default" else rubric)
    names = pd.DataFrame(
        {"agency_id": agencies["agency_id"].astype(str), "name": agencies["name"].astype(str)}
    )
    readiness, change, n_assessments = _readiness(study_table(study, "readiness"), rub, names, end)
    lead = rub.dimension(rub.leadership_dimension)
    diagnostics = []
    if readiness is None:
        diagnostics.append(
            Diagnostic("no_readiness", "info", l10n.bilingual("portfolio.diagnostic.no_readiness"))
        )
    return Portfolio(
        start_year=start_year,
        end_year=end_year,
        n_innovations=len(inn),
        n_agencies=len(agencies),
        coverage=innovation_coverage(inn, agencies, years=years),
        flow=innovation_flow(inn, years=years),
        funnel=funnel,
        mix=innovation_mix(inn),
        speed=time_to_launch(inn, by=None),
        survival=_with_interval(innovation_survival(inn, as_of=end), inn, end),
        readiness=readiness,
        readiness_change=change,
        n_assessments=n_assessments,
        rubric_name=rub.name,
        rubric_source=rub.source,
        rubric_file=None if rubric == "default" else Path(rubric).name,
        leadership_threshold=rub.leadership_threshold,
        leadership_label={"id": lead.label_id, "en": lead.label_en},
        leadership_weight=lead.weight / sum(d.weight for d in rub.dimensions),
        names=names,
        iid=_iid(iid_scores),
        sources=recognitions(study),
        diagnostics=tuple(diagnostics),
    )


# ============================================================================ helpers
def _readiness(table, rub, names: pd.DataFrame, end: pd.Timestamp):
    """Latest assessment per unit up to ``end``, and the change of units assessed again."""
    from innolab_analysis.metrics.readiness import readiness_index

    if table is None or not len(table):
        return None, None, 0
    idx = readiness_index(table, rub)
    idx = idx[idx["assessed_on"] <= end].sort_values(["agency_id", "assessed_on"], kind="stable")
    if idx.empty:
        return None, None, 0
    latest = idx.groupby("agency_id").tail(1)
    readiness = latest.merge(names, on="agency_id", how="left").reset_index(drop=True)
    scored = idx.dropna(subset=["readiness_index"])
    again = scored.groupby("agency_id").filter(lambda g: len(g) > 1).groupby("agency_id")
    if not len(again):
        return readiness, None, len(idx)
    change = pd.DataFrame(
        {
            "first_on": again["assessed_on"].first(),
            "first": again["readiness_index"].first(),
            "last_on": again["assessed_on"].last(),
            "last": again["readiness_index"].last(),
        }
    ).reset_index()
    change["change"] = change["last"] - change["first"]
    change = change.merge(names, on="agency_id", how="left")
    return readiness, change, len(idx)


def _with_interval(survival: pd.DataFrame, inn: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Add the log–log 95% interval of each Kaplan–Meier value and the number followed.

    ``exp(-exp(log(-log S) ± z·σ))`` with σ = Greenwood SE / (S·|log S|), the
    interval R's ``survival`` package calls ``conf.type="log-log"``; it stays
    inside (0, 1). No interval when S is 0 or 1 (no event, or every one).
    """
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    s = survival["survival"].to_numpy(dtype=float)
    se = survival["std_error"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(s)
        sigma = se / (s * np.abs(log_s))
        inner = np.log(-log_s)
        lower = np.exp(-np.exp(inner + z * sigma))
        upper = np.exp(-np.exp(inner - z * sigma))
    ok = (s > 0) & (s < 1) & np.isfinite(sigma)
    launched = pd.to_datetime(inn["launched_on"])
    return survival.assign(
        survival_ci_lower=np.where(ok, lower, np.nan),
        survival_ci_upper=np.where(ok, upper, np.nan),
        n_followed=int((launched.notna() & (launched <= end)).sum()),
    )


_PREDICATE_CODES = {
    "Sangat Inovatif": "sangat_inovatif",
    "Inovatif": "inovatif",
    "Kurang Inovatif": "kurang_inovatif",
    "Tidak Dapat Dinilai": "tidak_dapat_dinilai",
}


def _iid(scores: Mapping[int, float] | None) -> pd.DataFrame | None:
    """The city's IID scores with their predicate (None for a year without stored thresholds)."""
    from innolab_analysis.metrics.iid import IID_PREDICATE_RULES, iid_predicate

    if not scores:
        return None
    rows = []
    for year, score in sorted(scores.items()):
        year = int(year)
        rule = IID_PREDICATE_RULES.get(year)
        if not 0 <= float(score) <= 100:
            raise InnolabError(f"an IID score must lie in [0, 100], got {score} for {year}")
        rows.append(
            {
                "year": year,
                "score": float(score),
                "predicate": _PREDICATE_CODES[iid_predicate(float(score), year)] if rule else None,
                "top_bound": rule.sangat_inovatif if rule else np.nan,
            }
        )
    return pd.DataFrame(rows)
