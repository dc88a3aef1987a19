"""A study result whose words, tables and figures live beside it, in its package.

A study package ``studies/<name>/`` holds ``compute.py`` (the result),
``text.py`` (``findings``, ``section``, ``alt_text``), ``tables.py``
(``table``) and ``plots.py`` (``draw``). :class:`PackagedStudy` connects the
:class:`~innolab_analysis.studies._contract.StudyResult` contract to them, so a
result class only computes.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from innolab_analysis.errors import check_option
from innolab_analysis.options import Language
from innolab_analysis.studies._contract import Finding, StudyResult

__all__ = ["PackagedStudy"]


class PackagedStudy(StudyResult):
    """:class:`StudyResult` whose text, tables and plots are the modules of its own package."""

    def _module(self, name: str) -> ModuleType:
        package = type(self).__module__.rsplit(".", 1)[0]
        return importlib.import_module(f"{package}.{name}")

    def findings(self, language: Language = "id") -> tuple[Finding, ...]:
        """The report's summary as data: 3–6 findings (``text.findings``)."""
        return self._module("text").findings(self, self._check_language(language))

    def _section(self, section: str, language: str) -> str:
        return self._module("text").section(self, section, language)

    def _table(self, name: str, language: str):
        return self._module("tables").table(self, name, language)

    def _draw(self, kind: str, ax, language: str) -> None:
        self._module("plots").draw(self, kind, ax, language)

    def alt_text(self, kind: str, language: Language = "id") -> str:
        """The one-line reading of figure ``kind`` (plain text; ``text.alt_text``)."""
        check_option("kind", kind, self.PLOT_KINDS)
        return self._module("text").alt_text(self, kind, self._check_language(language))
