"""Odd input to the public metrics: a clear InnolabError naming what was expected (issue 12).

Missing tables (``None``: the file is absent or disappeared), empty or all-blank
tables, booleans where numbers belong, blank or unreadable keys, non-finite
parameters — every one answered by a message that says what is wrong and what
is allowed, never by a raw ``AttributeError``/``IndexError``/``ValueError``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError, ParamsError
from innolab_analysis.metrics import innovation as inv
from innolab_analysis.metrics import regional as rg
from innolab_analysis.metrics.iid import iid_composite, iid_predicate
from innolab_analysis.metrics.readiness import readiness_index

INN = pd.DataFrame(
    {
        "agency_id": ["a", "b"],
        "launched_on": ["2019-05-01", None],
        "discontinued_on": [None, None],
        "proposed_on": ["2019-01-01", "2020-01-01"],
        "iid_stage": ["penerapan", "uji_coba"],
        "origin": ["original", "adaptation"],
        "form": ["pelayanan_publik"] * 2,
        "digital": [True, False],
    }
)
AG = pd.DataFrame({"agency_id": ["a", "b"]})

CALLS = {
    "innovation_coverage": lambda inn, ag: inv.innovation_coverage(inn, ag),
    "agencies_without_innovation": lambda inn, ag: inv.agencies_without_innovation(inn, ag, 2020),
    "innovations_per_agency": lambda inn, ag: inv.innovations_per_agency(inn, ag),
    "innovation_flow": lambda inn, ag: inv.innovation_flow(inn),
    "innovation_funnel": lambda inn, ag: inv.innovation_funnel(inn),
    "innovation_mix": lambda inn, ag: inv.innovation_mix(inn),
    "time_to_launch": lambda inn, ag: inv.time_to_launch(inn),
    "innovation_survival": lambda inn, ag: inv.innovation_survival(inn, as_of="2021-01-01"),
}

MISSING = (
    "1 problem(s) in the innovations table:\n"
    "  - the innovations table is missing (got None); add innovations.csv (or .parquet/.xlsx) to "
    "the study folder and load it again"
)
EMPTY = (
    "1 problem(s) in the innovations table:\n"
    "  - the innovations table has no rows; this needs at least one innovation (a row of "
    "innovations.csv)"
)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_innovation_metrics_refuse_a_missing_or_empty_table(name):
    call = CALLS[name]
    assert call(INN, AG) is not None  # the same call works on a real table
    with pytest.raises(DataValidationError) as e:
        call(None, AG)
    assert str(e.value) == MISSING
    with pytest.raises(DataValidationError) as e:
        call(INN.iloc[:0], AG)
    assert str(e.value) == EMPTY


@pytest.mark.parametrize(
    "name", ["innovation_coverage", "agencies_without_innovation", "innovations_per_agency"]
)
def test_innovation_metrics_refuse_missing_agencies(name):
    with pytest.raises(DataValidationError) as e:
        CALLS[name](INN, None)
    assert str(e.value) == (
        "1 problem(s) in the agencies table:\n"
        "  - the agencies table is missing (got None); add agencies.csv (or .parquet/.xlsx) to the "
        "study folder and load it again"
    )


def test_time_to_launch_without_any_proposal_date():
    with pytest.raises(DataValidationError) as e:
        inv.time_to_launch(INN.assign(proposed_on=None))
    assert str(e.value) == (
        "1 problem(s) in the innovations table:\n"
        "  - column 'proposed_on': no innovation has a proposal date (all 2 blank); the time to "
        "launch is counted from proposed_on; allowed: ISO dates YYYY-MM-DD"
    )


@pytest.mark.parametrize(
    ("horizons", "message"),
    [
        ([], "  - horizons is empty; pass the years after launch to report, e.g. [1, 3, 5]"),
        (
            [1, float("nan")],
            "  - column 'horizons': horizons must be a finite number >= 0, got nan; allowed: a number >= 0",
        ),
        (
            ["3"],
            "  - column 'horizons': horizons must be a finite number >= 0, got '3'; allowed: a number >= 0",
        ),
        (-1, "  - horizons must be a list of years such as [1, 3, 5], got -1"),
    ],
)
def test_survival_horizons(horizons, message):
    with pytest.raises(ParamsError) as e:
        inv.innovation_survival(INN, as_of="2021-01-01", horizons=horizons)
    assert str(e.value) == "1 problem(s) in the parameters:\n" + message


def test_coverage_years_must_be_whole_years():
    with pytest.raises(ParamsError) as e:
        inv.innovation_coverage(INN, AG, years=[2019, "2020", True])
    assert str(e.value) == (
        "1 problem(s) in the parameters:\n  - years must be whole years such as 2019, got ['2020', True]"
    )


def test_portfolio_without_innovations_says_so():
    from innolab_analysis.studies._inputs import demo_study
    from innolab_analysis.studies.portfolio import innovation_portfolio

    study = demo_study()
    for table in ("innovations", "agencies"):
        with pytest.raises(DataValidationError) as e:
            innovation_portfolio(dataclasses.replace(study, **{table: None}))
        assert str(e.value) == (
            f"1 problem(s) in the {table} table:\n"
            f"  - the {table} table is missing (got None); the portfolio needs {table}.csv (or "
            ".parquet/.xlsx) in the study folder; add it and load the study again"
        )
    with pytest.raises(DataValidationError) as e:
        innovation_portfolio(dataclasses.replace(study, innovations=study.innovations.iloc[:0]))
    assert str(e.value) == (
        "1 problem(s) in the innovations table:\n"
        "  - the innovations table has no rows; this needs at least one row in innovations.csv"
    )


# --------------------------------------------------------------------------- readiness
READINESS = pd.DataFrame(
    {"agency_id": ["a", None], "assessed_on": ["2020-01-01", "kemarin"], "dimension": ["budget"] * 2,
     "score": [True, 3]}
)  # fmt: skip


def test_readiness_lists_booleans_and_unreadable_keys():
    with pytest.raises(DataValidationError) as e:
        readiness_index(READINESS)
    assert str(e.value) == (
        "3 problem(s) in the readiness table:\n"
        "  - column 'score': 1 score(s) outside the rubric's scale or not numbers [row 2 (True)]; "
        "allowed: 1-5\n"
        "  - column 'assessed_on': 1 row(s) with a blank or unreadable assessed_on [row 3 "
        "('kemarin')]; allowed: dates YYYY-MM-DD\n"
        "  - column 'agency_id': 1 row(s) with a blank or unreadable agency_id [row 3 (None)]; "
        "allowed: a unit id"
    )
    with pytest.raises(DataValidationError, match="the readiness table is missing"):
        readiness_index(None)
    with pytest.raises(DataValidationError, match="the readiness table has no rows"):
        readiness_index(READINESS.iloc[:0])


# --------------------------------------------------------------------------- IID
def test_iid_refuses_booleans_text_and_infinite_scores():
    with pytest.raises(DataValidationError) as e:
        iid_predicate([60.39, True, "tinggi"], 2023)
    assert str(e.value) == (
        "1 problem(s) in the IID scores:\n"
        "  - 2 value(s) that are not numbers (True, 'tinggi'); an IID score is a number; "
        "allowed: numbers"
    )
    with pytest.raises(DataValidationError) as e:
        iid_composite([3.0] * 15, [[np.inf] + [1.0] * 19])
    assert str(e.value) == (
        "1 problem(s) in the IID scores:\n"
        "  - column 'sid_scores': 1 missing, infinite or negative indicator score(s); missing "
        "evidence scores 0; allowed: numbers >= 0"
    )
    with pytest.raises(ParamsError, match="max_total must be a finite number > 0, got nan"):
        iid_composite([3.0] * 15, [], max_total=float("nan"))


def test_iid_predicate_in_english():
    assert iid_predicate(72.94, 2025, language="en") == "Sangat Inovatif (very innovative)"
    np.testing.assert_array_equal(
        iid_predicate([0, 20], 2023, language="en"),
        ["Tidak Dapat Dinilai (cannot be assessed)", "Kurang Inovatif (less innovative)"],
    )


# --------------------------------------------------------------------------- regional
KW = {"region": "region", "sector": "sector", "value": "value"}


def test_regional_indices_refuse_empty_and_unreadable_years():
    empty = pd.DataFrame({"region": [], "sector": [], "value": [], "year": []})
    for call in (
        lambda d: rg.location_quotient(d, **KW),
        lambda d: rg.dynamic_location_quotient(d, **KW, start=2010, end=2015),
        lambda d: rg.shift_share(d, **KW, start=2010, end=2015),
    ):
        with pytest.raises(DataValidationError, match=r"data has no rows \(province rows are"):
            call(empty)
        with pytest.raises(DataValidationError, match="data must be a pandas DataFrame"):
            call(None)
    bad = pd.DataFrame({"region": ["a", "a"], "sector": ["x", "y"], "value": [1.0, 2.0],
                        "year": ["2010", "dua ribu"]})  # fmt: skip
    with pytest.raises(DataValidationError) as e:
        rg.shift_share(bad, **KW, start=2010, end=2015)
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'year': 1 row(s) whose year is blank or not a whole number [row 3 ('dua ribu')]; "
        "allowed: whole years such as 2019"
    )


def test_location_quotient_refuses_a_region_without_output():
    df = pd.DataFrame({"region": ["a", "a", "b", "b"], "sector": ["x", "y"] * 2,
                       "value": [0.0, 0.0, 3.0, 4.0]})  # fmt: skip
    with pytest.raises(DataValidationError) as e:
        rg.location_quotient(df, **KW)
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'value': 2 row(s) where the region's sectors add up to 0, so no sector has a "
        "share: region=a, sector=x; region=a, sector=y"
    )


def test_booleans_are_not_pdrb():
    df = pd.DataFrame({"region": ["a", "a"], "sector": ["x", "y"], "value": [True, 2.0]})
    with pytest.raises(DataValidationError) as e:
        rg.location_quotient(df, **KW)
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'value': value must be finite and non-negative for a location quotient; found "
        "region=a, sector=x: True"
    )


def test_klassen_williamson_gravity_parameters():
    df = pd.DataFrame({"u": ["a", "b"], "g": [5.0, 3.0], "y": [10.0, 20.0], "w": [0.0, 0.0]})
    with pytest.raises(ParamsError) as e:
        rg.klassen_typology(df, unit="u", growth="g", level="y", reference_level=float("inf"))
    assert str(e.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'reference_level': reference_level must be a finite number, got inf; "
        "allowed: a number"
    )
    with pytest.raises(DataValidationError, match="the weights in w add up to 0"):
        rg.klassen_typology(df, unit="u", growth="g", level="y", growth_weight="w")
    with pytest.raises(DataValidationError, match="the Klassen typology needs one row per unit"):
        rg.klassen_typology(df.iloc[:0], unit="u", growth="g", level="y")
    pop = pd.DataFrame({"gdp": [0.0, 0.0], "pop": [1.0, 2.0]})
    with pytest.raises(DataValidationError) as e:
        rg.williamson_index(pop, gdp="gdp", population="pop")
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'gdp': the regions' PDRB adds up to 0; the Williamson index divides by the mean "
        "PDRB per capita"
    )
    with pytest.raises(ParamsError, match="reference must be a finite number > 0, got -1"):
        rg.williamson_index(pop.assign(gdp=[1.0, 2.0]), gdp="gdp", population="pop", reference=-1)
    core = pd.DataFrame({"region_code": ["c"], "pop": [10.0], "d": [None]})
    with pytest.raises(DataValidationError) as e:
        rg.gravity_interaction(core, mass="pop", distance="d")
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'region_code': only the core 'c' is in the data; a gravity model needs at least "
        "one satellite region"
    )
    with pytest.raises(ParamsError, match=r"exponent must be a finite number > 0, got '2'"):
        rg.gravity_interaction(core, mass="pop", distance="d", exponent="2")


def test_no_raw_error_escapes_from_a_none_table():
    for call in (
        lambda: rg.klassen_typology(None, unit="u", growth="g", level="y"),
        lambda: rg.williamson_index(None, gdp="g", population="p"),
        lambda: rg.gravity_interaction(None, mass="p", distance="d"),
    ):
        with pytest.raises(InnolabError, match="must be a pandas DataFrame"):
            call()
