"""The versioned SKM standards registry."""

from __future__ import annotations

import dataclasses

import pytest

from innolab_analysis.errors import InnolabError
from innolab_analysis.metrics.skm import skm_grade
from innolab_analysis.metrics.standards import STANDARDS, get_standard, round_half_up


def test_2017_element_order_puts_pengaduan_before_sarana():
    std = get_standard("2017")
    assert std.columns == tuple(f"u{i}" for i in range(1, 10))
    assert [e.key for e in std.elements] == [
        "persyaratan", "prosedur", "waktu", "biaya", "produk",
        "kompetensi", "perilaku", "pengaduan", "sarana",
    ]  # fmt: skip
    assert std.elements[7].label_id == "Penanganan Pengaduan, Saran dan Masukan"
    assert std.elements[8].label_id == "Sarana dan prasarana"


def test_2014_has_maklumat_at_8_and_pengaduan_at_9_with_low_confidence_table():
    std = get_standard("2014")
    assert [e.key for e in std.elements][7:] == ["maklumat", "pengaduan"]
    assert std.bands_confidence == "LOW"
    assert std.bands == get_standard("2004").bands


def test_2004_has_fourteen_elements():
    std = get_standard("2004")
    assert std.n_elements == 14
    assert std.elements[0].label_id == "Prosedur pelayanan"
    assert std.elements[13].label_id == "Keamanan pelayanan"


def test_weights():
    assert get_standard("2017").weight("exact") == pytest.approx(1 / 9)
    assert get_standard("2017").weight("printed") == 0.11
    assert get_standard("2004").weight("printed") == 0.071
    with pytest.raises(InnolabError) as e:
        get_standard("2017").weight("rounded")
    assert str(e.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'weights': weights must be one of ('exact', 'printed'), got 'rounded'; "
        "allowed: exact, printed"
    )


def test_interval_tables():
    # 2017: NI = NIK / 25 (64.99/25 = 2.5996, 88.31/25 = 3.5324)
    for band in get_standard("2017").bands:
        assert band.ni_lower == pytest.approx(band.nik_lower / 25, abs=1e-3)
        assert band.ni_upper == pytest.approx(band.nik_upper / 25, abs=1e-3)
    # every table covers 25-100, best grade first
    for std in STANDARDS.values():
        assert [b.grade for b in std.bands] == ["A", "B", "C", "D"]
        assert (std.bands[0].nik_upper, std.bands[-1].nik_lower) == (100.0, 25.0)
    assert [b.label_id for b in get_standard("2017").bands] == [
        "Sangat baik", "Baik", "Kurang baik", "Tidak baik",
    ]  # fmt: skip


def test_with_bands_makes_2014_configurable():
    std = get_standard("2014").with_bands(get_standard("2017").bands, confidence="USER")
    assert std.bands_confidence == "USER"
    assert skm_grade(80.0, "2014") == "B"
    assert skm_grade(80.0, std) == "B"
    assert skm_grade(70.0, "2014") == "B"
    assert skm_grade(70.0, std) == "C"
    with pytest.raises(dataclasses.FrozenInstanceError):
        std.name = "x"


def test_unknown_standard():
    with pytest.raises(InnolabError) as e:
        get_standard("2019")
    assert str(e.value) == (
        "standard must be one of ('2017', '2014', '2004'), got '2019'; "
        "pass '2017' for Permen PANRB 14/2017 (the current regulation)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (88.305, 88.31),
        (81.255, 81.26),
        (76.475, 76.48),
        (91.4750957, 91.48),
        (64.994, 64.99),
        (100.0, 100.0),
    ],
)
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected
