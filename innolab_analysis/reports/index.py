"""The index of a reports folder: every report, its status and its headline, in the reader's language.

Per report one row: its title (a link to the last good report), a status badge
that says its status in words, the report's headline — the first finding the
notebook recorded (``findings/<notebook>.json``, written by
:func:`~innolab_analysis.studies.effects.record_results`) — and the date of
that report. When the last attempt failed or was interrupted, the headline
shown is labelled with the date of the last good run, and the failure is
said in a sentence of the index's language (from the status ``error.kind``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from innolab_analysis import l10n
from innolab_analysis.reports.publish import atomic_write, published_reports
from innolab_analysis.reports.render import _environment, notebook_title, page_shell
from innolab_analysis.reports.sanitise import sanitise_html

__all__ = ["ERROR_KINDS", "build_index", "headline", "index_rows", "report_headline"]

ERROR_KINDS: tuple[str, ...] = (
    "data",
    "params",
    "cell",
    "timeout",
    "dead_kernel",
    "disk_full",
    "unwritable",
    "interrupted",
    "internal",
)
"""Failure kinds of a status record (``error.kind``), each with a sentence ``report.error.<kind>``."""

_FAILED = frozenset({"failed", "interrupted"})
_STATUSES = frozenset({"ok", "skipped", "failed", "interrupted"})


def headline(reports_dir: str | Path, study: str, notebook: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` effect rows a notebook recorded, as compact technical lines (for the CLI).

    The index shows :func:`report_headline` instead: the first finding, in words.
    """
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


# ----------------------------------------------------------------------------- records
def _relative(path: Any, root: Path) -> str | None:
    """``path`` relative to ``root`` (POSIX), or None when it lies outside (never an absolute path)."""
    if not path:
        return None
    p = Path(str(path))
    if not p.is_absolute():
        rel = PurePosixPath(p.as_posix())
        return None if ".." in rel.parts else rel.as_posix()
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def report_headline(findings_file: str | Path, language: str) -> str | None:
    """The first finding a report recorded, as inline HTML (sanitised), or None.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = f.write_text(json.dumps({"findings": {"id": [{"text": "IKM naik **8,39** poin."}]}}))
    >>> report_headline(f, "id")
    'IKM naik <strong>8,39</strong> poin.'
    """
    import mistune

    try:
        data = json.loads(Path(findings_file).read_text(encoding="utf-8"))
        found = data["findings"][language]
        text = str(found[0]["text"]) if found else ""
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    if not text.strip():
        return None
    rendered = mistune.create_markdown(escape=True)(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return sanitise_html(rendered)


def _failure(error: Mapping[str, Any] | None, language: str) -> str:
    kind = (error or {}).get("kind")
    cell = (error or {}).get("cell")
    if kind == "cell":
        if isinstance(cell, int) and not isinstance(cell, bool):
            return l10n.tr("report.error.cell", language, markdown=False, cell=cell)
        return l10n.tr("report.error.cell_unknown", language, markdown=False)
    if kind in ERROR_KINDS:
        return l10n.tr(f"report.error.{kind}", language, markdown=False)
    return l10n.tr("report.error.unknown", language, markdown=False)


def index_rows(reports_dir: str | Path, language: str) -> list[dict[str, Any]]:
    """The index's rows, grouped by study: ``[{"study", "title", "reports": [...]}]``."""
    from markupsafe import Markup

    root = Path(reports_dir)
    studies: dict[str, dict[str, Any]] = {}
    for r in published_reports(root):
        tz = str(r.get("timezone") or "Asia/Jakarta")
        status = r.get("status") if r.get("status") in _STATUSES else "unknown"
        published = r.get("published") or None
        findings = _relative(published.get("findings"), root) if published else None
        head = report_headline(root / findings, language) if findings else None
        failed = status in _FAILED
        finished = published.get("finished") if published else None
        debug = _relative(r.get("debug_notebook"), root) if failed else None
        row = {
            "notebook": r.get("notebook", ""),
            "name": notebook_title(str(r.get("notebook", "")), language),
            "status": status,
            "status_text": l10n.tr(f"report.status.{status}", language, markdown=False),
            "headline": Markup(head) if head else None,
            "from_run": l10n.tr("report.from_run", language, markdown=False, when=finished)
            if failed and published and finished
            else None,
            "failure": _failure(r.get("error"), language) if failed else None,
            "attempt": l10n.tr(
                "report.attempt_on",
                language,
                markdown=False,
                timezone=tz,
                when=r.get("attempt_finished"),
            )
            if failed and r.get("attempt_finished")
            else None,
            "finished": l10n.datetime(finished, language, timezone=tz) if finished else None,
            "report": _relative(published.get("html"), root) if published else None,
            "pdf": _relative(published.get("pdf"), root) if published else None,
            "debug": debug,
        }
        group = studies.setdefault(
            str(r.get("study", "")), {"title": r.get("title") or "", "reports": []}
        )
        group["reports"].append(row)
    return [{"study": k, **v} for k, v in studies.items()]


def build_index(reports_dir: str | Path, *, language: str | None = None) -> Path:
    """(Re)build ``<reports_dir>/index.html`` from the reports published there.

    Parameters
    ----------
    reports_dir : str or Path
        The reports folder.
    language : {"id", "en"}, optional
        Language of the index; by default the language most reports use.

    Returns
    -------
    Path
        The index written (atomically).
    """
    reports_dir = Path(reports_dir)
    records = published_reports(reports_dir)
    if language is None:
        langs = [r.get("language", "id") for r in records]
        language = max(sorted(set(langs)), key=langs.count) if langs else "id"
    zones = [r.get("timezone") for r in records if r.get("timezone")]
    tz = zones[0] if zones else "Asia/Jakarta"
    page = (
        _environment()
        .get_template("index.html.j2")
        .render(
            **page_shell(language),
            groups=index_rows(reports_dir, language),
            updated=l10n.tr(
                "report.index_updated",
                language,
                markdown=False,
                timezone=tz,
                when=datetime.now(UTC),
            ),
        )
    )
    return atomic_write(reports_dir / "index.html", page)
