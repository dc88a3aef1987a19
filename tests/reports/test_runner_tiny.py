"""The runner on fast stand-in notebooks: failures, skips, --only, the lock, what is published.

The stand-in ``service_quality`` notebook's behaviour is set by its parameters
(see ``conftest.TINY_BODY``); the stand-in synthesis lists the effect files it
finds, which shows it ran after the notebook it reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from innolab_analysis.errors import ParamsError, RunError
from innolab_analysis.reports.lock import StudyLock
from innolab_analysis.reports.publish import published_reports
from innolab_analysis.reports.runner import exit_code, run_study


def status(out: Path, nb: str = "service_quality", study: str = "tiny") -> dict:
    return json.loads((out / study / "_status" / f"{nb}.json").read_text())


@pytest.mark.slow
def test_failure_is_atomic_and_reruns_are_incremental(tmp_path, tiny_setup, self_contained):
    nb_dir, data, make_params = tiny_setup
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
    good = status(out)
    assert good["status"] == "ok" and good["error"] is None
    assert good["published"]["run_id"] == good["run_id"] == json.loads(json_before)["run_id"]
    assert list((study / "_staging").iterdir()) == []

    # unchanged notebook, parameters and inputs: skipped, nothing rewritten
    (again,) = run_study(ok_params, out=out, notebooks_dir=nb_dir)
    assert again.status == "skipped"
    assert (study / "service_quality.html").read_bytes() == html_before
    assert status(out)["published"] == good["published"]

    # a failing run keeps the previous good report byte-identical and marks the index
    failing = make_params(tmp_path / "failing", bootstrap=5, standard="2004")
    (failed,) = run_study(failing, out=out, notebooks_dir=nb_dir)
    assert failed.status == "failed" and failed.exit_code == 1 and failed.kind == "cell"
    debug = study / "_executed" / "service_quality.ipynb"
    assert failed.error == (
        "service_quality failed in cell [3]: ZeroDivisionError: planted failure — see "
        f"{debug.relative_to(tmp_path)}; the last good report is kept"
    )
    assert (study / "service_quality.html").read_bytes() == html_before
    assert (study / "service_quality.json").read_bytes() == json_before
    assert (study / "effects" / "service_quality.csv").read_bytes() == effects_before
    assert "papermill-error-cell" in debug.read_text()  # papermill's red banner
    log = Path(failed.log_file).read_text()
    assert "PapermillExecutionError" in log and "ZeroDivisionError: planted failure" in log
    record = status(out)
    assert record["error"] == {
        "kind": "cell",
        "cell": 3,
        "detail": "ZeroDivisionError: planted failure",
    }
    assert record["debug_notebook"] == "tiny/_executed/service_quality.ipynb"
    assert record["published"] == good["published"]  # the last good publication
    index = (out / "index.html").read_text()
    assert '<span class="status failed">Failed</span>' in index
    assert "One step of the analysis failed (cell 3)." in index
    assert 'href="tiny/service_quality.html"' in index  # the previous good report stays linked
    assert not [p for p in study.rglob("*.tmp")]

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
    injected = executed.metadata.papermill.parameters
    assert injected["output_dir"].startswith("../reports/tiny/_staging/")  # relative, private
    assert injected["output_dir"].endswith(".service_quality/tiny")
    assert injected["data_dir"] == os.path.relpath(data, ok_params.parent)


@pytest.mark.slow
def test_a_skip_never_trusts_a_changed_output(tmp_path, tiny_setup):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    params = make_params(tmp_path / "p", bootstrap=2)
    (first,) = run_study(params, out=out, notebooks_dir=nb_dir)
    assert first.status == "ok", first.error
    effects = out / "tiny" / "effects" / "service_quality.csv"
    effects.write_text(effects.read_text().replace("82.0", "99.0"))  # a partial / stray output
    (again,) = run_study(params, out=out, notebooks_dir=nb_dir)
    assert again.status == "ok"  # re-run, not skipped
    assert "82.0" in effects.read_text()
    (moved,) = (out / "tiny" / "_quarantine").glob("*/effects/service_quality.csv")
    assert "99.0" in moved.read_text()


def test_bad_data_prints_every_problem(tmp_path, tiny_setup):
    from innolab_analysis.reports.runner import progress_line

    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    (run,) = run_study(make_params(tmp_path, bootstrap=7), out=out, notebooks_dir=nb_dir)
    assert run.exit_code == 2 and run.kind == "data"
    assert exit_code([run]) == 2
    lines = progress_line(run, out).splitlines()
    assert lines[0].endswith(
        "service_quality failed in cell [3]: DataValidationError: 5 problem(s) in the input "
        "data (listed below) — see reports/tiny/_executed/service_quality.ipynb"
    )
    assert lines[1:] == [
        f"    - skm_responses.csv, column 'u{i}': u{i} holds text [row {i + 1}]"
        for i in range(1, 6)
    ]
    assert status(out)["error"]["kind"] == "data"


@pytest.mark.slow
def test_dead_kernel_is_one_line_and_keeps_the_last_good_report(tmp_path, tiny_setup):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    (good,) = run_study(make_params(tmp_path / "ok", bootstrap=1), out=out, notebooks_dir=nb_dir)
    assert good.status == "ok", good.error
    html_before = (out / "tiny" / "service_quality.html").read_bytes()
    (dead,) = run_study(make_params(tmp_path / "dead", bootstrap=13), out=out, notebooks_dir=nb_dir)
    assert dead.status == "failed" and dead.exit_code == 1 and dead.kind == "dead_kernel"
    assert dead.error.startswith(
        "service_quality failed: the kernel died (out of memory or killed)"
    )
    assert "\n" not in dead.error
    assert (out / "tiny" / "service_quality.html").read_bytes() == html_before
    assert "DeadKernelError" in Path(dead.log_file).read_text()
    assert status(out)["error"]["kind"] == "dead_kernel"


def test_kernel_is_quiet(tmp_path, tiny_setup, capfd):
    """No TCP-encryption, frozen-modules or progress-bar noise on the console."""
    nb_dir, _, make_params = tiny_setup
    (run,) = run_study(make_params(tmp_path, bootstrap=2), out=tmp_path / "r", notebooks_dir=nb_dir)
    assert run.status == "ok", run.error
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_synthesis_runs_after_the_notebooks_it_reads_and_only_selects(tmp_path, tiny_setup):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    params = make_params(tmp_path, synthesis=True, bootstrap=3)
    runs = run_study(params, out=out, notebooks_dir=nb_dir, jobs=2)
    assert [(r.notebook, r.status) for r in runs] == [
        ("service_quality", "ok"),
        ("comparative_synthesis", "ok"),
    ], [r.error for r in runs]
    html = (out / "tiny" / "comparative_synthesis.html").read_text()
    assert "Effects seen: tiny/service_quality.csv" in html

    (only,) = run_study(
        params, out=out, notebooks_dir=nb_dir, only="comparative_synthesis", force=True
    )
    assert only.notebook == "comparative_synthesis" and only.status == "ok"
    assert status(out)["run_id"] == runs[0].extra.get("run_id", status(out)["run_id"])
    with pytest.raises(ParamsError) as info:
        run_study(params, out=out, notebooks_dir=nb_dir, only="servce_quality,city_spillover")
    assert str(info.value) == (
        "2 problem(s) in the parameters:\n"
        "  - tiny.yaml:1, column 'notebooks': --only servce_quality: not a notebook of "
        "tiny.yaml; did you mean 'service_quality'?\n"
        "  - tiny.yaml:1, column 'notebooks': --only city_spillover: not a notebook of "
        "tiny.yaml; add it under 'notebooks:' to run it; the file lists service_quality, "
        "comparative_synthesis"
    )


def test_a_second_run_of_the_same_study_is_refused(tmp_path, tiny_setup):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    params = make_params(tmp_path, bootstrap=1)
    with StudyLock(out / "tiny"):
        with pytest.raises(RunError, match=r"^study 'tiny' is already being run \(process "):
            run_study(params, out=out, notebooks_dir=nb_dir)
    assert not (out / "tiny" / "_status").exists()


@pytest.mark.parametrize("kind", ["file", "file-parent"])
def test_out_naming_a_file_is_one_clear_line(tmp_path, tiny_setup, kind):
    nb_dir, _, make_params = tiny_setup
    target = tmp_path / "reports"
    target.write_text("not a folder")
    out = target if kind == "file" else target / "sub"
    with pytest.raises(RunError) as info:
        run_study(make_params(tmp_path, bootstrap=1), out=out, notebooks_dir=nb_dir)
    assert str(info.value) == f"cannot write the reports to {out}: it is a file, not a folder" or (
        str(info.value) == f"cannot write the reports to {out}: a file is in the way"
    )
    assert target.read_text() == "not a folder"


@pytest.mark.slow
def test_no_published_file_holds_an_absolute_path_host_or_user(
    tmp_path, tiny_setup, nothing_identifying
):
    nb_dir, data, make_params = tiny_setup
    out = tmp_path / "reports"
    runs = run_study(
        make_params(tmp_path, synthesis=True, bootstrap=4), out=out, notebooks_dir=nb_dir
    )
    assert [r.status for r in runs] == ["ok", "ok"], [r.error for r in runs]
    (failed,) = run_study(
        make_params(tmp_path, bootstrap=4, standard="2004"),
        out=out,
        notebooks_dir=nb_dir,
        only="service_quality",
    )
    assert failed.status == "failed"
    assert nothing_identifying(out, tmp_path, data.parent) == 8  # 2 reports + index + status
    prov = json.loads((out / "tiny" / "service_quality.json").read_text())
    data_rel = os.path.relpath(data, tmp_path)
    assert {k: prov[k] for k in ("notebook_file", "params_file", "data_dir")} == {
        "notebook_file": os.path.relpath(nb_dir / "service_quality.ipynb", tmp_path),
        "params_file": "tiny.yaml",
        "data_dir": data_rel,
    }
    assert "host" not in prov and "platform" not in prov and "executable" not in prov
    assert prov["params"]["data_dir"] == data_rel and "output_dir" not in prov["params"]
    assert [r["status"] for r in published_reports(out)] == ["failed", "ok"]


@pytest.mark.slow
def test_spawned_and_forked_kernels_publish_the_same_numbers(tmp_path, tiny_setup):
    nb_dir, _, make_params = tiny_setup
    params = make_params(tmp_path, bootstrap=6)
    effects = {}
    for mode in ("fork", "spawn"):
        out = tmp_path / mode
        (run,) = run_study(params, out=out, notebooks_dir=nb_dir, kernels=mode)
        assert run.status == "ok", run.error
        effects[mode] = (out / "tiny" / "effects" / "service_quality.csv").read_text()
    assert effects["fork"] == effects["spawn"] and "86.0" in effects["fork"]
