"""The regions panel as the spillover study reads it: checked, typed, regions found by code or name."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, ParamsError, Problem, close_names
from innolab_analysis.metrics.regional import _require_columns

__all__ = [
    "REGION_COLUMNS",
    "first_post_year",
    "prepare_regions",
    "region_names",
    "resolve_region",
    "tables_of",
    "year_range",
]

REGION_COLUMNS = ("region_code", "region_name", "kind", "year", "pdrb_adhk", "population")
"""Columns of the ``regions`` table the study needs (``travel_time_min`` is optional)."""


def tables_of(data: Any, sectors: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The ``regions`` and ``pdrb_sectors`` tables of a Study (``.regions`` / ``.tables``) or a frame."""
    if isinstance(data, pd.DataFrame):
        return data, sectors
    tables = getattr(data, "tables", None)
    regions = getattr(data, "regions", None)
    if regions is None and isinstance(tables, Mapping):
        regions = tables.get("regions")
    if sectors is None:
        sectors = getattr(data, "pdrb_sectors", None)
        if sectors is None and isinstance(tables, Mapping):
            sectors = tables.get("pdrb_sectors")
    if not isinstance(regions, pd.DataFrame):
        raise DataValidationError(
            "the study has no 'regions' table (regions.csv): the spillover study needs the "
            "region × year panel of kabupaten/kota"
        )
    return regions, sectors


def prepare_regions(regions: pd.DataFrame) -> pd.DataFrame:
    """A typed copy of ``regions`` (codes and kinds as text, years as integers)."""
    _require_columns(regions, list(REGION_COLUMNS), "regions")
    return regions.assign(
        region_code=regions["region_code"].astype("str"),
        region_name=regions["region_name"].astype("str"),
        kind=regions["kind"].astype("str"),
        year=pd.to_numeric(regions["year"]).astype(int),
    )


def year_range(reg: pd.DataFrame, start: int | None, end: int | None) -> tuple[int, int]:
    """``start``/``end`` checked against the years of the data (default: all of them)."""
    years = sorted(reg["year"].unique())
    y0, y1 = int(start or years[0]), int(end or years[-1])
    problems = [
        Problem(f"{n}={v} is outside the years in the data ({years[0]}–{years[-1]})", column="year")
        for n, v in (("start", y0), ("end", y1))
        if v not in set(years)
    ]
    if problems:
        raise DataValidationError(problems)
    return y0, y1


def region_names(reg: pd.DataFrame) -> dict[str, str]:
    """Region code → name (the first name the data give for each code)."""
    names = reg.drop_duplicates("region_code").set_index("region_code")["region_name"]
    return {str(k): str(v) for k, v in names.items()}


def resolve_region(value: object, regions: pd.DataFrame, role: str) -> str:
    """The code of a region given by code or exact name; an unknown one lists close names."""
    code = str(value).strip()
    codes = regions["region_code"].unique().tolist()
    if code in codes:
        return code
    names = regions.drop_duplicates("region_code").set_index("region_name")["region_code"]
    lower = {str(n).lower(): c for n, c in names.items()}
    if code.lower() in lower:
        return lower[code.lower()]
    label = {c: f"{c} {n}" for n, c in names.items()}
    close = difflib.get_close_matches(code, list(label), n=3, cutoff=0.6)
    close += [
        lower[m]
        for m in difflib.get_close_matches(code.lower(), list(lower), n=3, cutoff=0.6)
        if lower[m] not in close
    ]
    hint = (
        "did you mean " + ", ".join(repr(label[c]) for c in close[:3]) + "?"
        if close
        else close_names(code, list(label.values()))
    )
    raise DataValidationError(
        [Problem(f"{role} {code!r} is not in the regions data; {hint}", column="region_code")]
    )


def first_post_year(event: object) -> tuple[date, int]:
    """Event date and the first year counted as "after".

    A year is "after" when the event happened before 1 July of that year (it
    affected most of the year); so 19 December 2017 → 2018 and 19 March 2016 → 2016.
    An integer is taken as the first post year itself (event date = 1 January).

    Examples
    --------
    >>> first_post_year("2017-12-19"), first_post_year("2016-03-19")[1], first_post_year(2019)[1]
    ((datetime.date(2017, 12, 19), 2018), 2016, 2019)
    """
    if isinstance(event, bool):
        raise ParamsError(f"event must be a date ('2017-12-19') or a year, got {event!r}")
    if isinstance(event, int | np.integer):
        return date(int(event), 1, 1), int(event)
    try:
        ts = pd.Timestamp(event)
    except (ValueError, TypeError) as exc:
        raise ParamsError(
            f"event must be a date like '2017-12-19' or a year like 2018, got {event!r}"
        ) from exc
    d = ts.date()
    return d, d.year if d < date(d.year, 7, 1) else d.year + 1
