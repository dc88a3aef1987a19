"""Metric figures: what is drawn, read as a reader would (issue 11).

Every figure in both languages: no English in the Indonesian one and no
Indonesian in the English one (the report leak detector reads their text),
tick numbers written the way the language writes them, legends under the
axes (never on the data), no two labels overlapping, IKM levels as dots
over grade bands named inside the axes, counts as bars from zero, the
study's own region highlighted in the Klassen figure.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from innolab_analysis.errors import DataValidationError, InnolabError
from innolab_analysis.metrics.innovation import innovation_coverage, innovation_funnel
from innolab_analysis.metrics.plots import (
    GRADE_COLORS,
    plot_coverage,
    plot_element_heatmap,
    plot_funnel,
    plot_ikm,
)
from innolab_analysis.metrics.regional import klassen_typology
from innolab_analysis.metrics.skm import skm_index
from innolab_analysis.metrics.standards import STANDARDS

_LEAKS = Path(__file__).resolve().parents[1] / "reports" / "test_leaks.py"
_spec = importlib.util.spec_from_file_location("_report_leaks", _LEAKS)
leaks_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = leaks_module  # its dataclasses look themselves up there
_spec.loader.exec_module(leaks_module)

UNITS = {"dukcapil": "Dinas Kependudukan dan Pencatatan Sipil", "rsud": "RSUD Dr. Wahidin",
         "dpmptsp": "Dinas Penanaman Modal dan PTSP"}  # fmt: skip


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"agency_id": np.repeat(list(UNITS), 30)})
    for i in range(1, 10):
        df[f"u{i}"] = rng.integers(2, 5, 90)
    df.loc[df["agency_id"] == "rsud", "u3"] = 1  # pull one unit down
    out = skm_index(df, by="agency_id", bootstrap=100, seed=1)
    return out.assign(name=out["agency_id"].map(UNITS))


def texts_of(ax) -> list:
    """Every visible text artist of the figure of ``ax`` (ticks, labels, legend, annotations)."""
    from matplotlib.text import Text

    fig = ax.figure
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def assert_reads_well(ax, language: str, names=(), codes=frozenset()) -> None:
    """No leak in the figure's text and no two texts overlapping."""
    texts = texts_of(ax)
    blocks = [" ".join(t.get_text().split()) for t in texts]
    regulations = {s.regulation for s in STANDARDS.values()}  # titles are proper names
    proper = sorted(set(leaks_module.PROPER_NAMES) | regulations | set(names), key=len,
                    reverse=True)  # fmt: skip
    found = leaks_module.find_leaks(blocks, language, proper, set(codes))
    assert not found, "\n".join(map(str, found))
    renderer = ax.figure.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert not (w > 1 and h > 1), f"{a!r} overlaps {b!r}"


def assert_legend_below(ax) -> None:
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    axes = ax.get_window_extent(renderer)
    ticks = ax.xaxis.get_tightbbox(renderer)
    assert legend.y1 <= min(axes.y0, ticks.y0) + 0.5


# ============================================================================ IKM
def test_ikm_levels_are_dots_with_intervals_over_named_bands(result):
    ax = plot_ikm(result, label_col="name", language="en")
    order = result.sort_values("ikm")
    assert [t.get_text() for t in ax.get_yticklabels()] == order["name"].tolist()  # best on top
    assert order["name"].iloc[0] == "RSUD Dr. Wahidin"  # the unit pulled down is at the bottom
    assert not ax.patches or all(p.get_width() != pytest.approx(0.7) for p in ax.patches)  # no bars
    (dots,) = ax.collections[-1:]
    np.testing.assert_allclose(dots.get_offsets()[:, 0], order["ikm"])
    # each dot carries its published value, as English writes it
    values = [a.get_text() for a in ax.texts if a.get_text()[:1].isdigit()]
    assert values == [f"{v:.2f}" for v in order["ikm"]]
    # the bands of the interval table are named inside the axes, at its top
    names = [t.get_text() for t in ax.texts if t.get_text().startswith("Grade")]
    assert "Grade B · Good" in names
    assert all(0 < t.get_position()[1] <= 1 for t in ax.texts if t.get_text().startswith("Grade"))
    assert ax.get_xlabel() == "IKM (scale 25–100), Permen PANRB No. 14 Tahun 2017"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Unit IKM (number: the published value)",
        "Confidence interval (bootstrap)",
    ]
    assert_legend_below(ax)
    assert_reads_well(ax, "en", UNITS.values())
    ax.figure.clf()


def test_ikm_in_indonesian(result):
    ax = plot_ikm(result, label_col="name")
    assert ax.get_title() == "" and ax.get_title(loc="left") == "IKM per unit layanan"
    assert ax.get_xlabel().startswith("IKM (skala 25–100)")
    assert [t.get_text() for t in ax.get_xticklabels()][:1] != []
    assert all("." not in t.get_text() for t in ax.get_xticklabels())
    values = [a.get_text() for a in ax.texts if a.get_text()[:1].isdigit()]
    assert values == [f"{v:.2f}".replace(".", ",") for v in result.sort_values("ikm")["ikm"]]
    assert_reads_well(ax, "id", UNITS.values())


def test_ikm_without_an_index_is_left_out_and_said(result):
    partial = result.copy()
    partial.loc[0, ["ikm", "grade"]] = [np.nan, None]
    ax = plot_ikm(partial, label_col="name", language="en")
    assert len(ax.get_yticklabels()) == 2
    assert ax.get_legend().get_texts()[-1].get_text() == (
        "1 unit without an IKM (an element nobody answered): not drawn"
    )
    with pytest.raises(InnolabError) as e:
        plot_ikm(partial.assign(ikm=np.nan))
    assert str(e.value) == (
        "no unit has an IKM to draw (3 unit(s), each with an element nobody answered; see the "
        "note column of skm_index)"
    )
    with pytest.raises(DataValidationError) as e:
        plot_ikm(result.iloc[:0])
    assert str(e.value) == (
        "1 problem(s) in the plot_ikm input:\n"
        "  - nothing to draw: the table has no rows; pass the output of the metric that plot_ikm draws"
    )
    with pytest.raises(DataValidationError, match="the plot_ikm input table is missing"):
        plot_ikm(None)


# ============================================================================ elements
def test_heatmap_elements_in_regulation_order_coloured_by_grade(result):
    ax = plot_element_heatmap(result, label_col="name", language="id")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[7] == "U8\nPenanganan\nPengaduan,\nSaran dan\nMasukan"
    assert ticks[8] == "U9\nSarana dan\nprasarana"
    # best unit on top, annotations as Indonesian writes numbers
    assert ax.get_yticklabels()[0].get_text() == result.sort_values("ikm").iloc[-1]["name"]
    cells = [t.get_text() for t in ax.texts if "," in t.get_text()]
    assert len(cells) == 27 and all("." not in c for c in cells)
    # a mean of 2.0 would be grade D's colour: the colour map is the interval table's
    mesh = ax.collections[0]
    assert mcolors.to_hex(mesh.cmap(mesh.norm(1.5))) == GRADE_COLORS["D"]
    assert mcolors.to_hex(mesh.cmap(mesh.norm(3.7))) == GRADE_COLORS["A"]
    assert_reads_well(ax, "id", UNITS.values())
    en = plot_element_heatmap(result, label_col="name", language="en")
    assert [t.get_text() for t in en.get_xticklabels()][2] == "U3\nCompletion\ntime"
    assert_reads_well(en, "en", UNITS.values())


# ============================================================================ coverage
def test_coverage_bars_from_zero_with_counts():
    cov = pd.DataFrame(
        {"year": [2018, 2019, 2020], "n_agencies": [30, 31, 31], "n_with_innovation": [12, 25, 31],
         "share": [0.4, 25 / 31, 1.0]}
    )  # fmt: skip
    ax = plot_coverage(cov, language="en")
    np.testing.assert_allclose([p.get_height() for p in ax.patches], [40, 2500 / 31, 100])
    assert all(p.get_y() == 0 for p in ax.patches)
    assert ax.get_ylim()[0] == 0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2018", "2019", "2020"]
    assert [a.get_text() for a in ax.texts] == ["12 of 30", "25 of 31", "31 of 31"]
    assert ax.get_ylabel() == "Share of all units (%)"
    assert_legend_below(ax)
    assert_reads_well(ax, "en")
    ax = plot_coverage(cov, language="id")
    assert [a.get_text() for a in ax.texts] == ["12 dari 30", "25 dari 31", "31 dari 31"]
    assert_reads_well(ax, "id")


def test_coverage_counts_never_overlap_with_many_years():
    cov = pd.DataFrame({"year": range(2001, 2025), "n_agencies": 131})
    cov["n_with_innovation"] = np.arange(24) * 5 + 10
    cov["share"] = cov["n_with_innovation"] / 131
    assert_reads_well(plot_coverage(cov, language="id"), "id")


# ============================================================================ funnel
def test_funnel_bars_from_zero_per_scheme():
    inn = pd.DataFrame(
        {
            "iid_stage": ["penerapan", "uji_coba", "inisiatif"],
            "labinov_stage": ["display", "design", None],
        }
    )
    funnel = pd.concat([innovation_funnel(inn), innovation_funnel(inn, scheme="labinov")])
    ax = plot_funnel(funnel, language="en")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Initiative"
    assert labels[-1] == "Display (promotion and use)"
    assert [p.get_width() for p in ax.patches] == [3, 2, 1, 2, 2, 2, 1, 1]
    assert all(p.get_x() == 0 for p in ax.patches)
    assert [a.get_text() for a in ax.texts][:3] == ["3 (100%)", "2 (67%)", "1 (33%)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == [
        "Regional innovation stages (IID)",
        "LAN Innovation Laboratory (5D)",
    ]
    assert_legend_below(ax)
    assert_reads_well(ax, "en")
    assert_reads_well(plot_funnel(funnel, language="id"), "id")
    with pytest.raises(InnolabError) as e:
        plot_funnel(innovation_funnel(inn.assign(a="x"), by="a"))
    assert str(e.value) == (
        "plot_funnel draws one funnel per scheme; this table has grouping column(s) ['a']: "
        "filter it to one group first"
    )


# ============================================================================ Klassen
REGIONS = pd.DataFrame(
    {
        "code": ["3578", "3576", "3516", "3515", "3525", "3524", "3517", "3571"],
        "g": [5.6, 4.4, 5.1, 5.4, 4.9, 4.3, 5.0, 4.2],
        "y": [160.0, 42.0, 65.0, 88.0, 90.0, 24.0, 22.0, 330.0],
    }
)
NAMES = {"3578": "Kota Surabaya", "3576": "Kota Mojokerto", "3516": "Kabupaten Mojokerto",
         "3515": "Kabupaten Sidoarjo", "3525": "Kabupaten Gresik", "3524": "Kabupaten Lamongan",
         "3517": "Kabupaten Jombang", "3571": "Kota Kediri"}  # fmt: skip


@pytest.mark.parametrize("language", ["id", "en"])
def test_klassen_highlights_the_study_city_and_names_regions(language):
    k = klassen_typology(REGIONS, unit="code", growth="g", level="y")
    ax = k.plot(language=language, highlight="3576", names=NAMES)
    shown = [t.get_text() for t in ax.texts]
    assert "Kota Mojokerto" in shown  # the study's city is always named ...
    city = next(t for t in ax.texts if t.get_text() == "Kota Mojokerto")
    assert city.get_fontweight() == "bold"
    highlighted = ax.collections[1]  # ... and drawn in its own colour
    np.testing.assert_allclose(highlighted.get_offsets(), [[42.0, 4.4]])
    assert not any(t in shown for t in NAMES)  # names, never codes
    assert ax.get_xscale() == "log"  # 22 to 330: a log axis, said in its label
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    if language == "id":
        assert ax.get_xlabel() == "PDRB per kapita (skala logaritmik)"
        assert legend[:2] == ["Wilayah", "Kota Mojokerto"]
        assert legend[2].startswith("Titik acuan: pertumbuhan 4,86")
        assert "I: Maju dan tumbuh pesat" in shown
    else:
        assert ax.get_xlabel() == "GRDP per capita (log scale)"
        assert "IV: Relatively lagging" in shown
    assert_legend_below(ax)
    assert_reads_well(ax, language, NAMES.values(), set(NAMES))


def test_klassen_linear_axis_and_unknown_highlight():
    df = pd.DataFrame({"unit": ["a", "b"], "g": [6.0, 4.0], "y": [50.0, 30.0]})
    k = klassen_typology(df, unit="unit", growth="g", level="y")
    ax = k.plot(language="id")
    assert ax.get_xlabel() == "PDRB per kapita" and ax.get_xscale() == "linear"
    with pytest.raises(DataValidationError) as e:
        k.plot(highlight="c")
    assert str(e.value) == (
        "1 problem(s) in the input data:\n"
        "  - column 'unit': highlight 'c' is not a unit of the typology; available: 'a', 'b'"
    )


def test_figures_on_the_demo_read_well(demo_study):
    """Demo-sized figures (31 units, 10 years, 38 regions) in both languages."""
    names = dict(zip(demo_study.agencies["agency_id"], demo_study.agencies["name"]))
    resp = demo_study.skm_responses
    last = resp[resp["survey_date"].dt.year == resp["survey_date"].dt.year.max()]
    r = skm_index(last, by="agency_id").assign(name=lambda d: d["agency_id"].map(names))
    cov = innovation_coverage(demo_study.innovations, demo_study.agencies, years=range(2015, 2025))
    for language in ("id", "en"):
        for ax in (plot_ikm(r, label_col="name", language=language),
                   plot_coverage(cov, language=language)):  # fmt: skip
            assert_reads_well(ax, language, names.values(), set(names))
            assert_legend_below(ax)
