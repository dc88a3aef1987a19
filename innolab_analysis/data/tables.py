"""The data model: every table a study may hold, declared once.

This module is the single source for column names, types, units, allowed
values and the regulation or source that defines them. The loader builds its
validation from it, the demo generator writes it, and ``data/README.md`` (the
data dictionary) documents it; a test checks that the dictionary covers every
column declared here.
"""

from __future__ import annotations

from dataclasses import dataclass

from innolab_analysis.options import DType

__all__ = [
    "AGENCY_KINDS",
    "IID_STAGES",
    "INNOVATION_FORMS",
    "INNOVATION_ORIGINS",
    "LABINOV_STAGES",
    "PDRB_SECTORS",
    "REGION_KINDS",
    "SERVICE_INDICATORS",
    "TABLES",
    "UNIT_BOUNDS",
    "ColumnSpec",
    "TableSpec",
]


AGENCY_KINDS: tuple[str, ...] = (
    "dinas",
    "badan",
    "kantor",
    "inspektorat",
    "sekretariat",
    "satpol_pp",
    "bagian",
    "kecamatan",
    "kelurahan",
    "rsud",
    "puskesmas",
    "upt",
    "blud",
    "lainnya",
)
"""Kinds of units (OPD and service units) in an Indonesian city government."""

INNOVATION_ORIGINS: tuple[str, ...] = ("original", "adaptation", "modification")
"""One Agency One Innovation / Permen PANRB 30/2014: original idea or adaptation/modification."""

INNOVATION_FORMS: tuple[str, ...] = ("tata_kelola", "pelayanan_publik", "lainnya")
"""PP 38/2017 bentuk: governance, public service, other regional innovation."""

IID_STAGES: tuple[str, ...] = ("inisiatif", "uji_coba", "penerapan")
"""IID profile field *tahapan inovasi* (Kemendagri/BSKDN), in order."""

LABINOV_STAGES: tuple[str, ...] = ("drum_up", "diagnose", "design", "deliver", "display")
"""LAN Laboratorium Inovasi, the five stages (5D), in order."""

REGION_KINDS: tuple[str, ...] = ("kota", "kabupaten", "provinsi")

PDRB_SECTORS: dict[str, str] = {
    "A": "Pertanian, Kehutanan, dan Perikanan",
    "B": "Pertambangan dan Penggalian",
    "C": "Industri Pengolahan",
    "D": "Pengadaan Listrik dan Gas",
    "E": "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
    "F": "Konstruksi",
    "G": "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
    "H": "Transportasi dan Pergudangan",
    "I": "Penyediaan Akomodasi dan Makan Minum",
    "J": "Informasi dan Komunikasi",
    "K": "Jasa Keuangan dan Asuransi",
    "L": "Real Estat",
    "MN": "Jasa Perusahaan",
    "O": "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
    "P": "Jasa Pendidikan",
    "Q": "Jasa Kesehatan dan Kegiatan Sosial",
    "RSTU": "Jasa Lainnya",
}
"""The 17 BPS *lapangan usaha* (KBLI 2009 based) categories of PDRB, code → Indonesian name."""

SERVICE_INDICATORS: dict[str, str] = {
    "processing_days": "days",
    "complaints_received": "count",
    "complaints_resolved": "count",
    "complaint_resolution_days": "days",
    "online_share": "share",
    "applications": "count",
}
"""Known service indicators and their units (other names are allowed and kept)."""

UNIT_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "count": (0, None),
    "days": (0, None),
    "share": (0, 1),
}
"""Bounds of ``service_indicators.value`` by its ``unit``: counts and days are never
negative, a share lies between 0 and 1 (other units are not bounded)."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table.

    Parameters
    ----------
    name : str
        Canonical column name.
    dtype : {"string", "int", "float", "bool", "date", "category"}
    description : str
        What the column holds.
    required : bool
        Whether the column must be present in the file.
    nullable : bool
        Whether blank cells are allowed.
    allowed : tuple, optional
        Allowed values (category columns) .
    min, max : float, optional
        Inclusive bounds for numbers.
    unit : str
        Unit of measurement ("" when none).
    unique : bool
        Whether values must be unique (identifiers).
    references : str, optional
        ``"table.column"`` the values must exist in.
    source : str
        Regulation or source that defines the column.
    fill_blank : bool
        For a required column that may be blank: whether a source without the
        column reads as all blank (reported). False for the columns a study
        cannot do without (the SKM answers u1 … u9, an innovation's launch date):
        those must be in the source or be derived explicitly.
    private : bool
        Personal data or free text (a respondent's age, sex, education): a
        report may show it only as an aggregate, never row by row. Columns a
        study's files hold beyond the data model are private too
        (:attr:`~innolab_analysis.data.study.Study.private_columns`).
    """

    name: str
    dtype: DType
    description: str
    required: bool = True
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    unique: bool = False
    references: str | None = None
    source: str = ""
    fill_blank: bool = True
    private: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A table of a study: its columns and row-level rules."""

    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_SKM_ELEMENTS_2017 = (
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan prasarana",
)

_SKM = "Permen PANRB 14/2017"

TABLES: dict[str, TableSpec] = {
    "agencies": TableSpec(
        name="agencies",
        description="One row per unit (OPD or service unit) of the city government.",
        key=("agency_id",),
        columns=(
            ColumnSpec("agency_id", "string", "Identifier of the unit.", unique=True),
            ColumnSpec("name", "string", "Official name of the unit."),
            ColumnSpec(
                "abbreviation",
                "string",
                "Abbreviation the unit is known by (Singkatan: Disdukcapil, Bappeda); SKM "
                "exports and registers may name units by it.",
                required=False,
                nullable=True,
            ),
            ColumnSpec(
                "kind",
                "category",
                "Kind of unit.",
                allowed=AGENCY_KINDS,
                source="Perda Kota Mojokerto 8/2016 (Pembentukan Perangkat Daerah)",
            ),
            ColumnSpec("city", "string", "Kabupaten/kota the unit belongs to."),
            ColumnSpec(
                "cluster",
                "string",
                "Service cluster (e.g. administrasi kependudukan, kesehatan, perizinan).",
                nullable=True,
            ),
            ColumnSpec(
                "established_on",
                "date",
                "Date the unit was formed, when it did not exist for the whole study "
                "(Kecamatan Kranggan: 2016-06-20).",
                required=False,
                nullable=True,
                source="Perda Kota Mojokerto 17/2015",
            ),
        ),
    ),
    "innovations": TableSpec(
        name="innovations",
        description="One row per innovation of a unit.",
        key=("innovation_id",),
        columns=(
            ColumnSpec("innovation_id", "string", "Identifier of the innovation.", unique=True),
            ColumnSpec(
                "agency_id",
                "string",
                "Unit that owns the innovation.",
                references="agencies.agency_id",
            ),
            ColumnSpec("title", "string", "Name of the innovation (e.g. Palapa Mojo)."),
            ColumnSpec(
                "origin",
                "category",
                "Original idea, or adaptation / modification of another's innovation.",
                allowed=INNOVATION_ORIGINS,
                source="Permen PANRB 30/2014; One Agency One Innovation (LAN, 2018)",
            ),
            ColumnSpec(
                "form",
                "category",
                "Bentuk inovasi daerah.",
                allowed=INNOVATION_FORMS,
                source="PP 38/2017 Pasal 3",
            ),
            ColumnSpec(
                "digital", "bool", "Digital (true) or non-digital (false).", source="IID profile"
            ),
            ColumnSpec(
                "iid_stage",
                "category",
                "Tahapan inovasi as reported to IID.",
                allowed=IID_STAGES,
                source="Permendagri 104/2018; IID profile form",
            ),
            ColumnSpec(
                "labinov_stage",
                "category",
                "Stage reached in LAN's Laboratorium Inovasi (5D).",
                allowed=LABINOV_STAGES,
                nullable=True,
                source="LAN Laboratorium Inovasi",
            ),
            ColumnSpec("proposed_on", "date", "Date the innovation was proposed."),
            ColumnSpec("trial_on", "date", "Start of the trial (uji coba).", nullable=True),
            ColumnSpec(
                "launched_on",
                "date",
                "Start of implementation (penerapan).",
                nullable=True,
                fill_blank=False,
            ),
            ColumnSpec(
                "discontinued_on", "date", "Date the innovation was stopped.", nullable=True
            ),
            ColumnSpec(
                "beneficiaries_direct",
                "int",
                "Direct beneficiaries per year.",
                nullable=True,
                min=0,
                unit="persons/year",
            ),
            ColumnSpec(
                "beneficiaries_indirect",
                "int",
                "Indirect beneficiaries per year.",
                nullable=True,
                min=0,
                unit="persons/year",
            ),
        ),
    ),
    "skm_responses": TableSpec(
        name="skm_responses",
        description="SKM survey microdata: one row per respondent.",
        key=("respondent_id",),
        columns=(
            ColumnSpec("respondent_id", "string", "Identifier of the respondent.", unique=True),
            ColumnSpec(
                "agency_id",
                "string",
                "Unit surveyed.",
                references="agencies.agency_id",
            ),
            ColumnSpec("service", "string", "Service (jenis layanan) the respondent used."),
            ColumnSpec("survey_date", "date", "Date of the interview."),
            *(
                ColumnSpec(
                    f"u{i}",
                    "int",
                    f"Answer to element U{i} ({label}); 1 = tidak baik … 4 = sangat baik.",
                    nullable=True,
                    min=1,
                    max=4,
                    unit="score 1–4",
                    source=_SKM,
                    fill_blank=False,
                )
                for i, label in enumerate(_SKM_ELEMENTS_2017, start=1)
            ),
            *(
                ColumnSpec(
                    f"u{i}",
                    "int",
                    f"Answer to element U{i} of the 2004 14-element standard (legacy data only).",
                    required=False,
                    nullable=True,
                    min=1,
                    max=4,
                    unit="score 1–4",
                    source="KepMenPAN 25/2004",
                )
                for i in range(10, 15)
            ),
            ColumnSpec(
                "weight",
                "float",
                "Sampling weight (inverse inclusion probability).",
                required=False,
                nullable=True,
                min=0,
            ),
            ColumnSpec(
                "gender",
                "category",
                "Sex of the respondent.",
                required=False,
                nullable=True,
                allowed=("L", "P"),
                private=True,
            ),
            ColumnSpec(
                "age",
                "int",
                "Age of the respondent.",
                required=False,
                nullable=True,
                min=10,
                max=110,
                unit="years",
                private=True,
            ),
            ColumnSpec(
                "age_band",
                "string",
                "Age band of the respondent when the form asks for a band, not the age "
                "(20–29, <20, >60).",
                required=False,
                nullable=True,
                unit="years",
                private=True,
            ),
            ColumnSpec(
                "education",
                "string",
                "Highest education (SD, SMP, SMA, D1–D4, S1–S3, or as written).",
                required=False,
                nullable=True,
                private=True,
            ),
        ),
    ),
    "service_indicators": TableSpec(
        name="service_indicators",
        description="Administrative service indicators, long format: one row per unit, period and indicator.",
        key=("agency_id", "period", "indicator"),
        columns=(
            ColumnSpec("agency_id", "string", "Unit.", references="agencies.agency_id"),
            ColumnSpec("period", "date", "First day of the period the value covers."),
            ColumnSpec(
                "indicator",
                "string",
                "Indicator name; known: " + ", ".join(SERVICE_INDICATORS) + ".",
            ),
            ColumnSpec("value", "float", "Value of the indicator."),
            ColumnSpec("unit", "string", "Unit of the value (days, count, share …)."),
        ),
    ),
    "readiness": TableSpec(
        name="readiness",
        description="Innovation-readiness assessments: one row per unit, date, dimension (and indicator).",
        key=("agency_id", "assessed_on", "dimension", "indicator"),
        columns=(
            ColumnSpec("agency_id", "string", "Unit assessed.", references="agencies.agency_id"),
            ColumnSpec("assessed_on", "date", "Date of the assessment."),
            ColumnSpec(
                "dimension",
                "string",
                "Rubric dimension (e.g. leadership_commitment); must exist in the rubric used.",
            ),
            ColumnSpec(
                "indicator",
                "string",
                "Rubric indicator within the dimension.",
                required=False,
                nullable=True,
            ),
            ColumnSpec("score", "float", "Score on the rubric's scale.", min=0),
        ),
    ),
    "regions": TableSpec(
        name="regions",
        description="Region × year economic panel of kabupaten/kota (BPS).",
        key=("region_code", "year"),
        columns=(
            ColumnSpec("region_code", "string", "Kemendagri/BPS code (e.g. 3576 Kota Mojokerto)."),
            ColumnSpec("region_name", "string", "Name (e.g. Kota Mojokerto)."),
            ColumnSpec("kind", "category", "Kind of region.", allowed=REGION_KINDS),
            ColumnSpec("year", "int", "Year.", min=1990, max=2100),
            ColumnSpec(
                "pdrb_adhb",
                "float",
                "PDRB at current prices (ADHB).",
                min=0,
                unit="Rp miliar",
                source="BPS PDRB menurut lapangan usaha",
            ),
            ColumnSpec(
                "pdrb_adhk",
                "float",
                "PDRB at constant 2010 prices (ADHK 2010).",
                min=0,
                unit="Rp miliar",
                source="BPS PDRB menurut lapangan usaha",
            ),
            ColumnSpec(
                "population",
                "float",
                "Population (BPS projection/census).",
                min=0,
                unit="persons",
                source="BPS SP2010, SP2020, projections",
            ),
            ColumnSpec(
                "ipm",
                "float",
                "Indeks Pembangunan Manusia.",
                nullable=True,
                min=0,
                max=100,
                source="BPS",
            ),
            ColumnSpec(
                "ipm_method",
                "category",
                "IPM method vintage: 'lama' (before the 2023 SP2020-LF back-cast) or 'sp2020lf'.",
                nullable=True,
                allowed=("lama", "sp2020lf"),
                source="BPS (series break in the 2023 release)",
            ),
            ColumnSpec(
                "distance_km",
                "float",
                "Road distance to the core city.",
                nullable=True,
                min=0,
                unit="km",
            ),
            ColumnSpec(
                "travel_time_min",
                "float",
                "Typical travel time to the core city that year.",
                nullable=True,
                min=0,
                unit="minutes",
            ),
        ),
    ),
    "pdrb_sectors": TableSpec(
        name="pdrb_sectors",
        description="PDRB by lapangan usaha, long format: one row per region, year and sector.",
        key=("region_code", "year", "sector"),
        columns=(
            ColumnSpec("region_code", "string", "Region code.", references="regions.region_code"),
            ColumnSpec("year", "int", "Year.", min=1990, max=2100),
            ColumnSpec(
                "sector",
                "category",
                "BPS lapangan usaha code.",
                allowed=tuple(PDRB_SECTORS),
                source="BPS (KBLI 2009, 17 categories)",
            ),
            ColumnSpec(
                "pdrb_adhb", "float", "Value added at current prices.", min=0, unit="Rp miliar"
            ),
            ColumnSpec(
                "pdrb_adhk",
                "float",
                "Value added at constant 2010 prices.",
                min=0,
                unit="Rp miliar",
            ),
        ),
    ),
}
"""Every table a study folder may hold, by name (the file name without extension)."""

# Optional budgets of innovations (value for money in the comparative synthesis); its own table
# so the innovations table keeps one row per innovation. See data/README.md, "Innovation budgets".
TABLES["innovation_budgets"] = TableSpec(
    name="innovation_budgets",
    description="Budget (anggaran) spent on an innovation: one row per innovation and year.",
    key=("innovation_id", "year"),
    columns=(
        ColumnSpec(
            "innovation_id",
            "string",
            "Innovation the budget was spent on.",
            references="innovations.innovation_id",
        ),
        ColumnSpec("year", "int", "Budget year (tahun anggaran).", min=1990, max=2100),
        ColumnSpec(
            "budget_rp",
            "float",
            "Amount spent that year (realisasi anggaran).",
            min=0,
            unit="rupiah",
            source="APBD / DPA of the unit (realisasi)",
        ),
    ),
)
