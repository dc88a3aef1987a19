"""Every option string of the toolkit, defined once.

Each ``Literal`` alias below is the single source of one option's allowed
values: functions use it in their type hints and check their arguments against
it at run time (:func:`innolab_analysis.errors.check_option`), the parameter
schema of the notebooks (:mod:`innolab_analysis.reports.params`) builds its
fields from it, and the documentation lists it. A test fails when a ``Literal``
alias is defined anywhere else in the package.

Examples
--------
>>> from typing import get_args
>>> from innolab_analysis.options import Language, Frequency
>>> get_args(Language), get_args(Frequency)
(('id', 'en'), ('semester', 'year'))
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AggregationKind",
    "BasePeriod",
    "Boundary",
    "ControlGroup",
    "CovidHandling",
    "DType",
    "DidVcov",
    "Frequency",
    "FunnelScheme",
    "GradeRule",
    "GravityMass",
    "GrowthKind",
    "HacSe",
    "ImpactOutcome",
    "KlassenKind",
    "Language",
    "MissingPolicy",
    "MixDimension",
    "NotebookName",
    "PanelEngine",
    "PowerDesign",
    "PredictorOp",
    "PriceBasis",
    "RegionKind",
    "SampleSizeMethod",
    "Seasonality",
    "Severity",
    "ShiftShareMethod",
    "SmallSample",
    "SpilloverPlotKind",
    "SpilloverSection",
    "StaggeredBootWeights",
    "StaggeredMethod",
    "StandardName",
    "SynthPlotKind",
    "TableName",
    "Timezone",
    "Vcov",
    "WeightsMode",
    "WildBootWeights",
    "BpsUnit",
    "EffectLevel",
    "FlowBy",
    "PoolMethod",
    "PoolModel",
    "RunStatus",
    "SynthesisSection",
    "KernelStart",
    "ErrorKind",
]

# ----------------------------------------------------------------------------- reports
Language = Literal["id", "en"]
"""Language of a report, a narrative, a figure or a message: Bahasa Indonesia or English."""

NotebookName = Literal[
    "service_quality",
    "innovation_portfolio",
    "innovation_impact",
    "city_spillover",
    "comparative_synthesis",
]
"""The study notebooks, in the order the runner executes them."""

Timezone = Literal["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"]
"""Indonesia's time zones: WIB (Jakarta, Pontianak), WITA (Makassar), WIT (Jayapura)."""

Severity = Literal["info", "warning", "error"]
"""How much a diagnostic matters: to know, to read before trusting a number, or fatal."""

RunStatus = Literal["ok", "failed", "skipped", "interrupted"]
"""Outcome of one notebook run."""

EffectLevel = Literal["agency", "city"]
"""Level of an effect row: a service unit (agency) or a whole city."""

# ----------------------------------------------------------------------------- data
TableName = Literal[
    "agencies",
    "innovations",
    "skm_responses",
    "service_indicators",
    "readiness",
    "regions",
    "pdrb_sectors",
]
"""The tables of a study (see ``data/README.md``)."""

DType = Literal["string", "int", "float", "bool", "date", "category"]
"""Column types of the declared data model."""

PriceBasis = Literal["adhb", "adhk"]
"""ADHB = atas dasar harga berlaku (current prices); ADHK = atas dasar harga konstan 2010."""

RegionKind = Literal["kota", "kabupaten", "provinsi"]
"""Kind of region (the ``regions.kind`` column)."""

BpsUnit = Literal["triliun", "miliar", "juta", "ribu"]
"""Unit of the numbers in a BPS table (rupiah); the importer converts to Rp miliar."""

# ----------------------------------------------------------------------------- metrics
StandardName = Literal["2017", "2014", "2004"]
"""SKM/IKM regulation: Permen PANRB 14/2017, 16/2014 (legacy) or KepMenPAN 25/2004."""

WeightsMode = Literal["exact", "printed"]
"""``"exact"``: 1/number of elements; ``"printed"``: the rounded weight the regulation prints."""

GradeRule = Literal["round_then_classify", "classify_unrounded"]
"""How an index is mapped to a grade across the gaps of the interval table."""

SampleSizeMethod = Literal["formula", "table"]
"""How the Krejcie–Morgan sample size is obtained."""

Frequency = Literal["semester", "year"]
"""Period of aggregation of survey and indicator series, and of the agency panel."""

PanelEngine = Literal["duckdb", "arrow", "dask"]
"""How the IKM panel scans Parquet responses: DuckDB, pyarrow batches in one process, or Dask."""

FunnelScheme = Literal["iid", "labinov"]
"""Stage scheme of the innovation funnel: IID *tahapan inovasi* or LAN's Labinov 5D."""

MixDimension = Literal["origin", "form", "digital"]
"""Columns the innovation mix can break down by."""

ShiftShareMethod = Literal["classic", "esteban_marquillas"]
"""Shift-share decomposition: classic (Dunn 1960) or Esteban-Marquillas (1972)."""

GrowthKind = Literal["geometric", "arithmetic"]
"""How average growth rates are computed."""

Boundary = Literal["ge", "gt"]
"""Klassen boundary rule: a region equal to the reference counts as above (``ge``) or below (``gt``)."""

KlassenKind = Literal["region", "sector"]
"""Klassen typology of regions (per-capita PDRB) or of sectors (shares)."""

# ----------------------------------------------------------------------------- estimators
ControlGroup = Literal["never_treated", "not_yet_treated"]
"""Comparison group of the staggered difference-in-differences."""

StaggeredMethod = Literal["dr", "reg", "ipw"]
"""Group-time ATT method: doubly robust, outcome regression or inverse probability weighting."""

BasePeriod = Literal["varying", "universal"]
"""Base period of the pre-treatment group-time ATTs."""

AggregationKind = Literal["simple", "group", "dynamic", "calendar"]
"""Aggregations of group-time ATTs."""

StaggeredBootWeights = Literal["mammen", "rademacher"]
"""Weights of the multiplier bootstrap of the staggered DiD."""

WildBootWeights = Literal["rademacher", "webb"]
"""Weights of the wild cluster bootstrap."""

Vcov = Literal["iid", "hc1", "cluster"]
"""Analytic covariance types of the linear models."""

DidVcov = Literal["iid", "hc1", "cluster", "wild"]
"""Standard-error options of the 2×2 DiD and the TWFE regression (``"wild"`` = wild cluster
bootstrap p-value)."""

SmallSample = Literal["nested", "full", "none"]
"""How absorbed fixed effects count in K of the factor (N−1)/(N−K), as R fixest ``ssc(fixef.K=)``."""

HacSe = Literal["hac_max", "hac", "ols"]
"""Standard errors of time-series regressions (ITS, growth linkage): the larger of
small-sample-corrected Newey–West and OLS per term (``hac_max``), Newey–West as statsmodels
computes it (``hac``), or plain OLS (``ols``)."""

Seasonality = Literal["month", "quarter"]
"""Seasonal effects of the interrupted time series (or None)."""

PowerDesign = Literal["did", "staggered", "its"]
"""Designs the minimum detectable effect is simulated for."""

SynthPlotKind = Literal["paths", "gap", "placebo"]
"""Figures of a synthetic-control result."""

PredictorOp = Literal["mean", "median"]
"""How a synthetic-control predictor summarises its pre-period values."""

MissingPolicy = Literal["raise", "drop"]
"""What the synthetic control does with missing outcome values."""

PoolMethod = Literal["REML", "DL", "PM", "fixed"]
"""Estimator of the between-study variance of a meta-analysis (or a fixed-effect pool)."""

PoolModel = Literal["random", "fixed"]
"""Model of the simple inverse-variance pool of the synthesis."""

# ----------------------------------------------------------------------------- studies
ImpactOutcome = Literal["ikm", "processing_days"]
"""Outcomes of the impact study: the IKM (higher is better) or processing days (lower is better)."""

CovidHandling = Literal["dummy", "exclude", "none"]
"""How the 2020–2021 COVID-19 shock enters the city-level models."""

GravityMass = Literal["population", "population_pdrb"]
"""Mass of the gravity model: population, or population × PDRB per capita."""

SpilloverPlotKind = Literal["linkage", "synth", "sectors", "gravity"]
"""Figures of the spillover study."""

SpilloverSection = Literal[
    "design", "verdict", "linkage", "synth", "gravity", "capture", "diagnostics"
]
"""Narrative sections of the spillover study, in report order."""

SynthesisSection = Literal["studies", "designs", "ranking", "reconciliation"]
"""Narrative sections of the comparative synthesis."""

FlowBy = Literal["proposal_year"]
"""How the innovation flow can be broken down."""

# --- runner
KernelStart = Literal["fork", "spawn"]
"""How the runner starts a notebook's kernel: forked from a template process that imported the
notebooks' modules once (Linux), or a fresh interpreter for each notebook."""

ErrorKind = Literal[
    "data",
    "params",
    "cell",
    "timeout",
    "dead_kernel",
    "disk_full",
    "unwritable",
    "interrupted",
    "internal",
]
"""``error.kind`` of a run's status record: what stopped it."""
