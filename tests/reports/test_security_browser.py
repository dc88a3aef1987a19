"""The hostile-content corpus through every report, in headless Chromium (issue 12).

Every free-text field of every table of a copy of the demo study (unit names,
region names, innovation titles, services …) gets a payload of the corpus
(``conftest.HOSTILE_PAYLOADS``: event handlers, ``javascript:`` links,
``<meta refresh>``, ``@import``, ``url()``, ``<object>``, ``<form>``, Markdown
links to outside hosts, mathtext, RTL and zero-width characters, a very long
name …); the outside URLs point at a local HTTP server. Every notebook runs on
it with small parameters, then the index and every report open in headless
Chromium: no payload may run (they try to change ``document.title`` and set
``window.__pwned``), navigate, or load anything (the server must receive
nothing, the page must make no request, and the CSP must never have had to
block anything, because the sanitiser already removed it).

Reports whose notebooks are migrated to escaped catalog text must also show
the names as text: the lead adds each migrated notebook to
:data:`NAMES_SHOWN_AS_TEXT` at merge.
"""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]

NAMES_SHOWN_AS_TEXT: set[str] = {
    "service_quality",
    "innovation_portfolio",
    "innovation_impact",
    "city_spillover",
    "comparative_synthesis",
}
"""Notebooks whose report must show the hostile names as text (switch on as each is migrated)."""


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """A local HTTP server that must receive nothing: ``(url, hits)``."""
    _Recorder.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.hits
    httpd.shutdown()
    httpd.server_close()


def hostile_copy(target: Path, server: str, free_text_columns, hostile_value) -> dict[str, int]:
    """The demo data with every free-text value replaced; ``{table.column: values changed}``."""
    shutil.copytree(REPO / "data" / "demo", target)
    mapping: dict[str, str] = {}
    changed: dict[str, int] = {}

    def hostile(value):
        if value in ("", None) or pd.isna(value):
            return value
        if value not in mapping:
            mapping[value] = hostile_value(value, len(mapping), server)
        return mapping[value]

    for table, columns in free_text_columns().items():
        for path in target.glob(f"{table}.*"):
            if path.suffix == ".csv":
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            elif path.suffix == ".parquet":
                frame = pd.read_parquet(path)
            else:
                continue
            for column in (c for c in columns if c in frame.columns):
                frame[column] = frame[column].map(hostile)
                changed[f"{table}.{column}"] = int(frame[column].nunique())
            if path.suffix == ".csv":
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
    return changed


def test_hostile_data_runs_nothing_and_loads_nothing(
    tmp_path, server, open_page, free_text, hostile_value, demo_params_file, hostile_payloads
):
    from innolab_analysis.reports.runner import run_study

    url, hits = server
    changed = hostile_copy(tmp_path / "data", url, free_text, hostile_value)
    assert {"agencies.name", "regions.region_name", "innovations.title"} <= set(changed)
    params = demo_params_file(tmp_path, study="hostile", language="id", data_dir=tmp_path / "data")
    out = tmp_path / "reports"
    runs = {r.notebook: r for r in run_study(params, out=out, timeout=300)}
    assert {nb: r.status for nb, r in runs.items()} == dict.fromkeys(runs, "ok"), {
        nb: r.error for nb, r in runs.items() if r.status != "ok"
    }
    # which payload a name gets follows the order of the data's values, so a report shows some
    # of them (the spillover report names regions only): any markup payload read literally
    # proves the names reach the reader as text
    markup = [p.format(server=url) for p in hostile_payloads if p.startswith("<")]
    pages = [(out / "index.html", None)] + [(Path(r.report), nb) for nb, r in runs.items()]
    for path, notebook in pages:
        page, state = open_page(path, settle_ms=1500)  # time for a refresh or an autofocus
        expected_title = page.evaluate("document.querySelector('title').textContent")
        assert state["pwned"] == 0, (path.name, state["pwned"])
        assert state["title"] == expected_title and "pwned" not in state["title"], path.name
        assert state["url"] == path.resolve().as_uri(), (path.name, state["url"])
        assert state["requests"] == [], (path.name, state["requests"])
        assert state["csp"] == [], (path.name, state["csp"])
        assert [e for e in state["errors"] if "pwned" in e] == [], path.name
        if notebook in NAMES_SHOWN_AS_TEXT:
            assert any(p in state["text"] for p in markup), (
                f"{notebook}: the hostile names do not show as text"
            )
        page.close()
    assert hits == [], f"the local server received requests: {hits}"
