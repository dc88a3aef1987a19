"""The vague cases found when bad data was tried: each now names the cells and says the fix."""

from __future__ import annotations

import pytest

from innolab_analysis.data import load_study, read_table
from innolab_analysis.errors import DataValidationError


def _message(path) -> str:
    with pytest.raises(DataValidationError) as info:
        read_table(path)
    return str(info.value)


HEAD = "region_code,region_name,kind,year,pdrb_adhb,pdrb_adhk,population\n"


def test_one_decimal_comma_among_decimal_points_names_that_cell(tmp_path):
    path = tmp_path / "regions.csv"
    rows = [
        f"3576,Kota Mojokerto,kota,{2015 + i},{v},1,120196"
        for i, v in enumerate(["3.5", "2.75", "1.25", '"4,5"', "7.125", "6.5"])
    ]
    path.write_text(HEAD + "\n".join(rows) + "\n")
    assert _message(path) == (
        "1 problem(s) in regions.csv (table 'regions'):\n"
        "  - regions.csv, column 'pdrb_adhb': 1 value has a decimal comma (3,5) while the other "
        "5 have a decimal point (3.5); write it with a decimal point like the rest "
        "[row 5 ('4,5')]"
    )


def test_a_year_written_with_a_thousands_point_is_reported_once(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(HEAD + "3576,Kota Mojokerto,kota,1.234,7000,5100,132434\n")
    assert _message(path) == (
        "1 problem(s) in regions.csv (table 'regions'):\n"
        "  - regions.csv, column 'year': 1 value has a fractional part ('.' followed by three "
        "digits: a thousands separator? write 1234) [row 2 ('1.234')]; allowed: whole numbers "
        "from 1990 to 2100"
    )


def test_negative_counts_and_shares_above_one_are_refused(tmp_path, valid_tables, write_study):
    ind = valid_tables["service_indicators"]
    ind.loc[:, "indicator"] = ["complaints_received", "online_share"]
    ind.loc[:, "value"] = ["-3", "1.4"]
    ind.loc[:, "unit"] = ["count", "share"]
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "service_indicators": ind}
    )
    with pytest.raises(DataValidationError) as info:
        load_study(folder)
    assert [str(p) for p in info.value.problems] == [
        "service_indicators.csv, column 'value': 1 value in unit 'count' is negative; a count "
        "cannot be negative: correct the value or the unit [row 2 (-3.0)]; allowed: count: ≥ 0",
        "service_indicators.csv, column 'value': 1 value in unit 'share' is outside 0 to 1; a "
        "share lies between them (write 35 % as 0.35): correct the value or the unit "
        "[row 3 (1.4)]; allowed: share: from 0 to 1",
    ]


def test_a_file_mixing_utf8_and_windows_1252_rows_is_refused_with_the_rows(tmp_path):
    path = tmp_path / "agencies.csv"
    lines = [
        b"agency_id,name,kind,city,cluster",
        "A,Café Utama,upt,Kota Mojokerto,".encode(),
        "B,Dinas Señor,dinas,Kota Mojokerto,".encode("cp1252"),
        b"C,Dinas C,dinas,Kota Mojokerto,",
        "D,Kantor Pérez,kantor,Kota Mojokerto,".encode("cp1252"),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert _message(path) == (
        "1 problem(s) in agencies.csv (table 'agencies'):\n"
        "  - agencies.csv: the file mixes two text encodings: UTF-8 on row(s) 2 and "
        "Windows-1252 on row(s) 3, 5 (rows pasted from different exports); reading it either "
        "way would garble accented letters, so open it in a spreadsheet, check those rows and "
        "save it again as 'CSV UTF-8'"
    )


def test_blank_rows_and_a_title_in_a_csv_are_skipped_with_the_right_row_numbers(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(
        "DAFTAR UNIT\n\nagency_id,name,kind,city,cluster\nA,Dinas A,dinas,Kota X,\n\n"
        "B,Dinas B,dinass,Kota X,\n"
    )
    assert _message(path) == (
        "1 problem(s) in agencies.csv (table 'agencies'):\n"
        "  - agencies.csv, column 'kind': 1 value is not allowed (did you mean 'dinass' → "
        "'dinas'?); to map them, write in sources.yaml: agencies: {values: {kind: "
        "{\"dinass\": dinas}}} [row 6 ('dinass')]; allowed: dinas, badan, kantor, inspektorat, "
        "sekretariat, satpol_pp, bagian, kecamatan, kelurahan, rsud, puskesmas, upt, blud, "
        "lainnya"
    )


def test_no_header_row_says_what_the_first_rows_hold(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("1\n2\n3\n")
    assert _message(path) == (
        "1 problem(s) in agencies.csv (table 'agencies'):\n"
        "  - agencies.csv: no header row found in the file: none of the first rows has two or "
        "more column names (row 1: '1'; row 2: '2'; row 3: '3'); put the column names in one "
        "row, or give header_row in sources.yaml"
    )
