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
in one batch: each is padded to the widest and frozen once it has converged.
This is what makes the replication-based standard errors cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
SMALL_BATCH = 8  # up to this many problems, solve them one by one (scalar path)


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


_BIG = 1e300  # padding columns: never the best vertex (finite, so 0 * _BIG stays 0)


def _frank_wolfe(G, c, bb, m, eta, z2, npad, x, thr, max_iter) -> np.ndarray:
    """Batched Frank–Wolfe with exact line search on ``‖Ax−b‖² + η‖x‖²`` over the simplex.

    ``G = A'A`` (R, n, n), ``c = A'b`` (R, n), ``bb = b'b``; ``npad`` (R,) is the
    number of real columns of each problem (the others are padding). The loop and
    its stopping rule are those of ``synthdid``'s ``sc.weight.fw``: stop after an
    iteration that lowers ``ζ²‖x‖² + ‖Ax−b‖²/m`` by at most ``thr`` (from the
    second iteration on) or after ``max_iter`` iterations.

    The half-gradient ``q = Gx − c + ηx`` and the scalars ``x'x``, ``x'Gx``,
    ``x'c`` are updated in closed form after each step ``x ← (1−s)x + s e_i``, so
    an iteration costs a handful of vector operations per problem; converged
    problems leave the batch.
    """
    R, n = x.shape
    cols = np.arange(n)
    padmask = cols[None, :] >= npad[:, None]
    H = G + eta[:, None, None] * np.eye(n)[None]
    K = H - c[:, None, :]  # row i: the change of q when x moves to vertex i
    K[np.broadcast_to(padmask[:, None, :], K.shape)] = _BIG
    q = np.einsum("rij,rj->ri", H, x) - c
    q[padmask] = _BIG
    gdiag = np.einsum("rii->ri", G).copy()
    xx = np.einsum("rn,rn->r", x, x)
    xgx = np.einsum("rn,rn->r", x, np.einsum("rij,rj->ri", G, x))
    xc = np.einsum("rn,rn->r", x, c)
    val_prev = np.full(R, np.nan)
    frozen = np.zeros(R, dtype=bool)
    out = x.copy()
    live = np.arange(R)  # positions in the original batch
    it = 0
    nl = R
    base = np.arange(nl) * n
    while True:
        it += 1
        idx = q.argmin(axis=1)
        idx += base
        qi = q.reshape(-1).take(idx)
        xi = x.reshape(-1).take(idx)
        ci = c.reshape(-1).take(idx)
        gi = gdiag.reshape(-1).take(idx)
        gxi = qi + ci - eta * xi
        num = (xgx - xc + eta * xx) - qi
        den = gi - 2.0 * gxi + xgx + eta * (xx - 2.0 * xi + 1.0)
        s = np.zeros(nl)
        np.divide(num, den, out=s, where=den > 0)
        np.maximum(s, 0.0, out=s)
        np.minimum(s, 1.0, out=s)
        s[frozen] = 0.0
        k = 1.0 - s
        x *= k[:, None]
        x.reshape(-1)[idx] += s
        q *= k[:, None]
        krows = K.reshape(-1, n).take(idx, axis=0)
        krows *= s[:, None]
        q += krows
        sk2 = 2.0 * s * k
        kk = k * k
        ss = s * s
        xx = kk * xx + sk2 * xi + ss
        xgx = kk * xgx + sk2 * gxi + ss * gi
        xc = k * xc + s * ci
        val = z2 * xx + (xgx - 2.0 * xc + bb) / m
        if it >= 2:
            frozen |= (val_prev - val) <= thr
        if it >= max_iter:
            frozen[:] = True
        val_prev = np.where(frozen, val_prev, val)
        n_frozen = int(np.count_nonzero(frozen))
        if n_frozen == nl:
            out[live] = x
            break
        if n_frozen > max(2, nl // 8):  # drop converged problems from the batch
            out[live[frozen]] = x[frozen]
            keep = ~frozen
            live = live[keep]
            x, q, K, c, gdiag = x[keep], q[keep], K[keep], c[keep], gdiag[keep]
            xx, xgx, xc, val_prev = xx[keep], xgx[keep], xc[keep], val_prev[keep]
            bb, m, eta, z2, thr = bb[keep], m[keep], eta[keep], z2[keep], thr[keep]
            nl = live.size
            base = np.arange(nl) * n
            frozen = np.zeros(nl, dtype=bool)
    return out


def _frank_wolfe_one(G, c, bb, m, eta, z2, x, thr, max_iter) -> np.ndarray:
    """:func:`_frank_wolfe` for one unpadded problem, with the scalars as Python floats.

    Same arithmetic; an iteration costs a few microseconds instead of tens (numpy's
    per-call overhead dominates these small vectors).
    """
    H = G + eta * np.eye(G.shape[0])
    K = H - c[None, :]
    q = H @ x - c
    gdiag = np.diag(G).tolist()
    cl = c.tolist()
    xx = float(x @ x)
    xgx = float(x @ (G @ x))
    xc = float(x @ c)
    bb, m, eta, z2, thr = float(bb), float(m), float(eta), float(z2), float(thr)
    x = x.copy()
    val_prev = float("nan")
    for it in range(1, max_iter + 1):
        i = int(q.argmin())
        qi = float(q[i])
        xi = float(x[i])
        ci = cl[i]
        gi = gdiag[i]
        gxi = qi + ci - eta * xi
        num = (xgx - xc + eta * xx) - qi
        den = gi - 2.0 * gxi + xgx + eta * (xx - 2.0 * xi + 1.0)
        s = num / den if den > 0 else 0.0
        s = min(max(s, 0.0), 1.0)
        k = 1.0 - s
        x *= k
        x[i] += s
        q *= k
        q += s * K[i]
        xx = k * k * xx + 2.0 * s * k * xi + s * s
        xgx = k * k * xgx + 2.0 * s * k * gxi + s * s * gi
        xc = k * xc + s * ci
        val = z2 * xx + (xgx - 2.0 * xc + bb) / m
        if it >= 2 and val_prev - val <= thr:
            break
        val_prev = val
    return x


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
    if R <= SMALL_BATCH:
        for r in range(R):
            k = npad[r]
            args = (G[r, :k, :k], c[r, :k], bb[r], m[r], eta[r], z2[r])
            xr = _frank_wolfe_one(*args, x[r, :k], thr[r], max_iter_pre)
            xr = _sparsify(xr[None, :])[0]
            x[r, :k] = _frank_wolfe_one(*args, xr, thr[r], max_iter)
    else:
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
