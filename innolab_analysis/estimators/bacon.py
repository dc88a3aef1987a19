"""Goodman-Bacon (2021) decomposition of the TWFE coefficient into 2×2 comparisons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._linear import factorize
from innolab_analysis.estimators._result import Diagnostic, EffectResult

__all__ = ["COMPARISON_TYPES", "BaconResult", "bacon_decomposition"]

COMPARISON_TYPES = (
    "treated vs never treated",
    "earlier vs later treated",
    "later vs earlier treated",
)
"""The three kinds of 2×2 comparisons; the last uses already-treated units as controls."""


@dataclass(frozen=True, kw_only=True)
class BaconResult(EffectResult):
    """Result of :func:`bacon_decomposition`.

    Attributes
    ----------
    comparisons : DataFrame
        One row per 2×2 comparison: ``type`` (one of :data:`COMPARISON_TYPES`),
        ``treated_cohort``, ``control_cohort`` (the period at which each group is
        first treated; ``"never"`` for never treated), ``weight`` (sums to 1) and
        ``estimate``. ``sum(weight * estimate)`` equals the TWFE coefficient.
    by_type : DataFrame
        Total weight and weighted average estimate per type.
    forbidden_weight : float
        Total weight on "later vs earlier treated" comparisons.
    """

    comparisons: pd.DataFrame
    by_type: pd.DataFrame
    forbidden_weight: float

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis
        from innolab_analysis.estimators._figures import label, legend_below

        colours = [PALETTE["control"], PALETTE["staggered"], PALETTE["treated"]]
        for kind, colour, key in zip(COMPARISON_TYPES, colours, _TYPE_KEYS):
            sub = self.comparisons[self.comparisons["type"] == kind]
            if len(sub):
                ax.scatter(
                    sub["weight"], sub["estimate"], color=colour, s=40,
                    label=label(f"estimators_core.{key}", language),
                )  # fmt: skip
        ax.axhline(
            self.estimate, color="black", lw=0.8, ls="--",
            label=label("estimators_core.bacon_twfe_line", language, estimate=self.estimate),
        )  # fmt: skip
        ax.set_xlabel(label("estimators_core.bacon_axis_weight", language))
        ax.set_ylabel(label("estimators_core.bacon_axis_estimate", language))
        ax.set_title(label("estimators_core.bacon_title", language))
        localise_axis(ax, language, axis="x", decimals=2)
        localise_axis(ax, language, axis="y", decimals=2)
        legend_below(ax)


_TYPE_KEYS = (
    "bacon_type_treated_vs_never",
    "bacon_type_earlier_vs_later",
    "bacon_type_later_vs_earlier",
)
"""Catalog keys of the display names of :data:`COMPARISON_TYPES`, in order."""


def bacon_decomposition(
    data: pd.DataFrame, *, outcome: str, treatment: str, unit: str, time: str
) -> BaconResult:
    """Split the TWFE coefficient into the 2×2 DiD comparisons it averages.

    Goodman-Bacon (2021, J. Econometrics 225(2), eq. 10a–c): with staggered,
    absorbing adoption on a balanced panel, the TWFE coefficient is a weighted
    average of (i) each timing group against the never treated, (ii) earlier- against
    later-treated groups before the later ones start, and (iii) later- against
    earlier-treated groups after the earlier ones started — the "forbidden"
    comparison that uses already-treated units as controls. Units treated from the
    first period are a timing group of their own.

    Parameters
    ----------
    data : DataFrame
        Balanced long panel (not modified).
    outcome, treatment, unit, time : str
        Columns; ``treatment`` is 0/1 and must stay 1 once it is 1.

    Returns
    -------
    BaconResult
        ``estimate`` is the TWFE coefficient (the weighted sum of the comparisons);
        its standard error is the CR1 one of :func:`twfe` clustered by unit.

    Raises
    ------
    DataValidationError
        An empty table, missing columns, missing or infinite values, non-0/1
        treatment, duplicate rows, an unbalanced panel, or a treatment that
        switches off.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"unit": np.repeat(np.arange(30), 6), "time": np.tile(np.arange(6), 30)})
    >>> df["d"] = (df.time >= np.where(df.unit < 10, 2, np.where(df.unit < 20, 4, 99))).astype(int)
    >>> df["y"] = 0.5 * df.unit + df.time + df.d * (1 + df.time) + np.sin(df.unit * df.time)
    >>> res = bacon_decomposition(df, outcome="y", treatment="d", unit="unit", time="time")
    >>> round(float(res.comparisons.weight.sum()), 6)
    1.0
    """
    dg.require_columns(
        data, {"outcome": outcome, "treatment": treatment, "unit": unit, "time": time}
    )
    cols = [outcome, treatment, unit, time]
    dg.require_rows(
        data,
        cols,
        what="bacon_decomposition",
        shape="a balanced panel, one row per unit and period",
    )
    dg.require_finite(
        data, cols, what="the Goodman-Bacon decomposition", need="a complete balanced panel"
    )
    df = data.loc[:, cols]
    dg.require_numeric(df, [outcome])
    dg.require_binary(df, [treatment])
    dg.require_unique(df, [unit, time])
    u, n_units = factorize(df[unit])
    t, n_periods = factorize(df[time])
    if len(df) != n_units * n_periods:
        raise DataValidationError(
            [
                Problem(
                    f"the panel is unbalanced: {len(df)} rows for {n_units} units × {n_periods} periods "
                    f"= {n_units * n_periods}; the Goodman-Bacon decomposition needs every unit in "
                    "every period (use twfe() or staggered_did() for unbalanced panels)",
                    column=f"{unit}, {time}",
                )
            ]
        )
    y = df[outcome].to_numpy(float)
    dg.check_nonconstant(y, outcome)
    Y = np.empty((n_units, n_periods))
    D = np.empty((n_units, n_periods))
    Y[u, t] = y
    D[u, t] = df[treatment].to_numpy(float)
    switching = np.flatnonzero((np.diff(D, axis=1) < 0).any(axis=1))
    if len(switching):
        labels = pd.Series(df[unit].to_numpy()[np.argsort(u, kind="stable")]).unique()
        shown = tuple(labels[switching[:5]].tolist())
        raise DataValidationError(
            [
                Problem(
                    f"treatment goes from 1 back to 0 in {len(switching)} units (e.g. {shown}); the "
                    "Goodman-Bacon decomposition needs treatment that stays on once it starts — "
                    "code the first adoption as permanent or drop those units",
                    column=treatment,
                )
            ]
        )
    first = np.where(D.any(axis=1), D.argmax(axis=1), n_periods)  # n_periods = never
    periods = np.sort(df[time].unique())
    timings, counts = np.unique(first, return_counts=True)
    share = dict(zip(timings.tolist(), (counts / n_units).tolist()))
    means = {k: Y[first == k].mean(axis=0) for k in timings.tolist()}
    T = n_periods

    def dbar(k: int) -> float:
        return (T - k) / T

    def label(k: int):
        return (
            "never" if k == T else periods[k].item() if hasattr(periods[k], "item") else periods[k]
        )

    def diff(k: int, pre: slice, post: slice, c: int) -> float:
        mk, mc = means[k], means[c]
        return (mk[post].mean() - mk[pre].mean()) - (mc[post].mean() - mc[pre].mean())

    rows = []
    treated = [k for k in timings.tolist() if k < T]
    if T in share:
        for k in treated:
            if k == 0:
                continue
            nk, nu = share[k], share[T]
            nku = nk / (nk + nu)
            w = (nk + nu) ** 2 * nku * (1 - nku) * dbar(k) * (1 - dbar(k))
            rows.append(
                (COMPARISON_TYPES[0], label(k), "never", w, diff(k, slice(0, k), slice(k, T), T))
            )
    for i, k in enumerate(treated):
        for ell in treated[i + 1 :]:
            nk, nl = share[k], share[ell]
            nkl = nk / (nk + nl)
            dk, dl = dbar(k), dbar(ell)
            if k > 0:  # earlier k vs later ell, window before ell starts
                w = (
                    ((nk + nl) * (1 - dl)) ** 2
                    * nkl
                    * (1 - nkl)
                    * ((dk - dl) / (1 - dl))
                    * ((1 - dk) / (1 - dl))
                )
                rows.append(
                    (
                        COMPARISON_TYPES[1],
                        label(k),
                        label(ell),
                        w,
                        diff(k, slice(0, k), slice(k, ell), ell),
                    )
                )
            # later ell vs already-treated k, window from k on
            w = ((nk + nl) * dk) ** 2 * nkl * (1 - nkl) * (dl / dk) * ((dk - dl) / dk)
            rows.append(
                (
                    COMPARISON_TYPES[2],
                    label(ell),
                    label(k),
                    w,
                    diff(ell, slice(k, ell), slice(ell, T), k),
                )
            )
    if not rows:
        raise DataValidationError(
            [
                Problem(
                    "there is no 2×2 comparison to make: the data need at least one treated timing "
                    "group and either never-treated units or a second timing group",
                    column=treatment,
                )
            ]
        )
    comp = pd.DataFrame(
        rows, columns=["type", "treated_cohort", "control_cohort", "weight", "estimate"]
    )
    comp["weight"] = comp["weight"] / comp["weight"].sum()
    estimate = float((comp["weight"] * comp["estimate"]).sum())
    by_type = (
        comp.assign(we=comp["weight"] * comp["estimate"])
        .groupby("type", sort=False)
        .agg(weight=("weight", "sum"), we=("we", "sum"), n=("weight", "size"))
        .reset_index()
    )
    by_type["estimate"] = by_type["we"] / by_type["weight"]
    by_type = by_type.loc[:, ["type", "n", "weight", "estimate"]]
    forbidden = float(comp.loc[comp["type"] == COMPARISON_TYPES[2], "weight"].sum())

    from innolab_analysis.estimators.twfe import twfe

    tw = twfe(
        pd.DataFrame({"y": y, "d": D[u, t], "unit": u, "time": t}),
        outcome="y",
        treatment="d",
        unit="unit",
        time="time",
    )
    terms = pd.DataFrame(
        [("twfe", estimate, tw.std_error, tw.ci_lower, tw.ci_upper, tw.p_value)]
        + [(f"{r.type}", r.estimate, np.nan, np.nan, np.nan, np.nan) for r in by_type.itertuples()],
        columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"],
    )
    diagnostics = [d for d in [dg.forbidden_comparisons(forbidden)] if d]
    diagnostics.append(
        Diagnostic(
            "decomposition_rows_without_se",
            "info",
            dg.message("estimators_core.decomposition_rows_without_se"),
        )
    )
    text = dg.message(
        "estimators_core.bacon_text", estimate=estimate, count=len(comp), share=forbidden
    )
    return BaconResult(
        method="bacon_decomposition",
        outcome=outcome,
        estimate=estimate,
        std_error=tw.std_error,
        ci_lower=tw.ci_lower,
        ci_upper=tw.ci_upper,
        p_value=tw.p_value,
        n_obs=len(df),
        se_type=tw.se_type.replace(" by unit,", f" by {unit},"),
        terms=terms,
        text=text,
        diagnostics=tuple(diagnostics),
        title="Goodman-Bacon decomposition",
        comparisons=comp,
        by_type=by_type,
        forbidden_weight=forbidden,
    )
