"""Numerical engine of :func:`~innolab_analysis.estimators.honest.honest_did` (Rambachan & Roth 2023).

Ports of the R HonestDiD package's defaults, on the event-study coefficients
``beta = (pre…, post…)`` (reference period left out) and their covariance:

* the restriction matrices ``A δ ≤ d`` of ΔRM(M̄) for each location ``s`` and
  sign of the largest pre-period difference (``.create_A_RM``) and of ΔSD(M)
  (``.create_A_SD``), with R's ``postPeriodMomentsOnly`` rows;
* the conditional and conditional-least-favourable hybrid tests of Andrews,
  Roth & Pakes (ARP; ``.lp_conditional_test_fn``) inverted over R's grid. The
  linear programme ``η = min_δ max_j (y_j − X_j δ)/σ_j`` is solved through
  its dual, whose feasible set ``{λ ≥ 0, λ'σ = 1, λ'X = 0}`` is a small
  polytope: its vertices are enumerated once per restriction, so ``η`` is the
  largest ``λ_v' y`` and the truncation bounds ``v_lo, v_up`` of the
  conditional distribution follow in closed form (R finds them by bisection
  over repeated LPs). The least-favourable critical value is simulated as R
  does (1,000 draws, seeded; numpy's generator, so not R's draws);
* the FLCI (Armstrong & Kolesár's fixed-length interval as in
  ``findOptimalFLCI``): the affine estimator minimising the half-length
  ``σ·cv_α(M·bias/σ)``, with the exact folded-normal quantile (R simulates
  it with 10⁶ draws), solved directly by SLSQP.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from innolab_analysis.errors import EstimationError

__all__ = [
    "ARPTest",
    "flci",
    "folded_normal_quantile",
    "id_set_sd",
    "restriction_rm",
    "restriction_sd",
]


# ----------------------------------------------------------------------------- restrictions
def restriction_rm(n_pre: int, n_post: int, mbar: float, s: int, positive: bool):
    """``A, d`` of ΔRM(M̄) with the largest pre-period difference at ``s`` (R ``.create_A_RM``)."""
    n = n_pre + n_post
    At = np.zeros((n, n + 1))
    for r in range(n):
        At[r, r : r + 2] = [-1.0, 1.0]
    v = np.zeros(n + 1)
    v[n_pre + s - 1 : n_pre + s + 1] = [-1.0, 1.0]
    if not positive:
        v = -v
    A_ub = np.vstack([np.tile(v, (n_pre, 1)), np.tile(mbar * v, (n_post, 1))])
    A = np.vstack([At - A_ub, -At - A_ub])
    A = A[(A**2).sum(1) > 1e-10]
    A = np.delete(A, n_pre, axis=1)
    return A, np.zeros(len(A))


def restriction_sd(n_pre: int, n_post: int, m: float):
    """``A, d`` of ΔSD(M) (R ``.create_A_SD``): second differences within ±M."""
    n = n_pre + n_post
    At = np.zeros((n - 1, n + 1))
    for r in range(n - 1):
        At[r, r : r + 3] = [1.0, -2.0, 1.0]
    At = np.delete(At, n_pre, axis=1)
    A = np.vstack([At, -At])
    return A, np.full(len(A), float(m))


def post_rows(A: np.ndarray, n_pre: int) -> np.ndarray:
    """Rows of ``A`` that involve a post-period coefficient."""
    return np.flatnonzero((A[:, n_pre:] != 0).any(1))


def id_set_sd(m: float, l_vec: np.ndarray, n_pre: int, n_post: int) -> tuple[float, float]:
    """Identified set of ``l'τ`` under ΔSD(M) when β = 0 (R ``.compute_IDset_DeltaSD``)."""
    A, d = restriction_sd(n_pre, n_post, m)
    n = n_pre + n_post
    f = np.r_[np.zeros(n_pre), l_vec]
    Aeq = np.hstack([np.eye(n_pre), np.zeros((n_pre, n_post))])
    out = []
    for sign in (-1.0, 1.0):
        res = optimize.linprog(
            sign * f, A_ub=A, b_ub=d, A_eq=Aeq, b_eq=np.zeros(n_pre),
            bounds=[(None, None)] * n, method="highs",
        )  # fmt: skip
        out.append(sign * res.fun if res.status == 0 else 0.0)
    mn, mx = out  # min and max of l'δ
    return -mx, -mn


# ----------------------------------------------------------------------------- ARP test
def _nuisance_basis(l_vec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``g1`` with ``l'g1 = 1`` and an orthonormal basis of ``l``'s null space."""
    l_vec = np.asarray(l_vec, float)
    g1 = l_vec / (l_vec @ l_vec)
    _, _, vt = np.linalg.svd(l_vec[None, :])
    return g1, vt[1:].T


def _vertices(sd: np.ndarray, X: np.ndarray) -> np.ndarray | None:
    """Vertices of ``{λ ≥ 0, λ'sd = 1, λ'X = 0}`` (rows), or None when there are too many subsets."""
    M = len(sd)
    k = 1 + X.shape[1]
    if k > M:
        return np.zeros((0, M))
    subsets = list(itertools.combinations(range(M), k)) if _ncomb(M, k) <= 200_000 else None
    if subsets is None:
        return None
    W = np.column_stack([sd, X])  # (M, k)
    idx = np.array(subsets)
    B = W[idx].transpose(0, 2, 1)  # (n, k, k): rows = equations, cols = support
    e1 = np.zeros(k)
    e1[0] = 1.0
    det = np.linalg.det(B)
    ok = np.abs(det) > 1e-12 * np.abs(W).max() ** k
    lam_b = np.linalg.solve(B[ok], np.broadcast_to(e1, (ok.sum(), k))[..., None])[..., 0]
    feas = (lam_b >= -1e-10).all(1)
    out = np.zeros((int(feas.sum()), M))
    rows = np.repeat(np.arange(len(out)), k)
    out[rows, idx[ok][feas].ravel()] = np.clip(lam_b[feas], 0, None).ravel()
    return np.unique(np.round(out, 14), axis=0) if len(out) else out


def _ncomb(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)


@dataclass
class ARPTest:
    """The ARP test of ``H0: l'τ = θ`` under ``A δ ≤ d``, ready for many θ.

    ``hybrid`` is ``"LF"`` (conditional least-favourable hybrid, κ = α/10) or
    ``"ARP"`` (conditional).
    """

    Y: np.ndarray
    a1: np.ndarray
    SY: np.ndarray
    sd: np.ndarray
    vertices: np.ndarray
    alpha: float
    hybrid: str
    kappa: float
    lf_cv: float

    @classmethod
    def build(cls, beta, sigma, A, d, n_pre, l_vec, *, alpha, hybrid, rows, seed, sims=1000):
        g1, N = _nuisance_basis(l_vec)
        A_post = A[:, n_pre:]
        a1 = (A_post @ g1)[rows]
        X = (A_post @ N)[rows]
        Y = (A @ beta - d)[rows]
        SY = (A @ sigma @ A.T)[np.ix_(rows, rows)]
        sd = np.sqrt(np.clip(np.diag(SY), 1e-300, None))
        V = _vertices(sd, X)
        if V is None:
            raise EstimationError(
                f"honest_did: the conditional test would enumerate more than 200,000 vertex "
                f"candidates ({len(sd)} restriction rows, {X.shape[1] + 1} at a time). "
                "Re-estimate with fewer post-period event times, or (restriction='smoothness') "
                "use method='FLCI'."
            )
        kappa = alpha / 10
        lf_cv = np.inf
        if hybrid == "LF":
            rng = np.random.default_rng(seed)
            draws = rng.multivariate_normal(np.zeros(len(sd)), SY, size=sims, method="eigh")
            eta = (draws @ V.T).max(1)
            lf_cv = float(np.quantile(eta, 1 - kappa))
        return cls(Y, a1, SY, sd, V, alpha, hybrid, kappa, lf_cv)

    def accept(self, thetas: np.ndarray) -> np.ndarray:
        """True where ``θ`` is not rejected (vectorised over θ)."""
        th = np.atleast_1d(np.asarray(thetas, float))
        Lam = self.vertices
        if len(Lam) == 0:
            return np.ones(len(th), bool)
        y = self.Y[:, None] - self.a1[:, None] * th[None, :]  # (M, n)
        vals = Lam @ y
        j = vals.argmax(0)
        eta = vals[j, np.arange(len(th))]
        gam = Lam[j]  # (n, M)
        sig2 = np.einsum("nm,mk,nk->n", gam, self.SY, gam)
        reject = np.zeros(len(th), bool)
        lf_rej = eta > self.lf_cv
        reject |= lf_rej
        degenerate = sig2 < np.finfo(float).eps
        reject |= degenerate & (eta > 0) & ~lf_rej
        live = ~lf_rej & ~degenerate
        if live.any():
            sigB = np.sqrt(sig2[live])
            b = (self.SY @ gam[live].T) / sig2[live][None, :]  # (M, n)
            s = y[:, live] - b * eta[live][None, :]
            c = Lam @ b  # (nv, n)
            q = Lam @ s
            tol = 1e-10
            with np.errstate(divide="ignore", invalid="ignore"):
                bound = q / (1 - c)
            lo_c = np.where(c < 1 - tol, bound, -np.inf).max(0)
            up_c = np.where(c > 1 + tol, bound, np.inf).min(0)
            e_l = eta[live]
            # R's search window: beyond it the bound is infinite
            up_c = np.where(up_c > np.maximum(100, e_l + 20 * sigB), np.inf, up_c)
            lo_c = np.where(lo_c < np.minimum(-100, e_l - 20 * sigB), -np.inf, lo_c)
            if self.hybrid == "LF":
                up_c = np.minimum(up_c, self.lf_cv)
                size = (self.alpha - self.kappa) / (1 - self.kappa)
            else:
                size = self.alpha
            zlo, zup, stat = lo_c / sigB, up_c / sigB, e_l / sigB
            inside = (zlo <= stat) & (stat <= zup)
            cval = np.zeros_like(stat)
            cval[inside] = np.maximum(0, _truncnorm_quantile(1 - size, zlo[inside], zup[inside]))
            rej = inside & (stat > cval)
            reject[np.flatnonzero(live)] = rej
        return ~reject


def _truncnorm_quantile(p, lo, up):
    """Quantile ``p`` of N(0, 1) truncated to ``[lo, up]`` (vectorised, stable in the tails)."""
    lo = np.asarray(lo, float)
    up = np.asarray(up, float)
    out = stats.truncnorm.ppf(p, lo, up)
    bad = ~np.isfinite(out)
    if bad.any():
        out[bad] = np.where(np.isfinite(lo[bad]), lo[bad], up[bad])
    return out


# ----------------------------------------------------------------------------- FLCI
def folded_normal_quantile(p: float, mu: float) -> float:
    """``q`` with ``P(|N(mu, 1)| ≤ q) = p`` (R ``.qfoldednormal``, exactly rather than by simulation)."""
    return _folded(p, mu)[0]


def _folded(p: float, mu: float) -> tuple[float, float]:
    """The folded-normal quantile and its derivative in ``mu`` (Newton's method, safeguarded)."""
    from scipy.special import ndtr, ndtri

    t = abs(float(mu))
    q = max(t + float(ndtri(p)), float(ndtri(0.5 + p / 2)))
    for _ in range(60):
        f = ndtr(q - t) - ndtr(-q - t) - p
        dens = np.exp(-0.5 * (q - t) ** 2) + np.exp(-0.5 * (q + t) ** 2)
        step = f / (dens / np.sqrt(2 * np.pi))
        q_new = q - step
        if q_new <= 0:
            q_new = q / 2
        if abs(q_new - q) < 1e-15 * max(1.0, q):
            q = q_new
            break
        q = q_new
    a, b = np.exp(-0.5 * (q - t) ** 2), np.exp(-0.5 * (q + t) ** 2)
    return float(q), float(np.sign(mu) * (a - b) / (a + b))


def flci(beta, sigma, n_pre, n_post, l_vec, m, alpha) -> tuple[float, float, np.ndarray]:
    """Optimal FLCI under ΔSD(M) (R ``findOptimalFLCI``): ``(lower, upper, weights)``."""
    l_vec = np.asarray(l_vec, float)
    K = n_pre
    t = np.arange(1, n_post + 1)
    target_sum = float(t @ l_vec)
    const = (
        sum(abs(np.arange(1, s + 1) @ l_vec[n_post - s :]) for s in range(1, n_post + 1))
        - target_sum
    )
    Spre = sigma[:K, :K]
    Spp = sigma[:K, K:]
    Spost = float(l_vec @ sigma[K:, K:] @ l_vec)
    D = np.eye(K) - np.eye(K, k=-1)  # l_pre = D w
    L = np.tril(np.ones((K, K)))
    scale = np.sqrt(Spost) if Spost > 0 else 1.0

    def parts(x):
        U, w = x[:K], x[K:]
        lp = D @ w
        var = lp @ Spre @ lp + 2 * lp @ Spp @ l_vec + Spost
        return m * (const + U.sum()), np.sqrt(max(var, 1e-300))

    def half(x):
        bias, sd = parts(x)
        return sd * _folded(1 - alpha, bias / sd)[0] / scale

    def grad(x):
        w = x[K:]
        bias, sd = parts(x)
        q, dq = _folded(1 - alpha, bias / sd)
        lp = D @ w
        dsd_dw = D.T @ (Spre @ lp + Spp @ l_vec) / sd
        return np.r_[np.full(K, m * dq), (q - bias / sd * dq) * dsd_dw] / scale

    w0 = np.zeros(K)
    w0[-1] = target_sum
    x0 = np.r_[np.abs(L @ w0), w0]
    cons = [
        {"type": "ineq", "fun": lambda x: np.r_[x[:K] - L @ x[K:], x[:K] + L @ x[K:]]},
        {"type": "eq", "fun": lambda x: np.array([x[K:].sum() - target_sum])},
    ]
    best = None
    for start in (x0, np.r_[np.abs(L @ np.full(K, target_sum / K)), np.full(K, target_sum / K)]):
        res = optimize.minimize(
            half, start, jac=grad, method="SLSQP", constraints=cons,
            options={"ftol": 1e-13, "maxiter": 500},
        )  # fmt: skip
        if best is None or res.fun < best.fun:
            best = res
    x = best.x
    lfull = np.r_[D @ x[K:], l_vec]
    h = half(x) * scale
    centre = float(lfull @ beta)
    return centre - h, centre + h, lfull
