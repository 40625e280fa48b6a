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

from typing import TYPE_CHECKING

from workbench._lazy import lazy_exports

if TYPE_CHECKING:
    from .builder import GraphBuilder
    from .feed import Feed
    from .run_panel import RunPanel

_EXPORTS = {"GraphBuilder": ".builder", "RunPanel": ".run_panel", "Feed": ".feed"}

__all__ = ["Feed", "GraphBuilder", "RunPanel"]
_, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
