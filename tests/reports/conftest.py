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
def tiny_setup(tmp_path_factory, write_tiny_tables):
    """(notebooks_dir, data_dir, make_params) for the fast stand-in notebook."""
    root = tmp_path_factory.mktemp("tiny")
    nb_dir = root / "notebooks"
    write_tiny_notebook(nb_dir)
    write_tiny_synthesis(nb_dir)
    data = root / "data"
    data.mkdir()
    write_tiny_tables(data, ("agencies", "skm_responses"))

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
    """params/test_demo.yaml with an absolute data_dir (every notebook it lists must exist)."""
    raw = yaml.safe_load((REPO / "params" / "test_demo.yaml").read_text())
    raw["data_dir"] = str((REPO / "params" / raw["data_dir"]).resolve())
    missing: dict[str, str] = {}
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


# ----------------------------------------------------------------------------- report pages
# (report engineer) the demo study in both languages, headless Chromium, the hostile corpus

HOSTILE_PAYLOADS: tuple[str, ...] = (
    '<img src="data:," onerror="document.title=\'pwned\';window.__pwned=1">',
    "<img src=x onerror=window.__pwned=2>",
    '<svg onload="window.__pwned=3"><circle r="5"/></svg>',
    '<details ontoggle="window.__pwned=4" open>x</details>',
    '<input autofocus onfocus="window.__pwned=5">',
    '<a href="javascript:window.__pwned=6">klik</a>',
    "<script>window.__pwned=7</script>",
    '<meta http-equiv="refresh" content="0;url={server}/refresh">',
    "<style>@import url({server}/import.css);</style>",
    '<span style="background:url({server}/bg.png)">latar</span>',
    '<video poster="{server}/poster.png"></video>',
    '<object data="{server}/object"></object>',
    '<iframe src="{server}/frame"></iframe>',
    '<link rel="stylesheet" href="{server}/link.css">',
    '<base href="{server}/">',
    '<form action="{server}/form"><button>kirim</button></form>',
    "[tautan]({server}/markdown-link) ![gambar]({server}/markdown-image.png)",
    "\"'><img src=x onerror=window.__pwned=8>",
    "$\\alpha^{{2}}$ dan $x_1$",
    "\n\n# Judul palsu\n\n* daftar",
    "{{{{7*7}}}} {{name}} %(x)s",
    "Dinas\u202eKebalik\u202c\u200bNol\u200dLebar",
    "Panjang" * 60,
)
"""Hostile text for every free-text field of the demo data; ``{server}`` is a local URL."""


def hostile_value(original: object, n: int, server: str) -> str:
    """The ``n``-th payload before the original text (distinct values stay distinct)."""
    payload = HOSTILE_PAYLOADS[n % len(HOSTILE_PAYLOADS)].format(server=server)
    return f"{payload} {original}"


def free_text_columns() -> dict[str, list[str]]:
    """Table → its free-text columns (names and labels: no ids, codes, keys or categories)."""
    from innolab_analysis.data.tables import TABLES

    return {
        t.name: [
            c.name
            for c in t.columns
            if c.dtype == "string"
            and not c.unique
            and c.references is None
            and c.allowed is None
            and c.name not in t.key
        ]
        for t in TABLES.values()
    }


def demo_params(tmp: Path, *, study: str, language: str, data_dir: Path | None = None) -> Path:
    """params/test_demo.yaml as study ``study`` in ``language`` (absolute data folder)."""
    raw = yaml.safe_load((REPO / "params" / "test_demo.yaml").read_text())
    raw["data_dir"] = str(data_dir or (REPO / "params" / raw["data_dir"]).resolve())
    raw["study"] = study
    raw["language"] = language
    path = tmp / f"{study}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.fixture(scope="session")
def bilingual_reports(tmp_path_factory):
    """The demo study run once per language (small parameters): ``(reports_dir, {language: runs})``."""
    from innolab_analysis.reports.runner import run_study

    tmp = tmp_path_factory.mktemp("bilingual")
    out = tmp / "reports"
    runs = {}
    for language in ("id", "en"):
        params = demo_params(tmp, study=f"demo_{language}", language=language)
        runs[language] = {r.notebook: r for r in run_study(params, out=out, timeout=300)}
    return out, runs


def require(what: str, found: bool) -> None:
    """Skip without ``what`` (a tool outside pip), but fail under ``CI=true``."""
    import os

    if found:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}; under CI=true the browser tests must run (.ci/run installs it)")
    pytest.skip(what)


CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """A headless Chromium (the system's, never a downloaded one) with a fresh profile."""
    import shutil

    binary = shutil.which("chromium") or "/usr/bin/chromium"
    require("headless Chromium is not installed (apt-get install chromium)", Path(binary).is_file())
    try:
        from playwright import sync_api
    except ImportError:
        require("playwright is not installed (pip install -e '.[test]')", False)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=binary,
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


PAGE_WATCH = """
window.__pwned = 0;
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def visit(context, path: Path, *, width: int = 1280, settle_ms: int = 600):
    """Open ``path``; return ``(page, state)`` with what ran, loaded and broke on it."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on(
        "console",
        lambda m: (
            errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.add_init_script(PAGE_WATCH)
    uri = path.resolve().as_uri()
    page.goto(uri, wait_until="load")
    page.wait_for_timeout(settle_ms)
    state = page.evaluate(
        """() => ({
          title: document.title, pwned: window.__pwned, csp: window.__csp, url: location.href,
          scroll_width: document.documentElement.scrollWidth,
          images: Array.from(document.images).map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0})),
          toc: Array.from(document.querySelectorAll("nav.toc a[href^='#']")).map(a => a.getAttribute("href").slice(1)),
          text: document.body.innerText,
        })"""
    )
    state["toc_missing"] = [t for t in state["toc"] if page.locator(f"[id='{t}']").count() != 1]
    state["requests"] = [u for u in requests if u != uri and not u.startswith("data:")]
    state["errors"] = errors
    return page, state


AXE_FILE = "node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source (npm package; ``.ci/run`` installs it into ``INNOLAB_AXE_DIR``)."""
    import os

    folder = Path(os.environ.get("INNOLAB_AXE_DIR") or Path.home() / ".cache" / "innolab" / "axe")
    require(f"axe-core is not installed in {folder} (see .ci/run)", (folder / AXE_FILE).is_file())
    return (folder / AXE_FILE).read_text(encoding="utf-8")


def axe_violations(page, source: str) -> list[dict]:
    """axe-core's violations on an open page (injected over the DevTools protocol, not a tag)."""
    page.evaluate(source + "\n;0")
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )


@pytest.fixture(scope="session")
def open_page(chromium):
    """``open_page(path, width=1280) -> (page, state)`` in the shared headless Chromium."""
    return lambda path, **kw: visit(chromium, path, **kw)


@pytest.fixture(scope="session")
def axe(axe_source):
    """``axe(page) -> violations`` (axe-core over the DevTools protocol)."""
    return lambda page: axe_violations(page, axe_source)


@pytest.fixture(scope="session")
def hostile_payloads() -> tuple[str, ...]:
    """The hostile-content corpus (``{server}``: a local URL that must receive nothing)."""
    return HOSTILE_PAYLOADS


@pytest.fixture(scope="session")
def free_text():
    """``free_text() -> {table: [free-text columns]}``."""
    return free_text_columns


@pytest.fixture(name="hostile_value", scope="session")
def _hostile_value():
    """``hostile_value(original, n, server) -> str``."""
    return hostile_value


@pytest.fixture(scope="session")
def demo_params_file():
    """``demo_params_file(tmp, study=, language=, data_dir=None) -> Path``."""
    return demo_params


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
