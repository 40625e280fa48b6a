"""The layered layout and the SVG a notebook shows for a graph."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.reference import AIO_REFERENCE
from workbench.dataflow.drawing import graph_html, graph_svg, layout
from workbench.dataflow.graph import Graph
from workbench.dataflow.graph_yaml import load_graph

T = "azure-samples/explore-iot-operations/temperature:1.0.0"
SVG = "{http://www.w3.org/2000/svg}"


def diamond() -> Graph:
    return (Graph("d").source("in").branch("b", T)
            .map("hot", T, after=("b", True)).map("cold", T, after=("b", False))
            .concatenate("all", after=["hot", "cold"]).sink("out"))


def test_layers_follow_the_longest_path_from_the_source() -> None:
    placed = layout(diamond())
    assert {name: p.layer for name, p in placed.items()} == {
        "in": 0, "b": 1, "hot": 2, "cold": 2, "all": 3, "out": 4}


def test_steps_of_one_layer_get_distinct_rows_and_short_layers_are_centred() -> None:
    placed = layout(diamond())
    assert {placed["hot"].row, placed["cold"].row} == {0.0, 1.0}
    assert placed["in"].row == placed["all"].row == 0.5


def test_layout_is_deterministic_and_covers_aio_samples() -> None:
    for path in sorted((AIO_REFERENCE / "graphs").glob("*.yaml")):
        graph = load_graph(path)
        first, second = layout(graph), layout(graph)
        assert first == second
        assert set(first) == {op.name for op in graph.operations}
        spots = [(p.layer, p.row) for p in first.values()]
        assert len(spots) == len(set(spots)), path.name


def test_a_cycle_is_still_drawn_in_definition_order() -> None:
    graph = Graph("loop").source().map("a", T).map("b", T).connect("b", "a")
    assert [p.layer for p in layout(graph).values()] == [0, 1, 2]


def test_svg_has_a_box_per_step_an_edge_per_connection_and_arm_labels() -> None:
    root = ET.fromstring(graph_svg(diamond()))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert len(list(root.iter(f"{SVG}rect"))) == 6
    assert len([p for p in root.iter(f"{SVG}path") if p.get("marker-end")]) == 6
    assert texts.count("True") == 1 and texts.count("False") == 1
    assert {"in", "b", "hot", "cold", "all", "out"} <= set(texts)


def test_labels_replace_the_kind_line_and_names_are_escaped() -> None:
    graph = Graph("g").source("<in>").sink("out")
    root = ET.fromstring(graph_svg(graph, labels={"out": "12 messages"}))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<in>" in texts and "12 messages" in texts and "source" in texts


def test_graph_html_lists_modules_and_embeds_the_svg() -> None:
    html = graph_html(diamond())
    assert "<svg" in html and T in html and "6 steps, 6 connections" in html
    assert diamond()._repr_html_() == html
