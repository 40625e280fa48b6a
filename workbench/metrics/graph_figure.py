"""The graph as a figure: the layered DAG of ``workbench.dataflow.drawing``, coloured by a run.

Nodes sit at (layer, -row) of ``drawing.layout`` (layer: longest path from the sources), so
this figure and the graph's SVG draw the same picture. Edges run left to right with an arrow
head at the target; a branch's edges are labelled True/False at their start.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from ..dataflow.drawing import COLOURS, Placement, layout
from .frames import require
from .plots import empty_figure

if TYPE_CHECKING:
    from ..dataflow.graph import Graph

__all__ = ["graph_figure"]

EDGE_INSET = 0.12  # edges stop short of the node markers, in layer units
ARM_COLOURS = {True: "#1e8449", False: "#b03a2e"}
NO_DATA = "#d5d8dc"
HOVER_COUNTS = ("received", "emitted", "filtered", "folded", "fired", "held", "late", "dropped",
                "arm_true", "arm_false", "calls")


def graph_figure(graph: Graph, summary: pd.DataFrame | None = None, colour_by: str = "received",
                 title: str | None = None) -> go.Figure:
    """The graph's operations and connections; with a ``summary``, nodes coloured by ``colour_by``.

    ``summary``: a run's summary frame; needs columns operator and ``colour_by`` (any numeric
    column: received, emitted, calls, mean_latency_us, p99_latency_us, ...); its other counts
    show on hover. Operations with a value form the trace "operations" (``marker.color`` the
    values, a colour bar beside); those without (no row, or NaN, like a source's latency) the
    grey trace "no data". Without a summary every node is one trace coloured by its kind.
    Edges are the trace "connections" (x/y with ``None`` between edges); arm labels the trace "arms".
    """
    placed = layout(graph)
    heading = title or f"Graph {graph.name}" + (f": colour is {colour_by}" if summary is not None else "")
    if not placed:
        return empty_figure(heading, "the graph has no operations")
    rows = _summary_rows(summary, colour_by)
    figure = go.Figure()
    figure.add_trace(_edges(graph, placed))
    arms = _arms(graph, placed)
    if arms is not None:
        figure.add_trace(arms)
    for trace in _nodes(placed, rows, colour_by):
        figure.add_trace(trace)
    height = max(p.row for p in placed.values()) + 1
    figure.update_layout(title=heading, showlegend=False, height=int(160 + 90 * height),
                         plot_bgcolor="white", xaxis={"visible": False, "range": _span(placed, "layer")},
                         yaxis={"visible": False, "range": _span(placed, "row", flip=True)})
    return figure


def _summary_rows(summary: pd.DataFrame | None, colour_by: str) -> dict[str, Mapping[str, Any]] | None:
    if summary is None:
        return None
    require(summary, ("operator", colour_by), "summary", "graph_figure")
    return {str(row["operator"]): row for row in summary.to_dict("records")}


def _y(p: Placement) -> float:
    """Rows go down the page."""
    return 0.0 - p.row


def _span(placed: Mapping[str, Placement], axis: str, flip: bool = False) -> list[float]:
    values = [getattr(p, axis) for p in placed.values()]
    low, high = min(values) - 0.5, max(values) + 0.5
    return [-high, -low] if flip else [low, high]


def _edges(graph: Graph, placed: Mapping[str, Placement]) -> go.Scatter:
    xs: list[float | None] = []
    ys: list[float | None] = []
    sizes: list[int] = []
    for c in graph.connections:
        if c.source in placed and c.target in placed:
            a, b = placed[c.source], placed[c.target]
            xs += [a.layer + EDGE_INSET, b.layer - EDGE_INSET, None]
            ys += [_y(a), _y(b), None]
            sizes += [0, 11, 0]
    return go.Scatter(name="connections", x=xs, y=ys, mode="lines+markers", hoverinfo="skip",
                      line={"color": "#555", "width": 1.4},
                      marker={"symbol": "arrow", "angleref": "previous", "size": sizes, "color": "#555"})


def _arms(graph: Graph, placed: Mapping[str, Placement]) -> go.Scatter | None:
    labelled = [c for c in graph.connections if c.arm is not None and c.source in placed and c.target in placed]
    if not labelled:
        return None
    xs, ys = [], []
    for c in labelled:
        a, b = placed[c.source], placed[c.target]
        xs.append(a.layer + EDGE_INSET + 0.25 * (b.layer - a.layer - 2 * EDGE_INSET))
        ys.append(_y(a) + 0.25 * (a.row - b.row))
    return go.Scatter(name="arms", x=xs, y=ys, mode="text", text=[str(c.arm) for c in labelled],
                      textfont={"color": [ARM_COLOURS[bool(c.arm)] for c in labelled], "size": 11},
                      textposition="top center", hoverinfo="skip")


def _nodes(placed: Mapping[str, Placement], rows: dict[str, Mapping[str, Any]] | None,
           colour_by: str) -> list[go.Scatter]:
    if rows is None:
        members = list(placed.values())
        return [_node_trace("operations", members, [COLOURS.get(p.kind, "#555") for p in members], {})]
    measured = [p for p in placed.values() if _number(rows.get(p.name, {}).get(colour_by)) is not None]
    missing = [p for p in placed.values() if p not in measured]
    traces = []
    if measured:
        values = [float(rows[p.name][colour_by]) for p in measured]
        colour = {"color": values, "colorscale": "Viridis", "showscale": True,
                  "colorbar": {"title": {"text": colour_by}}, "cmin": min(0.0, *values)}
        traces.append(_node_trace("operations", measured, colour, rows))
    if missing:
        traces.append(_node_trace("no data", missing, NO_DATA, rows))
    return traces


def _node_trace(name: str, members: list[Placement], colour: Any,
                rows: Mapping[str, Mapping[str, Any]]) -> go.Scatter:
    marker = {"symbol": "square", "size": 30, "line": {"width": 2, "color": [COLOURS.get(p.kind, "#555")
                                                                               for p in members]}}
    marker.update(colour if isinstance(colour, dict) else {"color": colour})
    return go.Scatter(name=name, x=[p.layer for p in members], y=[_y(p) for p in members],
                      mode="markers+text", text=[p.name for p in members], textposition="bottom center",
                      marker=marker, hovertext=[_hover(p, rows.get(p.name)) for p in members],
                      hoverinfo="text")


def _hover(p: Placement, row: Mapping[str, Any] | None) -> str:
    lines = [f"<b>{p.name}</b> ({p.kind})"]
    if row is None:
        return lines[0]
    lines += [f"{key}: {int(row[key]):,}" for key in HOVER_COUNTS if _number(row.get(key))]
    for key, label in (("mean_latency_us", "mean latency"), ("p99_latency_us", "p99 latency")):
        value = _number(row.get(key))
        if value is not None:
            lines.append(f"{label}: {value:.3g} µs")
    return "<br>".join(lines)


def _number(value: Any) -> float | None:
    """A finite number as float; None for missing, NaN or non-numeric values."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
