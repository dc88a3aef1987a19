"""The synthesis and the comparison built on the shipped demo data and its recorded results.

``example_effects.json`` holds the effect rows the demo notebooks recorded for
``params/mojokerto.yaml`` and ``params/pasuruan_demo.yaml`` (its ``note`` says how to
regenerate them), so the contract tests and the docstrings need no notebook run.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["DEMO_DATA", "example_effects", "example_synthesis"]

_REPO = Path(__file__).resolve().parents[3]
DEMO_DATA: dict[str, Path] = {
    "mojokerto": _REPO / "data" / "demo",
    "pasuruan_demo": _REPO / "data" / "demo_pasuruan",
}
"""The demo studies' data folders, by study id."""


@lru_cache(maxsize=1)
def _rows() -> pd.DataFrame:
    text = (Path(__file__).with_name("example_effects.json")).read_text(encoding="utf-8")
    frame = pd.DataFrame(json.loads(text)["rows"])
    return frame.astype({"study": "str", "unit": "str", "term": "str"})


def example_effects(study: str | None = None) -> pd.DataFrame:
    """The recorded demo effect rows (``run``, ``notebook`` and the effect columns).

    Examples
    --------
    >>> sorted(example_effects()["study"].unique())
    ['mojokerto', 'pasuruan_demo']
    """
    rows = _rows()
    return (rows if study is None else rows[rows["study"] == study]).reset_index(drop=True)


@lru_cache(maxsize=2)
def _study(study: str):
    from innolab_analysis.data.study import load_study

    return load_study(DEMO_DATA[study])


def example_synthesis(study: str = "mojokerto"):
    """The comparative synthesis of a demo study (small bootstrap for speed)."""
    from innolab_analysis.studies.synthesis.compute import comparative_synthesis

    return comparative_synthesis(
        _study(study), example_effects(study), study_id=study, n_draws=500, seed=1
    )
