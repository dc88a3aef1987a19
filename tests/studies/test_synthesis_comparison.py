"""The city comparison: several studies side by side, every unit keyed by (study, unit)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.metrics.skm import skm_index
from innolab_analysis.studies.comparison import CityComparison, city_comparison
from innolab_analysis.studies.synthesis.example import DEMO_DATA, _study, example_effects

REPO = Path(__file__).resolve().parents[2]
IDS = ("mojokerto", "pasuruan_demo")


@pytest.fixture(scope="module")
def comparison() -> CityComparison:
    return CityComparison._example()


def test_same_unit_code_in_two_cities_stays_two_units(comparison):
    t = comparison.effects.table
    rsud = t[t["unit"] == "rsud"].set_index("study")
    assert sorted(rsud.index) == list(IDS)
    assert rsud.loc["mojokerto", "label"] == "Rumah Sakit Umum Daerah (Kota Mojokerto)"
    assert rsud.loc["pasuruan_demo", "label"] == "RSUD dr. R. Soedarsono (Kota Pasuruan)"
    recorded = example_effects()
    recorded = recorded[(recorded["unit"] == "rsud") & (recorded["method"] == "did_imputation")]
    for study, value in zip(recorded["study"], recorded["estimate"]):
        assert rsud.loc[study, "estimate"] == pytest.approx(value)
    assert len(t) == 23 + 9 and t["label"].is_unique
    levels = comparison.levels.table
    assert len(levels) == 31 + 12 and set(levels["study"]) == set(IDS)


def test_city_ikm_is_the_city_wide_index_of_the_common_year(comparison):
    c = comparison.cities.set_index("study")
    assert set(c["year"]) == {2024}
    for study in IDS:
        skm = _study(study).skm_responses
        last = skm[skm["survey_date"].dt.year == 2024]
        expected = skm_index(last)["ikm"].iloc[0]
        assert c.loc[study, "ikm"] == pytest.approx(expected, abs=0.005)
        assert c.loc[study, "ikm_lower"] < c.loc[study, "ikm"] < c.loc[study, "ikm_upper"]
    assert c.loc["mojokerto", "city"] == "Kota Mojokerto"
    assert c.loc["pasuruan_demo", "n_units"] == 12


def test_the_smaller_planted_effects_of_the_second_city_are_found(comparison, repo_root):
    by_city = comparison.effects.by_group
    assert by_city["pasuruan_demo"].estimate < by_city["mojokerto"].estimate
    reg = comparison.effects.moderators["study"]
    diff = reg.terms.iloc[0]
    assert diff["term"] == "study=pasuruan_demo" and diff["ci_upper"] < 0
    truths = {
        s: json.loads((DEMO_DATA[s] / "truth.json").read_text("utf-8"))["agency_effects"]
        for s in IDS
    }
    planted = {s: sum(v["ikm_full_effect"] for v in t.values()) / len(t) for s, t in truths.items()}
    gap = planted["pasuruan_demo"] - planted["mojokerto"]
    assert gap < 0  # 0.6 times the effects: Pasuruan's units gain less
    text = comparison.markdown("cities", "en")
    assert "Compared with Kota Mojokerto, the effect of units in Kota Pasuruan differs by -" in text


@pytest.mark.parametrize("language", ["id", "en"])
def test_findings_and_sections_name_both_cities(comparison, language):
    found = comparison.findings(language)
    assert [f.key for f in found] == [
        "city_ikm", "city_effects", "city_difference", "ranking", "ikm_levels"
    ]  # fmt: skip
    assert "Kota Mojokerto" in found[0].text and "Kota Pasuruan" in found[0].text
    body = "\n".join(comparison.markdown(s, language) for s in comparison.SECTIONS)
    assert not re.search(r"\b(rsud|pasuruan_demo|mojokerto|nan|inf)\b", body)


def test_studies_not_compared_are_refused():
    with pytest.raises(DataValidationError) as err:
        city_comparison([_study("mojokerto"), _study("pasuruan_demo")], example_effects(),
                        study_ids=["mojokerto", "kota_batu"])  # fmt: skip
    assert "the effect rows hold studies not compared: pasuruan_demo" in str(err.value)
    with pytest.raises(DataValidationError, match="a comparison needs two or more studies"):
        city_comparison([_study("mojokerto")], example_effects("mojokerto"),
                        study_ids=["mojokerto"])  # fmt: skip


def test_a_comparison_whose_studies_have_not_run_starts_no_kernel(tmp_path):
    from innolab_analysis.reports.runner import run_study

    with pytest.raises(ParamsError) as err:
        run_study(REPO / "params" / "comparison_demo.yaml", out=tmp_path / "reports")
    text = str(err.value)
    assert "study 'mojokerto' has no results in" in text
    assert "study 'pasuruan_demo' has no results in" in text
    assert not (tmp_path / "reports" / "comparison_demo" / "city_comparison.html").exists()


def _params(tmp: Path) -> list[Path]:
    """Small study files for both demo cities and their comparison (fast settings)."""
    files = []
    for study, data in (("mojokerto", "demo"), ("pasuruan_demo", "demo_pasuruan")):
        body = {
            "study": study,
            "language": "en",
            "data_dir": str(REPO / "data" / data),
            "start_year": 2015,
            "end_year": 2024,
            "notebooks": {
                "innovation_impact": {"outcome": "ikm", "frequency": "year", "method": "reg",
                                      "n_boot": 99, "seed": 1, "mde": False},
                "comparative_synthesis": {"n_draws": 300},
            },
        }  # fmt: skip
        path = tmp / f"{study}.yaml"
        path.write_text(yaml.safe_dump(body, sort_keys=False))
        files.append(path)
    cmp = tmp / "cities.yaml"
    cmp.write_text(
        "kind: comparison\nstudy: cities\nlanguage: id\nstudies: [mojokerto.yaml, "
        "pasuruan_demo.yaml]\nnotebooks:\n  city_comparison: {n_draws: 300}\n"
    )
    return [cmp, *files]  # the comparison first: the command runs it after the studies


@pytest.mark.slow
def test_two_cities_in_one_reports_folder_each_get_their_own_synthesis(tmp_path):
    from innolab_analysis.cli import main

    out = tmp_path / "reports"
    assert main(["run", *map(str, _params(tmp_path)), "--out", str(out)]) == 0
    for study, k in (("mojokerto", 23), ("pasuruan_demo", 9)):
        prov = json.loads((out / study / "comparative_synthesis.json").read_text())
        inputs = sorted(prov["inputs"])
        assert [i for i in inputs if "effects/" in i] == ["effects/innovation_impact.csv"]
        html = (out / study / "comparative_synthesis.html").read_text(encoding="utf-8")
        other = "Pasuruan" if study == "mojokerto" else "Mojokerto"
        assert f"{k} units with an effect of their own" in html
        assert f"Kota {other}" not in html
    page = (out / "cities" / "city_comparison.html").read_text(encoding="utf-8")
    assert "Perbandingan ini menempatkan 2 studi berdampingan: Kota Mojokerto (31 unit, 23 " in page
    # both hospitals (unit id 'rsud' in both cities) are in the unit tables, by name and city
    for name, city in (("Rumah Sakit Umum Daerah Kota Mojokerto", "Kota Mojokerto"),
                       ("RSUD dr. R. Soedarsono Kota Pasuruan", "Kota Pasuruan")):  # fmt: skip
        assert re.search(rf"<td>{re.escape(name)}</td><td>{city}</td>", page), name
    assert not re.search(r"<td>rsud</td>", page)
    prov = json.loads((out / "cities" / "city_comparison.json").read_text())
    assert "pasuruan_demo/effects/innovation_impact.csv" in prov["inputs"]
    assert "mojokerto/effects/comparative_synthesis.csv" not in prov["inputs"]
