"""Indeks Inovasi Daerah (IID, Kemendagri/BSKDN): predicates per assessment year and the composite.

Predicate thresholds change between assessment years and are stored per year
(:data:`IID_PREDICATE_RULES`); scores are rounded half up to two decimals (as
published) and classified with lower bounds:

* 2023 and 2024 (BSKDN, PPT Sosialisasi IID 2023; HIGH): ≥ 60,01 Sangat
  Inovatif, ≥ 35,00 Inovatif, > 0 Kurang Inovatif, 0 Tidak Dapat Dinilai
  (disclaimer);
* 2025 (diperketat; HIGH for ≥ 65,01 Sangat Inovatif): ≥ 40,01 Inovatif is
  MED — the 40 split comes only from a third-party implementation.

The composite (:func:`iid_composite`) follows the published 2023 structure;
its maxima and divisor floor come from third-party code (MED/LOW) and are
parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, InnolabError, Problem, check_option
from innolab_analysis.metrics._checks import check_number, number_array
from innolab_analysis.metrics.standards import round_half_up
from innolab_analysis.options import Language

__all__ = [
    "IID_PREDICATES",
    "IID_PREDICATE_CODES",
    "IID_PREDICATE_RULES",
    "IidComposite",
    "IidPredicateRule",
    "iid_composite",
    "iid_predicate",
]

IID_PREDICATE_CODES: tuple[str, ...] = (
    "sangat_inovatif",
    "inovatif",
    "kurang_inovatif",
    "tidak_dapat_dinilai",
)
"""Codes of the IID predicates, best first (``tidak_dapat_dinilai`` = disclaimer, score 0);
their names are catalog labels ``labels.iid_predicate.<code>``."""

IID_PREDICATES: tuple[str, ...] = tuple(
    l10n.label("iid_predicate", code, "id") for code in IID_PREDICATE_CODES
)
"""The IID predicates as Kemendagri names them, best first ("Tidak Dapat Dinilai" = disclaimer)."""


@dataclass(frozen=True)
class IidPredicateRule:
    """Lower bounds of the IID predicates in one assessment year."""

    year: int
    sangat_inovatif: float
    inovatif: float
    source: str
    confidence: str


IID_PREDICATE_RULES: Mapping[int, IidPredicateRule] = MappingProxyType(
    {
        2023: IidPredicateRule(2023, 60.01, 35.00, "BSKDN, PPT Sosialisasi IID 2023", "HIGH"),
        2024: IidPredicateRule(
            2024, 60.01, 35.00, "News on IID 2024 (Kab. Tegal; Bappeda Kota Padang)", "HIGH"
        ),
        2025: IidPredicateRule(
            2025,
            65.01,
            40.01,
            "Bappeda Kota Tangerang / Kota Padang 2025 (65,01); 40,01 from third-party code only",
            "HIGH for 65.01, MED for 40.01",
        ),
    }
)
"""Predicate thresholds by assessment year."""


def iid_predicate(score, year: int, *, language: Language = "id"):
    """The IID predicate of a score under the rules of an assessment year.

    The score is rounded half up to two decimals, then: ≥ Sangat-Inovatif
    bound → "Sangat Inovatif"; ≥ Inovatif bound → "Inovatif"; > 0 → "Kurang
    Inovatif"; exactly 0 → "Tidak Dapat Dinilai" (disclaimer). Bounds: 2023
    and 2024 60,01 / 35,00; 2025 65,01 / 40,01 (the 40,01 is MED: it comes
    only from third-party code).

    Parameters
    ----------
    score : float or array-like
        IID score(s) on 0–100.
    year : int
        Assessment year (2023, 2024 or 2025).
    language : {"id", "en"}
        ``"id"`` (default): the official names; ``"en"``: the names with an
        English gloss, "Sangat Inovatif (very innovative)" (catalog labels).

    Returns
    -------
    str or numpy.ndarray of str

    Raises
    ------
    InnolabError
        Unknown year (the known ones are listed), scores outside 0–100, NaN,
        booleans or other values that are not numbers.

    Examples
    --------
    >>> iid_predicate(60.39, 2023), iid_predicate(60.39, 2025)
    ('Sangat Inovatif', 'Inovatif')
    >>> iid_predicate(60.39, 2025, language="en")
    'Inovatif (innovative)'
    """
    check_option("language", language, Language)
    if (
        isinstance(year, bool)
        or not isinstance(year, (int, np.integer))
        or int(year) not in IID_PREDICATE_RULES
    ):
        raise InnolabError(
            f"no IID predicate thresholds for assessment year {year!r}; "
            f"known years: {sorted(IID_PREDICATE_RULES)}"
        )
    rule = IID_PREDICATE_RULES[int(year)]
    x = number_array(score, "an IID score", title="1 problem(s) in the IID scores")
    bad = np.isnan(x) | (x < 0) | (x > 100)
    if bad.any():
        shown = x[bad][:10].tolist() if x.ndim else [float(x)]
        raise InnolabError(f"an IID score must lie in [0, 100], got {shown}")
    r = np.asarray(round_half_up(x, 2), dtype=float)
    names = [l10n.label("iid_predicate", code, language) for code in IID_PREDICATE_CODES]
    out = np.select(
        [r >= rule.sangat_inovatif, r >= rule.inovatif, r > 0], names[:3], default=names[3]
    )
    return str(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class IidComposite:
    """The parts of an IID composite score (see :func:`iid_composite`)."""

    spd: float
    sid_indicators_mean: float
    jumlah_inovasi_score: float
    sid: float
    total: float
    iid: float
    n_innovations: int
    divisor: int
    max_total: float
    predicate: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """The parts as a one-row DataFrame."""
        return pd.DataFrame([self.__dict__])


def _scores_array(values, name: str, width: int) -> np.ndarray:
    if values is None:
        raise DataValidationError(
            [Problem(f"{name} is missing (got None); pass the indicator scores", column=name)],
            title="1 problem(s) in the IID scores",
        )
    arr = number_array(values, "an indicator score", title="1 problem(s) in the IID scores",
                       column=name)  # fmt: skip
    if name == "spd_scores":
        arr = arr.reshape(-1)
        if arr.shape != (width,):
            raise DataValidationError(
                [
                    Problem(
                        f"expected {width} SPD indicator scores (indicators 1-15), got {arr.size}",
                        column=name,
                    )
                ],
                title="1 problem(s) in the IID scores",
            )
    else:
        if arr.size == 0:
            arr = arr.reshape(0, width)
        if arr.ndim != 2 or arr.shape[1] != width:
            raise DataValidationError(
                [
                    Problem(
                        f"expected one row per innovation with {width} SID indicator scores "
                        f"(indicators 16-35), got shape {arr.shape}",
                        column=name,
                    )
                ],
                title="1 problem(s) in the IID scores",
            )
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise DataValidationError(
            [
                Problem(
                    f"{int(bad.sum())} missing, infinite or negative indicator score(s); missing "
                    "evidence scores 0",
                    column=name,
                    values=tuple(arr[bad][:10].tolist()),
                    allowed="numbers >= 0",
                )
            ],
            title="1 problem(s) in the IID scores",
        )
    return arr


def iid_composite(
    spd_scores: Sequence[float] | pd.Series,
    sid_scores: Sequence[Sequence[float]] | pd.DataFrame,
    *,
    jumlah_inovasi_score: float | None = None,
    divisor_floor: int = 10,
    max_spd: float = 63.0,
    max_sid_per_innovation: float = 111.0,
    jumlah_per_innovation: float = 0.38,
    jumlah_cap: int = 200,
    max_total: float = 250.0,
    year: int | None = None,
) -> IidComposite:
    """The IID composite from indicator scores, following the published 2023 structure.

    ``SPD = Σ`` of the 15 SPD indicator scores;
    ``SID = [Σ_j Σ_{i=16..35} score_i(innovation j)] / MAX(divisor_floor, n) + Skor Jumlah Inovasi``;
    ``total = SPD + SID``; ``IID = total / max_total × 100``.

    The structure is HIGH confidence (BSKDN 2023). The maxima (SPD 63, SID
    per innovation 111, jumlah inovasi 76 = 0,38 × min(n, 200), total 250) come
    from a third-party implementation (MED/LOW) and the divisor floor (10 in
    2023; 12 and 14 in later years per that code) too — all are parameters.
    The rule that zeroes the jumlah-inovasi score unless the innovations cover
    the *urusan wajib pelayanan dasar* is not applied (LOW); pass
    ``jumlah_inovasi_score`` to override the default ``0.38 × min(n, 200)``.

    Parameters
    ----------
    spd_scores : sequence of 15 floats
        Scores of SPD indicators 1–15 (bobot × parameter; 0 without evidence).
    sid_scores : 2-D array-like or DataFrame
        One row per innovation in *penerapan*, 20 columns (indicators 16–35).
    jumlah_inovasi_score : float, optional
        The *Skor Jumlah Inovasi*; default ``jumlah_per_innovation × min(n, jumlah_cap)``.
    divisor_floor : int
        The ``k`` of ``MAX(k, n)``.
    max_spd, max_sid_per_innovation, max_total : float
        Maxima used to check the inputs and normalise.
    jumlah_per_innovation : float
        Points per innovation in the default jumlah-inovasi score.
    jumlah_cap : int
        Innovations beyond this count add no points.
    year : int, optional
        Assessment year; when given, ``predicate`` is filled by :func:`iid_predicate`.

    Returns
    -------
    IidComposite

    Raises
    ------
    DataValidationError
        Wrong numbers of indicators, negative or missing scores, scores above the maxima.

    Examples
    --------
    >>> c = iid_composite([3.0] * 15, [[5.0] * 20] * 4)
    >>> c.spd, c.sid_indicators_mean, c.jumlah_inovasi_score, round(c.total, 9), round(c.iid, 9)
    (45.0, 40.0, 1.52, 86.52, 34.608)
    """
    max_spd = check_number(max_spd, "max_spd", positive=True)
    max_sid_per_innovation = check_number(max_sid_per_innovation, "max_sid_per_innovation",
                                          positive=True)  # fmt: skip
    max_total = check_number(max_total, "max_total", positive=True)
    jumlah_per_innovation = check_number(jumlah_per_innovation, "jumlah_per_innovation", minimum=0)
    spd_arr = _scores_array(spd_scores, "spd_scores", 15)
    sid_arr = _scores_array(sid_scores, "sid_scores", 20)
    for name, value, low, example in (("divisor_floor", divisor_floor, 1, "10 in 2023"),
                                      ("jumlah_cap", jumlah_cap, 0, "200")):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise InnolabError(f"{name} must be an integer >= {low} ({example}), got {value!r}")
    n = int(sid_arr.shape[0])
    spd = float(spd_arr.sum())
    per_innovation = sid_arr.sum(axis=1)
    problems = []
    if spd > max_spd + 1e-9:
        problems.append(
            Problem(f"SPD total {spd:g} exceeds max_spd {max_spd:g}", column="spd_scores")
        )
    over = np.flatnonzero(per_innovation > max_sid_per_innovation + 1e-9)
    if over.size:
        problems.append(
            Problem(
                f"SID indicator total above max_sid_per_innovation {max_sid_per_innovation:g} "
                f"for innovation(s) at row position {over[:10].tolist()} "
                f"(totals {per_innovation[over[:10]].tolist()})",
                column="sid_scores",
                values=tuple(per_innovation[over[:10]].tolist()),
            )
        )
    if jumlah_inovasi_score is None:
        jumlah = jumlah_per_innovation * min(n, jumlah_cap)
    else:
        jumlah = check_number(jumlah_inovasi_score, "jumlah_inovasi_score", minimum=0)
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the IID scores")
    divisor = max(int(divisor_floor), n)
    mean = float(per_innovation.sum()) / divisor
    sid = mean + jumlah
    total = spd + sid
    if total > max_total + 1e-9:
        raise DataValidationError(
            [
                Problem(
                    f"total score {total:g} exceeds max_total {max_total:g}; check the maxima parameters"
                )
            ],
            title="1 problem(s) in the IID scores",
        )
    iid = total / max_total * 100.0
    pred = None if year is None else iid_predicate(iid, year)
    return IidComposite(
        spd=spd,
        sid_indicators_mean=mean,
        jumlah_inovasi_score=float(jumlah),
        sid=sid,
        total=total,
        iid=iid,
        n_innovations=n,
        divisor=divisor,
        max_total=float(max_total),
        predicate=pred,
    )
