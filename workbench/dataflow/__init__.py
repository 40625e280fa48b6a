"""Running AIO data flow graphs locally, with the timely semantics of AIO's runtime.

See ``nodes`` for the semantics of each operation type, ``scheduler`` for the order of
execution and ``record`` for the frames a ``Run`` exposes.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "run": "workbench.dataflow.run",
    "Run": "workbench.dataflow.record",
    "ModuleRegistry": "workbench.dataflow.registry",
    "Graph": "workbench.dataflow.graph",
    "Operation": "workbench.dataflow.graph",
    "Connection": "workbench.dataflow.graph",
    "load_graph": "workbench.dataflow.graph_yaml",
    "dump_graph": "workbench.dataflow.graph_yaml",
    "save_graph": "workbench.dataflow.graph_yaml",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.dataflow' has no attribute {name!r}")
    return getattr(import_module(module), name)
