"""innolab init: templates with labels, an example row, drop-downs and a column sheet; a
parameter file that validates as soon as the templates are filled."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from innolab_analysis.cli import main
from innolab_analysis.data import load_study
from innolab_analysis.data.templates import EXAMPLES, TEMPLATE_COLUMNS, init_study
from innolab_analysis.errors import DataValidationError


def _fill(path, rows: list[list]) -> None:
    """Write rows under the header of a template's first sheet (the example row replaced)."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(row)
    book.save(path)


def test_init_writes_templates_sources_and_params(tmp_path, capsys):
    root = tmp_path / "kota_batu"
    assert main(["init", str(root), "--city", "Kota Batu"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"created {root}/:"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        "data/agencies.xlsx",
        "data/innovation_budgets.xlsx",
        "data/innovations.xlsx",
        "data/pdrb_sectors.xlsx",
        "data/readiness.xlsx",
        "data/regions.xlsx",
        "data/service_indicators.xlsx",
        "data/skm_responses.xlsx",
        "data/sources.yaml",
        "params.yaml",
    ]
    params = (root / "params.yaml").read_text()
    assert (
        "study: kota_batu\n" in params
        and 'title: "Kota Batu: kualitas layanan dan inovasi"' in params
    )
    assert 'city: "Kota Batu"' in (root / "data" / "sources.yaml").read_text()
    with pytest.raises(DataValidationError) as info:
        init_study(root)
    assert str(info.value.problems[0]) == (
        f"{root / 'params.yaml'}: {root / 'params.yaml'} already exists; innolab init never "
        "overwrites files: choose a new folder or remove it"
    )


@pytest.mark.parametrize(
    ("language", "sheet", "head", "kinds", "explain"),
    [
        (
            "id",
            "Unit",
            ["Kode Unit", "Nama Unit", "Singkatan", "Jenis Unit"],
            "Dinas,Badan,Kantor",
            "Keterangan",
        ),
        (
            "en",
            "Units",
            ["Unit code", "Unit name", "Abbreviation", "Kind of unit"],
            "Department,Agency,Office",
            "Columns",
        ),
    ],
)
def test_template_header_example_drop_downs_and_column_sheet(
    tmp_path, language, sheet, head, kinds, explain
):
    init_study(tmp_path / "s", language=language)
    book = openpyxl.load_workbook(tmp_path / "s" / "data" / "agencies.xlsx")
    assert book.sheetnames == [sheet, explain]
    ws = book[sheet]
    assert [c.value for c in ws[1]][:4] == head
    assert [c.value for c in ws[2]][:2] == [
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
    ]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["D2:D5000"].startswith(f'"{kinds},')
    info = book[explain]
    rows = [[c.value for c in r] for r in info.iter_rows(min_row=5, max_col=9)]
    assert [r[1] for r in rows] == list(TEMPLATE_COLUMNS["agencies"])
    kind = rows[3]
    assert kind[1] == "kind" and kind[3] in ("Ya", "Yes") and kinds.split(",")[0] in kind[5]


def test_skm_template_marks_personal_data_private(tmp_path):
    init_study(tmp_path / "s", language="en")
    book = openpyxl.load_workbook(tmp_path / "s" / "data" / "skm_responses.xlsx")
    rows = {r[1].value: r for r in book["Columns"].iter_rows(min_row=5)}
    assert rows["age"][7].value == "Yes" and rows["u1"][7].value == "No"
    assert "only in aggregate" in rows["gender"][8].value
    assert book["Columns"]["A2"].value == (
        "Personal data and free text are reported only in aggregate, never row by row."
    )


def test_untouched_templates_are_left_out_and_validate_says_to_fill_them(
    tmp_path, capsys, monkeypatch
):
    root = tmp_path / "baru"
    init_study(root, city="Kota Baru")
    study = load_study(root / "data")
    assert study.tables == ()
    assert sorted(r.table for r in study.recognitions if r.kind == "template") == sorted(EXAMPLES)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "baru/params.yaml"]) == 2
    assert capsys.readouterr().err == (
        "3 problem(s) in the parameters:\n"
        "  - baru/data/agencies.xlsx: still holds only the template's example row, and the "
        "notebook(s) service_quality, innovation_portfolio, innovation_impact, "
        "comparative_synthesis read the table agencies; fill it in, or remove those notebooks "
        "from the parameter file\n"
        "  - baru/data/skm_responses.xlsx: still holds only the template's example row, and the "
        "notebook(s) service_quality, innovation_impact read the table skm_responses; fill it "
        "in, or remove those notebooks from the parameter file\n"
        "  - baru/data/innovations.xlsx: still holds only the template's example row, and the "
        "notebook(s) innovation_portfolio, innovation_impact read the table innovations; fill "
        "it in, or remove those notebooks from the parameter file\n"
    )


def test_filled_templates_validate(tmp_path, capsys, monkeypatch):
    root = tmp_path / "isi"
    init_study(root, city="Kota Isi")
    data = root / "data"
    this_year = dt.date.today().year
    _fill(
        data / "agencies.xlsx",
        [
            ["DINKES", "Dinas Kesehatan", "Dinkes", "Dinas", "Kota Isi", "kesehatan", None],
            ["DISDUK", "Dinas Kependudukan", None, "Dinas", "Kota Isi", None, None],
        ],
    )
    _fill(
        data / "skm_responses.xlsx",
        [
            [
                f"R{i}",
                "DINKES" if i % 2 else "Dinkes",
                "Rawat jalan",
                dt.datetime(this_year, 1, 1 + i),
                *[3 + i % 2] * 9,
                "Perempuan",
                30 + i,
                "SMA",
            ]
            for i in range(6)
        ],
    )
    _fill(
        data / "innovations.xlsx",
        [
            [
                "I-1",
                "DINKES",
                "Si Sehat",
                "Orisinal",
                "Pelayanan publik",
                "Ya",
                "Penerapan",
                None,
                dt.datetime(this_year - 2, 1, 5),
                None,
                dt.datetime(this_year - 1, 3, 1),
                None,
                500,
                None,
            ],
        ],
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "isi/params.yaml"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:5] == [
        "ok  params.yaml: study 'isi', service_quality, innovation_portfolio, innovation_impact, "
        "comparative_synthesis",
        "  data isi/data: 3 tables",
        "    agencies             2 rows ← agencies.xlsx",
        "    innovations           1 row ← innovations.xlsx",
        "    skm_responses        6 rows ← skm_responses.xlsx",
    ]
    study = load_study(data)
    assert study.skm_responses["agency_id"].tolist() == ["DINKES"] * 6  # 'Dinkes' by abbreviation
    assert study.innovations["digital"].tolist() == [True]
    assert study.agencies["kind"].astype(str).tolist() == ["dinas", "dinas"]


def test_an_example_row_left_among_real_rows_is_a_problem(tmp_path):
    root = tmp_path / "sisa"
    init_study(root)
    data = root / "data"
    book = openpyxl.load_workbook(data / "agencies.xlsx")
    book.worksheets[0].append(
        ["DINKES", "Dinas Kesehatan", "Dinkes", "Dinas", "Kota Sisa", None, None]
    )
    book.save(data / "agencies.xlsx")
    with pytest.raises(DataValidationError) as info:
        load_study(data)
    assert [str(p) for p in info.value.problems] == [
        "agencies.xlsx: is still the template's example row; replace it with your data or "
        "delete it [row 2]"
    ]
