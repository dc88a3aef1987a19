"""Data in: the data model, loading and validating a study, importers.

``load_study(folder)`` reads one file per table (CSV, Parquet or Excel),
converts every column to its declared type and raises one
:class:`~innolab_analysis.errors.DataValidationError` that lists every problem.
``read_bps_pdrb`` turns a BPS table of PDRB by lapangan usaha into rows of the
``pdrb_sectors`` table.
"""

from innolab_analysis.data.bps import read_bps_pdrb
from innolab_analysis.data.headers import standardise_skm_columns
from innolab_analysis.data.study import Study, load_study, read_table
from innolab_analysis.data.tables import TABLES

__all__ = [
    "Study",
    "TABLES",
    "load_study",
    "read_bps_pdrb",
    "read_table",
    "standardise_skm_columns",
]
