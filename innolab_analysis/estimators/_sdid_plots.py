"""Figures of a synthetic-DiD result, one draw function per kind; labels from the catalog."""

from __future__ import annotations

import numpy as np

from innolab_analysis import l10n

__all__ = ["DRAW"]


def _t(key: str, language: str, **values) -> str:
    return l10n.tr(f"estimators_sdid.{key}", language, markdown=False, **values)


def _paths(res, ax, language: str, k: int) -> None:
    from innolab_analysis._plotting import PALETTE

    co = res.cohorts[k]
    x = list(co.treated_path.index)
    ax.plot(
        x, co.treated_path.to_numpy(), color=PALETTE["treated"], label=_t("label_treated", language)
    )
    ax.plot(
        x,
        co.synthetic_path.to_numpy(),
        color=PALETTE["counterfactual"],
        ls="--",
        label=_t("label_synthetic", language),
    )
    ax.axvline(co.label, color="black", ls=":", lw=0.8, label=_t("label_intervention", language))
    lam = co.time_weights.to_numpy()
    if lam.max() > 0:
        lo, hi = ax.get_ylim()
        height = 0.15 * (hi - lo) * lam / lam.max()
        ax.bar(
            list(co.time_weights.index),
            height,
            bottom=lo,
            color=PALETTE["band"],
            width=0.8,
            label=_t("label_time_weights", language),
        )
        ax.set_ylim(lo, hi)
    ax.set_ylabel(str(res.outcome).replace("$", r"\$"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _weights(res, ax, language: str, k: int) -> None:
    from innolab_analysis._plotting import PALETTE

    w = res.cohorts[k].unit_weights
    w = w[w > 0].sort_values(ascending=True).tail(15)
    y = np.arange(len(w))
    ax.barh(y, w.to_numpy(), color=PALETTE["control"])
    ax.set_yticks(y)
    ax.set_yticklabels([str(u).replace("$", r"\$") for u in w.index])
    ax.set_xlabel(_t("label_unit_weight", language))
    ax.set_xlim(0, max(float(w.max()) * 1.1, 1e-9))


def _time_weights(res, ax, language: str, k: int) -> None:
    from innolab_analysis._plotting import PALETTE

    lam = res.cohorts[k].time_weights
    ax.bar(
        list(lam.index), lam.to_numpy(), color=PALETTE["band"], edgecolor=PALETTE["counterfactual"]
    )
    ax.set_ylim(0, max(float(lam.max()) * 1.1, 1e-9))
    ax.set_ylabel(_t("label_time_weights", language))


def _effects(res, ax, language: str, k: int) -> None:
    from innolab_analysis._plotting import PALETTE

    t = res.terms[res.terms["term"].str.startswith("e=")]
    e = t["term"].str[2:].astype(int).to_numpy()
    est = t["estimate"].to_numpy()
    ax.plot(e, est, "o-", color=PALETTE["treated"], label=_t("label_effect", language))
    if np.isfinite(t["ci_lower"].to_numpy()).any():
        ax.fill_between(
            e,
            t["ci_lower"].to_numpy(),
            t["ci_upper"].to_numpy(),
            color=PALETTE["band"],
            alpha=0.6,
            label=_t("label_interval", language, level=res.level),
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(_t("label_event_time", language))
    ax.set_ylabel(_t("label_effect", language))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _comparison(res, ax, language: str, k: int) -> None:
    from innolab_analysis._plotting import PALETTE

    c = res.comparison
    y = np.arange(len(c))[::-1]
    est = c["estimate"].to_numpy()
    lo, hi = c["ci_lower"].to_numpy(), c["ci_upper"].to_numpy()
    finite = np.isfinite(lo) & np.isfinite(hi)
    err = np.vstack([np.where(finite, est - lo, 0.0), np.where(finite, hi - est, 0.0)])
    ax.errorbar(est, y, xerr=err, fmt="o", color=PALETTE["treated"], capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([_t(f"label_{name}", language) for name in c.index])
    ax.set_xlabel(_t("label_effect", language))


DRAW = {
    "paths": _paths,
    "weights": _weights,
    "time_weights": _time_weights,
    "effects": _effects,
    "comparison": _comparison,
}
