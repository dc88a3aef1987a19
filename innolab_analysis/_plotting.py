"""Private plotting helpers shared by metrics and estimators.

Axes-level contract (as seaborn): take ``ax=None``, create a figure only when
none is given, return the Axes, never call ``plt.show()``; styling is scoped
with :func:`plot_style`, never set globally at import.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

PALETTE = {
    "treated": "#c0392b",
    "control": "#2c7fb8",
    "counterfactual": "#7f8c8d",
    "band": "#bdc3c7",
    "staggered": "#1b7837",
    "twfe": "#762a83",
}


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """Scope the house style to one plotting call."""
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", font_scale=0.9):
        yield


def axes_or_new(ax=None, *, figsize: tuple[float, float] = (7.0, 4.0)):
    """Return ``ax`` or a new Axes on a new figure."""
    if ax is not None:
        return ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def coef_plot(terms: pd.DataFrame, ax=None, *, label_col: str = "term"):
    """Point estimates with confidence intervals, one row per term."""
    ax = axes_or_new(ax)
    t = terms.reset_index(drop=True)
    y = np.arange(len(t))[::-1]
    err = np.vstack([t["estimate"] - t["ci_lower"], t["ci_upper"] - t["estimate"]])
    ax.errorbar(t["estimate"], y, xerr=err, fmt="o", color=PALETTE["treated"], capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(t[label_col].astype(str))
    ax.set_xlabel("estimate")
    return ax
