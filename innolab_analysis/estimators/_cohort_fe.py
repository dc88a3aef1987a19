"""Cohort-by-period effects of a unit fixed-effects model, with per-unit scores.

The saturated event-study regression of Sun & Abraham (2021),
``y_it = a_i + l_t + sum_{g,e} b_{g,e} 1{G_i = g} 1{t - g = e}`` (all cohorts, all
relative periods but the reference), is the same least-squares problem as
``y_it = a_i + c_{G_i, t}``: unit effects and *cohort-specific* period effects.
Units are nested in cohorts, so it splits into one two-way fixed-effects
regression per cohort, and every coefficient is a difference of differences of
those period effects:

``b_{g, t} = (c_{g,t} - c_{g,r}) - (c_{C,t} - c_{C,r})`` with ``r = g - 1`` and
``C`` the control cohort.

:func:`cohort_period_effects` solves one cohort exactly (column means on a
balanced block; the normal equations of the period effects, i.e. the Schur
complement of the unit effects, otherwise) and returns each unit's *score*:
the influence of that unit's residuals on the period effects, so that the
cluster-robust sandwich is the sum of outer products of cluster sums of
scores. No dummy matrix is ever built: the cost is O(units × periods) plus a
periods × periods solve per cohort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CohortEffects", "cohort_period_effects", "schur_inverse"]


@dataclass(frozen=True)
class CohortEffects:
    """Period effects of one cohort (identified up to a constant).

    Attributes
    ----------
    effects : ndarray (T,)
        Period effects ``c_t`` (NaN where no unit of the cohort is observed).
    scores : ndarray (n_units, T)
        ``scores[i] @ v`` is unit i's contribution to ``v @ (c_hat - c)`` for any
        contrast ``v`` (sum zero).
    resid : ndarray (n_units, T)
        Residuals of the two-way model (0 where unobserved).
    n_at : ndarray (T,)
        Units observed per period.
    """

    effects: np.ndarray
    scores: np.ndarray
    resid: np.ndarray
    n_at: np.ndarray


def cohort_period_effects(Y: np.ndarray) -> CohortEffects:
    """Two-way (unit, period) least squares on one cohort's block ``Y`` (NaN = unobserved).

    Examples
    --------
    >>> import numpy as np
    >>> fx = cohort_period_effects(np.array([[1.0, 2.0, 4.0], [3.0, 4.0, 6.0]]))
    >>> np.round(fx.effects - fx.effects[0], 6).tolist()
    [0.0, 1.0, 3.0]
    """
    obs = ~np.isnan(Y)
    n, T = Y.shape
    n_at = obs.sum(0)
    if obs.all():
        col = Y.mean(0)
        row = Y.mean(1, keepdims=True)
        resid = Y - row - col[None, :] + Y.mean()
        return CohortEffects(col, resid / n, resid, n_at)
    n_i = obs.sum(1)
    ok_i = n_i > 0
    Z = np.where(obs, Y, 0.0)
    row = np.zeros(n)
    row[ok_i] = Z[ok_i].sum(1) / n_i[ok_i]
    ydm = np.where(obs, Z - row[:, None], 0.0)
    P_obs = np.zeros_like(Z)
    P_obs[ok_i] = obs[ok_i] / n_i[ok_i, None]
    schur = np.diag(n_at.astype(float)) - np.einsum("it,is->ts", P_obs, obs.astype(float))
    P = schur_inverse(schur, n_at > 0)
    c = P @ ydm.sum(0)
    cbar = np.zeros(n)
    cbar[ok_i] = (np.where(obs, c[None, :], 0.0)[ok_i]).sum(1) / n_i[ok_i]
    resid = np.where(obs, ydm - (c[None, :] - cbar[:, None]), 0.0)
    effects = np.where(n_at > 0, c, np.nan)
    return CohortEffects(effects, np.einsum("it,ts->is", resid, P), resid, n_at)


def schur_inverse(schur: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """A generalised inverse of the period-effect normal equations ``schur``.

    The matrix is singular (period effects are identified up to a constant):
    on the observed periods, ``inv(S + 11'/T)`` is a generalised inverse when the
    panel is connected (checked: ``S P S = S``); otherwise the Moore–Penrose
    inverse with a relative cutoff of 1e-10. Unobserved periods get zeros.
    """
    idx = np.flatnonzero(observed)
    S = schur[np.ix_(idx, idx)]
    k = len(idx)
    P = np.zeros_like(schur)
    if k == 0:
        return P
    try:
        sub = np.linalg.inv(S + np.full((k, k), 1.0 / k))
        ok = np.allclose(S @ sub @ S, S, atol=1e-9 * max(1.0, float(np.abs(S).max())))
    except np.linalg.LinAlgError:
        ok = False
    if not ok:
        sub = np.linalg.pinv(S, rcond=1e-10, hermitian=True)
    P[np.ix_(idx, idx)] = sub
    return P
