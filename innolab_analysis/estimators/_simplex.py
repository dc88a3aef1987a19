"""Least squares on the probability simplex (the inner problem of synthetic control).

Solves ``min_w ||A w - b||^2`` subject to ``w >= 0`` and ``sum(w) == 1``.

Method
------
1. Lawson-Hanson NNLS (``scipy.optimize.nnls``, compiled) on the augmented
   system ``[A; M 1'] w ~ [b; M]``: the heavy row ``M`` turns the sum
   constraint into a penalty; it fixes the active set in a few microseconds.
2. Polish: on the support ``S`` found, solve the equality-constrained least
   squares exactly through its KKT system, so the weights sum to one to
   machine precision, and check the KKT conditions of the full problem
   (all weights positive on ``S``; the gradient off ``S`` not below the
   multiplier).
3. If that check fails (rare: degenerate or badly scaled problems), run an
   accelerated projected gradient (FISTA with adaptive restart) with the
   exact Euclidean projection onto the simplex (Duchi et al. 2008), started
   from the NNLS point, until the projected-gradient KKT residual is below
   ``tol``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

__all__ = ["kkt_residual", "project_simplex", "simplex_lstsq"]


def project_simplex(v: np.ndarray) -> np.ndarray:
    """Euclidean projection of ``v`` onto the probability simplex (Duchi et al. 2008)."""
    v = np.asarray(v, dtype=float)
    n = v.size
    u = np.sort(v)[::-1]
    css = np.cumsum(u) - 1.0
    ind = np.arange(1, n + 1)
    rho = np.nonzero(u - css / ind > 0)[0][-1]
    theta = css[rho] / (rho + 1.0)
    return np.maximum(v - theta, 0.0)


def kkt_residual(A: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    """Projected-gradient KKT residual ``||w - P(w - g/L)|| * L`` of the simplex LS problem.

    Zero exactly at the optimum; scaled like the gradient ``g = 2 A'(Aw - b)``.
    """
    g = 2.0 * A.T @ (A @ w - b)
    L = max(2.0 * np.linalg.norm(A, 2) ** 2, 1e-300)
    return float(np.linalg.norm(w - project_simplex(w - g / L)) * L)


def _polish(A: np.ndarray, b: np.ndarray, support: np.ndarray, tol: float) -> np.ndarray | None:
    """Exact solution on ``support`` from the KKT system, or None if not optimal."""
    As = A[:, support]
    k = As.shape[1]
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2.0 * As.T @ As
    kkt[:k, k] = 1.0
    kkt[k, :k] = 1.0
    rhs = np.concatenate([2.0 * As.T @ b, [1.0]])
    try:
        sol = np.linalg.solve(kkt, rhs)
    except np.linalg.LinAlgError:
        sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    ws = sol[:k]
    if np.any(ws < 0):
        return None
    w = np.zeros(A.shape[1])
    w[support] = ws
    w /= w.sum()
    g = 2.0 * A.T @ (A @ w - b)
    mu = g[support].mean()
    scale = max(1.0, float(np.abs(g).max()))
    if np.any(np.abs(g[support] - mu) > tol * scale):
        return None
    off = ~support
    if np.any(g[off] < mu - tol * scale):
        return None
    return w


def _fista(A: np.ndarray, b: np.ndarray, w0: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    G = 2.0 * A.T @ A
    c = 2.0 * A.T @ b
    L = max(float(np.linalg.eigvalsh(G)[-1]), 1e-300)
    w = project_simplex(w0)
    y = w.copy()
    t = 1.0
    f_old = np.inf
    for _ in range(max_iter):
        g = G @ y - c
        w_new = project_simplex(y - g / L)
        f_new = 0.5 * w_new @ G @ w_new - c @ w_new
        if f_new > f_old:  # adaptive restart (O'Donoghue & Candes 2015)
            t = 1.0
            y = w.copy()
            continue
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        y = w_new + ((t - 1.0) / t_new) * (w_new - w)
        step = np.linalg.norm(w_new - project_simplex(w_new - (G @ w_new - c) / L)) * L
        w, t, f_old = w_new, t_new, f_new
        if step <= tol * max(1.0, float(np.abs(c).max())):
            break
    return w


def simplex_lstsq(
    A: np.ndarray,
    b: np.ndarray,
    *,
    tol: float = 1e-9,
    max_iter: int = 20000,
    polish: bool = True,
) -> np.ndarray:
    """Minimise ``||A w - b||^2`` over the probability simplex.

    Parameters
    ----------
    A : ndarray, shape (m, J)
    b : ndarray, shape (m,)
    tol : float
        Relative KKT tolerance of the polish check and of the fallback.
    max_iter : int
        Iteration cap of the FISTA fallback.
    polish : bool
        False returns the (normalised) NNLS point without the exact polish and
        the fallback: about three times faster, accurate to about ``1e-6``;
        used inside the outer V search, whose final weights are polished.

    Returns
    -------
    ndarray, shape (J,)
        Non-negative weights summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 2.0]])
    >>> simplex_lstsq(A, np.array([0.5, 0.5])).round(6).tolist()
    [0.5, 0.5, 0.0]
    """
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    J = A.shape[1]
    if J == 1:
        return np.ones(1)
    scale = max(float(np.abs(A).max()), float(np.abs(b).max()), 1e-300)
    As, bs = A / scale, b / scale
    M = 1e3
    aug = np.vstack([As, np.full((1, J), M)])
    w, _ = nnls(aug, np.append(bs, M), maxiter=50 * J)
    support = w > 0
    if not polish and support.any():
        return w / w.sum()
    if support.any():
        polished = _polish(As, bs, support, tol=1e-7)
        if polished is not None:
            return polished + 0.0  # + 0.0 turns any -0.0 into 0.0
        w = w / w.sum()
    else:
        w = np.full(J, 1.0 / J)
    return _fista(As, bs, w, tol=tol, max_iter=max_iter) + 0.0
