"""Readiness index: the shipped rubric (ours, not LAN's), hand-computed indices, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError
from innolab_analysis.metrics.readiness import load_rubric, readiness_index

DIMS = [
    "leadership_commitment",
    "human_resources",
    "budget",
    "digital_infrastructure",
    "collaboration",
    "culture",
]
COLS = ["agency_id", "assessed_on", "dimension", "indicator", "score"]


def test_default_rubric_is_ours_with_leadership_weighted_highest():
    r = load_rubric()
    assert r.dimension_names == tuple(DIMS)
    assert (r.scale_min, r.scale_max) == (1.0, 5.0)
    weights = {d.name: d.weight for d in r.dimensions}
    assert weights["leadership_commitment"] == 0.25
    assert max(weights, key=weights.get) == "leadership_commitment"
    assert sum(weights.values()) == pytest.approx(1.0)
    assert "not LAN" in r.source
    assert r.leadership_threshold == 50.0


def test_index_by_hand():
    rows = [("a", "2018-04-02", d, None, s) for d, s in zip(DIMS, [5, 3, 1, 4, 2, 3])]
    # b: leadership from three indicators, one rated by two assessors (3 and 5 -> 75)
    rows += [
        ("b", "2018-04-02", "leadership_commitment", "vision", 2),
        ("b", "2018-04-02", "leadership_commitment", "resourcing", 2),
        ("b", "2018-04-02", "leadership_commitment", "involvement", 3),
        ("b", "2018-04-02", "leadership_commitment", "involvement", 5),
    ]
    rows += [("b", "2018-04-02", d, None, 5) for d in DIMS[1:]]
    rows += [("c", "2019-01-10", d, None, 4) for d in DIMS[:-1]]  # culture not assessed
    df = pd.DataFrame(rows, columns=COLS)
    before = df.copy()
    out = readiness_index(df)
    pd.testing.assert_frame_equal(df, before)
    assert out["agency_id"].tolist() == ["a", "b", "c"]
    # a: 0.25 x 100 + 0.15 x (50 + 0 + 75 + 25 + 50) = 55
    assert out.loc[0, "readiness_index"] == pytest.approx(55.0)
    assert out.loc[0, DIMS].tolist() == [100.0, 50.0, 0.0, 75.0, 25.0, 50.0]
    # b: leadership = mean(25, 25, 75) = 41.67 -> flagged; index = 0.25 x 41.67 + 0.75 x 100
    assert out.loc[1, "leadership_commitment"] == pytest.approx(125 / 3)
    assert out.loc[1, "readiness_index"] == pytest.approx(0.25 * 125 / 3 + 75)
    assert out["low_leadership"].tolist()[:2] == [False, True]
    # c: no index, and a note saying why
    assert np.isnan(out.loc[2, "readiness_index"])
    assert out.loc[2, "note"] == "no index: dimension(s) not assessed: culture"
    assert out.loc[2, "leadership_commitment"] == 75.0


def test_errors_listed_at_once():
    df = pd.DataFrame(
        [
            ("a", "2018-04-02", "inovasi", None, 3),
            ("a", "2018-04-02", "budget", "gaji", 3),
            ("a", "2018-04-02", "culture", None, 6),
        ],
        columns=COLS,
    )
    with pytest.raises(DataValidationError) as e:
        readiness_index(df)
    assert str(e.value) == (
        "3 problem(s) in the readiness table:\n"
        "  - column 'dimension': 1 row(s) with a dimension the rubric 'innolab default readiness rubric' "
        "does not have [row 2 ('inovasi')]; allowed: " + ", ".join(DIMS) + "\n"
        "  - column 'indicator': 1 row(s) with an indicator not in the rubric for its dimension "
        "[row 3 ('budget/gaji')]; allowed: leadership_commitment: vision, resourcing, involvement; "
        "human_resources: capacity, team; budget: allocation, continuity; digital_infrastructure: "
        "equipment, integration; collaboration: network, replication; culture: openness, recognition\n"
        "  - column 'score': 1 score(s) outside the rubric's scale or not numbers [row 4 (6)]; allowed: 1-5"
    )


def test_custom_rubric_with_another_leadership_name(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "name: test\nscale: {min: 0, max: 10}\nleadership_dimension: pimpinan\nleadership_threshold: 60\n"
        "dimensions:\n  pimpinan: {weight: 3}\n  sdm: {weight: 1}\n",
        encoding="utf-8",
    )
    df = pd.DataFrame(
        [("a", "2020-01-01", "pimpinan", None, 5), ("a", "2020-01-01", "sdm", None, 10)],
        columns=COLS,
    )
    out = readiness_index(df, rubric=path)
    assert out.loc[0, "readiness_index"] == pytest.approx((3 * 50 + 100) / 4)
    assert out.loc[0, "leadership_commitment"] == 50.0
    assert bool(out.loc[0, "low_leadership"]) is True


def test_bad_rubric_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "scale: {min: 5, max: 1}\nleadership_dimension: boss\ndimensions:\n  a: {weight: -1}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as e:
        load_rubric(path)
    assert str(e.value) == (
        "3 problem(s) in the rubric:\n"
        f"  - {path}, column 'scale': scale.max (1.0) must exceed scale.min (5.0)\n"
        f"  - {path}, column 'dimensions.a.weight': dimensions.a.weight must be a positive number, got -1\n"
        f"  - {path}, column 'leadership_dimension': leadership_dimension 'boss' is not one of the "
        "dimensions; allowed: a"
    )
