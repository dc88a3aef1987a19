"""The index of a reports folder: every run, its status and headline estimates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from innolab_analysis.reports.publish import atomic_write, read_status
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
