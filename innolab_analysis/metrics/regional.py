"""Regional-economics indices used in Indonesian regional studies.

Location quotient (static and dynamic), shift-share (classic Dunn and
Esteban-Marquillas), Klassen typology, Williamson index and the gravity model
of interaction, as taught in Sjafrizal (2012) *Ekonomi Wilayah dan Perkotaan*
and used in BPS-based kabupaten/kota studies (domain.md §4.3).

Conventions shared by every function
------------------------------------
* ``data`` is a long table; ``region``, ``sector``, ``value`` ... name its
  columns. The caller's frame is never modified.
* **Reference economy.** When ``reference`` is None the reference economy
  (``E_in``, ``E_n``) is the sum of all regions in ``data``; rows whose
  ``kind`` column equals ``"provinsi"`` are left out of the sums (and out of
  the output) so that a province row in the panel is not counted twice. For a
  Jawa Timur study with only part of the 38 kab/kota in the panel, pass the
  province as ``reference`` (a frame with the ``sector``/``value`` columns,
  and the time column when years matter, or a Series indexed by sector or by
  ``(year, sector)``).
* Values are PDRB at constant prices (ADHK 2010) in Rp miliar unless said
  otherwise; every index here is scale free.
* Bad input raises :class:`~innolab_analysis.errors.DataValidationError`
  listing every problem (region, years and sectors named).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import (
    DataValidationError,
    ParamsError,
    Problem,
    check_option,
    close_names,
)
from innolab_analysis.metrics._checks import cell_numbers, check_number
from innolab_analysis.options import Boundary, GrowthKind, KlassenKind, Language, ShiftShareMethod

__all__ = [
    "KLASSEN_QUADRANTS",
    "WILLIAMSON_THRESHOLDS",
    "KlassenResult",
    "dynamic_location_quotient",
    "gravity_interaction",
    "klassen_typology",
    "location_quotient",
    "shift_share",
    "williamson_index",
]


def _sentence(text: str) -> str:
    """A catalog label as the start of a sentence or a table cell (first letter capital)."""
    return text[:1].upper() + text[1:]


KLASSEN_QUADRANTS: dict[str, tuple[str, str]] = {
    q: tuple(_sentence(l10n.label("klassen_quadrant", q, lang)) for lang in ("id", "en"))
    for q in ("I", "II", "III", "IV")
}
"""Klassen quadrants: code → (Bahasa Indonesia, English) label (Sjafrizal 2012), from the
catalog (``labels.klassen_quadrant.<code>``)."""

WILLIAMSON_THRESHOLDS: tuple[float, float] = (0.35, 0.5)
"""Common Indonesian reading of the Williamson index: < 0.35 rendah, 0.35–0.5 sedang,
> 0.5 tinggi. [MED confidence — conventions vary, some texts use a single 0.5 cut-off;
pass ``thresholds=`` to :func:`williamson_index` to use another.]"""

_EM_CASES: dict[int, tuple[str, str]] = {
    case: (
        l10n.label("shift_share_case", case, "id"),
        l10n.label("shift_share_case", case, "en"),
    )
    for case in (1, 2, 3, 4, 0)
}
"""Esteban-Marquillas allocation cases (catalog ``labels.shift_share_case.<case>``):
1 = (E−E*)>0 & (g_ir−g_in)>0 (AL>0); 2 = (E−E*)<0 & (g_ir−g_in)>0 (AL<0);
3 = (E−E*)>0 & (g_ir−g_in)<0 (AL<0); 4 = (E−E*)<0 & (g_ir−g_in)<0 (AL>0);
0 = one of the two is exactly zero."""

_WILLIAMSON_CODES = ("low", "medium", "high")
"""Williamson readings, lowest first (catalog ``labels.williamson.<code>``)."""


# --------------------------------------------------------------------------- checks
def _require_columns(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            f"{what} must be a pandas DataFrame (one row per region), got {type(data).__name__}"
        )
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"column {c!r} is missing from {what}; {close_names(c, list(data.columns))}",
                    column=c,
                )
                for c in missing
            ]
        )


def _require_rows(data: pd.DataFrame, what: str, needs: str) -> None:
    """Refuse a table with no rows once province rows are left out, saying what is needed."""
    if len(data) == 0:
        raise DataValidationError(f"{what} has no rows (province rows are not counted); {needs}")


def _years(values: pd.Series, column: str) -> pd.Series:
    """A year column as integers; blank, text or fractional years are listed with their rows."""
    num, _kinds = cell_numbers(values)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(num) | (num != np.round(num))
    if bad.any():
        pos = np.flatnonzero(bad)[:10]
        raise DataValidationError(
            [
                Problem(
                    f"{int(bad.sum())} row(s) whose year is blank or not a whole number",
                    column=column,
                    rows=tuple(int(p) + 2 for p in pos),
                    values=tuple(_scalar(v) for v in values.to_numpy(dtype=object)[pos]),
                    allowed="whole years such as 2019",
                )
            ]
        )
    return pd.Series(num.astype(int), index=values.index, name=values.name)


def _without_province(data: pd.DataFrame) -> pd.DataFrame:
    if "kind" in data.columns:
        return data.loc[data["kind"].astype("str") != "provinsi"]
    return data


def _check_units(units: Sequence[object], available: Sequence[object], column: str) -> None:
    avail = set(map(str, available))
    problems = [
        Problem(f"region {u!r} is not in the data; {close_names(u, sorted(avail))}", column=column)
        for u in units
        if str(u) not in avail
    ]
    if problems:
        raise DataValidationError(problems)


def _check_numbers(
    data: pd.DataFrame, value: str, keys: Sequence[str], *, positive: bool, why: str
) -> None:
    v = pd.Series(cell_numbers(data[value])[0], index=data.index)  # True is not a number
    bad = ~np.isfinite(v.to_numpy(dtype=float, na_value=np.nan))
    with np.errstate(invalid="ignore"):
        bad |= (v <= 0).to_numpy(dtype=bool) if positive else (v < 0).to_numpy(dtype=bool)
    if bad.any():
        rows = data.loc[bad]
        positions = np.flatnonzero(bad)

        def where_of(i: int, r: pd.Series) -> str:
            head = ", ".join(f"{k}={r[k]}" for k in keys) if keys else f"row {positions[i] + 1}"
            return f"{head}: {_scalar(r[value])!r}"

        where = "; ".join(where_of(i, r) for i, (_, r) in enumerate(rows.head(10).iterrows()))
        more = f" (and {int(bad.sum()) - 10} more)" if bad.sum() > 10 else ""
        need = "positive" if positive else "non-negative"
        raise DataValidationError(
            [Problem(f"{value} must be finite and {need} {why}; found {where}{more}", column=value)]
        )


def _scalar(v: object) -> object:
    """A NumPy scalar as a plain Python value (for readable messages)."""
    return v.item() if isinstance(v, np.generic) else v


def _check_duplicates(data: pd.DataFrame, keys: Sequence[str]) -> None:
    dup = data.duplicated(list(keys), keep=False)
    if dup.any():
        shown = data.loc[dup, list(keys)].drop_duplicates().head(10)
        rows = "; ".join(", ".join(f"{k}={r[k]}" for k in keys) for _, r in shown.iterrows())
        raise DataValidationError(
            f"{int(dup.sum())} rows share the same ({', '.join(keys)}): {rows}. "
            "Keep one row per key (aggregate or drop duplicates first)."
        )


def _check_years_present(data: pd.DataFrame, region: str, time: str, years: Sequence[int]) -> None:
    """Every region must have every year in ``years``; list all gaps at once."""
    need = set(int(y) for y in years)
    problems = []
    for r, g in data.groupby(region, sort=True):
        missing = sorted(need - set(g[time].astype(int)))
        if missing:
            problems.append(
                Problem(
                    f"region {r!r} is missing year(s) {missing}; every region needs "
                    f"{min(need)}–{max(need)}",
                    column=time,
                )
            )
    if problems:
        raise DataValidationError(problems)


def _check_period(years: Sequence[int], start: int, end: int, time: str) -> None:
    ys = sorted(set(int(y) for y in years))
    problems = []
    for name, y in (("start", start), ("end", end)):
        if int(y) not in ys:
            problems.append(
                Problem(
                    f"{name}={y} is outside the years in the data ({ys[0]}–{ys[-1]})"
                    if (int(y) < ys[0] or int(y) > ys[-1])
                    else f"{name}={y} has no rows in the data (years present: {ys})",
                    column=time,
                )
            )
    if not problems and int(end) <= int(start):
        problems.append(Problem(f"end ({end}) must be after start ({start})", column=time))
    if problems:
        raise DataValidationError(problems)


def _check_sector_totals(
    sectors: pd.DataFrame,
    totals: pd.DataFrame,
    *,
    region: str,
    value: str,
    time: str | None,
    tolerance: float,
) -> None:
    keys = [region] + ([time] if time else [])
    _require_columns(totals, [*keys, value], "totals")
    s = sectors.groupby(keys, sort=True)[value].sum().rename("sectors")
    t = _without_province(totals).set_index(keys)[value].astype(float).rename("total")
    both = pd.concat([s, t], axis=1, join="inner")
    rel = (both["sectors"] - both["total"]).abs() / both["total"].abs()
    bad = both.loc[rel > tolerance]
    if len(bad):
        problems = [
            Problem(
                f"sectors of {dict(zip(keys, idx if isinstance(idx, tuple) else (idx,)))} add up to "
                f"{r['sectors']:,.2f} but the total is {r['total']:,.2f} "
                f"({100 * abs(r['sectors'] - r['total']) / r['total']:.2f}% off, tolerance "
                f"{100 * tolerance:.2f}%); check for missing or double-counted sectors",
                column=value,
            )
            for idx, r in bad.iterrows()
        ]
        raise DataValidationError(problems)


def _prepare_sectors(
    data: pd.DataFrame,
    *,
    region: str,
    sector: str,
    value: str,
    time: str | None,
    regions: str | Sequence[str] | None,
    totals: pd.DataFrame | None,
    tolerance: float,
    positive: bool,
    why: str,
) -> tuple[pd.DataFrame, list[str]]:
    cols = [region, sector, value] + ([time] if time else [])
    _require_columns(data, cols, "data")
    df = _without_province(data).loc[:, cols].copy()
    _require_rows(df, "data", f"it needs one row per region × sector ({why})")
    df[region] = df[region].astype("str")
    df[sector] = df[sector].astype("str")
    if time:
        df[time] = _years(df[time], time)
    keys = [region, sector] + ([time] if time else [])
    _check_duplicates(df, keys)
    _check_numbers(df, value, keys, positive=positive, why=why)
    df[value] = df[value].astype(float)
    available = sorted(df[region].unique())
    if regions is None:
        chosen = available
    else:
        chosen = [regions] if isinstance(regions, str) else [str(r) for r in regions]
        _check_units(chosen, available, region)
    if totals is not None:
        _check_sector_totals(df, totals, region=region, value=value, time=time, tolerance=tolerance)
    return df, chosen


def _reference_by_sector(
    df: pd.DataFrame,
    reference: pd.DataFrame | pd.Series | None,
    *,
    sector: str,
    value: str,
    time: str | None,
) -> pd.Series:
    """E_in indexed by sector (or (time, sector))."""
    keys = ([time] if time else []) + [sector]
    if reference is None:
        return df.groupby(keys, sort=True)[value].sum()
    if isinstance(reference, pd.Series):
        ref = reference.astype(float).copy()
        if time and ref.index.nlevels != 2:
            raise DataValidationError(
                "a reference Series must be indexed by (year, sector) when years are used"
            )
        ref.index = (
            pd.MultiIndex.from_tuples([(int(a), str(b)) for a, b in ref.index], names=keys)
            if time
            else pd.Index(ref.index.astype("str"), name=sector)
        )
        out = ref
    else:
        _require_columns(reference, [*keys, value], "reference")
        # a province frame is used as is; a panel of regions is summed without its province rows
        r = reference
        if "kind" in r.columns and (r["kind"].astype("str") != "provinsi").any():
            r = _without_province(r)
        r = r.loc[:, [*keys, value]].copy()
        r[sector] = r[sector].astype("str")
        if time:
            r[time] = _years(r[time], time)
        out = r.groupby(keys, sort=True)[value].sum()
    have = set(out.index)
    need = set(df.groupby(keys).size().index)
    missing = sorted(need - have, key=str)
    if missing:
        raise DataValidationError(
            f"the reference economy has no value for {len(missing)} sector(s)/year(s) of the data: "
            f"{missing[:10]}; give the reference for every sector and year used"
        )
    return out


def _period_panel(
    data: pd.DataFrame,
    *,
    region: str,
    sector: str,
    value: str,
    time: str,
    start: int,
    end: int,
    years: Sequence[int],
    regions: str | Sequence[str] | None,
    reference: pd.DataFrame | pd.Series | None,
    totals: pd.DataFrame | None,
    tolerance: float,
    positive: bool,
    why: str,
) -> tuple[pd.DataFrame, list[str], pd.Series]:
    """Validated sector panel of ``years`` (inside start–end), chosen regions and reference."""
    _require_columns(data, [region, sector, value, time], "data")
    _require_rows(
        _without_province(data), "data", f"it needs region × sector rows of {start} and {end}"
    )
    years_all = _years(data[time], time)
    _check_period(years_all.unique(), start, end, time)
    df, chosen = _prepare_sectors(
        data.loc[years_all.isin([int(y) for y in years])],
        region=region,
        sector=sector,
        value=value,
        time=time,
        regions=regions,
        totals=totals,
        tolerance=tolerance,
        positive=positive,
        why=why,
    )
    _check_years_present(df, region, time, years)
    ref = _reference_by_sector(df, reference, sector=sector, value=value, time=time)
    return df, chosen, ref


# --------------------------------------------------------------------------- LQ
def location_quotient(
    data: pd.DataFrame,
    *,
    region: str,
    sector: str,
    value: str,
    reference: pd.DataFrame | pd.Series | None = None,
    year: int | None = None,
    time: str = "year",
    regions: str | Sequence[str] | None = None,
    totals: pd.DataFrame | None = None,
    tolerance: float = 0.005,
) -> pd.DataFrame:
    r"""Static location quotient of every sector of every region.

    .. math:: LQ_{ir} = \frac{E_{ir}/E_r}{E_{in}/E_n}

    with :math:`E_{ir}` the output of sector *i* in region *r*, :math:`E_r=\sum_i E_{ir}`
    and :math:`E_{in}, E_n` the same for the reference economy (domain.md §4.3;
    Sjafrizal 2012). ``LQ > 1``: basis sector (the region is more specialised than
    the reference and "exports" the sector); ``LQ ≤ 1``: non-basis (LQ exactly 1,
    self-sufficient, is counted as non-basis).

    Parameters
    ----------
    data : DataFrame
        Long table, one row per region × sector (× year), e.g. ``pdrb_sectors``.
    region, sector, value : str
        Column names (e.g. ``"region_code"``, ``"sector"``, ``"pdrb_adhk"``).
    reference : DataFrame or Series, optional
        The reference economy (e.g. Jawa Timur); default the sum of all
        non-province regions in ``data``.
    year : int, optional
        Keep only this year. When None and ``time`` is a column of ``data``,
        the LQ is computed for every year (output has the time column).
    time : str
        Name of the year column (ignored when absent from ``data``).
    regions : str or list of str, optional
        Regions to report (default all).
    totals : DataFrame, optional
        Region totals (e.g. the ``regions`` table) with columns ``region``,
        ``time`` and ``value``; when given, the sectors of each region-year must
        add up to the total within ``tolerance``.
    tolerance : float
        Relative tolerance of that check (default 0.5%).

    Returns
    -------
    DataFrame
        ``region, [year,] sector, lq, basis`` with ``basis`` ∈ {"basis", "non-basis"}.

    Raises
    ------
    DataValidationError
        Missing columns, unknown regions, negative values, sectors not adding up.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y"] * 2,
    ...                    "value": [30.0, 70.0, 20.0, 80.0]})
    >>> location_quotient(df, region="region", sector="sector", value="value")["lq"].round(3).tolist()
    [1.2, 0.933, 0.8, 1.067]
    """
    _require_columns(data, [region, sector, value], "data")
    t = time if (time in data.columns) else None
    if t and year is not None:
        all_years = _years(data[t], t)
        if int(year) not in set(all_years):
            ys = sorted(set(all_years))
            raise DataValidationError(
                [Problem(f"year={year} is not in the data ({ys[0]}–{ys[-1]})", column=t)]
                if ys
                else [Problem("the data have no rows", column=t)]
            )
        data = data.loc[all_years == int(year)]
    df, chosen = _prepare_sectors(
        data,
        region=region,
        sector=sector,
        value=value,
        time=t,
        regions=regions,
        totals=totals,
        tolerance=tolerance,
        positive=False,
        why="for a location quotient",
    )
    tk = [t] if t else []
    e_r = df.groupby([region, *tk])[value].transform("sum")
    ref = _reference_by_sector(df, reference, sector=sector, value=value, time=t)
    e_n = ref.groupby(level=t).transform("sum") if t else pd.Series(ref.sum(), index=ref.index)
    share_n = (ref / e_n).rename("share_n")
    out = df.assign(share_r=df[value] / e_r)
    out = out.join(share_n, on=[*tk, sector])
    problems = []
    for mask, what in (
        (e_r <= 0, "the region's sectors add up to 0, so no sector has a share"),
        (out["share_n"] <= 0, "the reference economy has no output in this sector (LQ = x/0)"),
    ):
        if mask.any():
            shown = out.loc[mask, [region, *tk, sector]].head(10)
            where = "; ".join(
                ", ".join(f"{k}={r[k]}" for k in shown.columns) for _, r in shown.iterrows()
            )
            problems.append(
                Problem(f"{int(mask.sum())} row(s) where {what}: {where}", column=value)
            )
    if problems:
        raise DataValidationError(problems)
    out["lq"] = out["share_r"] / out["share_n"]
    out["basis"] = np.where(out["lq"] > 1, "basis", "non-basis")
    out = out.loc[out[region].isin(chosen), [region, *tk, sector, "lq", "basis"]]
    return out.sort_values([region, *tk, sector]).reset_index(drop=True)


def _growth(first: pd.Series, last: pd.Series, years: int) -> pd.Series:
    return (last / first) ** (1.0 / years) - 1.0


def dynamic_location_quotient(
    data: pd.DataFrame,
    *,
    region: str,
    sector: str,
    value: str,
    start: int,
    end: int,
    time: str = "year",
    reference: pd.DataFrame | pd.Series | None = None,
    growth: GrowthKind = "geometric",
    regions: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Dynamic location quotient (DLQ) over ``start → end``.

    .. math:: DLQ_{ir} = \left[\frac{1+g_{ir}}{1+g_r}\right]^t \Big/
              \left[\frac{1+g_{in}}{1+g_n}\right]^t

    :math:`t = end - start` (number of years); :math:`g` is the average annual
    growth rate of sector output (:math:`g_{ir}`), regional total (:math:`g_r`),
    reference sector (:math:`g_{in}`) and reference total (:math:`g_n`)
    (domain.md §4.3). ``growth="geometric"`` (default): :math:`g=(E^{end}/E^{start})^{1/t}-1`,
    so :math:`(1+g)^t = E^{end}/E^{start}` exactly; ``growth="arithmetic"``: the
    mean of the *t* year-on-year growth rates (some Indonesian papers), which needs
    every year in between. ``DLQ > 1``: the sector grows relatively faster than in
    the reference and is expected to be (or become) basis → ``basis``.

    Parameters
    ----------
    data : DataFrame
        Long table region × sector × year.
    region, sector, value, time : str
        Column names.
    start, end : int
        First and last year.
    reference : DataFrame or Series, optional
        Reference economy; default the sum of non-province regions.
    growth : {"geometric", "arithmetic"}
        Definition of the average growth rate.
    regions : str or list of str, optional
        Regions to report.

    Returns
    -------
    DataFrame
        ``region, sector, dlq, basis, g_ir, g_r, g_in, g_n``.

    Raises
    ------
    DataValidationError
        Years outside the data, regions missing years, non-positive values.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a"] * 4 + ["b"] * 4, "sector": ["x", "y"] * 4,
    ...     "year": [2010, 2010, 2012, 2012] * 2,
    ...     "value": [10.0, 10.0, 40.0, 10.0, 10.0, 10.0, 10.0, 10.0]})
    >>> dynamic_location_quotient(df, region="region", sector="sector", value="value",
    ...     start=2010, end=2012)["dlq"].round(4).tolist()
    [1.12, 0.7, 0.7, 1.75]
    """
    check_option("growth", growth, GrowthKind)
    need_years = list(range(int(start), int(end) + 1)) if growth == "arithmetic" else [start, end]
    df, chosen, ref = _period_panel(
        data, region=region, sector=sector, value=value, time=time, start=start, end=end,
        years=need_years, regions=regions, reference=reference, totals=None, tolerance=0.005,
        positive=True, why="to compute growth rates",
    )  # fmt: skip
    t_years = int(end) - int(start)

    def avg_growth(wide: pd.DataFrame) -> pd.Series:
        # wide: rows = units, columns = years
        if growth == "geometric":
            return _growth(wide[int(start)], wide[int(end)], t_years)
        yoy = wide[need_years].pct_change(axis=1, fill_method=None).iloc[:, 1:]
        return yoy.mean(axis=1)

    w_ir = df.pivot_table(index=[region, sector], columns=time, values=value, aggfunc="sum")
    w_r = df.groupby([region, time])[value].sum().unstack(time)
    w_in = ref.unstack(time)
    w_n = ref.groupby(level=time).sum().to_frame().T
    g_ir = avg_growth(w_ir).rename("g_ir")
    g_r = avg_growth(w_r).rename("g_r")
    g_in = avg_growth(w_in).rename("g_in")
    g_n = float(avg_growth(w_n).iloc[0])
    out = g_ir.reset_index().join(g_r, on=region).join(g_in, on=sector)
    out["g_n"] = g_n
    out["dlq"] = ((1 + out["g_ir"]) / (1 + out["g_r"])) ** t_years / (
        ((1 + out["g_in"]) / (1 + g_n)) ** t_years
    )
    out["basis"] = np.where(out["dlq"] > 1, "basis", "non-basis")
    out = out.loc[
        out[region].isin(chosen), [region, sector, "dlq", "basis", "g_ir", "g_r", "g_in", "g_n"]
    ]
    return out.sort_values([region, sector]).reset_index(drop=True)


# --------------------------------------------------------------------------- shift-share
def shift_share(
    data: pd.DataFrame,
    *,
    region: str,
    sector: str,
    value: str,
    start: int,
    end: int,
    reference: pd.DataFrame | pd.Series | None = None,
    method: ShiftShareMethod = "classic",
    time: str = "year",
    regions: str | Sequence[str] | None = None,
    totals: pd.DataFrame | None = None,
    tolerance: float = 0.005,
) -> pd.DataFrame:
    r"""Shift-share decomposition of each sector's output change, ``start → end``.

    Classic (Dunn 1960; domain.md §4.3), with :math:`g = E^{end}/E^{start} - 1`:

    * ``regional_share`` — PN (*pertumbuhan nasional/provinsi*):
      :math:`E^0_{ir}\,g_n`;
    * ``industry_mix`` — PP (*pergeseran proporsional*):
      :math:`E^0_{ir}(g_{in}-g_n)`;
    * ``competitive`` — PPW/DS (*pergeseran pangsa wilayah*, differential shift):
      :math:`E^0_{ir}(g_{ir}-g_{in})`;

    and ``change`` :math:`=E^{end}_{ir}-E^0_{ir}` = PN + PP + PPW (an identity;
    ``competitive`` is computed as the residual so the sum is exact to rounding).

    ``method="esteban_marquillas"`` (Esteban-Marquillas 1972) adds the homothetic
    output :math:`E^*_{ir}=E^0_r E^0_{in}/E^0_n` (the sector's size if the region
    had the reference structure), ``competitive_homothetic``
    :math:`=E^*_{ir}(g_{ir}-g_{in})` and ``allocation``
    :math:`=(E^0_{ir}-E^*_{ir})(g_{ir}-g_{in})`, whose sum equals ``competitive``,
    plus the reading of the allocation effect (``allocation_case`` 1–4, see
    :data:`_EM_CASES`; ``reading_id``/``reading_en``): specialised
    (:math:`E-E^*>0`) or not, with a competitive advantage
    (:math:`g_{ir}>g_{in}`) or not.

    Parameters
    ----------
    data : DataFrame
        Long table region × sector × year (e.g. ``pdrb_sectors``).
    region, sector, value, time : str
        Column names.
    start, end : int
        Base and final year.
    reference : DataFrame or Series, optional
        Reference economy (e.g. Jawa Timur); default the sum of non-province regions.
    method : {"classic", "esteban_marquillas"}
    regions : str or list of str, optional
        Regions to report (default all).
    totals : DataFrame, optional
        Region totals to check that sectors add up (within ``tolerance``).
    tolerance : float
        Relative tolerance of the totals check (default 0.5%).

    Returns
    -------
    DataFrame
        One row per region × sector: ``region, sector, start_value, end_value,
        g_ir, g_in, g_n, change, regional_share, industry_mix, competitive`` (+ the
        Esteban-Marquillas columns).

    Raises
    ------
    DataValidationError
        Years outside the data, regions missing a year, non-positive base values.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a"] * 4 + ["b"] * 4, "sector": ["x", "y"] * 4,
    ...     "year": [2010, 2010, 2015, 2015] * 2,
    ...     "value": [10.0, 20.0, 15.0, 22.0, 30.0, 40.0, 30.0, 50.0]})
    >>> ss = shift_share(df, region="region", sector="sector", value="value",
    ...                  start=2010, end=2015, regions="a")
    >>> ss[["change", "regional_share", "industry_mix", "competitive"]].round(3).values.tolist()
    [[5.0, 1.7, -0.45, 3.75], [2.0, 3.4, 0.6, -2.0]]
    """
    check_option("method", method, ShiftShareMethod)
    df, chosen, ref = _period_panel(
        data, region=region, sector=sector, value=value, time=time, start=start, end=end,
        years=[start, end], regions=regions, reference=reference, totals=totals,
        tolerance=tolerance, positive=False, why="for a shift-share",
    )  # fmt: skip
    w = df.pivot_table(index=[region, sector], columns=time, values=value, aggfunc="sum")
    w = w.rename(columns={int(start): "start_value", int(end): "end_value"})
    zero = w.loc[~(w["start_value"] > 0)]
    if len(zero):
        listed = "; ".join(f"{r} sector {s}" for r, s in zero.index[:10])
        raise DataValidationError(
            [
                Problem(
                    f"base-year ({start}) value must be positive to define growth; "
                    f"zero or missing for {listed}",
                    column=value,
                )
            ]
        )
    ref_w = ref.unstack(time)
    e_in0, e_int = ref_w[int(start)], ref_w[int(end)]
    if (e_in0 <= 0).any():
        bad = list(e_in0.index[e_in0 <= 0])
        raise DataValidationError(
            f"the reference economy has a non-positive base-year value for sector(s) {bad}"
        )
    g_in = (e_int / e_in0 - 1.0).rename("g_in")
    g_n = float(e_int.sum() / e_in0.sum() - 1.0)
    out = w.reset_index().join(g_in, on=sector)
    out["g_ir"] = out["end_value"] / out["start_value"] - 1.0
    out["g_n"] = g_n
    out["change"] = out["end_value"] - out["start_value"]
    out["regional_share"] = out["start_value"] * g_n
    out["industry_mix"] = out["start_value"] * (out["g_in"] - g_n)
    out["competitive"] = out["change"] - out["regional_share"] - out["industry_mix"]
    cols = [
        region,
        sector,
        "start_value",
        "end_value",
        "g_ir",
        "g_in",
        "g_n",
        "change",
        "regional_share",
        "industry_mix",
        "competitive",
    ]
    if method == "esteban_marquillas":
        e_r0 = out.groupby(region)["start_value"].transform("sum")
        share_n0 = (e_in0 / e_in0.sum()).rename("share_n0")
        out = out.join(share_n0, on=sector)
        out["homothetic"] = e_r0 * out["share_n0"]
        diff_g = out["g_ir"] - out["g_in"]
        spec = out["start_value"] - out["homothetic"]
        out["competitive_homothetic"] = out["homothetic"] * diff_g
        out["allocation"] = out["competitive"] - out["competitive_homothetic"]
        out["specialised"] = spec > 0
        out["competitive_advantage"] = diff_g > 0
        case = np.select(
            [
                (spec > 0) & (diff_g > 0),
                (spec < 0) & (diff_g > 0),
                (spec > 0) & (diff_g < 0),
                (spec < 0) & (diff_g < 0),
            ],
            [1, 2, 3, 4],
            default=0,
        )
        out["allocation_case"] = case
        out["reading_id"] = [_EM_CASES[int(c)][0] for c in case]
        out["reading_en"] = [_EM_CASES[int(c)][1] for c in case]
        cols += [
            "homothetic",
            "competitive_homothetic",
            "allocation",
            "specialised",
            "competitive_advantage",
            "allocation_case",
            "reading_id",
            "reading_en",
        ]
    out = out.loc[out[region].isin(chosen), cols]
    return out.sort_values([region, sector]).reset_index(drop=True)


# --------------------------------------------------------------------------- Klassen
@dataclass(frozen=True)
class KlassenResult:
    """Klassen typology: the table, the reference point and the boundary rule.

    Attributes
    ----------
    table : DataFrame
        ``unit, growth, level, quadrant, label_id, label_en``.
    reference_growth, reference_level : float
        The reference point dividing the quadrants.
    boundary : {"ge", "gt"}
        ``"ge"``: a unit *equal* to the reference counts as high (≥ / <);
        ``"gt"``: equal counts as low (> / ≤).
    kind : {"region", "sector"}
        Region version (level = PDRB per capita) or sector version (level = share).
    """

    table: pd.DataFrame
    reference_growth: float
    reference_level: float
    boundary: Boundary
    kind: KlassenKind = "region"

    def plot(
        self,
        ax=None,
        *,
        language: Language = "en",
        highlight: str | Sequence[str] | None = None,
        names: Mapping[object, str] | None = None,
    ):
        """Units by level and growth, the reference lines and the quadrants named; returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        language : {"id", "en"}
        highlight : str or list of str, optional
            The study's own unit(s) (values of ``table["unit"]``, e.g. Kota
            Mojokerto's region code): drawn in colour and always named.
        names : mapping, optional
            Unit → name to show (e.g. region code → region name); units not
            in it are shown by their value.

        Raises
        ------
        DataValidationError
            A highlighted unit that is not in the table.

        Examples
        --------
        >>> df = pd.DataFrame({"unit": ["a", "b", "c"], "g": [6.0, 4.0, 5.0], "y": [50.0, 30.0, 45.0]})
        >>> k = klassen_typology(df, unit="unit", growth="g", level="y")
        >>> ax = k.plot(language="id", highlight="b", names={"b": "Kota B"})
        >>> ax.get_xlabel(), ax.get_legend().get_texts()[1].get_text()
        ('PDRB per kapita', 'Kota B')
        """
        from innolab_analysis._plotting import axes_or_new, plot_style
        from innolab_analysis.metrics._klassen_plot import draw_klassen

        check_option("language", language, Language)
        with plot_style():
            ax = axes_or_new(ax, figsize=(8.0, 5.6))
            draw_klassen(self, ax, language, highlight=highlight, names=names)
        return ax

    def _repr_html_(self) -> str:
        from innolab_analysis.display import ReportTable

        keys = ("unit", "growth", "level", "quadrant", "label_en")
        heads = {
            k: l10n.tr(f"metrics_regional.klassen.table.{k}", "en", markdown=False) for k in keys
        }
        table = ReportTable(self.table[list(keys)], columns=heads, language="en", name="klassen",
                            formats={"growth": ".2f", "level": ".2f"})  # fmt: skip
        return table._repr_html_()


def klassen_typology(
    data: pd.DataFrame,
    *,
    unit: str,
    growth: str,
    level: str,
    reference_growth: float | None = None,
    reference_level: float | None = None,
    boundary: Boundary = "ge",
    growth_weight: str | None = None,
    level_weight: str | None = None,
    kind: KlassenKind = "region",
) -> KlassenResult:
    r"""Klassen typology: four quadrants of growth against level.

    ===========  ======================  =====================  ==============================
    Quadrant     growth                  level                  label
    ===========  ======================  =====================  ==============================
    I            :math:`g_i \ge g`       :math:`y_i \ge y`      maju dan tumbuh pesat
    II           :math:`g_i < g`         :math:`y_i \ge y`      maju tapi tertekan
    III          :math:`g_i \ge g`       :math:`y_i < y`        berkembang cepat / potensial
    IV           :math:`g_i < g`         :math:`y_i < y`        relatif tertinggal
    ===========  ======================  =====================  ==============================

    (domain.md §4.3; Sjafrizal 2012). Region version: ``growth`` = PDRB growth,
    ``level`` = PDRB per capita; sector version: sector growth against its share
    (contribution) in the region. Papers put the boundary inconsistently;
    ``boundary="ge"`` uses ≥ / < as in the table, ``boundary="gt"`` uses > / ≤
    (a unit exactly on the reference line then counts as low).

    Parameters
    ----------
    data : DataFrame
        One row per unit with its growth and level.
    unit, growth, level : str
        Column names.
    reference_growth, reference_level : float, optional
        The reference point (e.g. Jawa Timur's growth and per-capita PDRB). When
        None: the mean of the units, weighted by ``growth_weight`` / ``level_weight``
        when given. With base-year PDRB as ``growth_weight`` and population as
        ``level_weight`` this reproduces the aggregate's one-period growth and
        per-capita PDRB exactly (for multi-year average growth, approximately).
    boundary : {"ge", "gt"}
    growth_weight, level_weight : str, optional
        Weight columns for the default reference.
    kind : {"region", "sector"}
        Only changes axis labels.

    Returns
    -------
    KlassenResult

    Raises
    ------
    DataValidationError
        Missing columns or non-finite values.

    Examples
    --------
    >>> df = pd.DataFrame({"unit": ["a", "b"], "g": [6.0, 4.0], "y": [50.0, 30.0]})
    >>> klassen_typology(df, unit="unit", growth="g", level="y").table["quadrant"].tolist()
    ['I', 'IV']
    """
    check_option("boundary", boundary, Boundary)
    check_option("kind", kind, KlassenKind)
    cols = [unit, growth, level] + [c for c in (growth_weight, level_weight) if c]
    _require_columns(data, cols, "data")
    df = data.loc[:, list(dict.fromkeys(cols))].copy()
    _require_rows(
        df, "data", "the Klassen typology needs one row per unit with its growth and level"
    )
    problems = []
    for c in (growth, level, *(w for w in (growth_weight, level_weight) if w)):
        v = pd.Series(cell_numbers(df[c])[0], index=df.index)  # True is not a number
        bad = df.loc[~np.isfinite(v.to_numpy(dtype=float, na_value=np.nan)), unit].tolist()
        if c in (growth_weight, level_weight):
            bad += df.loc[v < 0, unit].tolist()
        if bad:
            what = (
                "a finite number >= 0 (a weight)" if c not in (growth, level) else "a finite number"
            )
            problems.append(
                Problem(f"{c} must be {what}; missing or invalid for {bad[:10]}", column=c)
            )
        df[c] = v.astype(float)
    if problems:
        raise DataValidationError(problems)

    def ref(col: str, weight: str | None, given: float | None) -> float:
        if given is not None:
            return check_number(given, f"reference_{'growth' if col == growth else 'level'}")
        if weight:
            w = df[weight]
            if not w.sum() > 0:
                raise DataValidationError(
                    [
                        Problem(
                            f"the weights in {weight} add up to 0; a weighted mean needs "
                            "some weight",
                            column=weight,
                        )
                    ]  # fmt: skip
                )
            return float((df[col] * w).sum() / w.sum())
        return float(df[col].mean())

    g0 = ref(growth, growth_weight, reference_growth)
    y0 = ref(level, level_weight, reference_level)
    if boundary == "ge":
        high_g, high_y = df[growth] >= g0, df[level] >= y0
    else:
        high_g, high_y = df[growth] > g0, df[level] > y0
    quad = np.select(
        [high_g & high_y, ~high_g & high_y, high_g & ~high_y], ["I", "II", "III"], default="IV"
    )
    table = pd.DataFrame(
        {
            "unit": df[unit].to_numpy(),
            "growth": df[growth].to_numpy(),
            "level": df[level].to_numpy(),
            "quadrant": quad,
            "label_id": [KLASSEN_QUADRANTS[q][0] for q in quad],
            "label_en": [KLASSEN_QUADRANTS[q][1] for q in quad],
        }
    )
    return KlassenResult(
        table=table, reference_growth=g0, reference_level=y0, boundary=boundary, kind=kind
    )


# --------------------------------------------------------------------------- Williamson
def williamson_index(
    data: pd.DataFrame,
    *,
    gdp: str,
    population: str,
    year: str | None = None,
    reference: float | pd.Series | None = None,
    thresholds: tuple[float, float] = WILLIAMSON_THRESHOLDS,
) -> pd.DataFrame:
    r"""Williamson index of regional inequality (Williamson 1965).

    .. math:: IW = \frac{\sqrt{\sum_i (Y_i-\bar Y)^2\, f_i/n}}{\bar Y}

    :math:`Y_i` = PDRB per capita of region *i* (``gdp/population``), :math:`f_i`
    = population of *i*, :math:`n=\sum_i f_i`, :math:`\bar Y` = the group's
    aggregate per-capita PDRB :math:`\sum gdp / \sum population` unless
    ``reference`` gives it (e.g. the province's per-capita PDRB). Province rows
    (``kind == "provinsi"``) are excluded. Reading (``category``): IW <
    ``thresholds[0]`` rendah/low, up to and including ``thresholds[1]``
    sedang/medium, above tinggi/high — default (0.35, 0.5), a common Indonesian
    convention [MED confidence; conventions vary, some texts use a single 0.5 cut].

    Parameters
    ----------
    data : DataFrame
        One row per region (× year).
    gdp, population : str
        Column names (any units: the index is scale free).
    year : str, optional
        Year column; when given, one index per year.
    reference : float or Series, optional
        :math:`\bar Y` (per-capita, same units as gdp/population); a Series indexed by year
        when ``year`` is given.
    thresholds : (float, float)
        Low/medium and medium/high cut-offs.

    Returns
    -------
    DataFrame
        ``[year,] williamson, n_regions, mean_per_capita, category_id, category_en``.

    Raises
    ------
    DataValidationError
        Non-positive population or negative PDRB, missing columns.

    Examples
    --------
    >>> df = pd.DataFrame({"gdp": [100.0, 300.0], "pop": [50.0, 50.0]})
    >>> round(float(williamson_index(df, gdp="gdp", population="pop")["williamson"][0]), 4)
    0.5
    """
    lo, hi = (float(x) for x in thresholds)
    if not (0 <= lo <= hi):
        raise ParamsError(f"thresholds must be two numbers 0 ≤ low ≤ high, got {thresholds!r}")
    cols = [gdp, population] + ([year] if year else [])
    _require_columns(data, cols, "data")
    df = _without_province(data).loc[:, cols].copy()
    _require_rows(df, "data", "the Williamson index needs the PDRB and population of each region")
    _check_numbers(df, population, cols[2:], positive=True, why="(population)")
    _check_numbers(df, gdp, cols[2:], positive=False, why="(PDRB)")
    df = df.astype({gdp: float, population: float})
    groups = df.groupby(year, sort=True) if year else [(None, df)]
    rows = []
    for key, g in groups:
        y_i = g[gdp] / g[population]
        f = g[population] / g[population].sum()
        if reference is None:
            ybar = float(g[gdp].sum() / g[population].sum())
            if ybar <= 0:
                raise DataValidationError(
                    [
                        Problem(
                            f"the regions' PDRB adds up to 0{_in_year(key)}; the Williamson "
                            "index divides by the mean PDRB per capita",
                            column=gdp,
                        )
                    ]  # fmt: skip
                )
        elif isinstance(reference, pd.Series):
            if key not in reference.index:
                raise DataValidationError(f"reference has no value for year {key}")
            ybar = check_number(reference.loc[key], f"reference[{key}]", positive=True)
        else:
            ybar = check_number(reference, "reference", positive=True)
        iw = float(np.sqrt(((y_i - ybar) ** 2 * f).sum()) / ybar)
        cat = 0 if iw < lo else (1 if iw <= hi else 2)
        rows.append(
            {
                **({year: key} if year else {}),
                "williamson": iw,
                "n_regions": len(g),
                "mean_per_capita": ybar,
                "category_id": l10n.label("williamson", _WILLIAMSON_CODES[cat], "id"),
                "category_en": l10n.label("williamson", _WILLIAMSON_CODES[cat], "en"),
            }
        )
    return pd.DataFrame(rows)


def _in_year(key: object) -> str:
    return "" if key is None else f" in {key}"


# --------------------------------------------------------------------------- gravity
def gravity_interaction(
    data: pd.DataFrame,
    *,
    mass: str | Sequence[str],
    distance: str,
    exponent: float = 2.0,
    core: str | None = None,
    k: float = 1.0,
    unit: str = "region_code",
    time: str | None = None,
    breaking_point: bool = False,
) -> pd.DataFrame:
    r"""Gravity-model interaction between a core city and its satellites.

    .. math:: I_{cj} = k\,\frac{P_c P_j}{d_{cj}^{\,b}}

    with :math:`P` the mass (population, or population × PDRB when ``mass`` lists
    several columns, which are multiplied), :math:`d_{cj}` the satellite's
    ``distance`` to the core (km, or travel time in minutes — then a faster road
    shows as more interaction: 120 → 45 min with :math:`b=2` multiplies *I* by
    :math:`(120/45)^2 \approx 7.11`), :math:`b` = ``exponent`` (2 = the Newton
    form). domain.md §4.3.

    ``breaking_point=True`` adds Reilly/Converse's breaking point:
    ``breaking_point_from_satellite`` :math:`= d_{cj}/(1+\sqrt{P_c/P_j})` and
    ``breaking_point_from_core`` :math:`= d_{cj}-` that (same unit as ``distance``;
    the larger city has the larger trade area).

    Parameters
    ----------
    data : DataFrame
        One row per region (× year) with the mass column(s) and, for satellites,
        the distance to the core (the core's own distance is ignored).
    mass : str or list of str
        Mass column(s), multiplied together.
    distance : str
        Distance (or travel-time) column.
    exponent, k : float
        Distance-decay exponent *b* and constant *k*.
    core : str, optional
        The core's ``unit`` value; default the unit with the largest mass (per year).
    unit : str
        Region identifier column.
    time : str, optional
        Year column; the core and each satellite are matched per year.
    breaking_point : bool
        Add Reilly's breaking point columns.

    Returns
    -------
    DataFrame
        ``unit, [time,] mass_core, mass, distance, interaction`` (+ breaking point).

    Raises
    ------
    DataValidationError
        Unknown core, missing or non-positive distances or masses, a year
        without the core.

    Examples
    --------
    >>> df = pd.DataFrame({"code": ["c", "s", "s"], "year": [2017, 2017, 2018] * 1,
    ...                    "pop": [100.0, 10.0, 10.0], "tt": [None, 120.0, 45.0]})
    >>> df = pd.concat([df, pd.DataFrame({"code": ["c"], "year": [2018], "pop": [100.0],
    ...                                   "tt": [None]})])
    >>> g = gravity_interaction(df, mass="pop", distance="tt", core="c", unit="code", time="year")
    >>> round(float(g["interaction"].iloc[1] / g["interaction"].iloc[0]), 2)
    7.11
    """
    masses = [mass] if isinstance(mass, str) else list(mass)
    if not masses:
        raise ParamsError("mass must name at least one column")
    exponent = check_number(exponent, "exponent", positive=True)
    k = check_number(k, "k", positive=True)
    tk = [time] if time else []
    cols = list(dict.fromkeys([unit, *tk, *masses, distance]))
    _require_columns(data, cols, "data")
    df = data.loc[:, cols].copy()
    _require_rows(df, "data", "a gravity model needs the core and at least one satellite")
    df[unit] = df[unit].astype("str")
    if time:
        df[time] = _years(df[time], time)
    for m in masses:
        _check_numbers(df, m, [unit, *tk], positive=True, why="as a gravity mass")
    df["_mass"] = np.prod([df[m].astype(float).to_numpy() for m in masses], axis=0)
    if core is None:
        idx = df.groupby(tk)["_mass"].idxmax() if tk else pd.Series([df["_mass"].idxmax()])
        cores = df.loc[idx.to_numpy(), [unit, *tk]]
        if cores[unit].nunique() != 1:
            raise DataValidationError(
                "the largest unit changes between years; name the core with core="
            )
        core = str(cores[unit].iloc[0])
    else:
        core = str(core)
        _check_units([core], df[unit].unique(), unit)
    core_rows = df.loc[df[unit] == core].set_index(tk)["_mass"] if tk else None
    sats = df.loc[df[unit] != core].copy()
    if tk:
        missing = sorted(set(sats[time]) - set(core_rows.index))
        if missing:
            raise DataValidationError(
                [Problem(f"the core {core!r} has no row for year(s) {missing}", column=time)]
            )
        sats["mass_core"] = sats[time].map(core_rows).astype(float)
    else:
        sats["mass_core"] = float(df.loc[df[unit] == core, "_mass"].iloc[0])
    if sats.empty:
        raise DataValidationError(
            [
                Problem(
                    f"only the core {core!r} is in the data; a gravity model needs at least one "
                    "satellite region",
                    column=unit,
                )
            ]  # fmt: skip
        )
    _check_numbers(sats, distance, [unit, *tk], positive=True, why="as a distance to the core")
    d = sats[distance].astype(float)
    out = pd.DataFrame(
        {
            unit: sats[unit],
            **{t: sats[t] for t in tk},
            "mass_core": sats["mass_core"],
            "mass": sats["_mass"],
            "distance": d,
            "interaction": k * sats["mass_core"] * sats["_mass"] / d**exponent,
        }
    )
    if breaking_point:
        bp = d / (1 + np.sqrt(out["mass_core"] / out["mass"]))
        out["breaking_point_from_satellite"] = bp
        out["breaking_point_from_core"] = d - bp
    return out.sort_values([unit, *tk]).reset_index(drop=True)
