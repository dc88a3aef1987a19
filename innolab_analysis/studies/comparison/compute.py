"""The comparison of several studies (cities): IKM levels and innovation effects side by side.

:func:`city_comparison` reads the recorded results of every compared study and their data and
puts, on one scale at a time, the units of all cities together — every unit identified by its
study and id, shown by its name and city — with:

* each city's IKM (last year) and its units' IKM, shrunken and ranked with confidence sets;
* the per-unit innovation effects pooled per city and overall, the difference between cities
  (meta-regression on the city) and on leadership, readiness and the kind of unit, shrunken
  and ranked across all cities, with Holm and Benjamini–Hochberg adjustments;
* the cost per IKM point where budgets were recorded.

Numbers only; the sentences are in :mod:`.text`, figures in :mod:`.plots`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, get_args

import numpy as np
import pandas as pd

from innolab_analysis.data.study import Study
from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.options import (
    ComparisonPlotKind,
    ComparisonSection,
    ComparisonTable,
    PoolMethod,
)
from innolab_analysis.studies.synthesis.compute import AGENCY_METHODS, PackagedResult
from innolab_analysis.studies.synthesis.inputs import KEY, ikm_levels, unit_attributes, unit_budgets
from innolab_analysis.studies.synthesis.units import (
    UnitEffects,
    UnitLevels,
    analyse_levels,
    analyse_unit_effects,
    value_for_money,
)

__all__ = ["CityComparison", "city_comparison"]


@dataclass(frozen=True)
class CityComparison(PackagedResult):
    """Result of :func:`city_comparison` (the :class:`StudyResult` contract).

    Attributes
    ----------
    studies : tuple of str
        Study ids, in the comparison file's order.
    cities : DataFrame
        One row per study: ``study, city, n_units, n_effects, year, n_respondents, ikm,
        ikm_lower, ikm_upper, att, att_lower, att_upper, pooled, pooled_lower, pooled_upper,
        pi_lower, pi_upper``.
    levels : UnitLevels or None
        All cities' units' IKM in the common last year.
    effects : UnitEffects or None
        All cities' per-unit effects on the IKM (pooled per city in ``by_group``).
    value : DataFrame
        Cost per IKM point of every unit with a budget.
    """

    DOMAIN: ClassVar[str] = "comparison"
    PACKAGE: ClassVar[str] = "innolab_analysis.studies.comparison"
    SECTIONS: ClassVar[tuple[str, ...]] = get_args(ComparisonSection)
    TABLES: ClassVar[tuple[str, ...]] = get_args(ComparisonTable)
    PLOT_KINDS: ClassVar[tuple[str, ...]] = get_args(ComparisonPlotKind)

    studies: tuple[str, ...]
    cities: pd.DataFrame
    levels: UnitLevels | None
    effects: UnitEffects | None
    value: pd.DataFrame
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    rank_level: float = 0.90

    @property
    def FIGSIZE(self) -> dict[str, tuple[float, float]]:
        """Figure sizes: one row per unit (two-line names)."""
        k = self.effects.k if self.effects is not None else 0
        n = len(self.levels.table) if self.levels is not None else 0

        def tall(rows: int) -> tuple[float, float]:
            return (7.5, max(3.2, 0.42 * rows + 2.2))

        return {"levels": tall(n), "effects": tall(k + 2), "ranking": tall(k),
                "cities": tall(len(self.cities) + 3)}  # fmt: skip

    def city_name(self, study: str) -> str:
        """The city of a study, as the reader knows it."""
        row = self.cities[self.cities["study"] == study]
        return str(row["city"].iloc[0]) if len(row) else study

    def summary(self) -> pd.DataFrame:
        """The pooled per-unit effect of every city and of all together (:data:`SUMMARY_COLUMNS`)."""
        if self.effects is None:
            return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
        frames = [self.effects.pooled.summary()]
        for study, pooled in self.effects.by_group.items():
            frames.append(pooled.summary().assign(term=f"pooled {study}"))
        return pd.concat(frames, ignore_index=True)

    def effect_rows(self, study: str) -> pd.DataFrame:
        """The pooled effects (all cities, then each city) as effect rows for the index."""
        if self.effects is None:
            return pd.DataFrame(columns=list(EFFECT_COLUMNS))
        rows = [self.effects.pooled.effect_rows(study=study, unit="all", level="city")]
        for sid, pooled in self.effects.by_group.items():
            rows.append(pooled.effect_rows(study=study, unit=sid, level="city"))
        return pd.concat(rows, ignore_index=True)

    @classmethod
    def _example(cls) -> CityComparison:
        """Kota Mojokerto and Kota Pasuruan on the demo data and their recorded results."""
        from innolab_analysis.studies.synthesis.example import _study, example_effects

        ids = ("mojokerto", "pasuruan_demo")
        return city_comparison(
            [_study(s) for s in ids], example_effects(), study_ids=ids, n_draws=500, seed=1
        )


def _labels(units: pd.DataFrame) -> pd.Series:
    """``name (city)``, the city taken off the end of the name where it is already there."""
    names = [
        n[: -len(c)].rstrip(" ,") if n.endswith(c) and len(n) > len(c) else n
        for n, c in zip(units["name"], units["city"])
    ]
    return pd.Series([f"{n} ({c})" for n, c in zip(names, units["city"])], index=units.index)


def _city_ikm(study: Study, year: int) -> tuple[int, float, float]:
    """The city-wide IKM of ``year`` (all respondents together) with its linearised SE."""
    from innolab_analysis.studies.synthesis.inputs import ikm_levels as levels_of

    skm = study.table("skm_responses")
    one = skm.assign(agency_id="__city__")
    frame, _ = levels_of(Study(path=study.path, skm_responses=one), "", year)
    row = frame.iloc[0]
    return int(row["n_respondents"]), float(row["ikm"]), float(row["std_error"])


def city_comparison(
    studies: Sequence[Study],
    effects: pd.DataFrame,
    *,
    study_ids: Sequence[str],
    method: PoolMethod = "REML",
    knapp_hartung: bool = True,
    rank_level: float = 0.90,
    seed: int | None = 20240101,
    n_draws: int = 1000,
) -> CityComparison:
    """Compare the units of several studies (cities) on their IKM and innovation effects.

    Parameters
    ----------
    studies : sequence of Study
        The compared studies' data, in the order of ``study_ids``.
    effects : DataFrame
        Their recorded effect rows (``collect_effects(reports, studies=study_ids)``), keyed by
        ``(study, unit)``.
    study_ids : sequence of str
    method, knapp_hartung, rank_level, seed, n_draws
        As in :func:`~innolab_analysis.studies.synthesis.comparative_synthesis`.

    Returns
    -------
    CityComparison

    Raises
    ------
    DataValidationError
        Fewer than two studies, or effect rows of a study not compared.
    """
    ids = [str(s) for s in study_ids]
    if len(ids) < 2 or len(ids) != len(studies):
        raise DataValidationError(
            f"a comparison needs two or more studies, each with its data; got {len(ids)} ids "
            f"and {len(studies)} studies"
        )
    stray = sorted(set(effects["study"].astype(str)) - set(ids)) if len(effects) else []
    if stray:
        raise DataValidationError(
            [Problem(f"the effect rows hold studies not compared: {', '.join(stray)}",
                     column="study", allowed=", ".join(ids))]
        )  # fmt: skip
    attributes = pd.concat(
        [unit_attributes(s, sid) for s, sid in zip(studies, ids)], ignore_index=True
    )
    attributes["label"] = _labels(attributes)
    kw = {"rank_level": rank_level, "seed": seed, "n_draws": n_draws}

    years = [int(s.table("skm_responses")["survey_date"].dt.year.max()) for s in studies]
    year = min(years)  # the last year every city surveyed
    levels_frames = [ikm_levels(s, sid, year)[0] for s, sid in zip(studies, ids)]
    lv = pd.concat(levels_frames, ignore_index=True).merge(
        attributes[["study", "unit", "label", "name", "city"]], on=list(KEY), how="left"
    )
    levels = analyse_levels(lv, year, **kw) if len(lv) >= 3 else None

    rows = effects.copy()
    for col in ("estimate", "std_error", "ci_lower", "ci_upper", "p_value"):
        rows[col] = pd.to_numeric(rows[col], errors="coerce").astype(float)
    agency = rows[rows["method"].isin(AGENCY_METHODS) & (rows["outcome"] == "ikm")]
    agency = agency.drop_duplicates(list(KEY))
    agency = agency[["study", "unit", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]]
    agency = agency.merge(attributes, on=list(KEY), how="left")
    agency["label"] = agency["label"].fillna(agency["study"] + " · " + agency["unit"])
    unit_effects = None
    if len(agency) >= 3:
        unit_effects = analyse_unit_effects(
            agency, outcome="ikm", method=method, knapp_hartung=knapp_hartung, group="study",
            **kw,
        )  # fmt: skip

    budgets = pd.concat(
        [unit_budgets(s, sid, year) for s, sid in zip(studies, ids)], ignore_index=True
    )
    value = value_for_money(unit_effects, None, budgets)
    if len(value):
        value = value.merge(attributes[["study", "unit", "city", "name"]], on=list(KEY), how="left")

    city_rows = []
    for s, sid in zip(studies, ids):
        n_resp, ikm, se = _city_ikm(s, year)
        att = rows[(rows["study"] == sid) & (rows["method"] == "staggered_did")
                   & (rows["outcome"] == "ikm")]  # fmt: skip
        att = att.iloc[0] if len(att) else None
        pooled = unit_effects.by_group.get(sid) if unit_effects is not None else None
        mine = attributes[attributes["study"] == sid]
        city_rows.append(
            {
                "study": sid,
                "city": str(mine["city"].iloc[0]) if len(mine) else sid,
                "n_units": len(mine),
                "n_effects": int((agency["study"] == sid).sum()),
                "year": year,
                "n_respondents": n_resp,
                "ikm": ikm,
                "ikm_lower": ikm - 1.959963984540054 * se,
                "ikm_upper": ikm + 1.959963984540054 * se,
                "att": np.nan if att is None else float(att["estimate"]),
                "att_lower": np.nan if att is None else float(att["ci_lower"]),
                "att_upper": np.nan if att is None else float(att["ci_upper"]),
                "pooled": np.nan if pooled is None else pooled.estimate,
                "pooled_lower": np.nan if pooled is None else pooled.ci_lower,
                "pooled_upper": np.nan if pooled is None else pooled.ci_upper,
                "pi_lower": np.nan if pooled is None else pooled.prediction_interval[0],
                "pi_upper": np.nan if pooled is None else pooled.prediction_interval[1],
            }
        )
    return CityComparison(
        studies=tuple(ids),
        cities=pd.DataFrame(city_rows),
        levels=levels,
        effects=unit_effects,
        value=value,
        rank_level=rank_level,
    )
