"""Canonical 2×2 difference-in-differences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._linear import (
    BootWeights,
    check_option,
    coef_table,
    factorize,
    ols,
    wild_cluster_bootstrap,
    wild_t_interval,
)
from innolab_analysis.estimators._result import EffectResult
from innolab_analysis.options import DidVcov

__all__ = ["DidResult", "DidVcov", "did"]


@dataclass(frozen=True, kw_only=True)
class DidResult(EffectResult):
    """Result of :func:`did`; adds the four cell means.

    Attributes
    ----------
    cell_means : DataFrame
        Columns ``group, post, mean, n`` (group/post 0 or 1).
    """

    cell_means: pd.DataFrame

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below

        m = self.cell_means.set_index(["group", "post"])["mean"]
        x = [0, 1]
        treated = [m[(1, 0)], m[(1, 1)]]
        control = [m[(0, 0)], m[(0, 1)]]
        counterfactual = [m[(1, 0)], m[(1, 0)] + (m[(0, 1)] - m[(0, 0)])]
        for values, style, colour, key in (
            (treated, "o-", PALETTE["treated"], "estimators_core.treated"),
            (control, "o-", PALETTE["control"], "estimators_core.control"),
            (
                counterfactual,
                "o--",
                PALETTE["counterfactual"],
                "estimators_core.did_counterfactual",
            ),
        ):
            ax.plot(x, values, style, color=colour, label=label(key, language))
        ax.annotate(
            "",
            xy=(1.04, treated[1]),
            xytext=(1.04, counterfactual[1]),
            arrowprops={"arrowstyle": "<->", "color": "black"},
        )
        ax.plot(
            [], [], color="black", marker=r"$\updownarrow$", ls="none",
            label=label("estimators_core.did_gap", language, estimate=self.estimate),
        )  # fmt: skip
        ax.set_xticks(x)
        ax.set_xticklabels(
            [label("estimators_core.before", language), label("estimators_core.after", language)]
        )
        ax.set_xlim(-0.2, 1.2)
        ax.set_ylabel(mpl_text(self.outcome))
        ax.set_title(label("estimators_core.did_title", language))
        localise_axis(ax, language, decimals=2)
        legend_below(ax, ncol=1)


def did(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    post: str,
    covariates: Sequence[str] | None = None,
    vcov: DidVcov = "hc1",
    cluster: str | None = None,
    level: float = 0.95,
    bootstrap_reps: int = 999,
    bootstrap_weights: BootWeights = "webb",
    seed: int | None = 2018,
) -> DidResult:
    """Canonical 2×2 difference-in-differences by OLS of the outcome on group, post and group×post.

    Works on pooled cross-sections (e.g. SKM survey rounds) and on panels.

    Parameters
    ----------
    data : DataFrame
        One row per observation (not modified).
    outcome : str
        Numeric outcome column.
    group : str
        0/1 column: 1 for the units that get the innovation.
    post : str
        0/1 column: 1 for observations after the innovation.
    covariates : list of str, optional
        Extra numeric regressors.
    vcov : {"iid", "hc1", "cluster", "wild"}
        ``iid`` classical; ``hc1`` heteroskedasticity-robust (default, as Stata
        ``robust``); ``cluster`` CR1 by ``cluster`` with t(G−1); ``wild`` the CR1
        standard error with the p-value of the restricted wild cluster bootstrap
        (``bootstrap_reps`` draws of ``bootstrap_weights``, seeded by ``seed``) —
        use it with few clusters.
    cluster : str, optional
        Cluster column; required for ``vcov="cluster"`` and ``"wild"``.
    level : float
        Confidence level.

    Returns
    -------
    DidResult
        Headline term ``did`` (the group×post coefficient), then ``group``,
        ``post``, ``intercept`` and the covariates; ``cell_means`` holds the four
        means.

    Raises
    ------
    DataValidationError
        An empty table or no row with every used value, missing columns, non-0/1
        ``group``/``post``, a constant outcome. Rows with a missing or infinite
        value are left out with a diagnostic saying how many.
    ParamsError
        An unknown ``vcov``, ``cluster`` given without a clustered ``vcov``, a
        ``level`` outside (0, 1).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2, 2, 3, 1, 2, 4, 6], "g": [0, 0, 0, 0, 1, 1, 1, 1],
    ...                    "p": [0, 0, 1, 1, 0, 0, 1, 1]})
    >>> round(did(df, outcome="y", group="g", post="p").estimate, 3)
    2.5
    """
    check_option("vcov", vcov, DidVcov)
    dg.check_level(level)
    if cluster is not None and vcov in ("iid", "hc1"):
        raise ParamsError(
            f"cluster={cluster!r} was given but vcov={vcov!r} ignores it; set "
            "vcov='cluster' (or 'wild') to cluster, or drop cluster"
        )
    if cluster is None and vcov in ("cluster", "wild"):
        raise ParamsError(f"vcov={vcov!r} needs cluster=<column name>; name the cluster column")
    covariates = list(covariates or [])
    dg.require_columns(
        data,
        {
            "outcome": outcome,
            "group": group,
            "post": post,
            "covariates": covariates,
            "cluster": cluster,
        },
    )
    used = [outcome, group, post, *covariates] + ([cluster] if cluster else [])
    df, dropped = dg.drop_missing(data, used, what="did", shape="one row per observation")
    dg.require_numeric(df, [outcome, *covariates])
    dg.require_binary(df, [group, post])
    y = df[outcome].to_numpy(dtype=float)
    dg.check_nonconstant(y, outcome)
    cells = (
        df.assign(_g=df[group].astype(int), _p=df[post].astype(int))
        .groupby(["_g", "_p"])[outcome]
        .agg(["mean", "size"])
        .reindex(pd.MultiIndex.from_product([[0, 1], [0, 1]]))
        .reset_index()
    )
    cells.columns = ["group", "post", "mean", "n"]
    empty = cells.loc[cells["n"].isna(), ["group", "post"]]
    if len(empty):
        raise DataValidationError(
            [
                Problem(
                    f"no observations with {group}={int(r.group)} and {post}={int(r.post)}; "
                    "a 2×2 DiD needs all four cells",
                    column=f"{group}, {post}",
                )
                for r in empty.itertuples()
            ]
        )
    cells["n"] = cells["n"].astype(int)
    g = df[group].to_numpy(dtype=float)
    p = df[post].to_numpy(dtype=float)
    names = ["did", "group", "post", "intercept", *covariates]
    X = np.column_stack(
        [g * p, g, p, np.ones(len(df))] + [df[c].to_numpy(float) for c in covariates]
    )
    clusters = factorize(df[cluster])[0] if cluster else None
    fit = ols(y, X, vcov="cluster" if vcov == "wild" else vcov, clusters=clusters, names=names)
    terms = coef_table(fit, names, level)
    n = len(df)
    if vcov == "iid":
        se_type = f"iid (classical OLS), s² = e'e/(N−K) with N = {n}, K = {fit.k_params}; t({fit.df_resid})"
    elif vcov == "hc1":
        se_type = f"HC1 heteroskedasticity-robust, factor N/(N−K) with N = {n}, K = {fit.k_params}; t({fit.df_resid})"
    else:
        se_type = (
            f"CR1 cluster-robust by {cluster}, {fit.n_clusters} clusters, small-sample factor "
            f"G/(G−1)·(N−1)/(N−K) with K = {fit.k_params}; t(G−1) reference"
        )
    diagnostics = [d for d in [dropped] if d]
    if vcov == "wild":
        pv, t_boot = wild_cluster_bootstrap(
            y,
            X,
            0,
            clusters,
            reps=bootstrap_reps,
            weights=bootstrap_weights,
            seed=seed,
            small_sample_factor=fit.n_clusters
            / (fit.n_clusters - 1)
            * (n - 1)
            / (n - fit.k_params),
        )
        terms.loc[0, "p_value"] = pv
        terms.loc[0, ["ci_lower", "ci_upper"]] = wild_t_interval(
            float(terms.loc[0, "estimate"]), float(terms.loc[0, "std_error"]), t_boot, level
        )
        se_type += (
            f"; p-value of `did` from the restricted wild cluster bootstrap "
            f"({bootstrap_reps} {bootstrap_weights} draws, seed {seed}); CI = estimate ± (bootstrap |t| quantile)·SE, so it agrees with that p-value"
        )
    if cluster:
        d = dg.few_clusters(fit.n_clusters, of_units=False)
        if d:
            diagnostics.append(d)
    text = dg.headline_text(
        terms,
        design=dg.message("estimators_core.design_did"),
        outcome=outcome,
        level=level,
        caveat=dg.message("estimators_core.caveat_did"),
    )
    return DidResult.from_terms(
        terms,
        method="did_2x2",
        outcome=outcome,
        n_obs=n,
        se_type=se_type,
        text=text,
        diagnostics=tuple(diagnostics),
        level=level,
        title="2×2 difference-in-differences",
        cell_means=cells,
    )
