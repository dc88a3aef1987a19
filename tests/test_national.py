"""The national-size generator at tiny scale: layout, data model, determinism, planted truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from innolab_analysis.data.tables import TABLES
from innolab_analysis.demo.national import _expected_answer, main, write_national_study
from innolab_analysis.errors import InnolabError


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    truth = write_national_study(out, scale=0.1, n_kabkota=3, years=(2019, 2021), block=2)
    return out, truth


def test_layout_is_hive_partitioned_by_year_with_int8_answers(tiny):
    out, truth = tiny
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    # 3 years x 2 blocks of kabupaten/kota (block=2 for 3 kab/kota)
    assert files == [
        f"skm_responses/year={y}/part-{b:03d}.parquet" for y in (2019, 2020, 2021) for b in (0, 1)
    ]
    schema = pq.read_schema(out / files[0])
    for i in range(1, 10):
        assert str(schema.field(f"u{i}").type) == "int8"
    required = [c.name for c in TABLES["skm_responses"].columns if c.required]
    assert [n for n in schema.names if n in required] == required
    table = ds.dataset(out / "skm_responses", partitioning="hive").to_table()
    assert table.num_rows == truth["n_responses"]
    df = table.to_pandas()
    assert df["respondent_id"].is_unique
    # every response lies in the year of its partition
    assert (pd.to_datetime(df["survey_date"]).dt.year == df["year"].astype(int)).all()
    answers = df[[f"u{i}" for i in range(1, 10)]]
    assert set(np.unique(answers.stack().dropna().to_numpy())) <= {1, 2, 3, 4}
    blank = answers.isna().to_numpy().mean()
    assert 0.01 < blank < 0.03  # 2 % blanks planted


def test_units_and_innovations_follow_the_data_model(tiny):
    out, truth = tiny
    agencies = pd.read_csv(out / "agencies.csv")
    innovations = pd.read_csv(out / "innovations.csv")
    assert agencies.columns.tolist() == [c.name for c in TABLES["agencies"].columns if c.required]
    assert len(agencies) == truth["n_units"] and agencies["agency_id"].is_unique
    per_kab = agencies["agency_id"].str.slice(0, 4).value_counts()
    assert len(per_kab) == 3 and per_kab.between(25, 35).all()
    assert set(agencies["kind"]) <= set(TABLES["agencies"].column("kind").allowed)
    assert len(innovations) == truth["n_innovations"]
    assert set(innovations["agency_id"]) <= set(agencies["agency_id"])
    launched = pd.to_datetime(innovations["launched_on"])
    assert (pd.to_datetime(innovations["trial_on"]) < launched).all()


def test_same_seed_same_data_other_seed_other_data(tiny, tmp_path):
    out, truth = tiny
    again = write_national_study(
        tmp_path / "a", scale=0.1, n_kabkota=3, years=(2019, 2021), block=2
    )
    assert again == truth
    first = pq.read_table(out / "skm_responses/year=2020/part-001.parquet")
    second = pq.read_table(tmp_path / "a/skm_responses/year=2020/part-001.parquet")
    assert first.equals(second)
    other = write_national_study(
        tmp_path / "b", scale=0.1, n_kabkota=3, years=(2019, 2021), block=2, seed=1
    )
    assert other["n_responses"] != truth["n_responses"]


def test_expected_answer_hand_values():
    # symmetric around 2.5: the clipped rounded score has mean exactly 2.5
    assert _expected_answer(np.array([2.5]))[0] == pytest.approx(2.5, abs=1e-15)
    # far above the top category: always 4; far below: always 1
    np.testing.assert_allclose(_expected_answer(np.array([20.0, -20.0])), [4.0, 1.0])
    # mu = 3: 1 + Phi(1.5/.7) + Phi(.5/.7) + Phi(-.5/.7)
    from math import erf, sqrt

    def phi(z: float) -> float:
        return 0.5 * (1 + erf(z / sqrt(2)))

    hand = 1 + phi(1.5 / 0.7) + phi(0.5 / 0.7) + phi(-0.5 / 0.7)
    assert _expected_answer(np.array([3.0]))[0] == pytest.approx(hand, rel=1e-14)


def test_planted_effect_is_recovered_by_the_pooled_treated_vs_expected_gap(tmp_path):
    """Mean IKM of treated unit-semesters minus their untreated counterfactual ≈ att_ikm.

    With ``effect_latent=0`` the same seed gives the untreated counterfactual
    of every response (the answers' random draws do not depend on the effect),
    so the gap between the two runs is the realised effect on treated cells.
    """
    from innolab_analysis.metrics.scale import ikm_panel
    from innolab_analysis.studies.panel import period_start

    kw = {"scale": 0.5, "n_kabkota": 2, "years": (2019, 2020), "block": 2}
    truth = write_national_study(tmp_path / "t", effect_latent=0.3, **kw)
    write_national_study(tmp_path / "c", effect_latent=0.0, **kw)
    treated = ikm_panel(tmp_path / "t/skm_responses")
    control = ikm_panel(tmp_path / "c/skm_responses")
    assert treated[["agency_id", "period"]].equals(control[["agency_id", "period"]])
    gap = treated["ikm"].to_numpy() - control["ikm"].to_numpy()
    innovations = pd.read_csv(tmp_path / "t/innovations.csv")
    launch = period_start(pd.to_datetime(innovations.groupby("agency_id")["launched_on"].min()))
    first = treated["agency_id"].map(launch)
    is_treated = (first.notna() & (first <= treated["period"])).to_numpy()
    assert is_treated.sum() > 20 and (~is_treated).sum() > 20
    np.testing.assert_array_equal(gap[~is_treated], 0.0)  # untreated cells: untouched
    assert (gap[is_treated] >= 0).all()  # a latent shift up never lowers an answer
    assert gap[is_treated].mean() == pytest.approx(truth["att_ikm"], rel=0.1)


def test_bad_arguments_are_reported_together(tmp_path):
    with pytest.raises(InnolabError) as err:
        write_national_study(tmp_path, scale=0, n_kabkota=600, seed=-1)
    assert str(err.value) == (
        "scale must be a number between 0.001 and 10, got 0; "
        "n_kabkota must be an integer between 1 and 514, got 600; "
        "seed must be a non-negative integer, got -1"
    )


def test_command_line_writes_the_study(tmp_path, capsys):
    assert main([str(tmp_path), "--scale", "0.05", "--kabkota", "1", "--first-year", "2024"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert capsys.readouterr().out == (
        f"wrote {truth['n_responses']:,} SKM responses of {truth['n_units']:,} units "
        f"in 1 kabupaten/kota to {tmp_path}\n"
    )
    assert truth["years"] == [2024, 2024]
