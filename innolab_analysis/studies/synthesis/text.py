"""The narrative of a study's synthesis: every sentence from ``l10n/messages/synthesis.yaml``.

The helpers for per-unit effects and levels (``effects_paragraphs``, ``ranking_paragraphs``,
``levels_paragraphs``, ``moderator_sentences``, ``value_paragraphs``) are shared with the city
comparison.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding
from innolab_analysis.studies.synthesis.units import UnitEffects, UnitLevels

if TYPE_CHECKING:  # pragma: no cover
    from innolab_analysis.studies.synthesis.compute import Synthesis

__all__ = [
    "alt_text",
    "design_name",
    "findings",
    "outcome_name",
    "section",
]


MAX_NAMES = 8
"""Longest list of unit names a sentence spells out (beyond it: the count, and the table)."""


def _tr(key: str, language: str, **values) -> str:
    return l10n.tr(f"synthesis.{key}", language, **values)


_SURVIVAL = re.compile(r"survival_(?P<years>\d+(?:\.\d+)?)y_pct")
"""The portfolio's survival row is named by its horizon (``survival_3y_pct``)."""


def outcome_name(code: str, language: str) -> str:
    """The outcome's display name (``IKM``, ``waktu proses (hari)`` …).

    Raises
    ------
    CatalogError
        An outcome without a ``synthesis_outcome`` label: no code reaches a reader.

    Examples
    --------
    >>> outcome_name("processing_days", "id"), outcome_name("survival_3y_pct", "en")
    ('waktu proses (hari)', 'innovations still running 3 years after launch (%)')
    """
    code = str(code)
    m = _SURVIVAL.fullmatch(code)
    if m:
        years = float(m["years"])
        years = int(years) if years.is_integer() else years
        return _tr("outcome_survival", language, markdown=False, years=years)
    return l10n.label("synthesis_outcome", code, language)


def design_name(code: str, language: str) -> str:
    """The design's display name (``DiD bertahap (Callaway–Sant'Anna)`` …).

    Raises
    ------
    CatalogError
        A design without a ``synthesis_design`` label.
    """
    return l10n.label("synthesis_design", str(code), language)


def unit_name(row, language: str) -> str:
    """A row's unit as a reader knows it: its name, or "all units"."""
    if str(row["unit"]) == "all":
        return _tr("all_units", language, markdown=False)
    return str(row["label"]) if row["label"] else str(row["unit"])


def _paras(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


# ----------------------------------------------------------------------------- shared helpers
def effects_paragraphs(ue: UnitEffects, language: str) -> str:
    """The pooled effect of one outcome's per-unit effects, in plain language."""
    head = _tr("agencies_outcome", language, outcome=outcome_name(ue.outcome, language), k=ue.k)
    return _paras(head, ue.pooled.text[language], _tr("agencies_shared", language))


def ranking_paragraphs(ue: UnitEffects | UnitLevels, language: str, level: float) -> list[str]:
    """The rank statements of per-unit effects or levels, and how far shrinkage moved them."""
    top = ue.table.iloc[0]
    first = _tr(
        "ranking_first",
        language,
        name=top["label"],
        estimate=float(top["estimate"]),
        lower=int(top["marginal_lower"]),
        upper=int(top["marginal_upper"]),
    )
    return [
        _tr("ranking_intro", language, level=level),
        " ".join(ue.ranks.sentences(language)) + " " + first,
        ue.shrinkage.text[language],
    ]


def levels_paragraphs(levels: UnitLevels | None, language: str, level: float) -> str:
    """The units' IKM levels: ranks, shrinkage and the smallest unit's pull."""
    if levels is None:
        return _tr("levels_none", language)
    t = levels.table
    small = t.loc[t["n_respondents"].idxmin()]
    smallest = _tr(
        "levels_smallest",
        language,
        name=small["label"],
        n=int(small["n_respondents"]),
        raw=float(small["estimate"]),
        shrunken=float(small["shrunken"]),
    )
    intro = _tr("levels_intro", language, year=levels.year)
    return _paras(intro, *ranking_paragraphs(levels, language, level), smallest)


def moderator_sentences(ue: UnitEffects, language: str, names: dict | None = None) -> list[str]:
    """One sentence per fitted moderator (``names``: display names of a categorical's levels)."""
    out = []
    for mod, reg in ue.moderators.items():
        terms = reg.terms[reg.terms["term"] != "intercept"]
        if mod in reg.categories:
            levels = reg.categories[mod]
            show = names or {
                g: _tr(f"kind_group.{g}", language) for g in levels if mod == "kind_group"
            }
            key = "moderator.study" if mod != "kind_group" else "moderator.kind_group"
            for _, row in terms.iterrows():
                group = row["term"].split("=", 1)[1]
                out.append(
                    _tr(
                        key,
                        language,
                        reference=show.get(levels[0], levels[0]),
                        group=show.get(group, group),
                        estimate=float(row["estimate"]),
                        ci_lower=float(row["ci_lower"]),
                        ci_upper=float(row["ci_upper"]),
                        p_value=float(row["p_value"]),
                    )
                )
            continue
        row = terms.iloc[0]
        factor = 10.0 if mod == "readiness_index" else 1.0
        out.append(
            _tr(
                f"moderator.{mod}",
                language,
                estimate=factor * float(row["estimate"]),
                ci_lower=factor * float(row["ci_lower"]),
                ci_upper=factor * float(row["ci_upper"]),
                p_value=float(row["p_value"]),
                r2=reg.r2,
            )
        )
    return out


def cheapest(value: pd.DataFrame) -> pd.Series | None:
    """The unit with the lowest finite cost per IKM point, if any."""
    v = value[np.isfinite(value["per_point"].astype(float))] if "per_point" in value else value
    return None if v.empty else v.loc[v["per_point"].idxmin()]


def value_paragraphs(value: pd.DataFrame, has_days: bool | None, language: str) -> str:
    """Cost per IKM point: the cheapest unit with its interval, and where budgets are missing."""
    if value.empty:
        return _tr("value_none", language)
    n, complete = len(value), int(value["complete"].sum())
    if complete == 0:
        return _tr("value_no_budgets", language)
    parts = [_tr("value_intro", language, n_with=complete, n=n)]
    best = cheapest(value)
    if best is not None:
        upper = float(best["per_point_upper"])
        upper_text = (
            _tr("value_upper", language, x=upper / 1e6)
            if np.isfinite(upper)
            else _tr("value_unbounded", language)
        )
        parts.append(
            _tr(
                "value_best",
                language,
                name=best["label"],
                cost=float(best["per_point"]) / 1e6,
                lower=float(best["per_point_lower"]) / 1e6,
                upper=upper_text,
            )
        )
    missing = value.loc[~value["complete"], "label"].tolist()
    if 0 < len(missing) <= MAX_NAMES:
        parts.append(_tr("value_missing", language, names=l10n.join(missing, language)))
    elif missing:
        parts.append(_tr("value_missing_many", language, count=len(missing)))
    if has_days:
        days = int(np.isfinite(value["per_day"].astype(float)).sum())
        parts.append(_tr("value_days", language, n=days))
    elif has_days is not None:  # None: not asked (the comparison covers the IKM only)
        parts.append(_tr("value_days_missing", language))
    return _paras(*parts)


# ----------------------------------------------------------------------------- sections
def _scope(res: Synthesis, language: str) -> str:
    rows = res.effects
    if rows.empty:
        return _tr("scope_none", language, city=res.city)
    notebooks = [
        l10n.label("synthesis_notebook", nb, language)
        if l10n.has_label("synthesis_notebook", nb)
        else nb
        for nb in res.notebooks
    ]
    counts = rows.groupby("scale", sort=True).size()
    named = sorted(((outcome_name(s, language), int(c)) for s, c in counts.items()),
                   key=lambda item: item[0].casefold())  # fmt: skip
    scales = [_tr("scale_count", language, scale=s, count=c) for s, c in named]
    return _tr(
        "scope",
        language,
        city=res.city,
        n=len(rows),
        notebooks=l10n.join(notebooks, language),
        scales=l10n.Safe("; ".join(scales)),
    )


def _designs(res: Synthesis, language: str) -> str:
    if res.designs.empty:
        return _tr("designs_none", language)
    groups = []
    for scale, grp in res.designs.groupby("scale", sort=False):
        lines = [_tr("scale_heading", language, scale=outcome_name(scale, language)), ""]
        for _, r in grp.iterrows():
            values = {
                "design": design_name(r["method"], language),
                "outcome": outcome_name(r["outcome"], language),
                "unit": unit_name(r, language),
                "estimate": float(r["estimate"]),
                "ci_lower": float(r["ci_lower"]),
                "ci_upper": float(r["ci_upper"]),
            }
            finite = np.isfinite(values["ci_lower"]) and np.isfinite(values["ci_upper"])
            key = "design_row" if finite else "design_row_no_ci"
            lines.append("- " + _tr(key, language, **values))
        groups.append("\n".join(lines))
    text = _paras(_tr("designs_intro", language), *groups)
    if res.sd:
        sds = [
            _tr("sd_item", language, outcome=outcome_name(o, language), sd=s)
            for o, s in res.sd.items()
        ]
        text += "\n\n" + _tr("standardised_note", language, sds=l10n.Safe("; ".join(sds)))
    return text


def _agencies(res: Synthesis, language: str) -> str:
    if not res.agencies:
        return _tr("agencies_none", language)
    return _paras(*(effects_paragraphs(a, language) for a in res.agencies))


def _ranking(res: Synthesis, language: str) -> str:
    if not res.agencies:
        return _tr("agencies_none", language)
    parts = []
    for a in res.agencies:
        parts += ranking_paragraphs(a, language, res.rank_level)
    return _paras(*parts)


def _levels(res: Synthesis, language: str) -> str:
    return levels_paragraphs(res.levels, language, res.rank_level)


def _moderators(res: Synthesis, language: str) -> str:
    ue = res.primary
    if ue is None or not ue.moderators:
        return _tr("moderators_none", language)
    parts = [_tr("moderators_intro", language), "\n".join(f"- {s}" for s in
             moderator_sentences(ue, language))]  # fmt: skip
    if "kind_group" in ue.moderators:
        parts.append(_tr("moderators_grouping", language))
    parts.append(_tr("moderators_caution", language, k=ue.k))
    return _paras(*parts)


def testing_paragraph(ue: UnitEffects, language: str) -> str:
    """Holm and Benjamini–Hochberg on the table of unit effects, in plain language."""
    raw, holm, bh = (ue.significant(c) for c in ("p_value", "p_holm", "p_bh"))
    text = _tr("testing", language, k=ue.k, raw=len(raw), holm=len(holm), bh=len(bh))
    lost = [u for u in raw if u not in holm]
    if 0 < len(lost) <= MAX_NAMES:
        text += " " + _tr("testing_lost", language, names=l10n.join(lost, language))
    elif lost:
        text += " " + _tr("testing_lost_many", language, count=len(lost))
    return text


def _testing(res: Synthesis, language: str) -> str:
    if not res.agencies:
        return _tr("agencies_none", language)
    return _paras(*(testing_paragraph(a, language) for a in res.agencies))


def _value(res: Synthesis, language: str) -> str:
    return value_paragraphs(res.value, res.unit_effects("processing_days") is not None, language)


def _reconciliation(res: Synthesis, language: str) -> str:
    rec = res.reconciliation
    if rec.empty:
        return _tr("reconciliation_none", language)
    d = int(rec["disagree"].sum())
    key = "reconciliation" if d else "reconciliation_agree"
    text = _tr(key, language, count=len(rec), d=d)
    reasons = []
    for a, b in zip(rec["design_a"], rec["design_b"]):
        key = "reason." + ".".join(sorted([a, b]))
        if f"synthesis.{key}" in l10n.catalog() and key not in reasons:
            reasons.append(key)
    return text + "".join(f"\n- {_tr(k, language)}" for k in reasons)


_SECTIONS = {
    "scope": _scope,
    "designs": _designs,
    "agencies": _agencies,
    "ranking": _ranking,
    "levels": _levels,
    "moderators": _moderators,
    "testing": _testing,
    "value": _value,
    "reconciliation": _reconciliation,
}


def section(res: Synthesis, name: str, language: str) -> str:
    """The body of section ``name`` (Markdown, without its heading)."""
    return _SECTIONS[name](res, language)


# ----------------------------------------------------------------------------- findings
def _headline_design(res: Synthesis) -> pd.Series | None:
    d = res.designs
    if d.empty:
        return None
    d = d[(d["quantity"] == "effect") & (d["unit"] == "all")]
    if d.empty:
        return None
    preferred = d[d["method"] == "staggered_did"]
    return (preferred if len(preferred) else d).iloc[0]


def _design_finding(res: Synthesis, language: str) -> Finding | None:
    head = _headline_design(res)
    if head is None:
        return None
    return Finding(
        "design_effect",
        _tr("finding_design", language, design=design_name(head["method"], language),
            outcome=outcome_name(head["outcome"], language),
            estimate=float(head["estimate"]), ci_lower=float(head["ci_lower"]),
            ci_upper=float(head["ci_upper"])),
        float(head["estimate"]), float(head["ci_lower"]), float(head["ci_upper"]),
        str(head["outcome"]),
    )  # fmt: skip


def findings(res: Synthesis, language: str) -> tuple[Finding, ...]:
    """The summary: the pooled per-unit effect (the headline: the synthesis's own number), the
    design effect, the ranks, the IKM levels, the leadership moderator and the value for money
    — those the study's results support."""
    out = []
    ue = res.primary
    if ue is not None:
        p = ue.pooled
        out.append(
            Finding(
                "pooled_effect",
                _tr("finding_pooled", language, outcome=outcome_name(ue.outcome, language),
                    estimate=p.estimate, ci_lower=p.ci_lower, ci_upper=p.ci_upper, k=ue.k,
                    pi_lower=p.prediction_interval[0], pi_upper=p.prediction_interval[1]),
                p.estimate, p.ci_lower, p.ci_upper, ue.outcome,
            )
        )  # fmt: skip
    design = _design_finding(res, language)  # the impact report's headline: second here
    if design is not None:
        out.append(design)
    if ue is not None:
        statement = l10n.Safe(ue.ranks.sentences(language)[0])
        high = float(ue.shrinkage.table["shrinkage"].max())
        out.append(
            Finding("ranking", _tr("finding_ranking", language, statement=statement, high=high),
                    outcome=ue.outcome)
        )  # fmt: skip
    if res.levels is not None:
        statement = l10n.Safe(" ".join(res.levels.ranks.sentences(language)[:1]))
        out.append(
            Finding("ikm_levels", _tr("finding_levels", language, year=res.levels.year,
                                      statement=statement), outcome="ikm")
        )  # fmt: skip
    if ue is not None and "leadership_commitment" in ue.moderators:
        row = ue.moderators["leadership_commitment"].terms.iloc[0]
        out.append(
            Finding("leadership", _tr("finding_moderator", language,
                                      estimate=float(row["estimate"]),
                                      ci_lower=float(row["ci_lower"]),
                                      ci_upper=float(row["ci_upper"])),
                    float(row["estimate"]), float(row["ci_lower"]), float(row["ci_upper"]),
                    ue.outcome)
        )  # fmt: skip
    best = cheapest(res.value) if not res.value.empty else None
    if best is not None:
        n_missing = int((~res.value["complete"]).sum())
        out.append(
            Finding("value_for_money", _tr("finding_value", language, name=best["label"],
                                           cost=float(best["per_point"]) / 1e6,
                                           n_missing=n_missing, n=len(res.value)),
                    float(best["per_point"]), float(best["per_point_lower"]),
                    float(best["per_point_upper"]), "rupiah_per_ikm_point")
        )  # fmt: skip
    if ue is None:
        out.insert(0, Finding("scope", _tr("finding_scope", language, city=res.city,
                                            n=len(res.effects))))  # fmt: skip
    return tuple(out[:6])


# ----------------------------------------------------------------------------- alt text
def alt_text(res: Synthesis, kind: str, language: str) -> str:
    """The one-line reading of figure ``kind`` (plain text)."""

    def plain(key: str, **values) -> str:
        return l10n.tr(f"synthesis.{key}", language, markdown=False, **values)

    ue = res.primary
    if kind == "designs" and not res.designs.empty:
        return plain("alt_designs", outcome=outcome_name(_design_scale(res), language))
    if kind == "standardised" and not res.standardised.empty:
        return plain("alt_standardised")
    if kind == "agencies" and ue is not None:
        p = ue.pooled
        return plain("alt_agencies", outcome=outcome_name(ue.outcome, language),
                     estimate=p.estimate, pi_lower=p.prediction_interval[0],
                     pi_upper=p.prediction_interval[1])  # fmt: skip
    if kind == "ranking" and ue is not None:
        return plain("alt_ranking", level=res.rank_level,
                     statement=ue.ranks.sentences(language, markdown=False)[0])  # fmt: skip
    if kind == "levels" and res.levels is not None:
        return plain("alt_levels", year=res.levels.year, mean=res.levels.shrinkage.pooled.estimate)
    if kind == "moderators" and ue is not None and "leadership_commitment" in ue.moderators:
        return plain("alt_moderators")
    return plain("alt_empty")


def _design_scale(res: Synthesis) -> str:
    """The scale the designs figure shows: the IKM when present, else the first scale."""
    scales = list(res.designs.loc[res.designs["quantity"] == "effect", "scale"].unique())
    if not scales:
        scales = list(res.designs["scale"].unique())
    return "ikm" if "ikm" in scales else scales[0]
