"""Minimum detectable effect by simulation on the user's own panel.

:func:`minimum_detectable_effect` answers "can 30 agencies observed for two
semesters before and after detect a 2-point IKM change?" for the DiD
(``"did"``), staggered DiD (``"staggered"``) and interrupted time series
(``"its"``) designs:

1. the outcome is residualised on unit and period effects (and the
   treated-after indicator, so the real effect does not leak into the noise);
   for ITS, on the pre-trend line with a level and slope change;
2. null data sets keep the panel's structure (units, periods, cohorts,
   missing cells, cluster sizes) and draw *whole unit residual paths* with
   replacement (block bootstrap, so serial correlation is kept; ITS uses a
   moving-block bootstrap of the residual series);
3. the estimator is run once on each null data set. Planting an effect δ on
   every treated-after cell shifts these linear estimators by exactly δ and
   leaves their standard error unchanged (tested), so the rejection rate for
   any δ follows from the same fits: ``|estimate + δ| > crit · se``;
4. power rises with δ; the MDE is the smallest δ with power ≥ target
   (linear interpolation on a fine grid).

``mde_analytic`` is the textbook ``(z_{1-α/2} + z_{power}) · SE`` with the
standard error of the estimator on the observed design.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import get_args

import numpy as np
import pandas as pd
from scipy import stats

from innolab_analysis import l10n
from innolab_analysis.errors import EstimationError, ParamsError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.options import Language, PowerDesign

__all__ = ["PowerDesign", "PowerResult", "minimum_detectable_effect"]


@dataclass(frozen=True)
class PowerResult:
    """Power curve and minimum detectable effect (frozen).

    Attributes
    ----------
    design : str
    outcome : str
    curve : DataFrame
        ``effect, power, mc_se`` (Monte-Carlo standard error of the power).
    mde : float
        Smallest effect with power ≥ ``power`` (NaN only when the grid never
        reaches it; ``diagnostic`` then says so).
    mde_analytic : float
        ``(z_{1-α/2} + z_power) · SE`` with the SE on the observed design.
    power, alpha : float
    n_sims : int
    seed : int
    type1_error : float
        Rejection rate at δ = 0 (should be close to ``alpha``).
    text : l10n.Bilingual
        The reading: the MDE in words, or why the target power is not reached.
    diagnostic : l10n.Bilingual or None
        Why the MDE is missing (the grid never reaches the target power), else None.
    """

    design: str
    outcome: str
    curve: pd.DataFrame
    mde: float
    mde_analytic: float
    power: float
    alpha: float
    n_sims: int
    seed: int
    type1_error: float
    text: l10n.Bilingual
    diagnostic: l10n.Bilingual | None = None

    def plot(self, ax=None, *, language: Language = "en"):
        """Power against effect size, with the target power and the MDE marked; returns the Axes."""
        from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style
        from innolab_analysis.display import localise_axis, mpl_text
        from innolab_analysis.estimators._figures import label, legend_below

        with plot_style():
            ax = axes_or_new(ax)
            c = self.curve
            ax.fill_between(
                c["effect"], c["power"] - 1.96 * c["mc_se"], c["power"] + 1.96 * c["mc_se"],
                color=PALETTE["band"], alpha=0.5,
                label=label("estimators_core.power_band", language),
            )  # fmt: skip
            ax.plot(
                c["effect"], c["power"], color=PALETTE["treated"],
                label=label("estimators_core.power_curve", language),
            )  # fmt: skip
            ax.axhline(
                self.power, color="black", lw=0.8, ls="--",
                label=label("estimators_core.power_target", language, power=self.power),
            )  # fmt: skip
            if np.isfinite(self.mde):
                ax.axvline(
                    self.mde, color=PALETTE["control"], lw=0.8, ls=":",
                    label=label("estimators_core.power_mde", language, mde=self.mde),
                )  # fmt: skip
            ax.set_ylim(0, 1.02)
            ax.set_xlabel(
                label("estimators_core.axis_effect", language, outcome=mpl_text(self.outcome))
            )
            ax.set_ylabel(label("estimators_core.power_axis", language))
            ax.set_title(label("estimators_core.power_title", language))
            localise_axis(ax, language, axis="x", decimals=2)
            localise_axis(ax, language, axis="y", decimals=1)
            legend_below(ax)
        return ax

    def __str__(self) -> str:
        return self.text.en


# ---------------------------------------------------------------------------- helpers
def _twoway_residuals(y: np.ndarray, treated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Residuals and fitted values of y_it = a_i + g_t + b·D_it (NaN = unobserved),
    by alternating projections."""
    obs = np.isfinite(y)
    a = np.zeros(y.shape[0])
    g = np.zeros(y.shape[1])
    b = 0.0
    D = treated.astype(float)
    for _ in range(500):
        r = np.where(obs, y - g[None, :] - b * D, np.nan)
        a_new = np.nanmean(r, axis=1)
        r = np.where(obs, y - a_new[:, None] - b * D, np.nan)
        g_new = np.nanmean(r, axis=0)
        r = np.where(obs, y - a_new[:, None] - g_new[None, :], 0.0)
        dd = (D * obs).sum()
        b_new = float((r * D).sum() / dd) if dd > 0 else 0.0
        done = max(np.max(np.abs(a_new - a)), np.max(np.abs(g_new - g)), abs(b_new - b)) < 1e-10
        a, g, b = a_new, g_new, b_new
        if done:
            break
    fitted = a[:, None] + g[None, :]
    return np.where(obs, y - fitted - b * D, np.nan), fitted


def _draw_paths(resid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whole unit residual paths drawn with replacement; gaps filled from the donor."""
    n = resid.shape[0]
    donors = rng.integers(0, n, n)
    out = resid[donors].copy()
    for i in np.flatnonzero(np.isnan(out).any(axis=1)):
        have = resid[donors[i]][np.isfinite(resid[donors[i]])]
        miss = np.isnan(out[i])
        out[i, miss] = rng.choice(have, miss.sum()) if have.size else 0.0
    return out


def _crit(res) -> float:
    """The critical value the result's own CI uses (normal or t); NaN without a standard error."""
    se = float(res.std_error)
    if not (math.isfinite(se) and se > 0):
        return math.nan
    return float((res.ci_upper - res.estimate) / se)


# ---------------------------------------------------------------------------- main
def minimum_detectable_effect(
    design: PowerDesign,
    data: pd.DataFrame,
    *,
    outcome: str,
    power: float = 0.8,
    alpha: float = 0.05,
    n_sims: int = 200,
    seed: int | None = None,
    effect_grid: np.ndarray | list[float] | None = None,
    **design_kwargs,
) -> PowerResult:
    """Smallest effect detectable with the given power on this panel's structure.

    Parameters
    ----------
    design : {"did", "staggered", "its"}
    data : DataFrame
        The panel (or series) as it will be analysed; not modified.
    outcome : str
    power, alpha : float
        Target power and test level (two-sided).
    n_sims : int
        Simulated null data sets (one estimator fit each).
    seed : int, optional
        Seed (drawn once and recorded when None).
    effect_grid : array-like, optional
        Effects at which to report power (default: 0 to 4 × the analytic MDE).
    **design_kwargs
        ``"staggered"``: ``unit, time, cohort`` and any option of
        :func:`~innolab_analysis.estimators.staggered.staggered_did`;
        ``"did"``: ``unit, time, group, post`` (+ options of ``did``);
        ``"its"``: ``time, intervention`` (+ options).

    Returns
    -------
    PowerResult

    Examples
    --------
    >>> from innolab_analysis.estimators.staggered import _example_panel
    >>> res = minimum_detectable_effect("staggered", _example_panel(), outcome="y",
    ...     unit="unit", time="time", cohort="cohort", n_sims=50, seed=1)
    >>> 0 < res.mde < 2
    True
    """
    if design not in get_args(PowerDesign):
        raise ParamsError(
            [
                Problem(
                    f"design must be one of {get_args(PowerDesign)}, got {design!r}",
                    column="design",
                    allowed=", ".join(get_args(PowerDesign)),
                )
            ]
        )
    dg.check_level(power, name="power", typical=0.8)
    dg.check_level(alpha, name="alpha", typical=0.05)
    if not (isinstance(n_sims, int) and n_sims >= 10):
        raise ParamsError(f"n_sims must be an integer of at least 10, got {n_sims!r}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31))
    rng = np.random.default_rng(seed)
    if design == "its":
        ests, ses, crits, obs_se, shape = _simulate_its(data, outcome, n_sims, rng, design_kwargs)
    else:
        ests, ses, crits, obs_se, shape = _simulate_panel(
            design, data, outcome, n_sims, rng, design_kwargs
        )
    za, zp = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    mde_analytic = float((za + zp) * obs_se)
    if effect_grid is None:
        grid = np.linspace(0, 4 * mde_analytic, 81)
    else:
        grid = np.sort(np.asarray(effect_grid, dtype=float))
    rej = np.abs(ests[None, :] + grid[:, None]) > (crits * ses)[None, :]
    pw = rej.mean(1)
    curve = pd.DataFrame(
        {
            "effect": grid,
            "power": pw,
            "mc_se": np.sqrt(pw * (1 - pw) / len(ests)),
        }
    )
    type1 = float((np.abs(ests) > crits * ses).mean())
    mde, diag = _interpolate_mde(grid, pw, power)
    text = _text(outcome, mde, power, shape, diag)
    return PowerResult(
        design=design,
        outcome=outcome,
        curve=curve,
        mde=mde,
        mde_analytic=mde_analytic,
        power=power,
        alpha=alpha,
        n_sims=len(ests),
        seed=int(seed),
        type1_error=type1,
        text=text,
        diagnostic=diag,
    )


def _interpolate_mde(grid, pw, target) -> tuple[float, l10n.Bilingual | None]:
    # power is monotone in |δ| in expectation; use the running maximum to be safe
    mono = np.maximum.accumulate(pw)
    above = np.flatnonzero(mono >= target)
    if not len(above):
        return float("nan"), dg.message(
            "estimators_core.power_grid_short", highest=float(pw.max()), largest=float(grid[-1])
        )
    k = above[0]
    if k == 0:
        return float(grid[0]), None
    x0, x1, y0, y1 = grid[k - 1], grid[k], mono[k - 1], mono[k]
    return float(x0 + (target - y0) * (x1 - x0) / (y1 - y0)) if y1 > y0 else float(x1), None


def _text(outcome, mde, power, shape, diag) -> l10n.Bilingual:
    if not np.isfinite(mde):
        return dg.message(
            "estimators_core.power_not_reached", shape=shape, power=power, reason=diag
        )
    return dg.message(
        "estimators_core.power_text", shape=shape, outcome=outcome, mde=mde, power=power
    )


def _need(kw: dict, names: list[str], design: str) -> None:
    missing = [n for n in names if n not in kw]
    if missing:
        raise ParamsError(
            [
                Problem(
                    f"design '{design}' needs the keyword argument '{n}' (a column name)", column=n
                )
                for n in missing
            ]
        )


def _simulate_panel(design, data, outcome, n_sims, rng, kw):
    kw = dict(kw)
    if design == "staggered":
        _need(kw, ["unit", "time", "cohort"], design)
        unit, time = kw["unit"], kw["time"]
    else:
        _need(kw, ["unit", "time", "group", "post"], design)
        unit, time = kw.pop("unit"), kw.pop("time")
    dg.require_columns(data, {"outcome": outcome, "unit": unit, "time": time})
    df, _ = dg.drop_missing(
        data, [outcome, unit, time], what=f"minimum_detectable_effect('{design}')",
        shape="one row per unit and period", carry=list(data.columns),
    )  # fmt: skip
    dg.require_numeric(df, [outcome])
    dg.require_unique(df, [unit, time])
    df = df.reset_index(drop=True)
    ucodes, units = pd.factorize(df[unit])
    tcodes, periods = pd.factorize(df[time], sort=True)
    Y = np.full((len(units), len(periods)), np.nan)
    Y[ucodes, tcodes] = df[outcome].to_numpy(dtype=float)
    if design == "staggered":
        g = pd.to_numeric(df[kw["cohort"]], errors="coerce").fillna(0).to_numpy()
        tv = pd.to_numeric(df[time], errors="coerce").to_numpy()
        treated_row = (g > 0) & (tv >= g)
        n_treated_units = int(pd.Series(g > 0).groupby(ucodes).max().sum())
    else:
        treated_row = (df[kw["group"]].astype(bool) & df[kw["post"]].astype(bool)).to_numpy()
        n_treated_units = int(df[kw["group"]].astype(bool).groupby(ucodes).max().sum())
    D = np.zeros_like(Y, dtype=bool)
    D[ucodes, tcodes] = treated_row
    resid, fitted = _twoway_residuals(Y, D)
    obs = np.isfinite(Y)

    if design == "staggered":
        from innolab_analysis.estimators.staggered import staggered_did

        def run(y):
            return staggered_did(df.assign(**{outcome: y}), outcome=outcome, **kw)
    else:
        from innolab_analysis.estimators.did import did

        def run(y):
            return did(df.assign(**{outcome: y}), outcome=outcome, **kw)

    null_obs = fitted + np.where(obs, resid, np.nan)
    base = run(null_obs[ucodes, tcodes])
    obs_se = float(base.std_error)
    ests, ses, crits = np.empty(n_sims), np.empty(n_sims), np.empty(n_sims)
    for s in range(n_sims):
        e = _draw_paths(resid, rng)
        res = run((fitted + e)[ucodes, tcodes])
        ests[s], ses[s], crits[s] = res.estimate, res.std_error, _crit(res)
    ok = np.isfinite(ests) & np.isfinite(ses) & (ses > 0)
    if ok.sum() < 10:
        raise EstimationError("Fewer than 10 simulated fits produced a standard error.")
    shape = dg.message(
        "estimators_core.power_shape_panel", units=len(units), treated=n_treated_units,
        periods=len(periods),
    )  # fmt: skip
    return ests[ok], ses[ok], crits[ok], obs_se, shape


def _simulate_its(data, outcome, n_sims, rng, kw):
    _need(kw, ["time", "intervention"], "its")
    from innolab_analysis.estimators.its import _as_time, interrupted_time_series, period_index

    time = kw["time"]
    dg.require_columns(data, {"outcome": outcome, "time": time})
    df, _ = dg.drop_missing(
        data, [outcome, time], what="minimum_detectable_effect('its')",
        shape="one row per period", carry=list(data.columns),
    )  # fmt: skip
    dg.require_numeric(df, [outcome])
    dg.require_unique(df, [time])
    df[time] = _as_time(df[time], time)
    df = df.sort_values(time).reset_index(drop=True)
    y = df[outcome].to_numpy(dtype=float)
    n = len(y)
    run_its = interrupted_time_series(df, outcome=outcome, **kw)  # checks the design once
    post = (df[time] >= run_its.interventions[0]).to_numpy()
    tpos, _ = period_index(df[time])
    X = np.column_stack(
        [np.ones(n), tpos, post, post * (tpos - tpos[post].min() if post.any() else 0)]
    )
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    fitted_null = X[:, :2] @ beta[:2]
    resid = y - X @ beta
    block = max(2, int(round(n ** (1 / 3))))

    def run(v):
        return interrupted_time_series(df.assign(**{outcome: v}), outcome=outcome, **kw)

    obs_se = float(run(fitted_null + resid).std_error)
    ests, ses, crits = np.empty(n_sims), np.empty(n_sims), np.empty(n_sims)
    for s in range(n_sims):
        starts = rng.integers(0, n, int(np.ceil(n / block)))
        idx = (starts[:, None] + np.arange(block)[None, :]).ravel()[:n] % n
        res = run(fitted_null + resid[idx])
        ests[s], ses[s], crits[s] = res.estimate, res.std_error, _crit(res)
    ok = np.isfinite(ests) & np.isfinite(ses) & (ses > 0)
    if ok.sum() < 10:
        raise EstimationError("Fewer than 10 simulated fits produced a standard error.")
    shape = dg.message(
        "estimators_core.power_shape_its", pre=int((~post).sum()), post=int(post.sum())
    )
    return ests[ok], ses[ok], crits[ok], obs_se, shape
