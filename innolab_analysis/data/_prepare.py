"""From one source as read to the table's columns: headers, values, derived columns, types.

:func:`prepare_source` applies a source's ``sources.yaml`` mapping and every
recognition the alias tables allow (``aliases/*.yaml``), in this order:

1. headers → canonical columns (:func:`~innolab_analysis.data.headers.match_headers`);
   other columns are kept, unused and private;
2. values: the ``values`` of ``sources.yaml``, SPSS/Stata value labels, then the
   recognised ones — SKM answer labels → 1–4 (a 0 in an export = no answer),
   category and true/false words, education levels, age bands;
3. columns the source lacks: ``derive`` rules, then generated ids, unit ids
   from abbreviations or names, unit kinds from names, the study's city, and
   blank for columns that may be blank;
4. rows sent twice (a Google Form submitted twice) and the template's example row;
5. conversion to the declared types, with the source's row numbers in every message.

Each recognition is recorded (:class:`~innolab_analysis.data.recognition.Recognition`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from innolab_analysis.data._readers import RawTable
from innolab_analysis.data._validate import (
    BLANKS,
    SHOWN,
    Where,
    _object_text,
    convert_column,
    date_order_problems,
    missing_column,
    rows_problem,
)
from innolab_analysis.data._yaml import quoted
from innolab_analysis.data.aliases import (
    answer_lookup,
    answer_owners,
    kind_prefixes,
    skm_elements,
    value_key,
    value_lookup,
)
from innolab_analysis.data.headers import HeaderMatch, match_headers
from innolab_analysis.data.recognition import Recognition
from innolab_analysis.data.sources import ID_COLUMNS, Derive, Source
from innolab_analysis.data.tables import TableSpec
from innolab_analysis.errors import Problem

__all__ = ["Prepared", "prepare_source", "yaml_values_hint"]

ELEMENT_COLUMNS = tuple(f"u{i}" for i in range(1, 15))
_LOCALE_WORDS = {"id": "Indonesian locale, day first", "en": "English locale"}
_BAND = re.compile(
    r"[-–<>≤≥+]|s\.?\s?d\.?|s/d|sampai|ke atas|keatas|di ?atas|di ?bawah|kurang dari|lebih dari"
)
_YEARS = re.compile(r"\s*(tahun|thn|th|years?|yrs?)\.?\s*$", re.IGNORECASE)


@dataclass
class Prepared:
    """One source, mapped and converted; ``frame`` is None when nothing could be read."""

    label: str
    frame: pd.DataFrame | None
    rows: np.ndarray
    recognitions: list[Recognition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    template_only: bool = False


def yaml_values_hint(table: str, column: str, values: list[str], guess: Mapping[str, str]) -> str:
    """The ``sources.yaml`` lines that would map ``values`` of ``table.column``.

    Examples
    --------
    >>> yaml_values_hint("skm_responses", "gender", ["Cowok"], {"Cowok": "L"})
    '; to map them, write in sources.yaml: skm_responses: {values: {gender: {"Cowok": L}}}'
    """
    # each value as a YAML double-quoted scalar (JSON's escapes are YAML's): quotes, backslashes
    # and control characters in a value still give lines that parse and map that very value;
    # a key longer than YAML allows for an implicit key (1024 characters) is an explicit one
    pairs = ", ".join(
        ("? " if len(quoted(v)) > 1000 else "")
        + f"{quoted(v)}: {guess.get(v, '<canonical value>')}"
        for v in values[:SHOWN]
    )
    return f"; to map them, write in sources.yaml: {table}: {{values: {{{column}: {{{pairs}}}}}}}"


def _text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (NA for blanks and non-text natives stay their text)."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        out = s.str.strip()
    else:
        out = s.map(_cell_text).astype("str")
    return out.mask(out.str.lower().isin(BLANKS).fillna(False).astype(bool))


def _cell_text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
        return None
    return v.strip() if isinstance(v, str) else _object_text(v)


def _distinct_keys(s: pd.Series, limit: int = 200) -> list[str]:
    if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        values = pd.unique(s.dropna())[:limit]
        return [_cell_text(v) or "" for v in values]
    uniq = pd.unique(s.dropna())[:limit]
    return [value_key(v) for v in uniq]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "src"


def _has_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s.dtype)


def _map_values(
    s: pd.Series, lookup: Mapping[str, object]
) -> tuple[pd.Series, dict[str, tuple[object, int]]]:
    """Replace cells whose value key is in ``lookup``.

    Returns the new column and the mapping used: the most frequent spelling of
    each value (all spellings of one value counted together) → (target, rows).
    """
    if not _has_text(s) or not lookup:
        return s, {}
    counts = s.value_counts(dropna=True)
    by_key: dict[str, list] = {}
    repl: dict[object, object] = {}
    for value, n in counts.items():
        if not isinstance(value, str):
            continue
        key = value_key(value)
        if key in lookup:
            target = lookup[key]
            if value != target:
                repl[value] = target
                entry = by_key.setdefault(key, [value, target, 0])
                entry[2] += int(n)
    if not repl:
        return s, {}
    out = s.astype(object).map(lambda v: repl.get(v, v) if isinstance(v, str) else v)
    return out, {spelling.strip(): (target, n) for spelling, target, n in by_key.values()}


def prepare_source(
    raw: RawTable,
    source: Source,
    spec: TableSpec,
    *,
    city: str | None = None,
) -> Prepared:
    """Map and convert one source of ``spec`` (see the module docstring)."""
    table = spec.name
    label = raw.file
    rows = raw.rows if len(raw.rows) == len(raw.frame) else np.arange(len(raw.frame)) + 2
    where = Where(label, rows)
    out = Prepared(label=label, frame=None, rows=rows)
    recs = out.recognitions

    def note(kind: str, found: str, became: str, n: int, column: str | None = None) -> None:
        recs.append(Recognition(table, label, kind, str(found), str(became), int(n), column))

    for kind, found, became, n in raw.notes:
        note(kind, found, became, n)
    frame = raw.frame
    headers = [str(c) for c in frame.columns]

    # ---- 1. headers
    explicit = dict(source.columns)
    for header in list(explicit):
        if header not in headers:
            close = difflib.get_close_matches(header, headers, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            out.problems.append(
                Problem(
                    f"sources.yaml ({source.entry}) maps the column {header!r}, but the source "
                    f"has no such header (headers: {', '.join(repr(h) for h in headers)}){hint}",
                    file=label,
                    column=explicit[header],
                )
            )
            del explicit[header]

    def answers(header: str) -> list[str]:
        return _distinct_keys(frame[header])

    matches, clashes = match_headers(table, headers, explicit, answers=answers)
    out.problems += [Problem(p.message, file=label, column=p.column) for p in clashes]
    if raw.labels:
        rest = [h for h in headers if h not in matches and raw.labels.get(h)]
        by_label = {raw.labels[h]: h for h in rest}
        taken = {m.canonical for m in matches.values()}
        found, _ = match_headers(table, list(by_label), answers=lambda lb: answers(by_label[lb]))
        for text, m in found.items():
            if m.canonical not in taken:
                h = by_label[text]
                matches[h] = HeaderMatch(h, m.canonical, m.how, m.locale)
                note("column", f"{h} (label {text!r})", m.canonical, len(frame))
    locale = None
    for h, m in matches.items():
        if m.how in ("alias", "code"):
            note("column", h, m.canonical, len(frame))
        elif m.how == "question":
            note("question", h, m.canonical, len(frame))
        elif m.how == "answers":
            note("answers", h, m.canonical, len(frame))
        elif m.how == "timestamp":
            locale = m.locale
            note("timestamp", h, f"survey_date ({_LOCALE_WORDS[m.locale]})", len(frame))
    if clashes:
        return out
    renamed = frame.rename(columns={h: m.canonical for h, m in matches.items()})
    declared = set(spec.names)
    unused = [h for h in headers if h not in matches and h not in declared]
    out.unused = unused
    for h in unused:
        note("unused", h, "", int(frame[h].notna().sum()))
    how = {m.canonical: m.how for m in matches.values()}
    how.update({c: "name" for c in renamed.columns if c in declared and c not in how})
    columns: dict[str, pd.Series] = {c: renamed[c] for c in renamed.columns if c in declared}

    # ---- 2. values
    for c, col in list(columns.items()):
        codes = raw.value_labels.get(matches_header(matches, c) or c)
        if codes and c not in ELEMENT_COLUMNS:
            mapped = col.map(lambda v, codes=codes: codes.get(v, v))
            changed = int((mapped.astype(object) != col.astype(object)).sum())
            if changed:
                columns[c] = mapped.astype(object)
                shown = ", ".join(f"{_cell_text(k)} = {v}" for k, v in list(codes.items())[:6])
                note("value_labels", shown, c, changed, c)
    for c, mapping in source.values.items():
        if c not in columns:
            continue
        lookup = {value_key(k): (pd.NA if v is None else str(v)) for k, v in mapping.items()}
        columns[c], _ = _map_values(columns[c], lookup)
    hints: dict[str, str] = {}
    for c in list(columns):
        col = columns[c]
        cspec = spec.column(c)
        if table == "skm_responses" and c in ELEMENT_COLUMNS:
            # a 0 means "no answer" in exports (any header but the data model's own, or a
            # source written in sources.yaml); in a file of the data model it is out of range
            export = how.get(c, "name") != "name" or source.declared
            columns[c] = _answers(col, c, export, where, out, note)
        elif table == "skm_responses" and c in ("age", "age_band"):
            columns.update(_ages(columns, c, note))
        elif cspec.dtype in ("category", "bool") or c == "education":
            lookup = value_lookup(table, c)
            columns[c], used = _map_values(col, lookup)
            for value, (target, n) in used.items():
                if value_key(value) != value_key(target) or cspec.dtype == "bool":
                    note("value", value, target, n, c)
            if cspec.dtype in ("category", "bool"):
                hints[c] = _unknown_hint(table, c, columns[c], lookup)

    # ---- 3. columns the source lacks
    for c, rule in source.derive.items():
        columns[c] = _derive(c, rule, columns, renamed, frame, source, rows, out, note)
    header_at = next((found for kind, found, _, _ in raw.notes if kind == "header_row"), None)
    _automatic(
        spec, columns, unused, renamed, source, rows, city, out, note, label, headers, header_at
    )

    # ---- 4. example row of a template, rows sent twice
    from innolab_analysis.data.templates import example_row_positions

    example = example_row_positions(table, columns)
    if example is not None:
        if len(example) == len(frame):
            recs.clear()
            note("template", "the template's example row only", "table left out", len(frame))
            out.template_only = True
            out.unused = []
            return out
        out.problems.append(
            Problem(
                "is still the template's example row; replace it with your data or delete it",
                file=label,
                rows=tuple(int(rows[i]) for i in example),
            )
        )
    keep = _repeated_rows(table, frame, columns, how, source, rows, out, note, label)
    if keep is not None:
        columns = {c: s[keep].reset_index(drop=True) for c, s in columns.items()}
        frame = frame.loc[keep].reset_index(drop=True)
        rows = rows[keep]
        where = Where(label, rows)
        out.rows = rows

    # ---- 5. types
    converted: dict[str, pd.Series] = {}
    for cspec in spec.columns:
        if cspec.name not in columns:
            continue
        order = source.date_order
        values, found, notes = convert_column(
            columns[cspec.name].reset_index(drop=True),
            cspec,
            where,
            raw.decimal,
            order=order,
            locale=locale if how.get(cspec.name) == "timestamp" else None,
            hint=hints.get(cspec.name, ""),
        )
        out.problems += found
        converted[cspec.name] = values
        for kind, found_as, column, n in notes:
            note(kind, found_as, column, n, column)
    result = pd.DataFrame(converted)
    for h in unused:
        result[h] = frame[h].reset_index(drop=True)
    if table == "innovations":
        out.problems += date_order_problems(result, where)
    out.frame = result
    position = {c: i for i, c in enumerate(spec.names)}
    out.problems.sort(key=lambda p: position.get(p.column, -1))
    return out


def matches_header(matches: Mapping[str, HeaderMatch], canonical: str) -> str | None:
    for h, m in matches.items():
        if m.canonical == canonical:
            return h
    return None


def _unknown_hint(table: str, column: str, col: pd.Series, lookup: Mapping[str, str]) -> str:
    if not _has_text(col):
        return ""
    values = [v for v in pd.unique(col.dropna()) if isinstance(v, str)]
    allowed = set(lookup.values())
    unknown = [
        v
        for v in values
        if v.strip() and v.strip() not in allowed and v.strip().lower() not in BLANKS
    ]
    if not unknown:
        return ""
    guess = {}
    for v in unknown:
        close = difflib.get_close_matches(value_key(v), list(lookup), n=1, cutoff=0.6)
        if close:
            guess[v] = lookup[close[0]]
    return yaml_values_hint(table, column, unknown, guess)


def _answers(
    col: pd.Series, code: str, export: bool, where: Where, out: Prepared, note
) -> pd.Series:
    """SKM answer labels → 1–4; a 0 in an export → no answer; unknown labels → a problem."""
    result = col
    if _has_text(col) and code in skm_elements():
        lookup = {k: str(v) for k, v in answer_lookup(code).items()}
        result, used = _map_values(col, lookup)
        for value, (score, n) in sorted(used.items(), key=lambda kv: kv[1][0]):
            note("answer", value, score, n, code)
        text = _text(result)
        numeric = text.str.fullmatch(r"[+-]?\d+(?:[.,]0+)?").fillna(False).astype(bool)
        unknown = (text.notna() & ~numeric).to_numpy(dtype=bool)
        if unknown.any():
            out.problems.append(_answer_problem(code, unknown, col, where, text))
            result = result.mask(unknown)
    if export:
        zero = _zeros(result)
        if zero.any():
            note("missing_zero", "0", "no answer", int(zero.sum()), code)
            result = result.mask(zero)
    return result


def _zeros(s: pd.Series) -> np.ndarray:
    if _has_text(s):
        return _text(s).str.fullmatch(r"0+(?:[.,]0+)?").fillna(False).to_numpy(dtype=bool)
    return pd.to_numeric(s, errors="coerce").eq(0).fillna(False).to_numpy(dtype=bool)


def _answer_problem(code: str, unknown: np.ndarray, col: pd.Series, where: Where, text) -> Problem:
    el = skm_elements()[code]
    labels = ", ".join(f"{k} = {v}" for k, v in _labels_as_written(code).items())
    values = list(dict.fromkeys(text[unknown].tolist()))
    others = []
    owners = answer_owners()
    for v in values[:SHOWN]:
        own = owners.get(value_key(v), frozenset()) - {code}
        if own and value_key(v) not in answer_lookup(code):
            others.append(f"'{v}' is an answer of {'/'.join(sorted(own))}")
    guess = {}
    for v in values:
        close = difflib.get_close_matches(value_key(v), list(answer_lookup(code)), n=1, cutoff=0.7)
        if close:
            guess[v] = str(answer_lookup(code)[close[0]])
    hint = yaml_values_hint("skm_responses", code, values, guess).replace(
        "<canonical value>", "<1–4>"
    )
    extra = f" ({'; '.join(others)}: is this column really {code}?)" if others else ""
    return rows_problem(
        unknown,
        col,
        f"{{n}} value{{s}} {{is_are}} not an answer of {code} ({el.names[0]})",
        suffix=extra + hint,
        file=where,
        column=code,
        allowed=f"1–4, or the labels {labels}",
    )


def _labels_as_written(code: str) -> dict[str, int]:
    from innolab_analysis.data.aliases import _load

    return dict(_load("skm.yaml")["elements"][code]["answers"])


def _ages(columns: dict[str, pd.Series], c: str, note) -> dict[str, pd.Series]:
    """Ages written as '35 tahun' → 35; bands ('20-29 tahun', '< 20') → age_band."""
    col = columns[c]
    if not _has_text(col):
        return {}
    text = _text(col)
    stripped = text.str.replace(_YEARS, "", regex=True).str.strip()
    is_band = stripped.str.contains(_BAND, regex=True).fillna(False).astype(bool)
    updates: dict[str, pd.Series] = {}
    if c == "age":
        is_year = stripped.str.fullmatch(r"\d+").fillna(False).astype(bool)
        years = stripped.where(is_year)
        suffixed = int((is_year & text.ne(stripped).fillna(False)).sum())
        if suffixed:
            note("value", "ages written with 'tahun'", "years", suffixed, "age")
        if is_band.any():
            shown = ", ".join(list(dict.fromkeys(text[is_band].tolist()))[:5])
            note("age_band", shown, "age_band", int(is_band.sum()), "age")
            updates["age_band"] = stripped.where(is_band).map(_band, na_action="ignore")
            updates["age"] = text.where(~is_band & ~is_year, years)
        elif suffixed:
            updates["age"] = text.where(~is_year, years)
        return updates
    updates["age_band"] = stripped.map(_band, na_action="ignore")
    return updates


def _band(text: str) -> str:
    t = " ".join(text.replace("–", "-").split()).lower()
    nums = re.findall(r"\d+", t)
    if len(nums) >= 2:
        return f"{nums[0]}–{nums[1]}"
    if len(nums) == 1:
        n = nums[0]
        if re.search(r"<|kurang dari|di ?bawah", t):
            return f"<{n}"
        if re.search(r"≤", t):
            return f"≤{n}"
        if re.search(r"≥|ke ?atas|\+", t):
            return f"≥{n}"
        if re.search(r">|lebih dari|di ?atas", t):
            return f">{n}"
    return text


def _generated_ids(source: Source, rows: np.ndarray) -> pd.Series:
    prefix = source.id_prefix or _slug(source.label.rsplit(".", 1)[0])
    return pd.Series([f"{prefix}-{int(r):06d}" for r in rows], dtype="str")


def _derive(
    c: str, rule: Derive, columns, renamed, frame, source: Source, rows, out: Prepared, note
) -> pd.Series:
    n = len(frame)
    if rule.rule == "generated":
        ids = _generated_ids(source, rows)
        note("generated_id", f"{ids.iloc[0]} …", c, n, c)
        return ids
    if rule.rule == "blank":
        note("blank", c, "", n, c)
        return pd.Series([None] * n, dtype=object)
    if rule.rule == "value":
        note("constant", str(rule.arg), c, n, c)
        return pd.Series([rule.arg] * n, dtype=object)
    arg = str(rule.arg)
    if arg in columns:
        note("derived", arg, c, n, c)
        return columns[arg].copy()
    if arg in frame.columns:
        note("derived", arg, c, n, c)
        return frame[arg].reset_index(drop=True).copy()
    out.problems.append(
        Problem(
            f"sources.yaml ({source.entry}) derives '{c}' from {arg!r}, which is neither a "
            f"column nor a header of the source (headers: {', '.join(repr(h) for h in frame.columns)})",
            file=source.label,
            column=c,
        )
    )
    return pd.Series([None] * n, dtype=object)


def _automatic(
    spec: TableSpec,
    columns,
    unused,
    renamed,
    source,
    rows,
    city,
    out,
    note,
    label,
    headers,
    header_at=None,
):
    table = spec.name
    n = len(renamed)

    def typo(col: str) -> bool:
        """An unused header that looks like a misspelling of ``col``: never derive it then."""
        return "misspelling" in missing_column(col, headers, unused, label).message

    id_col = ID_COLUMNS.get(table)
    if id_col and id_col not in columns and not typo(id_col):
        ids = _generated_ids(source, rows)
        columns[id_col] = ids
        note("generated_id", f"{ids.iloc[0]} …", id_col, n, id_col)
    if table == "agencies":
        if "agency_id" not in columns and not typo("agency_id"):
            base = None
            for c in ("abbreviation", "name"):
                if c in columns:
                    text = _text(columns[c])
                    if text.notna().all() and not text.duplicated().any():
                        base = c
                        break
            if base is not None:
                ids = _text(columns[base])
                ids = ids.map(_slug) if base == "name" else ids.map(lambda a: _slug(a).upper())
                columns["agency_id"] = ids
                note("derived", base, "agency_id", n, "agency_id")
        if "kind" not in columns and "name" in columns and not typo("kind"):
            columns["kind"] = _kinds(_text(columns["name"]), note)
        if "city" not in columns and city and not typo("city"):
            columns["city"] = pd.Series([city] * n, dtype=object)
            note("constant", f"{city} (city in sources.yaml)", "city", n, "city")
    for cspec in spec.columns:
        if cspec.name in columns or not cspec.required:
            continue
        close_typo = missing_column(cspec.name, headers, unused, label)
        if cspec.nullable and cspec.fill_blank and "misspelling" not in close_typo.message:
            columns[cspec.name] = pd.Series([None] * n, dtype=object)
            note("blank", cspec.name, "", n, cspec.name)
            continue
        pcodes = []
        if table == "skm_responses" and cspec.name in ELEMENT_COLUMNS:
            pattern = r"(?i)p\s*0?\d{1,2}|pertanyaan\s*\d{1,2}|q\s*\d{1,2}"
            pcodes = [h for h in unused if re.fullmatch(pattern, h.strip())]
        candidates = [h for h in unused if h not in pcodes]
        message = missing_column(
            cspec.name, headers, candidates, label, table=table, spec=cspec
        ).message
        if pcodes:
            message += (
                f"; {', '.join(repr(p) for p in pcodes[:9])} are question numbers, which do "
                "not say the element (question 8 is sarana = u9, question 9 is pengaduan = "
                'u8): map them in sources.yaml by their wording, e.g. columns: {"P1": u1}'
            )
        if cspec.name == "city" and table == "agencies":
            message += "; or write the city once at the top of sources.yaml: city: Kota …"
        if cspec.name == "agency_id" and table == "agencies":
            message += "; or add an abbreviation (Singkatan) or name column: ids are made from it"
        if header_at:
            message += (
                f"; the header was taken from {header_at.split(';')[0]} ({header_at.split('; ', 1)[-1]})"
                ": if the column names are on another row, give header_row in sources.yaml"
            )
        out.problems.append(Problem(message, file=label, column=cspec.name))


def _kinds(names: pd.Series, note) -> pd.Series:
    prefixes = kind_prefixes()
    kinds = []
    counts: dict[tuple[str, str], int] = {}
    for name in names:
        if not isinstance(name, str):
            kinds.append(None)
            continue
        key = value_key(name)
        found = None
        for prefix, kind in prefixes:
            if key == prefix or key.startswith(prefix + " "):
                found = kind
                counts[(prefix, kind)] = counts.get((prefix, kind), 0) + 1
                break
        kinds.append(found if found is not None else name)
    for (prefix, kind), k in counts.items():
        note("derived", f"name starts with '{prefix}'", f"kind {kind}", k, "kind")
    return pd.Series(kinds, dtype=object)


def _repeated_rows(table, frame, columns, how, source, rows, out, note, label) -> np.ndarray | None:
    """Rows sent twice (same timestamp and answers) in a source without respondent ids."""
    if table != "skm_responses" or how.get("respondent_id", "generated") != "generated":
        return None
    if "respondent_id" in how and how["respondent_id"] != "generated":
        return None
    if how.get("survey_date") != "timestamp" and not _has_time(frame, columns):
        return None
    hashes = pd.util.hash_pandas_object(frame.astype("str"), index=False)
    dup = hashes.duplicated(keep="first").to_numpy(dtype=bool)
    if not dup.any():
        return None
    if source.drop_duplicates:
        note(
            "duplicates_dropped",
            f"{int(dup.sum())} row(s) identical to an earlier row",
            "dropped",
            int(dup.sum()),
        )
        return ~dup
    positions = np.flatnonzero(dup)
    first_at = {h: i for i, h in reversed(list(enumerate(hashes)))}
    firsts = [int(rows[first_at[hashes.iloc[p]]]) for p in positions[:SHOWN]]
    out.problems.append(
        Problem(
            f"{len(positions)} row(s) repeat an earlier row exactly (same time of submission and "
            f"the same answers: a form sent twice?), first seen on row(s) "
            f"{', '.join(str(r) for r in firsts)}; delete the copies, or write "
            f"drop_duplicates: true for this source in sources.yaml",
            file=label,
            rows=tuple(int(rows[p]) for p in positions[:SHOWN]),
        )
    )
    return None


def _has_time(frame: pd.DataFrame, columns) -> bool:
    if "survey_date" not in columns:
        return False
    s = columns["survey_date"]
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return bool((s.dropna() != s.dropna().dt.normalize()).any())
    if _has_text(s):
        return bool(
            _text(s).str.contains(r"\d{1,2}[:.]\d{2}[:.]\d{2}", regex=True).fillna(False).any()
        )
    return False
