"""The innovation portfolio of a city: coverage, flow, funnels, mix, speed, survival, readiness.

:func:`innovation_portfolio` calls the innovation and readiness metrics once
for a study window and returns a frozen :class:`Portfolio` whose
:meth:`~Portfolio.markdown` writes each section of the notebook in Bahasa
Indonesia or English, quoting the computed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import InnolabError, ParamsError, check_option
from innolab_analysis.studies._narrative import (
    Language,
    check_language,
    fmt_num,
    fmt_pct,
    join_words,
    pick,
)

__all__ = ["PORTFOLIO_SECTIONS", "Portfolio", "innovation_portfolio"]

PORTFOLIO_SECTIONS: tuple[str, ...] = (
    "coverage",
    "flow",
    "funnel",
    "mix",
    "speed",
    "survival",
    "readiness",
)
"""Narrative sections of :meth:`Portfolio.markdown`, in notebook order."""

_MIX_WORDS = {
    "original": ("orisinal", "original"),
    "adaptation": ("adaptasi", "adaptation"),
    "modification": ("modifikasi", "modification"),
    "pelayanan_publik": ("pelayanan publik", "public service"),
    "tata_kelola": ("tata kelola", "governance"),
    "lainnya": ("lainnya", "other"),
    "True": ("digital", "digital"),
    "False": ("non-digital", "non-digital"),
}


@dataclass(frozen=True)
class Portfolio:
    """The innovation portfolio of one study window (frozen).

    Attributes
    ----------
    start_year, end_year : int
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
        Kaplan–Meier survival at 1, 2, 3 and 5 years, censored at 31 December of ``end_year``.
    readiness : DataFrame or None
        Latest assessment per agency up to ``end_year`` (readiness index,
        dimensions, ``leadership_commitment``, ``low_leadership``, ``name``);
        None when the study has no readiness table.
    rubric_name : str
    leadership_threshold : float
    names : DataFrame
        ``agency_id, name`` of the study's agencies.
    """

    start_year: int
    end_year: int
    coverage: pd.DataFrame
    flow: pd.DataFrame
    funnel: pd.DataFrame
    mix: pd.DataFrame
    speed: pd.DataFrame
    survival: pd.DataFrame
    readiness: pd.DataFrame | None
    rubric_name: str
    leadership_threshold: float
    names: pd.DataFrame

    def _name(self, ids) -> list[str]:
        lookup = dict(zip(self.names["agency_id"], self.names["name"]))
        return [lookup.get(i, i) for i in ids]

    def markdown(self, section: str, language: Language = "id") -> str:
        """One section of the narrative (Markdown with a ``##`` heading), numbers quoted.

        Parameters
        ----------
        section : str
            One of :data:`PORTFOLIO_SECTIONS`.
        language : {"id", "en"}
        """
        check_language(language)
        check_option("section", section, PORTFOLIO_SECTIONS)
        return getattr(self, f"_md_{section}")(language)

    def _md_coverage(self, language: str) -> str:
        c = self.coverage
        last = c.iloc[-1]
        first_full = c.loc[c["share"] >= 1, "year"]
        without = self._name(last["agencies_without"])
        full = (
            pick(
                language,
                id=f"Cakupan penuh pertama kali tercapai pada {int(first_full.iloc[0])}.",
                en=f"Full coverage was first reached in {int(first_full.iloc[0])}.",
            )
            if len(first_full)
            else pick(
                language,
                id="Cakupan penuh belum pernah tercapai.",
                en="Full coverage has not been reached.",
            )
        )
        listing = (
            pick(language, id="Unit tanpa inovasi aktif: ", en="Units without an active one: ")
            + join_words(without, language, sep="; ")
            + "."
            if without
            else ""
        )
        return (
            pick(
                language,
                id="## Satu Perangkat Daerah Satu Inovasi",
                en="## One Agency One Innovation",
            )
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Pada {int(last['year'])}, **{int(last['n_with_innovation'])}** dari "
                    f"{int(last['n_agencies'])} unit ({fmt_pct(last['share'], language)}) memiliki "
                    f"sedikitnya satu inovasi aktif; pada {int(c.iloc[0]['year'])} "
                    f"{fmt_pct(c.iloc[0]['share'], language)}. {full} {listing}"
                ),
                en=(
                    f"In {int(last['year'])}, **{int(last['n_with_innovation'])}** of "
                    f"{int(last['n_agencies'])} units ({fmt_pct(last['share'], language)}) had at "
                    f"least one active innovation; in {int(c.iloc[0]['year'])} "
                    f"{fmt_pct(c.iloc[0]['share'], language)}. {full} {listing}"
                ),
            )
        )

    def _md_flow(self, language: str) -> str:
        f = self.flow
        peak = f.loc[f["launched"].idxmax()]
        last = f.iloc[-1]
        return (
            pick(language, id="## Arus dan stok inovasi", en="## Flow and stock of innovations")
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Dalam {self.start_year}–{self.end_year} diluncurkan "
                    f"**{int(f['launched'].sum())}** inovasi, terbanyak pada {int(peak['year'])} "
                    f"({int(peak['launched'])}); {int(f['discontinued'].sum())} dihentikan. Pada "
                    f"akhir {int(last['year'])} ada {int(last['active_end'])} inovasi aktif."
                ),
                en=(
                    f"In {self.start_year}–{self.end_year}, **{int(f['launched'].sum())}** "
                    f"innovations were launched, most in {int(peak['year'])} "
                    f"({int(peak['launched'])}); {int(f['discontinued'].sum())} were stopped. At "
                    f"the end of {int(last['year'])}, {int(last['active_end'])} were active."
                ),
            )
        )

    def _md_funnel(self, language: str) -> str:
        f = self.funnel
        iid = f[f["scheme"] == "iid"]
        lab = f[f["scheme"] == "labinov"]
        text = pick(
            language,
            id=(
                f"Dari {int(iid['n_reached'].iloc[0])} inisiatif yang tercatat, "
                f"{int(iid['n_reached'].iloc[-1])} ({fmt_pct(iid['share_of_entered'].iloc[-1], language)}) "
                "mencapai tahap penerapan (tahapan IID)."
            ),
            en=(
                f"Of {int(iid['n_reached'].iloc[0])} recorded initiatives, "
                f"{int(iid['n_reached'].iloc[-1])} ({fmt_pct(iid['share_of_entered'].iloc[-1], language)}) "
                "reached implementation (IID stages)."
            ),
        )
        if len(lab) and lab["n_reached"].iloc[0] > 0:
            text += " " + pick(
                language,
                id=(
                    f"Dalam Laboratorium Inovasi LAN (5D), {int(lab['n_reached'].iloc[0])} inovasi "
                    f"masuk tahap drum-up dan {int(lab['n_reached'].iloc[-1])} sampai display."
                ),
                en=(
                    f"In LAN's Laboratorium Inovasi (5D), {int(lab['n_reached'].iloc[0])} "
                    f"innovations entered drum-up and {int(lab['n_reached'].iloc[-1])} reached "
                    "display."
                ),
            )
        return pick(language, id="## Tahapan inovasi", en="## Innovation funnels") + "\n\n" + text

    def _md_mix(self, language: str) -> str:
        parts = []
        for dim, (w_id, w_en) in {
            "origin": ("asal", "origin"),
            "form": ("bentuk", "form"),
            "digital": ("sifat", "type"),
        }.items():
            sub = self.mix[(self.mix["dimension"] == dim) & (self.mix["value"] != "(blank)")]
            items = [
                f"{pick(language, id=_MIX_WORDS.get(v, (v, v))[0], en=_MIX_WORDS.get(v, (v, v))[1])} "
                f"{fmt_pct(s, language)}"
                for v, s in zip(sub["value"], sub["share"])
            ]
            parts.append(f"{pick(language, id=w_id, en=w_en)}: {', '.join(items)}")
        return (
            pick(language, id="## Ragam inovasi", en="## Innovation mix")
            + "\n\n"
            + "; ".join(parts)
            + "."
        )

    def _md_speed(self, language: str) -> str:
        s = self.speed.iloc[0]
        return (
            pick(language, id="## Kecepatan peluncuran", en="## Time to launch")
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Median waktu dari usulan sampai penerapan **{fmt_num(s['median_days'], language, 0)}** "
                    f"hari (kuartil {fmt_num(s['q1_days'], language, 0)}–"
                    f"{fmt_num(s['q3_days'], language, 0)}); {int(s['n_launched'])} dari "
                    f"{int(s['n_proposed'])} usulan sudah diterapkan."
                ),
                en=(
                    f"Median time from proposal to implementation **{fmt_num(s['median_days'], language, 0)}** "
                    f"days (quartiles {fmt_num(s['q1_days'], language, 0)}–"
                    f"{fmt_num(s['q3_days'], language, 0)}); {int(s['n_launched'])} of "
                    f"{int(s['n_proposed'])} proposals have been implemented."
                ),
            )
        )

    def _md_survival(self, language: str) -> str:
        s = self.survival.dropna(subset=["survival"])
        items = [
            f"{fmt_num(y, language, 0)} {pick(language, id='tahun', en='yr')}: "
            f"{fmt_pct(v, language)}"
            for y, v in zip(s["years"], s["survival"])
        ]
        return (
            pick(language, id="## Keberlanjutan inovasi", en="## Survival of innovations")
            + "\n\n"
            + pick(
                language,
                id=(
                    "Bagian inovasi yang masih berjalan sekian tahun sesudah diluncurkan "
                    f"(Kaplan–Meier, disensor pada akhir {self.end_year}): "
                ),
                en=(
                    "Share of innovations still running years after launch (Kaplan–Meier, "
                    f"censored at the end of {self.end_year}): "
                ),
            )
            + "; ".join(items)
            + "."
        )

    def _md_readiness(self, language: str) -> str:
        heading = pick(language, id="## Kesiapan berinovasi", en="## Innovation readiness")
        r = self.readiness
        if r is None or r["readiness_index"].notna().sum() == 0:
            return (
                heading
                + "\n\n"
                + pick(
                    language,
                    id="Studi ini tidak memuat penilaian kesiapan.",
                    en="The study has no readiness assessments.",
                )
            )
        ok = r.dropna(subset=["readiness_index"])
        low = ok.loc[ok["low_leadership"].fillna(False).astype(bool), "name"].tolist()
        top = ok.sort_values("readiness_index").iloc[-1]
        return (
            heading
            + "\n\n"
            + pick(
                language,
                id=(
                    f"Indeks kesiapan (0–100) rata-rata **{fmt_num(ok['readiness_index'].mean(), language, 1)}** "
                    f"atas {len(ok)} unit; tertinggi {top['name']} "
                    f"({fmt_num(top['readiness_index'], language, 1)}). Komitmen pimpinan — dimensi "
                    "berbobot terbesar — di bawah ambang "
                    f"{fmt_num(self.leadership_threshold, language, 0)} pada {len(low)} unit"
                    + (f": {join_words(low, language, sep='; ')}" if low else "")
                    + f". Rubrik yang dipakai (*{self.rubric_name}*) adalah rubrik innolab, "
                    "**bukan rubrik resmi LAN** (Panduan Innovation Readiness Level tidak publik)."
                ),
                en=(
                    f"The readiness index (0–100) averages **{fmt_num(ok['readiness_index'].mean(), language, 1)}** "
                    f"over {len(ok)} units; highest {top['name']} "
                    f"({fmt_num(top['readiness_index'], language, 1)}). Leadership commitment — the "
                    f"most heavily weighted dimension — is below the threshold of "
                    f"{fmt_num(self.leadership_threshold, language, 0)} in {len(low)} units"
                    + (f": {join_words(low, language, sep='; ')}" if low else "")
                    + f". The rubric used (*{self.rubric_name}*) is innolab's, **not LAN's "
                    "official one** (its Innovation Readiness Level guide is not public)."
                ),
            )
        )

    def plot_readiness(self, ax=None, *, language: Language = "id"):
        """Readiness index per unit, with the leadership-commitment score highlighted.

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style

        check_language(language)
        if self.readiness is None:
            raise InnolabError("the study has no readiness assessments to plot")
        r = self.readiness.dropna(subset=["readiness_index"]).sort_values("readiness_index")
        with plot_style():
            ax = axes_or_new(ax, figsize=(8.0, 0.28 * len(r) + 1.5))
            y = np.arange(len(r))
            ax.barh(
                y,
                r["readiness_index"],
                color=PALETTE["band"],
                label=pick(language, id="Indeks kesiapan", en="Readiness index"),
            )
            low = r["low_leadership"].fillna(False).astype(bool).to_numpy()
            ax.scatter(
                r["leadership_commitment"],
                y,
                color=np.where(low, PALETTE["treated"], PALETTE["control"]),
                zorder=3,
                label=pick(language, id="Komitmen pimpinan", en="Leadership commitment"),
            )
            ax.axvline(self.leadership_threshold, color="black", lw=0.8, ls="--")
            ax.set_yticks(y)
            ax.set_yticklabels(r["name"])
            ax.set_xlim(0, 100)
            ax.set_xlabel(pick(language, id="Skor (0–100)", en="Score (0–100)"))
            ax.legend(loc="lower right", fontsize="small")
        return ax


def innovation_portfolio(
    study: Any, *, start_year: int = 2015, end_year: int = 2024, rubric: str = "default"
) -> Portfolio:
    """Compute the innovation portfolio of a study window.

    Parameters
    ----------
    study : Study
        A loaded study with ``agencies`` and ``innovations`` (``readiness`` optional).
    start_year, end_year : int
        Years of the coverage and flow tables; survival is censored at 31
        December of ``end_year`` and readiness uses assessments up to then.
    rubric : str
        ``"default"`` (the shipped rubric — ours, not LAN's) or the path of a rubric YAML.

    Returns
    -------
    Portfolio

    Raises
    ------
    ParamsError
        ``start_year`` after ``end_year``.

    Examples
    --------
    >>> from innolab_analysis.data.study import load_study
    >>> p = innovation_portfolio(load_study("data/demo"))
    >>> int(p.coverage["year"].iloc[-1])
    2024
    """
    from innolab_analysis.metrics.innovation import (
        innovation_coverage,
        innovation_flow,
        innovation_funnel,
        innovation_mix,
        innovation_survival,
        time_to_launch,
    )
    from innolab_analysis.metrics.readiness import load_rubric, readiness_index

    if start_year > end_year:
        raise ParamsError(f"start_year ({start_year}) is after end_year ({end_year}); swap them")
    years = range(start_year, end_year + 1)
    inn, agencies = study.innovations, study.agencies
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
    readiness = None
    if study.readiness is not None and len(study.readiness):
        idx = readiness_index(study.readiness, rub)
        idx = idx[idx["assessed_on"] <= end]
        latest = idx.sort_values("assessed_on").groupby("agency_id").tail(1)
        readiness = latest.merge(names, on="agency_id", how="left").reset_index(drop=True)
    return Portfolio(
        start_year=start_year,
        end_year=end_year,
        coverage=innovation_coverage(inn, agencies, years=years),
        flow=innovation_flow(inn, years=years),
        funnel=funnel,
        mix=innovation_mix(inn),
        speed=time_to_launch(inn, by=None),
        survival=innovation_survival(inn, as_of=end),
        readiness=readiness,
        rubric_name=rub.name,
        leadership_threshold=rub.leadership_threshold,
        names=names,
    )
