"""Regional-economics indices: hand-computed examples, identities, error messages."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.metrics.regional import (
    KLASSEN_QUADRANTS,
    dynamic_location_quotient,
    gravity_interaction,
    klassen_typology,
    location_quotient,
    shift_share,
    williamson_index,
)

KW = {"region": "region", "sector": "sector", "value": "value"}


def _two_by_two() -> pd.DataFrame:
    # region A: x = 30, y = 70 (E_A = 100); region B: x = 20, y = 80 (E_B = 100)
    return pd.DataFrame(
        {
            "region": ["A", "A", "B", "B"],
            "sector": ["x", "y", "x", "y"],
            "value": [30.0, 70.0, 20.0, 80.0],
        }
    )


# --------------------------------------------------------------------------- LQ
def test_location_quotient_by_hand():
    # reference = A + B: x = 50, y = 150, total 200 → shares 0.25 and 0.75
    # LQ_Ax = 0.30/0.25 = 1.2;   LQ_Ay = 0.70/0.75 = 0.9333
    # LQ_Bx = 0.20/0.25 = 0.8;   LQ_By = 0.80/0.75 = 1.0667
    out = location_quotient(_two_by_two(), **KW)
    assert out.columns.tolist() == ["region", "sector", "lq", "basis"]
    np.testing.assert_allclose(out["lq"], [1.2, 0.7 / 0.75, 0.8, 0.8 / 0.75], rtol=1e-12)
    assert out["basis"].tolist() == ["basis", "non-basis", "non-basis", "basis"]


def test_location_quotient_excludes_province_rows_and_accepts_a_reference():
    df = _two_by_two().assign(kind="kota")
    prov = pd.DataFrame(
        {"region": ["P", "P"], "sector": ["x", "y"], "value": [100.0, 100.0], "kind": "provinsi"}
    )
    with_prov = pd.concat([df, prov], ignore_index=True)
    before = with_prov.copy()
    # province rows are not summed into the reference nor reported
    same = location_quotient(with_prov, **KW)
    np.testing.assert_allclose(same["lq"], location_quotient(df, **KW)["lq"])
    assert set(same["region"]) == {"A", "B"}
    # the province as reference: shares 0.5/0.5 → LQ_Ax = 0.3/0.5 = 0.6, LQ_Ay = 0.7/0.5 = 1.4
    out = location_quotient(df, **KW, reference=prov, regions="A")
    np.testing.assert_allclose(out["lq"], [0.6, 1.4])
    ser = pd.Series({"x": 1.0, "y": 1.0})
    np.testing.assert_allclose(
        location_quotient(df, **KW, reference=ser, regions="A")["lq"], [0.6, 1.4]
    )
    pd.testing.assert_frame_equal(with_prov, before)  # caller's frame untouched


def test_location_quotient_per_year_and_one_year():
    a = _two_by_two().assign(year=2020)
    b = _two_by_two().assign(year=2021, value=[10.0, 90.0, 30.0, 70.0])
    df = pd.concat([a, b], ignore_index=True)
    out = location_quotient(df, **KW)
    assert out.columns.tolist() == ["region", "year", "sector", "lq", "basis"]
    # 2021: reference x = 40, y = 160 → share 0.2; LQ_Ax = 0.1/0.2 = 0.5
    got = out.set_index(["region", "year", "sector"])["lq"]
    assert got[("A", 2021, "x")] == pytest.approx(0.5)
    assert got[("A", 2020, "x")] == pytest.approx(1.2)
    one = location_quotient(df, **KW, year=2021)
    assert one["lq"].round(4).tolist() == [0.5, round(0.9 / 0.8, 4), 1.5, round(0.7 / 0.8, 4)]


def test_location_quotient_unknown_region_lists_close_names():
    with pytest.raises(DataValidationError) as err:
        location_quotient(_two_by_two(), **KW, regions=["A", "AA"])
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'region': region 'AA' is not in the data; did you mean 'A'?"
    )


def test_location_quotient_sectors_must_add_up_to_totals():
    totals = pd.DataFrame({"region": ["A", "B"], "value": [100.0, 110.0]})
    with pytest.raises(DataValidationError) as err:
        location_quotient(_two_by_two(), **KW, totals=totals)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'value': sectors of {'region': 'B'} add up to 100.00 but the total is "
        "110.00 (9.09% off, tolerance 0.50%); check for missing or double-counted sectors"
    )
    # within a looser tolerance it passes
    location_quotient(_two_by_two(), **KW, totals=totals, tolerance=0.1)


def test_negative_values_are_named():
    df = _two_by_two()
    df.loc[1, "value"] = -5.0
    with pytest.raises(DataValidationError) as err:
        location_quotient(df, **KW)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'value': value must be finite and non-negative for a location quotient; "
        "found region=A, sector=y: -5.0"
    )


# --------------------------------------------------------------------------- DLQ
def _dlq_panel() -> pd.DataFrame:
    rows = []
    series = {("a", "x"): [10, 30, 40], ("a", "y"): [10, 10, 10],
              ("b", "x"): [10, 10, 10], ("b", "y"): [10, 10, 10]}  # fmt: skip
    for (r, s), vals in series.items():
        for y, v in zip((2010, 2011, 2012), vals):
            rows.append({"region": r, "sector": s, "year": y, "value": float(v)})
    return pd.DataFrame(rows)


def test_dynamic_location_quotient_geometric_by_hand():
    # t = 2.  E^end/E^start: a,x 4; a total 50/20 = 2.5; ref x 50/20 = 2.5; ref total 70/40 = 1.75
    # geometric growth ⇒ (1+g)^t = ratio, so DLQ_ax = (4/2.5)/(2.5/1.75) = 1.12
    out = dynamic_location_quotient(_dlq_panel(), **KW, start=2010, end=2012)
    got = out.set_index(["region", "sector"])["dlq"]
    assert got[("a", "x")] == pytest.approx(1.12)
    # a,y: (1/2.5)/(1/1.75) = 0.7;  b,x: (1/1)/(2.5/1.75) = 0.7;  b,y: 1/(1/1.75) = 1.75
    assert got[("a", "y")] == pytest.approx(0.7)
    assert got[("b", "x")] == pytest.approx(0.7)
    assert got[("b", "y")] == pytest.approx(1.75)
    assert out.loc[out["dlq"] > 1, "basis"].eq("basis").all()


def test_dynamic_location_quotient_arithmetic_by_hand():
    # yoy growth: a,x 30/10-1 = 2, 40/30-1 = 1/3 → mean 7/6
    # a total 20→40→50: 1, 1/4 → 5/8;  ref x 20→40→50: 5/8;  ref total 40→60→70: 1/2, 1/6 → 1/3
    # DLQ = ((13/6)/(13/8))^2 / ((13/8)/(4/3))^2 = (4/3)^2 / (39/32)^2 = 16384/13689
    out = dynamic_location_quotient(_dlq_panel(), **KW, start=2010, end=2012, growth="arithmetic")
    got = out.set_index(["region", "sector"])
    assert got.loc[("a", "x"), "dlq"] == pytest.approx(16384 / 13689)
    assert got.loc[("a", "x"), "g_ir"] == pytest.approx(7 / 6)
    assert got.loc[("a", "x"), "g_n"] == pytest.approx(1 / 3)


def test_dynamic_location_quotient_errors():
    df = _dlq_panel()
    with pytest.raises(DataValidationError) as err:
        dynamic_location_quotient(df, **KW, start=2008, end=2012)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': start=2008 is outside the years in the data (2010–2012)"
    )
    gap = df.loc[~((df["region"] == "b") & (df["year"] == 2011))]
    with pytest.raises(DataValidationError) as err:
        dynamic_location_quotient(gap, **KW, start=2010, end=2012, growth="arithmetic")
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': region 'b' is missing year(s) [2011]; every region needs 2010–2012"
    )
    zero = df.copy()
    zero.loc[0, "value"] = 0.0
    with pytest.raises(DataValidationError, match="must be finite and positive to compute growth"):
        dynamic_location_quotient(zero, **KW, start=2010, end=2012)
    with pytest.raises(ParamsError) as err:
        dynamic_location_quotient(df, **KW, start=2010, end=2012, growth="mean")
    assert "growth must be one of ('geometric', 'arithmetic'), got 'mean'" in str(err.value)


# --------------------------------------------------------------------------- shift-share
def _ss_panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["a"] * 4 + ["b"] * 4,
            "sector": ["x", "y"] * 4,
            "year": [2010, 2010, 2015, 2015] * 2,
            "value": [10.0, 20.0, 15.0, 22.0, 30.0, 40.0, 30.0, 50.0],
        }
    )


def test_shift_share_classic_by_hand():
    # reference: x 40→45 (g_in = 0.125), y 60→72 (0.2), total 100→117 (g_n = 0.17)
    # a,x: E0 = 10, change 5; PN = 10·0.17 = 1.7; PP = 10·(0.125−0.17) = −0.45; PPW = 10·(0.5−0.125) = 3.75
    # a,y: E0 = 20, change 2; PN = 3.4; PP = 20·0.03 = 0.6; PPW = 20·(0.1−0.2) = −2
    out = shift_share(_ss_panel(), **KW, start=2010, end=2015, regions="a")
    assert out["sector"].tolist() == ["x", "y"]
    np.testing.assert_allclose(out["change"], [5.0, 2.0])
    np.testing.assert_allclose(out["regional_share"], [1.7, 3.4])
    np.testing.assert_allclose(out["industry_mix"], [-0.45, 0.6], atol=1e-12)
    np.testing.assert_allclose(out["competitive"], [3.75, -2.0])
    assert out["g_n"].iloc[0] == pytest.approx(0.17)


def test_shift_share_esteban_marquillas_by_hand():
    # homothetic E* = E_a·E_in/E_n = 30·0.4 = 12 (x) and 30·0.6 = 18 (y)
    # x: CS* = 12·0.375 = 4.5, AL = (10−12)·0.375 = −0.75 → not specialised, advantage (case 2)
    # y: CS* = 18·(−0.1) = −1.8, AL = (20−18)·(−0.1) = −0.2 → specialised, disadvantage (case 3)
    out = shift_share(
        _ss_panel(), **KW, start=2010, end=2015, regions="a", method="esteban_marquillas"
    )
    np.testing.assert_allclose(out["homothetic"], [12.0, 18.0])
    np.testing.assert_allclose(out["competitive_homothetic"], [4.5, -1.8])
    np.testing.assert_allclose(out["allocation"], [-0.75, -0.2])
    assert out["allocation_case"].tolist() == [2, 3]
    assert out["reading_en"].tolist() == [
        "Not specialised, with a competitive advantage",
        "Specialised with a competitive disadvantage",
    ]
    assert out["reading_id"].tolist() == [
        "Tidak terspesialisasi, berkeunggulan kompetitif",
        "Terspesialisasi, tidak berkeunggulan kompetitif",
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(min_value=0.5, max_value=1e4, allow_nan=False, allow_infinity=False),
        min_size=24,
        max_size=24,
    )
)
def test_shift_share_identities_property(values):
    # 3 regions × 4 sectors × 2 years of arbitrary positive output
    idx = pd.MultiIndex.from_product([["r1", "r2", "r3"], list("ABCD"), [2015, 2020]])
    df = idx.to_frame(index=False, name=["region", "sector", "year"]).assign(value=values)
    out = shift_share(df, **KW, start=2015, end=2020, method="esteban_marquillas")
    total = out["regional_share"] + out["industry_mix"] + out["competitive"]
    np.testing.assert_allclose(total, out["change"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        out["competitive_homothetic"] + out["allocation"], out["competitive"], rtol=1e-9, atol=1e-7
    )
    # with the reference = sum of regions, the competitive shifts cancel sector by sector
    by_sector = out.groupby("sector")["competitive"].sum()
    scale = out.groupby("sector")["end_value"].sum()
    assert (by_sector.abs() <= 1e-9 * scale).all()
    # and the homothetic outputs of a region add up to its base-year total
    np.testing.assert_allclose(
        out.groupby("region")["homothetic"].sum(), out.groupby("region")["start_value"].sum()
    )


def test_shift_share_missing_year_and_unknown_method():
    df = _ss_panel()
    gap = df.loc[~((df["region"] == "b") & (df["year"] == 2015))]
    with pytest.raises(DataValidationError) as err:
        shift_share(gap, **KW, start=2010, end=2015)
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': region 'b' is missing year(s) [2015]; every region needs 2010–2015"
    )
    with pytest.raises(
        ParamsError, match=r"method must be one of \('classic', 'esteban_marquillas'\)"
    ):
        shift_share(df, **KW, start=2010, end=2015, method="dunn")


# --------------------------------------------------------------------------- Klassen
def test_klassen_quadrants_and_boundary_rule():
    df = pd.DataFrame(
        {
            "unit": ["hi-hi", "lo-hi", "hi-lo", "lo-lo", "edge"],
            "g": [7.0, 3.0, 6.0, 2.0, 5.0],
            "y": [60.0, 70.0, 20.0, 10.0, 40.0],
        }
    )
    ge = klassen_typology(df, unit="unit", growth="g", level="y", reference_growth=5.0,
                          reference_level=40.0)  # fmt: skip
    assert ge.table["quadrant"].tolist() == ["I", "II", "III", "IV", "I"]
    gt = klassen_typology(df, unit="unit", growth="g", level="y", reference_growth=5.0,
                          reference_level=40.0, boundary="gt")  # fmt: skip
    assert gt.table["quadrant"].tolist() == ["I", "II", "III", "IV", "IV"]
    assert ge.table["label_id"].iloc[1] == "Maju tapi tertekan"
    assert ge.table["label_en"].iloc[3] == KLASSEN_QUADRANTS["IV"][1] == "Relatively lagging"
    ax = ge.plot(language="id")
    assert ax.get_xlabel() == "PDRB per kapita"


def test_klassen_weighted_reference_equals_aggregate():
    # two regions: PDRB 100→110 (10%) and 300→309 (3%); population 10 and 90
    # aggregate growth = 419/400 − 1 = 4.75% = PDRB-weighted mean of growth (exact for one period)
    # aggregate per capita = 419/100 = 4.19 = population-weighted mean of per-capita PDRB
    df = pd.DataFrame(
        {
            "unit": ["a", "b"],
            "g": [10.0, 3.0],
            "y": [11.0, 309 / 90],
            "w0": [100.0, 300.0],
            "pop": [10.0, 90.0],
        }  # fmt: skip
    )
    k = klassen_typology(df, unit="unit", growth="g", level="y", growth_weight="w0",
                         level_weight="pop")  # fmt: skip
    assert k.reference_growth == pytest.approx(4.75)
    assert k.reference_level == pytest.approx(4.19)
    assert k.table["quadrant"].tolist() == ["I", "IV"]


# --------------------------------------------------------------------------- Williamson
def test_williamson_by_hand():
    # equal populations: Y = 2 and 6, Ybar = 400/100 = 4; sqrt(4·½ + 4·½)/4 = 0.5 → sedang (≤ 0.5)
    df = pd.DataFrame({"gdp": [100.0, 300.0], "pop": [50.0, 50.0]})
    out = williamson_index(df, gdp="gdp", population="pop")
    assert out["williamson"].iloc[0] == pytest.approx(0.5)
    assert (out["category_id"].iloc[0], out["category_en"].iloc[0]) == ("sedang", "medium")
    # unequal: Y = 1 and 6, Ybar = 8/3; var = (25/9)(2/3) + (100/9)(1/3) = 50/9 → IW = (5√2/3)/(8/3) = 5√2/8
    df2 = pd.DataFrame({"gdp": [100.0, 300.0], "pop": [100.0, 50.0], "year": 2021})
    both = pd.concat([df.assign(year=2020), df2], ignore_index=True)
    out = williamson_index(both, gdp="gdp", population="pop", year="year")
    assert out["year"].tolist() == [2020, 2021]
    assert out["williamson"].iloc[1] == pytest.approx(5 * math.sqrt(2) / 8)
    assert out["category_id"].tolist() == ["sedang", "tinggi"]
    # a single 0.5 cut-off convention
    alt = williamson_index(df, gdp="gdp", population="pop", thresholds=(0.5, 0.5))
    assert alt["category_id"].iloc[0] == "sedang"
    # the reference per capita replaces Ybar: sqrt(((2−5)²+(6−5)²)/2)/5 = sqrt(5)/5
    ref = williamson_index(df, gdp="gdp", population="pop", reference=5.0)
    assert ref["williamson"].iloc[0] == pytest.approx(math.sqrt(5) / 5)


def test_williamson_rejects_zero_population():
    df = pd.DataFrame({"gdp": [100.0, 300.0], "pop": [0.0, 50.0]})
    with pytest.raises(DataValidationError) as err:
        williamson_index(df, gdp="gdp", population="pop")
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'pop': pop must be finite and positive (population); found row 1: 0.0"
    )


# --------------------------------------------------------------------------- gravity
def _gravity_panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["3578", "3576", "3578", "3576"],
            "year": [2017, 2017, 2018, 2018],
            "population": [2_870_000.0, 130_000.0, 2_870_000.0, 130_000.0],
            "travel_time_min": [np.nan, 120.0, np.nan, 45.0],
        }
    )


def test_gravity_travel_time_cut_raises_interaction_7_11_times():
    g = gravity_interaction(
        _gravity_panel(), mass="population", distance="travel_time_min", core="3578", time="year"
    )
    assert g["region_code"].tolist() == ["3576", "3576"]
    # I = P_c·P_j/d²: 2.87e6·1.3e5/120² and /45²; the ratio is (120/45)² = 7.1111
    assert g["interaction"].iloc[0] == pytest.approx(2_870_000 * 130_000 / 120**2)
    assert g["interaction"].iloc[1] / g["interaction"].iloc[0] == pytest.approx((120 / 45) ** 2)
    assert round(g["interaction"].iloc[1] / g["interaction"].iloc[0], 2) == 7.11
    # core=None picks the largest mass (Surabaya)
    auto = gravity_interaction(_gravity_panel(), mass="population", distance="travel_time_min",
                               time="year")  # fmt: skip
    pd.testing.assert_frame_equal(auto, g)


def test_gravity_mass_product_and_breaking_point():
    df = pd.DataFrame(
        {"code": ["c", "s"], "pop": [100.0, 25.0], "pdrb": [2.0, 1.0], "km": [0.0, 50.0]}
    )
    # mass = pop × pdrb: P_c = 200, P_s = 25; I = 2·200·25/50^1 = 200 with k = 2, b = 1
    g = gravity_interaction(df, mass=["pop", "pdrb"], distance="km", core="c", unit="code",
                            exponent=1, k=2.0)  # fmt: skip
    assert g["interaction"].iloc[0] == pytest.approx(200.0)
    # Reilly with populations: 50/(1+sqrt(100/25)) = 50/3 from the satellite
    b = gravity_interaction(df, mass="pop", distance="km", core="c", unit="code",
                            breaking_point=True)  # fmt: skip
    assert b["breaking_point_from_satellite"].iloc[0] == pytest.approx(50 / 3)
    assert b["breaking_point_from_core"].iloc[0] == pytest.approx(100 / 3)


def test_gravity_errors():
    df = _gravity_panel()
    with pytest.raises(DataValidationError) as err:
        gravity_interaction(df, mass="population", distance="travel_time_min", core="3587",
                            time="year")  # fmt: skip
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'region_code': region '3587' is not in the data; did you mean '3578', '3576'?"
    )
    bad = df.copy()
    bad.loc[3, "travel_time_min"] = np.nan
    with pytest.raises(DataValidationError) as err:
        gravity_interaction(bad, mass="population", distance="travel_time_min", core="3578",
                            time="year")  # fmt: skip
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'travel_time_min': travel_time_min must be finite and positive as a distance "
        "to the core; found region_code=3576, year=2018: nan"
    )
