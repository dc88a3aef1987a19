from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.synthesis import (
    check_effects,
    comparative_synthesis,
    forest_plot,
    pool_effects,
    rank_units,
    reconcile_designs,
)


def _rows(specs):
    """specs: (unit, method, estimate, se)."""
    out = []
    for unit, method, est, se in specs:
        out.append(
            dict(
                zip(
                    EFFECT_COLUMNS,
                    [
                        "demo",
                        "agency",
                        unit,
                        "ikm",
                        "att",
                        est,
                        se,
                        est - 1.96 * se,
                        est + 1.96 * se,
                        0.01,
                        100,
                        method,
                        "CR1",
                    ],
                )
            )
        )
    return pd.DataFrame(out)


def test_fixed_effect_pooling_is_the_inverse_variance_mean():
    # weights 1/1 and 1/4: (1*1 + 3*0.25) / 1.25 = 1.4 ; se = sqrt(1/1.25)
    pooled = pool_effects(_rows([("a", "did", 1.0, 1.0), ("b", "did", 3.0, 2.0)]), model="fixed")
    assert pooled.estimate == pytest.approx(1.4)
    assert pooled.std_error == pytest.approx(math.sqrt(1 / 1.25))
    assert pooled.tau2 == 0.0


def test_dersimonian_laird_by_hand():
    # y = 1, 3, 5 with se 1: fixed mean 3, Q = 4 + 0 + 4 = 8, c = 3 - 3/3 = 2,
    # tau2 = (8 - 2) / 2 = 3, weights 1/4 each -> estimate 3, se = sqrt(4/3), I2 = 6/8.
    pooled = pool_effects(
        _rows([("a", "did", 1.0, 1.0), ("b", "did", 3.0, 1.0), ("c", "did", 5.0, 1.0)])
    )
    assert pooled.q == pytest.approx(8.0)
    assert pooled.tau2 == pytest.approx(3.0)
    assert pooled.estimate == pytest.approx(3.0)
    assert pooled.std_error == pytest.approx(math.sqrt(4 / 3))
    assert pooled.i2 == pytest.approx(0.75)
    assert pooled.k == 3


def test_rank_interval_is_wide_when_effects_are_uncertain():
    precise = rank_units(
        _rows([("a", "did", 3.0, 0.01), ("b", "did", 2.0, 0.01), ("c", "did", 1.0, 0.01)])
    )
    assert precise["unit"].tolist() == ["a", "b", "c"]
    assert precise["rank_lower"].tolist() == [1, 2, 3]
    assert precise["rank_upper"].tolist() == [1, 2, 3]
    assert precise["p_best"].tolist() == [1.0, 0.0, 0.0]
    noisy = rank_units(
        _rows([("a", "did", 3.0, 5.0), ("b", "did", 2.0, 5.0), ("c", "did", 1.0, 5.0)])
    )
    assert noisy.loc[0, "unit"] == "a"
    assert noisy.loc[0, "rank_lower"] == 1 and noisy.loc[0, "rank_upper"] == 3
    assert 0.33 < noisy.loc[0, "p_best"] < 0.6
    assert np.isclose(noisy["p_best"].sum(), 1.0)


def test_rank_units_refuses_duplicate_units():
    with pytest.raises(DataValidationError) as err:
        rank_units(_rows([("a", "did", 3.0, 1.0), ("a", "twfe", 2.0, 1.0)]))
    assert str(err.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'unit': has more than one row for ['a']; keep one effect per unit"
    )


def test_reconcile_flags_disagreeing_designs_with_the_reason():
    rec = reconcile_designs(
        _rows([("a", "staggered_did", 4.0, 0.5), ("a", "twfe", -1.0, 0.5), ("b", "twfe", 1.0, 1.0)])
    )
    assert len(rec) == 1  # unit b has only one design
    row = rec.iloc[0]
    assert row["difference"] == pytest.approx(5.0)
    assert row["z"] == pytest.approx(5.0 / math.hypot(0.5, 0.5))
    assert not row["intervals_overlap"]
    assert row["disagree"]
    assert "forbidden comparisons" in row["reason"]
    rec_id = reconcile_designs(
        _rows([("a", "staggered_did", 4.0, 0.5), ("a", "twfe", 3.9, 0.5)]), language="id"
    )
    assert not rec_id.iloc[0]["disagree"]
    assert "perbandingan terlarang" in rec_id.iloc[0]["reason"]


def test_check_effects_lists_missing_columns():
    with pytest.raises(DataValidationError) as err:
        check_effects(pd.DataFrame({"estimate": [1.0]}))
    assert "effect rows lack the columns ['study', 'level', 'unit', 'outcome', 'term'" in str(
        err.value
    )


def test_forest_plot_returns_axes_with_one_tick_per_row_and_pooled():
    eff = _rows([("a", "did", 0.5, 0.5), ("b", "did", 3.0, 0.5)])
    ax = forest_plot(eff, pooled=pool_effects(eff), language="id")
    ax.figure.canvas.draw()  # render: a bad colour spec only fails here
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["a · did", "b · did", "Gabungan (efek acak)"]
    assert len(ax.lines) >= 2  # the two markers (significant and not) were drawn


def _study_rows():
    rows = _rows(
        [
            ("all", "staggered_did", 3.0, 0.4),
            ("all", "twfe", 1.0, 0.3),
            ("a1", "did_imputation", 4.0, 1.0),
            ("a2", "did_imputation", 2.0, 1.0),
            ("a3", "did_imputation", 3.0, 1.0),
        ]
    )
    rows.insert(0, "notebook", "innovation_impact")
    rows.insert(0, "run", "mojokerto")
    level = rows[rows["unit"] == "all"].assign(method="skm_index", ci_lower=float("nan"))
    return pd.concat([rows, level], ignore_index=True)


def test_comparative_synthesis_bundles_designs_ranking_pooling_and_reconciliation():
    syn = comparative_synthesis(_study_rows(), source="reports")
    assert syn.studies == ("mojokerto / innovation_impact",)
    # the descriptive skm_index rows have no interval and are left out
    assert "skm_index" not in set(syn.headline["method"])
    assert syn.designs["method"].tolist() == ["staggered_did", "twfe"]
    assert syn.ranking["unit"].tolist() == ["a1", "a3", "a2"]
    # fixed-effect mean of 4, 2, 3 with equal SEs is 3; Q = 2 < k - 1 = 2 -> tau2 = 0
    assert syn.pooled.estimate == pytest.approx(3.0)
    assert syn.pooled.tau2 == 0.0
    rec = syn.reconciliation
    assert rec[["design_a", "design_b"]].values.tolist() == [["staggered_did", "twfe"]]
    assert bool(rec["disagree"].iloc[0])
    en = syn.markdown("studies", "en")
    assert "5 estimates from 1 study" in en and "**Only one study has run**" in en
    assert "- staggered_did (ikm, all): 3.00 [" in syn.markdown("designs", "en")
    assert "Peringkat pertama **a1** (4,00)" in syn.markdown("ranking", "id")
    assert (
        "1 pairs of designs estimate the same outcome for the same unit; 1 of them disagree."
        in (syn.markdown("reconciliation", "en"))
    )
    ax = syn.plot_agencies(language="en")
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Pooled (random effects)"


def test_comparative_synthesis_with_no_rows_says_so():
    empty = pd.DataFrame(columns=["run", "notebook", *EFFECT_COLUMNS])
    syn = comparative_synthesis(empty, source="/x/reports")
    assert syn.ranking is None and syn.pooled is None
    assert syn.markdown("studies", "id").endswith(
        "Belum ada baris efek di `/x/reports`: jalankan dulu notebook studi (mis. dampak inovasi)."
    )
    assert syn.markdown("ranking", "en").endswith("No agency-level effects to rank yet.")
