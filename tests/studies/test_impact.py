"""The impact-study bundle on the demo: planted ATT, planted moderation, rows, text, errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.impact import ImpactStudy, impact_study

SECTIONS = ImpactStudy.SECTIONS


@pytest.fixture(scope="module")
def truth(demo_dir):
    return json.loads((demo_dir / "truth.json").read_text())


@pytest.fixture(scope="module")
def ikm(demo_study):
    return impact_study(demo_study)


@pytest.fixture(scope="module")
def days(demo_study):
    return impact_study(demo_study, outcome="processing_days")


def test_staggered_ci_contains_the_planted_att(ikm, truth):
    s = ikm.staggered
    assert s.ci_lower < truth["ikm"]["att_simple"] < s.ci_upper
    assert s.estimate > 0 and s.p_value < 0.001


def test_yearly_and_processing_days_contain_their_planted_att(demo_study, days, truth):
    year = impact_study(demo_study, frequency="year").staggered
    assert year.ci_lower < truth["ikm"]["frequency_year"]["att_simple"] < year.ci_upper
    s = days.staggered
    assert s.ci_lower < truth["processing_days"]["att_simple"] < s.ci_upper
    assert s.estimate < 0


def test_leadership_moderation_has_the_planted_sign_and_size(ikm, days, truth):
    m = ikm.moderation
    planted = truth["ikm"]["moderation_slope_per_sd"]  # 1.2 IKM points per SD
    assert m.ci_lower < planted < m.ci_upper
    assert m.ci_lower > 0
    assert m.high.estimate > m.low.estimate
    assert m.n_agencies == truth["ikm"]["n_treated_agencies"]
    # the score SD is the planted standardisation (population SD over adopting agencies)
    assert m.score_sd == pytest.approx(truth["leadership"]["sd_over_treated_ddof0"], abs=1e-6)
    d = days.moderation
    assert d.ci_upper < 0  # planted -0.5 days per SD
    assert d.ci_lower < truth["processing_days"]["moderation_slope_per_sd"] < d.ci_upper


def test_agency_effects_track_the_planted_agency_effects(ikm, truth):
    ae = ikm.agency_effects.set_index("agency_id")
    planted = pd.Series({a: v["ikm_full_effect"] for a, v in truth["agency_effects"].items()})
    assert set(ae.index) == set(planted.index)
    assert ae["estimate"].corr(planted) > 0.9
    # leadership scores are the planted ones (assessment closest before the first launch)
    scores = pd.Series(truth["leadership"]["scores"])
    assert np.allclose(ae.loc[scores.index, "leadership_commitment"], scores)


def test_imputation_equals_hand_computation_on_a_tiny_panel():
    """Two agencies, three periods; agency b adopts in period 3.

    Untreated cells: a1..a3, b1, b2. The FE fit is exact for a (3 cells) and the period
    effects come from a alone: y_b(0) at t3 = b's mean gap to a over t1-t2 + a3.
    """
    from innolab_analysis.estimators.imputation import imputation_did
    from innolab_analysis.studies.impact._designs import agency_effects

    panel = pd.DataFrame(
        {
            "agency_id": ["a"] * 3 + ["b"] * 3,
            "period_index": [1, 2, 3] * 2,
            "cohort": [0] * 3 + [3] * 3,
            "treated": [0, 0, 0, 0, 0, 1],
            "y": [10.0, 11.0, 13.0, 20.0, 22.0, 30.0],
        }
    )
    fit = imputation_did(
        panel, outcome="y", unit="agency_id", time="period_index", cohort="cohort", pretrends=0
    )
    out = agency_effects(fit, panel, {"a": "A", "b": "B"}, {3: "2020-S1"})
    # gaps b - a at t1, t2: 10, 11 -> mean 10.5; imputed b3 = 13 + 10.5 = 23.5; effect 6.5
    assert out["estimate"].tolist() == pytest.approx([6.5])
    assert out[["agency_id", "name", "cohort_label", "n_pre", "n_post"]].values.tolist() == [
        ["b", "B", "2020-S1", 2, 1]
    ]


def test_agency_effects_are_the_imputation_estimators(ikm):
    from innolab_analysis.estimators.imputation import imputation_did

    fit = imputation_did(
        ikm.panel, outcome="ikm", unit="agency_id", time="period_index", cohort="cohort"
    )
    ue = fit.unit_effects().set_index("unit")
    ae = ikm.agency_effects.set_index("agency_id")
    assert ae["estimate"].to_numpy() == pytest.approx(ue.loc[ae.index, "estimate"].to_numpy())
    assert ae["std_error"].to_numpy() == pytest.approx(ue.loc[ae.index, "std_error"].to_numpy())
    assert ikm.robust.table.set_index("design").loc["imputation", "estimate"] == pytest.approx(
        fit.estimate
    )


def test_every_robustness_estimator_covers_the_planted_att(ikm, truth):
    t = ikm.robust.table.set_index("design")
    assert list(t.index) == [
        "callaway_santanna",
        "sun_abraham",
        "imputation",
        "synthetic_did",
        "twfe",
    ]
    planted = truth["ikm"]["att_simple"]
    for design, row in t.iterrows():
        assert row["ci_lower"] < planted < row["ci_upper"], design
    assert t.loc["callaway_santanna", "estimate"] == pytest.approx(ikm.staggered.estimate)
    assert t.loc["twfe", "estimate"] == pytest.approx(ikm.twfe.estimate)
    assert t.loc["sun_abraham", "estimate"] == pytest.approx(ikm.robust.sun_abraham.estimate)
    assert ikm.robust.agree
    # synthetic DiD needs every agency in every period: Kranggan (formed 2016) is left out
    assert ikm.robust.sdid_dropped == ("kec_kranggan",)


def test_sensitivity_analyses_read_in_plain_words(ikm):
    h, pt = ikm.robust.honest, ikm.robust.pretrend
    assert 0 < h.breakdown < 2 and h.restriction == "relative_magnitude"
    # the universal-base event study in the event-study window: 3 leads (e=-1 is the reference)
    assert (ikm.robust.event.terms["event_time"] < 0).sum() == 3 and pt.slope > 0
    id_text, en_text = ikm.markdown("robustness", "id"), ikm.markdown("robustness", "en")
    shown = f"{h.breakdown:.1f}"
    assert f"berbeda lebih dari **{shown.replace('.', ',')}** kali selisih terbesar" in id_text
    assert f"differ by more than **{shown}** times the largest difference" in en_text
    assert "Roth 2022" in en_text and f"{pt.slope:.2f} points per period" in en_text
    keys = [f.key for f in ikm.findings("en")]
    assert "robustness" in keys and "twfe" not in keys


def test_robustness_can_be_left_out(demo_study):
    res = impact_study(demo_study, frequency="year", robustness=False)
    assert res.robust is None
    assert "twfe" in [f.key for f in res.findings("en")]
    assert res.markdown("robustness", "en").startswith("## How robust is this")


def test_effect_rows_have_the_effect_columns_and_the_headlines(ikm):
    rows = ikm.effect_rows("mojokerto")
    assert tuple(rows.columns) == EFFECT_COLUMNS
    head = rows.set_index(["unit", "method"])
    assert head.loc[("all", "staggered_did"), "estimate"] == pytest.approx(ikm.staggered.estimate)
    assert head.loc[("all", "twfe"), "estimate"] == pytest.approx(ikm.twfe.estimate)
    assert head.loc[(ikm.its_agency, "interrupted_time_series"), "term"] == "level_change"
    cohorts = rows[rows["method"] == "staggered_did_group"]
    assert "cohort 2018-S2" in set(cohorts["unit"])
    assert len(cohorts) == len(ikm.groups.terms)
    assert (rows[rows["method"] == "did_imputation"]["std_error"] > 0).all()
    assert set(rows["level"]) == {"agency"} and set(rows["study"]) == {"mojokerto"}


def test_bacon_on_the_balanced_agencies_reproduces_their_twfe(ikm):
    assert ikm.bacon_dropped == ("kec_kranggan",)  # formed 2016-06-20
    c = ikm.bacon.comparisons
    assert (c["weight"] * c["estimate"]).sum() == pytest.approx(ikm.bacon_twfe, abs=1e-8)
    assert 0 < ikm.bacon.forbidden_weight < 1


def test_its_auto_choice_is_the_longest_pre_period(ikm, demo_study):
    # the latest adopter (pkm_blooto, 2023-S1) has 16 pre-adoption semesters
    assert ikm.its_agency == "pkm_blooto"
    assert ikm.its_covid
    chosen = impact_study(demo_study, its_agency="rsud", frequency="year")
    assert chosen.its_agency == "rsud"
    assert chosen.its.interventions[0] == pd.Timestamp("2017-01-01")


def test_narrative_quotes_the_numbers_in_both_languages(ikm):
    en = ikm.markdown("staggered", "en")
    idn = ikm.markdown("staggered", "id")
    assert f"**{ikm.staggered.estimate:.2f}**" in en
    assert f"**{ikm.staggered.estimate:.2f}**".replace(".", ",") in idn
    assert en.startswith("## Effect of innovation") and idn.startswith("## Efek inovasi")
    assert "**2,90** poin (IK 95%: 2,14 s.d. 3,66; p < 0,001)" in idn
    for section in SECTIONS:
        assert ikm.markdown(section, "id").startswith("## ")
        assert ikm.markdown(section, "en") != ikm.markdown(section, "id")
    assert "not LAN's" in ikm.markdown("heterogeneity", "en")
    assert "19 December 2017" in ikm.markdown("confounders", "en")
    assert "19 Desember 2017" in ikm.markdown("confounders", "id")


def test_mde_is_computed_when_asked(demo_study):
    res = impact_study(demo_study, frequency="year", mde=True, mde_sims=20, seed=3)
    assert res.mde.n_sims == 20 and res.mde.seed == 3
    assert 0 < res.mde.mde < res.staggered.estimate
    assert res.markdown("mde", "en").startswith("## The smallest detectable effect")
    assert f"an effect of **{res.mde.mde:.2f}** points is detected" in res.markdown("mde", "en")


def test_plot_agency_effects_returns_axes(ikm):
    ax = ikm.plot("agency_effects", language="en")
    assert ax.get_xlabel().startswith("Leadership commitment")
    assert len(ax.lines) >= 2  # the OLS line and the zero line
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "regression line",
        "no effect (0)",
        "innovating unit (with 95% confidence interval)",
    ]


def test_bad_options_and_unknown_agency_raise_whole_messages(demo_study, ikm):
    with pytest.raises(ParamsError) as info:
        impact_study(demo_study, outcome="ikm_score")
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'outcome': outcome must be one of ('ikm', 'processing_days'), got "
        "'ikm_score'; allowed: ikm, processing_days"
    )
    with pytest.raises(ParamsError) as info:
        impact_study(demo_study, its_agency="dikbud", frequency="year")
    message = str(info.value)
    assert message.startswith(
        "1 problem(s) in the parameters:\n"
        "  - column 'its_agency': its_agency 'dikbud' did not launch an innovation inside the "
        "panel (or is not an agency of the study); pick an adopting agency or leave it empty to "
        "choose automatically; allowed: bag_organisasi, bapenda, "
    )
    with pytest.raises(ParamsError) as info:
        ikm.markdown("nope", "en")
    assert "section must be one of" in str(info.value)
    with pytest.raises(ParamsError) as info:
        ikm.markdown("data", "fr")
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        "  - column 'language': language must be one of ('id', 'en'), got 'fr'; use 'id' for "
        "Bahasa Indonesia or 'en' for English; allowed: id, en"
    )
