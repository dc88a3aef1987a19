"""Real-export fixtures, built by code (no hand-edited binaries).

Each builder writes one file the way the tool that produces it does
(``domain.md`` §1.8): a Google Form's responses in the Indonesian and English
locale, an office's OPD list with a merged title row and a "Sumber:" footer, an
IID innovation register with Indonesian headers, an e-SKM CSV with its summary
rows, a workbook with one sheet per table, SPSS and Stata files. The answers
are drawn from a seeded generator, so every test sees the same data, and
:func:`ikm_by_unit_year` computes the IKM from them independently (plain pandas,
the regulation's formula).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

# The questionnaire of Permen PANRB 14/2017 in its own order: question 8 is sarana (u9),
# question 9 is pengaduan (u8) — domain.md §1.8.
QUESTIONS = [
    (
        "u1",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    ),
    (
        "u2",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
    ),
    (
        "u3",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
    ),
    (
        "u4",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
    ),
    (
        "u5",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    ),
    (
        "u6",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
    ),
    (
        "u7",
        "Bagamana pendapat saudara perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        [
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ],
    ),
    (
        "u9",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ["Buruk", "Cukup", "Baik", "Sangat Baik"],
    ),
    (
        "u8",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        [
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ],
    ),
]

UNITS = [
    # agency id (= abbreviation), name, kind (Jenis)
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "Dinas"),
    ("DINKES", "Dinas Kesehatan", "Dinas"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Dinas"),
    ("BAPENDA", "Badan Pendapatan Daerah", "Badan"),
    ("RSUD", "Rumah Sakit Umum Daerah Kota Batu", "RSUD"),
    ("KEC_BATU", "Kecamatan Batu", "Kecamatan"),
]


def responses(n: int = 120, seed: int = 7, years: tuple[int, ...] = (2023, 2024)) -> pd.DataFrame:
    """Canonical SKM responses: unit (index into UNITS), timestamp, u1…u9 scores, profile."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(years[0], 1, 2, 8, 0, 0)
    span = (dt.datetime(years[-1], 12, 20) - start).total_seconds()
    stamps = sorted(start + dt.timedelta(seconds=float(s)) for s in rng.uniform(0, span, n))
    unit = rng.integers(0, 4, n)  # the first four units are surveyed
    quality = np.array([0.2, 0.5, -0.3, 0.0])[unit]
    data = {
        "unit": unit,
        "stamp": [s.replace(microsecond=0) for s in stamps],
        "gender": rng.choice(["Laki-laki", "Perempuan", "perempuan "], n),
        "education": rng.choice(["SD/Sederajat", "SMA", "D3", "S1", "S2"], n),
        "age": rng.integers(18, 70, n),
    }
    for code, _, _ in QUESTIONS:
        base = 3 + quality + rng.normal(0, 0.7, n)
        data[code] = np.clip(np.rint(base), 1, 4).astype(int)
    frame = pd.DataFrame(data)
    frame.loc[5, "u3"] = 0  # not answered (0 in e-SKM; blank in a form)
    return frame


def _forms_csv_stamp(s: dt.datetime) -> str:
    """How the Google Forms CSV download writes a time: 2025/10/24 6:46:43 PM GMT+7."""
    hour = s.hour % 12 or 12
    half = "PM" if s.hour >= 12 else "AM"
    return f"{s.year}/{s.month}/{s.day} {hour}:{s.minute:02d}:{s.second:02d} {half} GMT+7"


def _label(code: str, score: int, i: int) -> str:
    labels = dict((c, lab) for c, _, lab in QUESTIONS)[code]
    text = labels[score - 1]
    if code == "u8" and score == 2 and i % 2:
        text = "Ada tapi tidak berfungsi"  # both spellings occur (domain.md §1.8)
    if i % 3 == 1:
        text = text.upper()
    if i % 5 == 2:
        text = f"  {text.lower()} "
    return text


def google_form(resp: pd.DataFrame, locale: str = "id") -> pd.DataFrame:
    """A Google Form's linked sheet: timestamp, unit NAMES, full questions, answer labels."""
    stamp_header = {"id": "Stempel waktu", "en": "Timestamp"}[locale]
    if locale == "id":
        stamps = [s.strftime("%d/%m/%Y %H:%M:%S") for s in resp["stamp"]]
    else:
        stamps = [_forms_csv_stamp(s) for s in resp["stamp"]]
    out = {
        stamp_header: stamps,
        "Nama (boleh dikosongkan)": [f"Warga {i}" if i % 4 else "" for i in range(len(resp))],
        "Unit Layanan": [
            UNITS[u][1] if i % 3 else UNITS[u][1].upper() for i, u in enumerate(resp["unit"])
        ],
        "Jenis Layanan yang Diterima": ["Pelayanan umum"] * len(resp),
        "Jenis Kelamin": resp["gender"],
        "Usia": [f"{a} tahun" if i % 2 else str(a) for i, a in enumerate(resp["age"])],
        "Pendidikan Terakhir": resp["education"],
        "Pekerjaan": ["Swasta"] * len(resp),
    }
    for code, question, _ in QUESTIONS:
        out[question] = [
            "" if s == 0 else _label(code, int(s), i) for i, s in enumerate(resp[code])
        ]
    out["Kritik dan Saran"] = [
        "Antrian terlalu lama" if i % 7 == 0 else "" for i in range(len(resp))
    ]
    out["No. HP"] = [f"0812{i:07d}" for i in range(len(resp))]
    return pd.DataFrame(out)


def write_xlsx(
    path: Path, sheets: dict[str, list[list]], merged: dict[str, str] | None = None
) -> Path:
    """A workbook from rows of cells (None = empty), with merged ranges per sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if merged and name in merged:
            ws.merge_cells(merged[name])
    book.save(path)
    return path


def frame_rows(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + [
        [None if (isinstance(v, str) and v == "") else v for v in row]
        for row in frame.itertuples(index=False)
    ]


def opd_list(path: Path, *, city: str = "Kota Batu", units=UNITS) -> Path:
    """An office's unit list: merged title row, subtitle, blank row, header, rows, footer."""
    rows: list[list] = [
        [f"DAFTAR PERANGKAT DAERAH {city.upper()}", None, None, None],
        ["Keadaan 31 Desember 2024", None, None, None],
        [None, None, None, None],
        ["No", "Nama Perangkat Daerah", "Singkatan", "Jenis"],
    ]
    for i, (abbr, name, kind) in enumerate(units, start=1):
        rows.append([i, name, abbr.title() if i % 2 else abbr, kind])
    rows += [[None] * 4, [f"Sumber: Bagian Organisasi Setda {city}", None, None, None]]
    return write_xlsx(path, {"Sheet1": rows}, {"Sheet1": "A1:D1"})


def innovation_register(path: Path) -> Path:
    """An IID innovation register: the profile form's Indonesian field names."""
    rows = [
        [
            "No",
            "Nama Inovasi",
            "Perangkat Daerah",
            "Tahapan Inovasi",
            "Inisiator",
            "Jenis Inovasi",
            "Bentuk Inovasi",
            "Waktu Uji Coba",
            "Waktu Penerapan",
        ],
        [
            1,
            "Adminduk Keliling",
            "Disdukcapil",
            "Penerapan",
            "Perangkat Daerah",
            "Non Digital",
            "Inovasi Pelayanan Publik",
            "17 Agustus 2020",
            "2 Januari 2021",
        ],
        [
            2,
            "Si Sehat",
            "Dinkes",
            "Uji Coba",
            "ASN",
            "Digital",
            "Pelayanan Publik",
            "1 Maret 2023",
            None,
        ],
        [
            3,
            "Izin Kilat",
            "DPMPTSP",
            "Penerapan",
            "Kepala Daerah",
            "Digital",
            "Tata Kelola Pemerintahan Daerah",
            dt.datetime(2022, 5, 10),
            dt.datetime(2023, 7, 1),
        ],
    ]
    return write_xlsx(path, {"Data Inovasi": rows})


def eskm_csv(resp: pd.DataFrame, path: Path, *, units=UNITS) -> Path:
    """An e-SKM app's CSV: ';', dd-mm-yyyy, Kode Unit, U1…U9 in regulation order, 0 = no
    answer, and the summary rows NRR / BOBOT / IKM (decimal commas) under the data."""
    header = ["No", "Tanggal", "Kode Unit", "Nama Unit", *[f"U{i}" for i in range(1, 10)]]
    lines = [";".join(header)]
    for i, row in enumerate(resp.itertuples(index=False), start=1):
        answers = [str(getattr(row, f"u{k}")) for k in range(1, 10)]
        lines.append(
            ";".join(
                [
                    str(i),
                    row.stamp.strftime("%d-%m-%Y"),
                    units[row.unit][0],
                    units[row.unit][1],
                    *answers,
                ]
            )
        )
    nrr = [resp[f"u{k}"].replace(0, np.nan).mean() for k in range(1, 10)]
    lines.append(";".join(["NRR", "", "", "", *[f"{v:.3f}".replace(".", ",") for v in nrr]]))
    lines.append(";".join(["BOBOT", "", "", "", *["0,111"] * 9]))
    lines.append(";".join(["IKM", "", "", "", "87,45", *[""] * 8]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def round_half_up(x: float, decimals: int = 2) -> float:
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def ikm_by_unit_year(resp: pd.DataFrame) -> dict[tuple[str, int], float]:
    """IKM per unit and year from the raw scores: Permen PANRB 14/2017, computed here by hand.

    NRR of an element = mean over the respondents who answered it (0 = no answer);
    IKM = mean of the nine NRR × 25, rounded half up to two decimals.
    """
    scores = resp.assign(
        agency=[UNITS[u][0] for u in resp["unit"]], year=[s.year for s in resp["stamp"]]
    )
    out = {}
    for (agency, year), group in scores.groupby(["agency", "year"]):
        nrr = [group[f"u{k}"].replace(0, np.nan).mean() for k in range(1, 10)]
        out[(agency, int(year))] = round_half_up(sum(nrr) / 9 * 25)
    return out


def survey_file(resp: pd.DataFrame, path: Path) -> Path:
    """A researcher's SPSS (.sav) or Stata (.dta) file: short variable names (Q1 … Q9 in the
    questionnaire's order), the question as the variable label, coded sex with value labels."""
    import pyreadstat

    frame = pd.DataFrame(
        {
            "resp": [f"S{i:03d}" for i in range(1, len(resp) + 1)],
            "unit": [UNITS[u][0] for u in resp["unit"]],
            "svc": ["Pelayanan umum"] * len(resp),
            "tgl": [s.strftime("%Y-%m-%d") for s in resp["stamp"]],
            "jk": [1.0 if g == "Laki-laki" else 2.0 for g in resp["gender"]],
            **{f"q{i}": resp[code].astype(float) for i, (code, _, _) in enumerate(QUESTIONS, 1)},
        }
    )
    labels = {
        "resp": "ID Responden",
        "unit": "Kode Unit",
        "svc": "Jenis Layanan",
        "tgl": "Tanggal Survei",
        "jk": "Jenis Kelamin",
        **{f"q{i}": q for i, (_, q, _) in enumerate(QUESTIONS, 1)},
    }
    value_labels = {"jk": {1.0: "Laki-laki", 2.0: "Perempuan"}}
    if path.suffix == ".dta":  # Stata keeps at most 80 characters of a label
        labels = {k: v[:80] for k, v in labels.items()}
    if path.suffix == ".sav":
        pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels=value_labels)
    else:
        pyreadstat.write_dta(frame, path, column_labels=labels, variable_value_labels=value_labels)
    return path


def canonical_workbook(path: Path, tables: dict[str, pd.DataFrame], cover: bool = True) -> Path:
    """One workbook, one sheet per table (sheet named after the table), a cover sheet first."""
    sheets: dict[str, list[list]] = {}
    if cover:
        sheets["Keterangan"] = [["Data studi Kota Batu"], ["Disusun oleh Bappeda"]]
    for name, frame in tables.items():
        sheets[name] = frame_rows(frame)
    return write_xlsx(path, sheets)
