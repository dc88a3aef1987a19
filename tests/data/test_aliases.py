"""The alias tables (aliases/*.yaml) agree with the data model and with the regulation."""

from __future__ import annotations

import pytest

from innolab_analysis.data.aliases import (
    answer_lookup,
    answer_owners,
    header_key,
    header_lookup,
    kind_prefixes,
    skm_elements,
    value_key,
    value_lookup,
)
from innolab_analysis.data.headers import match_headers
from innolab_analysis.data.tables import TABLES


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_builds_its_lookups_without_a_clash(table):
    lookup = header_lookup(table)
    assert set(lookup.values()) <= set(TABLES[table].names)
    assert all(lookup[header_key(c)] == c for c in TABLES[table].names)
    for col in TABLES[table].columns:
        if col.dtype == "category":
            assert set(value_lookup(table, col.name).values()) <= set(col.allowed)
        if col.dtype == "bool":
            assert set(value_lookup(table, col.name).values()) == {"true", "false"}


def test_the_questionnaire_maps_by_wording_in_regulation_order():
    # domain.md §1.8: question 8 is sarana (U9), question 9 is pengaduan (U8)
    elements = skm_elements()
    assert list(elements) == [f"u{i}" for i in range(1, 10)]
    questions = [elements[f"u{i}"].question for i in (1, 2, 3, 4, 5, 6, 7, 9, 8)]
    found, problems = match_headers(
        "skm_responses", [f"{i}. {q}" for i, q in enumerate(questions, 1)]
    )
    assert problems == []
    assert [m.canonical for m in found.values()] == [f"u{i}" for i in (1, 2, 3, 4, 5, 6, 7, 9, 8)]


def test_answer_labels_score_one_to_four_and_u4_worst_is_sangat_mahal():
    assert answer_lookup("u4")[value_key("Sangat mahal")] == 1
    assert answer_lookup("u4")[value_key("Gratis")] == 4
    assert answer_lookup("u8")[value_key("Ada tapi tidak berfungsi")] == 2
    assert answer_lookup("u8")[value_key("b. Ada tetapi tidak berfungsi.")] == 2
    assert answer_owners()[value_key("Dikelola dengan baik")] == {"u8"}
    assert answer_owners()[value_key("Sesuai")] == {"u1", "u5"}


def test_unit_kinds_from_names_take_the_longest_prefix():
    prefixes = dict(kind_prefixes())
    assert prefixes["upt puskesmas"] == "puskesmas" and prefixes["upt"] == "upt"
    assert [p for p, _ in kind_prefixes()] == sorted(prefixes, key=lambda p: (-len(p), p))
