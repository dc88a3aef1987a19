"""Comparative synthesis: put the effects of many studies and designs side by side.

The agency-level notebooks (staggered DiD, TWFE, ITS …) and the city-level
spillover study all record tidy effect rows with the columns
:data:`~innolab_analysis.estimators._result.EFFECT_COLUMNS`. This module reads
such rows and answers the comparative questions: how do units compare (a
forest plot and a ranking that shows its uncertainty), what is the pooled
effect (inverse-variance and DerSimonian–Laird random effects), and do the
designs agree (a reconciliation table with the usual reasons they differ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.options import Language, PoolModel, SynthesisSection

__all__ = [
    "PooledEffect",
    "Synthesis",
    "comparative_synthesis",
    "check_effects",
    "forest_plot",
    "pool_effects",
    "rank_units",
    "reconcile_designs",
]


# Why two designs can disagree, keyed by the method names the estimators use.
_REASONS: dict[frozenset[str], tuple[str, str]] = {
    frozenset({"twfe", "staggered_did"}): (
        "TWFE memakai unit yang sudah lebih dulu diperlakukan sebagai pembanding; bila efek "
        "berbeda antar-kohort atau tumbuh dari waktu ke waktu, bobotnya bisa negatif "
        "(lihat dekomposisi Goodman-Bacon). Estimasi Callaway–Sant'Anna tidak memakai "
        "perbandingan terlarang itu.",
        "TWFE uses already-treated units as controls; when effects differ across cohorts or "
        "grow over time its weights can turn negative (see the Goodman-Bacon decomposition). "
        "The Callaway–Sant'Anna estimate avoids those forbidden comparisons.",
    ),
    frozenset({"before_after", "staggered_did"}): (
        "Perbandingan sebelum–sesudah tidak punya kelompok pembanding: tren umum (mis. COVID "
        "2020) ikut terhitung sebagai efek.",
        "A before/after comparison has no control group: common trends (e.g. the 2020 COVID "
        "shock) are counted as effect.",
    ),
    frozenset({"interrupted_time_series", "staggered_did"}): (
        "ITS memproyeksikan tren pra-intervensi satu unit; DiD memakai unit lain sebagai "
        "pembanding. Bila tren satu unit itu tidak linear atau ada guncangan bersamaan, keduanya "
        "berbeda.",
        "ITS extrapolates one unit's own pre-trend; DiD uses other units as the comparison. "
        "They differ when that trend is not linear or a common shock hits after the start.",
    ),
    frozenset({"interrupted_time_series", "did_imputation"}): (
        "ITS memproyeksikan tren pra-intervensi unit itu sendiri; estimasi per unit (imputasi DiD) "
        "memakai efek periode dari unit lain yang belum diperlakukan. Guncangan bersama seperti "
        "COVID 2020 masuk ke ITS kecuali dikendalikan.",
        "ITS extrapolates the unit's own pre-trend; the per-agency estimate (DiD imputation) "
        "takes period effects from the not-yet-treated units. A common shock such as the 2020 "
        "COVID dip enters ITS unless it is controlled for.",
    ),
    frozenset({"synthetic_control", "spillover_growth_linkage"}): (
        "Kontrol sintetis membandingkan jalur PDRB dengan gabungan daerah donor; keterkaitan "
        "pertumbuhan mengukur perubahan elastisitas terhadap pertumbuhan kota inti. Yang satu "
        "mengukur tingkat, yang lain kepekaan — keduanya bisa benar sekaligus.",
        "The synthetic control compares the PDRB path with a weighted pool of donor regions; the "
        "growth linkage measures the change in the elasticity to the core city's growth. One "
        "measures a level, the other a sensitivity — both can be right at once.",
    ),
}


def check_effects(effects: pd.DataFrame) -> pd.DataFrame:
    """Validate tidy effect rows and return a copy with numeric columns as floats.

    Parameters
    ----------
    effects : DataFrame
        Rows with the columns of ``EFFECT_COLUMNS``.

    Returns
    -------
    DataFrame

    Raises
    ------
    DataValidationError
        When columns are missing or estimates are not numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from innolab_analysis.estimators._result import EFFECT_COLUMNS
    >>> row = dict(zip(EFFECT_COLUMNS, ["s", "agency", "a1", "ikm", "att", 1.0, 0.5, 0.0,
    ...                                 2.0, 0.05, 10, "did_2x2", "hc1"]))
    >>> check_effects(pd.DataFrame([row])).shape
    (1, 13)
    """
    missing = [c for c in EFFECT_COLUMNS if c not in effects.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"effect rows lack the columns {missing}",
                    allowed="the columns of EFFECT_COLUMNS: " + ", ".join(EFFECT_COLUMNS),
                )
            ]
        )
    out = effects.copy()
    problems = []
    for col in ("estimate", "std_error", "ci_lower", "ci_upper", "p_value"):
        converted = pd.to_numeric(out[col], errors="coerce")
        bad = converted.isna() & out[col].notna()
        if bad.any():
            idx = np.flatnonzero(bad.to_numpy())[:5]
            problems.append(
                Problem(
                    "is not a number",
                    column=col,
                    rows=tuple(int(i) + 2 for i in idx),
                    values=tuple(out[col].iloc[idx]),
                    allowed="numbers",
                )
            )
        out[col] = converted.astype("float64")
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the effect rows")
    return out


def forest_plot(
    effects: pd.DataFrame,
    ax=None,
    *,
    label: str | list[str] = ("unit", "method"),
    language: Language = "en",
    pooled: PooledEffect | None = None,
):
    """Forest plot: one row per effect with its confidence interval.

    Parameters
    ----------
    effects : DataFrame
        Tidy effect rows (``EFFECT_COLUMNS``), one row per effect to show.
    ax : matplotlib Axes, optional
    label : str or list of str
        Columns joined to label each row.
    language : {"id", "en"}
    pooled : PooledEffect, optional
        Drawn as a diamond at the bottom.

    Returns
    -------
    matplotlib Axes
    """
    from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style

    eff = check_effects(effects).reset_index(drop=True)
    cols = [label] if isinstance(label, str) else list(label)
    labels = eff[cols].astype(str).agg(" · ".join, axis=1)
    n = len(eff)
    with plot_style():
        ax = axes_or_new(ax, figsize=(7.0, max(2.5, 0.35 * n + 1.2)))
        y = np.arange(n)[::-1] + (1 if pooled is not None else 0)
        excludes_zero = ((eff["ci_lower"] > 0) | (eff["ci_upper"] < 0)).to_numpy()
        for mask, color in (
            (excludes_zero, PALETTE["treated"]),
            (~excludes_zero, PALETTE["counterfactual"]),
        ):
            if not mask.any():
                continue
            sub = eff[mask]
            err = np.vstack([sub["estimate"] - sub["ci_lower"], sub["ci_upper"] - sub["estimate"]])
            ax.errorbar(
                sub["estimate"], y[mask], xerr=np.abs(err), fmt="o", color=color, ms=4, capsize=2
            )
        ticks, ticklabels = list(y), list(labels)
        if pooled is not None:
            est, lo, hi = pooled.estimate, pooled.ci_lower, pooled.ci_upper
            ax.fill([lo, est, hi, est], [0, 0.25, 0, -0.25], color=PALETTE["control"])
            ticks.append(0)
            ticklabels.append(
                "Gabungan (efek acak)" if language == "id" else "Pooled (random effects)"
            )
        ax.set_yticks(ticks)
        ax.set_yticklabels(ticklabels)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("Estimasi efek (IK 95%)" if language == "id" else "Effect estimate (95% CI)")
    return ax


def rank_units(
    effects: pd.DataFrame,
    *,
    by: str = "unit",
    n_draws: int = 4000,
    seed: int | None = 0,
    higher_is_better: bool = True,
    level: float = 0.90,
) -> pd.DataFrame:
    """Rank units by effect size and show how uncertain the ranking is.

    Each effect is drawn ``n_draws`` times from a normal distribution with its
    estimate and standard error; the ranks of every draw give each unit a
    rank distribution. A unit whose rank interval spans most of the league
    cannot honestly be called first or last.

    Parameters
    ----------
    effects : DataFrame
        One row per unit (``EFFECT_COLUMNS``).
    by : str
        Column naming the units.
    n_draws : int
    seed : int, optional
    higher_is_better : bool
        Rank 1 goes to the largest effect when True.
    level : float
        Coverage of the rank interval.

    Returns
    -------
    DataFrame
        ``unit, estimate, std_error, rank, mean_rank, rank_lower, rank_upper, p_best``
        sorted by ``rank``.

    Examples
    --------
    >>> import pandas as pd
    >>> from innolab_analysis.estimators._result import EFFECT_COLUMNS
    >>> rows = [dict(zip(EFFECT_COLUMNS, ["s", "agency", u, "ikm", "att", e, 0.1, e - .2,
    ...         e + .2, 0.01, 10, "did_2x2", "hc1"])) for u, e in [("a", 3.0), ("b", 1.0)]]
    >>> rank_units(pd.DataFrame(rows))["unit"].tolist()
    ['a', 'b']
    """
    eff = check_effects(effects)
    if eff[by].duplicated().any():
        dup = eff.loc[eff[by].duplicated(), by].unique().tolist()
        raise DataValidationError(
            [Problem(f"has more than one row for {dup}; keep one effect per unit", column=by)]
        )
    se = eff["std_error"].to_numpy()
    if not np.all(np.isfinite(se) & (se >= 0)):
        bad = eff.loc[~(np.isfinite(se) & (se >= 0)), by].tolist()
        raise DataValidationError(
            [Problem(f"has no finite standard error for {bad}", column="std_error")]
        )
    rng = np.random.default_rng(seed)
    est = eff["estimate"].to_numpy()
    draws = est + se * rng.standard_normal((n_draws, len(est)))
    sign = -1.0 if higher_is_better else 1.0
    ranks = np.argsort(np.argsort(sign * draws, axis=1), axis=1) + 1
    alpha = (1 - level) / 2
    out = pd.DataFrame(
        {
            "unit": eff[by].to_numpy(),
            "estimate": est,
            "std_error": se,
            "rank": np.argsort(np.argsort(sign * est)) + 1,
            "mean_rank": ranks.mean(axis=0),
            "rank_lower": np.quantile(ranks, alpha, axis=0, method="lower").astype(int),
            "rank_upper": np.quantile(ranks, 1 - alpha, axis=0, method="higher").astype(int),
            "p_best": (ranks == 1).mean(axis=0),
        }
    )
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class PooledEffect:
    """Inverse-variance pooled effect with DerSimonian–Laird heterogeneity."""

    estimate: float
    std_error: float
    ci_lower: float
    ci_upper: float
    p_value: float
    tau2: float
    i2: float
    q: float
    q_p_value: float
    k: int
    model: str

    def summary(self) -> pd.DataFrame:
        """One-row tidy table."""
        return pd.DataFrame([self.__dict__])


def pool_effects(
    effects: pd.DataFrame, *, model: PoolModel = "random", level: float = 0.95
) -> PooledEffect:
    """Pool independent effects (inverse-variance; DerSimonian–Laird random effects).

    Parameters
    ----------
    effects : DataFrame
        Tidy effect rows of independent units (e.g. one per agency).
    model : {"random", "fixed"}
    level : float

    Returns
    -------
    PooledEffect
        With Cochran's Q, τ² and I² = max(0, (Q − (k−1))/Q).

    Examples
    --------
    >>> import pandas as pd
    >>> from innolab_analysis.estimators._result import EFFECT_COLUMNS
    >>> rows = [dict(zip(EFFECT_COLUMNS, ["s", "agency", u, "ikm", "att", e, 1.0, e - 2,
    ...         e + 2, 0.3, 10, "did_2x2", "hc1"])) for u, e in [("a", 1.0), ("b", 3.0)]]
    >>> round(pool_effects(pd.DataFrame(rows), model="fixed").estimate, 6)
    2.0
    """
    if model not in ("random", "fixed"):
        raise DataValidationError(f"model must be one of ('random', 'fixed'), got {model!r}")
    eff = check_effects(effects)
    y = eff["estimate"].to_numpy()
    v = eff["std_error"].to_numpy() ** 2
    if len(y) < 2 or not np.all(np.isfinite(v) & (v > 0)):
        raise DataValidationError(
            "pooling needs at least two effects with positive, finite standard errors"
        )
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    k = len(y)
    c = np.sum(w) - np.sum(w**2) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c) if model == "random" else 0.0
    w_star = 1 / (v + tau2)
    est = float(np.sum(w_star * y) / np.sum(w_star))
    se = float(np.sqrt(1 / np.sum(w_star)))
    z = stats.norm.ppf(0.5 + level / 2)
    return PooledEffect(
        estimate=est,
        std_error=se,
        ci_lower=est - z * se,
        ci_upper=est + z * se,
        p_value=float(2 * stats.norm.sf(abs(est / se))),
        tau2=float(tau2),
        i2=float(max(0.0, (q - (k - 1)) / q)) if q > 0 else 0.0,
        q=q,
        q_p_value=float(stats.chi2.sf(q, k - 1)),
        k=k,
        model=model,
    )


def reconcile_designs(effects: pd.DataFrame, *, language: Language = "en") -> pd.DataFrame:
    """Compare designs that estimated the same outcome for the same unit.

    For each (unit, outcome) with more than one design, every pair of designs
    gets the difference of estimates, a rough z statistic (treating the two
    estimates as independent, which overstates the SE of the difference when
    both use the same data — so a flagged disagreement is a real one), whether
    their intervals overlap, and the usual reason the two designs differ.

    Parameters
    ----------
    effects : DataFrame
        Tidy effect rows (``EFFECT_COLUMNS``); headline rows per design.
    language : {"id", "en"}

    Returns
    -------
    DataFrame
        ``unit, outcome, design_a, design_b, estimate_a, estimate_b, difference,
        z, intervals_overlap, disagree, reason``.
    """
    eff = check_effects(effects)
    rows = []
    for (unit, outcome), grp in eff.groupby(["unit", "outcome"], sort=True):
        grp = grp.drop_duplicates("method")
        recs = grp.to_dict("records")
        for i in range(len(recs)):
            for j in range(i + 1, len(recs)):
                a, b = recs[i], recs[j]
                diff = a["estimate"] - b["estimate"]
                se = float(np.hypot(a["std_error"], b["std_error"]))
                z = diff / se if se > 0 else float("nan")
                overlap = not (a["ci_upper"] < b["ci_lower"] or b["ci_upper"] < a["ci_lower"])
                sign_differs = np.sign(a["estimate"]) != np.sign(b["estimate"])
                reason = _REASONS.get(frozenset({a["method"], b["method"]}))
                rows.append(
                    {
                        "unit": unit,
                        "outcome": outcome,
                        "design_a": a["method"],
                        "design_b": b["method"],
                        "estimate_a": a["estimate"],
                        "estimate_b": b["estimate"],
                        "difference": diff,
                        "z": z,
                        "intervals_overlap": overlap,
                        "disagree": (not overlap) or bool(sign_differs and abs(z) > 1.96),
                        "reason": (reason[0] if language == "id" else reason[1]) if reason else "",
                    }
                )
    cols = [
        "unit", "outcome", "design_a", "design_b", "estimate_a", "estimate_b",
        "difference", "z", "intervals_overlap", "disagree", "reason",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- the synthesis bundle

_AGENCY_METHOD = "did_imputation"
_LOWER_IS_BETTER = ("processing_days", "complaint_resolution_days", "complaints_received")


@dataclass(frozen=True)
class Synthesis:
    """Everything the comparative synthesis report shows, computed once.

    Attributes
    ----------
    headline : DataFrame
        One row per run, notebook, unit, design and outcome, with a finite
        confidence interval (descriptive levels without one are left out).
    designs : DataFrame
        The all-agency and city-level rows: one per design and outcome.
    agencies : DataFrame
        Agency-level effects of one outcome (for the ranking), possibly empty.
    ranking : DataFrame or None
        :func:`rank_units` of ``agencies``.
    pooled : PooledEffect or None
        :func:`pool_effects` of ``agencies``.
    reconciliation : DataFrame
        :func:`reconcile_designs` of ``headline``.
    studies : tuple of str
        ``run / notebook`` of every study combined.
    """

    headline: pd.DataFrame
    designs: pd.DataFrame
    agencies: pd.DataFrame
    ranking: pd.DataFrame | None
    pooled: PooledEffect | None
    reconciliation: pd.DataFrame
    studies: tuple[str, ...]
    source: str = ""

    def markdown(
        self,
        section: SynthesisSection,
        language: Language,
    ) -> str:
        """The narrative of one section, quoting the computed numbers."""
        from innolab_analysis.studies._narrative import fmt_ci, fmt_num, join_words, pick

        if section == "studies":
            text = pick(language, id="## Studi yang digabungkan\n\n", en="## Studies combined\n\n")
            if not self.studies:
                return text + pick(
                    language,
                    id=f"Belum ada baris efek di `{self.source}`: jalankan dulu notebook studi "
                    "(mis. dampak inovasi).",
                    en=f"No effect rows under `{self.source}` yet: run the study notebooks "
                    "(e.g. innovation impact) first.",
                )
            n, k = len(self.headline), len(self.studies)
            text += pick(
                language,
                id=f"{n} estimasi dari {k} studi: {join_words(self.studies, language)}.",
                en=f"{n} estimates from {k} stud{'y' if k == 1 else 'ies'}: "
                f"{join_words(self.studies, language)}.",
            )
            if k == 1:
                text += pick(
                    language,
                    id=" **Hanya satu studi yang sudah dijalankan**, jadi sintesis ini "
                    "membandingkan desain dan unit di dalam studi itu saja.",
                    en=" **Only one study has run**, so this synthesis compares designs and "
                    "units within that study only.",
                )
            return text
        if section == "designs":
            text = pick(language, id="## Efek menurut desain\n\n", en="## Effects by design\n\n")
            if not len(self.designs):
                return text + pick(
                    language,
                    id="Tidak ada estimasi tingkat kota atau seluruh unit.",
                    en="No city-level or all-agency estimate.",
                )
            cols = ["method", "outcome", "unit", "estimate", "ci_lower", "ci_upper"]
            return text + "\n".join(
                f"- {m} ({o}, {u}): {fmt_num(e, language)} [{fmt_ci(lo, hi, language)}]"
                for m, o, u, e, lo, hi in self.designs[cols].itertuples(index=False)
            )
        if section == "ranking":
            text = pick(
                language,
                id="## Peringkat unit dan efek gabungan\n\n",
                en="## Ranking of agencies and pooled effect\n\n",
            )
            if self.ranking is None or self.pooled is None:
                return text + pick(
                    language,
                    id="Belum ada efek per unit untuk diperingkat.",
                    en="No agency-level effects to rank yet.",
                )
            top, pooled = self.ranking.iloc[0], self.pooled
            outcome, n = self.agencies["outcome"].iloc[0], len(self.agencies)
            rank_range = f"{int(top['rank_lower'])}–{int(top['rank_upper'])}"
            p_best = fmt_num(100 * top["p_best"], language, 0)
            est, ci = (
                fmt_num(pooled.estimate, language),
                fmt_ci(pooled.ci_lower, pooled.ci_upper, language),
            )
            i2 = fmt_num(100 * pooled.i2, language, 0)
            return text + pick(
                language,
                id=(
                    f"Efek per unit ({outcome}) dari {n} unit. Peringkat pertama **{top['unit']}** "
                    f"({fmt_num(top['estimate'], language)}), tetapi selang peringkat 90%-nya "
                    f"{rank_range} dan peluangnya menjadi yang terbaik {p_best}%: peringkat yang "
                    f"berdekatan tidak dapat dibedakan. Efek gabungan (efek acak "
                    f"DerSimonian–Laird) {est} (IK 95% {ci}; I² = {i2}%). Unit-unit ini berbagi "
                    "data pembanding, sehingga galat baku gabungan hanya perkiraan."
                ),
                en=(
                    f"Agency-level effects ({outcome}) for {n} agencies. First is "
                    f"**{top['unit']}** ({fmt_num(top['estimate'], language)}), but its 90% rank "
                    f"interval is {rank_range} and its chance of being best {p_best}%: "
                    f"neighbouring ranks cannot be told apart. Pooled effect (DerSimonian–Laird "
                    f"random effects) {est} (95% CI {ci}; I² = {i2}%). The agencies share "
                    "comparison data, so the pooled standard error is approximate."
                ),
            )
        if section == "reconciliation":
            text = pick(
                language, id="## Rekonsiliasi desain\n\n", en="## Reconciling the designs\n\n"
            )
            rec = self.reconciliation
            if not len(rec):
                return text + pick(
                    language,
                    id="Belum ada dua desain untuk unit dan hasil yang sama.",
                    en="No two designs for the same unit and outcome yet.",
                )
            n_dis = int(rec["disagree"].sum())
            text += pick(
                language,
                id=f"{len(rec)} pasangan desain memperkirakan hasil yang sama untuk unit yang "
                f"sama; {n_dis} di antaranya tidak sepakat.",
                en=f"{len(rec)} pairs of designs estimate the same outcome for the same unit; "
                f"{n_dis} of them disagree.",
            )
            reasons = [r for r in rec["reason"].unique() if r]
            return text + ("\n\n" + "\n".join(f"- {r}" for r in reasons) if reasons else "")
        raise DataValidationError(
            f"section must be one of ('studies', 'designs', 'ranking', 'reconciliation'), "
            f"got {section!r}"
        )

    def plot_designs(self, ax=None, *, language: Language = "en"):
        """Forest plot of the all-agency and city-level effects."""
        eff = self.designs.assign(unit=self.designs["unit"] + " · " + self.designs["outcome"])
        return forest_plot(eff, ax=ax, label=["method", "unit"], language=language)

    def plot_agencies(self, ax=None, *, language: Language = "en"):
        """Forest plot of the agency-level effects, sorted, with the pooled effect."""
        eff = self.agencies.sort_values("estimate", ascending=False)
        return forest_plot(eff, ax=ax, label="unit", language=language, pooled=self.pooled)


def comparative_synthesis(
    effects: pd.DataFrame, *, source: str = "", seed: int | None = 0
) -> Synthesis:
    """Build the comparative synthesis from the effect rows of every study that has run.

    Parameters
    ----------
    effects : DataFrame
        As returned by :func:`innolab_analysis.studies.effects.collect_effects`
        (``run``, ``notebook`` and the ``EFFECT_COLUMNS``).
    source : str
        Where the rows came from, quoted when there are none.
    seed : int, optional
        Seed of the rank simulation.

    Returns
    -------
    Synthesis

    Examples
    --------
    >>> import pandas as pd
    >>> from innolab_analysis.estimators._result import EFFECT_COLUMNS
    >>> empty = pd.DataFrame(columns=["run", "notebook", *EFFECT_COLUMNS])
    >>> comparative_synthesis(empty, source="reports").markdown("studies", "en")[-31:]
    '(e.g. innovation impact) first.'
    """
    eff = check_effects(effects) if len(effects) else effects.copy()
    for col in ("run", "notebook"):
        if col not in eff.columns:
            eff[col] = ""
    if len(eff):
        finite = np.isfinite(eff["ci_lower"].astype(float)) & np.isfinite(
            eff["ci_upper"].astype(float)
        )
        eff = eff[finite]
    head = eff.drop_duplicates(["run", "notebook", "unit", "method", "outcome"]).reset_index(
        drop=True
    )
    studies = tuple(sorted({f"{r} / {n}" for r, n in zip(head["run"], head["notebook"])}))
    designs = head[(head["unit"] == "all") | (head["level"] == "city")].reset_index(drop=True)
    agencies = head[head["method"] == _AGENCY_METHOD]
    ranking = pooled = None
    if len(agencies) >= 2:
        outcome = agencies["outcome"].iloc[0]
        agencies = agencies[agencies["outcome"] == outcome].drop_duplicates("unit")
        ranking = rank_units(agencies, higher_is_better=outcome not in _LOWER_IS_BETTER, seed=seed)
        pooled = pool_effects(agencies)
    reconciliation = (
        reconcile_designs(head)
        if len(head)
        else reconcile_designs(pd.DataFrame(columns=list(EFFECT_COLUMNS)))
    )
    return Synthesis(
        headline=head,
        designs=designs,
        agencies=agencies.reset_index(drop=True),
        ranking=ranking,
        pooled=pooled,
        reconciliation=reconciliation,
        studies=studies,
        source=str(source),
    )
