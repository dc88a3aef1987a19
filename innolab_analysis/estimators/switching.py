"""Treatments that switch on and off: de Chaisemartin & D'Haultfœuille (2020 AER; 2024 REStat).

An innovation can be discontinued and relaunched (the data model records
``launched_on`` and ``discontinued_on``). Two-way fixed effects and the
staggered estimators assume that treatment, once on, stays on; these
estimators do not:

* ``did_m`` — the instantaneous effect ``DID_M`` of the 2020 AER paper: each
  period's *joiners* (0→1) against the groups untreated in both periods, and
  its *leavers* (1→0) against the groups treated in both, averaged with
  weights equal to the numbers of switchers; every switch counts, also a
  second or third one (terms ``joiners`` and ``leavers`` hold the paper's two
  halves ``DID_+`` and ``DID_−``, ``did_m_placebo`` the same comparison one
  period earlier among groups stable then). Only for a 0/1 treatment.
* ``e=ℓ−1`` — the event-study effects ``DID_ℓ`` of ``did_multiplegt_dyn``
  (REStat 2024, non-normalised): the effect of having *first* switched ``ℓ``
  periods ago, each switcher against the groups with the same period-one
  treatment that have not switched yet, signed by the direction of its first
  switch; ``e=−ℓ−1`` are the placebos ``DID^pl_ℓ``. ``e=0`` (``DID_1``)
  differs from ``did_m`` by design: it uses first switches only.

Numbers: :mod:`~innolab_analysis.estimators._switching_core`; they agree with
the authors' implementations: ``DID_ℓ`` with R ``DIDmultiplegtDYN`` and its
Python port ``py-did-multiplegt-dyn`` to 1e-12, ``DID_M`` with
``did-multiplegt-stat`` to 1e-9 (it computes in single precision); see the
tests and ``benchmarks/results.md``. Standard errors: ``analytic`` (``DID_M`` as
``did_multiplegt_stat``'s influence function, ``DID_ℓ`` as
``did_multiplegt_dyn``'s cohort-demeaned variance) or ``bootstrap`` (groups
resampled).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import (
    DataValidationError,
    ParamsError,
    Problem,
    check_level,
    check_option,
)
from innolab_analysis.estimators._result import Diagnostic, EffectResult, normal_inference
from innolab_analysis.estimators._switching_core import contributions
from innolab_analysis.options import Language, MissingPolicy, SwitchingPlotKind, SwitchingSe

__all__ = ["SwitchingResult", "switching_did"]

FEW_SWITCHERS = 10
FEW_GROUPS = 30


@dataclass(frozen=True, kw_only=True)
class SwitchingResult(EffectResult):
    """Result of :func:`switching_did` (frozen).

    Attributes
    ----------
    switchers : DataFrame
        One row per term: ``n_switchers`` used.
    first_switch : Series
        Each unit's first period with a treatment different from its first one
        (missing when it never changes).
    """

    switchers: pd.DataFrame
    first_switch: pd.Series

    def plot(self, ax=None, *, kind: SwitchingPlotKind = "dynamic", language: Language = "en"):
        """``dynamic``: effects and placebos by event time; ``joiners_leavers``: the two halves of DID_M."""
        from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style

        check_option("kind", kind, SwitchingPlotKind)

        def t(key, **v):
            return l10n.tr(f"estimators_switching.{key}", language, markdown=False, **v)

        with plot_style():
            ax = axes_or_new(ax)
            terms = self.terms
            if kind == "dynamic":
                ev = terms[terms["term"].str.startswith("e=")].copy()
                ev["e"] = ev["term"].str[2:].astype(int)
                ev = ev.sort_values("e")
                err = np.vstack(
                    [ev["estimate"] - ev["ci_lower"], ev["ci_upper"] - ev["estimate"]]
                ).clip(min=0)
                err = np.nan_to_num(err)
                pre = ev["e"] < 0
                for mask, color, key in (
                    (pre, PALETTE["counterfactual"], "label_placebo"),
                    (~pre, PALETTE["treated"], "label_effect"),
                ):
                    if mask.any():
                        ax.errorbar(
                            ev.loc[mask, "e"], ev.loc[mask, "estimate"], yerr=err[:, mask.to_numpy()],
                            fmt="o", color=color, capsize=3, label=t(key),
                        )  # fmt: skip
                ax.axhline(0, color="black", lw=0.8)
                ax.axvline(-0.5, color="black", ls=":", lw=0.8)
                ax.set_xlabel(t("label_event_time"))
                ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
            else:
                rows = terms[terms["term"].isin(["did_m", "joiners", "leavers"])].reset_index()
                y = np.arange(len(rows))[::-1]
                err = np.nan_to_num(
                    np.vstack(
                        [rows["estimate"] - rows["ci_lower"], rows["ci_upper"] - rows["estimate"]]
                    ).clip(min=0)
                )
                ax.errorbar(
                    rows["estimate"], y, xerr=err, fmt="o", color=PALETTE["treated"], capsize=3
                )
                ax.axvline(0, color="black", lw=0.8)
                ax.set_yticks(y)
                ax.set_yticklabels([t(f"label_{n}") for n in rows["term"]])
            ax.set_ylabel(t("label_effect") if kind == "dynamic" else "")
        return ax


def _diag(code, severity, key, **v) -> Diagnostic:
    return Diagnostic(code, severity, l10n.bilingual(f"estimators_switching.{key}", **v))


def switching_did(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    effects: int = 1,
    placebo: int = 0,
    se: SwitchingSe = "analytic",
    bootstrap_reps: int = 200,
    seed: int | None = 2018,
    missing: MissingPolicy = "raise",
    level: float = 0.95,
) -> SwitchingResult:
    """Effects of a treatment that switches on and off (de Chaisemartin & D'Haultfœuille).

    Parameters
    ----------
    data : DataFrame
        Long balanced panel, one row per unit and period. Not modified.
    outcome, unit, time : str
        Column names; ``time`` orderable.
    treatment : str
        Treatment column: 0/1 (an innovation running or not) or an ordered
        number of innovations; ``DID_M`` needs 0/1.
    effects : int
        Dynamic effects ``DID_ℓ``, ℓ = 1 … ``effects`` (terms ``e=0`` …).
    placebo : int
        Placebos ``DID^pl_ℓ`` (terms ``e=-2`` …).
    se : {"analytic", "bootstrap"}
        Standard errors (see the module notes); ``bootstrap`` resamples units
        ``bootstrap_reps`` times with ``seed``.
    missing : {"raise", "drop"}
        Units with missing or non-finite outcome or treatment: raise or drop them
        (a diagnostic says how many).
    level : float
        Confidence level (normal reference).

    Returns
    -------
    SwitchingResult
        Headline ``did_m`` (binary treatment) or ``e=0``; then ``joiners``,
        ``leavers``, ``did_m_placebo`` and the event-time rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> rows = []
    >>> for g in range(40):
    ...     for t in range(6):
    ...         d = int(g < 20 and t >= 2 and not (g < 10 and t >= 4))
    ...         rows.append((g, t, d, 1.0 * t + 2.0 * d + rng.normal(0, 0.1)))
    >>> df = pd.DataFrame(rows, columns=["opd", "semester", "running", "ikm"])
    >>> res = switching_did(df, outcome="ikm", unit="opd", time="semester",
    ...                     treatment="running", effects=2, placebo=1)
    >>> round(res.estimate), res.terms["term"].tolist()[:3]
    (2, ['did_m', 'joiners', 'leavers'])
    """
    from innolab_analysis.estimators._diagnostics import (
        require_columns,
        require_numeric,
        require_unique,
    )

    check_option("se", se, SwitchingSe)
    check_option("missing", missing, MissingPolicy)
    level = check_level(level)
    for name, v, lo in (("effects", effects, 1), ("placebo", placebo, 0)):
        if not (isinstance(v, int) and v >= lo):
            raise ParamsError(f"{name} must be an integer of at least {lo}, got {v!r}")
    require_columns(data, {"outcome": outcome, "unit": unit, "time": time, "treatment": treatment})
    if len(data) == 0:
        raise DataValidationError(
            "the data have no rows; switching_did expects a long panel with one row per unit "
            f"and period (columns {unit!r}, {time!r}, {treatment!r}, {outcome!r})"
        )
    require_numeric(data, [outcome, treatment])
    require_unique(data, [unit, time])
    y = data[outcome].astype(float)
    if not np.isfinite(y.to_numpy()).any():
        raise DataValidationError(
            [Problem("every outcome value is missing or not finite", column=outcome)]
        )
    frame = pd.DataFrame(
        {"u": data[unit].to_numpy(), "t": data[time].to_numpy(), "y": y.to_numpy(),
         "d": data[treatment].astype(float).to_numpy()}
    )  # fmt: skip
    Yw = frame.pivot(index="u", columns="t", values="y").sort_index(axis=1)
    Dw = frame.pivot(index="u", columns="t", values="d").reindex_like(Yw)
    bad = ~(np.isfinite(Yw.to_numpy()) & np.isfinite(Dw.to_numpy()))
    diagnostics: list[Diagnostic] = []
    if bad.any():
        rows = bad.any(axis=1)
        dropped = list(Yw.index[rows])
        if missing == "raise":
            raise DataValidationError(
                [
                    Problem(
                        f"{len(dropped)} unit(s) miss the outcome or the treatment in "
                        f"{int(bad.sum())} unit-periods (or have no row there), e.g. "
                        f"{dropped[:5]}; fill them, remove the units or pass missing='drop'",
                        column=f"{outcome}, {treatment}",
                    )
                ]
            )
        Yw, Dw = Yw.loc[~rows], Dw.loc[~rows]
        diagnostics.append(
            _diag(
                "units_dropped_missing", "warning", "dropped",
                count=len(dropped), cells=int(bad.sum()), units=l10n.join(dropped[:8], "en"),
            )
        )  # fmt: skip
    Y, D = Yw.to_numpy(), Dw.to_numpy()
    binary = bool(np.isin(D, (0.0, 1.0)).all())
    terms_a, F = contributions(Y, D, effects=effects, placebo=placebo, binary=binary)
    if not terms_a:
        raise DataValidationError(
            [
                Problem(
                    "no unit changes treatment with a comparison unit that keeps its treatment "
                    "(no switchers with stable controls), so no effect can be estimated; check "
                    "the treatment column",
                    column=treatment,
                )
            ]
        )
    order = [k for k in ("did_m", "joiners", "leavers", "did_m_placebo") if k in terms_a]
    ev = sorted((k for k in terms_a if k.startswith("e=")), key=lambda k: int(k[2:]))
    order += [k for k in ev if int(k[2:]) >= 0] + [k for k in ev if int(k[2:]) < 0][::-1]
    est = {k: terms_a[k].estimate for k in order}
    counts = {k: terms_a[k].n_switchers for k in order}

    G = Y.shape[0]
    if se == "analytic":
        ses = {k: terms_a[k].se for k in order}
        se_type = (
            f"analytic: DID_M as did_multiplegt_stat (influence function, {G} units), DID_l and "
            "placebos as did_multiplegt_dyn (long differences demeaned within cohorts, "
            f"small-cohort correction); {level:.0%} CI and p from the normal reference"
        )
    else:
        rng = np.random.default_rng(seed)
        draws = {k: [] for k in order}
        for _ in range(bootstrap_reps):
            ind = rng.integers(0, G, size=G)
            ta, _ = contributions(Y[ind], D[ind], effects=effects, placebo=placebo, binary=binary)
            for k in order:
                draws[k].append(ta[k].estimate if k in ta else math.nan)
        ses = {}
        for k in order:
            v = np.array(draws[k])
            v = v[np.isfinite(v)]
            ses[k] = float(np.std(v, ddof=1)) if v.size > 1 else math.nan
        se_type = (
            f"bootstrap: {bootstrap_reps} resamples of units (seed {seed}), SE = sd of the "
            f"estimates; {level:.0%} CI and p from the normal reference"
        )
    rows = []
    for k in order:
        lo, hi, p = normal_inference(est[k], ses[k], level)
        rows.append((k, est[k], ses[k], lo, hi, p))
    terms = pd.DataFrame(
        rows, columns=["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
    )
    switchers = pd.DataFrame(
        {"term": order, "n_switchers": [int(counts[k]) for k in order]}
    ).set_index("term")

    head = order[0]
    n_sw = int(counts[head])
    if n_sw < FEW_SWITCHERS:
        diagnostics.append(_diag("few_switchers", "warning", "few_switchers", count=n_sw))
    if G < FEW_GROUPS:
        diagnostics.append(_diag("few_clusters", "warning", "few_units", count=G))
    if not binary:
        diagnostics.append(_diag("non_binary", "info", "non_binary"))
    n_missing = [k for k in (f"e={e}" for e in range(effects)) if k not in est]
    if n_missing:
        diagnostics.append(
            _diag("effects_not_estimable", "warning", "not_estimable", terms=", ".join(n_missing))
        )
    never_stable = int(np.sum(F == D.shape[1]))
    if never_stable == 0:
        diagnostics.append(_diag("no_stable_units", "warning", "no_stable"))
    pl = [k for k in order if k.endswith("placebo") or (k.startswith("e=-"))]
    rejected = [k for k in pl if terms.set_index("term").loc[k, "p_value"] < 1 - level]
    if rejected:
        diagnostics.append(
            _diag("placebo_rejected", "warning", "placebo_rejected", terms=", ".join(rejected))
        )

    hd = terms.iloc[0]
    text = l10n.bilingual(
        "estimators_switching.headline_m" if head == "did_m" else "estimators_switching.headline_l",
        outcome=outcome,
        estimate=float(hd["estimate"]),
        lower=float(hd["ci_lower"]),
        upper=float(hd["ci_upper"]),
        p=float(hd["p_value"]),
        level=level,
        count=n_sw,
    )
    first = pd.Series(
        [Yw.columns[f] if f < D.shape[1] else None for f in F],
        index=Yw.index,
        name="first_switch",
        dtype=object,
    )
    return SwitchingResult.from_terms(
        terms,
        method="switching_did",
        outcome=outcome,
        n_obs=int(Y.size),
        se_type=se_type,
        text=text,
        diagnostics=tuple(diagnostics),
        level=level,
        title="de Chaisemartin–D'Haultfœuille (switching treatment)",
        switchers=switchers,
        first_switch=first,
    )
