"""The message catalog: every sentence and label a reader sees, in both languages.

Messages live in ``innolab_analysis/l10n/messages/<domain>.yaml``, one file per
part of the toolkit (``report``, ``service``, ``impact``, ``estimators`` …).
Each top-level key of a file is a message id; its value holds the text in
both languages::

    city_ikm:
      id: "IKM kota naik dari {first:.2f} ({first_grade}) pada {first_period} menjadi {last:.2f}."
      en: "The city IKM rose from {first:.2f} ({first_grade}) in {first_period} to {last:.2f}."

The full key is ``<domain>.<id>`` (``service.city_ikm``). English text may be
split by count (``en: {one: "1 unit", other: "{n:d} units"}``); the form is
chosen by the ``count`` value. Placeholders use Python's format syntax and are
rendered by :class:`~innolab_analysis.l10n._render.Renderer`, which formats
numbers and dates with Babel for the language and escapes text values.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

from innolab_analysis.errors import InnolabError

__all__ = ["MESSAGES_DIR", "CatalogError", "catalog", "entry", "placeholders"]

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
"""Folder of the message files."""

_LANGUAGES = ("id", "en")


class CatalogError(InnolabError, KeyError):
    """A message id that the catalog does not hold, or a malformed message file."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _check_entry(domain: str, key: str, value: Any) -> list[str]:
    where = f"{domain}.yaml: '{key}'"
    if not isinstance(value, dict):
        return [f"{where} must map each language to its text, got {type(value).__name__}"]
    problems = []
    for lang in _LANGUAGES:
        text = value.get(lang)
        if text is None:
            problems.append(f"{where} has no '{lang}' text")
        elif isinstance(text, dict):
            if lang == "id" or set(text) - {"one", "other"} or "other" not in text:
                problems.append(
                    f"{where}: only English may be split by count, into 'one' and 'other'"
                )
        elif not isinstance(text, str):
            problems.append(f"{where}: '{lang}' must be text, got {type(text).__name__}")
    extra = set(value) - set(_LANGUAGES)
    if extra:
        problems.append(f"{where} has unknown language(s) {sorted(extra)}; allowed: id, en")
    return problems


def _load(text: str, name: str, problems: list[str]) -> Any:
    """YAML with duplicate keys reported (a second definition would silently win)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        seen: set = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node)
            if key in seen:
                problems.append(
                    f"{name}: '{key}' is defined twice (line {key_node.start_mark.line + 1})"
                )
            seen.add(key)
        return loader.construct_mapping(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return yaml.load(text, Loader=Loader)


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Any]]:
    """Every message, keyed ``<domain>.<id>`` (read once, checked).

    Raises
    ------
    CatalogError
        A message without both languages, or text that is not a string.
    """
    out: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        data = _load(path.read_text(encoding="utf-8"), path.name, problems) or {}
        if not isinstance(data, dict):
            problems.append(f"{path.name} must hold a mapping of message ids")
            continue
        for key, value in data.items():
            problems += _check_entry(path.stem, str(key), value)
            out[f"{path.stem}.{key}"] = value
    if problems:
        raise CatalogError("the message catalog is malformed:\n  " + "\n  ".join(problems))
    return out


def entry(key: str) -> dict[str, Any]:
    """The catalog entry of ``key`` (``{"id": ..., "en": ...}``).

    Raises
    ------
    CatalogError
        When the key is unknown; the message names the closest keys.
    """
    messages = catalog()
    try:
        return messages[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, list(messages), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise CatalogError(f"no message '{key}' in the catalog{hint}") from None


def placeholders(text: str) -> set[str]:
    """The value names a message text uses (``{a:.2f} {b}`` → ``{"a", "b"}``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field:
            names.add(field.split(".")[0].split("[")[0])
    return names
