"""The shared result contract: bilingual text."""

from __future__ import annotations

from innolab_analysis.estimators._result import Bilingual


def test_indonesian_text_uses_the_decimal_comma():
    b = Bilingual(id="naik 2.905 (p = 0.001), n = 1,234", en="rose 2.905 (p = 0.001), n = 1,234")
    assert b.id == "naik 2,905 (p = 0,001), n = 1.234"
    assert b.en == "rose 2.905 (p = 0.001), n = 1,234"
