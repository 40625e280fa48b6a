"""The graph as a figure: layered layout, edges, arm labels, nodes coloured by a run's counts."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.metrics.conftest import SmallRun, small_graph
from workbench import Graph
from workbench.dataflow.drawing import COLOURS
from workbench.metrics import graph_figure
from workbench.metrics.frames import MissingColumnError
from workbench.metrics.graph_figure import ARM_COLOURS, NO_DATA


def by_name(figure: object) -> dict[str, object]:
    return {t.name: t for t in figure.data}  # type: ignore[attr-defined]


def positions(trace: object) -> dict[str, tuple[float, float]]:
    return {name: (x, y) for name, x, y in zip(trace.text, trace.x, trace.y)}  # type: ignore[attr-defined]


def test_nodes_sit_by_topological_depth() -> None:
    figure = graph_figure(small_graph())
    nodes = by_name(figure)["operations"]
    placed = positions(nodes)
    assert {name: x for name, (x, _) in placed.items()} == {
        "source": 0, "scale": 1, "hot": 2, "window": 3, "keep": 3, "count": 4, "cold": 4, "out": 5}
    assert placed["window"][1] != placed["keep"][1]  # the two arms go to different rows
    # without a run, nodes take their kind's colour
    kinds = {"source": "source", "scale": "map", "hot": "branch", "window": "delay", "keep": "filter",
             "count": "accumulate", "cold": "sink", "out": "sink"}
    assert list(nodes.marker.color) == [COLOURS[kinds[name]] for name in nodes.text]


def test_edges_run_between_nodes_with_an_arrow_at_the_target() -> None:
    graph = small_graph()
    traces = by_name(graph_figure(graph))
    edges, placed = traces["connections"], positions(traces["operations"])
    assert len(edges.x) == 3 * len(graph.connections)
    for i, c in enumerate(graph.connections):
        (x1, y1), (x2, y2) = placed[c.source], placed[c.target]
        assert edges.x[3 * i: 3 * i + 2] == pytest.approx((x1 + 0.12, x2 - 0.12))
        assert edges.y[3 * i: 3 * i + 2] == (y1, y2)
        assert edges.x[3 * i + 2] is None and edges.y[3 * i + 2] is None
    assert list(edges.marker.size) == [0, 11, 0] * len(graph.connections)


def test_branch_arms_are_labelled() -> None:
    arms = by_name(graph_figure(small_graph()))["arms"]
    assert list(arms.text) == ["True", "False"]
    assert list(arms.textfont.color) == [ARM_COLOURS[True], ARM_COLOURS[False]]
    assert "arms" not in by_name(graph_figure(Graph("line").source("in").sink("out")))


def test_nodes_coloured_by_the_run_counts(small: SmallRun) -> None:
    summary = small.run.summary
    figure = graph_figure(small.graph, summary, colour_by="received")
    nodes = by_name(figure)["operations"]
    received = summary.set_index("operator")["received"]
    assert list(nodes.marker.color) == [received[name] for name in nodes.text]
    assert nodes.marker.showscale and nodes.marker.colorbar.title.text == "received"
    hover = dict(zip(nodes.text, nodes.hovertext))
    assert "<b>hot</b> (branch)" in hover["hot"] and "received: 200" in hover["hot"]
    assert f"arm_true: {summary.set_index('operator').loc['hot', 'arm_true']}" in hover["hot"]
    assert "mean latency" in hover["hot"] and "mean latency" not in hover["source"]
    assert "no data" not in by_name(figure)


def test_operations_without_a_value_are_grey(small: SmallRun) -> None:
    traces = by_name(graph_figure(small.graph, small.run.summary, colour_by="mean_latency_us"))
    assert sorted(traces["no data"].text) == ["cold", "out", "source"]
    assert traces["no data"].marker.color == NO_DATA
    latency = small.run.summary.set_index("operator")["mean_latency_us"]
    assert list(traces["operations"].marker.color) == pytest.approx([latency[n] for n in traces["operations"].text])


def test_operations_missing_from_the_summary_are_grey() -> None:
    summary = pd.DataFrame({"operator": ["scale"], "received": [7]})
    traces = by_name(graph_figure(small_graph(), summary))
    assert list(traces["operations"].text) == ["scale"] and list(traces["operations"].marker.color) == [7]
    assert len(traces["no data"].text) == 7


def test_a_missing_colour_column_is_named() -> None:
    with pytest.raises(MissingColumnError, match="'p50'"):
        graph_figure(small_graph(), pd.DataFrame({"operator": ["scale"]}), colour_by="p50")


def test_an_empty_graph_gives_an_empty_figure() -> None:
    figure = graph_figure(Graph("nothing"))
    assert len(figure.data) == 0 and "no operations" in figure.layout.annotations[0].text
