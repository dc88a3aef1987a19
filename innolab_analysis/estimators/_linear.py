"""Least squares with absorbed fixed effects and the variance estimators.

Shared machinery of the linear estimators (2×2 DiD, TWFE, event study, and any
colleague who needs OLS): no dense dummy matrices, no statsmodels in the heavy
part, only ``numpy.bincount`` group sums.

* :func:`factorize` turns a column into integer codes.
* :func:`demean` sweeps one or more fixed effects out of the columns of a
  matrix. One fixed effect, and two fixed effects on a balanced panel, are
  removed exactly in one step; two fixed effects on an unbalanced panel are
  removed exactly by solving the small normal equations of the smaller
  effect (its Schur complement, built from the unit × time count table);
  anything else by alternating projections iterated to ``tol``.
* :func:`ols` fits on the (demeaned) columns and returns the coefficients and
  an ``iid``, ``hc1`` or ``cluster`` (CR1) covariance with a stated
  small-sample convention (:data:`SmallSample`).
* :func:`wild_cluster_bootstrap` gives the restricted wild cluster bootstrap
  (WCR) p-value of one coefficient, Rademacher or Webb weights, seeded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis.errors import EstimationError, ParamsError, check_option
from innolab_analysis.options import SmallSample, Vcov
from innolab_analysis.options import WildBootWeights as BootWeights

__all__ = [
    "Demeaned",
    "OLSFit",
    "SmallSample",
    "Vcov",
    "BootWeights",
    "coef_table",
    "demean",
    "factorize",
    "fe_parameter_count",
    "ols",
    "wild_cluster_bootstrap",
]


def factorize(values) -> tuple[np.ndarray, int]:
    """Integer codes ``0..G-1`` (sorted levels) and the number of levels ``G``.

    Levels that cannot be ordered together (numbers mixed with text) are ordered
    by their text.
    """
    series = pd.Series(values)
    try:
        codes, uniques = pd.factorize(series, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(series.map(lambda v: v if pd.isna(v) else str(v)), sort=True)
    if (codes < 0).any():
        raise EstimationError("cannot factorize a column with missing values; drop them first")
    return codes.astype(np.intp, copy=False), len(uniques)


def _dense(codes) -> np.ndarray:
    """Integer codes ``0..G-1`` without unused levels (a level with no row would divide by zero)."""
    c = np.asarray(codes, dtype=np.intp)
    if len(c) and np.bincount(c).min() == 0:
        c = np.unique(c, return_inverse=True)[1].astype(np.intp)
    return c


@dataclass(frozen=True)
class Demeaned:
    """Columns with the fixed effects swept out.

    Attributes
    ----------
    values : ndarray, shape (n, k)
    method : str
        ``"none"``, ``"one-way exact"``, ``"balanced two-way exact"``,
        ``"two-way exact (Schur complement)"`` or ``"alternating projections"``.
    iterations : int
        Sweeps used (1 for the exact methods).
    converged : bool
    """

    values: np.ndarray
    method: str
    iterations: int
    converged: bool


def _group_mean(codes: np.ndarray, x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    return np.bincount(codes, weights=x, minlength=len(counts)) / counts


def _is_balanced(c1: np.ndarray, g1: int, c2: np.ndarray, g2: int) -> bool:
    n = len(c1)
    if n != g1 * g2:
        return False
    cells = np.bincount(c1 * g2 + c2, minlength=g1 * g2)
    return bool((cells == 1).all())


def demean(
    X: np.ndarray,
    fe_codes: Sequence[np.ndarray],
    *,
    tol: float = 1e-10,
    maxiter: int = 10_000,
) -> Demeaned:
    """Sweep the fixed effects ``fe_codes`` out of every column of ``X``.

    Parameters
    ----------
    X : ndarray, shape (n,) or (n, k)
        Columns to demean (not modified).
    fe_codes : sequence of int ndarray
        One array of codes ``0..G-1`` per fixed effect (see :func:`factorize`).
    tol : float
        Alternating projections stop when the largest correction of a sweep is
        below ``tol`` times the column's scale.
    maxiter : int
        Maximum number of sweeps of the alternating projections.

    Returns
    -------
    Demeaned

    Examples
    --------
    >>> import numpy as np
    >>> unit = np.array([0, 0, 1, 1]); time = np.array([0, 1, 0, 1])
    >>> demean(np.array([1.0, 2.0, 3.0, 5.0]), [unit, time]).values.ravel().round(2)
    array([ 0.25, -0.25, -0.25,  0.25])
    """
    A = np.asarray(X, dtype=float)
    if A.ndim == 1:
        A = A[:, None]
    n, k = A.shape
    fes = [_dense(c) for c in fe_codes]
    if not fes:
        return Demeaned(A.copy(), "none", 0, True)
    sizes = [int(c.max()) + 1 if n else 0 for c in fes]
    counts = [np.bincount(c, minlength=g).astype(float) for c, g in zip(fes, sizes)]
    out = np.empty_like(A)

    if len(fes) == 1:
        c, cnt = fes[0], counts[0]
        for j in range(k):
            out[:, j] = A[:, j] - _group_mean(c, A[:, j], cnt)[c]
        return Demeaned(out, "one-way exact", 1, True)

    if len(fes) == 2:
        (c1, c2), (g1, g2) = fes, sizes
        if _is_balanced(c1, g1, c2, g2):
            for j in range(k):
                x = A[:, j]
                out[:, j] = (
                    x
                    - _group_mean(c1, x, counts[0])[c1]
                    - _group_mean(c2, x, counts[1])[c2]
                    + x.mean()
                )
            return Demeaned(out, "balanced two-way exact", 1, True)
        # exact solution through the normal equations of the smaller effect
        if g1 < g2:
            (c1, c2), (g1, g2), (n1, n2) = (c2, c1), (g2, g1), (counts[1], counts[0])
        else:
            n1, n2 = counts
        if g2 <= 2000 and g1 * g2 <= 50_000_000:
            table = np.bincount(c1 * g2 + c2, minlength=g1 * g2).reshape(g1, g2).astype(float)
            schur = np.diag(n2) - (table.T / n1) @ table
            within = np.empty_like(A)
            for j in range(k):
                within[:, j] = A[:, j] - _group_mean(c1, A[:, j], n1)[c1]
            rhs = np.column_stack(
                [np.bincount(c2, weights=within[:, j], minlength=g2) for j in range(k)]
            )
            theta = np.linalg.lstsq(schur, rhs, rcond=None)[0]
            for j in range(k):
                fitted = theta[c2, j]
                out[:, j] = within[:, j] - (fitted - _group_mean(c1, fitted, n1)[c1])
            return Demeaned(out, "two-way exact (Schur complement)", 1, True)

    # alternating projections (method of alternating projections, Gauss-Seidel sweeps)
    worst_iter, all_converged = 0, True
    for j in range(k):
        x = A[:, j].copy()
        scale = max(float(np.abs(x).max()) if n else 0.0, 1.0)
        converged = False
        it = 0
        while it < maxiter:
            it += 1
            largest = 0.0
            for c, cnt in zip(fes, counts):
                m = _group_mean(c, x, cnt)
                x -= m[c]
                largest = max(largest, float(np.abs(m).max()))
            if largest <= tol * scale:
                converged = True
                break
        out[:, j] = x
        worst_iter = max(worst_iter, it)
        all_converged &= converged
    return Demeaned(out, "alternating projections", worst_iter, all_converged)


def _nested(codes: np.ndarray, n_levels: int, clusters: np.ndarray) -> bool:
    """True when every level of ``codes`` lies inside a single cluster."""
    if codes is clusters or np.array_equal(codes, clusters):
        return True
    lo = np.full(n_levels, np.iinfo(np.int64).max)
    hi = np.full(n_levels, -1)
    np.minimum.at(lo, codes, clusters)
    np.maximum.at(hi, codes, clusters)
    return bool((lo == hi).all())


def fe_parameter_count(
    fe_codes: Sequence[np.ndarray], clusters: np.ndarray | None, small_sample: SmallSample
) -> int:
    """Number of fixed-effect parameters counted in K under ``small_sample``.

    Each fixed effect counts ``levels − 1`` and one more is added for the
    intercept they absorb together (so two-way effects count ``G + T − 1``, as
    the dummies with an intercept would). Under ``"nested"`` a fixed effect whose
    every level lies inside one cluster is dropped (and then the intercept too if
    all are dropped); under ``"none"`` nothing is counted.
    """
    if small_sample == "none" or not fe_codes:
        return 0
    counted = []
    for c in map(_dense, fe_codes):
        g = int(c.max()) + 1
        if small_sample == "nested" and clusters is not None and _nested(c, g, clusters):
            continue
        counted.append(g - 1)
    if not counted:
        return 0
    return int(sum(counted)) + 1


@dataclass(frozen=True)
class OLSFit:
    """Coefficients and covariance of a least-squares fit.

    Attributes
    ----------
    coef : ndarray (k,)
    vcov : ndarray (k, k)
    resid : ndarray (n,)
    n_obs : int
    k_params : int
        K in the small-sample factor (regressors plus counted fixed effects).
    df_resid : int
        N minus every parameter, fixed effects included (the residual degrees of freedom).
    n_clusters : int or None
    dof : float or None
        Degrees of freedom of the t reference: G − 1 when clustered, else ``df_resid``.
    vcov_type : str
    """

    coef: np.ndarray
    vcov: np.ndarray
    resid: np.ndarray
    n_obs: int
    k_params: int
    df_resid: int
    n_clusters: int | None
    dof: float | None
    vcov_type: str

    @property
    def std_error(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.vcov), 0.0, None))


def ols(
    y: np.ndarray,
    X: np.ndarray,
    *,
    vcov: Vcov = "hc1",
    clusters: np.ndarray | None = None,
    fe_codes: Sequence[np.ndarray] = (),
    small_sample: SmallSample = "nested",
    names: Sequence[str] | None = None,
) -> OLSFit:
    """Least squares of ``y`` on ``X`` (already demeaned when fixed effects were absorbed).

    Parameters
    ----------
    y : ndarray (n,)
    X : ndarray (n, k)
    vcov : {"iid", "hc1", "cluster"}
        ``iid``: s²(X'X)⁻¹ with s² = e'e/(N − K_all). ``hc1``: White sandwich times
        N/(N − K). ``cluster``: CR1 sandwich of the cluster score sums times
        G/(G − 1)·(N − 1)/(N − K), t(G − 1) reference.
    clusters : int ndarray (n,), required for ``vcov="cluster"``
    fe_codes : sequence of int ndarray
        The fixed effects that were absorbed (only their parameter count is used).
    small_sample : {"nested", "full", "none"}
        How the absorbed fixed effects count in K (see :data:`SmallSample`).
    names : sequence of str, optional
        Column names, used in the message when a column is collinear.

    Returns
    -------
    OLSFit

    Raises
    ------
    EstimationError
        When a column is collinear with the others or with the fixed effects.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
    >>> ols(np.array([1.0, 3.0, 5.0, 7.5]), X, vcov="iid").coef.round(2)
    array([0.9 , 2.15])
    """
    check_option("vcov", vcov, Vcov)
    check_option("small_sample", small_sample, SmallSample)
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, k = X.shape
    names = list(names) if names is not None else [f"x{j}" for j in range(k)]
    xtx = X.T @ X
    # collinearity: a column whose residual on the others is ~0 relative to its own scale
    scale = np.sqrt(np.clip(np.diag(xtx), 0.0, None))
    bad = [names[j] for j in range(k) if scale[j] <= 1e-10 * max(1.0, np.sqrt(n))]
    if not bad and k:
        corr = xtx / np.outer(scale, scale)
        eig = np.linalg.eigvalsh(corr)
        if eig.min() < 1e-12:
            bad = ["a combination of " + ", ".join(names)]
    if bad:
        raise EstimationError(
            f"cannot estimate {', '.join(bad)}: collinear with the other regressors or the "
            "fixed effects (no variation left after removing them); drop the column or "
            "check that treatment varies within units and within periods"
        )
    xtx_inv = np.linalg.inv(xtx)
    coef = xtx_inv @ (X.T @ y)
    resid = y - X @ coef
    k_all = k + fe_parameter_count(fe_codes, None, "full")
    df_resid = n - k_all
    if df_resid <= 0:
        raise EstimationError(
            f"not enough observations: {n} rows for {k_all} parameters (regressors and fixed "
            "effects); add data or remove regressors"
        )
    if vcov == "iid":
        s2 = float(resid @ resid) / df_resid
        V = s2 * xtx_inv
        return OLSFit(coef, V, resid, n, k_all, df_resid, None, float(df_resid), "iid")
    if vcov == "hc1":
        k_ss = k + fe_parameter_count(fe_codes, None, small_sample)
        S = X * resid[:, None]
        V = xtx_inv @ (S.T @ S) @ xtx_inv * (n / (n - k_ss))
        return OLSFit(coef, V, resid, n, k_ss, df_resid, None, float(df_resid), "hc1")
    if clusters is None:
        raise ParamsError("vcov='cluster' needs clusters; pass the cluster codes")
    cl = np.asarray(clusters, dtype=np.intp)
    G = int(cl.max()) + 1
    if G < 2:
        raise EstimationError(
            "cluster-robust standard errors need at least 2 clusters, got 1; "
            "use vcov='hc1' or a finer cluster variable"
        )
    k_ss = k + fe_parameter_count(fe_codes, cl, small_sample)
    S = X * resid[:, None]
    Sg = np.column_stack([np.bincount(cl, weights=S[:, j], minlength=G) for j in range(k)])
    factor = G / (G - 1) * (n - 1) / (n - k_ss)
    V = xtx_inv @ (Sg.T @ Sg) @ xtx_inv * factor
    return OLSFit(coef, V, resid, n, k_ss, df_resid, G, float(G - 1), "cluster")


def wild_cluster_bootstrap(
    y: np.ndarray,
    X: np.ndarray,
    j: int,
    clusters: np.ndarray,
    *,
    reps: int = 999,
    weights: BootWeights = "rademacher",
    seed: int | None = 2018,
    small_sample_factor: float = 1.0,
    fe_codes: Sequence[np.ndarray] = (),
) -> tuple[float, np.ndarray]:
    """Restricted wild cluster bootstrap (WCR) of coefficient ``j``, null ``beta_j = 0``.

    The residuals of the regression without column ``j`` are flipped cluster by
    cluster (Rademacher ±1 or Webb's six-point weights), the full model is refit
    and its CR1 t statistic recorded; the p-value is the share of bootstrap
    |t| at least as large as the observed one (Cameron, Gelbach & Miller 2008).

    ``y`` and ``X`` may be already demeaned; then pass the absorbed ``fe_codes`` so
    each bootstrap outcome is demeaned again (the fixed effects are re-estimated).

    Returns
    -------
    p_value : float
    t_boot : ndarray (reps,)
        The bootstrap t statistics (for confidence sets or plots).
    """
    check_option("weights", weights, BootWeights)
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    cl = np.asarray(clusters, np.intp)
    G = int(cl.max()) + 1
    n, k = X.shape
    xtx_inv = np.linalg.inv(X.T @ X)

    order = np.argsort(cl, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(cl[order]) != 0])
    a = X @ xtx_inv[:, j]  # influence of each row on coefficient j

    def t_stats(Y: np.ndarray) -> np.ndarray:  # Y: (n, B)
        B = xtx_inv @ (X.T @ Y)
        E = Y - X @ B
        scores = np.add.reduceat((a[:, None] * E)[order], starts, axis=0)
        se = np.sqrt(small_sample_factor * (scores**2).sum(axis=0))
        return B[j] / se

    t_obs = float(t_stats(y[:, None])[0])
    keep = [c for c in range(k) if c != j]
    Xr = X[:, keep]
    br = np.linalg.lstsq(Xr, y, rcond=None)[0]
    fitted_r = Xr @ br
    er = y - fitted_r
    rng = np.random.default_rng(seed)
    if weights == "rademacher" and 2**G <= reps:
        # full enumeration of the 2^G sign vectors: the exact bootstrap distribution
        reps = 2**G
        W = ((np.arange(reps)[None, :] >> np.arange(G)[:, None]) & 1) * 2.0 - 1.0
    elif weights == "rademacher":
        W = rng.choice(np.array([-1.0, 1.0]), size=(G, reps))
    else:
        webb = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
        W = rng.choice(webb, size=(G, reps))
    t_boot = np.empty(reps)
    chunk = max(1, min(reps, 20_000_000 // max(n, 1)))
    for s in range(0, reps, chunk):
        Wc = W[:, s : s + chunk]
        Y = fitted_r[:, None] + er[:, None] * Wc[cl]
        if fe_codes:  # the fixed effects are re-estimated in every bootstrap sample
            Y = demean(Y, fe_codes).values
        t_boot[s : s + chunk] = t_stats(Y)
    # ties count (>=), with a relative tolerance so rounding cannot drop the draw that
    # reproduces the sample (all weights +1) or its mirror image
    p = float(np.mean(np.abs(t_boot) >= abs(t_obs) * (1 - 1e-9)))
    return p, t_boot


def coef_table(fit: OLSFit, names: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Tidy ``term, estimate, std_error, ci_lower, ci_upper, p_value`` rows of ``fit``.

    Inference uses the fit's t reference (``fit.dof``: G − 1 when clustered).
    """
    from innolab_analysis.estimators._result import t_inference

    se = fit.std_error
    rows = []
    for j, name in enumerate(names):
        lo, hi, pv = t_inference(float(fit.coef[j]), float(se[j]), fit.dof, level)
        rows.append((name, float(fit.coef[j]), float(se[j]), lo, hi, pv))
    return pd.DataFrame(
        rows, columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
    )


def wild_t_interval(
    estimate: float, std_error: float, t_boot: np.ndarray, level: float = 0.95
) -> tuple[float, float]:
    """Symmetric bootstrap-t interval from the restricted wild bootstrap's |t| distribution.

    ``estimate ± q·SE`` with ``q`` the ``level`` quantile of ``|t_boot|``: zero
    lies outside the interval exactly when the bootstrap p-value is below
    ``1 − level`` (up to ties), so the interval and the p-value agree.

    Examples
    --------
    >>> wild_t_interval(2.0, 0.5, np.array([-3.0, -1.0, 1.0, 3.0]), level=0.5)
    (1.5, 2.5)
    """
    q = float(np.quantile(np.abs(np.asarray(t_boot, float)), level, method="inverted_cdf"))
    return (estimate - q * std_error, estimate + q * std_error)
