"""workbench: develop Azure IoT Operations data flow operators in Python, in Jupyter.

Nothing heavy happens at import time; names are loaded on first use.
"""

from __future__ import annotations

from typing import Any

from workbench._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "compile_operator": "workbench.compiler",
    "CompiledOperator": "workbench.compiler",
    "BuildReport": "workbench.compiler",
    "Message": "workbench.messages",
    "RawData": "workbench.messages",
    "Timestamp": "workbench.messages",
    "HostServices": "workbench.host.services",
    "StateStore": "workbench.host.state_store",
    "Limits": "workbench.host.limits",
    "OperatorInstance": "workbench.host.instance",
    "ComponentModule": "workbench.host.module",
    "NativeOperator": "workbench.native",
    "parity": "workbench.native",
    "run": "workbench.dataflow.run",
    "Run": "workbench.dataflow.record",
    "Graph": "workbench.dataflow.graph",
    "load_graph": "workbench.dataflow.graph_yaml",
    "save_graph": "workbench.dataflow.graph_yaml",
    "load_dataset": "workbench.datasets",
    "list_datasets": "workbench.datasets",
    "dataset_frame": "workbench.datasets",
    "read_input": "workbench.datasets",
    "write_jsonl": "workbench.datasets",
    "write_report": "workbench.metrics",
    "NativeModule": "workbench.native.module",
    "mqtt_messages": "workbench.live",
    "mqtt_publisher": "workbench.live",
    "tap": "workbench.live",
    "export": "workbench.deploy",
    "push": "workbench.deploy",
    "pull": "workbench.deploy",
    "ExportBundle": "workbench.deploy",
    "LocalRegistry": "workbench.deploy",
    "DeployError": "workbench.errors",
    "Session": "workbench.session",
    "current_session": "workbench.session",
    "reset_session": "workbench.session",
    "GraphBuilder": "workbench.widgets",
    "RunPanel": "workbench.widgets",
    "GraphError": "workbench.errors",
    "DatasetError": "workbench.errors",
    "WorkbenchError": "workbench.errors",
    "CompileError": "workbench.errors",
    "OperatorError": "workbench.errors",
    "OperatorTrap": "workbench.errors",
    "OperatorTimeout": "workbench.errors",
    "OperatorMemoryError": "workbench.errors",
    "HostError": "workbench.errors",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext workbench``: the ``%%operator``, ``%%graph`` and ``%workbench`` magics."""
    from .magics import load_ipython_extension as load

    load(ipython)
