"""The report page, rendered from hand-built executed notebooks (no kernel)."""

from __future__ import annotations

import base64
import io
import re

import matplotlib.pyplot as plt
import nbformat
import pytest

from innolab_analysis import l10n
from innolab_analysis.reports.params import NOTEBOOK_MODELS, parameter_help
from innolab_analysis.reports.render import notebook_title, render_report
from innolab_analysis.reports.sanitise import style_hash

PROVENANCE = {
    "versions": {"innolab-analysis": "0.1.0", "python": "3.11.7", "pandas": "3.1.1"},
    "ended": "2026-01-02T03:04:05+00:00",
    "started": "2026-01-02T03:04:00+00:00",
    "duration_s": 5.0,
    "params_sha256": "ab" * 32,
    "params_file": "/home/analyst/studies/params/x.yaml",
    "params_file_sha256": "cd" * 32,
    "notebook_file": "/home/analyst/innolab/notebooks/service_quality.ipynb",
    "notebook_sha256": "ef" * 32,
    "git": {"commit": "0123456789abcdef0123", "dirty": True},
    "host": "host-secret-name",
    "platform": "Linux-6.1.0-secret-kernel-x86_64",
    "executable": "/home/analyst/.venv/bin/python",
    "data_dir": "/home/analyst/studies/data/demo",
    "key": "99" * 32,
    "inputs": {"agencies.csv": "11" * 32, "skm_responses.parquet": "22" * 32},
}

PARAMS = {
    "data_dir": "/home/analyst/studies/data/demo",
    "output_dir": "/home/analyst/reports/x",
    "study_id": "mojokerto_2024",
    "language": "id",
    "timezone": "Asia/Makassar",
    "start_year": 2015,
    "standard": "2017",
    "frequency": "semester",
    "bootstrap": 1500,
    "its_agency": "",
    "donors": [],
    "mde": True,
    "event": "2017-12-19",
}


def png_b64() -> str:
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([1, 2, 3])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def markdown_output(text: str):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


def executed_notebook():
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("secret_param: int = 1")
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell("secret_param = 2")
    injected.metadata["tags"] = ["injected-parameters"]
    summary = nbformat.v4.new_code_cell("display(Markdown(res.markdown('summary')))")
    summary.outputs = [markdown_output("## Ringkasan\n\n- IKM naik **8,39** poin.\n- Kedua.")]
    fig = nbformat.v4.new_code_cell("plot()")
    fig.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": png_b64(), "text/plain": "<Figure size 200x150 with 1 Axes>"},
        )
    ]
    described = nbformat.v4.new_code_cell("res.figure('x')")
    described.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": png_b64(), "text/plain": "IKM naik"},
            metadata={"image/png": {"alt": "IKM kota naik dari 77,57 ke 85,88", "width": 200}},
        )
    ]
    table = nbformat.v4.new_code_cell("res.table('city')")
    table.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/html": "<table><thead><tr><th scope='col' class='num'>IKM</th></tr></thead>"
                "<tbody><tr><td class='num'>85,88</td></tr></tbody></table>",
                "text/plain": "ReportTable(...)",
            },
            execution_count=3,
        )
    ]
    warning = nbformat.v4.new_code_cell("import warnings")
    warning.outputs = [nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: x")]
    methods = nbformat.v4.new_code_cell("display(Markdown(res.markdown('methods')))")
    methods.metadata["tags"] = ["methods"]
    methods.outputs = [markdown_output("## Metode\n\nGalat baku klaster (CR1).")]
    nb.cells = [
        params,
        injected,
        summary,
        nbformat.v4.new_markdown_cell("## Hasil"),
        fig,
        described,
        nbformat.v4.new_markdown_cell("## Hasil\n\n### Rincian"),
        table,
        warning,
        methods,
    ]
    return nb


def render(language="id", nb=None, **kw):
    return render_report(
        nb or executed_notebook(),
        study="mojokerto",
        notebook="service_quality",
        title="Kota <Mojokerto>",
        language=language,
        params=PARAMS | {"language": language},
        help_text=parameter_help("service_quality", language),
        provenance=PROVENANCE,
        **kw,
    )


def test_page_opens_with_the_summary_then_analyses_then_the_appendix(self_contained):
    html = render()
    page = self_contained(html)
    assert page.toc == [
        "ringkasan",
        "hasil",
        "hasil-2",
        "rincian",
        "appendix",
        "parameters",
        "metode",
        "provenance",
    ]
    order = [
        html.index('<h2 id="ringkasan">Ringkasan</h2>'),
        html.index('<h2 id="hasil">Hasil</h2>'),
        html.index('<h2 id="appendix-title">Lampiran</h2>'),
        html.index('<h3 id="parameters">Parameter analisis</h3>'),
        html.index('<h3 id="metode">Metode</h3>'),  # the methods cell, one level down
        html.index('<h3 id="provenance">Asal-usul laporan</h3>'),
    ]
    assert order == sorted(order)
    assert "<li>IKM naik <strong>8,39</strong> poin.</li>" in html
    # code, parameter cells, object reprs and warnings are not shown
    for hidden in ("secret_param", "plot()", "&lt;Figure size", "ReportTable(", "FutureWarning"):
        assert hidden not in html, hidden


def test_header_title_and_run_time_in_the_study_time_zone():
    html = render()
    assert "<h1>Kualitas layanan (IKM)</h1>" in html
    assert '<p class="study-title">Kota &lt;Mojokerto&gt;</p>' in html
    # 03:04 UTC is 11.04 in Makassar (WITA)
    assert '<p class="run-on">Dijalankan 2 Januari 2026 11.04 WITA</p>' in html
    assert "<title>Kualitas layanan (IKM) — Kota &lt;Mojokerto&gt;</title>" in html
    en = render("en", timezone="Asia/Jakarta")
    assert '<p class="run-on">Run on 2 January 2026 10.04 WIB</p>' in en
    assert 'lang="en"' in en and 'lang="id"' in render()


def test_figures_keep_their_alt_text_or_get_one_naming_the_section():
    page_images = re.findall(r"<img [^>]*>", render())
    assert len(page_images) == 2
    assert 'alt="Gambar 1: Hasil"' in page_images[0]
    assert 'alt="IKM kota naik dari 77,57 ke 85,88"' in page_images[1]
    assert 'width="200"' in page_images[1]
    assert all('src="data:image/png;base64,' in img for img in page_images)
    assert 'alt="Figure 1: Hasil"' in render("en")


def test_parameter_table_is_localised_and_leaves_out_runner_keys_and_absolute_paths():
    html = render()
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", html)
    shown = {re.sub(r"<[^>]+>", "", name): (help_, value) for help_, value, name in rows}
    assert "output_dir" not in shown and "study_id" not in shown
    assert shown["data_dir"] == ("Folder data studi", "<code>../data/demo</code>")
    assert shown["standard"] == (
        "Peraturan SKM yang menentukan unsur dan interval mutu",
        "Permen PANRB 14/2017",
    )
    assert shown["frequency"][1] == "semester" and shown["timezone"][1] == "WITA (Asia/Makassar)"
    assert shown["start_year"][1] == "2015"  # a year is not grouped
    assert shown["bootstrap"][1] == "1.500"
    assert shown["mde"][1] == "Ya"
    assert shown["event"][1] == "19 Desember 2017"
    assert shown["its_agency"][1] == "—" and shown["donors"][1] == "—"
    assert (
        '<p class="table-note">— berarti nilai tidak tersedia: tidak diisi, nilai bawaan yang '
        "dipakai</p>" in html
    )
    en = render("en")
    assert "<td>Yes</td>" in en and "<td>19 December 2017</td>" in en and "<td>1,500</td>" in en


def test_provenance_without_host_platform_or_absolute_paths():
    html = render()
    for secret in ("host-secret-name", "secret-kernel", "Linux", "/home/analyst", ".venv"):
        assert secret not in html, secret
    assert (
        "<dt>Waktu pelaksanaan</dt><dd>2 Januari 2026 11.04 WITA sampai 2 Januari 2026 11.04 WITA"
        " (5,0 detik)</dd>" in html
    )
    assert "<code>0123456789ab</code> dengan perubahan yang belum dicatat" in html
    assert "<code>x.yaml</code>" in html and "<code>service_quality.ipynb</code>" in html
    for digest in ("ab" * 32, "cd" * 32, "99" * 32, "22" * 32):
        assert digest in html
    assert "Berkas masukan (2) dan sidik SHA-256-nya" in html
    assert "<td><code>pandas</code></td><td><code>3.1.1</code></td>" in html
    assert "<code>service_quality.json</code>" in html
    assert "The same provenance as JSON:" in render("en")


def test_every_page_carries_a_strict_csp_that_allows_its_own_stylesheet():
    html = render()
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)[1]
    css = re.search(r"<style>(.*?)</style>", html, re.S)[1]
    assert csp == (
        f"default-src 'none'; img-src data:; style-src {style_hash(css)}; script-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    # the policy comes before anything it governs
    assert html.index("Content-Security-Policy") < html.index("<style>")
    assert html.count("<style>") == 1 and "<script" not in html


def test_methods_section_by_heading_goes_to_the_appendix():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        markdown_output("## Ringkasan\n\n- a"),
        markdown_output(f"## {l10n.tr('report.methods', 'id')}\n\nHAC Newey–West."),
        markdown_output("## Analisis\n\nb"),
    ]
    nb.cells = [cell]
    html = render(nb=nb)
    assert html.index("Analisis") < html.index("Lampiran") < html.index("HAC Newey–West")
    assert '<h3 id="metode-dan-galat-baku">Metode dan galat baku</h3>' in html


def test_headings_shift_so_the_page_has_one_h1_and_ids_are_ascii(self_contained):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            '# Capturing the spillover or a "dead city"?\n\n## Æ\n\n# Parameters'
        )
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
    assert html.count("<h1") == 1
    assert page.toc[:3] == [
        "capturing-the-spillover-or-a-dead-city",
        "section-2",  # nothing ASCII to keep
        "parameters-2",  # never the appendix's own id
    ]
    assert '<h3 id="section-2">Æ</h3>' in html


def test_wide_tables_scroll_inside_their_own_box():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("df.style")
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/html": "<style>#T_x td {color: red}</style><table id='T_x'><tr>"
                + "<td>x</td>" * 40
                + "</tr></table>"
            },
            execution_count=1,
        )
    ]
    nb.cells = [cell]
    html = render(nb=nb)
    assert '<div class="table-scroll" tabindex="0"><table><tbody><tr><td>x</td>' in html
    assert "color: red" not in html and "T_x" not in html


def test_every_parameter_of_the_schema_has_help_in_both_languages():
    for nb, model in NOTEBOOK_MODELS.items():
        for language in ("id", "en"):
            texts = parameter_help(nb, language)
            assert list(texts) == list(model.model_fields)
            assert all(t.strip() and "_" not in t for t in texts.values()), (nb, language)
    assert parameter_help("service_quality", "en")["bootstrap"] == (
        "Bootstrap replications for the IKM intervals (0: no intervals)"
    )


@pytest.mark.parametrize("notebook", list(NOTEBOOK_MODELS))
def test_notebook_titles_in_both_languages(notebook):
    assert notebook_title(notebook, "id") != notebook_title(notebook, "en") or notebook == ""
    assert "_" not in notebook_title(notebook, "id")
    assert notebook_title("something_new", "id") == "Laporan analisis"
