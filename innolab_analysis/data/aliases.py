"""The alias tables: headers, SKM questions and answers, and cell values as exports write them.

The tables themselves are data, in ``innolab_analysis/data/aliases/*.yaml``
(``headers.yaml``, ``skm.yaml``, ``forms.yaml``, ``values.yaml``), documented in
``data/README.md``. This module reads them once, checks them against the data
model (:data:`~innolab_analysis.data.tables.TABLES`) with pydantic, adds the
template labels of the message catalog (``l10n/messages/data.yaml``, both
languages) and offers the lookups the loader uses, all on normalised text
(:func:`normalise_text`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innolab_analysis.data.tables import PDRB_SECTORS, TABLES
from innolab_analysis.errors import InnolabError

__all__ = [
    "ALIASES_DIR",
    "SkmElement",
    "answer_lookup",
    "answer_owners",
    "header_lookup",
    "header_key",
    "kind_prefixes",
    "normalise_text",
    "question_words",
    "response_sheets",
    "skm_elements",
    "summary_labels",
    "timestamp_headers",
    "value_key",
    "value_lookup",
]

ALIASES_DIR = Path(__file__).resolve().parent / "aliases"
"""Folder of the alias files."""

_FILLER = frozenset({"dan", "serta", "atau"})
_OPTION = re.compile(r"^\s*\(?[a-dA-D1-4]\s*[.)]\s+")


def normalise_text(text: object) -> str:
    """Lower-case words without accents or punctuation; ``&`` reads as ``dan``.

    Examples
    --------
    >>> normalise_text("  Sistem, Mekanisme & Prosedur ")
    'sistem mekanisme dan prosedur'
    >>> normalise_text("Non-Digital")
    'non digital'
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    plain = plain.lower().replace("&", " dan ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def header_key(header: object) -> str:
    """The key a header is matched on: :func:`normalise_text` without ``dan``/``serta``/``atau``.

    Examples
    --------
    >>> header_key("Sistem, Mekanisme, dan Prosedur") == header_key("Sistem Mekanisme Prosedur")
    True
    """
    return " ".join(w for w in normalise_text(header).split() if w not in _FILLER)


def value_key(value: object) -> str:
    """The key a cell value is matched on: an option letter (``a.``, ``b)``) dropped, normalised.

    Examples
    --------
    >>> value_key("b. Ada tetapi tidak berfungsi.")
    'ada tetapi tidak berfungsi'
    >>> value_key("SD/Sederajat")
    'sd sederajat'
    """
    return normalise_text(_OPTION.sub("", str(value)))


# ----------------------------------------------------------------------------- schemas
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _ElementFile(_Strict):
    names: list[str]
    question: str
    keywords: list[list[str]] = Field(min_length=1)
    answers: dict[str, int]


class _SkmFile(_Strict):
    elements: dict[str, _ElementFile]
    question_words: list[str]
    generic_answers: dict[str, int]
    summary_rows: list[str]


class _FormsFile(_Strict):
    timestamp_headers: dict[str, list[str]]
    response_sheets: list[str]


class AliasError(InnolabError):
    """An alias file disagrees with the data model or with itself (a packaging defect)."""


@cache
def _load(name: str) -> object:
    """An alias file, read without YAML 1.1 surprises (``No`` stays the text "No")."""
    from innolab_analysis.data._yaml import read_plain_yaml

    value, _, problems = read_plain_yaml((ALIASES_DIR / name).read_text(encoding="utf-8"), name)
    if problems:
        raise AliasError(f"aliases/{name} is malformed: " + "; ".join(map(str, problems)))
    return value


def _validated(model: type[BaseModel], name: str) -> BaseModel:
    try:
        return model.model_validate(_load(name))
    except ValidationError as exc:
        raise AliasError(f"aliases/{name} is malformed: {exc}") from None


@dataclass(frozen=True)
class SkmElement:
    """One SKM element as exports write it (``aliases/skm.yaml``)."""

    code: str
    names: tuple[str, ...]
    question: str
    keywords: tuple[frozenset[str], ...]
    answers: dict[str, int]
    """Normalised answer label → score 1–4."""


@lru_cache(maxsize=1)
def skm_elements() -> dict[str, SkmElement]:
    """The nine elements ``u1`` … ``u9`` in regulation order, with their questions and answers."""
    data = _validated(_SkmFile, "skm.yaml")
    expected = [f"u{i}" for i in range(1, 10)]
    if list(data.elements) != expected:
        raise AliasError(f"aliases/skm.yaml must list the elements {expected} in this order")
    out = {}
    for code, el in data.elements.items():
        bad = {k: v for k, v in el.answers.items() if v not in (1, 2, 3, 4)}
        if bad:
            raise AliasError(f"aliases/skm.yaml: answers of {code} must score 1–4, got {bad}")
        out[code] = SkmElement(
            code=code,
            names=tuple(el.names),
            question=el.question,
            keywords=tuple(frozenset(normalise_text(w) for w in group) for group in el.keywords),
            answers={value_key(k): v for k, v in el.answers.items()},
        )
    return out


@lru_cache(maxsize=1)
def _skm_file() -> _SkmFile:
    return _validated(_SkmFile, "skm.yaml")


def question_words() -> frozenset[str]:
    """Words that make a header read as a question (``bagaimana``, ``menurut`` …)."""
    return frozenset(normalise_text(w) for w in _skm_file().question_words)


@lru_cache(maxsize=1)
def summary_labels() -> frozenset[str]:
    """Normalised labels of the summary rows e-SKM sheets write under the data."""
    return frozenset(normalise_text(w) for w in _skm_file().summary_rows)


@cache
def answer_lookup(element: str) -> dict[str, int]:
    """Normalised answer label → score for one element: its own labels, then the generic ones."""
    own = dict(skm_elements()[element].answers)
    for label, score in _skm_file().generic_answers.items():
        own.setdefault(value_key(label), score)
    return own


@lru_cache(maxsize=1)
def answer_owners() -> dict[str, frozenset[str]]:
    """Normalised element-specific answer label → the elements it belongs to."""
    owners: dict[str, set[str]] = {}
    for code, el in skm_elements().items():
        for label in el.answers:
            owners.setdefault(label, set()).add(code)
    return {k: frozenset(v) for k, v in owners.items()}


@lru_cache(maxsize=1)
def _forms() -> _FormsFile:
    data = _validated(_FormsFile, "forms.yaml")
    if set(data.timestamp_headers) - {"id", "en"}:
        raise AliasError("aliases/forms.yaml: timestamp_headers are keyed by locale 'id' or 'en'")
    return data


def timestamp_headers() -> dict[str, str]:
    """Header key of a Google Forms timestamp column → the locale it reveals (``id``/``en``)."""
    return {header_key(h): loc for loc, hs in _forms().timestamp_headers.items() for h in hs}


def response_sheets() -> tuple[str, ...]:
    """Sheet names Google Forms gives its responses (``Jawaban Formulir 1`` …)."""
    return tuple(_forms().response_sheets)


def _catalog_texts(prefix: str) -> dict[str, tuple[str, str]]:
    from innolab_analysis.l10n import catalog

    return {
        key[len(prefix) :]: (entry["id"], entry["en"])
        for key, entry in catalog().items()
        if key.startswith(prefix)
    }


@cache
def header_lookup(table: str) -> dict[str, str]:
    """Header key → canonical column of ``table``: names, aliases and template labels.

    Raises
    ------
    AliasError
        When one header would map to two columns (a defect of the alias files).

    Examples
    --------
    >>> header_lookup("innovations")[header_key("Waktu Penerapan")]
    'launched_on'
    """
    spec = TABLES[table]
    data = _load("headers.yaml")
    if not isinstance(data, dict) or set(data) - set(TABLES):
        raise AliasError("aliases/headers.yaml must map table names of the data model")
    out: dict[str, str] = {}
    origin: dict[str, str] = {}

    def add(header: str, canonical: str, where: str) -> None:
        if canonical not in spec.names:
            raise AliasError(f"{where}: '{canonical}' is not a column of {table}")
        key = header_key(header)
        if key in out and out[key] != canonical:
            raise AliasError(
                f"{where}: header '{header}' maps to '{canonical}' but {origin[key]} maps it "
                f"to '{out[key]}'"
            )
        out.setdefault(key, canonical)
        origin.setdefault(key, where)

    for name in spec.names:
        add(name, name, "tables.py")
    for canonical, headers in (data.get(table) or {}).items():
        for header in headers:
            add(str(header), canonical, "aliases/headers.yaml")
    if table == "skm_responses":
        for code, el in skm_elements().items():
            for name in el.names:
                add(name, code, "aliases/skm.yaml")
    for col, texts in _catalog_texts(f"data.column.{table}.").items():
        for text in texts:
            add(text, col, "l10n/messages/data.yaml")
    return out


@cache
def value_lookup(table: str, column: str) -> dict[str, str]:
    """Value key → canonical value of one column: codes, aliases and template labels.

    Empty for columns whose values are not recognised (ids, names, numbers).

    Examples
    --------
    >>> value_lookup("skm_responses", "gender")[value_key("Laki-laki")]
    'L'
    >>> value_lookup("innovations", "digital")[value_key("Non Digital")]
    'false'
    """
    spec = TABLES[table].column(column)
    data = (_load("values.yaml") or {}).get(table, {}).get(column, {})
    out: dict[str, str] = {}

    def add(value: str, canonical: str, where: str) -> None:
        if spec.dtype == "category" and canonical not in (spec.allowed or ()):
            raise AliasError(f"{where}: '{canonical}' is not allowed in {table}.{column}")
        if spec.dtype == "bool" and canonical not in ("true", "false"):
            raise AliasError(f"{where}: {table}.{column} maps values to 'true' or 'false'")
        key = value_key(value)
        if out.get(key, canonical) != canonical:
            raise AliasError(f"{where}: '{value}' maps to both '{out[key]}' and '{canonical}'")
        out[key] = canonical

    for code in spec.allowed or ():
        add(code, code, "tables.py")
    for canonical, values in data.items():
        for value in values:
            add(str(value), str(canonical), "aliases/values.yaml")
    if (table, column) == ("pdrb_sectors", "sector"):
        for code, name in PDRB_SECTORS.items():
            add(name, code, "tables.PDRB_SECTORS")
    for code, texts in _catalog_texts(f"data.value.{table}.{column}.").items():
        for text in texts:
            add(text, code, "l10n/messages/data.yaml")
    return out


@lru_cache(maxsize=1)
def kind_prefixes() -> tuple[tuple[str, str], ...]:
    """(normalised name prefix, kind) for units without a kind, longest prefix first.

    Examples
    --------
    >>> dict(kind_prefixes())["upt puskesmas"]
    'puskesmas'
    """
    data = (_load("values.yaml") or {}).get("agencies", {}).get("kind", {})
    pairs = {value_key(v): str(kind) for kind, values in data.items() for v in values}
    pairs.pop("lainnya", None)
    pairs.pop("lain lain", None)
    return tuple(sorted(pairs.items(), key=lambda kv: (-len(kv[0]), kv[0])))
