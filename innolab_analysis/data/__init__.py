"""Data in: the data model, the sources of a study, loading and validating it, importers.

``load_study(folder)`` reads every table of a study folder — one file per table,
or the files, sheets, globs and databases its ``sources.yaml`` names —,
recognises what real exports write (Google Forms, e-SKM CSVs, office unit lists,
IID registers; every recognition recorded on ``Study.recognitions``), converts
every column to its declared type and raises one
:class:`~innolab_analysis.errors.DataValidationError` that lists every problem.
``init_study`` writes the Excel templates of a new study (``innolab init``);
``read_bps_pdrb`` turns a BPS table of PDRB by lapangan usaha into rows of the
``pdrb_sectors`` table.
"""

from innolab_analysis.data.bps import read_bps_pdrb
from innolab_analysis.data.headers import standardise_skm_columns
from innolab_analysis.data.recognition import Recognition
from innolab_analysis.data.sources import read_sources
from innolab_analysis.data.study import Study, load_study, read_table
from innolab_analysis.data.tables import TABLES
from innolab_analysis.data.templates import init_study

__all__ = [
    "Recognition",
    "Study",
    "TABLES",
    "init_study",
    "load_study",
    "read_bps_pdrb",
    "read_sources",
    "read_table",
    "standardise_skm_columns",
]
