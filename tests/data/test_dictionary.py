"""data/README.md documents every table, column and recognised alias of the data layer, and nothing else."""

from __future__ import annotations

import re

from innolab_analysis.data.aliases import _load
from innolab_analysis.data.tables import TABLES

TYPE_WORDS = {
    "string": "text",
    "int": "whole number",
    "float": "number",
    "bool": "true/false",
    "date": "date",
    "category": "category",
}


def _documented(text: str) -> dict[str, dict[str, list[str]]]:
    tables: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^###\s+`(\w+)`\s*$", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"^\|\s*`(\w+)`\s*\|(.*)\|\s*$", line)
        if current is not None and row:
            current[row.group(1)] = [cell.strip() for cell in row.group(2).split("|")]
    return tables


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _alias_tables(text: str) -> dict[str, dict[str, list[str]]]:
    """'#### Headers of `t`' / '#### Values of `t.c`' tables: heading key → first cell → items."""
    out: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^####\s+(Headers|Values) of `([\w.]+)`\s*$", line)
        if heading:
            current = out.setdefault(f"{heading.group(1)}:{heading.group(2)}", {})
            continue
        if line.startswith(("## ", "### ")):
            current = None
        row = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if current is not None and row:
            current[row.group(1)] = _ticked(row.group(2))
    return out


def _text(repo_root) -> str:
    return (repo_root / "data" / "README.md").read_text(encoding="utf-8")


def test_every_declared_column_is_documented_under_its_table(repo_root):
    documented = _documented(_text(repo_root))
    assert set(documented) == set(TABLES)
    for name, spec in TABLES.items():
        assert list(documented[name]) == list(spec.names), name
        for col in spec.columns:
            cells = documented[name][col.name]
            # cells: type, unit, allowed/range, required, blank allowed, source, meaning
            assert cells[0].startswith(TYPE_WORDS[col.dtype] + " ("), (name, col.name)
            assert cells[3] == ("yes" if col.required else "no"), (name, col.name)
            assert cells[4] == ("yes" if col.nullable else "no"), (name, col.name)
            for value in col.allowed or ():
                assert f"`{value}`" in cells[2], (name, col.name, value)
            # personal data is marked, and only personal data
            assert ("**Private.**" in cells[6]) == col.private, (name, col.name)


def test_every_recognised_header_and_value_is_documented(repo_root):
    documented = _alias_tables(_text(repo_root))
    headers = _load("headers.yaml")
    values = _load("values.yaml")
    expected = {
        f"Headers:{t}": {c: list(hs) for c, hs in cols.items()} for t, cols in headers.items()
    }
    expected |= {
        f"Values:{t}.{c}": {str(k): list(vs) for k, vs in m.items()}
        for t, cols in values.items()
        for c, m in cols.items()
    }
    assert documented == expected


def test_skm_questions_answers_and_google_forms_are_documented(repo_root):
    text = _text(repo_root)
    skm = _load("skm.yaml")
    section = text[
        text.index("### SKM elements: names, questions, answers") : text.index("### Google Forms")
    ]
    rows = {}
    for line in section.splitlines():
        row = re.match(r"^\|\s*`(u\d)`\s*\|(.*)\|(.*)\|(.*)\|\s*$", line)
        if row:
            rows[row.group(1)] = (_ticked(row.group(2)), row.group(3).strip(), row.group(4))
    assert list(rows) == list(skm["elements"])
    for code, el in skm["elements"].items():
        names, question, answers = rows[code]
        assert names == el["names"] and question == el["question"], code
        pairs = re.findall(r"`([^`]+)` = (\d)", answers)
        assert {k: int(v) for k, v in pairs} == el["answers"], code
    for key in ("question_words", "summary_rows"):
        line = next(ln for ln in section.splitlines() if set(skm[key]) <= set(_ticked(ln)))
        assert _ticked(line) == skm[key], key
    generic = next(ln for ln in section.splitlines() if ln.startswith("Answers every element"))
    assert {k: int(v) for k, v in re.findall(r"`([^`]+)` = (\d)", generic)} == skm[
        "generic_answers"
    ]
    forms = _load("forms.yaml")
    block = text[text.index("### Google Forms") : text.index("### Values")]
    for locale, hs in forms["timestamp_headers"].items():
        assert f"| timestamp header ({locale}) | " + ", ".join(f"`{h}`" for h in hs) + " |" in block
    assert (
        "| sheet of responses | " + ", ".join(f"`{s}`" for s in forms["response_sheets"]) + " |"
        in block
    )


def test_dictionary_parser_notices_a_missing_column():
    text = "### `agencies`\n\n| column | type |\n|---|---|\n| `agency_id` | text (`str`) |\n"
    assert _documented(text) == {"agencies": {"agency_id": ["text (`str`)"]}}
    aliases = "#### Headers of `agencies`\n\n| column | headers |\n|---|---|\n| `name` | `Nama` |\n"
    assert _alias_tables(aliases) == {"Headers:agencies": {"name": ["Nama"]}}
