"""read_bps_pdrb on a small hand-made table laid out as BPS publishes it."""

from __future__ import annotations

import pandas as pd
import pytest

from innolab_analysis.data import read_bps_pdrb
from innolab_analysis.data.tables import PDRB_SECTORS
from innolab_analysis.errors import DataValidationError, ParamsError

OTHER = {  # the 14 sectors other than A, B, C, F: 100 / 110 / 120 each
    "D": "D. Pengadaan Listrik dan Gas",
    "E": "E. Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
    "G": "G. Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
    "H": "H. Transportasi dan Pergudangan",
    "I": "I. Penyediaan Akomodasi dan Makan Minum",
    "J": "J. Informasi dan Komunikasi",
    "K": "K. Jasa Keuangan dan Asuransi",
    "L": "L. Real Estat",
    "MN": "M,N. Jasa Perusahaan",
    "O": "O. Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
    "P": "P. Jasa Pendidikan",
    "Q": "Q. Jasa Kesehatan dan Kegiatan Sosial",
    "RSTU": "R,S,T,U. Jasa Lainnya",
}


def bps_rows(total_2021: str = "4.400,75") -> list[list[str]]:
    # 2021: A 1000.5 + B 0 + C 2000.25 + F 100 + 13 × 100 = 4400.75
    # 2022*: A 1100 + C 2200.5 + F 110 + 13 × 110 = 4840.5 (total printed 4.841: gap 0.01 %)
    # 2023**: A 1200 + C 2400 + F 120 + 13 × 120 = 5280
    rows = [
        ["PDRB Atas Dasar Harga Berlaku Menurut Lapangan Usaha (Juta Rupiah)", "", "", ""],
        ["", "", "", ""],
        ["Lapangan Usaha", "2021", "2022*", "2023**"],
        ["A. Pertanian, Kehutanan, dan Perikanan", "1.000,50", "1.100", "1.200"],
        ["1. Pertanian, Peternakan, Perburuan dan Jasa Pertanian", "800,10", "850", "900"],
        ["2. Kehutanan dan Penebangan Kayu", "100", "120", "150"],
        ["B. Pertambangan dan Penggalian", "-", "-", "-"],
        ["C. Industri Pengolahan", "2.000,25", "2.200,50", "2.400"],
        ["Konstruksi", "100", "110", "120"],  # no letter prefix: matched by name
    ]
    rows += [[label, "100", "110", "120"] for label in OTHER.values()]
    rows += [
        ["Produk Domestik Regional Bruto", total_2021, "4.841,00", "5.280,00"],
        ["PDRB Tanpa Migas", "4.400,75", "4.841,00", "5.280,00"],
    ]
    return rows


KW = dict(region_code="3576", region_name="Kota Mojokerto", kind="kota", price_basis="adhb")


def test_reads_a_bps_table_from_csv(tmp_path):
    path = tmp_path / "pdrb_adhb.csv"
    path.write_text("\n".join(";".join(f'"{c}"' for c in row) for row in bps_rows()) + "\n")
    out = read_bps_pdrb(path, **KW, unit="juta")
    s = out.sectors
    assert list(s.columns) == ["region_code", "year", "sector", "pdrb_adhb"]
    assert len(s) == 3 * 17
    assert s["sector"].tolist()[:17] == list(PDRB_SECTORS)
    a = s[s["sector"] == "A"]
    assert a["year"].tolist() == [2021, 2022, 2023]
    assert a["pdrb_adhb"].tolist() == pytest.approx([1.0005, 1.1, 1.2])  # juta → miliar
    assert s.loc[(s["sector"] == "B"), "pdrb_adhb"].tolist() == [0.0, 0.0, 0.0]
    assert s.loc[(s["sector"] == "C"), "pdrb_adhb"].tolist() == pytest.approx(
        [2.00025, 2.2005, 2.4]
    )
    assert s.loc[(s["sector"] == "F"), "pdrb_adhb"].tolist() == pytest.approx([0.1, 0.11, 0.12])
    assert out.total["pdrb_adhb"].tolist() == pytest.approx([4.40075, 4.841, 5.28])
    assert out.total["kind"].tolist() == ["kota"] * 3
    assert out.provisional == {2022: "*", 2023: "**"}
    assert out.skipped == (
        "1. Pertanian, Peternakan, Perburuan dan Jasa Pertanian",
        "2. Kehutanan dan Penebangan Kayu",
        "PDRB Tanpa Migas",
    )


def test_reads_a_frame_and_xlsx_alike(tmp_path):
    rows = bps_rows()
    frame = pd.DataFrame(rows[3:], columns=rows[2])
    from_frame = read_bps_pdrb(frame, **KW, unit="juta")
    path = tmp_path / "pdrb.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False, header=False)
    from_xlsx = read_bps_pdrb(path, **KW, unit="juta")
    pd.testing.assert_frame_equal(from_frame.sectors, from_xlsx.sectors)
    pd.testing.assert_frame_equal(from_frame.total, from_xlsx.total)


def test_sectors_that_do_not_add_up(tmp_path):
    rows = bps_rows(total_2021="4.500,00")
    frame = pd.DataFrame(rows[3:], columns=rows[2])
    with pytest.raises(DataValidationError) as excinfo:
        read_bps_pdrb(frame, **KW)
    assert str(excinfo.value) == (
        "1 problem(s) in the input data:\n"
        "  - the table: Kota Mojokerto (3576), ADHB: the sectors do not add up to the PDRB total "
        "beyond the tolerance of 0.5% in 1 year(s): 2021: sectors 4,400.75 vs total 4,500.00 "
        "(gap -99.25, -2.21%) (in the table's unit); check for a missing or mistyped row, or "
        "pass a larger tolerance"
    )
    # a larger tolerance accepts it
    assert len(read_bps_pdrb(frame, **KW, tolerance=0.03).sectors) == 51


def test_unit_stated_in_the_title_must_agree(tmp_path):
    path = tmp_path / "pdrb.xlsx"
    pd.DataFrame(bps_rows()).to_excel(path, index=False, header=False)
    with pytest.raises(DataValidationError) as excinfo:
        read_bps_pdrb(path, **KW)
    assert str(excinfo.value) == (
        "1 problem(s) in the input data:\n"
        "  - pdrb.xlsx: Kota Mojokerto (3576), ADHB: the table says 'Juta Rupiah' but "
        "unit='miliar' was given; pass unit='juta'"
    )


def test_missing_sector_and_total():
    rows = [r for r in bps_rows() if not r[0].startswith(("L.", "Produk"))]
    frame = pd.DataFrame(rows[3:], columns=rows[2])
    with pytest.raises(DataValidationError) as excinfo:
        read_bps_pdrb(frame, **KW)
    assert [str(p) for p in excinfo.value.problems] == [
        "the table: Kota Mojokerto (3576), ADHB: no row for sector(s) L; add them (write '-' for "
        "nihil); allowed: the 17 BPS lapangan usaha: A, B, C, D, E, F, G, H, I, J, K, L, MN, O, "
        "P, Q, RSTU",
        "the table: Kota Mojokerto (3576), ADHB: expected one total row ('Produk Domestik "
        "Regional Bruto' or 'PDRB'), found 0",
    ]


def test_unreadable_number():
    rows = bps_rows()
    rows[3][1] = "seribu"
    frame = pd.DataFrame(rows[3:], columns=rows[2])
    with pytest.raises(DataValidationError) as excinfo:
        read_bps_pdrb(frame, **KW)
    assert [str(p) for p in excinfo.value.problems] == [
        "the table: Kota Mojokerto (3576), ADHB, 2021: number(s) cannot be read (not a number): "
        "'seribu'"
    ]


def test_bad_options_are_listed_together():
    with pytest.raises(ParamsError) as excinfo:
        read_bps_pdrb(
            pd.DataFrame(),
            region_code="1",
            region_name="x",
            kind="city",
            price_basis="ADHB",
            tolerance=5,
        )
    assert str(excinfo.value) == (
        "3 problem(s) in the parameters:\n"
        "  - column 'kind': kind must be one of ('kota', 'kabupaten', 'provinsi'), got 'city'\n"
        "  - column 'price_basis': price_basis must be one of ('adhb', 'adhk'), got 'ADHB'\n"
        "  - column 'tolerance': tolerance must be a fraction in [0, 1), got 5"
    )
