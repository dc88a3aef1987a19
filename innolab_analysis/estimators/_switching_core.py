"""Numerical core of the de Chaisemartin–D'Haultfœuille estimators on wide arrays.

Two estimators that differ by design, each computed as the authors' own
implementations compute it (checked on Wooldridge's ``wagepan`` and on Favara &
Imbs' ``favara_imbs``, see ``benchmarks/results.md``):

* ``DID_M`` (AER 2020) — the *instantaneous* effect of a switch: for every pair
  of consecutive periods ``(t−1, t)``, the joiners (0→1) against the groups
  untreated at ``t−1`` and ``t`` and the leavers (1→0) against the groups treated
  at both, averaged with weights equal to the numbers of switchers. A group that
  switches several times counts at every switch. ``DID_M^pl`` compares the same
  groups' changes from ``t−2`` to ``t−1``, among groups whose treatment did not
  change from ``t−2`` to ``t−1``. Its analytic standard error is the one of
  ``did_multiplegt_stat`` (``exact_match``; de Chaisemartin, D'Haultfœuille,
  Pasquier & Vazquez-Bare 2022): the influence function of each pair's DID plus
  the term for the estimated pair weights, ``sd/√n`` over the groups.
* ``DID_ℓ`` (REStat 2024, ``did_multiplegt_dyn``, non-normalised) — the effect
  of having *first* switched ``ℓ`` periods ago: a group whose treatment first
  changes at ``F_g`` contributes its outcome change from ``F_g−1`` to
  ``F_g−1+ℓ`` minus the mean change of the groups with the same period-one
  treatment that have not switched by ``F_g−1+ℓ``, signed by the direction of
  the switch, provided ``F_g−1+ℓ`` is not after the last period at which a group
  with its baseline has not switched yet. Placebo ``ℓ``: the change from
  ``F_g−1`` back to ``F_g−1−ℓ``, same switchers and controls. With a
  non-binary treatment the cells after a group has been both above and below its
  period-one treatment are left out (R/Stata's default ``drop_larger_lower``).
  The variance is ``did_multiplegt_dyn``'s: each cell's long difference is
  demeaned within its cohort (switchers: same baseline, first-switch date and
  treatment at the switch; controls: same baseline and period), with the
  ``√(n/(n−1))`` small-cohort correction and the fall-back to the union of both
  when a cohort has a single group.

Every estimator is linear in the outcomes once the treatment paths fix who is a
switcher and who a control, so each is a sum of per-group contributions
``a_g`` (``estimate = Σ_g a_g``); the bootstrap recomputes everything on
resampled groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Term", "contributions", "first_switch"]


@dataclass(frozen=True)
class Term:
    """One estimated term: contributions ``a`` (sum = estimate), its SE and switcher count."""

    a: np.ndarray
    se: float
    n_switchers: int

    @property
    def estimate(self) -> float:
        return float(self.a.sum())


def first_switch(D: np.ndarray) -> np.ndarray:
    """Column of each group's first treatment change (``T`` when it never changes)."""
    changed = D != D[:, :1]
    return np.where(changed.any(axis=1), changed.argmax(axis=1), D.shape[1])


# ----------------------------------------------------------------------------- DID_M (2020)
def _did_m(Y, D, placebo: bool, kinds: tuple[str, ...]) -> Term | None:
    """``DID_M`` (or its placebo) over the switches of ``kinds`` ("joiners", "leavers")."""
    G, T = Y.shape
    pairs = []  # (sample mask, [(switchers, controls, sign)], dy, n_switchers, pair DID)
    for t in range(2 if placebo else 1, T):
        d0, d1 = D[:, t - 1], D[:, t]
        sample = D[:, t - 2] == d0 if placebo else np.ones(G, dtype=bool)
        dy = Y[:, t - 1] - Y[:, t - 2] if placebo else Y[:, t] - Y[:, t - 1]
        cells = []
        for kind, frm, to, sign in (("joiners", 0, 1, 1.0), ("leavers", 1, 0, -1.0)):
            if kind not in kinds:
                continue
            sw = (d0 == frm) & (d1 == to) & sample
            ctl = (d0 == frm) & (d1 == frm) & sample
            if sw.any() and ctl.any():
                cells.append((sw, ctl, sign))
        if not cells:
            continue
        ns = sum(int(sw.sum()) for sw, _, _ in cells)
        did = sum(float((s * (dy[sw] - dy[ctl].mean())).sum()) for sw, ctl, s in cells) / ns
        pairs.append((sample, cells, dy, ns, did))
    if not pairs:
        return None
    n_sw = sum(p[3] for p in pairs)
    est = sum(p[3] * p[4] for p in pairs) / n_sw
    a = np.zeros(G)  # contributions: Σ a = est
    w = np.zeros(G)  # influence function (did_multiplegt_stat, exact_match)
    used = np.zeros(G, dtype=bool)
    for sample, cells, dy, ns, did in pairs:
        for sw, ctl, s in cells:
            m = dy[ctl].mean()
            share = sw.sum() / ctl.sum()
            a[sw] += s * dy[sw]
            a[ctl] -= s * dy[ctl] * share
            w[sw] += s * (dy[sw] - m) - est
            w[ctl] -= s * (dy[ctl] - m) * share
        w[sample] -= (did - est) * ns / G
        used |= sample
    a /= n_sw
    n = int(used.sum())
    v = w[used] / n_sw
    se = G * float(np.sqrt(np.sum((v - v.mean()) ** 2) / (n * (n - 1)))) if n > 1 else np.nan
    return Term(a, se, n_sw)


# ----------------------------------------------------------------------------- DID_ℓ (2024)
def _group_mean(codes: np.ndarray, values: np.ndarray, mask: np.ndarray, size: int):
    """Per-code count and mean of ``values`` over ``mask``; broadcast back to the cells."""
    c = np.bincount(codes[mask], minlength=size).astype(float)
    s = np.bincount(codes[mask], weights=values[mask], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = s / c
    return c[codes], m[codes]


def _did_l(Y, D, F, ell: int, placebo: bool) -> Term | None:
    """``DID_ℓ`` (or placebo ``ℓ``) of ``did_multiplegt_dyn`` with its variance."""
    G, T = Y.shape
    base = D[:, 0]
    bcode = np.unique(base, return_inverse=True)[1]
    nb = int(bcode.max()) + 1
    # last period at which a group with the same baseline has not switched yet
    last_ctl = np.full(nb, -1)
    np.maximum.at(last_ctl, bcode, F - 1)
    Tg = last_ctl[bcode]  # (G,)
    rows = np.arange(G)
    fcol = np.minimum(F, T - 1)
    direction = np.where(F < T, np.sign(D[rows, fcol] - base), 0.0)
    d_fg = np.where(F < T, D[rows, fcol], np.nan)

    tt = np.arange(T)[None, :]
    diff = np.full((G, T), np.nan)
    diff[:, ell:] = Y[:, ell:] - Y[:, :-ell]
    ok = np.isfinite(diff)
    if placebo:
        back = np.full((G, T), np.nan)
        if 2 * ell < T:
            back[:, 2 * ell :] = Y[:, : T - 2 * ell] - Y[:, ell : T - ell]
        ok_pl = np.isfinite(back)
    nc = (F[:, None] > tt) & ok  # not switched yet at t, long difference observed
    window = (tt >= ell) & (tt <= Tg[:, None]) & (ell <= Tg[:, None])
    cell_b = np.broadcast_to(bcode[:, None], (G, T))
    cell_bt = (cell_b * T + tt).astype(np.intp)  # (baseline, period) cohorts
    n_ctl = np.bincount(cell_bt[nc], minlength=nb * T).astype(float)[cell_bt]
    at_switch = tt == (F - 1 + ell)[:, None]
    eligible = at_switch & (F[:, None] < T) & (ell <= (Tg - F + 1))[:, None] & ok & (n_ctl > 0)
    if placebo:
        nc = nc & ok_pl
        n_ctl = np.bincount(cell_bt[nc], minlength=nb * T).astype(float)[cell_bt]
        eligible = eligible & ok_pl & (n_ctl > 0)
        diff = back
    dy = np.where(np.isfinite(diff), diff, 0.0)
    # switcher cohorts: baseline, first-switch date, treatment at the switch
    scode = np.unique(np.column_stack([bcode, F, np.nan_to_num(d_fg, nan=-1.0)]), axis=0,
                      return_inverse=True)[1].ravel()  # fmt: skip
    cell_s = np.broadcast_to(scode[:, None], (G, T)).astype(np.intp)
    ns_codes = int(scode.max()) + 1

    a = np.zeros(G)
    v = np.zeros(G)
    n_total = 0
    for sgn in (1.0, -1.0):
        dist = eligible & (direction == sgn)[:, None]
        n_dir = int(dist.sum())
        if n_dir == 0:
            continue
        n_total += n_dir
        n_t = dist.sum(axis=0)  # switchers of this direction per period (all baselines)
        n_tb = np.bincount(cell_bt[dist], minlength=nb * T).astype(float)[cell_bt]
        with np.errstate(invalid="ignore", divide="ignore"):
            wgt = dist - np.where(n_ctl > 0, n_tb / n_ctl, 0.0) * nc
        wgt = np.where(window, wgt, 0.0)
        a += sgn * np.sum(wgt * dy, axis=1)
        # demeaning and small-cohort correction of did_multiplegt_dyn
        dof_ns = nc & (n_t > 0)[None, :]
        dof_s = dist
        c_ns, m_ns = _group_mean(cell_bt, dy, dof_ns, nb * T)
        c_s, m_s = _group_mean(cell_s, dy, dof_s, ns_codes)
        c_nss, m_nss = _group_mean(cell_bt, dy, dof_ns | dof_s, nb * T)
        ctl_cell = tt < F[:, None]
        e_hat = np.zeros((G, T))
        dof = np.ones((G, T))
        use = ctl_cell & dof_ns & (c_ns >= 2)
        e_hat[use], dof[use] = m_ns[use], np.sqrt(c_ns[use] / (c_ns[use] - 1))
        use = at_switch & dof_s & (c_s >= 2)
        e_hat[use], dof[use] = m_s[use], np.sqrt(c_s[use] / (c_s[use] - 1))
        use = (c_nss >= 2) & ((at_switch & dof_s & (c_s == 1)) | (ctl_cell & dof_ns & (c_ns == 1)))
        e_hat[use], dof[use] = m_nss[use], np.sqrt(c_nss[use] / (c_nss[use] - 1))
        v += sgn * np.sum(wgt * dof * (dy - e_hat), axis=1)
    if n_total == 0:
        return None
    return Term(a / n_total, float(np.sqrt(np.sum((v / n_total) ** 2))), n_total)


def drop_larger_lower(Y: np.ndarray, D: np.ndarray) -> np.ndarray:
    """``Y`` with the cells after a group has been both above and below its period-one treatment set missing."""
    up = np.maximum.accumulate(D > D[:, :1], axis=1)
    down = np.maximum.accumulate(D < D[:, :1], axis=1)
    return np.where(up & down, np.nan, Y)


def contributions(Y, D, *, effects: int, placebo: int, binary: bool):
    """Every term the data allow: ``({term: Term}, first-switch columns)``.

    Terms: ``did_m``, ``joiners``, ``leavers``, ``did_m_placebo`` (binary
    treatment only), ``e=ℓ−1`` for ℓ = 1 … ``effects`` and ``e=−ℓ−1`` for the
    placebos ℓ = 1 … ``placebo``.
    """
    F = first_switch(D)
    terms: dict[str, Term] = {}
    if binary:
        for pl in (False, True):
            for name, kinds in (
                ("did_m", ("joiners", "leavers")),
                ("joiners", ("joiners",)),
                ("leavers", ("leavers",)),
            ):
                term = _did_m(Y, D, pl, kinds)
                if term is not None and (not pl or name == "did_m"):
                    terms[f"{name}_placebo" if pl else name] = term
    Yd = Y if binary else drop_larger_lower(Y, D)
    for ell in range(1, effects + 1):
        term = _did_l(Yd, D, F, ell, False)
        if term is not None:
            terms[f"e={ell - 1}"] = term
    for ell in range(1, placebo + 1):
        term = _did_l(Yd, D, F, ell, True)
        if term is not None:
            terms[f"e={-ell - 1}"] = term
    return terms, F
