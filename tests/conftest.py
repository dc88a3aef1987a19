"""Shared fixtures: Agg backend, figures closed after each test, the demo study."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "data" / "demo"

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture(scope="session")
def demo_study():
    """The shipped demo study, loaded and validated once per session."""
    from innolab_analysis.data.study import load_study

    return load_study(DEMO_DIR)
