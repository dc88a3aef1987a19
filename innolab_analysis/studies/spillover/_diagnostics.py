"""The spillover study's diagnostics, each a catalog message (``messages/spillover.yaml``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from innolab_analysis import l10n
from innolab_analysis.estimators._result import Diagnostic
from innolab_analysis.options import Severity
from innolab_analysis.studies.spillover.facts import (
    COVID_YEAR,
    LABINOV_KICKOFF,
    TOL_SUMO_FULL_OPENING,
    TOL_SUMO_PARTIAL_OPENING,
)

__all__ = ["confounders", "event_phrase", "note", "with_names"]

LABINOV_CITY = "3576"
"""Kemendagri code of the city where the LAN Innovation Laboratory of April 2018 ran."""


def event_phrase(event: date, language: str) -> str:
    """``Tol Surabaya–Mojokerto beroperasi penuh pada 19 Desember 2017`` or a neutral phrase."""
    if event == TOL_SUMO_FULL_OPENING:
        return l10n.tr("spillover.event.tol_sumo", language, date=event)
    partial = TOL_SUMO_PARTIAL_OPENING
    if event == partial.opened:
        return l10n.tr(
            "spillover.event.tol_sumo_partial", language, date=event, route=partial.route
        )
    return l10n.tr("spillover.event.other", language, date=event)


def _message(key: str, **values) -> l10n.Bilingual:
    """``spillover.<key>`` in both languages; values that are catalog keys are rendered per language."""
    out = {}
    for lang in ("id", "en"):
        filled = {k: (v(lang) if callable(v) else v) for k, v in values.items()}
        out[lang] = l10n.tr(f"spillover.{key}", lang, **filled)
    return l10n.Bilingual(**out)


def note(code: str, severity: Severity, key: str, **values) -> Diagnostic:
    """A diagnostic whose message is ``spillover.<key>`` (callables are filled per language)."""
    return Diagnostic(code, severity, _message(key, **values))


def with_names(code: str, key: str, names: Sequence[str], **values) -> Diagnostic:
    """A warning listing regions by name (``a, b dan c`` / ``a, b and c``)."""
    return note(code, "warning", key, names=lambda lang: l10n.join(names, lang), **values)


def confounders(
    *,
    satellite: str,
    satellite_name: str,
    event: date,
    first_post_year: int,
    years: Sequence[int],
    covid: str,
) -> list[Diagnostic]:
    """What else happened around the event: the innovation laboratory, the partial opening, COVID."""
    out = []
    phrase = lambda lang: event_phrase(event, lang)  # noqa: E731
    if satellite == LABINOV_CITY and event <= LABINOV_KICKOFF:
        out.append(
            note(
                "confounder_labinov",
                "warning",
                "diag.labinov",
                satellite=satellite_name,
                date=LABINOV_KICKOFF,
                event=phrase,
            )
        )
    partial = TOL_SUMO_PARTIAL_OPENING
    if event == TOL_SUMO_FULL_OPENING and partial.opened.year < first_post_year:
        out.append(
            note(
                "partial_treatment_2016",
                "warning",
                "diag.partial",
                route=partial.route,
                date=partial.opened,
                first=partial.opened.year,
                last=first_post_year - 1,
            )
        )
    if COVID_YEAR in years:
        out.append(
            note(
                "covid_shock",
                "warning" if covid == "none" else "info",
                "diag.covid",
                year=COVID_YEAR,
                how=lambda lang: l10n.tr(f"spillover.diag.covid.{covid}", lang),
            )
        )
    return out
