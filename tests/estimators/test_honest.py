"""HonestDiD (Rambachan & Roth 2023): the R package README's Medicaid example, from data offline.

The README estimates a TWFE event study of Medicaid expansion on insurance
coverage (``ehec_data``, which ships in the moderndid wheel): 2014 adopters vs
never-expanding states, years before 2016, ``feols(dins ~ i(year, D, ref =
2013) | stfips + year, cluster = "stfips")``. With one cohort and never-treated
controls that regression *is* the Sun–Abraham regression, so ``sun_abraham``
gives the README's ``betahat`` and ``sigma`` (fixest's CR1), and the robust
intervals below are the README's printed tables (3 significant digits). The
relative-magnitude intervals come from a grid of 1,000 points whose step is
0.0004 here and from a simulated least-favourable critical value (numpy's
draws, not R's), so they agree to one or two grid steps; the FLCIs agree to
the printed digits.
"""

from __future__ import annotations

import pytest

from innolab_analysis.errors import EstimationError, ParamsError
from innolab_analysis.estimators.honest import honest_did
from innolab_analysis.estimators.staggered import _example_panel, staggered_did
from innolab_analysis.estimators.sun_abraham import sun_abraham

md = pytest.importorskip("moderndid", reason="ehec_data ships in the moderndid wheel (test extra)")

README_RM = {
    0.5: (0.0241, 0.0673),
    1.0: (0.0171, 0.0720),
    1.5: (0.00859, 0.0796),
    2.0: (-0.00107, 0.0883),
}
README_SD = {
    0.00: (0.0259, 0.0607), 0.01: (0.0132, 0.0787), 0.02: (0.00286, 0.0907),
    0.03: (-0.00714, 0.101), 0.04: (-0.0171, 0.111), 0.05: (-0.0271, 0.121),
}  # fmt: skip


@pytest.fixture(scope="module")
def medicaid():
    df = md.load_ehec().to_pandas()
    d = df[(df.year < 2016) & (df.yexp2.isna() | (df.yexp2 != 2015))].copy()
    d["g"] = d["yexp2"].fillna(0)
    return sun_abraham(d, outcome="dins", unit="stfips", time="year", cohort="g")


def test_relative_magnitudes_match_the_readme(medicaid):
    assert medicaid.event["term"].tolist() == ["e=-6", "e=-5", "e=-4", "e=-3", "e=-2", "e=0", "e=1"]
    h = honest_did(medicaid, m=list(README_RM))
    for row in h.robust.itertuples():
        lb, ub = README_RM[row.m]
        assert row.ci_lower == pytest.approx(lb, abs=6e-4), row.m
        assert row.ci_upper == pytest.approx(ub, abs=6e-4), row.m
    assert h.restriction == "relative_magnitude" and h.robust_method == "C-LF"
    # the README: significant up to M̄ just below 2 (the interval at 2 includes zero)
    assert 1.5 < h.breakdown < 2.0
    assert h.text.en.endswith(
        "The effect stays positive unless, after launch, trends differ by more than "
        f"{h.breakdown:.1f} times the largest difference before launch."
    )
    assert "kali selisih terbesar sebelum peluncuran." in h.text.id


def test_smoothness_flci_matches_the_readme(medicaid):
    h = honest_did(medicaid, restriction="smoothness", m=list(README_SD))
    for row in h.robust.itertuples():
        lb, ub = README_SD[round(row.m, 2)]
        assert row.ci_lower == pytest.approx(lb, abs=6e-5, rel=5e-3), row.m
        assert row.ci_upper == pytest.approx(ub, abs=6e-5, rel=5e-3), row.m
    assert h.robust_method == "FLCI"
    assert 0.02 < h.breakdown < 0.03  # README: "the breakdown value ... is M ≈ 0.03"
    # the original interval (parallel trends): e=0 ± z·SE from the event study (normal, as R)
    e0 = medicaid.event.set_index("term").loc["e=0"]
    assert (h.ci_lower, h.ci_upper) == pytest.approx(
        (e0.estimate - 1.959964 * e0.std_error, e0.estimate + 1.959964 * e0.std_error), rel=1e-6
    )


def test_average_target_and_other_methods(medicaid):
    avg = honest_did(medicaid, target="average", m=[0.0])
    assert avg.estimate == pytest.approx(medicaid.event.estimate.iloc[-2:].mean())
    same = honest_did(medicaid, target=[0.5, 0.5], m=[0.0])
    assert same.robust.equals(avg.robust)
    clf = honest_did(medicaid, restriction="smoothness", method="C-LF", m=[0.01])
    flci = honest_did(medicaid, restriction="smoothness", m=[0.01])
    assert clf.robust.ci_lower.iloc[0] < clf.estimate < clf.robust.ci_upper.iloc[0]
    assert abs(clf.robust.ci_lower.iloc[0] - flci.robust.ci_lower.iloc[0]) < 0.005


def test_works_on_every_event_study_result():
    df = _example_panel()
    kw = {"outcome": "y", "unit": "unit", "time": "time", "cohort": "cohort"}
    stag = staggered_did(df, base_period="universal", **kw).aggregate("dynamic")
    h = honest_did(stag, m=[1.0])
    assert h.n_pre == 4 and h.n_post == 4 and h.source == "staggered_did_dynamic"
    varying = honest_did(staggered_did(df, **kw).aggregate("dynamic"), m=[1.0])
    assert "varying_base_period" in {d.code for d in varying.diagnostics}
    from innolab_analysis.estimators.event_study import event_study
    from innolab_analysis.estimators.imputation import imputation_did

    es = event_study(df, leads=3, lags=3, **kw)
    assert honest_did(es, estimator="twfe", m=[1.0]).source == "event_study (twfe)"
    imp = honest_did(imputation_did(df, **kw), m=[1.0])
    assert imp.n_pre == 4
    with pytest.raises(EstimationError, match="expected an event-study result"):
        honest_did(df)
    with pytest.raises(ParamsError, match="target 'e=9' is not a post-period event time"):
        honest_did(stag, target="e=9")
    with pytest.raises(
        ParamsError,
        match=r"level must be a number strictly between 0 and 1, got 2; did you mean 0.95\?",
    ):
        honest_did(stag, level=2)


def test_too_many_post_periods_is_an_estimation_error_with_the_fix():
    """Twenty-one post periods make the conditional test's vertex enumeration explode:
    refused as an EstimationError that names the way out, not a bare ValueError."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    rows = [
        (u, t, 10 if u < 20 else 0, rng.normal() + (1.0 if u < 20 and t >= 10 else 0.0))
        for u in range(40)
        for t in range(1, 31)
    ]
    df = pd.DataFrame(rows, columns=["u", "t", "g", "y"])
    result = sun_abraham(df, outcome="y", unit="u", time="t", cohort="g")
    with pytest.raises(EstimationError, match="fewer post-period event times") as err:
        honest_did(result, restriction="smoothness", method="C-LF", m=[0.01])
    assert "method='FLCI'" in str(err.value)
    flci = honest_did(result, restriction="smoothness", m=[0.01])  # the named way out works
    assert np.isfinite(flci.summary()[["ci_lower", "ci_upper"]].to_numpy()).all()
