"""The shared result contract: one localisation layer for every estimator's text."""

from __future__ import annotations

import importlib

import pytest

from innolab_analysis import l10n
from innolab_analysis.estimators import _result


def test_the_legacy_bilingual_and_its_number_rewriting_are_gone():
    assert not hasattr(_result, "Bilingual")
    assert not hasattr(_result, "localise_numbers")
    with pytest.raises(AttributeError):
        importlib.import_module("innolab_analysis.estimators").Bilingual  # noqa: B018


def test_diagnostic_messages_are_catalog_bilinguals():
    from innolab_analysis.estimators._diagnostics import no_counterfactual

    d = no_counterfactual()
    assert type(d.message) is l10n.Bilingual
    assert str(d) == f"[warning] no_counterfactual: {d.message.en}"
