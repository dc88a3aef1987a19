"""Import the PDRB tables BPS publishes (by *lapangan usaha*) into the ``pdrb_sectors`` table.

BPS tables ("PDRB Kota X menurut Lapangan Usaha", the *Dalam Angka* books, the
tables on the BPS web sites) put the 17 sectors in rows and the years in
columns::

    Lapangan Usaha                                   2021      2022     2023*
    A. Pertanian, Kehutanan, dan Perikanan          123,45    130,02   131,50
       1. Pertanian, Peternakan, Perburuan dan …     100,10    …                 (skipped)
    …
    R,S,T,U. Jasa Lainnya                            80,12     …
    Produk Domestik Regional Bruto                 8 400,00    …

:func:`read_bps_pdrb` finds the header row (the one holding years; footnote
marks such as ``2023*`` or ``2024**`` for provisional figures are removed and
reported), maps each row to its sector code by the letter prefix (``A.``,
``M,N.``, ``R,S,T,U.``) or, without a prefix, by a close match of the sector
name, skips numbered sub-rows (``1. …``), reads Indonesian numbers
(``8.412,5``: dot for thousands, comma for decimals; ``-`` = nihil = 0) and
checks that the sectors add up to the regional total in every year.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd

from innolab_analysis.data._validate import _split, parse_numbers
from innolab_analysis.data.headers import normalise_header
from innolab_analysis.data.tables import PDRB_SECTORS, REGION_KINDS
from innolab_analysis.errors import DataValidationError, ParamsError, Problem
from innolab_analysis.options import BpsUnit as Unit
from innolab_analysis.options import PriceBasis, RegionKind

__all__ = ["BpsPdrb", "PriceBasis", "RegionKind", "Unit", "read_bps_pdrb"]


_TO_MILIAR: dict[str, float] = {"triliun": 1000.0, "miliar": 1.0, "juta": 1e-3, "ribu": 1e-6}
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0)?\s*(\*{0,3})\s*$")
_PREFIX = re.compile(r"^\s*([A-U](?:\s*[,&/-]?\s*[A-U])*)\s*[.)]\s*(\S.*)$")
_SUBROW = re.compile(r"^\s*(?:\d+|[a-z]|[ivx]+)\s*[.)]\s*\S")
_NIHIL = ("-", "–", "—")
_UNIT_IN_TITLE = re.compile(r"\b(triliun|miliar|milyar|juta|ribu)\s+rupiah\b", re.IGNORECASE)
_REASONS = {
    "text": "not a number",
    "mixed": "decimal comma and decimal point mixed in one column",
    "ambiguous": "'.' followed by three digits may be thousands or decimals",
}
_LETTER_TO_CODE = {letter: code for code in PDRB_SECTORS for letter in code}
_NAMES = {normalise_header(name): code for code, name in PDRB_SECTORS.items()}


@dataclass(frozen=True)
class BpsPdrb:
    """PDRB by sector and the regional total, from one BPS table.

    Attributes
    ----------
    sectors : pandas.DataFrame
        Rows of the ``pdrb_sectors`` table: ``region_code, year, sector,
        pdrb_adhb`` (or ``pdrb_adhk``), in Rp miliar.
    total : pandas.DataFrame
        The regional total per year, shaped like the ``regions`` table:
        ``region_code, region_name, kind, year, pdrb_adhb`` (or ``pdrb_adhk``).
    provisional : dict
        Year → footnote mark in the table (``"*"`` sementara, ``"**"`` sangat
        sementara).
    skipped : tuple of str
        Labels of the rows not used (sub-rows, notes), for checking.
    """

    sectors: pd.DataFrame
    total: pd.DataFrame
    provisional: dict[int, str] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()


def _check_option(name: str, value: object, options: tuple[str, ...]) -> Problem | None:
    if value in options:
        return None
    return Problem(f"{name} must be one of {options}, got {value!r}", column=name)


def _grid_from_path(path: Path) -> pd.DataFrame:
    from innolab_analysis.data._readers import _decode, _sniff_separator, _what_is

    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
        return pd.DataFrame(rows, dtype=object)
    if suffix != ".csv":
        raise DataValidationError(
            [Problem(f"unknown file type '{suffix}'", file=path.name, allowed=".csv, .xlsx")]
        )
    data = path.read_bytes()
    kind = _what_is(data[:4096])
    if not data.strip() or kind is not None:
        raise DataValidationError(
            [Problem(f"this is not a CSV table but {kind or 'an empty file'}", file=path.name)]
        )
    text, problem = _decode(data, path.name)
    if problem is not None:
        raise DataValidationError([problem])
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    sep = _sniff_separator(lines)
    width = max(len(ln.split(sep)) for ln in lines) + 2
    return pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        names=range(width),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
    )


def _find_header(grid: pd.DataFrame) -> tuple[int, dict[int, tuple[int, str]]]:
    for i in range(len(grid)):
        years = {}
        for j, cell in enumerate(grid.iloc[i].tolist()):
            if cell is None or (isinstance(cell, float) and np.isnan(cell)):
                continue
            m = _YEAR.match(str(cell))
            if m:
                years[j] = (int(m.group(1)), m.group(2))
        if years:
            return i, years
    return -1, {}


def _classify(label: str) -> tuple[str, str | None]:
    """('total' | 'sector' | 'skip', code)."""
    norm = normalise_header(label)
    if "migas" in norm:
        return "skip", None  # "PDRB tanpa migas" is not the total
    if norm.startswith(("produk domestik regional bruto", "pdrb")) or norm in {"total", "jumlah"}:
        return "total", None
    m = _PREFIX.match(label)
    if m:
        letters = re.findall(r"[A-U]", m.group(1))
        codes = {_LETTER_TO_CODE.get(letter) for letter in letters}
        if len(codes) == 1 and None not in codes:
            return "sector", codes.pop()
    if _SUBROW.match(label):
        return "skip", None
    close = difflib.get_close_matches(norm, list(_NAMES), n=1, cutoff=0.85)
    if close:
        return "sector", _NAMES[close[0]]
    return "skip", None


def read_bps_pdrb(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    region_code: str,
    region_name: str,
    kind: RegionKind,
    price_basis: PriceBasis,
    unit: Unit = "miliar",
    tolerance: float = 0.005,
) -> BpsPdrb:
    """Read a BPS table of PDRB by lapangan usaha (sectors in rows, years in columns).

    Parameters
    ----------
    path_or_frame : str, Path or pandas.DataFrame
        A .csv or .xlsx file (first sheet) as downloaded or typed from the
        publication, or a DataFrame of it (title rows above the header are fine).
    region_code, region_name : str
        BPS/Kemendagri code and name of the region (e.g. ``"3576"``, ``"Kota Mojokerto"``).
    kind : {"kota", "kabupaten", "provinsi"}
    price_basis : {"adhb", "adhk"}
        Current prices (ADHB) or constant 2010 prices (ADHK); names the value column.
    unit : {"triliun", "miliar", "juta", "ribu"}, default "miliar"
        Unit of the numbers in the table (rupiah); the output is in Rp miliar. When
        the title rows state a unit (``(Juta Rupiah)``) it must agree.
    tolerance : float, default 0.005
        Largest accepted relative gap between the sum of the 17 sectors and the
        total row, per year (0.005 = 0.5 %; BPS rounds each cell).

    Returns
    -------
    BpsPdrb
        ``.sectors`` (rows of ``pdrb_sectors``), ``.total`` (regional total per
        year), ``.provisional`` (years marked ``*``/``**``), ``.skipped``.

    Raises
    ------
    ParamsError
        For an unknown ``kind``, ``price_basis`` or ``unit``, or a tolerance outside [0, 1).
    DataValidationError
        When no header row with years is found, a sector or the total row is
        missing or repeated, a number cannot be read, the stated unit disagrees,
        or the sectors do not add up to the total beyond ``tolerance`` (naming the
        region, the years and the gap).

    Examples
    --------
    >>> import pandas as pd
    >>> from innolab_analysis.data.tables import PDRB_SECTORS
    >>> rows = [[f"{c[0] if len(c) == 1 else ','.join(c)}. {n}", "10,5", "11,0"]
    ...         for c, n in PDRB_SECTORS.items()]
    >>> table = pd.DataFrame(rows + [["PDRB", "178,5", "187,0"]],
    ...                      columns=["Lapangan Usaha", "2022", "2023*"])
    >>> out = read_bps_pdrb(table, region_code="3576", region_name="Kota Mojokerto",
    ...                     kind="kota", price_basis="adhk")
    >>> out.total[["year", "pdrb_adhk"]].to_dict("list")
    {'year': [2022, 2023], 'pdrb_adhk': [178.5, 187.0]}
    >>> out.provisional
    {2023: '*'}
    """
    problems = [
        p
        for p in (
            _check_option("kind", kind, REGION_KINDS),
            _check_option("price_basis", price_basis, get_args(PriceBasis)),
            _check_option("unit", unit, get_args(Unit)),
        )
        if p is not None
    ]
    if not (isinstance(tolerance, int | float) and 0 <= tolerance < 1):
        problems.append(
            Problem(
                f"tolerance must be a fraction in [0, 1), got {tolerance!r}", column="tolerance"
            )
        )
    if problems:
        raise ParamsError(problems)
    if isinstance(path_or_frame, pd.DataFrame):
        name = "the table"
        frame = path_or_frame
        grid = pd.concat(
            [
                pd.DataFrame([list(frame.columns)], dtype=object),
                frame.astype(object).set_axis(range(frame.shape[1]), axis=1),
            ],
            ignore_index=True,
        )
    else:
        path = Path(path_or_frame)
        name = path.name
        grid = _grid_from_path(path)
    where = f"{region_name} ({region_code}), {price_basis.upper()}"
    header, years = _find_header(grid)
    if header < 0:
        raise DataValidationError(
            [Problem(f"{where}: no header row with years (2021, 2022*, …) found", file=name)]
        )
    title = " ".join(str(v) for v in grid.iloc[: header + 1].to_numpy().ravel() if v is not None)
    stated = _UNIT_IN_TITLE.search(title)
    if stated:
        said = stated.group(1).lower().replace("milyar", "miliar")
        if said != unit:
            problems.append(
                Problem(
                    f"{where}: the table says '{stated.group(0)}' but unit={unit!r} was "
                    f"given; pass unit={said!r}",
                    file=name,
                )
            )
    seen_years = [y for y, _ in years.values()]
    twice = sorted({y for y in seen_years if seen_years.count(y) > 1})
    if twice:
        problems.append(
            Problem(
                f"{where}: year(s) {', '.join(map(str, twice))} head more than one column; "
                "pass a table with one price basis and one column per year",
                file=name,
            )
        )
    first_year = min(years)
    label_col = max(
        range(first_year) if first_year > 0 else [0],
        key=lambda j: (
            grid.iloc[header + 1 :, j].map(lambda v: isinstance(v, str) and v.strip() != "").sum()
        ),
    )
    body = grid.iloc[header + 1 :]
    labels = body.iloc[:, label_col].map(lambda v: "" if v is None else str(v).strip())
    kinds = [_classify(lab) if lab else ("blank", None) for lab in labels]
    sector_rows: dict[str, list[int]] = {}
    total_rows: list[int] = []
    skipped = []
    for pos, (k, code) in enumerate(kinds):
        if k == "sector":
            sector_rows.setdefault(code, []).append(pos)
        elif k == "total":
            total_rows.append(pos)
        elif k == "skip":
            skipped.append(labels.iloc[pos])
    repeated = {c: rows for c, rows in sector_rows.items() if len(rows) > 1}
    for code, rows in repeated.items():
        shown = "; ".join(repr(labels.iloc[r]) for r in rows)
        problems.append(
            Problem(f"{where}: sector {code} appears in {len(rows)} rows: {shown}", file=name)
        )
    missing = [c for c in PDRB_SECTORS if c not in sector_rows]
    if missing:
        problems.append(
            Problem(
                f"{where}: no row for sector(s) {', '.join(missing)}; add them (write '-' for "
                "nihil)",
                file=name,
                allowed="the 17 BPS lapangan usaha: " + ", ".join(PDRB_SECTORS),
            )
        )
    if len(total_rows) != 1:
        problems.append(
            Problem(
                f"{where}: expected one total row ('Produk Domestik Regional Bruto' or 'PDRB'), "
                f"found {len(total_rows)}",
                file=name,
            )
        )
    if problems:
        raise DataValidationError(problems)

    use = {code: rows[0] for code, rows in sector_rows.items()}
    order = [*use.values(), total_rows[0]]
    values = {}
    for j, (year, _mark) in years.items():
        column = body.iloc[order, j].reset_index(drop=True)
        text, native, _ = _split(column)
        nums = pd.Series(np.nan, index=column.index)
        unreadable = pd.Series(False, index=column.index)
        if text is not None:
            nihil = text.isin(_NIHIL).fillna(False).astype(bool)
            parsed, bad = parse_numbers(text.mask(nihil), context=",", dtype="float")
            nums = nums.mask(text.notna(), parsed).mask(nihil, 0.0)
            for reason, mask in bad.items():
                if mask.any():
                    unreadable |= mask
                    cells = ", ".join(repr(v) for v in text[mask].tolist()[:5])
                    problems.append(
                        Problem(
                            f"{where}, {year}: number(s) cannot be read ({_REASONS[reason]}): "
                            f"{cells}",
                            file=name,
                        )
                    )
        if native is not None:
            nums = nums.mask(native.notna(), pd.to_numeric(native, errors="coerce"))
        gaps = nums.isna() & ~unreadable
        if gaps.any():
            rows = [(list(use) + ["total"])[i] for i in np.flatnonzero(gaps.to_numpy())]
            problems.append(
                Problem(
                    f"{where}, {year}: no value for {', '.join(rows)}; fill it in ('-' = nihil)",
                    file=name,
                )
            )
        values[year] = nums.to_numpy(dtype=float)
    if problems:
        raise DataValidationError(problems)

    codes = list(use)
    off = []
    for year, nums in values.items():
        total, parts = nums[-1], nums[:-1].sum()
        gap = parts - total
        rel = abs(gap) / abs(total) if total else np.inf
        if rel > tolerance:
            off.append(
                f"{year}: sectors {parts:,.2f} vs total {total:,.2f} (gap {gap:+,.2f}, "
                f"{gap / total:+.2%})"
                if total
                else f"{year}: total is 0"
            )
    if off:
        raise DataValidationError(
            [
                Problem(
                    f"{where}: the sectors do not add up to the PDRB total beyond the tolerance "
                    f"of {tolerance:.1%} in {len(off)} year(s): " + "; ".join(off) + " (in the "
                    "table's unit); check for a missing or mistyped row, or pass a larger "
                    "tolerance",
                    file=name,
                )
            ]
        )

    factor = _TO_MILIAR[unit]
    column = f"pdrb_{price_basis}"
    year_list = sorted(values)
    sectors = pd.DataFrame(
        {
            "region_code": pd.Series([region_code] * (len(codes) * len(year_list)), dtype="str"),
            "year": pd.array(np.repeat(year_list, len(codes)), dtype="Int64"),
            "sector": pd.Categorical(codes * len(year_list), categories=list(PDRB_SECTORS)),
            column: np.concatenate([values[y][:-1] for y in year_list]) * factor,
        }
    ).sort_values(["year", "sector"], ignore_index=True)
    total = pd.DataFrame(
        {
            "region_code": pd.Series([region_code] * len(year_list), dtype="str"),
            "region_name": pd.Series([region_name] * len(year_list), dtype="str"),
            "kind": pd.Categorical([kind] * len(year_list), categories=list(REGION_KINDS)),
            "year": pd.array(year_list, dtype="Int64"),
            column: [values[y][-1] * factor for y in year_list],
        }
    )
    provisional = {year: mark for year, mark in sorted(years.values()) if mark}
    return BpsPdrb(sectors=sectors, total=total, provisional=provisional, skipped=tuple(skipped))
