"""Real exports load without configuration, and every recognition is reported.

Fixtures are built by code (tests/data/exports.py): Google Forms in both locales, an office's
OPD list with a merged title row and a footer, an IID innovation register, e-SKM CSVs, a
workbook with one sheet per table, SPSS and Stata files. The IKM per unit and year of what the
loader read is checked against an independent computation from the raw answers.
"""

from __future__ import annotations

from pathlib import Path

import exports as ex
import pandas as pd
import pytest

from innolab_analysis.data import load_study
from innolab_analysis.data.recognition import Recognition
from innolab_analysis.errors import DataValidationError
from innolab_analysis.metrics.skm import skm_index


def _problems(folder: Path, sources=None) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_study(folder, sources=sources)
    return [str(p) for p in info.value.problems]


def _recs(study, table: str, kind: str) -> list[tuple]:
    return [
        (r.source_value, r.canonical, r.n_rows)
        for r in study.recognitions
        if r.table == table and r.kind == kind
    ]


def _ikm(study) -> dict[tuple[str, int], float]:
    skm = study.skm_responses.assign(year=study.skm_responses["survey_date"].dt.year)
    out = skm_index(skm, by=["agency_id", "year"])
    return {(str(a), int(y)): float(v) for a, y, v in out[["agency_id", "year", "ikm"]].values}


@pytest.fixture(scope="module")
def resp():
    return ex.responses()


@pytest.fixture
def batu(tmp_path, resp):
    """A study folder with the OPD list and a Google Form export (Indonesian locale, .xlsx)."""
    folder = tmp_path / "batu"
    folder.mkdir()
    ex.opd_list(folder / "Daftar OPD.xlsx")
    ex.write_xlsx(
        folder / "Survei SKM (Jawaban).xlsx",
        {"Jawaban Formulir 1": ex.frame_rows(ex.google_form(resp, "id"))},
    )
    return folder


SOURCES = {
    "city": "Kota Batu",
    "agencies": {"file": "Daftar OPD.xlsx"},
    "skm_responses": {"file": "Survei SKM (Jawaban).xlsx"},
}


# --------------------------------------------------------------------------- Google Forms


def test_google_form_in_the_indonesian_locale(batu, resp):
    study = load_study(batu, sources=SOURCES)
    skm = study.skm_responses
    assert len(skm) == 120
    # timestamps as text, day first: 02/01/2023-style cells read as 2 January
    assert skm["survey_date"].tolist()[:2] == list(resp["stamp"][:2])
    assert _recs(study, "skm_responses", "timestamp") == [
        ("Stempel waktu", "survey_date (Indonesian locale, day first)", 120)
    ]
    assert _recs(study, "skm_responses", "date_format") == [
        ("day/month/year (31/03/2024), with a time of day", "survey_date", 120)
    ]
    # the questions by their wording: question 8 (sarana) is u9, question 9 (pengaduan) is u8
    questions = dict((c, q) for q, c, _ in _recs(study, "skm_responses", "question"))
    assert questions["u9"].startswith("Bagaimana pendapat Saudara tentang kualitas sarana")
    assert questions["u8"].startswith("Bagaimana pendapat Saudara tentang penanganan pengaduan")
    for code, _, _ in ex.QUESTIONS:
        expected = resp[code].where(resp[code] > 0)
        assert skm[code].astype("Float64").tolist() == expected.astype("Float64").tolist(), code
    # both spellings of u8's option b, in any case and spacing, are 2
    u8 = {r.source_value: (r.canonical, r.n_rows) for r in study.recognitions if r.column == "u8"}
    assert u8["Ada tetapi tidak berfungsi"][0] == u8["Ada tapi tidak berfungsi"][0] == "2"
    assert sum(n for _, n in u8.values()) == 120
    # a stable generated id: the file's name and the sheet row
    assert skm["respondent_id"].tolist()[:2] == [
        "survei_skm_jawaban-000002",
        "survei_skm_jawaban-000003",
    ]
    assert (
        load_study(batu, sources=SOURCES)
        .skm_responses["respondent_id"]
        .equals(skm["respondent_id"])
    )
    # units by name (any case) → their ids from the OPD list
    assert set(skm["agency_id"]) == {"DISDUKCAPIL", "DINKES", "DPMPTSP", "BAPENDA"}
    names = {(v, c) for v, c, _ in _recs(study, "skm_responses", "unit_name")}
    assert ("Dinas Kesehatan", "DINKES") in names
    assert sum(n for _, _, n in _recs(study, "skm_responses", "unit_name")) == 120
    # respondent profile as people write it
    assert set(skm["gender"].astype(str)) == {"L", "P"}
    assert skm["age"].tolist() == resp["age"].tolist()  # '34 tahun' and '34'
    assert "SD" in set(skm["education"]) and "SD/Sederajat" not in set(skm["education"])
    # free text and personal data kept, unused, private
    assert study.unused_columns["skm_responses"] == (
        "Nama (boleh dikosongkan)",
        "Pekerjaan",
        "Kritik dan Saran",
        "No. HP",
    )
    assert study.private_columns["skm_responses"] == (
        "gender",
        "age",
        "education",
        "Nama (boleh dikosongkan)",
        "Pekerjaan",
        "Kritik dan Saran",
        "No. HP",
    )
    assert skm.attrs["private_columns"] == study.private_columns["skm_responses"]
    assert "Kritik dan Saran" not in study.shareable("skm_responses").columns
    # the IKM per unit and year equals the regulation's formula on the raw answers
    assert _ikm(study) == ex.ikm_by_unit_year(resp)


def test_google_form_csv_download_in_the_english_locale(tmp_path, resp):
    folder = tmp_path / "en"
    folder.mkdir()
    ex.opd_list(folder / "agencies.xlsx")
    ex.google_form(resp, "en").to_csv(folder / "skm_responses.csv", index=False)
    study = load_study(folder, sources={"city": "Kota Batu"})
    assert study.skm_responses["survey_date"].tolist() == list(resp["stamp"])
    assert _recs(study, "skm_responses", "timestamp") == [
        ("Timestamp", "survey_date (English locale)", 120)
    ]
    assert _recs(study, "skm_responses", "date_format") == [
        ("year/month/day (2025/10/24 6:46:43 PM GMT+7), with a time of day", "survey_date", 120)
    ]
    assert _ikm(study) == ex.ikm_by_unit_year(resp)


def test_google_form_xlsx_download_keeps_real_datetimes(tmp_path, resp):
    folder = tmp_path / "dt"
    folder.mkdir()
    ex.opd_list(folder / "agencies.xlsx")
    form = ex.google_form(resp, "en")
    form["Timestamp"] = list(resp["stamp"])
    ex.write_xlsx(folder / "skm_responses.xlsx", {"Form Responses 1": ex.frame_rows(form)})
    study = load_study(folder, sources={"city": "Kota Batu"})
    assert study.skm_responses["survey_date"].tolist() == list(resp["stamp"])
    assert _recs(study, "skm_responses", "date_format") == []


def test_dotted_times_and_month_first_dates_in_the_english_locale(tmp_path, resp):
    folder = tmp_path / "us"
    folder.mkdir()
    ex.opd_list(folder / "agencies.xlsx")
    form = ex.google_form(resp.iloc[:3], "en")
    form["Timestamp"] = ["1/2/2024 10.59.47", "12/25/2024 18.46.43", "3/4/2024 8.00.00"]
    form.to_csv(folder / "skm_responses.csv", index=False)
    study = load_study(folder, sources={"city": "Kota Batu"})
    # 12/25 proves month first; the dotted time of day is read too
    assert study.skm_responses["survey_date"].tolist() == [
        pd.Timestamp("2024-01-02 10:59:47"),
        pd.Timestamp("2024-12-25 18:46:43"),
        pd.Timestamp("2024-03-04 08:00:00"),
    ]
    form["Timestamp"] = ["1/2/2024 10:59:47", "2/3/2024 18:46:43", "3/4/2024 08:00:00"]
    form.to_csv(folder / "skm_responses.csv", index=False)
    assert _problems(folder, sources={"city": "Kota Batu"}) == [
        "skm_responses.csv, column 'survey_date': the dates could be day/month/year or "
        "month/day/year (no day above 12 tells); the form was exported in the English locale, "
        "which writes month first in the US: write date_order: mdy (or dmy) for this source in "
        "sources.yaml [row 2 ('1/2/2024 10:59:47'), row 3 ('2/3/2024 18:46:43'), row 4 "
        "('3/4/2024 08:00:00')]; allowed: ISO dates (2024-03-31), day/month/year (31/03/2024), "
        "either with a time of day (31/03/2024 10:59:47), or written out (17 Agustus 2020)"
    ]
    study = load_study(
        folder,
        sources={
            "city": "Kota Batu",
            "skm_responses": {"file": "skm_responses.csv", "date_order": "mdy"},
        },
    )
    assert study.skm_responses["survey_date"].dt.month.tolist() == [1, 2, 3]


# --------------------------------------------------------------------------- office lists


def test_opd_list_with_a_merged_title_row_and_a_footer(batu):
    study = load_study(batu, sources=SOURCES)
    ag = study.agencies
    assert ag["agency_id"].tolist() == [
        "DISDUKCAPIL",
        "DINKES",
        "DPMPTSP",
        "BAPENDA",
        "RSUD",
        "KEC_BATU",
    ]
    assert ag["abbreviation"].tolist()[:2] == ["Disdukcapil", "DINKES"]  # as written
    assert ag["kind"].astype(str).tolist() == [
        "dinas",
        "dinas",
        "dinas",
        "badan",
        "rsud",
        "kecamatan",
    ]
    assert set(ag["city"]) == {"Kota Batu"}
    assert ag["cluster"].isna().all()
    got = [
        (r.kind, r.source_value, r.canonical, r.n_rows)
        for r in study.recognitions
        if r.table == "agencies"
    ]
    assert got[:3] == [
        (
            "header_row",
            "row 4; above it: title 'DAFTAR PERANGKAT DAERAH KOTA BATU', title 'Keadaan 31 "
            "Desember 2024', 1 blank row",
            "",
            6,
        ),
        ("blank_rows", "1 blank row(s) between the data", "", 1),
        ("footer", "Sumber: Bagian Organisasi Setda Kota Batu", "", 1),
    ]
    assert ("derived", "abbreviation", "agency_id", 6) in got
    assert ("constant", "Kota Batu (city in sources.yaml)", "city", 6) in got
    assert ("blank", "cluster", "", 6) in got


def test_unit_list_without_a_kind_takes_it_from_the_names(tmp_path):
    folder = tmp_path / "k"
    folder.mkdir()
    units = [
        ("", "UPT Puskesmas Blooto", ""),
        ("", "Satuan Polisi Pamong Praja", ""),
        ("", "Sekretariat DPRD", ""),
    ]
    ex.write_xlsx(
        folder / "agencies.xlsx",
        {
            "OPD": [["Nama Perangkat Daerah", "Kabupaten/Kota"]]
            + [[n, "Kota Mojokerto"] for _, n, _ in units]
        },
    )
    study = load_study(folder)
    assert study.agencies["kind"].astype(str).tolist() == ["puskesmas", "satpol_pp", "sekretariat"]
    assert study.agencies["agency_id"].tolist() == [
        "upt_puskesmas_blooto",
        "satuan_polisi_pamong_praja",
        "sekretariat_dprd",
    ]
    assert _recs(study, "agencies", "derived") == [
        ("name", "agency_id", 3),
        ("name starts with 'upt puskesmas'", "kind puskesmas", 1),
        ("name starts with 'satuan polisi pamong praja'", "kind satpol_pp", 1),
        ("name starts with 'sekretariat dprd'", "kind sekretariat", 1),  # the longest prefix
    ]


def test_innovation_register_with_indonesian_headers(batu):
    ex.innovation_register(batu / "Rekap Inovasi.xlsx")
    sources = {**SOURCES, "innovations": {"file": "Rekap Inovasi.xlsx"}}
    assert _problems(batu, sources) == [
        "Rekap Inovasi.xlsx, column 'origin': required column is missing; the file has columns "
        "'No', 'Nama Inovasi', 'Perangkat Daerah', 'Tahapan Inovasi', 'Inisiator', 'Jenis "
        "Inovasi', 'Bentuk Inovasi', 'Waktu Uji Coba', 'Waktu Penerapan'; if a column holds "
        'it, write in sources.yaml: innovations: {columns: {"<header>": origin}}; if every row '
        "has the same value: innovations: {derive: {origin: {value: original}}} (allowed: "
        "original, adaptation, modification)",
        "Rekap Inovasi.xlsx, column 'proposed_on': required column is missing; the file has "
        "columns 'No', 'Nama Inovasi', 'Perangkat Daerah', 'Tahapan Inovasi', 'Inisiator', "
        "'Jenis Inovasi', 'Bentuk Inovasi', 'Waktu Uji Coba', 'Waktu Penerapan'; if a column "
        'holds it, write in sources.yaml: innovations: {columns: {"<header>": proposed_on}}; '
        "if another date stands for it: innovations: {derive: {proposed_on: {from: <column>}}}",
    ]
    sources["innovations"]["derive"] = {
        "origin": {"value": "original"},
        "proposed_on": {"from": "trial_on"},
    }
    inv = load_study(batu, sources=sources).innovations
    assert inv["title"].tolist() == ["Adminduk Keliling", "Si Sehat", "Izin Kilat"]
    assert inv["agency_id"].tolist() == ["DISDUKCAPIL", "DINKES", "DPMPTSP"]  # abbreviations
    assert inv["iid_stage"].astype(str).tolist() == ["penerapan", "uji_coba", "penerapan"]
    assert inv["digital"].tolist() == [False, True, True]
    assert inv["form"].astype(str).tolist() == [
        "pelayanan_publik",
        "pelayanan_publik",
        "tata_kelola",
    ]
    # long Indonesian dates ("17 Agustus 2020") and real dates in one column
    assert inv["trial_on"].tolist() == [
        pd.Timestamp(2020, 8, 17),
        pd.Timestamp(2023, 3, 1),
        pd.Timestamp(2022, 5, 10),
    ]
    assert inv["launched_on"].tolist()[0] == pd.Timestamp(2021, 1, 2)
    assert pd.isna(inv["launched_on"].iloc[1])
    assert inv["proposed_on"].equals(inv["trial_on"].rename("proposed_on"))
    assert inv["innovation_id"].tolist() == [
        "rekap_inovasi-000002",
        "rekap_inovasi-000003",
        "rekap_inovasi-000004",
    ]
    assert inv["Inisiator"].tolist() == ["Perangkat Daerah", "ASN", "Kepala Daerah"]


# --------------------------------------------------------------------------- e-SKM


def test_eskm_csv_export(tmp_path, resp):
    folder = tmp_path / "eskm"
    folder.mkdir()
    ex.opd_list(folder / "agencies.xlsx")
    ex.eskm_csv(resp, folder / "skm_responses.csv")
    sources = {
        "city": "Kota Batu",
        "skm_responses": {
            "file": "skm_responses.csv",
            "derive": {"service": {"value": "Semua layanan"}},
        },
    }
    study = load_study(folder, sources=sources)
    skm = study.skm_responses
    assert len(skm) == 120  # the NRR / BOBOT / IKM rows under the data are not respondents
    assert _recs(study, "skm_responses", "summary_rows") == [("NRR, BOBOT, IKM", "", 3)]
    assert _recs(study, "skm_responses", "missing_zero") == [("0", "no answer", 1)]
    assert pd.isna(skm["u3"].iloc[5])
    assert skm["survey_date"].tolist() == [s.normalize() for s in resp["stamp"]]  # dd-mm-yyyy
    assert skm["respondent_id"].tolist()[:3] == ["1", "2", "3"]  # the export's "No"
    assert "Nama Unit" in study.unused_columns["skm_responses"]  # Kode Unit wins over the name
    assert _ikm(study) == ex.ikm_by_unit_year(resp)


def test_summary_rows_between_the_data_are_refused(tmp_path, resp):
    folder = tmp_path / "mid"
    folder.mkdir()
    path = ex.eskm_csv(resp.iloc[:4], folder / "skm_responses.csv")
    lines = path.read_text().splitlines()
    lines.insert(3, "NRR;;;;3,5;3,5;3,5;3,5;3,5;3,5;3,5;3,5;3,5")
    path.write_text("\n".join(lines) + "\n")
    assert _problems(folder) == [
        "skm_responses.csv: 1 row(s) between the data look like summary rows (NRR, IKM …), not "
        "respondents; delete them or move every summary row under the data [row 4 ('NRR')]"
    ]


def test_stacked_sources_keep_their_ids_unique(tmp_path, resp):
    folder = tmp_path / "stack"
    (folder / "eskm").mkdir(parents=True)
    ex.opd_list(folder / "agencies.xlsx")
    first, second = resp.iloc[:60], resp.iloc[60:].reset_index(drop=True)
    ex.eskm_csv(first, folder / "eskm" / "skm_2023.csv")
    ex.eskm_csv(second, folder / "eskm" / "skm_2024.csv")
    ex.write_xlsx(
        folder / "form.xlsx", {"Jawaban Formulir 1": ex.frame_rows(ex.google_form(first, "id"))}
    )
    sources = {
        "city": "Kota Batu",
        "skm_responses": [
            {"file": "eskm/skm_*.csv", "derive": {"service": {"value": "Semua layanan"}}},
            {"file": "form.xlsx", "id_prefix": "gform"},
        ],
    }
    study = load_study(folder, sources=sources)
    skm = study.skm_responses
    assert study.sources["skm_responses"] == ("eskm/skm_2023.csv", "eskm/skm_2024.csv", "form.xlsx")
    assert len(skm) == 180 and skm["respondent_id"].is_unique
    assert skm["respondent_id"].tolist()[:1] + skm["respondent_id"].tolist()[60:61] == [
        "skm_2023:1",
        "skm_2024:1",
    ]
    assert skm["respondent_id"].iloc[120] == "gform-000002"
    # only the sources whose ids collide get a prefix
    assert [
        (r.source, r.source_value, r.canonical) for r in study.recognitions if r.kind == "id_prefix"
    ] == [
        ("eskm/skm_2023.csv", "1 …", "skm_2023:1 …"),
        ("eskm/skm_2024.csv", "1 …", "skm_2024:1 …"),
    ]


# --------------------------------------------------------------------------- workbooks


def test_workbook_with_one_sheet_per_table(tmp_path, valid_tables):
    folder = tmp_path / "wb"
    folder.mkdir()
    ex.canonical_workbook(
        folder / "studi.xlsx",
        {t: valid_tables[t] for t in ("agencies", "skm_responses", "regions")},
    )
    sources = {t: {"file": "studi.xlsx"} for t in ("agencies", "skm_responses", "regions")}
    study = load_study(folder, sources=sources)
    assert study.tables == ("agencies", "skm_responses", "regions")
    assert study.skm_responses["u1"].tolist() == [2, 3, 4, 1]
    assert _recs(study, "regions", "sheet") == [("sheet 'regions' (named after the table)", "", 2)]
    sources["regions"] = {"file": "studi.xlsx", "sheet": "Region"}
    assert _problems(folder, sources) == [
        "studi.xlsx: the workbook has no sheet 'Region' (sheets: Keterangan, agencies, "
        "skm_responses, regions); did you mean 'regions'?"
    ]


def test_data_on_a_second_sheet_is_found_or_the_sheets_tried_are_named(tmp_path, valid_tables):
    folder = tmp_path / "second"
    folder.mkdir()
    ex.write_xlsx(
        folder / "agencies.xlsx",
        {
            "Petunjuk": [["Isi data pada lembar berikut"]],
            "Data": ex.frame_rows(valid_tables["agencies"]),
        },
    )
    study = load_study(folder)
    assert study.agencies["agency_id"].tolist() == ["DISDUK", "RSUD", "KEC_KRG"]
    assert _recs(study, "agencies", "sheet") == [
        ("sheet 'Data' (sheet 'Petunjuk' (no header row) holds no agencies columns)", "", 3)
    ]
    ex.write_xlsx(
        folder / "agencies.xlsx", {"Petunjuk": [["Isi data pada lembar berikut"]], "Kosong": []}
    )
    assert _problems(folder) == [
        "agencies.xlsx: no sheet of the workbook holds a table: tried 'Petunjuk' (no header "
        "row), 'Kosong' (empty); put the table on a sheet with its column names in one row, "
        "or name the sheet in sources.yaml (sheet: …)"
    ]


# --------------------------------------------------------------------------- SPSS / Stata


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_spss_and_stata_survey_files(tmp_path, resp, suffix):
    folder = tmp_path / suffix[1:]
    folder.mkdir()
    ex.opd_list(folder / "agencies.xlsx")
    ex.survey_file(resp, folder / f"skm_responses{suffix}")
    study = load_study(folder, sources={"city": "Kota Batu"})
    skm = study.skm_responses
    # the variables q1 … q9 are mapped by their labels (the questions), so q8 (sarana) is u9
    by_label = [
        r for r in _recs(study, "skm_responses", "column") if r[0].startswith(("q8 ", "q9 "))
    ]
    assert by_label == [
        (
            "q8 (label 'Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?')",
            "u9",
            120,
        ),
        (
            "q9 (label 'Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?')",
            "u8",
            120,
        ),
    ]
    assert skm["gender"].astype(str).tolist() == [
        "L" if g == "Laki-laki" else "P" for g in resp["gender"]
    ]
    assert _recs(study, "skm_responses", "value_labels") == [
        ("1 = Laki-laki, 2 = Perempuan", "gender", 120)
    ]
    assert _ikm(study) == ex.ikm_by_unit_year(resp)


# --------------------------------------------------------------------------- fixes named


def test_unknown_answers_and_units_come_with_the_lines_that_map_them(batu, resp):
    form = ex.google_form(resp.iloc[:6], "id")
    q9 = ex.QUESTIONS[8][1]
    form.loc[0, q9] = "Lumayan"
    form.loc[1, q9] = "Cukup"  # a sarana answer in the pengaduan column
    form.loc[2, "Unit Layanan"] = "Dinas Kesehatan Kota Batu"  # the city after the name: found
    form.loc[3, "Unit Layanan"] = "Dinas Kesehatn"  # a near miss
    form.loc[4, "Unit Layanan"] = "Dinas Pariwisata"  # not in the list
    ex.write_xlsx(batu / "Survei SKM (Jawaban).xlsx", {"Jawaban Formulir 1": ex.frame_rows(form)})
    assert _problems(batu, SOURCES) == [
        "Survei SKM (Jawaban).xlsx, column 'u8': 2 values are not an answer of u8 (Penanganan "
        "Pengaduan, Saran dan Masukan) ('Cukup' is an answer of u9: is this column really "
        'u8?); to map them, write in sources.yaml: skm_responses: {values: {u8: {"Lumayan": '
        "<1–4>, \"Cukup\": <1–4>}}} [row 2 ('Lumayan'), row 3 ('Cukup')]; allowed: 1–4, or "
        "the labels Tidak ada = 1, Ada tetapi tidak berfungsi = 2, "
        "Ada tapi tidak berfungsi = 2, Berfungsi kurang maksimal = 3, Dikelola dengan baik = 4",
        "Survei SKM (Jawaban).xlsx, column 'agency_id': 2 ids not found in Daftar OPD.xlsx "
        "(agency_id): 'Dinas Kesehatn', 'Dinas Pariwisata'; add them to Daftar OPD.xlsx or "
        "correct the ids (2 rows); did you mean 'Dinas Kesehatn' → DINKES (Dinas Kesehatan)?; "
        'or map them in sources.yaml: skm_responses: {values: {agency_id: {"Dinas Kesehatn": '
        "DINKES, \"Dinas Pariwisata\": <agency_id>}}} [row 5 ('Dinas Kesehatn'), row 6 "
        "('Dinas Pariwisata')]",
    ]
    sources = {
        **SOURCES,
        "skm_responses": {
            "file": "Survei SKM (Jawaban).xlsx",
            "values": {
                "u8": {"Lumayan": 3, "Cukup": 4},
                "agency_id": {"Dinas Kesehatn": "DINKES", "Dinas Pariwisata": "BAPENDA"},
            },
        },
    }
    skm = load_study(batu, sources=sources).skm_responses
    assert skm["u8"].tolist()[:2] == [3, 4]
    assert skm["agency_id"].tolist()[2:5] == ["DINKES", "DINKES", "BAPENDA"]


def test_question_numbers_never_decide_the_element(tmp_path, resp):
    folder = tmp_path / "p"
    folder.mkdir()
    frame = pd.DataFrame(
        {
            "Kode Unit": ["DINKES"],
            "Tanggal": ["01/02/2024"],
            "Layanan": ["Umum"],
            **{f"P{i}": [3] for i in range(1, 10)},
        }
    )
    frame.to_csv(folder / "skm_responses.csv", index=False)
    problems = _problems(folder)
    assert len(problems) == 9
    assert problems[7] == (
        "skm_responses.csv, column 'u8': required column is missing; the file has columns "
        "'Kode Unit', 'Tanggal', 'Layanan', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', "
        "'P9'; if a column holds it, write in sources.yaml: skm_responses: {columns: "
        '{"<header>": u8}}; if every row has the same value: skm_responses: {derive: {u8: '
        "{value: …}}}; 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9' are question "
        "numbers, which do not say the element (question 8 is sarana = u9, question 9 is "
        'pengaduan = u8): map them in sources.yaml by their wording, e.g. columns: {"P1": u1}'
    )


def test_ambiguous_question_asks_which_element(tmp_path):
    folder = tmp_path / "amb"
    folder.mkdir()
    question = "Bagaimana pendapat Saudara tentang waktu penanganan pengaduan?"
    frame = pd.DataFrame(
        {"Kode Unit": ["A"], "Tanggal": ["01/02/2024"], "Layanan": ["x"], question: ["4"]}
    )
    frame.to_csv(folder / "skm_responses.csv", index=False)
    assert _problems(folder)[0] == (
        "skm_responses.csv, column 'u3': the question 'Bagaimana pendapat Saudara tentang waktu "
        "penanganan pengaduan?' could be element u3 or u8; say which in sources.yaml (columns: "
        '{"Bagaimana pendapat Saudara tentang waktu penanganan pengaduan?": u3})'
    )


def test_a_form_sent_twice_is_a_problem_unless_dropped(batu, resp):
    form = ex.google_form(resp.iloc[:5], "id")
    form = pd.concat([form, form.iloc[[2]]], ignore_index=True)
    ex.write_xlsx(batu / "Survei SKM (Jawaban).xlsx", {"Jawaban Formulir 1": ex.frame_rows(form)})
    assert _problems(batu, SOURCES) == [
        "Survei SKM (Jawaban).xlsx: 1 row(s) repeat an earlier row exactly (same time of "
        "submission and the same answers: a form sent twice?), first seen on row(s) 4; delete "
        "the copies, or write drop_duplicates: true for this source in sources.yaml [row 7]"
    ]
    sources = {
        **SOURCES,
        "skm_responses": {"file": "Survei SKM (Jawaban).xlsx", "drop_duplicates": True},
    }
    study = load_study(batu, sources=sources)
    assert len(study.skm_responses) == 5
    assert _recs(study, "skm_responses", "duplicates_dropped") == [
        ("1 row(s) identical to an earlier row", "dropped", 1)
    ]


def test_age_bands_go_to_age_band(batu, resp):
    form = ex.google_form(resp.iloc[:4], "id")
    form["Usia"] = ["20-29 tahun", "< 20 tahun", "60 tahun ke atas", "35"]
    ex.write_xlsx(batu / "Survei SKM (Jawaban).xlsx", {"Jawaban Formulir 1": ex.frame_rows(form)})
    skm = load_study(batu, sources=SOURCES).skm_responses
    assert skm["age_band"].tolist()[:3] == ["20–29", "<20", "≥60"]
    assert pd.isna(skm["age_band"].iloc[3]) and skm["age"].tolist()[3] == 35
    assert skm["age"].isna().tolist() == [True, True, True, False]


def test_recognition_records_are_frozen(batu):
    study = load_study(batu, sources=SOURCES)
    first = study.recognitions[0]
    assert isinstance(first, Recognition)
    with pytest.raises(AttributeError):
        first.n_rows = 0  # type: ignore[misc]
    frame = study.recognition_table()
    assert list(frame.columns) == [
        "table",
        "source",
        "kind",
        "source_value",
        "canonical",
        "n_rows",
        "column",
    ]
    assert len(frame) == len(study.recognitions)


def test_a_missing_column_under_a_title_row_names_the_header_row_used(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    ex.write_xlsx(
        folder / "agencies.xlsx",
        {"S": [["DAFTAR OPD"], [None], ["No", "Nama OPD", "Jenis OPD"], [1, "Dinas A", "Dinas"]]},
    )
    assert _problems(folder) == [
        "agencies.xlsx, column 'city': required column is missing; the file has columns 'No', "
        "'Nama OPD', 'Jenis OPD'; if a column holds it, write in sources.yaml: agencies: "
        '{columns: {"<header>": city}}; if every row has the same value: agencies: {derive: '
        "{city: {value: …}}}; or write the city once at the top of sources.yaml: city: Kota …; "
        "the header was taken from row 3 (above it: title 'DAFTAR OPD', 1 blank row): if the "
        "column names are on another row, give header_row in sources.yaml"
    ]


def test_bps_style_regions_with_indonesian_headers(tmp_path):
    folder = tmp_path / "bps"
    folder.mkdir()
    (folder / "regions.csv").write_text(
        "Kode Wilayah;Nama Wilayah;Jenis Wilayah;Tahun;PDRB ADHB;PDRB ADHK 2010;Jumlah Penduduk;IPM\n"
        "3576;Kota Mojokerto;Kota;2020;7.000,5;5.100,25;132.434;77,63\n"
        "3516;Kabupaten Mojokerto;Kab.;2020;140.000,75;95.000,5;1.119.209;74,12\n"
    )
    study = load_study(folder)
    r = study.regions
    assert r["kind"].astype(str).tolist() == ["kota", "kabupaten"]
    assert r["pdrb_adhb"].tolist() == [7000.5, 140000.75]
    assert r["population"].tolist() == [132434.0, 1119209.0]
    assert r["ipm"].tolist() == [77.63, 74.12]
    assert _recs(study, "regions", "column")[:2] == [
        ("Kode Wilayah", "region_code", 2),
        ("Nama Wilayah", "region_name", 2),
    ]
    assert _recs(study, "regions", "blank") == [
        ("ipm_method", "", 2),
        ("distance_km", "", 2),
        ("travel_time_min", "", 2),
    ]
