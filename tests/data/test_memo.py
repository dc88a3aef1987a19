"""The memo of validated studies: the same folder unchanged is loaded once; any change reads it again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from innolab_analysis.data import _memo, load_study
from innolab_analysis.errors import DataValidationError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path, write_tiny_tables) -> Path:
    _memo.clear()
    write_tiny_tables(tmp_path, ["agencies", "innovations", "skm_responses"])
    yield tmp_path
    _memo.clear()


def _touch_later(path: Path, text: str) -> None:
    """Rewrite ``path`` so that its stat surely differs (mtime in ns, size)."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    if path.stat().st_mtime_ns == before:  # a coarse clock: move it on by hand
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_unchanged_folder_returns_equal_new_frames_whatever_the_spelling(folder, monkeypatch):
    first = load_study(folder)
    calls = []
    monkeypatch.setattr("innolab_analysis.data.study._load", lambda *a: calls.append(a))
    relative = Path(os.path.relpath(folder))
    again = load_study(relative)
    assert calls == []  # from the memo
    assert again.path == relative and again.files["agencies"] == relative / "agencies.csv"
    assert first.files["agencies"] == folder / "agencies.csv"
    for table in first.tables:
        pd.testing.assert_frame_equal(getattr(first, table), getattr(again, table))
        assert getattr(first, table) is not getattr(again, table)
    assert (
        again.skm_responses.attrs["private_columns"] == first.skm_responses.attrs["private_columns"]
    )
    # a caller that changes its table in place changes nobody else's
    again.agencies.loc[0, "name"] = "Diubah"
    assert load_study(folder).agencies.loc[0, "name"] == "Dinas A"
    assert first.agencies.loc[0, "name"] == "Dinas A"


def test_a_changed_added_or_removed_file_reads_the_folder_again(folder):
    assert load_study(folder).agencies["name"].tolist() == ["Dinas A"]
    text = (folder / "agencies.csv").read_text().replace("Dinas A", "Dinas Baru")
    _touch_later(folder / "agencies.csv", text)
    assert load_study(folder).agencies["name"].tolist() == ["Dinas Baru"]

    assert load_study(folder).readiness is None
    shutil.copy(REPO / "data" / "demo" / "readiness.csv", folder / "readiness.csv")
    with pytest.raises(DataValidationError):  # demo readiness names agencies this folder lacks
        load_study(folder)
    (folder / "readiness.csv").unlink()
    assert load_study(folder).readiness is None


def test_a_failed_load_is_not_remembered(folder):
    good = (folder / "agencies.csv").read_text()
    _touch_later(folder / "agencies.csv", good.replace("dinas,", "planet,"))
    with pytest.raises(DataValidationError, match="planet"):
        load_study(folder)
    _touch_later(folder / "agencies.csv", good)
    assert load_study(folder).agencies["kind"].tolist() == ["dinas"]


def test_another_process_reads_the_shared_study_instead_of_loading(folder, tmp_path_factory):
    study = load_study(folder)
    shared = tmp_path_factory.mktemp("memo")
    assert _memo.share(shared) == 1
    code = (
        "import sys, innolab_analysis.data.study as s\n"
        "def refuse(*a):\n    raise SystemExit('loaded instead of reading the shared study')\n"
        "s._load = refuse\n"
        "study = s.load_study(sys.argv[1])\n"
        "print(study.agencies['name'].tolist(), study.path)\n"
    )
    env = os.environ | {_memo.ENV: str(shared)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"['Dinas A'] {folder}"
    # a changed file is not answered from the shared copy
    _touch_later(folder / "agencies.csv", (folder / "agencies.csv").read_text() + "\n")
    time.sleep(0.01)
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and "loaded instead" in done.stderr
    assert study.agencies["name"].tolist() == ["Dinas A"]
