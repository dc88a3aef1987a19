"""Parameter files: safe YAML, every validation case with its whole message, schema ↔ notebooks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from innolab_analysis.errors import ParamsError
from innolab_analysis.reports.params import (
    COMPARISON_NOTEBOOKS,
    NOTEBOOK_MODELS,
    CitySpilloverParams,
    SkmStandard,
    annotation_name,
    load_params,
    parameter_table,
    read_yaml,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def study_dir(tmp_path, monkeypatch, write_tiny_tables):
    """A folder with demo-like table files; the working directory, so messages show short paths."""
    data = tmp_path / "data"
    data.mkdir()
    write_tiny_tables(data, ("agencies", "skm_responses", "innovations", "regions"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = "p.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


HEAD = "study: s\ndata_dir: data\n"


def message(path: Path, **kw) -> str:
    with pytest.raises(ParamsError) as info:
        load_params(path, **kw)
    return str(info.value)


# ----------------------------------------------------------------------------- YAML
def test_yaml_keeps_dates_and_yes_no_as_strings(tmp_path):
    path = write(tmp_path, "event: 2017-12-19\nflag: NO\nother: yes\nreal: true\nn: 3\nx: 1e3\n")
    value, lines = read_yaml(path)
    assert value == {
        "event": "2017-12-19",
        "flag": "NO",
        "other": "yes",
        "real": True,
        "n": 3,
        "x": "1e3",
    }
    assert lines[("real",)] == 4


def test_yaml_refuses_python_tags(tmp_path):
    path = write(tmp_path, "a: 1\nb: !!python/object/apply:os.system ['echo owned']\n")
    with pytest.raises(ParamsError) as info:
        read_yaml(path)
    assert str(info.value) == (
        "1 problem(s) in the parameters:\n"
        f"  - {path}:2, column 'b': the tag !!python/object/apply:os.system is not allowed: "
        "parameter files hold plain values only (text, numbers, true/false, lists, mappings); "
        "remove the tag"
    )


def test_yaml_duplicate_key_and_syntax_error(study_dir):
    dup = write(study_dir, HEAD + "study: t\nnotebooks: {service_quality: {}}\n")
    assert message(dup) == (
        "1 problem(s) in the parameters:\n"
        "  - p.yaml:3, column 'study': given twice (first on line 1); keep one"
    )
    bad = write(study_dir, "study: [unclosed\n", name="q.yaml")
    assert message(bad) == (
        "1 problem(s) in the parameters:\n"
        "  - q.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'"
    )


# ----------------------------------------------------------------------------- validation
def test_valid_file(study_dir):
    path = write(
        study_dir,
        HEAD
        + "language: en\nstart_year: 2016\nend_year: 2023\nnotebooks:\n"
        + "  service_quality: {standard: '2004', bootstrap: 10}\n"
        + "  city_spillover: {event: 2017-12-19, start_year: 2010, donors: ['3577']}\n",
    )
    cfg = load_params(path)
    sq = cfg.notebooks["service_quality"]
    assert (sq.standard, sq.bootstrap, sq.language, sq.start_year, sq.end_year) == (
        "2004",
        10,
        "en",
        2016,
        2023,
    )
    assert sq.data_dir == str(study_dir / "data")
    cs = cfg.notebooks["city_spillover"]
    # the notebook's own start_year wins over the common key; the date stays a string
    assert (cs.start_year, cs.end_year, cs.event, cs.donors) == (2010, 2023, "2017-12-19", ["3577"])
    params = cfg.notebook_parameters("service_quality", study_dir / "out" / "s")
    assert params["output_dir"] == str(study_dir / "out" / "s")
    assert list(cfg.notebooks) == ["service_quality", "city_spillover"]


def test_unknown_keys_suggest_the_close_name(study_dir):
    path = write(
        study_dir,
        HEAD
        + "langauge: en\nnotebooks:\n  servce_quality: {}\n  city_spillover: {satelite: '3576'}\n",
    )
    assert message(path) == (
        "3 problem(s) in the parameters:\n"
        "  - p.yaml:3, column 'langauge': unknown key 'langauge'; did you mean 'language'?\n"
        "  - p.yaml:5, column 'notebooks.servce_quality': unknown notebook 'servce_quality'; "
        "did you mean 'service_quality'?\n"
        "  - p.yaml:6, column 'notebooks.city_spillover.satelite': unknown parameter 'satelite' "
        "for notebook 'city_spillover'; did you mean 'satellite'?"
    )


def test_wrong_types_and_options(study_dir):
    path = write(
        study_dir,
        HEAD
        + "notebooks:\n"
        + "  service_quality:\n"
        + "    standard: 2017\n"
        + "    frequency: semestre\n"
        + "    bootstrap: -1\n"
        + "  city_spillover:\n"
        + "    satellite: 3576\n"
        + "    exclude_gerbangkertosusila: NO\n"
        + "    donors: [3577, '3515']\n",
    )
    assert message(path) == (
        "6 problem(s) in the parameters:\n"
        "  - p.yaml:5, column 'notebooks.service_quality.standard': must be one of '2017', "
        "'2014', '2004', got 2017 (number); write it in quotes: \"2017\"\n"
        "  - p.yaml:6, column 'notebooks.service_quality.frequency': must be one of 'semester', "
        "'year', got 'semestre' (text)\n"
        "  - p.yaml:7, column 'notebooks.service_quality.bootstrap': must be at least 0, got -1\n"
        "  - p.yaml:9, column 'notebooks.city_spillover.satellite': must be text, got 3576 "
        '(number); write it in quotes: "3576"\n'
        "  - p.yaml:10, column 'notebooks.city_spillover.exclude_gerbangkertosusila': must be "
        "true or false, got 'NO' (text); write true or false\n"
        "  - p.yaml:11, column 'notebooks.city_spillover.donors': must be a list of text "
        'values, got 3577 (number) in it; write codes in quotes: ["3577", "3515"]'
    )


def test_dates_and_impossible_combinations(study_dir):
    path = write(
        study_dir,
        HEAD
        + "start_year: 2020\nend_year: 2015\n"
        + "notebooks:\n"
        + "  city_spillover:\n"
        + "    satellite: '3578'\n"
        + "    core: '3578'\n"
        + "    event: 2017-13-45\n"
        + "  innovation_impact: {outcome: processing_days}\n",
    )
    assert message(path) == (
        "4 problem(s) in the parameters:\n"
        "  - p.yaml:2, column 'data_dir': notebook 'innovation_impact' needs the table(s) "
        "service_indicators, missing from data (expected <table>.csv, .parquet or .xlsx)\n"
        "  - p.yaml:3, column 'start_year': start_year (2020) is after end_year (2015); swap them\n"
        "  - p.yaml:8, column 'notebooks.city_spillover.core': satellite and core are the same "
        "region ('3578'); the satellite city must differ from the core city\n"
        "  - p.yaml:9, column 'notebooks.city_spillover.event': event must be a date written "
        "YYYY-MM-DD, got '2017-13-45'"
    )


def test_event_outside_the_years_and_donor_clash(study_dir):
    path = write(
        study_dir,
        HEAD
        + "notebooks:\n"
        + "  city_spillover:\n"
        + "    event: '2009-01-01'\n"
        + "    start_year: 2010\n"
        + "    donors: ['3576', '3515']\n",
    )
    assert message(path) == (
        "2 problem(s) in the parameters:\n"
        "  - p.yaml:5, column 'notebooks.city_spillover.event': event 2009-01-01 must fall after "
        "start_year (2010) and no later than end_year (2024) so there are years before and "
        "after it\n"
        "  - p.yaml:7, column 'notebooks.city_spillover.donors': donors must not include the "
        "satellite or the core city, got '3576'"
    )


def test_missing_keys_folders_files_and_runner_keys(study_dir):
    nb_dir = study_dir / "nbs"
    nb_dir.mkdir()
    (nb_dir / "comparative_synthesis.ipynb").write_text("{}")
    path = write(
        study_dir,
        'study: "my study"\ndata_dir: nodata\ntitle: 3\nnotebooks:\n'
        "  service_quality: [1]\n"
        "  comparative_synthesis: {results_dir: nowhere, output_dir: x}\n"
        "  innovation_portfolio: {rubric: missing.yaml}\n",
    )
    assert message(path, notebooks_dir=nb_dir) == (
        "8 problem(s) in the parameters:\n"
        "  - p.yaml:1, column 'study': must use letters, digits, '_' and '-' only (it names a "
        "folder), got 'my study'\n"
        f"  - p.yaml:2, column 'data_dir': data_dir 'nodata' does not exist (resolved to "
        f"{study_dir / 'nodata'}); paths are relative to the parameter file\n"
        "  - p.yaml:3, column 'title': must be text, got 3 (number); write it in quotes: \"3\"\n"
        "  - p.yaml:5, column 'notebooks.service_quality': the parameters of 'service_quality' "
        "must be a mapping (use {} for the defaults), got [1] (list)\n"
        "  - p.yaml:6, column 'notebooks.comparative_synthesis.output_dir': 'output_dir' is set "
        "by the runner (reports/<study>); remove it\n"
        "  - p.yaml:6, column 'notebooks.comparative_synthesis.results_dir': results_dir "
        f"'nowhere' does not exist (resolved to {study_dir / 'nowhere'})\n"
        "  - p.yaml:7, column 'notebooks.innovation_portfolio': notebook 'innovation_portfolio' "
        "is listed but nbs/innovation_portfolio.ipynb does not exist; remove it from the file "
        "or add the notebook\n"
        "  - p.yaml:7, column 'notebooks.innovation_portfolio.rubric': rubric file "
        f"'missing.yaml' does not exist (resolved to {study_dir / 'missing.yaml'}); use "
        "'default' or a path relative to the parameter file"
    )


def test_required_keys(study_dir):
    path = write(study_dir, "title: x\n")
    assert message(path) == (
        "3 problem(s) in the parameters:\n"
        "  - p.yaml:1: 'study' is missing: study id, used for the output folder (letters, "
        "digits, _ and -).\n"
        "  - p.yaml:1: 'data_dir' is missing: folder with the study tables, relative to this "
        "file.\n"
        "  - p.yaml:1: 'notebooks' is missing: notebooks to run, each with its own parameters."
    )


def test_params_error_is_structured(study_dir):
    path = write(study_dir, HEAD + "notebooks: {service_quality: {frequency: monthly}}\n")
    with pytest.raises(ParamsError) as info:
        load_params(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (
        "p.yaml",
        3,
        "notebooks.service_quality.frequency",
    )
    assert isinstance(info.value, ValueError)


# ----------------------------------------------------------------------------- shipped files
@pytest.mark.parametrize("name", ["mojokerto.yaml", "test_demo.yaml"])
def test_shipped_parameter_files_validate(name):
    demo = REPO / "data" / "demo"
    try:
        cfg = load_params(REPO / "params" / name)
    except ParamsError as exc:
        pytest.fail(str(exc))
    assert cfg.data_dir == demo
    # every notebook but the comparison, which runs from a file of its own (kind: comparison)
    assert list(cfg.notebooks) == [nb for nb in NOTEBOOK_MODELS if nb not in COMPARISON_NOTEBOOKS]


# ----------------------------------------------------------------------------- schema
def test_annotation_names():
    assert annotation_name(SkmStandard) == "str"
    assert annotation_name(list[str]) == "list[str]"
    assert annotation_name(int | None) == "int | None"
    assert (
        annotation_name(CitySpilloverParams.model_fields["exclude_gerbangkertosusila"].annotation)
        == "bool"
    )


def test_help_texts_fit_papermill_parameter_lines():
    """papermill skips a parameter line with a second '=' (so no '=' in help texts)."""
    for model in NOTEBOOK_MODELS.values():
        for name, info in model.model_fields.items():
            assert "=" not in info.description and "#" not in info.description, name


def test_parameter_table_lists_every_field_with_help():
    rows = parameter_table()
    assert len(rows) == sum(len(m.model_fields) for m in NOTEBOOK_MODELS.values())
    assert all(r["help"] for r in rows)
    std = next(r for r in rows if r["notebook"] == "service_quality" and r["name"] == "standard")
    assert std == {
        "notebook": "service_quality",
        "name": "standard",
        "type": "str {'2017', '2014', '2004'}",
        "default": "'2017'",
        "help": "SKM regulation for elements and grade intervals.",
        "common": "",
    }


@pytest.mark.parametrize("notebook", list(NOTEBOOK_MODELS))
def test_notebook_parameters_match_the_schema(notebook):
    """Each notebook's parameters cell declares exactly the schema's names, types and defaults."""
    import papermill as pm

    path = REPO / "notebooks" / f"{notebook}.ipynb"
    declared = pm.inspect_notebook(str(path))
    fields = NOTEBOOK_MODELS[notebook].model_fields
    assert list(declared) == list(fields), "parameter names (and order) differ from the schema"
    for name, info in fields.items():
        got = declared[name]
        assert got["inferred_type_name"] == annotation_name(info.annotation), name
        assert ast.literal_eval(got["default"]) == info.get_default(call_default_factory=True), name


def test_every_parameter_has_help_in_both_languages():
    from innolab_analysis.reports.params import NOTEBOOK_MODELS, parameter_help

    for notebook, model in NOTEBOOK_MODELS.items():
        en, id_ = parameter_help(notebook, "en"), parameter_help(notebook, "id")
        assert set(en) == set(id_) == set(model.model_fields)
        for name in model.model_fields:
            assert en[name] and id_[name], (notebook, name)
            assert en[name] != id_[name], f"{notebook}.{name} has no Indonesian help"


# ----------------------------------------------------------------------------- bounds
def alias_bomb(levels: int = 9) -> str:
    """The billion-laughs file: each level lists the previous one nine times (9**levels values)."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefghij", "bcdefghijk"[: levels - 1]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_it_expands(study_dir):
    text = alias_bomb()  # 414 bytes standing for 9**9 (387 million) strings
    assert len(text.encode()) < 420
    path = write(study_dir, text)
    assert message(path) == (
        "1 problem(s) in the parameters:\n"
        "  - p.yaml:2: YAML aliases (*name) expand the file to more than 10,000 values; write "
        "the values out instead of repeating an alias of an alias"
    )
    # a few aliases are fine
    ok = write(study_dir, HEAD + "x: &d {standard: '2004'}\nnotebooks: {service_quality: *d}\n")
    with pytest.raises(ParamsError, match="unknown key 'x'"):
        load_params(ok)


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: " + "[" * 5000 + "]" * 5000 + "\n", 1), ("a:\n  b: " + "{x: " * 5000 + "\n", 2)],
)
def test_deep_nesting_is_refused_without_recursion_error(study_dir, text, line):
    path = write(study_dir, text)
    assert message(path) == (
        "1 problem(s) in the parameters:\n"
        f"  - p.yaml:{line}: mappings and lists are nested more than 20 levels deep; a "
        "parameter file needs four (study → notebooks → notebook → list)"
    )


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_utf32_and_byte_order_marks_are_read(study_dir, codec):
    text = HEAD + "title: 'Kota Mojokerto — uji'\nnotebooks: {service_quality: {}}\n"
    path = study_dir / "p.yaml"
    path.write_bytes(text.encode(codec))
    cfg = load_params(path)
    assert (cfg.study, cfg.title) == ("s", "Kota Mojokerto — uji")


def test_other_encodings_and_binary_files_are_refused_clearly(study_dir):
    latin = study_dir / "p.yaml"
    latin.write_bytes((HEAD + "title: 'Caf\xe9'\n").encode("latin-1"))
    assert message(latin) == (
        "1 problem(s) in the parameters:\n"
        "  - p.yaml:3: the file is not UTF-8 text: byte 0xE9 cannot be read; save the file as "
        "UTF-8 (most editors: Save as → Encoding UTF-8)"
    )
    control = write(study_dir, HEAD + "title: 'a\x07b'\n", name="q.yaml")
    assert message(control) == (
        "1 problem(s) in the parameters:\n"
        "  - q.yaml:3: invalid YAML: the character U+0007 is not allowed in a YAML file; "
        "remove it (control characters are not text)"
    )
    big = study_dir / "big.yaml"
    big.write_text("# padding\n" * 30_000)
    assert message(big) == (
        "1 problem(s) in the parameters:\n"
        "  - big.yaml:1: the file is larger than 256 KiB; a parameter file is a few dozen "
        "lines (is this the right file?)"
    )


def test_replications_seeds_and_years_are_bounded(study_dir):
    path = write(
        study_dir,
        HEAD
        + "start_year: 1800\n"
        + "notebooks:\n"
        + "  service_quality: {bootstrap: 99999999999999999999}\n"
        + "  innovation_impact:\n"
        + "    n_boot: 100001\n"
        + "    seed: " + "9" * 60 + "\n"
        + "  city_spillover: {end_year: 3000}\n"
        + "  innovation_portfolio: {start_year: " + "1" * 5000 + "}\n",
    )  # fmt: skip
    assert message(path) == (
        "6 problem(s) in the parameters:\n"
        "  - p.yaml:3, column 'start_year': must be a year from 1945 to 2100, got 1800\n"
        "  - p.yaml:5, column 'notebooks.service_quality.bootstrap': must be at most 100,000, "
        "got 99999999999999999999\n"
        "  - p.yaml:7, column 'notebooks.innovation_impact.n_boot': must be at most 100,000, "
        "got 100001\n"
        "  - p.yaml:8, column 'notebooks.innovation_impact.seed': must be at most "
        "4,294,967,295, got a number of 60 digits\n"
        "  - p.yaml:9, column 'notebooks.city_spillover.end_year': must be a year from 1945 "
        "to 2100, got 3000\n"
        "  - p.yaml:10, column 'notebooks.innovation_portfolio.start_year': cannot read the "
        "value '1111111111111111111111111111111111111111': Exceeds the limit (4300 digits) for "
        "integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to "
        "increase the limit"
    )


def test_paths_the_system_refuses_are_problems_not_tracebacks(study_dir):
    path = write(study_dir, 'study: s\ndata_dir: "da\\0ta"\nnotebooks: {service_quality: {}}\n')
    text = message(path)
    assert text.startswith(
        "1 problem(s) in the parameters:\n  - p.yaml:2, column 'data_dir': data_dir 'da\\x00ta' "
        "does not exist"
    )
    long = write(study_dir, f"study: s\ndata_dir: {'x' * 5000}\nnotebooks: {{}}\n", name="q.yaml")
    assert "q.yaml:2, column 'data_dir': data_dir 'xxxx" in message(long)
