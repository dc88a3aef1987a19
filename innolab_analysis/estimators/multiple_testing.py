"""Adjusted p-values for families of tests (many agencies, many outcomes, many event times).

* :func:`adjust_pvalues` adds Holm (family-wise error) and Benjamini–Hochberg
  (false discovery rate) adjusted p-values to any tidy table with a
  ``p_value`` column — an estimator's ``summary()``, stacked ``effect_rows`` —
  optionally within families (``by``). The adjustments are statsmodels'
  ``multipletests``; missing p-values stay missing and are not counted.
* :func:`romano_wolf` gives Romano & Wolf (2005) step-down p-values from
  bootstrap draws of the estimates, which use the dependence between the
  tests (less conservative than Holm when the estimates are correlated): on
  a provided draws matrix, or on the multiplier-bootstrap draws of a
  :func:`~innolab_analysis.estimators.staggered.staggered_did` result fitted
  with ``n_boot > 0`` (its group-time cells, regenerated from the recorded seed).
  The p-value formula is ``(#{max_j |t*_j| ≥ |t_k|} + 1) / (B + 1)`` with the
  maximum over the hypotheses not yet rejected, as Clarke, Romano & Wolf
  (2020) and pyfixest's ``rwolf``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem, check_option
from innolab_analysis.estimators._diagnostics import check_level, require_rows
from innolab_analysis.options import AdjustMethod

__all__ = ["adjust_pvalues", "romano_wolf"]


def adjust_pvalues(
    table: pd.DataFrame,
    *,
    methods: Sequence[AdjustMethod] = ("holm", "fdr_bh"),
    by: str | Sequence[str] | None = None,
    column: str = "p_value",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The table with one adjusted p-value column per method (``p_holm``, ``p_fdr_bh`` …).

    Parameters
    ----------
    table : DataFrame
        Any tidy table with a p-value column (not modified).
    methods : sequence of {"holm", "fdr_bh", "bonferroni"}
    by : str or list of str, optional
        Columns that define the families (each adjusted separately).
    column : str
        The p-value column.
    alpha : float
        Level of the ``reject_<method>`` columns that are added too.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"term": list("abcd"), "p_value": [0.01, 0.04, 0.03, 0.20]})
    >>> adjust_pvalues(t)[["p_holm", "p_fdr_bh"]].round(3).values.tolist()
    [[0.04, 0.04], [0.09, 0.053], [0.09, 0.053], [0.2, 0.2]]
    """
    from statsmodels.stats.multitest import multipletests

    if not isinstance(table, pd.DataFrame) or column not in table:
        raise DataValidationError(
            [Problem(f"adjust_pvalues expects a DataFrame with a '{column}' column", column=column)]
        )
    for m in [methods] if isinstance(methods, str) else methods:
        check_option("method", m, AdjustMethod)
    check_level(alpha, name="alpha", typical=0.05)
    require_rows(table, [column], what="adjust_pvalues", shape="one row per hypothesis")
    p = pd.to_numeric(table[column], errors="coerce").to_numpy(float)
    bad = ~np.isnan(p) & ((p < 0) | (p > 1))  # an infinite p-value is refused too
    if bad.any():
        rows = np.flatnonzero(bad)[:5]
        raise DataValidationError(
            [
                Problem(
                    "p-values must lie in [0, 1]",
                    column=column,
                    rows=tuple(int(r) + 2 for r in rows),
                    values=tuple(float(p[r]) for r in rows),
                )
            ]
        )
    out = table.copy()
    keys = [by] if isinstance(by, str) else list(by or [])
    groups = (
        [np.arange(len(out))]
        if not keys
        else [np.asarray(ix) for ix in out.groupby(keys, sort=False, dropna=False).indices.values()]
    )
    for m in [methods] if isinstance(methods, str) else methods:
        adj = np.full(len(out), np.nan)
        rej = np.zeros(len(out), dtype=bool)
        for ix in groups:
            ok = ix[np.isfinite(p[ix])]
            if len(ok):
                r, a, _, _ = multipletests(p[ok], alpha=alpha, method=m)
                adj[ok] = a
                rej[ok] = r
        out[f"p_{m}"] = adj
        out[f"reject_{m}"] = rej
    return out


def romano_wolf(
    result_or_estimates,
    draws: np.ndarray | None = None,
    *,
    std_errors: np.ndarray | None = None,
    terms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Romano–Wolf step-down adjusted p-values from bootstrap draws.

    Parameters
    ----------
    result_or_estimates : StaggeredDiDResult or array-like
        A ``staggered_did`` result fitted with ``n_boot > 0`` (its ATT(g, t)
        cells are the family), or the estimates of the family.
    draws : ndarray (B, K), optional
        Bootstrap draws of the estimates (not needed for a staggered result).
        They are centred at their mean when they are draws of the estimates; pass
        draws of the *deviation* from the estimate as they are.
    std_errors : array-like (K,), optional
        Standard errors of the t statistics (default: the draws' standard deviations).
    terms : sequence of str, optional
        Names of the hypotheses.

    Returns
    -------
    DataFrame
        ``term, estimate, std_error, t_stat, p_romano_wolf``.
    """
    from innolab_analysis.estimators.staggered import StaggeredDiDResult

    if isinstance(result_or_estimates, StaggeredDiDResult):
        est, draws, se, terms = _staggered_draws(result_or_estimates)
        centred = True
    else:
        try:
            est = np.asarray(result_or_estimates, float).ravel()
        except (TypeError, ValueError):
            raise ParamsError(
                "romano_wolf expects a staggered_did result or a sequence of estimates (numbers), "
                f"got {type(result_or_estimates).__name__}"
            ) from None
        if est.size == 0 or not np.isfinite(est).all():
            raise ParamsError(
                f"romano_wolf needs at least one estimate and every estimate finite; got {est.tolist()}"
            )
        if draws is None:
            raise ParamsError("romano_wolf needs the bootstrap draws (B × K) for plain estimates")
        draws = np.asarray(draws, float)
        if draws.ndim == 2 and not np.isfinite(draws).all():
            raise ParamsError(
                f"every bootstrap draw must be finite; {int((~np.isfinite(draws)).sum())} are "
                "missing or infinite"
            )
        if draws.ndim != 2 or draws.shape[1] != len(est) or draws.shape[0] < 2:
            raise ParamsError(
                f"draws must be a (B, {len(est)}) matrix of bootstrap draws, got shape "
                f"{np.shape(draws)}"
            )
        centred = False
        se = None if std_errors is None else np.asarray(std_errors, float).ravel()
        if se is not None and se.shape != est.shape:
            raise ParamsError(
                f"std_errors must hold one standard error per estimate ({len(est)}), got {se.size}"
            )
    dev = draws if centred else draws - draws.mean(0)
    if se is None:
        se = dev.std(0, ddof=1)
    if not (np.isfinite(se).all() and (se > 0).all()):
        raise ParamsError("every standard error must be finite and positive")
    t = est / se
    t_boot = np.abs(dev / se)
    p = _stepdown(np.abs(t), t_boot)
    names = list(terms) if terms is not None else [f"H{k + 1}" for k in range(len(est))]
    if len(names) != len(est):
        raise ParamsError(f"terms must name every estimate ({len(est)}), got {len(names)} names")
    return pd.DataFrame(
        {"term": names, "estimate": est, "std_error": se, "t_stat": t, "p_romano_wolf": p}
    )


def _stepdown(t_abs: np.ndarray, t_boot: np.ndarray) -> np.ndarray:
    B, K = t_boot.shape
    order = np.argsort(-t_abs, kind="stable")
    # running maximum over the hypotheses not yet rejected: from the least significant up
    tail_max = np.maximum.accumulate(t_boot[:, order[::-1]], axis=1)[:, ::-1]
    p_init = ((tail_max >= t_abs[order][None, :]).sum(0) + 1) / (B + 1)
    p_adj = np.maximum.accumulate(np.minimum(p_init, 1.0))
    out = np.empty(K)
    out[order] = p_adj
    return out


def _staggered_draws(res):
    """The multiplier-bootstrap draws of a staggered result's ATT(g, t) cells (regenerated)."""
    from innolab_analysis.estimators import _staggered_core as core

    fit = res._fit
    if fit is None or fit.n_boot <= 0:
        raise ParamsError(
            "romano_wolf on a staggered_did result needs its multiplier bootstrap: fit it with "
            "n_boot > 0 (e.g. n_boot=999)"
        )
    S = fit.S(fit.inf)
    rng = np.random.default_rng(fit.seed)
    draw = core.mammen if fit.boot_weights == "mammen" else core.rademacher
    out = np.empty((fit.n_boot, S.shape[1]))
    step = max(1, int(2_000_000 // max(S.shape[0], 1)))
    for s in range(0, fit.n_boot, step):
        W = draw(rng, (min(step, fit.n_boot - s), S.shape[0]))
        out[s : s + W.shape[0]] = W @ S / fit.n
    a = res.att_gt
    terms = [f"ATT({g},{t})" for g, t in zip(a["cohort"], a["time"])]
    return a["att"].to_numpy(float), out, a["std_error"].to_numpy(float), terms
