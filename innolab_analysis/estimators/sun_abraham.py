"""Sun & Abraham (2021) interaction-weighted event study.

:func:`sun_abraham` fits the saturated regression of R ``fixest::sunab``: unit
and period fixed effects and one dummy per cohort × relative period (all
relative periods but the reference ``e = -1``), then averages the
cohort-specific coefficients of each event time with the cohorts' shares of
the observations at that event time as weights. Under staggered adoption and
heterogeneous effects this avoids the contamination of the TWFE leads and lags
by other periods' effects.

Conventions:

* ``cohort`` is the first treated period (0 or missing = never treated), as
  in :func:`~innolab_analysis.estimators.staggered.staggered_did`; units
  treated in the first period are dropped with a diagnostic.
* ``control_group="never_treated"``: the never-treated units are the control
  cohort (R ``sunab``'s default). ``"last_treated"``: the last cohort to adopt
  (with the never-treated, if any) is the control, and the periods from its
  adoption on are dropped (Sun & Abraham 2021, Section 4.1).
* Standard errors are CR1 cluster-robust by unit (or ``cluster``) exactly as
  fixest with its default small-sample correction: ``G/(G-1)·(N-1)/(N-K)``,
  ``K`` = coefficients + period effects (unit effects nested in the clusters
  not counted), t(G − 1) reference; the cohort-share weights are treated as
  known (as ``fixest::aggregate`` and HonestDiD's ``sunab_beta_vcv`` do).
* The headline is the equally weighted average of the post-period event-time
  estimates (``e ≥ 0``), as ``staggered_did(...).aggregate("dynamic")``;
  ``terms`` also holds R ``summary(..., agg = "ATT")``: every post-period cell
  weighted by its number of observations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, check_option
from innolab_analysis.estimators._cohort_fe import cohort_period_effects
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._event_panel import prepare_event_panel
from innolab_analysis.estimators._event_result import (
    EventTimeResult,
    event_diagnostics,
    headline_text,
    vcov_frame,
)
from innolab_analysis.estimators._result import Diagnostic
from innolab_analysis.estimators.staggered import core as _core
from innolab_analysis.options import EventControlGroup

__all__ = ["EventControlGroup", "SunAbrahamResult", "sun_abraham"]


@dataclass(frozen=True, kw_only=True)
class SunAbrahamResult(EventTimeResult):
    """Result of :func:`sun_abraham`.

    Attributes
    ----------
    cells : DataFrame
        The cohort-specific coefficients: ``cohort, time, event_time, estimate,
        std_error, n_obs`` (one row per cohort × relative period).
    cohort_shares : DataFrame
        ``event_time, cohort, n_obs, share``: the interaction weights (shares sum
        to one within each event time).
    cells_vcov : DataFrame
        Covariance of the cohort-specific coefficients (CR1).
    control_group : str
    """

    cells: pd.DataFrame
    cohort_shares: pd.DataFrame
    cells_vcov: pd.DataFrame
    control_group: str

    def _title(self, language: str) -> str:
        return l10n.tr("estimators_event.sa_title", language, markdown=False)


def sun_abraham(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control_group: EventControlGroup = "never_treated",
    cluster: str | None = None,
    level: float = 0.95,
) -> SunAbrahamResult:
    """Interaction-weighted event study of Sun & Abraham (2021), as R ``fixest::sunab``.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period (not modified).
    outcome, unit, time : str
        Column names; ``time`` holds integer periods or dates.
    cohort : str
        First treated period of each unit (0 or missing = never treated;
        adoption dates when ``time`` holds dates).
    control_group : {"never_treated", "last_treated"}
    cluster : str, optional
        A column constant within unit to cluster at (default: the unit).
    level : float
        Confidence level, in (0, 1).

    Returns
    -------
    SunAbrahamResult
        Headline: average of the event-time estimates ``e ≥ 0``. ``event`` and
        ``vcov`` hold the event-time terms and their covariance;
        ``cohort_shares`` the weights.

    Raises
    ------
    DataValidationError
        Empty data, missing columns, an all-missing or constant outcome,
        duplicate unit-period rows, a cohort that changes within a unit.
    EstimationError
        No control cohort (e.g. no never-treated unit with
        ``control_group="never_treated"``), or no estimable coefficient.

    Examples
    --------
    >>> from innolab_analysis.estimators.staggered import _example_panel
    >>> res = sun_abraham(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")
    >>> res.event["term"].tolist()
    ['e=-5', 'e=-4', 'e=-3', 'e=-2', 'e=0', 'e=1', 'e=2', 'e=3']
    >>> round(res.estimate, 2)
    2.28
    """
    check_option("control_group", control_group, EventControlGroup)
    check_level(level)
    panel = prepare_event_panel(
        data, outcome=outcome, unit=unit, time=time, cohort=cohort, cluster=cluster,
        what="sun_abraham",
    )  # fmt: skip
    Y, G, tlist = panel.Y, panel.G, panel.tlist
    diags: list[Diagnostic] = list(panel.diagnostics)
    treated_cohorts = np.unique(G[G > 0])
    if len(treated_cohorts) == 0:
        raise EstimationError(f"no treated cohort in '{cohort}': every unit is never treated")
    if control_group == "never_treated":
        if not (G == 0).any():
            raise EstimationError(
                f"control_group='never_treated' but no unit in '{cohort}' is never treated "
                "within the panel window; use control_group='last_treated' (the last cohort "
                "to adopt becomes the control)"
            )
        control = G == 0
    else:
        if len(treated_cohorts) < 2:
            raise EstimationError(
                "control_group='last_treated' needs at least two treated cohorts; with one "
                "cohort use control_group='never_treated'"
            )
        g_last = treated_cohorts[-1]
        keep_t = tlist < g_last
        Y, tlist = Y[:, keep_t], tlist[keep_t]
        control = (G == 0) | (G == g_last)
        treated_cohorts = treated_cohorts[:-1]
        diags.append(
            Diagnostic(
                "last_treated_control",
                "info",
                l10n.bilingual(
                    "estimators_event.last_treated_control",
                    cohort=str(panel.label(g_last)),
                    last=str(panel.label(tlist[-1])),
                ),
            )
        )
    n_units, T = Y.shape
    ctrl_idx = np.flatnonzero(control)
    ctrl = cohort_period_effects(Y[ctrl_idx])

    cols_scores: list[np.ndarray] = []  # per coefficient: (rows, values)
    cells = []
    for g in treated_cohorts:
        idx = np.flatnonzero(G == g)
        r = np.flatnonzero(tlist == g - 1)
        fx = cohort_period_effects(Y[idx]) if len(r) else None
        if fx is None or fx.n_at[r[0]] == 0 or ctrl.n_at[r[0]] == 0:
            diags.append(
                Diagnostic(
                    "cohort_without_reference",
                    "warning",
                    l10n.bilingual(
                        "estimators_event.cohort_without_reference", cohort=str(panel.label(g))
                    ),
                )
            )
            continue
        r = int(r[0])
        for t in range(T):
            if t == r or fx.n_at[t] == 0 or ctrl.n_at[t] == 0:
                continue
            b = (fx.effects[t] - fx.effects[r]) - (ctrl.effects[t] - ctrl.effects[r])
            s_tr = fx.scores[:, t] - fx.scores[:, r]
            s_co = -(ctrl.scores[:, t] - ctrl.scores[:, r])
            cols_scores.append((idx, s_tr, s_co))
            cells.append((g, tlist[t], int(round(tlist[t] - g)), b, int(fx.n_at[t]), t))
    if not cells:
        raise EstimationError(
            "no cohort × relative-period coefficient could be estimated: no cohort is observed "
            "in the period before its adoption together with the control units"
        )
    K = len(cells)
    S = np.zeros((n_units, K))
    for k, (idx, s_tr, s_co) in enumerate(cols_scores):
        S[idx, k] = s_tr
        S[ctrl_idx, k] = s_co
    Sc = _core.cluster_sums(S, panel.codes, panel.n_clusters)
    n_obs = int((~np.isnan(Y[np.isin(G, np.r_[treated_cohorts, G[control]])])).sum())
    Gc = panel.n_clusters
    k_params = K + T
    if Gc < 2 or n_obs <= k_params:
        raise EstimationError(
            f"not enough clusters or observations for clustered standard errors ({Gc} clusters, "
            f"{n_obs} observations for {k_params} parameters)"
        )
    factor = Gc / (Gc - 1) * (n_obs - 1) / (n_obs - k_params)
    V = factor * (Sc.T @ Sc)
    beta = np.array([c[3] for c in cells])
    cell_df = pd.DataFrame(
        {
            "cohort": [panel.label(c[0]) for c in cells],
            "time": [panel.label(c[1]) for c in cells],
            "event_time": np.array([c[2] for c in cells], dtype=int),
            "estimate": beta,
            "std_error": np.sqrt(np.diag(V)),
            "n_obs": np.array([c[4] for c in cells], dtype=int),
        }
    )
    cell_names = [f"ATT({a},{b})" for a, b in zip(cell_df["cohort"], cell_df["time"])]

    # interaction weights: each cohort's share of the observations at the event time
    e_cell = cell_df["event_time"].to_numpy()
    n_cell = cell_df["n_obs"].to_numpy(float)
    etimes = np.unique(e_cell)
    W = np.zeros((len(etimes), K))
    for j, e in enumerate(etimes):
        m = e_cell == e
        W[j, m] = n_cell[m] / n_cell[m].sum()
    b_e = W @ beta
    V_e = W @ V @ W.T
    shares = pd.DataFrame(
        {
            "event_time": e_cell,
            "cohort": cell_df["cohort"],
            "n_obs": n_cell.astype(int),
            "share": W[np.searchsorted(etimes, e_cell), np.arange(K)],
        }
    ).sort_values(["event_time", "cohort"], ignore_index=True)

    dof = Gc - 1
    event = _tidy([f"e={int(e)}" for e in etimes], b_e, V_e, dof, level)
    event.insert(1, "event_time", etimes.astype(int))
    post = etimes >= 0
    if not post.any():
        raise EstimationError("no post-adoption event time (e ≥ 0) could be estimated")
    a = post / post.sum()
    post_cells = e_cell >= 0
    w_att = np.where(post_cells, n_cell, 0.0)
    w_att = w_att / w_att.sum()
    head = _tidy(
        ["average post (e≥0)", "ATT (cell-weighted)"],
        np.array([a @ b_e, w_att @ beta]),
        np.array([[a @ V_e @ a, a @ W @ V @ w_att], [a @ W @ V @ w_att, w_att @ V @ w_att]]),
        dof,
        level,
    )
    terms = pd.concat([head, event.drop(columns="event_time")], ignore_index=True)

    sizes = {panel.label(g): int((G == g).sum()) for g in treated_cohorts}
    t_cell = np.array([c[5] for c in cells])
    ctrl_by_e = {int(e): int(ctrl.n_at[t_cell[e_cell == e]].min()) for e in etimes}
    diags += event_diagnostics(
        n_clusters=Gc,
        of_units=cluster is None,
        n_pre=int((etimes < 0).sum()) + 1,
        cohort_sizes=sizes,
        controls=int(control.sum()),
        control_by_event=ctrl_by_e,
    )
    se_type = (
        f"CR1 cluster-robust by {panel.cluster_name} ({Gc} clusters), as R fixest: "
        f"G/(G−1)·(N−1)/(N−K) with K = {k_params} (coefficients and period effects; unit "
        "effects nested in the clusters not counted), t(G−1) reference; cohort-share weights "
        "treated as known"
    )
    h = head.iloc[0]
    text = headline_text(
        "estimators_event.sa_text", h, level, outcome=outcome, n_post=int(post.sum()),
        n_cohorts=len(np.unique(cell_df["cohort"])),
        control=l10n.bilingual(f"estimators_event.control_{control_group}"),
    )  # fmt: skip
    return SunAbrahamResult.from_terms(
        terms,
        method="sun_abraham",
        outcome=outcome,
        n_obs=n_obs,
        se_type=se_type,
        text=text,
        diagnostics=tuple(diags),
        level=level,
        title="Sun & Abraham (2021)",
        event=event,
        vcov=vcov_frame(V_e, event["term"].tolist()),
        n_clusters=Gc,
        cells=cell_df,
        cohort_shares=shares,
        cells_vcov=vcov_frame(V, cell_names),
        control_group=control_group,
    )


def _tidy(names, est, V, dof, level) -> pd.DataFrame:
    se = np.sqrt(np.clip(np.diag(np.atleast_2d(V)), 0, None))
    crit = stats.t.ppf(0.5 + level / 2, dof)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(est / se), dof)
    return pd.DataFrame(
        {
            "term": list(names),
            "estimate": est,
            "std_error": se,
            "ci_lower": est - crit * se,
            "ci_upper": est + crit * se,
            "p_value": p,
        }
    )
