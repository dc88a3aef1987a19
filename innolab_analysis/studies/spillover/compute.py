r"""The "Surabaya spillover" study: did a satellite city capture its core's growth?

A satellite city (Kota Mojokerto) next to a metropolitan core (Kota Surabaya)
is connected by a new road (Tol Surabaya–Mojokerto, fully open 19 December
2017). Either the satellite *captures* the spillover (its growth tracks the
core more closely, trade and services grow) or it becomes a "dead city" that
people drive through. :func:`spillover_study` computes four pieces of evidence,
each with its uncertainty, and names the confounders; this module holds the
numbers only — the sentences are in :mod:`~innolab_analysis.studies.spillover.text`,
the figures in :mod:`~innolab_analysis.studies.spillover.plots`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, get_args

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem, check_option
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.estimators.growth_linkage import GrowthLinkageResult, growth_linkage
from innolab_analysis.estimators.synth import SyntheticControlResult
from innolab_analysis.options import (
    CovidHandling,
    GravityMass,
    HacSe,
    Language,
    SpilloverPlotKind,
    SpilloverSection,
    SpilloverTable,
)
from innolab_analysis.studies._contract import Finding, StudyResult
from innolab_analysis.studies.spillover import _synth
from innolab_analysis.studies.spillover._capture import capture_indicators, indicator_trends
from innolab_analysis.studies.spillover._diagnostics import confounders, note, with_names
from innolab_analysis.studies.spillover._gravity import core_satellite_gravity, has_travel_times
from innolab_analysis.studies.spillover._inputs import (
    first_post_year,
    prepare_regions,
    region_names,
    resolve_region,
    tables_of,
    year_range,
)
from innolab_analysis.studies.spillover.context import RegionalContext, regional_context
from innolab_analysis.studies.spillover.facts import CAPTURE_SECTORS, COVID_YEAR

__all__ = ["OUTCOME", "SpilloverResult", "spillover_study"]

OUTCOME = "pdrb_adhk_growth"
"""Outcome code of the study's effect rows (its label: ``labels.outcome.pdrb_adhk_growth``)."""


@dataclass(frozen=True, kw_only=True)
class SpilloverResult(StudyResult):
    """Result of :func:`spillover_study` (frozen; numbers only).

    Attributes
    ----------
    satellite, core : str
        Region codes; ``satellite_name``, ``core_name`` their names.
    province : str
        Name of the province row of the data ("" when there is none).
    event : date
        The connectivity event; ``first_post_year`` the first year counted as after it.
    linkage : GrowthLinkageResult
        The growth linkage (:func:`~innolab_analysis.estimators.growth_linkage.growth_linkage`):
        the satellite's PDRB ADHK growth on the core's, in percent.
    synth : SyntheticControlResult or None
        The synthetic control of the satellite's PDRB index; ``synth_status`` says why
        it is None (``"not_run"``, ``"few_donors"``, ``"failed"``).
    donors : tuple of str
        Donor pool offered to the synthetic control.
    gravity : DataFrame or None
        Interaction per year (``year, mass_core, mass, distance, interaction, post``);
        ``gravity_ratio`` = mean post-event / mean pre-event interaction (NaN without it).
    indicators, trends : DataFrame
        Capture indicators per year, and their means before/after and trends.
    context : RegionalContext
        Williamson inequality and the Klassen typology.
    region_names : dict
        Region code → name.
    """

    DOMAIN: ClassVar[str] = "spillover"
    SECTIONS: ClassVar[tuple[str, ...]] = get_args(SpilloverSection)
    TABLES: ClassVar[tuple[str, ...]] = get_args(SpilloverTable)
    PLOT_KINDS: ClassVar[tuple[str, ...]] = get_args(SpilloverPlotKind)
    FIGSIZE: ClassVar[dict[str, tuple[float, float]]] = {
        "linkage": (7.2, 5.6),
        "synth": (7.2, 4.6),
        "gravity": (7.2, 4.4),
        "sectors": (7.2, 4.2),
        "klassen": (7.6, 6.0),
    }

    satellite: str
    core: str
    satellite_name: str
    core_name: str
    province: str
    event: date
    first_post_year: int
    linkage: GrowthLinkageResult
    synth: SyntheticControlResult | None
    synth_status: str
    synth_companions: Any
    donors: tuple[str, ...]
    gravity: pd.DataFrame | None
    gravity_ratio: float
    gravity_mass: str
    gravity_exponent: float
    indicators: pd.DataFrame
    trends: pd.DataFrame
    context: RegionalContext
    start_year: int
    end_year: int
    covid: str
    exclude_gerbangkertosusila: bool
    region_names: Mapping[str, str]
    level: float
    diagnostics: tuple[Diagnostic, ...]

    # ------------------------------------------------------------------ numbers
    @property
    def terms(self) -> pd.DataFrame:
        """The linkage terms (headline ``elasticity_change`` first) and ``sc_gap`` when fitted."""
        rows = self.summary()
        return rows.loc[:, ["term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]]

    @property
    def has_sectors(self) -> bool:
        """Whether the sector-share indicators (and the ``sectors`` figure) are available."""
        return any(c.startswith("share_") for c in self.indicators.columns)

    def has_figure(self, kind: SpilloverPlotKind) -> bool:
        """Whether figure ``kind`` can be drawn for this result (the data may lack a part)."""
        check_option("kind", kind, self.PLOT_KINDS)
        return {
            "synth": self.synth is not None,
            "gravity": self.gravity is not None,
            "sectors": self.has_sectors,
        }.get(kind, True)

    def summary(self) -> pd.DataFrame:
        """Tidy rows: the linkage terms, then ``sc_gap`` (the synthetic control's mean gap)."""
        out = self.linkage.summary()
        if self.synth is not None:
            sc = self.synth
            row = {
                "term": "sc_gap",
                "estimate": float(sc.estimate),
                "std_error": float(sc.std_error),
                "ci_lower": float(sc.ci_lower),
                "ci_upper": float(sc.ci_upper),
                "p_value": float(sc.p_value),
                "n_obs": int(sc.n_obs),
                "method": sc.method,
                "se_type": sc.se_type,
            }
            out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
        return out.loc[:, list(SUMMARY_COLUMNS)]

    def effect_rows(self, study: str) -> pd.DataFrame:
        """The summary with the study columns: one city (the satellite), outcome PDRB growth."""
        out = self.summary()
        out.insert(0, "outcome", OUTCOME)
        out.insert(0, "unit", self.satellite)
        out.insert(0, "level", "city")
        out.insert(0, "study", study)
        return out.loc[:, list(EFFECT_COLUMNS)]

    # ------------------------------------------------------------------ text and figures
    def findings(self, language: Language = "id") -> tuple[Finding, ...]:
        """The summary: the verdict, the linkage, the synthetic control, gravity, capture, confounders."""
        from innolab_analysis.studies.spillover.findings import findings

        return findings(self, self._check_language(language))

    def _section(self, section: str, language: str) -> str:
        from innolab_analysis.studies.spillover.text import section_text

        return section_text(self, section, language)

    def _table(self, name: str, language: str):
        from innolab_analysis.studies.spillover.tables import report_table

        return report_table(self, name, language)

    def _draw(self, kind: str, ax, language: str) -> None:
        from innolab_analysis.studies.spillover.plots import draw

        draw(self, kind, ax, language)

    def alt_text(self, kind: str, language: Language = "id") -> str:
        """The one-line reading of figure ``kind`` (plain text)."""
        from innolab_analysis.studies.spillover.text import alt_text

        check_option("kind", kind, self.PLOT_KINDS)
        return alt_text(self, kind, self._check_language(language))

    @classmethod
    def _example(cls) -> SpilloverResult:
        """The study on the shipped demo data (Kota Mojokerto, 2010–2024), for the contract tests."""
        from innolab_analysis.data.study import read_table

        demo = Path(__file__).resolve().parents[3] / "data" / "demo"
        return spillover_study(
            read_table(demo / "regions.csv"), sectors=read_table(demo / "pdrb_sectors.csv")
        )


def _check_panel(reg: pd.DataFrame, codes: Sequence[str], years: list[int], names) -> None:
    problems = []
    y0, y1 = years[0], years[-1]
    for code in codes:
        rows = reg.loc[reg["region_code"] == code]
        missing = [y for y in years if y not in set(rows["year"])]
        if missing:
            problems.append(
                Problem(
                    f"region {code} {names[code]} is missing year(s) {missing} of {y0}–{y1}",
                    column="year",
                )
            )
        vals = rows[["pdrb_adhk", "population"]].to_numpy(float)
        if not (np.isfinite(vals).all() and (vals > 0).all()):
            problems.append(
                Problem(
                    f"region {code} {names[code]} has missing or non-positive pdrb_adhk or "
                    "population",
                    column="pdrb_adhk",
                )
            )
    if problems:
        raise DataValidationError(problems)


def _growth_frame(reg: pd.DataFrame, sat: str, cor: str) -> pd.DataFrame:
    """Yearly PDRB ADHK growth (%) of the core and the satellite (BPS *laju pertumbuhan*)."""

    def growth(code: str) -> pd.Series:
        y = reg.loc[reg["region_code"] == code].set_index("year")["pdrb_adhk"].astype(float)
        y = y.sort_index()
        return (100 * (y / y.shift(1) - 1)).dropna()

    gc, gs = growth(cor), growth(sat)
    return pd.DataFrame(
        {
            "year": gc.index.astype(int),
            "growth_core": gc.to_numpy(),
            "growth_satellite": gs.reindex(gc.index).to_numpy(),
        }
    )


def spillover_study(
    regions: Any,
    *,
    satellite: str = "3576",
    core: str = "3578",
    event: str | date | int = "2017-12-19",
    donors: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    exclude_gerbangkertosusila: bool = True,
    sectors: pd.DataFrame | None = None,
    exclude_years: Sequence[int] = (),
    covid: CovidHandling = "dummy",
    start: int | None = None,
    end: int | None = None,
    level: float = 0.95,
    placebo: bool = True,
    hac_lags: int | None = None,
    se: HacSe = "hac_max",
    gravity_mass: GravityMass = "population",
    gravity_exponent: float = 2.0,
    capture_sectors: Mapping[str, Sequence[str]] = CAPTURE_SECTORS,
    sector_tolerance: float = 0.005,
    synth: bool = True,
    robustness: bool = True,
) -> SpilloverResult:
    r"""Did the satellite city capture its core's growth after the connectivity event?

    **Growth linkage** (:func:`~innolab_analysis.estimators.growth_linkage.growth_linkage`):
    the satellite's annual PDRB ADHK growth :math:`g_t = 100\,(Y_t/Y_{t-1}-1)` on the
    core's, with a break at the event (elasticity before = β, after = β + δ, change
    = δ, the headline); 2020 gets its own dummy by default. A year is *post* when
    the event happened before 1 July of that year (19 December 2017 → first post
    year 2018); an integer ``event`` is the first post year.

    **Synthetic control** of the satellite's PDRB ADHK as an index (first year =
    100) against the kabupaten/kota outside Gerbangkertosusila (exposed to the
    same spillover), with in-space placebos; its mean post-event gap and placebo
    p-value are the ``sc_gap`` row (no standard error: placebo inference only).

    **Gravity** interaction :math:`P_{core}P_{sat}/t^{b}` per year from
    ``travel_time_min``, and the ratio of its post-event to pre-event mean.

    **Capture or dead city**: the satellite's trade (G), accommodation (I) and
    services shares and their LQ, its population and per-capita PDRB relative to
    the province. **Regional context**: the Williamson index and the Klassen
    typology of the kab/kota (:func:`regional_context`).

    Parameters
    ----------
    regions : Study or DataFrame
        A loaded study (its ``regions`` and ``pdrb_sectors`` tables) or the
        ``regions`` table (region × year).
    satellite, core : str
        Region codes (or exact names), default Kota Mojokerto 3576 and Kota Surabaya 3578.
    event : str, date or int
        The connectivity event (default 2017-12-19, Tol Sumo fully open).
    donors : list of str, optional
        Explicit donor pool (overrides the default pool).
    exclude : list of str, optional
        Further regions to leave out of the donor pool.
    exclude_gerbangkertosusila : bool
        Leave the Gerbangkertosusila members out of the default donor pool.
    sectors : DataFrame, optional
        The ``pdrb_sectors`` table (taken from the study when ``regions`` is one).
    exclude_years : list of int
        Years whose growth observation is left out of the linkage regression.
    covid : {"dummy", "exclude", "none"}
        How the 2020 shock enters the linkage regression.
    start, end : int, optional
        First and last year used (default: the whole panel).
    level : float
        Confidence level.
    placebo : bool
        Run in-space placebos in the synthetic control.
    hac_lags : int, optional
        Override the Newey–West lag rule.
    se : {"hac_max", "hac", "ols"}
        Standard errors of the linkage terms, the same rule as the interrupted time
        series (:mod:`innolab_analysis.estimators._hac`). Newey–West alone is biased
        down in series this short (see ``tests/studies/test_spillover.py`` for the
        coverage over simulated panels).
    gravity_mass : {"population", "population_pdrb"}
    gravity_exponent : float
        Distance-decay exponent *b* (default 2).
    capture_sectors : mapping
        Sector groups of the capture indicators (default :data:`CAPTURE_SECTORS`).
    sector_tolerance : float
        Relative tolerance within which each region-year's sectors must add up to
        its ``pdrb_adhk`` in ``regions`` (default 0,5 %).
    synth : bool
        Run the synthetic control (False skips it, e.g. for speed).
    robustness : bool
        Also give, beside the synthetic control, the conformal p-value of
        Chernozhukov, Wüthrich & Zhu (2021) and the synthetic DiD of Arkhangelsky
        et al. (2021) on the same index panel and donors.

    Returns
    -------
    SpilloverResult

    Raises
    ------
    DataValidationError
        Satellite or core not in the data (close names listed), the event outside
        the years (range given), the satellite or core missing years (named).
    ParamsError
        Unknown option strings, ``level`` outside (0, 1).
    EstimationError
        Too few years for the linkage regression.

    Examples
    --------
    >>> from innolab_analysis.studies.spillover import simulate_spillover_panel
    >>> panel, sectors, truth = simulate_spillover_panel(seed=1)
    >>> res = spillover_study(panel, sectors=sectors, synth=False)
    >>> res.terms["term"].tolist()[:3]
    ['elasticity_change', 'elasticity_before', 'elasticity_after']
    >>> res.effect_rows("surabaya_spillover").shape[1]
    13
    """
    check_option("covid", covid, CovidHandling)
    check_option("se", se, HacSe)
    check_option("gravity_mass", gravity_mass, GravityMass)
    if not (0 < float(level) < 1):
        raise ParamsError(f"level must be between 0 and 1, got {level!r}")
    regions, sectors = tables_of(regions, sectors)
    reg_all = prepare_regions(regions)
    y0, y1 = year_range(reg_all, start, end)
    reg = reg_all.loc[reg_all["year"].between(y0, y1)]
    years = list(range(y0, y1 + 1))
    sat = resolve_region(satellite, reg, "satellite")
    cor = resolve_region(core, reg, "core")
    if sat == cor:
        raise ParamsError(f"satellite and core must differ, both are {sat!r}")
    event_date, fpy = first_post_year(event)
    if not (y0 + 3 <= fpy <= y1 - 1):
        raise DataValidationError(
            [
                Problem(
                    f"event {event_date.isoformat()} (first post year {fpy}) is outside the usable "
                    f"years: the data cover {y0}–{y1}, so the first post year must be in "
                    f"{y0 + 3}–{y1 - 1} (≥ 3 growth years before, ≥ 2 after)",
                    column="year",
                )
            ]
        )
    names = region_names(reg)
    _check_panel(reg, (sat, cor), years, names)

    # ---- growth linkage
    growth = _growth_frame(reg, sat, cor)
    bad = [y for y in exclude_years if int(y) not in set(growth["year"])]
    if bad:
        raise DataValidationError(
            [
                Problem(
                    f"exclude_years {bad} are not growth years of the data "
                    f"({int(growth['year'].min())}–{int(growth['year'].max())})",
                    column="year",
                )
            ]
        )
    left_out = sorted(
        {int(y) for y in exclude_years} | ({COVID_YEAR} if covid == "exclude" else set())
    )
    left_out = [y for y in left_out if y in set(growth["year"])]
    dummy = covid == "dummy" and COVID_YEAR in set(growth["year"]) and COVID_YEAR not in left_out
    linkage = growth_linkage(
        growth,
        outcome="growth_satellite",
        driver="growth_core",
        time="year",
        event=fpy,
        dummies={"covid_2020": COVID_YEAR} if dummy else None,
        exclude=left_out,
        level=level,
        se=se,
        hac_lags=hac_lags,
    )
    diags = confounders(
        satellite=sat,
        satellite_name=names[sat],
        event=event_date,
        first_post_year=fpy,
        years=years,
        covid=covid,
    )
    diags += list(linkage.diagnostics)

    # ---- synthetic control
    kk = reg.loc[reg["kind"] != "provinsi"]
    pool = _synth.donor_pool(
        kk,
        satellite=sat,
        core=cor,
        years=years,
        donors=donors,
        exclude=exclude,
        exclude_gerbangkertosusila=exclude_gerbangkertosusila,
    )
    sc, status = None, "not_run"
    if synth:
        sc, status, more = _synth.run_synth(
            kk,
            satellite=sat,
            first_post_year=fpy,
            base_year=y0,
            pool=pool,
            names=names,
            placebo=placebo,
            level=level,
        )
        diags += more
    companions = (
        _synth.companions(
            kk, satellite=sat, first_post_year=fpy, base_year=y0, pool=pool, level=level
        )
        if sc is not None and robustness
        else None
    )

    # ---- gravity
    grav, ratio = None, float("nan")
    if has_travel_times(reg, sat):
        grav, ratio = core_satellite_gravity(
            reg, sat, cor, fpy, mass=gravity_mass, exponent=gravity_exponent
        )
    else:
        diags.append(note("no_travel_time", "info", "diag.no_travel_time", satellite=names[sat]))

    # ---- capture indicators
    indicators = capture_indicators(
        reg,
        sectors,
        satellite=sat,
        years=years,
        capture_sectors=capture_sectors,
        tolerance=sector_tolerance,
    )
    if sectors is None:
        diags.append(note("no_sector_data", "info", "diag.no_sectors"))

    # ---- regional context
    context = regional_context(reg_all, satellite=sat, core=cor, start=y0, end=y1, missing="drop")
    if context.dropped:
        diags.append(
            with_names(
                "context_dropped",
                "diag.context_dropped",
                [names.get(c, c) for c in context.dropped],
                y0=y0,
                y1=y1,
            )
        )
    return SpilloverResult(
        satellite=sat,
        core=cor,
        satellite_name=names[sat],
        core_name=names[cor],
        province=context.province,
        event=event_date,
        first_post_year=fpy,
        linkage=linkage,
        synth=sc,
        synth_status=status,
        synth_companions=companions,
        donors=pool.codes,
        gravity=grav,
        gravity_ratio=ratio,
        gravity_mass=gravity_mass,
        gravity_exponent=float(gravity_exponent),
        indicators=indicators,
        trends=indicator_trends(indicators, fpy),
        context=context,
        start_year=y0,
        end_year=y1,
        covid=covid,
        exclude_gerbangkertosusila=bool(exclude_gerbangkertosusila),
        region_names=names,
        level=float(level),
        diagnostics=tuple(diags),
    )
