"""What the estimator plots share: legends outside the data, localised number and time axes, a coefficient plot.

Every label comes from the catalog; names from the data reach a figure
through :func:`~innolab_analysis.display.mpl_text`; tick numbers are written
as the report's language writes them (:func:`~innolab_analysis.display.localise_axis`),
and calendar ticks with the language's month names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import localise_axis, mpl_text

__all__ = ["coef_plot", "label", "legend_below", "time_axis"]


def label(key: str, language: str, /, **values: Any) -> str:
    """A catalog message as plain figure text (``$`` escaped, no Markdown)."""
    return mpl_text(l10n.tr(key, language, markdown=False, **values))


def legend_below(ax, ncol: int = 2) -> None:
    """The legend under the axes, below the tick labels and the axis label: it never covers data.

    The gap is in font sizes (``borderaxespad``), so it does not grow with a tall figure; each
    further line of the axis label adds one.
    """
    xlabel = ax.get_xlabel()
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        borderaxespad=3.6 + 2.0 * xlabel.count("\n") if xlabel else 2.2,
        ncol=ncol,
        frameon=False,
        fontsize="small",
    )


def time_axis(ax, language: str, values: Any, *, axis: str = "x") -> None:
    """Ticks of a time axis: dates with the language's month names, whole periods as plain integers.

    Years are never grouped (``2019``, not ``2.019``); other numbers are
    localised; text labels (categories) are left as they are.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.date_range("2018-01-01", periods=3, freq="MS"), [1, 2, 3])
    >>> time_axis(ax, "id", pd.date_range("2018-01-01", periods=3, freq="MS"))
    >>> import matplotlib.dates as mdates
    >>> ax.xaxis.get_major_formatter()(mdates.date2num(pd.Timestamp("2018-08-01")), 0)
    'Agustus 2018'
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    v = pd.Series(np.asarray(values))
    if pd.api.types.is_datetime64_any_dtype(v):
        import matplotlib.dates as mdates

        target.set_major_locator(mdates.AutoDateLocator(maxticks=8))
        target.set_major_formatter(
            FuncFormatter(lambda x, _pos: l10n.date(mdates.num2date(x), language, style="month"))
        )
        if axis == "x":
            ax.tick_params(axis="x", labelrotation=30)
        return
    if not pd.api.types.is_numeric_dtype(v) or pd.api.types.is_bool_dtype(v):
        return  # labels (categories) are drawn as they are
    finite = v[np.isfinite(v.to_numpy(dtype=float))]
    if (finite == finite.round()).all():
        target.set_major_locator(MaxNLocator(integer=True, nbins=8))
        target.set_major_formatter(FuncFormatter(lambda x, _pos: str(int(round(x)))))
    else:
        localise_axis(ax, language, axis=axis, decimals=1)


def coef_plot(
    terms: pd.DataFrame,
    ax,
    *,
    labels: Sequence[str],
    language: str,
    level: float,
    colour: str,
) -> None:
    """Point estimates with their intervals, one row per term, labelled with ``labels`` (already display text)."""
    t = terms.reset_index(drop=True)
    y = np.arange(len(t))[::-1]
    err = np.vstack([t["estimate"] - t["ci_lower"], t["ci_upper"] - t["estimate"]])
    ax.errorbar(
        t["estimate"], y, xerr=err, fmt="o", color=colour, capsize=3,
        label=label("estimators_core.interval", language, level=level),
    )  # fmt: skip
    ax.axvline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
    ax.set_yticks(y)
    ax.set_yticklabels([mpl_text(s) for s in labels])
    ax.set_xlabel(label("estimators_core.axis_estimate", language, level=level))
    localise_axis(ax, language, axis="x", decimals=2)
    legend_below(ax)
