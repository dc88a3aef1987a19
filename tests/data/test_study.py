"""load_study / read_table: types, round trips, and the whole message of every kind of bad input."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.data import TABLES, Study, load_study, read_table
from innolab_analysis.data.study import TABLE_NAMES, TableName
from innolab_analysis.errors import DataValidationError


def _message(excinfo) -> str:
    return str(excinfo.value)


def _one_problem(folder: Path) -> str:
    with pytest.raises(DataValidationError) as excinfo:
        load_study(folder)
    assert len(excinfo.value.problems) == 1, str(excinfo.value)
    return str(excinfo.value.problems[0])


# --------------------------------------------------------------------------- valid study


def test_valid_csv_study_types_and_values(study_dir):
    study = load_study(study_dir)
    assert isinstance(study, Study)
    assert study.tables == TABLE_NAMES
    assert study.files["agencies"] == study_dir / "agencies.csv"
    ag = study.agencies
    # every declared column but the optional one the file lacks (abbreviation), in declared order
    assert list(ag.columns) == [c for c in TABLES["agencies"].names if c != "abbreviation"]
    assert str(ag["agency_id"].dtype) == "str"
    assert list(ag["kind"].cat.categories) == list(TABLES["agencies"].column("kind").allowed)
    assert ag["kind"].tolist() == ["dinas", "rsud", "kecamatan"]
    assert ag["cluster"].isna().tolist() == [False, False, True]
    assert ag["established_on"].tolist()[2] == pd.Timestamp("2016-06-20")
    assert ag["established_on"].isna().sum() == 2

    skm = study.skm_responses
    assert {str(skm[f"u{i}"].dtype) for i in range(1, 10)} == {"Int8"}
    assert skm["u1"].tolist() == [2, 3, 4, 1]  # 1 + (1 + k) % 4, k = 0..3
    assert skm["u8"].isna().tolist() == [False, True, False, False]
    assert skm["weight"].tolist()[:3] == [1.5, 1.0, 2.25] and np.isnan(skm["weight"].iloc[3])
    assert skm["survey_date"].dtype == "datetime64[us]"

    inv = study.innovations
    assert inv["digital"].dtype == bool and inv["digital"].tolist() == [True, False]
    assert str(inv["beneficiaries_direct"].dtype) == "Int64"
    assert inv["beneficiaries_direct"].iloc[0] == 12000
    assert study.regions["year"].tolist() == [2020, 2021]
    assert study.regions["pdrb_adhb"].tolist() == [7000.5, 7400.25]
    assert study.pdrb_sectors["sector"].tolist() == ["A", "G"]
    assert list(study.pdrb_sectors["sector"].cat.categories)[:3] == ["A", "B", "C"]


def test_study_is_frozen_and_repr_is_short(study_dir):
    study = load_study(study_dir)
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.agencies = None
    assert repr(study) == (
        f"Study('{study_dir}': agencies=3 rows, innovations=2 rows, skm_responses=4 rows, "
        "service_indicators=2 rows, readiness=2 rows, regions=2 rows, pdrb_sectors=2 rows, "
        "innovation_budgets=2 rows)"
    )
    assert study.summary()["rows"].tolist() == [3, 2, 4, 2, 2, 2, 2, 2]
    assert "<table" in study._repr_html_()


def test_absent_tables_are_none(tmp_path, valid_tables, write_study):
    folder = write_study(tmp_path / "s", {"agencies": valid_tables["agencies"]})
    (folder / "notes.txt").write_text("extra files are ignored")
    study = load_study(folder)
    assert study.tables == ("agencies",)
    assert study.skm_responses is None
    with pytest.raises(DataValidationError) as excinfo:
        study.table("regions")
    assert _message(excinfo) == (
        "1 problem(s) in the input data:\n"
        f"  - the study has no table 'regions'; add regions.csv (or .parquet/.xlsx) to {folder}, "
        "or name its file in sources.yaml; allowed: agencies"
    )


def test_table_name_literal_matches_data_model():
    assert TABLE_NAMES == tuple(TABLES)
    assert TableName.__args__ == tuple(TABLES)


def test_raw_files_are_not_modified(study_dir):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in study_dir.iterdir()}
    study = load_study(study_dir)
    study.agencies.loc[0, "name"] = "changed"  # a copy: the file cannot change
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in study_dir.iterdir()}
    assert before == after
    assert (
        load_study(study_dir).agencies.loc[0, "name"] == "Dinas Kependudukan dan Pencatatan Sipil"
    )


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_round_trip_typed_frames(tmp_path, study_dir, fmt):
    reference = load_study(study_dir)
    folder = tmp_path / fmt
    folder.mkdir()
    for name in reference.tables:
        frame = getattr(reference, name)
        if fmt == "parquet":
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_excel(folder / f"{name}.xlsx", index=False, sheet_name=name)
    loaded = load_study(folder)
    assert loaded.tables == reference.tables
    for name in reference.tables:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(reference, name))


def test_xlsx_with_text_cells_and_sheet_named_after_table(tmp_path, valid_tables):
    folder = tmp_path / "x"
    folder.mkdir()
    with pd.ExcelWriter(folder / "skm_responses.xlsx") as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="Keterangan")
        valid_tables["skm_responses"].to_excel(writer, sheet_name="skm_responses", index=False)
    valid_tables["agencies"].to_excel(folder / "agencies.xlsx", index=False)
    study = load_study(folder)
    assert study.skm_responses["u1"].tolist() == [2, 3, 4, 1]
    assert study.agencies["agency_id"].tolist() == ["DISDUK", "RSUD", "KEC_KRG"]


def test_read_table_infers_the_table_from_the_file_name(study_dir):
    frame = read_table(study_dir / "regions.csv")
    assert frame["population"].tolist() == [132434.0, 133272.0]
    with pytest.raises(DataValidationError) as excinfo:
        read_table(study_dir / "regions.csv", "region")
    assert _message(excinfo) == (
        "1 problem(s) in the input data:\n"
        "  - unknown table 'region'; use one of the names of the data model; allowed: agencies, "
        "innovations, skm_responses, service_indicators, readiness, regions, pdrb_sectors, "
        "innovation_budgets"
    )


def test_read_table_reports_with_the_same_messages(tmp_path):
    # 'cluster' may be blank, so a file without it reads as blank (reported by load_study)
    path = tmp_path / "agencies.csv"
    path.write_text("agency_id,name,kind,city\nA1,Dinas,dinass,Kota Mojokerto\n")
    with pytest.raises(DataValidationError) as excinfo:
        read_table(path)
    assert _message(excinfo) == (
        "1 problem(s) in agencies.csv (table 'agencies'):\n"
        "  - agencies.csv, column 'kind': 1 value is not allowed (did you mean 'dinass' → "
        "'dinas'?); to map them, write in sources.yaml: agencies: {values: {kind: "
        "{\"dinass\": dinas}}} [row 2 ('dinass')]; allowed: dinas, badan, kantor, inspektorat, "
        "sekretariat, satpol_pp, bagian, kecamatan, kelurahan, rsud, puskesmas, upt, blud, "
        "lainnya"
    )


# --------------------------------------------------------------------------- one test per kind of bad input


def test_missing_column_names_the_file_columns_and_the_likely_typo(
    tmp_path, valid_tables, write_study
):
    valid_tables["agencies"] = valid_tables["agencies"].rename(columns={"kind": "knd"})
    folder = write_study(tmp_path / "s", {"agencies": valid_tables["agencies"]})
    assert _one_problem(folder) == (
        "agencies.csv, column 'kind': required column is missing; the file has columns "
        "'agency_id', 'name', 'knd', 'city', 'cluster', 'established_on'; 'knd' looks like a "
        "misspelling: rename it to 'kind'"
    )


def test_skm_answers_out_of_scale_or_text(tmp_path, valid_tables, write_study):
    # with the data model's own header (u1), a 0 is out of range, not a missing answer
    skm = valid_tables["skm_responses"]
    skm.loc[0, "u1"] = "0"
    skm.loc[2, "u1"] = "5"
    skm.loc[3, "u4"] = "lumayan"
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    with pytest.raises(DataValidationError) as excinfo:
        load_study(folder)
    assert _message(excinfo) == (
        f"2 problem(s) in study '{folder}':\n"
        "  - skm_responses.csv, column 'u1': 2 values are out of range [row 2 ('0'), "
        "row 4 ('5')]; allowed: whole numbers from 1 to 4, or blank\n"
        "  - skm_responses.csv, column 'u4': 1 value is not an answer of u4 (Biaya/Tarif); "
        'to map them, write in sources.yaml: skm_responses: {values: {u4: {"lumayan": <1–4>}}} '
        "[row 5 ('lumayan')]; allowed: 1–4, or the labels Sangat mahal = 1, Cukup mahal = 2, "
        "Murah = 3, Gratis = 4"
    )
    assert excinfo.value.rows == (2, 4, 5)
    assert excinfo.value.file == "skm_responses.csv"


def test_duplicate_ids(tmp_path, valid_tables, write_study):
    ag = valid_tables["agencies"]
    ag.loc[2, "agency_id"] = "DISDUK"
    folder = write_study(tmp_path / "s", {"agencies": ag})
    assert _one_problem(folder) == (
        "agencies.csv, column 'agency_id': 1 identifier occurs more than once (2 rows); every "
        "value must be unique [row 2 ('DISDUK'), row 4 ('DISDUK')]"
    )


def test_duplicate_composite_key(tmp_path, valid_tables, write_study):
    ind = valid_tables["service_indicators"]
    ind.loc[1, "period"] = "01/01/2024"  # same date, other spelling
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "service_indicators": ind}
    )
    assert _one_problem(folder) == (
        "service_indicators.csv: 2 rows repeat the same (agency_id, period, indicator); each "
        "combination must appear once [row 2 ('(DISDUK, 2024-01-01, processing_days)'), "
        "row 3 ('(DISDUK, 2024-01-01, processing_days)')]"
    )


def test_date_that_does_not_parse(tmp_path, valid_tables, write_study):
    skm = valid_tables["skm_responses"]
    skm.loc[1, "survey_date"] = "31/02/2024"
    skm.loc[2, "survey_date"] = "kemarin"
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    assert _one_problem(folder) == (
        "skm_responses.csv, column 'survey_date': 2 values cannot be read as a date "
        "[row 3 ('31/02/2024'), row 4 ('kemarin')]; allowed: ISO dates (2024-03-31), "
        "day/month/year (31/03/2024), either with a time of day (31/03/2024 10:59:47), or "
        "written out (17 Agustus 2020)"
    )


def test_day_month_year_dates_are_read(tmp_path, valid_tables, write_study):
    skm = valid_tables["skm_responses"]
    skm["survey_date"] = ["01/03/2024", "2/3/2024", "25.03.2024", "2024-03-05"]
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    dates = load_study(folder).skm_responses["survey_date"]
    assert dates.dt.strftime("%Y-%m-%d").tolist() == [
        "2024-03-01",
        "2024-03-02",
        "2024-03-25",
        "2024-03-05",
    ]


def test_month_day_year_dates_are_refused(tmp_path, valid_tables, write_study):
    skm = valid_tables["skm_responses"]
    skm["survey_date"] = ["03/01/2024", "03/25/2024", "03/02/2024", "03/05/2024"]
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    assert _one_problem(folder) == (
        "skm_responses.csv, column 'survey_date': dates are written month/day/year (US order), "
        "so dates such as 03/04/2024 cannot be read safely; re-export the column as ISO dates "
        "(2024-03-31), or write date_order: mdy for this source in sources.yaml "
        "[row 3 ('03/25/2024')]; allowed: ISO dates (2024-03-31), day/month/year (31/03/2024), "
        "either with a time of day (31/03/2024 10:59:47), or written out (17 Agustus 2020)"
    )


def test_agency_not_in_agencies(tmp_path, valid_tables, write_study):
    skm = valid_tables["skm_responses"]
    skm.loc[1, "agency_id"] = "DINKES"
    skm.loc[3, "agency_id"] = "DINKES"
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    assert _one_problem(folder) == (
        "skm_responses.csv, column 'agency_id': 1 id not found in agencies.csv (agency_id): "
        "'DINKES'; add it to agencies.csv or correct the ids (2 rows); or map them in "
        'sources.yaml: skm_responses: {values: {agency_id: {"DINKES": <agency_id>}}} '
        "[row 3 ('DINKES'), row 5 ('DINKES')]"
    )


def test_region_not_in_regions(tmp_path, valid_tables, write_study):
    pdrb = valid_tables["pdrb_sectors"]
    pdrb.loc[1, "region_code"] = "3516"
    folder = write_study(tmp_path / "s", {"regions": valid_tables["regions"], "pdrb_sectors": pdrb})
    assert _one_problem(folder) == (
        "pdrb_sectors.csv, column 'region_code': 1 id not found in regions.csv (region_code): "
        "'3516'; add it to regions.csv or correct the ids (1 row) [row 3 ('3516')]"
    )


def test_innovation_dates_out_of_order(tmp_path, valid_tables, write_study):
    inv = valid_tables["innovations"]
    inv.loc[0, "launched_on"] = "2018-05-01"  # before the trial (2018-06-01)
    folder = write_study(tmp_path / "s", {"agencies": valid_tables["agencies"], "innovations": inv})
    assert _one_problem(folder) == (
        "innovations.csv, column 'launched_on': 1 row is dated before trial_on; the dates must "
        "follow proposed_on ≤ trial_on ≤ launched_on ≤ discontinued_on "
        "[row 2 ('launched_on 2018-05-01 < trial_on 2018-06-01')]"
    )


def test_empty_file(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "agencies.csv").write_bytes(b"")
    assert _one_problem(folder) == (
        "agencies.csv: the file is empty; export the table again or remove the file"
    )


def test_header_without_rows(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "agencies.csv").write_text("agency_id,name,kind,city,cluster\n")
    assert _one_problem(folder) == (
        "agencies.csv: the file has a header but no data rows; add the rows or remove the file"
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "a ZIP archive (an .xlsx workbook saved under another name?)",
        ),
        (b"\x00\x01\x02\x03binary\x00", "binary data"),
    ],
)
def test_file_that_is_not_a_table(tmp_path, content, kind):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "agencies.csv").write_bytes(content)
    assert _one_problem(folder) == (
        f"agencies.csv: this is not a CSV table but {kind}; export the table as .csv, .xlsx or "
        ".parquet"
    )


def test_xlsx_that_is_not_a_zip(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "agencies.xlsx").write_text("agency_id,name\nA,B\n")
    assert _one_problem(folder) == (
        "agencies.xlsx: this is not an .xlsx workbook (not a ZIP archive) but text; save it "
        "from Excel as .xlsx or export .csv"
    )


def test_parquet_that_is_not_parquet(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "regions.parquet").write_bytes(b"%PDF-1.4")
    assert _one_problem(folder) == (
        "regions.parquet: this is not a Parquet file but a PDF document; write it with "
        "DataFrame.to_parquet or export .csv"
    )


def test_two_files_for_one_table(tmp_path, valid_tables, write_study):
    folder = write_study(tmp_path / "s", {"agencies": valid_tables["agencies"]})
    valid_tables["agencies"].to_parquet(folder / "agencies.parquet")
    assert _one_problem(folder) == (
        "agencies.csv: two files for table 'agencies': agencies.csv and agencies.parquet; keep "
        "only one of them"
    )


def test_not_a_folder(tmp_path):
    with pytest.raises(DataValidationError) as excinfo:
        load_study(tmp_path / "nowhere")
    assert _message(excinfo) == (
        "1 problem(s) in the input data:\n"
        f"  - study folder '{tmp_path / 'nowhere'}' does not exist; pass the folder holding the "
        "tables"
    )


def test_every_problem_of_every_table_at_once(tmp_path, valid_tables, write_study):
    valid_tables["agencies"].loc[0, "kind"] = "Dinas"  # case is forgiven
    valid_tables["agencies"].loc[1, "kind"] = "hospital"
    valid_tables["skm_responses"].loc[0, "u2"] = "7"
    valid_tables["regions"].loc[0, "ipm_method"] = "baru"
    valid_tables["innovations"].loc[1, "digital"] = "mungkin"
    valid_tables["readiness"].loc[0, "score"] = "-1"
    folder = write_study(tmp_path / "s", valid_tables)
    with pytest.raises(DataValidationError) as excinfo:
        load_study(folder)
    found = {(p.file, p.column) for p in excinfo.value.problems}
    assert found == {
        ("agencies.csv", "kind"),
        ("skm_responses.csv", "u2"),
        ("regions.csv", "ipm_method"),
        ("innovations.csv", "digital"),
        ("readiness.csv", "score"),
    }
    failures = excinfo.value.failure_cases
    assert failures.loc[failures["column"] == "kind", "value"].tolist() == ["hospital"]
    assert failures.loc[failures["column"] == "kind", "row"].tolist() == [3]


def test_many_bad_rows_show_five_and_count_the_rest(tmp_path, valid_tables, write_study):
    skm = pd.concat([valid_tables["skm_responses"]] * 3, ignore_index=True)
    skm["respondent_id"] = [f"R{i}" for i in range(len(skm))]
    skm["u3"] = "9"
    folder = write_study(
        tmp_path / "s", {"agencies": valid_tables["agencies"], "skm_responses": skm}
    )
    assert _one_problem(folder) == (
        "skm_responses.csv, column 'u3': 12 values are out of range (showing 5, and 7 more) "
        "[row 2 ('9'), row 3 ('9'), row 4 ('9'), row 5 ('9'), row 6 ('9')]; allowed: whole "
        "numbers from 1 to 4, or blank"
    )


def test_demo_study_loads_with_declared_types(demo_study):
    assert demo_study.tables == TABLE_NAMES
    skm = demo_study.skm_responses
    assert len(skm) > 100_000
    assert {str(skm[f"u{i}"].dtype) for i in range(1, 10)} == {"Int8"}
    assert skm["agency_id"].isin(demo_study.agencies["agency_id"]).all()
    assert list(demo_study.pdrb_sectors["sector"].cat.categories) == list(
        TABLES["pdrb_sectors"].column("sector").allowed
    )
