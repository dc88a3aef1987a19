"""Provenance: hashes by hand, the incremental key, git state, versions."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from innolab_analysis.reports.provenance import (
    collect_provenance,
    file_sha256,
    git_state,
    input_hashes,
    package_versions,
    params_sha256,
    run_key,
)


def test_hashes_match_hashlib(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x,y\n1,2\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.parquet").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden").write_text("ignored")
    assert file_sha256(tmp_path / "a.csv") == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert input_hashes(tmp_path) == {
        "a.csv": hashlib.sha256(b"x,y\n1,2\n").hexdigest(),
        "sub/b.parquet": hashlib.sha256(b"\x00\x01").hexdigest(),
    }
    # canonical JSON: key order does not matter
    assert (
        params_sha256({"b": 1, "a": [1, "x"]}) == hashlib.sha256(b'{"a":[1,"x"],"b":1}').hexdigest()
    )
    assert params_sha256({"a": [1, "x"], "b": 1}) == params_sha256({"b": 1, "a": [1, "x"]})


def test_run_key_changes_with_notebook_params_and_inputs_not_output_dir(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text("{}")
    base = run_key(notebook_file=nb, params={"a": 1, "output_dir": "/x"}, inputs={"f": "1"})
    assert base == run_key(notebook_file=nb, params={"a": 1, "output_dir": "/y"}, inputs={"f": "1"})
    assert base != run_key(notebook_file=nb, params={"a": 2, "output_dir": "/x"}, inputs={"f": "1"})
    assert base != run_key(notebook_file=nb, params={"a": 1, "output_dir": "/x"}, inputs={"f": "2"})
    nb.write_text('{"changed": true}')
    assert base != run_key(notebook_file=nb, params={"a": 1, "output_dir": "/x"}, inputs={"f": "1"})


def test_git_state_of_this_checkout_and_outside(tmp_path):
    state = git_state()
    assert len(state["commit"]) == 40 and isinstance(state["dirty"], bool)
    assert git_state(tmp_path) == {"commit": None, "dirty": None}


def test_collect_provenance_content(tmp_path):
    import pandas as pd

    nb = tmp_path / "n.ipynb"
    nb.write_text("{}")
    params_file = tmp_path / "p.yaml"
    params_file.write_text("study: s\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "t.csv").write_text("1\n")
    start = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    prov = collect_provenance(
        study="s",
        notebook="n",
        notebook_file=nb,
        params={"a": 1},
        params_file=params_file,
        data_dir=data,
        started=start,
        ended=start + timedelta(seconds=12.345),
    )
    assert prov["params_sha256"] == params_sha256({"a": 1})
    assert prov["params_file_sha256"] == hashlib.sha256(b"study: s\n").hexdigest()
    assert prov["inputs"] == {"t.csv": hashlib.sha256(b"1\n").hexdigest()}
    assert prov["notebook_sha256"] == hashlib.sha256(b"{}").hexdigest()
    assert (prov["started"], prov["ended"], prov["duration_s"]) == (
        "2026-01-02T03:04:05+00:00",
        "2026-01-02T03:04:17+00:00",
        12.35,
    )
    assert prov["versions"]["pandas"] == pd.__version__
    assert prov["key"] == run_key(notebook_file=nb, params={"a": 1}, inputs=prov["inputs"])
    assert set(package_versions()) >= {
        "python",
        "innolab-analysis",
        "numpy",
        "statsmodels",
        "papermill",
    }
