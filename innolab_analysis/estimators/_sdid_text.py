"""Reader-facing text of :func:`~innolab_analysis.estimators.sdid.synthetic_did`: the reading and the diagnostics.

Every sentence comes from ``l10n/messages/estimators_sdid.yaml``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.estimators._result import Diagnostic

__all__ = ["diagnostics", "se_type", "se_undefined", "text"]

PRE_PERIODS = 5
"""Fewer pre-periods than this raise ``few_pre_periods``."""
CONTROLS = 10
"""Fewer controls than this raise ``few_controls``."""
POOR_FIT = 0.5
"""Pre-period RMSE above this share of the treated path's sd raises ``poor_pre_fit``."""
FEW_DRAWS = 100


def _d(code: str, severity: str, key: str, **values) -> Diagnostic:
    return Diagnostic(code, severity, l10n.bilingual(f"estimators_sdid.{key}", **values))


def se_undefined(method: str) -> Diagnostic:
    """The requested jackknife or bootstrap cannot be computed."""
    return _d(f"{method}_undefined", "warning", f"se_undefined_{method}")


def diagnostics(
    *, n_treated, n_controls, cohorts, method, se, n_reps, level, cohort_se_missing=False
) -> list[Diagnostic]:
    """Plain-language warnings about the design (one treated unit, few periods, fit …).

    ``cohort_se_missing``: replications exist, so a cohort without a standard
    error is worth a sentence saying why.
    """
    out = []
    if cohort_se_missing:
        lacking = [co for co in cohorts if not math.isfinite(co.std_error)]
        if lacking:
            single = all(len(co.treated_units) == 1 for co in lacking)
            out.append(
                _d(
                    "cohort_se_undefined",
                    "info",
                    "cohort_se_jackknife"
                    if method == "jackknife" and single
                    else "cohort_se_draws",
                    cohorts=", ".join(str(co.label) for co in lacking),
                    count=len(lacking),
                )
            )
    if n_treated == 1:
        out.append(_d("one_treated_unit", "warning", "one_treated"))
    if n_controls < CONTROLS:
        out.append(_d("few_controls", "warning", "few_controls", count=n_controls))
    for co in cohorts:
        label = str(co.label)
        if co.n_pre < PRE_PERIODS:
            out.append(
                _d(
                    "few_pre_periods",
                    "warning",
                    "few_pre_periods",
                    cohort=label,
                    n_pre=co.n_pre,
                    threshold=PRE_PERIODS,
                )
            )
        sd = float(np.std(co.treated_path.to_numpy()[: co.n_pre], ddof=1))
        if sd > 0 and co.pre_rmse / sd > POOR_FIT:
            out.append(
                _d(
                    "poor_pre_fit",
                    "warning",
                    "poor_pre_fit",
                    cohort=label,
                    rmse=co.pre_rmse,
                    ratio=co.pre_rmse / sd,
                )
            )
    if method in ("placebo", "bootstrap") and 0 < n_reps < FEW_DRAWS and n_treated > 1:
        out.append(_d("few_replications", "info", "placebo_few_draws", count=n_reps))
    return out


def se_type(method: str, n_reps: int, seed, level: float, *, enumerated: bool) -> str:
    """The standard-error convention in words (English, like every ``se_type``)."""
    pct = f"{level:.0%}"
    if method == "placebo" and enumerated:
        return (
            f"placebo (Arkhangelsky et al. 2021, Algorithm 4): each of the {n_reps} controls in "
            "turn as the treated unit, weights refitted; SE = sd of the placebo estimates "
            f"(ddof 0); {pct} CI and p from the normal reference"
        )
    if method == "placebo":
        return (
            f"placebo (Arkhangelsky et al. 2021, Algorithm 4): {n_reps} shuffles of the controls "
            f"(seed {seed}), weights refitted; SE = sqrt((B-1)/B)·sd; {pct} CI and p from the "
            "normal reference"
        )
    if method == "bootstrap" and n_reps:
        return (
            f"bootstrap (Arkhangelsky et al. 2021, Algorithm 2): {n_reps} resamples of units "
            f"(seed {seed}), weights refitted; SE = sqrt((B-1)/B)·sd; {pct} CI and p from the "
            "normal reference"
        )
    if method == "jackknife" and n_reps:
        return (
            "jackknife (Arkhangelsky et al. 2021, Algorithm 3): each unit left out in turn, "
            f"weights fixed; SE = sqrt((n-1)/n·Σ(τ_i-τ̄)²) over {n_reps} units; {pct} CI and p "
            "from the normal reference"
        )
    return f"none: no {method} standard error could be computed (see the diagnostics)"


def text(outcome, treated, att, head: pd.Series, comparison: pd.DataFrame, level, n_cohorts):
    """The bilingual reading of the headline, with SC and DiD beside it."""
    values = {
        "outcome": outcome,
        "estimate": att,
        "sc": float(comparison.loc["sc", "estimate"]),
        "did": float(comparison.loc["did", "estimate"]),
        "level": level,
    }
    parts = {}
    for lang in ("id", "en"):
        names = l10n.join(treated[:6], lang) if len(treated) <= 6 else str(len(treated))
        if math.isfinite(float(head["std_error"])):
            s = l10n.tr(
                "estimators_sdid.headline",
                lang,
                treated=names,
                lower=float(head["ci_lower"]),
                upper=float(head["ci_upper"]),
                p=float(head["p_value"]),
                **values,
            )
        else:
            s = l10n.tr("estimators_sdid.headline_no_se", lang, treated=names, **values)
        if n_cohorts > 1:
            s += " " + l10n.tr("estimators_sdid.staggered", lang, count=n_cohorts)
        parts[lang] = s
    return l10n.Bilingual(id=parts["id"], en=parts["en"])
