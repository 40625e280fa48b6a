"""The graph model: module references, queries, topological order and operator parameters."""

from __future__ import annotations

import itertools

import pytest

from workbench.dataflow.graph import (
    MODULE_OPERATIONS,
    OPERATION_TYPES,
    Connection,
    Graph,
    Location,
    ModuleConfiguration,
    ModuleReference,
    Operation,
    Parameter,
)
from workbench.errors import GraphError

TEMPERATURE = "azure-samples/explore-iot-operations/temperature:1.0.0"


def chain(*names: str, kinds: dict[str, str] | None = None) -> Graph:
    """source → names... → sink, every middle step a map."""
    kinds = kinds or {}
    steps = ("source", *names, "sink")
    operations = tuple(Operation(n, kinds.get(n, n if n in ("source", "sink") else "map"),
                                 None if n in ("source", "sink") else f"example/{n}:1.0.0") for n in steps)
    connections = tuple(Connection(a, b) for a, b in itertools.pairwise(steps))
    return Graph("chain", operations=operations, connections=connections)


def test_operation_type_constants() -> None:
    assert set(MODULE_OPERATIONS) < set(OPERATION_TYPES)
    assert set(OPERATION_TYPES) - set(MODULE_OPERATIONS) == {"source", "sink", "concatenate"}


def test_location_text() -> None:
    assert str(Location("graph.yaml", 12)) == "graph.yaml, line 12"
    assert str(Location("graph.yaml")) == "graph.yaml"
    assert str(Location(None, 3)) == "<graph>, line 3"


@pytest.mark.parametrize(("text", "parts"), [
    (TEMPERATURE, ("azure-samples/explore-iot-operations", "temperature", "1.0.0")),
    ("filter", ("", "filter", "")),
    ("otel-enrich:2.1.0-rc.1", ("", "otel-enrich", "2.1.0-rc.1")),
    ("myregistry.azurecr.io:5000/team/window:latest", ("myregistry.azurecr.io:5000/team", "window", "latest")),
    ("team/window@sha256:" + "a" * 64, ("team", "window", "sha256:" + "a" * 64)),
])
def test_module_reference_parses_and_prints_back(text: str, parts: tuple[str, str, str]) -> None:
    reference = ModuleReference.parse(text)
    assert (reference.repository, reference.name, reference.version) == parts
    assert str(reference) == text


@pytest.mark.parametrize("text", ["", "Temperature:1.0.0", "a//b:1", "temperature:", "temperature:1.0 ",
                                  " temperature", "a/b:1@sha256:" + "a" * 64, "a@sha256:zz", "a/:1", "a:b/c:1:2"])
def test_module_reference_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="module reference"):
        ModuleReference.parse(text)


def test_operation_reference() -> None:
    assert Operation("t", "map", TEMPERATURE).reference == ModuleReference(
        "azure-samples/explore-iot-operations", "temperature", "1.0.0")
    assert Operation("c", "concatenate").reference is None
    with pytest.raises(GraphError, match='graph.yaml, line 4: operation "t"'):
        _ = Operation("t", "map", "Bad Module", Location("graph.yaml", 4)).reference


def test_locations_do_not_take_part_in_equality() -> None:
    assert Operation("a", "map", "m", Location("x.yaml", 1)) == Operation("a", "map", "m")
    assert Graph("g", source_file="a.yaml") == Graph("g", source_file="b.yaml")


def test_operation_lookup_names_the_known_operations() -> None:
    graph = chain("scale")
    assert graph.operation("scale").operation_type == "map"
    with pytest.raises(GraphError) as caught:
        graph.operation("scael")
    assert '"scael"' in str(caught.value)
    assert '"source", "scale", "sink"' in str(caught.value)


def test_inputs_and_outputs_in_file_order() -> None:
    graph = Graph("g", operations=(Operation("source", "source"), Operation("b", "branch", "m"),
                                   Operation("join", "concatenate"), Operation("sink", "sink")),
                  connections=(Connection("source", "b"), Connection("b", "join", arm=False),
                               Connection("b", "join", arm=True), Connection("join", "sink")))
    assert [c.arm for c in graph.outputs("b")] == [False, True]
    assert [c.source for c in graph.inputs("join")] == ["b", "b"]
    assert graph.inputs("source") == ()
    assert [op.name for op in graph.sources()] == ["source"]
    assert [op.name for op in graph.sinks()] == ["sink"]
    with pytest.raises(GraphError):
        graph.inputs("nope")


def test_topological_order_breaks_ties_by_file_order() -> None:
    operations = (Operation("source", "source"), Operation("b", "map", "m"), Operation("a", "map", "m"),
                  Operation("join", "concatenate"), Operation("sink", "sink"))
    connections = (Connection("source", "a"), Connection("source", "b"), Connection("a", "join"),
                   Connection("b", "join"), Connection("join", "sink"))
    orders = {Graph("g", operations=operations, connections=shuffled).topological_order()
              for shuffled in itertools.permutations(connections)}
    assert orders == {("source", "b", "a", "join", "sink")}
    swapped = (operations[0], operations[2], operations[1], *operations[3:])
    assert Graph("g", operations=swapped, connections=connections).topological_order() == (
        "source", "a", "b", "join", "sink")


def test_topological_order_names_the_cycle() -> None:
    graph = chain("a", "b").with_connection("b", "a")
    with pytest.raises(GraphError, match='cycle: a -> b -> a'):
        graph.topological_order()


def test_topological_order_ignores_connections_to_unknown_operations() -> None:
    assert chain("a").with_connection("a", "ghost").topological_order() == ("source", "a", "sink")


def test_configuration_lookup() -> None:
    configuration = ModuleConfiguration("scale", (Parameter("factor", "factor", default="2"),))
    graph = Graph("g", configurations=(configuration,))
    assert graph.configuration("scale") is configuration
    assert graph.configuration("other") is None


def _configured(*parameters: Parameter) -> Graph:
    return chain("scale").with_configuration("scale", *parameters)


def test_parameters_for_uses_defaults_and_skips_unset_optional() -> None:
    graph = _configured(Parameter("key1", "factor", default="2"), Parameter("unit", "unit"))
    assert graph.parameters_for("scale") == {"factor": "2"}


def test_parameters_for_overrides_by_name_then_key() -> None:
    graph = _configured(Parameter("key1", "factor", default="2"), Parameter("key2", "offset", default="0"))
    assert graph.parameters_for("scale", {"factor": "3", "key2": "5"}) == {"factor": "3", "offset": "5"}
    assert graph.parameters_for("scale", {"factor": "3", "key1": "4"}) == {"factor": "3", "offset": "0"}
    assert graph.parameters_for("scale", {"factor": ""}) == {"factor": "", "offset": "0"}


def test_parameters_for_passes_undeclared_overrides_through() -> None:
    graph = _configured(Parameter("factor", "factor", default="2"))
    assert graph.parameters_for("scale", {"extra": "x"}) == {"factor": "2", "extra": "x"}
    assert chain("plain").parameters_for("plain", {"a": "1"}) == {"a": "1"}
    assert chain("plain").parameters_for("plain") == {}


def test_parameters_for_required_without_value() -> None:
    graph = _configured(Parameter("lower", "lower", required=True), Parameter("upper", "upper", required=True,
                                                                              default="9"))
    assert graph.parameters_for("scale", {"lower": "1"}) == {"lower": "1", "upper": "9"}
    with pytest.raises(GraphError, match='operation "scale" needs a value for required parameter.*"lower"'):
        graph.parameters_for("scale")
    with pytest.raises(GraphError, match='no operation "ghost"'):
        graph.parameters_for("ghost")


def test_modules_lists_operation_types_per_module() -> None:
    graph = Graph("g", operations=(
        Operation("source", "source"), Operation("t/map", "map", TEMPERATURE),
        Operation("t/branch", "branch", TEMPERATURE), Operation("t/map2", "map", TEMPERATURE),
        Operation("w", "delay", "window:1.0.0"), Operation("c", "concatenate"), Operation("sink", "sink")))
    assert graph.modules() == {TEMPERATURE: ("map", "branch"), "window:1.0.0": ("delay",)}


def test_builder_helpers() -> None:
    graph = Graph("g").with_operation("source", "source").with_operation("sink", "sink")
    graph = graph.with_connection("source", "sink")
    assert graph.topological_order() == ("source", "sink")
    assert graph.connections == (Connection("source", "sink"),)
    assert str(graph.connections[0]) == "source -> sink"


def test_repr_html_shows_operations_and_connections() -> None:
    html = chain("a<b").with_connection("a<b", "sink", arm=True)._repr_html_()
    assert "a&lt;b" in html and "<svg" in html and ">True</text>" in html
