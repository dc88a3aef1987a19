"""Power of the pre-trend test against linear trends (Roth 2022, AER: Insights).

A pre-test that finds no significant pre-period coefficient is weak evidence
when it could not have detected a plausible trend. :func:`pretrend_power`
answers Roth's two questions for an event study:

1. Which linear difference in trends ``δ_t = γ·(t − reference)`` would the
   usual pre-test (reject when any pre-period coefficient is significant at
   ``alpha``) detect with probability ``power``? (R ``pretrends::slope_for_power``.)
2. How much would that trend bias each post-period estimate, and their
   average, if it went unnoticed: ``γ·(t − reference)``; and, conditional on
   the pre-test passing, ``E[β̂_post | pass] − τ`` (the bias that survives the
   pre-test, from the truncated normal; seeded Monte Carlo).

Probabilities of passing are multivariate normal rectangle probabilities
(scipy's Genz integration, absolute error 1e-5 requested).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, ParamsError
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._event_result import event_terms_of
from innolab_analysis.estimators._result import Diagnostic, EffectResult

__all__ = ["PretrendPowerResult", "pretrend_power"]


@dataclass(frozen=True, kw_only=True)
class PretrendPowerResult(EffectResult):
    """Result of :func:`pretrend_power`; the headline is the detectable slope ``γ``.

    Attributes
    ----------
    power : float
    slope : float
        The linear pre-trend slope detected with probability ``power``.
    bias : DataFrame
        ``event_time, estimate, trend_bias, conditional_bias`` for every event time
        (pre and post) and the post-period ``average`` (event_time missing).
    pass_probability : float
        Probability that the pre-test passes under that trend (``1 − power``).
    """

    power: float
    slope: float
    bias: pd.DataFrame
    pass_probability: float
    reference: int
    _event: pd.DataFrame | None = None

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis

        tr = lambda k, **v: l10n.tr(f"estimators_event.{k}", language, markdown=False, **v)  # noqa: E731
        ev = self._event
        z = stats.norm.ppf(0.5 + self.level / 2)
        ax.errorbar(
            ev["event_time"], ev["estimate"], yerr=z * ev["std_error"], fmt="o",
            color=PALETTE["control"], capsize=3, label=tr("pt_estimates"),
        )  # fmt: skip
        e = np.arange(ev["event_time"].min(), ev["event_time"].max() + 1)
        ax.plot(e, self.slope * (e - self.reference), color=PALETTE["treated"], lw=1.5,
                label=tr("pt_trend", power=self.power))  # fmt: skip
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(-0.5, color="grey", lw=0.8, ls="--")
        ax.set_xlabel(tr("axis_event_time"))
        ax.set_ylabel(tr("axis_effect", outcome=self.outcome))
        ax.set_title(tr("pt_title"))
        ax.legend(loc="upper left", fontsize="small", frameon=False)
        localise_axis(ax, language, decimals=3)


def _pass_probability(gamma, s, sd, Vpre, crit) -> float:
    mean = gamma * s
    if len(sd) == 1:
        z_lo, z_hi = (-crit * sd[0] - mean[0]) / sd[0], (crit * sd[0] - mean[0]) / sd[0]
        return float(stats.norm.cdf(z_hi) - stats.norm.cdf(z_lo))
    return float(
        stats.multivariate_normal.cdf(
            crit * sd - mean, mean=np.zeros(len(sd)), cov=Vpre, allow_singular=True,
            lower_limit=-crit * sd - mean, abseps=1e-5, releps=0,
            maxpts=50_000 * len(sd), rng=np.random.default_rng(0),
        )
    )  # fmt: skip


def pretrend_power(
    result,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    estimator: str | None = None,
    reference: int = -1,
    n_draws: int = 200_000,
    seed: int = 0,
) -> PretrendPowerResult:
    """The linear pre-trend a pre-test detects with ``power``, and the bias it would cause.

    Parameters
    ----------
    result : event-study result
        As for :func:`~innolab_analysis.estimators.honest.honest_did`.
    power : float
        Target power of the pre-test, in (0, 1).
    alpha : float
        Size of each pre-period coefficient's two-sided test.
    estimator : str, optional
        For an ``event_study`` result: ``"staggered"`` (default) or ``"twfe"``.
    reference : int
        Event time where the trend is zero (the left-out period, −1).
    n_draws, seed : int
        Monte Carlo draws (seeded) for the bias conditional on passing.

    Returns
    -------
    PretrendPowerResult

    Examples
    --------
    >>> from innolab_analysis.estimators.staggered import _example_panel
    >>> from innolab_analysis.estimators.sun_abraham import sun_abraham
    >>> es = sun_abraham(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")
    >>> pp = pretrend_power(es)
    >>> round(pp.pass_probability, 3)
    0.2
    """
    check_level(power, name="power", typical=0.8)
    check_level(alpha, name="alpha", typical=0.05)
    e, beta, V, source = event_terms_of(result, estimator=estimator)
    order = np.argsort(e)
    e, beta, V = e[order], beta[order], V[np.ix_(order, order)]
    pre = e < 0
    if not pre.any() or pre.all():
        raise EstimationError(
            f"pretrend_power needs pre- and post-period coefficients; got event times {e.tolist()}"
        )
    if reference in e[pre].tolist():
        raise ParamsError(
            f"reference={reference} is an estimated pre-period coefficient here; pass the "
            "left-out event time (the trend is zero there)"
        )
    s = (e - reference).astype(float)
    Vpre = V[np.ix_(pre, pre)]
    sd = np.sqrt(np.diag(Vpre))
    crit = stats.norm.ppf(1 - alpha / 2)
    p0 = _pass_probability(0.0, s[pre], sd, Vpre, crit)

    def gap(g):
        return (1 - _pass_probability(g, s[pre], sd, Vpre, crit)) - power

    hi = float(np.min(sd / np.abs(s[pre])))
    while gap(hi) < 0:
        hi *= 2
    gamma = float(optimize.brentq(gap, 0.0, hi, xtol=1e-9 * hi, rtol=1e-9))
    pass_p = 1 - power
    # bias conditional on passing: E[beta | pre-test passes] − tau, under the trend
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(gamma * s, V, size=n_draws, method="eigh")
    ok = (np.abs(draws[:, pre]) <= crit * sd).all(1)
    cond = draws[ok].mean(0) if ok.any() else np.full(len(e), np.nan)
    post = ~pre
    trend = gamma * s
    bias = pd.DataFrame(
        {
            "event_time": pd.array(e.tolist() + [pd.NA], dtype="Int64"),
            "estimate": np.r_[beta, beta[post].mean()],
            "trend_bias": np.r_[trend, trend[post].mean()],
            "conditional_bias": np.r_[cond, cond[post].mean()],
        }
    )
    terms = pd.DataFrame(
        [(f"slope (power {power:.0%})", gamma)]
        + [(f"bias e={int(k)}", b) for k, b in zip(e[post], trend[post])]
        + [("bias average post", float(trend[post].mean()))],
        columns=["term", "estimate"],
    )
    for c in ("std_error", "ci_lower", "ci_upper", "p_value"):
        terms[c] = np.nan
    diags = [
        Diagnostic("not_an_estimate", "info", l10n.bilingual("estimators_event.pt_not_estimate")),
        Diagnostic(
            "pretest_size",
            "info",
            l10n.bilingual("estimators_event.pt_size", size=1 - p0, k=int(pre.sum())),
        ),
    ]
    avg_est = float(beta[post].mean())
    avg_bias = float(trend[post].mean())
    text = l10n.bilingual(
        "estimators_event.pt_text",
        k=int(pre.sum()),
        alpha=alpha,
        slope=gamma,
        power=power,
        bias=avg_bias,
        estimate=avg_est,
        ratio=avg_bias / abs(avg_est) if avg_est != 0 else float("nan"),
    )
    event = pd.DataFrame({"event_time": e, "estimate": beta, "std_error": np.sqrt(np.diag(V))})
    return PretrendPowerResult(
        method="pretrend_power",
        outcome=result.outcome,
        estimate=gamma,
        std_error=np.nan,
        ci_lower=np.nan,
        ci_upper=np.nan,
        p_value=np.nan,
        n_obs=result.n_obs,
        se_type=f"Roth (2022): pre-test = any of the {int(pre.sum())} pre-period coefficients "
        f"significant at {alpha:g} (two-sided, normal), event-study covariance of {source}; "
        f"conditional bias from {n_draws:,} seeded draws",
        terms=terms,
        text=text,
        diagnostics=tuple(diags),
        level=1 - alpha,
        title="Pre-trend power (Roth 2022)",
        power=power,
        slope=gamma,
        bias=bias,
        pass_probability=pass_p,
        reference=reference,
        _event=event,
    )
