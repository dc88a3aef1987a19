"""The second, smaller demo city: Kota Pasuruan (``data/demo_pasuruan``), for the city comparison.

Twelve units, simulated like Kota Mojokerto's but with smaller planted innovation effects
(0.6 times) and a slightly higher IKM level. Unit ids deliberately repeat Mojokerto's where the
kind of unit is the same (``rsud``, ``disdukcapil``, ``dpmptsp``, ``dishub``): effects are keyed
by (study, unit) everywhere, never by unit alone. The four kecamatan are those of Kota Pasuruan
(Bugul Kidul, Gadingrejo, Panggungrejo, Purworejo); the other names are plausible, not an
official OPD list, and every number is simulated.
"""

from __future__ import annotations

from innolab_analysis.demo._catalog import CitySpec, Unit

UNITS: tuple[Unit, ...] = (
    Unit(
        "disdukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil Kota Pasuruan",
        "dinas",
        "administrasi kependudukan",
        200,
        8.0,
        2019,
        ("KTP-el", "Kartu Keluarga", "Akta Kelahiran"),
    ),
    Unit(
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan",
        "dinas",
        "perizinan",
        180,
        12.0,
        2018,
        ("Perizinan berusaha", "Persetujuan bangunan gedung"),
    ),
    Unit(
        "dinkes",
        "Dinas Kesehatan Kota Pasuruan",
        "dinas",
        "kesehatan",
        150,
        8.0,
        2020,
        ("Izin praktik tenaga kesehatan", "Layanan kesehatan keliling"),
    ),
    Unit(
        "dishub",
        "Dinas Perhubungan Kota Pasuruan",
        "dinas",
        "perhubungan",
        110,
        7.0,
        None,
        ("Uji KIR", "Izin parkir"),
    ),
    Unit(
        "bpkpd",
        "Badan Pengelolaan Keuangan dan Pendapatan Daerah Kota Pasuruan",
        "badan",
        "pajak daerah",
        160,
        8.0,
        2021,
        ("PBB-P2", "BPHTB"),
    ),
    Unit(
        "rsud",
        "RSUD dr. R. Soedarsono Kota Pasuruan",
        "rsud",
        "kesehatan",
        220,
        6.0,
        2019,
        ("Rawat jalan", "Rawat inap"),
    ),
    Unit(
        "kec_bugulkidul",
        "Kecamatan Bugul Kidul",
        "kecamatan",
        "kewilayahan",
        120,
        6.0,
        2020,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
    ),
    Unit(
        "kec_gadingrejo",
        "Kecamatan Gadingrejo",
        "kecamatan",
        "kewilayahan",
        120,
        6.0,
        None,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
    ),
    Unit(
        "kec_panggungrejo",
        "Kecamatan Panggungrejo",
        "kecamatan",
        "kewilayahan",
        130,
        6.0,
        2021,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
    ),
    Unit(
        "kec_purworejo",
        "Kecamatan Purworejo",
        "kecamatan",
        "kewilayahan",
        120,
        6.0,
        2022,
        ("Legalisasi dokumen", "Rekomendasi administrasi"),
    ),
    Unit(
        "pkm_bugulkidul",
        "UPT Puskesmas Bugul Kidul",
        "puskesmas",
        "kesehatan",
        140,
        6.0,
        2020,
        ("Pemeriksaan umum", "Kesehatan ibu dan anak"),
    ),
    Unit(
        "pkm_trajeng",
        "UPT Puskesmas Trajeng",
        "puskesmas",
        "kesehatan",
        130,
        6.0,
        None,
        ("Pemeriksaan umum", "Imunisasi"),
    ),
)

TITLES: tuple[str, ...] = (
    "{s} Online",
    "Jemput Bola {s}",
    "{s} Tanpa Antre",
    "Si Cepat {s}",
    "{s} Satu Hari Jadi",
    "Pasuruan {s} Terpadu",
)
"""Templates of the generated innovation titles ({s} = a service of the unit; invented)."""

PASURUAN = CitySpec(
    key="pasuruan",
    name="Kota Pasuruan",
    region_code="3575",
    units=UNITS,
    named_innovations=(),
    titles=TITLES,
    internal=frozenset({"bpkpd"}),
    proposals_only=("dishub", "kec_gadingrejo", "pkm_trajeng"),
    seed=2023,
    effect_scale=0.6,
    ikm_shift=1.5,
    budget_share=0.5,
    budget_median_rp=90e6,
)
"""The second demo city (``data/demo_pasuruan``)."""
