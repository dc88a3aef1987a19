"""The tables of the innovation-portfolio study, as :class:`~innolab_analysis.display.ReportTable`.

Headers come from ``labels.yaml`` (``column.*``), stages and categories by
their catalog labels, units by name; shares, days and dates are formatted by
the table for the report's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.studies._shared_text import sources_table
from innolab_analysis.studies.portfolio.text import mix_label, stage_label

if TYPE_CHECKING:
    from innolab_analysis.studies.portfolio.compute import Portfolio

__all__ = ["table"]


def _text(key: str, language: str, **values) -> str:
    return l10n.tr(f"portfolio.table.{key}", language, markdown=False, **values)


def _report(frame, cols, formats, language, name, extra=None, missing=None, **caption):
    return ReportTable(
        frame,
        columns=l10n.column_labels(cols, language, extra),
        formats=formats,
        language=language,
        name=name,
        caption=_text(name, language, **caption),
        missing_reason=_text(missing, language) if missing else None,
    )


def _coverage(res: Portfolio, language: str) -> ReportTable:
    frame = res.coverage.assign(coverage=res.coverage["share"])
    cols = ["year", "n_agencies", "n_with_innovation", "coverage"]
    formats = {"n_agencies": "d", "n_with_innovation": "d", "coverage": ".0%"}
    return _report(frame, cols, formats, language, "coverage")


def _flow(res: Portfolio, language: str) -> ReportTable:
    cols = ["year", "launched", "discontinued", "active_end", "active_during"]
    return _report(res.flow, cols, dict.fromkeys(cols[1:], "d"), language, "flow")


def _funnel(res: Portfolio, language: str) -> ReportTable:
    f = res.funnel
    frame = f.assign(
        scheme=[l10n.label("funnel_scheme", s, language) for s in f["scheme"]],
        stage=[stage_label(s, st, language) for s, st in zip(f["scheme"], f["stage"])],
    )
    cols = ["scheme", "stage", "n_reached", "share_of_entered", "conversion"]
    formats = {"n_reached": "d", "share_of_entered": ".0%", "conversion": ".0%"}
    return _report(frame, cols, formats, language, "funnel", missing="funnel_missing")


def _mix(res: Portfolio, language: str) -> ReportTable:
    m = res.mix
    frame = m.assign(
        dimension=[l10n.label("mix_dimension", d, language) for d in m["dimension"]],
        category=[mix_label(d, v, language) for d, v in zip(m["dimension"], m["value"])],
        n_innovations=m["n"],
    )
    cols = ["dimension", "category", "n_innovations", "share"]
    formats = {"n_innovations": "d", "share": ".0%"}
    return _report(frame, cols, formats, language, "mix", missing="mix_missing")


def _speed(res: Portfolio, language: str) -> ReportTable:
    cols = ["n_proposed", "n_launched", "median_days", "q1_days", "q3_days", "min_days",
            "max_days"]  # fmt: skip
    formats = {c: "d" for c in cols[:2]} | {c: ".0f" for c in cols[2:]}
    return _report(res.speed, cols, formats, language, "speed", missing="speed_missing")


def _survival(res: Portfolio, language: str) -> ReportTable:
    cols = ["years", "survival", "survival_ci_lower", "survival_ci_upper", "n_at_risk",
            "n_events"]  # fmt: skip
    formats = {"years": "d", "survival": ".1%", "survival_ci_lower": ".1%",
               "survival_ci_upper": ".1%", "n_at_risk": "d", "n_events": "d"}  # fmt: skip
    return _report(res.survival, cols, formats, language, "survival", missing="survival_missing")


def _readiness(res: Portfolio, language: str) -> ReportTable:
    cols = ["unit", "assessed_on", "readiness_index", "leadership_commitment", "low_leadership"]
    if res.readiness is None:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    else:
        frame = res.readiness.rename(columns={"name": "unit"}).sort_values(
            ["readiness_index", "unit"], ascending=[False, True], na_position="last"
        )
    lead = l10n.tr(
        "labels.column.leadership_score", language, markdown=False,
        dimension=res.leadership_label[language],
    )  # fmt: skip
    formats = {"assessed_on": "date", "readiness_index": ".1f", "leadership_commitment": ".1f",
               "low_leadership": "yesno"}  # fmt: skip
    return _report(frame, cols, formats, language, "readiness", {"leadership_commitment": lead},
                   "readiness_missing", end=res.end_year)  # fmt: skip


_TABLES: dict[str, Callable[[Portfolio, str], ReportTable]] = {
    "coverage": _coverage,
    "flow": _flow,
    "funnel": _funnel,
    "mix": _mix,
    "speed": _speed,
    "survival": _survival,
    "readiness": _readiness,
    "sources": lambda res, language: sources_table(res.sources, language),
}


def table(res: Portfolio, name: str, language: str) -> ReportTable:
    """Table ``name`` of :data:`~innolab_analysis.options.PortfolioTable` in ``language``."""
    return _TABLES[name](res, language)
