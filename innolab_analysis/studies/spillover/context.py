"""The regional context of a satellite city: Williamson inequality and the Klassen typology."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem, check_option
from innolab_analysis.metrics.regional import KlassenResult, klassen_typology, williamson_index
from innolab_analysis.options import MissingPolicy
from innolab_analysis.studies.spillover._inputs import (
    prepare_regions,
    region_names,
    resolve_region,
    tables_of,
    year_range,
)

__all__ = ["RegionalContext", "regional_context"]


@dataclass(frozen=True)
class RegionalContext:
    """Inequality and typology of the province's kabupaten/kota around a satellite city (frozen).

    Attributes
    ----------
    williamson : DataFrame
        :func:`~innolab_analysis.metrics.regional.williamson_index` per year, with
        ``category`` (``low``, ``medium``, ``high``).
    klassen : KlassenResult
        Klassen typology of the kab/kota over ``start_year``–``end_year``: growth =
        compound annual PDRB ADHK growth (%), level = PDRB ADHK per capita in
        ``end_year`` in Rp juta (PDRB in Rp miliar × 1 000 / population); the
        reference growth is weighted by first-year PDRB, the reference level by
        last-year population (≈ the province's own).
    satellite, satellite_name : str
    core, core_name : str
        The core city ("" when none is given).
    province : str
        Name of the ``provinsi`` row ("" when the data have none).
    names : dict
        Region code → name of every kab/kota in the typology.
    dropped : tuple of str
        Kab/kota left out for lacking PDRB or population in the first or last year.
    start_year, end_year : int
    """

    williamson: pd.DataFrame
    klassen: KlassenResult
    satellite: str
    satellite_name: str
    core: str
    core_name: str
    province: str
    names: dict[str, str]
    dropped: tuple[str, ...]
    start_year: int
    end_year: int

    def quadrant(self, region: str) -> str:
        """The Klassen quadrant (``"I"`` … ``"IV"``) of a region code."""
        return str(self.klassen.table.set_index("unit").loc[region, "quadrant"])


def regional_context(
    regions: Any,
    *,
    satellite: str = "3576",
    core: str | None = "3578",
    start: int | None = None,
    end: int | None = None,
    missing: MissingPolicy = "raise",
) -> RegionalContext:
    """Williamson inequality and the Klassen typology of the kab/kota, placing the satellite.

    Parameters
    ----------
    regions : Study or DataFrame
        A loaded study (its ``regions`` table) or the ``regions`` table.
    satellite, core : str
        Region code (or exact name) of the city to place in the typology and of its core
        city (None: no core).
    start, end : int, optional
        First and last year (default: the whole panel); both must be in the data.
    missing : {"raise", "drop"}
        What to do with kab/kota lacking PDRB or population in ``start`` or ``end``:
        refuse the data (default) or leave them out of the typology (``dropped``).

    Returns
    -------
    RegionalContext

    Raises
    ------
    DataValidationError
        Unknown satellite or core, years outside the data, or (``missing="raise"``)
        regions missing a year.

    Examples
    --------
    >>> from innolab_analysis.studies.spillover import simulate_spillover_panel
    >>> panel, _, _ = simulate_spillover_panel(seed=1)
    >>> ctx = regional_context(panel, start=2010, end=2024)
    >>> ctx.satellite_name, ctx.quadrant("3578"), len(ctx.klassen.table)
    ('Kota Mojokerto', 'I', 25)
    """
    check_option("missing", missing, MissingPolicy)
    regions, _ = tables_of(regions, None)
    reg = prepare_regions(regions)
    y0, y1 = year_range(reg, start, end)
    prov = reg.loc[reg["kind"] == "provinsi", "region_name"]
    reg = reg.loc[reg["year"].between(y0, y1) & (reg["kind"] != "provinsi")]
    sat = resolve_region(satellite, reg, "satellite")
    cor = resolve_region(core, reg, "core") if core is not None else ""
    wide = reg.pivot_table(index="region_code", columns="year", values="pdrb_adhk")
    pop = reg.pivot_table(index="region_code", columns="year", values="population")
    bad = wide.reindex(columns=[y0, y1]).isna().any(axis=1) | pop.reindex(columns=[y1]).isna().any(
        axis=1
    )
    incomplete = sorted(wide.index[bad])
    if incomplete and (missing == "raise" or sat in incomplete or cor in incomplete):
        raise DataValidationError(
            [
                Problem(
                    f"region(s) {incomplete} lack pdrb_adhk or population in {y0} or {y1}: the "
                    "Klassen typology needs both years for every kabupaten/kota",
                    column="year",
                )
            ]
        )
    keep = [c for c in wide.index if c not in incomplete]
    wide, pop = wide.loc[keep], pop.loc[keep]
    iw = williamson_index(
        reg.loc[reg["region_code"].isin(keep)],
        gdp="pdrb_adhk",
        population="population",
        year="year",
    )
    iw = iw.rename(columns={"category_en": "category"}).drop(columns="category_id")
    kl_in = pd.DataFrame(
        {
            "region": wide.index,
            "growth": 100 * ((wide[y1] / wide[y0]) ** (1 / (y1 - y0)) - 1),
            "per_capita": (1000 * wide[y1] / pop[y1]).to_numpy(),
            "w0": wide[y0].to_numpy(),
            "pop": pop[y1].to_numpy(),
        }
    )
    kl = klassen_typology(
        kl_in,
        unit="region",
        growth="growth",
        level="per_capita",
        growth_weight="w0",
        level_weight="pop",
    )
    names = region_names(reg)
    return RegionalContext(
        williamson=iw,
        klassen=kl,
        satellite=sat,
        satellite_name=names[sat],
        core=cor,
        core_name=names.get(cor, ""),
        province=str(prov.iloc[0]) if len(prov) else "",
        names={c: names[c] for c in keep},
        dropped=tuple(incomplete),
        start_year=y0,
        end_year=y1,
    )
