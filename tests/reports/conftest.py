"""Fixtures for the runner and publishing tests.

``published`` runs the test study (``params/test_demo.yaml``: every notebook on
the demo data, small parameters) once per session into a temporary reports
folder; notebooks that do not exist yet are left out (and their tests skip
with the reason). ``tiny_notebooks`` is a folder with a fast stand-in
``service_quality.ipynb`` (same parameters as the schema) whose behaviour the
parameters control, for failure, skip and batch tests without the cost of the
real analysis.
"""

from __future__ import annotations

import getpass
import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from innolab_analysis.reports.params import NOTEBOOK_MODELS, ServiceQualityParams, annotation_name

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"


def parameters_source(model) -> str:
    """A papermill parameters cell declaring exactly ``model``'s fields."""
    lines = []
    for name, info in model.model_fields.items():
        default = info.get_default(call_default_factory=True)
        lines.append(
            f"{name}: {annotation_name(info.annotation)} = {default!r}  # {info.description}"
        )
    return "\n".join(lines)


TINY_BODY = """
import os
import time
import pandas as pd
from pathlib import Path
from IPython.display import Markdown, display
from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.studies.effects import record_effects

display(Markdown("## Overview\\n\\nA tiny stand-in notebook."))
if standard == "2004":
    raise ZeroDivisionError("planted failure")
if standard == "2014":
    raise DataValidationError("planted bad data: column 'u1' holds text")
if bootstrap == 7:  # planted bad data with five problems: every one must reach the user
    raise DataValidationError(
        [Problem(f"u{i} holds text", file="skm_responses.csv", column=f"u{i}", rows=(i + 1,))
         for i in range(1, 6)]
    )
if bootstrap == 13:
    os._exit(1)  # planted dead kernel (as when the OS kills it for memory)
if bootstrap == 21:  # a long cell: says it started, then works until it is stopped
    Path(os.environ["INNOLAB_TEST_MARKER"]).write_text(str(os.getpid()))
    time.sleep(120)
rows = pd.DataFrame([{
    "study": Path(output_dir).name, "level": "city", "unit": "all", "outcome": "ikm",
    "term": str(end_year), "estimate": 80.0 + bootstrap, "std_error": 1.0, "ci_lower": 78.04 + bootstrap,
    "ci_upper": 81.96 + bootstrap, "p_value": 0.001, "n_obs": 100, "method": "tiny", "se_type": "planted",
}])
record_effects(rows, output_dir, notebook="service_quality")
"""

FIGURE_CELL = """
import matplotlib.pyplot as plt
%matplotlib inline
display(Markdown("## Figure"))
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([1, 2, 3], [1, 4, 9]);
"""


TINY_SYNTHESIS = """
from pathlib import Path
from IPython.display import Markdown, display
seen = sorted(f"{p.parent.parent.name}/{p.name}" for p in Path(results_dir).glob("*/effects/*.csv"))
display(Markdown("## Seen\\n\\nEffects seen: " + ", ".join(seen)))
"""


def write_parameterised(folder: Path, name: str, model, bodies: list[str]) -> Path:
    """``<folder>/<name>.ipynb``: a parameters cell declaring ``model``'s fields, then ``bodies``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(parameters_source(model))
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, *(nbformat.v4.new_code_cell(b) for b in bodies)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def write_tiny_synthesis(folder: Path) -> Path:
    """A stand-in comparative_synthesis: lists the effect files it finds when it runs."""
    from innolab_analysis.reports.params import ComparativeSynthesisParams

    return write_parameterised(
        folder, "comparative_synthesis", ComparativeSynthesisParams, [TINY_SYNTHESIS]
    )


def write_tiny_notebook(folder: Path) -> Path:
    return write_parameterised(
        folder, "service_quality", ServiceQualityParams, [TINY_BODY, FIGURE_CELL]
    )


@pytest.fixture(scope="session")
def tiny_setup(tmp_path_factory):
    """(notebooks_dir, data_dir, make_params) for the fast stand-in notebook."""
    root = tmp_path_factory.mktemp("tiny")
    nb_dir = root / "notebooks"
    write_tiny_notebook(nb_dir)
    write_tiny_synthesis(nb_dir)
    data = root / "data"
    data.mkdir()
    for table in ("agencies", "skm_responses"):
        (data / f"{table}.csv").write_text("x\n1\n")

    def make_params(folder: Path, study: str = "tiny", synthesis: bool = False, **params) -> Path:
        body = {
            "study": study,
            "title": f"Tiny {study}",
            "language": "en",
            "data_dir": str(data),
            "start_year": 2015,
            "end_year": 2024,
            "notebooks": {"service_quality": params}
            | ({"comparative_synthesis": {}} if synthesis else {}),
        }
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{study}.yaml"
        path.write_text(yaml.safe_dump(body, sort_keys=False))
        return path

    return nb_dir, data, make_params


def _test_params(tmp: Path) -> tuple[Path, dict[str, str]]:
    """params/test_demo.yaml itself, or a copy with only the notebooks that exist (absolute
    data_dir)."""
    if all((NOTEBOOKS / f"{nb}.ipynb").is_file() for nb in NOTEBOOK_MODELS):
        return REPO / "params" / "test_demo.yaml", {}
    raw = yaml.safe_load((REPO / "params" / "test_demo.yaml").read_text())
    raw["data_dir"] = str((REPO / "params" / raw["data_dir"]).resolve())
    missing = {
        nb: f"notebooks/{nb}.ipynb does not exist yet"
        for nb in raw["notebooks"]
        if not (NOTEBOOKS / f"{nb}.ipynb").is_file()
    }
    raw["notebooks"] = {k: v for k, v in raw["notebooks"].items() if k not in missing}
    # keep YAML quoting of codes/dates as strings
    path = tmp / "test_demo.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path, missing


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """Run the test study once; return (reports_dir, runs, missing notebooks)."""
    from innolab_analysis.reports.runner import run_study

    tmp = tmp_path_factory.mktemp("published")
    params, missing = _test_params(tmp)
    data_dir = params.parent / yaml.safe_load(params.read_text())["data_dir"]
    if not (data_dir / "agencies.csv").is_file():
        pytest.skip(f"the demo data are missing from {data_dir}")
    out = tmp / "reports"
    runs = run_study(params, out=out, timeout=300)
    return out, {r.notebook: r for r in runs}, missing


ALL_NOTEBOOKS = list(NOTEBOOK_MODELS)


class _Resources(HTMLParser):
    """Collect every resource a page would load, ids and TOC links."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.ids: set[str] = set()
        self.toc: list[str] = []
        self.images: list[dict[str, str]] = []
        self._in_nav = False
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "nav":
            self._in_nav = True
        if tag == "style":
            self._in_style = True
        if tag == "a" and self._in_nav and a.get("href", "").startswith("#"):
            self.toc.append(a["href"][1:])
        if tag == "img":
            self.images.append(a)
        for attr in ("src", "data-src", "poster"):
            if a.get(attr):
                self.loaded.append(a[attr])
        if tag == "link" and a.get("href"):
            self.loaded.append(a["href"])
        if a.get("style"):
            self.loaded += re.findall(r"url\(([^)]*)\)", a["style"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.loaded += re.findall(r"url\(([^)]*)\)", data)
            self.loaded += re.findall(r"@import\s+['\"]?([^'\";]+)", data)


def inspect_html(text: str) -> _Resources:
    """Parse a page: resources it loads, element ids, TOC targets, images."""
    parser = _Resources()
    parser.feed(text)
    return parser


def assert_self_contained(text: str) -> _Resources:
    """No resource loaded from outside the page, no script, TOC links resolve."""
    page = inspect_html(text)
    external = [u for u in page.loaded if not u.strip("'\" ").startswith("data:")]
    assert external == [], f"resources loaded from outside the page: {external[:5]}"
    assert "<script" not in text.lower()
    assert "http://" not in text and "https://" not in text
    unresolved = [t for t in page.toc if t not in page.ids]
    assert unresolved == [], f"table-of-contents links without a target: {unresolved}"
    return page


@pytest.fixture(scope="session")
def self_contained():
    """The checker: ``self_contained(html) -> parsed page`` (asserts no external resource)."""
    return assert_self_contained


def published_files(out: Path) -> list[Path]:
    skip = {"_executed", "_quarantine", "_staging", "_journal"}
    return [
        p
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".csv") and not skip & set(p.parts)
    ]


def assert_nothing_identifying(out: Path, *roots: Path) -> int:
    """No absolute path, host name or user name in any published file; returns how many."""
    host = socket.gethostname()
    user = getpass.getuser()
    forbidden = [str(REPO), str(Path.home()) + "/", *(str(r) for r in roots)]
    host_rx = re.compile(rf"(?<![\w.-]){re.escape(host)}(?![\w-])")
    user_rx = re.compile(rf"(/{re.escape(user)}/|/{re.escape(user)}\b|\b{re.escape(user)}@)")
    files = published_files(out)
    for path in files:
        text = re.sub(r"data:[^\"')\s]+", "data:", path.read_text(encoding="utf-8"))
        for item in forbidden:
            assert item not in text, f"{path.relative_to(out)} holds the path {item}"
        assert not host_rx.search(text), f"{path.relative_to(out)} holds the host name {host}"
        assert not user_rx.search(text), f"{path.relative_to(out)} holds the user name {user}"
    return len(files)


@pytest.fixture(scope="session")
def nothing_identifying():
    """``nothing_identifying(out, *roots) -> n files``: no absolute path, host or user name."""
    return assert_nothing_identifying


def process_gone(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` ends (or is a zombie) within ``within`` seconds."""
    import os
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def gone():
    """``gone(pid, within=10) -> bool``: the process ended (or is a zombie) in time."""
    return process_gone
