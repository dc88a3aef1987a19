"""All-or-nothing publishing, its repair after a crash at every step, and the study lock.

No kernel runs here: a staged run is written by hand, and a crash is a
``BaseException`` raised from ``os.replace`` at the k-th rename of the swap,
for every k — the state a SIGKILL at that moment leaves on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from innolab_analysis.reports import publish as pub
from innolab_analysis.reports.lock import StudyLock, StudyLocked


class Crash(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even ``except Exception``."""


def stage(study_dir: Path, run_id: str, files: dict[str, str], nb: str = "service_quality"):
    staging = pub.Staging.create(
        study_dir,
        study=study_dir.name,
        notebook=nb,
        run_id=run_id,
        started=f"2026-01-0{run_id[-1]}",
    )
    for role, text in files.items():
        path = staging.staged(role)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    staging.executed.write_text('{"cells": []}')
    return staging


def record(run_id: str, nb: str = "service_quality") -> dict:
    return {
        "study": "mojokerto",
        "notebook": nb,
        "title": "Kota Mojokerto",
        "language": "id",
        "timezone": "Asia/Jakarta",
        "status": "ok",
        "run_id": run_id,
        "attempt_started": f"2026-01-0{run_id[-1]}T00:00:00+00:00",
        "attempt_finished": f"2026-01-0{run_id[-1]}T00:01:00+00:00",
        "duration_s": 60.0,
        "error": None,
        "debug_notebook": None,
    }


A = {
    "html": "<p>IKM 86,00</p>",
    "provenance": '{"run_id": "r1"}',
    "effects": "estimate\n86.0\n",
    "findings": '{"findings": "A"}',
}
B = {"html": "<p>IKM 88,50</p>", "provenance": '{"run_id": "r2"}', "effects": "estimate\n88.5\n"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def published_text(reports: Path) -> dict[str, str]:
    """role → content of what published_reports says is published (files verified)."""
    (rec,) = pub.published_reports(reports)
    out = {}
    for role in pub.ROLES:
        rel = (rec["published"] or {}).get(role)
        if rel:
            out[role] = (reports / rel).read_text()
    return out


@pytest.fixture
def reports(tmp_path) -> Path:
    """A reports folder where run r1 published A."""
    study = tmp_path / "mojokerto"
    pub.publish(stage(study, "r1", A), record("r1"), key="k1")
    return tmp_path


def test_publish_swaps_every_file_and_records_checksums(reports):
    study = reports / "mojokerto"
    rec = pub.publish(stage(study, "r2", B), record("r2"), key="k2")
    assert rec["published"] == {
        "run_id": "r2",
        "finished": "2026-01-02T00:01:00+00:00",
        "key": "k2",
        "html": "mojokerto/service_quality.html",
        "provenance": "mojokerto/service_quality.json",
        "effects": "mojokerto/effects/service_quality.csv",
        "findings": None,
        "pdf": None,
        "sha256": {role: sha(text) for role, text in B.items()},
    }
    assert json.loads((study / "_status" / "service_quality.json").read_text()) == rec
    assert published_text(reports) == B
    assert not (study / "findings" / "service_quality.json").exists()  # r2 recorded none
    assert sorted(p.name for p in study.iterdir()) == [
        ".lock",  # taken by published_reports
        "_executed",
        "_journal",
        "_staging",
        "_status",
        "effects",
        "findings",
        "service_quality.html",
        "service_quality.json",
    ]
    assert list((study / "_staging").iterdir()) == list((study / "_journal").iterdir()) == []
    assert (study / "_executed" / "service_quality.ipynb").read_text() == '{"cells": []}'
    assert pub.verify(reports, rec) is None


def test_publish_refuses_an_incomplete_staging_before_touching_anything(reports):
    study = reports / "mojokerto"
    before = {p: p.read_bytes() for p in study.rglob("*") if p.is_file() and p.name != ".lock"}
    staging = stage(study, "r2", {"html": "<p>only html</p>"})
    with pytest.raises(FileNotFoundError, match="nothing staged for the provenance"):
        pub.publish(staging, record("r2"), key="k2")
    after = {p: p.read_bytes() for p in study.rglob("*") if p.is_file() and p.name != ".lock"}
    assert {p: b for p, b in after.items() if "_staging" not in str(p)} == before


def count_renames(reports: Path) -> int:
    """How many os.replace calls a publish of B over A makes (on a scratch copy)."""
    import shutil

    scratch = reports.parent / "scratch"
    shutil.copytree(reports, scratch)
    calls = []
    real = os.replace

    def counting(src, dst):
        calls.append(dst)
        return real(src, dst)

    pub.os.replace = counting
    try:
        pub.publish(stage(scratch / "mojokerto", "r2", B), record("r2"), key="k2")
    finally:
        pub.os.replace = real
    shutil.rmtree(scratch)
    return len(calls)


def test_a_crash_at_every_step_of_the_swap_is_repaired(reports, monkeypatch):
    """After a crash at the k-th rename, recovery leaves all of A or all of B, never a mix."""
    n = count_renames(reports)
    assert n >= 5  # journal, html, provenance, effects, status, executed notebook
    import shutil

    pristine = reports.parent / "pristine"
    shutil.copytree(reports, pristine)
    real = os.replace
    for k in range(n + 1):
        shutil.rmtree(reports)
        shutil.copytree(pristine, reports)
        study = reports / "mojokerto"
        calls = []

        def crashing(src, dst, k=k, calls=calls):
            if len(calls) == k:
                raise Crash(f"killed at rename {k}")
            calls.append(dst)
            return real(src, dst)

        monkeypatch.setattr(pub.os, "replace", crashing)
        staging = stage(study, "r2", B)
        if k < n:
            with pytest.raises(Crash):
                pub.publish(staging, record("r2"), key="k2")
        else:
            pub.publish(staging, record("r2"), key="k2")
        monkeypatch.setattr(pub.os, "replace", real)
        said = pub.recover(study)
        shown = published_text(reports)
        (rec,) = pub.published_reports(reports)
        if k == 0:  # killed before the journal existed: rolled back, A stays, attempt recorded
            assert shown == A, k
            assert rec["status"] == "interrupted" and rec["published"]["run_id"] == "r1"
            assert said == ["service_quality: run r2 was interrupted; its files were removed"]
        else:  # the journal existed: rolled forward to B
            assert shown == B, k
            assert rec["status"] == "ok" and rec["published"]["run_id"] == "r2", k
            assert said == (
                ["service_quality: completed the publication of run r2"] if k < n else []
            ), k
        assert list((study / "_staging").iterdir()) == [], k
        assert not list((study / "_journal").glob("*.json")), k
        assert not (study / "_quarantine").exists(), k


def test_a_stray_effects_file_is_quarantined_and_the_index_keeps_the_published_number(reports):
    """The bug of issue 12: a new effects CSV beside the old HTML (the notebook wrote it directly)."""
    study = reports / "mojokerto"
    (study / "effects" / "service_quality.csv").write_text("estimate\n99.9\n")
    (study / "effects" / "city_spillover.csv").write_text("estimate\n1.0\n")  # no status at all
    said = pub.recover(study)
    assert len(said) == 2
    assert said[0] == (
        "service_quality: its report is no longer listed: mojokerto/effects/service_quality.csv "
        "was changed after run r1 published it"
    )
    assert said[1].startswith(
        "moved 5 file(s) no published run vouches for to mojokerto/_quarantine/"
    )
    assert said[1].endswith(  # the whole publication goes: it is one unit
        ": effects/city_spillover.csv, service_quality.html, service_quality.json, "
        "effects/service_quality.csv, findings/service_quality.json"
    )
    (rec,) = pub.published_reports(reports)
    assert rec["published"] is None and rec["status"] == "failed"
    assert rec["error"] == {
        "kind": "internal",
        "cell": None,
        "detail": "not published: mojokerto/effects/service_quality.csv was changed after run r1 "
        "published it",
    }
    assert not list(study.glob("effects/*.csv"))  # the synthesis cannot read an unvouched number
    (moved,) = (study / "_quarantine").iterdir()
    assert (moved / "effects" / "service_quality.csv").read_text() == "estimate\n99.9\n"


def test_a_changed_report_is_no_longer_listed(reports):
    study = reports / "mojokerto"
    (study / "service_quality.html").write_text("<p>edited by hand</p>")
    (rec,) = pub.published_reports(reports)
    assert rec["published"] is None
    assert rec["error"]["detail"] == (
        "not published: mojokerto/service_quality.html was changed after run r1 published it"
    )


def test_status_records_of_older_versions_are_not_trusted(tmp_path):
    study = tmp_path / "mojokerto"
    (study / "_status").mkdir(parents=True)
    (study / "service_quality.html").write_text("<p>old</p>")
    (study / "_status" / "service_quality.json").write_text(
        json.dumps({"study": "mojokerto", "notebook": "service_quality", "status": "ok"})
    )
    (rec,) = pub.published_reports(tmp_path)
    assert (rec["status"], rec["published"], rec["error"]["kind"]) == ("failed", None, "internal")
    assert rec["error"]["detail"] == (
        "not published: it was published by an older version of innolab (no checksums); run it "
        "again"
    )
    assert not (study / "service_quality.html").exists()


def test_published_reports_does_not_repair_a_study_that_is_running(reports):
    study = reports / "mojokerto"
    leftover = stage(study, "r2", B)  # a run in progress, not a leftover
    with StudyLock(study):
        (rec,) = pub.published_reports(reports)
        assert leftover.root.is_dir()
    assert rec["published"]["run_id"] == "r1" and rec["status"] == "ok"
    (rec,) = pub.published_reports(reports)  # the run "died": its staging is a leftover now
    assert not leftover.root.exists() and rec["status"] == "interrupted"
    assert rec["error"]["detail"] == (
        f"the run (process {os.getpid()}) stopped before it finished; nothing of it was published"
    )
    assert published_text(reports) == A


# ----------------------------------------------------------------------------- the lock
def test_a_second_run_of_a_study_is_refused_naming_the_first(tmp_path):
    folder = tmp_path / "mojokerto"
    with StudyLock(folder):
        holder = json.loads((folder / ".lock").read_text())
        with pytest.raises(StudyLocked) as info:
            StudyLock(folder).acquire()
    assert holder["pid"] == os.getpid()
    assert str(info.value) == (
        f"study 'mojokerto' is already being run (process {os.getpid()}, started "
        f"{holder['started'].replace('T', ' ')}); wait for it to finish or stop it, then run again"
    )
    assert (folder / ".lock").read_text() == ""  # released: emptied


def test_a_lock_of_a_killed_process_is_free_and_reported_stale(tmp_path):
    folder = tmp_path / "mojokerto"
    code = (
        "import sys, time; from innolab_analysis.reports.lock import StudyLock; "
        f"StudyLock({str(folder)!r}).acquire(); print('held', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    with pytest.raises(StudyLocked, match=f"already being run \\(process {proc.pid}, started "):
        StudyLock(folder).acquire()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    lock = StudyLock(folder)
    deadline = time.monotonic() + 10
    while not lock.try_acquire():  # the kernel frees a dead process's lock at once
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert lock.stale["pid"] == proc.pid
    lock.release()
