"""Numerical engine of :func:`~innolab_analysis.estimators.imputation.imputation_did`.

Borusyak, Jaravel & Spiess (2024), on a wide ``unit × period`` panel:

1. :func:`first_stage`: unit and period effects fitted by least squares on the
   untreated cells (never treated and not yet treated), exactly (normal
   equations of the period effects, i.e. the Schur complement of the unit
   effects); every treated cell's effect is ``tau_it = y_it − a_i − l_t``.
2. :func:`target_scores`: for weights ``w`` on the treated cells (the overall
   ATT, one horizon …), the estimate ``sum w·tau`` and each unit's score
   ``psi_i = sum_t v_it · eps~_it`` of the paper's Theorem 3: ``v = w`` on
   treated cells and ``v = −Z0 (Z0'Z0)^- Z1'w`` on untreated ones (computed
   through the same normal equations, never with dummies); ``eps~`` are the
   first-stage residuals on untreated cells and ``tau − tau~_g`` on treated
   ones, ``tau~_g = sum v²·tau / sum v²`` within cohort × event-time groups
   (R ``didimputation``), optionally with the leave-out correction of the
   paper's Appendix A.9 (each treated residual divided by
   ``1 − v_i² / sum_g v²``). The conservative variance is ``sum_c (sum_{i in c} psi_i)²``.

Because the untreated residuals sum to zero within each unit, the untreated
part of a unit's score is ``−(E0 @ x_t)_i``: only the period part ``x_t`` of
``(Z0'Z0)^- Z1'w`` is needed. The tall-and-thin products use ``einsum``
loops rather than BLAS: a multithreaded BLAS on a busy two-core machine was
100 times slower on them (spin-waiting threads).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from innolab_analysis.estimators._cohort_fe import cohort_period_effects, schur_inverse

__all__ = ["FirstStage", "first_stage", "target_scores"]


@dataclass(frozen=True)
class FirstStage:
    """The untreated fit and the imputed effects (private).

    ``treated`` marks the cells whose effect can be imputed (treated, observed,
    in a period and unit with untreated cells); ``unimputable`` the treated
    cells that cannot.
    """

    untreated: np.ndarray  # (n, T) bool
    treated: np.ndarray  # (n, T) bool
    unimputable: np.ndarray  # (n, T) bool
    alpha: np.ndarray  # (n,)
    lam: np.ndarray  # (T,)
    y0_hat: np.ndarray  # (n, T) imputed untreated outcome (NaN where not defined)
    tau: np.ndarray  # (n, T) effect on treated cells (NaN elsewhere)
    resid0: np.ndarray  # (n, T) first-stage residuals (0 off the untreated cells)
    n_unit: np.ndarray  # (n,) untreated cells per unit
    schur_pinv: np.ndarray  # (T, T)
    untreated_f: np.ndarray  # (n, T) float indicator of the untreated cells
    group: np.ndarray  # (n, T) cohort × event-time group code of treated cells (-1 elsewhere)
    n_groups: int


def first_stage(Y: np.ndarray, G: np.ndarray, tlist: np.ndarray) -> FirstStage:
    """Fit unit and period effects on the untreated cells of ``Y`` and impute the treated ones."""
    obs = ~np.isnan(Y)
    is_treated = (G[:, None] > 0) & (tlist[None, :] >= G[:, None])
    untreated = obs & ~is_treated
    Y0 = np.where(untreated, Y, np.nan)
    fx = cohort_period_effects(Y0)
    n_unit = untreated.sum(1)
    n_t = untreated.sum(0)
    lam = np.where(n_t > 0, fx.effects, np.nan)
    lam_f = np.nan_to_num(lam)
    alpha = np.full(len(G), np.nan)
    ok = n_unit > 0
    alpha[ok] = np.where(untreated, Y0 - lam_f[None, :], 0.0)[ok].sum(1) / n_unit[ok]
    y0_hat = alpha[:, None] + lam[None, :]
    imputable = np.isfinite(y0_hat)
    treated = obs & is_treated & imputable
    unimputable = obs & is_treated & ~imputable
    tau = np.where(treated, Y - y0_hat, np.nan)
    resid0 = np.where(untreated, Y - y0_hat, 0.0)
    Nf = untreated.astype(float)
    P_obs = np.zeros_like(Nf)
    P_obs[ok] = Nf[ok] / n_unit[ok, None]
    schur = np.diag(n_t.astype(float)) - np.einsum("it,is->ts", P_obs, Nf)
    P = schur_inverse(schur, n_t > 0)
    e = np.round(tlist[None, :] - G[:, None]).astype(np.int64)
    key = np.where(treated, (np.searchsorted(np.unique(G), G)[:, None]) * (4 * len(tlist)) + e, -1)
    codes = np.full(key.shape, -1, dtype=np.int64)
    uniq, inv = np.unique(key[treated], return_inverse=True)
    codes[treated] = inv
    return FirstStage(
        untreated, treated, unimputable, alpha, lam, y0_hat, tau, resid0, n_unit, P, Nf, codes,
        len(uniq),
    )  # fmt: skip


def target_scores(
    fs: FirstStage, rows: np.ndarray, cols: np.ndarray, w: np.ndarray, *, leave_out: bool
) -> tuple[float, np.ndarray]:
    """Estimate ``sum w·tau`` and each unit's Theorem 3 score for target weights ``w``.

    The target is sparse: weight ``w[k]`` on the treated cell ``(rows[k], cols[k])``;
    the weights sum to one.
    """
    n, T = fs.tau.shape
    bu = np.bincount(rows, weights=w, minlength=n)
    bt = np.bincount(cols, weights=w, minlength=T)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(fs.n_unit > 0, bu / fs.n_unit, 0.0)
    xt = fs.schur_pinv @ (bt - np.einsum("it,i->t", fs.untreated_f, ratio))
    tau = fs.tau[rows, cols]
    est = float(w @ tau)
    # auxiliary model: tau~_g = sum v² tau / sum v² within cohort × event-time groups
    g = fs.group[rows, cols]
    v2 = w**2
    num = np.bincount(g, weights=v2 * tau, minlength=fs.n_groups)
    den = np.bincount(g, weights=v2, minlength=fs.n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        eps = tau - np.where(den > 0, num / den, 0.0)[g]
        if leave_out:
            share = v2 / den[g]
            eps = np.where(share < 1 - 1e-12, eps / (1 - share), eps)
    psi = np.bincount(rows, weights=w * eps, minlength=n) - np.einsum("it,t->i", fs.resid0, xt)
    return est, psi


def single_unit_groups(fs: FirstStage, rows: np.ndarray, cols: np.ndarray) -> int:
    """Number of auxiliary groups of a target (its cells) with a single contributing unit."""
    counts = np.bincount(fs.group[rows, cols], minlength=fs.n_groups)
    return int((counts == 1).sum())
