"""Recognise the column headers real exports use and map them to the data model.

Exports name columns in many ways: SKM elements as ``U1`` … ``U9``, ``Unsur 1``,
the element names of Permen PANRB 14/2017 (``Persyaratan``, ``Sistem,
Mekanisme, dan Prosedur`` …), or — in Google Forms — the full question of the
regulation's questionnaire; innovation registers and office unit lists use the
Indonesian field names of the IID profile form and of the OPD list (``Nama
Inovasi``, ``Waktu Penerapan``, ``Nama Perangkat Daerah``, ``Singkatan``). The
accepted headers are data (``aliases/headers.yaml``, ``aliases/skm.yaml``,
``aliases/forms.yaml``); :func:`match_headers` tries, for each header: a mapping
written in ``sources.yaml``; the canonical name; an alias or template label; an
element code (``U8``); the Google Forms timestamp (used only when no other
header is the survey date); an SKM question by its wording; an SKM column by
its answer labels.

Mapping by *name or wording* always wins over a code, a number or a position:
many apps swap U8 and U9 (Sarana at 8, Pengaduan at 9; ``domain.md`` §1.1), and
in the questionnaire question 8 is *sarana* (U9) and question 9 is *pengaduan*
(U8). A column called ``U8 Sarana dan prasarana`` becomes ``u9``; a header that
is only a code (``U8``) is taken at its word, since the file gives nothing else
to go by; question numbers (``P8``, ``8.``) are never read as elements.

Two headers that map to the same column are a problem naming both, with two
exceptions: a mapping written in ``sources.yaml`` wins, and for an identifier a
code (``Kode Unit``) wins over a name (``Nama Unit``, which is then unused).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from innolab_analysis.data.aliases import (
    answer_owners,
    header_key,
    header_lookup,
    normalise_text,
    question_words,
    skm_elements,
    timestamp_headers,
)
from innolab_analysis.data.tables import _SKM_ELEMENTS_2017
from innolab_analysis.errors import DataValidationError, Problem

__all__ = [
    "IDENTIFIER_ALIASES",
    "SKM_ELEMENTS_2017",
    "SKM_ELEMENT_ALIASES",
    "HeaderMatch",
    "match_headers",
    "normalise_header",
    "skm_column_mapping",
    "standardise_skm_columns",
]

SKM_ELEMENTS_2017: tuple[str, ...] = _SKM_ELEMENTS_2017
"""The nine SKM elements of Permen PANRB 14/2017, in regulation order (U1 … U9)."""

normalise_header = normalise_text
"""Reduce a header to lower-case words (see :func:`~innolab_analysis.data.aliases.normalise_text`).

Examples
--------
>>> normalise_header("UNSUR_1")
'unsur 1'
"""


def _element_aliases() -> dict[str, tuple[str, ...]]:
    return {code: el.names for code, el in skm_elements().items()}


SKM_ELEMENT_ALIASES: dict[str, tuple[str, ...]] = _element_aliases()
"""Element names (any case, spacing or punctuation) accepted for ``u1`` … ``u9``."""


def _identifier_aliases() -> dict[str, tuple[str, ...]]:
    from innolab_analysis.data.aliases import _load

    return {k: tuple(v) for k, v in _load("headers.yaml")["skm_responses"].items()}


IDENTIFIER_ALIASES: dict[str, tuple[str, ...]] = _identifier_aliases()
"""Headers accepted for the other SKM columns (``respondent_id``, ``agency_id`` …)."""

_CODE = re.compile(r"^(?:u|unsur)\s*0?(\d{1,2})(?:\s+(.*))?$")
_ID_COLUMNS = frozenset({"agency_id", "respondent_id", "innovation_id", "region_code"})


def _is_code(header: str) -> bool:
    words = header_key(header).split()
    return bool(words) and (
        words[0] in ("kode", "id", "no", "nomor") or words[-1] in ("id", "kode")
    )


@dataclass(frozen=True)
class HeaderMatch:
    """How one source header was mapped to a canonical column.

    ``how`` is ``explicit`` (``sources.yaml``), ``name`` (the canonical name),
    ``alias``, ``code`` (``U8``), ``timestamp`` (Google Forms, ``locale`` id or
    en), ``question`` (an SKM question by its wording) or ``answers`` (an SKM
    column by its answer labels).
    """

    header: str
    canonical: str
    how: str
    locale: str | None = None


def _code_match(key: str, lookup: Mapping[str, str]) -> str | None:
    code = _CODE.match(key)
    if code is None:
        return None
    number, rest = int(code.group(1)), code.group(2)
    if rest:
        by_name = lookup.get(rest)
        if by_name is not None and by_name.startswith("u"):
            return by_name  # the element name wins over the code (the U8/U9 swap)
    return f"u{number}" if 1 <= number <= 14 else None


def _question_match(header: str) -> set[str]:
    words = set(normalise_text(header).split())
    if not (words & question_words() or header.rstrip().endswith("?")):
        return set()
    return {
        code for code, el in skm_elements().items() if any(group <= words for group in el.keywords)
    }


def _answers_match(keys: Iterable[str]) -> set[str]:
    owners = answer_owners()
    found: set[str] = set()
    for key in keys:
        found |= owners.get(key, frozenset())
    return found


def match_headers(
    table: str,
    headers: Iterable[object],
    explicit: Mapping[str, str] | None = None,
    *,
    answers: Callable[[str], Iterable[str]] | None = None,
) -> tuple[dict[str, HeaderMatch], list[Problem]]:
    """Map source headers to the canonical columns of ``table``.

    Parameters
    ----------
    table : str
        A table of the data model.
    headers : iterable
        The source headers, in file order.
    explicit : mapping, optional
        ``sources.yaml`` ``columns``: source header → canonical column (checked
        by the caller); they win over every recognition.
    answers : callable, optional
        ``answers(header)`` → the value keys (:func:`~innolab_analysis.data.aliases.value_key`)
        of that column; used to confirm SKM questions and to recognise SKM
        columns by their answer labels.

    Returns
    -------
    matches : dict
        Source header → :class:`HeaderMatch`, for every header mapped.
    problems : list of Problem
        Two headers claiming the same column, or a question that names two elements.

    Examples
    --------
    >>> m, _ = match_headers("skm_responses", ["Stempel waktu",
    ...     "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"])
    >>> [(x.canonical, x.how) for x in m.values()]
    [('survey_date', 'timestamp'), ('u9', 'question')]
    """
    explicit = dict(explicit or {})
    headers = [str(h) for h in headers]
    lookup = header_lookup(table)
    canon = set(lookup.values())
    is_skm = table == "skm_responses"
    stamps = timestamp_headers() if is_skm else {}
    candidates: dict[str, HeaderMatch] = {}
    stamp_cols: list[HeaderMatch] = []
    problems: list[Problem] = []
    undecided: list[tuple[str, set[str]]] = []
    for header in headers:
        key = header_key(header)
        if header in explicit:
            candidates[header] = HeaderMatch(header, explicit[header], "explicit")
        elif header in canon:
            candidates[header] = HeaderMatch(header, header, "name")
        elif key in lookup:
            candidates[header] = HeaderMatch(header, lookup[key], "alias")
        elif is_skm and (code := _code_match(key, lookup)) is not None:
            candidates[header] = HeaderMatch(header, code, "code")
        elif key in stamps:
            stamp_cols.append(HeaderMatch(header, "survey_date", "timestamp", stamps[key]))
        elif is_skm:
            elements = _question_match(header)
            if answers is not None and elements:
                values = set(answers(header))
                by_answers = _answers_match(values)
                if len(elements) > 1 and len(elements & by_answers) == 1:
                    elements = elements & by_answers
                if not _looks_like_answers(values, elements):
                    continue
            if len(elements) == 1:
                candidates[header] = HeaderMatch(header, elements.pop(), "question")
            elif len(elements) > 1:
                undecided.append((header, elements))
            elif answers is not None:
                by_answers = _answers_match(answers(header))
                if len(by_answers) == 1:
                    candidates[header] = HeaderMatch(header, by_answers.pop(), "answers")
    for header, elements in undecided:
        names = " or ".join(sorted(elements))
        problems.append(
            Problem(
                f"the question {header!r} could be element {names}; say which in sources.yaml "
                f'(columns: {{"{header}": {sorted(elements)[0]}}})',
                column=sorted(elements)[0],
            )
        )
    claims: dict[str, list[HeaderMatch]] = {}
    for m in candidates.values():
        claims.setdefault(m.canonical, []).append(m)
    matches: dict[str, HeaderMatch] = {}
    for canonical, ms in claims.items():
        # sources.yaml wins; for an identifier a code ("Kode Unit") wins over a name ("Nama
        # Unit", left unused); any other two recognised headers for one column are a problem
        strongest = [m for m in ms if m.how == "explicit"] or ms
        if len(strongest) > 1 and canonical in _ID_COLUMNS:
            coded = [m for m in strongest if _is_code(m.header)]
            strongest = coded if len(coded) == 1 else strongest
        if len(strongest) > 1:
            names = " and ".join(repr(m.header) for m in ms)
            problems.append(
                Problem(
                    f"columns {names} both map to '{canonical}'; keep one of them or rename "
                    "the other",
                    column=canonical,
                )
            )
            continue
        matches[strongest[0].header] = strongest[0]
    if stamp_cols and "survey_date" not in claims:
        first = stamp_cols[0]
        matches[first.header] = first
    order = {h: i for i, h in enumerate(headers)}
    return dict(sorted(matches.items(), key=lambda kv: order[kv[0]])), problems


def _looks_like_answers(values: set[str], elements: set[str]) -> bool:
    """A question column holds answers: numbers 0–4 or answer labels, for most values."""
    if not values:
        return True
    from innolab_analysis.data.aliases import answer_lookup

    known = {"0", "1", "2", "3", "4"}
    for code in elements:
        known |= set(answer_lookup(code))
    return sum(v in known for v in values) >= 0.5 * len(values)


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
    columns = list(columns)
    matches, problems = match_headers("skm_responses", [str(c) for c in columns])
    by_text = {str(c): c for c in columns}
    return {by_text[h]: m.canonical for h, m in matches.items()}, problems


def standardise_skm_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename SKM headers to the canonical ``respondent_id``, ``u1`` … ``u9`` names.

    Parameters
    ----------
    df : pandas.DataFrame
        SKM responses with headers as exported (``U1``, ``Unsur 1``,
        ``Persyaratan``, ``ID Responden``, a Google Forms question …). Not modified.

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
    from innolab_analysis.data.aliases import value_key

    def answers(header: str) -> list[str]:
        return [value_key(v) for v in pd.unique(df[header].dropna().astype(str))[:50]]

    matches, problems = match_headers("skm_responses", list(df.columns), answers=answers)
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} ambiguous SKM header(s)")
    renamed = {h: m.canonical for h, m in matches.items() if h != m.canonical}
    return df.rename(columns=renamed), renamed
