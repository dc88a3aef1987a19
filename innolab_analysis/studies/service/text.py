"""The words of the service-quality study: findings, sections and alt texts.

Every sentence is a message of ``l10n/messages/service.yaml`` (category labels
from ``labels.yaml``); numbers are formatted by the catalog's Babel specs and
unit names reach the text only as escaped placeholder values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding
from innolab_analysis.studies._shared_text import sources_markdown, unit_list

if TYPE_CHECKING:
    from innolab_analysis.studies.service.compute import ServiceQuality

__all__ = ["SUMMARY_NAMES", "alt_text", "element_label", "findings", "grade_label", "section"]

_GRADES = ("A", "B", "C", "D")
SUMMARY_NAMES = 4
"""Units named in a finding of the summary; the section names them all."""


def _tr(key: str, language: str, md: bool = True, **values) -> str:
    return l10n.tr(f"service.{key}", language, markdown=md, **values)


def grade_label(grade: object, language: str) -> str:
    """``Baik`` / ``Good`` for grade ``B`` (``—`` when there is no grade)."""
    if l10n.is_missing(grade):
        return l10n.MISSING
    return l10n.label("skm_grade", grade, language)


def element_label(standard: str, element: str, language: str) -> str:
    """The name of element ``u1`` … of an SKM standard, in ``language``."""
    return l10n.label(f"skm_element_{standard}", element, language)


def _regulation(res: ServiceQuality) -> l10n.Safe:
    from innolab_analysis.metrics.standards import get_standard

    return l10n.Safe(get_standard(res.standard).regulation)


def _period(res: ServiceQuality, value: object) -> l10n.Safe:
    """A period label (ours, ``2024-S2``): inserted as it is."""
    return l10n.Safe(res.period_label(value))


def _frequency(res: ServiceQuality, language: str) -> str:
    return _tr(f"frequency.{res.frequency}", language)


def _uncertainty(res: ServiceQuality, row: pd.Series, language: str, md: bool = True) -> str:
    """The interval of an IKM when the bootstrap ran, otherwise its number of respondents.

    A unit whose sample is short of the Krejcie–Morgan minimum says so.
    """
    if res.has_intervals and not l10n.is_missing(row.get("ikm_ci_lower")):
        return _tr(
            "uncertainty.interval",
            language,
            md,
            lower=row["ikm_ci_lower"],
            upper=row["ikm_ci_upper"],
        )
    count = int(row["n_respondents"])
    a = res.adequacy
    if "agency_id" in row.index and a is not None:
        hit = a.loc[a["agency_id"] == str(row["agency_id"])]
        if len(hit) and not bool(hit["adequate"].iloc[0]):
            required = int(hit["required"].iloc[0])
            return _tr("uncertainty.short", language, md, count=count, required=required)
    return _tr("uncertainty.respondents", language, md, count=count)


def _grade_counts(ranked: pd.DataFrame, language: str, md: bool = True) -> str:
    counts = ranked["grade"].value_counts()
    parts = [
        _tr("grade_count", language, md, count=int(counts[g]), grade=g)
        for g in _GRADES
        if counts.get(g, 0)
    ]
    return _tr(
        "grades", language, md, total=len(ranked), counts=l10n.join(parts, language, markdown=md)
    )


def _ranked(res: ServiceQuality) -> pd.DataFrame:
    return res.latest.dropna(subset=["ikm"]).sort_values("ikm", kind="stable")


# ============================================================================ findings
def _meaning(res: ServiceQuality, last: pd.Series, language: str) -> str:
    from innolab_analysis.metrics.standards import get_standard

    bands = get_standard(res.standard).bands
    grade = last["grade"]
    pos = next((i for i, b in enumerate(bands) if b.grade == grade), None)
    if pos is None:
        return ""
    band = bands[pos]
    values = dict(
        grade=grade,
        label=grade_label(grade, language),
        regulation=_regulation(res),
        lower=band.nik_lower,
        upper=band.nik_upper,
    )
    if pos == 0:
        return _tr("meaning.top_grade", language, **values)
    better = bands[pos - 1]
    return _tr(
        "meaning.grade",
        language,
        **values,
        next_grade=better.grade,
        next=better.nik_lower,
        gap=better.nik_lower - float(last["ikm"]),
    )


def _city_finding(res: ServiceQuality, language: str) -> Finding:
    c = res.city
    first, last = c.iloc[0], c.iloc[-1]
    if len(c) == 1 or first["ikm"] == last["ikm"]:
        key = "finding.city_one"
    else:
        key = "finding.city_rose" if last["ikm"] > first["ikm"] else "finding.city_fell"
    text = _tr(
        key,
        language,
        first=first["ikm"],
        first_grade=first["grade"],
        first_period=_period(res, first["period"]),
        last=last["ikm"],
        last_grade=last["grade"],
        last_period=_period(res, last["period"]),
        uncertainty=_uncertainty(res, last, language),
        meaning=_meaning(res, last, language),
    )
    lo, hi = _interval(res, last)
    return Finding("city_ikm", text.strip(), float(last["ikm"]), lo, hi, "ikm")


def _interval(res: ServiceQuality, row: pd.Series) -> tuple[float | None, float | None]:
    if not res.has_intervals:
        return None, None
    return float(row["ikm_ci_lower"]), float(row["ikm_ci_upper"])


def _units_finding(res: ServiceQuality, language: str) -> Finding:
    ranked = _ranked(res)
    period = _period(res, res.last_period)
    if ranked.empty:
        return Finding("units_ikm", _tr("finding.units_none", language, period=period))
    best, worst = ranked.iloc[-1], ranked.iloc[0]
    if res.has_intervals:
        apart = worst["ikm_ci_upper"] < best["ikm_ci_lower"]
        gap = best["ikm"] - worst["ikm"]
        reading = _tr("reading.separated" if apart else "reading.overlap", language, gap=gap)
    else:
        reading = _tr("reading.no_interval", language)
    text = _tr(
        "finding.units",
        language,
        period=period,
        best=best["name"],
        best_ikm=best["ikm"],
        best_grade=best["grade"],
        best_uncertainty=_uncertainty(res, best, language),
        worst=worst["name"],
        worst_ikm=worst["ikm"],
        worst_grade=worst["grade"],
        worst_uncertainty=_uncertainty(res, worst, language),
        grades=_grade_counts(ranked, language),
        reading=reading,
    )
    lo, hi = _interval(res, worst)
    return Finding("units_ikm", text, float(worst["ikm"]), lo, hi, "ikm")


def _element_items(res: ServiceQuality, language: str) -> str:
    items = [
        _tr(
            "element_item",
            language,
            element=element_label(res.standard, r.element, language),
            nrr=r.nrr,
        )
        for r in res.weakest.itertuples()
    ]
    return "; ".join(items)


def _elements_finding(res: ServiceQuality, language: str) -> Finding:
    weakest = res.weakest.iloc[0]
    text = _tr(
        "finding.elements",
        language,
        period=_period(res, res.last_period),
        items=l10n.Safe(_element_items(res, language)),
        points=weakest["ikm_points_lost"],
    )
    return Finding("weakest_elements", text, float(weakest["nrr"]), outcome="nrr")


def _sample_text(res: ServiceQuality, language: str, limit: int | None = None) -> str:
    period = _period(res, res.last_period)
    a = res.adequacy
    if a is None:
        return next(d.message[language] for d in res.diagnostics if d.code == "sample_adequacy")
    short = a.loc[~a["adequate"].astype(bool)]
    if short.empty:
        return _tr("finding.sample_ok", language, total=len(a), period=period)
    return _tr(
        "finding.sample_short",
        language,
        count=len(short),
        total=len(a),
        period=period,
        shortfall=int(short["shortfall"].sum()),
        units=unit_list(short["name"], language, limit=limit),
    )


def _sample_finding(res: ServiceQuality, language: str) -> Finding:
    n_short = None
    if res.adequacy is not None:
        n_short = float((~res.adequacy["adequate"].astype(bool)).sum())
    text = _sample_text(res, language, limit=SUMMARY_NAMES)
    return Finding("sample_adequacy", text, n_short, outcome="units_short")


def findings(res: ServiceQuality, language: str) -> tuple[Finding, ...]:
    """The summary of the report: city trend, units, elements, sample (4 findings)."""
    return (
        _city_finding(res, language),
        _units_finding(res, language),
        _elements_finding(res, language),
        _sample_finding(res, language),
    )


# ============================================================================ sections
def _data(res: ServiceQuality, language: str) -> str:
    parts = [
        _tr(
            "data.body",
            language,
            respondents=res.n_respondents,
            units=res.n_units,
            start=res.start_year,
            end=res.end_year,
            frequency=_frequency(res, language),
            regulation=_regulation(res),
        )
    ]
    if res.has_intervals:
        parts.append(_tr("data.bootstrap", language, replicates=res.bootstrap, seed=res.seed))
    else:
        parts.append(_tr("data.no_bootstrap", language))
    text = " ".join(parts)
    sources = sources_markdown(res.sources, language)
    return f"{text}\n\n{sources}" if sources else text


def _city(res: ServiceQuality, language: str) -> str:
    c = res.city
    first, last = c.iloc[0], c.iloc[-1]
    high, low = c.loc[c["ikm"].idxmax()], c.loc[c["ikm"].idxmin()]
    return _tr(
        "city.body",
        language,
        last_period=_period(res, last["period"]),
        last=last["ikm"],
        uncertainty=_uncertainty(res, last, language),
        grade=last["grade"],
        label=grade_label(last["grade"], language),
        first_period=_period(res, first["period"]),
        first=first["ikm"],
        first_grade=first["grade"],
        change=float(last["ikm"] - first["ikm"]),
        high=high["ikm"],
        high_period=_period(res, high["period"]),
        low=low["ikm"],
        low_period=_period(res, low["period"]),
    )


def _agencies(res: ServiceQuality, language: str) -> str:
    ranked = _ranked(res)
    period = _period(res, res.last_period)
    if ranked.empty:
        return _tr("finding.units_none", language, period=period)
    text = _tr(
        "agencies.body",
        language,
        period=period,
        low=ranked["ikm"].iloc[0],
        worst=ranked["name"].iloc[0],
        high=ranked["ikm"].iloc[-1],
        best=ranked["name"].iloc[-1],
        city=res.city["ikm"].iloc[-1],
        grades=_grade_counts(ranked, language),
    )
    if res.adequacy is not None and not res.adequacy["adequate"].astype(bool).all():
        text += " " + _tr("agencies.short", language)
    return text


def _elements(res: ServiceQuality, language: str) -> str:
    text = _tr("elements.body", language, period=_period(res, res.last_period))
    codes = sorted(res.elements["element"], key=lambda e: int(e[1:]))  # ties: regulation order
    nrr = res.latest[[f"nrr_{e}" for e in codes]].dropna()
    if len(nrr):
        weakest = nrr.idxmin(axis=1).str.removeprefix("nrr_").value_counts()
        text += " " + _tr(
            "elements.most_often",
            language,
            count=int(weakest.iloc[0]),
            total=len(nrr),
            element=element_label(res.standard, weakest.index[0], language),
        )
    return text


def _sample(res: ServiceQuality, language: str) -> str:
    if res.adequacy is None:
        return _sample_text(res, language)
    text = _tr(
        "sample.body",
        language,
        period=_period(res, res.last_period),
        result=l10n.Safe(_sample_text(res, language)),
    )
    extra = [d.message[language] for d in res.diagnostics if d.code != "sample_adequacy"]
    return "\n\n".join([text, *extra])


_SECTIONS: dict[str, Callable[[ServiceQuality, str], str]] = {
    "data": _data,
    "city": _city,
    "agencies": _agencies,
    "elements": _elements,
    "sample": _sample,
}


def section(res: ServiceQuality, name: str, language: str) -> str:
    """The body of section ``name`` (Markdown, without its heading)."""
    return _SECTIONS[name](res, language)


# ============================================================================ alt texts
def alt_text(res: ServiceQuality, kind: str, language: str) -> str:
    """The one-line reading of figure ``kind`` (plain text)."""
    period = _period(res, res.last_period)
    if kind == "city":
        c = res.city
        first, last = c.iloc[0], c.iloc[-1]
        return _tr(
            "alt.city",
            language,
            False,
            frequency=_frequency(res, language),
            first=first["ikm"],
            first_period=_period(res, first["period"]),
            first_grade=first["grade"],
            last=last["ikm"],
            last_period=_period(res, last["period"]),
            last_grade=last["grade"],
            low=c["ikm"].min(),
            high=c["ikm"].max(),
        )
    ranked = _ranked(res)
    if ranked.empty:
        return _tr("alt.agencies_none", language, False, period=period)
    if kind == "agencies":
        return _tr(
            "alt.agencies",
            language,
            False,
            count=len(ranked),
            period=period,
            low=ranked["ikm"].iloc[0],
            worst=ranked["name"].iloc[0],
            high=ranked["ikm"].iloc[-1],
            best=ranked["name"].iloc[-1],
            grades=_grade_counts(ranked, language, False),
        )
    nrr = ranked[[f"nrr_{e}" for e in res.elements["element"]]].to_numpy(dtype=float)
    return _tr(
        "alt.elements",
        language,
        False,
        elements=nrr.shape[1],
        count=len(ranked),
        period=period,
        low=float(pd.Series(nrr.ravel()).min()),
        high=float(pd.Series(nrr.ravel()).max()),
        weakest=element_label(res.standard, res.weakest["element"].iloc[0], language),
    )
