"""Conformal inference for the synthetic control (Chernozhukov, Wüthrich & Zhu 2021, JASA).

Under a sharp null ``H0: θ_t = θ0_t`` for the post periods, the treated
outcomes without the intervention are known (``Y_1t − θ0_t`` after it), so a
synthetic control can be fitted on **all** periods under the null (simplex
weights on the outcomes, no intercept: CWZ eq. 4). Its residuals ``û_t`` are
exchangeable over time under the null; the statistic
``S(û) = Σ_{t post} |û_t|`` (``q = 1``) is compared with its values on
permuted residuals:

* **moving blocks** (default): the ``T`` cyclic shifts of the residuals, valid
  with stationary, weakly dependent errors;
* **i.i.d.**: the identity and ``n_permutations − 1`` random permutations.

``p = #{π : S(û_π) ≥ S(û)} / |Π|`` (the identity is in ``Π``, so ``p ≥ 1/|Π|``).

Confidence sets invert the test. Per period ``t``: the pre-periods and ``t``
alone, so that the statistic is ``|û_t|`` and the p-value the share of the
``T0 + 1`` residuals at least as large (moving blocks and all permutations
agree here). For the average effect: the joint test of a constant effect
``θ`` in every post period. The sets are found on a grid around the point
estimate and their end points refined by bisection to ``1e-7`` of the outcome
scale; a grid given by the caller is used as it is (no refinement), as R
``scinference`` and diff-diff do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis.estimators._simplex import simplex_lstsq

__all__ = ["ConformalInference", "conformal_inference"]

GRID_POINTS = 101
BISECTIONS = 40


@dataclass(frozen=True)
class ConformalInference:
    """Conformal results: the joint test, the average-effect set and the per-period sets."""

    p_value: float  # H0: no effect in any post period
    ci_lower: float  # constant effect not rejected
    ci_upper: float
    periods: pd.DataFrame  # gap, ci_lower, ci_upper, p_value per post period
    n_permutations: int
    permutation: str


def _perms(T: int, scheme: str, n_perm: int, rng) -> np.ndarray:
    base = np.arange(T)
    if scheme == "moving_block":
        return (base[None, :] + base[:, None]) % T
    draws = [rng.permutation(T) for _ in range(max(n_perm - 1, 0))]
    return np.vstack([base[None, :], *[d[None, :] for d in draws]])


def _residuals(y: np.ndarray, Y0: np.ndarray) -> np.ndarray:
    return y - Y0 @ simplex_lstsq(Y0, y)


def _joint_p(y1, Y0, t0, theta, perms) -> float:
    y = y1.copy()
    y[t0:] -= theta
    u = np.abs(_residuals(y, Y0))
    s_obs = u[t0:].sum()
    s_perm = u[perms][:, t0:].sum(axis=1)
    return float(np.mean(s_perm >= s_obs - 1e-12 * max(s_obs, 1.0)))


def _single_p(y, Y0, theta) -> float:
    z = y.copy()
    z[-1] -= theta
    u = np.abs(_residuals(z, Y0))
    return float(np.mean(u >= u[-1] - 1e-12 * max(u[-1], 1.0)))


def _invert(pfun, center: float, half: float, alpha: float, grid, scale: float):
    """End points of ``{θ : p(θ) > α}`` (grid, then bisection unless the grid was given)."""
    if grid is not None:
        g = np.asarray(grid, dtype=float)
        ok = np.array([pfun(t) > alpha for t in g])
        return (float(g[ok].min()), float(g[ok].max())) if ok.any() else (math.nan, math.nan)
    for _ in range(6):  # widen until the set is inside the grid
        g = np.linspace(center - half, center + half, GRID_POINTS)
        ok = np.array([pfun(t) > alpha for t in g])
        if not ok.any():
            return math.nan, math.nan
        if not (ok[0] or ok[-1]):
            break
        half *= 4.0
    else:
        return -math.inf, math.inf
    first, last = np.flatnonzero(ok)[[0, -1]]

    def bisect(inside: float, outside: float) -> float:
        for _ in range(BISECTIONS):
            mid = 0.5 * (inside + outside)
            if pfun(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) <= 1e-7 * scale:
                break
        return inside

    return bisect(g[first], g[first - 1]), bisect(g[last], g[last + 1])


def conformal_inference(
    y1: np.ndarray,
    Y0: np.ndarray,
    t0: int,
    gap: np.ndarray,
    *,
    permutation: str,
    n_permutations: int,
    level: float,
    grid=None,
    seed: int | None = None,
    periods=None,
) -> ConformalInference:
    """CWZ p-value, average-effect interval and per-period intervals for one treated unit.

    ``y1`` (T,) treated outcomes, ``Y0`` (T, J) donors, ``t0`` pre-periods; ``gap``
    the synthetic-control gap used as the centre of the search grids.
    """
    rng = np.random.default_rng(seed)
    T = y1.size
    alpha = round(1.0 - level, 12)  # 1 - 0.9 is 0.0999…98 in floating point
    perms = _perms(T, permutation, n_permutations, rng)
    scale = max(float(np.std(y1)), 1e-12)
    pre_u = _residuals(y1[:t0], Y0[:t0])
    spread = max(float(np.std(pre_u, ddof=1)) if t0 > 1 else 0.0, 1e-3 * scale)
    p0 = _joint_p(y1, Y0, t0, 0.0, perms)
    center = float(np.mean(gap[t0:]))
    lo, hi = _invert(
        lambda th: _joint_p(y1, Y0, t0, th, perms),
        center,
        max(8.0 * spread, 0.5 * abs(center)),
        alpha,
        grid,
        scale,
    )
    rows = []
    for j in range(T - t0):
        idx = np.r_[np.arange(t0), t0 + j]
        y, Y = y1[idx], Y0[idx]
        g = float(gap[t0 + j])
        pl, pu = _invert(
            lambda th, y=y, Y=Y: _single_p(y, Y, th),
            g,
            max(8.0 * spread, 0.5 * abs(g)),
            alpha,
            grid,
            scale,
        )
        rows.append((g, pl, pu, _single_p(y, Y, 0.0)))
    index = pd.Index(periods if periods is not None else range(t0, T), name="period")
    table = pd.DataFrame(rows, columns=["gap", "ci_lower", "ci_upper", "p_value"], index=index)
    return ConformalInference(p0, lo, hi, table, int(perms.shape[0]), permutation)


# ----------------------------------------------------------------------------- reader-facing
def se_type(res: ConformalInference, level: float) -> str:
    """The inference convention in words (English, like every ``se_type``)."""
    perms = (
        f"the {res.n_permutations} cyclic shifts (moving blocks) of the residuals"
        if res.permutation == "moving_block"
        else f"{res.n_permutations} i.i.d. permutations (identity included)"
    )
    return (
        "none: no analytic SE for synthetic control; p-value = conformal test of no effect "
        "(Chernozhukov, Wüthrich & Zhu 2021): simplex weights fitted on all periods under the "
        f"null, S = Σ|û_post| compared over {perms}; {level:.0%} CI = constant effects the test "
        "does not reject; per-period intervals in .conformal.periods"
    )


def text(treated, outcome, estimate, pre_rmspe, res: ConformalInference, level: float):
    """The bilingual reading of a synthetic control with conformal inference."""
    from innolab_analysis import l10n

    return l10n.bilingual(
        "estimators_conformal.headline",
        treated=str(treated),
        outcome=outcome,
        estimate=estimate,
        pre_rmspe=pre_rmspe,
        p=res.p_value,
        lower=res.ci_lower,
        upper=res.ci_upper,
        level=level,
        count=res.n_permutations,
    )


def diagnostics(res: ConformalInference, *, n_donors: int, n_pre: int, level: float) -> list:
    """Granularity of the permutation p-value; interpolating fits that void the per-period sets."""
    from innolab_analysis import l10n
    from innolab_analysis.estimators._result import Diagnostic

    out = []
    smallest = 1.0 / res.n_permutations
    if smallest > 1.0 - level:
        out.append(
            Diagnostic(
                "conformal_granularity",
                "warning",
                l10n.bilingual(
                    "estimators_conformal.granularity",
                    count=res.n_permutations,
                    smallest=smallest,
                    alpha=1.0 - level,
                ),
            )
        )
    if n_donors >= n_pre + 1:
        out.append(
            Diagnostic(
                "conformal_interpolation",
                "warning",
                l10n.bilingual(
                    "estimators_conformal.interpolation", donors=n_donors, periods=n_pre + 1
                ),
            )
        )
    if not (math.isfinite(res.ci_lower) and math.isfinite(res.ci_upper)):
        out.append(
            Diagnostic(
                "conformal_interval_unbounded",
                "warning",
                l10n.bilingual("estimators_conformal.unbounded"),
            )
        )
    return out
