"""Render an executed notebook as one self-contained HTML report.

A report is data + template: nbconvert's ``basic`` template renders the
notebook's outputs (inputs hidden), and our own Jinja2 page shell (with
autoescaping) adds the parameter table, a table of contents built from the
notebook's headings, the provenance footer and one inline stylesheet. Nothing
is loaded from the network: figures are base64 PNG with alt text, there is no
script and no CDN link, so a report opens offline.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["NOTEBOOK_TITLES", "UI", "render_report"]

UI: dict[str, dict[str, str]] = {
    "id": {
        "study": "Studi",
        "generated": "dibuat",
        "contents": "Daftar isi",
        "parameters": "Parameter",
        "provenance": "Asal-usul laporan",
        "name": "Nama",
        "value": "Nilai",
        "help": "Keterangan",
        "params_hash": "SHA-256 parameter",
        "params_file": "Berkas parameter",
        "notebook": "Notebook",
        "git": "Commit git",
        "dirty": "ada perubahan belum di-commit",
        "clean": "bersih",
        "unknown": "tidak diketahui",
        "time": "Waktu",
        "key": "Kunci inkremental",
        "inputs": "Berkas masukan",
        "file": "Berkas",
        "versions": "Versi paket",
        "json_note": "Data yang sama dalam JSON:",
        "figure": "Gambar",
        "index_title": "Laporan innolab_analysis",
        "index_lead": "Semua laporan studi, status dan estimasi utama",
        "no_runs": "Belum ada laporan.",
        "status": "Status",
        "headline": "Estimasi utama",
        "duration": "Durasi",
        "finished": "Selesai",
        "links": "Tautan",
        "report": "laporan",
        "debug": "notebook gagal",
        "status_ok": "berhasil",
        "status_failed": "gagal",
        "status_skipped": "tidak berubah",
        "status_interrupted": "dihentikan",
    },
    "en": {
        "study": "Study",
        "generated": "generated",
        "contents": "Contents",
        "parameters": "Parameters",
        "provenance": "Provenance",
        "name": "Name",
        "value": "Value",
        "help": "Help",
        "params_hash": "Parameters SHA-256",
        "params_file": "Parameter file",
        "notebook": "Notebook",
        "git": "Git commit",
        "dirty": "uncommitted changes",
        "clean": "clean",
        "unknown": "unknown",
        "time": "Time",
        "key": "Incremental key",
        "inputs": "Input files",
        "file": "File",
        "versions": "Package versions",
        "json_note": "The same as JSON:",
        "figure": "Figure",
        "index_title": "innolab_analysis reports",
        "index_lead": "Every study report, its status and headline estimates",
        "no_runs": "No reports yet.",
        "status": "Status",
        "headline": "Headline estimates",
        "duration": "Duration",
        "finished": "Finished",
        "links": "Links",
        "report": "report",
        "debug": "failed notebook",
        "status_ok": "ok",
        "status_failed": "failed",
        "status_skipped": "unchanged",
        "status_interrupted": "interrupted",
    },
}
"""Interface strings of the report pages and the index, per language."""

NOTEBOOK_TITLES: dict[str, dict[str, str]] = {
    "service_quality": {"id": "Kualitas layanan (IKM)", "en": "Service quality (IKM)"},
    "innovation_portfolio": {"id": "Portofolio inovasi", "en": "Innovation portfolio"},
    "innovation_impact": {"id": "Dampak inovasi", "en": "Innovation impact"},
    "city_spillover": {"id": "Limpahan antarkota", "en": "City spillover"},
    "comparative_synthesis": {"id": "Sintesis perbandingan", "en": "Comparative synthesis"},
}

_HERE = Path(__file__).resolve().parent
_REMOVED_TAGS = {"parameters", "injected-parameters", "remove_cell"}


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )


def _css():
    from markupsafe import Markup

    return Markup((_HERE / "report.css").read_text(encoding="utf-8"))


def _prepare_notebook(nb, language: str):
    """A copy of ``nb`` without parameter cells, with alt text on every figure."""
    import copy

    nb = copy.deepcopy(nb)
    label = UI[language]["figure"]
    heading = ""
    n = 0
    kept = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVED_TAGS:
            continue
        if cell.cell_type == "markdown":
            heading = _last_heading(cell.source) or heading
        for output in cell.get("outputs", []):
            markdown = output.get("data", {}).get("text/markdown")
            if markdown:
                heading = _last_heading("".join(markdown)) or heading
            if "image/png" in output.get("data", {}) or "image/jpeg" in output.get("data", {}):
                n += 1
                mime = "image/png" if "image/png" in output["data"] else "image/jpeg"
                meta = output.setdefault("metadata", {}).setdefault(mime, {})
                if not meta.get("alt"):
                    meta["alt"] = f"{label} {n}" + (f": {heading}" if heading else "")
        kept.append(cell)
    nb.cells = kept
    return nb


def _last_heading(markdown: str) -> str | None:
    found = None
    for line in markdown.splitlines():
        if line.startswith("#"):
            found = line.lstrip("#").strip()
    return found


@functools.cache
def _exporter():
    """One HTMLExporter per process: its Jinja templates compile once (a new exporter per
    report recompiled them — a third of the runner's CPU time)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.log.setLevel(logging.ERROR)
    return exporter


def _body_and_toc(nb) -> tuple[str, list[dict[str, Any]]]:
    from bs4 import BeautifulSoup

    body, _ = _exporter().from_notebook_node(nb)
    soup = BeautifulSoup(body, features="html.parser")
    # nothing may load from the network: drop scripts, external links and iframes
    for tag in soup.find_all(["script", "iframe", "link"]):
        tag.decompose()
    for tag in soup.find_all(src=True):
        if not str(tag["src"]).startswith("data:"):
            tag.decompose()
    toc = []
    seen: set[str] = set()
    for n, h in enumerate(soup.find_all(["h1", "h2", "h3"]), start=1):
        text = h.get_text(" ", strip=True).rstrip("¶").strip()
        # plain ASCII ids: nbconvert keeps characters such as %22 that browsers decode
        anchor = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or f"section-{n}"
        if anchor in seen:  # duplicate headings: make the id unique so the TOC resolves
            i = 2
            while f"{anchor}-{i}" in seen:
                i += 1
            anchor = f"{anchor}-{i}"
        seen.add(anchor)
        h["id"] = anchor
        for link in h.find_all("a", class_="anchor-link"):
            link["href"] = f"#{anchor}"
        toc.append({"level": int(h.name[1]), "id": anchor, "text": text})
    return str(soup), toc


def render_report(
    executed_nb,
    *,
    study: str,
    notebook: str,
    title: str,
    language: str,
    params: Mapping[str, Any],
    help_text: Mapping[str, str],
    provenance: Mapping[str, Any],
) -> str:
    """Render an executed notebook as one self-contained HTML page.

    Parameters
    ----------
    executed_nb : NotebookNode
        The notebook papermill executed.
    study, notebook, title : str
        Study id, notebook name and study title.
    language : {"id", "en"}
        Language of the interface strings.
    params : mapping
        Parameters shown in the parameter table.
    help_text : mapping
        Help text per parameter (from the schema).
    provenance : mapping
        From :func:`~innolab_analysis.reports.provenance.collect_provenance`.

    Returns
    -------
    str
        The HTML page (code hidden, figures inline, no external resource).
    """
    from markupsafe import Markup

    nb = _prepare_notebook(executed_nb, language)
    body, toc = _body_and_toc(nb)
    rows = [
        {
            "name": k,
            "value": json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v,
            "help": help_text.get(k, ""),
        }
        for k, v in params.items()
    ]
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            language=language,
            ui=UI[language],
            css=_css(),
            title=title,
            study=study,
            notebook=notebook,
            notebook_title=NOTEBOOK_TITLES.get(notebook, {}).get(language, notebook),
            toc=toc,
            params=rows,
            body=Markup(body),
            provenance=provenance,
            json_name=f"{notebook}.json",
        )
    )
