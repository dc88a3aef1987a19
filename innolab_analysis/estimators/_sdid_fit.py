"""Numerical core of synthetic difference-in-differences (Arkhangelsky et al. 2021).

Plain arrays in, plain arrays out; :mod:`innolab_analysis.estimators.sdid`
prepares the panel and wraps the result.

One *block* is an ``(N, T)`` outcome matrix whose first ``n0`` rows are the
control units and whose first ``t0`` columns are the pre-treatment periods
(one adoption cohort). The estimators follow the reference R package
``synthdid`` (``synthdid_estimate``, ``sc_estimate``, ``did_estimate``)
step by step, so that the numbers agree with it to solver precision:

* **noise level** ``σ̂``: the standard deviation (``ddof=1``) of the first
  differences of the control outcomes over the pre-period;
* **unit weights** ``ω`` minimise, with an intercept ``ω₀``,
  ``Σ_t (ω₀ + Σ_i ω_i Y_it − Ȳ_tr,t)² + ζ² T_pre ‖ω‖²`` over the simplex, with
  ``ζ = (N_tr T_post)^{1/4} σ̂``; the **time weights** ``λ`` minimise the
  analogous problem across control units with ``ζ_λ = 10⁻⁶ σ̂``;
* both are solved by **Frank–Wolfe with exact line search** as in
  ``synthdid``: at most 100 iterations, then the weights at or below a quarter
  of the largest are set to zero (``sparsify``), then at most 10,000 more
  iterations, stopping when an iteration lowers the objective by less than
  ``(10⁻⁵ σ̂)²``;
* SC: ``ω`` without intercept and ``ζ = 10⁻⁶ σ̂``, ``λ = 0``; DiD: uniform weights.

Frank–Wolfe on ``‖Ax − b‖² + η‖x‖²`` needs only the Gram matrix ``A'A``, so
many problems of different sizes (the unit- and time-weight problems of every
cohort, every estimator and every placebo or bootstrap replication) are solved
in one call of a loop compiled by numba (each padded to the widest). The
iterations are exactly R's, so the weights and estimates agree with it to
rounding; compiled, 200 placebo draws take well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = [
    "Block",
    "BlockFit",
    "collapsed",
    "estimate_blocks",
    "noise_level",
    "sum_normalize",
]

MAX_ITER = 10_000
MAX_ITER_PRE_SPARSIFY = 100


def noise_level(Y: np.ndarray, n0: int, t0: int) -> float:
    """``σ̂``: sd (ddof 1) of the first differences of the controls before treatment."""
    d = np.diff(Y[:n0, :t0], axis=1)
    return float(np.std(d, ddof=1)) if d.size > 1 else float("nan")


def collapsed(Y: np.ndarray, n0: int, t0: int) -> np.ndarray:
    """``(n0+1, t0+1)``: treated rows averaged, post columns averaged (``collapsed.form``)."""
    top = np.column_stack([Y[:n0, :t0], Y[:n0, t0:].mean(axis=1)])
    bottom = np.append(Y[n0:, :t0].mean(axis=0), Y[n0:, t0:].mean())
    return np.vstack([top, bottom])


def sum_normalize(x: np.ndarray) -> np.ndarray:
    """``x / sum(x)``, or uniform weights when the sum is zero (R ``sum_normalize``)."""
    s = x.sum()
    return x / s if s != 0 else np.full(x.size, 1.0 / x.size)


@dataclass(frozen=True)
class Block:
    """One SDID problem: controls in the first ``n0`` rows, pre-periods in the first ``t0`` columns.

    ``zeta_omega``, ``zeta_lambda`` and ``min_decrease`` are the regularisation and
    the stopping rule (fixed from the original fit in placebo and bootstrap
    replications, as ``synthdid`` does); ``omega0`` and ``lambda0`` start the solver
    (uniform when None).
    """

    Y: np.ndarray
    n0: int
    t0: int
    zeta_omega: float
    zeta_lambda: float
    min_decrease: float
    omega0: np.ndarray | None = None
    lambda0: np.ndarray | None = None


@dataclass(frozen=True)
class BlockFit:
    """Weights and estimate of one block."""

    estimate: float
    omega: np.ndarray  # (n0,)
    lambda_: np.ndarray  # (t0,)
    curve: np.ndarray  # (T - t0,) effect per post period


def _problem(M: np.ndarray, intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(A, b)`` of ``sc.weight.fw``: the last column is the target, the others the regressors."""
    if intercept:
        M = M - M.mean(axis=0)
    return M[:, :-1], M[:, -1]


@njit(cache=True, nogil=True)
def _fw_kernel(G, K, c, bb, m, eta, z2, npad, x, q, xx, xgx, xc, thr, max_iter):  # pragma: no cover
    """Frank–Wolfe with exact line search on ``‖Ax−b‖² + η‖x‖²`` over the simplex, per problem.

    Compiled by numba; the arithmetic, step by step, of ``synthdid``'s
    ``sc.weight.fw``. ``G = A'A`` (R, n, n), ``K[r, i] = G[r, i] + η e_i − c[r]``
    (the change of the half-gradient ``q = Gx − c + ηx`` when ``x`` moves to
    vertex ``i``), ``c = A'b``, ``bb = b'b``; ``npad[r]`` real columns (the
    others are padding). ``q``, ``xx = x'x``, ``xgx = x'Gx`` and ``xc = x'c``
    start at ``x`` and are updated in closed form after each step
    ``x ← (1−s)x + s e_i``. A problem stops after an iteration that lowers
    ``ζ²‖x‖² + ‖Ax−b‖²/m`` by at most ``thr`` (from the second iteration on) or
    after ``max_iter`` iterations.
    """
    for r in range(x.shape[0]):
        n = npad[r]
        e, z, mm, b2, t = eta[r], z2[r], m[r], bb[r], thr[r]
        vxx, vxgx, vxc = xx[r], xgx[r], xc[r]
        val_prev = np.nan
        for it in range(1, max_iter + 1):
            i = 0
            best = q[r, 0]
            for j in range(1, n):
                if q[r, j] < best:
                    best = q[r, j]
                    i = j
            qi = q[r, i]
            xi = x[r, i]
            ci = c[r, i]
            gi = G[r, i, i]
            gxi = qi + ci - e * xi
            num = (vxgx - vxc + e * vxx) - qi
            den = gi - 2.0 * gxi + vxgx + e * (vxx - 2.0 * xi + 1.0)
            s = num / den if den > 0 else 0.0
            s = min(max(s, 0.0), 1.0)
            k = 1.0 - s
            for j in range(n):
                x[r, j] *= k
                q[r, j] = q[r, j] * k + s * K[r, i, j]
            x[r, i] += s
            vxx = k * k * vxx + 2.0 * s * k * xi + s * s
            vxgx = k * k * vxgx + 2.0 * s * k * gxi + s * s * gi
            vxc = k * vxc + s * ci
            val = z * vxx + (vxgx - 2.0 * vxc + b2) / mm
            if it >= 2 and val_prev - val <= t:
                break
            val_prev = val
    return x


def _frank_wolfe(G, c, bb, m, eta, z2, npad, x, thr, max_iter) -> np.ndarray:
    """Run :func:`_fw_kernel` from ``x`` (R, n); the starting quantities computed with numpy."""
    R, n = x.shape
    H = G + eta[:, None, None] * np.eye(n)[None]
    K = H - c[:, None, :]
    q = np.empty((R, n))
    xx, xgx, xc = np.empty(R), np.empty(R), np.empty(R)
    for r in range(R):
        k = npad[r]
        xr = x[r, :k]
        q[r, :k] = H[r, :k, :k] @ xr - c[r, :k]
        xx[r] = xr @ xr
        xgx[r] = xr @ (G[r, :k, :k] @ xr)
        xc[r] = xr @ c[r, :k]
    return _fw_kernel(G, K, c, bb, m, eta, z2, npad.astype(np.int64), x.copy(), q, xx, xgx, xc,
                      thr, int(max_iter))  # fmt: skip


def _sparsify(x: np.ndarray) -> np.ndarray:
    """``synthdid``'s ``sparsify_function`` row by row: weights ≤ max/4 set to 0, renormalised."""
    x = np.where(x <= x.max(axis=1, keepdims=True) / 4.0, 0.0, x)
    return x / x.sum(axis=1, keepdims=True)


def solve_simplex_ridge(
    problems: list[tuple[np.ndarray, np.ndarray, float, np.ndarray | None, float]],
    *,
    max_iter: int = MAX_ITER,
    max_iter_pre: int = MAX_ITER_PRE_SPARSIFY,
) -> list[np.ndarray]:
    """Solve many ``min ζ²‖x‖² + ‖Ax − b‖²/m`` over the simplex in one batch.

    Each problem is ``(A, b, zeta, x0, min_decrease)``; ``x0`` None starts at
    uniform weights. The first run stops after ``max_iter_pre`` iterations, the
    solution is sparsified, and the second run goes on to ``max_iter``.
    """
    R = len(problems)
    if R == 0:
        return []
    n = max(p[0].shape[1] for p in problems)
    G = np.zeros((R, n, n))
    c = np.zeros((R, n))
    bb = np.zeros(R)
    m = np.zeros(R)
    z2 = np.zeros(R)
    thr = np.zeros(R)
    npad = np.zeros(R, dtype=int)
    x = np.zeros((R, n))
    for r, (A, b, zeta, x0, min_dec) in enumerate(problems):
        k = A.shape[1]
        G[r, :k, :k] = A.T @ A
        c[r, :k] = A.T @ b
        bb[r] = b @ b
        m[r] = A.shape[0]
        z2[r] = zeta**2
        thr[r] = min_dec**2
        npad[r] = k
        x[r, :k] = np.full(k, 1.0 / k) if x0 is None else x0
    eta = m * z2
    x = _frank_wolfe(G, c, bb, m, eta, z2, npad, x, thr, max_iter_pre)
    x = _sparsify(x)
    x = _frank_wolfe(G, c, bb, m, eta, z2, npad, x, thr, max_iter)
    return [x[r, : p[0].shape[1]].copy() for r, p in enumerate(problems)]


def block_estimate(Y: np.ndarray, n0: int, t0: int, omega: np.ndarray, lam: np.ndarray):
    """``(τ, effect curve)`` of one block for given weights (R ``synthdid_estimate``'s last line)."""
    n1 = Y.shape[0] - n0
    unit = np.concatenate([-omega, np.full(n1, 1.0 / n1)])
    tau_sc = unit @ Y
    curve = tau_sc[t0:] - tau_sc[:t0] @ lam
    return float(curve.mean()), curve


def estimate_blocks(blocks: list[Block], kind: str | list[str]) -> list[BlockFit]:
    """Fit ``kind`` ("sdid", "sc" or "did"; one per block when a list) on every block.

    All the weight problems of all the blocks are solved in one batch.
    """
    kinds = [kind] * len(blocks) if isinstance(kind, str) else list(kind)
    problems = []
    plan = []  # per block: (index of its lambda problem or None, index of its omega problem or None)
    for blk, kind in zip(blocks, kinds):
        if kind == "did":
            plan.append((None, None))
            continue
        Yc = collapsed(blk.Y, blk.n0, blk.t0)
        li = None
        if kind == "sdid":
            A, b = _problem(Yc[: blk.n0, :], intercept=True)
            li = len(problems)
            problems.append((A, b, blk.zeta_lambda, blk.lambda0, blk.min_decrease))
        A, b = _problem(Yc[:, : blk.t0].T, intercept=(kind == "sdid"))
        oi = len(problems)
        problems.append((A, b, blk.zeta_omega, blk.omega0, blk.min_decrease))
        plan.append((li, oi))
    sols = solve_simplex_ridge(problems)
    out = []
    for blk, kind, (li, oi) in zip(blocks, kinds, plan):
        if kind == "did":
            omega = np.full(blk.n0, 1.0 / blk.n0)
            lam = np.full(blk.t0, 1.0 / blk.t0)
        else:
            omega = sols[oi]
            lam = sols[li] if li is not None else np.zeros(blk.t0)
        tau, curve = block_estimate(blk.Y, blk.n0, blk.t0, omega, lam)
        out.append(BlockFit(tau, omega, lam, curve))
    return out
