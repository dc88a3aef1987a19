"""One localisation layer for every text a reader sees.

Sentences, headings, table headers, category values, figure titles and axis
labels, diagnostics, the index and failure messages all come from the message
catalog (``innolab_analysis/l10n/messages/*.yaml``, both languages side by
side) through :func:`tr`; numbers, percentages, dates and times are formatted
by Babel for the report's locale (``id_ID``: ``2,90`` · ``1.234`` ·
``19 Desember 2017``; times in the study's time zone, WIB by default).

Examples
--------
>>> from innolab_analysis.l10n import tr, number, date
>>> tr("common.ci", "id", lower=2.145, upper=3.665)
'2,15 s.d. 3,67'
>>> tr("common.ci", "en", lower=2.145, upper=3.665)
'2.15 to 3.67'
>>> number(2.904, "id"), date("2017-12-19", "id")
('2,90', '19 Desember 2017')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from innolab_analysis.l10n._catalog import CatalogError, catalog, entry, placeholders
from innolab_analysis.l10n._format import (
    LOCALES,
    MISSING,
    TIMEZONES,
    date,
    datetime,
    escape_markdown,
    integer,
    is_missing,
    number,
    p_value,
    percent,
    yes_no,
)
from innolab_analysis.l10n._render import Renderer, Safe
from innolab_analysis.options import Language

__all__ = [
    "LOCALES",
    "MISSING",
    "TIMEZONES",
    "Bilingual",
    "CatalogError",
    "Language",
    "Renderer",
    "Safe",
    "bilingual",
    "catalog",
    "ci",
    "column_labels",
    "date",
    "datetime",
    "escape_markdown",
    "has_label",
    "integer",
    "is_missing",
    "join",
    "label",
    "number",
    "p_value",
    "percent",
    "period",
    "placeholders",
    "tr",
    "yes_no",
]


@dataclass(frozen=True)
class Bilingual:
    """A text in Bahasa Indonesia (``id``) and English (``en``), each already localised.

    Build it with :func:`bilingual` from a catalog message; ``text[language]``
    picks one.
    """

    id: str
    en: str

    def __str__(self) -> str:
        return f"{self.id}\n\n{self.en}"

    def __getitem__(self, language: str) -> str:
        if language not in ("id", "en"):
            raise KeyError(f"language must be 'id' or 'en', got {language!r}")
        return getattr(self, language)

    @classmethod
    def build(cls, text_in: Callable[[str], str]) -> Bilingual:
        """Both languages from a function of the language.

        Examples
        --------
        >>> Bilingual.build(lambda lang: join(["a", "b"], lang)).en
        'a and b'
        """
        return cls(id=text_in("id"), en=text_in("en"))


def _text_for(key: str, language: str, count: Any) -> str:
    text = entry(key)[language]
    if isinstance(text, dict):
        one = count is not None and not is_missing(count) and float(count) == 1
        text = text["one"] if one and "one" in text else text["other"]
    return text


def tr(
    key: str,
    language: Language,
    /,
    *,
    markdown: bool = True,
    timezone: str = "Asia/Jakarta",
    **values: Any,
) -> str:
    """The message ``key`` in ``language``, its placeholders filled and localised.

    Parameters
    ----------
    key : str
        ``<domain>.<id>``, e.g. ``"service.city_ikm"``.
    language : {"id", "en"}
    markdown : bool
        Escape text values for Markdown (default). Use ``False`` for figure
        labels and plain text.
    timezone : str
        Time zone of ``datetime`` placeholders.
    **values
        The placeholders' values; ``count`` also selects an English plural form.

    Returns
    -------
    str
        The rendered text (:class:`Safe`, so it can be a value of another message).

    Raises
    ------
    CatalogError
        An unknown key, or a value the message needs and did not get.

    Examples
    --------
    >>> tr("common.units", "en", count=1), tr("common.units", "en", count=12)
    ('1 unit', '12 units')
    """
    renderer = Renderer(language, markdown=markdown, timezone=timezone)
    text = _text_for(key, renderer.language, values.get("count"))
    try:
        return Safe(renderer.vformat(text, (), values))
    except KeyError as exc:
        raise CatalogError(
            f"message '{key}' needs the value {exc.args[0]!r}; it got "
            f"{', '.join(sorted(values)) or 'none'}"
        ) from None


def bilingual(key: str, /, *, markdown: bool = True, **values: Any) -> Bilingual:
    """The message ``key`` in both languages (see :func:`tr`).

    Examples
    --------
    >>> bilingual("common.ci", lower=-1.37, upper=-0.96).id
    '-1,37 s.d. -0,96'
    """
    return Bilingual(
        id=tr(key, "id", markdown=markdown, **values), en=tr(key, "en", markdown=markdown, **values)
    )


def ci(lower: Any, upper: Any, language: Language, decimals: int = 2) -> str:
    """A confidence interval, ``2,15 s.d. 3,67`` / ``2.15 to 3.67``."""
    spec = f".{decimals}f"
    text = _text_for("common.ci", language, None).replace(".2f", spec)
    return Renderer(language).vformat(text, (), {"lower": lower, "upper": upper})


def join(items: Iterable[Any], language: Language, *, markdown: bool = True) -> str:
    """``a, b dan c`` / ``a, b and c``; items with commas are joined with semicolons.

    Examples
    --------
    >>> join(["Dinas A", "Dinas B", "Dinas C"], "id")
    'Dinas A, Dinas B dan Dinas C'
    """
    r = Renderer(language, markdown=markdown)
    texts = [r.format_field(i, "") for i in items]
    if len(texts) <= 1:
        return Safe("".join(texts))
    sep = "; " if any("," in t for t in texts) else ", "
    word = tr("common.and", language)
    return Safe(f"{sep.join(texts[:-1])} {word} {texts[-1]}")


def has_label(kind: str, code: Any) -> bool:
    """Whether the catalog has a display label for ``code`` of ``kind``."""
    return f"labels.{kind}.{code}" in catalog()


def label(kind: str, code: Any, language: Language) -> str:
    """The display label of a category code (``label("origin", "original", "id")`` → ``Orisinal``).

    Raises
    ------
    CatalogError
        When the catalog has no label for the code (so no code reaches a reader).
    """
    return tr(f"labels.{kind}.{code}", language, markdown=False)


def column_labels(
    columns: Sequence[str], language: Language, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Display headers for table columns: ``{"std_error": "Galat baku", ...}``.

    ``extra`` maps columns to labels the caller already has (e.g. a unit's name).

    Raises
    ------
    CatalogError
        A column with neither a catalog label (``labels.column.<name>``) nor an ``extra`` label.
    """
    extra = dict(extra or {})
    return {c: extra[c] if c in extra else label("column", c, language) for c in columns}


def period(value: Any, frequency: str) -> str:
    """A period start as a calendar label: ``2019-S2`` (semester) or ``2019`` (year).

    The same label in both languages, in text, tables and figures.

    Examples
    --------
    >>> period("2019-07-01", "semester"), period("2019-01-01", "year")
    ('2019-S2', '2019')
    """
    import pandas as pd

    if is_missing(value):
        return MISSING
    ts = pd.Timestamp(value)
    if frequency == "year":
        return str(ts.year)
    return f"{ts.year}-S{1 if ts.month <= 6 else 2}"
