"""Staggered difference-in-differences (Callaway & Sant'Anna 2021).

:func:`staggered_did` estimates every group-time average treatment effect
ATT(g, t) — the effect in period ``t`` on the agencies first treated in period
``g`` — exactly as R ``did::att_gt`` does with its defaults, and aggregates
them like ``did::aggte`` (``"simple"``, ``"group"``, ``"dynamic"``,
``"calendar"``), with influence-function standard errors (analytic, clustered)
or a seeded multiplier bootstrap with uniform confidence bands.

Conventions (documented differences from R ``did`` are marked *):

* ``cohort`` is the first treated period; never-treated units have 0 or a
  missing value. Cohorts after the last period count as never treated (as R).
  Units treated in the first period (or before the panel starts) have no
  pre-period: they are dropped with a diagnostic (R drops them too).
* Panels may be unbalanced*: for each cell, the units observed in both the
  current and the base period are used (R would need ``panel=FALSE`` or
  ``allow_unbalanced_panel``); the influence functions are scaled to all
  units, so a balanced panel gives R's numbers exactly.
* ``base_period="universal"``: the reference cell (ATT = 0 by construction) is
  not listed*.
* Analytic standard errors are clustered at the unit (R's default) or at a
  coarser ``cluster`` (influence functions summed within clusters; R only
  clusters in the bootstrap*). The bootstrap multiplies cluster *sums* of the
  influence function (R multiplies cluster means*; identical for unit-level
  clustering and for equal cluster sizes).
* ``method="dr"`` is R's default ``DRDID::drdid_panel`` (locally efficient
  doubly robust with a logit propensity score); ``"reg"`` and ``"ipw"`` are
  ``reg_did_panel`` and ``std_ipw_did_panel``. Covariates are taken at the
  earlier of the two periods of a cell, as R does.
* ``panel=False`` treats every row as its own observation (repeated cross
  sections, e.g. survey respondents) and clusters at ``unit`` (the agency).
  Covariates are not yet supported there*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import (
    DataValidationError,
    EstimationError,
    ParamsError,
    Problem,
    check_option,
)
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators import _staggered_core as core
from innolab_analysis.estimators._result import Diagnostic, EffectResult, normal_inference
from innolab_analysis.options import AggregationKind, BasePeriod, ControlGroup, StaggeredMethod
from innolab_analysis.options import StaggeredBootWeights as BootWeights

__all__ = [
    "AggregationKind",
    "BasePeriod",
    "BootWeights",
    "ControlGroup",
    "PretrendTest",
    "StaggeredAggregate",
    "StaggeredDiDResult",
    "StaggeredMethod",
    "staggered_did",
]


FEW_CLUSTERS = 30
"""Below this many clusters the influence-function SEs are flagged (a rule of thumb, not a law)."""
FEW_UNITS = 5
"""Cohorts (or the control group) with fewer units than this are flagged."""


# ============================================================================ results
@dataclass(frozen=True)
class PretrendTest:
    """Joint Wald test that all pre-treatment ATT(g, t) are zero (R ``did``'s pre-test).

    Attributes
    ----------
    statistic : float
        Chi-squared statistic ``att' V^-1 att`` over the pre-period cells.
    df : int
        Degrees of freedom (number of pre-period cells).
    p_value : float
    level : float
        The test rejects when ``p_value < 1 - level``.
    text : l10n.Bilingual
        Plain-language reading.
    """

    statistic: float
    df: int
    p_value: float
    level: float
    text: l10n.Bilingual

    @property
    def rejects(self) -> bool:
        return bool(self.p_value < 1 - self.level)


@dataclass(frozen=True)
class _Fit:
    """Everything the aggregations need (private)."""

    cells: pd.DataFrame  # cohort, time, event_time, att, pg (per cell)
    inf: np.ndarray  # (n, K)
    G: np.ndarray  # cohort per observation unit (0 = never)
    pgg: dict[float, float]
    codes: np.ndarray | None
    n: int
    n_clusters: int
    n_boot: int
    seed: int
    boot_weights: str
    level: float
    periods: np.ndarray
    time_labels: dict[int, Any] | None

    def S(self, psi: np.ndarray) -> np.ndarray:
        return core.cluster_sums(psi, self.codes, self.n_clusters)

    def inference(self, est: np.ndarray, psi: np.ndarray) -> dict[str, np.ndarray]:
        """SEs, pointwise CIs, p-values and (bootstrap) uniform bands for columns of psi."""
        S = self.S(psi)
        z = stats.norm.ppf(0.5 + self.level / 2)
        if self.n_boot > 0:
            se, crit = core.multiplier_bootstrap(
                S,
                self.n,
                n_boot=self.n_boot,
                seed=self.seed,
                weights=self.boot_weights,
                level=self.level,
            )
        else:
            se, crit = core.analytic_se(S, self.n), float("nan")
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 2 * stats.norm.sf(np.abs(est / se))
        out = {
            "std_error": se,
            "ci_lower": est - z * se,
            "ci_upper": est + z * se,
            "p_value": p,
        }
        if self.n_boot > 0:
            out["cband_lower"] = est - crit * se
            out["cband_upper"] = est + crit * se
        out["_crit"] = np.array([crit])
        return out


def _se_words(fit: _Fit, cluster_name: str) -> str:
    base = f"influence-function SEs clustered by {cluster_name} ({fit.n_clusters} clusters), normal reference"
    if fit.n_boot > 0:
        return (
            f"multiplier bootstrap ({fit.n_boot} {fit.boot_weights} draws, seed {fit.seed}) of the "
            f"influence function clustered by {cluster_name} ({fit.n_clusters} clusters); "
            "uniform bands in cband_lower/cband_upper"
        )
    return base


@dataclass(frozen=True, kw_only=True)
class StaggeredAggregate(EffectResult):
    """An aggregation of group-time ATTs (R ``did::aggte``).

    Attributes
    ----------
    kind : {"simple", "group", "dynamic", "calendar"}
    uniform_crit : float or None
        The bootstrap critical value of the uniform band over the terms (None
        without bootstrap).
    vcov : DataFrame or None
        ``dynamic`` only: covariance of the event-time estimates (from the
        clustered influence functions, labelled ``e=K``), as R HonestDiD's
        ``honest_did.AGGTEobj`` builds it.

    ``terms`` has one row per cohort (``group``, column ``cohort``), event time
    (``dynamic``, ``term = "e=-3"`` …, int column ``event_time``) or period
    (``calendar``, column ``time``); the headline (``estimate`` …) is the overall
    effect: for ``dynamic`` the average of the post-treatment event times.
    """

    kind: str = "simple"
    uniform_crit: float | None = None
    vcov: pd.DataFrame | None = None

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import coef_plot, label, legend_below

        t = self.terms
        if self.kind != "dynamic":
            coef_plot(
                t, ax, labels=[_term_label(self, i, language) for i in range(len(t))],
                language=language, level=self.level, colour=PALETTE["treated"],
            )  # fmt: skip
            ax.set_xlabel(label(f"{_T}.axis_effect", language, outcome=self.outcome))
            return
        e = t["event_time"].to_numpy()
        est = t["estimate"].to_numpy()
        post = e >= 0
        if "cband_lower" in t:
            ax.fill_between(
                e, t["cband_lower"], t["cband_upper"], color=PALETTE["band"], alpha=0.5,
                label=label(f"{_T}.uniform_band", language, level=self.level),
            )  # fmt: skip
        for mask, colour, key in (
            (~post, PALETTE["control"], "before_adoption"),
            (post, PALETTE["treated"], "after_adoption"),
        ):
            if mask.any():
                ax.errorbar(
                    e[mask], est[mask],
                    yerr=[
                        est[mask] - t["ci_lower"].to_numpy()[mask],
                        t["ci_upper"].to_numpy()[mask] - est[mask],
                    ],
                    fmt="o", color=colour, capsize=3,
                    label=label(f"{_T}.{key}", language, level=self.level),
                )  # fmt: skip
        ax.axhline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
        ax.axvline(
            -0.5, color="grey", lw=0.8, ls="--", label=label(f"{_T}.adoption_line", language)
        )
        ax.set_xlabel(label(f"{_T}.axis_event_time", language))
        ax.set_ylabel(label(f"{_T}.axis_effect", language, outcome=mpl_text(self.outcome)))
        ax.set_title(label(f"{_T}.title_dynamic", language))
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        localise_axis(ax, language, axis="x", decimals=0)
        localise_axis(ax, language, decimals=2)
        legend_below(ax)


_T = "estimators_staggered"
"""Catalog domain of this module's texts."""


def _term_label(agg: StaggeredAggregate, i: int, language: str) -> str:
    """Display label of term ``i`` of an aggregation: the cohort or period as given, or the overall effect."""
    t = agg.terms
    if agg.kind == "group":
        value = dg.period_text(t["cohort"].iloc[i])
        return l10n.tr(f"{_T}.cohort_marker", language, markdown=False, cohort=value)
    if agg.kind == "calendar":
        value = dg.period_text(t["time"].iloc[i])
        return l10n.tr(f"{_T}.period_marker", language, markdown=False, period=value)
    return l10n.tr(f"{_T}.overall_term", language, markdown=False)


@dataclass(frozen=True, kw_only=True)
class StaggeredDiDResult(EffectResult):
    """Result of :func:`staggered_did`; the headline is the ``"simple"`` aggregation.

    Attributes
    ----------
    att_gt : DataFrame
        One row per group-time cell: ``cohort, time, event_time, att, std_error,
        ci_lower, ci_upper, p_value, n_treated, n_control, post`` and, when
        bootstrapped, the uniform band ``cband_lower, cband_upper``.
    pretrend : PretrendTest or None
        Joint Wald test of the pre-period cells (None when there are none or
        their covariance is singular; a diagnostic then says why).
    """

    att_gt: pd.DataFrame
    pretrend: PretrendTest | None = None
    _fit: _Fit | None = field(default=None, repr=False, compare=False)
    _cluster_name: str = field(default="unit", repr=False)

    def pretrend_test(self) -> PretrendTest:
        """Return the pre-trend Wald test, or raise if it could not be computed."""
        if self.pretrend is None:
            raise EstimationError(
                "No pre-trend test: there are no pre-treatment group-time cells, or their "
                "covariance matrix is singular. Add pre-periods or see the diagnostics."
            )
        return self.pretrend

    def aggregate(
        self,
        kind: AggregationKind = "simple",
        *,
        min_e: int | None = None,
        max_e: int | None = None,
        balance_e: int | None = None,
    ) -> StaggeredAggregate:
        """Aggregate the group-time ATTs like R ``did::aggte``.

        Parameters
        ----------
        kind : {"simple", "group", "dynamic", "calendar"}
            ``simple``: average of post-treatment cells weighted by cohort size;
            ``group``: per cohort, then cohort-size weighted; ``dynamic``: per
            event time (event study); ``calendar``: per period.
        min_e, max_e : int, optional
            Event-time window (``dynamic``; ``max_e`` also limits ``simple`` and
            ``group`` as in R).
        balance_e : int, optional
            ``dynamic`` only: keep cohorts observed at least ``balance_e``
            periods after adoption, so the composition does not change with e.

        Returns
        -------
        StaggeredAggregate

        Examples
        --------
        >>> from innolab_analysis.estimators.staggered import _example_panel, staggered_did
        >>> res = staggered_did(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")
        >>> es = res.aggregate("dynamic")
        >>> int(es.terms["event_time"].max())
        3
        """
        check_option("kind", kind, AggregationKind)
        return _aggregate(self, kind, min_e=min_e, max_e=max_e, balance_e=balance_e)

    def _draw(self, ax, language: str) -> None:
        from innolab_analysis._plotting import PALETTE
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below

        t = self.att_gt
        cohorts = sorted(t["cohort"].unique())
        width = 0.6
        offsets = np.linspace(-width / 2, width / 2, len(cohorts)) if len(cohorts) > 1 else [0.0]
        markers = "osD^vP*X"
        for j, g in enumerate(cohorts):
            sub = t[t["cohort"] == g]
            for post, colour in ((False, PALETTE["control"]), (True, PALETTE["treated"])):
                s = sub[sub["post"] == post]
                if s.empty:
                    continue
                x = s["time_index"].to_numpy() + offsets[j]
                ax.errorbar(
                    x, s["att"], yerr=[s["att"] - s["ci_lower"], s["ci_upper"] - s["att"]],
                    fmt=markers[j % len(markers)], color=colour, capsize=2, ms=5,
                )  # fmt: skip
            ax.plot(
                [], [], markers[j % len(markers)], color="0.3", ls="none",
                label=label(f"{_T}.cohort_marker", language, cohort=dg.period_text(g)),
            )  # fmt: skip
        for colour, key in (
            (PALETTE["control"], "before_adoption"),
            (PALETTE["treated"], "after_adoption"),
        ):
            ax.plot(
                [],
                [],
                "s",
                color=colour,
                ls="none",
                label=label(f"{_T}.{key}", language, level=self.level),
            )
        ax.axhline(0, color="black", lw=0.8, label=label("estimators_core.no_effect", language))
        ticks = sorted(t["time_index"].unique())
        ax.set_xticks(ticks)
        renderer = l10n.Renderer(language, markdown=False)
        ax.set_xticklabels(
            [
                mpl_text(
                    renderer.format_field(
                        dg.period_text(_label(self._fit, self._fit.periods[i])), ""
                    )
                )
                for i in ticks
            ]
        )
        if len(ticks) > 6:
            ax.tick_params(axis="x", labelrotation=30)
        ax.set_xlabel(label("estimators_core.axis_period", language))
        ax.set_ylabel(label(f"{_T}.axis_effect", language, outcome=mpl_text(self.outcome)))
        ax.set_title(label(f"{_T}.title_cells", language))
        localise_axis(ax, language, decimals=2)
        legend_below(ax, ncol=3)


def _label(fit: _Fit | None, value):
    if fit is None or fit.time_labels is None:
        v = float(value)
        return int(v) if v.is_integer() else v
    return fit.time_labels.get(int(value), value)


# ============================================================================ validation
def _period_values(s: pd.Series, what: str, column: str) -> tuple[np.ndarray, str]:
    """Numeric period values and their kind ('int' or 'date'), or raise."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.to_numpy(), "date"
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        bad = s.dropna().astype(str).unique()[:3].tolist()
        raise DataValidationError(
            [
                Problem(
                    f"{what} must hold integer periods (e.g. 2019, or semester numbers 1, 2, 3 …) or "
                    f"dates (datetime64, mapped to consecutive period indices); got {s.dtype} values "
                    f"such as {bad}. Convert it with pd.to_datetime or map it to integers.",
                    column=column,
                )
            ]
        )
    v = s.to_numpy(dtype=float, na_value=np.nan)
    frac = np.isfinite(v) & (v != np.round(v))
    if frac.any():
        rows = np.flatnonzero(frac)[:5]
        raise DataValidationError(
            [
                Problem(
                    f"{what} must hold whole-number periods; {int(frac.sum())} value(s) have a "
                    "fractional part. Use integer period indices (e.g. semester 1, 2, 3 …) or dates.",
                    column=column,
                    rows=tuple(int(r) + 2 for r in rows),
                    values=tuple(float(v[r]) for r in rows),
                )
            ]
        )
    return v, "int"


@dataclass
class _Prepared:
    n: int
    n_obs: int
    G: np.ndarray
    codes: np.ndarray | None
    n_clusters: int
    tlist: np.ndarray
    time_labels: dict[int, Any] | None
    Y: np.ndarray | None = None  # panel
    X: np.ndarray | None = None
    y: np.ndarray | None = None  # RCS
    tidx: np.ndarray | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    units: np.ndarray | None = None  # panel: the unit label of each row of Y


def _prepare(
    data: pd.DataFrame, *, outcome, unit, time, cohort, covariates, cluster, panel, anticipation
) -> _Prepared:
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    needed = [outcome, unit, time, cohort, *(covariates or []), *([cluster] if cluster else [])]
    missing = [c for c in dict.fromkeys(needed) if c not in data.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"column '{c}' is missing from the data; available columns: "
                    f"{', '.join(map(str, data.columns))}",
                    column=c,
                )
                for c in missing
            ],
            title=f"{len(missing)} column(s) missing for staggered_did",
        )
    dg.require_rows(
        data,
        [outcome, unit, time, cohort],
        what="staggered_did",
        shape="one row per unit and period" if panel else "one row per respondent",
    )
    problems: list[Problem] = []
    for c in [outcome, *(covariates or [])]:
        if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c]):
            problems.append(Problem(f"must be numeric, got dtype {data[c].dtype}", column=c))
    if problems:
        raise DataValidationError(problems)
    diags: list[Diagnostic] = []

    # --- periods
    tval, tkind = _period_values(data[time], f"time column '{time}'", time)
    if np.isnan(tval.astype("datetime64[ns]").astype(float) if tkind == "date" else tval).any():
        rows = np.flatnonzero(pd.isna(data[time]).to_numpy())[:5]
        raise DataValidationError(
            [
                Problem(
                    "time has missing values; every row needs a period",
                    column=time,
                    rows=tuple(int(r) + 2 for r in rows),
                )
            ]
        )
    if tkind == "date":
        uniq = np.unique(tval)
        tidx_row = np.searchsorted(uniq, tval)
        tlist = np.arange(1, len(uniq) + 1, dtype=float)
        time_labels = {i: pd.Timestamp(d).date().isoformat() for i, d in enumerate(uniq)}
        cser = data[cohort]
        if pd.api.types.is_datetime64_any_dtype(cser):
            cv = cser.to_numpy()
            cpos = np.searchsorted(uniq, cv)  # first period on or after the adoption date
            gval = np.where(pd.isna(cser).to_numpy(), 0.0, (cpos + 1).astype(float))
            gval[(~pd.isna(cser).to_numpy()) & (cpos >= len(uniq))] = 0.0
        else:
            raise DataValidationError(
                [
                    Problem(
                        f"time '{time}' holds dates, so cohort '{cohort}' must hold adoption dates too "
                        f"(NaT = never treated); got dtype {cser.dtype}",
                        column=cohort,
                    )
                ]
            )
        diags.append(
            Diagnostic(
                "dates_mapped",
                "info",
                dg.message(f"{_T}.dates_mapped", count=len(uniq)),
            )
        )
    else:
        tlist = np.unique(tval)
        tidx_row = np.searchsorted(tlist, tval)
        time_labels = None
        gv, _ = _period_values(data[cohort], f"cohort column '{cohort}'", cohort)
        gval = np.where(np.isnan(gv), 0.0, gv)
    if len(tlist) < 2:
        raise EstimationError(
            f"time '{time}' has a single period ({_fmtp(tlist[0])}); staggered DiD needs at "
            "least two periods."
        )

    # --- outcome (and covariates): a missing or infinite value leaves the row out
    y_all = data[outcome].to_numpy(dtype=float, na_value=np.nan)
    x_all = data[list(covariates)].to_numpy(dtype=float, na_value=np.nan) if covariates else None
    missing = np.isnan(y_all) | (np.isnan(x_all).any(axis=1) if covariates else False)
    infinite = ~missing & (np.isinf(y_all) | (np.isinf(x_all).any(axis=1) if covariates else False))
    unusable = missing | infinite
    if unusable.any():
        y_all = np.where(unusable, np.nan, y_all)
        if covariates:
            x_all = np.where(unusable[:, None], np.nan, x_all)
        diags.append(dg.rows_dropped(int(missing.sum()), int(infinite.sum()), len(data)))
    finite = y_all[np.isfinite(y_all)]
    if finite.size == 0 or np.ptp(finite) == 0:
        raise DataValidationError(
            [
                Problem(
                    "the outcome is constant (or all missing)"
                    + (f": every value is {finite[0]:g}" if finite.size else "")
                    + "; there is no variation to estimate an effect from. Check the outcome column.",
                    column=outcome,
                )
            ]
        )

    # --- units
    ucodes, uniq_units = pd.factorize(data[unit], use_na_sentinel=True)
    if (ucodes < 0).any():
        rows = np.flatnonzero(ucodes < 0)[:5]
        raise DataValidationError(
            [Problem("unit has missing values", column=unit, rows=tuple(int(r) + 2 for r in rows))]
        )
    n_units = len(uniq_units)
    # cohort must be constant within unit (absorbing treatment)
    gmin = np.full(n_units, np.inf)
    gmax = np.full(n_units, -np.inf)
    np.minimum.at(gmin, ucodes, gval)
    np.maximum.at(gmax, ucodes, gval)
    varying = np.flatnonzero(gmin != gmax)
    if len(varying):
        shown = [str(uniq_units[i]) for i in varying[:5]]
        raise DataValidationError(
            [
                Problem(
                    f"cohort (first treated period) varies within {len(varying)} unit(s): "
                    f"{', '.join(shown)}. Staggered DiD needs an absorbing treatment: one adoption "
                    "period per unit (a treatment that switches off or is re-dated is not allowed). "
                    "Use each unit's first adoption period.",
                    column=cohort,
                )
            ]
        )
    G_unit = gmin
    if cluster is not None:
        ccodes_row, cl_uniq = pd.factorize(data[cluster], use_na_sentinel=True)
        if (ccodes_row < 0).any():
            raise DataValidationError([Problem("cluster has missing values", column=cluster)])
        cmin = np.full(n_units, np.iinfo(np.int64).max)
        cmax = np.full(n_units, -1)
        np.minimum.at(cmin, ucodes, ccodes_row)
        np.maximum.at(cmax, ucodes, ccodes_row)
        bad = np.flatnonzero(cmin != cmax)
        if len(bad):
            raise DataValidationError(
                [
                    Problem(
                        f"cluster must be constant within unit (a coarser grouping such as the region); "
                        f"it varies within {len(bad)} unit(s): "
                        f"{', '.join(str(uniq_units[i]) for i in bad[:5])}",
                        column=cluster,
                    )
                ]
            )
        cl_unit = cmin
    else:
        cl_unit = np.arange(n_units)

    # --- duplicates (panel)
    if panel:
        key = ucodes.astype(np.int64) * len(tlist) + tidx_row
        counts = np.bincount(key, minlength=n_units * len(tlist))
        dup_keys = np.flatnonzero(counts > 1)
        if len(dup_keys):
            dup_rows = np.flatnonzero(np.isin(key, dup_keys))[:10]
            raise DataValidationError(
                [
                    Problem(
                        f"{len(dup_keys)} unit-period pair(s) appear more than once; a panel needs one "
                        f"row per {unit} and {time} (aggregate first, or pass panel=False for "
                        "respondent-level repeated cross-sections)",
                        column=unit,
                        rows=tuple(int(r) + 2 for r in dup_rows),
                        values=tuple(f"{data[unit].iat[r]}/{data[time].iat[r]}" for r in dup_rows),
                    )
                ]
            )

    # --- cohorts relative to the panel window
    t0, tT = tlist[0], tlist[-1]
    late = G_unit > tT
    if late.any():
        diags.append(
            Diagnostic(
                "cohort_after_panel",
                "info",
                dg.message(
                    f"{_T}.cohort_after_panel",
                    count=int(late.sum()),
                    last=dg.period_text(_fmtp(tT, time_labels)),
                ),
            )
        )
        G_unit = np.where(late, 0.0, G_unit)
    before = (G_unit != 0) & (G_unit < t0)
    first = (G_unit != 0) & (G_unit >= t0) & (G_unit <= t0 + anticipation)
    for mask, code, key in (
        (before, "treated_before_panel", "treated_before_panel"),
        (first, "cohort_without_pre_period", "treated_in_first_period"),
    ):
        if mask.any():
            gs = [dg.period_text(_fmtp(g, time_labels)) for g in np.unique(G_unit[mask])]
            cohorts = l10n.Bilingual.build(lambda lang, gs=gs: l10n.join(gs, lang))
            diags.append(
                Diagnostic(
                    code,
                    "warning",
                    dg.message(f"{_T}.{key}", count=int(mask.sum()), cohorts=cohorts),
                )
            )
    keep_unit = ~(before | first)
    if not keep_unit.any():
        raise EstimationError("No units left after dropping those treated in the first period.")

    row_keep = keep_unit[ucodes]
    if panel:
        new_index = np.cumsum(keep_unit) - 1
        uc = new_index[ucodes[row_keep]]
        n = int(keep_unit.sum())
        Y = np.full((n, len(tlist)), np.nan)
        Y[uc, tidx_row[row_keep]] = y_all[row_keep]
        X = None
        if covariates:
            X = np.full((len(tlist), n, len(covariates)), np.nan)
            xv = x_all[row_keep]
            X[tidx_row[row_keep], uc] = xv
        cl = cl_unit[keep_unit]
        codes, n_cl = _recode(cl) if cluster is not None else (None, n)
        n_obs = int(np.isfinite(Y).sum())
        if n_obs < Y.size:
            diags.append(
                Diagnostic(
                    "unbalanced_panel",
                    "info",
                    dg.message(f"{_T}.unbalanced_panel", count=Y.size - n_obs),
                )
            )
        return _Prepared(
            n,
            n_obs,
            G_unit[keep_unit],
            codes,
            n_cl,
            tlist,
            time_labels,
            Y=Y,
            X=X,
            diagnostics=diags,
            units=np.asarray(uniq_units, dtype=object)[keep_unit],
        )
    # repeated cross-sections: each row is an observation, clustered by unit (or cluster)
    y = y_all[row_keep]
    ok = np.isfinite(y)
    rows_G = G_unit[ucodes[row_keep]][ok]
    cl_rows = cl_unit[ucodes[row_keep]][ok]
    codes, n_cl = _recode(cl_rows)
    return _Prepared(
        int(ok.sum()),
        int(ok.sum()),
        rows_G,
        codes,
        n_cl,
        tlist,
        time_labels,
        y=y[ok],
        tidx=tidx_row[row_keep][ok],
        diagnostics=diags,
    )


def _recode(c: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniq = pd.factorize(c)
    return codes.astype(np.int64), len(uniq)


def _fmtp(v, labels: dict[int, Any] | None = None):
    if labels is not None:
        return labels.get(int(v) - 1, v)
    v = float(v)
    return int(v) if v.is_integer() else v


# ============================================================================ estimator
def staggered_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control_group: ControlGroup = "never_treated",
    covariates: list[str] | None = None,
    method: StaggeredMethod = "dr",
    base_period: BasePeriod = "varying",
    anticipation: int = 0,
    n_boot: int = 0,
    seed: int | None = None,
    cluster: str | None = None,
    level: float = 0.95,
    panel: bool = True,
    boot_weights: BootWeights = "mammen",
) -> StaggeredDiDResult:
    """Callaway & Sant'Anna (2021) group-time ATTs, matching R ``did::att_gt``.

    Parameters
    ----------
    data : DataFrame
        Long data: one row per unit and period (``panel=True``) or one row per
        respondent (``panel=False``). Not modified.
    outcome, unit, time, cohort : str
        Column names. ``time`` holds integer periods (years, semester numbers)
        or dates (mapped to consecutive period indices); ``cohort`` the first
        treated period (0 or missing = never treated; dates when ``time`` holds
        dates).
    control_group : {"never_treated", "not_yet_treated"}
    covariates : list of str, optional
        Pre-treatment covariates (values at the earlier period of each cell).
    method : {"dr", "reg", "ipw"}
        Doubly robust (R default), outcome regression or normalised IPW. All
        three coincide without covariates.
    base_period : {"varying", "universal"}
    anticipation : int
        Periods of anticipation before adoption.
    n_boot : int
        Multiplier-bootstrap draws; 0 = analytic SEs. With ``n_boot > 0`` the
        result carries uniform (simultaneous) bands.
    seed : int, optional
        Seed of the bootstrap (drawn once from the OS entropy when None and
        recorded in ``se_type`` so the run can be repeated).
    cluster : str, optional
        A variable constant within unit (e.g. region) to cluster at instead of
        the unit.
    level : float
        Confidence level.
    panel : bool
        False for repeated cross-sections (survey respondents): each row is an
        observation and ``unit`` (the agency) is the cluster.
    boot_weights : {"mammen", "rademacher"}

    Returns
    -------
    StaggeredDiDResult
        Headline = ``"simple"`` aggregation; ``.att_gt``, ``.aggregate()``,
        ``.pretrend_test()``.

    Raises
    ------
    DataValidationError
        Missing columns, duplicate unit-period rows, a cohort that varies within
        unit, non-integer periods, a constant outcome.
    EstimationError
        No never-treated units with ``control_group="never_treated"``, or no
        estimable cell.

    Examples
    --------
    >>> from innolab_analysis.estimators.staggered import _example_panel, staggered_did
    >>> res = staggered_did(_example_panel(), outcome="y", unit="unit", time="time", cohort="cohort")
    >>> round(res.estimate, 1)
    2.2
    """
    check_option("control_group", control_group, ControlGroup)
    check_option("method", method, StaggeredMethod)
    check_option("base_period", base_period, BasePeriod)
    check_option("boot_weights", boot_weights, BootWeights)
    if not (isinstance(anticipation, int | np.integer) and anticipation >= 0):
        raise ParamsError(f"anticipation must be a non-negative integer, got {anticipation!r}")
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 0):
        raise ParamsError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    dg.check_level(level)
    if covariates is not None and isinstance(covariates, str):
        covariates = [covariates]
    if not panel and covariates:
        raise EstimationError(
            "covariates with panel=False (repeated cross-sections) are not supported yet; "
            "aggregate the respondents to agency-period means and use panel=True, or drop "
            "the covariates."
        )
    prep = _prepare(
        data,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=covariates,
        cluster=cluster if panel else (cluster or unit),
        panel=panel,
        anticipation=anticipation,
    )
    diags = prep.diagnostics
    G = prep.G
    has_never = bool((G == 0).any())
    if control_group == "never_treated" and not has_never:
        raise EstimationError(
            f"control_group='never_treated' but no unit in '{cohort}' is never treated (0 or "
            "missing) within the panel window. Use control_group='not_yet_treated' to compare "
            "each cohort with the units that adopt later."
        )
    glist = np.unique(G[G != 0])
    if len(glist) == 0:
        raise EstimationError(f"No treated cohort in '{cohort}': every unit is never treated.")
    plan = core.plan_cells(prep.tlist, glist, base_period, anticipation)
    if prep.Y is not None:
        est = core.panel_att_gt(
            prep.Y,
            G,
            prep.tlist,
            plan.cells,
            control_group=control_group,
            anticipation=anticipation,
            X=prep.X,
            method=method,
        )
    else:
        est = core.rcs_att_gt(
            prep.y,
            prep.tidx,
            G,
            prep.tlist,
            plan.cells,
            control_group=control_group,
            anticipation=anticipation,
        )
    ok = np.isfinite(est.att)
    if not ok.any():
        raise EstimationError(
            "No group-time ATT could be estimated: no cell has both treated and control units "
            "observed in the period and its base period."
        )
    labels = prep.time_labels
    if (~ok).any():
        bad = [
            dg.message(
                f"{_T}.cell",
                cohort=dg.period_text(_fmtp(plan.cells[k].g, labels)),
                period=dg.period_text(_fmtp(prep.tlist[plan.cells[k].cur], labels)),
            )
            for k in np.flatnonzero(~ok)
        ]
        shown = l10n.Bilingual.build(lambda lang: l10n.Safe("; ".join(b[lang] for b in bad[:8])))
        diags.append(
            Diagnostic(
                "cells_not_estimable",
                "warning",
                dg.message(f"{_T}.cells_not_estimable", count=len(bad), cells=shown),
            )
        )
    cells = [c for c, o in zip(plan.cells, ok) if o]
    inf = est.inf if ok.all() else est.inf[:, ok]
    n_all = len(G)
    pgg = {float(g): float((G == g).sum() / n_all) for g in glist}
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31))
    fit = _Fit(
        cells=pd.DataFrame(
            {
                "cohort": [c.g for c in cells],
                "time": [prep.tlist[c.cur] for c in cells],
                "att": est.att[ok],
            }
        ),
        inf=inf,
        G=G,
        pgg=pgg,
        codes=prep.codes,
        n=n_all,
        n_clusters=prep.n_clusters,
        n_boot=int(n_boot),
        seed=int(seed),
        boot_weights=boot_weights,
        level=level,
        periods=prep.tlist,
        time_labels=labels,
    )
    att = est.att[ok]
    infer = fit.inference(att, inf)
    att_gt = pd.DataFrame(
        {
            "cohort": [_fmtp(c.g, labels) for c in cells],
            "time": [_fmtp(prep.tlist[c.cur], labels) for c in cells],
            "event_time": np.array([int(round(prep.tlist[c.cur] - c.g)) for c in cells], dtype=int),
            "att": att,
            "std_error": infer["std_error"],
            "ci_lower": infer["ci_lower"],
            "ci_upper": infer["ci_upper"],
            "p_value": infer["p_value"],
            "n_treated": est.n_treated[ok],
            "n_control": est.n_control[ok],
            "post": [c.post for c in cells],
            "time_index": [c.cur for c in cells],
        }
    )
    if n_boot > 0:
        att_gt["cband_lower"] = infer["cband_lower"]
        att_gt["cband_upper"] = infer["cband_upper"]

    # --- diagnostics
    cluster_name = cluster or unit
    for g in plan.dropped:
        if (G == g).any():
            diags.append(
                Diagnostic(
                    "cohort_without_pre_period",
                    "warning",
                    dg.message(
                        f"{_T}.cohort_without_pre_period", cohort=dg.period_text(_fmtp(g, labels))
                    ),
                )
            )
    diags += [
        d
        for d in [
            dg.few_clusters(
                prep.n_clusters, of_units=cluster is None, threshold=FEW_CLUSTERS,
                remedy="bootstrap",
            ),
            dg.small_groups(
                {_fmtp(g, labels): int((G == g).sum()) for g in glist},
                threshold=FEW_UNITS,
                never=int((G == 0).sum()) if has_never else None,
            ),
        ]
        if d
    ]  # fmt: skip

    pretrend = _pretrend(fit, att, inf, np.array([not c.post for c in cells]), level, diags)
    if pretrend is not None and pretrend.rejects:
        diags.append(Diagnostic("pretrend_rejected", "warning", pretrend.text))

    main = StaggeredDiDResult(
        method="staggered_did",
        outcome=outcome,
        estimate=np.nan,
        std_error=np.nan,
        ci_lower=np.nan,
        ci_upper=np.nan,
        p_value=np.nan,
        n_obs=prep.n_obs,
        se_type=_se_words(fit, cluster_name),
        terms=pd.DataFrame(),
        text=l10n.Bilingual(id="", en=""),
        diagnostics=tuple(diags),
        level=level,
        title="Staggered DiD (Callaway & Sant'Anna)",
        att_gt=att_gt,
        pretrend=pretrend,
        _fit=fit,
        _cluster_name=cluster_name,
    )
    simple = _aggregate(main, "simple")
    gt_terms = pd.DataFrame(
        {
            "term": [f"ATT({c},{t})" for c, t in zip(att_gt["cohort"], att_gt["time"])],
            "estimate": att_gt["att"],
            "std_error": att_gt["std_error"],
            "ci_lower": att_gt["ci_lower"],
            "ci_upper": att_gt["ci_upper"],
            "p_value": att_gt["p_value"],
        }
    )
    terms = pd.concat([simple.terms, gt_terms], ignore_index=True)
    return _replace(
        main,
        estimate=simple.estimate,
        std_error=simple.std_error,
        ci_lower=simple.ci_lower,
        ci_upper=simple.ci_upper,
        p_value=simple.p_value,
        terms=terms,
        text=_main_text(simple, att_gt, outcome, level, pretrend, n_all, panel),
    )


def _replace(obj, **kw):
    import dataclasses

    return dataclasses.replace(obj, **kw)


def _pretrend(fit, att, inf, pre, level, diags) -> PretrendTest | None:
    if not pre.any():
        return None
    S = fit.S(inf[:, pre])
    if np.count_nonzero(S) < 0.05 * S.size:  # influence functions are mostly zero: sparse Gram
        from scipy import sparse

        Ssp = sparse.csc_matrix(S)
        V = (Ssp.T @ Ssp).toarray() / fit.n**2
    else:
        V = S.T @ S / fit.n**2
    a = att[pre]
    from scipy import linalg

    try:
        chol = linalg.cho_factor(V, lower=True, check_finite=False)
        d = np.diag(chol[0]) ** 2
        # singular: relative to the largest variance, or a standard error that is numerically
        # zero beside the effects themselves (|t| above 1e8 only comes from round-off)
        scale = max(float(np.abs(a).max()), float(np.sqrt(d.max())))
        singular = bool(d.min() <= d.max() * np.finfo(float).eps * len(d)) or bool(
            np.sqrt(d.min()) <= 1e-8 * scale
        )
    except linalg.LinAlgError:
        singular = True
    if singular:
        diags.append(
            Diagnostic(
                "pretrend_singular",
                "info",
                dg.message(f"{_T}.pretrend_singular"),
            )
        )
        return None
    W = float(a @ linalg.cho_solve(chol, a, check_finite=False))
    df = int(pre.sum())
    p = float(stats.chi2.sf(W, df))
    alpha = 1 - level
    key = "pretrend_rejects" if p < alpha else "pretrend_not_rejected"
    txt = dg.message(f"{_T}.{key}", statistic=W, df=df, p=p)
    return PretrendTest(statistic=W, df=df, p_value=p, level=level, text=txt)


def _main_text(simple, att_gt, outcome, level, pretrend, n, panel) -> l10n.Bilingual:
    sig = simple.p_value < 1 - level
    head = dg.message(
        f"{_T}.main_text" if panel else f"{_T}.main_text_rcs",
        outcome=outcome, estimate=simple.estimate, se=simple.std_error, level=level,
        lower=simple.ci_lower, upper=simple.ci_upper, cohorts=att_gt["cohort"].nunique(), count=n,
    )  # fmt: skip
    reading = dg.message(f"{_T}.interval_excludes_zero" if sig else f"{_T}.interval_includes_zero")
    return dg.sentences(head, reading, pretrend.text if pretrend is not None else None)


# ============================================================================ aggregation
def _wif_att(fit: _Fit, g_keep: np.ndarray, pg_keep: np.ndarray, att_keep: np.ndarray):
    """R ``did:::wif(...) %*% att``: the influence of estimating the weights, O(n)."""
    s = pg_keep.sum()
    ga = pd.Series(att_keep).groupby(g_keep).sum()
    gc = pd.Series(np.ones(len(g_keep))).groupby(g_keep).sum()
    A = pd.Series(fit.G).map(ga).fillna(0.0).to_numpy()
    C = pd.Series(fit.G).map(gc).fillna(0.0).to_numpy()
    pa = float(pg_keep @ att_keep)
    return (A - pa) / s - (C - pg_keep.sum()) * pa / s**2


def _agg_cols(fit: _Fit, keep: np.ndarray, weighted: bool):
    cells = fit.cells
    att = cells["att"].to_numpy()[keep]
    g = cells["cohort"].to_numpy()[keep]
    if weighted:
        pg = np.array([fit.pgg[float(x)] for x in g])
        w = pg / pg.sum()
        est = float(w @ att)
        psi = fit.inf[:, keep] @ w + _wif_att(fit, g, pg, att)
    else:
        w = np.full(len(att), 1 / len(att))
        est = float(w @ att)
        psi = fit.inf[:, keep] @ w
    return est, psi


def _aggregate(res: StaggeredDiDResult, kind: str, *, min_e=None, max_e=None, balance_e=None):
    fit = res._fit
    cells = fit.cells
    g = cells["cohort"].to_numpy()
    t = cells["time"].to_numpy()
    e = np.round(t - g).astype(int)
    max_e_ = np.inf if max_e is None else max_e
    min_e_ = -np.inf if min_e is None else min_e
    labels = fit.time_labels
    rows: list[tuple[str, Any, float, np.ndarray]] = []
    extra_col = None
    if kind == "simple":
        keep = (g <= t) & (t <= g + max_e_)
        if not keep.any():
            raise EstimationError("No post-treatment group-time cell to aggregate.")
        est, psi = _agg_cols(fit, keep, weighted=True)
        overall = (est, psi)
    elif kind == "group":
        extra_col = "cohort"
        glist = [x for x in np.unique(g) if ((g == x) & (x <= t) & (t <= x + max_e_)).any()]
        if not glist:
            raise EstimationError("No cohort has a post-treatment cell to aggregate.")
        ests, psis = [], []
        for x in glist:
            est, psi = _agg_cols(fit, (g == x) & (x <= t) & (t <= x + max_e_), weighted=False)
            rows.append((f"cohort {_fmtp(x, labels)}", _fmtp(x, labels), est, psi))
            ests.append(est)
            psis.append(psi)
        gl = np.array(glist)
        pg = np.array([fit.pgg[float(x)] for x in gl])
        w = pg / pg.sum()
        a = np.array(ests)
        overall = (float(w @ a), np.column_stack(psis) @ w + _wif_att(fit, gl, pg, a))
    elif kind == "dynamic":
        extra_col = "event_time"
        incl = np.ones(len(e), dtype=bool)
        eseq = np.unique(e)
        if balance_e is not None:
            t_max = fit.periods[-1]
            incl = (t_max - g) >= balance_e
            eseq = np.unique(e[incl])
            eseq = eseq[(eseq <= balance_e) & (eseq >= balance_e - t_max + fit.periods[0])]
        eseq = eseq[(eseq >= min_e_) & (eseq <= max_e_)]
        if len(eseq) == 0:
            raise EstimationError(
                f"No event time left in the window min_e={min_e}, max_e={max_e}, "
                f"balance_e={balance_e}; available event times: {sorted(set(e.tolist()))}."
            )
        for ev in eseq:
            est, psi = _agg_cols(fit, (e == ev) & incl, weighted=True)
            rows.append((f"e={int(ev)}", int(ev), est, psi))
        post = [r for r in rows if r[1] >= 0]
        if not post:
            raise EstimationError("No post-treatment event time (e >= 0) in the window.")
        overall = (
            float(np.mean([r[2] for r in post])),
            np.column_stack([r[3] for r in post]).mean(1),
        )
    else:  # calendar
        extra_col = "time"
        for x in np.unique(t[t >= g.min()]):
            keep = (t == x) & (g <= t)
            if keep.any():
                est, psi = _agg_cols(fit, keep, weighted=True)
                rows.append((f"t={_fmtp(x, labels)}", _fmtp(x, labels), est, psi))
        if not rows:
            raise EstimationError("No post-treatment period to aggregate.")
        overall = (
            float(np.mean([r[2] for r in rows])),
            np.column_stack([r[3] for r in rows]).mean(1),
        )

    o_inf = fit.inference(np.array([overall[0]]), overall[1][:, None])
    crit = None
    vcov = None
    if kind == "simple":
        terms = pd.DataFrame({"term": ["ATT (simple)"], "estimate": [overall[0]]})
        for c in ("std_error", "ci_lower", "ci_upper", "p_value"):
            terms[c] = o_inf[c]
    else:
        est_arr = np.array([r[2] for r in rows])
        inf_t = fit.inference(est_arr, np.column_stack([r[3] for r in rows]))
        terms = pd.DataFrame({"term": [r[0] for r in rows]})
        terms[extra_col] = np.array(
            [r[1] for r in rows], dtype=int if kind == "dynamic" else object
        )
        terms["estimate"] = est_arr
        for c in ("std_error", "ci_lower", "ci_upper", "p_value"):
            terms[c] = inf_t[c]
        if kind == "dynamic":
            S = fit.S(np.column_stack([r[3] for r in rows]))
            vcov = pd.DataFrame(S.T @ S / fit.n**2, index=terms["term"], columns=terms["term"])
        if fit.n_boot > 0:
            terms["cband_lower"] = inf_t["cband_lower"]
            terms["cband_upper"] = inf_t["cband_upper"]
            crit = float(inf_t["_crit"][0])
    est0 = overall[0]
    se0 = float(o_inf["std_error"][0])
    lo, hi, p = (
        normal_inference(est0, se0, fit.level)
        if fit.n_boot == 0
        else (float(o_inf["ci_lower"][0]), float(o_inf["ci_upper"][0]), float(o_inf["p_value"][0]))
    )
    text = dg.message(
        f"{_T}.aggregate_text", what=dg.message(f"{_T}.aggregate_{kind}"), estimate=est0, se=se0,
        level=fit.level, lower=lo, upper=hi,
    )  # fmt: skip
    return StaggeredAggregate(
        method=f"staggered_did_{kind}",
        outcome=res.outcome,
        estimate=est0,
        std_error=se0,
        ci_lower=lo,
        ci_upper=hi,
        p_value=p,
        n_obs=res.n_obs,
        se_type=res.se_type,
        terms=terms,
        text=text,
        diagnostics=res.diagnostics,
        level=fit.level,
        title=f"Staggered DiD — {kind} aggregation",
        kind=kind,
        uniform_crit=crit,
        vcov=vcov,
    )


# ============================================================================ example data
def _example_panel(n_per: int = 10, effect: float = 2.0, seed: int = 0) -> pd.DataFrame:
    """A small seeded staggered panel (for docstrings): cohorts 4, 6 and never.

    Outcomes are unit + period effects + N(0, 0.5²) noise, plus ``effect``
    from the adoption period on, so every post-treatment ATT(g, t) is
    ``effect`` in expectation.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(3 * n_per):
        coh = (4, 6, 0)[i // n_per]
        for t in range(1, 8):
            y = 10 + 0.5 * i + 0.3 * t**1.5 + (effect if coh and t >= coh else 0.0)
            rows.append((f"a{i:02d}", t, coh, y + rng.normal(0, 0.5)))
    return pd.DataFrame(rows, columns=["unit", "time", "cohort", "y"])
