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


def _legend_outside(ax) -> None:
    """The legend lies outside the axes (below or beside them), so it covers no data."""
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None, "the plot has no legend"
    box, area = legend.get_window_extent(), ax.get_window_extent()
    apart = box.y1 <= area.y0 + 1 or box.x0 >= area.x1 - 1 or box.y0 >= area.y1 - 1
    assert apart, f"the legend {box} overlaps the axes {area}"


@pytest.fixture
def legend_outside():
    """``legend_outside(ax)`` asserts that the Axes' legend covers no data."""
    return _legend_outside
