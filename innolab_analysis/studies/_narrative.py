"""Bilingual sentence helpers shared by the study bundles (portfolio, impact, synthesis text).

Numbers are written the way each language reads them: Bahasa Indonesia uses a
decimal comma and a thousands point (``3,02``; ``116.604``), English the
reverse (``3.02``; ``116,604``). Every helper takes ``language`` and checks it
against :data:`Language`, the single source of the option strings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from innolab_analysis.errors import check_option
from innolab_analysis.options import Language

__all__ = [
    "COLUMN_LABELS",
    "Language",
    "check_choice",
    "agency_names",
    "check_language",
    "fmt_ci",
    "fmt_int",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "join_words",
    "label_columns",
    "period_label",
    "pick",
    "study_table",
]


def check_choice(name: str, value: object, alias: object, hint: str = "") -> None:
    """Raise :class:`ParamsError` unless ``value`` is one of the ``Literal`` ``alias``."""
    check_option(name, value, alias, hint=hint)


def check_language(language: object) -> None:
    """Raise :class:`ParamsError` unless ``language`` is one of :data:`Language`."""
    check_choice(
        "language", language, Language, "use 'id' for Bahasa Indonesia or 'en' for English"
    )


def pick(language: Language, *, id: str, en: str) -> str:
    """The text in ``language`` (checked)."""
    check_language(language)
    return id if language == "id" else en


def _swap(text: str) -> str:
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_num(x: float, language: Language, digits: int = 2) -> str:
    """A number with ``digits`` decimals in the language's convention; ``–`` when not finite.

    Examples
    --------
    >>> fmt_num(1234.567, "id"), fmt_num(1234.567, "en")
    ('1.234,57', '1,234.57')
    """
    check_language(language)
    if x is None or not math.isfinite(float(x)):
        return "–"
    text = f"{float(x):,.{digits}f}"
    return _swap(text) if language == "id" else text


def fmt_int(n: int, language: Language) -> str:
    """An integer with thousands separators (``116.604`` / ``116,604``)."""
    return fmt_num(n, language, 0)


def fmt_pct(share: float, language: Language, digits: int = 0) -> str:
    """A share 0–1 as a percentage (``45%``)."""
    return f"{fmt_num(100 * float(share), language, digits)}%"


def fmt_ci(lower: float, upper: float, language: Language, digits: int = 2) -> str:
    """A confidence interval ``a s.d. b`` / ``a to b``."""
    sep = pick(language, id=" s.d. ", en=" to ")
    return f"{fmt_num(lower, language, digits)}{sep}{fmt_num(upper, language, digits)}"


def fmt_p(p: float, language: Language) -> str:
    """A p-value: ``p < 0,001`` or ``p = 0,042``."""
    if p is None or not math.isfinite(float(p)):
        return "p –"
    if p < 0.001:
        return f"p < {fmt_num(0.001, language, 3)}"
    return f"p = {fmt_num(p, language, 3)}"


def join_words(items: Sequence[str], language: Language, sep: str = ", ") -> str:
    """``a, b dan c`` / ``a, b and c`` (empty string for no items).

    Use ``sep="; "`` for items that hold commas (agency names).

    Examples
    --------
    >>> join_words(["a", "b", "c"], "id")
    'a, b dan c'
    """
    items = [str(i) for i in items]
    word = pick(language, id="dan", en="and")
    if len(items) <= 1:
        return "".join(items)
    return f"{sep.join(items[:-1])}{sep.strip() if sep.strip() != ',' else ''} {word} {items[-1]}"


def period_label(value, frequency: str) -> str:
    """``2018-S2`` for the semester starting 2018-07-01, ``2018`` for a year."""
    ts = pd.Timestamp(value)
    if frequency == "year":
        return str(ts.year)
    return f"{ts.year}-S{1 if ts.month <= 6 else 2}"


def study_table(study: object, name: str) -> pd.DataFrame | None:
    """A table of a :class:`~innolab_analysis.data.Study` or of a dict of tables (None if absent)."""
    if isinstance(study, dict):
        return study.get(name)
    return getattr(study, name, None)


def agency_names(study: object) -> dict[str, str]:
    """``agency_id → name`` from the study's ``agencies`` table (empty when absent)."""
    agencies = study_table(study, "agencies")
    if agencies is None or "name" not in agencies.columns:
        return {}
    return dict(zip(agencies["agency_id"].astype(str), agencies["name"].astype(str)))


COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "year": ("Tahun", "Year"),
    "years": ("Tahun sejak peluncuran", "Years since launch"),
    "period": ("Periode", "Period"),
    "launched": ("Diluncurkan", "Launched"),
    "discontinued": ("Dihentikan", "Discontinued"),
    "active_end": ("Aktif akhir tahun", "Active at year end"),
    "active_during": ("Aktif selama tahun", "Active during the year"),
    "dimension": ("Dimensi", "Dimension"),
    "value": ("Nilai", "Value"),
    "n": ("Jumlah", "Count"),
    "share": ("Pangsa", "Share"),
    "survival": ("Bertahan", "Survival"),
    "std_error": ("Galat baku", "Std. error"),
    "n_at_risk": ("Masih diamati", "At risk"),
    "n_events": ("Dihentikan", "Discontinued"),
    "note": ("Catatan", "Note"),
    "agency_id": ("Kode unit", "Unit code"),
    "name": ("Unit", "Unit"),
    "population": ("Pengguna layanan", "Service users"),
    "required": ("Sampel minimum", "Required sample"),
    "achieved": ("Responden", "Respondents"),
    "min_answered": ("Jawaban terendah per unsur", "Fewest answers per element"),
    "shortfall": ("Kekurangan", "Shortfall"),
    "adequate": ("Cukup", "Adequate"),
    "n_respondents": ("Responden", "Respondents"),
    "ikm": ("IKM", "IKM"),
    "grade": ("Mutu", "Grade"),
    "label_id": ("Kinerja", "Performance"),
    "label_en": ("Kinerja", "Performance"),
}
"""Display labels of the columns the study bundles show in reports: (Bahasa Indonesia, English)."""


def label_columns(table: pd.DataFrame, language: Language) -> pd.DataFrame:
    """A copy of ``table`` with its known columns renamed for display in ``language``.

    Examples
    --------
    >>> label_columns(pd.DataFrame({"year": [2024], "launched": [5]}), "id").columns.tolist()
    ['Tahun', 'Diluncurkan']
    """
    check_language(language)
    j = 0 if language == "id" else 1
    return table.rename(
        columns={c: COLUMN_LABELS[c][j] for c in table.columns if c in COLUMN_LABELS}
    )
