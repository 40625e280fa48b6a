"""Schema and semantic checks: every problem reported, each at its line, quoting the bad value."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft7Validator

from tests.reference import AIO_REFERENCE
from workbench.dataflow.graph import Connection, Graph, Operation
from workbench.dataflow.graph_yaml import load_graph
from workbench.dataflow.validation import (
    GraphValidationError,
    check_graph,
    graph_problems,
    graph_schema,
    validate_document,
)
from workbench.errors import GraphError

REFERENCE = AIO_REFERENCE

GRAPH = """metadata:
  $schema: "https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json"
  name: "test graph"
  version: "1.0.0"
moduleRequirements:
  apiVersion: "1.1.0"
  runtimeVersion: "1.1.0"
moduleConfigurations:
  - name: "scale"
    parameters:
      factor: {name: "factor", default: "2"}
operations:
  - {operationType: "source", name: "source"}
  - {operationType: "map", name: "scale", module: "example/scale:1.0.0"}
  - {operationType: "branch", name: "split", module: "example/split:1.0.0"}
  - {operationType: "concatenate", name: "join"}
  - {operationType: "sink", name: "sink"}
connections:
  - {from: {name: "source"}, to: {name: "scale"}}
  - {from: {name: "scale"}, to: {name: "split"}}
  - {from: {name: "split", arm: "True"}, to: {name: "join"}}
  - {from: {name: "split", arm: "False"}, to: {name: "join"}}
  - {from: {name: "join"}, to: {name: "sink"}}
"""


def edit(old: str, new: str, text: str = GRAPH) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_with(text: str, marker: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"{marker!r} on lines {lines}"
    return lines[0]


def problems(text: str) -> list[str]:
    with pytest.raises(GraphValidationError) as caught:
        load_graph(text)
    assert str(caught.value).splitlines()[0] == f"<graph>: {len(caught.value.problems)} problem" + (
        "" if len(caught.value.problems) == 1 else "s")
    return [str(p) for p in caught.value.problems]


def at(text: str, marker: str, message: str) -> str:
    return f"<graph>, line {line_with(text, marker)}: {message}"


def test_the_base_graph_is_valid() -> None:
    graph = load_graph(GRAPH)
    assert graph.topological_order() == ("source", "scale", "split", "join", "sink")


# -- schema ------------------------------------------------------------------------------------
def test_schema_errors_are_all_reported_with_lines_and_values() -> None:
    text = edit('  version: "1.0.0"', "  version: 1.0\n  colour: blue")
    text = edit('operationType: "map"', 'operationType: "mapp"', text)
    text = edit('{from: {name: "join"}, to: {name: "sink"}}', '{from: {name: "join"}}', text)
    assert problems(text) == [
        at(text, "version: 1.0", 'metadata.version: 1.0 is not a string (quote it: "1.0")'),
        at(text, "colour", 'metadata: unexpected field "colour" (allowed: "$schema", "name", "version", '
                           '"description", "vendor")'),
        at(text, '"mapp"', 'operations[1].operationType: "mapp" is not one of "source", "map", "filter", '
                           '"branch", "concatenate", "accumulate", "delay", "sink"'),
        at(text, '{from: {name: "join"}}', 'connections[4]: missing required field "to"'),
    ]


def test_missing_top_level_sections() -> None:
    text = "metadata:\n  $schema: x\n  name: g\n  version: '1'\n"
    assert problems(text) == [f'<graph>, line 1: the document: missing required field "{field}"'
                              for field in ("moduleRequirements", "operations", "connections")]


def test_bad_arm_string() -> None:
    text = edit('arm: "False"', 'arm: "false"')
    assert problems(text) == [at(text, '"false"', 'connections[3].from.arm: "false" is not one of "True", '
                                                  '"False" or null')]


def test_empty_and_non_mapping_documents() -> None:
    assert problems("# nothing\n\n") == ["<graph>, line 1: the document is empty"]
    assert problems("- a\n- b\n") == ["<graph>, line 1: the document: a list is not a mapping"]


def test_validate_document_without_lines() -> None:
    validate_document(yaml.safe_load(GRAPH))
    with pytest.raises(GraphError, match=r'^g.json: 1 problem\n  g.json: metadata: missing required field "name"'):
        validate_document({**yaml.safe_load(GRAPH), "metadata": {"$schema": "x", "version": "1"}}, "g.json")


def test_our_schema_has_the_reference_rules() -> None:
    reference = json.loads((REFERENCE / "aio-wasm-graph-config-1.0.0.json").read_text())
    ours = graph_schema()
    Draft7Validator.check_schema(ours)
    assert ours["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert sorted(ours["required"]) == sorted(reference["required"])
    assert sorted(ours["properties"]) == sorted(reference["properties"])
    enum = reference["definitions"]["WasmGraphConfigConnectionOperator"]["enum"]
    assert sorted(ours["definitions"]["operationType"]["enum"]) == sorted(enum)


# -- semantics: one test per problem -----------------------------------------------------------
def test_duplicate_operation_name() -> None:
    text = edit('  - {operationType: "sink", name: "sink"}',
                '  - {operationType: "sink", name: "sink"}\n  - {operationType: "map", name: "scale", module: "m"}')
    first = line_with(text, 'name: "scale", module: "example')
    assert at(text, 'module: "m"}', f'duplicate operation name "scale" (first defined at line {first})') in problems(
        text)


def test_connection_to_unknown_operation() -> None:
    text = edit('to: {name: "sink"}', 'to: {name: "sinc"}')
    assert at(text, '"sinc"', 'connection to unknown operation "sinc"; did you mean "sink"?') in problems(text)


def test_connection_from_unknown_operation() -> None:
    text = edit('{from: {name: "scale"}, to: {name: "split"}}', '{from: {name: "ghost"}, to: {name: "split"}}')
    assert at(text, '"ghost"', 'connection from unknown operation "ghost"') in problems(text)


def test_cycle() -> None:
    text = GRAPH + '  - {from: {name: "join"}, to: {name: "scale"}}\n'
    assert problems(text) == [at(text, '"join"}, to: {name: "scale"', 'cycle: "scale" -> "split" -> "join" -> "scale"')]


def test_operation_without_input_or_output() -> None:
    text = edit('  - {operationType: "sink", name: "sink"}',
                '  - {operationType: "sink", name: "sink"}\n  - {operationType: "filter", name: "orphan", module: "f"}')
    assert problems(text) == [at(text, '"orphan"', 'operation "orphan" has no input'),
                              at(text, '"orphan"', 'operation "orphan" has no output')]


def test_source_with_input() -> None:
    text = GRAPH.replace('{from: {name: "source"}, to: {name: "scale"}}',
                         '{from: {name: "source"}, to: {name: "scale"}}\n  - {from: {name: "join"}, to: {name: "source"}}')
    assert at(text, 'to: {name: "source"}', 'source "source" cannot have inputs') in problems(text)


def test_sink_with_output() -> None:
    text = GRAPH + '  - {from: {name: "sink"}, to: {name: "scale"}}\n'
    assert at(text, '{name: "sink"}, to', 'sink "sink" cannot have outputs') in problems(text)


def test_branch_missing_an_arm() -> None:
    text = edit('  - {from: {name: "split", arm: "False"}, to: {name: "join"}}\n', "")
    assert problems(text) == [at(text, '"branch", name: "split"', 'branch "split" has no connection from arm "False"')]


def test_branch_output_without_arm() -> None:
    text = edit('{name: "split", arm: "False"}', '{name: "split"}')
    assert problems(text) == [at(text, 'name: "split", module', 'branch "split" has no connection from arm "False"'),
                              at(text, '{from: {name: "split"}', 'connection from branch "split" needs arm "True" or '
                                                                 '"False"')]


def test_arm_on_a_non_branch() -> None:
    text = edit('{from: {name: "scale"}', '{from: {name: "scale", arm: "True"}')
    assert problems(text) == [at(text, '"scale", arm', 'connection from "scale" (map) has arm "True"; only branch '
                                                       'outputs have arms')]


def test_fan_out_is_allowed() -> None:
    text = GRAPH + '  - {from: {name: "split", arm: "True"}, to: {name: "sink"}}\n'
    assert len(load_graph(text).outputs("split")) == 3


def test_module_operation_without_module() -> None:
    text = edit(', module: "example/scale:1.0.0"', "")
    assert problems(text) == [at(text, '"map", name: "scale"', 'operation "scale" (map) needs a module')]


def test_built_in_with_module() -> None:
    text = edit('"concatenate", name: "join"}', '"concatenate", name: "join", module: "example/join:1.0.0"}')
    assert problems(text) == [at(text, '"example/join', 'built-in operation "join" (concatenate) takes no module, '
                                                        'but has module "example/join:1.0.0"')]


def test_unparsable_module_reference() -> None:
    text = edit('"example/scale:1.0.0"', '"example//scale:1.0.0"')
    assert problems(text) == [at(text, '"example//scale', 'operation "scale": module reference "example//scale:1.0.0":'
                                                          ' "example/" is not a valid repository')]


def test_unsupported_api_version() -> None:
    text = edit('apiVersion: "1.1.0"', 'apiVersion: "2.0.0"')
    assert problems(text) == [at(text, "apiVersion", 'apiVersion "2.0.0" is not supported (supported: "1.0.0", '
                                                     '"1.1.0")')]
    check_graph(load_graph(GRAPH), supported_api_versions=("1.1.0",))
    with pytest.raises(GraphError, match='apiVersion "1.1.0"'):
        check_graph(load_graph(GRAPH), supported_api_versions=("1.0.0",))


def test_configuration_naming_no_operation() -> None:
    text = edit('- name: "scale"', '- name: "scael"')
    assert problems(text) == [at(text, '"scael"', 'moduleConfigurations entry "scael" names no operation; did you '
                                                  'mean "scale"?')]


def test_second_configuration_for_an_operation() -> None:
    text = edit("operations:\n", '  - name: "scale"\n    parameters: {}\noperations:\n')
    assert problems(text) == ['<graph>, line 12: second moduleConfigurations entry for "scale" (first at line 9)']


def test_module_kinds() -> None:
    graph = load_graph(GRAPH)
    check_graph(graph, module_kinds={"example/split:1.0.0": ["branch", "map"], "example/scale:1.0.0": ["map"]})
    check_graph(graph, module_kinds={})
    with pytest.raises(GraphValidationError) as caught:
        check_graph(graph, module_kinds={"example/split:1.0.0": ("map", "filter")})
    assert [str(p) for p in caught.value.problems] == [
        at(GRAPH, '"split", module', 'operation "split" is a branch, but module "example/split:1.0.0" provides only '
                                     'map, filter')]


def test_graph_built_in_code_is_checked_too() -> None:
    graph = Graph("code", operations=(Operation("source", "source"), Operation("x", "mapp", "m")),
                  connections=(Connection("source", "x"),))
    found = [str(p) for p in graph_problems(graph)]
    assert found == ['<graph>: operation "x": "mapp" is not one of "source", "map", "filter", "branch", '
                     '"accumulate", "delay", "concatenate", "sink"',
                     '<graph>: operation "x" has no output',
                     "<graph>: the graph has no sink operation"]
    with pytest.raises(GraphError, match=r"^<graph>: 3 problems\n"):
        check_graph(graph)
