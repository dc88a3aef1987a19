"""sources.yaml: checked with pydantic and the data model, every problem with its line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from innolab_analysis.data import load_study
from innolab_analysis.data.sources import available_tables, read_sources
from innolab_analysis.errors import DataValidationError


def _problems(folder: Path, sources=None) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_study(folder, sources=sources)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def folder(tmp_path, valid_tables, write_study):
    folder = write_study(tmp_path / "s", {"agencies": valid_tables["agencies"]})
    valid_tables["skm_responses"].to_csv(folder / "jawaban 2024.csv", index=False)
    return folder


def test_every_problem_of_the_file_with_its_line(folder):
    (folder / "sources.yaml").write_text(
        "citty: Kota Batu\n"  # 1
        "skm_respones:\n"  # 2
        "  file: x.csv\n"  # 3
        "agencies:\n"  # 4
        "  file: agencies.csv\n"  # 5
        "  sheeet: 2\n"  # 6
        "  columns: {Nama: nama}\n"  # 7
        "  values: {kind: {Dinas Daerah: dinass}}\n"  # 8
        "  derive: {agency_id: generated, cluster: {from: 3}}\n"  # 9
        "  header_row: 0\n"  # 10
    )
    assert _problems(folder) == [
        "sources.yaml:1, column 'citty': unknown key 'citty'; did you mean 'city'?",
        "sources.yaml:2, column 'skm_respones': unknown key 'skm_respones'; did you mean "
        "'skm_responses'?",
        "sources.yaml:6, column 'agencies.sheeet': unknown key 'sheeet'; did you mean 'sheet'?",
        "sources.yaml:10, column 'agencies.header_row': input should be greater than or equal "
        "to 1, got 0",
    ]
    (folder / "sources.yaml").write_text(
        "agencies:\n"  # 1
        "  file: agencies.csv\n"  # 2
        "  columns: {Nama: nama}\n"  # 3
        "  values: {kind: {Dinas Daerah: dinass}}\n"  # 4
        "  derive: {agency_id: generated, cluster: {from: 3}, city: blank}\n"  # 5
    )
    assert _problems(folder) == [
        "sources.yaml:3, column 'agencies.columns.Nama': 'nama' is not a column of agencies; "
        "did you mean 'name'?",
        "sources.yaml:4, column 'agencies.values.kind.Dinas Daerah': 'dinass' is not allowed "
        "in agencies.kind; did you mean 'dinas'?",
        "sources.yaml:5, column 'agencies.derive.agency_id': only agencies's identifier can be "
        "generated: agencies has none",
        "sources.yaml:5, column 'agencies.derive.cluster': 'from' names a column or a source "
        "header, got 3",
        "sources.yaml:5, column 'agencies.derive.city': agencies.city must be filled in, so it "
        "cannot be blank; map a source column to it or give {value: …}",
    ]


def test_files_that_match_nothing_and_sources_that_are_not_one(folder):
    sources = {
        "skm_responses": [{"file": "jawaban 2025.csv"}, {"file": "*.sav"}],
        "agencies": {"file": "agencies.csv", "sql": {"url": "sqlite:///x.db", "table": "t"}},
        "regions": {"columns": {}},
    }
    assert _problems(folder, sources) == [
        "sources, column 'skm_responses.0.file': no file matches 'jawaban 2025.csv' in the "
        "study folder; did you mean 'jawaban 2024.csv'?",
        "sources, column 'skm_responses.1.file': no file matches '*.sav' in the study folder; "
        "files in the folder: agencies.csv, jawaban 2024.csv",
        "sources, column 'agencies': give the source as 'file' (a path or glob) or as 'sql' "
        "(a database), not both",
        "sources, column 'regions': give the source as 'file' (a path or glob) or as 'sql' "
        "(a database), not neither",
    ]


def test_a_password_never_goes_in_the_file(folder):
    (folder / "sources.yaml").write_text(
        "skm_responses:\n"
        "  sql:\n"
        "    url: postgresql+psycopg://analis:rahasia123@db.kota.go.id/eskm\n"
        "    table: jawaban\n"
    )
    problems = _problems(folder)
    assert problems == [
        "sources.yaml:3, column 'skm_responses.sql.url': the URL holds a password; remove it "
        "and name an environment variable with 'password_env' (passwords never go in "
        "sources.yaml)"
    ]
    assert "rahasia123" not in " ".join(problems)


def test_dict_and_file_are_the_same_and_other_tables_keep_the_convention(folder):
    (folder / "sources.yaml").write_text('skm_responses: {file: "jawaban 2024.csv"}\n')
    from_file = load_study(folder)
    from_dict = load_study(folder, sources={"skm_responses": {"file": "jawaban 2024.csv"}})
    assert from_file.tables == from_dict.tables == ("agencies", "skm_responses")
    assert from_file.sources == {
        "agencies": ("agencies.csv",),
        "skm_responses": ("jawaban 2024.csv",),
    }
    assert from_file.skm_responses.equals(from_dict.skm_responses)
    assert available_tables(folder) == {"agencies", "skm_responses"}


def test_a_convention_file_of_a_declared_table_is_ignored_and_said(folder, valid_tables):
    valid_tables["skm_responses"].to_csv(folder / "skm_responses.csv", index=False)
    study = load_study(folder, sources={"skm_responses": {"file": "jawaban 2024.csv"}})
    ignored = [
        (r.table, r.source, r.canonical) for r in study.recognitions if r.kind == "ignored_file"
    ]
    assert ignored == [
        ("skm_responses", "skm_responses.csv", "sources.yaml names the sources of skm_responses")
    ]


def test_header_row_and_sheet_by_number(tmp_path, valid_tables):
    import exports as ex

    folder = tmp_path / "h"
    folder.mkdir()
    rows = [["Rekap"], ["Nama", "Catatan"], *ex.frame_rows(valid_tables["agencies"])]
    ex.write_xlsx(folder / "opd.xlsx", {"A": [["kosong"]], "B": rows})
    # the second row looks like a header (two text cells): header_row says where it is
    study = load_study(
        folder, sources={"agencies": {"file": "opd.xlsx", "sheet": 2, "header_row": 3}}
    )
    assert study.agencies["agency_id"].tolist() == ["DISDUK", "RSUD", "KEC_KRG"]
    assert _problems(folder, {"agencies": {"file": "opd.xlsx", "sheet": 3}}) == [
        "opd.xlsx: the workbook has 2 sheet(s); sheet 3 does not exist (sheets: A, B)"
    ]


def test_read_sources_reports_yaml_syntax_with_its_line(tmp_path):
    (tmp_path / "sources.yaml").write_text("agencies:\n  file: [a.csv\n")
    found = read_sources(tmp_path)
    assert [str(p) for p in found.problems] == [
        "sources.yaml:3: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]
