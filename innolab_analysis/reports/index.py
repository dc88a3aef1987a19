"""The index of a reports folder: every run, its status and headline estimates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from innolab_analysis.reports.publish import atomic_write, published_reports
from innolab_analysis.reports.render import NOTEBOOK_TITLES, UI, _css, _environment

__all__ = ["build_index", "headline"]


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
    records = published_reports(reports_dir)
    if language is None:
        langs = [r.get("language", "id") for r in records]
        language = max(set(langs), key=langs.count) if langs else "id"
    rows = []
    for r in records:
        study, nb = r["study"], r["notebook"]
        published = r.get("published") or {}
        error = r.get("error") or {}
        failed = r.get("status") in ("failed", "interrupted")
        where = f" in cell [{error['cell']}]" if error.get("cell") is not None else ""
        rows.append(
            {
                "study": study,
                "title": r.get("title", ""),
                "notebook": nb,
                "notebook_title": NOTEBOOK_TITLES.get(nb, {}).get(language, nb),
                "status": r.get("status", "failed"),
                "headline": headline(reports_dir, study, nb) if published.get("effects") else [],
                "error": f"{nb} {r.get('status')}{where}: {error.get('detail')}"
                if failed
                else None,
                "duration_s": r.get("duration_s"),
                "finished": (published.get("finished") or "")[:16].replace("T", " ") or None,
                "report": published.get("html"),
                "provenance": published.get("provenance"),
                "debug": r.get("debug_notebook") if failed else None,
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
