"""The narrative of the innovation-impact study: findings, sections and figure readings.

Every sentence comes from the message catalog (``l10n/messages/impact.yaml``);
this module only chooses which message to use and with which numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np

from innolab_analysis import l10n
from innolab_analysis.studies._contract import Finding

__all__ = ["alt_text", "findings", "section"]

TOLL_ROAD = date(2017, 12, 19)
"""Tol Surabaya–Mojokerto fully open (domain.md §4.2)."""
LABINOV = date(2018, 4, 2)
"""LAN's Laboratorium Inovasi kick-off in Kota Mojokerto (domain.md §3.1)."""


def _t(key: str, language: str, **values) -> str:
    return l10n.tr(f"impact.{key}", language, **values)


def _clear(lower: float, upper: float) -> bool:
    return bool(np.isfinite(lower) and np.isfinite(upper) and (lower > 0 or upper < 0))


def _effect(res, r, language: str, *, plain: bool = False) -> str:
    """``**2,90** poin (IK 95%: 2,14 s.d. 3,67; p < 0,001)`` for a result or a row."""
    return _t(
        "effect_plain" if plain else "effect",
        language,
        markdown=not plain,
        estimate=r.estimate,
        lower=r.ci_lower,
        upper=r.ci_upper,
        p=getattr(r, "p_value", float("nan")),
        level=getattr(res.staggered, "level", 0.95),
        unit=res.unit_word(language),
    )


def _direction(res, estimate: float, language: str) -> str:
    from innolab_analysis.studies.impact.compute import BETTER

    good = estimate * BETTER[res.outcome] > 0
    return _t("direction.good" if good else "direction.bad", language)


def _inference(res, language: str) -> str:
    if res.n_boot:
        return _t("inference.bootstrap", language, n=res.n_boot, seed=res.seed)
    return _t("inference.analytic", language)


def _event_rows(res):
    d = res.event_study.dynamic
    stag = d[d["estimator"] == "staggered"]
    pre = stag[stag["event_time"] < 0]
    post = stag[stag["event_time"] >= 0]
    return pre, post


# ============================================================================ findings
def findings(res, language: str) -> tuple[Finding, ...]:
    """The summary of the impact report: 3–6 findings with their numbers."""
    s = res.staggered
    unit = res.unit_word(language)
    out = [
        Finding(
            "att",
            _t(
                "finding.att.clear" if _clear(s.ci_lower, s.ci_upper) else "finding.att.unclear",
                language,
                outcome=res.outcome_name(language),
                effect=_effect(res, s, language),
                direction=_direction(res, s.estimate, language),
            ),
            s.estimate,
            s.ci_lower,
            s.ci_upper,
            res.outcome,
        )
    ]
    pre, post = _event_rows(res)
    if len(post) >= 2:
        first, last = post.iloc[0], post.iloc[-1]
        out.append(
            Finding(
                "dynamics",
                _t(
                    "finding.dynamics",
                    language,
                    first=first["estimate"],
                    last=last["estimate"],
                    horizon=int(last["event_time"]),
                    unit=unit,
                ),
                float(last["estimate"]),
                float(last["ci_lower"]),
                float(last["ci_upper"]),
                res.outcome,
            )
        )
    if len(pre):
        n_out = int(((pre["ci_lower"] > 0) | (pre["ci_upper"] < 0)).sum())
        p = res.event_study.pretrend_p_value
        violated = n_out > 0 or (np.isfinite(p) and p < 0.05)
        out.append(
            Finding(
                "pretrend",
                _t(
                    "finding.pretrend.violated" if violated else "finding.pretrend.parallel",
                    language,
                    n_out=n_out,
                    n_pre=len(pre),
                    p=p,
                ),
                outcome=res.outcome,
            )
        )
    rb = _robustness_finding(res, language)
    if rb is not None:
        out.append(rb)
    elif res.bacon is not None:
        text = _t(
            "finding.twfe",
            language,
            twfe=res.twfe.estimate,
            forbidden=res.bacon.forbidden_weight,
            unit=unit,
        )
    else:
        text = _t(
            "finding.twfe_no_bacon", language, twfe=res.twfe.estimate, att=s.estimate, unit=unit
        )
    if rb is None:
        out.append(
            Finding(
                "twfe", text, res.twfe.estimate, res.twfe.ci_lower, res.twfe.ci_upper, res.outcome
            )
        )
    m = res.moderation
    if m is not None:
        out.append(
            Finding(
                "moderation",
                _t(
                    "finding.moderation",
                    language,
                    effect=_effect(res, _Row.of_moderation(m), language),
                ),
                m.slope_per_sd,
                m.ci_lower,
                m.ci_upper,
                res.outcome,
            )
        )
    if res.mde is not None and len(out) < 6:
        out.append(
            Finding(
                "mde",
                _t("finding.mde", language, mde=res.mde.mde, power=res.mde.power, unit=unit),
                res.mde.mde,
                outcome=res.outcome,
            )
        )
    return tuple(out[:6])


def _sign(res, estimate: float, language: str) -> str:
    return _t(f"robustness.honest.{'positive' if estimate > 0 else 'negative'}", language)


def _honest_clause(res, language: str, prefix: str) -> str:
    """The HonestDiD reading in one clause or sentence (``prefix``: finding or section key)."""
    h = res.robust.honest
    if h is None:
        return _t(f"{prefix}.none", language)
    sign = _sign(res, h.estimate, language)
    if not np.isfinite(h.breakdown):
        return _t(f"{prefix}.unbounded", language, sign=sign)
    if h.breakdown <= 0:
        return _t(f"{prefix}.zero", language)
    if prefix == "finding.honest":
        return _t(prefix, language, sign=sign, breakdown=h.breakdown)
    reading = _t(
        "robustness.honest.strong" if h.breakdown >= 1 else "robustness.honest.weak", language
    )
    return _t("robustness.honest", language, sign=sign, breakdown=h.breakdown, reading=reading)


def _robustness_finding(res, language: str) -> Finding | None:
    rob = res.robust
    if rob is None or rob.table.empty:
        return None
    t = rob.table
    direction = _t(
        "direction.good_plain"
        if _improves(res, float(t["estimate"].median()))
        else "direction.bad_plain",
        language,
    )
    return Finding(
        "robustness",
        _t(
            "finding.robustness.agree" if rob.agree else "finding.robustness.disagree",
            language,
            low=t["estimate"].min(),
            high=t["estimate"].max(),
            unit=res.unit_word(language),
            direction=direction,
            honest=_honest_clause(res, language, "finding.honest"),
        ),
        float(t["estimate"].median()),
        float(t["estimate"].min()),
        float(t["estimate"].max()),
        res.outcome,
    )


def _improves(res, estimate: float) -> bool:
    from innolab_analysis.studies.impact.compute import BETTER

    return estimate * BETTER[res.outcome] > 0


class _Row:
    """An estimate with its interval (attribute access as the result objects have)."""

    def __init__(self, estimate, ci_lower, ci_upper, p_value=float("nan")):
        self.estimate, self.ci_lower, self.ci_upper, self.p_value = (
            estimate,
            ci_lower,
            ci_upper,
            p_value,
        )

    @classmethod
    def of_moderation(cls, m) -> _Row:
        return cls(m.slope_per_sd, m.ci_lower, m.ci_upper, m.p_value)


# ============================================================================ sections
def _data(res, language: str) -> str:
    p = res.panel
    per_agency = p.groupby("agency_id")["cohort"].first()
    n_units = len(per_agency)
    n_treated = int((per_agency > 0).sum())
    return _t(
        "data.body",
        language,
        n_units=n_units,
        frequency=_t(f"frequency.{res.frequency}", language),
        first=l10n.period(p["period"].min(), res.frequency),
        last=l10n.period(p["period"].max(), res.frequency),
        n_cells=len(p),
        outcome=res.outcome_name(language),
        n_treated=n_treated,
        n_cohorts=int(per_agency[per_agency > 0].nunique()),
        n_never=n_units - n_treated,
    )


def _staggered(res, language: str) -> str:
    from innolab_analysis.studies.impact.compute import BETTER

    s = res.staggered
    text = _t(
        "staggered.body",
        language,
        outcome=res.outcome_name(language),
        effect=_effect(res, s, language),
        direction=_direction(res, s.estimate, language),
        comparison=_t(f"comparison.{res.control_group}", language),
        inference=_inference(res, language),
    )
    g = res.groups.terms
    if len(g) >= 2:
        score = g["estimate"] * BETTER[res.outcome]
        best, worst = g.loc[score.idxmax()], g.loc[score.idxmin()]
        text += " " + _t(
            "staggered.cohorts",
            language,
            best=res.cohort_label(best["cohort"]),
            best_estimate=best["estimate"],
            worst=res.cohort_label(worst["cohort"]),
            worst_estimate=worst["estimate"],
            unit=res.unit_word(language),
        )
    return text


def _event_study(res, language: str) -> str:
    es = res.event_study
    pre, post = _event_rows(res)
    p = es.pretrend_p_value
    wald = (
        _t("event_study.wald", language, p=p)
        if np.isfinite(p)
        else _t("event_study.no_wald", language)
    )
    twfe_avg = es.terms.loc[es.terms["estimator"] == "twfe", "estimate"].iloc[0]
    return _t(
        "event_study.body",
        language,
        n_out=int(((pre["ci_lower"] > 0) | (pre["ci_upper"] < 0)).sum()),
        n_pre=len(pre),
        wald=wald,
        first=post["estimate"].iloc[0],
        last=post["estimate"].iloc[-1],
        horizon=int(post["event_time"].iloc[-1]),
        staggered=es.estimate,
        twfe=twfe_avg,
        unit=res.unit_word(language),
    )


def _twfe(res, language: str) -> str:
    tw, s = res.twfe, res.staggered
    unit = res.unit_word(language)
    parts = [
        _t(
            "twfe.body",
            language,
            effect=_effect(res, tw, language),
            gap=tw.estimate - s.estimate,
            att=s.estimate,
            unit=unit,
        )
    ]
    if res.bacon is None:
        parts.append(_t("twfe.no_bacon", language, reason=l10n.bilingual("impact.reason.bacon")))
        return " ".join(parts)
    if res.bacon_dropped:
        parts.append(
            _t(
                "twfe.balanced",
                language,
                names=l10n.join([res.name_of(a) for a in res.bacon_dropped], language),
                estimate=res.bacon_twfe,
                unit=unit,
            )
        )
    by = res.bacon.by_type.set_index("type")
    forbidden = "later vs earlier treated"
    parts.append(
        _t(
            "twfe.bacon",
            language,
            forbidden=res.bacon.forbidden_weight,
            forbidden_estimate=by.loc[forbidden, "estimate"] if forbidden in by.index else np.nan,
            unit=unit,
        )
    )
    return " ".join(parts)


def _robustness_section(res, language: str) -> str:
    rob = res.robust
    if rob is None:
        return _t("robustness.honest.none", language)
    t = rob.table
    unit = res.unit_word(language)
    parts = [_t("robustness.intro", language)]
    direction = _t(
        "direction.good_plain"
        if _improves(res, float(t["estimate"].median()))
        else "direction.bad_plain",
        language,
    )
    parts.append(
        _t(
            "robustness.agree" if rob.agree else "robustness.disagree",
            language,
            direction=direction,
            low=t["estimate"].min(),
            high=t["estimate"].max(),
            unit=unit,
        )
    )
    parts.append(_t("robustness.targets", language))
    text = " ".join(parts) + "\n\n" + _honest_clause(res, language, "robustness.honest")
    if rob.pretrend is not None:
        pt = rob.pretrend
        avg = pt.bias[pt.bias["event_time"].isna()]
        bias = float(avg["trend_bias"].iloc[0]) if len(avg) else np.nan
        estimate = float(avg["estimate"].iloc[0]) if len(avg) else np.nan
        text += "\n\n" + _t(
            "robustness.pretrend",
            language,
            n_pre=int((rob.event.terms["event_time"] < 0).sum()),
            slope=pt.slope,
            power=pt.power,
            bias=bias,
            share=abs(bias / estimate) if estimate else np.nan,
            unit=unit,
        )
    notes = []
    if rob.sdid_dropped:
        notes.append(
            _t(
                "robustness.sdid_dropped",
                language,
                names=l10n.join([res.name_of(a) for a in rob.sdid_dropped], language),
            )
        )
    for design, reason in rob.missing:
        notes.append(
            _t(
                f"robustness.missing.{reason}",
                language,
                design=l10n.label("design", design, language),
            )
        )
    if notes:
        text += "\n\n" + " ".join(notes)
    return text


def _its(res, language: str) -> str:
    if res.its is None:
        found = [d for d in res.diagnostics if d.code == "its"]
        return found[0].message[language] if found else _t("its.not_run", language)
    r = res.its
    terms = r.terms.set_index("term")
    slope = terms.loc["slope_change", "estimate"] if "slope_change" in terms.index else np.nan
    return _t(
        "its.body",
        language,
        name=res.its_agency_name,
        start=l10n.period(r.interventions[0], res.frequency),
        outcome=res.outcome_name(language),
        effect=_effect(res, r, language),
        slope=slope,
        unit=res.unit_word(language),
        covid=_t("its.covid", language) if res.its_covid else l10n.Safe(""),
    )


def _heterogeneity(res, language: str) -> str:
    m = res.moderation
    if m is None:
        return _t("heterogeneity.none", language)
    parts = [
        _t(
            "heterogeneity.body",
            language,
            n=m.n_agencies,
            mean=m.score_mean,
            sd=m.score_sd,
            effect=_effect(res, _Row.of_moderation(m), language),
        )
    ]
    if m.high is not None and m.low is not None:
        parts.append(
            _t(
                "heterogeneity.split",
                language,
                median=m.median,
                high=_effect(res, m.high, language, plain=True),
                low=_effect(res, m.low, language, plain=True),
                difference=m.difference,
                p=m.difference_p,
                unit=res.unit_word(language),
            )
        )
    parts.append(_t("heterogeneity.caveat", language))
    return " ".join(parts)


def _mde(res, language: str) -> str:
    m = res.mde
    if m is None:
        return _t("mde.none", language)
    return _t(
        "mde.body",
        language,
        n_sims=m.n_sims,
        seed=m.seed,
        mde=m.mde,
        power=m.power,
        alpha=m.alpha,
        analytic=m.mde_analytic,
        type1=m.type1_error,
        unit=res.unit_word(language),
    )


def _confounders(res, language: str) -> str:
    return _t("confounders.body", language, toll=TOLL_ROAD, labinov=LABINOV)


def _study_terms(res, d, language: str) -> str:
    """An estimator's diagnostic in the study's words (cohorts as calendar labels, units by name)."""
    if d.code == "unbalanced_panel":
        n_cells = res.panel["agency_id"].nunique() * res.panel["period_index"].nunique()
        return _t(
            "diag.unbalanced_panel",
            language,
            n=n_cells - len(res.panel),
            outcome=res.outcome_name(language),
        )
    if d.code == "small_groups":
        from innolab_analysis.estimators.staggered import FEW_UNITS

        sizes = res.panel.groupby("agency_id")["cohort"].first().value_counts().sort_index()
        small = [(int(g), int(n)) for g, n in sizes.items() if g > 0 and n < FEW_UNITS]
        items = [
            _t("diag.cohort_size", language, cohort=res.cohort_label(g), count=n) for g, n in small
        ]
        return _t(
            "diag.small_groups",
            language,
            threshold=FEW_UNITS,
            cohorts=l10n.Safe("; ".join(items)),
        )
    return d.message[language]


def _diagnostics(res, language: str) -> str:
    seen: dict[str, object] = {}
    sources = [res.staggered, res.event_study, res.twfe]
    if res.its is not None:
        sources.append(res.its)
    for r in sources:
        for d in r.diagnostics:
            seen.setdefault(d.code, d)
    for d in res.diagnostics:
        seen.setdefault(d.code, d)
    if not seen:
        return _t("diagnostics.none", language)
    return "\n".join(f"- {_study_terms(res, d, language)}" for d in seen.values())


def _methods(res, language: str) -> str:
    lines = [
        _t(
            "methods.staggered",
            language,
            method=_t(f"method.{res.method}", language),
            comparison=_t(f"comparison.{res.control_group}", language),
            inference=_inference(res, language),
        ),
        _t("methods.twfe", language, clusters=res.twfe.n_units, dof=res.twfe.n_units - 1),
    ]
    if res.its is not None:
        lines.append(_t("methods.its", language, lags=res.its.hac_lags, dof=res.its_dof))
    if res.robust is not None:
        from innolab_analysis.studies.impact._robustness import SDID_REPLICATIONS

        lines.append(_t("methods.sun_abraham", language))
        if res.robust.sdid is not None:
            lines.append(_t("methods.sdid", language, n=SDID_REPLICATIONS))
        if res.robust.honest is not None:
            lines.append(_t("methods.honest", language))
    lines.append(_t("methods.agency", language))
    return "\n".join(f"- {line}" for line in lines)


_SECTIONS: dict[str, Callable[[object, str], str]] = {
    "data": _data,
    "staggered": _staggered,
    "event_study": _event_study,
    "twfe": _twfe,
    "robustness": _robustness_section,
    "its": _its,
    "heterogeneity": _heterogeneity,
    "mde": _mde,
    "confounders": _confounders,
    "diagnostics": _diagnostics,
    "methods": _methods,
}


def section(res, name: str, language: str) -> str:
    """The body of section ``name`` (Markdown, without its heading)."""
    return _SECTIONS[name](res, language)


# ============================================================================ figure readings
def alt_text(res, kind: str, language: str) -> str:
    """The one-line reading of figure ``kind`` (plain text, for screen readers)."""
    unit = res.unit_word(language)

    def t(key: str, **values) -> str:
        return l10n.tr(f"impact.figure.{key}", language, markdown=False, unit=unit, **values)

    if kind == "cohorts":
        g = res.groups.terms["estimate"]
        return t("cohorts.alt", low=g.min(), high=g.max(), att=res.staggered.estimate)
    if kind == "event_study":
        _, post = _event_rows(res)
        return t(
            "event.alt", last=post["estimate"].iloc[-1], horizon=int(post["event_time"].iloc[-1])
        )
    if kind == "bacon":
        return t(
            "bacon.alt", forbidden=res.bacon.forbidden_weight if res.bacon is not None else np.nan
        )
    if kind == "robustness":
        if res.robust is None:
            return _t("robustness.honest.none", language, markdown=False)
        tab = res.robust.table
        return t("robustness.alt", low=tab["estimate"].min(), high=tab["estimate"].max())
    if kind == "its":
        if res.its is None:
            return _t("its.not_run", language, markdown=False)
        return t(
            "its.alt",
            name=res.its_agency_name,
            level=res.its.estimate,
            start=l10n.period(res.its.interventions[0], res.frequency),
        )
    if kind == "agency_effects":
        slope = res.moderation.slope_per_sd if res.moderation is not None else np.nan
        return t("agency.alt", slope=slope)
    if kind == "mde":
        if res.mde is None:
            return _t("mde.none", language, markdown=False)
        return t("mde.alt", mde=res.mde.mde, power=res.mde.power)
    raise KeyError(kind)
