"""The summary of the spillover report: three to six findings, the verdict first."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding
from innolab_analysis.studies.spillover._diagnostics import event_phrase
from innolab_analysis.studies.spillover._words import (
    capture_reading_text,
    change_values,
    city_names,
    gravity_numbers,
    interpolates,
    linkage_direction,
    pre_years,
    province_name,
    say,
    shares_text,
    synth_missing_reason,
    synth_numbers,
    term_values,
    trend,
)
from innolab_analysis.studies.spillover.facts import (
    COVID_YEAR,
    LABINOV_KICKOFF,
    TOL_SUMO_FULL_OPENING,
    TOL_SUMO_PARTIAL_OPENING,
)

if TYPE_CHECKING:
    from innolab_analysis.studies.spillover.compute import SpilloverResult

__all__ = ["SYNTH_P", "TOLL_DATES", "findings", "verdict"]

TOLL_DATES = (TOL_SUMO_FULL_OPENING, TOL_SUMO_PARTIAL_OPENING.opened)
"""Events that are openings of the toll road (the confounder finding then names the toll)."""

SYNTH_P = 0.10
"""Placebo p-value at or below which a positive synthetic-control gap counts as support for
capture in the verdict (a convention of this study, stated in its findings)."""


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


# ----------------------------------------------------------------------------- findings
def _confounder_events(res: SpilloverResult, language: str) -> list[str]:
    codes = {d.code for d in res.diagnostics}
    out = []
    if "partial_treatment_2016" in codes:
        p = TOL_SUMO_PARTIAL_OPENING
        out.append(
            say(
                "confounder.partial",
                language,
                route=p.route,
                date=p.opened,
                first=p.opened.year,
                last=res.first_post_year - 1,
            )
        )
    if "confounder_labinov" in codes:
        out.append(
            say("confounder.labinov", language, satellite=res.satellite_name, date=LABINOV_KICKOFF)
        )
    if "covid_shock" in codes:
        out.append(
            say(
                "confounder.covid",
                language,
                year=COVID_YEAR,
                how=say(f"covid.{res.covid}", language),
            )
        )
    return out


def findings(res: SpilloverResult, language: str) -> tuple[Finding, ...]:
    """Three to six findings: the verdict, the linkage, the synthetic control, gravity, the
    capture indicators and the confounders."""
    who, change = city_names(res), change_values(res)
    event = event_phrase(res.event, language)
    out = [
        Finding(
            "verdict",
            say(f"finding.verdict.{verdict(res)}", language, event=event, **who, **change),
            estimate=change["change"],
            ci_lower=change["lower"],
            ci_upper=change["upper"],
            outcome="pdrb_adhk_growth",
        )
    ]
    before, after = term_values(res, "elasticity_before"), term_values(res, "elasticity_after")
    reading = say(
        f"finding.linkage.{linkage_direction(res)}", language, n=res.linkage.n_obs, **change
    )
    out.append(
        Finding(
            "linkage",
            say(
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
        )
    )
    if res.synth is not None:
        numbers = synth_numbers(res, language)
        caveat = (
            say(
                "finding.synth.interpolation",
                language,
                n_donors=len(res.donors),
                n_pre=pre_years(res),
            )
            if interpolates(res)
            else say("finding.synth.fit", language, rmspe=numbers["rmspe"])
        )
        text = say(
            "finding.synth",
            language,
            n_donors=len(res.donors),
            first_post=res.first_post_year,
            caveat=caveat,
            **numbers,
            **who,
        )
        sc = res.synth
        out.append(
            Finding(
                "synth",
                text,
                estimate=float(sc.estimate),
                ci_lower=float(sc.ci_lower),
                ci_upper=float(sc.ci_upper),
                outcome="pdrb_index",
            )
        )
    else:
        out.append(
            Finding(
                "synth",
                say("finding.synth.missing", language, reason=synth_missing_reason(res, language)),
            )
        )
    if res.gravity is not None:
        g = gravity_numbers(res)
        out.append(
            Finding(
                "gravity",
                say("finding.gravity", language, **g, **who),
                estimate=g["ratio"],
                outcome="gravity_interaction",
            )
        )
    else:
        out.append(Finding("gravity", say("finding.gravity.missing", language, **who)))
    pc0, pc1 = trend(res, "per_capita_ratio")
    province = province_name(res, language)
    if res.has_sectors:
        text = say(
            "finding.capture",
            language,
            shares=shares_text(res, language),
            province=province,
            pc_before=pc0,
            pc_after=pc1,
            reading=capture_reading_text(res, language),
            satellite=res.satellite_name,
        )
    else:
        text = say(
            "finding.capture.no_sectors",
            language,
            province=province,
            pc_before=pc0,
            pc_after=pc1,
            satellite=res.satellite_name,
        )
    out.append(Finding("capture", text, estimate=pc1 - pc0, outcome="per_capita_ratio"))
    events = _confounder_events(res, language)
    if events:
        subject = "subject.tol_sumo" if res.event in TOLL_DATES else "subject.other"
        text = say(
            "finding.confounders",
            language,
            subject=say(subject, language),
            events=l10n.join(events, language),
            n_post=res.end_year - res.first_post_year + 1,
        )
        out.append(Finding("confounders", text))
    return tuple(out)
