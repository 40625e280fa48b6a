"""Building graphs step by step in Python: wiring, arms, modules, configuration, errors."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import yaml
from jsonschema import Draft7Validator

from tests.reference import AIO_REFERENCE
from workbench.dataflow.graph import Connection, Graph, Operation, Parameter
from workbench.dataflow.graph_yaml import load_graph
from workbench.errors import GraphError

REFERENCE_SCHEMA = Draft7Validator(json.loads((AIO_REFERENCE / "aio-wasm-graph-config-1.0.0.json").read_text()))
TEMPERATURE = "azure-samples/explore-iot-operations/temperature:1.0.0"


@dataclass
class FakeModule:
    """Stands in for a CompiledOperator: what the steps look at is ``reference`` and ``kinds``."""

    reference: str
    kinds: tuple[str, ...]


def pipeline() -> Graph:
    return (Graph("pipeline")
            .source("sensors")
            .map("to-celsius", TEMPERATURE)
            .branch("is-hot", TEMPERATURE)
            .filter("plausible", TEMPERATURE, after=("is-hot", True))
            .concatenate("all", after=[("is-hot", False), "plausible"])
            .sink("out"))


def test_steps_connect_from_the_previous_step_and_from_named_arms() -> None:
    graph = pipeline()
    assert [op.name for op in graph.operations] == ["sensors", "to-celsius", "is-hot", "plausible", "all", "out"]
    assert graph.connections == (
        Connection("sensors", "to-celsius"), Connection("to-celsius", "is-hot"),
        Connection("is-hot", "plausible", True), Connection("is-hot", "all", False),
        Connection("plausible", "all"), Connection("all", "out"))
    assert graph.operation("plausible") == Operation("plausible", "filter", TEMPERATURE)


def test_a_built_graph_validates_round_trips_and_matches_aio_schema() -> None:
    graph = pipeline()
    text = graph.to_yaml()
    assert REFERENCE_SCHEMA.is_valid(yaml.safe_load(text))
    assert load_graph(text) == graph


def test_steps_never_change_the_graph_they_start_from() -> None:
    start = Graph("g").source()
    start.map("m", TEMPERATURE)
    assert [op.name for op in start.operations] == ["source"]


def test_config_becomes_the_steps_module_configuration() -> None:
    graph = Graph("g").source().map("scale", TEMPERATURE, config={"factor": 2, "unit": "C"}).sink()
    assert graph.parameters_for("scale") == {"factor": "2", "unit": "C"}
    assert graph.configuration("scale").parameters == (Parameter("factor", "factor", default="2"),
                                                         Parameter("unit", "unit", default="C"))


def test_compiled_modules_are_remembered_by_reference_but_not_compared() -> None:
    module = FakeModule("temperature:1.0.0", ("map", "filter"))
    graph = Graph("g").source().map("m", module).filter("f", module).sink()
    assert graph.operation("m").module == "temperature:1.0.0"
    assert graph.module_objects == {"temperature:1.0.0": module}
    assert graph == Graph("g").source().map("m", "temperature:1.0.0").filter("f", "temperature:1.0.0").sink()


def test_a_step_of_a_kind_the_module_lacks_fails_at_that_step() -> None:
    with pytest.raises(GraphError, match=r'step "b" is a branch, but module "temperature:1.0.0" provides only map'):
        Graph("g").source().branch("b", FakeModule("temperature:1.0.0", ("map",)))


def test_two_module_objects_under_one_reference_are_refused() -> None:
    graph = Graph("g").source().map("a", FakeModule("t:1.0.0", ("map",)))
    with pytest.raises(GraphError, match="another module object is already used as"):
        graph.map("b", FakeModule("t:1.0.0", ("map",)))


@pytest.mark.parametrize(("build", "message"), [
    (lambda g: g.map("m", TEMPERATURE), "has nothing to connect from; add a source first"),
    (lambda g: g.source().map("m", "Not A Reference"), 'step "m": module reference "Not A Reference"'),
    (lambda g: g.source().map("m", 42), "module must be a reference"),
    (lambda g: g.source().branch("b", TEMPERATURE).map("m", TEMPERATURE), 'follows branch "b"; say which arm'),
    (lambda g: g.source().branch("b", TEMPERATURE).sink(after="b"), '"b" is a branch; say which arm'),
    (lambda g: g.source().map("m", TEMPERATURE, after=("source", True)), "only branch outputs have arms"),
    (lambda g: g.source().sink().map("m", TEMPERATURE), 'follows sink "sink", which has no outputs'),
    (lambda g: g.source().map("m", TEMPERATURE, after="nowhere"), 'has no operation "nowhere"'),
    (lambda g: g.source().map("source", TEMPERATURE), 'already has a step named "source"'),
    (lambda g: g.source().concatenate("c", after="source"), "concatenate needs a list of steps"),
    (lambda g: g.source().map("m", TEMPERATURE, after=("source",)), "must be a step name or"),
])
def test_wiring_mistakes_name_the_step(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GraphError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build(Graph("g"))


def test_connect_adds_an_edge_between_existing_steps() -> None:
    graph = Graph("g").source().map("a", TEMPERATURE).map("b", TEMPERATURE, after="source")
    graph = graph.concatenate("c", after=["a", "b"]).sink().connect("a", "sink")
    assert graph.inputs("sink") == (Connection("c", "sink"), Connection("a", "sink"))
    with pytest.raises(GraphError, match='has no operation "zz"'):
        graph.connect("zz", "sink")


def test_whole_graph_problems_are_reported_by_validate_not_by_steps() -> None:
    unfinished = Graph("g").source().map("m", TEMPERATURE)
    with pytest.raises(GraphError, match="sink"):
        unfinished.validate()
    with pytest.raises(GraphError, match="sink"):
        unfinished.to_yaml()


def test_save_writes_yaml_that_loads_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = pipeline().save(tmp_path / "graph.yaml")
    assert Graph.load(path) == pipeline()
