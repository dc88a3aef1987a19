"""The result contract shared by every estimator.

Every estimator is a function that returns a frozen subclass of
:class:`EffectResult`. The fields below are the contract; subclasses add their
own fields (``.weights``, ``.gap``, ``.att_gt`` ...) and override
:meth:`EffectResult._draw` to plot.

``summary()`` always returns the columns in :data:`SUMMARY_COLUMNS`, so a
report can stack results of different designs; ``effect_rows()`` adds the
study-level columns of :data:`EFFECT_COLUMNS` used by the comparative
synthesis (agency- and city-level studies alike).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.options import EffectLevel, Language, Severity

__all__ = [
    "EFFECT_COLUMNS",
    "SUMMARY_COLUMNS",
    "Diagnostic",
    "EffectResult",
    "normal_inference",
    "t_inference",
]

SUMMARY_COLUMNS: tuple[str, ...] = (
    "term",
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "p_value",
    "n_obs",
    "method",
    "se_type",
)
"""Columns of every ``summary()``: one row per term."""

EFFECT_COLUMNS: tuple[str, ...] = (
    "study",
    "level",
    "unit",
    "outcome",
    *SUMMARY_COLUMNS,
)
"""Columns of the tidy effect rows that the comparative synthesis collects."""


@dataclass(frozen=True)
class Diagnostic:
    """A warning an analyst should read before trusting a number.

    Parameters
    ----------
    code : str
        Stable machine name, e.g. ``"few_clusters"``.
    severity : {"info", "warning", "error"}
    message : l10n.Bilingual
        What was found, why it matters and what to do, in plain language.
    """

    code: str
    severity: Severity
    message: l10n.Bilingual

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.message.en}"


def _fmt(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:,.{digits}f}"


def t_inference(
    estimate: float, std_error: float, dof: float | None, level: float = 0.95
) -> tuple[float, float, float]:
    """Return ``(ci_lower, ci_upper, p_value)`` from a t (or normal when ``dof`` is None) reference."""
    if not (np.isfinite(std_error) and std_error > 0):
        return (float("nan"), float("nan"), float("nan"))
    z = estimate / std_error
    if dof is None or not np.isfinite(dof):
        crit = stats.norm.ppf(0.5 + level / 2)
        p = 2 * stats.norm.sf(abs(z))
    else:
        crit = stats.t.ppf(0.5 + level / 2, dof)
        p = 2 * stats.t.sf(abs(z), dof)
    return (float(estimate - crit * std_error), float(estimate + crit * std_error), float(p))


def normal_inference(
    estimate: float, std_error: float, level: float = 0.95
) -> tuple[float, float, float]:
    """Return ``(ci_lower, ci_upper, p_value)`` with a normal reference."""
    return t_inference(estimate, std_error, None, level)


@dataclass(frozen=True, kw_only=True)
class EffectResult:
    """Base of every estimator result (frozen).

    Attributes
    ----------
    method : str
        Short name of the design, e.g. ``"did_2x2"``, ``"staggered_did"``.
    outcome : str
        Name of the outcome column.
    estimate, std_error, ci_lower, ci_upper, p_value : float
        The headline effect and its inference.
    n_obs : int
        Number of observations used.
    se_type : str
        The standard-error convention in words, e.g. ``"CR1 cluster-robust by
        agency_id (28 clusters), small-sample factor G/(G-1)·(N-1)/(N-K), t(G-1)"``.
    level : float
        Confidence level of the intervals.
    terms : DataFrame
        Tidy rows (``term, estimate, std_error, ci_lower, ci_upper, p_value``);
        the headline is the first row.
    text : l10n.Bilingual
        Plain-language reading of the result (catalog messages, both languages).
    diagnostics : tuple of Diagnostic
        Everything an analyst should know before trusting the number.
    """

    method: str
    outcome: str
    estimate: float
    std_error: float
    ci_lower: float
    ci_upper: float
    p_value: float
    n_obs: int
    se_type: str
    terms: pd.DataFrame
    text: l10n.Bilingual
    diagnostics: tuple[Diagnostic, ...] = ()
    level: float = 0.95
    title: str = field(default="")

    @classmethod
    def from_terms(cls, terms: pd.DataFrame, **fields):
        """Build the result with the headline (estimate, SE, CI, p) taken from ``terms``' first row.

        ``fields`` are the remaining fields (``method``, ``outcome``, ``n_obs``,
        ``se_type``, ``text`` …, and the subclass's own).
        """
        head = terms.iloc[0]
        return cls(
            estimate=float(head["estimate"]),
            std_error=float(head["std_error"]),
            ci_lower=float(head["ci_lower"]),
            ci_upper=float(head["ci_upper"]),
            p_value=float(head["p_value"]),
            terms=terms,
            **fields,
        )

    # ------------------------------------------------------------------ tables
    def summary(self) -> pd.DataFrame:
        """Tidy table, one row per term, with the columns in :data:`SUMMARY_COLUMNS`."""
        out = self.terms.copy()
        for col in ("estimate", "std_error", "ci_lower", "ci_upper", "p_value"):
            if col not in out:
                out[col] = np.nan
        out["n_obs"] = int(self.n_obs)
        out["method"] = self.method
        out["se_type"] = self.se_type
        return out.loc[:, list(SUMMARY_COLUMNS)].reset_index(drop=True)

    def effect_rows(
        self, *, study: str, unit: str = "all", level: EffectLevel = "agency"
    ) -> pd.DataFrame:
        """The summary with study-level columns (:data:`EFFECT_COLUMNS`) for the synthesis."""
        out = self.summary()
        out.insert(0, "outcome", self.outcome)
        out.insert(0, "unit", unit)
        out.insert(0, "level", level)
        out.insert(0, "study", study)
        return out.loc[:, list(EFFECT_COLUMNS)]

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Diagnostics of severity warning or error."""
        return tuple(d for d in self.diagnostics if d.severity != "info")

    # ------------------------------------------------------------------ plots
    def plot(self, ax=None, *, language: Language = "en"):
        """Draw the result on ``ax`` (created when None) and return the Axes."""
        from innolab_analysis._plotting import axes_or_new, plot_style

        with plot_style():
            ax = axes_or_new(ax)
            self._draw(ax, language)
        return ax

    def _draw(self, ax, language: str) -> None:  # pragma: no cover - overridden
        """Default drawing: the terms as a coefficient plot."""
        from innolab_analysis._plotting import coef_plot

        coef_plot(self.terms, ax=ax)

    # ------------------------------------------------------------------ display
    def __str__(self) -> str:
        lines = [
            f"{self.title or self.method}: {self.outcome}",
            f"estimate {_fmt(self.estimate)} (SE {_fmt(self.std_error)}), "
            f"{int(self.level * 100)}% CI [{_fmt(self.ci_lower)}, {_fmt(self.ci_upper)}], "
            f"p = {_fmt(self.p_value)}, n = {self.n_obs}",
            f"SE: {self.se_type}",
            self.text.en,
        ]
        lines += [str(d) for d in self.diagnostics]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        table = self.summary().to_html(index=False, float_format=lambda v: f"{v:,.4f}", border=0)
        diag = "".join(
            f"<li><b>{html.escape(d.severity)}</b> {html.escape(d.message.en)}"
            f"<br><i>{html.escape(d.message.id)}</i></li>"
            for d in self.diagnostics
        )
        return (
            f"<div class='innolab-result'><h4>{html.escape(self.title or self.method)}"
            f" — {html.escape(self.outcome)}</h4>"
            f"<p>{html.escape(self.text.id)}</p><p><i>{html.escape(self.text.en)}</i></p>"
            f"{table}<p><small>SE: {html.escape(self.se_type)}</small></p>"
            + (f"<ul>{diag}</ul>" if diag else "")
            + "</div>"
        )
