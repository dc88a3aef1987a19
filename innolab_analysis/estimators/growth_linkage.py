r"""Growth linkage: how closely one economy's growth follows another's, before and after an event.

With :math:`g^{s}_t` the growth of the outcome economy (a satellite city) and
:math:`g^{c}_t` the growth of the driver (its core city), in percent,

.. math:: g^{s}_t = \alpha + \beta\, g^{c}_t + \gamma\, post_t + \delta\, g^{c}_t\, post_t
          \;[+ \textstyle\sum_j \theta_j 1(t = t_j)] + \varepsilon_t

The elasticity is :math:`\beta` before the event and :math:`\beta + \delta`
from it on; the headline is the change :math:`\delta`. The interacted model
equals two separate regressions (before, after) when there are no dummies; a
dummy for one period fits that period exactly, which equals leaving it out.
Standard errors follow the shared rule of :mod:`innolab_analysis.estimators._hac`
(``se="hac_max"`` by default, the same option as the interrupted time series).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, EstimationError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._hac import fit_hac
from innolab_analysis.estimators._result import Diagnostic, EffectResult
from innolab_analysis.options import HacSe, Language

__all__ = ["MIN_POST_PERIODS", "GrowthLinkageResult", "growth_linkage"]

MIN_POST_PERIODS = 10
"""Fewer periods from the event on than this attach a ``few_post_periods`` diagnostic
(a rule of thumb: with a handful of points per segment a slope change has low power)."""

TERMS = ("elasticity_change", "elasticity_before", "elasticity_after")
"""The three elasticity terms, headline first; dummy terms follow."""


def _name(column: str, language: str) -> str:
    """A column as a reader sees it: its catalog label when there is one, else the name given."""
    return l10n.label("column", column, language) if l10n.has_label("column", column) else column


@dataclass(frozen=True, kw_only=True)
class GrowthLinkageResult(EffectResult):
    """Result of :func:`growth_linkage` (frozen).

    Attributes
    ----------
    data : DataFrame
        One row per period: ``time, driver, outcome, post, used, dummy`` (``dummy``
        names the dummy term of the period, empty otherwise; ``used`` is False for
        excluded periods).
    driver : str
        The driver column.
    event : object
        First period counted as "after".
    hac_lags : int
        Newey–West lags (also reported under ``se="ols"``, where they are unused).
    df_resid : int
        Residual degrees of freedom (T − K) of the t reference.
    se : {"hac_max", "hac", "ols"}
    excluded : tuple
        Periods left out of the regression.
    """

    data: pd.DataFrame
    driver: str
    event: Any
    hac_lags: int
    df_resid: int
    se: HacSe = "hac_max"
    excluded: tuple = field(default_factory=tuple)

    def slope(self, term: str) -> float:
        """The estimate of one term (``"elasticity_before"`` …)."""
        return float(self.terms.set_index("term").loc[term, "estimate"])

    def plot(
        self,
        ax=None,
        *,
        language: Language = "en",
        outcome_label: str | None = None,
        driver_label: str | None = None,
    ):
        """Outcome growth against driver growth, with the fitted line of each segment.

        Every marker is in the legend: the periods before and from the event
        (with their elasticity), dummied or excluded periods in grey (drawn as an
        arrow at the frame's edge when they lie far outside the other points, their
        values in the legend). Returns the Axes.

        Parameters
        ----------
        ax : Axes, optional
        language : {"id", "en"}
        outcome_label, driver_label : str, optional
            Axis labels (plain text); default the columns' catalog labels.
        """
        from innolab_analysis._plotting import axes_or_new, plot_style

        with plot_style():
            ax = axes_or_new(ax, figsize=(7.0, 4.6))
            self._draw(ax, language, outcome_label=outcome_label, driver_label=driver_label)
        return ax

    def _draw(self, ax, language: str, *, outcome_label=None, driver_label=None) -> None:
        from matplotlib.lines import Line2D

        from innolab_analysis._plot_labels import LabelSpec, place_labels
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text

        d = self.data
        handles = []
        fit = d.loc[d["used"] & (d["dummy"] == "")]
        segments = (
            (False, PALETTE["control"], "legend_before", "elasticity_before", "o"),
            (True, PALETTE["treated"], "legend_after", "elasticity_after", "s"),
        )
        for post, color, key, term, marker in segments:
            part = fit.loc[fit["post"] == post]
            slope = self.slope(term)
            label = l10n.tr(
                f"growth_linkage.{key}", language, markdown=False, event=self.event, slope=slope
            )
            ax.scatter(part["driver"], part["outcome"], color=color, marker=marker, zorder=3)
            x = np.linspace(part["driver"].min(), part["driver"].max(), 2)
            xm, ym = part["driver"].mean(), part["outcome"].mean()
            ax.plot(x, ym + slope * (x - xm), color=color, lw=1.2, zorder=2)
            handles.append(
                Line2D([], [], color=color, marker=marker, lw=1.2, label=mpl_text(label))
            )
        x0, x1 = fit["driver"].min(), fit["driver"].max()
        y0, y1 = fit["outcome"].min(), fit["outcome"].max()
        px, py = 0.12 * (x1 - x0 or 1), 0.12 * (y1 - y0 or 1)
        lim_x, lim_y = (x0 - px, x1 + px), (y0 - py, y1 + py)
        others = d.loc[~(d["used"] & (d["dummy"] == ""))]
        for _, r in others.iterrows():
            key = "legend_dummy" if r["dummy"] else "legend_excluded"
            label = l10n.tr(f"growth_linkage.{key}", language, markdown=False, period=r["time"])
            far_x = not (lim_x[0] - 2 * px <= r["driver"] <= lim_x[1] + 2 * px)
            far_y = not (lim_y[0] - 2 * py <= r["outcome"] <= lim_y[1] + 2 * py)
            if far_x or far_y:
                label = l10n.tr(
                    "growth_linkage.legend_off_frame",
                    language,
                    markdown=False,
                    label=label,
                    x=r["driver"],
                    y=r["outcome"],
                )
                cx = float(np.clip(r["driver"], *lim_x))
                cy = float(np.clip(r["outcome"], *lim_y))
                if far_x:
                    marker = "<" if r["driver"] < lim_x[0] else ">"
                else:
                    marker = "v" if r["outcome"] < lim_y[0] else "^"
            else:
                cx, cy, marker = float(r["driver"]), float(r["outcome"]), "x"
                lim_x = (min(lim_x[0], cx - px), max(lim_x[1], cx + px))
                lim_y = (min(lim_y[0], cy - py), max(lim_y[1], cy + py))
            grey = PALETTE["counterfactual"]
            ax.scatter([cx], [cy], marker=marker, s=60, color=grey, zorder=3, clip_on=False)
            handles.append(
                Line2D([], [], color=grey, marker=marker, ls="none", label=mpl_text(label))
            )
        ax.set_xlim(*lim_x)
        ax.set_ylim(*lim_y)
        first_last = [p.index[i] for _, p in fit.groupby("post") for i in (0, -1)]
        order = first_last + [i for i in fit.index if i not in first_last]
        place_labels(
            ax,
            [
                LabelSpec(fit.at[i, "driver"], fit.at[i, "outcome"], str(fit.at[i, "time"]))
                for i in order
            ],
        )
        ax.set_xlabel(mpl_text(driver_label or _name(self.driver, language)))
        ax.set_ylabel(mpl_text(outcome_label or _name(self.outcome, language)))
        localise_axis(ax, language, axis="both", decimals=1)
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.0, -0.16),
            fontsize=8,
            frameon=False,
        )


def _check(data: pd.DataFrame, outcome: str, driver: str, time: str) -> pd.DataFrame:
    dg.require_columns(data, {"outcome": outcome, "driver": driver, "time": time})
    if len(data) == 0:
        raise DataValidationError(
            [
                Problem(
                    "the data have no rows; pass one row per period with the outcome's and the "
                    "driver's growth",
                    column=time,
                )
            ]
        )
    dg.require_numeric(data, [outcome, driver])
    dg.require_unique(data, [time])
    problems = []
    for col in (outcome, driver):
        values = data[col].to_numpy(dtype=float, na_value=np.nan)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            shown = bad[: dg.MAX_ROWS_SHOWN]
            problems.append(
                Problem(
                    f"must hold finite numbers; {len(bad)} row(s) are missing or infinite — "
                    "fill them or leave those periods out of the data",
                    column=col,
                    rows=tuple(int(i) + 2 for i in shown),
                    values=tuple(data[col].iloc[shown].tolist()),
                )
            )
    if problems:
        raise DataValidationError(problems)
    return (
        data.loc[:, [time, driver, outcome]]
        .rename(columns={time: "time", driver: "driver", outcome: "outcome"})
        .astype({"driver": float, "outcome": float})
        .sort_values("time", kind="stable")
        .reset_index(drop=True)
    )


def growth_linkage(
    data: pd.DataFrame,
    *,
    outcome: str,
    driver: str,
    time: str,
    event: Any,
    dummies: Mapping[str, Any] | None = None,
    exclude: Sequence[Any] = (),
    level: float = 0.95,
    se: HacSe = "hac_max",
    hac_lags: int | None = None,
) -> GrowthLinkageResult:
    """The elasticity of ``outcome`` growth to ``driver`` growth before and after ``event``.

    Parameters
    ----------
    data : DataFrame
        One row per period with both growth rates (percent); not modified.
    outcome, driver : str
        Growth columns: the economy that may follow (a satellite city) and the one
        it may follow (its core city).
    time : str
        Period column (years, or anything ordered).
    event : object
        First period counted as "after" (``time >= event``).
    dummies : mapping, optional
        Term name → period that gets its own indicator (e.g. ``{"covid_2020": 2020}``):
        the period keeps its row but no longer moves the slopes.
    exclude : sequence, optional
        Periods left out of the regression.
    level : float
        Confidence level, in (0, 1).
    se : {"hac_max", "hac", "ols"}
        Standard errors, the same rule as :func:`~innolab_analysis.estimators.its.interrupted_time_series`
        (:mod:`innolab_analysis.estimators._hac`): ``"hac_max"`` (default) the larger
        of small-sample-corrected Newey–West and OLS per term; ``"hac"`` Newey–West as
        statsmodels computes it; ``"ols"`` conventional.
    hac_lags : int, optional
        Newey–West lags; default ``floor(4·(T/100)^(2/9))``.

    Returns
    -------
    GrowthLinkageResult
        Terms ``elasticity_change`` (the headline), ``elasticity_before``,
        ``elasticity_after`` and one per dummy.

    Raises
    ------
    ParamsError
        ``level`` outside (0, 1), an unknown ``se``.
    DataValidationError
        Missing columns, no rows, non-numeric or non-finite growth, repeated
        periods, dummy or excluded periods that are not in the data.
    EstimationError
        Fewer than 3 periods before or 2 from the event, or fewer than 2
        residual degrees of freedom.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> years = np.arange(2011, 2025)
    >>> core = 6 + rng.normal(0, 1, 14)
    >>> sat = 1.5 + np.where(years >= 2018, 0.9, 0.4) * core + rng.normal(0, 0.1, 14)
    >>> df = pd.DataFrame({"year": years, "g_core": core, "g_sat": sat})
    >>> res = growth_linkage(df, outcome="g_sat", driver="g_core", time="year", event=2018)
    >>> res.terms["term"].tolist()
    ['elasticity_change', 'elasticity_before', 'elasticity_after']
    >>> round(res.slope("elasticity_after"), 1)
    0.9
    """
    from innolab_analysis.errors import check_option

    dg.check_level(level)
    check_option("se", se, HacSe)
    df = _check(data, outcome, driver, time)
    dummies = dict(dummies or {})
    periods = set(df["time"].tolist())
    unknown = [(f"dummies[{k!r}]", v) for k, v in dummies.items() if v not in periods]
    unknown += [("exclude", v) for v in exclude if v not in periods]
    if unknown:
        first, last = df["time"].iloc[0], df["time"].iloc[-1]
        raise DataValidationError(
            [
                Problem(f"{arg}: period {v!r} is not in the data ({first}–{last})", column=time)
                for arg, v in unknown
            ]
        )
    df["post"] = df["time"] >= event
    df["used"] = ~df["time"].isin(list(exclude))
    by_period = {v: k for k, v in dummies.items()}
    df["dummy"] = [by_period.get(t, "") if u else "" for t, u in zip(df["time"], df["used"])]
    used = df.loc[df["used"]]
    post = used["post"].astype(float)
    X = pd.DataFrame(
        {
            "const": 1.0,
            "growth_core": used["driver"],
            "post": post,
            "growth_core_post": used["driver"] * post,
        }
    )
    for name, period in dummies.items():
        if period in set(used["time"]):
            X[name] = (used["time"] == period).astype(float)
    free = used["dummy"] == ""
    n_pre, n_post = int((~used["post"] & free).sum()), int((used["post"] & free).sum())
    n, k = X.shape
    if n_pre < 3 or n_post < 2 or n - k < 2:
        raise EstimationError(
            f"too few periods for the growth linkage: {n_pre} before and {n_post} from {event} "
            f"(dummied and excluded periods not counted; {n} in all for {k} parameters); need "
            "≥ 3 before, ≥ 2 after and 2 residual degrees of freedom — use a longer series or "
            "exclude fewer periods"
        )
    fit = fit_hac(used["outcome"].to_numpy(float), X.reset_index(drop=True), se=se, lags=hac_lags)
    rows = [
        fit.term("elasticity_change", fit.contrast("growth_core_post"), level),
        fit.term("elasticity_before", fit.contrast("growth_core"), level),
        fit.term("elasticity_after", fit.contrast("growth_core", "growth_core_post"), level),
    ]
    rows += [fit.term(name, fit.contrast(name), level) for name in dummies if name in X.columns]
    terms = pd.DataFrame(
        rows, columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
    )
    diagnostics: list[Diagnostic] = []
    if n_post < MIN_POST_PERIODS:
        diagnostics.append(
            Diagnostic(
                "few_post_periods",
                "warning",
                l10n.bilingual("growth_linkage.diag_few_post", count=n_post, event=event),
            )
        )
    if len(exclude):
        listed = {lang: l10n.join(list(exclude), lang) for lang in ("id", "en")}
        diagnostics.append(
            Diagnostic(
                "periods_excluded",
                "info",
                l10n.Bilingual(
                    **{
                        lang: l10n.tr("growth_linkage.diag_excluded", lang, periods=listed[lang])
                        for lang in ("id", "en")
                    }
                ),
            )
        )
    t = terms.set_index("term")
    text = l10n.Bilingual(
        **{
            lang: l10n.tr(
                "growth_linkage.text",
                lang,
                outcome=_name(outcome, lang),
                driver=_name(driver, lang),
                event=event,
                before=t.loc["elasticity_before", "estimate"],
                after=t.loc["elasticity_after", "estimate"],
                change=t.loc["elasticity_change", "estimate"],
                pct=round(level * 100),
                lower=t.loc["elasticity_change", "ci_lower"],
                upper=t.loc["elasticity_change", "ci_upper"],
                p=t.loc["elasticity_change", "p_value"],
                n=n,
            )
            for lang in ("id", "en")
        }
    )
    return GrowthLinkageResult.from_terms(
        terms,
        method="growth_linkage",
        outcome=outcome,
        n_obs=n,
        se_type=fit.se_type,
        text=text,
        diagnostics=tuple(diagnostics),
        level=float(level),
        title="Growth linkage",
        data=df,
        driver=driver,
        event=event,
        hac_lags=fit.lags,
        df_resid=fit.df_resid,
        se=se,
        excluded=tuple(exclude),
    )
