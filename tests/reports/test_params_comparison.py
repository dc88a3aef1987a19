"""Comparison parameter files (kind: comparison): validated like any other, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from innolab_analysis.errors import ParamsError
from innolab_analysis.reports.comparison import ComparisonConfig
from innolab_analysis.reports.params import load_params

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path, monkeypatch, write_tiny_tables):
    """Two tiny study files and their data folders; the working directory (short paths)."""
    for city in ("kota_a", "kota_b"):
        data = tmp_path / "data" / city
        data.mkdir(parents=True)
        write_tiny_tables(data, ("agencies", "skm_responses", "innovations"))
        (tmp_path / f"{city}.yaml").write_text(
            f"study: {city}\ndata_dir: data/{city}\nnotebooks:\n  service_quality: {{}}\n"
        )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def message(path: Path) -> str:
    with pytest.raises(ParamsError) as info:
        load_params(path)
    return str(info.value)


def test_a_valid_comparison_is_a_study_config_with_one_notebook(folder):
    (folder / "results" / "kota_c" / "effects").mkdir(parents=True)
    path = folder / "cmp.yaml"
    path.write_text(
        "kind: comparison\nstudy: cmp\ntitle: Dua kota\nlanguage: en\nstudies:\n"
        "  - kota_a.yaml\n  - kota_b.yaml\n"
        "  - {results: results/kota_c, data_dir: data/kota_a}\n"
        "notebooks:\n  city_comparison: {pool_method: DL, n_draws: 500}\n"
    )
    cfg = load_params(path)
    assert isinstance(cfg, ComparisonConfig)
    assert (cfg.study, cfg.title, cfg.language) == ("cmp", "Dua kota", "en")
    assert cfg.studies == ("kota_a", "kota_b", "kota_c")
    assert list(cfg.notebooks) == ["city_comparison"]
    params = cfg.notebook_parameters("city_comparison", folder / "reports" / "cmp")
    assert params["studies"] == ["kota_a", "kota_b", "kota_c"]
    assert params["data_dirs"] == [
        str(folder / "data" / "kota_a"),
        str(folder / "data" / "kota_b"),
        str(folder / "data" / "kota_a"),
    ]
    assert params["results_dirs"] == ["", "", str(folder / "results" / "kota_c")]
    assert (params["pool_method"], params["n_draws"], params["language"]) == ("DL", 500, "en")
    assert params["study_id"] == "cmp"
    # before a kernel starts: the studies that have not run are named
    missing = [str(p) for p in cfg.missing_results(folder / "reports")]
    assert missing == [
        "cmp.yaml, column 'studies': study 'kota_a' has no results in reports/kota_a/effects; "
        "run it first (innolab run kota_a.yaml) or list its results folder",
        "cmp.yaml, column 'studies': study 'kota_b' has no results in reports/kota_b/effects; "
        "run it first (innolab run kota_b.yaml) or list its results folder",
        "cmp.yaml, column 'studies': study 'kota_c' has no results in results/kota_c/effects; "
        "run it first (innolab run results/kota_c) or list its results folder",
    ]


def test_every_problem_with_its_line_and_did_you_mean(folder):
    path = folder / "cmp.yaml"
    path.write_text(
        "kind: comparison\n"
        "study: kota_a\n"
        "langauge: id\n"
        "data_dir: data/kota_a\n"
        "studies:\n"
        "  - kota_a.yaml\n"
        "  - missing.yaml\n"
        "  - {results: nowhere, data_dir: data/kota_b, colour: red}\n"
        "  - kota_a.yaml\n"
        "notebooks:\n"
        "  city_comparison: {pool_metod: REML, studies: [x], knapp_hartung: yes}\n"
        "  service_quality: {}\n"
    )
    assert message(path) == (
        "11 problem(s) in the parameters:\n"
        "  - cmp.yaml:2, column 'study': the comparison's own id 'kota_a' is also a compared "
        "study; give it its own id\n"
        "  - cmp.yaml:3, column 'langauge': unknown key 'langauge' in a comparison file; did you "
        "mean 'language'?\n"
        "  - cmp.yaml:4, column 'data_dir': unknown key 'data_dir' in a comparison file; a "
        "comparison reads the data folders of the studies it lists\n"
        f"  - cmp.yaml:7, column 'studies[1]': study parameter file 'missing.yaml' does not "
        f"exist (resolved to {folder / 'missing.yaml'}); paths are relative to this file\n"
        "  - cmp.yaml:8, column 'studies[2].colour': unknown key 'colour'; known keys: results, "
        "data_dir\n"
        f"  - cmp.yaml:8, column 'studies[2].results': results 'nowhere' does not exist "
        f"(resolved to {folder / 'nowhere'}); paths are relative to this file\n"
        "  - cmp.yaml:9, column 'studies[3]': study 'kota_a' is listed twice; list each study "
        "once\n"
        "  - cmp.yaml:11, column 'notebooks.city_comparison.studies': 'studies' is set from the "
        "file's 'studies' list; remove it\n"
        "  - cmp.yaml:11, column 'notebooks.city_comparison.pool_metod': unknown parameter "
        "'pool_metod' for notebook 'city_comparison'; did you mean 'pool_method'?\n"
        "  - cmp.yaml:11, column 'notebooks.city_comparison.knapp_hartung': must be true or "
        "false, got 'yes' (text); write true or false\n"
        "  - cmp.yaml:12, column 'notebooks.service_quality': a comparison file runs only the "
        "notebook 'city_comparison', got 'service_quality'; run the studies' own notebooks from "
        "their parameter files"
    )


def test_a_study_file_cannot_run_the_comparison_notebook_and_kind_is_checked(folder):
    path = folder / "s.yaml"
    path.write_text(
        "kind: comparsion\nstudy: s\ndata_dir: data/kota_a\nnotebooks:\n  city_comparison: {}\n"
    )
    assert message(path) == (
        "2 problem(s) in the parameters:\n"
        "  - s.yaml:1, column 'kind': must be one of 'study', 'comparison', got 'comparsion' "
        "(text)\n"
        "  - s.yaml:5, column 'notebooks.city_comparison': notebook 'city_comparison' compares "
        "several studies: it runs from a file of its own with 'kind: comparison' and a "
        "'studies' list (see params/comparison_demo.yaml)"
    )


def test_a_comparison_needs_two_studies(folder):
    path = folder / "c.yaml"
    path.write_text("kind: comparison\nstudies: [kota_a.yaml]\n")
    assert message(path) == (
        "2 problem(s) in the parameters:\n"
        "  - c.yaml: 'study' is missing: id of the comparison (its output folder)\n"
        "  - c.yaml:2, column 'studies': 'studies' must list at least two studies: their "
        "parameter files (relative to this file) or {results: <folder>, data_dir: <folder>}"
    )


def test_the_shipped_comparison_validates():
    cfg = load_params(REPO / "params" / "comparison_demo.yaml", notebooks_dir=REPO / "notebooks")
    assert cfg.studies == ("mojokerto", "pasuruan_demo")
    assert cfg.notebooks["city_comparison"].data_dirs == [
        str(REPO / "data" / "demo"),
        str(REPO / "data" / "demo_pasuruan"),
    ]
