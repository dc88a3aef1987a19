"""Fault injection: signals and SIGKILL at several points of a run, a full disk, an
unwritable ``--out``, two runs of the same study at once.

Each case runs ``innolab`` in a subprocess through a small driver that, at a
chosen point, sends itself a signal (SIGINT, SIGTERM or SIGKILL): before the
kernel starts, between staging and swap (the report is rendered, nothing is
swapped yet), or at the k-th rename of the swap. Mid-cell signals are sent from
outside while the stand-in notebook sleeps in a long cell. After every case the
published reports are checked: all of the previous publication or all of the
new one, status and index telling the truth, no kernel left running.

A full disk is a tiny tmpfs mounted on the reports folder (we run as root); on
a machine that does not allow the mount, an in-process writer that raises
ENOSPC stands in. Slow cases are marked ``slow``.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from innolab_analysis.reports.publish import published_reports

DRIVER = r"""
import os, signal, sys, time
from innolab_analysis.reports import publish, runner

point, how = sys.argv[1], sys.argv[2]
signum = {"INT": signal.SIGINT, "TERM": signal.SIGTERM, "KILL": signal.SIGKILL}[how]

def hit():
    os.kill(os.getpid(), signum)
    time.sleep(0.5)  # let the main thread run its handler before this worker goes on

if point == "before_kernel":
    real_start = runner._start_kernel
    def start(*a, **k):
        hit()
        return real_start(*a, **k)
    runner._start_kernel = start
elif point == "staged":
    real_render = runner._render
    def render(*a, **k):
        real_render(*a, **k)
        hit()
    runner._render = render
elif point.startswith("rename:"):
    k = int(point.split(":")[1])
    real_replace = os.replace
    calls = []
    def replace(src, dst):
        if "_staging" in str(src):
            calls.append(dst)
            if len(calls) == k:
                hit()
        return real_replace(src, dst)
    os.replace = replace

from innolab_analysis.cli import main
sys.exit(main(sys.argv[3:]))
"""


def innolab(*args: str, point: str = "none", how: str = "INT", env=None, **kw):
    """Start the driver (not waited for)."""
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, point, how, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | (env or {}),
        **kw,
    )


def finish(proc, timeout: float = 180) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def status(out: Path, nb: str = "service_quality") -> dict:
    return json.loads((out / "tiny" / "_status" / f"{nb}.json").read_text())


def shown(out: Path) -> dict[str, str]:
    """What published_reports says is published: the effects' estimate and the HTML's run id."""
    (rec,) = published_reports(out)
    if not rec["published"]:
        return {"status": rec["status"]}
    effects = (out / rec["published"]["effects"]).read_text()
    prov = json.loads((out / rec["published"]["provenance"]).read_text())
    estimate = effects.splitlines()[1].split(",")[5]
    return {"status": rec["status"], "estimate": estimate, "run": prov["run_id"]}


@pytest.fixture
def study(tmp_path, tiny_setup):
    """(run args, reports folder, make_params) with a good report A (estimate 81.0) published."""
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    good = make_params(tmp_path / "a", bootstrap=1)
    code, so, se = finish(innolab("run", str(good), "--notebooks", str(nb_dir), "--out", str(out)))
    assert code == 0, so + se
    assert shown(out)["estimate"] == "81.0"

    def args(**params):
        return ["run", str(make_params(tmp_path / "b", **params)), "--notebooks", str(nb_dir),
                "--out", str(out), "--force"]  # fmt: skip

    return args, out, make_params


def assert_clean(out: Path) -> None:
    study = out / "tiny"
    assert list((study / "_staging").iterdir()) == []
    assert not list((study / "_journal").glob("*.json"))
    assert (study / ".lock").read_text() == ""


# ----------------------------------------------------------------------------- fast (and two slow)
@pytest.mark.slow
def test_sigterm_mid_cell_and_a_second_run_refused_meanwhile(study, tmp_path, gone):
    args, out, _ = study
    marker = tmp_path / "kernel.pid"
    first = innolab(*args(bootstrap=21), env={"INNOLAB_TEST_MARKER": str(marker)})
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    kernel = int(marker.read_text())
    second = subprocess.run(
        [sys.executable, "-m", "innolab_analysis", *args(bootstrap=2)],
        capture_output=True,
        text=True,
    )
    assert second.returncode == 1
    assert second.stderr.startswith(
        f"error: study 'tiny' is already being run (process {first.pid}, started "
    )
    assert second.stderr.endswith("); wait for it to finish or stop it, then run again\n")
    t0 = time.monotonic()
    first.send_signal(signal.SIGTERM)
    code, so, se = finish(first)
    assert time.monotonic() - t0 < 30  # did not wait for the 120 s cell
    assert code == 143, so + se
    assert "service_quality interrupted: stopped by SIGTERM" in so
    assert "Traceback" not in so + se
    assert gone(kernel), "the kernel outlived the interrupted run"
    record = status(out)
    assert (record["status"], record["error"]["kind"]) == ("interrupted", "interrupted")
    assert record["error"]["detail"] == "stopped by SIGTERM"
    assert shown(out) == {
        "status": "interrupted",
        "estimate": "81.0",
        "run": record["published"]["run_id"],
    }
    assert_clean(out)
    index = (out / "index.html").read_text()  # the reader's words, not the runner's
    assert '<span class="status interrupted">Interrupted</span>' in index
    assert '<p class="error">The run was stopped before it finished.</p>' in index
    assert "From the run of" in index and "the last good run" in index


def test_sigint_between_staging_and_swap_publishes_nothing(study):
    args, out, _ = study
    code, so, se = finish(innolab(*args(bootstrap=2), point="staged", how="INT"))
    assert code == 130, so + se
    assert shown(out)["estimate"] == "81.0" and status(out)["status"] == "interrupted"
    assert status(out)["error"]["detail"] == "stopped by SIGINT (Ctrl-C)"
    assert_clean(out)


def tmpfs(path: Path, size: str, *options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(path)],
        capture_output=True,
    )
    return done.returncode == 0


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_full_disk_is_one_line_keeps_the_good_report_and_recovers(
    tmp_path, tiny_setup, monkeypatch
):
    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    mounted = tmpfs(out, "1m")
    try:
        cmd = ["--notebooks", str(nb_dir), "--out", str(out)]
        code, so, se = finish(innolab("run", str(make_params(tmp_path / "a", bootstrap=1)), *cmd))
        assert code == 0, so + se
        before = {p: p.read_bytes() for p in (out / "tiny").glob("**/service_quality.*")}
        filler = out / "filler"
        if mounted:
            with open(filler, "wb", buffering=0) as fh:  # fill every byte that is left
                try:
                    while True:
                        fh.write(b"\0" * 4096)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
            args = ["run", str(make_params(tmp_path / "b", bootstrap=2)), *cmd, "--force"]
            code, so, se = finish(innolab(*args))
        else:  # no mount allowed here: a writer that finds the disk full stands in
            from innolab_analysis.cli import main

            def full(*a, **k):
                raise OSError(errno.ENOSPC, "No space left on device", str(out))

            monkeypatch.setattr("papermill.iorw.write_ipynb", full)
            monkeypatch.setattr("papermill.execute.write_ipynb", full)
            code = main(["run", str(make_params(tmp_path / "b", bootstrap=2)), *cmd, "--force"])
            so = se = ""
        assert code == 1, so + se
        assert "Traceback" not in so + se
        (line,) = [ln for ln in so.splitlines() if " failed" in ln and ln.startswith("[tiny]")] or [
            "[tiny] no such line"
        ]
        assert "the disk is full: No space left on device" in line or (
            "[Errno 28] No space left on device" in line
        ), so
        assert line.endswith("; the last good report is kept") or line.endswith(
            "; the last good report is kept (the status could not be recorded)"
        ), line
        after = {p: p.read_bytes() for p in (out / "tiny").glob("**/service_quality.*")}
        assert {p: b for p, b in after.items() if "_executed" not in str(p)} == {
            p: b for p, b in before.items() if "_executed" not in str(p)
        }
        assert list((out / "tiny" / "_staging").iterdir()) == []
        filler.unlink(missing_ok=True)
        code, so, se = finish(innolab("publish", "--out", str(out)))
        assert code == 0, so + se
        assert shown(out)["estimate"] == "81.0"
        rec = status(out)
        if rec["status"] == "failed":  # recorded once the staging was freed
            assert rec["error"]["kind"] == "disk_full"
    finally:
        if mounted:
            unmount(out)


@pytest.mark.slow
def test_read_only_out_is_one_line_and_keeps_the_good_report(tmp_path, tiny_setup):
    from innolab_analysis.cli import main

    nb_dir, _, make_params = tiny_setup
    out = tmp_path / "reports"
    if not tmpfs(out, "1m"):
        pytest.skip("this machine does not allow a tmpfs mount (needs root)")
    try:
        cmd = ["--notebooks", str(nb_dir), "--out", str(out)]
        code, so, se = finish(innolab("run", str(make_params(tmp_path / "a", bootstrap=1)), *cmd))
        assert code == 0, so + se
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        args = ["run", str(make_params(tmp_path / "b", bootstrap=2)), *cmd, "--force"]
        code, so, se = finish(innolab(*args))
        assert code == 1
        assert se == f"error: cannot write the reports to {out}: the file system is read-only\n"
        assert so == f"[tiny] 1 notebook(s) → {out / 'tiny'}\n"
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
        assert main(["publish", "--out", str(out)]) == 1  # the index cannot be written either
    finally:
        unmount(out)
    assert main(["publish", "--out", str(tmp_path / "missing")]) == 1


# ----------------------------------------------------------------------------- slow
@pytest.mark.slow
@pytest.mark.parametrize("point", ["before_kernel", "rename:1"])
def test_sigint_before_the_kernel_and_during_the_swap(study, point):
    args, out, _ = study
    code, so, se = finish(innolab(*args(bootstrap=2), point=point, how="INT"))
    assert code == 130, so + se
    if point == "before_kernel":
        assert shown(out)["estimate"] == "81.0" and status(out)["status"] == "interrupted"
    else:  # the swap had begun: it completes, nothing is half published
        assert shown(out) == {"status": "ok", "estimate": "82.0", "run": status(out)["run_id"]}
    assert_clean(out)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before_kernel", "mid_cell", "staged", "rename:1", "rename:3"])
def test_sigkill_at_any_moment_then_the_next_command_repairs(study, tmp_path, point, gone):
    args, out, _ = study
    marker = tmp_path / "kernel.pid"
    params = {"bootstrap": 21} if point == "mid_cell" else {"bootstrap": 2}
    proc = innolab(
        *args(**params),
        point=point if point != "mid_cell" else "none",
        how="KILL",
        env={"INNOLAB_TEST_MARKER": str(marker)},
    )
    if point == "mid_cell":
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
    code, so, se = finish(proc)
    assert code == -signal.SIGKILL, so + se
    if point == "mid_cell":
        assert gone(int(marker.read_text()), within=15), "an orphan kernel kept running"
    # the next command finds the leftovers and repairs before it shows anything
    code, so, se = finish(innolab("publish", "--out", str(out)))
    assert code == 0, so + se
    now = shown(out)
    if point.startswith("rename:"):  # the journal existed: rolled forward
        assert now["estimate"] == "82.0" and now["status"] == "ok", now
    else:  # rolled back: the last good report, the attempt recorded as interrupted
        assert now["estimate"] == "81.0" and now["status"] == "interrupted", now
    assert list((out / "tiny" / "_staging").iterdir()) == []
    index = (out / "index.html").read_text()
    assert 'href="tiny/service_quality.html"' in index
    # and a new run works, saying that the previous one ended without finishing
    code, so, se = finish(innolab(*args(bootstrap=3)))
    assert code == 0, so + se
    assert shown(out)["estimate"] == "83.0"
    assert_clean(out)
