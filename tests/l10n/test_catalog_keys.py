"""Every message id is defined once per file: YAML would silently keep the last of two."""

from __future__ import annotations

import pytest
import yaml

from innolab_analysis.l10n._catalog import MESSAGES_DIR


class _Strict(yaml.SafeLoader):
    """A YAML loader that records keys defined twice in one mapping."""

    repeated: list[str]


def _mapping(loader: _Strict, node: yaml.MappingNode, deep: bool = False):
    seen: set[str] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            loader.repeated.append(f"{key} (line {key_node.start_mark.line + 1})")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@pytest.mark.parametrize("path", sorted(MESSAGES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_no_message_id_is_defined_twice(path):
    loader = _Strict(path.read_text(encoding="utf-8"))
    loader.repeated = []
    try:
        loader.get_single_data()
    finally:
        loader.dispose()
    assert loader.repeated == []
