"""The versioned SKM/IKM standards: elements, weights and interval tables.

One place holds what each regulation says, as frozen dataclasses in a
registry (:data:`STANDARDS`):

* ``"2017"`` — Permen PANRB No. 14 Tahun 2017 (nine *unsur*, U8 = Penanganan
  Pengaduan, U9 = Sarana dan prasarana; interval table 25–64,99 D / 65,00–76,60 C
  / 76,61–88,30 B / 88,31–100 A).
* ``"2014"`` — Permen PANRB No. 16 Tahun 2014 (nine *unsur*, U8 = Maklumat
  Pelayanan, U9 = Penanganan Pengaduan). Its interval table is **believed** to
  equal the 2004 table; that is LOW confidence (not seen in the regulation
  text). Use :meth:`SkmStandard.with_bands` to substitute another table.
* ``"2004"`` — KepMenPAN No. KEP/25/M.PAN/2/2004 (fourteen *unsur*, table
  25–43,75 D / 43,76–62,50 C / 62,51–81,25 B / 81,26–100 A).

Grading rule
------------
The published tables have gaps between grades (e.g. 88,30 | 88,31). The
toolkit rounds the index half-up to two decimals first — the number agencies
publish — and then classifies with the lower bounds (2017: ≥ 88,31 A,
≥ 76,61 B, ≥ 65,00 C, else D). So an unrounded 88,305 is published as 88,31
and graded A. Classifying the unrounded value instead (as several apps do,
giving B for 88,305) is available as ``rule="classify_unrounded"``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from innolab_analysis import l10n
from innolab_analysis.errors import InnolabError, check_option
from innolab_analysis.options import GradeRule, Language, StandardName, WeightsMode

__all__ = [
    "STANDARDS",
    "GradeBand",
    "GradeRule",
    "SkmElement",
    "SkmStandard",
    "StandardName",
    "WeightsMode",
    "get_standard",
    "round_half_up",
]


def round_half_up(value, decimals: int = 2):
    """Round half away from zero (for the positive indices here: half up), as agencies publish.

    Python's :func:`round` and :func:`numpy.round` round half to even on the
    stored binary value, and a float such as ``81.255`` is stored as
    ``81.25499999…``; both would publish 81.25 (grade B under 2004, whose A
    starts at 81.26). This function first removes float noise (rounding to 6
    more decimals) and then rounds half up, so ``81.255 → 81.26`` and
    ``88.305 → 88.31``.

    Parameters
    ----------
    value : float or array-like
        Value(s) to round; NaN stays NaN.
    decimals : int
        Number of decimals.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round_half_up(81.255), round(81.255, 2)
    (81.26, 81.25)
    """
    x = np.asarray(value, dtype=float)
    scale = 10.0**decimals
    scaled = np.round(x * scale, 6)
    out = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    if out.ndim == 0:
        return float(out)
    return out


@dataclass(frozen=True)
class SkmElement:
    """One *unsur* (element) of a standard.

    Parameters
    ----------
    code : str
        Canonical column name (``"u1"`` …).
    key : str
        Short snake_case name (``"persyaratan"``).
    label_id : str
        Wording of the regulation (Indonesian).
    label_en : str
        English label (ours).

    The built-in standards take both labels from the message catalog
    (``labels.skm_element_<standard>.<code>``), the same names the reports use.
    """

    code: str
    key: str
    label_id: str
    label_en: str

    def label(self, language: Language) -> str:
        """The element's name in ``language`` (``"id"``: the regulation's wording)."""
        check_option("language", language, Language)
        return self.label_id if language == "id" else self.label_en


@dataclass(frozen=True)
class GradeBand:
    """One row of an interval table (*tabel nilai persepsi, interval IKM, interval konversi*).

    Parameters
    ----------
    grade : str
        *Mutu pelayanan* (``"A"`` … ``"D"``).
    nik_lower, nik_upper : float
        Bounds of the converted index (25–100 scale), as printed.
    ni_lower, ni_upper : float
        Bounds on the 1–4 scale, as printed.
    label_id : str, optional
        *Kinerja unit pelayanan* (regulation wording, sentence case).
    label_en : str, optional
        English label (ours): Very good / Good / Poor / Very poor.

    A label left out is taken from the message catalog
    (``labels.skm_grade.<grade>``: Sangat baik / Baik / Kurang baik / Tidak baik).

    Examples
    --------
    >>> GradeBand("C", 65.00, 76.60, 2.60, 3.064).label("en")
    'Poor'
    """

    grade: str
    nik_lower: float
    nik_upper: float
    ni_lower: float
    ni_upper: float
    label_id: str | None = None
    label_en: str | None = None

    def __post_init__(self) -> None:
        for language in ("id", "en"):
            if getattr(self, f"label_{language}") is not None:
                continue
            if not l10n.has_label("skm_grade", self.grade):
                raise InnolabError(
                    f"grade {self.grade!r} has no label in the catalog (known grades: A, B, C, "
                    "D); pass label_id and label_en to GradeBand"
                )
            object.__setattr__(
                self, f"label_{language}", l10n.label("skm_grade", self.grade, language)
            )

    def label(self, language: Language) -> str:
        """*Kinerja unit pelayanan* in ``language`` (``Baik`` / ``Good``)."""
        check_option("language", language, Language)
        return self.label_id if language == "id" else self.label_en


@dataclass(frozen=True)
class SkmStandard:
    """A versioned SKM/IKM standard.

    Parameters
    ----------
    name : str
        Registry key (``"2017"``).
    regulation : str
        Citation of the regulation.
    elements : tuple of SkmElement
        The elements in regulation order.
    printed_weight : float
        The weight the regulation prints (0,11 or 0,071).
    bands : tuple of GradeBand
        Interval table, best grade first.
    bands_confidence : str
        ``"HIGH"``, ``"MED"`` or ``"LOW"`` (see ``domain.md``).
    note : str
        Caveats.
    """

    name: str
    regulation: str
    elements: tuple[SkmElement, ...]
    printed_weight: float
    bands: tuple[GradeBand, ...]
    bands_confidence: str = "HIGH"
    note: str = ""

    @property
    def n_elements(self) -> int:
        return len(self.elements)

    @property
    def columns(self) -> tuple[str, ...]:
        """The canonical answer columns (``u1`` … ``uK``)."""
        return tuple(e.code for e in self.elements)

    def weight(self, mode: WeightsMode = "exact") -> float:
        """The per-element weight: ``1/K`` (``"exact"``) or the printed rounded weight."""
        check_option("weights", mode, WeightsMode)
        return 1.0 / self.n_elements if mode == "exact" else self.printed_weight

    def with_bands(self, bands: tuple[GradeBand, ...], *, confidence: str = "USER") -> SkmStandard:
        """A copy of this standard with another interval table (e.g. for 2014)."""
        return dataclasses.replace(self, bands=tuple(bands), bands_confidence=confidence)

    def grade_index(self, value, rule: GradeRule = "round_then_classify") -> np.ndarray:
        """Position in :attr:`bands` of each value (0 = best); ``-1`` for NaN."""
        check_option("rule", rule, GradeRule)
        x = np.asarray(value, dtype=float)
        if rule == "round_then_classify":
            x = np.asarray(round_half_up(x, 2), dtype=float)
        out = np.full(x.shape, -1, dtype=int)
        ok = ~np.isnan(x)
        # bands are best first; the first band whose lower bound is reached wins
        assigned = np.zeros(x.shape, dtype=bool)
        for i, band in enumerate(self.bands[:-1]):
            hit = ok & ~assigned & (x >= band.nik_lower)
            out[hit] = i
            assigned |= hit
        out[ok & ~assigned] = len(self.bands) - 1
        return out


def _bands_2017() -> tuple[GradeBand, ...]:
    return (
        GradeBand("A", 88.31, 100.00, 3.5324, 4.00),
        GradeBand("B", 76.61, 88.30, 3.0644, 3.532),
        GradeBand("C", 65.00, 76.60, 2.60, 3.064),
        GradeBand("D", 25.00, 64.99, 1.00, 2.5996),
    )


def _bands_2004() -> tuple[GradeBand, ...]:
    return (
        GradeBand("A", 81.26, 100.00, 3.26, 4.00),
        GradeBand("B", 62.51, 81.25, 2.51, 3.25),
        GradeBand("C", 43.76, 62.50, 1.76, 2.50),
        GradeBand("D", 25.00, 43.75, 1.00, 1.75),
    )


def _elements(standard: str, keys: list[str]) -> tuple[SkmElement, ...]:
    """The elements of a standard in order, named by the catalog (``skm_element_<standard>``)."""
    kind = f"skm_element_{standard}"
    return tuple(
        SkmElement(f"u{i}", key, l10n.label(kind, f"u{i}", "id"), l10n.label(kind, f"u{i}", "en"))
        for i, key in enumerate(keys, start=1)
    )


_KEYS_2017 = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
              "pengaduan", "sarana"]  # fmt: skip
_KEYS_2014 = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
              "maklumat", "pengaduan"]  # fmt: skip
_KEYS_2004 = ["prosedur", "persyaratan", "kejelasan_petugas", "kedisiplinan_petugas",
              "tanggung_jawab_petugas", "kemampuan_petugas", "kecepatan", "keadilan", "kesopanan",
              "kewajaran_biaya", "kepastian_biaya", "kepastian_jadwal", "kenyamanan",
              "keamanan"]  # fmt: skip

STANDARDS: Mapping[str, SkmStandard] = MappingProxyType(
    {
        "2017": SkmStandard(
            name="2017",
            regulation="Permen PANRB No. 14 Tahun 2017",
            elements=_elements("2017", _KEYS_2017),
            printed_weight=0.11,
            bands=_bands_2017(),
            bands_confidence="HIGH",
            note="NIK bounds and labels HIGH; NI column MED (NI = NIK/25).",
        ),
        "2014": SkmStandard(
            name="2014",
            regulation="Permen PANRB No. 16 Tahun 2014",
            elements=_elements("2014", _KEYS_2014),
            printed_weight=0.11,
            bands=_bands_2004(),
            bands_confidence="LOW",
            note=(
                "Interval table believed equal to KepMenPAN 25/2004's (LOW confidence); "
                "substitute another with SkmStandard.with_bands()."
            ),
        ),
        "2004": SkmStandard(
            name="2004",
            regulation="KepMenPAN No. KEP/25/M.PAN/2/2004",
            elements=_elements("2004", _KEYS_2004),
            printed_weight=0.071,
            bands=_bands_2004(),
            bands_confidence="HIGH",
        ),
    }
)
"""The registry of SKM/IKM standards, by :data:`StandardName`."""


def get_standard(standard: StandardName | SkmStandard = "2017") -> SkmStandard:
    """Return a standard from :data:`STANDARDS` (an :class:`SkmStandard` passes through).

    Raises
    ------
    InnolabError
        If the name is not in the registry.

    Examples
    --------
    >>> get_standard("2017").elements[7].label_id
    'Penanganan Pengaduan, Saran dan Masukan'
    """
    if isinstance(standard, SkmStandard):
        return standard
    if standard not in STANDARDS:
        raise InnolabError(
            f"standard must be one of {tuple(STANDARDS)}, got {standard!r}; "
            "pass '2017' for Permen PANRB 14/2017 (the current regulation)"
        )
    return STANDARDS[standard]
