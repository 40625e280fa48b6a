"""Loading and writing graph definition files, against AIO's reference samples and schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from tests.reference import AIO_REFERENCE
from workbench.dataflow.graph import SCHEMA_URL, Connection, Graph, Location, Operation, Parameter
from workbench.dataflow.graph_yaml import dump_graph, load_graph, save_graph
from workbench.dataflow.validation import GraphValidationError
from workbench.errors import GraphError

REFERENCE = AIO_REFERENCE
SAMPLES = sorted((REFERENCE / "graphs").glob("*.yaml"))


@pytest.fixture(scope="module")
def reference_schema() -> Draft7Validator:
    return Draft7Validator(json.loads((REFERENCE / "aio-wasm-graph-config-1.0.0.json").read_text()))


def line_with(text: str, marker: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"{marker!r} on lines {lines}"
    return lines[0]


def test_there_are_reference_samples() -> None:
    assert len(SAMPLES) >= 8


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_reference_sample_loads_with_lines(path: Path) -> None:
    graph = load_graph(path)
    lines = path.read_text().splitlines()
    assert graph.source_file == str(path)
    assert graph.sources() and graph.sinks()
    for op in graph.operations:
        assert op.location is not None and op.location.file == str(path) and op.location.line
        assert lines[op.location.line - 1].lstrip().startswith("- ")
        assert op.name in "\n".join(lines[op.location.line - 1:op.location.line + 2])
    assert all(c.location and c.location.line for c in graph.connections)
    assert all(c.location and c.location.line for c in graph.configurations)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_reference_sample_round_trips_and_dump_validates(path: Path, reference_schema: Draft7Validator) -> None:
    graph = load_graph(path)
    text = dump_graph(graph)
    assert load_graph(text) == graph
    document = yaml.safe_load(text)
    assert list(reference_schema.iter_errors(document)) == []
    assert document["metadata"]["$schema"] == SCHEMA_URL
    assert dump_graph(load_graph(text)) == text


def test_complex_sample_details() -> None:
    graph = load_graph(REFERENCE / "graphs" / "graph.dataflow.yaml")
    assert graph.features == (("wasi-nn", None),)
    assert graph.operation("concatenate1").module is None
    assert graph.operation("module-window/delay").location == Location(
        str(REFERENCE / "graphs" / "graph.dataflow.yaml"), 39)
    assert graph.parameters_for("module-temperature/filter") == {
        "temperature_lower_bound": "-273.15", "temperature_upper_bound": "5000.0"}
    assert graph.parameters_for("module-temperature/map") == {}
    arms = {(c.source, c.target): c.arm for c in graph.connections}
    assert arms[("module-snapshot/branch", "module-format/map")] is True
    assert arms[("module-snapshot/branch", "module-temperature/branch")] is False


def test_dump_quotes_arms_and_omits_built_in_modules() -> None:
    graph = Graph("g", operations=(Operation("source", "source"), Operation("b", "branch", "m:1"),
                                   Operation("c", "concatenate"), Operation("sink", "sink")),
                  connections=(Connection("source", "b"), Connection("b", "c", True), Connection("b", "c", False),
                               Connection("c", "sink")))
    text = dump_graph(graph)
    assert 'arm: "True"' in text and 'arm: "False"' in text
    assert "module" not in text.split('name: "c"')[1].split("- ")[0]
    assert "moduleConfigurations:" not in text and "\nschemas:" not in text
    assert load_graph(text) == graph


def test_dump_writes_everything_optional() -> None:
    graph = Graph("g", version="2.0", description="line one\nline two", vendor="Contoso", api_version="1.0.0",
                  runtime_version="1.0.0", features=(("wasi-nn", "on"), ("x", None)),
                  configurations=(), operations=(Operation("source", "source"), Operation("sink", "sink")),
                  connections=(Connection("source", "sink", schema_name="reading"),),
                  schemas=(("reading", "JsonSchema/draft-07", '{\n  "type": "object"\n}'),))
    graph = graph.with_configuration("sink", Parameter("True", "yes", "d", "-1", required=True))
    text = dump_graph(graph)
    assert "schemaName" in text and "required: true" in text
    assert load_graph(text) == graph


def test_save_and_load_a_file(tmp_path: Path) -> None:
    graph = load_graph(REFERENCE / "graphs" / "graph-simple.yaml")
    target = tmp_path / "graph.yaml"
    save_graph(graph, target)
    assert load_graph(target) == graph
    assert load_graph(str(target)).source_file == str(target)


def test_load_json_with_tabs(tmp_path: Path) -> None:
    document = yaml.safe_load((REFERENCE / "graphs" / "graph-complex.yaml").read_text())
    target = tmp_path / "graph.json"
    target.write_text(json.dumps(document, indent="\t"))
    assert load_graph(target) == load_graph(REFERENCE / "graphs" / "graph-complex.yaml")


def test_missing_file_is_a_graph_error(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="missing.yaml"):
        load_graph(tmp_path / "missing.yaml")


def test_save_to_a_bad_place_is_a_graph_error(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="cannot write"):
        save_graph(Graph("g"), tmp_path / "no" / "such" / "dir.yaml")


MALFORMED = """metadata:
  name: "g"
 version: "1.0.0"
"""


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    target = tmp_path / "graph.yaml"
    target.write_text(MALFORMED)
    with pytest.raises(GraphError) as caught:
        load_graph(target)
    message = str(caught.value)
    assert message.startswith(f"{target}: 1 problem\n")
    assert f"{target}, line 3: malformed YAML" in message
    assert isinstance(caught.value.__cause__, yaml.YAMLError)


def test_unclosed_flow_sequence_points_at_its_start() -> None:
    with pytest.raises(GraphError, match=r"line 3: malformed YAML: expected ',' or '\]'.*at line 1"):
        load_graph("operations: [a,\n  b\n")


def test_multiple_documents_are_malformed() -> None:
    with pytest.raises(GraphError, match="malformed YAML"):
        load_graph("a: 1\n---\nb: 2\n")


def test_unsafe_tags_are_rejected() -> None:
    with pytest.raises(GraphError, match=r"line 2: cannot read value"):
        load_graph("metadata:\n  name: !!python/object:os.system x\n")


def test_duplicate_keys_are_reported() -> None:
    text = (REFERENCE / "graphs" / "graph-simple.yaml").read_text()
    text = text.replace('  vendor: "Microsoft"', '  vendor: "Microsoft"\n  name: "again"')
    with pytest.raises(GraphValidationError) as caught:
        load_graph(text)
    assert f'line {line_with(text, "again")}: duplicate key "name" (first at line 2)' in str(caught.value)


def simple_with_branch(arm_true: str, arm_false: str) -> str:
    return f"""metadata:
  $schema: "{SCHEMA_URL}"
  name: "branching"
  version: "1.0.0"
moduleRequirements:
  apiVersion: "1.1.0"
  runtimeVersion: "1.1.0"
operations:
  - {{operationType: "source", name: "source"}}
  - {{operationType: "branch", name: "split", module: "example/split:1.0.0"}}
  - {{operationType: "concatenate", name: "join"}}
  - {{operationType: "sink", name: "sink"}}
connections:
  - from: {{name: "source"}}
    to: {{name: "split"}}
  - from:
      name: "split"
      arm: {arm_true}
    to: {{name: "join"}}
  - from:
      name: "split"
      arm: {arm_false}
    to: {{name: "join"}}
  - from: {{name: "join"}}
    to: {{name: "sink"}}
"""


def test_quoted_arms_load() -> None:
    graph = load_graph(simple_with_branch('"True"', "'False'"))
    assert [c.arm for c in graph.outputs("split")] == [True, False]


@pytest.mark.parametrize(("written", "meant"), [("True", "True"), ("true", "True"), ("yes", "True"),
                                                ("False", "False"), ("off", "False")])
def test_unquoted_arm_booleans_say_to_quote(written: str, meant: str) -> None:
    text = simple_with_branch('"True"', written) if meant == "False" else simple_with_branch(written, '"False"')
    with pytest.raises(GraphValidationError) as caught:
        load_graph(text)
    line = line_with(text, f"arm: {written}")
    assert [str(p) for p in caught.value.problems] == [
        f'<graph>, line {line}: connections[{1 if meant == "True" else 2}].from.arm: {written} is a YAML boolean; '
        f'quote it: arm: "{meant}"']
    assert str(caught.value).startswith("<graph>: 1 problem\n")


def test_json_true_arm_says_to_quote(tmp_path: Path) -> None:
    document: dict[str, Any] = yaml.safe_load(simple_with_branch('"True"', '"False"'))
    document["connections"][1]["from"]["arm"] = True
    target = tmp_path / "graph.json"
    target.write_text(json.dumps(document, indent=2))
    with pytest.raises(GraphError, match=r'arm: true is a YAML boolean; quote it: arm: "True"'):
        load_graph(target)


def test_yaml_text_can_be_named_for_messages() -> None:
    with pytest.raises(GraphError, match=r"<cell 4>, line 3: malformed YAML"):
        load_graph("metadata:\n  name: [unclosed\n", filename="<cell 4>")
