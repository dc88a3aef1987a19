"""Numerical core of the de Chaisemartin–D'Haultfœuille estimators on wide arrays.

Every estimator here is linear in the outcomes once the treatment paths fix
who is a switcher and who a control, so each is computed as a sum of per-group
contributions ``a_g`` (``estimate = Σ_g a_g``). The contributions give the
analytic variance ``Σ_g (a_g − ā_c(g))²``, demeaned within cohorts ``c`` of
groups that share the baseline treatment, the first switch date and its
direction (the conservative variance of de Chaisemartin & D'Haultfœuille);
the bootstrap recomputes everything on resampled groups.

* ``DID_M`` (AER 2020): for every period ``t``, joiners (0→1) against groups
  untreated at ``t−1`` and ``t`` and leavers (1→0) against groups treated at
  both, weighted by the number of switchers; ``DID_M^pl`` compares the same
  groups' changes from ``t−2`` to ``t−1`` (their treatment stable then).
* ``DID_ℓ`` (REStat 2024, ``did_multiplegt_dyn``): for a group whose treatment
  first changes at ``F_g``, its outcome change from ``F_g−1`` to
  ``F_g−1+ℓ`` minus the mean change of the groups with the same baseline
  treatment that have not changed by ``F_g−1+ℓ``, signed by the direction
  of the switch, averaged over the switchers for which such controls exist.
  Placebo ``ℓ``: the change from ``F_g−1`` back to ``F_g−1−ℓ``, same
  switchers and controls.
"""

from __future__ import annotations

import numpy as np

__all__ = ["contributions", "first_switch"]


def first_switch(D: np.ndarray) -> np.ndarray:
    """Column of each group's first treatment change (``T`` when it never changes)."""
    changed = D != D[:, :1]
    return np.where(changed.any(axis=1), changed.argmax(axis=1), D.shape[1])


def _did_m(Y, D, a, placebo: bool):
    """Contributions to DID_M (or its placebo) and the joiners'/leavers' parts."""
    G, T = Y.shape
    parts = {"joiners": np.zeros(G), "leavers": np.zeros(G)}
    n_j = n_l = 0.0
    start = 2 if placebo else 1
    for t in range(start, T):
        d0, d1 = D[:, t - 1], D[:, t]
        stable = D[:, t - 2] == d0 if placebo else np.ones(G, dtype=bool)
        dy = Y[:, t - 1] - Y[:, t - 2] if placebo else Y[:, t] - Y[:, t - 1]
        for kind, (frm, to) in (("joiners", (0, 1)), ("leavers", (1, 0))):
            sw = (d0 == frm) & (d1 == to) & stable
            ctl = (d0 == frm) & (d1 == frm) & stable
            ns, nc = sw.sum(), ctl.sum()
            if ns == 0 or nc == 0:
                continue
            sign = 1.0 if kind == "joiners" else -1.0
            parts[kind][sw] += sign * dy[sw]
            parts[kind][ctl] -= sign * dy[ctl] * ns / nc
            if kind == "joiners":
                n_j += ns
            else:
                n_l += ns
    n = n_j + n_l
    out = {}
    if n:
        out["did_m"] = (parts["joiners"] + parts["leavers"]) / n
    if n_j:
        out["joiners"] = parts["joiners"] / n_j
    if n_l:
        out["leavers"] = parts["leavers"] / n_l
    return out, {"did_m": n, "joiners": n_j, "leavers": n_l}


def _did_l(Y, D, F, ell: int, placebo: bool):
    """Contributions to DID_ℓ (or placebo ℓ), and the number of switchers used."""
    G, T = Y.shape
    base = D[:, 0]
    a = np.zeros(G)
    n = 0
    switchers = np.flatnonzero(F < T)
    pairs: dict[tuple, list[int]] = {}
    for g in switchers:
        pairs.setdefault((base[g], int(F[g])), []).append(int(g))
    for (b, f), members in pairs.items():
        ref, t = f - 1, f - 1 + ell
        if t >= T:
            continue
        back = f - 1 - ell
        if placebo and back < 0:
            continue
        ctl = (base == b) & (F > t)
        nc = int(ctl.sum())
        if nc == 0:
            continue
        other = back if placebo else t
        dy = Y[:, other] - Y[:, ref]
        m = np.array(members)
        s = np.sign(D[m, f] - b).astype(float)
        a[m] += s * dy[m]
        a[ctl] -= s.sum() * dy[ctl] / nc
        n += m.size
    return (a / n if n else None), n


def contributions(Y, D, *, effects: int, placebo: int, binary: bool):
    """Per-group contributions of every term and the switcher counts.

    Returns ``({term: a (G,)}, {term: n_switchers})`` for the terms that exist.
    """
    F = first_switch(D)
    terms, counts = {}, {}
    if binary:
        for pl in (False, True):
            c, n = _did_m(Y, D, None, pl)
            for k, v in c.items():
                name = f"{k}_placebo" if pl else k
                terms[name] = v
                counts[name] = n[k]
    for ell in range(1, effects + 1):
        a, n = _did_l(Y, D, F, ell, False)
        if a is not None:
            terms[f"e={ell - 1}"] = a
            counts[f"e={ell - 1}"] = n
    for ell in range(1, placebo + 1):
        a, n = _did_l(Y, D, F, ell, True)
        if a is not None:
            terms[f"e={-ell - 1}"] = a
            counts[f"e={-ell - 1}"] = n
    return terms, counts, F
