"""Metric plots: axes-level contract, labels in both languages, what is drawn."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import InnolabError
from innolab_analysis.metrics.innovation import innovation_funnel
from innolab_analysis.metrics.plots import (
    GRADE_COLORS,
    plot_coverage,
    plot_element_heatmap,
    plot_funnel,
    plot_ikm,
)
from innolab_analysis.metrics.skm import skm_index


@pytest.fixture
def result():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"agency_id": np.repeat(["dukcapil", "rsud", "dpmptsp"], 30)})
    for i in range(1, 10):
        df[f"u{i}"] = rng.integers(2, 5, 90)
    df.loc[df["agency_id"] == "rsud", "u3"] = 1  # pull one unit down
    return skm_index(df, by="agency_id", bootstrap=100, seed=1)


def test_plot_ikm_sorted_coloured_with_bands(result):
    fig, ax = plt.subplots()
    out = plot_ikm(result, language="en", ax=ax)
    assert out is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ordered = result.sort_values("ikm")["agency_id"].tolist()
    assert labels == ordered
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.7)]
    assert len(bars) == 3
    for bar, grade in zip(bars, result.sort_values("ikm")["grade"]):
        assert mcolors.to_hex(bar.get_facecolor()) == GRADE_COLORS[grade]
        # bars start at 25 and end at the published IKM
    assert [b.get_x() + b.get_width() for b in bars] == pytest.approx(
        result.sort_values("ikm")["ikm"].tolist()
    )
    assert ax.get_xlabel() == "Community satisfaction index (IKM) — Permen PANRB No. 14 Tahun 2017"
    assert plot_ikm(result).get_xlabel().startswith("Indeks Kepuasan Masyarakat")


def test_heatmap_elements_in_regulation_order(result):
    ax = plot_element_heatmap(result, language="id")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[7] == "U8 Penanganan Pengaduan, Saran dan Masukan"
    assert ticks[8] == "U9 Sarana dan prasarana"
    assert [t.get_text() for t in ax.get_yticklabels()] == result["agency_id"].tolist()
    en = plot_element_heatmap(result, language="en")
    assert [t.get_text() for t in en.get_xticklabels()][2] == "U3 Completion time"


def test_coverage_plot():
    cov = pd.DataFrame(
        {"year": [2018, 2019, 2020], "n_agencies": [30, 31, 31], "n_with_innovation": [12, 25, 31],
         "share": [0.4, 25 / 31, 1.0]}
    )  # fmt: skip
    ax = plot_coverage(cov, language="en")
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [40, 2500 / 31, 100])
    assert ax.get_ylabel() == "Units with an innovation (%)"


def test_funnel_plot_both_schemes():
    inn = pd.DataFrame(
        {
            "iid_stage": ["penerapan", "uji_coba", "inisiatif"],
            "labinov_stage": ["display", "design", None],
        }
    )
    funnel = pd.concat([innovation_funnel(inn), innovation_funnel(inn, scheme="labinov")])
    ax = plot_funnel(funnel, language="en")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "IID stages: Initiative"
    assert labels[-1] == "Innovation Lab stages (5D): Display"
    assert [p.get_width() for p in ax.patches] == [3, 2, 1, 2, 2, 2, 1, 1]
    with pytest.raises(InnolabError) as e:
        plot_funnel(innovation_funnel(inn.assign(a="x"), by="a"))
    assert str(e.value) == (
        "plot_funnel draws one funnel per scheme; this table has grouping column(s) ['a']: "
        "filter it to one group first"
    )
