"""A study's comparative synthesis: its own results side by side, pooled, ranked, costed.

:func:`comparative_synthesis` reads **one study's** recorded effect rows (every design its
notebooks estimated) and its data (unit names, readiness, budgets, SKM responses) and
computes, on one scale at a time:

* the effect of each design, by outcome (an IKM effect and an elasticity are never on one
  axis), and, explicitly labelled, the effects standardised in pre-period standard
  deviations of their outcome;
* the per-unit effects pooled (random effects, Knapp–Hartung), shrunken (empirical Bayes) and
  ranked with marginal and simultaneous confidence sets (Mogstad et al. 2024), with Holm and
  Benjamini–Hochberg adjusted p-values and meta-regressions on leadership, readiness and the
  kind of unit;
* the units' IKM levels of the last year, shrunken and ranked;
* the cost per IKM point (and per day saved) where budgets were recorded;
* where two designs estimated the same thing, whether they agree.

Numbers only: the sentences are in :mod:`.text`, the tables in :mod:`.tables`, the figures
in :mod:`.plots`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, get_args

import numpy as np
import pandas as pd

from innolab_analysis.data.study import Study
from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.options import (
    Language,
    PoolMethod,
    SynthesisPlotKind,
    SynthesisSection,
    SynthesisTable,
)
from innolab_analysis.studies._contract import Finding, StudyResult
from innolab_analysis.studies.synthesis.inputs import (
    KEY,
    LOWER_IS_BETTER,
    classify_rows,
    ikm_levels,
    pre_period_sd,
    unit_attributes,
    unit_budgets,
)
from innolab_analysis.studies.synthesis.units import (
    UnitEffects,
    UnitLevels,
    analyse_levels,
    analyse_unit_effects,
    value_for_money,
)

__all__ = [
    "AGENCY_METHODS",
    "PackagedResult",
    "Synthesis",
    "comparative_synthesis",
    "reconcile_designs",
]

AGENCY_METHODS: tuple[str, ...] = ("did_imputation",)
"""Methods whose rows are one effect per unit (pooled, shrunken and ranked)."""

_NOT_DESIGNS = (*AGENCY_METHODS, "staggered_did_group")


class PackagedResult(StudyResult):
    """A :class:`StudyResult` whose sentences, tables and figures live in its package's
    ``text``, ``tables`` and ``plots`` modules (``PACKAGE``), imported when first needed."""

    PACKAGE: ClassVar[str] = ""

    def _module(self, name: str):
        import importlib

        return importlib.import_module(f"{self.PACKAGE}.{name}")

    def findings(self, language: Language = "id") -> tuple[Finding, ...]:
        return self._module("text").findings(self, self._check_language(language))

    def _section(self, section: str, language: str) -> str:
        return self._module("text").section(self, section, language)

    def _table(self, name: str, language: str):
        return self._module("tables").table(self, name, language)

    def _draw(self, kind: str, ax, language: str) -> None:
        self._module("plots").draw(self, kind, ax, language)

    def alt_text(self, kind: str, language: Language = "id") -> str:
        return self._module("text").alt_text(self, kind, self._check_language(language))


@dataclass(frozen=True)
class Synthesis(PackagedResult):
    """Result of :func:`comparative_synthesis` (the :class:`StudyResult` contract).

    Attributes
    ----------
    study, city : str
        The study id and its city's name.
    effects : DataFrame
        The study's effect rows with ``quantity``, ``scale`` and ``label`` (names).
    designs : DataFrame
        The headline row of every design (all units, the city, or one unit for an ITS).
    standardised : DataFrame
        Designs and pooled effects in pre-period standard deviations (improvement positive).
    sd : dict
        Pre-period standard deviation of each outcome.
    agencies : tuple of UnitEffects
        Per-unit effects, one entry per outcome (the IKM first).
    levels : UnitLevels or None
        The units' IKM levels of the last year.
    value : DataFrame
        Cost per IKM point / per day saved (:func:`~.units.value_for_money`).
    reconciliation : DataFrame
        Pairs of designs that estimated the same outcome for the same unit.
    notebooks : tuple of str
        The notebooks whose rows were combined.
    """

    DOMAIN: ClassVar[str] = "synthesis"
    PACKAGE: ClassVar[str] = "innolab_analysis.studies.synthesis"
    SECTIONS: ClassVar[tuple[str, ...]] = get_args(SynthesisSection)
    TABLES: ClassVar[tuple[str, ...]] = get_args(SynthesisTable)
    PLOT_KINDS: ClassVar[tuple[str, ...]] = get_args(SynthesisPlotKind)
    study: str
    city: str
    effects: pd.DataFrame
    designs: pd.DataFrame
    standardised: pd.DataFrame
    sd: dict[str, float]
    agencies: tuple[UnitEffects, ...]
    levels: UnitLevels | None
    value: pd.DataFrame
    reconciliation: pd.DataFrame
    notebooks: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    rank_level: float = 0.90

    # ------------------------------------------------------------------ numbers
    @property
    def FIGSIZE(self) -> dict[str, tuple[float, float]]:
        """Figure sizes: tall enough for two-line unit names, one row each."""
        k = self.primary.k if self.primary is not None else 0
        n = len(self.levels.table) if self.levels is not None else 0
        d = len(self.designs) if not self.designs.empty else 0

        def tall(rows: int) -> tuple[float, float]:
            return (7.5, max(3.2, 0.42 * rows + 2.2))

        return {
            "designs": tall(d),
            "standardised": tall(len(self.standardised)),
            "agencies": tall(k + 2),
            "ranking": tall(k),
            "levels": tall(n),
            "moderators": (7.0, 4.4),
        }

    @property
    def primary(self) -> UnitEffects | None:
        """The per-unit effects of the first outcome (the IKM when present)."""
        return self.agencies[0] if self.agencies else None

    def unit_effects(self, outcome: str) -> UnitEffects | None:
        """The per-unit effects of ``outcome``, if the study estimated them."""
        return next((a for a in self.agencies if a.outcome == outcome), None)

    def summary(self) -> pd.DataFrame:
        """The pooled per-unit effect of every outcome (:data:`SUMMARY_COLUMNS`)."""
        frames = [a.pooled.summary() for a in self.agencies]
        if not frames:
            return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    def effect_rows(self, study: str) -> pd.DataFrame:
        """The pooled effects as effect rows (unit ``all``), for the index headline."""
        frames = [a.pooled.effect_rows(study=study, unit="all") for a in self.agencies]
        if not frames:
            return pd.DataFrame(columns=list(EFFECT_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    @classmethod
    def _example(cls) -> Synthesis:
        """The synthesis of the shipped demo study (Kota Mojokerto) from its recorded results."""
        from innolab_analysis.studies.synthesis.example import example_synthesis

        return example_synthesis()


# ----------------------------------------------------------------------------- helpers
def _labels(rows: pd.DataFrame, attributes: pd.DataFrame, study: Study) -> pd.Series:
    names = dict(zip(attributes["unit"], attributes["name"]))
    if study.regions is not None:
        regions = study.regions.drop_duplicates("region_code")
        names |= dict(zip(regions["region_code"].astype(str), regions["region_name"]))
    return rows["unit"].astype(str).map(names)


def _designs(rows: pd.DataFrame) -> pd.DataFrame:
    keep = rows[
        rows["quantity"].isin(["effect", "elasticity"]) & ~rows["method"].isin(_NOT_DESIGNS)
    ]
    keep = keep[np.isfinite(keep["estimate"].astype(float))]
    return keep.drop_duplicates(["notebook", "method", *KEY, "scale"]).reset_index(drop=True)


def _standardise(
    designs: pd.DataFrame, agencies: tuple[UnitEffects, ...], sd: dict[str, float]
) -> pd.DataFrame:
    rows = designs[designs["quantity"] == "effect"][
        ["label", "method", "outcome", "estimate", "ci_lower", "ci_upper"]
    ].copy()
    pooled = [
        {
            "label": "",
            "method": "pooled",
            "outcome": a.outcome,
            "estimate": a.pooled.estimate,
            "ci_lower": a.pooled.ci_lower,
            "ci_upper": a.pooled.ci_upper,
        }
        for a in agencies
    ]
    rows = pd.concat([rows, pd.DataFrame(pooled)], ignore_index=True)
    rows = rows[rows["outcome"].isin(list(sd))].reset_index(drop=True)
    sign = np.where(rows["outcome"].isin(LOWER_IS_BETTER), -1.0, 1.0)
    scale = rows["outcome"].map(sd).to_numpy(float)
    est, lo, hi = (
        sign * rows[c].to_numpy(float) / scale for c in ("estimate", "ci_lower", "ci_upper")
    )
    return rows.assign(estimate=est, ci_lower=np.fmin(lo, hi), ci_upper=np.fmax(lo, hi), sd=scale)


def reconcile_designs(designs: pd.DataFrame) -> pd.DataFrame:
    """Every pair of designs that estimated the same outcome for the same unit of one study.

    Returns ``study, unit, label, outcome, design_a, design_b, estimate_a, estimate_b,
    difference, z, intervals_overlap, disagree``. ``z`` treats the two estimates as
    independent, which overstates the SE of the difference when they use the same data, so
    a flagged disagreement is a real one.

    Examples
    --------
    >>> rows = pd.DataFrame({"study": "s", "unit": "all", "label": "", "outcome": "ikm",
    ...     "scale": "ikm", "method": ["staggered_did", "twfe"], "estimate": [4.0, -1.0],
    ...     "std_error": [0.5, 0.5], "ci_lower": [3.0, -2.0], "ci_upper": [5.0, 0.0]})
    >>> reconcile_designs(rows)[["design_a", "design_b", "disagree"]].values.tolist()
    [['staggered_did', 'twfe', True]]
    """
    cols = [
        "study", "unit", "label", "outcome", "design_a", "design_b", "estimate_a",
        "estimate_b", "difference", "z", "intervals_overlap", "disagree",
    ]  # fmt: skip
    out = []
    for (study, unit, _scale), grp in designs.groupby([*KEY, "scale"], sort=False):
        recs = grp.drop_duplicates("method").to_dict("records")
        for i, a in enumerate(recs):
            for b in recs[i + 1 :]:
                diff = a["estimate"] - b["estimate"]
                se = float(np.hypot(a["std_error"], b["std_error"]))
                z = diff / se if se > 0 else float("nan")
                overlap = not (a["ci_upper"] < b["ci_lower"] or b["ci_upper"] < a["ci_lower"])
                sign_differs = bool(np.sign(a["estimate"]) != np.sign(b["estimate"]))
                out.append(
                    (study, unit, a["label"], a["outcome"], a["method"], b["method"],
                     a["estimate"], b["estimate"], diff, z, overlap,
                     (not overlap) or (sign_differs and abs(z) > 1.96))
                )  # fmt: skip
    return pd.DataFrame(out, columns=cols)


def _diagnostics(agencies: tuple[UnitEffects, ...], value: pd.DataFrame) -> tuple[Diagnostic, ...]:
    """What a reader of the synthesis should know before trusting its numbers."""
    from innolab_analysis import l10n

    out = []
    if agencies:
        out.append(Diagnostic("shared_comparison", "info",
                              l10n.bilingual("synthesis.agencies_shared")))  # fmt: skip
    missing = int((~value["complete"]).sum()) if len(value) else 0
    if missing:
        out.append(Diagnostic("missing_budgets", "warning", l10n.bilingual(
            "synthesis.value_missing_many", count=missing)))  # fmt: skip
    return tuple(out)


def _check_scope(effects: pd.DataFrame, study_id: str) -> None:
    found = sorted(set(effects["study"].astype(str)))
    others = [s for s in found if s != study_id]
    if others:
        raise DataValidationError(
            [
                Problem(
                    f"the effect rows hold other studies ({', '.join(others)}) besides "
                    f"'{study_id}': a study's synthesis uses its own results only; collect them "
                    f"with collect_effects(reports, studies=['{study_id}']), and compare studies "
                    "with a comparison file (kind: comparison)",
                    column="study",
                )
            ]
        )


def comparative_synthesis(
    study: Study,
    effects: pd.DataFrame,
    *,
    study_id: str,
    method: PoolMethod = "REML",
    knapp_hartung: bool = True,
    rank_level: float = 0.90,
    seed: int | None = 20240101,
    n_draws: int = 1000,
) -> Synthesis:
    """Combine one study's recorded results into its comparative synthesis.

    Parameters
    ----------
    study : Study
        The study's data (``load_study``): names, readiness, budgets, SKM responses.
    effects : DataFrame
        The study's effect rows (``collect_effects(reports, studies=[study_id])``); rows of
        other studies are refused.
    study_id : str
    method, knapp_hartung
        Of the pooled effects and meta-regressions.
    rank_level, seed, n_draws
        Of the rank confidence sets.

    Returns
    -------
    Synthesis

    Raises
    ------
    DataValidationError
        Rows of another study.
    """
    rows = effects.copy()
    for col in ("notebook", "run"):
        if col not in rows.columns:
            rows[col] = ""
    if len(rows):
        _check_scope(rows, study_id)
    for col in ("estimate", "std_error", "ci_lower", "ci_upper", "p_value"):
        rows[col] = pd.to_numeric(rows[col], errors="coerce").astype(float)
    rows = classify_rows(rows) if len(rows) else rows.assign(quantity=[], scale=[])
    attributes = unit_attributes(study, study_id)
    rows["label"] = _labels(rows, attributes, study) if len(rows) else []
    rows["label"] = rows["label"].fillna("")

    agency_rows = rows[rows["method"].isin(AGENCY_METHODS) & (rows["quantity"] == "effect")]
    outcomes = sorted(agency_rows["outcome"].unique(), key=lambda o: (o != "ikm", o))
    kw = {"method": method, "knapp_hartung": knapp_hartung, "rank_level": rank_level,
          "seed": seed, "n_draws": n_draws}  # fmt: skip
    agencies = []
    for outcome in outcomes:
        sub = agency_rows[agency_rows["outcome"] == outcome].drop_duplicates(list(KEY))
        sub = sub[["study", "unit", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]]
        sub = sub.merge(attributes, on=list(KEY), how="left")
        sub["label"] = sub["name"].fillna(sub["unit"])
        if len(sub) >= 3:
            agencies.append(analyse_unit_effects(sub, outcome=outcome, **kw))
    agencies = tuple(agencies)

    levels = None
    if study.skm_responses is not None and len(study.skm_responses):
        lv, year = ikm_levels(study, study_id)
        lv = lv.merge(attributes[["study", "unit", "name"]], on=list(KEY), how="left")
        lv["label"] = lv["name"].fillna(lv["unit"])
        if len(lv) >= 3:
            levels = analyse_levels(lv, year, rank_level=rank_level, seed=seed, n_draws=n_draws)

    designs = _designs(rows) if len(rows) else rows
    sd = pre_period_sd(study, sorted(set(designs.get("outcome", [])) | set(outcomes)))
    end_year = int(study.skm_responses["survey_date"].dt.year.max()) if levels else None
    budgets = unit_budgets(study, study_id, end_year)
    by_outcome = {a.outcome: a for a in agencies}
    value = value_for_money(by_outcome.get("ikm"), by_outcome.get("processing_days"), budgets)
    city = str(attributes["city"].iloc[0]) if len(attributes) else study_id
    return Synthesis(
        study=study_id,
        city=city,
        effects=rows.reset_index(drop=True),
        designs=designs,
        standardised=_standardise(designs, agencies, sd) if len(designs) else designs,
        sd=sd,
        agencies=agencies,
        levels=levels,
        value=value,
        reconciliation=reconcile_designs(designs) if len(designs) else pd.DataFrame(),
        notebooks=tuple(sorted(set(rows["notebook"].astype(str)) - {""})),
        diagnostics=_diagnostics(agencies, value),
        rank_level=rank_level,
    )
