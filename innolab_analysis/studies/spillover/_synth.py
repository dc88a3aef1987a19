"""The synthetic control of the satellite's PDRB: the donor pool, the index panel, the fit.

The satellite's PDRB ADHK and every donor's become an index (first year = 100),
so a small city and large regencies are comparable; the fit is
:func:`innolab_analysis.estimators.synth.synthetic_control` with in-space placebos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from innolab_analysis.errors import DataValidationError, EstimationError, Problem, close_names
from innolab_analysis.estimators._result import Diagnostic
from innolab_analysis.estimators.synth import SyntheticControlResult, synthetic_control
from innolab_analysis.studies.spillover._diagnostics import note, with_names
from innolab_analysis.studies.spillover.facts import GERBANGKERTOSUSILA

__all__ = ["Companions", "DonorPool", "RESTATED", "companions", "donor_pool", "run_synth"]

RESTATED = frozenset({"interpolation", "no_standard_error"})
"""Diagnostics of the synthetic-control estimator that the study restates in its own words
(with the donors and years of the study); the others are passed on as they are."""


@dataclass(frozen=True)
class DonorPool:
    """The donors offered to the synthetic control and those dropped for incomplete data."""

    codes: tuple[str, ...]
    dropped: tuple[str, ...]


def donor_pool(
    kk: pd.DataFrame,
    *,
    satellite: str,
    core: str,
    years: Sequence[int],
    donors: Sequence[str] | None,
    exclude: Sequence[str] | None,
    exclude_gerbangkertosusila: bool,
) -> DonorPool:
    """Kabupaten/kota offered as donors: given ones, or all but the satellite, the core and
    (by default) the Gerbangkertosusila members; those without every year are dropped.

    Raises
    ------
    DataValidationError
        A given donor that is not a kabupaten/kota of the data (close names listed).
    """
    codes = set(kk["region_code"])
    if donors is not None:
        pool = [str(d) for d in donors]
        unknown = [d for d in pool if d not in codes]
        if unknown:
            raise DataValidationError(
                [
                    Problem(
                        f"donor {d!r} is not a kabupaten/kota of the data; "
                        f"{close_names(d, sorted(codes))}",
                        column="region_code",
                    )
                    for d in unknown
                ]
            )
    else:
        skip = set(GERBANGKERTOSUSILA) if exclude_gerbangkertosusila else set()
        pool = sorted(codes - skip - {satellite, core})
    pool = [d for d in pool if d not in {satellite, *(str(e) for e in (exclude or ()))}]
    complete = kk.groupby("region_code")["year"].nunique()
    dropped = tuple(d for d in pool if complete.get(d, 0) < len(years))
    return DonorPool(tuple(d for d in pool if d not in dropped), dropped)


def index_panel(kk: pd.DataFrame, satellite: str, pool: Sequence[str], base_year: int):
    """PDRB ADHK as an index (``base_year`` = 100) for the satellite and the donors."""
    panel = kk.loc[kk["region_code"].isin([satellite, *pool]), ["region_code", "year", "pdrb_adhk"]]
    base = panel.loc[panel["year"] == base_year].set_index("region_code")["pdrb_adhk"]
    return panel.assign(
        pdrb_index=100 * panel["pdrb_adhk"] / panel["region_code"].map(base)
    ).sort_values(["region_code", "year"], ignore_index=True)


def run_synth(
    kk: pd.DataFrame,
    *,
    satellite: str,
    first_post_year: int,
    base_year: int,
    pool: DonorPool,
    names: dict[str, str],
    placebo: bool,
    level: float,
) -> tuple[SyntheticControlResult | None, str, list[Diagnostic]]:
    """Fit the synthetic control; return it (or None), its status and its diagnostics.

    The status is ``"ok"``, ``"few_donors"`` (fewer than two complete donors) or
    ``"failed"`` (the estimator could not fit these data).
    """
    diags: list[Diagnostic] = []
    y0, y1 = int(kk["year"].min()), int(kk["year"].max())
    if pool.dropped:
        diags.append(
            with_names(
                "donors_dropped",
                "diag.donors_dropped",
                [names.get(d, d) for d in pool.dropped],
                first=y0,
                last=y1,
            )
        )
    if len(pool.codes) < 2:
        diags.append(
            note("synth_few_donors", "error", "diag.synth_few_donors", count=len(pool.codes))
        )
        return None, "few_donors", diags
    try:
        sc = synthetic_control(
            index_panel(kk, satellite, pool.codes, base_year),
            outcome="pdrb_index",
            unit="region_code",
            time="year",
            treated_unit=satellite,
            intervention=first_post_year,
            donors=list(pool.codes),
            placebo=placebo,
            level=level,
        )
    except EstimationError:
        diags.append(note("synth_failed", "error", "diag.synth_failed"))
        return None, "failed", diags
    diags.append(note("sc_gap_placebo_only", "info", "diag.placebo_only"))
    n_pre = sum(1 for t in sc.treated.index if t < first_post_year)
    for d in sc.diagnostics:
        if d.code == "interpolation":
            diags.append(
                note(
                    "interpolation",
                    "warning",
                    "diag.interpolation",
                    n_donors=len(pool.codes),
                    n_pre=n_pre,
                )
            )
        elif d.code not in RESTATED:
            diags.append(d)
    return sc, "ok", diags


@dataclass(frozen=True)
class Companions:
    """Designs beside the synthetic control, on the same index panel and donors.

    Attributes
    ----------
    conformal : ConformalInference or None
        Chernozhukov, Wüthrich & Zhu (2021): the p-value for "no effect in any
        post year" and the set of constant effects not rejected.
    sdid : SyntheticDidResult or None
        Synthetic DiD (Arkhangelsky et al. 2021), placebo standard error.
    """

    conformal: object
    sdid: object


def companions(
    kk: pd.DataFrame,
    *,
    satellite: str,
    first_post_year: int,
    base_year: int,
    pool: DonorPool,
    level: float,
) -> Companions:
    """The conformal p-value and the synthetic DiD beside the synthetic control (None if they fail)."""
    from innolab_analysis.estimators.sdid import synthetic_did

    panel = index_panel(kk, satellite, pool.codes, base_year)
    common = dict(
        outcome="pdrb_index",
        unit="region_code",
        time="year",
        treated_unit=satellite,
        intervention=first_post_year,
        donors=list(pool.codes),
        level=level,
    )
    try:
        conformal = synthetic_control(
            panel, **common, placebo=False, inference="conformal"
        ).conformal
    except EstimationError:
        conformal = None
    try:
        sdid = synthetic_did(panel, **common, se="placebo", comparison_se=False)
    except EstimationError:
        sdid = None
    return Companions(conformal=conformal, sdid=sdid)
