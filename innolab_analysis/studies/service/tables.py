"""The tables of the service-quality study, as :class:`~innolab_analysis.display.ReportTable`.

Headers come from ``labels.yaml`` (``column.*``), grades and elements by their
catalog labels, periods as ``2024-S2``, units by name; numbers and Ya/Tidak
are formatted by the table for the report's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.studies._shared_text import sources_table
from innolab_analysis.studies.service.text import element_label, grade_label

if TYPE_CHECKING:
    from innolab_analysis.studies.service.compute import ServiceQuality

__all__ = ["table"]

_CI = ("ikm_ci_lower", "ikm_ci_upper")
_IKM_FORMATS = {"n_respondents": "d", "ikm": ".2f", "ikm_ci_lower": ".2f", "ikm_ci_upper": ".2f"}


def _caption(key: str, language: str, **values) -> str:
    return l10n.tr(f"service.table.{key}", language, markdown=False, **values)


def _missing(key: str, language: str) -> str:
    return l10n.tr(f"service.table.{key}", language, markdown=False)


def _ikm_table(
    res: ServiceQuality, frame: pd.DataFrame, first: list[str], name: str, language: str
):
    cols = [*first, "n_respondents", "ikm"]
    if res.has_intervals:
        cols += list(_CI)
    cols += ["grade", "performance"]
    shown = frame.assign(performance=[grade_label(g, language) for g in frame["grade"]])
    headers = l10n.column_labels(cols, language)
    no_ikm = shown["ikm"].isna().any()
    return dict(
        data=shown,
        columns=headers,
        formats=_IKM_FORMATS,
        language=language,
        name=name,
        missing_reason=_missing("no_ikm" if no_ikm else "no_interval", language),
    )


def _city(res: ServiceQuality, language: str) -> ReportTable:
    frame = res.city.assign(period=res.city["period"].map(res.period_label))
    spec = _ikm_table(res, frame, ["period"], "ikm_city", language)
    frequency = l10n.tr(f"service.frequency.{res.frequency}", language, markdown=False)
    return ReportTable(**spec, caption=_caption("city", language, frequency=frequency))


def _agencies(res: ServiceQuality, language: str) -> ReportTable:
    frame = (
        res.latest.rename(columns={"name": "unit"})
        .sort_values(["ikm", "unit"], ascending=[False, True], na_position="last")
        .reset_index(drop=True)
    )
    spec = _ikm_table(res, frame, ["unit"], "ikm_units", language)
    period = res.period_label(res.last_period)
    return ReportTable(**spec, caption=_caption("agencies", language, period=period))


def _elements(res: ServiceQuality, language: str) -> ReportTable:
    frame = res.elements.assign(
        element=[
            f"{e.upper()} · {element_label(res.standard, e, language)}"
            for e in res.elements["element"]
        ]
    )
    cols = ["element", "nrr", "ikm_points_lost"]
    return ReportTable(
        frame,
        columns=l10n.column_labels(cols, language),
        formats={"nrr": ".2f", "ikm_points_lost": ".2f"},
        language=language,
        name="elements",
        caption=_caption("elements", language, period=res.period_label(res.last_period)),
    )


def _sample(res: ServiceQuality, language: str) -> ReportTable:
    cols = ["unit", "population", "required", "achieved", "shortfall", "adequate"]
    if res.adequacy is None:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    else:
        frame = res.adequacy.rename(columns={"name": "unit"})
    formats = {c: "d" for c in cols[1:-1]} | {"adequate": "yesno"}
    return ReportTable(
        frame,
        columns=l10n.column_labels(cols, language),
        formats=formats,
        language=language,
        name="sample_adequacy",
        caption=_caption("sample", language, period=res.period_label(res.last_period)),
    )


_TABLES: dict[str, Callable[[ServiceQuality, str], ReportTable]] = {
    "city": _city,
    "agencies": _agencies,
    "elements": _elements,
    "sample": _sample,
    "sources": lambda res, language: sources_table(res.sources, language),
}


def table(res: ServiceQuality, name: str, language: str) -> ReportTable:
    """Table ``name`` of :data:`~innolab_analysis.options.ServiceTable` in ``language``."""
    return _TABLES[name](res, language)
