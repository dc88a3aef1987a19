"""Confidence sets for ranks (Mogstad, Romano, Shaikh & Wilhelm 2024).

A league table of agencies ranks *estimates*; the true ranks are uncertain.
:func:`rank_confidence_sets` gives every unit a set of ranks that covers its
true rank with the stated confidence — **marginal** sets (each unit's own rank)
and **simultaneous** sets (all units' ranks at once, so statements about
several units hold together) — and the statements the data support: "these
three units are among the top five with 90% confidence", "the rest cannot be
told apart".

The procedure is that of Mogstad, Romano, Shaikh & Wilhelm (2024), "Inference
for Ranks with Applications to Mobility across Neighbourhoods and Academic
Achievement across Countries", *Review of Economic Studies* 91(1), 476–518,
as implemented in R's ``csranks`` (``csranks()``, ``csdiffmeans()``): the
confidence set of unit *j*'s rank is ``[1 + N⁻_j, p − N⁺_j]``, where N⁻_j
(N⁺_j) counts the units significantly better (worse) than *j* in a family of
pairwise tests of ``θ_k − θ_j``. The family is tested with the max-t
statistic ``max (Z_k − Z_j)/σ_kj`` over the pairs still in play, its critical
value the quantile of a parametric bootstrap from ``N(0, Σ)``, and a stepdown
that drops rejected pairs and recomputes the critical value until nothing more
is rejected (for two-sided sets, the two one-sided comparisons of every pair
in one family, as csranks does). Marginal sets test only the pairs involving
unit *j*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.estimators._diagnostics import check_level
from innolab_analysis.estimators._figures import legend_below
from innolab_analysis.estimators._meta_core import prepare_effects
from innolab_analysis.estimators.pooling import table_html, wrap_label
from innolab_analysis.options import Language

__all__ = ["RANK_COLUMNS", "RankSets", "rank_confidence_sets"]

RANK_COLUMNS: tuple[str, ...] = (
    "label",
    "estimate",
    "std_error",
    "rank",
    "marginal_lower",
    "marginal_upper",
    "simultaneous_lower",
    "simultaneous_upper",
)
"""Columns of :attr:`RankSets.table`."""


# ----------------------------------------------------------------------------- the algorithm
def _draws(cov: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if np.count_nonzero(cov - np.diag(np.diag(cov))) == 0:
        return rng.standard_normal((n, len(cov))) * np.sqrt(np.diag(cov))
    vals, vecs = np.linalg.eigh(cov)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    return rng.standard_normal((n, len(cov))) @ root.T


def pairwise_bounds(
    x: np.ndarray,
    cov: np.ndarray,
    family: np.ndarray,
    *,
    coverage: float,
    kind: str,
    stepdown: bool,
    n_draws: int,
    seed: int | None,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Simultaneous confidence bounds for ``θ_i − θ_j`` over the pairs in ``family`` (csdiffmeans).

    Parameters
    ----------
    x, cov : ndarray
        Estimates and their covariance.
    family : ndarray of bool (p × p)
        Pairs (i, j) to bound.
    coverage : float
    kind : {"lower", "upper", "symmetric"}
        One-sided lower bounds, one-sided upper bounds or two-sided intervals.
    stepdown : bool
    n_draws : int
        Parametric-bootstrap draws per step.
    seed : int, optional

    Returns
    -------
    lower, upper : ndarray (p × p)
        NaN outside ``family``; ±inf for the absent side of one-sided bounds.
    critical : list of float
        The critical value of every step.
    """
    rng = np.random.default_rng(seed)
    p = len(x)
    diff = x[:, None] - x[None, :]
    d = np.diag(cov)
    sd = np.sqrt(np.clip(d[:, None] + d[None, :] - 2 * cov, 0, None))
    active = family.copy()
    lower, upper = np.zeros((p, p)), np.zeros((p, p))
    critical: list[float] = []
    while active.any():
        i, j = np.nonzero(active)
        z = _draws(cov, n_draws, rng)
        t = (z[:, i] - z[:, j]) / sd[i, j]
        stat = {"lower": t.max(1), "upper": (-t).max(1), "symmetric": np.abs(t).max(1)}[kind]
        crit = float(np.quantile(stat, coverage))  # R's quantile type 7
        critical.append(crit)
        if kind == "lower":
            lower[active] = diff[active] - sd[active] * crit
            upper = np.full((p, p), np.inf)
        elif kind == "upper":
            lower = np.full((p, p), -np.inf)
            upper[active] = diff[active] + sd[active] * crit
        else:
            lower[active] = diff[active] - sd[active] * crit
            upper[active] = diff[active] + sd[active] * crit
        before = int(active.sum())
        active &= ~((upper < 0) | (lower > 0))
        if not stepdown or int(active.sum()) == before:
            break
    lower[~family], upper[~family] = np.nan, np.nan
    return lower, upper, critical


def rank_bounds(
    x: np.ndarray,
    cov: np.ndarray,
    indices: np.ndarray,
    *,
    coverage: float,
    stepdown: bool,
    n_draws: int,
    seed: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-sided simultaneous rank sets ``[lower, upper]`` of the units ``indices`` (csranks_simul).

    Rank 1 goes to the largest value. Also returns the ``better`` matrix:
    ``better[i, j]`` is True when unit *i* is significantly larger than *j*.
    """
    p = len(x)
    family = np.zeros((p, p), dtype=bool)
    family[indices, :] = True
    kind = "symmetric"
    if stepdown:
        family[:, indices] = True  # both one-sided comparisons of every pair, one family
        kind = "lower"
    np.fill_diagonal(family, False)
    lower, upper, _ = pairwise_bounds(
        x,
        cov,
        family,
        coverage=coverage,
        kind=kind,
        stepdown=stepdown,
        n_draws=n_draws,
        seed=seed,
    )
    with np.errstate(invalid="ignore"):
        better = lower > 0
        worse = (lower.T > 0) if stepdown else (upper < 0)
    n_plus = better[indices, :].sum(axis=1)  # units significantly below j
    n_minus = better[:, indices].sum(axis=0) if stepdown else worse[indices, :].sum(axis=1)
    return 1 + n_minus, p - n_plus, better


# ----------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class RankSets:
    """Result of :func:`rank_confidence_sets`.

    Attributes
    ----------
    table : DataFrame
        :data:`RANK_COLUMNS`, one row per unit, sorted by estimated ``rank`` (1 = best).
    level : float
        Confidence level of the sets.
    higher_is_better : bool
    outcome : str
    distinct : DataFrame
        ``distinct.loc[a, b]`` is True when units *a* and *b* differ significantly in the
        simultaneous procedure (their order is known).
    n_draws : int
    seed : int or None
    """

    table: pd.DataFrame
    level: float
    higher_is_better: bool
    outcome: str
    distinct: pd.DataFrame
    n_draws: int
    seed: int | None

    @property
    def diagnostics(self) -> tuple:
        """Nothing to warn about: the sets are valid for any number of units (kept for the
        estimator contract)."""
        return ()

    @property
    def p(self) -> int:
        """Number of units ranked."""
        return len(self.table)

    def summary(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def among_top(self, tau: int) -> list[str]:
        """Units whose simultaneous set lies within ranks 1…tau: surely among the top ``tau``."""
        t = self.table
        return t.loc[t["simultaneous_upper"] <= tau, "label"].tolist()

    def among_bottom(self, tau: int) -> list[str]:
        """Units surely among the bottom ``tau`` (simultaneous set within the last ``tau`` ranks)."""
        t = self.table
        return t.loc[t["simultaneous_lower"] >= self.p - tau + 1, "label"].tolist()

    def told_apart(self, labels: list[str]) -> bool:
        """Whether any two of ``labels`` differ significantly (simultaneous procedure)."""
        sub = self.distinct.loc[labels, labels].to_numpy()
        return bool(sub.any())

    def default_tau(self) -> int:
        """The "top τ" the statements speak of.

        Five (a quarter of the units when there are fewer than 20), or, when no unit is surely
        among those, the smallest τ up to half the units at which some unit surely is.
        """
        base = int(min(5, max(1, self.p // 4)))
        best = int(self.table["simultaneous_upper"].min())
        return best if base < best <= self.p // 2 else base

    def default_tau_bottom(self) -> int:
        """The "bottom τ" of the statements, chosen as :meth:`default_tau` from the other end."""
        base = int(min(5, max(1, self.p // 4)))
        worst = self.p + 1 - int(self.table["simultaneous_lower"].max())
        return worst if base < worst <= self.p // 2 else base

    def statements(self, tau: int | None = None, tau_bottom: int | None = None) -> dict:
        """What the data support, as data: ``tau`` and ``top`` (surely among the top ``tau``),
        ``tau_bottom`` and ``bottom``, the ``rest`` and ``rest_told_apart`` (whether any two of
        the rest differ significantly)."""
        explicit = tau is not None
        tau = int(tau) if explicit else self.default_tau()
        if tau_bottom is None:
            tau_bottom = tau if explicit else self.default_tau_bottom()
        tau_b = int(tau_bottom)
        top, bottom = self.among_top(tau), self.among_bottom(tau_b)
        rest = [u for u in self.table["label"] if u not in top and u not in bottom]
        return {
            "tau": tau,
            "top": top,
            "tau_bottom": tau_b,
            "bottom": bottom,
            "rest": rest,
            "rest_told_apart": self.told_apart(rest) if len(rest) > 1 else False,
        }

    def sentences(
        self, language: Language = "en", tau: int | None = None, *, markdown: bool = True
    ) -> list[str]:
        """The statements in plain language (Markdown with names escaped, or plain text)."""
        s = self.statements(tau)
        out = []
        common = {"level": self.level, "tau": s["tau"], "markdown": markdown}

        def names(labels: list[str]) -> str:
            return l10n.join(labels, language, markdown=markdown)

        if s["top"]:
            out.append(
                l10n.tr("pooling.rank_top", language, names=names(s["top"]),
                        count=len(s["top"]), **common)
            )  # fmt: skip
        else:
            out.append(l10n.tr("pooling.rank_no_top", language, **common))
        if s["bottom"]:
            out.append(
                l10n.tr("pooling.rank_bottom", language, names=names(s["bottom"]),
                        count=len(s["bottom"]), **(common | {"tau": s["tau_bottom"]}))
            )  # fmt: skip
        if len(s["rest"]) > 1:
            rest = self.table[self.table["label"].isin(s["rest"])]
            width = float(np.median(rest["simultaneous_upper"] - rest["simultaneous_lower"] + 1))
            key = "pooling.rank_rest_partial" if s["rest_told_apart"] else "pooling.rank_rest_same"
            out.append(
                l10n.tr(key, language, count=len(s["rest"]), width=round(width), p=self.p,
                        **{k: v for k, v in common.items() if k != "tau"})
            )  # fmt: skip
        return out

    @property
    def text(self) -> l10n.Bilingual:
        """The statements, both languages."""
        return l10n.Bilingual(id=" ".join(self.sentences("id")), en=" ".join(self.sentences("en")))

    def plot(self, ax=None, *, language: Language = "en"):
        """Every unit's estimated rank with its marginal (thick) and simultaneous (thin) set.

        Returns
        -------
        matplotlib Axes
        """
        from innolab_analysis._plotting import PALETTE, axes_or_new, plot_style
        from innolab_analysis.display import localise_axis

        t = self.table.iloc[::-1]
        n = len(t)
        with plot_style():
            ax = axes_or_new(ax, figsize=(7.0, max(2.8, 0.42 * n + 2.0)))
            y = np.arange(n)
            ax.hlines(
                y,
                t["simultaneous_lower"] - 0.4,
                t["simultaneous_upper"] + 0.4,
                color=PALETTE["band"],
                lw=2,
                label=l10n.tr(
                    "pooling.rank_plot_simultaneous", language, markdown=False, level=self.level
                ),
            )
            ax.hlines(
                y,
                t["marginal_lower"] - 0.4,
                t["marginal_upper"] + 0.4,
                color=PALETTE["control"],
                lw=5,
                alpha=0.6,
                label=l10n.tr(
                    "pooling.rank_plot_marginal", language, markdown=False, level=self.level
                ),
            )
            ax.scatter(
                t["rank"],
                y,
                color=PALETTE["treated"],
                zorder=3,
                s=18,
                label=l10n.tr("pooling.rank_plot_rank", language, markdown=False),
            )
            ax.set_yticks(y)
            ax.set_yticklabels([wrap_label(v) for v in t["label"]], fontsize="small")
            ax.set_xlim(0.3, n + 0.7)
            ax.set_ylim(-0.7, n - 0.3)
            ax.set_xlabel(l10n.tr("pooling.rank_plot_axis", language, markdown=False))
            localise_axis(ax, language, axis="x", decimals=0)
            legend_below(ax, ncol=1)  # three long entries: side by side they run off the figure
        return ax

    def _repr_html_(self) -> str:
        return table_html(f"Rank confidence sets — {self.outcome}", self.text.en, self.table)


def rank_confidence_sets(
    effects: pd.DataFrame,
    *,
    estimate: str = "estimate",
    std_error: str = "std_error",
    label: str | None = None,
    cov: np.ndarray | None = None,
    level: float = 0.90,
    higher_is_better: bool = True,
    stepdown: bool = True,
    n_draws: int = 1000,
    seed: int | None = 0,
    outcome: str | None = None,
) -> RankSets:
    """Marginal and simultaneous confidence sets for the ranks of units.

    Parameters
    ----------
    effects : DataFrame
        One row per unit: estimate and standard error on one scale (not modified).
    estimate, std_error, label, outcome
        As in :func:`~innolab_analysis.estimators.pooling.pool_effects`.
    cov : ndarray, optional
        Full covariance of the estimates (p × p) when they are correlated; by
        default the estimates are independent (diagonal of squared standard errors).
    level : float
        Coverage of the sets (0.90 by default, as in the paper's applications).
    higher_is_better : bool
        Rank 1 goes to the largest estimate (False: to the smallest, e.g. processing days).
    stepdown : bool
        Use the stepdown refinement (tighter sets, same coverage).
    n_draws : int
        Parametric-bootstrap draws for each critical value.
    seed : int, optional
        Seed of the draws (every marginal set starts from it, as csranks does).

    Returns
    -------
    RankSets
        ``table`` (:data:`RANK_COLUMNS`, sorted by rank), ``among_top(tau)``,
        ``among_bottom(tau)``, ``statements()``, ``sentences(language)``, ``.plot()``.

    Raises
    ------
    DataValidationError
        As :func:`pool_effects`, or a ``cov`` of the wrong shape.
    ParamsError
        ``level`` outside (0, 1) or ``n_draws`` below 100.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": ["A", "B", "C", "D"], "estimate": [10.0, 9.9, 5.0, 0.0],
    ...                    "std_error": [0.2, 0.2, 0.2, 0.2]})
    >>> sets = rank_confidence_sets(df)
    >>> sets.table[["label", "simultaneous_lower", "simultaneous_upper"]].values.tolist()
    [['A', 1, 2], ['B', 1, 2], ['C', 3, 3], ['D', 4, 4]]
    >>> sets.among_top(2)
    ['A', 'B']
    """
    check_level(level)
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 100:
        raise ParamsError(f"n_draws must be an integer of at least 100, got {n_draws!r}")
    rows, name = prepare_effects(
        effects, estimate=estimate, std_error=std_error, label=label, outcome=outcome
    )
    if rows["label"].duplicated().any():
        dup = rows.loc[rows["label"].duplicated(), "label"].unique().tolist()
        raise DataValidationError(
            f"units {dup} appear more than once; rank one estimate per unit (key the rows by "
            "study and unit)"
        )
    x = rows["estimate"].to_numpy()
    p = len(x)
    if cov is None:
        sigma = np.diag(rows["std_error"].to_numpy() ** 2)
    else:
        sigma = np.asarray(cov, dtype=float)
        if sigma.shape != (p, p) or not np.allclose(sigma, sigma.T):
            raise DataValidationError(
                f"cov must be a symmetric {p} × {p} matrix (one row per unit), got shape "
                f"{sigma.shape}"
            )
    sign = 1.0 if higher_is_better else -1.0
    xs = sign * x
    kw = {"coverage": level, "stepdown": stepdown, "n_draws": int(n_draws), "seed": seed}
    s_lo, s_hi, better = rank_bounds(xs, sigma, np.arange(p), **kw)
    m_lo, m_hi = np.empty(p, dtype=int), np.empty(p, dtype=int)
    for j in range(p):
        lo, hi, _ = rank_bounds(xs, sigma, np.array([j]), **kw)
        m_lo[j], m_hi[j] = lo[0], hi[0]
    rank = 1 + (xs[None, :] > xs[:, None]).sum(axis=1)
    table = pd.DataFrame(
        {
            "label": rows["label"],
            "estimate": x,
            "std_error": np.sqrt(np.diag(sigma)),
            "rank": rank.astype(int),
            "marginal_lower": m_lo.astype(int),
            "marginal_upper": m_hi.astype(int),
            "simultaneous_lower": s_lo.astype(int),
            "simultaneous_upper": s_hi.astype(int),
        }
    )
    labels = rows["label"].tolist()
    distinct = pd.DataFrame(better | better.T, index=labels, columns=labels)
    table = table.sort_values(["rank", "label"], kind="stable").reset_index(drop=True)
    return RankSets(
        table=table,
        level=float(level),
        higher_is_better=bool(higher_is_better),
        outcome=name,
        distinct=distinct,
        n_draws=int(n_draws),
        seed=seed,
    )
