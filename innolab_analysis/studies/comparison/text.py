"""The narrative of the city comparison: sentences from ``comparison.yaml`` (and the shared
unit-level sentences of ``synthesis.yaml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding
from innolab_analysis.studies.synthesis import text as syn

if TYPE_CHECKING:  # pragma: no cover
    from innolab_analysis.studies.comparison.compute import CityComparison

__all__ = ["alt_text", "findings", "section"]


def _tr(key: str, language: str, **values) -> str:
    return l10n.tr(f"comparison.{key}", language, **values)


def _paras(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _cities(res: CityComparison) -> dict[str, str]:
    return dict(zip(res.cities["study"], res.cities["city"]))


def _scope(res: CityComparison, language: str) -> str:
    items = [
        _tr("scope_city", language, city=r["city"], units=int(r["n_units"]),
            effects=int(r["n_effects"]))
        for _, r in res.cities.iterrows()
    ]  # fmt: skip
    return _tr("scope", language, n=len(res.cities), cities=l10n.join(items, language))


def _city_ikm_lines(res: CityComparison, language: str) -> list[str]:
    return [
        "- " + _tr("city_ikm", language, city=r["city"], year=r["year"], ikm=r["ikm"],
                   lower=r["ikm_lower"], upper=r["ikm_upper"], n=int(r["n_respondents"]))
        for _, r in res.cities.iterrows()
    ]  # fmt: skip


def _levels(res: CityComparison, language: str) -> str:
    lines = "\n".join(_city_ikm_lines(res, language))
    if res.levels is None:
        return lines
    common = _tr("levels_common", language, year=res.levels.year)
    return _paras(lines, common, syn.levels_paragraphs(res.levels, language, res.rank_level))


def _effects(res: CityComparison, language: str) -> str:
    if res.effects is None:
        return _tr("cities_none", language)
    lines = []
    for _, r in res.cities.iterrows():
        if not np.isfinite(r["pooled"]):
            lines.append("- " + _tr("city_effect_none", language, city=r["city"]))
            continue
        lines.append(
            "- " + _tr("city_effect", language, city=r["city"], estimate=r["pooled"],
                       lower=r["pooled_lower"], upper=r["pooled_upper"], k=int(r["n_effects"]),
                       pi_lower=r["pi_lower"], pi_upper=r["pi_upper"], att=r["att"],
                       att_lower=r["att_lower"], att_upper=r["att_upper"])
        )  # fmt: skip
    p = res.effects.pooled
    overall = _tr("all_cities", language, estimate=p.estimate, lower=p.ci_lower,
                  upper=p.ci_upper, k=res.effects.k)  # fmt: skip
    return _paras("\n".join(lines), overall, syn.testing_paragraph(res.effects, language))


def _ranking(res: CityComparison, language: str) -> str:
    if res.effects is None:
        return _tr("cities_none", language)
    return _paras(*syn.ranking_paragraphs(res.effects, language, res.rank_level))


def _difference(res: CityComparison, language: str) -> list[str]:
    ue = res.effects
    if ue is None or "study" not in ue.moderators:
        return []
    only = type(ue)(**{**ue.__dict__, "moderators": {"study": ue.moderators["study"]}})
    return syn.moderator_sentences(only, language, names=_cities(res))


def _cities_section(res: CityComparison, language: str) -> str:
    sentences = _difference(res, language)
    if not sentences:
        return _tr("cities_none", language)
    return _paras(_tr("cities_intro", language), "\n".join(f"- {s}" for s in sentences),
                  _tr("cities_caution", language))  # fmt: skip


def _moderators(res: CityComparison, language: str) -> str:
    ue = res.effects
    if ue is None:
        return l10n.tr("synthesis.moderators_none", language)
    others = {k: v for k, v in ue.moderators.items() if k != "study"}
    if not others:
        return l10n.tr("synthesis.moderators_none", language)
    only = type(ue)(**{**ue.__dict__, "moderators": others})
    lines = "\n".join(f"- {s}" for s in syn.moderator_sentences(only, language))
    parts = [l10n.tr("synthesis.moderators_intro", language), lines]
    if "kind_group" in others:
        parts.append(l10n.tr("synthesis.moderators_grouping", language))
    parts.append(l10n.tr("synthesis.moderators_caution", language, k=ue.k))
    return _paras(*parts)


def _value(res: CityComparison, language: str) -> str:
    return syn.value_paragraphs(res.value, None, language)


_SECTIONS = {
    "scope": _scope,
    "levels": _levels,
    "effects": _effects,
    "ranking": _ranking,
    "cities": _cities_section,
    "moderators": _moderators,
    "value": _value,
}


def section(res: CityComparison, name: str, language: str) -> str:
    """The body of section ``name`` (Markdown, without its heading)."""
    return _SECTIONS[name](res, language)


def findings(res: CityComparison, language: str) -> tuple[Finding, ...]:
    """The cities' IKM, their per-unit effects, the difference between them, the ranks."""
    c = res.cities
    items = [
        _tr("city_ikm_item", language, city=r["city"], ikm=r["ikm"], lower=r["ikm_lower"],
            upper=r["ikm_upper"])
        for _, r in c.iterrows()
    ]  # fmt: skip
    out = [
        Finding("city_ikm", _tr("finding_city_ikm", language, year=c["year"].iloc[0],
                                items=l10n.Safe("; ".join(items))), outcome="ikm")
    ]  # fmt: skip
    ue = res.effects
    if ue is not None:
        items = [
            _tr("city_effect_item", language, city=r["city"], estimate=r["pooled"],
                lower=r["pooled_lower"], upper=r["pooled_upper"])
            for _, r in c.iterrows() if np.isfinite(r["pooled"])
        ]  # fmt: skip
        out.append(Finding("city_effects", _tr("finding_effects", language,
                                               items=l10n.Safe("; ".join(items))),
                           outcome="ikm"))  # fmt: skip
        if "study" in ue.moderators:
            reg = ue.moderators["study"]
            row = reg.terms.iloc[0]
            names = _cities(res)
            group = row["term"].split("=", 1)[1]
            out.append(
                Finding("city_difference", _tr(
                    "finding_difference", language, group=names.get(group, group),
                    reference=names.get(reg.categories["study"][0]),
                    estimate=float(row["estimate"]), ci_lower=float(row["ci_lower"]),
                    ci_upper=float(row["ci_upper"]), p_value=float(row["p_value"])),
                    float(row["estimate"]), float(row["ci_lower"]), float(row["ci_upper"]),
                    "ikm")
            )  # fmt: skip
        statement = l10n.Safe(ue.ranks.sentences(language)[0])
        out.append(Finding("ranking", _tr("finding_ranking", language, statement=statement),
                           outcome="ikm"))  # fmt: skip
    if res.levels is not None:
        statement = l10n.Safe(res.levels.ranks.sentences(language)[0])
        out.append(Finding("ikm_levels", _tr("finding_levels", language, statement=statement),
                           outcome="ikm"))  # fmt: skip
    return tuple(out[:6])


def alt_text(res: CityComparison, kind: str, language: str) -> str:
    """The one-line reading of figure ``kind`` (plain text)."""

    def plain(key: str, **values) -> str:
        return l10n.tr(f"comparison.{key}", language, markdown=False, **values)

    ue = res.effects
    if kind == "levels" and res.levels is not None:
        return plain("alt_levels", year=res.levels.year)
    if kind == "effects" and ue is not None:
        return plain("alt_effects", estimate=ue.pooled.estimate)
    if kind == "ranking" and ue is not None:
        return plain("alt_ranking", level=res.rank_level,
                     statement=ue.ranks.sentences(language, markdown=False)[0])  # fmt: skip
    if kind == "cities" and ue is not None:
        items = [
            l10n.tr("comparison.city_effect_item", language, markdown=False, city=r["city"],
                    estimate=r["pooled"], lower=r["pooled_lower"], upper=r["pooled_upper"])
            for _, r in res.cities.iterrows() if np.isfinite(r["pooled"])
        ]  # fmt: skip
        return plain("alt_cities", items=l10n.Safe("; ".join(items)))
    return l10n.tr("synthesis.alt_empty", language, markdown=False)
