"""Encodings, separators, decimal marks: read correctly or refuse with a clear message."""

from __future__ import annotations

import pandas as pd
import pytest

from innolab_analysis.data import read_table
from innolab_analysis.data._validate import parse_numbers
from innolab_analysis.errors import DataValidationError

AGENCIES = (
    "agency_id{s}name{s}kind{s}city{s}cluster\n"
    "DISDUK{s}Dinas Kependudukan{s}dinas{s}Kota Mojokerto{s}administrasi\n"
    "KAFE{s}Café Señor Pelayanan{s}upt{s}Kota Mojokerto{s}\n"
)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")],
)
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators(tmp_path, encoding, prefix, sep):
    path = tmp_path / "agencies.csv"
    path.write_bytes(prefix + AGENCIES.format(s=sep).encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == ["agency_id", "name", "kind", "city", "cluster"]
    assert frame["name"].tolist() == ["Dinas Kependudukan", "Café Señor Pelayanan"]
    assert frame["kind"].tolist() == ["dinas", "upt"]


def _regions(values: list[str], sep: str = ";") -> str:
    head = sep.join(
        [
            "region_code",
            "region_name",
            "kind",
            "year",
            "pdrb_adhb",
            "pdrb_adhk",
            "population",
            "ipm",
            "ipm_method",
            "distance_km",
            "travel_time_min",
        ]
    )
    rows = [
        sep.join(
            ["3576", "Kota Mojokerto", "kota", str(2015 + i), v, "1", "120196", "", "", "", ""]
        )
        for i, v in enumerate(values)
    ]
    return "\n".join([head, *rows]) + "\n"


def test_decimal_comma_in_semicolon_file(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(_regions(["3,5", "1.234,5", "7", "0,25"]))
    assert read_table(path)["pdrb_adhb"].tolist() == [3.5, 1234.5, 7.0, 0.25]


def test_decimal_point_in_semicolon_file_is_read_when_unambiguous(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(_regions(["3.5", "1,234.5", "7"]))
    assert read_table(path)["pdrb_adhb"].tolist() == [3.5, 1234.5, 7.0]


def test_mixed_decimal_styles_are_refused(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(_regions(["1.234,5", "1,234.5", "7"]))
    with pytest.raises(DataValidationError) as excinfo:
        read_table(path)
    assert str(excinfo.value) == (
        "1 problem(s) in regions.csv (table 'regions'):\n"
        "  - regions.csv, column 'pdrb_adhb': mixes decimal styles: some values use a decimal "
        "comma (3,5 or 1.234,5) and others a decimal point (3.5 or 1,234.5); use one style in "
        "the whole column [row 2 ('1.234,5'), row 3 ('1,234.5')]"
    )


def test_thousands_group_alone_in_a_float_column_is_refused(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(_regions(["1.250", "2.500"]))
    with pytest.raises(DataValidationError) as excinfo:
        read_table(path)
    assert str(excinfo.value) == (
        "1 problem(s) in regions.csv (table 'regions'):\n"
        "  - regions.csv, column 'pdrb_adhb': 2 values are ambiguous: '.' followed by three "
        "digits may be a thousands separator or a decimal mark; write the number without a "
        "thousands separator (1234.5 or 1234,5) [row 2 ('1.250'), row 3 ('2.500')]"
    )


def test_text_in_a_numeric_column_is_named(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(_regions(["12", "n.a.", "tidak ada"], sep=","))
    with pytest.raises(DataValidationError) as excinfo:
        read_table(path)
    assert str(excinfo.value) == (
        "1 problem(s) in regions.csv (table 'regions'):\n"
        "  - regions.csv, column 'pdrb_adhb': 2 values cannot be read as a number "
        "[row 3 ('n.a.'), row 4 ('tidak ada')]; allowed: numbers ≥ 0"
    )


@pytest.mark.parametrize(
    ("cells", "context", "dtype", "expected"),
    [
        (["1", "2", "-3"], ".", "int", [1.0, 2.0, -3.0]),
        (["1.5", "1,234.5", "1,234,567"], ".", "float", [1.5, 1234.5, 1234567.0]),
        (["1,5", "1.234,5", "1.234.567"], ".", "float", [1.5, 1234.5, 1234567.0]),
        (["12.345", "7"], ",", "int", [12345.0, 7.0]),  # a whole-number column: thousands
        (["12.345", "7"], ".", "float", [12.345, 7.0]),  # comma-separated file: decimals
        (["0,125"], ".", "float", [0.125]),  # '0,125' cannot be a thousands group
    ],
)
def test_parse_numbers_rules(cells, context, dtype, expected):
    values, bad = parse_numbers(pd.Series(cells, dtype="str"), context=context, dtype=dtype)
    assert values.tolist() == expected
    assert not any(mask.any() for mask in bad.values())


def test_bool_words_in_indonesian_and_english(tmp_path, valid_tables, write_study):
    inv = pd.concat([valid_tables["innovations"]] * 4, ignore_index=True)
    inv["innovation_id"] = [f"I{i}" for i in range(8)]
    inv["digital"] = ["Ya", "tidak", "Y", "n", "TRUE", "false", "1", "0"]
    folder = write_study(tmp_path / "s", {"innovations": inv})
    frame = read_table(folder / "innovations.csv")
    assert frame["digital"].tolist() == [True, False] * 4


def test_trailing_separators_make_no_columns(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("agency_id;name;kind;city;cluster;;\nA;Dinas A;dinas;Kota Mojokerto;;;\n")
    assert list(read_table(path).columns) == ["agency_id", "name", "kind", "city", "cluster"]


def test_repeated_header_is_refused(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("agency_id,name,kind,city,cluster,name\nA,Dinas A,dinas,Kota,x,y\n")
    with pytest.raises(DataValidationError) as excinfo:
        read_table(path)
    assert str(excinfo.value) == (
        "1 problem(s) in agencies.csv (table 'agencies'):\n"
        "  - agencies.csv: the header repeats column name(s) 'name'; give every column a "
        "distinct name"
    )


def test_old_excel_file_is_named(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "agencies.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    from innolab_analysis.data import load_study

    with pytest.raises(DataValidationError) as excinfo:
        load_study(folder)
    assert [str(p) for p in excinfo.value.problems] == [
        "agencies.xls: old Excel workbooks (.xls) are not read; save it as .xlsx or export .csv"
    ]
