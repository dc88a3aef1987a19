"""The published index and every report in headless Chromium, both languages, two widths.

Per page: nothing fails to load or logs an error, no request leaves the file,
every image decodes, every table-of-contents link has its target, nothing is
wider than the window (1280 px desktop, 390 px phone), ``lang`` matches the
report's language, and axe-core finds no serious or critical violation.
Screenshots of every page at both widths are kept as test artefacts in the
folder the test prints (``INNOLAB_SCREENSHOTS=DIR`` to choose it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("INNOLAB_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pages(out: Path, runs: dict) -> list[tuple[Path, str]]:
    found = [(out / "index.html", None)]
    for language, by_notebook in runs.items():
        for run in by_notebook.values():
            assert run.status == "ok", (run.notebook, run.error)
            found.append((Path(run.report), language))
    return found


def test_index_and_every_report_in_chromium(bilingual_reports, open_page, axe, screenshots):
    out, runs = bilingual_reports
    serious: dict[str, list] = {}
    seen_axe: dict[str, list] = {}
    for path, language in pages(out, runs):
        name = path.name if language is None else f"{path.parent.name}__{path.stem}"
        for width in WIDTHS:
            page, state = open_page(path, width=width)
            assert state["errors"] == [], (name, width, state["errors"])
            assert state["requests"] == [], (name, width, state["requests"])
            assert state["csp"] == [], (name, width, state["csp"])
            assert [i["alt"] for i in state["images"] if not i["ok"]] == [], name
            assert all(i["alt"].strip() for i in state["images"]), name
            assert state["toc_missing"] == [], (name, state["toc_missing"])
            assert state["scroll_width"] <= width, (name, width, state["scroll_width"])
            if language is not None:
                assert page.evaluate("document.documentElement.lang") == language
                assert len(state["images"]) >= 1 and len(state["toc"]) >= 4, name
            if width == WIDTHS[0]:
                found = axe(page)
                seen_axe[name] = [(v["id"], v["impact"]) for v in found]
                bad = [v for v in found if v["impact"] in ("serious", "critical")]
                if bad:
                    serious[name] = bad
            page.screenshot(path=str(screenshots / f"{name}__{width}.png"), full_page=True)
            page.close()
    print(f"\nscreenshots: {screenshots}")
    print("axe violations (id, impact) per page:")
    for name, found in seen_axe.items():
        print(f"  {name}: {found or 'none'}")
    assert serious == {}, serious
    # every link of the index resolves to a file
    index = (out / "index.html").read_text(encoding="utf-8")
    import re

    for href in re.findall(r'href="([^"#]+)"', index):
        assert (out / href).is_file(), href
