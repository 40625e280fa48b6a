"""Kernel-side support for the JupyterLab extension (``extensions/workbench-jupyterlab``).

Two things travel to the browser, and neither is needed for the workbench to work without the
extension (classic Notebook, VS Code, Binder's plain lab):

- **A graph's MIME bundle.** ``Graph._repr_mimebundle_`` returns ``text/html`` (the SVG every
  frontend shows) and ``application/vnd.workbench.graph+json`` (``GRAPH_MIME``), which the
  extension draws as a DAG with pan, zoom and a details pane per step. The JSON is
  ``graph_data(graph)``: the graph's steps (name, kind, module, position from
  ``dataflow.drawing.layout``, configuration parameters), its connections, the source and
  compile-time configuration of the modules this session has compiled, and each step's counts
  and latency from the session's last finished run of a graph of that name. Frontends that do
  not know the type show the HTML.
- **The side panel's comm.** ``%load_ext workbench`` registers the comm target ``workbench``
  (``COMM_TARGET``). The panel opens a comm to it; the kernel answers with the session
  listing and pushes a new listing after every change to the session's operators, graphs or
  runs, until the comm closes. Messages (the ``data`` of comm messages), kernel → panel:
  ``{"event": "listing", "reason": "open" | "refresh" | "operators" | "graphs" | "runs",
  "operators": [...], "graphs": [...], "runs": [...]}`` (see ``listing``) and
  ``{"event": "graph", "name": NAME, "data": <graph_data>}`` or ``{"event": "error",
  "message": TEXT}``; panel → kernel: ``{"request": "refresh"}`` and
  ``{"request": "graph", "name": NAME}``.

The session is read, never changed, from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .session import Session, session

__all__ = ["COMM_TARGET", "GRAPH_MIME", "PanelChannel", "graph_data", "graph_mimebundle", "listing",
           "register_comm_target"]

GRAPH_MIME = "application/vnd.workbench.graph+json"
COMM_TARGET = "workbench"
FORMAT_VERSION = 1
SOURCE_LIMIT = 20_000  # characters of operator source sent with a graph; longer sources are cut
STAT_COLUMNS = ("received", "emitted", "filtered", "folded", "fired", "held", "late", "dropped", "failed",
                "arm_true", "arm_false", "calls", "mean_latency_us", "p99_latency_us")


# -- graphs ------------------------------------------------------------------------------------
def graph_mimebundle(graph: Any, current: Session | None = None) -> dict[str, Any]:
    """``text/html`` (the inline SVG) and ``GRAPH_MIME`` (``graph_data``) for ``graph``."""
    from .dataflow.drawing import graph_html

    return {"text/html": graph_html(graph), GRAPH_MIME: graph_data(graph, current)}


def graph_data(graph: Any, current: Session | None = None) -> dict[str, Any]:
    """What the extension's graph view draws, as plain JSON (see the module docs)."""
    from .dataflow.drawing import COLOURS, NODE_H, NODE_W, canvas_size, layout

    current = current if current is not None else session()
    placed = layout(graph)
    width, height = canvas_size(placed)
    run = _last_run(current, graph.name)
    stats = _step_stats(run) if run is not None else {}
    nodes = [{"name": op.name, "kind": op.operation_type, "module": op.module,
              "x": placed[op.name].x, "y": placed[op.name].y, "colour": COLOURS.get(op.operation_type, "#555"),
              "parameters": _parameters(graph, op.name), "stats": stats.get(op.name)}
             for op in graph.operations if op.name in placed]
    edges = [{"source": c.source, "target": c.target, "arm": c.arm} for c in graph.connections
             if c.source in placed and c.target in placed]
    return {"version": FORMAT_VERSION, "name": graph.name, "graph_version": graph.version,
            "api": graph.api_version, "width": width, "height": height,
            "node_width": NODE_W, "node_height": NODE_H, "nodes": nodes, "edges": edges,
            "operators": _operators(graph, current), "run": _run_summary(run) if run is not None else None}


def _parameters(graph: Any, name: str) -> list[dict[str, Any]]:
    configuration = graph.configuration(name)
    return [{"key": p.key, "name": p.name, "default": p.default, "required": p.required,
             "description": p.description} for p in (configuration.parameters if configuration else ())]


def _operators(graph: Any, current: Session) -> dict[str, Any]:
    """Module reference (as the graph writes it) → the compiled module's description."""
    found = {}
    for reference in graph.modules():
        module = graph.module_objects.get(reference) or _known_operator(current, reference)
        if module is not None:
            found[reference] = {**_operator_entry(current, module), "source": _source_text(module)}
    return found


def _known_operator(current: Session, reference: str) -> Any:
    from .errors import GraphError

    try:
        return current.operator(reference)
    except GraphError:
        return None


def _source_text(module: Any) -> str | None:
    text = getattr(getattr(module, "source", None), "text", None)
    if not isinstance(text, str):
        return None
    return text if len(text) <= SOURCE_LIMIT else text[:SOURCE_LIMIT] + "\n# … (cut)\n"


def _last_run(current: Session, name: str) -> Any:
    """The session's most recent finished run of a graph called ``name``."""
    for run in reversed(current.runs):
        if run.graph == name and getattr(run, "finished", True):
            return run
    return None


def _step_stats(run: Any) -> dict[str, dict[str, Any]]:
    frame = run.summary
    stats: dict[str, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        values = {key: _plain(row.get(key)) for key in STAT_COLUMNS if key in row}
        stats[str(row["operator"])] = {k: v for k, v in values.items() if v not in (None, 0) or k == "received"}
    return stats


def _run_summary(run: Any) -> dict[str, Any]:
    return {"inputs": run.inputs, "outputs": run.output_count, "late": run.late, "failed": run.failed,
            "seconds": round(run.seconds, 4)}


def _plain(value: Any) -> Any:
    """A JSON-safe number (numpy scalars → Python, NaN → None)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# -- the side panel ------------------------------------------------------------------------------
def listing(current: Session) -> dict[str, list[dict[str, Any]]]:
    """The session's operators, graphs and runs, as the side panel lists them."""
    return {"operators": [_operator_entry(current, m) for m in current.operators.values()],
            "graphs": [{"name": name, "steps": len(g.operations), "connections": len(g.connections),
                        "api": g.api_version, "modules": list(g.modules())} for name, g in current.graphs.items()],
            "runs": [{"index": i, **_run_summary(r), "graph": r.graph, "finished": getattr(r, "finished", True)}
                     for i, r in enumerate(current.runs)]}


def _operator_entry(current: Session, module: Any) -> dict[str, Any]:
    report = getattr(module, "report", None)
    return {"reference": str(module.reference), "kinds": [str(k) for k in module.kinds],
            "api": getattr(module, "api", None),
            "mode": "native" if getattr(module, "native_only", False) else "wasm",
            "size_bytes": getattr(report, "size_bytes", None), "build_seconds": getattr(report, "build_seconds", None),
            "cache_hit": getattr(report, "cache_hit", None),
            "deployable": getattr(report, "deployable", None),
            "config": dict(current.defaults.get(str(module.reference), {}))}


class PanelChannel:
    """One open side panel: the listing on open and after each session change, until closed.

    ``comm`` is anything with ``send``, ``on_msg`` and ``on_close`` (an ipykernel ``Comm``).
    Listener errors would surface in whatever cell changed the session, so a failed send is
    left to the comm (it logs) and never raised into the user's code.
    """

    def __init__(self, comm: Any, current: Session | None = None) -> None:
        self.comm = comm
        self.session = current if current is not None else session()
        self.session.subscribe(self.changed)
        comm.on_msg(self.received)
        comm.on_close(self.closed)
        self.send_listing("open")

    def changed(self, what: str) -> None:
        self.send_listing(what)

    def send_listing(self, reason: str) -> None:
        self.comm.send({"event": "listing", "reason": reason, **listing(self.session)})

    def received(self, message: Mapping[str, Any]) -> None:
        data = message.get("content", {}).get("data", {}) or {}
        request = data.get("request")
        if request == "refresh":
            self._follow_current_session()
            self.send_listing("refresh")
        elif request == "graph":
            self._send_graph(str(data.get("name", "")))
        else:
            self.comm.send({"event": "error", "message": f"unknown request {request!r}"})

    def closed(self, message: Any = None) -> None:
        self.session.unsubscribe(self.changed)

    def _send_graph(self, name: str) -> None:
        graph = self.session.graphs.get(name)
        if graph is None:
            self.comm.send({"event": "error", "message": f"no graph {name!r} in this session"})
            return
        self.comm.send({"event": "graph", "name": name, "data": graph_data(graph, self.session)})

    def _follow_current_session(self) -> None:
        """After ``reset_session()`` the panel lists the new session."""
        if self.session is not session():
            self.session.unsubscribe(self.changed)
            self.session = session()
            self.session.subscribe(self.changed)


def register_comm_target(ipython: Any) -> bool:
    """Let side panels connect to this kernel; False (and nothing done) outside a Jupyter kernel."""
    if getattr(ipython, "kernel", None) is None:
        return False
    import comm

    comm.get_comm_manager().register_target(COMM_TARGET, _open_panel)
    return True


def _open_panel(channel: Any, message: Any) -> None:
    PanelChannel(channel)
