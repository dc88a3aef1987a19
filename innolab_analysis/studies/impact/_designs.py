"""The designs of the impact study that are not estimators of their own.

The agency choice and fit of the interrupted time series, the agency-level
effects by imputation and the heterogeneity by leadership commitment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, ParamsError, Problem
from innolab_analysis.estimators._result import Diagnostic

__all__ = ["Moderation", "agency_effects", "choose_its", "moderation"]

_LEADERSHIP = "leadership_commitment"
_UNIT, _TIME, _COHORT = "agency_id", "period_index", "cohort"


@dataclass(frozen=True)
class Moderation:
    """Heterogeneity of the effect by leadership commitment.

    Attributes
    ----------
    slope_per_sd, std_error, ci_lower, ci_upper, p_value : float
        OLS slope of the agency-level effects on the standardised leadership
        score (z over the adopting agencies, population SD), HC1 standard
        error, t(n − 2) reference.
    intercept : float
        Effect at the mean leadership score.
    score_mean, score_sd : float
        Mean and population SD of the raw score (rubric points) over the
        adopting agencies; ``slope_per_point = slope_per_sd / score_sd``.
    n_agencies : int
    median : float
        Median raw score; agencies at or above it form the "high" group.
    high, low : StaggeredDiDResult or None
        Staggered DiD on the high/low group (with all never-treated agencies
        as controls); None when a group has no adopting agency.
    difference, difference_se, difference_p : float
        High minus low, with the SE of two independent estimates (an
        approximation: both share the control agencies).
    """

    slope_per_sd: float
    std_error: float
    ci_lower: float
    ci_upper: float
    p_value: float
    intercept: float
    score_mean: float
    score_sd: float
    n_agencies: int
    median: float
    high: Any
    low: Any
    difference: float
    difference_se: float
    difference_p: float

    @property
    def slope_per_point(self) -> float:
        return self.slope_per_sd / self.score_sd if self.score_sd > 0 else float("nan")


def choose_its(panel, outcome, its_agency, covid_years, notes, names):
    """ITS for the chosen (or automatically picked) adopting agency."""
    from innolab_analysis.estimators.its import interrupted_time_series

    treated = panel[panel[_COHORT] > 0]
    pre = treated[treated["treated"] == 0].groupby(_UNIT).size()
    post = treated[treated["treated"] == 1].groupby(_UNIT).size()
    table = pd.DataFrame({"pre": pre, "post": post}).fillna(0).astype(int)
    if its_agency:
        if its_agency not in table.index:
            allowed = ", ".join(sorted(table.index))
            raise ParamsError(
                [
                    Problem(
                        f"its_agency {its_agency!r} did not launch an innovation inside the panel "
                        "(or is not an agency of the study); pick an adopting agency or leave it "
                        "empty to choose automatically",
                        column="its_agency",
                        allowed=allowed,
                    )
                ]
            )
        chosen = its_agency
    else:
        ok = table[(table["pre"] >= 3) & (table["post"] >= 2)].reset_index(names="agency")
        if ok.empty:
            notes.append(
                Diagnostic(
                    "its",
                    "warning",
                    l10n.bilingual("impact.its.not_run"),
                )
            )
            return None, "", False
        ok = ok.sort_values(["pre", "post", "agency"], ascending=[False, False, True])
        chosen = str(ok["agency"].iloc[0])
        notes.append(
            Diagnostic(
                "its_choice",
                "info",
                l10n.bilingual(
                    "impact.its.choice",
                    name=names.get(chosen, chosen),
                    pre=int(table.loc[chosen, "pre"]),
                    post=int(table.loc[chosen, "post"]),
                ),
            )
        )
    series = panel.loc[panel[_UNIT] == chosen, ["period", _TIME, outcome, "treated"]]
    start = series.loc[series["treated"] == 1, "period"].min()
    covid = series["period"].dt.year.isin(list(covid_years)).astype(float)
    controls = []
    if covid.nunique() > 1:
        series = series.assign(covid=covid.to_numpy())
        controls = ["covid"]
    try:
        res = interrupted_time_series(
            series, outcome=outcome, time="period", intervention=start, controls=controls
        )
    except EstimationError:
        notes.append(
            Diagnostic(
                "its",
                "warning",
                l10n.bilingual(
                    "impact.its.failed",
                    name=names.get(chosen, chosen),
                    reason=l10n.bilingual("impact.reason.its"),
                ),
            )
        )
        return None, chosen, False
    return res, chosen, bool(controls)


def agency_effects(imputation, panel, names, labels) -> pd.DataFrame:
    """Agency-level effects of the Borusyak–Jaravel–Spiess imputation, one row per adopting agency.

    Each agency's effect is the mean of observed minus imputed outcome over its
    treated periods (:meth:`ImputationResult.unit_effects`, which also gives
    its conservative standard error); here with the agency's name, cohort
    label and leadership-commitment score.
    """
    ue = imputation.unit_effects()
    out = pd.DataFrame(
        {
            "agency_id": ue["unit"].astype(str).to_numpy(),
            "name": [names.get(str(a), str(a)) for a in ue["unit"]],
            "cohort": ue["cohort"].astype(int).to_numpy(),
            "cohort_label": [labels.get(int(g), str(g)) for g in ue["cohort"]],
        }
    )
    if _LEADERSHIP in panel.columns:
        lead = panel.groupby(_UNIT)[_LEADERSHIP].first()
        out[_LEADERSHIP] = lead.reindex(out["agency_id"]).to_numpy(float)
    else:
        out[_LEADERSHIP] = np.nan
    for col in ("estimate", "std_error", "ci_lower", "ci_upper", "p_value", "n_pre", "n_post"):
        out[col] = ue[col].to_numpy()
    if len(out):
        lead = out[_LEADERSHIP]
        sd = float(lead.std(ddof=0))
        out.insert(5, "z", (lead - lead.mean()) / sd if sd > 0 else np.nan)
    return out


def moderation(panel, effects, outcome, sd_kw, notes) -> Moderation | None:
    if _LEADERSHIP not in panel.columns or effects.empty or effects[_LEADERSHIP].isna().all():
        notes.append(
            Diagnostic("no_readiness", "info", l10n.bilingual("impact.heterogeneity.none"))
        )
        return None
    from innolab_analysis.estimators.staggered import staggered_did

    ae = effects.dropna(subset=[_LEADERSHIP, "estimate"])
    score = ae[_LEADERSHIP].to_numpy(float)
    mean, sd = float(score.mean()), float(score.std(ddof=0))
    z = (score - mean) / sd
    y = ae["estimate"].to_numpy(float)
    n = len(y)
    X = np.column_stack([np.ones(n), z])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    meat = X.T @ (X * (e**2)[:, None])
    V = bread @ meat @ bread * n / (n - 2)
    se = float(np.sqrt(V[1, 1]))
    crit = stats.t.ppf(0.975, n - 2)
    p = float(2 * stats.t.sf(abs(beta[1] / se), n - 2))

    median = float(np.median(score))
    high_ids = set(ae.loc[ae[_LEADERSHIP] >= median, "agency_id"])
    low_ids = set(ae.loc[ae[_LEADERSHIP] < median, "agency_id"])
    split = {}
    for name, keep, drop in (("high", high_ids, low_ids), ("low", low_ids, high_ids)):
        if not keep:
            split[name] = None
            continue
        sub = panel[~panel[_UNIT].isin(drop)]
        try:
            split[name] = staggered_did(
                sub, outcome=outcome, unit=_UNIT, time=_TIME, cohort=_COHORT, **sd_kw
            )
        except EstimationError:
            split[name] = None
    hi, lo = split["high"], split["low"]
    if hi is not None and lo is not None:
        diff = hi.estimate - lo.estimate
        dse = float(np.hypot(hi.std_error, lo.std_error))
        dp = float(2 * stats.norm.sf(abs(diff / dse))) if dse > 0 else float("nan")
    else:
        diff = dse = dp = float("nan")
    return Moderation(
        slope_per_sd=float(beta[1]),
        std_error=se,
        ci_lower=float(beta[1] - crit * se),
        ci_upper=float(beta[1] + crit * se),
        p_value=p,
        intercept=float(beta[0]),
        score_mean=mean,
        score_sd=sd,
        n_agencies=n,
        median=median,
        high=hi,
        low=lo,
        difference=float(diff),
        difference_se=dse,
        difference_p=dp,
    )
