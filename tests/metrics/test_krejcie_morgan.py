"""Krejcie & Morgan (1970): the formula against every row of the published table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from innolab_analysis.errors import InnolabError
from innolab_analysis.metrics.skm import KREJCIE_MORGAN_TABLE, krejcie_morgan

# Krejcie, R. V. & Morgan, D. W. (1970), Educational and Psychological Measurement 30(3), Table 1.
PUBLISHED = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48, 60: 52,
    65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86, 120: 92, 130: 97,
    140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127, 200: 132, 210: 136, 220: 140,
    230: 144, 240: 148, 250: 152, 260: 155, 270: 159, 280: 162, 290: 165, 300: 169, 320: 175,
    340: 181, 360: 186, 380: 191, 400: 196, 420: 201, 440: 205, 460: 210, 480: 214, 500: 217,
    550: 226, 600: 234, 650: 242, 700: 248, 750: 254, 800: 260, 850: 265, 900: 269, 950: 274,
    1000: 278, 1100: 285, 1200: 291, 1300: 297, 1400: 302, 1500: 306, 1600: 310, 1700: 313,
    1800: 317, 1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335, 2800: 338, 3000: 341,
    3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364, 8000: 367, 9000: 368,
    10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380, 50000: 381, 75000: 382,
    1000000: 384,
}  # fmt: skip


def test_table_has_the_documented_rows():
    expected_n = (
        list(range(10, 101, 5)) + list(range(110, 301, 10)) + list(range(320, 501, 20))
        + list(range(550, 1001, 50)) + list(range(1100, 2001, 100)) + list(range(2200, 3001, 200))
        + [3500, 4000, 4500, 5000, 6000, 7000, 8000, 9000, 10000, 15000, 20000, 30000, 40000,
           50000, 75000, 1000000]
    )  # fmt: skip
    assert sorted(PUBLISHED) == expected_n
    assert len(PUBLISHED) == 90
    assert dict(KREJCIE_MORGAN_TABLE) == PUBLISHED


@pytest.mark.parametrize(("population", "sample"), sorted(PUBLISHED.items()))
def test_formula_reproduces_every_published_row(population, sample):
    assert krejcie_morgan(population) == sample
    assert krejcie_morgan(population, method="table") == sample


def test_vectorised_and_ceil_would_be_wrong():
    ns = np.array(sorted(PUBLISHED))
    np.testing.assert_array_equal(krejcie_morgan(ns), [PUBLISHED[n] for n in ns])
    # the rounding trap: ceil gives 109 / 45 / 218 for these rows
    s = lambda n: 3.841 * n * 0.25 / (0.0025 * (n - 1) + 3.841 * 0.25)  # noqa: E731
    assert [math.ceil(s(n)) for n in (150, 50, 500)] == [109, 45, 218]
    assert [krejcie_morgan(n) for n in (150, 50, 500)] == [108, 44, 217]


def test_table_method_takes_the_next_larger_row():
    assert krejcie_morgan(101, method="table") == 86  # row 110
    assert krejcie_morgan(5, method="table") == 5  # below the first row: survey everyone
    assert krejcie_morgan(2_000_000, method="table") == 384
    assert krejcie_morgan(101) == 80  # the formula: 80.4 -> 80


def test_small_populations_need_everyone():
    assert [krejcie_morgan(n) for n in (1, 2, 5)] == [1, 2, 5]


@pytest.mark.parametrize("bad", [-5, 0, 2.5, True, float("nan"), "100"])
def test_bad_population_is_a_clear_error(bad):
    with pytest.raises(InnolabError) as e:
        krejcie_morgan(bad)
    assert str(e.value) == (
        f"population must be a whole number >= 1 (e.g. service users per year), got {[bad]!r}"
    )
