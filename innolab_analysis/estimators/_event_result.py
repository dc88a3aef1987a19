"""What the event-study results share: event-time terms, their covariance, the plot, the diagnostics.

:class:`EventTimeResult` is the base of the Sun–Abraham and imputation results:
one tidy row per event time (``term = "e=K"``) in :attr:`EventTimeResult.event`
and the variance–covariance matrix of those terms in
:attr:`EventTimeResult.vcov` (what :func:`~innolab_analysis.estimators.honest.honest_did`
and :func:`~innolab_analysis.estimators.pretrend.pretrend_power` need).
:func:`event_terms_of` reads the same three things (event times,
coefficients, covariance) from every event-study result of the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError
from innolab_analysis.estimators._result import Diagnostic, EffectResult

__all__ = [
    "EventTimeResult",
    "headline_text",
    "event_diagnostics",
    "event_terms_of",
    "vcov_frame",
]

FEW_CLUSTERS = 30
"""Below this many clusters the clustered standard errors are flagged (a rule of thumb)."""
FEW_PRE_PERIODS = 3
"""Fewer pre-treatment event times than this are flagged."""
SMALL_COHORT = 5
"""Cohorts (or control groups) with fewer units than this are flagged."""


def vcov_frame(V: np.ndarray, names: list[str]) -> pd.DataFrame:
    """The covariance matrix as a DataFrame labelled by term on both axes."""
    return pd.DataFrame(np.asarray(V, float), index=list(names), columns=list(names))


@dataclass(frozen=True, kw_only=True)
class EventTimeResult(EffectResult):
    """An effect with event-time terms and their covariance.

    Attributes
    ----------
    event : DataFrame
        One row per event time: ``term`` (``"e=-3"`` …), ``event_time`` (int),
        ``estimate, std_error, ci_lower, ci_upper, p_value``. The reference
        period (``e=-1`` for Sun–Abraham) is not a row.
    vcov : DataFrame
        Variance–covariance matrix of the ``event`` estimates, labelled by term.
    n_clusters : int
    """

    event: pd.DataFrame
    vcov: pd.DataFrame
    n_clusters: int

    def event_vcov(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(event_times, estimates, covariance)`` of the event-time terms."""
        return (
            self.event["event_time"].to_numpy(int),
            self.event["estimate"].to_numpy(float),
            self.vcov.to_numpy(float),
        )

    def _title(self, language: str) -> str:
        return self.title

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below

        t = self.event
        e = t["event_time"].to_numpy()
        est = t["estimate"].to_numpy()
        lo, hi = t["ci_lower"].to_numpy(), t["ci_upper"].to_numpy()
        for mask, colour, key in (
            (e < 0, PALETTE["control"], "legend_before"),
            (e >= 0, PALETTE["treated"], "legend_after"),
        ):
            if mask.any():
                ax.errorbar(
                    e[mask],
                    est[mask],
                    yerr=[est[mask] - lo[mask], hi[mask] - est[mask]],
                    fmt="o",
                    color=colour,
                    capsize=3,
                    label=label(f"estimators_event.{key}", language),
                )
        ax.axhline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
        ax.axvline(
            -0.5, color="grey", lw=0.8, ls="--",
            label=label("estimators_staggered.adoption_line", language),
        )  # fmt: skip
        ax.set_xlabel(label("estimators_event.axis_event_time", language))
        ax.set_ylabel(
            label("estimators_event.axis_effect", language, outcome=mpl_text(self.outcome))
        )
        ax.set_title(self._title(language))
        localise_axis(ax, language, decimals=2)
        legend_below(ax)


def headline_text(key: str, head, level: float, *, extra=None, **values) -> l10n.Bilingual:
    """Catalog sentence ``key`` on the headline row ``head`` (estimate, CI, p), then whether the CI excludes zero.

    ``extra`` is an optional catalog key (with its values) appended as a third sentence.
    """
    lo, hi = float(head["ci_lower"]), float(head["ci_upper"])
    zero = "ci_excludes_zero" if lo > 0 or hi < 0 else "ci_includes_zero"
    texts = {}
    for lang in ("id", "en"):
        vals = {k: (v[lang] if isinstance(v, l10n.Bilingual) else v) for k, v in values.items()}
        parts = [
            l10n.tr(
                key, lang, estimate=float(head["estimate"]), lower=lo, upper=hi,
                p=float(head["p_value"]), pct=int(round(level * 100)), **vals,
            ),
            l10n.tr(f"estimators_event.{zero}", lang),
        ]  # fmt: skip
        if extra is not None:
            parts.append(l10n.tr(extra[0], lang, **extra[1]))
        texts[lang] = " ".join(parts)
    return l10n.Bilingual(**texts)


def event_diagnostics(
    *,
    n_clusters: int,
    of_units: bool,
    n_pre: int,
    cohort_sizes: dict[Any, int],
    controls: int | None = None,
    control_by_event: dict[int, int] | None = None,
) -> list[Diagnostic]:
    """The plain-language warnings every event study gets.

    ``of_units`` says the clusters are the panel's units; ``cohort_sizes`` maps
    a cohort's value as given in the data to its number of units and
    ``controls`` is the size of the control group; ``control_by_event`` maps an
    event time to the number of control units left there (a pool that shrinks
    to less than half of its largest size is flagged).
    """
    from innolab_analysis.estimators import _diagnostics as dg

    out: list[Diagnostic] = [
        d
        for d in (
            dg.few_clusters(n_clusters, of_units=of_units, threshold=FEW_CLUSTERS),
            dg.few_pre_periods(n_pre, threshold=FEW_PRE_PERIODS, event_times=True),
            dg.small_groups(
                cohort_sizes, threshold=SMALL_COHORT, controls=controls, code="small_cohorts"
            ),
        )
        if d is not None
    ]
    if control_by_event:
        top = max(control_by_event.values())
        low = {e: n for e, n in control_by_event.items() if n < top / 2}
        if low:
            e_min = min(low)
            out.append(
                Diagnostic(
                    "shrinking_controls",
                    "warning",
                    l10n.bilingual(
                        "estimators_event.shrinking_controls",
                        event_time=int(e_min),
                        count=int(low[e_min]),
                        largest=int(top),
                    ),
                )
            )
    return out


def event_terms_of(result, *, estimator: str | None = None):
    """``(event_times, estimates, covariance, source)`` from an event-study result.

    Works on :class:`EventTimeResult` (Sun–Abraham, imputation), the dynamic
    aggregation of :func:`~innolab_analysis.estimators.staggered.staggered_did`
    and :class:`~innolab_analysis.estimators.event_study.EventStudyResult`
    (``estimator="staggered"`` by default, or ``"twfe"``).

    Raises
    ------
    EstimationError
        When the result has no event-time terms with a covariance matrix.
    """
    from innolab_analysis.estimators.event_study import EventStudyResult
    from innolab_analysis.estimators.staggered import StaggeredAggregate

    if isinstance(result, EventTimeResult):
        e, b, V = result.event_vcov()
        return e, b, V, result.method
    if isinstance(result, StaggeredAggregate):
        if result.kind != "dynamic" or result.vcov is None:
            raise EstimationError(
                "honest_did and pretrend_power need an event study: pass "
                "staggered_did(...).aggregate('dynamic'), not the "
                f"'{result.kind}' aggregation"
            )
        e = result.terms["event_time"].to_numpy(int)
        return (
            e,
            result.terms["estimate"].to_numpy(float),
            result.vcov.to_numpy(float),
            result.method,
        )
    if isinstance(result, EventStudyResult):
        est = estimator or "staggered"
        if est not in result.vcov_by_estimator:
            raise EstimationError(
                f"this event study has no '{est}' event-time covariance; available: "
                f"{', '.join(sorted(result.vcov_by_estimator))}"
            )
        sub = result.dynamic[result.dynamic["estimator"] == est]
        V = result.vcov_by_estimator[est]
        return (
            sub["event_time"].to_numpy(int),
            sub["estimate"].to_numpy(float),
            V.to_numpy(float),
            f"event_study ({est})",
        )
    raise EstimationError(
        "expected an event-study result (sun_abraham, imputation_did, event_study or "
        f"staggered_did(...).aggregate('dynamic')), got {type(result).__name__}"
    )
