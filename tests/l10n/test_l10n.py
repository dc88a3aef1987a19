"""The localisation layer: catalog, Babel formatting, escaping of values from data."""

from __future__ import annotations

import math

import mistune
import numpy as np
import pandas as pd
import pytest

from innolab_analysis import l10n
from innolab_analysis.errors import ParamsError
from innolab_analysis.l10n import _catalog


def test_every_catalog_entry_has_both_languages_and_the_same_placeholders():
    problems = []
    for key, value in l10n.catalog().items():
        texts = {}
        for lang in ("id", "en"):
            text = value[lang]
            forms = text.values() if isinstance(text, dict) else [text]
            texts[lang] = set().union(*(_catalog.placeholders(t) for t in forms))
        if texts["id"] != texts["en"]:
            problems.append(f"{key}: id uses {sorted(texts['id'])}, en {sorted(texts['en'])}")
    assert problems == []


@pytest.mark.parametrize(
    ("spec", "value", "id_text", "en_text"),
    [
        (".2f", 1234.567, "1.234,57", "1,234.57"),
        (".2f", 2.145, "2,15", "2,15".replace(",", ".")),
        (".2f", -0.001, "0,00", "0.00"),
        ("+.2f", 0.41, "+0,41", "+0.41"),
        ("+.2f", -1.37, "-1,37", "-1.37"),
        (".0f", 85.5, "86", "86"),
        ("d", 116604, "116.604", "116,604"),
        (".1%", 0.456, "45,6%", "45.6%"),
        ("p", 0.0004, "p < 0,001", "p < 0.001"),
        ("p", 0.0421, "p = 0,042", "p = 0.042"),
        ("date", "2017-12-19", "19 Desember 2017", "19 December 2017"),
        ("month", pd.Timestamp("2018-04-02"), "April 2018", "April 2018"),
        (
            "datetime",
            "2026-12-01T08:34:57+00:00",
            "1 Desember 2026 15.34 WIB",
            "1 December 2026 15.34 WIB",
        ),
        ("yesno", True, "Ya", "Yes"),
        ("", False, "Tidak", "No"),
        ("", 2017, "2017", "2017"),
    ],
)
def test_format_specs_follow_the_locale(spec, value, id_text, en_text):
    assert l10n.Renderer("id").format_field(value, spec) == id_text
    assert l10n.Renderer("en").format_field(value, spec) == en_text


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), -np.inf, None, pd.NA, pd.NaT, np.float64("nan")]
)
@pytest.mark.parametrize("spec", ["", ".2f", "d", ".1%", "date", "datetime", "yesno"])
def test_missing_and_infinite_values_read_as_a_dash(value, spec):
    assert l10n.Renderer("id").format_field(value, spec) == l10n.MISSING


def test_unknown_spec_and_language_are_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="unknown format spec '.3e'; use .Nf"):
        l10n.Renderer("id").format_field(1.0, ".3e")
    with pytest.raises(ParamsError, match="language must be one of"):
        l10n.number(1.0, "fr")


def test_time_zones_have_their_indonesian_abbreviation():
    moment = "2026-12-01T08:34:57+00:00"
    assert l10n.datetime(moment, "id", timezone="Asia/Makassar") == "1 Desember 2026 16.34 WITA"
    assert l10n.datetime(moment, "id", timezone="Asia/Jayapura") == "1 Desember 2026 17.34 WIT"
    assert (
        l10n.datetime(moment, "en", timezone="Europe/Amsterdam")
        == "1 December 2026 09.34 UTC+01:00"
    )


HOSTILE = [
    '<img src="data:," onerror="document.title=\'X\'">',
    "<script>alert(1)</script>",
    "[klik](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "Dinas\n\n# Judul palsu\n\n<details ontoggle=alert(1) open>",
    "**tebal** _miring_ `kode` | tabel |",
    "http://example.org/x.png ![x](http://example.org/x.png)",
    "&lt;script&gt; &amp; &#60;b&#62;",
    "<style>@import url(http://example.org/a.css)</style>",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_values_from_data_reach_markdown_as_text_only(name):
    text = l10n.tr("common.missing_note", "id", reason=name)
    html = mistune.html(text)
    # no tag other than the paragraph, no link, no entity turned into markup
    assert html.count("<") == 2, html  # only <p> and </p>: every other "<" is an entity
    from bs4 import BeautifulSoup

    tags = BeautifulSoup(html, "html.parser").find_all(True)
    assert [(t.name, t.attrs) for t in tags] == [("p", {})]
    # the reader sees the name itself (white space collapsed)
    visible = mistune.html(text).replace("<p>", "").replace("</p>", "").strip()
    import html as html_lib

    assert " ".join(name.split()) in html_lib.unescape(visible)


def test_plain_rendering_keeps_values_as_they_are():
    assert l10n.tr("common.missing_note", "en", markdown=False, reason="a_b *c*").endswith(
        "a_b *c*"
    )


def test_missing_values_and_keys_are_named():
    with pytest.raises(l10n.CatalogError, match="needs the value 'upper'; it got lower"):
        l10n.tr("common.ci", "id", lower=1)
    with pytest.raises(l10n.CatalogError, match="did you mean 'common.ci'"):
        l10n.tr("common.cj", "id")


def test_english_plural_and_joins():
    assert l10n.tr("common.units", "id", count=1) == "1 unit"
    assert l10n.tr("common.units", "en", count=2) == "2 units"
    assert l10n.join(["a"], "en") == "a"
    assert l10n.join(["Dinas A, B", "Dinas C"], "id") == "Dinas A, B dan Dinas C"
    assert l10n.join(["x", "y", "z"], "en") == "x, y and z"


def test_column_labels_come_from_the_catalog_and_unknown_codes_are_refused():
    assert l10n.column_labels(["estimate", "std_error"], "id") == {
        "estimate": "Estimasi",
        "std_error": "Galat baku",
    }
    with pytest.raises(l10n.CatalogError, match="no message 'labels.column.rank_lower'"):
        l10n.column_labels(["rank_lower"], "id")


def test_number_rounds_half_up_like_the_regulation():
    for x, expected in [(2.905, "2,91"), (2.145, "2,15"), (0.125, "0,13"), (-0.125, "-0,13")]:
        assert l10n.number(x, "id") == expected
    assert not math.isnan(float(l10n.number(1.5, "en")))


def test_a_key_defined_twice_in_a_message_file_is_refused():
    problems: list[str] = []
    _catalog._load('a:\n  id: "x"\n  en: "x"\na:\n  id: "y"\n  en: "y"\n', "demo.yaml", problems)
    assert problems == ["demo.yaml: 'a' is defined twice (line 4)"]
