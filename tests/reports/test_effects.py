"""Effect rows recorded by one notebook and collected by another."""

from __future__ import annotations

import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError
from innolab_analysis.estimators._result import EFFECT_COLUMNS
from innolab_analysis.studies.effects import collect_effects, record_effects


def rows(study="s", estimate=1.5):
    return pd.DataFrame(
        [
            {
                "study": study,
                "level": "agency",
                "unit": "all",
                "outcome": "ikm",
                "term": "att",
                "estimate": estimate,
                "std_error": 0.5,
                "ci_lower": 0.52,
                "ci_upper": 2.48,
                "p_value": 0.003,
                "n_obs": 40,
                "method": "staggered_did",
                "se_type": "CR1",
            }
        ]
    )


def test_record_then_collect_round_trip(tmp_path):
    original = rows()
    before = original.copy()
    path = record_effects(original, tmp_path / "mojokerto", notebook="innovation_impact")
    assert path == tmp_path / "mojokerto" / "effects" / "innovation_impact.csv"
    pd.testing.assert_frame_equal(original, before)  # caller's frame untouched
    record_effects(rows("t", 2.0), tmp_path / "other", notebook="city_spillover")
    got = collect_effects(tmp_path)
    assert got.columns.tolist() == ["run", "notebook", *EFFECT_COLUMNS]
    assert got[["run", "notebook", "study", "estimate"]].to_numpy().tolist() == [
        ["mojokerto", "innovation_impact", "s", 1.5],
        ["other", "city_spillover", "t", 2.0],
    ]
    assert not list((tmp_path / "mojokerto" / "effects").glob("*.tmp"))


def test_record_rejects_bad_columns_with_every_problem(tmp_path):
    bad = rows().drop(columns=["se_type", "term"]).assign(extra=1, estimate="high")
    with pytest.raises(DataValidationError) as info:
        record_effects(bad, tmp_path, notebook="nb")
    assert str(info.value) == (
        "3 problem(s) in the effect rows:\n"
        "  - nb.csv: missing effect column(s) term, se_type; build the rows with "
        "EffectResult.effect_rows(study=..., unit=..., level=...); allowed: "
        + ", ".join(EFFECT_COLUMNS)
        + "\n"
        "  - nb.csv: unexpected effect column(s) extra; keep only the effect columns; allowed: "
        + ", ".join(EFFECT_COLUMNS)
        + "\n"
        "  - nb.csv, column 'estimate': must hold numbers [row 2 ('high')]"
    )
    assert not (tmp_path / "effects" / "nb.csv").exists()


def test_collect_empty_and_corrupt(tmp_path):
    assert collect_effects(tmp_path).empty
    (tmp_path / "s" / "effects").mkdir(parents=True)
    (tmp_path / "s" / "effects" / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataValidationError, match="missing effect column"):
        collect_effects(tmp_path)
