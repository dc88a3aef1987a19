"""Lazy public names for package ``__init__`` modules (PEP 562).

Importing ``innolab_analysis`` (or one of its subpackages) must stay fast —
the command line starts on it, and a notebook that only loads data should not
pay for scipy and statsmodels. Each ``__init__`` declares ``name → module``
and gets ``__getattr__``, ``__dir__`` and ``__all__`` from :func:`attach`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def attach(
    package: str, mapping: Mapping[str, str], eager: Mapping[str, Any] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Return ``(__getattr__, __dir__, __all__)`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    mapping : mapping of str to str
        Public name → module that defines it (absolute, or relative to
        ``package`` when it starts with a dot).
    eager : mapping, optional
        Names already bound in the package (listed in ``__all__`` too).
    """
    names = sorted({*mapping, *(eager or {})})

    def __getattr__(name: str) -> Any:
        if name in mapping:
            module = importlib.import_module(mapping[name], package)
            value = getattr(module, name)
            setattr(importlib.import_module(package), name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return names

    return __getattr__, __dir__, names
