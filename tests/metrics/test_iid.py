"""IID predicates per assessment year and the composite by hand arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError
from innolab_analysis.metrics.iid import iid_composite, iid_predicate


def test_kota_tangerang_2023_depends_on_the_year_rules():
    # Bappeda Kota Tangerang: IID 2023 = 60.39, "Sangat Inovatif"
    assert iid_predicate(60.39, 2023) == "Sangat Inovatif"
    assert iid_predicate(60.39, 2025) == "Inovatif"


def test_kota_mojokerto_published_scores():
    assert iid_predicate(84.46, 2023) == "Sangat Inovatif"
    assert iid_predicate(92.25, 2024) == "Sangat Inovatif"


@pytest.mark.parametrize(
    ("year", "score", "predicate"),
    [
        (2023, 100.0, "Sangat Inovatif"), (2023, 60.01, "Sangat Inovatif"), (2023, 60.00, "Inovatif"),
        (2023, 35.00, "Inovatif"), (2023, 34.99, "Kurang Inovatif"), (2023, 0.01, "Kurang Inovatif"),
        (2023, 0.0, "Tidak Dapat Dinilai"), (2024, 60.005, "Sangat Inovatif"), (2024, 60.004, "Inovatif"),
        (2025, 65.01, "Sangat Inovatif"), (2025, 65.00, "Inovatif"), (2025, 40.01, "Inovatif"),
        (2025, 40.00, "Kurang Inovatif"), (2025, 0.0, "Tidak Dapat Dinilai"),
    ],
)  # fmt: skip
def test_boundaries(year, score, predicate):
    assert iid_predicate(score, year) == predicate


def test_vectorised():
    np.testing.assert_array_equal(
        iid_predicate([72.94, 53.23, 0], 2025),
        ["Sangat Inovatif", "Inovatif", "Tidak Dapat Dinilai"],
    )


def test_unknown_year_and_bad_scores():
    with pytest.raises(InnolabError) as e:
        iid_predicate(77.73, 2022)
    assert (
        str(e.value)
        == "no IID predicate thresholds for assessment year 2022; known years: [2023, 2024, 2025]"
    )
    with pytest.raises(InnolabError) as e:
        iid_predicate([50, 101, -1], 2023)
    assert str(e.value) == "an IID score must lie in [0, 100], got [101.0, -1.0]"


def test_composite_by_hand():
    spd = [3, 6, 3, 2, 4, 1, 3, 6, 2, 4, 3, 3, 2, 4, 4]  # sum 50
    sid = [[5] * 20, [4] * 20, [3] * 20]  # 100 + 80 + 60 = 240
    c = iid_composite(spd, sid, year=2023)
    assert c.spd == 50
    assert c.n_innovations == 3 and c.divisor == 10  # MAX(10, 3)
    assert c.sid_indicators_mean == 24.0  # 240 / 10
    assert c.jumlah_inovasi_score == pytest.approx(1.14)  # 0.38 x 3
    assert c.total == pytest.approx(75.14)
    assert c.iid == pytest.approx(75.14 / 250 * 100)  # 30.056
    assert c.predicate == "Kurang Inovatif"
    # more innovations than the floor: the divisor is n
    many = iid_composite(spd, [[5] * 20] * 12, divisor_floor=10)
    assert many.divisor == 12 and many.sid_indicators_mean == 100.0
    # a later year's floor (14 per third-party code) penalises the same 12 innovations
    assert iid_composite(
        spd, [[5] * 20] * 12, divisor_floor=14
    ).sid_indicators_mean == pytest.approx(1200 / 14)
    # the jumlah-inovasi score is capped at 200 innovations (0.38 x 200 = 76)
    assert iid_composite([0] * 15, [[0] * 20] * 250).jumlah_inovasi_score == pytest.approx(76.0)


def test_maximum_is_100():
    # a full SPD (63), 200 innovations at the per-innovation maximum (111), jumlah 76 -> 250
    sid_row = [111 / 20] * 20
    c = iid_composite([63 / 15] * 15, [sid_row] * 200)
    assert c.total == pytest.approx(250.0)
    assert c.iid == pytest.approx(100.0)


def test_composite_errors():
    with pytest.raises(DataValidationError) as e:
        iid_composite([1] * 14, [[1] * 20])
    assert str(e.value) == (
        "1 problem(s) in the IID scores:\n"
        "  - column 'spd_scores': expected 15 SPD indicator scores (indicators 1-15), got 14"
    )
    with pytest.raises(DataValidationError) as e:
        iid_composite([5] * 15, [[6] * 20, [1] * 20])
    assert str(e.value) == (
        "2 problem(s) in the IID scores:\n"
        "  - column 'spd_scores': SPD total 75 exceeds max_spd 63\n"
        "  - column 'sid_scores': SID indicator total above max_sid_per_innovation 111 for "
        "innovation(s) at row position [0] (totals [120.0])"
    )
