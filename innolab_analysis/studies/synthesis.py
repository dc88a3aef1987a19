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
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators._result import EFFECT_COLUMNS

__all__ = [
    "PooledEffect",
    "check_effects",
    "forest_plot",
    "pool_effects",
    "rank_units",
    "reconcile_designs",
]

Language = Literal["id", "en"]

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
        err = np.vstack([eff["estimate"] - eff["ci_lower"], eff["ci_upper"] - eff["estimate"]])
        colors = [
            PALETTE["treated"] if (lo > 0 or hi < 0) else PALETTE["counterfactual"]
            for lo, hi in zip(eff["ci_lower"], eff["ci_upper"])
        ]
        ax.errorbar(eff["estimate"], y, xerr=np.abs(err), fmt="none", ecolor=colors, capsize=2)
        ax.scatter(eff["estimate"], y, c=colors, zorder=3, s=18)
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
    effects: pd.DataFrame, *, model: Literal["random", "fixed"] = "random", level: float = 0.95
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
