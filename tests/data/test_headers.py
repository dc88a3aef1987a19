"""SKM header mapping: codes, element names (regulation order), identifiers, clashes."""

from __future__ import annotations

import pandas as pd
import pytest

from innolab_analysis.data import load_study, standardise_skm_columns
from innolab_analysis.data.headers import SKM_ELEMENTS_2017, normalise_header
from innolab_analysis.errors import DataValidationError


@pytest.mark.parametrize(
    "template", ["U{i}", "u{i}", "Unsur {i}", "UNSUR_{i}", "u_{i}", "unsur{i}", "U0{i}"]
)
def test_codes_map_to_canonical(template):
    raw = pd.DataFrame({template.format(i=i): [1] for i in range(1, 10)})
    out, mapping = standardise_skm_columns(raw)
    assert list(out.columns) == [f"u{i}" for i in range(1, 10)]
    assert set(mapping.values()) <= {f"u{i}" for i in range(1, 10)}


def test_regulation_names_in_any_case_and_punctuation():
    headers = [
        "PERSYARATAN",
        "sistem mekanisme & prosedur",
        "Waktu  Penyelesaian",
        "Biaya / Tarif",
        "Produk Spesifikasi Jenis Pelayanan",
        "kompetensi_pelaksana",
        "Perilaku Pelaksana.",
        "Penanganan Pengaduan, Saran, dan Masukan",
        "Sarana dan Prasarana",
    ]
    out, _ = standardise_skm_columns(pd.DataFrame({h: [1] for h in headers}))
    assert list(out.columns) == [f"u{i}" for i in range(1, 10)]
    # the element list itself (regulation order) maps to u1 … u9
    out, _ = standardise_skm_columns(pd.DataFrame({h: [1] for h in SKM_ELEMENTS_2017}))
    assert list(out.columns) == [f"u{i}" for i in range(1, 10)]


def test_u8_u9_swap_is_undone_by_name():
    # An app that puts Sarana at 8 and Pengaduan at 9 (domain.md §1.1).
    raw = pd.DataFrame(
        {
            "U8 Sarana dan prasarana": [4, 4],
            "U9 Penanganan Pengaduan, Saran dan Masukan": [2, 1],
            "Prosedur": [3, 3],
        }
    )
    out, mapping = standardise_skm_columns(raw)
    assert mapping == {
        "U8 Sarana dan prasarana": "u9",
        "U9 Penanganan Pengaduan, Saran dan Masukan": "u8",
        "Prosedur": "u2",
    }
    assert out["u8"].tolist() == [2, 1]  # pengaduan answers land on u8
    assert out["u9"].tolist() == [4, 4]


def test_identifier_headers():
    raw = pd.DataFrame(
        {
            h: ["x"]
            for h in [
                "ID Responden",
                "Kode OPD",
                "Jenis Layanan",
                "Tanggal Survei",
                "Bobot",
                "Jenis Kelamin",
                "Umur",
                "Pendidikan",
                "Saran",
            ]
        }
    )
    out, mapping = standardise_skm_columns(raw)
    assert list(out.columns) == [
        "respondent_id",
        "agency_id",
        "service",
        "survey_date",
        "weight",
        "gender",
        "age",
        "education",
        "Saran",
    ]
    assert "Saran" not in mapping


def test_input_is_not_modified():
    raw = pd.DataFrame({"U1": [1], "ID Responden": ["a"]})
    standardise_skm_columns(raw)
    assert list(raw.columns) == ["U1", "ID Responden"]


def test_two_columns_for_one_element_is_an_error_naming_both():
    raw = pd.DataFrame({"U8": [1], "Penanganan Pengaduan": [2], "U1": [3]})
    with pytest.raises(DataValidationError) as excinfo:
        standardise_skm_columns(raw)
    assert str(excinfo.value) == (
        "1 ambiguous SKM header(s):\n"
        "  - column 'u8': columns 'U8' and 'Penanganan Pengaduan' both map to 'u8'; keep one of "
        "them or rename the other"
    )


def test_normalise_header():
    assert normalise_header(" Biaya/Tarif ") == "biaya tarif"
    assert normalise_header("Penanganan Pengaduan, Saran & Masukan") == (
        "penanganan pengaduan saran dan masukan"
    )


def test_loader_maps_agency_headers(tmp_path, valid_tables, write_study):
    skm = valid_tables["skm_responses"].rename(
        columns={
            "respondent_id": "ID Responden",
            "agency_id": "Kode OPD",
            "u1": "Persyaratan",
            "u8": "U9",
            "u9": "U8",
        }
    )
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    study = load_study(folder)
    # "U9"/"U8" are codes only: taken at their word (the columns were swapped on purpose here)
    assert (
        study.skm_responses["u8"].tolist()
        == valid_tables["skm_responses"]["u9"].astype(int).tolist()
    )
    assert study.skm_responses["u1"].tolist() == [2, 3, 4, 1]


def test_loader_reports_header_clash_with_the_file(tmp_path, valid_tables, write_study):
    skm = valid_tables["skm_responses"].assign(**{"Unsur 1": "3"})
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    with pytest.raises(DataValidationError) as excinfo:
        load_study(folder)
    assert [str(p) for p in excinfo.value.problems] == [
        "skm_responses.csv, column 'u1': columns 'u1' and 'Unsur 1' both map to 'u1'; keep one "
        "of them or rename the other"
    ]
