"""The numerical core of random-effects meta-analysis and meta-regression.

One weighted least-squares fit with a between-unit variance τ² estimated by
restricted maximum likelihood (REML), DerSimonian–Laird (DL), Paule–Mandel
(PM), or fixed at zero (a fixed-effect pool), optionally with the
Knapp–Hartung correction. The formulas are those of R's metafor
(Viechtbauer 2010, ``rma.uni``): the same heterogeneity statistics (Q with
fixed-effect weights, I² and H² from τ² and the "typical" within-unit
variance), the same tests (z, or t and F with k − p degrees of freedom under
Knapp–Hartung) and the same prediction interval. ``pool_effects`` is the
intercept-only case; ``meta_regression`` adds moderators.

Unlike metafor's defaults, the iterations run to machine precision (REML
Fisher scoring to a change below 1e-12, PM by Brent's method to 1e-14), so
the numbers do not depend on a stopping threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from innolab_analysis.errors import DataValidationError, EstimationError, Problem
from innolab_analysis.options import PoolMethod

__all__ = ["MetaFit", "fit_meta", "prepare_effects"]

MAX_ROWS = 10

_TOL = 1e-12
_MAX_ITER = 2000


@dataclass(frozen=True)
class MetaFit:
    """Everything a meta-analysis fit computes (arrays, no labels).

    Attributes
    ----------
    beta, vb : ndarray
        Coefficients and their covariance (Knapp–Hartung scaled when asked).
    tau2 : float
        Between-unit variance (0 for the fixed-effect model).
    k, p : int
        Number of effects and of coefficients.
    qe, qe_p : float
        Cochran's Q of (residual) heterogeneity with fixed-effect weights, df k − p, and its p-value.
    qm, qm_p : float
        Omnibus test of the moderators (coefficients 2..p; NaN when p = 1): Wald χ²(p − 1),
        or F(p − 1, k − p) under Knapp–Hartung.
    i2, h2 : float
        Share of total variance due to heterogeneity (0–1) and H².
    dfs : float or None
        Degrees of freedom of t and F (k − p) under Knapp–Hartung, else None (normal).
    weights : ndarray
        Inverse-variance weights of the model, ``1 / (v + τ²)``.
    s2w : float
        Knapp–Hartung variance factor (1 without the correction).
    """

    beta: np.ndarray
    vb: np.ndarray
    tau2: float
    k: int
    p: int
    qe: float
    qe_p: float
    qm: float
    qm_p: float
    i2: float
    h2: float
    dfs: float | None
    weights: np.ndarray
    s2w: float
    method: str
    knapp_hartung: bool
    iterations: int

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the coefficients."""
        return np.sqrt(np.diag(self.vb))

    def critical(self, level: float) -> float:
        """Two-sided critical value of the coefficient tests at ``level``."""
        q = 0.5 + level / 2
        return float(stats.norm.ppf(q) if self.dfs is None else stats.t.ppf(q, self.dfs))

    def p_values(self) -> np.ndarray:
        """Two-sided p-values of the coefficients."""
        z = np.abs(self.beta / self.se)
        return 2 * (stats.norm.sf(z) if self.dfs is None else stats.t.sf(z, self.dfs))

    def prediction(self, x: np.ndarray, level: float) -> tuple[float, float, float, float]:
        """``(fit, se, pi_lower, pi_upper)`` at moderator row ``x`` (metafor's ``predict``)."""
        x = np.asarray(x, dtype=float)
        fit = float(x @ self.beta)
        se = float(np.sqrt(x @ self.vb @ x))
        half = self.critical(level) * np.sqrt(se**2 + self.tau2)
        return fit, se, float(fit - half), float(fit + half)


def _projection(v: np.ndarray, tau2: float, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P, W)`` with W = diag(1 / (v + τ²)) and P = W − W X (X'WX)⁻¹ X'W."""
    w = 1.0 / (v + tau2)
    WX = X * w[:, None]
    xwx = X.T @ WX
    P = np.diag(w) - WX @ np.linalg.solve(xwx, WX.T)
    return P, w


def _tau2_dl(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    P, _ = _projection(v, 0.0, X)
    qe = float(y @ P @ y)
    return max(0.0, (qe - (k - p)) / float(np.trace(P)))


def _tau2_pm(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape

    def excess(t2: float) -> float:
        P, _ = _projection(v, t2, X)
        return float(y @ P @ y) - (k - p)

    if excess(0.0) <= 0:
        return 0.0
    hi = max(1.0, float(np.var(y)) * 10)
    while excess(hi) > 0:
        hi *= 10
        if hi > 1e12:
            raise EstimationError("Paule–Mandel: no τ² below 1e12 balances Q; check the inputs")
    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def _reml_score(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float) -> tuple[float, float]:
    """``(y'PPy − tr P, tr PP)``: twice the REML score and twice the Fisher information."""
    P, _ = _projection(v, tau2, X)
    Py = P @ y
    return float(Py @ Py - np.trace(P)), float(np.sum(P * P))


def _tau2_reml(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> tuple[float, int]:
    score0, _ = _reml_score(y, v, X, 0.0)
    if score0 <= 0:
        return 0.0, 0
    tau2 = max(_tau2_dl(y, v, X), 1e-4 * float(np.mean(v)))
    for it in range(1, _MAX_ITER + 1):
        score, info = _reml_score(y, v, X, tau2)
        adj = score / info
        while tau2 + adj < 0:
            adj /= 2
        tau2 += adj
        if abs(adj) < _TOL * max(1.0, tau2):
            return float(tau2), it
    # Fisher scoring did not settle: solve the score equation directly
    hi = tau2 * 10 + 1.0
    while _reml_score(y, v, X, hi)[0] > 0:
        hi *= 10
    root = optimize.brentq(lambda t: _reml_score(y, v, X, t)[0], 0.0, hi, xtol=1e-15)
    return float(root), _MAX_ITER


def fit_meta(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    *,
    method: PoolMethod = "REML",
    knapp_hartung: bool = False,
) -> MetaFit:
    """Fit ``y = X β + u + e`` with ``e ~ N(0, v)`` and ``u ~ N(0, τ²)``.

    Parameters
    ----------
    y, v : ndarray
        Effects and their sampling variances (positive, finite).
    X : ndarray
        Design matrix (k × p), first column the intercept.
    method : {"REML", "DL", "PM", "fixed"}
    knapp_hartung : bool

    Returns
    -------
    MetaFit

    Examples
    --------
    >>> import numpy as np
    >>> fit = fit_meta(np.array([1.0, 3.0, 5.0]), np.ones(3), np.ones((3, 1)), method="DL")
    >>> round(fit.tau2, 12), round(float(fit.beta[0]), 12), round(fit.qe, 12)
    (3.0, 3.0, 8.0)
    """
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    X = np.asarray(X, dtype=float)
    k, p = X.shape
    if k <= p:
        raise EstimationError(
            f"{k} effects cannot estimate {p} coefficient(s) and their uncertainty; "
            "pool more units or use fewer moderators"
        )
    if np.linalg.matrix_rank(X) < p:
        raise EstimationError(
            "the moderators are collinear (one is a combination of the others, or a category "
            "has no unit); drop one of them"
        )
    iterations = 0
    if method == "fixed":
        tau2 = 0.0
    elif method == "DL":
        tau2 = _tau2_dl(y, v, X)
    elif method == "PM":
        tau2 = _tau2_pm(y, v, X)
    elif method == "REML":
        tau2, iterations = _tau2_reml(y, v, X)
    else:  # pragma: no cover - checked by the public functions
        raise EstimationError(f"unknown method {method!r}")

    P, w = _projection(v, tau2, X)
    WX = X * w[:, None]
    vb = np.linalg.inv(X.T @ WX)
    beta = vb @ (WX.T @ y)
    s2w, dfs = 1.0, None
    if knapp_hartung:
        dfs = float(k - p)
        s2w = float(y @ P @ y) / dfs
        vb = vb * s2w

    # heterogeneity: Q with fixed-effect weights; I² and H² as metafor
    P0, _ = _projection(v, 0.0, X)
    qe = float(y @ P0 @ y)
    qe_p = float(stats.chi2.sf(qe, k - p))
    if method == "fixed":
        i2 = max(0.0, (qe - (k - p)) / qe) if qe > 0 else 0.0
        h2 = qe / (k - p)
    else:
        typical = (k - p) / float(np.trace(P0))
        i2 = tau2 / (typical + tau2)
        h2 = (typical + tau2) / typical

    qm = qm_p = float("nan")
    if p > 1:
        b = beta[1:]
        qm = float(b @ np.linalg.solve(vb[1:, 1:], b))
        if knapp_hartung:
            qm /= p - 1
            qm_p = float(stats.f.sf(qm, p - 1, dfs))
        else:
            qm_p = float(stats.chi2.sf(qm, p - 1))
    return MetaFit(
        beta=beta,
        vb=vb,
        tau2=float(tau2),
        k=k,
        p=p,
        qe=qe,
        qe_p=qe_p,
        qm=qm,
        qm_p=qm_p,
        i2=float(i2),
        h2=float(h2),
        dfs=dfs,
        weights=w,
        s2w=s2w,
        method=str(method),
        knapp_hartung=bool(knapp_hartung),
        iterations=iterations,
    )


# ----------------------------------------------------------------------------- input
def prepare_effects(
    effects: pd.DataFrame,
    *,
    estimate: str,
    std_error: str,
    label: str | None = None,
    outcome: str | None = None,
    extra: Sequence[str] = (),
    min_rows: int = 2,
) -> tuple[pd.DataFrame, str]:
    """Check and select the effects to combine: one outcome, finite estimates, positive SEs.

    Returns a new frame with the columns ``label, estimate, std_error`` and the
    ``extra`` columns (the caller's frame is not modified), and the outcome's
    name (the ``outcome`` column's single value, ``outcome``, or ``estimate``).

    Raises
    ------
    DataValidationError
        Missing columns; several outcomes or scales without ``outcome=`` (pooling them would
        mix scales); an estimate or standard error that is missing, not finite or not
        positive (every row named); fewer than ``min_rows`` rows.
    """
    if not isinstance(effects, pd.DataFrame):
        raise DataValidationError(
            f"effects must be a pandas DataFrame with one row per effect, got "
            f"{type(effects).__name__}"
        )
    wanted = {"estimate": estimate, "std_error": std_error, "label": label}
    wanted |= {f"extra[{i}]": c for i, c in enumerate(extra)}
    available = ", ".join(map(str, effects.columns))
    problems = [
        Problem(
            f"{arg}={col!r} is not a column of the effects; pass one of the available columns",
            column=col,
            allowed=available,
        )
        for arg, col in wanted.items()
        if col is not None and col not in effects.columns
    ]
    if problems:
        raise DataValidationError(problems)
    rows = effects
    name = outcome or estimate
    if "outcome" in effects.columns:
        found = [str(o) for o in pd.unique(effects["outcome"].dropna())]
        if outcome is not None:
            rows = effects[effects["outcome"].astype(str) == outcome]
            if rows.empty:
                raise DataValidationError(
                    [
                        Problem(
                            f"no rows for outcome={outcome!r}",
                            column="outcome",
                            allowed=", ".join(found),
                        )
                    ]
                )
        elif len(found) > 1:
            raise DataValidationError(
                [
                    Problem(
                        f"the rows hold {len(found)} outcomes ({', '.join(found)}): combining "
                        "them would mix scales; pass outcome=... to choose one, or standardise "
                        "the effects first",
                        column="outcome",
                        allowed=", ".join(found),
                    )
                ]
            )
        elif found:
            name = found[0]
    if "scale" in rows.columns and rows["scale"].nunique(dropna=True) > 1:
        scales = ", ".join(map(str, pd.unique(rows["scale"].dropna())))
        raise DataValidationError(
            [Problem(f"the rows mix scales ({scales}); keep one scale", column="scale")]
        )
    positions = np.flatnonzero(effects.index.isin(rows.index)) if rows is not effects else None
    est = pd.to_numeric(rows[estimate], errors="coerce").to_numpy(dtype=float)
    se = pd.to_numeric(rows[std_error], errors="coerce").to_numpy(dtype=float)
    sheet_rows = (np.arange(len(rows)) if positions is None else positions) + 2
    for col, ok, what in (
        (estimate, np.isfinite(est), "a finite number"),
        (std_error, np.isfinite(se) & (se > 0), "a positive, finite number"),
    ):
        bad = np.flatnonzero(~ok)
        if len(bad):
            problems.append(
                Problem(
                    f"must be {what} in every row ({len(bad)} row(s) are not); drop those rows "
                    "or supply the values",
                    column=col,
                    rows=tuple(int(sheet_rows[i]) for i in bad[:MAX_ROWS]),
                    values=tuple(rows[col].iloc[bad[:MAX_ROWS]].tolist()),
                )
            )
    if not problems and len(rows) < min_rows:
        problems.append(
            Problem(f"{len(rows)} effect(s) given; at least {min_rows} are needed", column=estimate)
        )
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the effects")
    if label is not None:
        labels = rows[label].astype(str).to_numpy()
    elif "unit" in rows.columns:
        labels = rows["unit"].astype(str).to_numpy()
    else:
        labels = np.array([str(i + 1) for i in range(len(rows))])
    out = pd.DataFrame({"label": labels, "estimate": est, "std_error": se})
    for col in extra:
        out[col] = rows[col].to_numpy()
    return out, str(name)
