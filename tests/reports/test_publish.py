"""Atomic publishing: files written whole or not at all (the report page: test_render.py)."""

from __future__ import annotations

import os

import pytest

from innolab_analysis.reports.publish import atomic_write


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "r.html"
    atomic_write(target, "one")
    atomic_write(target, b"two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.html"]
    assert oct(os.stat(target).st_mode & 0o777) == "0o644"


def test_atomic_write_failure_keeps_previous_file(tmp_path):
    target = tmp_path / "r.html"
    atomic_write(target, "good")
    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # not text: fails while writing
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
