"""The service-quality study: the SKM/IKM of a city and its service units, with its narrative.

:func:`service_quality` computes, from a study's SKM responses
(Permen PANRB 14/2017 by default):

* the city-wide IKM per period (semester or year), optionally with percentile
  bootstrap intervals;
* the IKM per service unit and period, and the latest period's ranking;
* the weakest service elements city-wide in the latest period;
* the sample adequacy of the latest period against the Krejcie–Morgan sample
  size, when the study counts its service users (indicator ``applications`` in
  ``service_indicators``), or the reason it cannot be assessed.

It returns one frozen :class:`ServiceQuality` with the tables, the tidy effect
rows for the comparative synthesis, the plots and the bilingual narrative, so
the notebook only displays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem, check_option
from innolab_analysis.estimators._result import EFFECT_COLUMNS, Bilingual, Diagnostic
from innolab_analysis.options import Frequency
from innolab_analysis.studies._narrative import (
    Language,
    agency_names,
    check_choice,
    check_language,
    fmt_int,
    fmt_num,
    period_label,
    pick,
    study_table,
)

__all__ = ["SERVICE_SECTIONS", "ServiceQuality", "service_quality"]


SERVICE_SECTIONS: tuple[str, ...] = ("data", "city", "agencies", "elements", "sample")
"""Narrative sections of :meth:`ServiceQuality.markdown`, in notebook order."""

USERS_INDICATOR = "applications"
"""The service indicator that counts service users per unit and period (the population)."""

_HEADINGS = {
    "data": ("Data survei", "Survey data"),
    "city": ("IKM kota per periode", "City-wide IKM by period"),
    "agencies": ("IKM per unit layanan", "IKM by service unit"),
    "elements": ("Unsur pelayanan", "Service elements"),
    "sample": ("Kecukupan sampel", "Sample adequacy"),
}
_GRADES = ("A", "B", "C", "D")


# ============================================================================ result
@dataclass(frozen=True)
class ServiceQuality:
    """Everything the service-quality notebook shows (frozen).

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
    weakest : DataFrame
        The three weakest elements city-wide in ``last_period``
        (:func:`~innolab_analysis.metrics.skm.weakest_elements`).
    adequacy : DataFrame or None
        :func:`~innolab_analysis.metrics.skm.sample_adequacy` of ``last_period``
        with the unit ``name`` (every unit, shortfalls first); None when it
        cannot be assessed (the reason is the ``sample_adequacy`` diagnostic).
    diagnostics : tuple of Diagnostic
    """

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
    weakest: pd.DataFrame
    adequacy: pd.DataFrame | None
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    # ------------------------------------------------------------------ labels
    def period_label(self, value: Any) -> str:
        """``2024-S2`` (semester) or ``2024`` (year) for a period start."""
        return period_label(value, self.frequency)

    def city_table(self, language: Language = "id") -> pd.DataFrame:
        """The city-wide IKM per period for display (period labels, grade label in ``language``)."""
        check_language(language)
        table = self.city.assign(period=self.city["period"].map(self.period_label))
        cols = ["period", "n_respondents", "ikm", "grade", f"label_{language}"]
        cols += [c for c in ("ikm_ci_lower", "ikm_ci_upper") if c in table.columns]
        return table.loc[:, cols].reset_index(drop=True)

    # ------------------------------------------------------------------ rows
    def effect_rows(self, study: str) -> pd.DataFrame:
        """Headline rows (:data:`EFFECT_COLUMNS`) for the reports index and the synthesis.

        The city-wide IKM per period — a level, not an effect: method
        ``skm_index``, level ``city``, unit ``all``, term = the period label —
        latest period first; CI columns from the bootstrap when it ran.
        """
        c = self.city
        boot = self.bootstrap > 0
        se_type = (
            f"percentile bootstrap, {self.bootstrap} replicates of respondents within period"
            if boot
            else "none (descriptive index, no sampling error computed)"
        )
        rows = pd.DataFrame(
            {
                "study": study,
                "level": "city",
                "unit": "all",
                "outcome": "ikm",
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
        ).iloc[::-1]
        return rows.loc[:, list(EFFECT_COLUMNS)]

    # ------------------------------------------------------------------ text
    def markdown(self, section: str, language: Language = "id") -> str:
        """The narrative of one section (Markdown with a ``##`` heading), numbers quoted.

        Parameters
        ----------
        section : str
            One of :data:`SERVICE_SECTIONS`.
        language : {"id", "en"}

        Raises
        ------
        ParamsError
            An unknown section or language.
        """
        check_language(language)
        check_option("section", section, SERVICE_SECTIONS)
        heading = "## " + pick(language, id=_HEADINGS[section][0], en=_HEADINGS[section][1])
        return heading + "\n\n" + getattr(self, f"_md_{section}")(language)

    def _n(self, x: float, language: str) -> str:
        return fmt_num(x, language, 2)

    def _md_data(self, language: str) -> str:
        freq = pick(
            language, id="semester" if self.frequency == "semester" else "tahun", en=self.frequency
        )
        n = fmt_int(self.n_respondents, language)
        span = f"{self.start_year}–{self.end_year}"
        return pick(
            language,
            id=(
                f"Analisis memakai **{n}** responden SKM dari **{self.n_units}** unit layanan, "
                f"{span}, dikelompokkan per {freq}. Indeks dihitung menurut standar "
                f"**{self.standard}** (Permen PANRB 14/2017 untuk '2017')."
            ),
            en=(
                f"The analysis uses **{n}** SKM respondents from **{self.n_units}** service units, "
                f"{span}, grouped by {freq}. The index follows the **{self.standard}** standard "
                "(Permen PANRB 14/2017 for '2017')."
            ),
        )

    def _md_city(self, language: str) -> str:
        first, last = self.city.iloc[0], self.city.iloc[-1]
        n = self._n
        ci = ""
        if self.bootstrap:
            lo, hi = n(last["ikm_ci_lower"], language), n(last["ikm_ci_upper"], language)
            ci = pick(
                language,
                id=f" (selang kepercayaan 95% bootstrap {lo}–{hi}, {self.bootstrap} ulangan)",
                en=f" (95% bootstrap interval {lo}–{hi}, {self.bootstrap} replicates)",
            )
        p_last, p_first = self.period_label(last["period"]), self.period_label(first["period"])
        change = n(last["ikm"] - first["ikm"], language)
        return pick(
            language,
            id=(
                f"IKM seluruh kota pada {p_last} adalah **{n(last['ikm'], language)}**{ci}, mutu "
                f"**{last['grade']}** ({last['label_id']}); pada {p_first} nilainya "
                f"{n(first['ikm'], language)} ({first['grade']}), berubah {change} poin."
            ),
            en=(
                f"The city-wide IKM in {p_last} is **{n(last['ikm'], language)}**{ci}, grade "
                f"**{last['grade']}** ({last['label_en']}); in {p_first} it was "
                f"{n(first['ikm'], language)} ({first['grade']}), a change of {change} points."
            ),
        )

    def _md_agencies(self, language: str) -> str:
        ranked = self.latest.dropna(subset=["ikm"]).sort_values("ikm", kind="stable")
        p = self.period_label(self.last_period)
        if ranked.empty:
            return pick(
                language,
                id=f"Tidak ada unit dengan IKM pada {p} (lihat kolom `note`).",
                en=f"No unit has an IKM in {p} (see the `note` column).",
            )
        best, worst = ranked.iloc[-1], ranked.iloc[0]
        grades = ranked["grade"].value_counts().reindex(list(_GRADES), fill_value=0)
        grade_text = ", ".join(f"{g}: {k}" for g, k in grades.items())
        n = self._n
        return pick(
            language,
            id=(
                f"Pada {p}, nilai tertinggi dicapai **{best['name']}** ({n(best['ikm'], language)}, "
                f"{best['grade']}) dan terendah **{worst['name']}** ({n(worst['ikm'], language)}, "
                f"{worst['grade']}). Sebaran mutu: {grade_text}."
            ),
            en=(
                f"In {p} the highest index is **{best['name']}** ({n(best['ikm'], language)}, "
                f"{best['grade']}) and the lowest **{worst['name']}** ({n(worst['ikm'], language)}, "
                f"{worst['grade']}). Grades: {grade_text}."
            ),
        )

    def _md_elements(self, language: str) -> str:
        label = f"label_{language}"
        items = "; ".join(
            f"{r[label]} (NRR {self._n(r['nrr'], language)})" for _, r in self.weakest.iterrows()
        )
        p = self.period_label(self.last_period)
        return pick(
            language,
            id=f"Unsur terlemah se-kota pada {p}: {items}.",
            en=f"Weakest elements city-wide in {p}: {items}.",
        )

    def _md_sample(self, language: str) -> str:
        if self.adequacy is None:
            return next(
                d.message[language] for d in self.diagnostics if d.code == "sample_adequacy"
            )
        a = self.adequacy
        short = int((~a["adequate"]).sum())
        p = self.period_label(self.last_period)
        names = [str(x) for x in a.loc[~a["adequate"], "name"]]
        which = (
            pick(
                language,
                id=f" Unit tersebut: {'; '.join(names)}.",
                en=f" They are: {'; '.join(names)}.",
            )
            if names
            else ""
        )
        return pick(
            language,
            id=(
                f"{short} dari {len(a)} unit belum mencapai ukuran sampel Krejcie–Morgan."
                f"{which} Populasi: jumlah pengguna layanan pada {p} (indikator "
                f"`{USERS_INDICATOR}`); sampel: responden SKM periode yang sama."
            ),
            en=(
                f"{short} of {len(a)} units fall short of the Krejcie–Morgan sample size.{which} "
                f"Population: service users in {p} (indicator `{USERS_INDICATOR}`); sample: the "
                "SKM respondents of the same period."
            ),
        )

    # ------------------------------------------------------------------ plots
    def plot_agencies(self, ax=None, *, language: Language = "id"):
        """IKM per unit in the latest period, sorted bars over the grade bands.

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis.metrics.plots import plot_ikm

        ax = self._plot_latest(plot_ikm, ax, (10, 0.3 * len(self.latest) + 1.5), language)
        ax.set_title(self.period_label(self.last_period))
        return ax

    def plot_elements(self, ax=None, *, language: Language = "id"):
        """Heatmap of the element means (NRR) per unit in the latest period.

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis.metrics.plots import plot_element_heatmap

        size = (11, 0.32 * len(self.latest) + 2.5)
        return self._plot_latest(plot_element_heatmap, ax, size, language)

    def _plot_latest(self, draw, ax, figsize: tuple[float, float], language: str):
        from innolab_analysis._plotting import axes_or_new

        check_language(language)
        ax = axes_or_new(ax, figsize=figsize)
        draw(self.latest, label_col="name", standard=self.standard, language=language, ax=ax)
        return ax


# ============================================================================ main
def service_quality(
    study: Any,
    *,
    start_year: int = 2015,
    end_year: int = 2024,
    standard: str = "2017",
    frequency: Frequency = "semester",
    bootstrap: int = 0,
    seed: int = 20240101,
) -> ServiceQuality:
    """The IKM of a study's city and units per period, bundled with its narrative.

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
        Unknown ``frequency``, or ``start_year`` after ``end_year``.
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
    >>> sq.period_label(sq.last_period), len(sq.latest)
    ('2024-S2', 31)
    """
    from innolab_analysis.metrics.skm import sample_adequacy, skm_index, weakest_elements

    check_choice("frequency", frequency, Frequency)
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
    weakest = weakest_elements(city.iloc[[-1]], k=3, standard=standard)

    notes: list[Diagnostic] = []
    users = _users(study, last_period, frequency)
    label = period_label(last_period, frequency)
    adequacy = None
    if users is None or users.empty:
        notes.append(_no_users(label, has_indicator=users is not None))
    else:
        sample = responses.loc[responses["period"] == last_period]
        surveyed = sorted(sample["agency_id"].astype(str).unique())
        missing = [a for a in surveyed if a not in users.index]
        if missing:
            notes.append(
                Diagnostic(
                    "sample_adequacy_missing_users",
                    "warning",
                    Bilingual(
                        id=f"Unit tanpa jumlah pengguna layanan pada {label}, tidak dinilai "
                        f"kecukupan sampelnya: {', '.join(missing)}.",
                        en=f"Units without a count of service users in {label}, so their "
                        f"sample adequacy is not assessed: {', '.join(missing)}.",
                    ),
                )
            )
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
        weakest=weakest,
        adequacy=adequacy,
        diagnostics=tuple(notes),
    )


# ============================================================================ helpers
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


def _no_users(label: str, *, has_indicator: bool) -> Diagnostic:
    if has_indicator:
        return Diagnostic(
            "sample_adequacy",
            "info",
            Bilingual(
                id=f"Kecukupan sampel (tabel Krejcie–Morgan) tidak dapat dinilai: indikator "
                f"`{USERS_INDICATOR}` pada `service_indicators` tidak memuat periode {label}.",
                en=f"Sample adequacy (Krejcie–Morgan table) cannot be assessed: the "
                f"`{USERS_INDICATOR}` indicator in `service_indicators` has no rows for {label}.",
            ),
        )
    return Diagnostic(
        "sample_adequacy",
        "info",
        Bilingual(
            id="Kecukupan sampel (tabel Krejcie–Morgan) tidak dapat dinilai: data tidak memuat "
            "jumlah pengguna layanan per unit (indikator `applications` pada `service_indicators`).",
            en="Sample adequacy (Krejcie–Morgan table) cannot be assessed: the data hold no count "
            "of service users per unit (indicator `applications` in `service_indicators`).",
        ),
    )
