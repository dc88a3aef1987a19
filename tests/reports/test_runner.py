"""The runner: every study notebook on the demo, failures, atomic publishing, incremental runs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from innolab_analysis.reports.params import COMPARISON_NOTEBOOKS, NOTEBOOK_MODELS
from innolab_analysis.reports.runner import exit_code, run_study

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


# city_comparison runs from a comparison file: tests/studies/test_synthesis_comparison.py
@pytest.mark.parametrize("notebook", [n for n in NOTEBOOK_MODELS if n not in COMPARISON_NOTEBOOKS])
def test_every_notebook_runs_on_the_demo(published, notebook, self_contained):
    out, runs, _ = published
    run = runs[notebook]
    assert run.status == "ok", run.error
    html = Path(run.report).read_text(encoding="utf-8")
    page = self_contained(html)
    assert len(page.toc) >= 3  # parameters, at least one section, provenance
    prov = json.loads((out / "test_demo" / f"{notebook}.json").read_text())
    assert prov["notebook"] == notebook and prov["study"] == "test_demo"
    assert prov["params"]["output_dir"] == str(out / "test_demo")
    assert len(prov["key"]) == 64 and prov["git"]["commit"]


def test_service_quality_report_and_effects(published, demo_dir):
    """The notebook receives the parameters: yearly IKM, city-wide, equal to skm_index direct."""
    from innolab_analysis.data.study import load_study
    from innolab_analysis.metrics.skm import skm_index

    out, runs, _ = published
    html = Path(runs["service_quality"].report).read_text(encoding="utf-8")
    assert html.count("<img ") >= 2 and 'lang="en"' in html
    assert '<h2 id="toc-title">Contents</h2>' in html and "City-wide IKM by period" in html
    effects = pd.read_csv(
        out / "test_demo" / "effects" / "service_quality.csv", dtype={"term": str}
    )
    assert effects["term"].tolist() == [str(y) for y in range(2024, 2014, -1)]  # frequency: year
    responses = load_study(demo_dir).skm_responses
    in_2024 = responses.loc[responses["survey_date"].dt.year == 2024]
    direct = skm_index(in_2024, standard="2017")
    assert effects.loc[0, "estimate"] == pytest.approx(float(direct["ikm"].iloc[0]), abs=1e-9)
    assert effects.loc[0, "n_obs"] == len(in_2024)
    # provenance hashes every input file of the demo
    prov = json.loads((out / "test_demo" / "service_quality.json").read_text())
    shipped = sorted(
        p.name for p in demo_dir.iterdir() if p.is_file() and not p.name.startswith(".")
    )
    assert sorted(prov["inputs"]) == shipped
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "test_demo/service_quality.html" in index
    assert '<span class="status ok">Up to date</span>' in index


def test_failure_is_atomic_and_reruns_are_incremental(tmp_path, tiny_setup, self_contained):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    study = out / "tiny"
    ok_params = make_params(tmp_path / "ok", bootstrap=1)

    (first,) = run_study(ok_params, out=out, notebooks_dir=nb_dir)
    assert first.status == "ok", first.error
    assert first.headline == ("ikm 2024: 81.00 [79.04, 82.96]",)
    html_before = (study / "service_quality.html").read_bytes()
    json_before = (study / "service_quality.json").read_bytes()
    effects_before = (study / "effects" / "service_quality.csv").read_bytes()
    page = self_contained(html_before.decode())
    assert page.images and page.images[0]["alt"] == "Figure 1: Figure"

    # unchanged notebook, parameters and inputs: skipped, nothing rewritten
    (again,) = run_study(ok_params, out=out, notebooks_dir=nb_dir)
    assert again.status == "skipped"
    assert (study / "service_quality.html").read_bytes() == html_before

    # a failing run keeps the previous good report byte-identical and marks the index
    failing = make_params(tmp_path / "failing", bootstrap=5, standard="2004")
    (failed,) = run_study(failing, out=out, notebooks_dir=nb_dir)
    assert failed.status == "failed" and failed.exit_code == 1
    debug = study / "_executed" / "service_quality.ipynb"
    assert failed.error == (
        "service_quality failed in cell [3]: ZeroDivisionError: planted failure — see "
        f"{debug.relative_to(tmp_path)}"
    )
    assert (study / "service_quality.html").read_bytes() == html_before
    assert (study / "service_quality.json").read_bytes() == json_before
    assert (study / "effects" / "service_quality.csv").read_bytes() == effects_before
    assert "papermill-error-cell" in debug.read_text()  # papermill's red banner
    log = Path(failed.log_file).read_text()
    assert "PapermillExecutionError" in log and "ZeroDivisionError: planted failure" in log
    index = (out / "index.html").read_text()
    assert '<span class="status failed">Failed</span>' in index
    assert 'href="tiny/service_quality.html"' in index  # the previous good report stays linked
    assert not [p for p in study.rglob("*.tmp")]

    # bad data inside the notebook: exit code 2
    bad_data = make_params(tmp_path / "bad_data", standard="2014")
    (data_error,) = run_study(bad_data, out=out, notebooks_dir=nb_dir)
    assert data_error.exit_code == 2 and exit_code([first, data_error]) == 2
    assert data_error.error.startswith(
        "service_quality failed in cell [3]: DataValidationError: 1 problem(s) in the input "
        "data: planted bad data: column 'u1' holds text — see "
    )

    # back to the good parameters: the key matches the last good report, so --force is needed
    (skipped,) = run_study(ok_params, out=out, notebooks_dir=nb_dir)
    assert skipped.status == "skipped"
    (forced,) = run_study(ok_params, out=out, notebooks_dir=nb_dir, force=True)
    assert forced.status == "ok"
    assert (
        json.loads((study / "service_quality.json").read_text())["key"]
        == json.loads(json_before)["key"]
    )
    assert '<span class="status ok">Up to date</span>' in (out / "index.html").read_text()
    executed = nbformat.read(debug, as_version=4)
    assert executed.metadata.papermill.parameters["output_dir"] == str(study)


def test_dead_kernel_is_one_line_and_keeps_the_last_good_report(tmp_path, tiny_setup):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    (good,) = run_study(make_params(tmp_path / "ok", bootstrap=1), out=out, notebooks_dir=nb_dir)
    assert good.status == "ok", good.error
    html_before = (out / "tiny" / "service_quality.html").read_bytes()
    (dead,) = run_study(make_params(tmp_path / "dead", bootstrap=13), out=out, notebooks_dir=nb_dir)
    assert dead.status == "failed" and dead.exit_code == 1
    assert dead.error.startswith(
        "service_quality failed: the kernel died (out of memory or killed)"
    )
    assert "\n" not in dead.error
    assert (out / "tiny" / "service_quality.html").read_bytes() == html_before
    assert "DeadKernelError" in Path(dead.log_file).read_text()


def test_kernel_is_quiet(tmp_path, tiny_setup, capfd):
    """No TCP-encryption, frozen-modules or progress-bar noise on the console."""
    nb_dir, _, make_params = tiny_setup
    (run,) = run_study(make_params(tmp_path, bootstrap=2), out=tmp_path / "r", notebooks_dir=nb_dir)
    assert run.status == "ok", run.error
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
