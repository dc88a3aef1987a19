"""The tables of a study's synthesis as :class:`~innolab_analysis.display.ReportTable`.

Headers from the catalog (``labels.column.syn_*``), units by name, numbers localised. The
builders for per-unit effects, levels, moderators and costs are shared with the city
comparison.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.studies.synthesis.text import design_name, outcome_name, unit_name
from innolab_analysis.studies.synthesis.units import UnitEffects, UnitLevels

if TYPE_CHECKING:  # pragma: no cover
    from innolab_analysis.studies.synthesis.compute import Synthesis

__all__ = [
    "effects_table",
    "levels_table",
    "moderators_table",
    "ranking_table",
    "table",
    "testing_table",
    "value_table",
]


def _headers(keys: list[str], language: str, extra: dict | None = None) -> dict[str, str]:
    extra = extra or {}
    return {k: extra.get(k) or l10n.label("column", f"syn_{k}", language) for k in keys}


def _tr(key: str, language: str, **values) -> str:
    return l10n.tr(f"synthesis.{key}", language, markdown=False, **values)


def _names(t: pd.DataFrame, city: bool) -> pd.Series:
    """The unit column: its label, or its plain name when a city column stands beside it."""
    return t["name"] if city and "name" in t.columns else t["label"]


def _range(lo, hi, language: str) -> list[str]:
    return [_tr("rank_range", language, lower=int(a), upper=int(b)) for a, b in zip(lo, hi)]


def _empty(name: str, language: str) -> ReportTable:
    return ReportTable(
        pd.DataFrame({"unit": [l10n.tr("synthesis.figure_empty", language, markdown=False)]}),
        columns={"unit": l10n.label("column", "syn_unit", language)},
        language=language,
        name=name,
    )


def effects_table(ue: UnitEffects, language: str, *, name: str, city: bool = False) -> ReportTable:
    """Per-unit effects: own estimate with its interval, empirical-Bayes estimate, pull."""
    t = ue.table
    data = pd.DataFrame(
        {
            "unit": _names(t, city),
            "city": t.get("city", ""),
            "own": t["estimate"],
            "ci_lower": t["ci_lower"],
            "ci_upper": t["ci_upper"],
            "eb": t["shrunken"],
            "eb_lower": t["shrunken_lower"],
            "eb_upper": t["shrunken_upper"],
            "shrinkage": t["shrinkage"],
        }
    )
    keys = ["unit", *(["city"] if city else []), "own", "ci_lower", "ci_upper", "eb",
            "eb_lower", "eb_upper", "shrinkage"]  # fmt: skip
    headers = _headers(keys, language, {
        "ci_lower": l10n.label("column", "ci_lower", language),
        "ci_upper": l10n.label("column", "ci_upper", language),
    })  # fmt: skip
    formats = {k: ".2f" for k in keys if k not in ("unit", "city")} | {"shrinkage": ".0%"}
    return ReportTable(
        data,
        columns=headers,
        formats=formats,
        language=language,
        name=name,
        caption=_tr("caption.agencies", language, outcome=outcome_name(ue.outcome, language)),
        notes=(_tr("note.shrinkage", language),),
    )


def ranking_table(ue: UnitEffects | UnitLevels, language: str, *, name: str, caption: str,
                  city: bool = False) -> ReportTable:  # fmt: skip
    """Rank of the estimate with the own (marginal) and joint (simultaneous) rank sets."""
    t = ue.table
    data = pd.DataFrame(
        {
            "unit": _names(t, city),
            "city": t.get("city", ""),
            "own": t["estimate"],
            "rank": t["rank"].astype(int),
            "rank_marginal": _range(t["marginal_lower"], t["marginal_upper"], language),
            "rank_joint": _range(t["simultaneous_lower"], t["simultaneous_upper"], language),
        }
    )
    keys = ["unit", *(["city"] if city else []), "own", "rank", "rank_marginal", "rank_joint"]
    return ReportTable(
        data,
        columns=_headers(keys, language),
        formats={"own": ".2f", "rank": "d"},
        language=language,
        name=name,
        caption=caption,
    )


def levels_table(levels: UnitLevels, language: str, level: float, *, name: str,
                 city: bool = False) -> ReportTable:  # fmt: skip
    """Units' IKM: respondents, own IKM, empirical-Bayes IKM, pull and the rank sets."""
    t = levels.table
    data = pd.DataFrame(
        {
            "unit": _names(t, city),
            "city": t.get("city", ""),
            "respondents": t["n_respondents"],
            "ikm": t["estimate"],
            "std_error": t["std_error"],
            "eb": t["shrunken"],
            "shrinkage": t["shrinkage"],
            "rank_marginal": _range(t["marginal_lower"], t["marginal_upper"], language),
            "rank_joint": _range(t["simultaneous_lower"], t["simultaneous_upper"], language),
        }
    )
    keys = ["unit", *(["city"] if city else []), "respondents", "ikm", "std_error", "eb",
            "shrinkage", "rank_marginal", "rank_joint"]  # fmt: skip
    headers = _headers(keys, language, {"std_error": l10n.label("column", "std_error", language)})
    return ReportTable(
        data,
        columns=headers,
        formats={
            "respondents": "d",
            "ikm": ".2f",
            "std_error": ".2f",
            "eb": ".2f",
            "shrinkage": ".0%",
        },  # fmt: skip
        language=language,
        name=name,
        caption=_tr("caption.levels", language, year=levels.year, level=level),
        notes=(_tr("note.shrinkage", language),),
    )


def moderators_table(ue: UnitEffects, language: str, *, name: str,
                     names: dict | None = None) -> ReportTable:  # fmt: skip
    """One row per moderator coefficient: estimate, interval, p-value and variance explained."""
    rows = []
    for mod, reg in ue.moderators.items():
        for _, r in reg.terms[reg.terms["term"] != "intercept"].iterrows():
            term = str(r["term"])
            if "=" in term:
                level = term.split("=", 1)[1]
                shown = (names or {}).get(level) or (
                    _tr(f"kind_group.{level}", language) if mod == "kind_group" else level
                )
                reference = (names or {}).get(reg.categories[mod][0]) or (
                    _tr(f"kind_group.{reg.categories[mod][0]}", language)
                    if mod == "kind_group" else reg.categories[mod][0]
                )  # fmt: skip
                label = _tr("contrast", language, group=shown, reference=reference)
            else:
                label = l10n.label("column", f"syn_mod_{mod}", language)
            rows.append((label, r["estimate"], r["ci_lower"], r["ci_upper"], r["p_value"],
                         reg.r2))  # fmt: skip
    data = pd.DataFrame(rows, columns=["term", "estimate", "ci_lower", "ci_upper", "p_value", "r2"])
    keys = ["term", "estimate", "ci_lower", "ci_upper", "p_value", "r2"]
    headers = _headers(["term", "r2"], language) | {
        k: l10n.label("column", k, language)
        for k in ("estimate", "ci_lower", "ci_upper", "p_value")
    }
    return ReportTable(
        data,
        columns={k: headers[k] for k in keys},
        formats={
            "estimate": "+.2f",
            "ci_lower": ".2f",
            "ci_upper": ".2f",
            "p_value": "p",
            "r2": ".0%",
        },  # fmt: skip
        language=language,
        name=name,
        caption=_tr("caption.moderators", language, outcome=outcome_name(ue.outcome, language)),
    )


def testing_table(ue: UnitEffects, language: str, *, name: str) -> ReportTable:
    """Each unit's p-value before and after Holm and Benjamini–Hochberg."""
    t = ue.table.sort_values("p_value", kind="stable")
    data = pd.DataFrame(
        {"unit": t["label"], "own": t["estimate"], "p_value": t["p_value"],
         "p_holm": t["p_holm"], "p_bh": t["p_bh"]}
    )  # fmt: skip
    headers = _headers(["unit", "own", "p_holm", "p_bh"], language)
    headers["p_value"] = l10n.label("column", "p_value", language)
    return ReportTable(
        data,
        columns={k: headers[k] for k in ("unit", "own", "p_value", "p_holm", "p_bh")},
        formats={"own": ".2f", "p_value": "p", "p_holm": "p", "p_bh": "p"},
        language=language,
        name=name,
        caption=_tr("caption.testing", language),
    )


def value_table(
    value: pd.DataFrame, language: str, *, name: str, city: bool = False
) -> ReportTable:
    """Budget, cost per IKM point with its interval, cost per day saved (Rp million)."""

    def money(x) -> float:
        return float(x) / 1e6 if np.isfinite(float(x)) else float("nan")

    def interval(lo, hi) -> str:
        if not (np.isfinite(float(lo))):
            return l10n.MISSING
        if np.isfinite(float(hi)):
            return _tr("cost_range", language, lower=float(lo) / 1e6, upper=float(hi) / 1e6)
        return _tr("cost_range_unbounded", language, lower=float(lo) / 1e6)

    v = value
    data = pd.DataFrame(
        {
            "unit": _names(v, city),
            "city": v.get("city", ""),
            "budget": [money(x) for x in v["budget_rp"]],
            "per_point": [money(x) for x in v["per_point"]],
            "per_point_range": [interval(a, b) for a, b in zip(v["per_point_lower"],
                                                                v["per_point_upper"])],
            "per_day": [money(x) for x in v["per_day"]],
        }
    )  # fmt: skip
    days = bool(np.isfinite(data["per_day"].astype(float)).any())  # else a column of —
    keys = ["unit", *(["city"] if city else []), "budget", "per_point", "per_point_range",
            *(["per_day"] if days else [])]  # fmt: skip
    notes = [_tr("note.unbounded", language)] if (v["per_point_upper"] == np.inf).any() else []
    return ReportTable(
        data,
        columns=_headers(keys, language),
        formats={"budget": ".1f", "per_point": ".1f", "per_day": ".1f"},
        language=language,
        name=name,
        caption=_tr("caption.value" if days else "caption.value_points", language),
        notes=tuple(notes),
        missing_reason=_tr("note.budget_missing", language),
    )


# ----------------------------------------------------------------------------- the study
def _designs_table(res: Synthesis, language: str) -> ReportTable:
    d = res.designs
    if d.empty:
        return _empty("efek-desain", language)
    data = pd.DataFrame(
        {
            "design": [design_name(m, language) for m in d["method"]],
            "outcome": [outcome_name(s, language) for s in d["scale"]],
            "unit": [unit_name(r, language) for _, r in d.iterrows()],
            "estimate": d["estimate"],
            "ci_lower": d["ci_lower"],
            "ci_upper": d["ci_upper"],
            "p_value": d["p_value"],
        }
    )
    base = {k: l10n.label("column", k, language) for k in ("estimate", "ci_lower", "ci_upper",
                                                            "p_value")}  # fmt: skip
    return ReportTable(
        data,
        columns=_headers(["design", "outcome", "unit"], language) | base,
        formats={"estimate": ".2f", "ci_lower": ".2f", "ci_upper": ".2f", "p_value": "p"},
        language=language,
        name="efek-desain",
        caption=_tr("caption.designs", language),
        missing_reason=_tr("note.no_interval", language),
    )


def _standardised_table(res: Synthesis, language: str) -> ReportTable:
    s = res.standardised
    if s.empty:
        return _empty("efek-terstandar", language)
    data = pd.DataFrame(
        {
            "design": [design_name(m, language) for m in s["method"]],
            "outcome": [outcome_name(o, language) for o in s["outcome"]],
            "sd": s["sd"],
            "estimate_sd": s["estimate"],
            "ci_lower": s["ci_lower"],
            "ci_upper": s["ci_upper"],
        }
    )
    headers = _headers(["design", "outcome", "sd", "estimate_sd"], language) | {
        k: l10n.label("column", k, language) for k in ("ci_lower", "ci_upper")
    }
    return ReportTable(
        data,
        columns=headers,
        formats={"sd": ".2f", "estimate_sd": ".2f", "ci_lower": ".2f", "ci_upper": ".2f"},
        language=language,
        name="efek-terstandar",
        caption=_tr("caption.standardised", language),
    )


def _reconciliation_table(res: Synthesis, language: str) -> ReportTable:
    r = res.reconciliation
    if r.empty:
        return _empty("rekonsiliasi", language)
    data = pd.DataFrame(
        {
            "outcome": [outcome_name(o, language) for o in r["outcome"]],
            "unit": [unit_name(x, language) for _, x in r.iterrows()],
            "design_a": [design_name(m, language) for m in r["design_a"]],
            "estimate_a": r["estimate_a"],
            "design_b": [design_name(m, language) for m in r["design_b"]],
            "estimate_b": r["estimate_b"],
            "difference": r["difference"],
            "agree": ~r["disagree"].astype(bool),
        }
    )
    keys = list(data.columns)
    return ReportTable(
        data,
        columns=_headers(keys, language),
        formats={"estimate_a": ".2f", "estimate_b": ".2f", "difference": ".2f", "agree": "yesno"},
        language=language,
        name="rekonsiliasi",
        caption=_tr("caption.reconciliation", language),
    )


def table(res: Synthesis, name: str, language: str) -> ReportTable:
    """Table ``name`` of the synthesis in ``language``."""
    ue = res.primary
    if name == "designs":
        return _designs_table(res, language)
    if name == "standardised":
        return _standardised_table(res, language)
    if name == "reconciliation":
        return _reconciliation_table(res, language)
    if name == "levels":
        if res.levels is None:
            return _empty("ikm-unit", language)
        return levels_table(res.levels, language, res.rank_level, name="ikm-unit")
    if name == "value":
        if res.value.empty:
            return _empty("nilai-uang", language)
        return value_table(res.value, language, name="nilai-uang")
    if ue is None or (name == "moderators" and not ue.moderators):
        return _empty(name, language)
    if name == "agencies":
        return effects_table(ue, language, name="efek-unit")
    if name == "ranking":
        caption = _tr("caption.ranking", language, outcome=outcome_name(ue.outcome, language),
                      level=res.rank_level)  # fmt: skip
        return ranking_table(ue, language, name="peringkat-efek", caption=caption)
    if name == "moderators":
        return moderators_table(ue, language, name="meta-regresi")
    return testing_table(ue, language, name="uji-berganda")
