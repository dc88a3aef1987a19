"""Every study result follows one contract (as the estimators do): looped over all of them.

A study class opts in by subclassing :class:`StudyResult` and providing
``_example()``, a classmethod that builds a result on the shipped demo data
with small settings.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import innolab_analysis.studies as studies_pkg
from innolab_analysis.display import ReportFigure, ReportTable
from innolab_analysis.errors import ParamsError
from innolab_analysis.estimators._result import EFFECT_COLUMNS, SUMMARY_COLUMNS, Diagnostic
from innolab_analysis.studies._contract import Finding, StudyResult


def _all_study_classes() -> list[type]:
    for mod in pkgutil.walk_packages(studies_pkg.__path__, prefix="innolab_analysis.studies."):
        importlib.import_module(mod.name)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return sorted(
        {c for c in walk(StudyResult) if "_example" in c.__dict__}, key=lambda c: c.__name__
    )


CLASSES = _all_study_classes()


@pytest.fixture(scope="module", params=CLASSES, ids=lambda c: c.__name__)
def result(request):
    return request.param._example()


def test_summary_and_effect_rows_have_the_shared_columns(result):
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)
    rows = result.effect_rows("demo")
    assert list(rows.columns) == list(EFFECT_COLUMNS)
    assert (rows["study"] == "demo").all()


@pytest.mark.parametrize("language", ["id", "en"])
def test_findings_are_three_to_six_sentences_with_their_numbers(result, language):
    found = result.findings(language)
    assert 3 <= len(found) <= 6
    assert all(isinstance(f, Finding) and f.text.strip() for f in found)
    assert len({f.key for f in found}) == len(found)
    assert [f.key for f in found] == [f.key for f in result.findings("en")]


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_section_renders_with_its_heading(result, language):
    assert result.SECTIONS[0] == "summary"
    for section in result.SECTIONS:
        text = result.markdown(section, language)
        assert text.startswith("## ") and len(text.splitlines()) > 1, section


def test_unknown_options_are_refused_with_the_allowed_values(result):
    with pytest.raises(ParamsError, match="section must be one of"):
        result.markdown("nope", "id")
    with pytest.raises(ParamsError, match="language must be one of"):
        result.markdown(result.SECTIONS[0], "fr")
    with pytest.raises(ParamsError, match="kind must be one of"):
        result.plot("nope")


@pytest.mark.parametrize("language", ["id", "en"])
def test_tables_are_report_tables(result, language):
    for name in result.TABLES:
        table = result.table(name, language)
        assert isinstance(table, ReportTable) and table.language == language
        assert "<table>" in table._repr_html_()


def test_plots_return_axes_and_figures_carry_alt_text(result, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() called"))
    for kind in result.PLOT_KINDS:
        fig, ax = plt.subplots()
        assert result.plot(kind, ax=ax, language="id") is ax
        plt.close(fig)
        for language in ("id", "en"):
            figure = result.figure(kind, language)
            assert isinstance(figure, ReportFigure) and figure.png[:4] == b"\x89PNG"
            assert figure.alt.strip() and figure.alt == result.alt_text(kind, language)


def test_diagnostics_and_html_repr(result):
    assert isinstance(result.diagnostics, tuple)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    assert isinstance(result._repr_html_(), str)
    assert isinstance(result.summary(), pd.DataFrame)


CODE = re.compile(r"\b(True|False|nan|NaN|inf|None)\b|\b[a-z0-9]+_[a-z0-9_]+\b")
"""Python values and snake_case identifiers (column names, category codes, ids such as kec_x)."""

DECIMAL = {"id": re.compile(r"\d\.\d{1,2}(?!\d)"), "en": re.compile(r"\d,\d{1,2}(?!\d)")}
"""A decimal point in Bahasa Indonesia (2.90) or a decimal comma in English (2,90)."""


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_code_or_raw_value_reaches_a_reader(result, language):
    """Every section, alt text, diagnostic, table header, cell, caption and footnote."""
    texts = [result.markdown(s, language) for s in result.SECTIONS]
    texts += [result.alt_text(k, language) for k in result.PLOT_KINDS]
    texts += [d.message[language] for d in result.diagnostics]
    for name in result.TABLES:
        table = result.table(name, language)
        texts += list(table.columns.values()) + table.to_frame().to_numpy().ravel().tolist()
        texts += [table.caption or "", *table.all_notes()]
    texts = [str(t) for t in texts]
    assert [m.group(0) for t in texts for m in CODE.finditer(t)] == []
    assert [m.group(0) for t in texts for m in DECIMAL[language].finditer(t)] == []
