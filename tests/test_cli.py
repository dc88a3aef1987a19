"""The ``innolab`` command: exit codes, messages, list, validate, run, batch (pool and Dask)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from innolab_analysis.cli import main
from innolab_analysis.reports.params import ServiceQualityParams, annotation_name

REPO = Path(__file__).resolve().parents[1]

BODY = """
from pathlib import Path
import pandas as pd
from innolab_analysis.errors import DataValidationError
from innolab_analysis.studies.effects import record_effects
if standard == "2004":
    raise ZeroDivisionError("planted failure")
if standard == "2014":
    raise DataValidationError("planted bad data")
record_effects(pd.DataFrame([{
    "study": Path(output_dir).name, "level": "city", "unit": "all", "outcome": "ikm",
    "term": str(end_year), "estimate": 70.0 + bootstrap, "std_error": None, "ci_lower": None,
    "ci_upper": None, "p_value": None, "n_obs": 10, "method": "tiny", "se_type": "none",
}]), output_dir, notebook="service_quality")
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory, write_tiny_tables):
    """A notebooks folder with a fast stand-in service_quality notebook, data and a params maker."""
    root = tmp_path_factory.mktemp("cli")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = "\n".join(
        f"{n}: {annotation_name(i.annotation)} = {i.get_default()!r}"
        for n, i in ServiceQualityParams.model_fields.items()
    )
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(BODY)]
    (root / "notebooks").mkdir()
    nbformat.write(nb, root / "notebooks" / "service_quality.ipynb")
    (root / "data").mkdir()
    write_tiny_tables(root / "data", ("agencies", "skm_responses"))

    def make(study: str, **p) -> str:
        path = root / f"{study}.yaml"
        path.write_text(
            yaml.safe_dump(
                {
                    "study": study,
                    "data_dir": "data",
                    "language": "en",
                    "notebooks": {"service_quality": p},
                }
            )
        )
        return str(path)

    return root, str(root / "notebooks"), make


def test_help_and_module_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "innolab_analysis", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "usage: innolab" in done.stdout and "Exit codes: 0 success" in done.stdout


def test_list_prints_the_schema(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert (
        "  standard: str {'2017', '2014', '2004'} = '2017'\n      SKM regulation for elements and grade intervals."
        in out
    )
    assert "  output_dir: str = '../reports/_interactive' (set by the runner)" in out
    for nb in (
        "service_quality",
        "innovation_portfolio",
        "innovation_impact",
        "city_spillover",
        "comparative_synthesis",
    ):
        assert f"\n{nb}\n" in out


def test_validate_ok_and_bad_parameters_exit_2_before_any_kernel(setup, capsys, monkeypatch):
    root, nbs, make = setup
    good = make("good", standard="2017")
    assert main(["validate", good, "--notebooks", nbs]) == 0
    assert capsys.readouterr().out == (
        "ok  good.yaml: study 'good', service_quality\n"
        f"  data {root / 'data'}: 2 tables\n"
        "    agencies              1 row ← agencies.csv\n"
        "    skm_responses         1 row ← skm_responses.csv\n"
    )
    assert main(["validate", good, "--notebooks", nbs, "--no-data"]) == 0
    assert capsys.readouterr().out == "ok  good.yaml: study 'good', service_quality\n"

    (root / "bad.yaml").write_text(
        "study: bad\ndata_dir: data\nnotebooks:\n"
        "  service_quality:\n    frequncy: year\n    standard: 2019\n"
    )
    monkeypatch.chdir(root)

    def no_kernel(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel was started for invalid parameters")

    monkeypatch.setattr("innolab_analysis.reports.runner._execute", no_kernel)
    code = main(["run", "bad.yaml", "--notebooks", nbs, "--out", str(root / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "2 problem(s) in the parameters:\n"
        "  - bad.yaml:5, column 'notebooks.service_quality.frequncy': unknown parameter "
        "'frequncy' for notebook 'service_quality'; did you mean 'frequency'?\n"
        "  - bad.yaml:6, column 'notebooks.service_quality.standard': must be one of '2017', "
        "'2014', '2004', got 2019 (number)\n"
    )
    assert not (root / "out").exists()


@pytest.mark.slow
def test_run_exit_codes_and_one_line_failure(setup, capsys, monkeypatch):
    root, nbs, make = setup
    monkeypatch.chdir(root)
    out = root / "reports_run"
    ok = make("s_ok", bootstrap=3)
    assert main(["run", ok, "--notebooks", nbs, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == f"[s_ok] 1 notebook(s) → {out / 's_ok'}"
    assert lines[1].startswith("[s_ok] service_quality        ok ")
    assert lines[1].endswith("reports_run/s_ok/service_quality.html")
    assert lines[3].split() == ["study", "notebook", "status", "duration", "headline", "report"]
    assert lines[5].split()[:3] == ["s_ok", "service_quality", "ok"]
    assert "ikm 2024: 73.00" in lines[5]
    assert lines[-1] == f"index: {out / 'index.html'}"

    failing = make("s_fail", standard="2004")
    assert main(["run", failing, "--notebooks", nbs, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    (failure,) = [ln for ln in captured.out.splitlines() if " failed " in ln and ln.startswith("[")]
    assert failure.endswith(
        "service_quality failed in cell [3]: ZeroDivisionError: planted failure — see "
        "reports_run/s_fail/_executed/service_quality.ipynb"
    )
    assert "Traceback" not in captured.out + captured.err
    log = out / "s_fail" / "_executed" / "service_quality.log"
    assert "ZeroDivisionError: planted failure" in log.read_text()

    data_error = make("s_data", standard="2014")
    assert main(["run", data_error, "--notebooks", nbs, "--out", str(out)]) == 2
    text = capsys.readouterr().out
    assert (
        "service_quality failed in cell [3]: DataValidationError: 1 problem(s) in the input "
        "data (listed below) — see reports_run/s_data/_executed/service_quality.ipynb\n"
        "    - planted bad data\n"
    ) in text

    assert main(["publish", "--out", str(out)]) == 0
    index = (out / "index.html").read_text()
    assert index.count('<tr class="run ') == 3


@pytest.mark.slow
def test_batch_with_two_workers(setup, capfd):
    root, nbs, make = setup
    out = root / "reports_batch"
    files = [make("b1", bootstrap=1), make("b2", bootstrap=2, standard="2004")]
    code = main(["batch", *files, "--workers", "2", "--notebooks", nbs, "--out", str(out)])
    assert code == 1  # b2 failed on purpose
    text = capfd.readouterr().out  # progress lines come from the worker processes
    progress = sorted(ln.split()[:3] for ln in text.splitlines() if ln.startswith("[b"))
    assert progress == [["[b1]", "service_quality", "ok"], ["[b2]", "service_quality", "failed"]]
    assert (out / "b1" / "service_quality.html").is_file()
    assert not (out / "b2" / "service_quality.html").exists()
    index = (out / "index.html").read_text()
    assert '<span class="status failed">Failed</span>' in index
    assert '<span class="status ok">Up to date</span>' in index
    assert (
        'href="b1/service_quality.html"' in index and 'href="b2/service_quality.html"' not in index
    )


@pytest.mark.slow
def test_batch_on_a_local_dask_cluster(setup, capsys):
    from dask.distributed import LocalCluster

    root, nbs, make = setup
    out = root / "reports_dask"
    files = [make("d1", bootstrap=4), make("d2", bootstrap=5)]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code = main(
            [
                "batch",
                *files,
                "--scheduler",
                cluster.scheduler_address,
                "--notebooks",
                nbs,
                "--out",
                str(out),
            ]
        )
    assert code == 0
    text = capsys.readouterr().out
    assert sorted(ln.split()[:3] for ln in text.splitlines() if ln.startswith("[d")) == [
        ["[d1]", "service_quality", "ok"],
        ["[d2]", "service_quality", "ok"],
    ]
    index = (out / "index.html").read_text()
    assert index.count('<span class="status ok">Up to date</span>') == 2
    assert 'href="d1/service_quality.html"' in index and 'href="d2/service_quality.html"' in index


def test_only_names_are_checked_before_any_kernel(setup, capsys, monkeypatch):
    root, nbs, make = setup
    monkeypatch.chdir(root)

    def no_kernel(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel was started for an invalid --only")

    monkeypatch.setattr("innolab_analysis.reports.runner._execute", no_kernel)
    study = make("s_only", standard="2017")
    code = main(
        ["run", study, "--notebooks", nbs, "--out", str(root / "o"), "--only", "servce_quality"]
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "1 problem(s) in the parameters:\n"
        "  - s_only.yaml:1, column 'notebooks': --only servce_quality: not a notebook of "
        "s_only.yaml; did you mean 'service_quality'?\n"
    )
    assert not (root / "o").exists()
