"""Fixtures of the estimator tests: published panels that ship inside wheels (read offline)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def prop99() -> pd.DataFrame:
    """California Prop 99 panel (39 states, 1970–2000) from the ``scspill`` wheel."""
    try:
        path = distribution("scspill").locate_file("scspill/data/files/california_panel.csv")
    except PackageNotFoundError:
        pytest.skip("scspill (ships the Prop 99 panel) is not installed: pip install -e '.[test]'")
    return pd.read_csv(path)
