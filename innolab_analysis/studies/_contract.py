"""The contract every study result follows (service quality, portfolio, impact, spillover, synthesis).

A study function (``service_quality(study, ...)``, ``impact_study(...)`` …)
computes everything once and returns a frozen result that subclasses
:class:`StudyResult`. The result is data; its sentences live in the study's
text module (messages from the catalog, :mod:`innolab_analysis.l10n`) and its
figures in the study's plots module. The contract:

=====================================  ==============================================
``summary()``                          tidy DataFrame of the headline numbers
                                       (:data:`~innolab_analysis.estimators._result.SUMMARY_COLUMNS`)
``effect_rows(study)``                 the same with the study-level columns
                                       (:data:`~innolab_analysis.estimators._result.EFFECT_COLUMNS`)
``diagnostics``                        tuple of :class:`Diagnostic`
``findings(language)``                 the report's summary as data: 3–6 :class:`Finding`
``markdown(section, language)``        one narrative section (``"summary"`` first);
                                       ``SECTIONS`` lists them in report order
``table(name, language)``              a :class:`~innolab_analysis.display.ReportTable`
``plot(kind, ax=None, language=…)``    draw on ``ax`` and return it (never ``plt.show()``)
``figure(kind, language)``             the rendered figure with its alt text
``alt_text(kind, language)``           the figure's one-line reading
``_repr_html_()``                      JupyterLab display: the findings and diagnostics
=====================================  ==============================================

Subclasses set ``DOMAIN`` (their catalog file), ``SECTIONS``, ``TABLES`` and
``PLOT_KINDS`` (tuples built from Literals of :mod:`innolab_analysis.options`)
and implement ``summary``, ``effect_rows``, ``findings``, ``_section``,
``_table``, ``_draw`` and ``alt_text``; the rest is provided here, so every
study checks its options and renders its summary the same way.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import check_option
from innolab_analysis.estimators._result import Diagnostic
from innolab_analysis.options import Language

__all__ = ["Finding", "StudyResult"]


@dataclass(frozen=True)
class Finding:
    """One finding of a report's summary, as data.

    Attributes
    ----------
    key : str
        Stable name (``"city_ikm_trend"``), the same in both languages.
    text : str
        One or two sentences in the report's language (Markdown, values
        escaped): the number, its uncertainty and what it means for the city or
        the agency.
    estimate, ci_lower, ci_upper : float or None
        The number the sentence quotes and its interval, when it has one.
    outcome : str or None
        What the number measures (``"ikm"``, ``"processing_days"`` …).
    """

    key: str
    text: str
    estimate: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    outcome: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (missing numbers as None)."""
        out = {}
        for k, v in self.__dict__.items():
            out[k] = None if (isinstance(v, float) and l10n.is_missing(v)) else v
        return out


class StudyResult:
    """Base of every study result (mixed into a frozen dataclass)."""

    DOMAIN: ClassVar[str] = ""
    """The study's catalog file (``l10n/messages/<DOMAIN>.yaml``), also its section headings
    (``<DOMAIN>.section.<name>``)."""
    SECTIONS: ClassVar[tuple[str, ...]] = ()
    """Narrative sections in report order; the first is ``"summary"``."""
    TABLES: ClassVar[tuple[str, ...]] = ()
    """Tables of :meth:`table`."""
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ()
    """Figures of :meth:`plot` and :meth:`figure`."""
    FIGSIZE: ClassVar[dict[str, tuple[float, float]]] = {}
    """Figure size (inches) per kind when :meth:`plot` makes its own figure."""

    diagnostics: tuple[Diagnostic, ...]

    # ------------------------------------------------------------ to implement
    def summary(self) -> pd.DataFrame:  # pragma: no cover - abstract
        """Tidy table of the headline numbers."""
        raise NotImplementedError

    def effect_rows(self, study: str) -> pd.DataFrame:  # pragma: no cover - abstract
        """Headline rows with the study-level columns, for the index and the synthesis."""
        raise NotImplementedError

    def findings(self, language: Language = "id") -> tuple[Finding, ...]:  # pragma: no cover
        """The report's summary as data (3–6 findings)."""
        raise NotImplementedError

    def _section(self, section: str, language: str) -> str:  # pragma: no cover - abstract
        """The body of a section (Markdown, without its heading)."""
        raise NotImplementedError

    def _table(self, name: str, language: str):  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw(self, kind: str, ax, language: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def alt_text(self, kind: str, language: Language = "id") -> str:  # pragma: no cover
        """The one-line reading of figure ``kind`` (plain text)."""
        raise NotImplementedError

    # ------------------------------------------------------------ provided
    @staticmethod
    def _check_language(language: object) -> str:
        check_option(
            "language", language, Language, hint="use 'id' for Bahasa Indonesia or 'en' for English"
        )
        return str(language)

    def heading(self, section: str, language: Language = "id") -> str:
        """The heading of ``section`` in ``language`` (plain text)."""
        if section == "summary":
            return l10n.tr("report.summary", language, markdown=False)
        return l10n.tr(f"{self.DOMAIN}.section.{section}", language, markdown=False)

    def markdown(self, section: str, language: Language = "id") -> str:
        """One narrative section as Markdown with its ``##`` heading, numbers quoted.

        Raises
        ------
        ParamsError
            An unknown section or language (the message lists the allowed ones).
        """
        language = self._check_language(language)
        check_option("section", section, self.SECTIONS)
        if section == "summary":
            body = "\n".join(f"- {f.text}" for f in self.findings(language))
        else:
            body = self._section(section, language)
        return (
            f"## {l10n.escape_markdown(self.heading(section, language))}\n\n{body}".rstrip() + "\n"
        )

    def diagnostics_markdown(self, language: Language = "id") -> str:
        """The diagnostics as a Markdown list (empty string when there are none)."""
        language = self._check_language(language)
        return "\n".join(f"- {d.message[language]}" for d in self.diagnostics)

    def table(self, name: str, language: Language = "id"):
        """Table ``name`` as a :class:`~innolab_analysis.display.ReportTable` in ``language``."""
        language = self._check_language(language)
        check_option("table", name, self.TABLES)
        return self._table(name, language)

    def plot(self, kind: str, ax=None, *, language: Language = "id"):
        """Draw figure ``kind`` on ``ax`` (a new figure when None) and return the Axes."""
        from innolab_analysis._plotting import axes_or_new, plot_style

        language = self._check_language(language)
        check_option("kind", kind, self.PLOT_KINDS)
        with plot_style():
            ax = axes_or_new(ax, figsize=self.FIGSIZE.get(kind, (7.0, 4.0)))
            self._draw(kind, ax, language)
        return ax

    def figure(self, kind: str, language: Language = "id"):
        """Figure ``kind`` rendered for a report, with its alt text."""
        from innolab_analysis.display import ReportFigure

        ax = self.plot(kind, language=language)
        return ReportFigure.from_figure(ax.figure, self.alt_text(kind, language))

    def headline(self, language: Language = "id") -> str:
        """The first finding: the one-line headline of the report in the index."""
        found = self.findings(language)
        return found[0].text if found else ""

    def _repr_html_(self) -> str:
        import mistune

        render = mistune.create_markdown(escape=True)
        items = "".join(f"<li>{render(f.text)}</li>" for f in self.findings("en"))
        diag = "".join(f"<li>{render(d.message.en)}</li>" for d in self.diagnostics)
        name = html.escape(type(self).__name__)
        return (
            f"<div class='innolab-study'><h4>{name}</h4><ul>{items}</ul>"
            + (f"<p>Diagnostics</p><ul>{diag}</ul>" if diag else "")
            + "</div>"
        )


def check_sections(sections: Sequence[str]) -> tuple[str, ...]:
    """Sections of a study, checked: ``summary`` first, no repeats."""
    sections = tuple(sections)
    if not sections or sections[0] != "summary" or len(set(sections)) != len(sections):
        raise ValueError(f"sections must start with 'summary' and not repeat: {sections}")
    return sections
