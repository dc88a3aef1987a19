"""Meta-regression: which kinds of units gain most from their innovations.

:func:`meta_regression` explains the differences between units' effects by
their characteristics — a number (leadership commitment, readiness score) or a
category (the kind of agency: dinas, kecamatan, puskesmas …) — in a
mixed-effects model ``effect = β₀ + β₁·moderator + u + e`` with the
residual between-unit variance τ² estimated as in :func:`pool_effects`. The
numbers agree with R's metafor ``rma(yi, vi, mods = ~ ...)`` to 1e-6
(tests/estimators/test_pooling_published.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, Problem, check_option
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._figures import legend_below
from innolab_analysis.estimators._meta_core import fit_meta, prepare_effects
from innolab_analysis.estimators._result import Diagnostic, EffectResult
from innolab_analysis.estimators.pooling import _se_type
from innolab_analysis.options import Language, PoolMethod

__all__ = ["MetaRegression", "meta_regression"]


@dataclass(frozen=True, kw_only=True)
class MetaRegression(EffectResult):
    """Result of :func:`meta_regression`.

    The headline (``estimate``, ``std_error`` …) is the first moderator
    coefficient; ``terms`` lists every coefficient, the intercept last.

    Attributes
    ----------
    moderators : tuple of str
        The moderator columns.
    categories : dict
        For a categorical moderator, its levels; the first is the reference.
    tau2 : float
        Residual between-unit variance (what the moderators leave unexplained).
    r2 : float
        Share of the between-unit variance the moderators explain (0–1; metafor's R²/100).
    qm, qm_p_value : float
        Omnibus test that all moderator coefficients are zero (χ², or F under Knapp–Hartung).
    qe, qe_p_value : float
        Test of residual heterogeneity.
    i2 : float
        Residual I² (0–1).
    k : int
    data : DataFrame
        ``label, estimate, std_error`` and the moderators, as fitted.
    """

    moderators: tuple[str, ...]
    categories: dict
    tau2: float
    r2: float
    qm: float
    qm_p_value: float
    qe: float
    qe_p_value: float
    i2: float
    k: int
    tau2_method: str
    knapp_hartung: bool
    data: pd.DataFrame

    def _draw(self, ax, language: str) -> None:
        self.draw(ax, language=language)

    def draw(
        self, ax, *, language: Language = "en", xlabel: str | None = None, ylabel: str | None = None
    ) -> None:
        """Effects against the first moderator (bubble area = weight) with the fitted line or means."""
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text

        mod = self.moderators[0]
        d = self.data
        w = 1 / (d["std_error"] ** 2 + self.tau2)
        size = 20 + 200 * w / w.max()
        label_units = l10n.tr("pooling.metareg_estimate", language, markdown=False)
        if mod in self.categories:
            levels = self.categories[mod]
            x = d[mod].map({lv: i for i, lv in enumerate(levels)}).to_numpy(float)
            ax.scatter(
                x, d["estimate"], s=size, color=PALETTE["control"], alpha=0.7, label=label_units
            )
            coef = self.terms.set_index("term")["estimate"]
            base = coef["intercept"]
            means = [base] + [base + coef[f"{mod}={lv}"] for lv in levels[1:]]
            ax.hlines(
                means,
                np.arange(len(levels)) - 0.3,
                np.arange(len(levels)) + 0.3,
                color=PALETTE["treated"],
                lw=2.5,
                label=l10n.tr("pooling.metareg_means", language, markdown=False),
            )
            ax.set_xticks(range(len(levels)))
            ax.set_xticklabels([mpl_text(lv) for lv in levels])
        else:
            x = d[mod].to_numpy(float)
            ax.scatter(
                x, d["estimate"], s=size, color=PALETTE["control"], alpha=0.7, label=label_units
            )
            grid = np.linspace(x.min(), x.max(), 50)
            coef = self.terms.set_index("term")["estimate"]
            ax.plot(
                grid,
                coef["intercept"] + coef[mod] * grid,
                color=PALETTE["treated"],
                label=l10n.tr("pooling.metareg_line", language, markdown=False),
            )
            localise_axis(ax, language, axis="x", decimals=1)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(xlabel or mpl_text(mod))
        ax.set_ylabel(
            ylabel or l10n.tr("pooling.plot_axis", language, markdown=False, level=self.level)
        )
        localise_axis(ax, language, axis="y", decimals=1)
        legend_below(ax)


def _design(rows: pd.DataFrame, moderators: Sequence[str]) -> tuple[np.ndarray, list[str], dict]:
    """Design matrix (intercept last in the names, first in the matrix) and categorical levels."""
    columns, names, categories = [np.ones(len(rows))], [], {}
    problems = []
    for mod in moderators:
        values = rows[mod]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            if values.isna().any():
                problems.append(Problem("has blank values; fill or drop those units", column=mod))
                continue
            levels = sorted(map(str, pd.unique(values)))
            if len(levels) < 2:
                problems.append(
                    Problem(
                        f"has a single category ({levels[0]!r}): nothing to compare", column=mod
                    )
                )
                continue
            categories[mod] = levels
            text = values.astype(str).to_numpy()
            for lv in levels[1:]:
                columns.append((text == lv).astype(float))
                names.append(f"{mod}={lv}")
        else:
            x = pd.to_numeric(values, errors="coerce").to_numpy(float)
            if not np.isfinite(x).all():
                problems.append(
                    Problem("has blank or non-finite values; fill or drop those units", column=mod)
                )
                continue
            columns.append(x)
            names.append(mod)
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the moderators")
    return np.column_stack(columns), names, categories


def meta_regression(
    effects: pd.DataFrame,
    moderators: str | Sequence[str],
    *,
    estimate: str = "estimate",
    std_error: str = "std_error",
    method: PoolMethod = "REML",
    knapp_hartung: bool = False,
    level: float = 0.95,
    outcome: str | None = None,
    label: str | None = None,
) -> MetaRegression:
    """Mixed-effects meta-regression of unit effects on moderators.

    Parameters
    ----------
    effects : DataFrame
        One row per unit with the estimate, its standard error and the moderators (not modified).
    moderators : str or sequence of str
        Numeric columns enter as they are; text/category columns are coded as
        indicators against their first level in sorted order (as R's ``factor``).
    estimate, std_error, method, knapp_hartung, level, outcome, label
        As in :func:`~innolab_analysis.estimators.pooling.pool_effects`.

    Returns
    -------
    MetaRegression
        Coefficients in ``terms`` (moderators first, ``intercept`` last), residual
        ``tau2``, ``r2`` (share of between-unit variance explained), the omnibus
        test ``qm``/``qm_p_value`` and the residual heterogeneity test ``qe``.

    Raises
    ------
    DataValidationError
        As :func:`pool_effects`, plus blank moderators or a single category.
    EstimationError
        Too few units for the coefficients, or collinear moderators.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"estimate": [1.0, 2.1, 2.9, 4.2], "std_error": [0.5] * 4,
    ...                    "leadership": [1.0, 2.0, 3.0, 4.0]})
    >>> res = meta_regression(df, "leadership", method="fixed")
    >>> round(res.estimate, 3), res.terms["term"].tolist()
    (1.04, ['leadership', 'intercept'])
    """
    check_option("method", method, PoolMethod)
    check_level(level)
    mods = [moderators] if isinstance(moderators, str) else list(moderators)
    if not mods:
        raise DataValidationError("meta_regression needs at least one moderator column")
    rows, name = prepare_effects(
        effects,
        estimate=estimate,
        std_error=std_error,
        label=label,
        outcome=outcome,
        extra=mods,
        min_rows=3,
    )
    X, names, categories = _design(rows, mods)
    y, v = rows["estimate"].to_numpy(), rows["std_error"].to_numpy() ** 2
    fit = fit_meta(y, v, X, method=method, knapp_hartung=knapp_hartung)
    null = fit_meta(y, v, X[:, :1], method=method, knapp_hartung=knapp_hartung)
    r2 = max(0.0, (null.tau2 - fit.tau2) / null.tau2) if null.tau2 > 0 else 0.0
    crit = fit.critical(level)
    se, pv = fit.se, fit.p_values()
    order = [*range(1, fit.p), 0]
    terms = pd.DataFrame(
        {
            "term": [*names, "intercept"],
            "estimate": fit.beta[order],
            "std_error": se[order],
            "ci_lower": fit.beta[order] - crit * se[order],
            "ci_upper": fit.beta[order] + crit * se[order],
            "p_value": pv[order],
        }
    )
    head = terms.iloc[0]
    texts = {}
    for language in ("id", "en"):
        texts[language] = l10n.tr(
            "pooling.metareg_text",
            language,
            moderator=head["term"],
            estimate=float(head["estimate"]),
            ci_lower=float(head["ci_lower"]),
            ci_upper=float(head["ci_upper"]),
            p_value=float(head["p_value"]),
            level=level,
            k=fit.k,
            r2=r2,
            qm_p_value=fit.qm_p,
        )
    diagnostics = []
    if fit.k < 10 * (fit.p - 1):
        diagnostics.append(
            Diagnostic(
                "few_units_per_moderator",
                "warning",
                l10n.bilingual("pooling.metareg_few_units", k=fit.k, m=fit.p - 1),
            )
        )
    return MetaRegression.from_terms(
        terms,
        method="meta_regression" if method != "fixed" else "fixed_effect_meta_regression",
        outcome=name,
        n_obs=fit.k,
        se_type=_se_type(method, knapp_hartung, fit.k - fit.p),
        text=l10n.Bilingual(id=texts["id"], en=texts["en"]),
        diagnostics=tuple(diagnostics),
        level=level,
        title="Meta-regression",
        moderators=tuple(mods),
        categories=categories,
        tau2=fit.tau2,
        r2=r2,
        qm=fit.qm,
        qm_p_value=fit.qm_p,
        qe=fit.qe,
        qe_p_value=fit.qe_p,
        i2=fit.i2,
        k=fit.k,
        tau2_method=fit.method,
        knapp_hartung=fit.knapp_hartung,
        data=rows,
    )
