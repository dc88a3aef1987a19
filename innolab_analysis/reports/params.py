"""Study parameter files: the typed schema, safe YAML loading and validation.

One YAML file per study (``params/<study>.yaml``) says which notebooks to run
and with which parameters. The pydantic models below are the *single source*
of every notebook parameter's type, default and help text: the ``innolab
list`` command prints them, the runner validates each file against them
before any kernel starts, and a test checks that every notebook's
``parameters`` cell declares exactly these names, types and defaults.

A parameter file looks like::

    study: mojokerto
    title: "Kota Mojokerto: inovasi dan kualitas layanan"
    language: id
    data_dir: ../data/demo        # relative to this file
    start_year: 2015
    end_year: 2024
    notebooks:
      service_quality: {standard: "2017", frequency: semester}
      city_spillover: {satellite: "3576", core: "3578", event: "2017-12-19"}

The common keys ``language``, ``data_dir``, ``start_year`` and ``end_year``
are passed to every notebook that declares them; a key inside a notebook's
block wins over the common key. The runner adds ``output_dir`` (the absolute
path of the study's output folder) and passes ``data_dir`` as an absolute path.

YAML is read without YAML-1.1 surprises: ``2017-12-19`` stays a string (the
schema parses it), only ``true``/``false`` are booleans (``NO``, ``yes``,
``on`` stay strings), and tags that would construct Python objects
(``!!python/object``) are refused.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innolab_analysis.errors import ParamsError, Problem
from innolab_analysis.options import (
    ControlGroup,
    CovidHandling,
    Frequency,
    ImpactOutcome,
    Language,
    NotebookName,
    PoolMethod,
    StudyKind,
    Timezone,
)
from innolab_analysis.options import StaggeredMethod as DidMethod
from innolab_analysis.options import StandardName as SkmStandard

__all__ = [
    "COMMON_KEYS",
    "MAX_BOOTSTRAP",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_VALUES",
    "NOTEBOOK_MODELS",
    "NOTEBOOK_TABLES",
    "CityComparisonParams",
    "CitySpilloverParams",
    "ComparativeSynthesisParams",
    "ControlGroup",
    "CovidHandling",
    "DidMethod",
    "Frequency",
    "ImpactOutcome",
    "InnovationImpactParams",
    "InnovationPortfolioParams",
    "Language",
    "NotebookName",
    "ServiceQualityParams",
    "SkmStandard",
    "StudyConfig",
    "annotation_name",
    "load_params",
    "parameter_table",
    "read_yaml",
]

# ----------------------------------------------------------------------------- options

COMMON_KEYS: tuple[str, ...] = ("language", "timezone", "data_dir", "start_year", "end_year")
"""Top-level keys passed to every notebook that declares them."""

_RUNNER_KEYS = ("output_dir", "study_id")

MAX_BOOTSTRAP = 100_000
"""Most bootstrap replications a parameter file may ask for (9,999 is already a lot)."""

_FIRST_YEAR, _LAST_YEAR = 1945, 2100
"""Years a study may span (the Republic's first year to far beyond any data)."""

_MAX_SEED = 2**32 - 1
"""Largest random seed every NumPy generator accepts."""


def _year(default: int, description: str) -> Any:
    return Field(default, ge=_FIRST_YEAR, le=_LAST_YEAR, description=description)


# ----------------------------------------------------------------------------- models
class _NotebookParams(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _data_dir() -> Any:
    return Field(
        "../data/demo",
        description="Folder with the study tables (relative paths: to the parameter file).",
    )


def _output_dir() -> Any:
    return Field(
        "../reports/_interactive",
        description="Folder this run writes to (set by the runner: reports/<study>).",
    )


def _language() -> Any:
    return Field("id", description="Language of the report: 'id' (Bahasa Indonesia) or 'en'.")


def _study_id() -> Any:
    return Field(
        "interactive", description="Study id (set by the runner: the study's 'study' key)."
    )


def _timezone() -> Any:
    return Field(
        "Asia/Jakarta",
        description="Time zone of the dates and times in the report: Asia/Jakarta (WIB), "
        "Asia/Pontianak (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).",
    )


class ServiceQualityParams(_NotebookParams):
    """Parameters of ``notebooks/service_quality.ipynb`` (SKM/IKM by agency and period)."""

    data_dir: str = _data_dir()
    output_dir: str = _output_dir()
    study_id: str = _study_id()
    language: Language = _language()
    timezone: Timezone = _timezone()
    start_year: int = _year(2015, "First year of the survey series.")
    end_year: int = _year(2024, "Last year of the survey series.")
    standard: SkmStandard = Field(
        "2017", description="SKM regulation for elements and grade intervals."
    )
    frequency: Frequency = Field("semester", description="Aggregation period of the IKM.")
    bootstrap: int = Field(
        0,
        ge=0,
        le=MAX_BOOTSTRAP,
        description="Bootstrap replications for IKM intervals (0 means none).",
    )


class InnovationPortfolioParams(_NotebookParams):
    """Parameters of ``notebooks/innovation_portfolio.ipynb`` (coverage, readiness, IID)."""

    data_dir: str = _data_dir()
    output_dir: str = _output_dir()
    study_id: str = _study_id()
    language: Language = _language()
    timezone: Timezone = _timezone()
    start_year: int = _year(2015, "First year of the portfolio.")
    end_year: int = _year(2024, "Last year of the portfolio.")
    rubric: str = Field(
        "default", description="Readiness rubric: 'default' or the path of a rubric YAML file."
    )


class InnovationImpactParams(_NotebookParams):
    """Parameters of ``notebooks/innovation_impact.ipynb`` (staggered DiD, ITS, power)."""

    data_dir: str = _data_dir()
    output_dir: str = _output_dir()
    study_id: str = _study_id()
    language: Language = _language()
    timezone: Timezone = _timezone()
    outcome: ImpactOutcome = Field("ikm", description="Outcome: 'ikm' or 'processing_days'.")
    frequency: Frequency = Field("semester", description="Period of the agency panel.")
    control_group: ControlGroup = Field(
        "not_yet_treated", description="Comparison group of the staggered DiD."
    )
    method: DidMethod = Field("dr", description="Group-time ATT method: 'dr', 'reg' or 'ipw'.")
    its_agency: str = Field(
        "", description="Agency for the interrupted time series (empty: chosen automatically)."
    )
    n_boot: int = Field(
        999,
        ge=0,
        le=MAX_BOOTSTRAP,
        description="Bootstrap replications (multiplier bootstrap); 0 means analytic.",
    )
    seed: int = Field(20240101, ge=0, le=_MAX_SEED, description="Random seed of the bootstrap.")
    mde: bool = Field(True, description="Also compute the minimum detectable effect.")
    robustness: bool = Field(
        True,
        description="Also run the robustness estimators (Sun-Abraham, synthetic DiD) and the "
        "sensitivity analyses (HonestDiD, pre-trend power).",
    )


class CitySpilloverParams(_NotebookParams):
    """Parameters of ``notebooks/city_spillover.ipynb`` (satellite city next to a core city)."""

    data_dir: str = _data_dir()
    output_dir: str = _output_dir()
    study_id: str = _study_id()
    language: Language = _language()
    timezone: Timezone = _timezone()
    satellite: str = Field(
        "3576", description="Region code of the satellite city (Kota Mojokerto)."
    )
    core: str = Field("3578", description="Region code of the core city (Kota Surabaya).")
    event: str = Field(
        "2017-12-19", description="Event date YYYY-MM-DD (Tol Sumo fully open: 2017-12-19)."
    )
    donors: list[str] = Field(
        default_factory=list, description="Donor region codes (empty list: the default pool)."
    )
    exclude_gerbangkertosusila: bool = Field(
        True, description="Drop the Gerbangkertosusila regions from the donor pool (spillover)."
    )
    start_year: int = _year(2010, "First year of the city panel.")
    end_year: int = _year(2024, "Last year of the city panel.")
    covid: CovidHandling = Field(
        "dummy", description="COVID-19 years: 'dummy', 'exclude' or 'none'."
    )


def _pool_method() -> Any:
    return Field(
        "REML",
        description="Estimator of the between-unit variance of pooled effects: 'REML', 'DL', "
        "'PM' or 'fixed'.",
    )


def _knapp_hartung() -> Any:
    return Field(
        True,
        description="Knapp–Hartung correction of pooled intervals (t with k − 1 degrees of freedom).",
    )


def _n_draws() -> Any:
    return Field(
        1000, ge=100, description="Parametric-bootstrap draws of the rank confidence sets."
    )


class ComparativeSynthesisParams(_NotebookParams):
    """Parameters of ``notebooks/comparative_synthesis.ipynb`` (this study's effects side by side)."""

    data_dir: str = _data_dir()
    output_dir: str = _output_dir()
    study_id: str = _study_id()
    results_dir: str = Field(
        "",
        description="Reports folder holding this study's results (empty: the parent of output_dir).",
    )
    language: Language = _language()
    timezone: Timezone = _timezone()
    pool_method: PoolMethod = _pool_method()
    knapp_hartung: bool = _knapp_hartung()
    seed: int = Field(20240101, description="Random seed of the rank confidence sets.")
    n_draws: int = _n_draws()


class CityComparisonParams(_NotebookParams):
    """Parameters of ``notebooks/city_comparison.ipynb`` (run from a ``kind: comparison`` file)."""

    output_dir: str = _output_dir()
    study_id: str = _study_id()
    studies: list[str] = Field(
        default_factory=list,
        description="Ids of the studies compared (set from the comparison file's 'studies' list).",
    )
    data_dirs: list[str] = Field(
        default_factory=list,
        description="Data folder of each study, in the same order (set from the comparison file).",
    )
    results_dirs: list[str] = Field(
        default_factory=list,
        description="Results folder of each study; empty text: <reports>/<study> (set from the "
        "comparison file).",
    )
    language: Language = _language()
    timezone: Timezone = _timezone()
    pool_method: PoolMethod = _pool_method()
    knapp_hartung: bool = _knapp_hartung()
    seed: int = Field(20240101, description="Random seed of the rank confidence sets.")
    n_draws: int = _n_draws()


NOTEBOOK_MODELS: dict[str, type[_NotebookParams]] = {
    "service_quality": ServiceQualityParams,
    "innovation_portfolio": InnovationPortfolioParams,
    "innovation_impact": InnovationImpactParams,
    "city_spillover": CitySpilloverParams,
    "comparative_synthesis": ComparativeSynthesisParams,
    "city_comparison": CityComparisonParams,
}


def parameter_help(notebook: str, language: str = "en") -> dict[str, str]:
    """Help text of a notebook's parameters for a report's reader, in ``language``.

    The texts live in the catalog (``l10n/messages/params.yaml``, ``params.help.<name>``);
    the schema's ``description`` is the developer's help (``innolab list``).

    Examples
    --------
    >>> parameter_help("service_quality", "id")["standard"]
    'Peraturan SKM yang menentukan unsur dan interval mutu'
    """
    from innolab_analysis import l10n

    fields = NOTEBOOK_MODELS[notebook].model_fields
    return {k: l10n.tr(f"params.help.{k}", language, markdown=False) for k in fields}


"""Notebook name → its parameter model, in the order the runner executes them."""

NOTEBOOK_TABLES: dict[str, tuple[str, ...]] = {
    "service_quality": ("agencies", "skm_responses"),
    "innovation_portfolio": ("agencies", "innovations"),
    "innovation_impact": ("agencies", "innovations"),
    "city_spillover": ("regions",),
    "comparative_synthesis": ("agencies",),
    "city_comparison": (),
}
"""Tables (file stems in ``data_dir``) each notebook needs."""

COMPARISON_NOTEBOOKS: tuple[str, ...] = ("city_comparison",)
"""Notebooks that run only from a ``kind: comparison`` parameter file."""

_IMPACT_OUTCOME_TABLE = {"ikm": "skm_responses", "processing_days": "service_indicators"}


class _StudyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    kind: StudyKind = Field(
        "study", description="'study' (the default) or 'comparison' (several studies compared)."
    )
    study: str = Field(
        description="Study id, used for the output folder (letters, digits, _ and -)."
    )
    title: str = Field("", description="Title shown in the reports and the index.")
    language: Language = _language()
    timezone: Timezone = _timezone()
    data_dir: str = Field(description="Folder with the study tables, relative to this file.")
    start_year: int | None = Field(
        None, ge=_FIRST_YEAR, le=_LAST_YEAR, description="First year (passed to every notebook)."
    )
    end_year: int | None = Field(
        None, ge=_FIRST_YEAR, le=_LAST_YEAR, description="Last year (passed to every notebook)."
    )
    notebooks: dict[str, dict[str, Any]] = Field(
        description="Notebooks to run, each with its own parameters."
    )


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class StudyConfig:
    """A validated study parameter file.

    Attributes
    ----------
    study : str
        Study id (output folder name).
    title : str
        Title for the reports and the index.
    language : {"id", "en"}
        Report language.
    data_dir : Path
        Absolute path of the data folder.
    path : Path
        Absolute path of the parameter file.
    notebooks : dict
        Notebook name → validated parameter model (``output_dir`` still the
        schema default; the runner sets it).
    """

    study: str
    title: str
    language: str
    data_dir: Path
    path: Path
    notebooks: dict[str, _NotebookParams] = field(default_factory=dict)

    def notebook_parameters(self, notebook: str, output_dir: Path | str) -> dict[str, Any]:
        """The parameters injected into ``notebook``, with ``output_dir`` set."""
        values = self.notebooks[notebook].model_dump()
        values["output_dir"] = str(Path(output_dir).resolve())
        if "study_id" in values:
            values["study_id"] = self.study
        return values


# ----------------------------------------------------------------------------- YAML
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings and only knows true/false as booleans."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)

_PLAIN_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

Path_ = tuple[str | int, ...]


@dataclass
class _Parsed:
    value: Any
    lines: dict[Path_, int]
    problems: list[Problem]


def read_yaml(path: str | Path) -> tuple[Any, dict[tuple, int]]:
    """Read a YAML file safely and return ``(value, lines)``.

    ``lines`` maps every key path (a tuple of keys and list indices) to its
    1-based line number.

    Raises
    ------
    ParamsError
        For syntax errors, duplicate keys and tags that are not plain values
        (``!!python/object`` and friends), every problem at once.
    """
    parsed = _parse(Path(path))
    if parsed.problems:
        raise ParamsError(parsed.problems)
    return parsed.value, parsed.lines


MAX_FILE_BYTES = 256 * 1024
"""Largest parameter file read (a study's file is a few dozen lines)."""

MAX_DEPTH = 20
"""Deepest nesting of mappings and lists (the schema needs four levels)."""

MAX_VALUES = 10_000
"""Most values a file may hold once YAML aliases (``*name``) are expanded."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _decode(data: bytes) -> str:
    """The text of a parameter file: UTF-8 (with or without BOM), UTF-16/32 with a BOM,
    or UTF-16 without one (recognised by its NUL bytes); ``ValueError`` says why not."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"starts with a {label} byte-order mark but byte {exc.start + len(bom)} "
                    f"is not {label}; save the file as UTF-8"
                ) from None
    if len(data) >= 2 and b"\x00" in data[:64]:
        head = data[:64]
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            raise ValueError(
                "holds NUL bytes but is not UTF-16 text; save the file as UTF-8"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        err = ValueError(
            f"is not UTF-8 text: byte 0x{data[exc.start]:02X} cannot be read; "
            "save the file as UTF-8 (most editors: Save as → Encoding UTF-8)",
        )
        err.line = line  # type: ignore[attr-defined]
        raise err from None


def _line_of_position(text: str, position: int | None) -> int:
    return text[: position or 0].count("\n") + 1


def _check_shape(text: str, name: str) -> Problem | None:
    """Refuse, before composing anything, files nested too deep or holding too many values.

    PyYAML's parser is iterative, its composer recursive: the events are counted
    first, so a 5,000-deep nesting is refused without a RecursionError.
    """
    depth = values = 0
    for event in yaml.parse(text, Loader=_StrictLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(
                    f"mappings and lists are nested more than {MAX_DEPTH} levels deep; a "
                    "parameter file needs four (study → notebooks → notebook → list)",
                    file=name,
                    line=event.start_mark.line + 1,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            values += 1
            if values > MAX_VALUES:
                return Problem(
                    f"the file holds more than {MAX_VALUES:,} values; a parameter file "
                    "holds a few dozen",
                    file=name,
                    line=event.start_mark.line + 1,
                )
    return None


def _expanded_size(node, memo: dict[int, int]) -> int:
    """Number of values ``node`` stands for once every alias is expanded (memoised, linear)."""
    key = id(node)
    if key not in memo:
        memo[key] = 0  # a recursive alias counts once (PyYAML refuses it anyway)
        if isinstance(node, yaml.MappingNode):
            size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(_expanded_size(child, memo) for child in node.value)
        else:
            size = 1
        memo[key] = size
    return memo[key]


def _parse(path: Path, name: str | None = None) -> _Parsed:
    name = name or str(path)

    def refuse(message: str, line: int | None = 1) -> _Parsed:
        return _Parsed(None, {}, [Problem(message, file=name, line=line)])

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return refuse(f"cannot read the file: {exc.strerror or exc}")
    except ValueError as exc:  # e.g. a NUL byte in the path
        return refuse(f"cannot read the file: {exc}")
    if len(data) > MAX_FILE_BYTES:
        return refuse(
            f"the file is larger than {MAX_FILE_BYTES // 1024} KiB; a parameter file is a few "
            "dozen lines (is this the right file?)"
        )
    try:
        text = _decode(data)
    except ValueError as exc:
        return refuse(f"the file {exc}", getattr(exc, "line", 1))
    try:
        shape = _check_shape(text, name)
        if shape is not None:
            return _Parsed(None, {}, [shape])
        node = yaml.compose(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            line = mark.line + 1
        else:
            line = _line_of_position(text, getattr(exc, "position", None))
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, yaml.reader.ReaderError):
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            what = (
                f"the character U+{code:04X} is not allowed in a YAML file; "
                "remove it (control characters are not text)"
            )
        return refuse(f"invalid YAML: {what}", line)
    except RecursionError:  # pragma: no cover - the shape check bounds the depth
        return refuse(f"mappings and lists are nested more than {MAX_DEPTH} levels deep")
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    if node is None:
        return _Parsed({}, lines, problems)
    if _expanded_size(node, {}) > MAX_VALUES:
        alias = next(
            (e for e in yaml.parse(text, Loader=_StrictLoader) if isinstance(e, yaml.AliasEvent)),
            None,
        )
        return refuse(
            f"YAML aliases (*name) expand the file to more than {MAX_VALUES:,} values; write "
            "the values out instead of repeating an alias of an alias",
            alias.start_mark.line + 1 if alias is not None else 1,
        )
    value = _construct(node, (), lines, problems, name)
    return _Parsed(value, lines, problems)


def _construct(node, path: Path_, lines, problems, name):
    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(
            Problem(
                f"the tag {tag} is not allowed: parameter files hold plain values only "
                "(text, numbers, true/false, lists, mappings); remove the tag",
                file=name,
                line=line,
                column=_dotted(path) or None,
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path + ("<key>",), {}, problems, name)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                problems.append(
                    Problem(f"keys must be text, got {key!r}", file=name, line=key_line)
                )
                key = str(key)
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
            out[key] = _construct(value_node, path + (key,), lines, problems, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(child, path + (i,), lines, problems, name)
            for i, child in enumerate(node.value)
        ]
    try:
        return _SCALAR_LOADER.yaml_constructors[node.tag](_SCALAR_LOADER, node)
    except (ValueError, yaml.YAMLError) as exc:  # e.g. an integer of more than 4,300 digits
        problems.append(
            Problem(
                f"cannot read the value {node.value[:40]!r}: {str(exc).splitlines()[0]}",
                file=name,
                line=line,
                column=_dotted(path) or None,
            )
        )
        return _UNREADABLE


_SCALAR_LOADER = yaml.SafeLoader("")


class _Unreadable:
    """A scalar YAML could not turn into a value (its problem is already reported)."""

    def __repr__(self) -> str:
        return "<unreadable>"


_UNREADABLE = _Unreadable()
_REPORTED = "\x00reported"


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ----------------------------------------------------------------------------- messages
def annotation_name(annotation: Any) -> str:
    """How a schema type is written in a notebook's ``parameters`` cell.

    ``Literal`` options are written as their base type (``str``), because
    papermill's notebook inspection reads simple annotations only.

    Examples
    --------
    >>> annotation_name(list[str])
    'list[str]'
    >>> annotation_name(SkmStandard)
    'str'
    """
    origin = get_origin(annotation)
    if origin is Literal:
        return type(get_args(annotation)[0]).__name__
    if origin in (list, tuple, dict):
        return f"{origin.__name__}[{', '.join(annotation_name(a) for a in get_args(annotation))}]"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(annotation_name(a) for a in get_args(annotation))
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))


def _allowed(annotation: Any) -> tuple | None:
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    return None


_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "list[str]": "a list of text values",
}


def _type_word(annotation: Any) -> str:
    name = annotation_name(annotation)
    return _TYPE_WORDS.get(name, name)


def _describe(value: Any) -> str:
    kind = {
        bool: "true/false",
        int: "number",
        float: "number",
        str: "text",
        list: "list",
        dict: "mapping",
    }
    return f"{value!r} ({kind.get(type(value), type(value).__name__)})"


def _field_problem(key: str, annotation: Any, value: Any, error_type: str, ctx: dict) -> str:
    allowed = _allowed(annotation)
    if allowed is not None:
        text = f"must be one of {', '.join(repr(a) for a in allowed)}, got {_describe(value)}"
        if isinstance(value, int | float) and str(value) in {str(a) for a in allowed}:
            text += f'; write it in quotes: "{value}"'
        return text
    if error_type in ("greater_than_equal", "less_than_equal"):
        shown = _short_number(value)
        if "ge" in ctx and "le" in ctx and key.endswith("year"):
            return f"must be a year from {ctx['ge']} to {ctx['le']}, got {shown}"
        if error_type == "greater_than_equal":
            return f"must be at least {ctx['ge']}, got {shown}"
        return f"must be at most {ctx['le']:,}, got {shown}"
    want = _type_word(annotation)
    text = f"must be {want}, got {_describe(value)}"
    if annotation_name(annotation) == "str" and isinstance(value, int | float | bool):
        text += (
            f'; write it in quotes: "{str(value).lower() if isinstance(value, bool) else value}"'
        )
    if annotation_name(annotation) == "bool" and isinstance(value, str):
        text += "; write true or false"
    return text


def _short_number(value: Any) -> str:
    """A number as the message shows it: long ones by their digit count."""
    text = repr(value)
    if len(text) > 24:
        return f"a number of {len(text.lstrip('-'))} digits"
    return text


def _suggest(key: str, known: list[str], noun: str = "keys") -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known {noun}: {', '.join(known)}"


# ----------------------------------------------------------------------------- validation
def load_params(
    path: str | Path, *, notebooks_dir: str | Path | None = None, check_data: bool = True
) -> StudyConfig:
    """Read and validate a study parameter file before any kernel starts.

    Every problem is collected — unknown keys (with a "did you mean"),
    wrong types, unparseable dates, missing folders and tables, impossible
    combinations — and raised at once, each with the file and line.

    Parameters
    ----------
    path : str or Path
        The YAML parameter file.
    notebooks_dir : str or Path, optional
        Folder of the study notebooks; when given, a notebook listed in the
        file whose ``.ipynb`` is missing is a problem too.
    check_data : bool
        Also load the data the notebooks read and list its problems
        (:func:`innolab_analysis.data.check.check_data`); ``False`` checks
        the parameters only (``innolab validate --no-data``).

    Returns
    -------
    StudyConfig

    Raises
    ------
    ParamsError
        With one :class:`~innolab_analysis.errors.Problem` per problem.

    Examples
    --------
    >>> from innolab_analysis.reports.params import load_params
    >>> cfg = load_params("params/mojokerto.yaml")  # doctest: +SKIP
    >>> cfg.notebooks["service_quality"].standard  # doctest: +SKIP
    '2017'
    """
    path = Path(path).resolve()
    name = _display(path)
    parsed = _parse(path, name)
    problems = list(parsed.problems)
    if parsed.problems and parsed.value is None:
        raise ParamsError(problems)
    raw = parsed.value
    lines = parsed.lines

    def line_of(*keys: str | int) -> int | None:
        if not keys:
            return None
        keys_t: Path_ = tuple(keys)
        while keys_t and keys_t not in lines:
            keys_t = keys_t[:-1]
        return lines.get(keys_t)

    def add(message: str, *keys: str | int, column: str | None = None) -> None:
        if message == _REPORTED:
            return
        problems.append(
            Problem(
                message,
                file=name,
                line=line_of(*keys) or 1,  # a problem of the whole file points at its start
                column=column or _dotted(keys) or None,
            )
        )

    if not isinstance(raw, dict):
        add("the file must hold a mapping of keys (study, data_dir, notebooks, …)")
        raise ParamsError(problems)
    if raw.get("kind") == "comparison":
        from innolab_analysis.reports.comparison import load_comparison

        return load_comparison(path, raw, lines, problems, notebooks_dir=notebooks_dir)

    # --- top level
    top_fields = _StudyModel.model_fields
    for key in raw:
        if key not in top_fields:
            add(f"unknown key '{key}'" + _suggest(key, list(top_fields)), key)
    for key, info in top_fields.items():
        if info.is_required() and key not in raw:
            add(f"'{key}' is missing: {info.description[0].lower()}{info.description[1:]}")
    top: dict[str, Any] = {}
    for key, info in top_fields.items():
        if key not in raw:
            continue
        value = raw[key]
        if key == "notebooks":
            if not isinstance(value, dict) or not value:
                add(
                    "'notebooks' must map notebook names to their parameters, e.g. "
                    "'service_quality: {standard: \"2017\"}'",
                    key,
                )
                continue
            top[key] = value
            continue
        err = _check_value(key, info.annotation, value, info.metadata)
        if err:
            add(err, key)
        else:
            top[key] = value

    study = top.get("study")
    if isinstance(study, str) and not re.fullmatch(r"[A-Za-z0-9_-]+", study):
        add(
            f"must use letters, digits, '_' and '-' only (it names a folder), got {study!r}",
            "study",
        )
    if (
        "start_year" in top
        and "end_year" in top
        and top["start_year"] is not None
        and top["end_year"] is not None
        and top["start_year"] > top["end_year"]
    ):
        add(
            f"start_year ({top['start_year']}) is after end_year ({top['end_year']}); swap them",
            "start_year",
        )

    data_dir: Path | None = None
    if "data_dir" in top:
        data_dir = _resolve(path.parent, top["data_dir"])
        if not _is(data_dir, folder=True):
            add(
                f"data_dir {top['data_dir']!r} does not exist (resolved to {data_dir}); "
                "paths are relative to the parameter file",
                "data_dir",
            )
            data_dir = None

    # --- notebooks
    validated: dict[str, _NotebookParams] = {}
    for nb, block in top.get("notebooks", {}).items():
        if nb not in NOTEBOOK_MODELS:
            add(
                f"unknown notebook '{nb}'" + _suggest(nb, list(NOTEBOOK_MODELS), "notebooks"),
                "notebooks",
                nb,
            )
            continue
        if nb in COMPARISON_NOTEBOOKS:
            add(
                f"notebook '{nb}' compares several studies: it runs from a file of its own with "
                "'kind: comparison' and a 'studies' list (see params/comparison_demo.yaml)",
                "notebooks",
                nb,
            )
            continue
        params = _validate_notebook(nb, block, top, data_dir, path, notebooks_dir, add)
        if params is not None:
            validated[nb] = params

    data_problems = _data_problems(validated, raw, name, line_of) if check_data else []
    if problems or data_problems:
        raise ParamsError(sorted(problems, key=lambda p: p.line or 0) + data_problems)
    return StudyConfig(
        study=top["study"],
        title=top.get("title") or top["study"],
        language=top.get("language", "id"),
        data_dir=data_dir if data_dir is not None else path.parent,
        path=path,
        notebooks={nb: validated[nb] for nb in NOTEBOOK_MODELS if nb in validated},
    )


def _data_problems(validated, raw, name, line_of) -> list[Problem]:
    """The data layer's check of every data folder the notebooks read (same messages as run)."""
    from innolab_analysis.data.check import DataNeed, check_data

    needs = []
    for nb, params in validated.items():
        if "data_dir" not in type(params).model_fields:
            continue
        block = raw["notebooks"].get(nb) or {}
        key = ("notebooks", nb, "start_year") if "start_year" in block else ("start_year",)
        years = (params.start_year, params.end_year) if nb == "service_quality" else None
        tables = list(NOTEBOOK_TABLES[nb])
        if isinstance(params, InnovationImpactParams):
            tables.append(_IMPACT_OUTCOME_TABLE[params.outcome])
        needs.append(DataNeed(nb, Path(params.data_dir), years, key, tuple(tables)))
    return check_data(needs, params_file=name, line_of=line_of)


def _validate_notebook(nb, block, top, data_dir, path, notebooks_dir, add):
    """Validate one notebook block; report through ``add``; return the model or None."""
    if block is None:
        block = {}
    if not isinstance(block, dict):
        add(
            f"the parameters of '{nb}' must be a mapping (use {{}} for the defaults), "
            f"got {_describe(block)}",
            "notebooks",
            nb,
        )
        return None
    if notebooks_dir is not None and not (Path(notebooks_dir) / f"{nb}.ipynb").is_file():
        add(
            f"notebook '{nb}' is listed but {_display(Path(notebooks_dir) / (nb + '.ipynb'))} "
            "does not exist; remove it from the file or add the notebook",
            "notebooks",
            nb,
        )
    model = NOTEBOOK_MODELS[nb]
    fields = model.model_fields
    settable = [k for k in fields if k not in _RUNNER_KEYS]
    values: dict[str, Any] = {}
    origin: dict[str, Path_] = {}
    for key in COMMON_KEYS:
        if key in fields and top.get(key) is not None:
            if key == "data_dir":
                if data_dir is None:
                    continue  # reported once at the top level
                values[key] = str(data_dir)
            else:
                values[key] = top[key]
            origin[key] = (key,)
    invalid: set[str] = set()
    for key, value in block.items():
        where = ("notebooks", nb, key)
        if key in _RUNNER_KEYS:
            add(f"'{key}' is set by the runner (reports/<study>); remove it", *where)
            continue
        if key not in fields:
            add(
                f"unknown parameter '{key}' for notebook '{nb}'"
                + _suggest(key, settable, "parameters"),
                *where,
            )
            continue
        origin[key] = where
        err = _check_value(key, fields[key].annotation, value, fields[key].metadata)
        if err:
            add(err, *where)
            invalid.add(key)
            values.pop(key, None)
            continue
        if key == "data_dir":
            resolved = _resolve(path.parent, value)
            if not _is(resolved, folder=True):
                add(
                    f"data_dir {value!r} does not exist (resolved to {resolved}); "
                    "paths are relative to the parameter file",
                    *where,
                )
                invalid.add(key)
                continue
            value = str(resolved)
        values[key] = value
    if "data_dir" in fields and "data_dir" not in values:
        invalid.add("data_dir")  # the common data_dir is missing or does not exist
    try:
        params = model(**{k: v for k, v in values.items() if k not in invalid})
    except ValidationError as exc:  # a check above let a value through that pydantic refuses
        for err in exc.errors():
            key = str(err["loc"][0]) if err.get("loc") else ""
            add(f"{key}: {err['msg']}", *origin.get(key, ("notebooks", nb)))
        return None
    for message, keys in _cross_checks(nb, params):
        from_top = all(origin.get(k, ("",))[0] != "notebooks" for k in keys)
        if from_top and set(keys) <= {"start_year", "end_year"}:
            continue  # already reported once for the whole file
        if not invalid.intersection(keys):
            add(message, *origin.get(keys[0], ("notebooks", nb)))

    updates: dict[str, Any] = {}
    if isinstance(params, InnovationPortfolioParams) and params.rubric != "default":
        rubric = _resolve(path.parent, params.rubric)
        if _is(rubric, folder=False):
            updates["rubric"] = str(rubric)
        else:
            add(
                f"rubric file {params.rubric!r} does not exist (resolved to {rubric}); "
                "use 'default' or a path relative to the parameter file",
                *origin["rubric"],
            )
    if isinstance(params, ComparativeSynthesisParams) and params.results_dir:
        results = _resolve(path.parent, params.results_dir)
        if _is(results, folder=True):
            updates["results_dir"] = str(results)
        else:
            add(
                f"results_dir {params.results_dir!r} does not exist (resolved to {results})",
                *origin["results_dir"],
            )
    if "data_dir" not in invalid and "data_dir" in fields:
        tables = list(NOTEBOOK_TABLES[nb])
        if isinstance(params, InnovationImpactParams) and "outcome" not in invalid:
            tables.append(_IMPACT_OUTCOME_TABLE[params.outcome])
        from innolab_analysis.data.sources import available_tables

        folder = Path(params.data_dir)
        present = available_tables(folder)
        missing = [t for t in tables if t not in present]
        if missing:
            add(
                f"notebook '{nb}' needs the table(s) {', '.join(missing)}, missing from "
                f"{_display(folder)} (expected <table>.csv, .parquet or .xlsx)",
                *origin.get("data_dir", ("notebooks", nb)),
            )
    if invalid:
        return None
    return params.model_copy(update=updates) if updates else params


def _check_value(key: str, annotation: Any, value: Any, metadata: list) -> str | None:
    """Return a problem message when ``value`` does not fit ``annotation``, else None."""
    if value is _UNREADABLE:
        return _REPORTED
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = get_args(annotation)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        annotation = inner[0] if len(inner) == 1 else annotation
    allowed = _allowed(annotation)
    if allowed is not None:
        if value not in allowed or type(value) is not type(allowed[0]):
            return _field_problem(key, annotation, value, "literal_error", {})
        return None
    name = annotation_name(annotation)
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "dict[str, dict[str, Any]]": isinstance(value, dict),
    }.get(name, True)
    if not ok:
        if name == "list[str]" and isinstance(value, list):
            bad = [v for v in value if not isinstance(v, str)]
            return (
                f"must be a list of text values, got {_describe(bad[0])} in it; "
                f'write codes in quotes: ["3577", "3515"]'
            )
        return _field_problem(key, annotation, value, "type", {})
    for m in metadata:
        ge, le = getattr(m, "ge", None), getattr(m, "le", None)
        if ge is not None and value < ge:
            return _field_problem(key, annotation, value, "greater_than_equal", _bounds(metadata))
        if le is not None and value > le:
            return _field_problem(key, annotation, value, "less_than_equal", _bounds(metadata))
    return None


def _bounds(metadata: list) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in metadata:
        for attr in ("ge", "le"):
            if getattr(m, attr, None) is not None:
                out[attr] = getattr(m, attr)
    return out


def _cross_checks(nb: str, p: _NotebookParams) -> list[tuple[str, tuple[str, ...]]]:
    """Impossible combinations: (message, keys involved; the first key gives the line)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    start, end = getattr(p, "start_year", None), getattr(p, "end_year", None)
    if start is not None and end is not None and start > end:
        out.append(
            (
                f"start_year ({start}) is after end_year ({end}) for notebook '{nb}'",
                ("start_year", "end_year"),
            )
        )
    if isinstance(p, CitySpilloverParams):
        if p.satellite == p.core:
            out.append(
                (
                    f"satellite and core are the same region ({p.satellite!r}); "
                    "the satellite city must differ from the core city",
                    ("core", "satellite"),
                )
            )
        try:
            event = _dt.date.fromisoformat(p.event)
        except ValueError:
            out.append((f"event must be a date written YYYY-MM-DD, got {p.event!r}", ("event",)))
        else:
            if start is not None and end is not None and not (start < event.year <= end):
                out.append(
                    (
                        f"event {p.event} must fall after start_year ({start}) and no later "
                        f"than end_year ({end}) so there are years before and after it",
                        ("event", "start_year", "end_year"),
                    )
                )
        clash = [d for d in p.donors if d in (p.satellite, p.core)]
        if clash:
            out.append(
                (
                    "donors must not include the satellite or the core city, got "
                    + ", ".join(repr(c) for c in clash),
                    ("donors", "satellite", "core"),
                )
            )
    return out


def _resolve(base: Path, value: str) -> Path:
    """``base / value`` resolved; a value that is no path at all (a NUL byte) stays unresolved."""
    try:
        return (base / value).resolve()
    except (OSError, ValueError, RuntimeError):
        return base / value.replace("\x00", "\\0")


def _is(path: Path, folder: bool) -> bool:
    """Whether ``path`` is an existing folder (or file); False for names the OS refuses."""
    try:
        return path.is_dir() if folder else path.is_file()
    except (OSError, ValueError):
        return False


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parameter_table() -> list[dict[str, str]]:
    """Every notebook parameter from the schema: notebook, name, type, default, help.

    Examples
    --------
    >>> rows = parameter_table()
    >>> [r["default"] for r in rows if r["name"] == "standard"]
    ["'2017'"]
    """
    rows = []
    for nb, model in NOTEBOOK_MODELS.items():
        for key, info in model.model_fields.items():
            allowed = _allowed(info.annotation)
            typ = annotation_name(info.annotation)
            if allowed:
                typ += " {" + ", ".join(repr(a) for a in allowed) + "}"
            default = info.get_default(call_default_factory=True)
            rows.append(
                {
                    "notebook": nb,
                    "name": key,
                    "type": typ,
                    "default": repr(default),
                    "help": info.description or "",
                    "common": "yes" if key in COMMON_KEYS else "",
                }
            )
    return rows
