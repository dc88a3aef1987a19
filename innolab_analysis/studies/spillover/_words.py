"""Words and numbers the spillover sentences share: catalog lookups and the readings of the result.

Every text comes from ``l10n/messages/spillover.yaml`` (labels: ``labels.yaml``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from innolab_analysis import l10n
from innolab_analysis.studies.spillover.facts import CAPTURE_TOLERANCE

if TYPE_CHECKING:
    from innolab_analysis.studies.spillover.compute import SpilloverResult

__all__ = [
    "capture_groups",
    "capture_reading",
    "capture_reading_text",
    "change_values",
    "city_names",
    "direction_word",
    "gravity_numbers",
    "group_label",
    "interpolates",
    "klassen_row",
    "linkage_direction",
    "pre_years",
    "province_name",
    "quadrant_label",
    "say",
    "say_plain",
    "shares_text",
    "synth_missing_reason",
    "synth_numbers",
    "term_values",
    "travel_steps",
    "trend",
]


def say(key: str, language: str, **values) -> str:
    return l10n.tr(f"spillover.{key}", language, **values)


def say_plain(key: str, language: str, **values) -> str:
    return l10n.tr(f"spillover.{key}", language, markdown=False, **values)


def city_names(res: SpilloverResult) -> dict[str, str]:
    return {"satellite": res.satellite_name, "core": res.core_name}


def term_values(res: SpilloverResult, name: str) -> dict[str, float]:
    row = res.linkage.terms.set_index("term").loc[name]
    return {k: float(row[k]) for k in ("estimate", "ci_lower", "ci_upper", "p_value")}


def linkage_direction(res: SpilloverResult) -> str:
    """``"up"`` / ``"down"`` when the whole interval of the change is above / below zero, else ``"unclear"``."""
    change = term_values(res, "elasticity_change")
    if change["ci_lower"] > 0:
        return "up"
    if change["ci_upper"] < 0:
        return "down"
    return "unclear"


def change_values(res: SpilloverResult) -> dict:
    change = term_values(res, "elasticity_change")
    return {
        "change": change["estimate"],
        "change_abs": abs(change["estimate"]),
        "lower": change["ci_lower"],
        "upper": change["ci_upper"],
        "p": change["p_value"],
        "pct": round(100 * res.level),
    }


def synth_numbers(res: SpilloverResult, language: str) -> dict:
    gap = float(res.synth.estimate)
    return {
        "gap_abs": abs(gap),
        "direction": say("word.lower" if gap < 0 else "word.higher", language),
        "p": float(res.synth.p_value),
        "rmspe": float(res.synth.pre_rmspe),
    }


def interpolates(res: SpilloverResult) -> bool:
    return any(d.code == "interpolation" for d in res.diagnostics)


def pre_years(res: SpilloverResult) -> int:
    return sum(1 for t in res.synth.treated.index if t < res.first_post_year)


def synth_missing_reason(res: SpilloverResult, language: str) -> str:
    if res.synth_status == "few_donors":
        return say("synth.few_donors", language, count=len(res.donors))
    return say(f"synth.{res.synth_status}", language)


def travel_steps(res: SpilloverResult, language: str, *, markdown: bool = True) -> str:
    """``120 menit (2010–2015), 90 menit (2016–2017) dan 45 menit (2018–2024)``."""
    g = res.gravity
    runs = (g["distance"] != g["distance"].shift()).cumsum()
    steps = []
    for _, run in g.groupby(runs, sort=False):
        first, last = int(run["year"].iloc[0]), int(run["year"].iloc[-1])
        years = (
            str(first)
            if first == last
            else say("word.year_range", language, first=first, last=last)
        )
        steps.append(
            l10n.tr(
                "spillover.gravity.step",
                language,
                markdown=markdown,
                minutes=round(float(run["distance"].iloc[0])),
                years=years,
            )
        )
    return l10n.join(steps, language, markdown=markdown)


def gravity_numbers(res: SpilloverResult) -> dict:
    g = res.gravity
    t0 = float(g["distance"].iloc[0])
    t1 = float(g.loc[g["post"], "distance"].iloc[0])
    return {
        "t0": round(t0),
        "t1": round(t1),
        "alone": (t0 / t1) ** res.gravity_exponent,
        "ratio": res.gravity_ratio,
    }


def province_name(res: SpilloverResult, language: str) -> str:
    return res.province or say("word.province", language)


def trend(res: SpilloverResult, indicator: str) -> tuple[float, float]:
    row = res.trends.set_index("indicator").loc[indicator]
    return float(row["mean_pre"]), float(row["mean_post"])


def capture_groups(res: SpilloverResult) -> list[str]:
    return [c.removeprefix("share_") for c in res.indicators.columns if c.startswith("share_")]


def group_label(group: str, language: str) -> str:
    if l10n.has_label("capture_group", group):
        return l10n.label("capture_group", group, language)
    return group


def shares_text(res: SpilloverResult, language: str) -> str:
    parts = []
    for g in capture_groups(res):
        before, after = trend(res, f"share_{g}")
        parts.append(
            say(
                "capture.share",
                language,
                group=group_label(g, language),
                before=before,
                after=after,
            )
        )
    return l10n.join(parts, language)


def capture_reading(res: SpilloverResult) -> tuple[str, float]:
    """The capture reading (``capture``, ``dead``, ``mixed``, ``stable``) and the change of the
    combined share of the capture groups, in percentage points."""
    share = sum(
        trend(res, f"share_{g}")[1] - trend(res, f"share_{g}")[0] for g in capture_groups(res)
    )
    pc0, pc1 = trend(res, "per_capita_ratio")
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


def direction_word(change: float, language: str) -> str:
    if change >= CAPTURE_TOLERANCE:
        return say("word.up", language)
    if change <= -CAPTURE_TOLERANCE:
        return say("word.down", language)
    return say("word.unchanged", language)


def capture_reading_text(res: SpilloverResult, language: str) -> str:
    key, points = capture_reading(res)
    pc0, pc1 = trend(res, "per_capita_ratio")
    return say(
        f"capture.reading.{key}",
        language,
        points=abs(points),
        share_word=direction_word(points / 100, language),
        pc_word=direction_word(pc1 - pc0, language),
    )


def klassen_row(res: SpilloverResult, region: str) -> dict:
    """Growth, per-capita level and quadrant of one region in the typology."""
    row = res.context.klassen.table.set_index("unit").loc[region]
    return {
        "growth": float(row["growth"]),
        "level": float(row["level"]),
        "quadrant": str(row["quadrant"]),
    }


def quadrant_label(quadrant: str, language: str) -> str:
    return l10n.label("klassen_quadrant", quadrant, language)
