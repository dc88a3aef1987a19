"""Hostile content in a report, fast: hand-built notebooks with hostile outputs (no kernel, no browser).

Every payload of the corpus goes through every way content enters a page —
Markdown escaped as the studies do it, raw Markdown, raw HTML outputs, a
``ReportTable`` of hostile names, a figure with hostile alt text, a text
output — and the page may then hold only the tags, attributes and URLs of
the allow-list. The browser version (``test_security_browser.py``) runs the
whole demo study on hostile data in headless Chromium.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest

from innolab_analysis import l10n
from innolab_analysis.display import ReportTable
from innolab_analysis.reports.index import build_index
from innolab_analysis.reports.publish import write_status
from innolab_analysis.reports.render import render_report
from innolab_analysis.reports.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitise_html

SERVER = "http://127.0.0.1:9"
PAYLOADS: list[str] = []  # filled from the corpus in conftest.py by the autouse fixture below
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000105a3f2a3b60000000049454e44ae426082"
    )
).decode()

SHELL_TAGS = {"html", "head", "body", "meta", "title", "style", "header", "main", "nav", "article"}
SHELL_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "id", "tabindex"}
SHELL_ATTRIBUTES |= {"role", "aria-label", "aria-labelledby"}
META_NAMES = {"viewport", "referrer", "generator"}


class Audit(HTMLParser):
    """Every tag, attribute and URL of a page, and what breaks the allow-list."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        allowed = ALLOWED_TAGS | SHELL_TAGS
        if tag not in allowed:
            self.problems.append(f"tag <{tag}>")
        if tag == "style":
            self.styles += 1
        if tag == "meta":
            a = dict(attrs)
            if not (
                "charset" in a
                or a.get("name") in META_NAMES
                or a.get("http-equiv") == "Content-Security-Policy"
            ):
                self.problems.append(f"meta {a}")
        for name, value in attrs:
            value = value or ""
            ok = (
                name in ALLOWED_ATTRIBUTES.get(tag, set())
                or name in ALLOWED_ATTRIBUTES["*"]
                or name in SHELL_ATTRIBUTES
            )
            if not ok or name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "src" and not re.match(r"^data:image/(png|jpeg);base64,", value):
                self.problems.append(f"src {value[:40]}")
            if name == "href" and not (
                value.startswith("#")
                or value.startswith("data:text/csv;")
                or re.match(r"^[\w/-]+[.](html|pdf|ipynb)$", value)  # the index's own links
            ):
                self.problems.append(f"href {value[:40]}")
            if name not in ("alt", "aria-label", "content") and (
                "javascript:" in value.lower() or SERVER in value
            ):
                self.problems.append(f"active value in {name}")
            if "url(" in value.replace(" ", "").lower() and name != "content":
                self.problems.append(f"url() in {name}")

    def handle_data(self, data):
        if "@import" in data and self.lasttag == "style":
            self.problems.append("@import")


def audit(html: str) -> Audit:
    a = Audit()
    a.feed(html)
    return a


@pytest.fixture(scope="module", autouse=True)
def _corpus(hostile_payloads):
    PAYLOADS[:] = [p.format(server=SERVER) for p in hostile_payloads]


def hostile_notebook():
    names = pd.DataFrame({"unit": PAYLOADS, "ikm": [80.0 + i / 10 for i in range(len(PAYLOADS))]})
    table = ReportTable(
        names,
        columns={"unit": "Unit", "ikm": "IKM"},
        formats={"ikm": ".2f"},
        language="id",
        name="hostile",
        caption=PAYLOADS[0],
        notes=[PAYLOADS[2]],
    )
    escaped = "\n".join(
        "- " + l10n.tr("common.units", "id", count=3) + " " + l10n.escape_markdown(p)
        for p in PAYLOADS
    )
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": f"## Ringkasan\n\n{escaped}"}
        ),
        nbformat.v4.new_output("display_data", data={"text/markdown": "\n\n".join(PAYLOADS)}),
        nbformat.v4.new_output("display_data", data={"text/html": "<br>".join(PAYLOADS)}),
        nbformat.v4.new_output("display_data", data={"text/html": table._repr_html_()}),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": PNG},
            metadata={"image/png": {"alt": PAYLOADS[0] + PAYLOADS[5], "width": "1 onload=x"}},
        ),
        nbformat.v4.new_output("display_data", data={"text/plain": "\n".join(PAYLOADS)}),
        nbformat.v4.new_output("stream", name="stdout", text=PAYLOADS[6]),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell, nbformat.v4.new_markdown_cell("\n\n".join(PAYLOADS))]
    return nb


@pytest.fixture(scope="module")
def page():
    return render_report(
        hostile_notebook(),
        study="s",
        notebook="service_quality",
        title=PAYLOADS[0],
        language="id",
        params={"its_agency": PAYLOADS[0], "donors": PAYLOADS[:3]},
        help_text={},
        provenance={"ended": "2026-01-02T03:04:05+00:00", "inputs": {PAYLOADS[1]: "00" * 32}},
    )


def test_hostile_content_leaves_only_the_allow_list(page):
    found = audit(page)
    assert found.problems == []
    assert found.styles == 1
    lowered = page.lower()
    for active in (
        "<script",
        "<svg",
        "<iframe",
        "<object",
        "<video",
        "<form",
        "<input",
        "<base",
        "<link",
    ):
        assert active not in lowered, active


def test_names_still_show_as_text(page):
    shown = '&lt;img src="data:," onerror="document.title=\'pwned\';window.__pwned=1"&gt;'
    # in escaped Markdown (as the studies write it), in a ReportTable cell and its caption
    assert f"<li>3 unit {shown}</li>" in page
    assert f"<td>{shown}</td>" in page and f"<caption>{shown}</caption>" in page
    assert (
        '<li>3 unit &lt;details ontoggle="window.__pwned=4" open&gt;x&lt;/details&gt;</li>' in page
    )
    # every payload's visible words survive, the long name whole, mathtext as text
    text = re.sub(r"<[^>]+>", "", page)
    for word in ("klik", "latar", "kirim", "tautan", "Judul palsu", "Kebalik", "Panjang" * 60):
        assert word in text, word
    assert "$\\alpha^{2}$ dan $x_1$" in text


def test_index_with_hostile_titles_and_findings(tmp_path):
    write_status(
        tmp_path,
        {
            "study": "s",
            "notebook": "service_quality",
            "status": "ok",
            "language": "id",
            "title": PAYLOADS[0],
        },
    )
    (tmp_path / "s").mkdir(exist_ok=True)
    (tmp_path / "s" / "service_quality.html").write_text("<html></html>")
    findings = tmp_path / "s" / "findings" / "service_quality.json"
    findings.parent.mkdir()
    import json

    findings.write_text(json.dumps({"findings": {"id": [{"text": "\n".join(PAYLOADS)}]}}))
    html = build_index(tmp_path).read_text()
    assert audit(html).problems == []
    assert "&lt;img src=" in html


def test_sanitiser_alone_refuses_every_payload():
    for payload in PAYLOADS:
        cleaned = sanitise_html(payload)
        assert audit(cleaned).problems == [], (payload, cleaned)
        assert not re.search(r"\son\w+=", cleaned), cleaned
