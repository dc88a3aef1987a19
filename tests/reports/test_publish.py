"""HTML reports and the index, rendered from hand-built executed notebooks (no kernel)."""

from __future__ import annotations

import base64
import io
import json
import os

import matplotlib.pyplot as plt
import nbformat
import pytest

from innolab_analysis.reports.index import build_index, headline
from innolab_analysis.reports.publish import atomic_write, write_status
from innolab_analysis.reports.render import render_report

PROVENANCE = {
    "versions": {"innolab-analysis": "0.1.0", "python": "3.11.7", "pandas": "3.1.1"},
    "ended": "2026-01-02T03:04:05+00:00",
    "started": "2026-01-02T03:04:00+00:00",
    "duration_s": 5.0,
    "params_sha256": "ab" * 32,
    "params_file": "params/x.yaml",
    "params_file_sha256": "cd" * 32,
    "notebook_file": "notebooks/service_quality.ipynb",
    "notebook_sha256": "ef" * 32,
    "git": {"commit": "0123456789abcdef", "dirty": True},
    "host": "hostA",
    "platform": "Linux",
    "key": "99" * 32,
    "inputs": {"agencies.csv": "11" * 32, "skm_responses.parquet": "22" * 32},
}


def png_b64() -> str:
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([1, 2, 3])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def executed_notebook():
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("secret_param: int = 1")
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell("secret_param = 2")
    injected.metadata["tags"] = ["injected-parameters"]
    fig = nbformat.v4.new_code_cell("plot()")
    fig.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"image/png": png_b64(), "text/plain": "<Figure>"}
        )
    ]
    table = nbformat.v4.new_code_cell("df")
    table.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/html": "<table class='dataframe'><tr><td>7.5</td></tr></table>",
                "text/plain": "7.5",
            },
            execution_count=3,
        )
    ]
    nb.cells = [
        params,
        injected,
        nbformat.v4.new_markdown_cell("# Ringkasan\n\nIKM naik <b>8,39</b> poin."),
        nbformat.v4.new_markdown_cell("## Hasil"),
        fig,
        nbformat.v4.new_markdown_cell("## Hasil\n\n### Rincian"),
        table,
    ]
    return nb


def render(language="id", **kw):
    return render_report(
        executed_notebook(),
        study="mojokerto",
        notebook="service_quality",
        title="Kota <Mojokerto>",
        language=language,
        params={"standard": "2017", "bootstrap": 0, "donors": ["3577"]},
        help_text={"standard": "SKM regulation."},
        provenance=PROVENANCE,
        **kw,
    )


def test_report_is_self_contained_with_toc_params_and_provenance(self_contained):
    html = render()
    page = self_contained(html)
    # table of contents from the headings, in order; duplicate headings get unique ids
    assert page.toc == ["parameters", "Ringkasan", "Hasil", "Hasil-2", "Rincian", "provenance"]
    # figures inline with alt text naming the section
    assert len(page.images) == 1
    assert page.images[0]["src"].startswith("data:image/png;base64,")
    assert page.images[0]["alt"] == "Gambar 1: Hasil"
    # code and the parameter cells are hidden, outputs kept
    assert "secret_param" not in html and "plot()" not in html
    assert "<td>7.5</td>" in html and "IKM naik <b>8,39</b> poin." in html
    # the parameter table, with help text and JSON for non-strings
    assert (
        "<tr><td><code>standard</code></td><td><code>2017</code></td><td>SKM regulation.</td></tr>"
        in html
    )
    assert "<td><code>[&#34;3577&#34;]</code></td>" in html
    # the title is escaped by the template (autoescape)
    assert "Kota &lt;Mojokerto&gt;" in html
    # provenance footer: hashes, git state, inputs, versions
    for text in ("ab" * 32, "0123456789abcdef — ada perubahan belum di-commit", "22" * 32, "3.1.1"):
        assert text in html
    assert "<h2>Daftar isi</h2>" in html and 'lang="id"' in html


def test_report_interface_in_english():
    html = render(language="en")
    assert "<h2>Contents</h2>" in html and 'lang="en"' in html
    assert 'alt="Figure 1: Hasil"' in html
    assert "0123456789abcdef — uncommitted changes" in html


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "r.html"
    atomic_write(target, "one")
    atomic_write(target, b"two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.html"]
    assert oct(os.stat(target).st_mode & 0o777) == "0o644"


def test_atomic_write_failure_keeps_previous_file(tmp_path):
    target = tmp_path / "r.html"
    atomic_write(target, "good")
    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # not text: fails while writing
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_index_lists_runs_with_status_headline_and_links(tmp_path, self_contained):
    from innolab_analysis.reports.publish import Staging, publish

    study = tmp_path / "mojokerto"
    staging = Staging.create(
        study, study="mojokerto", notebook="service_quality", run_id="r1", started="t0"
    )
    staging.staged("html").write_text("<html></html>")
    staging.staged("provenance").write_text("{}")
    staging.staged("effects").parent.mkdir()
    staging.staged("effects").write_text(
        "study,level,unit,outcome,term,estimate,std_error,ci_lower,ci_upper,p_value,n_obs,method,se_type\n"
        "mojokerto,city,all,ikm,2024-S2,86.0,,85.1,86.9,,5502,skm_index,none\n"
        "mojokerto,agency,disdukcapil,ikm,2024-S2,88.76,,,,,300,skm_index,none\n"
    )
    base = {"study": "mojokerto", "language": "en", "title": "Kota Mojokerto"}
    publish(
        staging,
        base
        | {
            "notebook": "service_quality",
            "status": "ok",
            "duration_s": 4.31,
            "attempt_finished": "2026-01-02T03:04:05+00:00",
        },
        key="k",
    )
    write_status(
        tmp_path,
        base
        | {
            "notebook": "city_spillover",
            "status": "failed",
            "error": {"kind": "cell", "cell": 4, "detail": "KeyError: 'x'"},
            "debug_notebook": "mojokerto/_executed/city_spillover.ipynb",
            "duration_s": 1.0,
            "published": None,
        },
    )
    assert headline(tmp_path, "mojokerto", "service_quality") == [
        "ikm 2024-S2: 86.00 [85.10, 86.90]",
        "disdukcapil · ikm 2024-S2: 88.76",
    ]
    html = build_index(tmp_path).read_text()
    self_contained(html)
    assert html.count('<tr class="run ') == 2
    # notebook order follows the study order: service_quality before city_spillover
    assert html.index("service_quality") < html.index("city_spillover")
    assert '<a href="mojokerto/service_quality.html">report</a>' in html
    assert '<a href="mojokerto/service_quality.json">JSON</a>' in html
    assert '<span class="status failed">failed</span>' in html
    assert "city_spillover failed in cell [4]: KeyError: &#39;x&#39;" in html
    assert '<a href="mojokerto/_executed/city_spillover.ipynb">failed notebook</a>' in html
    assert "ikm 2024-S2: 86.00 [85.10, 86.90]<br>disdukcapil · ikm 2024-S2: 88.76" in html
    assert "<td>4.3 s</td>" in html
    json.loads((study / "_status" / "city_spillover.json").read_text())


def test_empty_index(tmp_path, self_contained):
    html = build_index(tmp_path, language="id").read_text()
    self_contained(html)
    assert "Belum ada laporan." in html


def test_toc_ids_are_plain_ascii_and_anchor_links_follow(self_contained):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell('## Capturing the spillover or a "dead city"?\n\n## Æ')
    ]
    html = render_report(
        nb,
        study="s",
        notebook="city_spillover",
        title="t",
        language="en",
        params={},
        help_text={},
        provenance=PROVENANCE,
    )
    page = self_contained(html)
    assert page.toc == [
        "parameters",
        "Capturing-the-spillover-or-a-dead-city",
        "section-2",
        "provenance",
    ]
    assert '<a class="anchor-link" href="#Capturing-the-spillover-or-a-dead-city">' in html
