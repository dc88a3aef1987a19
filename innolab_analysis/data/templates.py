"""Excel templates of a new study, and ``innolab init``.

:func:`init_study` creates a study folder: ``data/`` with one Excel template
per table (a header row in the study's language, an example row, drop-down
lists for the allowed values, and a second sheet that explains every column
from the data dictionary), a commented ``data/sources.yaml`` and a parameter
file ``params.yaml`` that validates as soon as the templates are filled.

The header labels, descriptions and drop-down values come from the message
catalog (``l10n/messages/data.yaml``); the loader recognises all of them, so a
filled template loads without configuration. A template whose only row is the
example is left out of the study (and reported); an example row left among real
rows is a problem.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["EXAMPLES", "example_row_positions"]

EXAMPLES: dict[str, dict[str, str]] = {
    "agencies": {
        "agency_id": "DISDUKCAPIL",
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "abbreviation": "Disdukcapil",
        "kind": "dinas",
        "city": "Kota Contoh",
        "cluster": "administrasi kependudukan",
        "established_on": "",
    },
    "innovations": {
        "innovation_id": "INOV-001",
        "agency_id": "DISDUKCAPIL",
        "title": "Layanan Adminduk Keliling",
        "origin": "original",
        "form": "pelayanan_publik",
        "digital": "false",
        "iid_stage": "penerapan",
        "labinov_stage": "",
        "proposed_on": "2019-01-15",
        "trial_on": "2019-03-01",
        "launched_on": "2019-07-01",
        "discontinued_on": "",
        "beneficiaries_direct": "1200",
        "beneficiaries_indirect": "",
    },
    "skm_responses": {
        "respondent_id": "R-0001",
        "agency_id": "DISDUKCAPIL",
        "service": "KTP-el",
        "survey_date": "2024-03-01",
        **{f"u{i}": str(v) for i, v in enumerate([3, 3, 4, 4, 3, 3, 4, 3, 3], start=1)},
        "gender": "P",
        "age": "34",
        "education": "SMA",
    },
    "service_indicators": {
        "agency_id": "DISDUKCAPIL",
        "period": "2024-01-01",
        "indicator": "processing_days",
        "value": "3.5",
        "unit": "days",
    },
    "readiness": {
        "agency_id": "DISDUKCAPIL",
        "assessed_on": "2024-02-01",
        "dimension": "leadership_commitment",
        "indicator": "",
        "score": "3",
    },
    "regions": {
        "region_code": "3576",
        "region_name": "Kota Mojokerto",
        "kind": "kota",
        "year": "2024",
        "pdrb_adhb": "8750.5",
        "pdrb_adhk": "6120.25",
        "population": "135000",
        "ipm": "",
        "ipm_method": "",
        "distance_km": "",
        "travel_time_min": "",
    },
    "pdrb_sectors": {
        "region_code": "3576",
        "year": "2024",
        "sector": "G",
        "pdrb_adhb": "2000.5",
        "pdrb_adhk": "1500.25",
    },
}
"""The example row of each template, as the canonical text of each column."""


def _same(value: object, example: str) -> bool:
    from innolab_analysis.data.aliases import value_key

    if value is None or (isinstance(value, float) and value != value):
        return example == ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        value = pd.Timestamp(value).strftime("%Y-%m-%d")
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    return value_key(value) == value_key(example)


def example_row_positions(table: str, columns: Mapping[str, pd.Series]) -> list[int] | None:
    """Positions of rows that are still the template's example row (None when there are none).

    Only the identifier and two more columns need to match, so a template whose
    example was edited is not mistaken for it.
    """
    example = EXAMPLES.get(table)
    if example is None:
        return None
    keys = [c for c in example if c in columns and example[c]]
    if len(keys) < 3:
        return None
    n = len(next(iter(columns.values())))
    found = [
        i for i in range(min(n, 3)) if all(_same(columns[c].iloc[i], example[c]) for c in keys)
    ]
    return found or None
