"""One module holds the option Literals: no other module defines one, none is defined twice."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import innolab_analysis.options as options

PACKAGE = Path(options.__file__).resolve().parent


def _literal_subscripts(tree: ast.AST) -> list[ast.Subscript]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            target = node.value
            name = getattr(target, "id", None) or getattr(target, "attr", None)
            if name == "Literal":
                out.append(node)
    return out


def test_no_literal_outside_the_options_module():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "options.py" and path.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _literal_subscripts(tree):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == [], "Literal options must live in innolab_analysis/options.py: " + ", ".join(
        found
    )


def test_every_alias_is_exported_and_no_value_set_is_defined_twice():
    tree = ast.parse(Path(options.__file__).read_text(encoding="utf-8"))
    aliases = [
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Subscript)
        and getattr(node.value.value, "id", None) == "Literal"
    ]
    assert len(aliases) == len(set(aliases))
    assert sorted(aliases) == sorted(options.__all__)
    seen: dict[tuple, str] = {}
    for name in aliases:
        values = tuple(sorted(get_args(getattr(options, name))))
        assert values not in seen, f"{name} repeats the values of {seen[values]}"
        seen[values] = name
