"""The portfolio bundle on the demo: numbers from the tables, narrative quoting them, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from innolab_analysis.errors import ParamsError
from innolab_analysis.studies.portfolio import PORTFOLIO_SECTIONS, innovation_portfolio


@pytest.fixture(scope="module")
def portfolio(demo_study):
    return innovation_portfolio(demo_study, start_year=2015, end_year=2024)


def test_coverage_counts_match_a_direct_count(portfolio, demo_study):
    inn = demo_study.innovations
    launched = pd.to_datetime(inn["launched_on"])
    stopped = pd.to_datetime(inn["discontinued_on"])
    active = launched.le("2024-12-31") & (stopped.isna() | stopped.ge("2024-01-01"))
    last = portfolio.coverage.iloc[-1]
    assert int(last["n_with_innovation"]) == inn.loc[active, "agency_id"].nunique() == 23
    assert int(last["n_agencies"]) == 31
    assert portfolio.coverage["year"].tolist() == list(range(2015, 2025))


def test_funnels_stack_both_schemes(portfolio, demo_study):
    f = portfolio.funnel
    iid = f[f["scheme"] == "iid"]
    assert iid["n_reached"].tolist()[0] == len(demo_study.innovations) == 51
    assert iid["n_reached"].iloc[-1] == (demo_study.innovations["iid_stage"] == "penerapan").sum()
    lab = f[f["scheme"] == "labinov"]
    assert lab["n_reached"].iloc[0] == demo_study.innovations["labinov_stage"].notna().sum()


def test_readiness_is_the_latest_assessment_per_agency(portfolio, demo_study):
    r = portfolio.readiness
    assert len(r) == demo_study.agencies["agency_id"].nunique()
    latest = (
        pd.to_datetime(demo_study.readiness["assessed_on"])
        .groupby(demo_study.readiness["agency_id"])
        .max()
    )
    assert (r.set_index("agency_id")["assessed_on"] == latest.reindex(r["agency_id"]).values).all()
    # an end year before the second round keeps the 2018 assessments only
    early = innovation_portfolio(demo_study, start_year=2015, end_year=2019)
    assert early.readiness["assessed_on"].dt.year.max() == 2018


def test_narrative_quotes_numbers_and_says_the_rubric_is_ours(portfolio):
    last = portfolio.coverage.iloc[-1]
    en = portfolio.markdown("coverage", "en")
    assert f"**{int(last['n_with_innovation'])}** of {int(last['n_agencies'])} units" in en
    assert "Inspektorat Daerah" in en  # a unit without an innovation is named
    idn = portfolio.markdown("readiness", "id")
    assert "bukan rubrik resmi LAN" in idn
    mean = portfolio.readiness["readiness_index"].mean()
    assert f"**{mean:.1f}**".replace(".", ",") in idn
    for section in PORTFOLIO_SECTIONS:
        assert portfolio.markdown(section, "en").startswith("## ")
        assert portfolio.markdown(section, "id") != portfolio.markdown(section, "en")


def test_plot_readiness_highlights_leadership(portfolio):
    ax = portfolio.plot_readiness(language="en")
    assert ax.get_xlabel() == "Score (0–100)"
    assert len(ax.get_yticklabels()) == len(portfolio.readiness)


def test_bad_inputs_raise_whole_messages(portfolio, demo_study):
    with pytest.raises(ParamsError) as info:
        innovation_portfolio(demo_study, start_year=2024, end_year=2015)
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n  - start_year (2024) is after end_year (2015); swap them"
    )
    with pytest.raises(ParamsError) as info:
        portfolio.markdown("budget", "en")
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'section': section must be one of ('coverage', 'flow', 'funnel', 'mix', "
        "'speed', 'survival', 'readiness'), got 'budget'; allowed: coverage, flow, funnel, mix, "
        "speed, survival, readiness"
    )
