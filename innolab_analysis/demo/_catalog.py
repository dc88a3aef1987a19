"""Static catalogue of the demo study: units, named innovations, regions.

Names of units follow domain.md §5.2 (names that appear in the sources) and
are completed with plausible Kota Mojokerto OPD names; the full OPD list of
Perda Kota Mojokerto 8/2016 was not at hand, so the list is illustrative.
Region codes and SP2010 populations of the Gerbangkertosusila members are
published (domain.md §4.1); other sizes are rough, simulated magnitudes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    agency_id: str
    name: str
    kind: str
    cluster: str
    respondents: int  # mean SKM respondents per semester
    base_days: float  # baseline processing time of the main service, days
    launch_year: int | None  # year of the first launched innovation (None: never)
    services: tuple[str, ...]
    established_on: str | None = None


UNITS: tuple[Unit, ...] = (
    Unit(
        "disdukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "dinas",
        "administrasi kependudukan",
        320,
        9.0,
        2018,
        ("KTP-el", "Kartu Keluarga", "Akta Kelahiran"),
    ),
    Unit(
        "dinkesppkb",
        "Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana",
        "dinas",
        "kesehatan",
        260,
        8.0,
        2018,
        ("Izin praktik tenaga kesehatan", "Layanan KB"),
    ),
    Unit(
        "dikbud",
        "Dinas Pendidikan dan Kebudayaan",
        "dinas",
        "pendidikan",
        220,
        10.0,
        None,
        ("Legalisir ijazah", "Mutasi siswa"),
    ),
    Unit(
        "dpuprprkp",
        "Dinas Pekerjaan Umum dan Penataan Ruang, Perumahan Rakyat dan Kawasan Permukiman",
        "dinas",
        "infrastruktur",
        150,
        18.0,
        None,
        ("Advis planning", "Rekomendasi teknis"),
    ),
    Unit(
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "dinas",
        "perizinan",
        300,
        14.0,
        2018,
        ("Perizinan berusaha", "Persetujuan bangunan gedung"),
    ),
    Unit(
        "dinsosp3a",
        "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
        "dinas",
        "sosial",
        200,
        9.0,
        2019,
        ("Rekomendasi bantuan sosial", "Pendampingan korban"),
    ),
    Unit(
        "dishub",
        "Dinas Perhubungan",
        "dinas",
        "perhubungan",
        160,
        7.0,
        2020,
        ("Uji KIR", "Izin trayek"),
    ),
    Unit(
        "dlh",
        "Dinas Lingkungan Hidup",
        "dinas",
        "lingkungan hidup",
        140,
        12.0,
        2021,
        ("Dokumen lingkungan", "Pengangkutan sampah"),
    ),
    Unit(
        "diskominfo",
        "Dinas Komunikasi dan Informatika",
        "dinas",
        "informasi publik",
        150,
        6.0,
        2018,
        ("Layanan informasi publik", "Pengelolaan aplikasi"),
    ),
    Unit(
        "diskopukmperindag",
        "Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan",
        "dinas",
        "ekonomi",
        170,
        8.0,
        2021,
        ("Izin usaha mikro", "Tera ulang"),
    ),
    Unit(
        "disnaker",
        "Dinas Tenaga Kerja",
        "dinas",
        "ketenagakerjaan",
        160,
        6.0,
        2022,
        ("Kartu pencari kerja", "Pelatihan kerja"),
    ),
    Unit(
        "dispertan",
        "Dinas Pertanian, Ketahanan Pangan dan Perikanan",
        "dinas",
        "pertanian",
        150,
        8.0,
        None,
        ("Rekomendasi pupuk", "Pemeriksaan hewan"),
    ),
    Unit(
        "bappedalitbang",
        "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
        "badan",
        "perencanaan",
        150,
        14.0,
        2019,
        ("Izin penelitian", "Konsultasi perencanaan"),
    ),
    Unit(
        "bapenda",
        "Badan Pendapatan Daerah",
        "badan",
        "pajak daerah",
        280,
        7.0,
        2018,
        ("PBB-P2", "BPHTB", "Pajak restoran"),
    ),
    Unit(
        "bkpsdm",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "badan",
        "kepegawaian",
        150,
        10.0,
        2020,
        ("Kenaikan pangkat", "Cuti pegawai"),
    ),
    Unit(
        "bpbd",
        "Badan Penanggulangan Bencana Daerah",
        "badan",
        "kebencanaan",
        150,
        6.0,
        None,
        ("Kaji cepat bencana", "Penyuluhan"),
    ),
    Unit(
        "inspektorat",
        "Inspektorat Daerah",
        "inspektorat",
        "pengawasan",
        150,
        15.0,
        None,
        ("Pengaduan masyarakat", "Konsultasi pengawasan"),
    ),
    Unit(
        "setwan",
        "Sekretariat DPRD",
        "sekretariat",
        "legislatif",
        150,
        7.0,
        None,
        ("Aspirasi masyarakat", "Informasi persidangan"),
    ),
    Unit(
        "satpolpp",
        "Satuan Polisi Pamong Praja",
        "satpol_pp",
        "ketenteraman dan ketertiban",
        150,
        6.0,
        2021,
        ("Pengaduan ketertiban", "Pengamanan kegiatan"),
    ),
    Unit(
        "bag_organisasi",
        "Bagian Organisasi Sekretariat Daerah",
        "bagian",
        "tata kelola",
        150,
        10.0,
        2022,
        ("Fasilitasi SOP", "Evaluasi pelayanan publik"),
    ),
    Unit(
        "rsud",
        "Rumah Sakit Umum Daerah Kota Mojokerto",
        "rsud",
        "kesehatan",
        320,
        6.0,
        2017,
        ("Rawat jalan", "Rawat inap", "Laboratorium"),
    ),
    Unit(
        "kec_prajuritkulon",
        "Kecamatan Prajurit Kulon",
        "kecamatan",
        "kewilayahan",
        200,
        6.0,
        2021,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
    ),
    Unit(
        "kec_magersari",
        "Kecamatan Magersari",
        "kecamatan",
        "kewilayahan",
        220,
        6.0,
        2019,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
    ),
    Unit(
        "kec_kranggan",
        "Kecamatan Kranggan",
        "kecamatan",
        "kewilayahan",
        180,
        6.0,
        2020,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
        established_on="2016-06-20",
    ),
    Unit(
        "kel_gununggedangan",
        "Kelurahan Gunung Gedangan",
        "kelurahan",
        "kewilayahan",
        150,
        6.0,
        2019,
        ("Surat keterangan", "Konsultasi hukum"),
    ),
    Unit(
        "kel_surodinawan",
        "Kelurahan Surodinawan",
        "kelurahan",
        "kewilayahan",
        150,
        6.0,
        2022,
        ("Surat keterangan", "Surat pengantar"),
    ),
    Unit(
        "kel_kedundung",
        "Kelurahan Kedundung",
        "kelurahan",
        "kewilayahan",
        150,
        6.0,
        None,
        ("Surat keterangan", "Surat pengantar"),
    ),
    Unit(
        "kel_miji",
        "Kelurahan Miji",
        "kelurahan",
        "kewilayahan",
        150,
        6.0,
        None,
        ("Surat keterangan", "Surat pengantar"),
    ),
    Unit(
        "pkm_kedundung",
        "UPT Puskesmas Kedundung",
        "puskesmas",
        "kesehatan",
        220,
        6.0,
        2019,
        ("Pemeriksaan umum", "Kesehatan ibu dan anak"),
    ),
    Unit(
        "pkm_gedongan",
        "UPT Puskesmas Gedongan",
        "puskesmas",
        "kesehatan",
        200,
        6.0,
        2020,
        ("Pemeriksaan umum", "Kesehatan ibu dan anak"),
    ),
    Unit(
        "pkm_blooto",
        "UPT Puskesmas Blooto",
        "puskesmas",
        "kesehatan",
        200,
        6.0,
        2023,
        ("Pemeriksaan umum", "Imunisasi"),
    ),
)

# Named innovations of Kota Mojokerto (domain.md §5.3). The names are published;
# the owning unit, the dates and every other attribute here are simulated.
# agency_id, title, origin, form, digital, first (is it the unit's first launch?)
NAMED_INNOVATIONS: tuple[tuple[str, str, str, str, bool, bool], ...] = (
    ("diskominfo", "Palapa Mojo", "original", "pelayanan_publik", True, True),
    ("kel_gununggedangan", "Lakon Kumis Mas Gege", "original", "pelayanan_publik", False, True),
    ("bapenda", "Bajak Sambal Terasi", "original", "pelayanan_publik", False, True),
    ("bapenda", "Gaman Majapahit", "modification", "pelayanan_publik", True, False),
    ("dinkesppkb", "Kencana Mojo", "original", "pelayanan_publik", False, True),
    ("pkm_kedundung", "Gempa Genting", "adaptation", "pelayanan_publik", False, True),
)

# Templates of generated innovation titles ({s} = a service of the unit; invented for the demo).
GENERATED_TITLES: tuple[str, ...] = (
    "{s} Online",
    "Jemput Bola {s}",
    "{s} Tanpa Antre",
    "Si Cepat {s}",
    "{s} Satu Hari Jadi",
    "Mojo {s} Terpadu",
)

# The 38 kabupaten/kota of Jawa Timur (Kemendagri/BPS codes).
# code, name, kind, rough 2010 size weight, road distance to Surabaya (km), profile
REGIONS: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("3501", "Kabupaten Pacitan", "kabupaten", 7.0, 270, "agraris"),
    ("3502", "Kabupaten Ponorogo", "kabupaten", 10.0, 200, "agraris"),
    ("3503", "Kabupaten Trenggalek", "kabupaten", 8.0, 180, "agraris"),
    ("3504", "Kabupaten Tulungagung", "kabupaten", 18.0, 155, "campuran"),
    ("3505", "Kabupaten Blitar", "kabupaten", 17.0, 165, "agraris"),
    ("3506", "Kabupaten Kediri", "kabupaten", 20.0, 125, "campuran"),
    ("3507", "Kabupaten Malang", "kabupaten", 45.0, 95, "campuran"),
    ("3508", "Kabupaten Lumajang", "kabupaten", 14.0, 155, "agraris"),
    ("3509", "Kabupaten Jember", "kabupaten", 36.0, 200, "agraris"),
    ("3510", "Kabupaten Banyuwangi", "kabupaten", 36.0, 290, "agraris"),
    ("3511", "Kabupaten Bondowoso", "kabupaten", 8.0, 195, "agraris"),
    ("3512", "Kabupaten Situbondo", "kabupaten", 9.0, 190, "agraris"),
    ("3513", "Kabupaten Probolinggo", "kabupaten", 16.0, 100, "campuran"),
    ("3514", "Kabupaten Pasuruan", "kabupaten", 55.0, 60, "industri"),
    ("3515", "Kabupaten Sidoarjo", "kabupaten", 95.0, 25, "industri"),
    ("3516", "Kabupaten Mojokerto", "kabupaten", 40.0, 50, "industri"),
    ("3517", "Kabupaten Jombang", "kabupaten", 17.0, 80, "campuran"),
    ("3518", "Kabupaten Nganjuk", "kabupaten", 13.0, 120, "agraris"),
    ("3519", "Kabupaten Madiun", "kabupaten", 8.0, 165, "agraris"),
    ("3520", "Kabupaten Magetan", "kabupaten", 8.0, 185, "agraris"),
    ("3521", "Kabupaten Ngawi", "kabupaten", 9.0, 185, "agraris"),
    ("3522", "Kabupaten Bojonegoro", "kabupaten", 35.0, 110, "tambang"),
    ("3523", "Kabupaten Tuban", "kabupaten", 30.0, 100, "industri"),
    ("3524", "Kabupaten Lamongan", "kabupaten", 17.0, 50, "campuran"),
    ("3525", "Kabupaten Gresik", "kabupaten", 60.0, 20, "industri"),
    ("3526", "Kabupaten Bangkalan", "kabupaten", 13.0, 35, "agraris"),
    ("3527", "Kabupaten Sampang", "kabupaten", 10.0, 95, "agraris"),
    ("3528", "Kabupaten Pamekasan", "kabupaten", 8.0, 125, "agraris"),
    ("3529", "Kabupaten Sumenep", "kabupaten", 18.0, 170, "tambang"),
    ("3571", "Kota Kediri", "kota", 60.0, 125, "industri"),
    ("3572", "Kota Blitar", "kota", 3.0, 165, "jasa"),
    ("3573", "Kota Malang", "kota", 35.0, 90, "jasa"),
    ("3574", "Kota Probolinggo", "kota", 5.0, 100, "jasa"),
    ("3575", "Kota Pasuruan", "kota", 3.5, 60, "jasa"),
    ("3576", "Kota Mojokerto", "kota", 2.5, 50, "jasa"),
    ("3577", "Kota Madiun", "kota", 7.0, 170, "jasa"),
    ("3578", "Kota Surabaya", "kota", 240.0, 0, "surabaya"),
    ("3579", "Kota Batu", "kota", 7.0, 110, "jasa"),
)

# Gerbangkertosusila members other than Surabaya and Kota Mojokerto, with their
# simulated spillover elasticity to Surabaya's growth (domain.md §4.1 for membership).
GKS_SPILLOVER: dict[str, float] = {
    "3525": 0.40,  # Gresik
    "3526": 0.25,  # Bangkalan
    "3516": 0.35,  # Kabupaten Mojokerto
    "3515": 0.50,  # Sidoarjo
    "3524": 0.30,  # Lamongan
}

# SP2010 populations (BPS, domain.md §4.1) [published]; others simulated.
POPULATION_2010: dict[str, float] = {
    "3576": 120196,
    "3578": 2765487,
    "3516": 1025443,
    "3525": 1177042,
    "3526": 906761,
    "3515": 1941497,
    "3524": 1179059,
}


@dataclass(frozen=True)
class CitySpec:
    """One simulated city of the demo: its units, innovation names and planted effect sizes.

    ``effect_scale`` multiplies the planted IKM and processing-time effects (theta, phi and
    the leadership slopes); ``ikm_shift`` moves every unit's IKM level. Kota Mojokerto has
    1.0 and 0.0, so its data are what they were before the second city was added.
    """

    key: str
    name: str
    region_code: str
    units: tuple[Unit, ...]
    named_innovations: tuple[tuple[str, str, str, str, bool, bool], ...]
    titles: tuple[str, ...]
    internal: frozenset[str]
    proposals_only: tuple[str, ...]
    seed: int
    effect_scale: float = 1.0
    ikm_shift: float = 0.0
    budget_share: float = 0.6
    budget_median_rp: float = 150e6


MOJOKERTO = CitySpec(
    key="mojokerto",
    name="Kota Mojokerto",
    region_code="3576",
    units=UNITS,
    named_innovations=NAMED_INNOVATIONS,
    titles=GENERATED_TITLES,
    internal=frozenset({"bkpsdm", "inspektorat", "bag_organisasi", "bappedalitbang", "setwan"}),
    proposals_only=("dpuprprkp", "inspektorat", "dikbud", "disdukcapil", "pkm_gedongan", "dlh"),
    seed=2018,
)
"""The main demo city (``data/demo``)."""
