"""A figure as a report shows it: one PNG with its alt text."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

from innolab_analysis import l10n
from innolab_analysis.options import Language

__all__ = ["ReportFigure", "localise_axis", "mpl_text"]

DPI = 110
"""Resolution of report figures (crisp on screen, small files)."""


@dataclass(frozen=True)
class ReportFigure:
    """A rendered figure: PNG bytes and the alt text that reads it in one line.

    Build it with :meth:`from_figure` (or a study's ``figure(kind, language)``);
    in a notebook it displays as an image whose ``alt`` attribute is :attr:`alt`.

    Attributes
    ----------
    png : bytes
    alt : str
        The figure's one-line reading, for screen readers (plain text).
    width, height : int
        Size in CSS pixels.
    """

    png: bytes
    alt: str
    width: int
    height: int

    @classmethod
    def from_figure(cls, fig: Any, alt: str, *, close: bool = True) -> ReportFigure:
        """Render a matplotlib Figure (or the figure of an Axes) to PNG.

        Raises
        ------
        ValueError
            When ``alt`` is empty: every report figure carries its reading.
        """
        if not str(alt).strip():
            raise ValueError("a report figure needs alt text: its one-line reading")
        import matplotlib.pyplot as plt

        fig = getattr(fig, "figure", fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
        w, h = fig.get_size_inches()
        if close:
            plt.close(fig)
        return cls(
            png=buf.getvalue(),
            alt=" ".join(str(alt).split()),
            width=round(w * 96),
            height=round(h * 96),
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        meta = {"image/png": {"alt": self.alt, "width": self.width, "height": self.height}}
        return data, meta


def mpl_text(value: Any) -> str:
    r"""Text for a matplotlib label: ``$`` escaped, so a name from data cannot start mathtext.

    Examples
    --------
    >>> print(mpl_text("Dinas $x$"))
    Dinas \$x\$
    """
    return str(value).replace("$", "\\$")


def localise_axis(ax: Any, language: Language, *, axis: str = "y", decimals: int = 0) -> Any:
    """Tick labels of ``axis`` ("x", "y" or "both") written as the language writes numbers.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1.5], [0, 1.5]); _ = localise_axis(ax, "id", axis="x", decimals=1)
    >>> ax.xaxis.get_major_formatter()(0.5, 0)
    '0,5'
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda v, _pos: l10n.number(v, language, decimals))
    if axis in ("x", "both"):
        ax.xaxis.set_major_formatter(formatter)
    if axis in ("y", "both"):
        ax.yaxis.set_major_formatter(formatter)
    return ax
