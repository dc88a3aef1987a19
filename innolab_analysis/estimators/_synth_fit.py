"""Numerical core of the synthetic control: inner simplex weights and the nested V search.

Everything here works on plain arrays; :mod:`innolab_analysis.estimators.synth`
prepares them from long data and wraps the result.

Nested optimisation (Abadie, Diamond & Hainmueller 2010; R ``Synth``):

* inner: ``W*(V) = argmin_W (X1 - X0 W)' V (X1 - X0 W)`` over the simplex, with
  the predictors standardised by their standard deviation across the units in
  the fit (treated and donors), as ``Synth`` does;
* outer: choose the diagonal ``V`` (non-negative, summing to one) that
  minimises the pre-period outcome MSPE ``mean((Z1 - Z0 W*(V))^2)``.

``V`` is parametrised by a softmax of ``k - 1`` free numbers and searched by
Nelder-Mead from several starts: equal weights, the regression-based ``V`` of
``Synth`` (squared coefficients of a regression of the pre-period outcomes on
the standardised predictors), and the best of ``k`` points that each lean on one
predictor. The best pre-period MSPE wins. Inside the search the inner
solution skips its exact polish (accurate to about 1e-6); the final weights
are polished. The inner solver is not warm-started: a Lawson-Hanson active-set
solve from scratch takes tens of microseconds at this size, less than the
bookkeeping a warm start would need. When the chosen ``V`` lets several weight
vectors match the predictors exactly, :func:`_break_ties` takes the one with
the best pre-period fit. The inner problem is solved exactly by
:func:`~innolab_analysis.estimators._simplex.simplex_lstsq`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, nnls

from innolab_analysis.estimators._simplex import simplex_lstsq

__all__ = ["Fit", "fit_weights"]

_PENALTY = 1e3
SCREEN_FEV = 40
REFINE_FEV = 200


@dataclass(frozen=True)
class Fit:
    """Arrays of one synthetic-control fit."""

    weights: np.ndarray  # (J,)
    v: np.ndarray | None  # (k,) predictor importance, None for outcome matching
    pre_mspe: float


def _softmax(theta: np.ndarray) -> np.ndarray:
    z = np.append(theta, 0.0)
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


def _regression_v(xs: np.ndarray, zs: np.ndarray) -> np.ndarray | None:
    """``Synth``'s regression-based starting V; None when the regression is singular."""
    k, n = xs.shape
    design = np.vstack([np.ones((1, n)), xs])  # (k+1, n)
    gram = design @ design.T
    if np.linalg.matrix_rank(gram) < k + 1:
        return None
    beta = np.linalg.solve(gram, design @ zs.T)[1:]  # (k, T0)
    v = np.sum(beta**2, axis=1)
    if not np.all(np.isfinite(v)) or v.sum() <= 0:
        return None
    return v / v.sum()


def fit_weights(
    z1: np.ndarray,
    Z0: np.ndarray,
    x1: np.ndarray | None = None,
    X0: np.ndarray | None = None,
    *,
    n_starts_per_predictor: bool = True,
    max_fev: int | None = None,
) -> Fit:
    """Fit donor weights.

    Parameters
    ----------
    z1 : ndarray (T0,)
        Treated pre-period outcomes.
    Z0 : ndarray (T0, J)
        Donor pre-period outcomes.
    x1, X0 : ndarray (k,), (k, J), optional
        Treated and donor predictors (unstandardised). When None, the weights
        match the pre-period outcomes directly (``V`` = identity).
    n_starts_per_predictor : bool
        Also start the V search from the best of the ``k`` points that lean on
        one predictor (half of the weight on it).
    max_fev : int, optional
        Nelder-Mead evaluation cap per start (default ``300 * k``).
    """
    if x1 is None or X0 is None:
        w = simplex_lstsq(Z0, z1)
        return Fit(w, None, float(np.mean((z1 - Z0 @ w) ** 2)))

    k = x1.shape[0]
    allx = np.column_stack([x1, X0])
    sd = allx.std(axis=1, ddof=1)
    xs1 = x1 / sd
    xs0 = X0 / sd[:, None]

    def solve(v: np.ndarray) -> np.ndarray:
        sv = np.sqrt(v)
        return simplex_lstsq(sv[:, None] * xs0, sv * xs1)

    # Inside the search: the NNLS step of simplex_lstsq without its exact polish
    # (weights accurate to ~1e-6, three times faster); the final weights are polished.
    J = X0.shape[1]
    aug = np.vstack([xs0, np.full((1, J), _PENALTY)])
    rhs = np.append(xs1, _PENALTY)

    def loss_v(v: np.ndarray) -> float:
        sv = np.sqrt(v)
        aug[:k] = sv[:, None] * xs0
        rhs[:k] = sv * xs1
        w = nnls(aug, rhs, maxiter=50 * J)[0]
        total = w.sum()
        w = w / total if total > 0 else np.full(J, 1.0 / J)
        r = z1 - Z0 @ w
        return float(r @ r) / r.size

    if k == 1:
        v = np.ones(1)
        w = solve(v)
        return Fit(w, v, float(np.mean((z1 - Z0 @ w) ** 2)))

    def loss(theta: np.ndarray) -> float:
        return loss_v(_softmax(theta))

    def theta_of(v: np.ndarray) -> np.ndarray:
        lv = np.log(np.maximum(v, 1e-8))
        return lv[:-1] - lv[-1]

    starts = [np.zeros(k - 1)]
    v_reg = _regression_v(np.column_stack([xs1, xs0]), np.column_stack([z1, Z0]))
    if v_reg is not None:
        starts.append(theta_of(v_reg))
    if n_starts_per_predictor:
        for m in range(k):
            v = np.full(k, 0.5 / (k - 1))
            v[m] = 0.5
            starts.append(theta_of(v))

    perfect = 1e-18 * (
        1.0 + float(z1 @ z1) / z1.size
    )  # a pre-period fit this exact ends the search

    def stop_if_perfect(intermediate_result) -> None:
        if intermediate_result.fun <= perfect:
            raise StopIteration

    def nelder_mead(theta0: np.ndarray, fev: int, step: float):
        return minimize(
            loss,
            theta0,
            method="Nelder-Mead",
            callback=stop_if_perfect,
            options={
                "maxfev": fev,
                "xatol": 1e-4,
                "fatol": 1e-10,
                "adaptive": True,
                "initial_simplex": np.vstack([theta0, theta0 + step * np.eye(k - 1)]),
            },
        )

    # stage 1: a short search from every start; stage 2: refine the two best
    screen = []
    for theta0 in starts:
        screen.append(nelder_mead(theta0, SCREEN_FEV * k, 1.0))
        if screen[-1].fun <= perfect:
            break
    screen.sort(key=lambda r: r.fun)
    best = screen[0]
    if best.fun > perfect:
        fev = max_fev or REFINE_FEV * k
        best = min([nelder_mead(r.x, fev, 0.5) for r in screen[:2]] + [best], key=lambda r: r.fun)
    v = _softmax(best.x)
    w = _break_ties(solve(v), v, xs1, xs0, z1, Z0)
    return Fit(w, v, float(np.mean((z1 - Z0 @ w) ** 2)))


def _break_ties(
    w: np.ndarray, v: np.ndarray, xs1: np.ndarray, xs0: np.ndarray, z1: np.ndarray, Z0: np.ndarray
) -> np.ndarray:
    """Among weights that match the predictors exactly, take the best pre-period fit.

    With few predictors and many donors the inner problem often has a whole face
    of exact solutions, and which one a solver returns is arbitrary (one reason
    published ADH weights differ across software). When the predictors are
    matched exactly, re-solve with the predictor match as heavy rows and the
    pre-period outcomes as the objective, and keep that solution if it still
    matches the predictors (to 1e-6 relative) and fits the pre-period better.
    """
    sv = np.sqrt(v)
    a1, a0 = sv * xs1, sv[:, None] * xs0
    scale = 1.0 + float(np.linalg.norm(a1))
    if np.linalg.norm(a1 - a0 @ w) > 1e-8 * scale:
        return w
    z_scale = max(float(np.abs(Z0).max()), float(np.abs(z1).max()), 1e-300)
    heavy = 1e4 / scale
    A = np.vstack([Z0 / z_scale, heavy * a0])
    b = np.concatenate([z1 / z_scale, heavy * a1])
    alt = simplex_lstsq(A, b)
    if np.linalg.norm(a1 - a0 @ alt) > 1e-6 * scale:
        return w
    if np.sum((z1 - Z0 @ alt) ** 2) < np.sum((z1 - Z0 @ w) ** 2):
        return alt
    return w
