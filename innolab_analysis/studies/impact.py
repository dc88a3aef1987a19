"""The innovation-impact study: several designs on one agency panel, side by side.

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

It returns one frozen :class:`ImpactStudy` with the results, tidy effect rows
for the comparative synthesis and the bilingual narrative, so the notebook
only displays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis.errors import EstimationError, ParamsError, Problem, check_option
from innolab_analysis.estimators._result import EFFECT_COLUMNS, Bilingual, Diagnostic
from innolab_analysis.options import ControlGroup, Frequency, ImpactOutcome
from innolab_analysis.options import StaggeredMethod as DidMethod
from innolab_analysis.studies._narrative import (
    Language,
    agency_names,
    check_choice,
    check_language,
    fmt_ci,
    fmt_int,
    fmt_num,
    fmt_p,
    fmt_pct,
    join_words,
    period_label,
    pick,
)

__all__ = ["ImpactOutcome", "ImpactStudy", "Moderation", "impact_study"]


SECTIONS: tuple[str, ...] = (
    "data",
    "staggered",
    "event_study",
    "twfe",
    "its",
    "heterogeneity",
    "mde",
    "confounders",
    "diagnostics",
)
"""Narrative sections of :meth:`ImpactStudy.markdown`, in notebook order."""

_BETTER = {"ikm": 1.0, "processing_days": -1.0}
_OUTCOME_NAME = {
    "ikm": ("IKM", "IKM"),
    "processing_days": ("waktu penyelesaian layanan", "processing time"),
}
_OUTCOME_UNIT = {"ikm": ("poin", "points"), "processing_days": ("hari", "days")}
_LEADERSHIP = "leadership_commitment"
_UNIT, _TIME, _COHORT = "agency_id", "period_index", "cohort"


# ============================================================================ results
@dataclass(frozen=True)
class Moderation:
    """Heterogeneity of the effect by leadership commitment.

    Attributes
    ----------
    slope_per_sd, std_error, ci_lower, ci_upper, p_value : float
        OLS slope of the agency-level effects on the standardised leadership
        score (z over the adopting agencies, population SD), HC1 standard
        error, t(n − 2) reference.
    intercept : float
        Effect at the mean leadership score.
    score_mean, score_sd : float
        Mean and population SD of the raw score (rubric points) over the
        adopting agencies; ``slope_per_point = slope_per_sd / score_sd``.
    n_agencies : int
    median : float
        Median raw score; agencies at or above it form the "high" group.
    high, low : StaggeredDiDResult or None
        Staggered DiD on the high/low group (with all never-treated agencies
        as controls); None when a group has no adopting agency.
    difference, difference_se, difference_p : float
        High minus low, with the SE of two independent estimates (an
        approximation: both share the control agencies).
    """

    slope_per_sd: float
    std_error: float
    ci_lower: float
    ci_upper: float
    p_value: float
    intercept: float
    score_mean: float
    score_sd: float
    n_agencies: int
    median: float
    high: Any
    low: Any
    difference: float
    difference_se: float
    difference_p: float

    @property
    def slope_per_point(self) -> float:
        return self.slope_per_sd / self.score_sd if self.score_sd > 0 else float("nan")


@dataclass(frozen=True)
class ImpactStudy:
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
    agency_effects: pd.DataFrame
    moderation: Moderation | None
    mde: Any
    cohort_labels: tuple[tuple[int, str], ...]
    n_boot: int
    seed: int
    diagnostics: tuple[Diagnostic, ...] = field(default=())

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

    # ------------------------------------------------------------------ text
    def markdown(self, section: str, language: Language = "id") -> str:
        """The narrative of one section (Markdown with a ``##`` heading), numbers quoted.

        Parameters
        ----------
        section : str
            One of :data:`SECTIONS`.
        language : {"id", "en"}
        """
        check_language(language)
        check_option("section", section, SECTIONS)
        return getattr(self, f"_md_{section}")(language)

    def _o(self, language: str) -> str:
        return pick(language, id=_OUTCOME_NAME[self.outcome][0], en=_OUTCOME_NAME[self.outcome][1])

    def _u(self, language: str) -> str:
        return pick(language, id=_OUTCOME_UNIT[self.outcome][0], en=_OUTCOME_UNIT[self.outcome][1])

    def _direction(self, estimate: float, language: str) -> str:
        good = estimate * _BETTER[self.outcome] > 0
        return pick(
            language,
            id="perbaikan" if good else "pemburukan",
            en="an improvement" if good else "a deterioration",
        )

    def _effect(self, r, language: str) -> str:
        """``**2,90** poin (IK 95% 2,14 s.d. 3,67; p < 0,001)``."""
        ci = pick(language, id="IK 95%", en="95% CI")
        return (
            f"**{fmt_num(r.estimate, language)}** {self._u(language)} "
            f"({ci} {fmt_ci(r.ci_lower, r.ci_upper, language)}; {fmt_p(r.p_value, language)})"
        )

    def _md_data(self, language: str) -> str:
        p = self.panel
        per_agency = p.groupby(_UNIT)[_COHORT].first()
        n_units = len(per_agency)
        n_treated = int((per_agency > 0).sum())
        n_cohorts = per_agency[per_agency > 0].nunique()
        first, last = p["period"].min(), p["period"].max()
        freq = pick(
            language,
            id="semester" if self.frequency == "semester" else "tahun",
            en=self.frequency,
        )
        span = f"{period_label(first, self.frequency)}–{period_label(last, self.frequency)}"
        heading = pick(language, id="## Data panel unit layanan", en="## The agency panel")
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Panel memuat **{n_units}** unit × periode {freq} {span} "
                    f"({fmt_int(len(p), language)} sel dengan nilai {self._o(language)}). "
                    f"**{n_treated}** unit meluncurkan inovasi pertamanya dalam periode ini, dalam "
                    f"{n_cohorts} kohort adopsi; **{n_units - n_treated}** unit belum pernah. "
                    "Kohort sebuah unit adalah periode peluncuran (penerapan) inovasi pertamanya; "
                    "perlakuan dianggap menetap sesudahnya."
                ),
                en=(
                    f"The panel holds **{n_units}** agencies × {freq} periods {span} "
                    f"({fmt_int(len(p), language)} cells with a value of {self._o(language)}). "
                    f"**{n_treated}** agencies launched their first innovation within the window, in "
                    f"{n_cohorts} adoption cohorts; **{n_units - n_treated}** never did. An agency's "
                    "cohort is the period of its first launch (penerapan); treatment is taken to "
                    "stay on afterwards."
                ),
            )
        )

    def _md_staggered(self, language: str) -> str:
        s = self.staggered
        cg = {
            "never_treated": ("unit yang tidak pernah berinovasi", "never-adopting agencies"),
            "not_yet_treated": (
                "unit yang belum berinovasi (termasuk yang tidak pernah)",
                "agencies that have not adopted yet (including never-adopters)",
            ),
        }[self.control_group]
        g = self.groups.terms
        labels = dict(self.cohort_labels)
        best = g.loc[g["estimate"].mul(_BETTER[self.outcome]).idxmax()]
        worst = g.loc[g["estimate"].mul(_BETTER[self.outcome]).idxmin()]
        inference = pick(
            language,
            id=(
                f"bootstrap pengali ({self.n_boot} ulangan, seed {self.seed})"
                if self.n_boot
                else "galat baku analitik (fungsi pengaruh, klaster per unit)"
            ),
            en=(
                f"multiplier bootstrap ({self.n_boot} draws, seed {self.seed})"
                if self.n_boot
                else "analytic influence-function standard errors clustered by agency"
            ),
        )
        heading = pick(
            language,
            id="## Efek inovasi: DiD bertahap (Callaway–Sant'Anna)",
            en="## Effect of innovation: staggered DiD (Callaway–Sant'Anna)",
        )
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Rata-rata atas semua kohort dan periode sesudah adopsi, inovasi pertama mengubah "
                    f"{self._o(language)} sebesar {self._effect(s, language)} — "
                    f"{self._direction(s.estimate, language)}. Pembanding: {cg[0]}; metode "
                    f"'{self.method}'; {inference}. Per kohort, efek terbesar pada kohort "
                    f"{labels.get(int(best['cohort']), best['cohort'])} "
                    f"({fmt_num(best['estimate'], language)}) dan terkecil pada kohort "
                    f"{labels.get(int(worst['cohort']), worst['cohort'])} "
                    f"({fmt_num(worst['estimate'], language)}); kohort dengan satu atau dua unit "
                    "memberi estimasi yang rapuh."
                ),
                en=(
                    f"Averaged over all cohorts and post-adoption periods, the first innovation "
                    f"changed {self._o(language)} by {self._effect(s, language)} — "
                    f"{self._direction(s.estimate, language)}. Comparison: {cg[1]}; method "
                    f"'{self.method}'; {inference}. By cohort, the largest effect is in cohort "
                    f"{labels.get(int(best['cohort']), best['cohort'])} "
                    f"({fmt_num(best['estimate'], language)}) and the smallest in cohort "
                    f"{labels.get(int(worst['cohort']), worst['cohort'])} "
                    f"({fmt_num(worst['estimate'], language)}); cohorts of one or two agencies give "
                    "fragile estimates."
                ),
            )
        )

    def _md_event_study(self, language: str) -> str:
        es = self.event_study
        d = es.dynamic
        pre = d[(d["estimator"] == "staggered") & (d["event_time"] < 0)]
        post = d[(d["estimator"] == "staggered") & (d["event_time"] >= 0)]
        twfe_post = d[(d["estimator"] == "twfe") & (d["event_time"] >= 0)]
        pre_out = int(((pre["ci_lower"] > 0) | (pre["ci_upper"] < 0)).sum())
        e0 = post.loc[post["event_time"] == post["event_time"].min()]
        e_last = post.loc[post["event_time"] == post["event_time"].max()]
        twfe_avg = es.terms.iloc[1]
        wald = (
            pick(
                language,
                id=f"uji Wald gabungan atas lead TWFE: {fmt_p(es.pretrend_p_value, language)}",
                en=f"joint Wald test of the TWFE leads: {fmt_p(es.pretrend_p_value, language)}",
            )
            if np.isfinite(es.pretrend_p_value)
            else pick(
                language,
                id="uji Wald lead TWFE tidak dapat dihitung",
                en="the Wald test of the TWFE leads could not be computed",
            )
        )
        heading = pick(language, id="## Studi peristiwa", en="## Event study")
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Sebelum adopsi, {pre_out} dari {len(pre)} koefisien lead staggered memiliki "
                    f"selang kepercayaan yang tidak memuat nol ({wald}); tren paralel paling "
                    "meyakinkan bila keduanya kecil. Sesudah adopsi efek staggered adalah "
                    f"{fmt_num(e0['estimate'].iloc[0], language)} pada periode peluncuran dan "
                    f"{fmt_num(e_last['estimate'].iloc[0], language)} pada e = "
                    f"{int(e_last['event_time'].iloc[0])} (titik ujung menggabungkan periode "
                    f"sesudahnya pada TWFE). Rata-rata pasca-adopsi: staggered "
                    f"{fmt_num(es.estimate, language)}, TWFE {fmt_num(twfe_avg['estimate'], language)} "
                    f"atas {len(twfe_post)} lag."
                ),
                en=(
                    f"Before adoption, {pre_out} of {len(pre)} staggered lead coefficients have a "
                    f"confidence interval excluding zero ({wald}); parallel trends are most "
                    "credible when both are small. After adoption the staggered effect is "
                    f"{fmt_num(e0['estimate'].iloc[0], language)} in the launch period and "
                    f"{fmt_num(e_last['estimate'].iloc[0], language)} at e = "
                    f"{int(e_last['event_time'].iloc[0])} (the TWFE end point bins later periods). "
                    f"Average post-adoption effect: staggered {fmt_num(es.estimate, language)}, TWFE "
                    f"{fmt_num(twfe_avg['estimate'], language)} over {len(twfe_post)} lags."
                ),
            )
        )

    def _md_twfe(self, language: str) -> str:
        tw, s = self.twfe, self.staggered
        gap = tw.estimate - s.estimate
        heading = pick(
            language,
            id="## TWFE dan dekomposisi Goodman-Bacon",
            en="## TWFE and the Goodman-Bacon decomposition",
        )
        text = pick(
            language,
            id=(
                f"Regresi efek tetap dua arah (TWFE) memberi {self._effect(tw, language)}, "
                f"berselisih {fmt_num(gap, language)} {self._u(language)} dari estimasi "
                f"staggered ({fmt_num(s.estimate, language)})."
            ),
            en=(
                f"The two-way fixed-effects (TWFE) regression gives {self._effect(tw, language)}, "
                f"{fmt_num(gap, language)} {self._u(language)} away from the staggered estimate "
                f"({fmt_num(s.estimate, language)})."
            ),
        )
        if self.bacon is None:
            return (
                heading
                + "\n\n"
                + text
                + " "
                + pick(
                    language,
                    id="Dekomposisi Goodman-Bacon tidak tersedia untuk panel ini.",
                    en="The Goodman-Bacon decomposition is not available for this panel.",
                )
            )
        b = self.bacon
        by = b.by_type.set_index("type")
        forbidden = "later vs earlier treated"
        f_est = by.loc[forbidden, "estimate"] if forbidden in by.index else float("nan")
        dropped = (
            pick(
                language,
                id=(
                    f" Dekomposisi memerlukan panel seimbang, sehingga "
                    f"{join_words(self.bacon_dropped, language)} dikeluarkan; TWFE pada unit "
                    f"yang tersisa = {fmt_num(self.bacon_twfe, language, 3)}."
                ),
                en=(
                    f" The decomposition needs a balanced panel, so "
                    f"{join_words(self.bacon_dropped, language)} "
                    f"{'is' if len(self.bacon_dropped) == 1 else 'are'} left out; TWFE on the "
                    f"remaining agencies = {fmt_num(self.bacon_twfe, language, 3)}."
                ),
            )
            if self.bacon_dropped
            else ""
        )
        return (
            heading
            + "\n\n"
            + text
            + dropped
            + " "
            + pick(
                language,
                id=(
                    f"TWFE adalah rata-rata tertimbang dari semua perbandingan 2×2; "
                    f"**{fmt_pct(b.forbidden_weight, language)}** bobotnya jatuh pada "
                    "perbandingan *terlarang* — unit yang mengadopsi belakangan dibandingkan "
                    "dengan unit yang sudah lebih dulu berinovasi (rata-rata estimasinya "
                    f"{fmt_num(f_est, language)}). Bila efek tumbuh sesudah adopsi, perubahan "
                    "unit lama ikut dikurangkan dan TWFE bias; estimasi Callaway–Sant'Anna "
                    "tidak memakai perbandingan itu."
                ),
                en=(
                    f"TWFE is a weighted average of all 2×2 comparisons; "
                    f"**{fmt_pct(b.forbidden_weight, language)}** of its weight sits on "
                    "*forbidden* comparisons — later adopters compared with agencies that "
                    f"already innovated (their average estimate is {fmt_num(f_est, language)}). "
                    "When effects grow after adoption, the early adopters' growth is subtracted "
                    "and TWFE is biased; the Callaway–Sant'Anna estimate avoids those comparisons."
                ),
            )
        )

    def _md_its(self, language: str) -> str:
        heading = pick(
            language,
            id="## Deret waktu terinterupsi (ITS) untuk satu unit",
            en="## Interrupted time series for one agency",
        )
        if self.its is None:
            reason = next((d.message[language] for d in self.diagnostics if d.code == "its"), "")
            return heading + "\n\n" + reason
        r = self.its
        terms = r.terms.set_index("term")
        slope = terms.loc["slope_change"] if "slope_change" in terms.index else None
        covid = self.its_covid
        start = period_label(r.interventions[0], self.frequency)
        slope_text = (
            pick(
                language,
                id=f" Kemiringan berubah {fmt_num(slope['estimate'], language)} per periode.",
                en=f" The slope changed by {fmt_num(slope['estimate'], language)} per period.",
            )
            if slope is not None
            else ""
        )
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Unit: **{self.its_agency_name}** (inovasi pertama pada periode {start}). "
                    f"Perubahan tingkat {self._o(language)} saat peluncuran: "
                    f"{self._effect(r, language)}.{slope_text} ITS hanya memproyeksikan tren unit itu "
                    "sendiri tanpa kelompok pembanding"
                    + (", dengan indikator COVID-19 sebagai kontrol" if covid else "")
                    + "; peristiwa lain pada waktu yang sama ikut terhitung sebagai efek. "
                    f"Galat baku: {r.se_type}."
                ),
                en=(
                    f"Agency: **{self.its_agency_name}** (first innovation in period {start}). "
                    f"Level change of {self._o(language)} at the launch: {self._effect(r, language)}."
                    f"{slope_text} ITS extrapolates the agency's own pre-trend without a comparison "
                    "group"
                    + (", with a COVID-19 indicator as a control" if covid else "")
                    + "; anything else that happened at the same time is counted as effect. "
                    f"Standard errors: {r.se_type}."
                ),
            )
        )

    def _md_heterogeneity(self, language: str) -> str:
        heading = pick(
            language,
            id="## Heterogenitas: kesiapan dan komitmen pimpinan",
            en="## Heterogeneity: readiness and leadership commitment",
        )
        m = self.moderation
        if m is None:
            reason = next(
                (d.message[language] for d in self.diagnostics if d.code == "no_readiness"), ""
            )
            return heading + "\n\n" + reason
        split = ""
        if m.high is not None and m.low is not None:
            split = pick(
                language,
                id=(
                    f" DiD bertahap terpisah: unit dengan skor ≥ median "
                    f"({fmt_num(m.median, language, 1)}) {fmt_num(m.high.estimate, language)} "
                    f"(IK 95% {fmt_ci(m.high.ci_lower, m.high.ci_upper, language)}), di bawah "
                    f"median {fmt_num(m.low.estimate, language)} "
                    f"(IK 95% {fmt_ci(m.low.ci_lower, m.low.ci_upper, language)}); selisih "
                    f"{fmt_num(m.difference, language)} ({fmt_p(m.difference_p, language)}, "
                    "mendekati: kedua estimasi memakai pembanding yang sama)."
                ),
                en=(
                    f" Staggered DiD by group: agencies at or above the median score "
                    f"({fmt_num(m.median, language, 1)}) {fmt_num(m.high.estimate, language)} "
                    f"(95% CI {fmt_ci(m.high.ci_lower, m.high.ci_upper, language)}), below the "
                    f"median {fmt_num(m.low.estimate, language)} "
                    f"(95% CI {fmt_ci(m.low.ci_lower, m.low.ci_upper, language)}); difference "
                    f"{fmt_num(m.difference, language)} ({fmt_p(m.difference_p, language)}, "
                    "approximate: both share the comparison agencies)."
                ),
            )
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Efek per unit (imputasi dari efek unit dan periode pada sel yang belum diberi "
                    f"perlakuan) diregresikan pada skor komitmen pimpinan yang dibakukan "
                    f"({m.n_agencies} unit pengadopsi; rata-rata {fmt_num(m.score_mean, language)}, "
                    f"simpangan baku {fmt_num(m.score_sd, language)} poin rubrik): setiap kenaikan "
                    f"satu simpangan baku berkaitan dengan efek yang berbeda "
                    f"**{fmt_num(m.slope_per_sd, language)}** {self._u(language)} (IK 95% "
                    f"{fmt_ci(m.ci_lower, m.ci_upper, language)}; {fmt_p(m.p_value, language)})."
                    f"{split} Ini asosiasi, bukan bukti kausal: pimpinan yang berkomitmen bisa juga "
                    "berbeda dalam hal lain. Rubrik kesiapan adalah rubrik innolab, bukan rubrik "
                    "resmi LAN."
                ),
                en=(
                    f"Agency-level effects (imputed from agency and period effects fitted on "
                    f"untreated cells) regressed on the standardised leadership-commitment score "
                    f"({m.n_agencies} adopting agencies; mean {fmt_num(m.score_mean, language)}, SD "
                    f"{fmt_num(m.score_sd, language)} rubric points): one SD more commitment goes "
                    f"with an effect **{fmt_num(m.slope_per_sd, language)}** {self._u(language)} "
                    f"different (95% CI {fmt_ci(m.ci_lower, m.ci_upper, language)}; "
                    f"{fmt_p(m.p_value, language)}).{split} This is an association, not a causal "
                    "effect: committed leaders may differ in other ways too. The readiness rubric "
                    "is innolab's, not LAN's official one."
                ),
            )
        )

    def _md_mde(self, language: str) -> str:
        heading = pick(
            language, id="## Efek minimum yang dapat dideteksi", en="## Minimum detectable effect"
        )
        if self.mde is None:
            return (
                heading
                + "\n\n"
                + pick(
                    language,
                    id="Tidak dihitung (parameter `mde` = False).",
                    en="Not computed (parameter `mde` is false).",
                )
            )
        m = self.mde
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Dengan struktur panel ini (simulasi {m.n_sims} kali dengan residual unit yang "
                    f"diacak ulang, seed {m.seed}), efek sebesar **{fmt_num(m.mde, language)}** "
                    f"{self._u(language)} terdeteksi dengan daya uji {fmt_pct(m.power, language)} "
                    f"pada α = {fmt_num(m.alpha, language)} (hampiran analitik "
                    f"{fmt_num(m.mde_analytic, language)}; tingkat galat tipe I tersimulasi "
                    f"{fmt_pct(m.type1_error, language)}). Efek yang lebih kecil mungkin ada tetapi "
                    "tidak terlihat."
                ),
                en=(
                    f"On this panel's structure ({m.n_sims} simulations with resampled agency "
                    f"residuals, seed {m.seed}), an effect of **{fmt_num(m.mde, language)}** "
                    f"{self._u(language)} is detected with {fmt_pct(m.power, language)} power at "
                    f"α = {fmt_num(m.alpha, language)} (analytic approximation "
                    f"{fmt_num(m.mde_analytic, language)}; simulated type I error "
                    f"{fmt_pct(m.type1_error, language)}). Smaller effects may exist yet go unseen."
                ),
            )
        )

    def _md_confounders(self, language: str) -> str:
        heading = pick(language, id="## Peristiwa pengganggu", en="## Confounding events")
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    "- **Tol Surabaya–Mojokerto** beroperasi penuh 2017-12-19.\n"
                    "- **Laboratorium Inovasi LAN** dimulai di Kota Mojokerto 2018-04-02: kohort "
                    "2018 menerima pendampingan LAN, sehingga efeknya adalah inovasi *bersama* "
                    "pendampingan itu.\n"
                    "- **COVID-19** 2020: guncangan bersama.\n\n"
                    "Efek periode dalam DiD menyerap guncangan yang mengenai semua unit secara sama; "
                    "ITS tidak punya pembanding sehingga guncangan itu bisa terbaca sebagai efek."
                ),
                en=(
                    "- The **Surabaya–Mojokerto toll road** fully opened on 2017-12-19.\n"
                    "- LAN's **Laboratorium Inovasi** began in Kota Mojokerto on 2018-04-02: the 2018 "
                    "cohort was coached by LAN, so its effect is the innovation *together with* that "
                    "support.\n"
                    "- **COVID-19** in 2020: a common shock.\n\n"
                    "The period effects of the DiD designs absorb shocks that hit all agencies alike; "
                    "ITS has no comparison group, so such shocks can read as effects."
                ),
            )
        )

    def _md_diagnostics(self, language: str) -> str:
        heading = pick(
            language,
            id="## Diagnostik dalam bahasa sehari-hari",
            en="## Diagnostics in plain words",
        )
        seen: dict[str, Diagnostic] = {}
        sources = [self.staggered, self.event_study, self.twfe]
        if self.its is not None:
            sources.append(self.its)
        for res in sources:
            for d in res.diagnostics:
                seen.setdefault(d.code, d)
        for d in self.diagnostics:
            seen.setdefault(d.code, d)
        mark = {"info": "ℹ️", "warning": "⚠️", "error": "⛔"}
        items = [f"- {mark[d.severity]} {d.message[language]}" for d in seen.values()]
        if not items:
            items = [pick(language, id="Tidak ada catatan.", en="Nothing to report.")]
        return heading + "\n\n" + "\n".join(items)

    # ------------------------------------------------------------------ plots
    def plot_agency_effects(self, ax=None, *, language: Language = "id"):
        """Agency-level effects against the leadership-commitment score, with the OLS line.

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style

        check_language(language)
        ae = self.agency_effects.dropna(subset=[_LEADERSHIP])
        with plot_style():
            ax = axes_or_new(ax)
            ax.errorbar(
                ae[_LEADERSHIP],
                ae["estimate"],
                yerr=[ae["estimate"] - ae["ci_lower"], ae["ci_upper"] - ae["estimate"]],
                fmt="o",
                color=PALETTE["treated"],
                ecolor=PALETTE["band"],
                capsize=2,
            )
            m = self.moderation
            if m is not None:
                x = np.linspace(ae[_LEADERSHIP].min(), ae[_LEADERSHIP].max(), 20)
                ax.plot(
                    x,
                    m.intercept + m.slope_per_point * (x - m.score_mean),
                    color=PALETTE["control"],
                    lw=1.5,
                )
            ax.axhline(0, color="black", lw=0.8)
            ax.set_xlabel(
                pick(
                    language,
                    id="Komitmen pimpinan (skor rubrik 1–5)",
                    en="Leadership commitment (rubric score 1–5)",
                )
            )
            ax.set_ylabel(
                pick(
                    language,
                    id=f"Efek per unit ({self._u(language)})",
                    en=f"Agency effect ({self._u(language)})",
                )
            )
        return ax


_AGENCY_SE = (
    "agency's pre-period residual SD × sqrt(1/n_post + 1/n_pre) (imputation from agency and "
    "period effects fitted on untreated cells); iid residuals assumed, t(n_pre − 1)"
)


# ============================================================================ main
def impact_study(
    study: Any,
    *,
    outcome: ImpactOutcome = "ikm",
    frequency: Frequency = "semester",
    control_group: ControlGroup = "not_yet_treated",
    method: DidMethod = "dr",
    its_agency: str = "",
    n_boot: int = 0,
    seed: int = 20240101,
    mde: bool = False,
    mde_sims: int = 40,
    covid_years: tuple[int, ...] = (2020,),
    leads: int | None = None,
    lags: int | None = None,
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
    check_choice("outcome", outcome, ImpactOutcome)
    check_choice("frequency", frequency, Frequency)
    check_choice("control_group", control_group, ControlGroup)
    check_choice("method", method, DidMethod)
    if not (isinstance(n_boot, int) and n_boot >= 0):
        raise ParamsError(f"n_boot must be a whole number ≥ 0, got {n_boot!r}")

    from innolab_analysis.estimators.event_study import event_study
    from innolab_analysis.estimators.staggered import staggered_did
    from innolab_analysis.estimators.twfe import twfe
    from innolab_analysis.studies.panel import agency_panel

    notes: list[Diagnostic] = []
    full = agency_panel(study, frequency=frequency, outcomes=(outcome,))
    always = sorted(full.loc[full["always_treated"], _UNIT].unique())
    if always:
        notes.append(
            Diagnostic(
                "always_treated",
                "info",
                Bilingual(
                    id=f"Unit yang sudah berinovasi sebelum periode pertama dikeluarkan: "
                    f"{', '.join(always)} (tidak punya periode sebelum adopsi).",
                    en=f"Agencies that innovated before the first period are left out: "
                    f"{', '.join(always)} (they have no pre-adoption period).",
                ),
            )
        )
    panel = full[~full["always_treated"] & full[outcome].notna()].reset_index(drop=True)
    cohort_labels = tuple(
        (int(i), period_label(p, frequency))
        for i, p in panel[[_TIME, "period"]].drop_duplicates().itertuples(index=False)
    )
    its, its_id, its_covid = _its(panel, outcome, its_agency, covid_years, notes)
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
    except EstimationError as exc:
        bacon, bacon_twfe = None, float("nan")
        notes.append(
            Diagnostic(
                "bacon",
                "info",
                Bilingual(
                    id=f"Dekomposisi Goodman-Bacon tidak tersedia: {exc}",
                    en=f"The Goodman-Bacon decomposition is not available: {exc}",
                ),
            )
        )

    names = agency_names(study)
    effects = _agency_effects(panel, outcome, names, dict(cohort_labels))
    notes.append(
        Diagnostic(
            "agency_effects",
            "info",
            Bilingual(
                id="Efek per unit adalah rata-rata selisih antara nilai teramati dan nilai tanpa "
                "inovasi yang diimputasi dari efek unit dan periode pada sel yang belum diberi "
                "perlakuan; galat bakunya mengandaikan residual yang saling bebas dan tidak "
                "memuat ketidakpastian efek periode, jadi perlakukan sebagai kasar.",
                en="Agency-level effects are the mean gap between the observed value and the "
                "no-innovation value imputed from agency and period effects fitted on untreated "
                "cells; their standard errors assume independent residuals and ignore the "
                "uncertainty of the period effects, so read them as rough.",
            ),
        )
    )
    moderation = _moderation(panel, effects, outcome, sd_kw, notes)
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
        agency_effects=effects,
        moderation=moderation,
        mde=power,
        cohort_labels=cohort_labels,
        n_boot=n_boot,
        seed=seed,
        diagnostics=tuple(notes),
    )


# ============================================================================ helpers
def _its(panel, outcome, its_agency, covid_years, notes):
    """ITS for the chosen (or automatically picked) adopting agency."""
    from innolab_analysis.estimators.its import interrupted_time_series

    treated = panel[panel[_COHORT] > 0]
    pre = treated[treated["treated"] == 0].groupby(_UNIT).size()
    post = treated[treated["treated"] == 1].groupby(_UNIT).size()
    table = pd.DataFrame({"pre": pre, "post": post}).fillna(0).astype(int)
    if its_agency:
        if its_agency not in table.index:
            allowed = ", ".join(sorted(table.index))
            raise ParamsError(
                [
                    Problem(
                        f"its_agency {its_agency!r} did not launch an innovation inside the panel "
                        "(or is not an agency of the study); pick an adopting agency or leave it "
                        "empty to choose automatically",
                        column="its_agency",
                        allowed=allowed,
                    )
                ]
            )
        chosen = its_agency
    else:
        ok = table[(table["pre"] >= 3) & (table["post"] >= 2)].reset_index(names="agency")
        if ok.empty:
            notes.append(
                Diagnostic(
                    "its",
                    "warning",
                    Bilingual(
                        id="ITS tidak dijalankan: tidak ada unit dengan sedikitnya 3 periode "
                        "sebelum dan 2 periode sesudah inovasi pertamanya.",
                        en="ITS not run: no agency has at least 3 periods before and 2 after "
                        "its first innovation.",
                    ),
                )
            )
            return None, "", False
        ok = ok.sort_values(["pre", "post", "agency"], ascending=[False, False, True])
        chosen = str(ok["agency"].iloc[0])
        notes.append(
            Diagnostic(
                "its_choice",
                "info",
                Bilingual(
                    id=f"ITS memakai {chosen}: unit pengadopsi dengan periode pra-inovasi "
                    f"terpanjang ({table.loc[chosen, 'pre']} periode sebelum, "
                    f"{table.loc[chosen, 'post']} sesudah).",
                    en=f"The ITS uses {chosen}: the adopting agency with the longest "
                    f"pre-period ({table.loc[chosen, 'pre']} periods before, "
                    f"{table.loc[chosen, 'post']} after).",
                ),
            )
        )
    series = panel.loc[panel[_UNIT] == chosen, ["period", _TIME, outcome, "treated"]]
    start = series.loc[series["treated"] == 1, "period"].min()
    covid = series["period"].dt.year.isin(list(covid_years)).astype(float)
    controls = []
    if covid.nunique() > 1:
        series = series.assign(covid=covid.to_numpy())
        controls = ["covid"]
    try:
        res = interrupted_time_series(
            series, outcome=outcome, time="period", intervention=start, controls=controls
        )
    except EstimationError as exc:
        notes.append(
            Diagnostic(
                "its",
                "warning",
                Bilingual(
                    id=f"ITS untuk {chosen} tidak dapat diestimasi: {exc}",
                    en=f"The ITS for {chosen} could not be estimated: {exc}",
                ),
            )
        )
        return None, chosen, False
    return res, chosen, bool(controls)


def _agency_effects(panel, outcome, names, labels) -> pd.DataFrame:
    """Agency-level ATT by imputation (Borusyak–Jaravel–Spiess style).

    Agency and period effects are fitted by least squares on the untreated
    cells (never- and not-yet-treated); each adopting agency's effect is the
    mean of observed minus imputed outcome over its treated cells.
    """
    df = panel[[_UNIT, _TIME, _COHORT, "treated", outcome]].copy()
    if _LEADERSHIP in panel.columns:
        df[_LEADERSHIP] = panel[_LEADERSHIP].to_numpy()
    u_codes, units = pd.factorize(df[_UNIT])
    t_codes, times = pd.factorize(df[_TIME], sort=True)
    untreated = (df["treated"] == 0).to_numpy()
    n_u, n_t = len(units), len(times)
    X = np.zeros((len(df), n_u + n_t - 1))
    X[np.arange(len(df)), u_codes] = 1.0
    later = t_codes > 0
    X[np.flatnonzero(later), n_u + t_codes[later] - 1] = 1.0
    y = df[outcome].to_numpy(float)
    coef, *_ = np.linalg.lstsq(X[untreated], y[untreated], rcond=None)
    # Periods without any untreated cell cannot be imputed.
    seen_t = np.zeros(n_t, dtype=bool)
    seen_t[np.unique(t_codes[untreated])] = True
    resid = y - X @ coef
    rows = []
    for code, agency in enumerate(units):
        mine = u_codes == code
        g = int(df.loc[mine, _COHORT].iloc[0])
        if g <= 0:
            continue
        pre = mine & untreated
        post = mine & ~untreated & seen_t[t_codes]
        n_pre, n_post = int(pre.sum()), int(post.sum())
        if n_post == 0 or n_pre == 0:
            continue
        est = float(resid[post].mean())
        if n_pre >= 2:
            sigma = float(np.sqrt(np.sum(resid[pre] ** 2) / (n_pre - 1)))
            se = sigma * np.sqrt(1 / n_post + 1 / n_pre)
            crit = stats.t.ppf(0.975, n_pre - 1)
            p = float(2 * stats.t.sf(abs(est / se), n_pre - 1)) if se > 0 else float("nan")
        else:
            se, crit, p = float("nan"), float("nan"), float("nan")
        rows.append(
            {
                "agency_id": agency,
                "name": names.get(agency, agency),
                "cohort": g,
                "cohort_label": labels.get(g, str(g)),
                _LEADERSHIP: float(df.loc[mine, _LEADERSHIP].iloc[0])
                if _LEADERSHIP in df.columns
                else float("nan"),
                "estimate": est,
                "std_error": se,
                "ci_lower": est - crit * se,
                "ci_upper": est + crit * se,
                "p_value": p,
                "n_pre": n_pre,
                "n_post": n_post,
            }
        )
    out = pd.DataFrame(rows)
    if len(out):
        lead = out[_LEADERSHIP]
        sd = float(lead.std(ddof=0))
        out.insert(5, "z", (lead - lead.mean()) / sd if sd > 0 else np.nan)
    return out


def _moderation(panel, effects, outcome, sd_kw, notes) -> Moderation | None:
    if _LEADERSHIP not in panel.columns or effects.empty or effects[_LEADERSHIP].isna().all():
        notes.append(
            Diagnostic(
                "no_readiness",
                "info",
                Bilingual(
                    id="Heterogenitas menurut komitmen pimpinan tidak dianalisis: studi ini tidak "
                    "memuat skor kesiapan (tabel readiness, dimensi leadership_commitment).",
                    en="Heterogeneity by leadership commitment is not analysed: the study has no "
                    "readiness scores (readiness table, dimension leadership_commitment).",
                ),
            )
        )
        return None
    from innolab_analysis.estimators.staggered import staggered_did

    ae = effects.dropna(subset=[_LEADERSHIP, "estimate"])
    score = ae[_LEADERSHIP].to_numpy(float)
    mean, sd = float(score.mean()), float(score.std(ddof=0))
    z = (score - mean) / sd
    y = ae["estimate"].to_numpy(float)
    n = len(y)
    X = np.column_stack([np.ones(n), z])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = X.T @ (X * (e**2)[:, None])
    V = bread @ meat @ bread * n / (n - 2)
    se = float(np.sqrt(V[1, 1]))
    crit = stats.t.ppf(0.975, n - 2)
    p = float(2 * stats.t.sf(abs(beta[1] / se), n - 2))

    median = float(np.median(score))
    high_ids = set(ae.loc[ae[_LEADERSHIP] >= median, "agency_id"])
    low_ids = set(ae.loc[ae[_LEADERSHIP] < median, "agency_id"])
    split = {}
    for name, keep, drop in (("high", high_ids, low_ids), ("low", low_ids, high_ids)):
        if not keep:
            split[name] = None
            continue
        sub = panel[~panel[_UNIT].isin(drop)]
        try:
            split[name] = staggered_did(
                sub, outcome=outcome, unit=_UNIT, time=_TIME, cohort=_COHORT, **sd_kw
            )
        except EstimationError:
            split[name] = None
    hi, lo = split["high"], split["low"]
    if hi is not None and lo is not None:
        diff = hi.estimate - lo.estimate
        dse = float(np.hypot(hi.std_error, lo.std_error))
        dp = float(2 * stats.norm.sf(abs(diff / dse))) if dse > 0 else float("nan")
    else:
        diff = dse = dp = float("nan")
    return Moderation(
        slope_per_sd=float(beta[1]),
        std_error=se,
        ci_lower=float(beta[1] - crit * se),
        ci_upper=float(beta[1] + crit * se),
        p_value=p,
        intercept=float(beta[0]),
        score_mean=mean,
        score_sd=sd,
        n_agencies=n,
        median=median,
        high=hi,
        low=lo,
        difference=float(diff),
        difference_se=dse,
        difference_p=dp,
    )
