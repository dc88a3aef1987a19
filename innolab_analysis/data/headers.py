"""Map the column headers agencies actually use to the canonical SKM names.

SKM (Survei Kepuasan Masyarakat) exports from agency apps and spreadsheets name
the nine elements in many ways: ``U1`` … ``U9``, ``Unsur 1``, ``UNSUR_1``,
``u_1``, or the element names of Permen PANRB 14/2017 (``Persyaratan``,
``Sistem, Mekanisme, dan Prosedur`` …), often with a code in front
(``U8. Sarana dan Prasarana``). This module maps them to the canonical
``u1`` … ``u9`` of :data:`innolab_analysis.data.tables.TABLES`.

Mapping by *name* always wins over the code or the column position: many apps
swap U8 and U9 (Sarana at 8, Pengaduan at 9; see ``domain.md`` §1.1), but in the
regulation order **U8 is Penanganan Pengaduan, Saran dan Masukan** and **U9 is
Sarana dan prasarana**, so a column called ``U8 Sarana dan prasarana`` becomes
``u9``. A header that is only a code (``U8``) is taken at its word, since the
file gives nothing else to go by.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from innolab_analysis.data.tables import _SKM_ELEMENTS_2017
from innolab_analysis.errors import DataValidationError, Problem

__all__ = [
    "IDENTIFIER_ALIASES",
    "SKM_ELEMENT_ALIASES",
    "SKM_ELEMENTS_2017",
    "normalise_header",
    "skm_column_mapping",
    "standardise_skm_columns",
]

SKM_ELEMENTS_2017: tuple[str, ...] = _SKM_ELEMENTS_2017
"""The nine SKM elements of Permen PANRB 14/2017, in regulation order (U1 … U9)."""

SKM_ELEMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "u1": ("Persyaratan", "Persyaratan Pelayanan", "Syarat"),
    "u2": (
        "Sistem, Mekanisme, dan Prosedur",
        "Sistem Mekanisme Prosedur",
        "Sistem, Mekanisme dan Prosedur Pelayanan",
        "Prosedur",
        "Prosedur Pelayanan",
        "Mekanisme",
    ),
    "u3": ("Waktu Penyelesaian", "Waktu", "Waktu Pelayanan", "Kecepatan Waktu"),
    "u4": ("Biaya/Tarif", "Biaya", "Tarif", "Biaya Tarif Pelayanan"),
    "u5": (
        "Produk Spesifikasi Jenis Pelayanan",
        "Produk Spesifikasi",
        "Produk Layanan",
        "Produk",
        "Spesifikasi Produk Pelayanan",
    ),
    "u6": ("Kompetensi Pelaksana", "Kompetensi", "Kompetensi Petugas"),
    "u7": ("Perilaku Pelaksana", "Perilaku", "Perilaku Petugas", "Sikap Petugas"),
    "u8": (
        "Penanganan Pengaduan, Saran dan Masukan",
        "Penanganan Pengaduan Saran Masukan",
        "Penanganan Pengaduan",
        "Pengaduan",
        "Pengaduan, Saran dan Masukan",
    ),
    "u9": ("Sarana dan prasarana", "Sarana Prasarana", "Sarana", "Sarpras"),
}
"""Element names (any case, spacing or punctuation) accepted for ``u1`` … ``u9``."""

IDENTIFIER_ALIASES: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        "ID Responden",
        "Responden ID",
        "No Responden",
        "Nomor Responden",
        "Kode Responden",
        "Respondent",
        "Respondent ID",
    ),
    "agency_id": (
        "Kode OPD",
        "ID OPD",
        "OPD ID",
        "Kode Unit",
        "Kode Unit Layanan",
        "Kode Unit Pelayanan",
        "Agency",
        "Agency ID",
    ),
    "service": ("Jenis Layanan", "Jenis Pelayanan", "Layanan", "Nama Layanan", "Service"),
    "survey_date": (
        "Tanggal Survei",
        "Tanggal Survey",
        "Tgl Survei",
        "Tgl Survey",
        "Tanggal",
        "Tanggal Wawancara",
        "Survey Date",
    ),
    "weight": ("Bobot", "Penimbang", "Bobot Sampel", "Weight"),
    "gender": ("Jenis Kelamin", "JK", "Sex", "Gender"),
    "age": ("Umur", "Usia", "Age"),
    "education": ("Pendidikan", "Pendidikan Terakhir", "Education"),
}
"""Identifier and respondent headers accepted for the other SKM columns."""

_CODE = re.compile(r"^(?:u|unsur)\s*0?(\d{1,2})(?:\s+(.*))?$")


def normalise_header(header: object) -> str:
    """Reduce a header to lower-case words: no accents, punctuation or extra spaces.

    Parameters
    ----------
    header : object
        A column header (converted with ``str``).

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_header("  Sistem, Mekanisme & Prosedur ")
    'sistem mekanisme dan prosedur'
    >>> normalise_header("UNSUR_1")
    'unsur 1'
    """
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " dan ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _squash(text: str) -> str:
    # "Sistem, Mekanisme, dan Prosedur" and "Sistem Mekanisme Prosedur" are the same element.
    return " ".join(w for w in text.split() if w not in {"dan", "serta", "atau"})


_SKM_CANONICAL = (
    "respondent_id",
    "agency_id",
    "service",
    "survey_date",
    *(f"u{i}" for i in range(1, 15)),
    "weight",
    "gender",
    "age",
    "education",
)

_NAME_TO_CANONICAL: dict[str, str] = {
    **{_squash(normalise_header(c)): c for c in _SKM_CANONICAL},
    **{
        _squash(normalise_header(alias)): canonical
        for table in (SKM_ELEMENT_ALIASES, IDENTIFIER_ALIASES)
        for canonical, aliases in table.items()
        for alias in aliases
    },
}


def _canonical_for(header: object) -> str | None:
    norm = _squash(normalise_header(header))
    if norm in _NAME_TO_CANONICAL:
        return _NAME_TO_CANONICAL[norm]
    code = _CODE.match(norm)
    if code is None:
        return None
    number, rest = int(code.group(1)), code.group(2)
    if rest:
        by_name = _NAME_TO_CANONICAL.get(rest)
        if by_name is not None and by_name.startswith("u"):
            return by_name  # the element name wins over the code (the U8/U9 swap)
    return f"u{number}" if 1 <= number <= 14 else None


def skm_column_mapping(columns: Iterable[object]) -> tuple[dict[object, str], list[Problem]]:
    """Work out the canonical name of each SKM header, and the clashes.

    Parameters
    ----------
    columns : iterable
        The headers, in file order.

    Returns
    -------
    mapping : dict
        Original header → canonical name, for every header recognised (headers
        that already are canonical map to themselves).
    problems : list of Problem
        One per canonical name claimed by two or more headers.
    """
    mapping: dict[object, str] = {}
    claims: dict[str, list[object]] = {}
    for col in columns:
        canonical = _canonical_for(col)
        if canonical is None:
            continue
        mapping[col] = canonical
        claims.setdefault(canonical, []).append(col)
    problems = []
    for canonical, cols in claims.items():
        if len(cols) > 1:
            names = " and ".join(repr(str(c)) for c in cols)
            problems.append(
                Problem(
                    f"columns {names} both map to '{canonical}'; keep one of them or rename "
                    "the other",
                    column=canonical,
                )
            )
    return mapping, problems


def standardise_skm_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename SKM headers to the canonical ``respondent_id``, ``u1`` … ``u9`` names.

    Parameters
    ----------
    df : pandas.DataFrame
        SKM responses with headers as exported (``U1``, ``Unsur 1``,
        ``Persyaratan``, ``ID Responden`` …). Not modified.

    Returns
    -------
    df : pandas.DataFrame
        A copy with recognised columns renamed; other columns keep their name.
    mapping : dict
        Original header → canonical name, for the columns that were renamed.

    Raises
    ------
    DataValidationError
        When two columns map to the same canonical name (both are named).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"ID Responden": ["r1"], "U8 Sarana dan prasarana": [4],
    ...                     "Penanganan Pengaduan": [3]})
    >>> out, mapping = standardise_skm_columns(raw)
    >>> list(out.columns)
    ['respondent_id', 'u9', 'u8']
    """
    mapping, problems = skm_column_mapping(df.columns)
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} ambiguous SKM header(s)")
    renamed = {str(k): v for k, v in mapping.items() if k != v}
    return df.rename(columns=renamed), renamed
