"""The tables of the city comparison (shared builders from the synthesis, a city column added)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.studies.synthesis import tables as syn

if TYPE_CHECKING:  # pragma: no cover
    from innolab_analysis.studies.comparison.compute import CityComparison

__all__ = ["table"]


def _tr(key: str, language: str, **values) -> str:
    return l10n.tr(f"comparison.{key}", language, markdown=False, **values)


def _cities_table(res: CityComparison, language: str) -> ReportTable:
    c = res.cities
    data = pd.DataFrame(
        {
            "city": c["city"],
            "k": c["n_units"],
            "ikm_city": c["ikm"],
            "ikm_lower": c["ikm_lower"],
            "ikm_upper": c["ikm_upper"],
            "att": c["att"],
            "pooled": c["pooled"],
            "prediction": [
                l10n.ci(lo, hi, language) if pd.notna(lo) else l10n.MISSING
                for lo, hi in zip(c["pi_lower"], c["pi_upper"])
            ],
        }
    )
    col = {k: l10n.label("column", f"syn_{k}", language) for k in
           ("city", "k", "ikm_city", "pooled", "prediction")}  # fmt: skip
    col["ikm_lower"] = l10n.label("column", "ci_lower", language)
    col["ikm_upper"] = l10n.label("column", "ci_upper", language)
    col["att"] = l10n.label("synthesis_design", "staggered_did", language)
    order = ["city", "k", "ikm_city", "ikm_lower", "ikm_upper", "att", "pooled", "prediction"]
    return ReportTable(
        data,
        columns={k: col[k] for k in order},
        formats={
            "k": "d",
            "ikm_city": ".2f",
            "ikm_lower": ".2f",
            "ikm_upper": ".2f",
            "att": ".2f",
            "pooled": ".2f",
        },  # fmt: skip
        language=language,
        name="kota",
        caption=_tr("caption.cities", language, year=c["year"].iloc[0]),
        missing_reason=l10n.tr(
            "comparison.city_effect_none", language, markdown=False, city=""
        ).strip(" :"),  # fmt: skip
    )


def table(res: CityComparison, name: str, language: str) -> ReportTable:
    """Table ``name`` of the comparison in ``language``."""
    ue = res.effects
    if name == "cities":
        return _cities_table(res, language)
    if name == "levels":
        if res.levels is None:
            return syn._empty("ikm-unit", language)
        t = syn.levels_table(res.levels, language, res.rank_level, name="ikm-unit", city=True)
        return ReportTable(
            t.data, columns=t.columns, formats=t.formats, language=language, name=t.name,
            caption=_tr("caption.levels", language, year=res.levels.year, level=res.rank_level),
            notes=t.notes,
        )  # fmt: skip
    if name == "value":
        if res.value.empty:
            return syn._empty("nilai-uang", language)
        return syn.value_table(res.value, language, name="nilai-uang", city=True)
    if ue is None:
        return syn._empty(name, language)
    if name == "effects":
        return syn.effects_table(ue, language, name="efek-unit", city=True)
    if name == "ranking":
        caption = _tr("caption.ranking", language, level=res.rank_level)
        return syn.ranking_table(ue, language, name="peringkat-efek", caption=caption, city=True)
    return syn.moderators_table(ue, language, name="meta-regresi",
                                names=dict(zip(res.cities["study"], res.cities["city"])))  # fmt: skip
