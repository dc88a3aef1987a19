"""Replications behind the synthetic-DiD standard errors (Arkhangelsky et al. 2021, Algorithms 2–4).

A design is a set of cohorts that share one control pool (the never-treated
units). Each function returns, per replication, the aggregate estimate, the
effect per event time and each cohort's estimate, for the three estimators of
the paper's Table 1 (SDID, SC, DiD) at once; every weight problem of every replication is solved
in one Frank–Wolfe batch (:func:`~innolab_analysis.estimators._sdid_fit.estimate_blocks`).

* **placebo** (Algorithm 4): the controls are shuffled, the last ``N_tr`` of
  them take the treated units' adoption dates, the true treated units are left
  out and every estimator is refitted (weights started from the fitted ones
  restricted to the remaining controls, regularisation fixed, as ``synthdid``'s
  ``placebo_se``). With one treated unit a shuffle matters only through which
  control is the placebo, so ``replications=None`` takes each control in turn
  once (the limit of Algorithm 4 as the number of shuffles grows).
* **bootstrap** (Algorithm 2): units are resampled with replacement; draws
  without a control or without a treated unit are redrawn; weights refitted.
* **jackknife** (Algorithm 3): each unit left out in turn with the weights
  held fixed (controls' weights renormalised); undefined with one treated unit.

The standard error is ``sqrt((B-1)/B) · sd(estimates)`` for placebo and
bootstrap, ``sqrt((n-1)/n · Σ(τ_(i) − τ̄)²)`` for the jackknife, as ``synthdid``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from innolab_analysis.estimators._sdid_fit import Block, BlockFit, estimate_blocks, sum_normalize

__all__ = ["Cohort", "Design", "aggregate", "bootstrap", "fit_design", "jackknife", "placebo"]

KINDS = ("sdid", "sc", "did")


@dataclass(frozen=True)
class Cohort:
    """Treated rows (indices into the panel) adopting at column ``t0``."""

    treated: np.ndarray
    t0: int


@dataclass(frozen=True)
class Design:
    """Panel ``Y`` (units × periods), control rows and cohorts; the blocks' tuning per estimator."""

    Y: np.ndarray
    controls: np.ndarray
    cohorts: tuple[Cohort, ...]


def _block_Y(d: Design, controls: np.ndarray, treated: np.ndarray) -> np.ndarray:
    return d.Y[np.concatenate([controls, treated])]


def aggregate(fits: list[BlockFit], n_treated: list[int], n_post: list[int], horizon: int):
    """ATT with cohort weights ``N_tr·T_post`` and the effect per event time (weights ``N_tr``)."""
    w = np.array([a * b for a, b in zip(n_treated, n_post)], dtype=float)
    att = float(np.dot([f.estimate for f in fits], w / w.sum()))
    curve = np.full(horizon, np.nan)
    for e in range(horizon):
        num = den = 0.0
        for f, nt in zip(fits, n_treated):
            if e < f.curve.size:
                num += nt * f.curve[e]
                den += nt
        if den:
            curve[e] = num / den
    return att, curve


def fit_design(d: Design, tuning: dict[str, list[dict]]) -> dict[str, list[BlockFit]]:
    """Fit every estimator on every cohort; ``tuning[kind][k]`` holds the zetas of cohort k."""
    blocks, kinds = [], []
    for kind in KINDS:
        for k, c in enumerate(d.cohorts):
            Yb = _block_Y(d, d.controls, c.treated)
            blocks.append(Block(Yb, d.controls.size, c.t0, **tuning[kind][k]))
            kinds.append(kind)
    fits = estimate_blocks(blocks, kinds)
    nc = len(d.cohorts)
    return {kind: fits[j * nc : (j + 1) * nc] for j, kind in enumerate(KINDS)}


def _replicate(
    d: Design,
    tuning: dict[str, list[dict]],
    fitted: dict[str, list[BlockFit]],
    draws: list[tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]],
    horizon: int,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Refit on each draw ``(control positions, treated rows per cohort, kept cohort indices)``.

    ``control positions`` index ``d.controls`` (and the fitted ω); a cohort with
    no treated row in a draw is left out of that draw's aggregate. Only the
    estimators in ``kinds`` are refitted (the others are absent from the result).
    """
    blocks, owners, block_kinds = [], [], []
    for kind in kinds:
        for b, (cpos, treated_rows, _) in enumerate(draws):
            for k, c in enumerate(d.cohorts):
                rows = treated_rows[k]
                if rows.size == 0:
                    continue
                f = fitted[kind][k]
                Yb = np.vstack([d.Y[d.controls[cpos]], d.Y[rows]])
                warm = {}
                if kind != "did":
                    warm["omega0"] = sum_normalize(f.omega[cpos])
                if kind == "sdid":
                    warm["lambda0"] = f.lambda_
                blocks.append(replace(Block(Yb, cpos.size, c.t0, **tuning[kind][k]), **warm))
                owners.append((b, k, rows.size))
                block_kinds.append(kind)
    all_fits = estimate_blocks(blocks, block_kinds)
    out = {}
    for kind in kinds:
        fits = [f for f, kd in zip(all_fits, block_kinds) if kd == kind]
        own = [o for o, kd in zip(owners, block_kinds) if kd == kind]
        att = np.full(len(draws), np.nan)
        curves = np.full((len(draws), horizon), np.nan)
        per_cohort = np.full((len(draws), len(d.cohorts)), np.nan)
        by_draw: dict[int, tuple[list, list, list]] = {}
        for fit, (b, k, nt) in zip(fits, own):
            fl, nl, pl = by_draw.setdefault(b, ([], [], []))
            fl.append(fit)
            nl.append(nt)
            pl.append(fit.curve.size)
            per_cohort[b, k] = fit.estimate
        for b, (fl, nl, pl) in by_draw.items():
            att[b], curves[b] = aggregate(fl, nl, pl, horizon)
        out[kind] = (att, curves, per_cohort)
    return out


def placebo(
    d, tuning, fitted, horizon, replications: int | None, rng: np.random.Generator, kinds=KINDS
):
    """Placebo replications (Algorithm 4); ``None`` enumerates the controls when one unit is treated."""
    sizes = [c.treated.size for c in d.cohorts]
    n_tr = sum(sizes)
    n0 = d.controls.size
    draws = []
    if replications is None:
        # one treated unit: each control once as the placebo
        for j in range(n0):
            cpos = np.array([i for i in range(n0) if i != j])
            draws.append((cpos, [d.controls[[j]]], []))
    else:
        for _ in range(replications):
            perm = rng.permutation(n0)
            cpos, fake = perm[: n0 - n_tr], perm[n0 - n_tr :]
            rows, start = [], 0
            for s in sizes:
                rows.append(d.controls[fake[start : start + s]])
                start += s
            draws.append((cpos, rows, []))
    return _replicate(d, tuning, fitted, draws, horizon, kinds)


def bootstrap(d, tuning, fitted, horizon, replications: int, rng: np.random.Generator, kinds=KINDS):
    """Bootstrap replications (Algorithm 2): units resampled with replacement, weights refitted."""
    n0 = d.controls.size
    cohort_of = {}
    for k, c in enumerate(d.cohorts):
        for r in c.treated:
            cohort_of[int(r)] = k
    units = np.concatenate([d.controls, *[c.treated for c in d.cohorts]])
    N = units.size
    draws = []
    while len(draws) < replications:
        ind = np.sort(rng.integers(0, N, size=N))
        cpos = ind[ind < n0]
        tr = units[ind[ind >= n0]]
        if cpos.size == 0 or tr.size == 0:
            continue
        rows = [tr[[cohort_of[int(r)] == k for r in tr]] for k in range(len(d.cohorts))]
        draws.append((cpos, rows, []))
    return _replicate(d, tuning, fitted, draws, horizon, kinds)


def jackknife(d: Design, fitted: dict[str, list[BlockFit]], horizon: int):
    """Leave-one-unit-out estimates with the weights fixed (Algorithm 3); None where undefined."""
    n0 = d.controls.size
    units = [("c", i) for i in range(n0)] + [
        ("t", k, j) for k, c in enumerate(d.cohorts) for j in range(c.treated.size)
    ]
    out = {}
    for kind in KINDS:
        fits = fitted[kind]
        if sum(c.treated.size for c in d.cohorts) < 2 or any(
            int(np.sum(f.omega != 0)) == 1 for f in fits
        ):
            out[kind] = None
            continue
        att = np.full(len(units), np.nan)
        curves = np.full((len(units), horizon), np.nan)
        per_cohort = np.full((len(units), len(d.cohorts)), np.nan)
        for u, who in enumerate(units):
            fl, nl, pl = [], [], []
            for k, c in enumerate(d.cohorts):
                f = fits[k]
                cmask = np.ones(n0, dtype=bool)
                tmask = np.ones(c.treated.size, dtype=bool)
                if who[0] == "c":
                    cmask[who[1]] = False
                elif who[1] == k:
                    tmask[who[2]] = False
                if not tmask.any():
                    continue
                omega = sum_normalize(f.omega[cmask])
                Yb = np.vstack([d.Y[d.controls[cmask]], d.Y[c.treated[tmask]]])
                n1 = int(tmask.sum())
                unit = np.concatenate([-omega, np.full(n1, 1.0 / n1)])
                tau_sc = unit @ Yb
                curve = tau_sc[c.t0 :] - tau_sc[: c.t0] @ f.lambda_
                fl.append(BlockFit(float(curve.mean()), omega, f.lambda_, curve))
                nl.append(n1)
                pl.append(curve.size)
                per_cohort[u, k] = fl[-1].estimate
            att[u], curves[u] = aggregate(fl, nl, pl, horizon)
        out[kind] = (att, curves, per_cohort)
    return out


def replication_se(values: np.ndarray, method: str) -> float:
    """The standard error from replications (NaN when fewer than two are finite).

    Placebo and bootstrap use the finite replications (a bootstrap draw without a
    cohort's treated units has no estimate for that cohort); the jackknife needs
    every leave-one-out estimate, so one missing (a cohort of one treated unit,
    left out) makes it NaN.
    """
    if method == "jackknife" and not np.isfinite(values).all():
        return float("nan")
    v = values[np.isfinite(values)]
    n = v.size
    if n < 2:
        return float("nan")
    if method == "jackknife":
        return float(np.sqrt((n - 1) / n * np.sum((v - v.mean()) ** 2)))
    return float(np.sqrt((n - 1) / n) * np.std(v, ddof=1))
