"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021, AER).

SDID reweights the control units so that their pre-period path is parallel to
the treated units' (unit weights ``ω`` with an intercept, ridge-regularised
with ``ζ = (N_tr T_post)^{1/4} σ̂``), reweights the pre-periods so that they
resemble the post-period for the controls (time weights ``λ``), and takes the
weighted double difference. It needs neither an exact synthetic match (as the
synthetic control does) nor parallel trends of the raw averages (as DiD does).
The weights are solved exactly as the reference R package ``synthdid`` solves
them (:mod:`~innolab_analysis.estimators._sdid_fit`), so the estimates agree
with it to solver precision; the synthetic-control and DiD estimates of the
paper's Table 1 are computed beside it on the same data (``.comparison``).

Several treated units adopting at different dates (staggered adoption) are
handled as in the paper's appendix and Stata ``sdid``: one SDID per adoption
cohort against the never-treated units, averaged with weights proportional to
each cohort's treated unit-periods ``N_tr · T_post``.

Standard errors (:mod:`~innolab_analysis.estimators._sdid_se`): placebo
(Algorithm 4, the default with one treated unit), bootstrap (Algorithm 2, the
default otherwise) and jackknife (Algorithm 3; undefined with one treated
unit). Intervals and p-values use the normal reference, as the paper does.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import (
    DataValidationError,
    EstimationError,
    ParamsError,
    Problem,
    check_level,
    check_option,
    close_names,
)
from innolab_analysis.estimators import _sdid_se as se_mod
from innolab_analysis.estimators._result import Diagnostic, EffectResult, normal_inference
from innolab_analysis.estimators._sdid_fit import noise_level
from innolab_analysis.options import Language, MissingPolicy, SdidPlotKind, SdidSe

__all__ = ["SdidCohort", "SyntheticDidResult", "synthetic_did"]

ESTIMATORS = ("sdid", "sc", "did")
"""Rows of ``.comparison``, as in Arkhangelsky et al. (2021) Table 1."""


@dataclass(frozen=True)
class SdidCohort:
    """One adoption cohort of a synthetic-DiD fit.

    Attributes
    ----------
    label : the first treated period.
    treated_units : tuple of the cohort's units.
    n_pre, n_post : int
        Periods before and from the adoption.
    estimate : float
        The cohort's SDID estimate.
    weight : float
        Its share of the aggregate (``N_tr·T_post`` normalised).
    unit_weights : Series
        ``ω`` over the control units.
    time_weights : Series
        ``λ`` over the pre-periods.
    treated_path, synthetic_path : Series
        Average outcome of the cohort's treated units, and the ω-weighted
        control path shifted by the intercept that makes the two agree on the
        λ-weighted pre-period (the paper's Figure 1).
    effects : Series
        Effect per post period (event time 0, 1, …).
    pre_rmse : float
        Root mean squared gap between the two paths before adoption.
    std_error : float
        The cohort's own standard error, from the same placebo, bootstrap or
        jackknife replications as the aggregate (NaN without them, and for the
        jackknife when the cohort has one treated unit).
    """

    label: Any
    treated_units: tuple
    n_pre: int
    n_post: int
    estimate: float
    weight: float
    unit_weights: pd.Series
    time_weights: pd.Series
    treated_path: pd.Series
    synthetic_path: pd.Series
    effects: pd.Series
    pre_rmse: float
    std_error: float = math.nan


@dataclass(frozen=True, kw_only=True)
class SyntheticDidResult(EffectResult):
    """Result of :func:`synthetic_did` (frozen).

    Attributes
    ----------
    cohorts : tuple of SdidCohort
        One per adoption date (one when every treated unit starts together).
    unit_weights, time_weights : DataFrame
        ``ω`` (controls × cohorts) and ``λ`` (pre-periods × cohorts).
    comparison : DataFrame
        Rows ``sdid``, ``sc``, ``did`` (Table 1 of the paper): ``estimate,
        std_error, ci_lower, ci_upper, p_value`` with the same standard-error
        method for all three.
    replications : DataFrame
        The replicated SDID, SC and DiD estimates behind the standard errors.
    se_method : str
        ``placebo``, ``bootstrap``, ``jackknife`` or ``none``.
    noise_level : float
        ``σ̂`` of the (first) cohort.
    """

    treated_units: tuple
    intervention: Any
    cohorts: tuple[SdidCohort, ...]
    unit_weights: pd.DataFrame
    time_weights: pd.DataFrame
    comparison: pd.DataFrame
    replications: pd.DataFrame = field(default_factory=pd.DataFrame)
    se_method: str = "placebo"
    noise_level: float = math.nan

    def plot(
        self,
        ax=None,
        *,
        kind: SdidPlotKind = "paths",
        cohort: int = 0,
        language: Language = "en",
    ):
        """Draw the result on ``ax`` (created when None) and return the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        kind : {"paths", "weights", "time_weights", "effects", "comparison"}
            ``paths``: treated and synthetic trajectories with the time weights
            under them; ``weights``: the largest unit weights; ``time_weights``:
            ``λ`` by period; ``effects``: effect by event time with intervals;
            ``comparison``: SDID, SC and DiD side by side.
        cohort : int
            Which cohort ``paths``, ``weights`` and ``time_weights`` show.
        language : {"id", "en"}
        """
        from innolab_analysis._plotting import axes_or_new, plot_style
        from innolab_analysis.estimators import _sdid_plots

        check_option("kind", kind, SdidPlotKind)
        if not 0 <= cohort < len(self.cohorts):
            raise ParamsError(
                f"cohort must be between 0 and {len(self.cohorts) - 1} (the result has "
                f"{len(self.cohorts)} cohort(s)), got {cohort!r}"
            )
        with plot_style():
            ax = axes_or_new(ax)
            _sdid_plots.DRAW[kind](self, ax, language, cohort)
        return ax

    def _draw(self, ax, language: str) -> None:  # pragma: no cover - plot() overrides
        from innolab_analysis.estimators import _sdid_plots

        _sdid_plots.DRAW["paths"](self, ax, language, 0)


# ----------------------------------------------------------------------------- input
def _as_list(x: Any) -> list:
    if isinstance(x, (str, bytes)) or not isinstance(x, (Sequence, np.ndarray, pd.Index)):
        return [x]
    return list(x)


def _panel(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated: list,
    adoption: dict,
    donors: Sequence | None,
    missing: MissingPolicy,
) -> tuple[pd.DataFrame, list[Diagnostic]]:
    """Wide outcomes (units × periods, controls first) after the checks; diagnostics of drops."""
    from innolab_analysis import l10n
    from innolab_analysis.estimators._diagnostics import (
        require_columns,
        require_numeric,
        require_unique,
    )

    require_columns(data, {"outcome": outcome, "unit": unit, "time": time})
    if len(data) == 0:
        raise DataValidationError(
            "the data have no rows; synthetic_did expects a long panel with one row per unit "
            f"and period (columns {unit!r}, {time!r}, {outcome!r})"
        )
    require_numeric(data, [outcome])
    require_unique(data, [unit, time])
    y = pd.to_numeric(data[outcome], errors="coerce").astype(float)
    if not np.isfinite(y.to_numpy()).any():
        raise DataValidationError(
            [
                Problem(
                    "every outcome value is missing or not finite; synthetic_did expects "
                    "numbers in the outcome column",
                    column=outcome,
                )
            ]
        )
    units = pd.unique(data[unit])
    problems = [
        Problem(f"treated unit {u!r} is not in the data; {close_names(u, units)}", column=unit)
        for u in treated
        if u not in set(units)
    ]
    if donors is not None:
        problems += [
            Problem(f"donor {d!r} is not in the data; {close_names(d, units)}", column=unit)
            for d in donors
            if d not in set(units)
        ]
        problems += [
            Problem(f"{u!r} is both treated and a donor; remove it from donors", column=unit)
            for u in treated
            if u in set(donors)
        ]
    if problems:
        raise DataValidationError(problems)

    wide = (
        pd.DataFrame({"u": data[unit].to_numpy(), "t": data[time].to_numpy(), "y": y.to_numpy()})
        .pivot(index="u", columns="t", values="y")
        .sort_index(axis=1)
    )
    periods = list(wide.columns)
    for u, a in adoption.items():
        try:
            first, ok = periods[0], periods[0] < a <= periods[-1]
        except TypeError:
            problems.append(
                Problem(
                    f"intervention {a!r} for {u!r} cannot be compared with the periods of "
                    f"column {time!r} (from {periods[0]!r} to {periods[-1]!r}); pass a period "
                    "of the same type",
                    column=time,
                )
            )
            continue
        if not ok:
            problems.append(
                Problem(
                    f"intervention {a!r} for {u!r} must be after the first period and not "
                    f"after the last: the data run from {first!r} to {periods[-1]!r}",
                    column=time,
                )
            )
    if problems:
        raise DataValidationError(problems)
    controls = [u for u in (donors if donors is not None else wide.index) if u not in treated]
    wide = wide.loc[[*controls, *treated]]
    bad = ~np.isfinite(wide.to_numpy())
    diagnostics = []
    if bad.any():
        bad_rows = bad.any(axis=1)
        bad_treated = [u for u, b in zip(wide.index, bad_rows) if b and u in treated]
        if bad_treated:
            raise DataValidationError(
                [
                    Problem(
                        f"treated unit {u!r} has no finite outcome in period(s) "
                        f"{[periods[j] for j in np.flatnonzero(bad[list(wide.index).index(u)])][:8]}; "
                        "synthetic DiD needs a balanced panel: fill the values or drop the unit",
                        column=outcome,
                    )
                    for u in bad_treated
                ]
            )
        dropped = [u for u, b in zip(wide.index, bad_rows) if b]
        if missing == "raise":
            raise DataValidationError(
                [
                    Problem(
                        f"{len(dropped)} control unit(s) have missing or non-finite outcomes "
                        f"({int(bad.sum())} unit-periods), e.g. {dropped[:5]}; synthetic DiD "
                        "needs a balanced panel: fill them, remove the units, or pass "
                        "missing='drop'",
                        column=outcome,
                    )
                ]
            )
        wide = wide.loc[~bad_rows]
        diagnostics.append(
            Diagnostic(
                "controls_dropped_missing",
                "warning",
                l10n.bilingual(
                    "estimators_sdid.controls_dropped",
                    count=len(dropped),
                    cells=int(bad.sum()),
                    units=l10n.join(dropped[:8], "en"),
                ),
            )
        )
    return wide, diagnostics


# ----------------------------------------------------------------------------- public API
def synthetic_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treated_unit: Hashable | Sequence[Hashable],
    intervention: Any | Mapping[Hashable, Any],
    donors: Sequence | None = None,
    se: SdidSe = "auto",
    replications: int | None = None,
    seed: int | None = 2018,
    missing: MissingPolicy = "raise",
    level: float = 0.95,
    comparison_se: bool = True,
) -> SyntheticDidResult:
    """Estimate an intervention's effect by synthetic difference-in-differences.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period; balanced. Not modified.
    outcome, unit, time : str
        Column names; ``time`` must be orderable.
    treated_unit : hashable or sequence
        The treated unit, or several.
    intervention : scalar or mapping
        The first treated period, common to every treated unit, or a mapping
        ``unit → first treated period`` (staggered adoption: one cohort per date).
    donors : sequence, optional
        The control units; default every unit that is not treated.
    se : {"auto", "placebo", "bootstrap", "jackknife", "none"}
        ``auto`` is the placebo with one treated unit, the bootstrap otherwise.
    replications : int or None
        Placebo or bootstrap draws; None means 200 (R ``synthdid``'s default),
        except for the placebo with one treated unit, where None takes every
        control once as the placebo (the limit of many draws, deterministic)
        and an integer draws that many shuffles as R does.
    seed : int, optional
        Seed of the draws.
    missing : {"raise", "drop"}
        Control units with missing or non-finite outcomes: raise (default) or
        drop them (a diagnostic says how many). Treated units may not miss any.
    level : float
        Confidence level of the normal intervals.
    comparison_se : bool
        Also refit SC and DiD in every placebo or bootstrap draw, for their
        standard errors in ``.comparison`` (Table 1 of the paper). False
        computes SDID's alone (about a third of the work); the SC and DiD
        estimates are always there, their standard errors are then missing.

    Returns
    -------
    SyntheticDidResult
        Headline ``att``; event-time rows ``e=0``, ``e=1`` …; with several
        cohorts also ``cohort=<date>`` rows. ``.comparison`` holds SDID, SC and DiD.

    Raises
    ------
    DataValidationError
        Empty data, missing columns, duplicate rows, unknown units, an
        intervention outside the data, non-finite outcomes (unless dropped).
    ParamsError
        Invalid options or ``level``.
    EstimationError
        Too few controls or pre-periods.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> years = np.arange(2010, 2024)
    >>> rows = [(f"kota_{i}", y, 60 + i + 0.5 * (y - 2010) + rng.normal(0, 0.3))
    ...         for i in range(12) for y in years]
    >>> df = pd.DataFrame(rows, columns=["kota", "year", "ikm"])
    >>> df.loc[(df.kota == "kota_0") & (df.year >= 2019), "ikm"] += 3.0
    >>> res = synthetic_did(df, outcome="ikm", unit="kota", time="year",
    ...                     treated_unit="kota_0", intervention=2019)
    >>> round(res.estimate, 1), res.se_method
    (3.2, 'placebo')
    >>> res.comparison.index.tolist()
    ['sdid', 'sc', 'did']
    """
    check_option("se", se, SdidSe)
    check_option("missing", missing, MissingPolicy)
    level = check_level(level)
    if not isinstance(comparison_se, bool):
        raise ParamsError(f"comparison_se must be True or False, got {comparison_se!r}")
    if replications is not None and not (isinstance(replications, int) and replications >= 2):
        raise ParamsError(
            f"replications must be an integer of at least 2 or None, got {replications!r}"
        )
    treated = _as_list(treated_unit)
    if not treated:
        raise ParamsError("treated_unit is empty; name at least one treated unit")
    if isinstance(intervention, Mapping):
        missing_dates = [u for u in treated if u not in intervention]
        if missing_dates:
            raise ParamsError(
                f"intervention is a mapping but has no date for treated unit(s) {missing_dates}"
            )
        adoption = {u: intervention[u] for u in treated}
    else:
        adoption = dict.fromkeys(treated, intervention)

    wide, diagnostics = _panel(data, outcome, unit, time, treated, adoption, donors, missing)
    periods = list(wide.columns)
    controls = [u for u in wide.index if u not in treated]
    n0 = len(controls)
    if n0 < 2:
        raise EstimationError(
            f"synthetic DiD needs at least 2 control units with complete outcomes, got {n0}; "
            "add untreated units (or donors)"
        )
    pos = {u: i for i, u in enumerate(wide.index)}
    dates = sorted(set(adoption.values()))
    cohorts = []
    for a in dates:
        t0 = int(sum(p < a for p in periods))
        members = [u for u in treated if adoption[u] == a]
        if t0 < 2:
            raise EstimationError(
                f"the cohort starting at {a!r} has {t0} pre-period(s); synthetic DiD needs at "
                "least 2 (to estimate the noise level from first differences)"
            )
        cohorts.append((a, members, t0))
    Y = wide.to_numpy(dtype=float)
    design = se_mod.Design(
        Y,
        np.arange(n0),
        tuple(se_mod.Cohort(np.array([pos[u] for u in m]), t0) for _, m, t0 in cohorts),
    )
    tuning: dict[str, list[dict]] = {k: [] for k in ESTIMATORS}
    sigmas = []
    for c in design.cohorts:
        sigma = noise_level(Y[:n0], n0, c.t0)
        if not (np.isfinite(sigma) and sigma > 0):
            raise DataValidationError(
                [
                    Problem(
                        "the control units' outcomes do not change before the intervention "
                        "(noise level 0), so the weights cannot be regularised; check the outcome "
                        "column",
                        column=outcome,
                    )
                ]
            )
        sigmas.append(sigma)
        n_post = Y.shape[1] - c.t0
        base = {"zeta_lambda": 1e-6 * sigma, "min_decrease": 1e-5 * sigma}
        tuning["sdid"].append({**base, "zeta_omega": (c.treated.size * n_post) ** 0.25 * sigma})
        tuning["sc"].append({**base, "zeta_omega": 1e-6 * sigma})
        tuning["did"].append({**base, "zeta_omega": 0.0})
    fitted = se_mod.fit_design(design, tuning)
    n_tr = [c.treated.size for c in design.cohorts]
    n_post = [Y.shape[1] - c.t0 for c in design.cohorts]
    horizon = max(n_post)
    point = {k: se_mod.aggregate(fitted[k], n_tr, n_post, horizon) for k in ESTIMATORS}

    # --- standard errors
    n_treated = sum(n_tr)
    method = se
    if se == "auto":
        method = "placebo" if n_treated == 1 else "bootstrap"
    rng = np.random.default_rng(seed)
    reps = None
    kinds = ESTIMATORS if comparison_se else ("sdid",)
    from innolab_analysis.estimators import _sdid_text as tx

    if method == "placebo":
        if n0 <= n_treated:
            raise EstimationError(
                f"the placebo standard error needs more controls ({n0}) than treated units "
                f"({n_treated}); use se='bootstrap' or se='jackknife'"
            )
        draws = None if (n_treated == 1 and replications is None) else (replications or 200)
        reps = se_mod.placebo(design, tuning, fitted, horizon, draws, rng, kinds)
    elif method == "bootstrap":
        if n_treated == 1:
            diagnostics.append(tx.se_undefined("bootstrap"))
        else:
            reps = se_mod.bootstrap(
                design, tuning, fitted, horizon, replications or 200, rng, kinds
            )
    elif method == "jackknife":
        jk = se_mod.jackknife(design, fitted, horizon)
        if jk["sdid"] is None:
            diagnostics.append(tx.se_undefined("jackknife"))
        else:
            reps = {k: jk[k] for k in kinds}

    comparison_rows = []
    se_curve = np.full(horizon, np.nan)
    rep_frame = pd.DataFrame()
    for k in ESTIMATORS:
        att = point[k][0]
        s = math.nan
        if reps is not None and reps.get(k) is not None:
            s = se_mod.replication_se(reps[k][0], method)
            if k == "sdid":
                se_curve = np.array(
                    [se_mod.replication_se(reps[k][1][:, e], method) for e in range(horizon)]
                )
        lo, hi, p = normal_inference(att, s, level)
        comparison_rows.append((k, att, s, lo, hi, p))
    if reps is not None:
        rep_frame = pd.DataFrame(
            {k: reps[k][0] for k in ESTIMATORS if reps.get(k) is not None}
        ).rename_axis("replication")
    comparison = pd.DataFrame(
        comparison_rows,
        columns=["estimator", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"],
    ).set_index("estimator")

    # --- cohorts, paths and terms
    total_w = float(sum(a * b for a, b in zip(n_tr, n_post)))
    cohort_objs = []
    pidx = pd.Index(periods, name=time)
    cohort_se = [math.nan] * len(cohorts)
    if reps is not None and reps.get("sdid") is not None and len(cohorts) > 1:
        cohort_se = [
            se_mod.replication_se(reps["sdid"][2][:, j], method) for j in range(len(cohorts))
        ]
    for (label, members, t0), c, f, c_se in zip(cohorts, design.cohorts, fitted["sdid"], cohort_se):
        tr_path = Y[c.treated].mean(axis=0)
        co_path = f.omega @ Y[:n0]
        shift = float((tr_path[:t0] - co_path[:t0]) @ f.lambda_)
        synth = co_path + shift
        pre_rmse = float(np.sqrt(np.mean((tr_path[:t0] - synth[:t0]) ** 2)))
        cohort_objs.append(
            SdidCohort(
                label=label,
                treated_units=tuple(members),
                n_pre=t0,
                n_post=len(periods) - t0,
                estimate=f.estimate,
                weight=c.treated.size * (len(periods) - t0) / total_w,
                unit_weights=pd.Series(f.omega, index=pd.Index(controls, name=unit), name="omega"),
                time_weights=pd.Series(f.lambda_, index=pidx[:t0], name="lambda"),
                treated_path=pd.Series(tr_path, index=pidx, name="treated"),
                synthetic_path=pd.Series(synth, index=pidx, name="synthetic"),
                effects=pd.Series(
                    f.curve, index=pd.RangeIndex(f.curve.size, name="e"), name="effect"
                ),
                pre_rmse=pre_rmse,
                std_error=float(c_se),
            )
        )
    att, curve = point["sdid"]
    head = comparison.loc["sdid"]
    rows = [("att", att, head["std_error"], head["ci_lower"], head["ci_upper"], head["p_value"])]
    for e in range(horizon):
        lo, hi, p = normal_inference(float(curve[e]), float(se_curve[e]), level)
        rows.append((f"e={e}", float(curve[e]), float(se_curve[e]), lo, hi, p))
    if len(cohort_objs) > 1:
        for co in cohort_objs:
            lo, hi, p = normal_inference(co.estimate, co.std_error, level)
            rows.append((f"cohort={co.label}", co.estimate, co.std_error, lo, hi, p))
    terms = pd.DataFrame(
        rows, columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
    )
    unit_w = pd.DataFrame(
        {co.label: co.unit_weights for co in cohort_objs}, index=pd.Index(controls, name=unit)
    )
    time_w = pd.DataFrame({co.label: co.time_weights for co in cohort_objs})

    diagnostics += tx.diagnostics(
        n_treated=n_treated,
        n_controls=n0,
        cohorts=cohort_objs,
        method=method,
        se=se,
        n_reps=len(rep_frame),
        level=level,
        cohort_se_missing=reps is not None and len(cohort_objs) > 1,
    )
    enumerated = method == "placebo" and n_treated == 1 and replications is None
    se_type = tx.se_type(method, len(rep_frame), seed, level, enumerated=enumerated)
    text = tx.text(outcome, treated, att, head, comparison, level, len(cohort_objs))
    return SyntheticDidResult.from_terms(
        terms,
        method="synthetic_did",
        outcome=outcome,
        n_obs=int(Y.size),
        se_type=se_type,
        text=text,
        diagnostics=tuple(diagnostics),
        level=level,
        title="Synthetic difference-in-differences",
        treated_units=tuple(treated),
        intervention=intervention,
        cohorts=tuple(cohort_objs),
        unit_weights=unit_w,
        time_weights=time_w,
        comparison=comparison,
        replications=rep_frame,
        se_method=method if reps is not None else "none",
        noise_level=float(sigmas[0]),
    )
