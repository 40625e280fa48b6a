"""Drawing a graph: a layered layout, and the inline SVG a notebook shows for a ``Graph``.

The layout puts each step one layer right of its furthest input (longest path from the
sources), orders each layer by the mean position of its inputs, and is deterministic. It is
plain data, so the SVG here and the plotly figure in ``workbench.metrics`` draw the same picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from ..errors import GraphError

if TYPE_CHECKING:
    from .graph import Graph

COLOURS = {"source": "#2e86c1", "sink": "#2e86c1", "concatenate": "#7f8c8d", "map": "#27ae60",
           "filter": "#d68910", "branch": "#8e44ad", "accumulate": "#c0392b", "delay": "#16a085"}
NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 150, 44, 60, 22, 12


@dataclass(frozen=True)
class Placement:
    """Where one step is drawn: its layer (column) and row within the layer."""

    name: str
    kind: str
    layer: int
    row: float

    @property
    def x(self) -> float:
        return MARGIN + self.layer * (NODE_W + GAP_X)

    @property
    def y(self) -> float:
        return MARGIN + self.row * (NODE_H + GAP_Y)


def layout(graph: Graph) -> dict[str, Placement]:
    """Step name → placement. A graph with a cycle is laid out in definition order."""
    try:
        order = list(graph.topological_order())
    except GraphError:
        order = [op.name for op in graph.operations]
    kinds = {op.name: op.operation_type for op in graph.operations}
    inputs: dict[str, list[str]] = {name: [] for name in order}
    for c in graph.connections:
        if c.source in inputs and c.target in inputs:
            inputs[c.target].append(c.source)
    layers = _layers(order, inputs)
    return _rows(order, inputs, layers, kinds)


def _layers(order: list[str], inputs: Mapping[str, list[str]]) -> dict[str, int]:
    layer: dict[str, int] = {}
    for name in order:
        layer[name] = max((layer[up] + 1 for up in inputs[name] if up in layer), default=0)
    return layer


def _rows(order: list[str], inputs: Mapping[str, list[str]], layers: Mapping[str, int],
          kinds: Mapping[str, str]) -> dict[str, Placement]:
    placed: dict[str, Placement] = {}
    for layer in range(max(layers.values(), default=-1) + 1):
        members = [name for name in order if layers[name] == layer]
        wanted = {name: _mean([placed[up].row for up in inputs[name] if up in placed], i)
                  for i, name in enumerate(members)}
        for row, name in enumerate(sorted(members, key=lambda n: (wanted[n], order.index(n)))):
            placed[name] = Placement(name, kinds.get(name, "?"), layer, float(row))
    return _centre(placed)


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _centre(placed: dict[str, Placement]) -> dict[str, Placement]:
    """Shift short layers down so every layer is centred on the tallest."""
    counts: dict[int, int] = {}
    for p in placed.values():
        counts[p.layer] = counts.get(p.layer, 0) + 1
    height = max(counts.values(), default=0)
    return {name: Placement(p.name, p.kind, p.layer, p.row + (height - counts[p.layer]) / 2)
            for name, p in placed.items()}


def canvas_size(placed: Mapping[str, Placement]) -> tuple[float, float]:
    """The width and height of a drawing of ``placed``, margins included."""
    width = MARGIN * 2 + (max((p.layer for p in placed.values()), default=0) + 1) * (NODE_W + GAP_X) - GAP_X
    height = MARGIN * 2 + (max((p.row for p in placed.values()), default=0) + 1) * (NODE_H + GAP_Y) - GAP_Y
    return width, height


def graph_svg(graph: Graph, labels: Mapping[str, str] | None = None) -> str:
    """An SVG picture of the graph; ``labels`` adds a second line under step names (e.g. counts)."""
    placed = layout(graph)
    width, height = canvas_size(placed)
    edges = "".join(_edge(placed[c.source], placed[c.target], c.arm) for c in graph.connections
                    if c.source in placed and c.target in placed)
    nodes = "".join(_node(p, (labels or {}).get(p.name)) for p in placed.values())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">'
            '<defs><marker id="wb-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
            f"{edges}{nodes}</svg>")


def _edge(a: Placement, b: Placement, arm: bool | None) -> str:
    x1, y1, x2, y2 = a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2
    middle = (x1 + x2) / 2
    path = (f'<path d="M{x1:.0f},{y1:.0f} C{middle:.0f},{y1:.0f} {middle:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" '
            'fill="none" stroke="#555" stroke-width="1.4" marker-end="url(#wb-arrow)"/>')
    if arm is None:
        return path
    colour = "#1e8449" if arm else "#b03a2e"
    return path + (f'<text x="{x1 + 6:.0f}" y="{y1 + (-6 if arm else 14):.0f}" fill="{colour}" '
                   f'font-size="10">{arm}</text>')


def _node(p: Placement, label: str | None) -> str:
    colour = COLOURS.get(p.kind, "#555")
    name = escape(_clip(p.name))
    second = escape(_clip(label if label is not None else p.kind))
    return (f'<g><title>{escape(p.name)} ({escape(p.kind)})</title>'
            f'<rect x="{p.x:.0f}" y="{p.y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="7" fill="white" '
            f'stroke="{colour}" stroke-width="2"/>'
            f'<text x="{p.x + NODE_W / 2:.0f}" y="{p.y + 18:.0f}" text-anchor="middle" font-weight="bold">{name}</text>'
            f'<text x="{p.x + NODE_W / 2:.0f}" y="{p.y + 34:.0f}" text-anchor="middle" fill="{colour}">{second}</text>'
            "</g>")


def _clip(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def graph_html(graph: Graph) -> str:
    """A notebook's view of a graph: title line, the DAG, and the modules it uses."""
    modules = graph.modules()
    used = "".join(f"<li><code>{escape(ref)}</code>: {escape(', '.join(kinds))}</li>" for ref, kinds in modules.items())
    return (f"<div><b>Graph {escape(graph.name)}</b> {escape(graph.version)} · AIO API {escape(graph.api_version)} · "
            f"{len(graph.operations)} steps, {len(graph.connections)} connections"
            f"<div style='overflow-x:auto'>{graph_svg(graph)}</div>"
            + (f"<div>modules:<ul style='margin:0'>{used}</ul></div>" if used else "") + "</div>")
