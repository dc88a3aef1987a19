"""Properties of the parameter loader and schema: whatever the bytes, a ParamsError or a config.

Every refusal is a :class:`ParamsError` whose problems each name the file and a
line; nothing else escapes (no ``RecursionError``, ``UnicodeDecodeError``,
``ValueError`` from a path, pydantic ``ValidationError``). An accepted file
holds only values inside the schema's bounds.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innolab_analysis.errors import ParamsError
from innolab_analysis.reports.params import NOTEBOOK_MODELS, StudyConfig, load_params

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("props")
    data = root / "data"
    data.mkdir()
    for table in ("agencies", "skm_responses", "innovations", "regions", "service_indicators"):
        (data / f"{table}.csv").write_text("x\n1\n")  # only their presence matters here
    return root


def outcome(path: Path) -> StudyConfig | ParamsError:
    """Load ``path``; a refusal must be a ParamsError with file:line on every problem."""
    try:
        # the schema and the file are under test; the tables' contents are checked elsewhere
        return load_params(path, check_data=False)
    except ParamsError as exc:
        assert exc.problems, "a ParamsError without problems"
        for problem in exc.problems:
            assert problem.file == path.name or problem.file == str(path), problem
            assert isinstance(problem.line, int) and problem.line >= 1, str(problem)
        text = str(exc)
        assert "Traceback" not in text
        return exc


def write(folder: Path, data: bytes) -> Path:
    path = folder / "p.yaml"
    path.write_bytes(data)
    return path


def within_bounds(cfg: StudyConfig) -> None:
    """Every accepted value respects the schema's ge/le bounds and types."""
    for nb, params in cfg.notebooks.items():
        model = NOTEBOOK_MODELS[nb]
        for name, info in model.model_fields.items():
            value = getattr(params, name)
            for m in info.metadata:
                if getattr(m, "ge", None) is not None:
                    assert value >= m.ge, (nb, name, value)
                if getattr(m, "le", None) is not None:
                    assert value <= m.le, (nb, name, value)


@SETTINGS
@given(st.binary(max_size=600))
def test_arbitrary_bytes(folder, data):
    outcome(write(folder, data))


# YAML-ish text: the characters YAML cares about, so the parser is exercised, not only the reader
_YAML_ALPHABET = string.ascii_letters + string.digits + " :-[]{},&*!|>'\"#\n\t%@`?\\.\x00\x07\ufeff"


@SETTINGS
@given(st.text(alphabet=_YAML_ALPHABET, max_size=400))
def test_yaml_like_text(folder, text):
    outcome(write(folder, text.encode("utf-8", "surrogatepass")))


_KEYS = [
    "study",
    "title",
    "language",
    "timezone",
    "data_dir",
    "start_year",
    "end_year",
    "notebooks",
    *NOTEBOOK_MODELS,
    *{k for m in NOTEBOOK_MODELS.values() for k in m.model_fields},
]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["data", "2017", "2017-12-19", "semester", "id", "en", "NO", "3576", ""]),
    st.text(max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=25,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8))
def test_random_structures_with_the_schema_keys(folder, body):
    cfg = outcome(write(folder, yaml.safe_dump(body, allow_unicode=True).encode()))
    if isinstance(cfg, StudyConfig):
        within_bounds(cfg)


_NOTEBOOK_VALUES = {
    nb: st.dictionaries(st.sampled_from(list(model.model_fields)), _VALUES, max_size=4)
    for nb, model in NOTEBOOK_MODELS.items()
}


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(list(NOTEBOOK_MODELS)),
        st.one_of(*_NOTEBOOK_VALUES.values()),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"]),
)
def test_valid_head_random_notebook_blocks_any_encoding(folder, notebooks, codec):
    body = {"study": "s", "data_dir": "data", "notebooks": notebooks}
    cfg = outcome(write(folder, yaml.safe_dump(body, allow_unicode=True).encode(codec)))
    if isinstance(cfg, StudyConfig):
        within_bounds(cfg)
        assert set(cfg.notebooks) == set(notebooks)


@SETTINGS
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=9))
def test_alias_chains_are_refused_or_read_never_expanded_blindly(folder, levels, width):
    lines = ["a0: &a0 [x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    result = outcome(write(folder, ("\n".join(lines) + "\n").encode()))
    assert isinstance(result, ParamsError)  # unknown keys at best; never a hang
    size = 2  # a0: the list and its one string
    expanded = 1 + 1 + size  # the document's mapping, key a0, its list
    for _ in range(1, levels):
        size = 1 + width * size
        expanded += 1 + size
    said = str(result)
    if expanded > 10_000:
        assert "expand the file to more than 10,000 values" in said
    else:
        assert "unknown key 'a0'" in said
