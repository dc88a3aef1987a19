"""What the synthesis reads besides the effect rows: names, unit attributes, budgets, IKM levels.

Numbers only. Every table here is keyed by ``(study, unit)`` (:data:`KEY`): two cities both
have a ``rsud``, and a join on the unit id alone would give one city's number to the other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis.data.study import Study
from innolab_analysis.studies.effects import EFFECT_KEY

__all__ = [
    "KEY",
    "KIND_GROUPS",
    "LOWER_IS_BETTER",
    "classify_rows",
    "ikm_levels",
    "pre_period_sd",
    "unit_attributes",
    "unit_budgets",
]

KEY: tuple[str, str] = EFFECT_KEY
"""Columns that identify a unit across studies: ``("study", "unit")``."""

LOWER_IS_BETTER: tuple[str, ...] = (
    "processing_days",
    "complaint_resolution_days",
    "complaints_received",
)
"""Outcomes where a smaller number is an improvement."""

KIND_GROUPS: dict[str, str] = {
    "dinas": "opd",
    "badan": "opd",
    "kantor": "opd",
    "inspektorat": "opd",
    "sekretariat": "opd",
    "satpol_pp": "opd",
    "bagian": "opd",
    "kecamatan": "kewilayahan",
    "kelurahan": "kewilayahan",
    "rsud": "kesehatan",
    "puskesmas": "kesehatan",
    "upt": "lainnya",
    "blud": "kesehatan",
    "lainnya": "lainnya",
}
"""Kinds of unit grouped for the meta-regression "which kinds of units gain most": offices
(dinas, badan …), territorial units (kecamatan, kelurahan) and health facilities (RSUD,
puskesmas). Our grouping, to keep enough units per group; the report says so."""

LEVEL_METHODS: tuple[str, ...] = (
    "skm_index",
    "innovation_coverage",
    "innovation_flow",
    "innovation_funnel",
    "time_to_launch",
    "kaplan_meier",
    "readiness_index",
)
"""Methods whose rows are levels or descriptive numbers (the IKM of a period, the portfolio's
coverage, stock, funnel, speed, survival and readiness), not effects."""

NUISANCE_TERMS: tuple[str, ...] = ("covid_2020", "covid_2021", "elasticity_before")
"""Terms recorded for context that are not effects of the intervention."""


def classify_rows(effects: pd.DataFrame) -> pd.DataFrame:
    """The effect rows with ``quantity`` (effect, level, elasticity, context) and ``scale``.

    ``scale`` is what a number is measured in: the outcome for effects and levels
    (``ikm`` points, ``processing_days`` …), ``elasticity`` for elasticities. Rows on
    different scales are never pooled, plotted on one axis or ranked together.

    Examples
    --------
    >>> rows = pd.DataFrame({"outcome": ["ikm", "ikm", "pdrb_adhk_growth"],
    ...                      "method": ["staggered_did", "skm_index", "growth_linkage"],
    ...                      "term": ["ATT", "2024", "elasticity_change"]})
    >>> classify_rows(rows)[["quantity", "scale"]].values.tolist()
    [['effect', 'ikm'], ['level', 'ikm'], ['elasticity', 'elasticity']]
    """
    out = effects.copy()
    term = out["term"].astype(str)
    quantity = np.where(
        out["method"].isin(LEVEL_METHODS),
        "level",
        np.where(
            term.isin(NUISANCE_TERMS),
            "context",
            np.where(term.str.startswith("elasticity"), "elasticity", "effect"),
        ),
    )
    out["quantity"] = quantity
    out["scale"] = np.where(quantity == "elasticity", "elasticity", out["outcome"].astype(str))
    return out


def _first_launch(study: Study) -> pd.Series:
    inv = study.innovations
    if inv is None:
        return pd.Series(dtype="datetime64[ns]")
    launched = inv.dropna(subset=["launched_on"])
    return launched.groupby("agency_id")["launched_on"].min()


def _at_launch(frame: pd.DataFrame, value: str, launch: pd.Series) -> pd.Series:
    """Per agency: the assessment closest before (or on) its first launch, else its first
    (the latest one for a unit that never launched)."""
    f = frame.dropna(subset=[value]).sort_values(["agency_id", "assessed_on"], kind="stable")
    when = f["agency_id"].map(launch)
    before = f[f["assessed_on"] <= when].groupby("agency_id")[value].last()
    never = f[when.isna()].groupby("agency_id")[value].last()
    first = f.groupby("agency_id")[value].first()
    return before.combine_first(never).combine_first(first).astype(float)


def unit_attributes(study: Study, study_id: str) -> pd.DataFrame:
    """One row per unit: ``study, unit, name, city, kind, kind_group, leadership_commitment,
    readiness_index`` (the assessment closest before the unit's first launch, else its first)."""
    ag = study.table("agencies")
    out = pd.DataFrame(
        {
            "study": study_id,
            "unit": ag["agency_id"].astype(str).to_numpy(),
            "name": ag["name"].astype(str).to_numpy(),
            "city": ag["city"].astype(str).to_numpy(),
            "kind": ag["kind"].astype(str).to_numpy(),
        }
    )
    out["kind_group"] = out["kind"].map(KIND_GROUPS).fillna("lainnya")
    out["leadership_commitment"] = np.nan
    out["readiness_index"] = np.nan
    if study.readiness is not None and len(study.readiness):
        from innolab_analysis.metrics.readiness import readiness_index

        launch = _first_launch(study)
        r = study.readiness
        lead = r[r["dimension"] == "leadership_commitment"].rename(
            columns={"score": "leadership_commitment"}
        )
        out["leadership_commitment"] = out["unit"].map(
            _at_launch(lead, "leadership_commitment", launch)
        )
        index = readiness_index(r)
        out["readiness_index"] = out["unit"].map(_at_launch(index, "readiness_index", launch))
    return out


def unit_budgets(study: Study, study_id: str, end_year: int | None = None) -> pd.DataFrame:
    """Budget of each unit's innovations from the year of its first launch to ``end_year``.

    Returns ``study, unit, budget_rp, budget_years, complete``: ``complete`` is False when a
    launched innovation of the unit has no budget row at all (then ``budget_rp`` is NaN:
    a partial sum would understate the cost). Units without a launched innovation are absent.
    """
    launch = _first_launch(study)
    cols = ["study", "unit", "budget_rp", "budget_years", "complete"]
    if launch.empty:
        return pd.DataFrame(columns=cols)
    inv = study.innovations.dropna(subset=["launched_on"])
    budgets = study.innovation_budgets
    if budgets is None:
        budgets = pd.DataFrame({"innovation_id": [], "year": [], "budget_rp": []})
    have = set(budgets["innovation_id"].astype(str))
    owner = inv.set_index("innovation_id")["agency_id"]
    b = budgets.assign(unit=budgets["innovation_id"].map(owner))
    end = int(end_year) if end_year is not None else None
    rows = []
    for aid, first in launch.items():
        complete = set(inv.loc[inv["agency_id"] == aid, "innovation_id"].astype(str)) <= have
        mine = b[(b["unit"] == aid) & (b["year"] >= pd.Timestamp(first).year)]
        if end is not None:
            mine = mine[mine["year"] <= end]
        total = float(mine["budget_rp"].sum()) if complete and len(mine) else float("nan")
        rows.append((study_id, str(aid), total, int(mine["year"].nunique()), bool(complete)))
    return pd.DataFrame(rows, columns=cols)


def ikm_levels(study: Study, study_id: str, year: int | None = None) -> tuple[pd.DataFrame, int]:
    """Each unit's IKM in ``year`` (default: the last year surveyed) with its standard error.

    The IKM (Permen PANRB 14/2017: mean of the nine element means over the respondents who
    answered × 25, unweighted, unrounded) is a smooth function of element means, so its
    standard error is the linearisation (delta method) over respondents:
    ``ψ_r = 25/9 Σ_k a_rk (x_rk − m_k) / n_k`` (a_rk = 1 when respondent r answered element k),
    ``SE = sqrt(n/(n − 1) Σ_r ψ_r²)``. It agrees with the bootstrap of ``skm_index`` (tests).

    Returns
    -------
    (DataFrame, int)
        ``study, unit, n_respondents, ikm, std_error`` and the year.
    """
    skm = study.table("skm_responses")
    years = skm["survey_date"].dt.year
    year = int(years.max()) if year is None else int(year)
    sub = skm[years == year]
    items = [f"u{i}" for i in range(1, 10)]
    rows = []
    for aid, grp in sub.groupby("agency_id", sort=True):
        x = grp[items].to_numpy(dtype=float)
        answered = np.isfinite(x)
        n_k = answered.sum(axis=0)
        if (n_k == 0).any() or len(grp) < 2:
            continue
        m_k = np.nansum(x, axis=0) / n_k
        ikm = 25.0 * float(np.mean(m_k))
        dev = np.where(answered, x - m_k, 0.0) / n_k
        psi = 25.0 / 9.0 * dev.sum(axis=1)
        n = len(grp)
        se = float(np.sqrt(n / (n - 1) * np.sum(psi**2)))
        rows.append((study_id, str(aid), n, ikm, se))
    frame = pd.DataFrame(rows, columns=["study", "unit", "n_respondents", "ikm", "std_error"])
    return frame, year


def pre_period_sd(study: Study, outcomes: list[str]) -> dict[str, float]:
    """Standard deviation of each outcome over the unit-periods before any innovation.

    Cells of the yearly agency panel that are not yet treated (before the unit's first launch,
    or never treated): the spread the standardised effects are measured in.
    """
    from innolab_analysis.studies.panel import agency_panel

    known = [o for o in outcomes if o == "ikm" or _has_indicator(study, o)]
    if not known:
        return {}
    panel = agency_panel(study, frequency="year", outcomes=known)
    pre = panel[panel["treated"] == 0]
    return {o: float(pre[o].std(ddof=1)) for o in known if pre[o].notna().sum() > 2}


def _has_indicator(study: Study, name: str) -> bool:
    ind = study.service_indicators
    return ind is not None and bool((ind["indicator"] == name).any())
