"""A small valid study, written by hand, for the loader tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

# the export builders (tests/data/exports.py) are imported by the tests as `exports`
sys.path.insert(0, str(Path(__file__).resolve().parent))

AGENCIES = pd.DataFrame(
    {
        "agency_id": ["DISDUK", "RSUD", "KEC_KRG"],
        "name": [
            "Dinas Kependudukan dan Pencatatan Sipil",
            "RSUD dr. Wahidin",
            "Kecamatan Kranggan",
        ],
        "kind": ["dinas", "rsud", "kecamatan"],
        "city": ["Kota Mojokerto"] * 3,
        "cluster": ["administrasi kependudukan", "kesehatan", ""],
        "established_on": ["", "", "2016-06-20"],
    }
)

INNOVATIONS = pd.DataFrame(
    {
        "innovation_id": ["INV1", "INV2"],
        "agency_id": ["DISDUK", "RSUD"],
        "title": ["Palapa Mojo", "Kencana Mojo"],
        "origin": ["original", "adaptation"],
        "form": ["pelayanan_publik", "pelayanan_publik"],
        "digital": ["true", "false"],
        "iid_stage": ["penerapan", "uji_coba"],
        "labinov_stage": ["deliver", ""],
        "proposed_on": ["2018-04-02", "2019-01-15"],
        "trial_on": ["2018-06-01", "2019-03-01"],
        "launched_on": ["2018-09-01", ""],
        "discontinued_on": ["", ""],
        "beneficiaries_direct": ["12000", ""],
        "beneficiaries_indirect": ["", "300"],
    }
)

SKM = pd.DataFrame(
    {
        "respondent_id": ["R1", "R2", "R3", "R4"],
        "agency_id": ["DISDUK", "DISDUK", "RSUD", "RSUD"],
        "service": ["KTP-el", "Akta kelahiran", "Rawat jalan", "Rawat jalan"],
        "survey_date": ["2024-03-01", "2024-03-02", "2024-03-02", "2024-03-05"],
        **{f"u{i}": [str(1 + (i + k) % 4) for k in range(4)] for i in range(1, 10)},
        "weight": ["1.5", "1", "2.25", ""],
    }
)
SKM.loc[1, "u8"] = ""

INDICATORS = pd.DataFrame(
    {
        "agency_id": ["DISDUK", "DISDUK"],
        "period": ["2024-01-01", "2024-02-01"],
        "indicator": ["processing_days", "processing_days"],
        "value": ["3.5", "2.75"],
        "unit": ["days", "days"],
    }
)

READINESS = pd.DataFrame(
    {
        "agency_id": ["DISDUK", "RSUD"],
        "assessed_on": ["2018-04-02", "2018-04-02"],
        "dimension": ["leadership_commitment", "leadership_commitment"],
        "indicator": ["", ""],
        "score": ["3", "2.5"],
    }
)

REGIONS = pd.DataFrame(
    {
        "region_code": ["3576", "3576"],
        "region_name": ["Kota Mojokerto", "Kota Mojokerto"],
        "kind": ["kota", "kota"],
        "year": ["2020", "2021"],
        "pdrb_adhb": ["7000.5", "7400.25"],
        "pdrb_adhk": ["5100", "5290"],
        "population": ["132434", "133272"],
        "ipm": ["77.63", ""],
        "ipm_method": ["lama", ""],
        "distance_km": ["", ""],
        "travel_time_min": ["", ""],
    }
)

PDRB = pd.DataFrame(
    {
        "region_code": ["3576", "3576"],
        "year": ["2020", "2020"],
        "sector": ["A", "G"],
        "pdrb_adhb": ["20.5", "2000"],
        "pdrb_adhk": ["15", "1500.75"],
    }
)

BUDGETS = pd.DataFrame(
    {
        "innovation_id": ["INV1", "INV1"],
        "year": ["2019", "2020"],
        "budget_rp": ["1.5e8", "120000000"],
    }
)

VALID = {
    "agencies": AGENCIES,
    "innovations": INNOVATIONS,
    "skm_responses": SKM,
    "service_indicators": INDICATORS,
    "readiness": READINESS,
    "regions": REGIONS,
    "pdrb_sectors": PDRB,
    "innovation_budgets": BUDGETS,
}
"""Every table of a small valid study, as the text cells of a CSV file."""


def write_csv(folder: Path, tables: dict[str, pd.DataFrame], **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, **kwargs)
    return folder


@pytest.fixture
def valid_tables() -> dict[str, pd.DataFrame]:
    return {k: v.copy() for k, v in VALID.items()}


@pytest.fixture
def write_study():
    """``write_study(folder, tables, **to_csv_kwargs)`` writes one CSV per table."""
    return write_csv


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "study", VALID)
