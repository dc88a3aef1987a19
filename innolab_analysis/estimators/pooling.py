"""Random-effects meta-analysis: the pooled effect of many units, with honest heterogeneity.

:func:`pool_effects` combines independent estimates of one effect (one per
agency, study or city) into a pooled mean. The between-unit variance τ² is
estimated by REML (the default), DerSimonian–Laird or Paule–Mandel, or set to
zero (``method="fixed"``); the Knapp–Hartung correction replaces the normal
reference by a t with k − 1 degrees of freedom and rescales the variance,
which keeps the interval honest with few units. The prediction interval says
where the effect of a *new* similar unit is expected to fall — usually the
number a city needs, since units differ.

The numbers agree with R's metafor (``rma``, ``predict``) to 1e-6 on
published data (tests/estimators/test_pooling_published.py: the BCG vaccine
trials of Colditz et al. 1994 and the teacher-expectancy studies of
Raudenbush 1984).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import check_option
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._figures import legend_below
from innolab_analysis.estimators._meta_core import MetaFit, fit_meta, prepare_effects
from innolab_analysis.estimators._result import Diagnostic, EffectResult
from innolab_analysis.options import Language, PoolMethod

__all__ = ["PooledEffect", "forest_plot", "pool_effects"]


@dataclass(frozen=True, kw_only=True)
class PooledEffect(EffectResult):
    """Result of :func:`pool_effects` (the estimator contract, plus heterogeneity).

    Attributes
    ----------
    tau2, tau : float
        Between-unit variance of the true effects and its square root.
    i2, h2 : float
        Share of the total variance that is heterogeneity (0–1, metafor's I²/100) and H².
    q, q_df, q_p_value : float, int, float
        Cochran's Q (fixed-effect weights), its degrees of freedom k − 1 and p-value.
    k : int
        Number of effects pooled.
    prediction_interval : tuple of float
        ``(low, high)``: where the true effect of a new similar unit is expected to fall.
    tau2_method : {"REML", "DL", "PM", "fixed"}
    knapp_hartung : bool
    data : DataFrame
        The effects pooled: ``label, estimate, std_error, ci_lower, ci_upper, weight``
        (weight = share of the pooled estimate, summing to 1).
    """

    tau2: float
    tau: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p_value: float
    k: int
    prediction_interval: tuple[float, float]
    tau2_method: str
    knapp_hartung: bool
    data: pd.DataFrame

    def plot(
        self,
        ax=None,
        *,
        language: Language = "en",
        xlabel: str | None = None,
        title: str | None = None,
    ):
        """Forest plot: every effect with its interval, the pooled diamond and the prediction interval.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        language : {"id", "en"}
        xlabel : str, optional
            Axis label naming the scale (default: "Effect (95% CI)").
        title : str, optional

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis._plotting import axes_or_new, plot_style

        with plot_style():
            ax = axes_or_new(ax, figsize=(7.0, max(2.8, 0.42 * self.k + 2.0)))
            forest_plot(self.data, ax, language=language, pooled=self, xlabel=xlabel)
            if title:
                ax.set_title(title)
        return ax

    def _draw(self, ax, language: str) -> None:
        forest_plot(self.data, ax, language=language, pooled=self)


def _text(r: dict) -> l10n.Bilingual:
    key = "pooling.text_fixed" if r["tau2_method"] == "fixed" else "pooling.text_random"
    values = dict(r)
    out = {}
    for language in ("id", "en"):
        kh = l10n.tr("pooling.knapp_hartung", language) if r["knapp_hartung"] else l10n.Safe("")
        method = l10n.tr(f"pooling.method.{r['tau2_method']}", language)
        out[language] = l10n.tr(key, language, **(values | {"kh": kh, "method": method}))
    return l10n.Bilingual(id=out["id"], en=out["en"])


def _diagnostics(r: dict) -> tuple[Diagnostic, ...]:
    found = []
    if r["tau2_method"] != "fixed" and r["k"] < 5 and not r["knapp_hartung"]:
        found.append(
            Diagnostic("few_effects", "warning", l10n.bilingual("pooling.few_effects", k=r["k"]))
        )
    if r["tau2_method"] != "fixed" and r["i2"] >= 0.75:
        found.append(
            Diagnostic(
                "high_heterogeneity",
                "info",
                l10n.bilingual(
                    "pooling.high_heterogeneity",
                    i2=r["i2"],
                    pi_lower=r["pi_lower"],
                    pi_upper=r["pi_upper"],
                ),
            )
        )
    if r["tau2_method"] == "fixed" and r["q_p_value"] < 0.05:
        found.append(
            Diagnostic(
                "fixed_despite_heterogeneity",
                "warning",
                l10n.bilingual(
                    "pooling.fixed_despite_heterogeneity", q=r["q"], q_p_value=r["q_p_value"]
                ),
            )
        )
    return tuple(found)


def _se_type(method: str, knapp_hartung: bool, df: int) -> str:
    weights = "1/v" if method == "fixed" else f"1/(v + τ²), τ² by {method}"
    if knapp_hartung:
        return (
            f"inverse-variance weights {weights}; Knapp–Hartung variance "
            f"(× Σw(y − ŷ)²/{df}), t({df}) reference"
        )
    return f"inverse-variance weights {weights}; Wald z reference"


def pool_effects(
    effects: pd.DataFrame,
    *,
    estimate: str = "estimate",
    std_error: str = "std_error",
    method: PoolMethod = "REML",
    knapp_hartung: bool = False,
    level: float = 0.95,
    outcome: str | None = None,
    label: str | None = None,
) -> PooledEffect:
    """Pool independent estimates of one effect (random-effects meta-analysis).

    Parameters
    ----------
    effects : DataFrame
        One row per unit (not modified). With an ``outcome`` column holding
        several outcomes, ``outcome=`` must say which one to pool: estimates on
        different scales are never combined.
    estimate, std_error : str
        Columns of the estimates and their standard errors (positive, finite).
    method : {"REML", "DL", "PM", "fixed"}
        Estimator of the between-unit variance τ², or ``"fixed"`` for a
        fixed-effect (common-effect) pool.
    knapp_hartung : bool
        Knapp–Hartung variance and t(k − 1) reference (recommended with few units).
    level : float
        Confidence level of the intervals.
    outcome : str, optional
        Which rows of the ``outcome`` column to pool.
    label : str, optional
        Column naming the units in the forest plot (default: ``unit``, else the row number).

    Returns
    -------
    PooledEffect
        ``estimate, std_error, ci_lower, ci_upper, p_value`` of the pooled mean,
        ``tau2, i2, h2, q, q_p_value, prediction_interval``, a forest
        ``.plot()``, bilingual ``.text`` and ``.diagnostics``.

    Raises
    ------
    DataValidationError
        Missing columns, several outcomes without ``outcome=``, estimates or
        standard errors that are missing, not finite or not positive, fewer than
        two effects.
    ParamsError
        An unknown ``method`` or a ``level`` outside (0, 1).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"estimate": [1.0, 3.0, 5.0], "std_error": [1.0, 1.0, 1.0]})
    >>> res = pool_effects(df, method="DL")
    >>> round(res.estimate, 6), round(res.tau2, 6), round(res.i2, 2)
    (3.0, 3.0, 0.75)
    >>> [round(x, 3) for x in res.prediction_interval]
    [-1.08, 7.08]
    """
    check_option("method", method, PoolMethod)
    check_level(level)
    rows, name = prepare_effects(
        effects, estimate=estimate, std_error=std_error, label=label, outcome=outcome
    )
    y, v = rows["estimate"].to_numpy(), rows["std_error"].to_numpy() ** 2
    fit = fit_meta(y, v, np.ones((len(y), 1)), method=method, knapp_hartung=knapp_hartung)
    return _result(fit, rows, name, level)


def _result(fit: MetaFit, rows: pd.DataFrame, outcome: str, level: float) -> PooledEffect:
    est, se = float(fit.beta[0]), float(fit.se[0])
    crit = fit.critical(level)
    _, _, pi_lo, pi_hi = fit.prediction(np.array([1.0]), level)
    p_value = float(fit.p_values()[0])
    terms = pd.DataFrame(
        [("pooled", est, se, est - crit * se, est + crit * se, p_value)],
        columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"],
    )
    z = _z(level)  # each unit's own interval: normal
    data = rows.assign(
        ci_lower=rows["estimate"] - z * rows["std_error"],
        ci_upper=rows["estimate"] + z * rows["std_error"],
        weight=fit.weights / fit.weights.sum(),
    )
    values = {
        "estimate": est,
        "ci_lower": est - crit * se,
        "ci_upper": est + crit * se,
        "p_value": p_value,
        "level": level,
        "k": fit.k,
        "i2": fit.i2,
        "tau": float(np.sqrt(fit.tau2)),
        "q": fit.qe,
        "q_df": fit.k - 1,
        "q_p_value": fit.qe_p,
        "pi_lower": pi_lo,
        "pi_upper": pi_hi,
        "tau2_method": fit.method,
        "knapp_hartung": fit.knapp_hartung,
    }
    label = "fixed_effect" if fit.method == "fixed" else f"random_effects_{fit.method.lower()}"
    return PooledEffect.from_terms(
        terms,
        method=label,
        outcome=outcome,
        n_obs=int(fit.k),
        se_type=_se_type(fit.method, fit.knapp_hartung, fit.k - 1),
        text=_text(values),
        diagnostics=_diagnostics(values),
        level=level,
        title="Pooled effect",
        tau2=fit.tau2,
        tau=float(np.sqrt(fit.tau2)),
        i2=fit.i2,
        h2=fit.h2,
        q=fit.qe,
        q_df=fit.k - 1,
        q_p_value=fit.qe_p,
        k=fit.k,
        prediction_interval=(pi_lo, pi_hi),
        tau2_method=fit.method,
        knapp_hartung=fit.knapp_hartung,
        data=data.reset_index(drop=True),
    )


def wrap_label(text: object, width: int = 34) -> str:
    """A tick label from data, ``$``-escaped and wrapped onto two lines at most.

    A long name is shortened with ``…``, but a final part in parentheses (the city, in a
    comparison) is always kept, so two units of the same name stay apart.
    """
    import re
    import textwrap

    from innolab_analysis.display import mpl_text

    text = str(text)
    match = re.search(r"\s*(\([^()]*\))$", text)
    suffix = match.group(1) if match else ""
    body = text[: match.start()] if match else text
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        room = max(8, width - len(suffix) - 1)
        first = textwrap.wrap(body, width)[0]
        rest = textwrap.shorten(body[len(first) :].strip() or "…", room, placeholder=" …")
        lines = [first, f"{rest} {suffix}".strip()]
    return mpl_text("\n".join(lines))


def table_html(title: str, text: str, table: pd.DataFrame) -> str:
    """JupyterLab display of a table-shaped result: title, reading, table (all escaped)."""
    import html

    body = table.to_html(index=False, float_format=lambda v: f"{v:,.3f}", border=0)
    return (
        f"<div class='innolab-result'><h4>{html.escape(title)}</h4>"
        f"<p>{html.escape(text)}</p>{body}</div>"
    )


def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + level / 2))


def forest_plot(
    rows: pd.DataFrame,
    ax=None,
    *,
    language: Language = "en",
    pooled: PooledEffect | None = None,
    xlabel: str | None = None,
    level: float = 0.95,
):
    """Forest plot of effects on **one** scale: intervals, and the pooled diamond when given.

    Parameters
    ----------
    rows : DataFrame
        ``label, estimate, ci_lower, ci_upper`` and optionally ``weight`` (box size), in
        the order to draw from top to bottom. Labels are plain text (names, never codes).
    ax : matplotlib Axes, optional
    language : {"id", "en"}
    pooled : PooledEffect, optional
        Drawn as a diamond below the rows, with its prediction interval as a bar.
    xlabel : str, optional
        The scale (default "Effect (95% CI)").
    level : float
        Level named in the default axis label.

    Returns
    -------
    matplotlib Axes
    """
    from innolab_analysis._plotting import PALETTE, axes_or_new
    from innolab_analysis.display import localise_axis

    ax = axes_or_new(ax, figsize=(7.0, max(2.8, 0.42 * len(rows) + 2.0)))
    r = rows.reset_index(drop=True)
    n = len(r)
    offset = 2 if pooled is not None else 0
    y = np.arange(n)[::-1] + offset
    weight = r["weight"].to_numpy() if "weight" in r.columns else np.full(n, 1.0 / max(n, 1))
    sizes = 20 + 180 * weight / max(weight.max(), 1e-12)
    lo, hi = r["ci_lower"].to_numpy(float), r["ci_upper"].to_numpy(float)
    ax.hlines(y, lo, hi, color=PALETTE["counterfactual"], lw=1.2)
    ax.scatter(
        r["estimate"],
        y,
        s=sizes,
        marker="s",
        color=PALETTE["control"],
        zorder=3,
        label=l10n.tr(
            "pooling.plot_estimate" if "weight" in r.columns else "pooling.plot_estimate_plain",
            language,
            markdown=False,
        ),
    )
    ticks = list(y)
    labels = [wrap_label(t) for t in r["label"]]
    if pooled is not None:
        est, clo, chi = pooled.estimate, pooled.ci_lower, pooled.ci_upper
        ax.fill(
            [clo, est, chi, est],
            [1, 1.3, 1, 0.7],
            color=PALETTE["treated"],
            zorder=3,
            label=l10n.tr("pooling.plot_pooled", language, markdown=False),
        )
        plo, phi = pooled.prediction_interval
        ax.hlines(
            0.2,
            plo,
            phi,
            color=PALETTE["treated"],
            lw=2.5,
            alpha=0.6,
            label=l10n.tr("pooling.plot_prediction", language, markdown=False),
        )
        method = l10n.tr(f"pooling.method.{pooled.tau2_method}", language, markdown=False)
        ticks += [1, 0.2]
        labels += [
            l10n.tr("pooling.plot_pooled_method", language, markdown=False, method=method),
            l10n.tr("pooling.plot_prediction", language, markdown=False),
        ]
        level = pooled.level
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels, fontsize="small")
    ax.set_ylim(-0.5, n + offset - 0.3)
    ax.set_xlabel(xlabel or l10n.tr("pooling.plot_axis", language, markdown=False, level=level))
    legend_below(ax)
    localise_axis(ax, language, axis="x", decimals=1)
    return ax
