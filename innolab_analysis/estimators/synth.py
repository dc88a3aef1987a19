"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010).

One treated unit, a pool of untreated donor units, long panel data. The
synthetic control is the convex combination of donors (non-negative weights
summing to one) that best reproduces the treated unit before the
intervention; the effect is the gap between the treated unit and its
synthetic control afterwards.

* **Weights.** Without ``predictors`` the weights match the pre-period
  outcomes directly. With ``predictors`` the nested optimisation of
  Abadie-Diamond-Hainmueller / R ``Synth`` chooses the predictor importance
  ``V`` (diagonal) that minimises the pre-period outcome MSPE of the weights
  ``W*(V)`` that best match the (standardised) predictors. See
  :mod:`innolab_analysis.estimators._synth_fit` for the search.
* **Inference.** There is no analytic standard error: ``std_error`` is NaN.
  The p-value is the in-space placebo (permutation) p-value of ADH 2010
  (Figure 8): every donor is in turn treated as if it had received the
  intervention (with the other donors, not the treated unit, as its donor
  pool); with ``R_j`` the ratio of post- to pre-intervention RMSPE,
  ``p = (1 + #{placebos with R_j >= R_treated}) / (1 + n_placebos)``.
  Placebos whose pre-period MSPE exceeds ``placebo_mspe_cutoff`` times the
  treated unit's can be left out (ADH 2010 Figures 5-7 use 20, 5 and 2).
  The confidence interval inverts that test under a constant-effect null
  (Firpo & Possebom 2018): it is the set of constant effects ``c`` for which
  the test of "the effect is ``c`` in every post period" has ``p > 1 - level``.
  With the treated unit excluded from the placebo donor pools the placebo
  statistics do not depend on ``c``, so the set is the interval
  ``estimate ± sqrt(R*^2 pre_rmspe^2 - var(post gap))`` where ``R*`` is the
  placebo ratio of the right rank. With fewer than ``1/(1 - level) - 1``
  placebos no effect can be rejected and the interval is infinite.
* **Robustness.** An in-time placebo (a fake intervention inside the
  pre-period, fitted on the periods before it) and leave-one-out refits
  (each donor with positive weight dropped in turn).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, EstimationError, ParamsError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._result import Diagnostic, EffectResult
from innolab_analysis.estimators._synth_fit import fit_weights
from innolab_analysis.options import (
    ConformalPermutation,
    Language,
    MissingPolicy,
    PredictorOp,
    SynthInference,
)
from innolab_analysis.options import SynthPlotKind as PlotKind

__all__ = [
    "MissingPolicy",
    "PlaceboInTime",
    "PlotKind",
    "Predictor",
    "PredictorOp",
    "SyntheticControlResult",
    "synthetic_control",
]


POSITIVE_WEIGHT = 1e-3
"""Donors with a weight above this take part in the leave-one-out refits."""


# ----------------------------------------------------------------------------- predictors
@dataclass(frozen=True)
class Predictor:
    """One predictor: a column summarised over some pre-intervention periods.

    Parameters
    ----------
    column : str
        Column of the data.
    periods : sequence, optional
        The periods to summarise; ``None`` means every pre-intervention period.
        A single period gives a "special predictor" such as ``cigsale`` in 1975.
    op : {"mean", "median"}
        Summary over the periods (missing values are skipped, as ``Synth`` does).
    name : str, optional
        Label in the balance table; built from the column and periods when None.
    """

    column: str
    periods: tuple | None = None
    op: PredictorOp = "mean"
    name: str | None = None

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.periods is None:
            return f"{self.column} ({self.op})"
        if len(self.periods) == 1:
            return f"{self.column} ({self.periods[0]})"
        return f"{self.column} ({self.op} {self.periods[0]}-{self.periods[-1]})"


def _as_predictor(spec: Any, name: str | None = None) -> Predictor:
    if isinstance(spec, Predictor):
        return spec if name is None else Predictor(spec.column, spec.periods, spec.op, name)
    if isinstance(spec, str):
        return Predictor(spec, None, "mean", name)
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"column", "periods", "op", "name"}
        if unknown or "column" not in spec:
            raise ParamsError(
                f"a predictor given as a dict needs the key 'column' and may have 'periods', "
                f"'op', 'name'; got keys {sorted(map(str, spec))}"
            )
        return _as_predictor(
            (spec["column"], spec.get("periods"), spec.get("op", "mean")),
            spec.get("name", name),
        )
    if isinstance(spec, tuple) and 1 <= len(spec) <= 3:
        column = spec[0]
        periods = spec[1] if len(spec) > 1 else None
        op = spec[2] if len(spec) > 2 else "mean"
        if op not in get_args(PredictorOp):
            raise ParamsError(
                f"predictor op must be one of {get_args(PredictorOp)}, got {op!r} "
                f"(predictor {column!r})"
            )
        if periods is not None:
            if isinstance(periods, (str, bytes)) or not isinstance(periods, (Sequence, range)):
                periods = (periods,)
            periods = tuple(periods)
        return Predictor(str(column), periods, op, name)
    raise ParamsError(
        "each predictor must be a column name, a (column, periods, op) tuple, a dict with "
        f"'column'/'periods'/'op' or a Predictor; got {spec!r}"
    )


def _parse_predictors(predictors: Any) -> list[Predictor] | None:
    if predictors is None:
        return None
    if isinstance(predictors, (str, Predictor, tuple)):
        predictors = [predictors]
    if isinstance(predictors, Mapping):
        specs = [_as_predictor(v, str(k)) for k, v in predictors.items()]
    else:
        specs = [_as_predictor(p) for p in predictors]
    if not specs:
        raise ParamsError("predictors is empty; pass None to match on pre-period outcomes")
    labels = [p.label for p in specs]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise ParamsError(f"predictor labels must be unique; repeated: {dup}. Give each a name")
    return specs


def _predictor_matrix(
    data: pd.DataFrame,
    specs: list[Predictor],
    unit: str,
    time: str,
    units: list,
    pre_times: list,
) -> tuple[np.ndarray, list[str], list[Problem]]:
    """Predictors as a (k, units) matrix; periods outside ``pre_times`` are dropped."""
    rows, labels, problems = [], [], []
    pre_set = set(pre_times)
    for p in specs:
        periods = pre_times if p.periods is None else [t for t in p.periods if t in pre_set]
        if not periods:
            continue
        sub = data.loc[data[time].isin(periods), [unit, p.column]]
        vals = pd.to_numeric(sub[p.column], errors="coerce")
        grouped = vals.groupby(sub[unit].to_numpy())
        summ = grouped.mean() if p.op == "mean" else grouped.median()
        summ = summ.reindex(units)
        missing = [u for u in units if not np.isfinite(summ.get(u, np.nan))]
        if missing:
            problems.append(
                Problem(
                    f"predictor {p.label} has no value for unit(s) {missing[:10]} in periods "
                    f"{periods[0]}..{periods[-1]}; fill the data or drop the predictor",
                    column=p.column,
                )
            )
            continue
        rows.append(summ.to_numpy(dtype=float))
        labels.append(p.label)
    X = np.vstack(rows) if rows else np.empty((0, len(units)))
    return X, labels, problems


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PlaceboInTime:
    """A fake intervention inside the pre-period.

    Attributes
    ----------
    time : the fake intervention period.
    estimate : float
        Mean gap between the fake and the real intervention (should be near 0).
    pre_rmspe, post_rmspe : float
        Fit before the fake intervention, and the gap size after it.
    gap : Series
        Gap by period (periods before the real intervention).
    """

    time: Any
    estimate: float
    pre_rmspe: float
    post_rmspe: float
    gap: pd.Series


@dataclass(frozen=True, kw_only=True)
class SyntheticControlResult(EffectResult):
    """Result of :func:`synthetic_control` (frozen).

    Attributes
    ----------
    weights : Series
        Donor weights (index: donor unit), non-negative, summing to one.
    v_weights : Series or None
        Predictor importance ``V`` (sums to one) when predictors were given.
    treated, synthetic, gap : Series
        Observed treated path, synthetic path and their difference, by period.
    pre_rmspe, post_rmspe : float
        Root mean squared gap before and after the intervention.
    balance : DataFrame
        Predictors (or pre-period outcomes): treated, synthetic, donor mean.
    placebo : DataFrame
        One row per unit (treated first): ``pre_rmspe, post_rmspe, ratio,
        estimate, included`` (placebos left out by ``placebo_mspe_cutoff`` have
        ``included`` False). Empty when ``placebo=False``.
    placebo_gaps : DataFrame
        Gap paths, periods × units (treated included).
    in_time : PlaceboInTime or None
    leave_one_out : DataFrame
        One row per dropped donor: ``weight, estimate, pre_rmspe, post_rmspe``.
    leave_one_out_paths : DataFrame
        Synthetic paths without each dropped donor (periods × dropped donor).
    conformal : ConformalInference or None
        With ``inference="conformal"``: the Chernozhukov–Wüthrich–Zhu p-value,
        the average-effect interval and ``.periods`` (gap, interval and p-value
        per post period); see :mod:`~innolab_analysis.estimators._synth_conformal`.
    """

    treated_unit: Hashable
    intervention: Any
    weights: pd.Series
    v_weights: pd.Series | None
    treated: pd.Series
    synthetic: pd.Series
    gap: pd.Series
    pre_rmspe: float
    post_rmspe: float
    balance: pd.DataFrame
    placebo: pd.DataFrame = field(default_factory=pd.DataFrame)
    placebo_gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    in_time: PlaceboInTime | None = None
    leave_one_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    leave_one_out_paths: pd.DataFrame = field(default_factory=pd.DataFrame)
    conformal: Any = None

    def plot(self, ax=None, *, kind: PlotKind = "paths", language: Language = "en"):
        """Draw the paths, the gap, or the placebo gaps; return the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        kind : {"paths", "gap", "placebo"}
            ``"paths"``: treated vs synthetic; ``"gap"``: their difference;
            ``"placebo"``: every placebo gap in grey, the treated gap in colour.
        language : {"id", "en"}
        """
        if kind not in get_args(PlotKind):
            raise ParamsError(f"kind must be one of {get_args(PlotKind)}, got {kind!r}")
        if kind == "placebo" and self.placebo_gaps.empty:
            raise EstimationError(
                "no placebo gaps to plot: the result was fitted with placebo=False; "
                "refit with placebo=True"
            )
        from innolab_analysis._plotting import axes_or_new, plot_style

        with plot_style():
            ax = axes_or_new(ax)
            _DRAW[kind](self, ax, language)
        return ax

    def _draw(self, ax, language: str) -> None:
        _draw_paths(self, ax, language)


_S = "estimators_synth"
"""Catalog domain of this module's texts."""


def _finish(res: SyntheticControlResult, ax, language: str, title: str) -> None:
    """Intervention line, localised ticks, title and the legend below the axes."""
    from innolab_analysis.display import localise_axis, mpl_text
    from innolab_analysis.estimators._figures import label, legend_below, time_axis

    ax.axvline(
        res.intervention, color="black", ls="--", lw=0.8,
        label=label(f"{_S}.intervention", language),
    )  # fmt: skip
    ax.set_title(label(f"{_S}.{title}", language, unit=mpl_text(res.treated_unit)))
    time_axis(ax, language, res.treated.index)
    localise_axis(ax, language, decimals=2)
    legend_below(ax)


def _draw_paths(res: SyntheticControlResult, ax, language: str) -> None:
    from innolab_analysis._plotting import PALETTE
    from innolab_analysis.display import mpl_text
    from innolab_analysis.estimators._figures import label

    u = mpl_text(res.treated_unit)
    ax.plot(res.treated.index, res.treated.to_numpy(), color=PALETTE["treated"], label=u)
    ax.plot(
        res.synthetic.index, res.synthetic.to_numpy(), color=PALETTE["counterfactual"], ls="--",
        label=label(f"{_S}.synthetic", language, unit=u),
    )  # fmt: skip
    ax.set_ylabel(mpl_text(res.outcome))
    _finish(res, ax, language, "title_paths")


def _draw_gap(res: SyntheticControlResult, ax, language: str) -> None:
    from innolab_analysis._plotting import PALETTE
    from innolab_analysis.display import mpl_text
    from innolab_analysis.estimators._figures import label

    ax.plot(
        res.gap.index, res.gap.to_numpy(), color=PALETTE["treated"],
        label=mpl_text(res.treated_unit),
    )  # fmt: skip
    ax.axhline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
    ax.set_ylabel(label(f"{_S}.gap_axis", language))
    _finish(res, ax, language, "title_gap")


def _draw_placebo(res: SyntheticControlResult, ax, language: str) -> None:
    from innolab_analysis._plotting import PALETTE
    from innolab_analysis.display import mpl_text
    from innolab_analysis.estimators._figures import label

    included = res.placebo.index[res.placebo["included"].to_numpy(bool)]
    first = True
    for u in res.placebo_gaps.columns:
        if u == res.treated_unit or u not in included:
            continue
        ax.plot(
            res.placebo_gaps.index, res.placebo_gaps[u].to_numpy(), color="0.75", lw=0.8,
            label=label(f"{_S}.placebo_units", language) if first else None,
        )  # fmt: skip
        first = False
    ax.plot(
        res.gap.index, res.gap.to_numpy(), color=PALETTE["treated"], lw=2,
        label=mpl_text(res.treated_unit),
    )  # fmt: skip
    ax.axhline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
    ax.set_ylabel(label(f"{_S}.gap_axis", language))
    _finish(res, ax, language, "title_placebo")


_DRAW = {"paths": _draw_paths, "gap": _draw_gap, "placebo": _draw_placebo}


# ----------------------------------------------------------------------------- input checks
def _py(x: Any) -> Any:
    """A numpy scalar as the plain Python value (for readable messages)."""
    return x.item() if isinstance(x, np.generic) else x


def _close(name: Any, options: Sequence) -> str:
    hits = difflib.get_close_matches(str(name), [str(o) for o in options], n=5, cutoff=0.5)
    return f"; did you mean {', '.join(map(repr, hits))}?" if hits else ""


def _validate(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated_unit: Any,
    intervention: Any,
    donors: Sequence | None,
    predictors: list[Predictor] | None,
) -> None:
    from innolab_analysis.estimators._diagnostics import (
        require_columns,
        require_numeric,
        require_unique,
    )

    require_columns(
        data,
        {
            "outcome": outcome,
            "unit": unit,
            "time": time,
            "predictors": sorted({p.column for p in predictors or []}) or None,
        },
    )
    dg.require_rows(
        data, [outcome, unit, time], what="synthetic_control", shape="one row per unit and period"
    )
    require_numeric(data, [outcome])
    dg.require_finite(
        data, [unit, time], what="synthetic_control", need="a unit and a period in every row"
    )
    require_unique(data, [unit, time])

    problems: list[Problem] = []
    units = pd.unique(data[unit])
    if treated_unit not in set(units):
        problems.append(
            Problem(
                f"treated_unit {treated_unit!r} is not in the data{_close(treated_unit, units)}",
                column=unit,
                allowed=", ".join(map(str, units[:40])) + (" …" if len(units) > 40 else ""),
            )
        )
    if donors is not None:
        missing = [d for d in donors if d not in set(units)]
        if missing:
            problems.append(
                Problem(
                    f"donor(s) {missing} are not in the data"
                    + "".join(_close(m, units) for m in missing[:3]),
                    column=unit,
                )
            )
        if treated_unit in set(donors):
            problems.append(
                Problem(
                    f"the treated unit {treated_unit!r} is also listed as a donor; remove it "
                    "from donors",
                    column=unit,
                )
            )
    times = data[time]
    tmin, tmax = _py(times.min()), _py(times.max())
    try:
        inside = bool(tmin < intervention <= tmax)
    except TypeError:
        problems.append(
            Problem(
                f"intervention {intervention!r} ({type(intervention).__name__}) cannot be "
                f"compared with the periods of column '{time}' ({type(tmin).__name__}, from "
                f"{tmin!r} to {tmax!r}); pass a period of the same type",
                column=time,
            )
        )
        inside = True
    if not inside:
        problems.append(
            Problem(
                f"intervention {intervention!r} must be after the first period and not after "
                f"the last one: the data run from {tmin!r} to {tmax!r}, so pass a first "
                f"treated period in ({tmin!r}, {tmax!r}]",
                column=time,
            )
        )
    if problems:
        raise DataValidationError(problems)


def _missing_problems(Y: pd.DataFrame, units: Sequence, what: str) -> list[Problem]:
    problems = []
    for u in units:
        gaps = Y.index[~np.isfinite(Y[u].to_numpy(dtype=float))]
        if len(gaps):
            shown = ", ".join(map(str, list(gaps[:8]))) + (" …" if len(gaps) > 8 else "")
            problems.append(
                Problem(f"{what} {u!r} has no finite outcome value in period(s) {shown}")
            )
    return problems


# ----------------------------------------------------------------------------- one fit
@dataclass(frozen=True)
class _Panel:
    Y: np.ndarray  # (T, N) outcomes, columns = units
    X: np.ndarray | None  # (k, N) predictors
    units: list
    times: list
    n_pre: int


def _fit_one(panel: _Panel, treated_idx: int, donor_idx: list[int]):
    Y, X, t0 = panel.Y, panel.X, panel.n_pre
    if X is None or X.shape[0] == 0:
        fit = fit_weights(Y[:t0, treated_idx], Y[:t0, donor_idx])
    else:
        fit = fit_weights(
            Y[:t0, treated_idx], Y[:t0, donor_idx], X[:, treated_idx], X[:, donor_idx]
        )
    synth = Y[:, donor_idx] @ fit.weights
    gap = Y[:, treated_idx] - synth
    pre = float(np.sqrt(np.mean(gap[:t0] ** 2)))
    post = float(np.sqrt(np.mean(gap[t0:] ** 2)))
    return fit, synth, gap, pre, post


def _ratio(post: float, pre: float, tol: float = 0.0) -> float:
    """Post/pre RMSPE ratio; a pre-period fit at or below ``tol`` counts as perfect (ratio ∞).

    A numerically perfect pre-period fit (an interpolation, typical when there
    are more donors than pre-periods) makes the ratio explode to meaningless
    finite numbers; treating it as infinite keeps the rank test and its
    inversion honest (an unbounded interval instead of absurd finite bounds).
    """
    if pre > tol:
        return post / pre
    return math.inf if post > 0 else 0.0


# ----------------------------------------------------------------------------- public API
def synthetic_control(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treated_unit: Hashable,
    intervention: Any,
    predictors: Sequence | Mapping | None = None,
    donors: Sequence | None = None,
    placebo: bool = True,
    placebo_mspe_cutoff: float | None = None,
    in_time_placebo: Any = "auto",
    leave_one_out: bool = True,
    missing: MissingPolicy = "raise",
    level: float = 0.95,
    inference: SynthInference = "placebo",
    permutation: ConformalPermutation = "moving_block",
    n_permutations: int = 5000,
    conformal_grid: Sequence[float] | None = None,
    seed: int | None = 2018,
) -> SyntheticControlResult:
    """Estimate the effect of an intervention on one unit with a synthetic control.

    Parameters
    ----------
    data : DataFrame
        Long panel: one row per unit and period. Not modified.
    outcome, unit, time : str
        Column names. ``time`` must be orderable (years, integers, dates).
    treated_unit : hashable
        The unit that received the intervention.
    intervention : scalar
        The first period under the intervention; earlier periods are the
        pre-period.
    predictors : list or dict, optional
        Predictors for the nested ``V`` optimisation. Each item is a column
        name (averaged over the pre-period), a ``(column, periods, op)`` tuple
        (e.g. ``("cigsale", [1975])`` or ``("retprice", range(1980, 1989))``),
        a dict with those keys or a :class:`Predictor`; a dict maps labels to
        such specs. None matches the pre-period outcomes directly.
    donors : sequence, optional
        The donor pool; default every other unit.
    placebo : bool
        Run the in-space placebo refits (needed for the p-value and the CI).
    placebo_mspe_cutoff : float, optional
        Leave out placebos whose pre-period MSPE is more than this multiple
        of the treated unit's (ADH 2010 use 20, 5 and 2). None keeps all.
    in_time_placebo : "auto", None or a period
        Fake intervention period for the in-time placebo; ``"auto"`` takes
        the middle of the pre-period, None skips it. Predictor periods at or
        after the fake intervention are dropped for that refit.
    leave_one_out : bool
        Refit without each donor whose weight exceeds 0.001.
    missing : {"raise", "drop"}
        Donors with missing or infinite outcome values: raise (default) or drop those
        donors (a diagnostic names them). The treated unit may not miss any.
    level : float
        Confidence level of the placebo-inversion interval.
    inference : {"placebo", "conformal"}
        Headline p-value and interval: the in-space placebo (default) or the
        conformal inference of Chernozhukov, Wüthrich & Zhu (2021): the p-value
        of "no effect in any post period" from permuted residuals of a
        synthetic control fitted on all periods under the null, and the
        interval of constant effects it does not reject; per-period intervals
        are in ``.conformal.periods``. The placebo table is kept beside it.
    permutation : {"moving_block", "iid"}
        Conformal permutations: the cyclic shifts of the periods (default) or
        i.i.d. permutations (``n_permutations`` including the identity, seeded).
    conformal_grid : sequence of float, optional
        Effects to test for the conformal intervals, used as given; by default a
        grid around the estimate whose end points are refined by bisection.
    seed : int, optional
        Seed of the i.i.d. permutations.

    Returns
    -------
    SyntheticControlResult

    Raises
    ------
    DataValidationError
        Missing columns, duplicate unit-period rows, unknown treated unit or
        donors, intervention outside the data, missing or constant outcomes.
    ParamsError
        Invalid options or predictor specifications.
    EstimationError
        Fewer than two donors.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> years = range(2010, 2024)
    >>> base = {f"kota_{i}": 50 + 3 * i + rng.normal(0, 1, 14).cumsum() for i in range(8)}
    >>> base["treated"] = 0.5 * base["kota_2"] + 0.5 * base["kota_5"] + np.r_[[0.0] * 9, [4.0] * 5]
    >>> df = pd.DataFrame([(u, y, v) for u, s in base.items() for y, v in zip(years, s)],
    ...                   columns=["kota", "year", "skm"])
    >>> res = synthetic_control(df, outcome="skm", unit="kota", time="year",
    ...                         treated_unit="treated", intervention=2019)
    >>> res.weights[res.weights > 0.001].round(3).to_dict()
    {'kota_2': 0.5, 'kota_5': 0.5}
    >>> round(res.estimate, 3), round(res.p_value, 3)
    (4.0, 0.111)
    """
    from innolab_analysis.errors import check_option

    check_option("inference", inference, SynthInference)
    check_option("permutation", permutation, ConformalPermutation)
    if missing not in get_args(MissingPolicy):
        raise ParamsError(f"missing must be one of {get_args(MissingPolicy)}, got {missing!r}")
    dg.check_level(level)
    if placebo_mspe_cutoff is not None and not placebo_mspe_cutoff >= 1:
        raise ParamsError(
            "placebo_mspe_cutoff must be None or a number >= 1 (ADH 2010 use 20, 5 or 2), "
            f"got {placebo_mspe_cutoff!r}"
        )
    specs = _parse_predictors(predictors)
    _validate(data, outcome, unit, time, treated_unit, intervention, donors, specs)

    Y = data.pivot(index=time, columns=unit, values=outcome).sort_index()
    Y = Y.astype(float)
    pool = [u for u in (donors if donors is not None else Y.columns) if u != treated_unit]
    pre_mask = np.asarray(Y.index < intervention)
    diagnostics: list[Diagnostic] = []

    problems = _missing_problems(Y, [treated_unit], "the treated unit")
    donor_problems = _missing_problems(Y, pool, "donor")
    if donor_problems and missing == "drop":
        dropped = [u for u in pool if not np.isfinite(Y[u].to_numpy(dtype=float)).all()]
        pool = [u for u in pool if u not in dropped]
        diagnostics.append(_dropped_donors(dropped))
    else:
        problems += [
            Problem(p.message + "; fill it, remove the donor, or pass missing='drop'")
            for p in donor_problems
        ]
    if problems:
        raise DataValidationError(problems)
    if len(pool) < 2:
        raise EstimationError(
            f"synthetic control needs at least 2 donor units, got {len(pool)} ({pool}); "
            "add untreated units to the data or to donors"
        )
    units = [treated_unit, *pool]
    Yu = Y[units]
    pre_vals = Yu.to_numpy()[pre_mask]
    if np.ptp(pre_vals) == 0:
        raise DataValidationError(
            [
                Problem(
                    f"the outcome is constant ({_py(pre_vals.flat[0])!r}) for the treated unit and "
                    "every donor before the intervention; there is nothing to match. Check that "
                    "the right column was chosen",
                    column=outcome,
                )
            ]
        )
    times = list(Yu.index)
    pre_times = [t for t, m in zip(times, pre_mask) if m]

    X, x_labels = None, None
    if specs is not None:
        X, x_labels, xprob = _predictor_matrix(data, specs, unit, time, units, pre_times)
        sd = X.std(axis=1, ddof=1) if X.size else np.array([])
        xprob += [
            Problem(
                f"predictor {lab} takes the same value for every unit, so it cannot be "
                "standardised or matched; drop it",
            )
            for lab, s in zip(x_labels, sd)
            if not s > 0
        ]
        if not x_labels and not xprob:
            xprob.append(Problem("no predictor has a period before the intervention"))
        if xprob:
            raise DataValidationError(xprob)

    panel = _Panel(Yu.to_numpy(), X, units, times, int(pre_mask.sum()))
    fit, synth, gap, pre_rmspe, post_rmspe = _fit_one(panel, 0, list(range(1, len(units))))
    t0 = panel.n_pre
    estimate = float(gap[t0:].mean())
    weights = pd.Series(fit.weights, index=pd.Index(pool, name=unit), name="weight")
    v_weights = (
        pd.Series(fit.v, index=pd.Index(x_labels, name="predictor"), name="v")
        if fit.v is not None
        else None
    )
    idx = pd.Index(times, name=time)
    treated_s = pd.Series(panel.Y[:, 0], index=idx, name=str(treated_unit))
    synth_s = pd.Series(synth, index=idx, name="synthetic")
    gap_s = pd.Series(gap, index=idx, name="gap")

    if X is not None:
        bal_index, x1, x0 = x_labels, X[:, 0], X[:, 1:]
    else:
        bal_index = [f"{outcome} ({t})" for t in pre_times]
        x1, x0 = panel.Y[:t0, 0], panel.Y[:t0, 1:]
    balance = pd.DataFrame(
        {"treated": x1, "synthetic": x0 @ fit.weights, "donor_mean": x0.mean(axis=1)},
        index=pd.Index(bal_index, name="predictor"),
    )

    # --- in-space placebo
    placebo_df, placebo_gaps = pd.DataFrame(), pd.DataFrame()
    p_value, ci_lower, ci_upper = math.nan, math.nan, math.nan
    # pre-fits this close to zero are interpolations, not fits (see _ratio)
    fit_tol = 1e-6 * float(np.std(panel.Y[:t0])) if t0 > 1 else 0.0
    if placebo:
        rows = [
            (treated_unit, pre_rmspe, post_rmspe, _ratio(post_rmspe, pre_rmspe, fit_tol), estimate)
        ]
        gaps = {treated_unit: gap}
        for j in range(1, len(units)):
            others = [i for i in range(1, len(units)) if i != j]
            _, _, g, pre_j, post_j = _fit_one(panel, j, others)
            rows.append(
                (units[j], pre_j, post_j, _ratio(post_j, pre_j, fit_tol), float(g[t0:].mean()))
            )
            gaps[units[j]] = g
        placebo_df = pd.DataFrame(
            rows, columns=[unit, "pre_rmspe", "post_rmspe", "ratio", "estimate"]
        ).set_index(unit)
        included = np.ones(len(rows), dtype=bool)
        if placebo_mspe_cutoff is not None:
            included[1:] = placebo_df["pre_rmspe"].to_numpy()[1:] ** 2 <= (
                placebo_mspe_cutoff * pre_rmspe**2
            )
        placebo_df["included"] = included
        placebo_gaps = pd.DataFrame(gaps, index=idx)
        ratios = placebo_df["ratio"].to_numpy()[1:][included[1:]]
        n_pl = int(included[1:].sum())
        r_treated = placebo_df["ratio"].iloc[0]
        p_value = (1 + int(np.sum(ratios >= r_treated))) / (1 + n_pl)
        ci_lower, ci_upper = _invert_placebo(gap[t0:], pre_rmspe, ratios, level)
        diagnostics += _placebo_diagnostics(n_pl, len(units) - 1, level, ci_lower)

    # --- in-time placebo
    in_time = None
    if in_time_placebo is not None:
        in_time, note = _in_time(data, specs, unit, time, panel, pre_times, in_time_placebo)
        if note is not None:
            diagnostics.append(note)

    # --- leave-one-out
    loo_df, loo_paths = pd.DataFrame(), pd.DataFrame()
    if leave_one_out:
        loo_rows, paths = [], {}
        for i, w in enumerate(fit.weights):
            if w <= POSITIVE_WEIGHT or len(pool) <= 2:
                continue
            keep = [k for k in range(1, len(units)) if k != i + 1]
            _, s, g, pre_l, post_l = _fit_one(panel, 0, keep)
            loo_rows.append((pool[i], float(w), float(g[t0:].mean()), pre_l, post_l))
            paths[pool[i]] = s
        loo_df = pd.DataFrame(
            loo_rows, columns=["dropped_donor", "weight", "estimate", "pre_rmspe", "post_rmspe"]
        ).set_index("dropped_donor")
        loo_paths = pd.DataFrame(paths, index=idx)

    conformal = None
    if inference == "conformal":
        from innolab_analysis.estimators import _synth_conformal as cf

        conformal = cf.conformal_inference(
            panel.Y[:, 0], panel.Y[:, 1:], t0, gap, permutation=permutation,
            n_permutations=n_permutations, level=level, grid=conformal_grid, seed=seed,
            periods=times[t0:],
        )  # fmt: skip
        p_value, ci_lower, ci_upper = conformal.p_value, conformal.ci_lower, conformal.ci_upper
        diagnostics += cf.diagnostics(conformal, n_donors=len(pool), n_pre=t0, level=level)

    diagnostics += _fit_diagnostics(panel, fit.weights, pool, pre_rmspe, outcome)
    if len(pool) >= t0 and pre_rmspe <= max(fit_tol, 1e-3 * float(np.std(panel.Y[:t0, 0]))):
        diagnostics.append(_interpolation_note(len(pool), t0))
    diagnostics.append(_no_se_note())

    terms = pd.DataFrame(
        {
            "term": ["mean_post_gap"],
            "estimate": [estimate],
            "std_error": [math.nan],
            "ci_lower": [ci_lower],
            "ci_upper": [ci_upper],
            "p_value": [p_value],
        }
    )
    se_type = (
        "none: no analytic SE for synthetic control; p-value = rank of the post/pre RMSPE ratio "
        f"among in-space placebos (ADH 2010); {int(level * 100)}% CI = inversion of that test "
        "under a constant effect (Firpo & Possebom 2018)"
        if placebo
        else "none: no analytic SE; no placebo run, so no p-value or CI"
    )
    if conformal is not None:
        from innolab_analysis.estimators import _synth_conformal as cf

        se_type = cf.se_type(conformal, level)
    return SyntheticControlResult(
        method="synthetic_control",
        outcome=outcome,
        estimate=estimate,
        std_error=math.nan,
        ci_lower=ci_lower,
        ci_upper=ci_upper,
        p_value=p_value,
        n_obs=int(panel.Y.size),
        se_type=se_type,
        terms=terms,
        text=_text(
            treated_unit,
            outcome,
            estimate,
            pre_rmspe,
            p_value,
            ci_lower,
            ci_upper,
            level,
            weights,
            loo_df,
        )
        if conformal is None
        else cf.text(treated_unit, outcome, estimate, pre_rmspe, conformal, level),
        diagnostics=tuple(diagnostics),
        level=level,
        title=f"Synthetic control: {treated_unit}",
        treated_unit=treated_unit,
        intervention=intervention,
        weights=weights,
        v_weights=v_weights,
        treated=treated_s,
        synthetic=synth_s,
        gap=gap_s,
        pre_rmspe=pre_rmspe,
        post_rmspe=post_rmspe,
        balance=balance,
        placebo=placebo_df,
        placebo_gaps=placebo_gaps,
        in_time=in_time,
        leave_one_out=loo_df,
        leave_one_out_paths=loo_paths,
        conformal=conformal,
    )


# ----------------------------------------------------------------------------- inference helpers
def _invert_placebo(
    post_gap: np.ndarray, pre_rmspe: float, ratios: np.ndarray, level: float
) -> tuple[float, float]:
    """Constant effects ``c`` not rejected by the placebo ratio test at ``1 - level``."""
    alpha = 1.0 - level
    n = len(ratios)
    # p(c) = (1 + #{ratio_j >= ratio(c)}) / (1 + n) > alpha  <=>  ratio(c) <= m-th largest ratio
    m = math.floor(alpha * (1 + n) - 1 + 1e-12) + 1
    center = float(np.mean(post_gap))
    if m <= 0:
        return -math.inf, math.inf
    r_star = float(np.sort(ratios)[::-1][m - 1])
    if not math.isfinite(r_star):
        return -math.inf, math.inf
    half_sq = (r_star * pre_rmspe) ** 2 - float(np.var(post_gap))
    if half_sq < 0:
        return math.nan, math.nan
    half = math.sqrt(half_sq)
    return center - half, center + half


def _in_time(data, specs, unit, time, panel: _Panel, pre_times, when):
    t0 = panel.n_pre
    if when == "auto":
        if t0 < 4:
            return None, Diagnostic(
                "in_time_placebo_skipped",
                "info",
                dg.message(f"{_S}.in_time_placebo_skipped", count=t0),
            )
        k = t0 // 2
    else:
        if when not in pre_times or pre_times.index(when) < 2:
            raise ParamsError(
                f"in_time_placebo must be a pre-intervention period with at least 2 periods "
                f"before it, one of {pre_times[2:]}, or 'auto' or None; got {when!r}"
            )
        k = pre_times.index(when)
    fake_pre = pre_times[:k]
    X = None
    if specs is not None:
        X, labels, problems = _predictor_matrix(data, specs, unit, time, panel.units, fake_pre)
        if problems or not labels or np.any(X.std(axis=1, ddof=1) <= 0):
            X = None
    sub = _Panel(panel.Y[:t0], X, panel.units, panel.times[:t0], k)
    _, _, g, pre_r, post_r = _fit_one(sub, 0, list(range(1, len(panel.units))))
    gap = pd.Series(g, index=pd.Index(panel.times[:t0], name=time), name="in_time_gap")
    return PlaceboInTime(pre_times[k], float(g[k:].mean()), pre_r, post_r, gap), None


# ----------------------------------------------------------------------------- diagnostics
def _units(units: Sequence) -> l10n.Bilingual:
    """Unit names from the data, joined in the language (escaped where they enter the text)."""
    return l10n.Bilingual.build(lambda lang: l10n.join([str(u) for u in units], lang))


def _dropped_donors(dropped: list) -> Diagnostic:
    return Diagnostic(
        "donors_dropped_missing",
        "warning",
        dg.message(f"{_S}.donors_dropped", count=len(dropped), units=_units(dropped)),
    )


def _interpolation_note(n_donors: int, n_pre: int) -> Diagnostic:
    return Diagnostic(
        "interpolation", "warning", dg.message(f"{_S}.interpolation", donors=n_donors, count=n_pre)
    )


def _no_se_note() -> Diagnostic:
    return Diagnostic("no_standard_error", "info", dg.message(f"{_S}.no_standard_error"))


def _placebo_diagnostics(
    n_pl: int, n_donors: int, level: float, ci_lower: float
) -> list[Diagnostic]:
    smallest = 1 / (n_pl + 1)
    alpha = 1 - level
    cannot = smallest > alpha
    out = [
        Diagnostic(
            "placebo_granularity",
            "warning" if cannot else "info",
            dg.sentences(
                dg.message(
                    f"{_S}.placebo_granularity", count=n_pl, places=n_pl + 1, smallest=smallest
                ),
                dg.message(f"{_S}.placebo_cannot_reject", alpha=alpha) if cannot else None,
            ),
        )
    ]
    if n_pl < n_donors:
        out.append(
            Diagnostic(
                "placebos_excluded",
                "info",
                dg.message(f"{_S}.placebos_excluded", count=n_donors - n_pl, donors=n_donors),
            )
        )
    if math.isnan(ci_lower):
        out.append(
            Diagnostic("empty_confidence_set", "warning", dg.message(f"{_S}.empty_confidence_set"))
        )
    return out


def _fit_diagnostics(panel: _Panel, w: np.ndarray, pool: list, pre_rmspe: float, outcome: str):
    from innolab_analysis.estimators._diagnostics import few_pre_periods, poor_pre_fit

    out: list[Diagnostic] = []
    t0 = panel.n_pre
    y1 = panel.Y[:t0, 0]
    Y0 = panel.Y[:t0, 1:]
    for d in (
        poor_pre_fit(pre_rmspe, float(np.std(y1, ddof=1)) if t0 > 1 else math.nan),
        few_pre_periods(t0, threshold=5),
    ):
        if d is not None:
            out.append(d)
    above = int(np.sum(y1 > Y0.max(axis=1)))
    below = int(np.sum(y1 < Y0.min(axis=1)))
    outside = above + below
    if outside:
        out.append(
            Diagnostic(
                "outside_convex_hull",
                "warning" if outside / t0 >= 0.25 else "info",
                dg.message(
                    f"{_S}.outside_convex_hull", count=outside, periods=t0, outcome=outcome,
                    above=above, below=below,
                ),
            )
        )  # fmt: skip
    if len(pool) < 5:
        out.append(
            Diagnostic("few_donors", "warning", dg.message(f"{_S}.few_donors", count=len(pool)))
        )
    top = int(np.argmax(w))
    if w[top] >= 0.9:
        out.append(
            Diagnostic(
                "dominant_donor",
                "info",
                dg.message(f"{_S}.dominant_donor", unit=str(pool[top]), weight=float(w[top])),
            )
        )
    return out


def _text(treated, outcome, est, pre_rmspe, p, lo, hi, level, weights, loo) -> l10n.Bilingual:
    top = weights.sort_values(ascending=False)
    top = top[top > POSITIVE_WEIGHT].head(5)
    items = [dg.message(f"{_S}.weight_item", unit=str(u), weight=float(w)) for u, w in top.items()]
    mix = l10n.Bilingual.build(lambda lang: l10n.join([i[lang] for i in items], lang))
    head = dg.message(
        f"{_S}.text", outcome=outcome, treated=str(treated), estimate=est, mix=mix,
        rmspe=pre_rmspe,
    )  # fmt: skip
    if math.isnan(p):
        inference = dg.message(f"{_S}.no_placebo")
    elif math.isnan(lo):
        inference = dg.message(f"{_S}.placebo_inference_empty", p=p, level=level)
    elif math.isinf(lo) or math.isinf(hi):
        inference = dg.message(f"{_S}.placebo_inference_unbounded", p=p, level=level)
    else:
        inference = dg.message(f"{_S}.placebo_inference", p=p, level=level, lower=lo, upper=hi)
    spread = None
    if len(loo):
        spread = dg.message(
            f"{_S}.leave_one_out",
            low=float(loo["estimate"].min()),
            high=float(loo["estimate"].max()),
        )
    return dg.sentences(head, inference, spread)
