"""Event study: dynamic effects from the staggered estimator and from TWFE leads/lags, side by side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis.errors import DataValidationError, ParamsError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._linear import SmallSample, check_option, demean, factorize, ols
from innolab_analysis.estimators._result import Diagnostic, EffectResult, t_inference

__all__ = ["EventStudyResult", "event_study"]

_COLS = [
    "term",
    "estimator",
    "event_time",
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "p_value",
]


@dataclass(frozen=True, kw_only=True)
class EventStudyResult(EffectResult):
    """Result of :func:`event_study`.

    Attributes
    ----------
    dynamic : DataFrame
        One row per estimator and event time: ``estimator`` ("staggered" or
        "twfe"), ``event_time``, ``term``, ``estimate``, ``std_error``,
        ``ci_lower``, ``ci_upper``, ``p_value``. The reference period is not a row
        (it is 0 by construction for TWFE).
    pretrend_wald : float
        Wald statistic F of the TWFE leads (all zero under parallel pre-trends).
    pretrend_p_value : float
        Its p-value from F(q, G − 1) (NaN when there are no leads, with a diagnostic).
    reference : int
    vcov_by_estimator : dict of str to DataFrame
        Covariance of each estimator's event-time coefficients (``"staggered"``:
        influence functions; ``"twfe"``: its CR1 matrix), labelled ``e=K``.
    """

    dynamic: pd.DataFrame
    pretrend_wald: float
    pretrend_p_value: float
    reference: int
    vcov_by_estimator: dict[str, pd.DataFrame] = field(default_factory=dict)

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below

        offsets = {"staggered": -0.1, "twfe": 0.1}
        for est, sub in self.dynamic.groupby("estimator", sort=False):
            x = sub["event_time"].to_numpy(float) + offsets[est]
            err = np.vstack([sub["estimate"] - sub["ci_lower"], sub["ci_upper"] - sub["estimate"]])
            ax.errorbar(
                x, sub["estimate"], yerr=err, fmt="o", capsize=3, color=PALETTE[est],
                label=label(f"estimators_core.estimator_{est}", language),
            )  # fmt: skip
        ax.plot(
            [self.reference + offsets["twfe"]], [0.0], "o", mfc="white", color=PALETTE["twfe"],
            label=label("estimators_core.event_reference", language),
        )  # fmt: skip
        ax.axvline(
            -0.5, color="black", lw=0.8, ls="--",
            label=label("estimators_core.adoption_line", language),
        )  # fmt: skip
        ax.axhline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
        ax.set_xlabel(label("estimators_core.event_axis_time", language))
        ax.set_ylabel(mpl_text(self.outcome))
        ax.set_title(label("estimators_core.event_title", language))
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        localise_axis(ax, language, axis="x", decimals=0)
        localise_axis(ax, language, decimals=2)
        legend_below(ax)


def _event_times(df: pd.DataFrame, time: str, cohort: str) -> tuple[np.ndarray, np.ndarray]:
    """Event time per row (NaN for never treated) and the never-treated mask."""
    t = df[time]
    g = df[cohort]
    times = np.sort(t.unique())
    numeric = pd.api.types.is_numeric_dtype(t) and pd.api.types.is_numeric_dtype(g)
    never = g.isna().to_numpy() | (np.isinf(g.to_numpy(float)) if numeric else False)
    if numeric and 0 not in set(times.tolist()):
        never |= (g == 0).to_numpy()
    treated_g = g[~never]
    bad = sorted(set(treated_g.unique().tolist()) - set(times.tolist()))
    if bad:
        raise DataValidationError(
            [
                Problem(
                    f"cohort values {bad} are not periods of '{time}'; the cohort is the first treated "
                    "period (0 or missing for never treated)",
                    column=cohort,
                    allowed=f"values of {time} ({times[0]} … {times[-1]}), 0 or missing",
                )
            ]
        )
    e = np.full(len(df), np.nan)
    if numeric:
        e[~never] = (t.to_numpy(float) - g.to_numpy(float))[~never]
    else:
        pos = {v: i for i, v in enumerate(times.tolist())}
        e[~never] = [pos[a] - pos[b] for a, b in zip(t[~never].tolist(), treated_g.tolist())]
    return e, never


def event_study(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    leads: int = 3,
    lags: int = 3,
    reference: int = -1,
    bin_endpoints: bool = True,
    cluster: str | None = None,
    staggered_kwargs: dict[str, Any] | None = None,
    small_sample: SmallSample = "nested",
    level: float = 0.95,
) -> EventStudyResult:
    """Dynamic effects by event time from two estimators, in one tidy table.

    (a) The staggered Callaway–Sant'Anna estimator
    (:func:`~innolab_analysis.estimators.staggered.staggered_did`, never-treated
    controls unless ``staggered_kwargs`` says otherwise) aggregated by event time;
    (b) a TWFE regression on unit and period effects with event-time dummies
    ``-leads … lags`` (reference period ``reference`` left out; with
    ``bin_endpoints`` the event times beyond the window are binned into the end
    dummies). Under heterogeneous effects (b) uses already-treated units as
    controls and can be biased; a diagnostic says when the two disagree.

    Parameters
    ----------
    data : DataFrame
        Long panel (not modified).
    outcome, unit, time : str
    cohort : str
        First treated period of the unit; 0 (when 0 is not a period) or missing for never treated.
    leads, lags : int
        Window of event times ``-leads … lags``.
    reference : int
        Left-out event time of the TWFE regression (−1 = the period before adoption).
    bin_endpoints : bool
        Bin event times outside the window into the end points (else they join the reference).
    cluster : str, optional
        Cluster column of the TWFE regression (default: unit).
    staggered_kwargs : dict, optional
        Extra keyword arguments for ``staggered_did`` (e.g. ``control_group``).
    small_sample : {"nested", "full", "none"}
        K convention of the TWFE CR1 standard errors (see :func:`twfe`).
    level : float

    Returns
    -------
    EventStudyResult
        Headline: the staggered estimator's average post-period effect (its
        ``aggregate("dynamic")`` overall). ``terms`` starts with it, then the TWFE
        average of the post event times, then every event-time coefficient
        (``term`` = ``"staggered: e=0"`` …; columns ``estimator``, ``event_time``).

    Raises
    ------
    DataValidationError
        Missing columns, duplicate unit-period rows, cohorts that are not periods,
        a cohort that changes within a unit, a constant outcome.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"unit": np.repeat(np.arange(60), 8), "time": np.tile(np.arange(1, 9), 60)})
    >>> df["cohort"] = np.where(df.unit < 20, 4, np.where(df.unit < 40, 6, 0))
    >>> df["y"] = df.unit * 0.1 + 2.0 * ((df.cohort > 0) & (df.time >= df.cohort)) + rng.normal(0, 1, len(df))
    >>> res = event_study(df, outcome="y", unit="unit", time="time", cohort="cohort", leads=2, lags=2)
    >>> sorted(res.dynamic.estimator.unique())
    ['staggered', 'twfe']
    """
    check_option("small_sample", small_sample, SmallSample)
    dg.check_level(level)
    if leads < 1 or lags < 0:
        raise ParamsError(
            f"leads must be ≥ 1 and lags ≥ 0, got leads={leads}, lags={lags}; leads=1 means "
            "only the reference period −1 before adoption"
        )
    if not (-leads <= reference <= -1):
        raise ParamsError(
            f"reference must be a pre-period event time between {-leads} and -1, got {reference}"
        )
    dg.require_columns(
        data, {"outcome": outcome, "unit": unit, "time": time, "cohort": cohort, "cluster": cluster}
    )
    used = [outcome, unit, time] + ([cluster] if cluster else [])
    df, dropped = dg.drop_missing(
        data, used, what="event_study", shape="one row per unit and period", carry=[cohort]
    )
    dg.require_numeric(df, [outcome])
    dg.require_unique(df, [unit, time])
    changing = df.groupby(unit)[cohort].nunique(dropna=False) > 1
    if changing.any():
        raise DataValidationError(
            [
                Problem(
                    f"the cohort changes within {int(changing.sum())} units (e.g. "
                    f"{changing[changing].index[:5].tolist()}); give each unit one first-treated period",
                    column=cohort,
                )
            ]
        )
    y = df[outcome].to_numpy(float)
    dg.check_nonconstant(y, outcome)
    e, never = _event_times(df, time, cohort)
    u, n_units = factorize(df[unit])
    t, _ = factorize(df[time])
    lo, hi = -leads, lags
    e_b = np.clip(e, lo, hi) if bin_endpoints else np.where((e >= lo) & (e <= hi), e, np.nan)
    present = sorted({int(v) for v in e_b[~np.isnan(e_b)]} - {reference})
    if not present:
        raise DataValidationError(
            [
                Problem(
                    "no treated observation falls in the event window; check cohort, leads and lags",
                    column=cohort,
                )
            ]
        )
    X = np.column_stack([(e_b == k).astype(float) for k in present])
    names = [f"twfe: e={k}" for k in present]
    dm = demean(np.column_stack([y, X]), [u, t])
    clusters = u if cluster is None else factorize(df[cluster])[0]
    fit = ols(
        dm.values[:, 0],
        dm.values[:, 1:],
        vcov="cluster",
        clusters=clusters,
        fe_codes=[u, t],
        small_sample=small_sample,
        names=names,
    )
    se = fit.std_error
    twfe_rows = []
    for j, k in enumerate(present):
        ci_l, ci_u, pv = t_inference(float(fit.coef[j]), float(se[j]), fit.dof, level)
        twfe_rows.append((names[j], "twfe", k, float(fit.coef[j]), float(se[j]), ci_l, ci_u, pv))
    e_names = [f"e={k}" for k in present]
    vcovs = {"twfe": pd.DataFrame(fit.vcov, index=e_names, columns=e_names)}
    cluster_name = cluster or unit
    diagnostics: list[Diagnostic] = [d for d in [dropped] if d]
    diagnostics += [d for d in [dg.few_clusters(fit.n_clusters, of_units=cluster is None)] if d]

    lead_idx = [j for j, k in enumerate(present) if k < 0]
    if lead_idx:
        b = fit.coef[lead_idx]
        V = fit.vcov[np.ix_(lead_idx, lead_idx)]
        q = len(lead_idx)
        wald = float(b @ np.linalg.solve(V, b) / q)
        wald_p = float(stats.f.sf(wald, q, fit.n_clusters - 1))
        diagnostics += [d for d in [dg.pretrend_rejected(wald_p, q)] if d]
    else:
        wald, wald_p = float("nan"), float("nan")
        diagnostics.append(
            Diagnostic(
                "no_pretrend_test",
                "info",
                dg.message("estimators_core.no_pretrend_test"),
            )
        )
    diagnostics += [
        d
        for d in [
            dg.few_pre_periods(
                int(np.nanmax(-e[e < 0])) if (e < 0).any() else 0,
                threshold=3,
                event_times=True,
            )
        ]
        if d
    ]

    post_idx = [j for j, k in enumerate(present) if k >= 0]
    a = np.zeros(len(present))
    a[post_idx] = 1 / len(post_idx)
    twfe_avg = float(a @ fit.coef)
    twfe_avg_se = float(np.sqrt(a @ fit.vcov @ a))
    tl, tu, tp = t_inference(twfe_avg, twfe_avg_se, fit.dof, level)
    twfe_se_type = (
        f"TWFE: CR1 by {cluster_name}, {fit.n_clusters} clusters, G/(G−1)·(N−1)/(N−K) with "
        f"K = {fit.k_params} ({small_sample} fixed-effect count), t(G−1)"
    )

    # ---- staggered estimator
    from innolab_analysis.estimators.staggered import staggered_did

    kwargs = {"control_group": "never_treated", **(staggered_kwargs or {})}
    if cluster is not None:
        kwargs.setdefault("cluster", cluster)
    kwargs.setdefault("level", level)
    sd = staggered_did(data, outcome=outcome, unit=unit, time=time, cohort=cohort, **kwargs)
    agg = sd.aggregate("dynamic", min_e=-leads, max_e=lags)
    vcovs["staggered"] = agg.vcov
    stag_rows = [
        (
            f"staggered: e={int(r.event_time)}",
            "staggered",
            int(r.event_time),
            r.estimate,
            r.std_error,
            r.ci_lower,
            r.ci_upper,
            r.p_value,
        )
        for r in agg.terms.itertuples()
    ]
    head = (
        "staggered: average post",
        "staggered",
        pd.NA,
        agg.estimate,
        agg.std_error,
        agg.ci_lower,
        agg.ci_upper,
        agg.p_value,
    )
    se_type = f"staggered: {agg.se_type}; {twfe_se_type}"
    diagnostics += [d for d in agg.diagnostics if d.code not in {x.code for x in diagnostics}]

    dynamic = pd.DataFrame(stag_rows + twfe_rows, columns=_COLS)
    dynamic["event_time"] = dynamic["event_time"].astype(int)
    avg_rows = [head, ("twfe: average post", "twfe", pd.NA, twfe_avg, twfe_avg_se, tl, tu, tp)]
    terms = pd.concat([pd.DataFrame(avg_rows, columns=_COLS), dynamic], ignore_index=True)
    terms["event_time"] = terms["event_time"].astype("Int64")

    s = dynamic[dynamic.estimator == "staggered"].set_index("event_time")
    w = dynamic[dynamic.estimator == "twfe"].set_index("event_time")
    disagree = []
    for k in sorted(set(s.index) & set(w.index)):
        if k < 0:
            continue
        a_, b_ = s.loc[k], w.loc[k]
        apart = a_.ci_upper < b_.ci_lower or b_.ci_upper < a_.ci_lower
        sig = (a_.ci_lower > 0 or a_.ci_upper < 0) or (b_.ci_lower > 0 or b_.ci_upper < 0)
        flip = np.sign(a_.estimate) != np.sign(b_.estimate) and sig
        if apart or flip:
            disagree.append(int(k))
    diagnostics += [d for d in [dg.estimators_disagree(disagree)] if d]

    est, se_h, lo_h, hi_h, p_h = (float(head[i]) for i in range(3, 8))
    caveat = dg.sentences(
        dg.message("estimators_core.caveat_event_study", twfe=twfe_avg),
        dg.message("estimators_core.event_wald", p=wald_p) if np.isfinite(wald_p) else None,
    )
    text = dg.plain_effect(
        design=dg.message(
            "estimators_core.design_event_study",
            estimator=dg.message("estimators_core.estimator_staggered"),
        ),
        outcome=outcome,
        estimate=est,
        ci_lower=lo_h,
        ci_upper=hi_h,
        p_value=p_h,
        level=level,
        caveat=caveat,
    )
    return EventStudyResult(
        method="event_study",
        outcome=outcome,
        estimate=est,
        std_error=se_h,
        ci_lower=lo_h,
        ci_upper=hi_h,
        p_value=p_h,
        n_obs=len(df),
        se_type=se_type,
        terms=terms,
        text=text,
        diagnostics=tuple(diagnostics),
        level=level,
        title="Event study",
        dynamic=dynamic,
        pretrend_wald=wald,
        pretrend_p_value=wald_p,
        reference=reference,
        vcov_by_estimator=vcovs,
    )
