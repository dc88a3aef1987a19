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
    "EventControlGroup",
    "HonestRestriction",
    "HonestMethod",
    "HonestTarget",
    "AdjustMethod",
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
    "ImpactPlotKind",
    "ImpactSection",
    "ImpactTable",
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
    "RunStatus",
    "SynthesisSection",
    "SpilloverTable",
    "ServiceSection",
    "ServiceTable",
    "ServicePlotKind",
    "PortfolioSection",
    "PortfolioTable",
    "PortfolioPlotKind",
    "DemoCity",
    "StudyKind",
    "SynthesisTable",
    "SynthesisPlotKind",
    "ComparisonSection",
    "ComparisonTable",
    "ComparisonPlotKind",
    "DateOrder",
    "DeriveRule",
    "RecognitionKind",
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
    "city_comparison",
]
"""The study notebooks, in the order the runner executes them (``city_comparison`` runs from a
``kind: comparison`` file)."""

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
    "innovation_budgets",
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

# ----------------------------------------------------------------------------- studies
ImpactOutcome = Literal["ikm", "processing_days"]
"""Outcomes of the impact study: the IKM (higher is better) or processing days (lower is better)."""

CovidHandling = Literal["dummy", "exclude", "none"]
"""How the 2020–2021 COVID-19 shock enters the city-level models."""

GravityMass = Literal["population", "population_pdrb"]
"""Mass of the gravity model: population, or population × PDRB per capita."""

SpilloverPlotKind = Literal["linkage", "synth", "gravity", "sectors", "klassen"]
"""Figures of the spillover study."""

SpilloverSection = Literal[
    "summary", "design", "linkage", "synth", "gravity", "capture", "context", "diagnostics"
]
"""Narrative sections of the spillover study, in report order (the summary first)."""

SynthesisSection = Literal[
    "summary",
    "scope",
    "designs",
    "agencies",
    "ranking",
    "levels",
    "moderators",
    "testing",
    "value",
    "reconciliation",
]
"""Narrative sections of a study's comparative synthesis, in report order."""

FlowBy = Literal["proposal_year"]
"""How the innovation flow can be broken down."""

# --- estimators: synthetic DiD, conformal inference, switching treatments (est_a)
SdidSe = Literal["auto", "placebo", "bootstrap", "jackknife", "none"]
"""Standard errors of synthetic DiD (Arkhangelsky et al. 2021, Algorithms 2–4): ``auto`` is the
placebo with one treated unit and the bootstrap otherwise."""

SdidPlotKind = Literal["paths", "weights", "time_weights", "effects", "comparison"]
"""Figures of a synthetic-DiD result."""

SynthInference = Literal["placebo", "conformal"]
"""Headline inference of the synthetic control: in-space placebo (ADH 2010) or conformal
(Chernozhukov, Wüthrich & Zhu 2021)."""

ConformalPermutation = Literal["moving_block", "iid"]
"""Permutations of the conformal test: moving blocks (cyclic shifts) or i.i.d. draws."""

SwitchingSe = Literal["analytic", "bootstrap"]
"""Standard errors of the de Chaisemartin–D'Haultfœuille estimators."""

SwitchingPlotKind = Literal["dynamic", "joiners_leavers"]
"""Figures of a switching-treatment result."""

__all__ += [
    "ConformalPermutation",
    "SdidPlotKind",
    "SdidSe",
    "SwitchingPlotKind",
    "SwitchingSe",
    "SynthInference",
]

# --- the impact study
ImpactSection = Literal[
    "summary",
    "data",
    "staggered",
    "event_study",
    "twfe",
    "robustness",
    "its",
    "heterogeneity",
    "mde",
    "confounders",
    "diagnostics",
    "methods",
]
"""Narrative sections of the innovation-impact study, in report order."""

ImpactTable = Literal["cohorts", "robustness", "agencies"]
"""Tables of the innovation-impact study."""

ImpactPlotKind = Literal[
    "cohorts", "event_study", "bacon", "robustness", "its", "agency_effects", "mde"
]
"""Figures of the innovation-impact study."""

# --- spillover study
SpilloverTable = Literal["linkage", "synth_weights", "capture", "klassen"]
"""Tables of the spillover study's report."""

# --- studies: service quality and innovation portfolio
ServiceSection = Literal["summary", "data", "city", "agencies", "elements", "sample"]
"""Sections of the service-quality report, in report order (``"summary"`` first)."""

ServiceTable = Literal["city", "agencies", "elements", "sample", "sources"]
"""Tables of the service-quality study."""

ServicePlotKind = Literal["city", "agencies", "elements"]
"""Figures of the service-quality study: the city IKM by period, the IKM by unit, the element
means by unit."""

PortfolioSection = Literal[
    "summary", "data", "coverage", "flow", "funnel", "mix", "speed", "survival", "readiness"
]
"""Sections of the innovation-portfolio report, in report order (``"summary"`` first)."""

PortfolioTable = Literal[
    "coverage", "flow", "funnel", "mix", "speed", "survival", "readiness", "sources"
]
"""Tables of the innovation-portfolio study."""

PortfolioPlotKind = Literal["coverage", "flow", "funnel", "readiness"]
"""Figures of the innovation-portfolio study."""

# --- synthesis: the comparative synthesis, the city comparison and the demo's second city
DemoCity = Literal["mojokerto", "pasuruan"]
"""Simulated cities of the demo: Kota Mojokerto (``data/demo``) and Kota Pasuruan
(``data/demo_pasuruan``, smaller, for the city comparison)."""

SynthesisTable = Literal[
    "designs",
    "standardised",
    "agencies",
    "ranking",
    "levels",
    "moderators",
    "testing",
    "value",
    "reconciliation",
]
"""Tables of a study's comparative synthesis."""

SynthesisPlotKind = Literal[
    "designs", "standardised", "agencies", "ranking", "levels", "moderators"
]
"""Figures of a study's comparative synthesis (each on one scale)."""

ComparisonSection = Literal[
    "summary", "scope", "levels", "effects", "ranking", "cities", "moderators", "value"
]
"""Narrative sections of the comparison of several studies (cities), in report order."""

ComparisonTable = Literal["cities", "levels", "effects", "ranking", "moderators", "value"]
"""Tables of the city comparison."""

ComparisonPlotKind = Literal["levels", "effects", "ranking", "cities"]
"""Figures of the city comparison."""

StudyKind = Literal["study", "comparison"]
"""Kind of parameter file: one study, or a comparison of several studies' results."""

# --- data sources (sources.yaml, recognitions)
DateOrder = Literal["dmy", "mdy"]
"""How slashed dates without a year first are read: day first (Indonesian locale) or month
first (a Google Sheet in the English (US) locale)."""

DeriveRule = Literal["generated", "blank"]
"""``sources.yaml`` ``derive`` rules written as a word: a generated stable id, or a blank column."""

RecognitionKind = Literal[
    "sheet",
    "header_row",
    "footer",
    "summary_rows",
    "blank_rows",
    "column",
    "question",
    "answers",
    "timestamp",
    "value",
    "answer",
    "age_band",
    "missing_zero",
    "date_format",
    "generated_id",
    "derived",
    "constant",
    "blank",
    "unit_name",
    "unused",
    "template",
    "id_prefix",
    "duplicates_dropped",
    "value_labels",
    "ignored_file",
]
"""What the loader recognised without configuration (``Study.recognitions``)."""

# --- event-study estimators and sensitivity (Sun–Abraham, imputation, HonestDiD, pre-trend power)
EventControlGroup = Literal["never_treated", "last_treated"]
"""Control cohort of the Sun–Abraham interaction-weighted event study."""

HonestRestriction = Literal["relative_magnitude", "smoothness"]
"""Restriction on post-period violations of parallel trends (Rambachan & Roth 2023)."""

HonestMethod = Literal["C-LF", "conditional", "FLCI"]
"""Robust confidence set of HonestDiD: conditional-least-favourable hybrid, conditional (ARP) or FLCI."""

HonestTarget = Literal["first", "average"]
"""Named targets of honest_did: the first post period (e=0) or the average of the post periods."""

AdjustMethod = Literal["holm", "fdr_bh", "bonferroni"]
"""Multiple-testing adjustments of a summary table's p-values."""

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
