"""Empirical-Bayes shrinkage: unit numbers that a small unit's luck cannot dominate.

A unit surveyed by 40 respondents can post the city's best IKM, or the
largest innovation effect, by chance. :func:`shrink_effects` pulls every
unit's estimate toward the mean of all units by an amount that grows with its
uncertainty (the normal–normal empirical-Bayes estimate, metafor's ``blup``)::

    shrunken_j = B_j · y_j + (1 − B_j) · μ̂,   B_j = τ² / (τ² + v_j)

with τ² and μ̂ from the random-effects pool (:func:`pool_effects`). The
standard error includes the uncertainty of μ̂:
``sqrt(B_j v_j + (1 − B_j)² Var(μ̂))``. ``shrinkage = 1 − B_j`` is shown for
every unit, so a reader sees how much of a number is the unit's own evidence.
The numbers agree with R's metafor ``blup()`` to 1e-6 (test_pooling_published.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import check_option
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._figures import legend_below
from innolab_analysis.estimators._meta_core import fit_meta, prepare_effects
from innolab_analysis.estimators._result import Diagnostic
from innolab_analysis.estimators.pooling import PooledEffect, _result, table_html, wrap_label
from innolab_analysis.options import Language, PoolMethod

__all__ = ["SHRINKAGE_COLUMNS", "Shrinkage", "shrink_effects"]

SHRINKAGE_COLUMNS: tuple[str, ...] = (
    "label",
    "estimate",
    "std_error",
    "shrunken",
    "shrunken_se",
    "ci_lower",
    "ci_upper",
    "shrinkage",
)
"""Columns of :attr:`Shrinkage.table`."""


@dataclass(frozen=True)
class Shrinkage:
    """Result of :func:`shrink_effects`.

    Attributes
    ----------
    table : DataFrame
        :data:`SHRINKAGE_COLUMNS`, one row per unit in the input order:
        ``shrunken`` (the empirical-Bayes estimate), its ``shrunken_se`` and
        interval, and ``shrinkage`` (0 = the unit's own number, 1 = the mean of all).
    pooled : PooledEffect
        The pool that sets the mean and τ².
    outcome : str
    level : float
    text : l10n.Bilingual
        How far the numbers moved, in plain language.
    diagnostics : tuple of Diagnostic
    """

    table: pd.DataFrame
    pooled: PooledEffect
    outcome: str
    level: float
    text: l10n.Bilingual
    diagnostics: tuple[Diagnostic, ...] = ()

    def summary(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def most_shrunk(self) -> pd.Series:
        """The row of the unit whose number moved most."""
        moved = (self.table["estimate"] - self.table["shrunken"]).abs()
        return self.table.loc[moved.idxmax()]

    def plot(self, ax=None, *, language: Language = "en", xlabel: str | None = None):
        """Each unit's own estimate (open circle) and its shrunken value (dot with interval).

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style
        from innolab_analysis.display import localise_axis

        t = self.table.sort_values("shrunken", ascending=True, kind="stable")
        n = len(t)
        with plot_style():
            ax = axes_or_new(ax, figsize=(7.0, max(2.8, 0.42 * n + 2.0)))
            y = np.arange(n)
            ax.hlines(y, t["ci_lower"], t["ci_upper"], color=PALETTE["band"], lw=3)
            for yi, raw, shr in zip(y, t["estimate"], t["shrunken"]):
                ax.plot([raw, shr], [yi, yi], color=PALETTE["counterfactual"], lw=0.8)
            ax.scatter(
                t["estimate"],
                y,
                facecolors="white",
                edgecolors=PALETTE["counterfactual"],
                zorder=3,
                label=l10n.tr("pooling.shrink_raw", language, markdown=False),
            )
            ax.scatter(
                t["shrunken"],
                y,
                color=PALETTE["control"],
                zorder=4,
                label=l10n.tr("pooling.shrink_eb", language, markdown=False, level=self.level),
            )
            ax.axvline(
                self.pooled.estimate,
                color=PALETTE["treated"],
                lw=1,
                ls="--",
                label=l10n.tr("pooling.shrink_mean", language, markdown=False),
            )
            ax.set_yticks(y)
            ax.set_yticklabels([wrap_label(v) for v in t["label"]], fontsize="small")
            ax.set_ylim(-0.7, n - 0.3)
            if xlabel:
                ax.set_xlabel(xlabel)
            localise_axis(ax, language, axis="x", decimals=1)
            legend_below(ax)
        return ax

    def _repr_html_(self) -> str:
        return table_html(f"Empirical-Bayes shrinkage — {self.outcome}", self.text.en, self.table)


def shrink_effects(
    effects: pd.DataFrame,
    *,
    estimate: str = "estimate",
    std_error: str = "std_error",
    label: str | None = None,
    method: PoolMethod = "REML",
    knapp_hartung: bool = False,
    level: float = 0.95,
    outcome: str | None = None,
) -> Shrinkage:
    """Empirical-Bayes (shrunken) estimates of every unit's effect or level.

    Parameters
    ----------
    effects : DataFrame
        One row per unit: an estimate (an effect, or a level such as the unit's IKM) and
        its standard error, on one scale (not modified).
    estimate, std_error, label, method, knapp_hartung, level, outcome
        As in :func:`~innolab_analysis.estimators.pooling.pool_effects`; ``method="fixed"``
        shrinks every unit to the common mean.

    Returns
    -------
    Shrinkage
        ``table`` with ``shrunken``, ``shrunken_se``, ``ci_lower``, ``ci_upper`` and
        ``shrinkage`` per unit, the ``pooled`` effect and a bilingual ``text``.

    Raises
    ------
    DataValidationError
        As :func:`pool_effects`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": ["big", "small"] * 2, "estimate": [2.0, 9.0, 3.0, 1.0],
    ...                    "std_error": [0.2, 3.0, 0.3, 0.5]})
    >>> t = shrink_effects(df, method="DL").table
    >>> t["shrinkage"].round(2).tolist()
    [0.05, 0.92, 0.11, 0.25]
    """
    check_option("method", method, PoolMethod)
    check_level(level)
    rows, name = prepare_effects(
        effects, estimate=estimate, std_error=std_error, label=label, outcome=outcome
    )
    y, v = rows["estimate"].to_numpy(), rows["std_error"].to_numpy() ** 2
    fit = fit_meta(y, v, np.ones((len(y), 1)), method=method, knapp_hartung=knapp_hartung)
    pooled = _result(fit, rows, name, level)
    mu, var_mu = float(fit.beta[0]), float(fit.vb[0, 0])
    reliability = fit.tau2 / (fit.tau2 + v)
    shrunken = reliability * y + (1 - reliability) * mu
    se = np.sqrt(reliability * v + (1 - reliability) ** 2 * var_mu)
    crit = fit.critical(level)
    table = pd.DataFrame(
        {
            "label": rows["label"],
            "estimate": y,
            "std_error": np.sqrt(v),
            "shrunken": shrunken,
            "shrunken_se": se,
            "ci_lower": shrunken - crit * se,
            "ci_upper": shrunken + crit * se,
            "shrinkage": 1 - reliability,
        }
    )
    moved = np.abs(y - shrunken)
    j = int(np.argmax(moved))
    values = {
        "mean": mu,
        "low": float(table["shrinkage"].min()),
        "high": float(table["shrinkage"].max()),
        "name": str(table["label"].iloc[j]),
        "raw": float(y[j]),
        "shrunken": float(shrunken[j]),
        "share": float(table["shrinkage"].iloc[j]),
        "k": len(y),
    }
    key = "pooling.shrink_text" if fit.tau2 > 0 else "pooling.shrink_text_common"
    diagnostics = (
        (Diagnostic("no_heterogeneity", "info", l10n.bilingual("pooling.shrink_no_tau", k=len(y))),)
        if fit.tau2 == 0
        else ()
    )
    return Shrinkage(
        table=table,
        pooled=pooled,
        outcome=name,
        level=level,
        text=l10n.bilingual(key, **values),
        diagnostics=diagnostics + pooled.diagnostics,
    )
