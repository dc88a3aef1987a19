"""data/README.md documents every table and column of the data model, and nothing else."""

from __future__ import annotations

import re

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


def test_every_declared_column_is_documented_under_its_table(repo_root):
    documented = _documented((repo_root / "data" / "README.md").read_text(encoding="utf-8"))
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


def test_dictionary_parser_notices_a_missing_column():
    text = "### `agencies`\n\n| column | type |\n|---|---|\n| `agency_id` | text (`str`) |\n"
    assert _documented(text) == {"agencies": {"agency_id": ["text (`str`)"]}}
