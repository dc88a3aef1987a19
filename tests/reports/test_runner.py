"""The runner on the real notebooks: every study notebook on the demo (fast cases: test_runner_tiny)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from innolab_analysis.reports.params import COMPARISON_NOTEBOOKS, NOTEBOOK_MODELS

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
    # the parameter file sits in a temporary folder: the notebook's path is shown without
    # spelling out where the repository lies ("…/notebooks/x.ipynb" when it climbs to the root)
    shown = prov["notebook_file"]
    assert shown.endswith(f"notebooks/{notebook}.ipynb") and not shown.startswith("/"), shown
    assert str(REPO) not in shown
    assert prov["params_file"] == "test_demo.yaml" and "output_dir" not in prov["params"]
    assert len(prov["key"]) == 64 and prov["git"]["commit"] and prov["run_id"]


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


def test_the_synthesis_read_what_this_run_published(published):
    out, runs, missing = published
    if "comparative_synthesis" in missing:
        pytest.skip(missing["comparative_synthesis"])
    prov = json.loads((out / "test_demo" / "comparative_synthesis.json").read_text())
    read = sorted(prov["inputs"])
    # the study's recorded effects (not its own) and the data it loads (budgets, moderators)
    effects = [
        f"effects/{p.name}"
        for p in (out / "test_demo" / "effects").glob("*.csv")
        if p.stem != "comparative_synthesis"
    ]
    data = [f"data/{p.name}" for p in (REPO / "data" / "demo").iterdir() if p.is_file()]
    assert read == sorted(effects + data)
    assert "effects/service_quality.csv" in read and "data/skm_responses.parquet" in read


def test_no_published_demo_file_holds_an_absolute_path_host_or_user(published, nothing_identifying):
    out, runs, _ = published
    assert nothing_identifying(out, out) >= 11  # 5 reports + 5 provenance + index
