"""Publish executed notebooks as self-contained HTML reports, atomically, with an index.

A report is data + template: nbconvert's ``basic`` template renders the
notebook's outputs (inputs hidden), and our own Jinja2 page shell (with
autoescaping) adds the parameter table, a table of contents built from the
notebook's headings, the provenance footer and one inline stylesheet. Nothing
is loaded from the network: figures are base64 PNG with alt text, there is no
script and no CDN link, so a report opens offline.

Files are written atomically (a temporary file in the same folder, then
``os.replace``): a failed run never leaves half a report, and the previous
good report stays in place.

Layout of a reports folder::

    reports/index.html
    reports/<study>/<notebook>.html        the report
    reports/<study>/<notebook>.json        its provenance (and incremental key)
    reports/<study>/effects/<notebook>.csv effect rows the notebook recorded
    reports/<study>/_status/<notebook>.json   status of the last attempt
    reports/<study>/_executed/<notebook>.ipynb executed notebook (for debugging)
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "NOTEBOOK_TITLES",
    "UI",
    "atomic_write",
    "build_index",
    "headline",
    "read_status",
    "render_report",
    "write_status",
]

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
        "host": "Mesin",
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
        "host": "Host",
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


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, then ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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


def _body_and_toc(nb) -> tuple[str, list[dict[str, Any]]]:
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.log.setLevel(logging.ERROR)
    body, _ = exporter.from_notebook_node(nb)
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


# ----------------------------------------------------------------------------- status
def status_path(reports_dir: str | Path, study: str, notebook: str) -> Path:
    """Where the status of the last attempt of a run is kept."""
    return Path(reports_dir) / study / "_status" / f"{notebook}.json"


def write_status(reports_dir: str | Path, record: Mapping[str, Any]) -> Path:
    """Record the outcome of the last attempt (``study``, ``notebook``, ``status`` …)."""
    return atomic_write(
        status_path(reports_dir, record["study"], record["notebook"]),
        json.dumps(dict(record), indent=2, ensure_ascii=False, default=str),
    )


def read_status(reports_dir: str | Path) -> list[dict[str, Any]]:
    """Every status record under ``reports_dir``, sorted by study and notebook order."""
    from innolab_analysis.reports.params import NOTEBOOK_MODELS

    order = {nb: i for i, nb in enumerate(NOTEBOOK_MODELS)}
    out = []
    for path in Path(reports_dir).glob("*/_status/*.json"):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(out, key=lambda r: (r.get("study", ""), order.get(r.get("notebook"), 99)))


def headline(reports_dir: str | Path, study: str, notebook: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` formatted effect rows a notebook recorded (its headline estimates)."""
    import pandas as pd

    path = Path(reports_dir) / study / "effects" / f"{notebook}.csv"
    if not path.is_file():
        return []
    try:
        rows = pd.read_csv(path)
    except (OSError, ValueError):
        return []
    out = []
    for r in rows.head(limit).itertuples(index=False):
        text = f"{r.outcome} {r.term}: {r.estimate:,.2f}"
        if pd.notna(r.ci_lower) and pd.notna(r.ci_upper):
            text += f" [{r.ci_lower:,.2f}, {r.ci_upper:,.2f}]"
        if str(r.unit) not in ("all", "nan"):
            text = f"{r.unit} · {text}"
        out.append(text)
    return out


def build_index(reports_dir: str | Path, *, language: str | None = None) -> Path:
    """(Re)build ``<reports_dir>/index.html`` from the runs recorded there.

    Parameters
    ----------
    reports_dir : str or Path
        The reports folder.
    language : {"id", "en"}, optional
        Interface language; by default the language most runs used.

    Returns
    -------
    Path
        The index written (atomically).
    """
    reports_dir = Path(reports_dir)
    records = read_status(reports_dir)
    if language is None:
        langs = [r.get("language", "id") for r in records]
        language = max(set(langs), key=langs.count) if langs else "id"
    rows = []
    for r in records:
        study, nb = r["study"], r["notebook"]
        html_file = reports_dir / study / f"{nb}.html"
        json_file = reports_dir / study / f"{nb}.json"
        debug = r.get("debug_notebook")
        rows.append(
            {
                "study": study,
                "title": r.get("title", ""),
                "notebook": nb,
                "notebook_title": NOTEBOOK_TITLES.get(nb, {}).get(language, nb),
                "status": r.get("status", "failed"),
                "headline": headline(reports_dir, study, nb),
                "error": r.get("error") if r.get("status") == "failed" else None,
                "duration_s": r.get("duration_s"),
                "finished": (r.get("finished") or "")[:16].replace("T", " ") or None,
                "report": f"{study}/{nb}.html" if html_file.is_file() else None,
                "provenance": f"{study}/{nb}.json" if json_file.is_file() else None,
                "debug": _relative(debug, reports_dir)
                if debug and r.get("status") == "failed"
                else None,
            }
        )
    page = (
        _environment()
        .get_template("index.html.j2")
        .render(
            language=language,
            ui=UI[language],
            css=_css(),
            rows=rows,
            generated=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    return atomic_write(reports_dir / "index.html", page)


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
