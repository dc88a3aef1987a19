"""The words of the innovation-portfolio study: findings, sections and alt texts.

Every sentence is a message of ``l10n/messages/portfolio.yaml`` (category
labels from ``labels.yaml``); numbers are formatted by the catalog's Babel
specs and unit names reach the text only as escaped placeholder values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding
from innolab_analysis.studies._shared_text import sources_markdown, unit_list

if TYPE_CHECKING:
    from innolab_analysis.studies.portfolio.compute import Portfolio

__all__ = ["SUMMARY_NAMES", "alt_text", "findings", "mix_label", "section", "stage_label"]

SUMMARY_NAMES = 4
"""Units named in a finding of the summary; the section names them all."""


def _tr(key: str, language: str, md: bool = True, **values) -> str:
    return l10n.tr(f"portfolio.{key}", language, markdown=md, **values)


def stage_label(scheme: str, stage: str, language: str) -> str:
    """``Uji coba`` / ``Trial`` for stage ``uji_coba`` of the IID scheme."""
    return l10n.label(f"{scheme}_stage", stage, language)


def mix_label(dimension: str, value: str, language: str) -> str:
    """The label of a category of the mix (``original`` → ``Gagasan orisinal``)."""
    if value == "(blank)":
        return l10n.label("mix_value", "blank", language)
    if dimension == "digital":
        value = str(value).lower()
    return l10n.label(dimension, value, language)


def _iid_funnel(res: Portfolio) -> pd.DataFrame:
    return res.funnel.loc[res.funnel["scheme"] == "iid"].set_index("stage")


def _labinov(res: Portfolio) -> pd.DataFrame:
    return res.funnel.loc[res.funnel["scheme"] == "labinov"]


def _scored_readiness(res: Portfolio) -> pd.DataFrame | None:
    if res.readiness is None:
        return None
    ok = res.readiness.dropna(subset=["readiness_index"])
    return ok.sort_values("readiness_index", kind="stable") if len(ok) else None


# ============================================================================ findings
def _coverage(res: Portfolio, language: str) -> Finding:
    c = res.coverage
    first, last = c.iloc[0], c.iloc[-1]
    without = res.name_of(last["agencies_without"])
    if without:
        text = _tr(
            "finding.coverage_short",
            language,
            year=int(last["year"]),
            with_count=int(last["n_with_innovation"]),
            total=int(last["n_agencies"]),
            share=last["share"],
            first_year=int(first["year"]),
            first_share=first["share"],
            count=len(without),
            units=unit_list(without, language, limit=SUMMARY_NAMES),
        )
    else:
        text = _tr(
            "finding.coverage_full",
            language,
            year=int(last["year"]),
            total=int(last["n_agencies"]),
            first_full=int(c.loc[c["share"] >= 1, "year"].iloc[0]),
        )
    return Finding("oaoi_coverage", text, float(last["share"]), outcome="oaoi_coverage")


def _funnel_text(res: Portfolio, language: str) -> str:
    iid = _iid_funnel(res)
    reached = iid["n_reached"]
    text = _tr(
        "finding.funnel",
        language,
        entered=int(reached.iloc[0]),
        applied=int(reached["penerapan"]),
        applied_share=iid.loc["penerapan", "share_of_entered"],
        trial=int(reached["uji_coba"] - reached["penerapan"]),
        initiative=int(reached["inisiatif"] - reached["uji_coba"]),
    )
    lab = _labinov(res)
    if len(lab) and lab["n_reached"].iloc[0] > 0:
        text += " " + _tr(
            "finding.labinov",
            language,
            entered=int(lab["n_reached"].iloc[0]),
            displayed=int(lab["n_reached"].iloc[-1]),
        )
    return text


def _funnel(res: Portfolio, language: str) -> Finding:
    share = float(_iid_funnel(res).loc["penerapan", "share_of_entered"])
    return Finding("iid_stages", _funnel_text(res, language), share, outcome="iid_penerapan_share")


def _flow(res: Portfolio, language: str) -> Finding:
    f = res.flow
    peak = f.loc[f["launched"].idxmax()]
    s = res.speed.iloc[0]
    text = _tr(
        "finding.flow",
        language,
        start=res.start_year,
        end=res.end_year,
        launched=int(f["launched"].sum()),
        peak_year=int(peak["year"]),
        peak=int(peak["launched"]),
        stopped=int(f["discontinued"].sum()),
        active=int(f["active_end"].iloc[-1]),
        median=s["median_days"],
        q1=s["q1_days"],
        q3=s["q3_days"],
    )
    return Finding("flow", text, float(f["active_end"].iloc[-1]), outcome="active_innovations")


def _survival_text(res: Portfolio, language: str) -> str:
    row = res.headline_survival
    if row is None:
        return _tr("finding.survival_none", language)
    later = ""
    longer = res.survival.dropna(subset=["survival"])
    longer = longer.loc[longer["years"] > row["years"]]
    if len(longer):
        last = longer.iloc[-1]
        later = _tr(
            "survival.later",
            language,
            years=last["years"],
            survival=last["survival"],
            at_risk=int(last["n_at_risk"]),
        )
    values = dict(
        followed=int(row["n_followed"]), end=res.end_year, years=row["years"], later=later
    )
    if l10n.is_missing(row["survival_ci_lower"]) and row["survival"] >= 1:
        return _tr("finding.survival_all", language, **values).strip()
    return _tr(
        "finding.survival",
        language,
        **values,
        survival=row["survival"],
        lower=row["survival_ci_lower"],
        upper=row["survival_ci_upper"],
        events=int(row["n_events"]),
    ).strip()


def _survival(res: Portfolio, language: str) -> Finding:
    row = res.headline_survival
    if row is None:
        return Finding("survival", _survival_text(res, language))
    lo, hi = row["survival_ci_lower"], row["survival_ci_upper"]
    return Finding(
        "survival",
        _survival_text(res, language),
        float(row["survival"]),
        None if l10n.is_missing(lo) else float(lo),
        None if l10n.is_missing(hi) else float(hi),
        "innovation_survival",
    )


def _leadership(res: Portfolio, ok: pd.DataFrame, language: str, limit: int | None) -> str:
    low = ok.loc[ok["low_leadership"].fillna(False).astype(bool), "name"].tolist()
    values = dict(
        dimension=res.leadership_label[language],
        weight=res.leadership_weight,
        threshold=res.leadership_threshold,
    )
    if not low:
        return _tr("readiness.ok", language, **values)
    units = unit_list(low, language, limit=limit)
    return _tr("readiness.low", language, **values, count=len(low), units=units)


def _rubric(res: Portfolio, language: str) -> str:
    if res.rubric_file is None:
        return _tr("readiness.rubric_ours", language)
    return _tr("readiness.rubric_file", language, file=res.rubric_file)


def _readiness_text(res: Portfolio, language: str, limit: int | None = None) -> str:
    ok = _scored_readiness(res)
    if ok is None:
        return _tr("finding.readiness_none", language)
    return _tr(
        "finding.readiness",
        language,
        mean=ok["readiness_index"].mean(),
        count=len(ok),
        end=res.end_year,
        low=ok["readiness_index"].iloc[0],
        lowest=ok["name"].iloc[0],
        high=ok["readiness_index"].iloc[-1],
        highest=ok["name"].iloc[-1],
        leadership=_leadership(res, ok, language, limit),
        rubric=_rubric(res, language),
    )


def _readiness(res: Portfolio, language: str) -> Finding:
    ok = _scored_readiness(res)
    mean = None if ok is None else float(ok["readiness_index"].mean())
    text = _readiness_text(res, language, limit=SUMMARY_NAMES)
    return Finding("readiness", text, mean, outcome="readiness_index")


def _iid_text(res: Portfolio, language: str) -> str:
    row = res.iid.iloc[-1]
    values = dict(score=row["score"], year=int(row["year"]))
    if row["predicate"] is None or l10n.is_missing(row["predicate"]):
        return _tr("finding.iid_no_rule", language, **values)
    predicate = l10n.label("iid_predicate", row["predicate"], language)
    return _tr("finding.iid", language, **values, predicate=predicate, bound=row["top_bound"])


def findings(res: Portfolio, language: str) -> tuple[Finding, ...]:
    """The summary of the report (5 findings; 6 with the city's IID score)."""
    found = [
        _coverage(res, language),
        _funnel(res, language),
        _flow(res, language),
        _survival(res, language),
        _readiness(res, language),
    ]
    if res.iid is not None:
        score = float(res.iid["score"].iloc[-1])
        found.append(Finding("iid", _iid_text(res, language), score, outcome="iid"))
    return tuple(found)


# ============================================================================ sections
def _data(res: Portfolio, language: str) -> str:
    text = _tr(
        "data.body",
        language,
        innovations=res.n_innovations,
        units=res.n_agencies,
        start=res.start_year,
        end=res.end_year,
    )
    if res.readiness is None:
        text += " " + _tr("data.no_readiness", language)
    else:
        text += " " + _tr(
            "data.readiness",
            language,
            assessments=res.n_assessments,
            units=len(res.readiness),
            end=res.end_year,
        )
    sources = sources_markdown(res.sources, language)
    return f"{text}\n\n{sources}" if sources else text


def _coverage_section(res: Portfolio, language: str) -> str:
    c = res.coverage
    full = c.loc[c["share"] >= 1, "year"]
    if len(full):
        reached = _tr("coverage.first_full", language, year=int(full.iloc[0]))
    else:
        reached = _tr("coverage.never_full", language, start=res.start_year, end=res.end_year)
    text = _tr("coverage.body", language, full=reached)
    last = c.iloc[-1]
    without = res.name_of(last["agencies_without"])
    if without:
        units = l10n.join(without, language)
        text += " " + _tr("coverage.without", language, year=int(last["year"]), units=units)
    return text


def _flow_section(res: Portfolio, language: str) -> str:
    return f"{_flow(res, language).text} {_tr('flow.figure', language)}"


def _funnel_section(res: Portfolio, language: str) -> str:
    text = f"{_tr('funnel.body', language)} {_funnel_text(res, language)}"
    if res.iid is not None:
        text += " " + _iid_text(res, language)
    return text


def _mix_section(res: Portfolio, language: str) -> str:
    lines = [_tr("mix.body", language)]
    for dim in dict.fromkeys(res.mix["dimension"]):
        rows = res.mix.loc[res.mix["dimension"] == dim]
        name = l10n.label("mix_dimension", dim, language)
        filled = rows.loc[rows["value"] != "(blank)"]
        items = [
            _tr("mix.item", language, value=mix_label(dim, v, language), share=s)
            for v, s in zip(filled["value"], filled["share"])
        ]
        lines.append(_tr("mix.line", language, dimension=name, items=l10n.join(items, language)))
        blank = rows.loc[rows["value"] == "(blank)", "n"]
        if len(blank):
            lines.append(
                _tr("mix.blank", language, count=int(blank.iloc[0]), dimension=name.lower())
            )
    return " ".join(lines)


def _speed_section(res: Portfolio, language: str) -> str:
    s = res.speed.iloc[0]
    if l10n.is_missing(s["median_days"]):
        return _tr("speed.none", language)
    return _tr(
        "speed.body",
        language,
        median=s["median_days"],
        q1=s["q1_days"],
        q3=s["q3_days"],
        fastest=s["min_days"],
        slowest=s["max_days"],
        launched=int(s["n_launched"]),
        proposed=int(s["n_proposed"]),
    )


def _survival_section(res: Portfolio, language: str) -> str:
    return f"{_tr('survival.body', language, end=res.end_year)} {_survival_text(res, language)}"


def _readiness_section(res: Portfolio, language: str) -> str:
    text = _readiness_text(res, language)
    change = res.readiness_change
    if change is not None and len(change):
        up, down = int((change["change"] > 0).sum()), int((change["change"] < 0).sum())
        key = "readiness.change_up" if up == len(change) else "readiness.change"
        text += " " + _tr(
            key, language, count=len(change), mean=change["change"].mean(), up=up, down=down
        )
    return text


_SECTIONS: dict[str, Callable[[Portfolio, str], str]] = {
    "data": _data,
    "coverage": _coverage_section,
    "flow": _flow_section,
    "funnel": _funnel_section,
    "mix": _mix_section,
    "speed": _speed_section,
    "survival": _survival_section,
    "readiness": _readiness_section,
}


def section(res: Portfolio, name: str, language: str) -> str:
    """The body of section ``name`` (Markdown, without its heading)."""
    return _SECTIONS[name](res, language)


# ============================================================================ alt texts
def _alt_funnel(res: Portfolio, language: str) -> str:
    def stages(scheme: str) -> str:
        rows = res.funnel.loc[res.funnel["scheme"] == scheme]
        items = [
            _tr("alt.stage", language, False, stage=stage_label(scheme, st, language), count=n)
            for st, n in zip(rows["stage"], rows["n_reached"])
        ]
        return l10n.join(items, language, markdown=False)

    return _tr("alt.funnel", language, False, iid=stages("iid"), labinov=stages("labinov"))


def _alt_readiness(res: Portfolio, language: str) -> str:
    ok = _scored_readiness(res)
    if ok is None:
        return _tr("alt.readiness_none", language, False)
    return _tr(
        "alt.readiness",
        language,
        False,
        count=len(ok),
        low=ok["readiness_index"].iloc[0],
        lowest=ok["name"].iloc[0],
        high=ok["readiness_index"].iloc[-1],
        highest=ok["name"].iloc[-1],
        dimension=res.leadership_label[language],
        threshold=res.leadership_threshold,
        low_count=int(ok["low_leadership"].fillna(False).astype(bool).sum()),
    )


def alt_text(res: Portfolio, kind: str, language: str) -> str:
    """The one-line reading of figure ``kind`` (plain text)."""
    if kind == "coverage":
        c = res.coverage
        return _tr(
            "alt.coverage",
            language,
            False,
            first_share=c["share"].iloc[0],
            first_year=int(c["year"].iloc[0]),
            last_share=c["share"].iloc[-1],
            last_year=int(c["year"].iloc[-1]),
            count=int(c["n_with_innovation"].iloc[-1]),
            total=int(c["n_agencies"].iloc[-1]),
        )
    if kind == "flow":
        f = res.flow
        peak = f.loc[f["launched"].idxmax()]
        return _tr(
            "alt.flow",
            language,
            False,
            start=res.start_year,
            end=res.end_year,
            launched=int(f["launched"].sum()),
            peak=int(peak["launched"]),
            peak_year=int(peak["year"]),
            stopped=int(f["discontinued"].sum()),
            active=int(f["active_end"].iloc[-1]),
        )
    if kind == "funnel":
        return _alt_funnel(res, language)
    return _alt_readiness(res, language)
