"""Read a small YAML file of the data layer (``sources.yaml``) with the line of every key.

Plain values only: ``2020-08-17`` stays text, only ``true``/``false`` are
booleans (``yes``, ``no``, ``Ya``, ``Tidak`` stay text, as a cell value would),
mapping keys are text (``0:`` is the text ``"0"``), and tags that would build
Python objects are refused. Problems are returned, not raised, with their line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from innolab_analysis.errors import Problem

__all__ = ["KeyPath", "quoted", "read_plain_yaml"]

KeyPath = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_SCALARS = yaml.SafeLoader("")
_PLAIN = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null")}


_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def quoted(text: str) -> str:
    r"""``text`` as a YAML double-quoted scalar that reads back as exactly ``text``.

    Quotes, backslashes and characters YAML does not allow raw (control characters,
    C1 codes) are escaped; other letters stay as they are, so a hint stays readable.

    Examples
    --------
    >>> print(quoted('=HYPERLINK("x")\x9a ñ'))
    "=HYPERLINK(\"x\")\u009a ñ"
    >>> yaml.safe_load(quoted('a\x00"b\x9a')) == 'a\x00"b\x9a'
    True
    """
    body = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", body)


def read_plain_yaml(text: str, name: str) -> tuple[Any, dict[KeyPath, int], list[Problem]]:
    """Parse ``text`` (the file ``name``): the value, key path → line, and the problems.

    Examples
    --------
    >>> value, lines, problems = read_plain_yaml("a:\\n  b: 2020-01-01\\n  c: yes\\n", "x.yaml")
    >>> value, lines[("a", "b")], problems
    ({'a': {'b': '2020-01-01', 'c': 'yes'}}, 2, [])
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        return None, {}, [Problem(f"invalid YAML: {what}", file=name, line=line)]
    lines: dict[KeyPath, int] = {}
    problems: list[Problem] = []
    if node is None:
        return {}, lines, problems
    return _build(node, (), lines, problems, name), lines, problems


def _dotted(path: KeyPath) -> str | None:
    return ".".join(str(p) for p in path) or None


def _build(node: yaml.Node, path: KeyPath, lines, problems, name) -> Any:
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if node.tag not in _PLAIN:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(
            Problem(
                f"the tag {tag} is not allowed: write plain text, numbers, lists and mappings",
                file=name,
                line=line,
                column=_dotted(path),
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), {}, problems, name)
            key = "" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            key_line = key_node.start_mark.line + 1
            if key in out:
                problems.append(
                    Problem(
                        f"given twice (first on line {lines[path + (key,)]}); keep one",
                        file=name,
                        line=key_line,
                        column=_dotted(path + (key,)),
                    )
                )
                continue
            lines[path + (key,)] = key_line
            out[key] = _build(value_node, path + (key,), lines, problems, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(c, path + (i,), lines, problems, name) for i, c in enumerate(node.value)]
    return _SCALARS.yaml_constructors[node.tag](_SCALARS, node)


def read_plain_yaml_file(path: Path) -> tuple[Any, dict[KeyPath, int], list[Problem]]:
    """:func:`read_plain_yaml` of a file (its name in the problems)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return (
            None,
            {},
            [Problem(f"cannot read the file ({exc}); save it as UTF-8", file=path.name)],
        )
    return read_plain_yaml(text, path.name)
