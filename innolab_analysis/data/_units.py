"""Units named by name or abbreviation instead of their id, matched against the agencies table.

A Google Form asks "Unit Layanan" and gets "Dinas Kependudukan dan Pencatatan
Sipil"; an innovation register writes "Disdukcapil". :func:`resolve_units`
replaces such values by the unit's ``agency_id`` when they match, ignoring case,
spacing and punctuation (and the city's name after the unit's: "Dinas Kesehatan
Kota Batu"), and reports each match. Values that match nothing stay as they are;
the check across tables then names them with a "did you mean" (:func:`unit_hint`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from innolab_analysis.data.aliases import value_key

__all__ = ["resolve_units", "unit_hint", "unit_keys"]


def unit_keys(agencies: pd.DataFrame) -> dict[str, str]:
    """Normalised id, name and abbreviation (with and without the city) → agency_id.

    Keys two units share are left out (they cannot decide).

    Examples
    --------
    >>> ag = pd.DataFrame({"agency_id": ["DINKES"], "name": ["Dinas Kesehatan"],
    ...                    "abbreviation": ["Dinkes"], "city": ["Kota Batu"]})
    >>> sorted(unit_keys(ag).items())
    [('dinas kesehatan', 'DINKES'), ('dinas kesehatan kota batu', 'DINKES'), ('dinkes', 'DINKES'), ('dinkes kota batu', 'DINKES')]
    """
    keys: dict[str, set[str]] = {}
    for row in agencies.itertuples(index=False):
        aid = str(row.agency_id)
        city = value_key(getattr(row, "city", "") or "")
        for text in (aid, getattr(row, "name", None), getattr(row, "abbreviation", None)):
            if not isinstance(text, str) or not text.strip():
                continue
            key = value_key(text)
            keys.setdefault(key, set()).add(aid)
            if city and key.endswith(" " + city):
                keys.setdefault(key[: -len(city) - 1], set()).add(aid)
            elif city:
                keys.setdefault(f"{key} {city}", set()).add(aid)
    return {k: next(iter(v)) for k, v in keys.items() if len(v) == 1}


def resolve_units(values: pd.Series, agencies: pd.DataFrame) -> tuple[pd.Series, dict[str, str]]:
    """Replace unit names and abbreviations by their ``agency_id``.

    Returns the new values and the matches made (value as written → agency_id).

    Examples
    --------
    >>> ag = pd.DataFrame({"agency_id": ["DINKES", "DISDUK"], "name": ["Dinas Kesehatan",
    ...     "Dinas Kependudukan dan Pencatatan Sipil"], "city": ["Kota Batu"] * 2})
    >>> out, used = resolve_units(pd.Series(["DINKES", "dinas kesehatan kota batu",
    ...     "Dinas Kependudukan & Pencatatan Sipil"]), ag)
    >>> out.tolist(), used
    (['DINKES', 'DINKES', 'DISDUK'], {'dinas kesehatan kota batu': 'DINKES', 'Dinas Kependudukan & Pencatatan Sipil': 'DISDUK'})
    """
    ids = set(agencies["agency_id"].dropna().astype(str))
    present = values.dropna()
    unknown = [v for v in pd.unique(present) if str(v) not in ids]
    if not unknown:
        return values, {}
    keys = unit_keys(agencies)
    used = {}
    for v in unknown:
        aid = keys.get(value_key(v))
        if aid is not None:
            used[str(v)] = aid
    if not used:
        return values, {}
    out = values.map(lambda v: used.get(v, v) if isinstance(v, str) else v).astype(values.dtype)
    return out, used


def unit_hint(
    table: str, unknown: list[str], agencies: pd.DataFrame, names: Mapping[str, str] | None = None
) -> str:
    """A "did you mean" for unknown units, and the ``sources.yaml`` lines that would map them."""
    keys = unit_keys(agencies)
    label = {
        aid: f"{aid} ({name})"
        for aid, name in zip(agencies["agency_id"].astype(str), agencies["name"].astype(str))
    }
    guesses = {}
    means = []
    for v in unknown[:5]:
        close = difflib.get_close_matches(value_key(v), list(keys), n=1, cutoff=0.75)
        if close:
            aid = keys[close[0]]
            guesses[v] = aid
            means.append(f"'{v}' → {label.get(aid, aid)}?")
    text = f"; did you mean {', '.join(means)}" if means else ""
    pairs = ", ".join(f'"{v}": {guesses.get(v, "<agency_id>")}' for v in unknown[:5])
    return text + f"; or map them in sources.yaml: {table}: {{values: {{agency_id: {{{pairs}}}}}}}"


def count_by_source(values: pd.Series, value: str, source: np.ndarray, labels) -> dict[str, int]:
    """Rows holding ``value``, per source label."""
    hit = (values == value).to_numpy(dtype=bool, na_value=False)
    counts = np.bincount(source[hit], minlength=len(labels))
    return {labels[i]: int(c) for i, c in enumerate(counts) if c}
