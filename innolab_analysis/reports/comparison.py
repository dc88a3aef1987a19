"""Comparison parameter files (``kind: comparison``): several studies' results side by side.

A comparison compares studies that have run (each into ``reports/<study>/``)::

    kind: comparison
    study: comparison_demo                 # its own output folder: reports/comparison_demo/
    title: "Perbandingan kota: Kota Mojokerto dan Kota Pasuruan"
    language: id
    studies:                               # the studies' parameter files (relative to this file)
      - mojokerto.yaml
      - pasuruan_demo.yaml
      # or a result folder with the data folder it came from:
      # - {results: ../reports/archive/kota_x, data_dir: ../data/kota_x}
    notebooks:                             # optional: the comparison's own options
      city_comparison: {pool_method: REML}

It is validated like any study file — unknown keys with a "did you mean", types, files and
folders that must exist, every problem at once with its line — and
:func:`~innolab_analysis.reports.params.load_params` returns a :class:`ComparisonConfig`, a
:class:`~innolab_analysis.reports.params.StudyConfig` the runner runs like any other (one
notebook, ``city_comparison``). Before its kernel starts, :meth:`ComparisonConfig.missing_results`
names every compared study whose results are not there yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from innolab_analysis.errors import ParamsError, Problem
from innolab_analysis.reports.params import (
    StudyConfig,
    _check_value,
    _display,
    _dotted,
    _suggest,
    _validate_notebook,
)

__all__ = ["COMPARISON_KEYS", "ComparisonConfig", "load_comparison"]

COMPARISON_KEYS: dict[str, str] = {
    "kind": "'comparison'",
    "study": "id of the comparison (its output folder)",
    "title": "title shown in the report and the index",
    "language": "language of the report",
    "timezone": "time zone of the report",
    "studies": "the studies compared: parameter files, or {results, data_dir} folders",
    "notebooks": "optional options of the city_comparison notebook",
}
"""Top-level keys of a comparison file and what they hold."""

_FROM_FILE = ("studies", "data_dirs", "results_dirs")
_NOTEBOOK = "city_comparison"


@dataclass(frozen=True)
class ComparisonConfig(StudyConfig):
    """A validated comparison file: a study config whose one notebook compares other studies.

    Attributes
    ----------
    studies : tuple of str
        Ids of the compared studies, in the file's order.
    sources : tuple of str
        Where each came from (the parameter file or the results folder), for messages.
    """

    studies: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def results_folders(self, reports_dir: str | Path) -> list[Path]:
        """The results folder of every compared study (``<reports_dir>/<study>`` by default)."""
        params = self.notebooks[_NOTEBOOK]
        return [
            Path(r) if r else Path(reports_dir) / s
            for s, r in zip(params.studies, params.results_dirs)
        ]

    def missing_results(self, reports_dir: str | Path) -> list[Problem]:
        """A problem for every compared study that has no recorded effect rows yet."""
        out = []
        for study, source, folder in zip(
            self.studies, self.sources, self.results_folders(reports_dir)
        ):
            if not any((folder / "effects").glob("*.csv")):
                out.append(
                    Problem(
                        f"study '{study}' has no results in {_display(folder / 'effects')}; "
                        f"run it first (innolab run {source}) or list its results folder",
                        file=_display(self.path),
                        column="studies",
                    )
                )
        return out


def load_comparison(
    path: Path,
    raw: dict[str, Any],
    lines: dict[tuple, int],
    problems: list[Problem],
    *,
    notebooks_dir: str | Path | None = None,
) -> ComparisonConfig:
    """Validate a parsed ``kind: comparison`` file (called by ``load_params``).

    Raises
    ------
    ParamsError
        Every problem at once, each with the file and line.
    """
    name = _display(path)

    def line_of(*keys) -> int | None:
        if not keys:
            return None
        keys = tuple(keys)
        while keys and keys not in lines:
            keys = keys[:-1]
        return lines.get(keys)

    def add(message: str, *keys) -> None:
        problems.append(
            Problem(message, file=name, line=line_of(*keys), column=_dotted(tuple(keys)) or None)
        )

    for key in raw:
        if key not in COMPARISON_KEYS:
            hint = _suggest(key, list(COMPARISON_KEYS))
            if key in ("data_dir", "start_year", "end_year"):
                hint = "; a comparison reads the data folders of the studies it lists"
            add(f"unknown key '{key}' in a comparison file" + hint, key)
    for key in ("study", "studies"):
        if key not in raw:
            add(f"'{key}' is missing: {COMPARISON_KEYS[key]}")
    top: dict[str, Any] = {}
    checks = {"study": str, "title": str}
    for key, annotation in checks.items():
        if key in raw:
            err = _check_value(key, annotation, raw[key], [])
            if err:
                add(err, key)
            else:
                top[key] = raw[key]
    from innolab_analysis.reports.params import CityComparisonParams

    for key in ("language", "timezone"):
        if key in raw:
            err = _check_value(key, CityComparisonParams.model_fields[key].annotation, raw[key], [])
            if err:
                add(err, key)
            else:
                top[key] = raw[key]
    study = top.get("study")
    if isinstance(study, str) and not re.fullmatch(r"[A-Za-z0-9_-]+", study):
        add(
            f"must use letters, digits, '_' and '-' only (it names a folder), got {study!r}",
            "study",
        )

    ids, data_dirs, results, sources = _studies(path, raw.get("studies"), add)
    if study in ids:
        add(f"the comparison's own id '{study}' is also a compared study; give it its own id",
            "study")  # fmt: skip

    block = _notebook_block(raw.get("notebooks"), add)
    params = None
    if block is not None:
        params = _validate_notebook(_NOTEBOOK, block, top, None, path, notebooks_dir, add)
    if problems or params is None:
        raise ParamsError(sorted(problems, key=lambda p: p.line or 0))
    params = params.model_copy(
        update={"studies": ids, "data_dirs": data_dirs, "results_dirs": results}
    )
    return ComparisonConfig(
        study=top["study"],
        title=top.get("title") or top["study"],
        language=top.get("language", "id"),
        data_dir=path.parent,
        path=path,
        notebooks={_NOTEBOOK: params},
        studies=tuple(ids),
        sources=tuple(sources),
    )


def _notebook_block(notebooks: Any, add) -> dict | None:
    """The options of city_comparison from the optional ``notebooks`` mapping."""
    if notebooks is None:
        return {}
    if not isinstance(notebooks, dict):
        add("'notebooks' must be a mapping, e.g. 'city_comparison: {pool_method: REML}'",
            "notebooks")  # fmt: skip
        return None
    block: dict = {}
    for nb, value in notebooks.items():
        if nb != _NOTEBOOK:
            add(
                f"a comparison file runs only the notebook '{_NOTEBOOK}', got '{nb}'; run the "
                "studies' own notebooks from their parameter files",
                "notebooks",
                nb,
            )
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            add(f"the parameters of '{nb}' must be a mapping (use {{}} for the defaults)",
                "notebooks", nb)  # fmt: skip
            return None
        for key in _FROM_FILE:
            if key in value:
                add(f"'{key}' is set from the file's 'studies' list; remove it",
                    "notebooks", nb, key)  # fmt: skip
        block = {k: v for k, v in value.items() if k not in _FROM_FILE}
    return block


def _studies(path: Path, entries: Any, add) -> tuple[list[str], list[str], list[str], list[str]]:
    """Study ids, data folders, results folders ("" = <reports>/<study>) and sources."""
    from innolab_analysis.reports.params import load_params

    ids: list[str] = []
    data_dirs: list[str] = []
    results: list[str] = []
    sources: list[str] = []
    if entries is None:
        return ids, data_dirs, results, sources
    if not isinstance(entries, list) or len(entries) < 2:
        add("'studies' must list at least two studies: their parameter files (relative to this "
            "file) or {results: <folder>, data_dir: <folder>}", "studies")  # fmt: skip
        return ids, data_dirs, results, sources
    for i, entry in enumerate(entries):
        where = ("studies", i)
        if isinstance(entry, str):
            file = (path.parent / entry).resolve()
            if not file.is_file():
                add(f"study parameter file {entry!r} does not exist (resolved to {file}); paths "
                    "are relative to this file", *where)  # fmt: skip
                continue
            if file == path:
                add("a comparison cannot list itself", *where)
                continue
            try:
                cfg = load_params(file)
            except ParamsError as exc:
                add(f"study parameter file {entry!r} is invalid: {exc.problems[0]}"
                    + (f" (+{len(exc.problems) - 1} more; run innolab validate on it)"
                       if len(exc.problems) > 1 else ""), *where)  # fmt: skip
                continue
            if isinstance(cfg, ComparisonConfig):
                add(f"{entry!r} is itself a comparison; list the studies it compares", *where)
                continue
            study, data, result, source = cfg.study, str(cfg.data_dir), "", _display(file)
        elif isinstance(entry, dict):
            unknown = [k for k in entry if k not in ("results", "data_dir")]
            for k in unknown:
                add(f"unknown key '{k}'" + _suggest(k, ["results", "data_dir"]), *where, k)
            folders = {}
            for key in ("results", "data_dir"):
                value = entry.get(key)
                if not isinstance(value, str):
                    add(f"'{key}' must be a folder path (text)", *where, key)
                    continue
                folder = (path.parent / value).resolve()
                if not folder.is_dir():
                    add(f"{key} {value!r} does not exist (resolved to {folder}); paths are "
                        "relative to this file", *where, key)  # fmt: skip
                    continue
                folders[key] = folder
            if len(folders) < 2 or unknown:
                continue
            study, data = folders["results"].name, str(folders["data_dir"])
            result, source = str(folders["results"]), _display(folders["results"])
        else:
            add("each study is a parameter file (text) or {results: <folder>, data_dir: <folder>}",
                *where)  # fmt: skip
            continue
        if study in ids:
            add(f"study '{study}' is listed twice; list each study once", *where)
            continue
        ids.append(study)
        data_dirs.append(data)
        results.append(result)
        sources.append(source)
    return ids, data_dirs, results, sources
