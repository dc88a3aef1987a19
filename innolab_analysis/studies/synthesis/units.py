"""Unit-level analyses shared by a study's synthesis and the city comparison (numbers only).

* :func:`analyse_unit_effects` — one outcome's per-unit innovation effects: pooled
  (random effects), shrunken (empirical Bayes), ranked with confidence sets, explained by
  moderators (meta-regression), with Holm and Benjamini–Hochberg adjusted p-values.
* :func:`analyse_levels` — units' IKM levels: shrunken and ranked.
* :func:`value_for_money` — cost per IKM point (and per day saved) with its interval.

Rows are keyed by ``(study, unit)``; ``label`` is the unit's name (with its city when
several cities are compared), never its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis.errors import EstimationError, InnolabError
from innolab_analysis.estimators.meta_regression import MetaRegression, meta_regression
from innolab_analysis.estimators.pooling import PooledEffect, pool_effects
from innolab_analysis.estimators.ranking import RankSets, rank_confidence_sets
from innolab_analysis.estimators.shrinkage import Shrinkage, shrink_effects
from innolab_analysis.studies.synthesis.inputs import KEY, LOWER_IS_BETTER

__all__ = [
    "MODERATORS",
    "UnitEffects",
    "UnitLevels",
    "adjust_p_values",
    "analyse_levels",
    "analyse_unit_effects",
    "value_for_money",
]

MODERATORS: tuple[str, ...] = ("leadership_commitment", "readiness_index", "kind_group")
"""Unit characteristics the meta-regression tries, each on its own."""

CI_LEVEL = 0.95
"""Level of the confidence intervals the effect rows record."""


def adjust_p_values(p: np.ndarray, method: str) -> np.ndarray:
    """Holm (``"holm"``) or Benjamini–Hochberg (``"fdr_bh"``) adjusted p-values.

    The one place that calls statsmodels' ``multipletests`` (a general multiple-testing
    estimator is being written; swap it in here).
    """
    from statsmodels.stats.multitest import multipletests

    return multipletests(np.asarray(p, dtype=float), method=method)[1]


def pooling_se(rows: pd.DataFrame) -> np.ndarray:
    """The standard error to pool with: the larger of the recorded SE and the SE its 95% CI implies.

    Per-unit intervals from a t distribution with few degrees of freedom are wider than
    ±1.96 SE; pooling and ranking use that width, so a unit with three post periods is not
    treated as precise.
    """
    z = stats.norm.ppf(0.5 + CI_LEVEL / 2)
    se = pd.to_numeric(rows["std_error"], errors="coerce").to_numpy(float)
    width = (rows["ci_upper"] - rows["ci_lower"]).to_numpy(float) / (2 * z)
    width = np.where(np.isfinite(width), width, np.nan)
    return np.fmax(se, width)


@dataclass(frozen=True)
class UnitEffects:
    """One outcome's per-unit effects and everything the report says about them.

    Attributes
    ----------
    outcome : str
    higher_is_better : bool
    table : DataFrame
        One row per unit (``study, unit, label, name, city, kind_group, leadership_commitment,
        readiness_index, estimate, std_error, ci_lower, ci_upper, p_value, p_holm, p_bh,
        shrunken, shrunken_lower, shrunken_upper, shrinkage, rank, marginal_lower,
        marginal_upper, simultaneous_lower, simultaneous_upper``), in rank order.
    pooled : PooledEffect
    shrinkage : Shrinkage
    ranks : RankSets
    moderators : dict
        Moderator column → :class:`MetaRegression` (those that could be fitted).
    by_group : dict
        Group value (e.g. a city) → its own :class:`PooledEffect`, when pooled by group.
    """

    outcome: str
    higher_is_better: bool
    table: pd.DataFrame
    pooled: PooledEffect
    shrinkage: Shrinkage
    ranks: RankSets
    moderators: dict[str, MetaRegression] = field(default_factory=dict)
    by_group: dict[str, PooledEffect] = field(default_factory=dict)

    @property
    def k(self) -> int:
        """Number of units."""
        return len(self.table)

    def significant(self, column: str = "p_value", alpha: float = 0.05) -> list[str]:
        """Labels of the units whose (adjusted) p-value is below ``alpha``."""
        return self.table.loc[self.table[column] < alpha, "label"].tolist()


@dataclass(frozen=True)
class UnitLevels:
    """Units' IKM levels in one year, shrunken and ranked."""

    year: int
    table: pd.DataFrame
    shrinkage: Shrinkage
    ranks: RankSets


def _rank_columns(table: pd.DataFrame, ranks: RankSets) -> pd.DataFrame:
    cols = ["rank", "marginal_lower", "marginal_upper", "simultaneous_lower", "simultaneous_upper"]
    r = ranks.table.set_index("label")[cols]
    return table.join(r, on="label")


def _shrunk_columns(table: pd.DataFrame, shrink: Shrinkage) -> pd.DataFrame:
    s = shrink.table[["shrunken", "ci_lower", "ci_upper", "shrinkage"]].rename(
        columns={"ci_lower": "shrunken_lower", "ci_upper": "shrunken_upper"}
    )
    return pd.concat([table.reset_index(drop=True), s.reset_index(drop=True)], axis=1)


def analyse_unit_effects(
    rows: pd.DataFrame,
    *,
    outcome: str,
    method: str = "REML",
    knapp_hartung: bool = True,
    rank_level: float = 0.90,
    seed: int | None = 0,
    n_draws: int = 1000,
    group: str | None = None,
) -> UnitEffects:
    """Pool, shrink, rank and explain one outcome's per-unit effects.

    Parameters
    ----------
    rows : DataFrame
        One row per unit: ``study, unit, label`` (unique), the attribute columns of
        :func:`~innolab_analysis.studies.synthesis.inputs.unit_attributes` and the effect
        columns ``estimate, std_error, ci_lower, ci_upper, p_value``.
    outcome : str
    method, knapp_hartung
        Of the pools and meta-regressions.
    rank_level, seed, n_draws
        Of the rank confidence sets.
    group : str, optional
        Also pool each value of this column on its own (a city), and try it as a moderator.
    """
    if rows.duplicated(list(KEY)).any() or rows["label"].duplicated().any():
        raise InnolabError("unit effects must hold one row per (study, unit) and label")
    table = rows.copy().reset_index(drop=True)
    table["std_error"] = pooling_se(table)
    table = table[np.isfinite(table["estimate"]) & (table["std_error"] > 0)].reset_index(drop=True)
    better = outcome not in LOWER_IS_BETTER
    kw = {"method": method, "knapp_hartung": knapp_hartung, "label": "label", "outcome": outcome}
    pooled = pool_effects(table, **kw)
    shrink = shrink_effects(table, **kw)
    ranks = rank_confidence_sets(
        table,
        label="label",
        outcome=outcome,
        level=rank_level,
        higher_is_better=better,
        seed=seed,
        n_draws=n_draws,
    )
    table["p_holm"] = adjust_p_values(table["p_value"], "holm")
    table["p_bh"] = adjust_p_values(table["p_value"], "fdr_bh")
    table = _rank_columns(_shrunk_columns(table, shrink), ranks)
    moderators = {}
    for mod in (*MODERATORS, *([group] if group else [])):
        if mod not in table.columns:
            continue
        sub = table.dropna(subset=[mod])
        if sub[mod].nunique() < 2 or len(sub) < 5:
            continue
        try:
            moderators[mod] = meta_regression(sub, mod, **kw)
        except (EstimationError, InnolabError):
            continue
    by_group = {}
    if group:
        for value, sub in table.groupby(group, sort=False):
            if len(sub) >= 2:
                by_group[str(value)] = pool_effects(sub, **kw)
    return UnitEffects(
        outcome=outcome,
        higher_is_better=better,
        table=table.sort_values(["rank", "label"], kind="stable").reset_index(drop=True),
        pooled=pooled,
        shrinkage=shrink,
        ranks=ranks,
        moderators=moderators,
        by_group=by_group,
    )


def analyse_levels(
    levels: pd.DataFrame,
    year: int,
    *,
    rank_level: float = 0.90,
    seed: int | None = 0,
    n_draws: int = 1000,
) -> UnitLevels:
    """Shrink and rank the units' IKM levels (``study, unit, label, n_respondents, ikm, std_error``)."""
    table = levels.rename(columns={"ikm": "estimate"}).reset_index(drop=True)
    shrink = shrink_effects(table, label="label", method="REML")
    ranks = rank_confidence_sets(table, label="label", level=rank_level, seed=seed, n_draws=n_draws)
    table = _rank_columns(_shrunk_columns(table, shrink), ranks)
    table = table.sort_values(["rank", "label"], kind="stable").reset_index(drop=True)
    return UnitLevels(year=year, table=table, shrinkage=shrink, ranks=ranks)


def value_for_money(
    effects: UnitEffects | None, days: UnitEffects | None, budgets: pd.DataFrame
) -> pd.DataFrame:
    """Cost per IKM point gained (and per day of processing time saved), with intervals.

    Cost = the unit's innovation budget from its first launch year (rupiah), divided by its
    own effect; the interval divides by the effect's 95% interval bounds. When the interval
    reaches zero or below, the cost has no upper bound (``inf``); a unit whose estimate shows no
    gain has no cost per point (NaN). Units without complete budgets have ``budget_rp`` NaN.

    Returns
    -------
    DataFrame
        ``study, unit, label, budget_rp, complete, per_point, per_point_lower,
        per_point_upper, per_day, per_day_lower, per_day_upper`` (NaN where not available).
    """
    cols = ["study", "unit", "label", "budget_rp", "complete"]
    base = None
    for ue in (effects, days):
        if ue is not None:
            part = ue.table[["study", "unit", "label"]]
            base = part if base is None else pd.concat([base, part]).drop_duplicates(list(KEY))
    if base is None:
        return pd.DataFrame(columns=[*cols, "per_point", "per_day"])
    out = base.merge(budgets, on=list(KEY), how="left")
    out["complete"] = out["complete"].fillna(False).astype(bool)

    def ratios(ue: UnitEffects | None, sign: float, name: str) -> None:
        est = lo = hi = pd.Series(np.nan, index=out.index)
        if ue is not None:
            t = ue.table.set_index(list(KEY))
            keys = pd.MultiIndex.from_frame(out[list(KEY)])
            est = sign * t["estimate"].reindex(keys).to_numpy()
            a = sign * t["ci_lower"].reindex(keys).to_numpy()
            b = sign * t["ci_upper"].reindex(keys).to_numpy()
            lo, hi = np.fmin(a, b), np.fmax(a, b)
        budget = out["budget_rp"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = np.asarray(est, float)
            out[name] = np.where(gain > 0, budget / gain, np.nan)
            out[f"{name}_lower"] = np.where(gain > 0, budget / np.asarray(hi, float), np.nan)
            out[f"{name}_upper"] = np.where(
                gain > 0, np.where(np.asarray(lo, float) > 0, budget / np.asarray(lo, float),
                                   np.inf), np.nan
            )  # fmt: skip

    ratios(effects, 1.0, "per_point")
    ratios(days, -1.0, "per_day")
    return out.reset_index(drop=True)
