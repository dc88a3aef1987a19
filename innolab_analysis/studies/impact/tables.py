"""The tables of the innovation-impact report (localised headers, units by name)."""

from __future__ import annotations

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable

__all__ = ["table"]


def _h(key: str, language: str, **values) -> str:
    return l10n.tr(f"impact.{key}", language, markdown=False, **values)


def _cohorts(res, language: str) -> ReportTable:
    g = res.groups.terms
    sizes = res.panel.groupby("agency_id")["cohort"].first().value_counts()
    data = pd.DataFrame(
        {
            "cohort": [res.cohort_label(c) for c in g["cohort"]],
            "n_units": [int(sizes.get(int(c), 0)) for c in g["cohort"]],
            "estimate": g["estimate"].to_numpy(),
            "ci_lower": g["ci_lower"].to_numpy(),
            "ci_upper": g["ci_upper"].to_numpy(),
            "p_value": g["p_value"].to_numpy(),
        }
    )
    unit = res.unit_word(language)
    columns = {
        "cohort": _h("column.cohort", language),
        "n_units": l10n.label("column", "n_units", language),
        "estimate": _h("column.estimate", language, unit=unit),
        **l10n.column_labels(["ci_lower", "ci_upper", "p_value"], language),
    }
    return ReportTable(
        data,
        columns=columns,
        formats={
            "n_units": "d",
            "estimate": ".2f",
            "ci_lower": ".2f",
            "ci_upper": ".2f",
            "p_value": "pnum",
        },
        language=language,
        name="efek-per-kohort" if language == "id" else "effect-by-cohort",
        caption=_h("table.cohorts.caption", language),
    )


def _agencies(res, language: str) -> ReportTable:
    ae = res.agency_effects
    data = pd.DataFrame(
        {
            "unit": [res.name_of(a) for a in ae["agency_id"]] if len(ae) else [],
            "cohort": ae["cohort_label"].to_numpy() if len(ae) else [],
            "leadership": ae["leadership_commitment"].to_numpy() if len(ae) else [],
            "estimate": ae["estimate"].to_numpy() if len(ae) else [],
            "ci_lower": ae["ci_lower"].to_numpy() if len(ae) else [],
            "ci_upper": ae["ci_upper"].to_numpy() if len(ae) else [],
            "n_post": ae["n_post"].to_numpy() if len(ae) else [],
        }
    ).sort_values("estimate", ascending=res.outcome != "ikm", kind="stable")
    unit = res.unit_word(language)
    columns = {
        "unit": _h("column.unit", language),
        "cohort": _h("column.cohort", language),
        "leadership": _h("column.leadership", language),
        "estimate": _h("column.estimate", language, unit=unit),
        **l10n.column_labels(["ci_lower", "ci_upper"], language),
        "n_post": _h("column.n_post", language),
    }
    return ReportTable(
        data,
        columns=columns,
        formats={
            "leadership": ".1f",
            "estimate": ".2f",
            "ci_lower": ".2f",
            "ci_upper": ".2f",
            "n_post": "d",
        },
        language=language,
        name="efek-per-unit" if language == "id" else "effect-by-unit",
        caption=_h("table.agencies.caption", language),
        notes=(_h("methods.agency", language),),
        missing_reason=l10n.tr("impact.missing.leadership", language, markdown=False),
    )


def _robustness(res, language: str) -> ReportTable:
    rob = res.robust
    rows = (
        rob.table
        if rob is not None
        else pd.DataFrame(columns=["design", "estimate", "ci_lower", "ci_upper", "p_value"])
    )
    data = rows.assign(design=[l10n.label("design", d, language) for d in rows["design"]])
    unit = res.unit_word(language)
    columns = {
        "design": _h("column.design", language),
        "estimate": _h("column.estimate", language, unit=unit),
        **l10n.column_labels(["ci_lower", "ci_upper", "p_value"], language),
    }
    return ReportTable(
        data,
        columns=columns,
        formats={"estimate": ".2f", "ci_lower": ".2f", "ci_upper": ".2f", "p_value": "pnum"},
        language=language,
        name="efek-per-estimator" if language == "id" else "effect-by-estimator",
        caption=_h("table.robustness.caption", language),
        notes=(_h("robustness.targets", language),),
    )


_TABLES = {"cohorts": _cohorts, "robustness": _robustness, "agencies": _agencies}


def table(res, name: str, language: str) -> ReportTable:
    """Table ``name`` of the impact study in ``language``."""
    return _TABLES[name](res, language)
