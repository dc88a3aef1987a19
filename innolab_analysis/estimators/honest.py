"""Sensitivity of an event-study effect to violations of parallel trends (Rambachan & Roth 2023).

:func:`honest_did` takes an event-study result — ``staggered_did(...).aggregate("dynamic")``
(with ``base_period="universal"``), :func:`~innolab_analysis.estimators.event_study.event_study`,
:func:`~innolab_analysis.estimators.sun_abraham.sun_abraham` or
:func:`~innolab_analysis.estimators.imputation.imputation_did` — and returns
confidence sets for a post-period effect that stay valid when the post-period
trends may differ:

* ``restriction="relative_magnitude"`` (ΔRM(M̄)): after adoption, the
  period-to-period change of the difference in trends is at most ``M̄`` times
  the largest such change before adoption (union over where that largest
  change is, as the R package). Default method: conditional-least-favourable
  hybrid (``"C-LF"``), as R ``createSensitivityResults_relativeMagnitudes``.
* ``restriction="smoothness"`` (ΔSD(M)): the slope of the difference in trends
  changes by at most ``M`` per period. Default method: FLCI, as R
  ``createSensitivityResults``; ``"C-LF"`` and ``"conditional"`` (ARP) too.

The breakdown value is the largest ``M̄`` (or ``M``) at which the robust set
still excludes zero; the text says it in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, ParamsError, check_option
from innolab_analysis.estimators import _honest_core as hc
from innolab_analysis.estimators._diagnostics import check_level, few_pre_periods
from innolab_analysis.estimators._event_result import event_terms_of
from innolab_analysis.estimators._result import Diagnostic, EffectResult
from innolab_analysis.options import HonestMethod, HonestRestriction, HonestTarget

__all__ = ["HonestResult", "honest_did"]

GRID_POINTS = 1000
"""Points of the test-inversion grid (R's default)."""


@dataclass(frozen=True, kw_only=True)
class HonestResult(EffectResult):
    """Result of :func:`honest_did`; the headline is the original estimate and interval.

    Attributes
    ----------
    restriction, robust_method : str
    robust : DataFrame
        ``m, ci_lower, ci_upper`` — the robust confidence set for each ``M̄`` (or ``M``).
    breakdown : float
        Largest ``m`` at which the robust set excludes zero (0 when even the
        original interval includes zero; ``inf`` beyond the search range).
    l_vec : ndarray
        The target's weights on the post-period coefficients.
    n_pre, n_post : int
    source : str
        The estimator whose event study was used.
    """

    restriction: str
    robust_method: str
    robust: pd.DataFrame
    breakdown: float
    l_vec: np.ndarray
    n_pre: int
    n_post: int
    source: str

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis

        r = self.robust
        m = r["m"].to_numpy(float)
        step = (m.max() - m.min()) / max(len(m) - 1, 1) if len(m) > 1 else 1.0
        x0 = m.min() - step
        tr = lambda k, **v: l10n.tr(f"estimators_event.{k}", language, markdown=False, **v)  # noqa: E731
        ax.errorbar(
            [x0], [self.estimate],
            yerr=[[self.estimate - self.ci_lower], [self.ci_upper - self.estimate]],
            fmt="o", color=PALETTE["control"], capsize=3, label=tr("honest_original"),
        )  # fmt: skip
        mid = (r["ci_lower"] + r["ci_upper"]) / 2
        ax.errorbar(
            m, mid, yerr=[mid - r["ci_lower"], r["ci_upper"] - mid], fmt="none",
            color=PALETTE["treated"], capsize=3, label=tr("honest_robust"),
        )  # fmt: skip
        if np.isfinite(self.breakdown) and self.breakdown > 0:
            ax.axvline(self.breakdown, color="grey", ls="--", lw=0.8, label=tr("honest_breakdown"))
        ax.axhline(0, color="black", lw=0.8)
        digits = 1 if self.restriction == "relative_magnitude" else 3
        ax.set_xticks([x0, *m])
        ax.set_xticklabels(
            [tr("honest_original_tick")] + [l10n.number(v, language, digits) for v in m]
        )
        ax.set_xlabel(
            tr("honest_axis_rm" if self.restriction == "relative_magnitude" else "honest_axis_sd")
        )
        ax.set_ylabel(tr("axis_effect", outcome=self.outcome))
        ax.set_title(tr("honest_title"))
        ax.legend(loc="upper left", fontsize="small", frameon=False)
        localise_axis(ax, language, decimals=3)


def _target_vector(target, post_e: np.ndarray) -> np.ndarray:
    n_post = len(post_e)
    if isinstance(target, str):
        if target.startswith("e="):
            k = int(target[2:])
            if k not in post_e.tolist():
                raise ParamsError(
                    f"target {target!r} is not a post-period event time; available: "
                    f"{', '.join(f'e={int(e)}' for e in post_e)}"
                )
            v = np.zeros(n_post)
            v[post_e.tolist().index(k)] = 1.0
            return v
        check_option("target", target, HonestTarget)
        if target == "first":
            return np.eye(n_post)[0]
        return np.full(n_post, 1.0 / n_post)
    v = np.asarray(target, float).ravel()
    if v.shape != (n_post,) or not np.isfinite(v).all():
        raise ParamsError(
            f"target as weights must be {n_post} finite numbers, one per post-period event time "
            f"({', '.join(f'e={int(e)}' for e in post_e)}); got {target!r}"
        )
    return v


def honest_did(
    result,
    *,
    restriction: HonestRestriction = "relative_magnitude",
    m=None,
    target="first",
    method: HonestMethod | None = None,
    estimator: str | None = None,
    level: float = 0.95,
    seed: int = 0,
    breakdown: bool = True,
) -> HonestResult:
    """Robust confidence sets under relative-magnitude or smoothness restrictions (Rambachan & Roth 2023).

    Parameters
    ----------
    result : event-study result
        ``staggered_did(...).aggregate("dynamic")``, ``event_study(...)``
        (``estimator="staggered"`` or ``"twfe"``), ``sun_abraham(...)`` or
        ``imputation_did(...)``: event-time coefficients with their covariance.
    restriction : {"relative_magnitude", "smoothness"}
    m : float or sequence of float, optional
        ``M̄`` values (relative magnitudes; default 0, 0.5 … 2) or ``M`` values
        (smoothness; default 10 values from 0 to R's ``DeltaSD_upperBound_Mpre``).
    target : {"first", "average"}, "e=K" or sequence of float
        The effect: the first post period (R's default), the average of the post
        periods, one event time, or weights on the post-period coefficients.
    method : {"C-LF", "conditional", "FLCI"}, optional
        Default ``"C-LF"`` for relative magnitudes, ``"FLCI"`` for smoothness.
    estimator : str, optional
        For an ``event_study`` result: ``"staggered"`` (default) or ``"twfe"``.
    level : float
        Confidence level, in (0, 1).
    seed : int
        Seed of the least-favourable critical value's simulation.
    breakdown : bool
        Search the breakdown value (a bisection over ``m``; False skips it and
        reports NaN, e.g. in simulations).

    Returns
    -------
    HonestResult

    Raises
    ------
    EstimationError
        Not an event-study result, no pre- or post-period coefficient, or event
        times that are not consecutive.
    ParamsError
        An unknown option, a negative ``m``, a target that is not a post period.

    Examples
    --------
    >>> from innolab_analysis.estimators.staggered import _example_panel
    >>> from innolab_analysis.estimators.sun_abraham import sun_abraham
    >>> es = sun_abraham(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")
    >>> h = honest_did(es, m=[0.5, 1.0])
    >>> h.robust["m"].tolist(), bool(h.robust["ci_lower"].iloc[0] > 0)
    ([0.5, 1.0], True)
    """
    check_option("restriction", restriction, HonestRestriction)
    if method is not None:
        check_option("method", method, HonestMethod)
    check_level(level)
    e, beta, V, source = event_terms_of(result, estimator=estimator)
    order = np.argsort(e)
    e, beta, V = e[order], beta[order], V[np.ix_(order, order)]
    diags: list[Diagnostic] = []
    from innolab_analysis.estimators.staggered import StaggeredAggregate

    staggered = isinstance(result, StaggeredAggregate) or source == "event_study (staggered)"
    if staggered and (e == -1).any():
        diags.append(
            Diagnostic(
                "varying_base_period",
                "warning",
                l10n.bilingual("estimators_event.honest_varying_base"),
            )
        )
    pre, post = e[e < 0], e[e >= 0]
    if len(pre) == 0 or len(post) == 0:
        raise EstimationError(
            f"honest_did needs pre- and post-period event-time coefficients; got event times "
            f"{e.tolist()}"
        )
    full = np.r_[pre, post]
    expected = np.r_[np.arange(pre.min(), pre.max() + 1), np.arange(0, post.max() + 1)]
    if len(full) != len(expected) or not (full == expected).all() or pre.max() not in (-1, -2):
        raise EstimationError(
            "honest_did needs consecutive event times (… −3, −2, [−1,] 0, 1 …); got "
            f"{e.tolist()}. Re-estimate with every event time in the window."
        )
    n_pre, n_post = len(pre), len(post)
    l_vec = _target_vector(target, post)
    if restriction == "relative_magnitude":
        method = method or "C-LF"
        if method == "FLCI":
            raise ParamsError(
                "method='FLCI' is for the smoothness restriction; relative magnitudes use "
                "'C-LF' (default) or 'conditional'"
            )
        ms = np.arange(0, 2.01, 0.5) if m is None else np.atleast_1d(np.asarray(m, float))
    else:
        method = method or "FLCI"
        ms = (
            _default_m_sd(beta, V, n_pre, level)
            if m is None
            else np.atleast_1d(np.asarray(m, float))
        )
    if (ms < 0).any() or not np.isfinite(ms).all():
        raise ParamsError(f"m must be finite and non-negative, got {np.asarray(m).tolist()}")
    alpha = 1 - level
    post_V = V[n_pre:, n_pre:]
    theta = float(l_vec @ beta[n_pre:])
    sd_theta = float(np.sqrt(l_vec @ post_V @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    orig = (theta - z * sd_theta, theta + z * sd_theta)

    solver = _Solver(beta, V, n_pre, n_post, l_vec, alpha, restriction, method, seed, sd_theta)
    rows = []
    open_ends = False
    for mv in ms:
        lo, hi, is_open = solver.interval(float(mv))
        open_ends |= is_open
        rows.append((float(mv), lo, hi))
    robust = pd.DataFrame(rows, columns=["m", "ci_lower", "ci_upper"])
    if open_ends:
        diags.append(
            Diagnostic("open_interval", "warning", l10n.bilingual("estimators_event.honest_open"))
        )
    breakdown_value = solver.breakdown(orig) if breakdown else float("nan")
    p_orig = float(2 * stats.norm.sf(abs(theta / sd_theta)))
    m_name = "Mbar" if restriction == "relative_magnitude" else "M"
    terms = pd.DataFrame(
        [("original", theta, sd_theta, orig[0], orig[1], p_orig)]
        + [
            (f"{m_name}={r.m:g}", theta, np.nan, r.ci_lower, r.ci_upper, np.nan)
            for r in robust.itertuples()
        ],
        columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"],
    )
    diags += [d for d in [few_pre_periods(n_pre, threshold=3, event_times=True)] if d]
    text = _text(theta, orig, breakdown_value, restriction, level, result.outcome)
    se_type = (
        f"original: normal, SE from the event-study covariance ({source}); robust sets: "
        + (
            "Rambachan & Roth (2023) ΔRM(M̄), union over the location of the largest pre-period "
            f"change, {method} test inverted on a {GRID_POINTS}-point grid"
            if restriction == "relative_magnitude"
            else f"Rambachan & Roth (2023) ΔSD(M), {method}"
            + ("" if method == "FLCI" else f" test inverted on a {GRID_POINTS}-point grid")
        )
        + (
            f"; least-favourable critical value from 1,000 draws, seed {seed}"
            if method == "C-LF"
            else ""
        )
    )
    return HonestResult(
        method="honest_did",
        outcome=result.outcome,
        estimate=theta,
        std_error=sd_theta,
        ci_lower=orig[0],
        ci_upper=orig[1],
        p_value=p_orig,
        n_obs=result.n_obs,
        se_type=se_type,
        terms=terms,
        text=text,
        diagnostics=tuple(diags),
        level=level,
        title="HonestDiD (Rambachan & Roth 2023)",
        restriction=restriction,
        robust_method=method,
        robust=robust,
        breakdown=breakdown_value,
        l_vec=l_vec,
        n_pre=n_pre,
        n_post=n_post,
        source=source,
    )


def _default_m_sd(beta, V, n_pre, level) -> np.ndarray:
    """R's default ``Mvec``: 10 values from 0 to the upper bound of the largest pre-period second difference."""
    if n_pre == 1:
        return np.linspace(0, np.sqrt(V[0, 0]), 10)
    A = np.zeros((n_pre - 1, n_pre + 1))
    for r in range(n_pre - 1):
        A[r, r : r + 3] = [1.0, -2.0, 1.0]
    A = A[:, :n_pre]  # the reference (0) is the last column
    b = np.r_[beta[:n_pre]]
    sd = np.sqrt(np.diag(A @ V[:n_pre, :n_pre] @ A.T))
    z = stats.norm.ppf(level)
    ub = float(np.max(np.abs(A @ b) + z * sd))
    return np.linspace(0, ub, 10)


@dataclass
class _Solver:
    beta: np.ndarray
    V: np.ndarray
    n_pre: int
    n_post: int
    l_vec: np.ndarray
    alpha: float
    restriction: str
    method: str
    seed: int
    sd_theta: float

    def _tests(self, m: float):
        hybrid = "LF" if self.method == "C-LF" else "ARP"
        if self.restriction == "relative_magnitude":
            specs = [
                hc.restriction_rm(self.n_pre, self.n_post, m, s, pos)
                for s in range(-(self.n_pre - 1), 1)
                for pos in (True, False)
            ]
        else:
            specs = [hc.restriction_sd(self.n_pre, self.n_post, m)]
        out = []
        for A, d in specs:
            rows = hc.post_rows(A, self.n_pre)
            if self.restriction == "smoothness" and self.n_post == 1:
                rows = np.arange(len(A))
            out.append(
                hc.ARPTest.build(
                    self.beta, self.V, A, d, self.n_pre, self.l_vec,
                    alpha=self.alpha, hybrid=hybrid, rows=rows, seed=self.seed,
                )
            )  # fmt: skip
        return out

    def _grid(self, m: float) -> np.ndarray:
        if self.restriction == "relative_magnitude":
            lo, hi = -20 * self.sd_theta, 20 * self.sd_theta
        else:
            a, b = hc.id_set_sd(m, self.l_vec, self.n_pre, self.n_post)
            lo, hi = a - 20 * self.sd_theta, b + 20 * self.sd_theta
        return np.linspace(lo, hi, GRID_POINTS)

    def interval(self, m: float) -> tuple[float, float, bool]:
        if self.method == "FLCI":
            lo, hi, _ = hc.flci(
                self.beta, self.V, self.n_pre, self.n_post, self.l_vec, m, self.alpha
            )
            return lo, hi, False
        grid = self._grid(m)
        acc = np.zeros(len(grid), bool)
        for test in self._tests(m):
            acc |= test.accept(grid)
        if not acc.any():
            return np.nan, np.nan, False
        return float(grid[acc].min()), float(grid[acc].max()), bool(acc[0] or acc[-1])

    def excludes_zero(self, m: float) -> bool:
        if self.method == "FLCI":
            lo, hi, _ = hc.flci(
                self.beta, self.V, self.n_pre, self.n_post, self.l_vec, m, self.alpha
            )
            return lo > 0 or hi < 0
        return not any(t.accept(np.array([0.0]))[0] for t in self._tests(m))

    def breakdown(self, orig) -> float:
        if orig[0] <= 0 <= orig[1]:
            return 0.0
        hi = 1.0 if self.restriction == "relative_magnitude" else max(self.sd_theta, 1e-12)
        for _ in range(12):
            if not self.excludes_zero(hi):
                break
            hi *= 2
        else:
            return float("inf")
        if not self.excludes_zero(0.0):
            return 0.0
        lo = 0.0
        tol = 1e-3 if self.restriction == "relative_magnitude" else 1e-3 * self.sd_theta
        while hi - lo > tol:
            mid = (lo + hi) / 2
            if self.excludes_zero(mid):
                lo = mid
            else:
                hi = mid
        return float(lo)


def _text(theta, orig, breakdown, restriction, level, outcome) -> l10n.Bilingual:
    pct = int(round(level * 100))
    kind = "rm" if restriction == "relative_magnitude" else "sd"
    sign = "positive" if theta > 0 else "negative"
    if orig[0] <= 0 <= orig[1]:
        key = "honest_no_conclusion"
    elif np.isnan(breakdown):
        key = "honest_not_searched"
    elif not np.isfinite(breakdown):
        key = f"honest_{kind}_always_{sign}"
    else:
        key = f"honest_{kind}_{sign}"
    head = l10n.bilingual(
        "estimators_event.honest_head", outcome=outcome, estimate=theta, lower=orig[0],
        upper=orig[1], pct=pct,
    )  # fmt: skip
    body = l10n.bilingual(f"estimators_event.{key}", m=breakdown if np.isfinite(breakdown) else 0.0)
    return l10n.Bilingual(id=f"{head.id} {body.id}", en=f"{head.en} {body.en}")
