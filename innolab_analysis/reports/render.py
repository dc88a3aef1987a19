"""Render an executed notebook as one self-contained HTML report.

A report is data + template. The notebook's outputs (code hidden) are turned
into HTML fragments — Markdown rendered with raw HTML shown as text, tables
and other HTML outputs as they are, figures as inline PNG with their alt
text — and every fragment passes the allow-list sanitiser
(:func:`~innolab_analysis.reports.sanitise.sanitise_html`). Our Jinja2 page
shell (autoescaping) puts them in the order a reader needs:

1. the header: the notebook's title, the study title and when it ran (in the
   study's time zone), and the table of contents;
2. the notebook's sections in notebook order — the first is its summary
   ("Ringkasan"/"Summary"), then the analyses;
3. the appendix: the parameters (help text in the report's language, the
   technical name beside it in monospace), the methods and standard-error
   conventions the notebook gives (cells tagged ``appendix`` or ``methods``,
   or a section headed with ``report.methods``), and the provenance.

Every page carries a strict Content-Security-Policy (no script, nothing
loaded from anywhere, images only from ``data:``). No host name, platform
string or absolute path reaches the page: paths are shown relative to the
parameter file, or by their name.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from innolab_analysis import l10n
from innolab_analysis.reports.sanitise import content_security_policy, sanitise_html

__all__ = ["APPENDIX_TAGS", "HIDDEN_TAGS", "notebook_title", "render_report"]

HIDDEN_TAGS: frozenset[str] = frozenset({"parameters", "injected-parameters", "remove_cell"})
"""Cell tags whose cells a report leaves out."""

APPENDIX_TAGS: frozenset[str] = frozenset({"appendix", "methods"})
"""Cell tags whose outputs go to the appendix (methods and standard-error conventions)."""

RUNNER_PARAMETERS: frozenset[str] = frozenset({"output_dir", "study_id"})
"""Parameters the runner sets; the appendix leaves them out (they are not the reader's choice)."""

_PATH_PARAMETERS = frozenset({"data_dir", "results_dir", "rubric"})
_PLAIN_INTEGERS = re.compile(r"(^|_)(year|seed)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADING = re.compile(r"^h([1-6])$")
_RESERVED_IDS = frozenset(
    {"main", "contents", "appendix", "parameters", "methods", "provenance", "toc-title"}
)
_HERE = Path(__file__).resolve().parent


# ----------------------------------------------------------------------------- shell
@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css() -> str:
    return (_HERE / "report.css").read_text(encoding="utf-8")


def page_shell(language: str) -> dict[str, Any]:
    """Values every page template needs: language, stylesheet and its policy, the ``t`` helper."""
    from markupsafe import Markup

    css = _css()

    def t(key: str, **values: Any) -> str:
        return l10n.tr(f"report.{key}", language, markdown=False, **values)

    return {
        "language": language,
        "css": Markup(css),
        "csp": Markup(content_security_policy(css)),  # no double quote in it
        "t": t,
    }


def notebook_title(notebook: str, language: str) -> str:
    """The title a reader sees for a notebook (``report.notebook.<name>``).

    Examples
    --------
    >>> notebook_title("city_spillover", "id")
    'Limpahan pertumbuhan antarkota'
    """
    key = f"report.notebook.{notebook}"
    if key not in l10n.catalog():
        key = "report.notebook.other"
    return l10n.tr(key, language, markdown=False)


# ----------------------------------------------------------------------------- notebook → HTML
@dataclass
class _Fragments:
    main: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)


def _markdown(text: str) -> str:
    import mistune

    # raw HTML inside Markdown is shown as text: Markdown outputs are text, tables come as HTML
    render = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return render(text)


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _figure(data: Mapping[str, Any], meta: Mapping[str, Any], alt: str) -> str:
    import html

    mime = "image/png" if "image/png" in data else "image/jpeg"
    payload = "".join(_joined(data[mime]).split())
    info = meta.get(mime, {}) if isinstance(meta.get(mime), Mapping) else {}
    size = "".join(
        f' {k}="{int(info[k])}"'
        for k in ("width", "height")
        if isinstance(info.get(k), int | float) and not isinstance(info.get(k), bool)
    )
    return (
        f'<figure class="report-figure"><img src="data:{mime};base64,{payload}" '
        f'alt="{html.escape(alt, quote=True)}"{size}></figure>'
    )


def _last_heading(markdown: str) -> str | None:
    found = None
    for line in markdown.splitlines():
        if line.startswith("#"):
            found = line.lstrip("#").strip().replace("\\", "")
    return found


def _fragments(nb, language: str) -> _Fragments:
    """The notebook's visible content as HTML fragments (not yet sanitised)."""
    import html

    out = _Fragments()
    heading = ""
    n_figures = 0
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        target = out.appendix if tags & APPENDIX_TAGS else out.main
        if cell.cell_type == "markdown":
            source = _joined(cell.source)
            heading = _last_heading(source) or heading
            target.append(_markdown(source))
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                if output.get("name") == "stdout" and _joined(output.get("text", "")).strip():
                    target.append(f"<pre>{html.escape(_joined(output['text']))}</pre>")
                continue
            if kind not in ("display_data", "execute_result"):
                continue  # errors belong in the debug notebook, not in a published report
            data = output.get("data", {})
            if "image/png" in data or "image/jpeg" in data:
                n_figures += 1
                mime = "image/png" if "image/png" in data else "image/jpeg"
                alt = str((output.get("metadata", {}).get(mime) or {}).get("alt") or "").strip()
                if not alt:
                    alt = (
                        l10n.tr(
                            "report.figure_alt",
                            language,
                            markdown=False,
                            n=n_figures,
                            heading=heading,
                        )
                        if heading
                        else l10n.tr(
                            "report.figure_alt_plain", language, markdown=False, n=n_figures
                        )
                    )
                target.append(_figure(data, output.get("metadata", {}), alt))
            elif "text/html" in data:
                target.append(_joined(data["text/html"]))
            elif "text/markdown" in data:
                source = _joined(data["text/markdown"])
                heading = _last_heading(source) or heading
                target.append(_markdown(source))
            elif "text/plain" in data:
                text = _joined(data["text/plain"]).strip()
                if text and not (text.startswith("<") and text.endswith(">")):  # object reprs
                    target.append(f"<pre>{html.escape(text)}</pre>")
    return out


# ----------------------------------------------------------------------------- headings and TOC
def _slug(text: str, n: int, seen: set[str]) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    anchor = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60].strip("-")
    anchor = anchor or f"section-{n}"
    base, i = anchor, 2
    while anchor in seen or anchor in _RESERVED_IDS:
        anchor = f"{base}-{i}"
        i += 1
    seen.add(anchor)
    return anchor


def _soup(fragments: list[str]):
    from bs4 import BeautifulSoup

    return BeautifulSoup(sanitise_html("\n".join(fragments)), features="html.parser")


def _wrap_tables(soup) -> None:
    """Every table inside a ``.table-scroll`` box, so none is wider than the page.

    The box can take keyboard focus (so a keyboard can scroll it) and is a
    region named by the table's caption when it has one.
    """
    for table in soup.find_all("table"):
        if table.find_parent(class_="table-scroll") is None:
            table.wrap(soup.new_tag("div", attrs={"class": "table-scroll"}))
    for box in soup.find_all(class_="table-scroll"):
        box["tabindex"] = "0"
        caption = box.find("caption")
        if caption is not None and caption.get_text(strip=True):
            box["role"] = "region"
            box["aria-label"] = caption.get_text(" ", strip=True)


def _shift_headings(soup, top: int) -> None:
    """Renumber headings so the highest one is ``h<top>`` (order kept, h6 at most)."""
    heads = soup.find_all(_HEADING)
    if not heads:
        return
    shift = top - min(int(h.name[1]) for h in heads)
    for h in heads:
        h.name = f"h{min(6, max(1, int(h.name[1]) + shift))}"


def _split_methods(main, language: str) -> list:
    """Top-level sections of ``main`` headed ``report.methods``: taken out for the appendix."""
    title = l10n.tr("report.methods", language, markdown=False).casefold()
    moved = []
    for h in list(main.find_all("h2", recursive=False)):
        if h.get_text(" ", strip=True).casefold() != title:
            continue
        nodes = [h]
        for sibling in h.next_siblings:
            if getattr(sibling, "name", None) == "h2":
                break
            nodes.append(sibling)
        moved += [node.extract() for node in nodes]
    return moved


def _toc(soups, levels: tuple[int, ...], seen: set[str], language: str) -> list[dict[str, Any]]:
    entries = []
    n = 0
    for soup in soups:
        for h in soup.find_all(_HEADING):
            n += 1
            text = h.get_text(" ", strip=True)
            if not text:
                text = l10n.tr("report.section_fallback", language, markdown=False, n=n)
            h["id"] = _slug(text, n, seen)
            level = int(h.name[1])
            if level in levels:
                entries.append({"level": level, "id": h["id"], "text": text})
    return entries


# ----------------------------------------------------------------------------- appendix
def _display_path(value: str, params_file: str | None) -> str:
    """A path as the parameter file would write it: relative to it, or just its name."""
    path = PurePath(value)
    if not path.is_absolute():
        return path.as_posix()
    if params_file and PurePath(params_file).is_absolute():
        import os

        try:
            relative = PurePath(os.path.relpath(path, PurePath(params_file).parent))
        except ValueError:
            relative = None
        if relative is not None and relative.parts.count("..") <= 2:
            return relative.as_posix()
    return path.name


def _param_value(name: str, value: Any, language: str, params_file: str | None) -> dict:
    """``{"text", "code"}``: how the appendix shows one parameter value."""
    if isinstance(value, bool):
        return {"text": l10n.yes_no(value, language), "code": False}
    if isinstance(value, int):
        plain = _PLAIN_INTEGERS.search(name)
        return {"text": str(value) if plain else l10n.integer(value, language), "code": False}
    if isinstance(value, float):
        return {"text": l10n.number(value, language, 2), "code": False}
    if isinstance(value, list | tuple):
        if not value:
            return {"text": l10n.MISSING, "code": False}
        return {"text": ", ".join(str(v) for v in value), "code": True}
    text = "" if value is None else str(value)
    if not text:
        return {"text": l10n.MISSING, "code": False}
    key = f"params.value.{name}.{text}"
    if key in l10n.catalog():
        return {"text": l10n.tr(key, language, markdown=False), "code": False}
    if _ISO_DATE.match(text):
        try:
            return {"text": l10n.date(text, language), "code": False}
        except ValueError:
            pass
    if name in _PATH_PARAMETERS or name.endswith("_dir"):
        return {"text": _display_path(text, params_file), "code": True}
    return {"text": text, "code": True}


def _param_rows(
    params: Mapping[str, Any],
    help_text: Mapping[str, str],
    language: str,
    params_file: str | None,
) -> list[dict[str, Any]]:
    rows = []
    for name, value in params.items():
        if name in RUNNER_PARAMETERS:
            continue
        key = f"params.help.{name}"
        help_ = help_text.get(name) or (
            l10n.tr(key, language, markdown=False) if key in l10n.catalog() else ""
        )
        rows.append(
            {"name": name, "help": help_, **_param_value(name, value, language, params_file)}
        )
    return rows


def _provenance_view(provenance: Mapping[str, Any], language: str, timezone: str) -> dict:
    """What the appendix shows of the provenance: no host, platform or absolute path."""

    def t(key: str, **values: Any) -> str:
        return l10n.tr(f"report.{key}", language, markdown=False, timezone=timezone, **values)

    git = provenance.get("git") or {}
    dirty = git.get("dirty")
    code_state = {True: t("prov_code_dirty"), False: t("prov_code_clean")}.get(dirty)
    name = lambda p: PurePath(str(p)).name if p else None  # noqa: E731
    started, ended = provenance.get("started"), provenance.get("ended")
    return {
        "span": t("prov_span", start=started, end=ended, seconds=provenance.get("duration_s"))
        if started and ended
        else t("prov_unknown"),
        "commit": (git.get("commit") or "")[:12] or None,
        "code_state": code_state,
        "params_file": name(provenance.get("params_file")),
        "params_file_sha256": provenance.get("params_file_sha256"),
        "params_sha256": provenance.get("params_sha256"),
        "notebook_file": name(provenance.get("notebook_file")),
        "notebook_sha256": provenance.get("notebook_sha256"),
        "key": provenance.get("key"),
        "inputs": sorted((provenance.get("inputs") or {}).items()),
        "versions": sorted((provenance.get("versions") or {}).items()),
    }


# ----------------------------------------------------------------------------- the page
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
    timezone: str | None = None,
) -> str:
    """Render an executed notebook as one self-contained HTML page.

    Parameters
    ----------
    executed_nb : NotebookNode
        The notebook papermill executed.
    study : str
        Study id (names the provenance file beside the report, never shown as text).
    notebook : str
        Notebook name (its title comes from the catalog, ``report.notebook.<name>``).
    title : str
        Study title, shown in the header.
    language : {"id", "en"}
        Language of the page.
    params : mapping
        Parameters shown in the appendix (runner-set ones are left out).
    help_text : mapping
        Help text per parameter in ``language`` (default: the catalog's ``params.help.<name>``).
    provenance : mapping
        From :func:`~innolab_analysis.reports.provenance.collect_provenance`.
    timezone : str, optional
        Time zone of the dates and times (default: the ``timezone`` parameter, else WIB).

    Returns
    -------
    str
        The HTML page: code hidden, figures inline, sanitised, with a strict
        Content-Security-Policy and no external resource.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("## Ringkasan\\n\\n- IKM naik.")]
    >>> page = render_report(nb, study="s", notebook="service_quality", title="Kota X",
    ...                      language="id", params={}, help_text={},
    ...                      provenance={"ended": "2026-12-01T08:34:57+00:00"})
    >>> '<h2 id="ringkasan">Ringkasan</h2>' in page, "Dijalankan 1 Desember 2026 15.34 WIB" in page
    (True, True)
    """
    from markupsafe import Markup

    language = str(language)
    tz = timezone or str(params.get("timezone") or "Asia/Jakarta")
    nb = copy.deepcopy(executed_nb)
    parts = _fragments(nb, language)

    main = _soup(parts.main)
    _shift_headings(main, 2)
    methods = _split_methods(main, language)
    extra = _soup(parts.appendix)
    for node in reversed(methods):
        extra.insert(0, node)
    _shift_headings(extra, 3)
    for soup in (main, extra):
        _wrap_tables(soup)

    seen: set[str] = set()
    toc = _toc([main], (2, 3), seen, language)
    methods_toc = _toc([extra], (3,), seen, language)

    shell = page_shell(language)
    t = shell["t"]
    ended = provenance.get("ended")
    params_file = provenance.get("params_file")
    rows = _param_rows(params, help_text, language, params_file)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            **shell,
            title=title,
            heading=notebook_title(notebook, language),
            run_on=l10n.tr("report.run_on", language, markdown=False, timezone=tz, when=ended)
            if ended
            else None,
            toc=toc,
            methods_toc=methods_toc,
            body=Markup(str(main)),
            methods=Markup(str(extra)) if str(extra).strip() else None,
            params=rows,
            params_note=l10n.tr(
                "common.missing_note", language, markdown=False, reason=t("param_empty")
            )
            if any(r["text"] == l10n.MISSING for r in rows)
            else None,
            prov=_provenance_view(provenance, language, tz),
            json_name=f"{notebook}.json",
            version=(provenance.get("versions") or {}).get("innolab-analysis", ""),
        )
    )
