"""Notebook panels over the session: build a graph by clicking, run it and watch it run.

- ``GraphBuilder(session=None, graph=None)``: pick operators from the session's modules, name
  and connect steps, set configuration, see the DAG and its YAML; ``builder.graph`` is the graph.
- ``RunPanel(session=None, graph=None, data=None)``: run a graph over a dataset or a DataFrame
  in a background thread, with Stop, a progress bar, live figures and an output preview.

Panels hold no business logic: each action is one session or ``Graph`` call, and what goes
wrong is shown in the panel (ipywidgets would hide an exception raised in a callback).
Nothing is imported until a name is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .builder import GraphBuilder
    from .feed import Feed
    from .run_panel import RunPanel

_EXPORTS = {"GraphBuilder": "builder", "RunPanel": "run_panel", "Feed": "feed"}

__all__ = ["Feed", "GraphBuilder", "RunPanel"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench.widgets' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
