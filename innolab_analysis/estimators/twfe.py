"""Two-way fixed effects (unit and period) regression on a 0/1 treatment, fast."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from innolab_analysis.errors import EstimationError, ParamsError
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._linear import (
    BootWeights,
    SmallSample,
    check_option,
    coef_table,
    demean,
    factorize,
    ols,
    wild_cluster_bootstrap,
    wild_t_interval,
)
from innolab_analysis.estimators._result import Diagnostic, EffectResult
from innolab_analysis.options import DidVcov as TwfeVcov

__all__ = ["TwfeResult", "TwfeVcov", "twfe"]


@dataclass(frozen=True, kw_only=True)
class TwfeResult(EffectResult):
    """Result of :func:`twfe`.

    Attributes
    ----------
    demean_method : str
        How the fixed effects were absorbed (see :func:`~innolab_analysis.estimators._linear.demean`).
    n_units, n_periods : int
    trend : DataFrame
        Mean outcome by period for ever-treated and never-treated units (for the plot).
    """

    demean_method: str
    n_units: int
    n_periods: int
    trend: pd.DataFrame
    _panel: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    _bacon_unavailable: str = field(default="", repr=False, compare=False)

    def bacon(self):
        """Goodman-Bacon decomposition of this TWFE coefficient.

        Returns
        -------
        BaconResult

        Raises
        ------
        EstimationError
            When the panel is unbalanced, the treatment switches off, or covariates were used.
        """
        if self._panel is None:
            raise EstimationError(
                f"the Goodman-Bacon decomposition is not available for this fit: "
                f"{self._bacon_unavailable}"
            )
        from innolab_analysis.estimators.bacon import bacon_decomposition

        return bacon_decomposition(
            self._panel, outcome="y", treatment="d", unit="unit", time="time"
        )

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below, time_axis

        t = self.trend
        for col, color, key in (
            ("ever_treated", PALETTE["treated"], "estimators_core.ever_treated"),
            ("never_treated", PALETTE["control"], "estimators_core.never_treated"),
        ):
            if col in t and t[col].notna().any():
                ax.plot(t["time"], t[col], "o-", color=color, label=label(key, language), ms=3)
        ax.set_xlabel(label("estimators_core.axis_period", language))
        ax.set_ylabel(mpl_text(self.outcome))
        ax.set_title(
            label(
                "estimators_core.twfe_title", language, estimate=self.estimate,
                lower=self.ci_lower, upper=self.ci_upper, level=self.level,
            )
        )  # fmt: skip
        time_axis(ax, language, t["time"])
        localise_axis(ax, language, decimals=2)
        legend_below(ax)


def _switching_units(u: np.ndarray, t: np.ndarray, d: np.ndarray) -> int:
    """Number of units whose treatment goes from 1 back to 0."""
    key = u.astype(np.int64) * (int(t.max()) + 1) + t
    if (np.diff(key) > 0).all():
        us, ds = u, d
    else:
        order = np.argsort(key, kind="stable")
        us, ds = u[order], d[order]
    down = (np.diff(ds) < 0) & (us[1:] == us[:-1])
    return len(np.unique(us[1:][down]))


def twfe(
    data: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    covariates: Sequence[str] | None = None,
    cluster: str | None = None,
    vcov: TwfeVcov = "cluster",
    small_sample: SmallSample = "nested",
    level: float = 0.95,
    tol: float = 1e-10,
    bootstrap_reps: int = 999,
    bootstrap_weights: BootWeights = "webb",
    seed: int | None = 2018,
) -> TwfeResult:
    """Two-way fixed-effects regression ``y_it = a_i + l_t + b·D_it (+ covariates) + e_it``.

    The unit and period effects are absorbed without dummy matrices (exactly in one
    step on balanced panels, by the small normal equations of the period effect
    otherwise, by alternating projections as a fallback), so millions of rows fit
    in seconds.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period (not modified).
    outcome : str
    treatment : str
        0/1 time-varying treatment indicator.
    unit, time : str
        Panel identifiers.
    covariates : list of str, optional
    cluster : str, optional
        Cluster column; the unit by default.
    vcov : {"cluster", "hc1", "iid", "wild"}
        ``cluster`` = CR1 with t(G−1) (default); ``wild`` = CR1 standard error with
        the restricted wild cluster bootstrap p-value (for few clusters).
    small_sample : {"nested", "full", "none"}
        How the fixed effects count in K of (N−1)/(N−K) (R fixest ``fixef.K``):
        ``"nested"`` (default, as R fixest) leaves out fixed effects nested in the
        clusters — on mpdta this gives SE 0.01327, pyfixest's number; ``"full"``
        counts every dummy, as statsmodels/linearmodels with dummies (0.01482).
    level : float
    tol : float
        Convergence tolerance of the alternating projections (when used).

    Returns
    -------
    TwfeResult
        Headline term ``treatment``; ``.bacon()`` gives the Goodman-Bacon
        decomposition when the panel is balanced and treatment absorbing.

    Raises
    ------
    DataValidationError
        An empty table or no row with every used value, missing columns, a non-0/1
        treatment, duplicate unit-period rows, a constant outcome. Rows with a
        missing or infinite value are left out with a diagnostic saying how many.
    ParamsError
        An unknown option, ``cluster`` with a non-clustered ``vcov``, a ``level``
        outside (0, 1).
    EstimationError
        The treatment is collinear with the fixed effects (e.g. everyone treated at once).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"unit": np.repeat(np.arange(40), 6), "time": np.tile(np.arange(6), 40)})
    >>> df["d"] = ((df.unit < 20) & (df.time >= 3)).astype(int)
    >>> df["y"] = df.unit * 0.1 + df.time + 2.0 * df.d + rng.normal(0, 0.1, len(df))
    >>> round(twfe(df, outcome="y", treatment="d", unit="unit", time="time").estimate, 1)
    2.0
    """
    check_option("vcov", vcov, TwfeVcov)
    check_option("small_sample", small_sample, SmallSample)
    dg.check_level(level)
    if cluster is not None and vcov in ("iid", "hc1"):
        raise ParamsError(
            f"cluster={cluster!r} was given but vcov={vcov!r} ignores it; set "
            "vcov='cluster' (or 'wild') to cluster, or drop cluster"
        )
    covariates = list(covariates or [])
    dg.require_columns(
        data,
        {
            "outcome": outcome,
            "treatment": treatment,
            "unit": unit,
            "time": time,
            "covariates": covariates,
            "cluster": cluster,
        },
    )
    used = [outcome, treatment, unit, time, *covariates] + ([cluster] if cluster else [])
    df, dropped = dg.drop_missing(data, used, what="twfe", shape="one row per unit and period")
    dg.require_numeric(df, [outcome, *covariates])
    dg.require_binary(df, [treatment])
    u, n_units = factorize(df[unit])
    t, n_periods = factorize(df[time])
    if np.bincount(u * n_periods + t, minlength=n_units * n_periods).max() > 1:
        dg.require_unique(df, [unit, time])
    y = df[outcome].to_numpy(dtype=float)
    dg.check_nonconstant(y, outcome)
    d = df[treatment].to_numpy(dtype=float)
    cluster_name = cluster or unit
    clusters = u if cluster is None else factorize(df[cluster])[0]
    names = [treatment, *covariates]
    cols = [y, d] + [df[c].to_numpy(dtype=float) for c in covariates]
    dm = demean(np.column_stack(cols), [u, t], tol=tol)
    yd, Xd = dm.values[:, 0], dm.values[:, 1:]
    base_vcov = "cluster" if vcov == "wild" else vcov
    fit = ols(
        yd,
        Xd,
        vcov=base_vcov,
        clusters=clusters if base_vcov == "cluster" else None,
        fe_codes=[u, t],
        small_sample=small_sample,
        names=names,
    )
    terms = coef_table(fit, names, level)
    n = len(df)
    fe_txt = {
        "nested": "fixed effects nested in the clusters not counted in K (R fixest default)",
        "full": "every fixed-effect level counted in K (as statsmodels/linearmodels with dummies)",
        "none": "fixed effects not counted in K (pyfixest default)",
    }[small_sample]
    if base_vcov == "cluster":
        se_type = (
            f"CR1 cluster-robust by {cluster_name}, {fit.n_clusters} clusters, small-sample "
            f"factor G/(G−1)·(N−1)/(N−K) with K = {fit.k_params}, {fe_txt}; t(G−1) reference"
        )
    elif vcov == "hc1":
        se_type = f"HC1 heteroskedasticity-robust, factor N/(N−K) with K = {fit.k_params}, {fe_txt}; t({fit.df_resid})"
    else:
        se_type = f"iid (classical OLS), s² = e'e/(N−K) with K = {fit.k_params} incl. fixed effects; t({fit.df_resid})"

    diagnostics: list[Diagnostic] = [x for x in [dropped] if x]
    if vcov == "wild":
        factor = fit.n_clusters / (fit.n_clusters - 1) * (n - 1) / (n - fit.k_params)
        pv, t_boot = wild_cluster_bootstrap(
            yd,
            Xd,
            0,
            clusters,
            reps=bootstrap_reps,
            weights=bootstrap_weights,
            seed=seed,
            small_sample_factor=factor,
            fe_codes=[u, t],
        )
        terms.loc[0, "p_value"] = pv
        terms.loc[0, ["ci_lower", "ci_upper"]] = wild_t_interval(
            float(terms.loc[0, "estimate"]), float(terms.loc[0, "std_error"]), t_boot, level
        )
        se_type += (
            f"; p-value from the restricted wild cluster bootstrap ({bootstrap_reps} "
            f"{bootstrap_weights} draws, seed {seed}); CI = estimate ± (bootstrap |t| quantile)·SE, so it agrees with that p-value"
        )
    if base_vcov == "cluster":
        diagnostics += [x for x in [dg.few_clusters(fit.n_clusters, of_units=cluster is None)] if x]
    if not dm.converged:
        diagnostics.append(
            Diagnostic(
                "fe_not_converged",
                "warning",
                dg.message("estimators_core.fe_not_converged", count=dm.iterations),
            )
        )
    treated_units = np.unique(u[d == 1])
    diagnostics += [x for x in [dg.few_treated(len(treated_units))] if x]
    n_switch = _switching_units(u, t, d)
    diagnostics += [x for x in [dg.treatment_switches_off(n_switch)] if x]
    if not covariates:
        # de Chaisemartin & D'Haultfœuille (2020): TWFE weights on treated cells ∝ residual of D on FEs
        dres = Xd[:, 0][d == 1]
        w = dres / dres.sum()
        neg = w < -1e-12
        diagnostics += [
            x for x in [dg.negative_weights(int(neg.sum()), len(w), float(w[neg].sum()))] if x
        ]

    balanced = n == n_units * n_periods
    reason = ""
    if covariates:
        reason = "it decomposes the TWFE coefficient without covariates; refit without covariates"
    elif not balanced:
        reason = (
            f"the panel is unbalanced ({n} rows for {n_units} units × {n_periods} periods); "
            "it needs every unit in every period"
        )
    elif n_switch:
        reason = f"treatment switches off in {n_switch} units; it needs treatment that stays on"
    panel = None
    if not reason:
        panel = pd.DataFrame(
            {"y": y, "d": d, "unit": df[unit].to_numpy(), "time": df[time].to_numpy()}
        )

    ever = np.zeros(n_units, dtype=bool)
    ever[treated_units] = True
    cell = t * 2 + ever[u]
    sums = np.bincount(cell, weights=y, minlength=2 * n_periods).reshape(n_periods, 2)
    cnts = np.bincount(cell, minlength=2 * n_periods).reshape(n_periods, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(cnts > 0, sums / np.maximum(cnts, 1), np.nan)
    trend = pd.DataFrame(
        {
            "time": np.sort(df[time].unique()),
            "ever_treated": means[:, 1],
            "never_treated": means[:, 0],
        }
    )
    text = dg.headline_text(
        terms,
        design=dg.message("estimators_core.design_twfe"),
        outcome=outcome,
        level=level,
        caveat=dg.message("estimators_core.caveat_twfe"),
    )
    return TwfeResult.from_terms(
        terms,
        method="twfe",
        outcome=outcome,
        n_obs=n,
        se_type=se_type,
        text=text,
        diagnostics=tuple(diagnostics),
        level=level,
        title="Two-way fixed effects",
        demean_method=dm.method,
        n_units=n_units,
        n_periods=n_periods,
        trend=trend,
        _panel=panel,
        _bacon_unavailable=reason,
    )
