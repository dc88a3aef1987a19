"""The default study's notebooks run in one plain Python process: no kernel, no papermill, no HTML.

What ``innolab run params/mojokerto.yaml`` does, minus the notebook machinery:
the parameter file is loaded and its data checked (as the runner does before
any kernel starts), then each notebook's code cells are executed in this
interpreter, in the runner's order (the comparative synthesis after the
notebooks it reads), with the parameters the runner would inject. Each
``display(...)`` computes the representations a kernel computes (IPython's
display formatter: the Markdown, a table's HTML, a figure's PNG and HTML), and
figures still open at the end of a cell are rendered to PNG as the inline
backend does (``bbox_inches="tight"``). Effect rows and findings are written
by the notebooks' own ``ia.record_results``, so the two runs are compared
number by number.

Executing the notebooks' own cells keeps this script in step with them: a new
section, table or figure in a notebook is in the plain run too.

``python -m benchmarks.plain_study PARAMS OUT`` runs it; the end-to-end
workload of ``make bench`` (:mod:`benchmarks.study`) times it against
``innolab run PARAMS --force`` (floor: at most 1.3×).
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

__all__ = ["run_plain"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SYNTHESIS = ("comparative_synthesis", "city_comparison")


def _png_of_open_figures() -> int:
    """Render every open figure to PNG as the inline backend does at the end of a cell."""
    import matplotlib.pyplot as plt

    size = 0
    for num in plt.get_fignums():
        f = plt.figure(num)
        buf = io.BytesIO()
        f.savefig(buf, format="png", bbox_inches="tight", facecolor=f.get_facecolor())
        size += buf.tell()
        plt.close(f)
    return size


def _display_hook():
    """A ``display`` that formats its objects as a kernel's display formatter does."""
    from IPython.core.interactiveshell import InteractiveShell

    formatter = InteractiveShell.instance().display_formatter

    def display(*objs, **_kw):
        for obj in objs:
            formatter.format(obj)

    return display


def _cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and "parameters" not in c.get("metadata", {}).get("tags", [])
    ]


def run_notebook(path: Path, parameters: dict) -> None:
    """Execute ``path``'s code cells (all but the parameters cell) with ``parameters``."""
    namespace = {"__name__": "__main__", **parameters}
    for source in _cells(path):
        code = compile(source.rstrip().rstrip(";"), f"{path.name}", "exec")
        exec(code, namespace)  # our own notebooks, as the kernel runs them
        _png_of_open_figures()


def run_plain(params: str | Path, out: str | Path) -> list[str]:
    """Run the notebooks of ``params`` in this process, results under ``<out>/<study>``.

    Returns the notebooks it ran, in order.
    """
    import matplotlib

    matplotlib.use("agg")
    import IPython.core.display_functions as display_functions
    import IPython.display

    from innolab_analysis.reports.params import load_params

    cfg = load_params(params)  # checks the data too, as `innolab run` does before any kernel
    folder = Path(out).resolve() / cfg.study
    folder.mkdir(parents=True, exist_ok=True)
    display = _display_hook()
    IPython.display.display = display_functions.display = display
    order = [nb for nb in cfg.notebooks if nb not in SYNTHESIS]
    order += [nb for nb in cfg.notebooks if nb in SYNTHESIS]
    os.chdir(cfg.path.parent)  # the kernels' working directory
    for nb in order:
        run_notebook(NOTEBOOKS / f"{nb}.ipynb", cfg.notebook_parameters(nb, folder))
    return order


if __name__ == "__main__":  # pragma: no cover
    print(", ".join(run_plain(sys.argv[1], sys.argv[2])))
