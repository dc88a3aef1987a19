"""What a study reads from a loaded study: its tables, the units' names, the source recognitions.

A study function takes a :class:`~innolab_analysis.data.Study` or, in tests and
scripts, a plain mapping of table name to DataFrame; these helpers read either
the same way, so a study never needs to know which it got.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "RECOGNITION_COLUMNS",
    "agency_names",
    "demo_study",
    "recognitions",
    "study_table",
]

RECOGNITION_COLUMNS: tuple[str, ...] = (
    "table",
    "source",
    "kind",
    "source_value",
    "canonical",
    "n_rows",
)
"""Fields of one source recognition record (what the loader mapped to what, in how many rows).

Assumed shape of ``study.recognitions`` (added by the data layer): a sequence
of records — objects with these attributes, or mappings with these keys —
where ``table`` is a table of the data model, ``source`` the file (or sheet,
or query) read, ``kind`` what was recognised (``"column"``: a source header
taken as a data-model column; ``"value"``: a source value taken as an allowed
value; ``"derived"``: a column the source lacks, made from others;
``"header_row"``: the header found below title rows; ``"unit_name"``: units
given by name matched to the agencies), ``source_value`` what the source
holds, ``canonical`` what it became and ``n_rows`` the rows concerned.
"""


def study_table(study: Any, name: str) -> pd.DataFrame | None:
    """Table ``name`` of a :class:`~innolab_analysis.data.Study` or of a mapping (None if absent).

    Examples
    --------
    >>> study_table({"agencies": pd.DataFrame({"agency_id": ["a"]})}, "agencies").shape
    (1, 1)
    >>> study_table({}, "readiness") is None
    True
    """
    if isinstance(study, Mapping):
        return study.get(name)
    return getattr(study, name, None)


def agency_names(study: Any) -> dict[str, str]:
    """``agency_id → name`` from the study's ``agencies`` table (empty when it has none).

    Examples
    --------
    >>> agency_names({"agencies": pd.DataFrame({"agency_id": ["a"], "name": ["Dinas A"]})})
    {'a': 'Dinas A'}
    """
    agencies = study_table(study, "agencies")
    if agencies is None or "name" not in agencies.columns:
        return {}
    return dict(zip(agencies["agency_id"].astype(str), agencies["name"].astype(str)))


def _field(record: Any, name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def recognitions(study: Any) -> pd.DataFrame | None:
    """The source recognitions of a study as a table (None when the study records none).

    Reads ``study.recognitions`` (or the ``"recognitions"`` entry of a
    mapping), a sequence of records with the fields of
    :data:`RECOGNITION_COLUMNS`.

    Examples
    --------
    >>> rec = {"table": "skm_responses", "source": "form.csv", "kind": "column",
    ...        "source_value": "Stempel waktu", "canonical": "survey_date", "n_rows": 120}
    >>> recognitions({"recognitions": [rec]})[["source_value", "canonical", "n_rows"]].values.tolist()
    [['Stempel waktu', 'survey_date', 120]]
    >>> recognitions({}) is None
    True
    """
    records = (
        study.get("recognitions")
        if isinstance(study, Mapping)
        else getattr(study, "recognitions", None)
    )
    if not records:
        return None
    rows = [{c: _field(r, c) for c in RECOGNITION_COLUMNS} for r in records]
    frame = pd.DataFrame(rows, columns=list(RECOGNITION_COLUMNS))
    frame["n_rows"] = pd.to_numeric(frame["n_rows"], errors="coerce").astype("Int64")
    for c in RECOGNITION_COLUMNS[:-1]:
        frame[c] = frame[c].astype("str")
    return frame


@lru_cache(maxsize=1)
def demo_study():
    """The shipped demo study (``data/demo`` of the repository), loaded once.

    Used by the results' ``_example()`` for the contract tests.
    """
    from innolab_analysis.data.study import load_study

    return load_study(Path(__file__).resolve().parents[2] / "data" / "demo")
