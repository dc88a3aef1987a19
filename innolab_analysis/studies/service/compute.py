"""The service-quality study: the SKM/IKM of a city and its service units (numbers only).

:func:`service_quality` computes, from a study's SKM responses
(Permen PANRB 14/2017 by default):

* the city-wide IKM per period (semester or year), optionally with percentile
  bootstrap intervals;
* the IKM per service unit and period, and the latest period's ranking;
* the mean score of every service element city-wide in the latest period,
  weakest first;
* the sample adequacy of the latest period against the Krejcie–Morgan sample
  size, when the study counts its service users (indicator ``applications`` in
  ``service_indicators``), or the reason it cannot be assessed.

It returns one frozen :class:`ServiceQuality`; its sentences come from
:mod:`.text` (catalog ``l10n/messages/service.yaml``), its tables from
:mod:`.tables` and its figures from :mod:`.plots`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, ParamsError, Problem, check_option
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.options import (
    Frequency,
    ServicePlotKind,
    ServiceSection,
    ServiceTable,
    StandardName,
)
from innolab_analysis.studies._inputs import agency_names, demo_study, recognitions, study_table
from innolab_analysis.studies._packaged import PackagedStudy

__all__ = ["USERS_INDICATOR", "ServiceQuality", "service_quality"]

USERS_INDICATOR = "applications"
"""The service indicator that counts service users per unit and period (the population)."""

LEVEL = 0.95
"""Confidence level of the bootstrap intervals."""


@dataclass(frozen=True)
class ServiceQuality(PackagedStudy):
    """The service quality of a city and its units over a study window (frozen).

    Attributes
    ----------
    standard, frequency : str
        The SKM regulation and the aggregation period used.
    start_year, end_year : int
        The survey years kept.
    bootstrap, seed : int
        Bootstrap replicates of the IKM intervals (0 = none) and their seed.
    n_respondents, n_units : int
        Respondents and service units in the window.
    city : DataFrame
        :func:`~innolab_analysis.metrics.skm.skm_index` by ``period`` (period =
        first day of the semester or year), oldest first.
    agencies : DataFrame
        The same by ``agency_id`` and ``period``, with the unit ``name``.
    last_period : Timestamp
        The latest period of the city series.
    latest : DataFrame
        ``agencies`` rows of ``last_period``.
    elements : DataFrame
        Every element city-wide in ``last_period``, weakest first
        (:func:`~innolab_analysis.metrics.skm.weakest_elements`).
    adequacy : DataFrame or None
        :func:`~innolab_analysis.metrics.skm.sample_adequacy` of ``last_period``
        with the unit ``name`` (every unit, shortfalls first); None when it
        cannot be assessed (the reason is the ``sample_adequacy`` diagnostic).
    sources : DataFrame or None
        What the loader recognised in the source files
        (:data:`~innolab_analysis.studies._inputs.RECOGNITION_COLUMNS`); None
        when the study records nothing.
    diagnostics : tuple of Diagnostic
    """

    DOMAIN = "service"
    SECTIONS = get_args(ServiceSection)
    TABLES = get_args(ServiceTable)
    PLOT_KINDS = get_args(ServicePlotKind)

    standard: str
    frequency: str
    start_year: int
    end_year: int
    bootstrap: int
    seed: int
    n_respondents: int
    n_units: int
    city: pd.DataFrame
    agencies: pd.DataFrame
    last_period: pd.Timestamp
    latest: pd.DataFrame
    elements: pd.DataFrame
    adequacy: pd.DataFrame | None
    sources: pd.DataFrame | None = None
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    # ------------------------------------------------------------------ numbers
    @property
    def weakest(self) -> pd.DataFrame:
        """The three weakest elements city-wide in ``last_period``."""
        return self.elements.head(3).reset_index(drop=True)

    @property
    def has_intervals(self) -> bool:
        """Whether the IKM carry bootstrap intervals."""
        return self.bootstrap > 0 and "ikm_ci_lower" in self.city.columns

    def period_label(self, value: Any) -> str:
        """``2024-S2`` (semester) or ``2024`` (year) for a period start."""
        return l10n.period(value, self.frequency)

    @property
    def FIGSIZE(self) -> dict[str, tuple[float, float]]:
        """Figure sizes (inches): the unit figures grow with the number of units."""
        n = max(len(self.latest), 1)
        return {
            "city": (8.0, 4.2),
            "agencies": (9.0, 0.34 * n + 1.9),
            "elements": (11.0, 0.36 * n + 3.2),
        }

    def _rows(self) -> pd.DataFrame:
        c = self.city
        boot = self.has_intervals
        se_type = (
            f"percentile bootstrap, {self.bootstrap} replicates of respondents within period"
            if boot
            else "none (descriptive index, no sampling error computed)"
        )
        rows = pd.DataFrame(
            {
                "term": c["period"].map(self.period_label),
                "estimate": c["ikm"],
                "std_error": float("nan"),
                "ci_lower": c["ikm_ci_lower"] if boot else float("nan"),
                "ci_upper": c["ikm_ci_upper"] if boot else float("nan"),
                "p_value": float("nan"),
                "n_obs": c["n_respondents"],
                "method": "skm_index",
                "se_type": se_type,
            }
        )
        return rows.iloc[::-1].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """The city-wide IKM per period, latest first (:data:`SUMMARY_COLUMNS`)."""
        return self._rows().loc[:, list(SUMMARY_COLUMNS)]

    def effect_rows(self, study: str) -> pd.DataFrame:
        """Headline rows (:data:`EFFECT_COLUMNS`) for the reports index and the synthesis.

        The city-wide IKM per period — a level, not an effect: method
        ``skm_index``, level ``city``, unit ``all``, term = the period label —
        latest period first; CI columns from the bootstrap when it ran.
        """
        rows = self._rows()
        rows.insert(0, "outcome", "ikm")
        rows.insert(0, "unit", "all")
        rows.insert(0, "level", "city")
        rows.insert(0, "study", study)
        return rows.loc[:, list(EFFECT_COLUMNS)]

    @classmethod
    def _example(cls) -> ServiceQuality:
        """The demo study, 2023–2024 by semester, with a small bootstrap (contract tests)."""
        return service_quality(demo_study(), start_year=2023, end_year=2024, bootstrap=20, seed=1)


# ============================================================================ main
def service_quality(
    study: Any,
    *,
    start_year: int = 2015,
    end_year: int = 2024,
    standard: StandardName = "2017",
    frequency: Frequency = "semester",
    bootstrap: int = 0,
    seed: int = 20240101,
) -> ServiceQuality:
    """The IKM of a study's city and units per period.

    Parameters
    ----------
    study : Study or mapping of table name to DataFrame
        A loaded study with ``skm_responses`` (``survey_date``, ``agency_id``,
        ``u1`` …) and ``agencies``; ``service_indicators`` with the
        ``applications`` indicator for the sample adequacy.
    start_year, end_year : int
        Survey years kept (inclusive).
    standard : {"2017", "2014", "2004"}
        SKM regulation (elements and grade intervals).
    frequency : {"semester", "year"}
        Aggregation period of the IKM.
    bootstrap : int
        Percentile-bootstrap replicates of the IKM intervals (0 = none).
    seed : int
        Seed of the bootstrap (fixed so reports are reproducible).

    Returns
    -------
    ServiceQuality

    Raises
    ------
    ParamsError
        Unknown ``frequency`` or ``standard``, or ``start_year`` after ``end_year``.
    DataValidationError
        No SKM responses in the years asked for, or invalid answers (from
        :func:`~innolab_analysis.metrics.skm.skm_index`).

    Notes
    -----
    Sample adequacy compares, for each unit surveyed in the latest period, its
    respondents with the Krejcie–Morgan size for the service users counted
    over the *same* period (the ``applications`` rows whose period falls in
    it, summed). The regulation does not fix the window of the population; if
    your SKM samples a year's users while reporting per semester, run with
    ``frequency="year"``. Units surveyed without a user count are left out of
    the table and named in a diagnostic.

    Examples
    --------
    >>> from innolab_analysis.data.study import load_study
    >>> sq = service_quality(load_study("data/demo"), start_year=2023, end_year=2024)
    >>> sq.period_label(sq.last_period), len(sq.latest), float(sq.city["ikm"].iloc[-1])
    ('2024-S2', 31, 85.88)
    """
    from innolab_analysis.metrics.skm import skm_index, weakest_elements
    from innolab_analysis.metrics.standards import get_standard

    check_option("frequency", frequency, Frequency)
    check_option("standard", standard, StandardName)
    if int(start_year) > int(end_year):
        raise ParamsError(
            f"start_year must not be after end_year, got start_year={start_year} and "
            f"end_year={end_year}; swap them"
        )
    responses = study_table(study, "skm_responses")
    if responses is None:
        raise DataValidationError(
            "the study has no 'skm_responses' table: the service-quality study needs SKM "
            "survey answers (skm_responses.parquet or .csv)"
        )
    dates = pd.to_datetime(responses["survey_date"])
    keep = dates.dt.year.between(int(start_year), int(end_year)).to_numpy()
    if not keep.any():
        lo, hi = dates.min(), dates.max()
        raise DataValidationError(
            [
                Problem(
                    f"no SKM responses in {start_year}–{end_year}; the survey dates run from "
                    f"{lo.date()} to {hi.date()}: choose start_year and end_year inside them",
                    column="survey_date",
                )
            ]
        )
    responses = responses.loc[keep]
    dates = dates.loc[keep]
    month = 1 if frequency == "year" else dates.dt.month.gt(6).to_numpy() * 6 + 1
    period = pd.to_datetime(pd.DataFrame({"year": dates.dt.year, "month": month, "day": 1}))
    responses = responses.assign(period=period.to_numpy())
    names = agency_names(study)

    city = skm_index(responses, by="period", standard=standard, bootstrap=bootstrap, seed=seed)
    by_agency = skm_index(
        responses, by=["agency_id", "period"], standard=standard, bootstrap=bootstrap, seed=seed
    )
    by_agency = by_agency.assign(
        name=by_agency["agency_id"].map(lambda a: names.get(str(a), str(a)))
    )
    last_period = pd.Timestamp(city["period"].max())
    latest = by_agency.loc[by_agency["period"] == last_period].reset_index(drop=True)
    n_elements = get_standard(standard).n_elements
    elements = weakest_elements(city.iloc[[-1]], k=n_elements, standard=standard)

    notes: list[Diagnostic] = []
    label = l10n.Safe(l10n.period(last_period, frequency))  # ours: inserted as it is
    adequacy = _adequacy(study, responses, last_period, frequency, standard, names, label, notes)
    return ServiceQuality(
        standard=str(standard),
        frequency=frequency,
        start_year=int(start_year),
        end_year=int(end_year),
        bootstrap=int(bootstrap),
        seed=int(seed),
        n_respondents=len(responses),
        n_units=int(responses["agency_id"].nunique()),
        city=city,
        agencies=by_agency,
        last_period=last_period,
        latest=latest,
        elements=elements,
        adequacy=adequacy,
        sources=recognitions(study),
        diagnostics=tuple(notes),
    )


# ============================================================================ helpers
def _adequacy(
    study: Any,
    responses: pd.DataFrame,
    last_period: pd.Timestamp,
    frequency: str,
    standard: str,
    names: dict[str, str],
    label: str,
    notes: list[Diagnostic],
) -> pd.DataFrame | None:
    """Sample adequacy of the latest period (None, with a diagnostic, when it cannot be assessed)."""
    from innolab_analysis.metrics.skm import sample_adequacy

    users = _users(study, last_period, frequency)
    if users is None or users.empty:
        key = "diagnostic.no_users_period" if users is not None else "diagnostic.no_users"
        notes.append(
            Diagnostic("sample_adequacy", "info", l10n.bilingual(f"service.{key}", period=label))
        )
        return None
    sample = responses.loc[responses["period"] == last_period]
    surveyed = sorted(sample["agency_id"].astype(str).unique())
    missing = [a for a in surveyed if a not in users.index]
    if missing:
        units = {lang: l10n.join([names.get(a, a) for a in missing], lang) for lang in ("id", "en")}
        message = l10n.Bilingual(
            **{
                lang: l10n.tr(
                    "service.diagnostic.missing_users",
                    lang,
                    count=len(missing),
                    period=label,
                    units=units[lang],
                )
                for lang in ("id", "en")
            }
        )
        notes.append(Diagnostic("sample_adequacy_missing_users", "warning", message))
    sample = sample.loc[~sample["agency_id"].astype(str).isin(missing)]
    pop = users.loc[users.index.isin(surveyed)]
    adequacy = sample_adequacy(
        sample.assign(agency_id=sample["agency_id"].astype(str)),
        pop,
        by="agency_id",
        standard=standard,
        include_adequate=True,
    )
    adequacy.insert(1, "name", adequacy["agency_id"].map(lambda a: names.get(a, a)))
    return adequacy


def _users(study: Any, last_period: pd.Timestamp, frequency: str) -> pd.Series | None:
    """Service users per unit over the latest period; None when the study counts none."""
    indicators = study_table(study, "service_indicators")
    if indicators is None or not (indicators["indicator"] == USERS_INDICATOR).any():
        return None
    apps = indicators.loc[indicators["indicator"] == USERS_INDICATOR]
    months = 12 if frequency == "year" else 6
    end = last_period + pd.DateOffset(months=months)
    when = pd.to_datetime(apps["period"])
    inside = apps.loc[((when >= last_period) & (when < end)).to_numpy()]
    total = inside.groupby(inside["agency_id"].astype(str))["value"].sum()
    return total.round().astype(np.int64)
