"""The spillover report's sections in words, and the one-line reading of each figure.

Every sentence is a message of ``l10n/messages/spillover.yaml`` (labels of codes:
``labels.yaml``); numbers and dates are formatted by the catalog's specs, region
names reach the text only as escaped placeholder values. The summary's findings
are in :mod:`~innolab_analysis.studies.spillover.findings`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from innolab_analysis import l10n
from innolab_analysis.studies.spillover._diagnostics import event_phrase
from innolab_analysis.studies.spillover._words import (
    capture_groups,
    capture_reading_text,
    change_values,
    city_names,
    gravity_numbers,
    group_label,
    interpolates,
    klassen_row,
    linkage_direction,
    pre_years,
    province_name,
    quadrant_label,
    say,
    say_plain,
    shares_text,
    synth_missing_reason,
    synth_numbers,
    term_values,
    travel_steps,
    trend,
)
from innolab_analysis.studies.spillover.facts import COVID_YEAR, GERBANGKERTOSUSILA

if TYPE_CHECKING:
    from innolab_analysis.studies.spillover.compute import SpilloverResult

__all__ = ["alt_text", "section_text"]


# ----------------------------------------------------------------------------- sections
def _design(res: SpilloverResult, language: str) -> str:
    who = city_names(res)
    question = say("design.question", language, event=event_phrase(res.event, language), **who)
    data = say(
        "design.data",
        language,
        n_years=res.end_year - res.start_year + 1,
        first=res.start_year,
        last=res.end_year,
        first_post=res.first_post_year,
        covid_year=COVID_YEAR,
        covid=say(f"covid.{res.covid}", language),
    )
    if res.exclude_gerbangkertosusila:
        members = l10n.join(GERBANGKERTOSUSILA.values(), language)
        donors = say("design.donors.excluded", language, n_donors=len(res.donors), members=members)
    else:
        donors = say("design.donors.kept", language, n_donors=len(res.donors))
    return f"{question}\n\n{data} {donors}"


def _linkage(res: SpilloverResult, language: str) -> str:
    b, a = term_values(res, "elasticity_before"), term_values(res, "elasticity_after")
    body = say(
        "linkage.body",
        language,
        first_post=res.first_post_year,
        before=b["estimate"],
        before_lower=b["ci_lower"],
        before_upper=b["ci_upper"],
        after=a["estimate"],
        after_lower=a["ci_lower"],
        after_upper=a["ci_upper"],
        n=res.linkage.n_obs,
        **change_values(res),
        **city_names(res),
    )
    parts = [body, say(f"linkage.reading.{linkage_direction(res)}", language, **city_names(res))]
    terms = res.linkage.terms.set_index("term")
    if "covid_2020" in terms.index:
        parts.append(
            say(
                "linkage.dummy",
                language,
                year=COVID_YEAR,
                estimate=float(terms.loc["covid_2020", "estimate"]),
            )
        )
    fit = res.linkage
    se = say(f"se.{fit.se}", language, lags=fit.hac_lags, dof=fit.df_resid)
    return " ".join(parts) + "\n\n" + se


def _synth(res: SpilloverResult, language: str) -> str:
    if res.synth is None:
        reason = synth_missing_reason(res, language)
        return say("finding.synth.missing", language, reason=reason)
    sc, who = res.synth, city_names(res)
    top = sc.weights.sort_values(ascending=False)
    top = [
        say("synth.donor", language, name=res.region_names.get(str(c), str(c)), weight=float(w))
        for c, w in top.head(3).items()
        if w > 0.005
    ]
    paragraphs = [
        say(
            "synth.body",
            language,
            base=res.start_year,
            first_post=res.first_post_year,
            top=l10n.join(top, language),
            **who,
        ),
        say(
            "synth.result",
            language,
            first_post=res.first_post_year,
            **synth_numbers(res, language),
            **who,
        ),
    ]
    if math.isfinite(sc.ci_lower) and math.isfinite(sc.ci_upper):
        paragraphs.append(
            say(
                "synth.interval",
                language,
                pct=round(100 * res.level),
                lower=float(sc.ci_lower),
                upper=float(sc.ci_upper),
            )
        )
    if interpolates(res):
        paragraphs.append(
            say("synth.interpolation", language, n_donors=len(res.donors), n_pre=pre_years(res))
        )
    paragraphs += _companions(res, language)
    return "\n\n".join(paragraphs)


def _companions(res: SpilloverResult, language: str) -> list[str]:
    """The conformal p-value and the synthetic DiD beside the synthetic control."""
    comp = res.synth_companions
    if comp is None:
        return []
    out = []
    who = city_names(res)
    cf = comp.conformal
    if cf is not None:
        bounded = math.isfinite(cf.ci_lower) and math.isfinite(cf.ci_upper)
        out.append(
            say(
                "synth.conformal" if bounded else "synth.conformal_unbounded",
                language,
                p=cf.p_value,
                lower=cf.ci_lower,
                upper=cf.ci_upper,
                pct=round(100 * res.level),
                n_perm=cf.n_permutations,
                **who,
            )
        )
    sd = comp.sdid
    if sd is not None:
        out.append(
            say(
                "synth.sdid",
                language,
                estimate=sd.estimate,
                lower=sd.ci_lower,
                upper=sd.ci_upper,
                p=sd.p_value,
                pct=round(100 * res.level),
                n_controls=len(res.donors),
                **who,
            )
        )
    return out


def _gravity(res: SpilloverResult, language: str) -> str:
    if res.gravity is None:
        return say("gravity.missing", language, **city_names(res))
    exponent = l10n.number(
        res.gravity_exponent, language, 0 if float(res.gravity_exponent).is_integer() else 1
    )
    return say(
        "gravity.body",
        language,
        mass=say(f"gravity.mass.{res.gravity_mass}", language),
        exponent=exponent,
        steps=travel_steps(res, language),
        first_post=res.first_post_year,
        **gravity_numbers(res),
        **city_names(res),
    )


def _capture(res: SpilloverResult, language: str) -> str:
    pc0, pc1 = trend(res, "per_capita_ratio")
    pop0, pop1 = trend(res, "population_ratio")
    values = {
        "first_post": res.first_post_year,
        "satellite": res.satellite_name,
        "province": province_name(res, language),
        "pc_before": pc0,
        "pc_after": pc1,
        "pop_before": pop0,
        "pop_after": pop1,
    }
    if not res.has_sectors:
        return say("capture.body.no_sectors", language, **values)
    body = say("capture.body", language, shares=shares_text(res, language), **values)
    return f"{body}\n\n{capture_reading_text(res, language)}"


def _context(res: SpilloverResult, language: str) -> str:
    ctx = res.context
    w = ctx.williamson
    first, last = w.iloc[0], w.iloc[-1]
    williamson = say(
        "context.williamson",
        language,
        w0=float(first["williamson"]),
        cat0=l10n.label("williamson", first["category"], language),
        y0=int(first["year"]),
        w1=float(last["williamson"]),
        cat1=l10n.label("williamson", last["category"], language),
        y1=int(last["year"]),
    )
    sat, cor = klassen_row(res, res.satellite), klassen_row(res, res.core)
    klassen = say(
        "context.klassen",
        language,
        y0=ctx.start_year,
        y1=ctx.end_year,
        g_ref=ctx.klassen.reference_growth,
        pc_ref=ctx.klassen.reference_level,
        g=sat["growth"],
        pc=sat["level"],
        quadrant=sat["quadrant"],
        label=quadrant_label(sat["quadrant"], language),
        core_quadrant=cor["quadrant"],
        core_label=quadrant_label(cor["quadrant"], language),
        **city_names(res),
    )
    return f"{williamson}\n\n{klassen}"


def _diagnostics(res: SpilloverResult, language: str) -> str:
    if not res.diagnostics:
        return say("diagnostics.none", language)
    return "\n".join(
        "- "
        + say(
            "diagnostics.item",
            language,
            severity=say(f"severity.{d.severity}", language),
            message=l10n.Safe(d.message[language]),
        )
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
    return say_plain(
        "alt.linkage",
        language,
        first_post=res.first_post_year,
        before=res.linkage.slope("elasticity_before"),
        after=res.linkage.slope("elasticity_after"),
        **city_names(res),
    )


def _alt_synth(res: SpilloverResult, language: str) -> str:
    return say_plain(
        "alt.synth",
        language,
        base=res.start_year,
        last_pre=res.first_post_year - 1,
        first_post=res.first_post_year,
        **synth_numbers(res, language),
        **city_names(res),
    )


def _alt_gravity(res: SpilloverResult, language: str) -> str:
    return say_plain(
        "alt.gravity",
        language,
        base=int(res.gravity["year"].iloc[0]),
        steps=travel_steps(res, language, markdown=False),
        first_post=res.first_post_year,
        ratio=res.gravity_ratio,
        **city_names(res),
    )


def _alt_sectors(res: SpilloverResult, language: str) -> str:
    ind = res.indicators
    items = [
        say_plain(
            "alt.sectors.item",
            language,
            group=group_label(g, language),
            first_value=float(ind[f"share_{g}"].iloc[0]),
            last_value=float(ind[f"share_{g}"].iloc[-1]),
        )
        for g in capture_groups(res)
    ]
    return say_plain(
        "alt.sectors",
        language,
        first=res.start_year,
        last=res.end_year,
        shares=l10n.join(items, language, markdown=False),
        satellite=res.satellite_name,
    )


def _alt_klassen(res: SpilloverResult, language: str) -> str:
    sat, cor = klassen_row(res, res.satellite), klassen_row(res, res.core)
    return say_plain(
        "alt.klassen",
        language,
        n=len(res.context.klassen.table),
        y0=res.context.start_year,
        y1=res.context.end_year,
        quadrant=sat["quadrant"],
        label=quadrant_label(sat["quadrant"], language),
        core_quadrant=cor["quadrant"],
        core_label=quadrant_label(cor["quadrant"], language),
        **city_names(res),
    )


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
        return say_plain("alt.missing", language)
    return _ALT[kind](res, language)
