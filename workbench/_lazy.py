"""Package facades that import nothing heavy until a name is used.

    __all__, __getattr__, __dir__ = lazy_exports(__name__, {"run": ".run", "Graph": "workbench.dataflow.graph"})

Each exported name maps to the module that defines it (``.module`` is relative to the package).
The first use imports that module and caches the value in the package, so later uses are plain
attribute reads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[list[str], Callable[[str], Any],
                                                                    Callable[[], list[str]]]:
    """``(__all__, __getattr__, __dir__)`` for the package named ``package``."""
    names = sorted(exports)

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package if module.startswith(".") else None), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return names, __getattr__, __dir__
