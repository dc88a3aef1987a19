"""Shared fixtures: Agg backend, figures closed after each test, the demo study."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "data" / "demo"

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture(scope="session")
def demo_study():
    """The shipped demo study, loaded and validated once per session."""
    from innolab_analysis.data.study import load_study

    return load_study(DEMO_DIR)


TINY_TABLES: dict[str, str] = {
    "agencies": "agency_id,name,kind,city,cluster\nA,Dinas A,dinas,Kota Contoh,\n",
    "skm_responses": "respondent_id,agency_id,service,survey_date,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
    "R1,A,KTP-el,2020-03-01,3,3,4,4,3,3,4,3,3\n",
    "innovations": "innovation_id,agency_id,title,origin,form,digital,iid_stage,proposed_on,"
    "launched_on\nI1,A,Inovasi A,original,pelayanan_publik,true,penerapan,2019-01-15,2019-06-01\n",
    "regions": "region_code,region_name,kind,year,pdrb_adhb,pdrb_adhk,population\n"
    "3576,Kota Mojokerto,kota,2020,7000.5,5100,132434\n",
}
"""A tiny study that validates: one valid row per table (for tests of parameters and runs, which
now load the data before any kernel starts)."""


@pytest.fixture(scope="session")
def write_tiny_tables():
    """``write(folder, tables)`` writes the named tables of :data:`TINY_TABLES` as CSV files."""

    def write(folder: Path, tables) -> None:
        for table in tables:
            (folder / f"{table}.csv").write_text(TINY_TABLES[table])

    return write
