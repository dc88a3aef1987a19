"""The spillover report's tables, as :class:`~innolab_analysis.display.ReportTable`.

Headers and category values come from the catalog; regions appear by name;
numbers are formatted by the table for the report's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.studies.spillover._words import group_label, klassen_row, synth_missing_reason
from innolab_analysis.studies.spillover.facts import GERBANGKERTOSUSILA

if TYPE_CHECKING:
    from innolab_analysis.studies.spillover.compute import SpilloverResult

__all__ = ["report_table"]

_TERM_COLUMNS = ("estimate", "std_error", "ci_lower", "ci_upper", "p_value")


def _plain(key: str, language: str, **values) -> str:
    return l10n.tr(f"spillover.{key}", language, markdown=False, **values)


def _linkage(res: SpilloverResult, language: str) -> ReportTable:
    terms = res.linkage.terms
    data = terms.assign(term=[l10n.label("term", t, language) for t in terms["term"]])
    columns = {"term": _plain("col.term", language), **l10n.column_labels(_TERM_COLUMNS, language)}
    fit = res.linkage
    return ReportTable(
        data,
        columns=columns,
        formats={
            "estimate": ".2f",
            "std_error": ".3f",
            "ci_lower": ".2f",
            "ci_upper": ".2f",
            "p_value": "p",
        },
        language=language,
        name="keterkaitan-pertumbuhan" if language == "id" else "growth-linkage",
        caption=_plain(
            "table.linkage.caption",
            language,
            satellite=res.satellite_name,
            core=res.core_name,
            n=fit.n_obs,
        ),
    )


def _synth_weights(res: SpilloverResult, language: str) -> ReportTable:
    columns = {"region": _plain("col.region", language), "weight": _plain("col.weight", language)}
    name = "bobot-donor" if language == "id" else "donor-weights"
    caption = _plain("table.synth_weights.caption", language)
    note = _plain("table.synth_weights.note", language, satellite=res.satellite_name)
    if res.synth is None:
        reason = l10n.tr(
            "spillover.finding.synth.missing",
            language,
            markdown=False,
            reason=synth_missing_reason(res, language),
        )
        return ReportTable(
            pd.DataFrame(columns=list(columns)),
            columns=columns,
            language=language,
            name=name,
            caption=caption,
            notes=(reason,),
        )
    w = res.synth.weights.sort_values(ascending=False)
    w = w[w > 0.005]
    data = pd.DataFrame(
        {"region": [res.region_names.get(str(c), str(c)) for c in w.index], "weight": w.to_numpy()}
    )
    return ReportTable(
        data,
        columns=columns,
        formats={"weight": ".1%"},
        language=language,
        name=name,
        caption=caption,
        notes=(note,),
    )


def _indicator_label(indicator: str, language: str) -> str:
    kind, _, group = indicator.partition("_")
    if indicator in ("population_ratio", "per_capita_ratio"):
        return _plain(f"indicator.{indicator}", language)
    return _plain(f"indicator.{kind}", language, group=group_label(group, language))


def _capture(res: SpilloverResult, language: str) -> ReportTable:
    t = res.trends.copy()
    percent = t["indicator"].str.startswith("share_") | (t["indicator"] == "population_ratio")
    values = ["mean_pre", "mean_post", "change", "slope_per_year"]
    t.loc[percent, values] = t.loc[percent, values] * 100
    t["indicator"] = [_indicator_label(i, language) for i in t["indicator"]]
    columns = {c: _plain(f"col.{c}", language) for c in ["indicator", *values]}
    return ReportTable(
        t,
        columns=columns,
        formats=dict.fromkeys(values, ".2f"),
        language=language,
        name="struktur-ekonomi" if language == "id" else "economic-structure",
        caption=_plain(
            "table.capture.caption",
            language,
            satellite=res.satellite_name,
            first_post=res.first_post_year,
        ),
        notes=(_plain("table.capture.note", language),),
    )


def _klassen(res: SpilloverResult, language: str) -> ReportTable:
    ctx = res.context
    members = [c for c in GERBANGKERTOSUSILA if c in ctx.names]
    rows = []
    for code in members:
        row = klassen_row(res, code)
        label = l10n.label("klassen_quadrant", row["quadrant"], language)
        rows.append(
            {
                "region": ctx.names[code],
                "quadrant": _plain(
                    "quadrant_cell", language, quadrant=row["quadrant"], label=label
                ),
                "order": ("I", "II", "III", "IV").index(row["quadrant"]),
                "growth": row["growth"],
                "per_capita": row["level"],
            }
        )
    data = pd.DataFrame(rows).sort_values(["order", "per_capita"], ascending=[True, False])
    columns = {
        c: _plain(f"col.{c}", language) for c in ("region", "quadrant", "growth", "per_capita")
    }
    return ReportTable(
        data,
        columns=columns,
        formats={"growth": ".2f", "per_capita": ".1f"},
        language=language,
        name="tipologi-klassen" if language == "id" else "klassen-typology",
        caption=_plain("table.klassen.caption", language, y0=ctx.start_year, y1=ctx.end_year),
    )


_TABLES = {
    "linkage": _linkage,
    "synth_weights": _synth_weights,
    "capture": _capture,
    "klassen": _klassen,
}


def report_table(res: SpilloverResult, name: str, language: str) -> ReportTable:
    """Table ``name`` of the report in ``language``."""
    return _TABLES[name](res, language)
