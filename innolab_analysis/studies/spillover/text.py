"""The spillover report in words: the findings, one function per section, the figures' readings.

Every sentence is a message of ``l10n/messages/spillover.yaml`` (labels of codes:
``labels.yaml``); numbers and dates are formatted by the catalog's specs, region
names reach the text only as escaped placeholder values.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding
from innolab_analysis.studies.spillover._diagnostics import event_phrase
from innolab_analysis.studies.spillover.facts import (
    CAPTURE_TOLERANCE,
    COVID_YEAR,
    GERBANGKERTOSUSILA,
    LABINOV_KICKOFF,
    TOL_SUMO_PARTIAL_OPENING,
)

if TYPE_CHECKING:
    from innolab_analysis.studies.spillover.compute import SpilloverResult

__all__ = ["SYNTH_P", "alt_text", "findings", "section_text", "verdict"]

SYNTH_P = 0.10
"""Placebo p-value at or below which a positive synthetic-control gap counts as support for
capture in the verdict (a convention of this study, stated in its findings)."""


def _t(key: str, language: str, **values) -> str:
    return l10n.tr(f"spillover.{key}", language, **values)


def _plain(key: str, language: str, **values) -> str:
    return l10n.tr(f"spillover.{key}", language, markdown=False, **values)


def _who(res: SpilloverResult) -> dict[str, str]:
    return {"satellite": res.satellite_name, "core": res.core_name}


def _term(res: SpilloverResult, name: str) -> dict[str, float]:
    row = res.linkage.terms.set_index("term").loc[name]
    return {k: float(row[k]) for k in ("estimate", "ci_lower", "ci_upper", "p_value")}


def linkage_direction(res: SpilloverResult) -> str:
    """``"up"`` / ``"down"`` when the whole interval of the change is above / below zero, else ``"unclear"``."""
    change = _term(res, "elasticity_change")
    if change["ci_lower"] > 0:
        return "up"
    if change["ci_upper"] < 0:
        return "down"
    return "unclear"


def _change_values(res: SpilloverResult) -> dict:
    change = _term(res, "elasticity_change")
    return {
        "change": change["estimate"],
        "change_abs": abs(change["estimate"]),
        "lower": change["ci_lower"],
        "upper": change["ci_upper"],
        "p": change["p_value"],
        "pct": round(100 * res.level),
    }


def verdict(res: SpilloverResult) -> str:
    """Which verdict the evidence supports: ``consistent``, ``linkage_only``, ``synth_only``,
    ``unchecked`` (no synthetic control, linkage up) or ``none``."""
    up = linkage_direction(res) == "up"
    if res.synth is None:
        return "unchecked" if up else "none"
    p, gap = float(res.synth.p_value), float(res.synth.estimate)
    synth_up = math.isfinite(p) and p <= SYNTH_P and gap > 0
    if up and synth_up:
        return "consistent"
    if up or synth_up:
        return "linkage_only" if up else "synth_only"
    return "none"


def _synth_numbers(res: SpilloverResult, language: str) -> dict:
    gap = float(res.synth.estimate)
    return {
        "gap_abs": abs(gap),
        "direction": _t("word.lower" if gap < 0 else "word.higher", language),
        "p": float(res.synth.p_value),
        "rmspe": float(res.synth.pre_rmspe),
    }


def _interpolates(res: SpilloverResult) -> bool:
    return any(d.code == "interpolation" for d in res.diagnostics)


def _n_pre(res: SpilloverResult) -> int:
    return sum(1 for t in res.synth.treated.index if t < res.first_post_year)


def synth_missing_reason(res: SpilloverResult, language: str) -> str:
    if res.synth_status == "few_donors":
        return _t("synth.few_donors", language, count=len(res.donors))
    return _t(f"synth.{res.synth_status}", language)


def _travel_steps(res: SpilloverResult, language: str, *, markdown: bool = True) -> str:
    """``120 menit (2010–2015), 90 menit (2016–2017) dan 45 menit (2018–2024)``."""
    g = res.gravity
    runs = (g["distance"] != g["distance"].shift()).cumsum()
    steps = []
    for _, run in g.groupby(runs, sort=False):
        first, last = int(run["year"].iloc[0]), int(run["year"].iloc[-1])
        years = (
            str(first) if first == last else _t("word.year_range", language, first=first, last=last)
        )
        steps.append(
            l10n.tr(
                "spillover.gravity.step",
                language,
                markdown=markdown,
                minutes=round(float(run["distance"].iloc[0])),
                years=years,
            )  # fmt: skip
        )
    return l10n.join(steps, language, markdown=markdown)


def _gravity_numbers(res: SpilloverResult) -> dict:
    g = res.gravity
    t0 = float(g["distance"].iloc[0])
    t1 = float(g.loc[g["post"], "distance"].iloc[0])
    return {
        "t0": round(t0),
        "t1": round(t1),
        "alone": (t0 / t1) ** res.gravity_exponent,
        "ratio": res.gravity_ratio,
    }


def _province(res: SpilloverResult, language: str) -> str:
    return res.province or _t("word.province", language)


def _trend(res: SpilloverResult, indicator: str) -> tuple[float, float]:
    row = res.trends.set_index("indicator").loc[indicator]
    return float(row["mean_pre"]), float(row["mean_post"])


def _groups(res: SpilloverResult) -> list[str]:
    return [c.removeprefix("share_") for c in res.indicators.columns if c.startswith("share_")]


def group_label(group: str, language: str) -> str:
    if l10n.has_label("capture_group", group):
        return l10n.label("capture_group", group, language)
    return group


def _shares(res: SpilloverResult, language: str) -> str:
    parts = []
    for g in _groups(res):
        before, after = _trend(res, f"share_{g}")
        parts.append(
            _t(
                "capture.share",
                language,
                group=group_label(g, language),
                before=before,
                after=after,
            )  # fmt: skip
        )
    return l10n.join(parts, language)


def capture_reading(res: SpilloverResult) -> tuple[str, float]:
    """The capture reading (``capture``, ``dead``, ``mixed``, ``stable``) and the change of the
    combined share of the capture groups, in percentage points."""
    share = sum(_trend(res, f"share_{g}")[1] - _trend(res, f"share_{g}")[0] for g in _groups(res))
    pc0, pc1 = _trend(res, "per_capita_ratio")
    tol = CAPTURE_TOLERANCE
    up, down = share >= tol, share <= -tol
    pc_up, pc_down = pc1 - pc0 >= tol, pc1 - pc0 <= -tol
    if up and not pc_down:
        return "capture", 100 * share
    if down and not pc_up:
        return "dead", 100 * share
    if not (up or down or pc_up or pc_down):
        return "stable", 100 * share
    return "mixed", 100 * share


def _word_of(change: float, language: str) -> str:
    if change >= CAPTURE_TOLERANCE:
        return _t("word.up", language)
    if change <= -CAPTURE_TOLERANCE:
        return _t("word.down", language)
    return _t("word.unchanged", language)


def _capture_reading_text(res: SpilloverResult, language: str) -> str:
    key, points = capture_reading(res)
    pc0, pc1 = _trend(res, "per_capita_ratio")
    return _t(
        f"capture.reading.{key}",
        language,
        points=abs(points),
        share_word=_word_of(points / 100, language),
        pc_word=_word_of(pc1 - pc0, language),
    )


# ----------------------------------------------------------------------------- findings
def _confounder_events(res: SpilloverResult, language: str) -> list[str]:
    codes = {d.code for d in res.diagnostics}
    out = []
    if "partial_treatment_2016" in codes:
        p = TOL_SUMO_PARTIAL_OPENING
        out.append(
            _t(
                "confounder.partial",
                language,
                route=p.route,
                date=p.opened,
                first=p.opened.year,
                last=res.first_post_year - 1,
            )  # fmt: skip
        )
    if "confounder_labinov" in codes:
        out.append(
            _t("confounder.labinov", language, satellite=res.satellite_name, date=LABINOV_KICKOFF)
        )
    if "covid_shock" in codes:
        out.append(
            _t(
                "confounder.covid",
                language,
                year=COVID_YEAR,
                how=_t(f"covid.{res.covid}", language),
            )  # fmt: skip
        )
    return out


def findings(res: SpilloverResult, language: str) -> tuple[Finding, ...]:
    """Three to six findings: the verdict, the linkage, the synthetic control, gravity, the
    capture indicators and the confounders."""
    who, change = _who(res), _change_values(res)
    event = event_phrase(res.event, language)
    out = [
        Finding(
            "verdict",
            _t(f"finding.verdict.{verdict(res)}", language, event=event, **who, **change),
            estimate=change["change"],
            ci_lower=change["lower"],
            ci_upper=change["upper"],
            outcome="pdrb_adhk_growth",
        )  # fmt: skip
    ]
    before, after = _term(res, "elasticity_before"), _term(res, "elasticity_after")
    reading = _t(f"finding.linkage.{linkage_direction(res)}", language, n=res.linkage.n_obs,
                 **change)  # fmt: skip
    out.append(
        Finding(
            "linkage",
            _t(
                "finding.linkage",
                language,
                first_post=res.first_post_year,
                before=before["estimate"],
                after=after["estimate"],
                reading=reading,
                **who,
            ),
            estimate=after["estimate"],
            ci_lower=after["ci_lower"],
            ci_upper=after["ci_upper"],
            outcome="pdrb_adhk_growth",
        )  # fmt: skip
    )
    if res.synth is not None:
        numbers = _synth_numbers(res, language)
        caveat = (
            _t("finding.synth.interpolation", language, n_donors=len(res.donors),
               n_pre=_n_pre(res))
            if _interpolates(res)
            else _t("finding.synth.fit", language, rmspe=numbers["rmspe"])
        )  # fmt: skip
        text = _t("finding.synth", language, n_donors=len(res.donors),
                  first_post=res.first_post_year, caveat=caveat, **numbers, **who)  # fmt: skip
        sc = res.synth
        out.append(Finding("synth", text, estimate=float(sc.estimate), ci_lower=float(sc.ci_lower),
                           ci_upper=float(sc.ci_upper), outcome="pdrb_index"))  # fmt: skip
    else:
        out.append(
            Finding(
                "synth",
                _t("finding.synth.missing", language, reason=synth_missing_reason(res, language)),
            )  # fmt: skip
        )
    if res.gravity is not None:
        g = _gravity_numbers(res)
        out.append(
            Finding(
                "gravity",
                _t("finding.gravity", language, **g, **who),
                estimate=g["ratio"],
                outcome="gravity_interaction",
            )  # fmt: skip
        )
    else:
        out.append(Finding("gravity", _t("finding.gravity.missing", language, **who)))
    pc0, pc1 = _trend(res, "per_capita_ratio")
    province = _province(res, language)
    if res.has_sectors:
        text = _t("finding.capture", language, shares=_shares(res, language), province=province,
                  pc_before=pc0, pc_after=pc1, reading=_capture_reading_text(res, language),
                  satellite=res.satellite_name)  # fmt: skip
    else:
        text = _t("finding.capture.no_sectors", language, province=province, pc_before=pc0,
                  pc_after=pc1, satellite=res.satellite_name)  # fmt: skip
    out.append(Finding("capture", text, estimate=pc1 - pc0, outcome="per_capita_ratio"))
    events = _confounder_events(res, language)
    if events:
        out.append(
            Finding(
                "confounders",
                _t(
                    "finding.confounders",
                    language,
                    events=l10n.join(events, language),
                    n_post=res.end_year - res.first_post_year + 1,
                ),
            )  # fmt: skip
        )
    return tuple(out)


# ----------------------------------------------------------------------------- sections
def _design(res: SpilloverResult, language: str) -> str:
    who = _who(res)
    question = _t("design.question", language, event=event_phrase(res.event, language), **who)
    data = _t(
        "design.data", language, n_years=res.end_year - res.start_year + 1, first=res.start_year,
        last=res.end_year, first_post=res.first_post_year, covid_year=COVID_YEAR,
        covid=_t(f"covid.{res.covid}", language),
    )  # fmt: skip
    if res.exclude_gerbangkertosusila:
        members = l10n.join(GERBANGKERTOSUSILA.values(), language)
        donors = _t("design.donors.excluded", language, n_donors=len(res.donors), members=members)
    else:
        donors = _t("design.donors.kept", language, n_donors=len(res.donors))
    return f"{question}\n\n{data} {donors}"


def _linkage(res: SpilloverResult, language: str) -> str:
    b, a = _term(res, "elasticity_before"), _term(res, "elasticity_after")
    body = _t(
        "linkage.body", language, first_post=res.first_post_year, before=b["estimate"],
        before_lower=b["ci_lower"], before_upper=b["ci_upper"], after=a["estimate"],
        after_lower=a["ci_lower"], after_upper=a["ci_upper"], n=res.linkage.n_obs,
        **_change_values(res), **_who(res),
    )  # fmt: skip
    parts = [body, _t(f"linkage.reading.{linkage_direction(res)}", language, **_who(res))]
    terms = res.linkage.terms.set_index("term")
    if "covid_2020" in terms.index:
        parts.append(
            _t(
                "linkage.dummy",
                language,
                year=COVID_YEAR,
                estimate=float(terms.loc["covid_2020", "estimate"]),
            )  # fmt: skip
        )
    fit = res.linkage
    se = _t(f"se.{fit.se}", language, lags=fit.hac_lags, dof=fit.df_resid)
    return " ".join(parts) + "\n\n" + se


def _synth(res: SpilloverResult, language: str) -> str:
    if res.synth is None:
        reason = synth_missing_reason(res, language)
        return _t("finding.synth.missing", language, reason=reason)
    sc, who = res.synth, _who(res)
    top = sc.weights.sort_values(ascending=False)
    top = [
        _t("synth.donor", language, name=res.region_names.get(str(c), str(c)), weight=float(w))
        for c, w in top.head(3).items()
        if w > 0.005
    ]
    paragraphs = [
        _t(
            "synth.body",
            language,
            base=res.start_year,
            first_post=res.first_post_year,
            top=l10n.join(top, language),
            **who,
        ),  # fmt: skip
        _t(
            "synth.result",
            language,
            first_post=res.first_post_year,
            **_synth_numbers(res, language),
            **who,
        ),  # fmt: skip
    ]
    if math.isfinite(sc.ci_lower) and math.isfinite(sc.ci_upper):
        paragraphs.append(
            _t(
                "synth.interval",
                language,
                pct=round(100 * res.level),
                lower=float(sc.ci_lower),
                upper=float(sc.ci_upper),
            )  # fmt: skip
        )
    if _interpolates(res):
        paragraphs.append(
            _t("synth.interpolation", language, n_donors=len(res.donors), n_pre=_n_pre(res))
        )
    # Further designs beside the synthetic control (a conformal p-value, synthetic DiD)
    # join here as paragraphs of their own, each from its own result.
    return "\n\n".join(paragraphs)


def _gravity(res: SpilloverResult, language: str) -> str:
    if res.gravity is None:
        return _t("gravity.missing", language, **_who(res))
    exponent = l10n.number(res.gravity_exponent, language,
                           0 if float(res.gravity_exponent).is_integer() else 1)  # fmt: skip
    return _t(
        "gravity.body", language, mass=_t(f"gravity.mass.{res.gravity_mass}", language),
        exponent=exponent, steps=_travel_steps(res, language), first_post=res.first_post_year,
        **_gravity_numbers(res), **_who(res),
    )  # fmt: skip


def _capture(res: SpilloverResult, language: str) -> str:
    pc0, pc1 = _trend(res, "per_capita_ratio")
    pop0, pop1 = _trend(res, "population_ratio")
    values = {
        "first_post": res.first_post_year, "satellite": res.satellite_name,
        "province": _province(res, language), "pc_before": pc0, "pc_after": pc1,
        "pop_before": pop0, "pop_after": pop1,
    }  # fmt: skip
    if not res.has_sectors:
        return _t("capture.body.no_sectors", language, **values)
    body = _t("capture.body", language, shares=_shares(res, language), **values)
    return f"{body}\n\n{_capture_reading_text(res, language)}"


def klassen_row(res: SpilloverResult, region: str) -> dict:
    """Growth, per-capita level and quadrant of one region in the typology."""
    row = res.context.klassen.table.set_index("unit").loc[region]
    return {"growth": float(row["growth"]), "level": float(row["level"]),
            "quadrant": str(row["quadrant"])}  # fmt: skip


def _quadrant_label(quadrant: str, language: str) -> str:
    return l10n.label("klassen_quadrant", quadrant, language)


def _context(res: SpilloverResult, language: str) -> str:
    ctx = res.context
    w = ctx.williamson
    first, last = w.iloc[0], w.iloc[-1]
    williamson = _t(
        "context.williamson", language, w0=float(first["williamson"]),
        cat0=l10n.label("williamson", first["category"], language), y0=int(first["year"]),
        w1=float(last["williamson"]), cat1=l10n.label("williamson", last["category"], language),
        y1=int(last["year"]),
    )  # fmt: skip
    sat, cor = klassen_row(res, res.satellite), klassen_row(res, res.core)
    klassen = _t(
        "context.klassen", language, y0=ctx.start_year, y1=ctx.end_year,
        g_ref=ctx.klassen.reference_growth, pc_ref=ctx.klassen.reference_level,
        g=sat["growth"], pc=sat["level"], quadrant=sat["quadrant"],
        label=_quadrant_label(sat["quadrant"], language), core_quadrant=cor["quadrant"],
        core_label=_quadrant_label(cor["quadrant"], language), **_who(res),
    )  # fmt: skip
    return f"{williamson}\n\n{klassen}"


def _diagnostics(res: SpilloverResult, language: str) -> str:
    if not res.diagnostics:
        return _t("diagnostics.none", language)
    return "\n".join(
        "- "
        + _t(
            "diagnostics.item",
            language,
            severity=_t(f"severity.{d.severity}", language),
            message=l10n.Safe(d.message[language]),
        )  # fmt: skip
        for d in res.diagnostics
    )


_SECTIONS = {
    "design": _design,
    "linkage": _linkage,
    "synth": _synth,
    "gravity": _gravity,
    "capture": _capture,
    "context": _context,
    "diagnostics": _diagnostics,
}


def section_text(res: SpilloverResult, section: str, language: str) -> str:
    """The body of one section (Markdown, without its heading)."""
    return _SECTIONS[section](res, language)


# ----------------------------------------------------------------------------- figure readings
def _alt_linkage(res: SpilloverResult, language: str) -> str:
    return _plain(
        "alt.linkage", language, first_post=res.first_post_year,
        before=res.linkage.slope("elasticity_before"), after=res.linkage.slope("elasticity_after"),
        **_who(res),
    )  # fmt: skip


def _alt_synth(res: SpilloverResult, language: str) -> str:
    return _plain(
        "alt.synth", language, base=res.start_year, last_pre=res.first_post_year - 1,
        first_post=res.first_post_year, **_synth_numbers(res, language), **_who(res),
    )  # fmt: skip


def _alt_gravity(res: SpilloverResult, language: str) -> str:
    return _plain(
        "alt.gravity", language, base=int(res.gravity["year"].iloc[0]),
        steps=_travel_steps(res, language, markdown=False), first_post=res.first_post_year,
        ratio=res.gravity_ratio, **_who(res),
    )  # fmt: skip


def _alt_sectors(res: SpilloverResult, language: str) -> str:
    ind = res.indicators
    items = [
        _plain(
            "alt.sectors.item",
            language,
            group=group_label(g, language),
            first_value=float(ind[f"share_{g}"].iloc[0]),
            last_value=float(ind[f"share_{g}"].iloc[-1]),
        )  # fmt: skip
        for g in _groups(res)
    ]
    return _plain(
        "alt.sectors", language, first=res.start_year, last=res.end_year,
        shares=l10n.join(items, language, markdown=False), satellite=res.satellite_name,
    )  # fmt: skip


def _alt_klassen(res: SpilloverResult, language: str) -> str:
    sat, cor = klassen_row(res, res.satellite), klassen_row(res, res.core)
    return _plain(
        "alt.klassen", language, n=len(res.context.klassen.table), y0=res.context.start_year,
        y1=res.context.end_year, quadrant=sat["quadrant"],
        label=_quadrant_label(sat["quadrant"], language), core_quadrant=cor["quadrant"],
        core_label=_quadrant_label(cor["quadrant"], language), **_who(res),
    )  # fmt: skip


_ALT = {
    "linkage": _alt_linkage,
    "synth": _alt_synth,
    "gravity": _alt_gravity,
    "sectors": _alt_sectors,
    "klassen": _alt_klassen,
}


def alt_text(res: SpilloverResult, kind: str, language: str) -> str:
    """The one-line reading of figure ``kind`` (plain text)."""
    if not res.has_figure(kind):
        return _plain("alt.missing", language)
    return _ALT[kind](res, language)
