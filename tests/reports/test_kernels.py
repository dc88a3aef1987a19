"""Kernels forked from the template: their own cwd, environment, session and random state;
they die with the template; "spawn" starts ordinary kernels."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from jupyter_core.utils import run_sync

from innolab_analysis.reports.kernels import KernelFactory, can_fork

PROBE = (
    "import json, os, sys\n"
    "print(json.dumps({'cwd': os.getcwd(), 'x': os.environ.get('INNOLAB_PROBE'), "
    "'preloaded': 'pandas' in sys.modules, 'pid': os.getpid(), 'ppid': os.getppid(), "
    "'sid': os.getsid(0), 'random': __import__('numpy').random.rand()}))"
)


def run(km, code: str) -> dict:
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=60)
        out = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = run_sync(kc.execute_interactive)(code, output_hook=hook, timeout=60)
        assert reply["content"]["status"] == "ok", reply["content"]
        return json.loads("".join(out))
    finally:
        kc.stop_channels()


@pytest.mark.skipif(not can_fork(), reason="kernels are forked on Linux only")
def test_forked_kernels_are_separate_ordinary_kernels(tmp_path, gone):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    env = dict(os.environ)
    with KernelFactory(["pandas"], cwd=tmp_path, env=env, mode="fork") as factory:
        assert factory.mode == "fork"
        kms = [
            factory.start(cwd=tmp_path / name, env=env | {"INNOLAB_PROBE": name})
            for name in ("a", "b")
        ]
        try:
            a, b = (run(km, PROBE) for km in kms)
            template = factory._proc.pid
        finally:
            for km in kms:
                run_sync(km.shutdown_kernel)(now=True)
    assert (a["cwd"], a["x"], b["cwd"], b["x"]) == (
        str(tmp_path / "a"),
        "a",
        str(tmp_path / "b"),
        "b",
    )
    assert a["preloaded"] and b["preloaded"]  # imported once, in the template
    assert a["ppid"] == b["ppid"] == template
    assert a["sid"] == a["pid"] and b["sid"] == b["pid"]  # each its own session, as jupyter does
    assert a["random"] != b["random"]  # NumPy's global state reseeded in each child
    assert gone(a["pid"]) and gone(b["pid"])


@pytest.mark.skipif(not can_fork(), reason="kernels are forked on Linux only")
def test_kernels_die_with_the_template(tmp_path, gone):
    env = dict(os.environ)
    factory = KernelFactory([], cwd=tmp_path, env=env, mode="fork")
    km = factory.start(cwd=tmp_path, env=env)
    pid = run(km, PROBE)["pid"]
    os.kill(factory._proc.pid, signal.SIGKILL)  # as when the runner is killed: the template goes
    assert gone(pid, within=15), "a forked kernel outlived its template"
    assert run_sync(km.is_alive)() is False
    factory.close()


def test_spawned_kernels_are_children_of_this_process(tmp_path):
    env = dict(os.environ)
    with KernelFactory(["pandas"], cwd=tmp_path, env=env, mode="spawn") as factory:
        assert factory._proc is None
        km = factory.start(cwd=tmp_path, env=env | {"INNOLAB_PROBE": "s"})
        try:
            probe = run(km, PROBE)
        finally:
            run_sync(km.shutdown_kernel)(now=True)
    assert probe["ppid"] == os.getpid() and probe["x"] == "s" and not probe["preloaded"]


@pytest.mark.skipif(not can_fork(), reason="kernels are forked on Linux only")
def test_a_notebook_importing_the_toolkit_finds_all_of_it_imported_and_no_thread_started(tmp_path):
    """``import innolab_analysis`` is lazy: the template imports the studies and estimators
    too (each kernel would pay that again), and stays free of threads, so forking is safe."""
    env = dict(os.environ)
    code = (
        "import json, os, sys\n"
        "mods = ['innolab_analysis.studies.impact.compute', 'innolab_analysis.estimators.sdid',"
        " 'innolab_analysis.studies.synthesis', 'scipy.stats', 'innolab_analysis.cli']\n"
        "print(json.dumps({m: m in sys.modules for m in mods}))"
    )
    with KernelFactory(["innolab_analysis"], cwd=tmp_path, env=env, mode="fork") as factory:
        km = factory.start(cwd=tmp_path, env=env)
        try:
            found = run(km, code)
        finally:
            run_sync(km.shutdown_kernel)(now=True)
    assert found == {
        "innolab_analysis.studies.impact.compute": True,
        "innolab_analysis.estimators.sdid": True,
        "innolab_analysis.studies.synthesis": True,
        "scipy.stats": True,
        "innolab_analysis.cli": False,  # what no notebook reaches is left out
    }
    # the template's imports start no Python thread (native BLAS and allocator pools
    # handle fork themselves); checked in a process of its own
    probe = (
        "import threading\n"
        "from innolab_analysis.reports.kernels import _import_all\n"
        "_import_all(['innolab_analysis'])\n"
        "print([t.name for t in threading.enumerate()])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "['MainThread']", done.stderr
