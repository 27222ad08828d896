"""Lazy re-exports for a package's `__init__`: a public name is imported from its module on
first use, so that importing one light module (a reader, the verdict store) never loads torch."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` that resolves each name of `exports` (name -> module, relative to
    `package`) on first access."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name], package), name)

    return __getattr__
