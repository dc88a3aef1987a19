"""The published reports in a real browser (headless Chromium, no Python browser package).

Each page is copied, a small check script is injected into the COPY (never into
the published file), and Chromium's ``--dump-dom`` returns the DOM with the
results the script wrote: console errors, images that failed to decode
(``naturalWidth == 0``), table-of-contents links without a target and any
resource fetched from outside the page. Screenshots are kept as artefacts (the
path is printed; set ``INNOLAB_SCREENSHOTS=DIR`` to keep them elsewhere).
Without Chromium the test is skipped with the reason, except under ``CI=true``
where a missing browser is a failure.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHECK_SCRIPT = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  var t = e.target || {};
  window.__errors.push("error: " + (e.message || t.src || t.href || "resource failed"));
}, true);
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
})();
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.toc a[href^='#']"));
  var result = {
    title: document.title,
    images: imgs.length,
    bad_images: imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                    .map(function (i) { return i.alt; }),
    toc: links.length,
    bad_toc: links.map(function (a) { return decodeURIComponent(a.getAttribute("href").slice(1)); })
                  .filter(function (id) { return !document.getElementById(id); }),
    fetched: performance.getEntriesByType("resource").map(function (r) { return r.name; }),
    errors: window.__errors
  };
  var out = document.createElement("pre");
  out.id = "innolab-check";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    reason = "headless Chromium is not installed (apt-get install -y chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + "; under CI=true the browser test must run")
    pytest.skip(reason)


def browser(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("INNOLAB_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_page(binary: str, page: Path, work: Path, shots: Path) -> dict:
    copy = work / page.relative_to(page.parents[1] if page.name != "index.html" else page.parent)
    copy.parent.mkdir(parents=True, exist_ok=True)
    text = page.read_text(encoding="utf-8")
    assert "</head>" in text
    copy.write_text(text.replace("</head>", CHECK_SCRIPT + "</head>", 1), encoding="utf-8")
    done = browser(
        binary, work / "profile", "--virtual-time-budget=10000", "--dump-dom", copy.as_uri()
    )
    found = re.search(r'<pre id="innolab-check">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no check result from Chromium (exit {done.returncode}): {done.stderr[-2000:]}"
    result = json.loads(html.unescape(found.group(1)))
    name = "__".join(page.parts[-2:]).replace(".html", ".png")
    shot = browser(
        binary,
        work / "profile",
        "--window-size=1280,2000",
        f"--screenshot={shots / name}",
        page.as_uri(),
    )
    assert shot.returncode == 0 and (shots / name).stat().st_size > 10_000
    return result


def test_index_and_every_report_in_chromium(published, tmp_path, screenshots):
    binary = chromium()
    out, runs, _ = published
    pages = [out / "index.html"] + [Path(r.report) for r in runs.values() if r.report]
    assert len(pages) >= 2
    for page in pages:
        result = check_page(binary, page, tmp_path, screenshots)
        assert result["errors"] == [], (page.name, result["errors"])
        assert result["bad_images"] == [], (page.name, result["bad_images"])
        assert result["bad_toc"] == [], (page.name, result["bad_toc"])
        assert [u for u in result["fetched"] if not u.startswith("data:")] == [], page.name
        if page.name != "index.html":
            assert result["images"] >= 1 and result["toc"] >= 3, page.name
    # the published files were not touched by the injected script
    assert all("innolab-check" not in p.read_text(encoding="utf-8") for p in pages)
    # every link of the index resolves to a file
    index = (out / "index.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"#]+)"', index):
        assert (out / href).is_file(), href
    print(f"\nscreenshots: {screenshots}")
