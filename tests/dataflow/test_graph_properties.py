"""Property tests: random DAG-shaped graphs round-trip, and random damage raises only GraphError."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from tests.reference import AIO_REFERENCE
from workbench.dataflow.graph import (
    MODULE_OPERATIONS,
    OPERATION_TYPES,
    Connection,
    Graph,
    ModuleConfiguration,
    Operation,
    Parameter,
)
from workbench.dataflow.graph_yaml import dump_graph, load_graph
from workbench.dataflow.validation import check_graph, graph_schema
from workbench.errors import GraphError

REFERENCE_SCHEMA = Draft7Validator(json.loads(
    (AIO_REFERENCE / "aio-wasm-graph-config-1.0.0.json").read_text()))
OUR_SCHEMA = Draft7Validator(graph_schema())
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that tempts a YAML writer: indicators, quotes, booleans, numbers, line breaks, unicode.
TRICKY = st.sampled_from(["True", "no", "1.0", "~", "null", "- x", "a: b", "#c", "'", '"', "\\", " ", "\n",
                          "\t", "é", "°C", "\u2028", "\x85", "\r\n", "{x}", "[", "&a", "*a", "!t", "%", "@", "`"])
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=4)), max_size=4).map("".join)
NAME = st.one_of(st.from_regex(r"[a-z][a-z0-9/_-]{0,10}", fullmatch=True), TEXT.filter(bool))
MODULE = st.sampled_from(["azure-samples/explore-iot-operations/temperature:1.0.0", "filter", "otel-enrich",
                          "example.azurecr.io/team/window:2.0.1", "scale@sha256:" + "0" * 64])


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    """source → a random DAG of module steps and concatenates (branches fan out both arms) → sink."""
    names = iter(draw(st.lists(NAME.filter(lambda n: n not in ("source", "sink")), min_size=40, max_size=40,
                               unique=True)))
    operations = [Operation("source", "source")]
    connections: list[Connection] = []
    open_ends: list[tuple[str, bool | None]] = [("source", None)]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from([*MODULE_OPERATIONS, "concatenate"]))
        name = next(names)
        count = draw(st.integers(2, len(open_ends))) if kind == "concatenate" and len(open_ends) > 1 else 1
        for _ in range(count):
            index = draw(st.integers(0, len(open_ends) - 1))
            end = open_ends[index] if draw(st.booleans()) and count == 1 else open_ends.pop(index)
            connections.append(Connection(end[0], name, end[1]))
        operations.append(Operation(name, kind, None if kind == "concatenate" else draw(MODULE)))
        open_ends.extend([(name, True), (name, False)] if kind == "branch" else [(name, None)])
    if len(open_ends) > 1:
        operations.append(Operation(next(names), "concatenate"))
        connections.extend(Connection(source, operations[-1].name, arm) for source, arm in open_ends)
        open_ends = [(operations[-1].name, None)]
    operations.append(Operation("sink", "sink"))
    connections.append(Connection(open_ends[0][0], "sink", open_ends[0][1]))
    return Graph(
        name=draw(TEXT), version=draw(st.sampled_from(["1.0.0", "2.1"])), description=draw(st.none() | TEXT),
        vendor=draw(st.none() | TEXT), api_version=draw(st.sampled_from(["1.0.0", "1.1.0"])),
        features=tuple(draw(st.lists(st.tuples(TEXT, st.none() | TEXT), max_size=2))),
        configurations=draw(configurations(operations)),
        operations=tuple(draw(st.permutations(operations))), connections=tuple(draw(st.permutations(connections))),
        schemas=tuple(draw(st.lists(st.tuples(TEXT, TEXT, TEXT), max_size=2))))


@st.composite
def configurations(draw: st.DrawFn, operations: list[Operation]) -> tuple[ModuleConfiguration, ...]:
    modules = [op.name for op in operations if op.module is not None]
    chosen = draw(st.lists(st.sampled_from(modules), unique=True)) if modules else []
    return tuple(ModuleConfiguration(name, tuple(draw(parameters(key))
                                                 for key in draw(st.lists(TEXT, unique=True, max_size=3))))
                 for name in chosen)


def parameters(key: str) -> st.SearchStrategy[Parameter]:
    return st.builds(Parameter, key=st.just(key), name=TEXT, description=st.none() | TEXT,
                     default=st.none() | TEXT, required=st.booleans())


@SETTINGS
@given(graphs())
def test_random_graphs_round_trip_and_validate(graph: Graph) -> None:
    check_graph(graph)
    text = dump_graph(graph)
    assert load_graph(text) == graph
    assert REFERENCE_SCHEMA.is_valid(yaml.safe_load(text))
    order = {name: i for i, name in enumerate(graph.topological_order())}
    assert all(order[c.source] < order[c.target] for c in graph.connections)


REQUIRED = [("metadata",), ("metadata", "name"), ("metadata", "version"), ("metadata", "$schema"),
            ("moduleRequirements", "apiVersion"), ("operations",), ("connections",)]


def _mutate(document: dict[str, Any], draw: st.DrawFn) -> None:
    operations, connections = _items(document, "operations"), _items(document, "connections")
    mutation = draw(st.sampled_from(["delete connection", "rename operation", "flip arm", "boolean arm",
                                     "change type", "drop field", "drop item field", "replace value"]))
    if not (operations and connections) or (mutation == "drop field" and not _has_all(document, REQUIRED)):
        mutation = "replace value"  # an earlier mutation already removed what this one works on
    if mutation == "delete connection" and connections:
        del connections[draw(st.integers(0, len(connections) - 1))]
    elif mutation == "rename operation":
        draw(st.sampled_from(operations))["name"] = draw(NAME)
    elif mutation in ("flip arm", "boolean arm"):
        start = draw(st.sampled_from(connections)).get("from")
        if isinstance(start, dict):
            arm = start.get("arm")
            flipped = {"True": "False", "False": "True"}.get(arm) if isinstance(arm, str) else None
            flipped = flipped or draw(st.sampled_from(["True", "False"]))
            start["arm"] = (flipped == "True") if mutation == "boolean arm" else flipped
    elif mutation == "change type":
        draw(st.sampled_from(operations))["operationType"] = draw(st.sampled_from([*OPERATION_TYPES, "mapp", 7]))
    elif mutation == "drop field":
        *parents, key = draw(st.sampled_from(REQUIRED))
        target = document
        for parent in parents:
            target = target[parent]
        del target[key]
    elif mutation == "drop item field":
        item = draw(st.sampled_from([*operations, *connections]))
        if item:
            del item[draw(st.sampled_from(sorted(item, key=str)))]
    else:
        _replace_somewhere(document, draw)


def _items(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The mappings of a list section that earlier mutations left intact."""
    items = document.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _has_all(document: Any, paths: list[tuple[str, ...]]) -> bool:
    for path in paths:
        target = document
        for key in path:
            if not isinstance(target, dict) or key not in target:
                return False
            target = target[key]
    return True


def _replace_somewhere(document: dict[str, Any], draw: st.DrawFn) -> None:
    target: Any = document
    while True:
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        if not keys:
            return
        key = draw(st.sampled_from(keys))
        if not isinstance(target[key], dict | list) or draw(st.booleans()):
            target[key] = draw(st.sampled_from([None, 0, 1.5, True, "x", [], {}, ["x"], {"name": "x"}]))
            return
        target = target[key]


@st.composite
def damaged(draw: st.DrawFn) -> str:
    document = yaml.safe_load(dump_graph(draw(graphs())))
    for _ in range(draw(st.integers(1, 3))):
        _mutate(document, draw)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    if draw(st.booleans()):
        lines = text.splitlines(keepends=True)
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines) + "\n"
    return text


@SETTINGS
@given(damaged())
def test_damaged_graphs_raise_only_graph_error(text: str) -> None:
    try:
        graph = load_graph(text)
    except GraphError as error:
        assert str(error).splitlines()[0].startswith("<graph>: ")
    else:
        check_graph(graph)
        assert load_graph(dump_graph(graph)) == graph


@SETTINGS
@given(graphs(), st.data())
def test_our_schema_agrees_with_the_reference(graph: Graph, data: st.DataObject) -> None:
    document = yaml.safe_load(dump_graph(graph))
    for _ in range(data.draw(st.integers(0, 3))):
        _replace_somewhere(document, data.draw)
    document = copy.deepcopy(document)
    assert OUR_SCHEMA.is_valid(document) == REFERENCE_SCHEMA.is_valid(document)
