"""The innovation-impact study: several designs on one agency panel, side by side (numbers only).

:func:`impact_study` runs, on the agency × period panel of a study
(:func:`~innolab_analysis.studies.panel.agency_panel`):

* the staggered difference-in-differences of Callaway & Sant'Anna (overall,
  per adoption cohort and by event time);
* the event study, staggered and TWFE leads/lags side by side;
* the two-way fixed-effects (TWFE) regression and its Goodman-Bacon
  decomposition (how much weight sits on "forbidden" comparisons that use
  already-treated agencies as controls);
* an interrupted time series (ITS) for one agency;
* heterogeneity by leadership commitment (the readiness dimension LAN calls
  decisive): agency-level effects regressed on the standardised score, and the
  staggered DiD separately above and below the median;
* optionally the minimum detectable effect on this very panel.

It returns one frozen :class:`ImpactStudy` (a
:class:`~innolab_analysis.studies._contract.StudyResult`); its sentences live
in :mod:`.text`, its tables in :mod:`.tables`, its figures in :mod:`.plots`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, ParamsError, check_option
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.options import (
    ControlGroup,
    Frequency,
    ImpactOutcome,
    ImpactPlotKind,
    ImpactSection,
    ImpactTable,
    Language,
    StaggeredMethod,
)
from innolab_analysis.studies._contract import Finding, StudyResult
from innolab_analysis.studies.impact import _robustness
from innolab_analysis.studies.impact._designs import (
    Moderation,
    agency_effects,
    choose_its,
    moderation,
)

__all__ = ["ImpactStudy", "Moderation", "impact_study"]

BETTER: dict[str, float] = {"ikm": 1.0, "processing_days": -1.0}
"""Sign of an improvement per outcome: the IKM should rise, processing days fall."""

_LEADERSHIP = "leadership_commitment"
_UNIT, _TIME, _COHORT = "agency_id", "period_index", "cohort"


# ============================================================================ results
@dataclass(frozen=True)
class ImpactStudy(StudyResult):
    """Everything the innovation-impact notebook shows (frozen).

    Attributes
    ----------
    outcome, frequency, control_group, method : str
        The options used.
    panel : DataFrame
        The agency panel used for estimation (agencies treated before the
        first period and cells without an outcome left out).
    staggered : StaggeredDiDResult
        Callaway–Sant'Anna; headline = the "simple" ATT.
    groups, dynamic : StaggeredAggregate
        Per adoption cohort and per event time.
    event_study : EventStudyResult
        Staggered and TWFE leads/lags in one table.
    twfe : TwfeResult
    bacon : BaconResult or None
        Goodman-Bacon decomposition of the TWFE fit on the balanced agencies
        (``bacon_dropped`` lists the agencies left out to balance the panel).
    bacon_twfe : float
        The TWFE coefficient the decomposition reproduces (on the balanced agencies).
    its : ItsResult or None
        Interrupted time series for ``its_agency``.
    agency_effects : DataFrame
        One row per adopting agency: ``agency_id, name, cohort, cohort_label,
        leadership_commitment, z, estimate, std_error, ci_lower, ci_upper,
        p_value, n_pre, n_post``.
    moderation : Moderation or None
        None when the study has no readiness scores (see ``diagnostics``).
    mde : PowerResult or None
    diagnostics : tuple of Diagnostic
        Study-level notes (which agency the ITS uses, what was left out …).
    """

    outcome: str
    frequency: str
    control_group: str
    method: str
    panel: pd.DataFrame
    staggered: Any
    groups: Any
    dynamic: Any
    event_study: Any
    twfe: Any
    bacon: Any
    bacon_twfe: float
    bacon_dropped: tuple[str, ...]
    its: Any
    its_agency: str
    its_agency_name: str
    its_covid: bool
    its_dof: int
    agency_effects: pd.DataFrame
    moderation: Moderation | None
    mde: Any
    robust: Any
    cohort_labels: tuple[tuple[int, str], ...]
    n_boot: int
    seed: int
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    names: tuple[tuple[str, str], ...] = ()

    DOMAIN: ClassVar[str] = "impact"
    SECTIONS: ClassVar[tuple[str, ...]] = typing.get_args(ImpactSection)
    TABLES: ClassVar[tuple[str, ...]] = typing.get_args(ImpactTable)
    PLOT_KINDS: ClassVar[tuple[str, ...]] = typing.get_args(ImpactPlotKind)
    FIGSIZE: ClassVar[dict[str, tuple[float, float]]] = {
        "cohorts": (7.5, 4.8),
        "event_study": (8.5, 4.6),
        "bacon": (7.5, 4.6),
        "its": (8.5, 4.4),
        "agency_effects": (7.5, 4.8),
        "mde": (7.0, 4.2),
        "robustness": (7.5, 4.0),
    }

    # ------------------------------------------------------------------ names
    def name_of(self, agency_id: str) -> str:
        """The display name of an agency (its id only when the study has no name for it)."""
        return dict(self.names).get(agency_id, agency_id)

    def cohort_label(self, cohort: Any) -> str:
        """The calendar label (``2019-S2``) of a cohort index."""
        return dict(self.cohort_labels).get(int(cohort), str(cohort))

    def unit_word(self, language: Language) -> str:
        """``poin``/``points`` for the IKM, ``hari``/``days`` for processing time."""
        return l10n.tr(f"impact.unit.{self.outcome}", language, markdown=False)

    def outcome_name(self, language: Language) -> str:
        """The outcome as a reader knows it (``IKM``, ``waktu penyelesaian layanan``)."""
        return l10n.label("outcome", self.outcome, language)

    # ------------------------------------------------------------------ contract
    @classmethod
    def _example(cls) -> ImpactStudy:
        from innolab_analysis.data.study import load_study

        return impact_study(load_study("data/demo"), frequency="year", method="reg")

    def summary(self) -> pd.DataFrame:
        """The headline effects of each design (tidy, :data:`SUMMARY_COLUMNS`)."""
        rows = self.effect_rows("study")
        keep = rows["unit"].eq("all") | rows["method"].eq("its")
        return rows.loc[keep, list(SUMMARY_COLUMNS)].reset_index(drop=True)

    def findings(self, language: Language = "id") -> tuple[Finding, ...]:
        from innolab_analysis.studies.impact import text

        return text.findings(self, self._check_language(language))

    def _section(self, section: str, language: str) -> str:
        from innolab_analysis.studies.impact import text

        return text.section(self, section, language)

    def _table(self, name: str, language: str):
        from innolab_analysis.studies.impact import tables

        return tables.table(self, name, language)

    def _draw(self, kind: str, ax, language: str) -> None:
        from innolab_analysis.studies.impact import plots

        plots.draw(self, kind, ax, language)

    def alt_text(self, kind: str, language: Language = "id") -> str:
        from innolab_analysis.studies.impact import text

        check_option("kind", kind, self.PLOT_KINDS)
        return text.alt_text(self, kind, self._check_language(language))

    # ------------------------------------------------------------------ rows
    def effect_rows(self, study: str) -> pd.DataFrame:
        """Tidy effect rows (:data:`EFFECT_COLUMNS`, level ``agency``) for the synthesis.

        Headline rows only: the staggered "simple" ATT and the TWFE coefficient
        (unit ``all``), one row per adoption cohort (unit ``cohort 2018-S2`` …,
        method ``staggered_did_group``), the ITS level change (unit = the
        agency) and one row per adopting agency (method ``did_imputation``).
        """
        frames = [
            self.staggered.effect_rows(study=study, unit="all").iloc[[0]],
            self.twfe.effect_rows(study=study, unit="all").iloc[[0]],
        ]
        labels = dict(self.cohort_labels)
        groups = self.groups.effect_rows(study=study, unit="all")
        groups["unit"] = [
            f"cohort {labels.get(int(c), c)}" for c in self.groups.terms["cohort"].to_numpy()
        ]
        frames.append(groups)
        if self.its is not None:
            frames.append(self.its.effect_rows(study=study, unit=self.its_agency).iloc[[0]])
        ae = self.agency_effects
        if len(ae):
            frames.append(
                pd.DataFrame(
                    {
                        "study": study,
                        "level": "agency",
                        "unit": ae["agency_id"].to_numpy(),
                        "outcome": self.outcome,
                        "term": "ATT (agency)",
                        "estimate": ae["estimate"].to_numpy(),
                        "std_error": ae["std_error"].to_numpy(),
                        "ci_lower": ae["ci_lower"].to_numpy(),
                        "ci_upper": ae["ci_upper"].to_numpy(),
                        "p_value": ae["p_value"].to_numpy(),
                        "n_obs": (ae["n_pre"] + ae["n_post"]).to_numpy(),
                        "method": "did_imputation",
                        "se_type": _AGENCY_SE,
                    }
                )
            )
        out = pd.concat(frames, ignore_index=True)
        return out.loc[:, list(EFFECT_COLUMNS)]


_AGENCY_SE = (
    "Borusyak–Jaravel–Spiess imputation: the unit's mean effect over its treated periods; "
    "conservative SE = clustered imputation error of the untreated fit + the unit's own treated "
    "cells one by one (leave-one-out event-time means); serial correlation within the unit's "
    "post-period not accounted for; normal reference"
)


# ============================================================================ main
def impact_study(
    study: Any,
    *,
    outcome: ImpactOutcome = "ikm",
    frequency: Frequency = "semester",
    control_group: ControlGroup = "not_yet_treated",
    method: StaggeredMethod = "dr",
    its_agency: str = "",
    n_boot: int = 0,
    seed: int = 20240101,
    mde: bool = False,
    mde_sims: int = 40,
    covid_years: tuple[int, ...] = (2020,),
    leads: int | None = None,
    lags: int | None = None,
    robustness: bool = True,
) -> ImpactStudy:
    """Run the innovation-impact designs on one study and bundle them with their narrative.

    Parameters
    ----------
    study : Study or mapping of table name to DataFrame
        A loaded study (``agencies``, ``innovations`` and ``skm_responses`` or
        ``service_indicators``; ``readiness`` for the heterogeneity analysis).
    outcome : {"ikm", "processing_days"}
    frequency : {"semester", "year"}
    control_group : {"never_treated", "not_yet_treated"}
    method : {"dr", "reg", "ipw"}
        Group-time ATT method (they coincide without covariates).
    its_agency : str
        Agency for the interrupted time series; ``""`` picks the adopting
        agency with the longest pre-period (ties: more post periods, then the
        agency id), among agencies with at least 3 pre and 2 post periods.
    n_boot : int
        Multiplier-bootstrap draws of the staggered DiD (0 = analytic SEs).
    seed : int
        Seed of the bootstrap and of the MDE simulations.
    mde : bool
        Also compute the minimum detectable effect (``mde_sims`` simulations).
    mde_sims : int
    covid_years : tuple of int
        Calendar years flagged as COVID-19 in the ITS (a control indicator).
        The demo's dip covers 2020; adjust for your data.
    leads, lags : int, optional
        Event-study window (default 4 and 6 semesters, or 2 and 3 years).
    robustness : bool
        Also run the robustness estimators (Sun–Abraham, synthetic DiD with a
        100-resample bootstrap) and the sensitivity analyses (HonestDiD,
        pre-trend power); the imputation estimator always runs.

    Returns
    -------
    ImpactStudy

    Raises
    ------
    ParamsError
        An unknown option or an ``its_agency`` that did not adopt in the window.
    EstimationError
        When the panel cannot support the staggered DiD.

    Examples
    --------
    >>> from innolab_analysis.data.study import load_study
    >>> res = impact_study(load_study("data/demo"), frequency="year")
    >>> bool(res.staggered.ci_lower < 2.847 < res.staggered.ci_upper)
    True
    """
    check_option("outcome", outcome, ImpactOutcome)
    check_option("frequency", frequency, Frequency)
    check_option("control_group", control_group, ControlGroup)
    check_option("method", method, StaggeredMethod)
    if not (isinstance(n_boot, int) and n_boot >= 0):
        raise ParamsError(f"n_boot must be a whole number ≥ 0, got {n_boot!r}")

    from innolab_analysis.estimators.event_study import event_study
    from innolab_analysis.estimators.imputation import imputation_did
    from innolab_analysis.estimators.staggered import staggered_did
    from innolab_analysis.estimators.twfe import twfe
    from innolab_analysis.studies.panel import agency_panel

    notes: list[Diagnostic] = []
    names = _agency_names(study)
    full = agency_panel(study, frequency=frequency, outcomes=(outcome,))
    always = sorted(full.loc[full["always_treated"], _UNIT].unique())
    if always:
        notes.append(
            Diagnostic(
                "always_treated",
                "info",
                l10n.bilingual(
                    "impact.data.always_treated",
                    names=l10n.Bilingual.build(
                        lambda lang: l10n.join([names.get(a, a) for a in always], lang)
                    ),
                ),
            )
        )
    panel = full[~full["always_treated"] & full[outcome].notna()].reset_index(drop=True)
    cohort_labels = tuple(
        (int(i), l10n.period(p, frequency))
        for i, p in panel[[_TIME, "period"]].drop_duplicates().itertuples(index=False)
    )
    its, its_id, its_covid = choose_its(panel, outcome, its_agency, covid_years, notes, names)
    sd_kw = dict(control_group=control_group, method=method)
    boot = dict(n_boot=n_boot, seed=seed) if n_boot else {}
    cs = staggered_did(
        panel, outcome=outcome, unit=_UNIT, time=_TIME, cohort=_COHORT, **sd_kw, **boot
    )
    groups = cs.aggregate("group")
    dynamic = cs.aggregate("dynamic")
    if leads is None:
        leads = 4 if frequency == "semester" else 2
    if lags is None:
        lags = 6 if frequency == "semester" else 3
    es = event_study(
        panel,
        outcome=outcome,
        unit=_UNIT,
        time=_TIME,
        cohort=_COHORT,
        leads=leads,
        lags=lags,
        staggered_kwargs=sd_kw,
    )
    tw = twfe(panel, outcome=outcome, treatment="treated", unit=_UNIT, time=_TIME)

    # Goodman-Bacon needs a balanced panel: keep the agencies observed in every period.
    n_periods = panel[_TIME].nunique()
    counts = panel.groupby(_UNIT)[_TIME].nunique()
    dropped = tuple(sorted(counts.index[counts < n_periods]))
    balanced = panel[~panel[_UNIT].isin(dropped)]
    try:
        tw_bal = (
            tw
            if not dropped
            else twfe(balanced, outcome=outcome, treatment="treated", unit=_UNIT, time=_TIME)
        )
        bacon = tw_bal.bacon()
        bacon_twfe = float(tw_bal.estimate)
    except EstimationError:
        bacon, bacon_twfe = None, float("nan")
        notes.append(
            Diagnostic(
                "bacon",
                "info",
                l10n.bilingual(
                    "impact.twfe.no_bacon", reason=l10n.bilingual("impact.reason.bacon")
                ),
            )
        )

    imputation = imputation_did(panel, outcome=outcome, unit=_UNIT, time=_TIME, cohort=_COHORT)
    effects = agency_effects(imputation, panel, names, dict(cohort_labels))
    notes.append(
        Diagnostic(
            "agency_effects",
            "info",
            l10n.bilingual("impact.diag.agency_effects"),
        )
    )
    moderation_result = moderation(panel, effects, outcome, sd_kw, notes)
    power = None
    if mde:
        from innolab_analysis.estimators.power import minimum_detectable_effect

        power = minimum_detectable_effect(
            "staggered",
            panel[[_UNIT, _TIME, _COHORT, outcome]],
            outcome=outcome,
            unit=_UNIT,
            time=_TIME,
            cohort=_COHORT,
            n_sims=mde_sims,
            seed=seed,
            **sd_kw,
        )
    return ImpactStudy(
        outcome=outcome,
        frequency=frequency,
        control_group=control_group,
        method=method,
        panel=panel,
        staggered=cs,
        groups=groups,
        dynamic=dynamic,
        event_study=es,
        twfe=tw,
        bacon=bacon,
        bacon_twfe=bacon_twfe,
        bacon_dropped=dropped if bacon is not None else (),
        its=its,
        its_agency=its_id,
        its_agency_name=names.get(its_id, its_id),
        its_covid=its_covid,
        its_dof=int(its.n_obs - 4 - int(its_covid)) if its is not None else 0,
        agency_effects=effects,
        moderation=moderation_result,
        mde=power,
        robust=(
            _robustness.robustness(
                panel,
                outcome,
                staggered=cs,
                twfe=tw,
                imputation=imputation,
                control_group=control_group,
                leads=leads,
                lags=lags,
                seed=seed,
            )
            if robustness
            else None
        ),
        cohort_labels=cohort_labels,
        n_boot=n_boot,
        seed=seed,
        diagnostics=tuple(notes),
        names=tuple(sorted(names.items())),
    )


def _agency_names(study: Any) -> dict[str, str]:
    """``agency_id → name`` from the study's agencies table (empty when it has none)."""
    agencies = (
        study.get("agencies") if isinstance(study, dict) else getattr(study, "agencies", None)
    )
    if agencies is None or "name" not in agencies.columns:
        return {}
    return dict(zip(agencies["agency_id"].astype(str), agencies["name"].astype(str)))
