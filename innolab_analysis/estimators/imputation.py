"""Borusyak, Jaravel & Spiess (2024, ReStud) imputation estimator.

:func:`imputation_did` imputes each treated cell's untreated outcome from unit
and period effects fitted on the untreated cells only (never treated and not
yet treated), takes observed minus imputed as the cell's effect and averages
the effects: over all treated cells (the ATT, the headline) and by event time
(``horizons``). Standard errors are the paper's conservative ones (Theorem 3,
clustered by unit or ``cluster``), with the leave-out refinement of its
Appendix A.9 by default (``leave_out=False`` gives R ``didimputation``'s
numbers). The pre-trend test is the paper's Test 1: on the untreated cells,
unit and period effects plus dummies for the ``pretrends`` periods before
adoption, a joint F test of the dummies with CR1 clustered standard errors;
those coefficients are the ``e < 0`` rows of the event study.

The per-unit and per-period effects are public: :attr:`ImputationResult.effects`
(one row per treated unit-period: observed, imputed, effect) and
:meth:`ImputationResult.unit_effects` (each adopting unit's average effect
with a conservative standard error).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, ParamsError
from innolab_analysis.estimators import _imputation_core as core
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._event_panel import EventPanel, prepare_event_panel
from innolab_analysis.estimators._event_result import (
    EventTimeResult,
    event_diagnostics,
    headline_text,
    vcov_frame,
)
from innolab_analysis.estimators._linear import demean, ols
from innolab_analysis.estimators._result import Diagnostic
from innolab_analysis.estimators.staggered import core as _stag_core

__all__ = ["ImputationResult", "PretrendTestResult", "imputation_did"]


@dataclass(frozen=True)
class PretrendTestResult:
    """Test 1 of Borusyak, Jaravel & Spiess (2024): no effects before adoption.

    Attributes
    ----------
    statistic : float
        F statistic of the pre-period dummies (Wald / q).
    df : int
        Number of pre-period dummies q.
    p_value : float
        From F(q, G − 1).
    """

    statistic: float
    df: int
    p_value: float


@dataclass(frozen=True, kw_only=True)
class ImputationResult(EventTimeResult):
    """Result of :func:`imputation_did`.

    Attributes
    ----------
    effects : DataFrame
        One row per treated unit-period: ``unit, time, cohort, event_time,
        observed, imputed, effect`` (``effect`` = observed − imputed).
    pretrend : PretrendTestResult or None
        Test 1 (None without pre-period dummies; a diagnostic says why).
    leave_out : bool
    """

    effects: pd.DataFrame
    pretrend: PretrendTestResult | None
    leave_out: bool
    _fs: core.FirstStage | None = field(default=None, repr=False, compare=False)
    _panel: EventPanel | None = field(default=None, repr=False, compare=False)
    _units: np.ndarray | None = field(default=None, repr=False, compare=False)

    def _title(self, language: str) -> str:
        return l10n.tr("estimators_event.imp_title", language, markdown=False)

    def unit_effects(self) -> pd.DataFrame:
        """Each adopting unit's average effect over its treated periods.

        The standard error adds the imputation error (the untreated part of
        the Theorem 3 score, clustered) and the noise of the unit's own treated
        cells, taken one by one (a single unit is one cluster, so its own
        cells cannot be clustered): ``sum_t (w_t · (tau_t − tau~_t))²`` with
        ``tau~_t`` the mean effect of the *other* units at the same event time
        (leave one out); normal reference. Serial correlation within the
        unit's post-period is not accounted for.

        Returns
        -------
        DataFrame
            ``unit, cohort, estimate, std_error, ci_lower, ci_upper, p_value,
            n_pre, n_post`` (one row per adopting unit with an imputable period).
        """
        fs, panel = self._fs, self._panel
        T = fs.tau.shape[1]
        e = np.round(panel.tlist[None, :] - panel.G[:, None]).astype(int)
        tr = fs.treated
        # leave-one-out mean effect of the other units at the same event time
        key = np.where(tr, e, -1)
        tot = np.bincount(key[tr], weights=fs.tau[tr], minlength=T + 1)
        cnt = np.bincount(key[tr], minlength=T + 1)
        others = np.full(fs.tau.shape, np.nan)
        k = key[tr]
        with np.errstate(invalid="ignore", divide="ignore"):
            others[tr] = np.where(cnt[k] > 1, (tot[k] - fs.tau[tr]) / (cnt[k] - 1), np.nan)
        eps_tr = np.where(tr, fs.tau - np.nan_to_num(others, nan=0.0), 0.0)
        eps_tr = np.where(tr & np.isnan(others), 0.0, eps_tr)
        rows = np.flatnonzero(tr.any(1))
        n_post = tr[rows].sum(1)
        W_full_t = np.where(tr[rows], 1.0 / n_post[:, None], 0.0)  # (m, T)
        Nf = fs.untreated_f
        ratio = 1.0 / fs.n_unit[rows]  # unit sums of w are 1
        bt = W_full_t.T  # (T, m)
        xt = fs.schur_pinv @ (bt - Nf[rows].T * ratio[None, :])
        psi = -(fs.resid0 @ xt)  # (n, m): untreated part of every unit's score
        S = _stag_core.cluster_sums(psi, panel.codes, panel.n_clusters)
        own = ((W_full_t * eps_tr[rows]) ** 2).sum(1)  # the unit's own treated cells, one by one
        se = np.sqrt((S**2).sum(0) + own)
        est = np.nansum(np.where(tr[rows], fs.tau[rows], 0.0) * W_full_t, axis=1)
        z = stats.norm.ppf(0.5 + self.level / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 2 * stats.norm.sf(np.abs(est / se))
        return pd.DataFrame(
            {
                "unit": self._units[rows],
                "cohort": [panel.label(g) for g in panel.G[rows]],
                "estimate": est,
                "std_error": se,
                "ci_lower": est - z * se,
                "ci_upper": est + z * se,
                "p_value": p,
                "n_pre": fs.n_unit[rows].astype(int),
                "n_post": n_post.astype(int),
            }
        )


def imputation_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    horizons: list[int] | None = None,
    pretrends: int | None = None,
    cluster: str | None = None,
    leave_out: bool = True,
    level: float = 0.95,
) -> ImputationResult:
    """Imputation difference-in-differences of Borusyak, Jaravel & Spiess (2024).

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period (not modified).
    outcome, unit, time : str
    cohort : str
        First treated period (0 or missing = never treated).
    horizons : list of int, optional
        Event times ``e ≥ 0`` to estimate separately (default: every one present).
    pretrends : int, optional
        Number of pre-adoption periods (``e = −1 … −pretrends``) in Test 1;
        default: all but the earliest one available (at most 10); 0 = no test.
    cluster : str, optional
        Column constant within unit to cluster at (default: the unit).
    leave_out : bool
        Leave-out auxiliary residuals (the paper's Appendix A.9; larger, less
        downward-biased standard errors in small samples). False = R
        ``didimputation`` / diff-diff's default.
    level : float
        Confidence level, in (0, 1).

    Returns
    -------
    ImputationResult
        Headline: the ATT over all treated cells; ``terms`` then the event-time
        rows; ``event``/``vcov`` the pre-trend coefficients and horizons with
        their covariance; ``effects`` and ``unit_effects()`` the per-unit effects.

    Raises
    ------
    DataValidationError
        Empty data, missing columns, an all-missing or constant outcome,
        duplicate unit-period rows, a cohort that changes within a unit.
    EstimationError
        No treated cell whose untreated outcome can be imputed.

    Examples
    --------
    >>> from innolab_analysis.estimators.staggered import _example_panel
    >>> res = imputation_did(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")
    >>> round(res.estimate, 2), res.event["term"].tolist()[:3]
    (2.09, ['e=-4', 'e=-3', 'e=-2'])
    """
    check_level(level)
    if pretrends is not None and not (isinstance(pretrends, int | np.integer) and pretrends >= 0):
        raise ParamsError(f"pretrends must be a non-negative integer or None, got {pretrends!r}")
    panel = prepare_event_panel(
        data, outcome=outcome, unit=unit, time=time, cohort=cohort, cluster=cluster,
        what="imputation_did",
    )  # fmt: skip
    Y, G, tlist = panel.Y, panel.G, panel.tlist
    diags: list[Diagnostic] = list(panel.diagnostics)
    if not (G > 0).any():
        raise EstimationError(f"no treated cohort in '{cohort}': every unit is never treated")
    fs = core.first_stage(Y, G, tlist)
    if not fs.treated.any():
        raise EstimationError(
            "no treated cell can be imputed: every period with treated units lacks untreated "
            "(never- or not-yet-treated) units; add never-treated units or earlier periods"
        )
    n_unimp = int(fs.unimputable.sum())
    if n_unimp:
        diags.append(
            Diagnostic(
                "cells_not_imputable",
                "warning",
                l10n.bilingual("estimators_event.cells_not_imputable", count=n_unimp),
            )
        )
    e_mat = np.round(tlist[None, :] - G[:, None]).astype(int)
    e_tr = e_mat[fs.treated]  # in np.nonzero order (row-major), as r_tr, c_tr below
    available = np.unique(e_tr)
    hs = available if horizons is None else np.array(sorted(set(horizons)), dtype=int)
    bad = sorted(set(hs.tolist()) - set(available.tolist()))
    if bad:
        raise ParamsError(
            f"horizons {bad} have no imputable treated cell; available event times: "
            f"{available.tolist()}"
        )
    r_tr, c_tr = np.nonzero(fs.treated)
    targets = [(r_tr, c_tr, np.full(len(r_tr), 1.0 / len(r_tr)))]
    for h in hs:
        m = e_tr == h
        targets.append((r_tr[m], c_tr[m], np.full(int(m.sum()), 1.0 / m.sum())))
    ests, psis, singles = [], [], 0
    for rows_t, cols_t, w in targets:
        est, psi = core.target_scores(fs, rows_t, cols_t, w, leave_out=leave_out)
        ests.append(est)
        psis.append(psi)
        singles = max(singles, core.single_unit_groups(fs, rows_t, cols_t))
    if leave_out and singles:
        diags.append(
            Diagnostic(
                "leave_out_single_unit",
                "info",
                l10n.bilingual("estimators_event.leave_out_single_unit", count=singles),
            )
        )

    # Test 1: pre-period dummies on the untreated cells, CR1 clustered
    n_pre_avail = int(np.max(-e_mat[fs.untreated & (G[:, None] > 0)], initial=0))
    k_pre = min(max(n_pre_avail - 1, 0), 10) if pretrends is None else min(pretrends, n_pre_avail)
    pre_scores, pre_est, pretrend, pre_factor = None, np.zeros(0), None, 1.0
    if k_pre > 0:
        pre_est, pre_scores, pretrend, pre_factor = _test1(fs, panel, e_mat, k_pre)
    else:
        diags.append(
            Diagnostic(
                "no_pretrend_test",
                "info",
                l10n.bilingual("estimators_event.no_pretrend_test"),
            )
        )
    cols = [np.column_stack(psis)]
    if pre_scores is not None:
        cols.insert(0, pre_scores * np.sqrt(pre_factor))
    S = _stag_core.cluster_sums(np.column_stack(cols), panel.codes, panel.n_clusters)
    V_all = S.T @ S
    k = len(pre_est)
    est_all = np.r_[pre_est, ests]
    names_e = [f"e={-j}" for j in range(k, 0, -1)] + [f"e={int(h)}" for h in hs]
    idx_e = list(range(k)) + list(range(k + 1, k + 1 + len(hs)))
    V_e = V_all[np.ix_(idx_e, idx_e)]
    se_all = np.sqrt(np.clip(np.diag(V_all), 0, None))
    dof_pre = panel.n_clusters - 1

    crit = stats.t.ppf(0.5 + level / 2, dof_pre)

    def _row(name, j, pre):
        b, s = est_all[j], se_all[j]
        p = 2 * stats.t.sf(abs(b / s), dof_pre)
        return (name, b, s, b - crit * s, b + crit * s, float(p))

    cols_t = ["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
    event = pd.DataFrame([_row(nm, j, j < k) for nm, j in zip(names_e, idx_e)], columns=cols_t)
    event.insert(1, "event_time", np.r_[np.arange(-k, 0), hs].astype(int))
    head = pd.DataFrame([_row("ATT", k, False)], columns=cols_t)
    terms = pd.concat(
        [head, event[event.event_time >= 0].drop(columns="event_time")], ignore_index=True
    )

    units = panel.units
    r, c = r_tr, c_tr
    time_labels = np.array([panel.label(v) for v in tlist], dtype=object)
    g_uniq, g_inv = np.unique(G, return_inverse=True)
    g_labels = np.array([panel.label(v) for v in g_uniq], dtype=object)
    effects = pd.DataFrame(
        {
            "unit": units[r],
            "time": _column(time_labels[c]),
            "cohort": _column(g_labels[g_inv[r]]),
            "event_time": e_mat[r, c],
            "observed": Y[r, c],
            "imputed": fs.y0_hat[r, c],
            "effect": fs.tau[r, c],
        }
    )
    if pretrend is not None and pretrend.p_value < 1 - level:
        diags.append(
            Diagnostic(
                "pretrend_rejected",
                "warning",
                l10n.bilingual(
                    "estimators_event.imp_pretrend_rejected",
                    df=pretrend.df,
                    statistic=pretrend.statistic,
                    p=pretrend.p_value,
                ),
            )
        )
    sizes = {panel.label(g): int((G == g).sum()) for g in np.unique(G[G > 0])}
    n_untreated_t = fs.untreated.sum(0)
    untreated_by_e = {int(h): int(n_untreated_t[np.unique(c_tr[e_tr == h])].min()) for h in hs}
    diags += event_diagnostics(
        n_clusters=panel.n_clusters,
        of_units=cluster is None,
        n_pre=n_pre_avail,
        cohort_sizes=sizes,
        controls=int((G == 0).sum()) if (G == 0).any() else None,
        control_by_event=untreated_by_e,
    )
    se_type = (
        f"conservative (Borusyak, Jaravel & Spiess 2024, Theorem 3) clustered by "
        f"{panel.cluster_name} ({panel.n_clusters} clusters), auxiliary effects by cohort × "
        "event time"
        + (", leave-out (Appendix A.9)" if leave_out else " (no leave-out, as R didimputation)")
        + f"; t(G−1) = t({dof_pre}) reference (R didimputation uses the normal; with few "
        + "clusters t(G−1) is the more honest). Pre-trend rows: Test 1 on untreated cells, CR1 by "
        + f"{panel.cluster_name}, t(G−1)"
    )
    h0 = head.iloc[0]
    text = headline_text(
        "estimators_event.imp_text", h0, level, outcome=outcome,
        n_cells=int(fs.treated.sum()), n_units=int(fs.treated.any(1).sum()),
        extra=None
        if pretrend is None
        else (
            "estimators_event.imp_pretrend",
            {"df": pretrend.df, "statistic": pretrend.statistic, "p": pretrend.p_value},
        ),
    )  # fmt: skip
    return ImputationResult.from_terms(
        terms,
        method="imputation_did",
        outcome=outcome,
        n_obs=int(panel.n_obs),
        se_type=se_type,
        text=text,
        diagnostics=tuple(diags),
        level=level,
        title="Borusyak, Jaravel & Spiess (2024)",
        event=event,
        vcov=vcov_frame(V_e, names_e),
        n_clusters=panel.n_clusters,
        effects=effects,
        pretrend=pretrend,
        leave_out=leave_out,
        _fs=fs,
        _panel=panel,
        _units=units,
    )


def _column(values: np.ndarray):
    """Integer labels as an integer column, anything else (dates) as it is."""
    if all(isinstance(v, int | np.integer) for v in values[:1000]):
        return values.astype(np.int64)
    return values


def _test1(fs: core.FirstStage, panel: EventPanel, e_mat: np.ndarray, k_pre: int):
    """Test 1: OLS on the untreated cells with unit, period and pre-period dummies; CR1 scores."""
    r, c = np.nonzero(fs.untreated)
    y = panel.Y[r, c]
    e = e_mat[r, c]
    ever = panel.G[r] > 0
    D = np.column_stack([(ever & (e == -j)).astype(float) for j in range(k_pre, 0, -1)])
    keep_cols = D.any(0)
    D = D[:, keep_cols]
    dm = demean(np.column_stack([y, D]), [r, c])
    clusters = panel.cluster_of_unit[r]
    fit = ols(
        dm.values[:, 0], dm.values[:, 1:], vcov="cluster", clusters=clusters,
        fe_codes=[r, c], small_sample="nested",
        names=[f"e={-j}" for j in range(k_pre, 0, -1)],
    )  # fmt: skip
    Xd = dm.values[:, 1:]
    A = Xd @ np.linalg.inv(Xd.T @ Xd)
    scores = np.zeros((len(panel.G), Xd.shape[1]))
    np.add.at(scores, r, A * fit.resid[:, None])
    n, G = fit.n_obs, fit.n_clusters
    factor = G / (G - 1) * (n - 1) / (n - fit.k_params)
    b = fit.coef
    V = fit.vcov
    q = len(b)
    F = float(b @ np.linalg.solve(V, b) / q)
    p = float(stats.f.sf(F, q, G - 1))
    est = np.zeros(k_pre)
    est[keep_cols] = b
    full_scores = np.zeros((len(panel.G), k_pre))
    full_scores[:, keep_cols] = scores
    return est, full_scores, PretrendTestResult(F, q, p), factor
