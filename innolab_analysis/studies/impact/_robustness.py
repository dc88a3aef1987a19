"""Robustness of the impact estimate: five estimators side by side and two sensitivity analyses.

* Callaway–Sant'Anna (the headline), Sun–Abraham, Borusyak–Jaravel–Spiess
  imputation, synthetic DiD (staggered, on the agencies observed in every
  period) and TWFE, in one table with the same columns;
* HonestDiD (Rambachan & Roth 2023): the breakdown value of the average
  post-launch effect under relative magnitudes, on the Callaway–Sant'Anna
  event study with a universal base period (the window of the event study);
* pre-trend power (Roth 2022): the linear pre-trend a pre-test would detect
  with 80% power and the bias such a trend would put into the average effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import EstimationError, ParamsError

__all__ = ["DESIGNS", "Robustness", "robustness"]

DESIGNS: tuple[str, ...] = (
    "callaway_santanna",
    "sun_abraham",
    "imputation",
    "synthetic_did",
    "twfe",
)
"""The estimators of the robustness table, in display order (catalog ``labels.design.<name>``)."""

SDID_REPLICATIONS = 100
"""Bootstrap resamples of the synthetic DiD's standard error in the report (speed vs. precision)."""

PRETREND_POWER = 0.8
"""The power at which the pre-trend a pre-test would detect is reported (Roth 2022 uses 50% and 80%)."""

_UNIT, _TIME, _COHORT = "agency_id", "period_index", "cohort"


@dataclass(frozen=True)
class Robustness:
    """The robustness results of the impact study.

    Attributes
    ----------
    table : DataFrame
        One row per estimator of :data:`DESIGNS` that could be computed:
        ``design, estimate, std_error, ci_lower, ci_upper, p_value, n_obs, se_type``.
    missing : tuple of (str, str)
        ``(design, reason code)`` of the estimators that could not be computed.
    sun_abraham, sdid : result or None
    sdid_dropped : tuple of str
        Agencies left out of the synthetic DiD (not observed in every period).
    event : StaggeredAggregate
        The Callaway–Sant'Anna event study with a universal base period that
        HonestDiD and the pre-trend power use.
    honest : HonestResult or None
        Relative magnitudes, target the average post-launch effect.
    pretrend : PretrendPowerResult or None
    """

    table: pd.DataFrame
    missing: tuple[tuple[str, str], ...]
    sun_abraham: Any
    sdid: Any
    sdid_dropped: tuple[str, ...]
    event: Any
    honest: Any
    pretrend: Any

    @property
    def agree(self) -> bool:
        """Every estimator's interval excludes zero on the same side."""
        t = self.table
        if t.empty:
            return False
        pos = (t["ci_lower"] > 0).all()
        neg = (t["ci_upper"] < 0).all()
        return bool(pos or neg)


def _row(design: str, res) -> dict[str, Any]:
    return {
        "design": design,
        "estimate": float(res.estimate),
        "std_error": float(res.std_error),
        "ci_lower": float(res.ci_lower),
        "ci_upper": float(res.ci_upper),
        "p_value": float(res.p_value),
        "n_obs": int(res.n_obs),
        "se_type": str(res.se_type),
    }


def robustness(
    panel: pd.DataFrame,
    outcome: str,
    *,
    staggered,
    twfe,
    imputation,
    control_group: str,
    leads: int,
    lags: int,
    seed: int,
) -> Robustness:
    """Run the robustness estimators on the impact study's panel.

    Parameters
    ----------
    panel : DataFrame
        The impact study's agency panel (``agency_id, period_index, cohort`` and the outcome).
    outcome : str
    staggered, twfe, imputation : results
        The study's Callaway–Sant'Anna, TWFE and imputation fits (not refitted).
    control_group : {"never_treated", "not_yet_treated"}
        The staggered DiD's comparison group (also for the HonestDiD event study).
    leads, lags : int
        Window of the event study.
    seed : int
        Seed of the synthetic DiD's bootstrap.
    """
    from innolab_analysis.estimators.honest import honest_did
    from innolab_analysis.estimators.pretrend import pretrend_power
    from innolab_analysis.estimators.sdid import synthetic_did
    from innolab_analysis.estimators.staggered import staggered_did
    from innolab_analysis.estimators.sun_abraham import sun_abraham

    kw = dict(outcome=outcome, unit=_UNIT, time=_TIME, cohort=_COHORT)
    rows = [_row("callaway_santanna", staggered)]
    missing: list[tuple[str, str]] = []
    try:
        sa = sun_abraham(panel, **kw)
        rows.append(_row("sun_abraham", sa))
    except (EstimationError, ParamsError):
        sa = None
        missing.append(("sun_abraham", "no_never_treated"))
    rows.append(_row("imputation", imputation))

    counts = panel.groupby(_UNIT)[_TIME].nunique()
    full = counts.index[counts == panel[_TIME].nunique()]
    dropped = tuple(sorted(map(str, counts.index.difference(full))))
    balanced = panel[panel[_UNIT].isin(full)]
    cohorts = balanced.loc[balanced[_COHORT] > 0].groupby(_UNIT)[_COHORT].first()
    sdid = None
    if len(cohorts) and (balanced.groupby(_UNIT)[_COHORT].first() == 0).any():
        try:
            sdid = synthetic_did(
                balanced,
                outcome=outcome,
                unit=_UNIT,
                time=_TIME,
                treated_unit=list(cohorts.index),
                intervention=cohorts.astype(int).to_dict(),
                se="bootstrap",
                replications=SDID_REPLICATIONS,
                seed=seed,
            )
            rows.append(_row("synthetic_did", sdid))
        except (EstimationError, ParamsError):
            missing.append(("synthetic_did", "sdid_failed"))
    else:
        missing.append(("synthetic_did", "no_never_treated"))
    rows.append(_row("twfe", twfe))

    universal = staggered_did(
        panel, **kw, control_group=control_group, base_period="universal"
    ).aggregate("dynamic", min_e=-leads, max_e=lags)
    n_pre = int((universal.terms["event_time"] < 0).sum())
    honest = pretrend = None
    if n_pre >= 1 and (universal.terms["event_time"] >= 0).any():
        try:
            honest = honest_did(universal, restriction="relative_magnitude", target="average")
        except (EstimationError, ParamsError):
            honest = None
        try:
            pretrend = pretrend_power(universal, power=PRETREND_POWER)
        except (EstimationError, ParamsError):
            pretrend = None
    table = pd.DataFrame(rows)
    order = {d: i for i, d in enumerate(DESIGNS)}
    table = table.sort_values("design", key=lambda s: s.map(order)).reset_index(drop=True)
    return Robustness(
        table=table,
        missing=tuple(missing),
        sun_abraham=sa,
        sdid=sdid,
        sdid_dropped=dropped if sdid is not None else (),
        event=universal,
        honest=honest,
        pretrend=pretrend,
    )


def breakdown_is_finite(honest) -> bool:
    """Whether HonestDiD found a finite breakdown value."""
    return honest is not None and bool(np.isfinite(honest.breakdown))
