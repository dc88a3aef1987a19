"""Numerical engine of :func:`innolab_analysis.estimators.staggered.staggered_did`.

Everything here works on numpy arrays prepared once by ``staggered.py``:

* panel data as a wide ``unit × period`` outcome matrix ``Y`` (NaN = not
  observed) and, with covariates, a ``period × unit × k`` tensor;
* repeated cross-sections as flat row arrays.

Group-time cells follow R ``did::att_gt`` (Callaway & Sant'Anna 2021): the same
cell list, base periods, control groups, estimators (``DRDID::drdid_panel``,
``reg_did_panel``, ``std_ipw_did_panel``) and influence functions, scaled to the
full sample (``n / n_cell``) so that ``se = sqrt(sum(IF**2)) / n``.

Without covariates every cell is a difference of mean differences and its
influence function is closed-form, so all cells of one cohort are computed in
one vectorised step. With covariates, cells that share the same estimation
sample and covariate values share one logit / one ``X'X`` and are solved
together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_PS_CAP = 1 - 1e-6
_TRIM = 0.995


@dataclass(frozen=True)
class Cell:
    """One group-time cell: cohort value, current and base period indices."""

    g: float
    cur: int
    base: int
    post: bool


@dataclass(frozen=True)
class CellPlan:
    cells: tuple[Cell, ...]
    dropped: tuple[float, ...]  # cohorts without any usable pre-period


def plan_cells(
    tlist: np.ndarray, glist: np.ndarray, base_period: str, anticipation: int
) -> CellPlan:
    """The (g, t, base) cells of R ``did::att_gt``, in R's order (by g, then t)."""
    tfac = 1 if base_period == "varying" else 0
    cells: list[Cell] = []
    dropped: list[float] = []
    n_t = len(tlist)
    for g in glist:
        pre = np.flatnonzero(tlist < g - anticipation)
        last_pre = int(pre[-1]) if len(pre) else None
        made = False
        for ti in range(n_t - tfac):
            cur = ti + tfac
            post = bool(g <= tlist[cur])
            if base_period == "varying":
                base = ti if not post else last_pre
            else:
                base = last_pre
            if base is None:
                continue
            if base == cur:  # universal reference period: ATT is 0 by construction
                continue
            cells.append(Cell(float(g), cur, int(base), post))
            made = True
        if last_pre is None or not made:
            dropped.append(float(g))
    return CellPlan(tuple(cells), tuple(dropped))


def control_mask(G: np.ndarray, g: float, thr: float, control_group: str) -> np.ndarray:
    """Units usable as controls: never treated (0), or not yet treated by ``thr``."""
    never = G == 0
    if control_group == "never_treated":
        return never
    return never | ((G > thr) & (G != g))


# ---------------------------------------------------------------------------- panel
@dataclass
class CellEstimates:
    att: np.ndarray  # (K,)
    inf: np.ndarray  # (n, K) influence functions scaled to the whole sample
    n_treated: np.ndarray  # (K,)
    n_control: np.ndarray  # (K,)


def panel_att_gt(
    Y: np.ndarray,
    G: np.ndarray,
    tlist: np.ndarray,
    cells: tuple[Cell, ...],
    *,
    control_group: str,
    anticipation: int,
    X: np.ndarray | None = None,
    method: str = "dr",
) -> CellEstimates:
    """All group-time ATTs of a (possibly unbalanced) panel.

    ``Y`` is ``(n, T)`` with NaN for unobserved unit-periods; ``X`` is
    ``(T, n, k)`` covariates *without* intercept (or None); ``G`` the cohort
    per unit (0 = never treated).
    """
    n = Y.shape[0]
    K = len(cells)
    att = np.full(K, np.nan)
    inf = np.zeros((n, K))
    n_tr = np.zeros(K, dtype=np.int64)
    n_co = np.zeros(K, dtype=np.int64)
    by_g: dict[float, list[int]] = {}
    for k, c in enumerate(cells):
        by_g.setdefault(c.g, []).append(k)
    for g, ks in by_g.items():
        ks_arr = np.asarray(ks)
        cur = np.array([cells[k].cur for k in ks])
        base = np.array([cells[k].base for k in ks])
        thr = np.maximum(tlist[cur], tlist[base]) + anticipation
        treated = np.flatnonzero(G == g)
        if control_group == "never_treated":
            cand = np.flatnonzero(G == 0)
            member = np.ones((len(cand), len(ks)), dtype=bool)
        else:
            cand = np.flatnonzero(G != g)
            Gc = G[cand][:, None]
            member = (Gc == 0) | (Gc > thr[None, :])
        dT = Y[treated][:, cur] - Y[treated][:, base]
        dC = Y[cand][:, cur] - Y[cand][:, base]
        obsT = ~np.isnan(dT)
        obsC = member & ~np.isnan(dC)
        if X is None:
            _nocov_block(dT, dC, obsT, obsC, n, treated, cand, ks_arr, att, inf, n_tr, n_co)
        else:
            _cov_block(
                dT,
                dC,
                obsT,
                obsC,
                X,
                cur,
                base,
                n,
                treated,
                cand,
                ks_arr,
                att,
                inf,
                n_tr,
                n_co,
                method,
            )
    return CellEstimates(att, inf, n_tr, n_co)


def _nocov_block(dT, dC, obsT, obsC, n, treated, cand, ks, att, inf, n_tr, n_co):
    nT = obsT.sum(0)
    nC = obsC.sum(0)
    ok = (nT > 0) & (nC > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        muT = np.where(obsT, dT, 0.0).sum(0) / nT
        muC = np.where(obsC, dC, 0.0).sum(0) / nC
        ifT = np.where(obsT, dT - muT, 0.0) * (n / nT)
        ifC = -np.where(obsC, dC - muC, 0.0) * (n / nC)
    ks_ok = ks[ok]
    att[ks_ok] = (muT - muC)[ok]
    n_tr[ks] = nT
    n_co[ks] = nC
    inf[np.ix_(treated, ks_ok)] = ifT[:, ok]
    inf[np.ix_(cand, ks_ok)] = ifC[:, ok]


def _cov_block(
    dT, dC, obsT, obsC, X, cur, base, n, treated, cand, ks, att, inf, n_tr, n_co, method
):
    """Covariate cells of one cohort, batched by identical samples and covariates."""
    T = X.shape[0]
    time_invariant = all(np.array_equal(X[0], X[t], equal_nan=True) for t in range(1, T))
    xper = np.minimum(cur, base)  # R: covariates of the earlier of the two periods
    rows_all = np.concatenate([treated, cand])
    groups: dict[tuple, list[int]] = {}
    for j in range(len(ks)):
        xp = 0 if time_invariant else int(xper[j])
        Xs = X[xp][rows_all]
        sel = np.concatenate([obsT[:, j], obsC[:, j]]) & ~np.isnan(Xs).any(axis=1)
        key = (xp, sel.tobytes())
        groups.setdefault(key, []).append(j)
    nT_all = len(treated)
    for (xp, _), js in groups.items():
        js = np.asarray(js)
        sel = np.concatenate([obsT[:, js[0]], obsC[:, js[0]]])
        Xs = X[xp][rows_all]
        sel &= ~np.isnan(Xs).any(axis=1)
        idx = np.flatnonzero(sel)
        D = (idx < nT_all).astype(float)
        n1 = len(idx)
        n_tr[ks[js]] = int(D.sum())
        n_co[ks[js]] = int(n1 - D.sum())
        if D.sum() == 0 or D.sum() == n1:
            continue
        dy = np.concatenate([dT[:, js], dC[:, js]])[idx]
        Z = np.column_stack([np.ones(n1), Xs[idx]])
        est, if_sub = PANEL_ESTIMATORS[method](dy, D, Z)
        att[ks[js]] = est
        rows = rows_all[idx]
        inf[np.ix_(rows, ks[js])] = if_sub * (n / n1)


def _logit(D: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression by Newton-Raphson; returns fitted p and (Z'WZ)^-1."""
    beta = np.zeros(Z.shape[1])
    for _ in range(100):
        eta = Z @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        w = p * (1 - p)
        H = (Z * w[:, None]).T @ Z
        step = np.linalg.solve(H, Z.T @ (D - p))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    eta = Z @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    w = p * (1 - p)
    H_inv = np.linalg.inv((Z * w[:, None]).T @ Z)
    return p, H_inv


def _ols_controls(dy: np.ndarray, D: np.ndarray, Z: np.ndarray):
    """OLS of dy (n1 × m) on Z among controls; returns fitted values and the
    asymptotic linear representation pieces."""
    n1 = len(D)
    wc = 1 - D
    XpX = (Z * wc[:, None]).T @ Z / n1
    XpX_inv = np.linalg.inv(XpX)
    coef = np.linalg.solve(XpX * n1, (Z * wc[:, None]).T @ dy)  # (k, m)
    fit = Z @ coef  # (n1, m)
    return fit, XpX_inv


def _reg_panel(dy, D, Z):
    """``DRDID::reg_did_panel`` (outcome regression), batched over columns of dy."""
    fit, XpX_inv = _ols_controls(dy, D, Z)
    wT = D
    mT = wT.mean()
    eta_t = (wT[:, None] * dy).mean(0) / mT
    eta_c = (wT[:, None] * fit).mean(0) / mT
    resid = dy - fit
    inf_t = (wT[:, None] * dy - wT[:, None] * eta_t) / mT
    M1 = (wT[:, None] * Z).mean(0)  # (k,)
    # asy.lin.rep.ols %*% M1 for each column: (1-D) * resid_j * (Z XpX_inv M1)
    zq = Z @ (XpX_inv @ M1)
    inf_c2 = ((1 - D) * zq)[:, None] * resid
    inf_c = (wT[:, None] * fit - wT[:, None] * eta_c + inf_c2) / mT
    return eta_t - eta_c, inf_t - inf_c


def _ipw_weights(D, Z):
    p, H_inv = _logit(D, Z)
    p = np.minimum(p, _PS_CAP)
    trim = np.where(D == 1, p < 1.01, p < _TRIM).astype(float)
    wT = trim * D
    wC = trim * p * (1 - D) / (1 - p)
    n1 = len(D)
    # asy.lin.rep.ps = score %*% Hessian, Hessian = n (Z'WZ)^-1
    alr_ps = ((D - p)[:, None] * Z) @ (H_inv * n1)
    return wT, wC, alr_ps


def _ipw_panel(dy, D, Z):
    """``DRDID::std_ipw_did_panel`` (normalised IPW), batched over columns of dy."""
    wT, wC, alr_ps = _ipw_weights(D, Z)
    mT, mC = wT.mean(), wC.mean()
    eta_t = (wT[:, None] * dy).mean(0) / mT
    eta_c = (wC[:, None] * dy).mean(0) / mC
    inf_t = wT[:, None] * (dy - eta_t) / mT
    M2 = np.einsum("i,ij,ik->jk", wC, dy - eta_c, Z) / len(D)  # (m, k)
    inf_c = (wC[:, None] * (dy - eta_c) + alr_ps @ M2.T) / mC
    return eta_t - eta_c, inf_t - inf_c


def _dr_panel(dy, D, Z):
    """``DRDID::drdid_panel`` (locally efficient doubly robust), batched."""
    wT, wC, alr_ps = _ipw_weights(D, Z)
    fit, XpX_inv = _ols_controls(dy, D, Z)
    r = dy - fit
    mT, mC = wT.mean(), wC.mean()
    eta_t = (wT[:, None] * r).mean(0) / mT
    eta_c = (wC[:, None] * r).mean(0) / mC
    # asy.lin.rep.wols = (1-D) * r * Z XpX_inv  -> per column j: (n1,k)
    ZQ = Z @ XpX_inv  # (n1, k)
    M1 = (wT[:, None] * Z).mean(0)
    M3 = (wC[:, None] * Z).mean(0)
    lin1 = ((1 - D) * (ZQ @ M1))[:, None] * r
    lin3 = ((1 - D) * (ZQ @ M3))[:, None] * r
    M2 = np.einsum("i,ij,ik->jk", wC, r - eta_c, Z) / len(D)  # (m, k)
    inf_t = (wT[:, None] * (r - eta_t) - lin1) / mT
    inf_c = (wC[:, None] * (r - eta_c) + alr_ps @ M2.T - lin3) / mC
    return eta_t - eta_c, inf_t - inf_c


PANEL_ESTIMATORS = {"dr": _dr_panel, "reg": _reg_panel, "ipw": _ipw_panel}


# ---------------------------------------------------------------------------- RCS
def rcs_att_gt(
    y: np.ndarray,
    tidx: np.ndarray,
    G: np.ndarray,
    tlist: np.ndarray,
    cells: tuple[Cell, ...],
    *,
    control_group: str,
    anticipation: int,
) -> CellEstimates:
    """Group-time ATTs from repeated cross-sections (one row per respondent).

    Without covariates the R ``did`` estimators (``panel=FALSE``) reduce to
    ``(Ȳ_g,t − Ȳ_g,b) − (Ȳ_C,t − Ȳ_C,b)`` with the four cell means estimated
    from different rows; each row's influence function is its deviation from
    its cell mean scaled by ``n / n_cell``.
    """
    n = len(y)
    K = len(cells)
    att = np.full(K, np.nan)
    inf = np.zeros((n, K))
    n_tr = np.zeros(K, dtype=np.int64)
    n_co = np.zeros(K, dtype=np.int64)
    for k, c in enumerate(cells):
        thr = max(tlist[c.cur], tlist[c.base]) + anticipation
        is_t = G == c.g
        is_c = control_mask(G, c.g, thr, control_group)
        post = tidx == c.cur
        pre = tidx == c.base
        parts = [(is_t & post, 1.0), (is_t & pre, -1.0), (is_c & post, -1.0), (is_c & pre, 1.0)]
        counts = [int(m.sum()) for m, _ in parts]
        n_tr[k] = counts[0] + counts[1]
        n_co[k] = counts[2] + counts[3]
        if min(counts) == 0:
            continue
        est = 0.0
        for (m, sign), cnt in zip(parts, counts):
            mu = y[m].mean()
            est += sign * mu
            inf[m, k] = sign * (y[m] - mu) * (n / cnt)
        att[k] = est
    return CellEstimates(att, inf, n_tr, n_co)


# ---------------------------------------------------------------------------- inference
def cluster_sums(inf: np.ndarray, codes: np.ndarray | None, n_clusters: int) -> np.ndarray:
    """Sum influence functions within clusters (``codes`` None = one row per cluster)."""
    if codes is None:
        return inf
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    del n_clusters
    return np.add.reduceat(inf[order], starts, axis=0)


def analytic_se(S: np.ndarray, n: int) -> np.ndarray:
    """``sqrt(sum_c S_c**2) / n`` column-wise (R: ``sqrt(colMeans(IF^2) / n)``)."""
    return np.sqrt(np.einsum("ij,ij->j", S, S)) / n


def mammen(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Mammen two-point multiplier weights (mean 0, variance 1)."""
    s5 = np.sqrt(5.0)
    p = (s5 + 1) / (2 * s5)
    lo, hi = (1 - s5) / 2, (1 + s5) / 2
    return np.where(rng.random(shape) < p, lo, hi)


def rademacher(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def multiplier_bootstrap(
    S: np.ndarray, n: int, *, n_boot: int, seed: int, weights: str, level: float
) -> tuple[np.ndarray, float]:
    """R ``did::mboot``: bootstrap SEs (IQR / 1.349) and the uniform critical value.

    ``S`` holds the cluster sums of the influence functions (clusters × K).
    The multiplier draws depend only on ``seed`` and the number of clusters, so
    every aggregation of one result reuses the same draws.
    """
    from scipy import stats

    rng = np.random.default_rng(seed)
    draw = mammen if weights == "mammen" else rademacher
    out = np.empty((n_boot, S.shape[1]))
    step = max(1, int(2_000_000 // max(S.shape[0], 1)))
    for s in range(0, n_boot, step):
        V = draw(rng, (min(step, n_boot - s), S.shape[0]))
        out[s : s + V.shape[0]] = V @ S / n
    q75, q25 = np.quantile(out, [0.75, 0.25], axis=0, method="inverted_cdf")
    se = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    ok = se > np.sqrt(np.finfo(float).eps) * 10 / np.sqrt(n)
    if not ok.any():
        return se, float("nan")
    tstat = np.max(np.abs(out[:, ok] / se[ok]), axis=1)
    crit = float(np.quantile(tstat, level, method="inverted_cdf"))
    return se, crit
