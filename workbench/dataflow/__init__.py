"""Running AIO data flow graphs locally, with the timely semantics of AIO's runtime.

See ``nodes`` for the semantics of each operation type, ``scheduler`` for the order of
execution and ``record`` for the frames a ``Run`` exposes.
"""

from __future__ import annotations

from workbench._lazy import lazy_exports

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

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
