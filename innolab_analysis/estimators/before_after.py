"""Before/after (pre/post) comparison of means, overall and per group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._linear import factorize, ols
from innolab_analysis.estimators._result import Diagnostic, EffectResult, t_inference

__all__ = ["BeforeAfterResult", "before_after"]


@dataclass(frozen=True, kw_only=True)
class BeforeAfterResult(EffectResult):
    """Result of :func:`before_after`.

    Attributes
    ----------
    means : DataFrame
        ``term, pre_mean, post_mean, n_pre, n_post`` per term (``overall`` first).
    """

    means: pd.DataFrame

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below

        m = self.means.reset_index(drop=True)
        y = np.arange(len(m))[::-1]
        ax.hlines(
            y, m["pre_mean"], m["post_mean"], color=PALETTE["band"], lw=3,
            label=label("estimators_core.before_after_change", language),
        )  # fmt: skip
        ax.plot(
            m["pre_mean"], y, "o", color=PALETTE["control"],
            label=label("estimators_core.before", language),
        )  # fmt: skip
        ax.plot(
            m["post_mean"], y, "o", color=PALETTE["treated"],
            label=label("estimators_core.after", language),
        )  # fmt: skip
        ax.set_yticks(y)
        ax.set_yticklabels(
            [
                label("estimators_core.overall", language)
                if term == "overall"
                else mpl_text(str(term).split("=", 1)[-1])
                for term in m["term"]
            ]
        )
        ax.set_xlabel(mpl_text(self.outcome))
        ax.set_title(label("estimators_core.before_after_title", language))
        localise_axis(ax, language, axis="x", decimals=2)
        legend_below(ax, ncol=3)


def _welch(pre: np.ndarray, post: np.ndarray) -> tuple[float, float, float]:
    v0, v1 = pre.var(ddof=1) / len(pre), post.var(ddof=1) / len(post)
    se = float(np.sqrt(v0 + v1))
    denom = v0**2 / (len(pre) - 1) + v1**2 / (len(post) - 1)
    dof = float((v0 + v1) ** 2 / denom) if denom > 0 else float("inf")
    return float(post.mean() - pre.mean()), se, dof


def before_after(
    data: pd.DataFrame,
    *,
    outcome: str,
    post: str,
    group: str | None = None,
    cluster: str | None = None,
    level: float = 0.95,
) -> BeforeAfterResult:
    """Difference of post- and pre-period means, with a confidence interval.

    There is no control group: the whole change is attributed to the innovation
    (a ``no_counterfactual`` diagnostic says so every time). Use :func:`did` or
    :func:`interrupted_time_series` when a comparison group or a long series exists.

    Parameters
    ----------
    data : DataFrame
        One row per observation (not modified).
    outcome : str
    post : str
        0/1 column: 1 after the innovation.
    group : str, optional
        Also report one difference per value of this column (e.g. per agency).
    cluster : str, optional
        Cluster column (e.g. agency for respondents); then the CI is CR1
        cluster-robust with t(G−1), otherwise Welch's unequal-variance t.
    level : float

    Returns
    -------
    BeforeAfterResult
        Term ``overall`` first (the headline), then ``<group>=<value>`` per group;
        ``means`` holds the pre/post means and counts.

    Raises
    ------
    DataValidationError
        An empty table or no row with every used value, missing columns, non-0/1
        ``post``, a constant outcome, fewer than two observations before or after.
        Rows with a missing or infinite value are left out with a diagnostic.
    ParamsError
        A ``level`` outside (0, 1).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"ikm": [70.0, 72, 71, 75, 77, 76], "post": [0, 0, 0, 1, 1, 1]})
    >>> before_after(df, outcome="ikm", post="post").estimate
    5.0
    """
    dg.check_level(level)
    dg.require_columns(data, {"outcome": outcome, "post": post, "group": group, "cluster": cluster})
    used = [outcome, post] + [c for c in (group, cluster) if c]
    df, dropped = dg.drop_missing(data, used, what="before_after", shape="one row per observation")
    dg.require_numeric(df, [outcome])
    dg.require_binary(df, [post])
    y_all = df[outcome].to_numpy(float)
    dg.check_nonconstant(y_all, outcome)
    p_all = df[post].to_numpy(float)

    subsets = [("overall", np.ones(len(df), dtype=bool))]
    if group:
        found = df[group].unique().tolist()
        try:
            found = sorted(found)
        except TypeError:  # numbers mixed with text: in the order of their text
            found = sorted(found, key=str)
        for value in found:
            subsets.append((f"{group}={value}", (df[group] == value).to_numpy()))
    problems, rows, mean_rows, n_clusters = [], [], [], None
    for name, mask in subsets:
        y, p = y_all[mask], p_all[mask]
        pre, postv = y[p == 0], y[p == 1]
        if len(pre) < 2 or len(postv) < 2:
            problems.append(
                Problem(
                    f"{name}: {len(pre)} observations before and {len(postv)} after; at least "
                    "2 of each are needed for a standard error",
                    column=post,
                )
            )
            continue
        mean_rows.append((name, pre.mean(), postv.mean(), len(pre), len(postv)))
        if cluster:
            cl, g = factorize(df.loc[mask, cluster])
            if g < 2:
                est, se, dof = float(postv.mean() - pre.mean()), float("nan"), None
            else:
                fit = ols(y, np.column_stack([p, np.ones(len(y))]), vcov="cluster", clusters=cl)
                est, se, dof = float(fit.coef[0]), float(fit.std_error[0]), fit.dof
            if name == "overall":
                n_clusters = g
        else:
            est, se, dof = _welch(pre, postv)
        lo, hi, pv = t_inference(est, se, dof, level)
        rows.append((name, est, se, lo, hi, pv))
    if problems:
        raise DataValidationError(problems)
    terms = pd.DataFrame(
        rows, columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
    )
    means = pd.DataFrame(mean_rows, columns=["term", "pre_mean", "post_mean", "n_pre", "n_post"])
    diagnostics = [d for d in [dropped, dg.no_counterfactual()] if d]
    if cluster:
        se_type = (
            f"CR1 cluster-robust by {cluster} ({n_clusters} clusters overall), factor "
            "G/(G−1)·(N−1)/(N−2); t(G−1) reference"
        )
        diagnostics += [d for d in [dg.few_clusters(n_clusters, of_units=False)] if d]
        if terms["std_error"].isna().any():
            diagnostics.append(
                Diagnostic(
                    "single_cluster_group",
                    "info",
                    dg.message("estimators_core.single_cluster_group"),
                )
            )
    else:
        se_type = "Welch unequal-variance t (Welch–Satterthwaite degrees of freedom)"
    text = dg.headline_text(
        terms,
        design=dg.message("estimators_core.design_before_after"),
        outcome=outcome,
        level=level,
        caveat=dg.message("estimators_core.caveat_before_after"),
    )
    return BeforeAfterResult.from_terms(
        terms,
        method="before_after",
        outcome=outcome,
        n_obs=len(df),
        se_type=se_type,
        text=text,
        diagnostics=tuple(diagnostics),
        level=level,
        title="Before/after",
        means=means,
    )
