"""``export``: the bundle's files, and a clear ``DeployError`` for everything AIO would reject.

Modules here are inline components (``_components``): no build, so these tests are fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from tests.deploy._components import AIO_IMPORT, WASI_IMPORT
from tests.deploy.conftest import SCALE_GRAPH, SCALE_MODULE
from tests.reference import AIO_REFERENCE
from workbench.dataflow.graph_yaml import load_graph
from workbench.deploy import ExportBundle, export
from workbench.deploy.media_types import GRAPH_CONFIG, MODULE_CONFIG
from workbench.errors import DeployError, GraphError

WasmFile = Callable[..., Path]
FACTOR = {"scale/map.factor": "3"}


def aio_schema() -> Draft7Validator:
    return Draft7Validator(json.loads((AIO_REFERENCE / "aio-wasm-graph-config-1.0.0.json").read_text()))


def export_scale(wasm: Path, out: Path, **options: object) -> ExportBundle:
    options.setdefault("config", FACTOR)
    return export(SCALE_GRAPH, {SCALE_MODULE: wasm}, out, **options)  # type: ignore[arg-type]


def test_bundle_files(wasm_file: WasmFile, tmp_path: Path) -> None:
    wasm = wasm_file("map", "filter", imports=(WASI_IMPORT, AIO_IMPORT))
    bundle = export_scale(wasm, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "NEXT.md", "bundle.json", "dataflow-graph.yaml", "graph.yaml", "scale-1.0.0.wasm"]
    assert (tmp_path / "out" / "scale-1.0.0.wasm").read_bytes() == wasm.read_bytes()
    assert bundle == ExportBundle.load(tmp_path / "out")
    assert bundle.module_paths() == {SCALE_MODULE: tmp_path / "out" / "scale-1.0.0.wasm"}
    (module,) = bundle.modules
    assert (module.artifact, module.size) == ("scale:1.0.0", wasm.stat().st_size)
    assert bundle.graph_artifact == "scale-and-keep-positives:1.2.0"
    html = bundle._repr_html_()
    assert "scale-1.0.0.wasm" in html and "dataflow-graph.yaml" in html


def test_graph_definition_validates_against_aio_schema(wasm_file: WasmFile, tmp_path: Path) -> None:
    bundle = export_scale(wasm_file("map", "filter"), tmp_path / "out")
    document = yaml.safe_load(bundle.graph_path.read_text())
    assert list(aio_schema().iter_errors(document)) == []
    assert document["metadata"]["$schema"] == "https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json"
    assert document["moduleRequirements"]["apiVersion"] == "1.1.0"
    graph = load_graph(bundle.graph_path)
    assert graph.parameters_for("scale/map") == {"factor": "3", "label": "reading"}


def test_configuration_becomes_defaults(wasm_file: WasmFile, tmp_path: Path) -> None:
    config = ["scale/map.factor=2.5", "scale/map.label=", "positive/filter.threshold=7"]
    bundle = export_scale(wasm_file("map", "filter"), tmp_path / "out", config=config)
    graph = load_graph(bundle.graph_path)
    assert graph.parameters_for("scale/map") == {"factor": "2.5", "label": ""}
    assert graph.parameters_for("positive/filter") == {"threshold": "7"}


def test_manifest_and_next_steps(wasm_file: WasmFile, tmp_path: Path) -> None:
    bundle = export_scale(wasm_file("map", "filter"), tmp_path / "out", graph_artifact="scaler:2.0.0",
                          registry_endpoint="my-acr", source_topics=["sensors/raw"], destination_topic="sensors/out",
                          namespace="aio", profile="fast")
    resource = yaml.safe_load((tmp_path / "out" / "dataflow-graph.yaml").read_text())
    assert resource["metadata"] == {"name": "scaler", "namespace": "aio"}
    graph_node = resource["spec"]["nodes"][1]["graphSettings"]
    assert graph_node == {"registryEndpointRef": "my-acr", "artifact": "scaler:2.0.0"}
    assert resource["spec"]["nodes"][0]["sourceSettings"]["dataSources"] == ["sensors/raw"]
    text = (tmp_path / "out" / "NEXT.md").read_text()
    for command in ("workbench push . --registry <REGISTRY>",
                    f"oras push <REGISTRY>/scale:1.0.0 --artifact-type {MODULE_CONFIG} scale-1.0.0.wasm:application/wasm",
                    f"oras push <REGISTRY>/scaler:2.0.0 --config /dev/null:{GRAPH_CONFIG} graph.yaml:application/yaml",
                    "az iot ops registry create -n my-acr --host <REGISTRY>",
                    "kubectl apply -f dataflow-graph.yaml", "kubectl get dataflowgraph scaler -n aio"):
        assert command in text
    assert bundle.graph_artifact == "scaler:2.0.0"


def test_api_version_mismatch(wasm_file: WasmFile, tmp_path: Path) -> None:
    with pytest.raises(DeployError) as caught:
        export_scale(wasm_file("map", "filter", api="1.0.0"), tmp_path / "out")
    message = str(caught.value)
    assert "scale.yaml, line 28" in message and f"\"{SCALE_MODULE}\"" in message
    assert "implements AIO API 1.0.0, but the graph's moduleRequirements.apiVersion is \"1.1.0\"" in message
    assert not (tmp_path / "out").exists()


def test_operator_not_exported(wasm_file: WasmFile, tmp_path: Path) -> None:
    with pytest.raises(DeployError) as caught:
        export_scale(wasm_file("map"), tmp_path / "out")
    assert "scale.yaml, line 32: operation \"positive/filter\" is a filter, but module" in str(caught.value)
    assert str(caught.value).endswith("exports only map")


def test_imports_aio_does_not_provide(wasm_file: WasmFile, tmp_path: Path) -> None:
    wasm = wasm_file("map", "filter", imports=(WASI_IMPORT, "example:custom/thing@1.0.0", AIO_IMPORT))
    with pytest.raises(DeployError) as caught:
        export_scale(wasm, tmp_path / "out")
    message = str(caught.value)
    assert "imports 'example:custom/thing@1.0.0', which the AIO runtime (API 1.1.0) does not provide" in message
    assert WASI_IMPORT not in message and caught.value.hint and "WASI 0.2" in caught.value.hint


def test_required_parameter_without_value(wasm_file: WasmFile, tmp_path: Path) -> None:
    with pytest.raises(DeployError) as caught:
        export_scale(wasm_file("map", "filter"), tmp_path / "out", config=None)
    assert "scale.yaml, line 14: operation \"scale/map\" needs a value for required parameter(s) \"factor\"" \
        in str(caught.value)
    assert caught.value.hint is not None and "--config OPERATION.KEY=VALUE" in caught.value.hint


@pytest.mark.parametrize(("config", "message"), [
    ({"sink.x": "1"}, "configuration for \"sink\", which is not a module operation"),
    (["scale/map.factor"], "must be OPERATION.KEY=VALUE"),
])
def test_bad_configuration(wasm_file: WasmFile, tmp_path: Path, config: object, message: str) -> None:
    with pytest.raises(DeployError, match=message):
        export_scale(wasm_file("map", "filter"), tmp_path / "out", config=config)


def test_modules_missing_or_unused(wasm_file: WasmFile, tmp_path: Path) -> None:
    with pytest.raises(DeployError, match=f"line 28: no module given for \"{SCALE_MODULE}\"") as caught:
        export(SCALE_GRAPH, {}, tmp_path / "out", config=FACTOR)
    assert caught.value.hint == f"pass --module {SCALE_MODULE}=PATH (.py or .wasm)"
    wasm = wasm_file("map", "filter")
    with pytest.raises(DeployError, match="module \"other:1.0.0\" was given, but the graph uses no such module"):
        export(SCALE_GRAPH, {SCALE_MODULE: wasm, "other:1.0.0": wasm}, tmp_path / "out", config=FACTOR)


def test_module_files_that_are_not_components(tmp_path: Path) -> None:
    (tmp_path / "junk.wasm").write_bytes(b"\0asm junk")
    with pytest.raises(DeployError, match="not a loadable WebAssembly component"):
        export(SCALE_GRAPH, {SCALE_MODULE: tmp_path / "junk.wasm"}, tmp_path / "out", config=FACTOR)
    with pytest.raises(DeployError, match="is neither a .py source nor a .wasm component"):
        export(SCALE_GRAPH, {SCALE_MODULE: SCALE_GRAPH}, tmp_path / "out", config=FACTOR)
    with pytest.raises(DeployError, match="does not exist"):
        export(SCALE_GRAPH, {SCALE_MODULE: tmp_path / "missing.wasm"}, tmp_path / "out", config=FACTOR)


def two_module_graph(first: str, second: str) -> str:
    text = SCALE_GRAPH.read_text()
    head, _, tail = text.partition(f"module: \"{SCALE_MODULE}\"")
    return head + f"module: \"{first}\"" + tail.replace(f"module: \"{SCALE_MODULE}\"", f"module: \"{second}\"")


def test_the_graph_may_not_replace_a_module_in_the_registry(wasm_file: WasmFile, tmp_path: Path) -> None:
    # A graph named like its module (thermostat:1.0.0 using module thermostat:1.0.0) would be pushed
    # over the module's artifact, and the pull would find a graph where the module should be.
    with pytest.raises(DeployError, match="the graph would be pushed as scale:1.0.0, the artifact of its module") as caught:
        export(SCALE_GRAPH, {SCALE_MODULE: wasm_file("map", "filter")}, tmp_path / "out", config=FACTOR,
               graph_artifact="scale:1.0.0")
    assert caught.value.hint is not None and "graph_artifact" in caught.value.hint
    assert not (tmp_path / "out").exists()


def test_two_references_on_one_artifact(wasm_file: WasmFile, tmp_path: Path) -> None:
    graph = two_module_graph("a/scale:1.0.0", "b/scale:1.0.0")
    modules = {"a/scale:1.0.0": wasm_file("map"), "b/scale:1.0.0": wasm_file("filter")}
    with pytest.raises(DeployError, match="would both be pushed as scale:1.0.0"):
        export(graph, modules, tmp_path / "out", config=FACTOR)
    graph = two_module_graph("a/scale:1.0.0", "b/scale@sha256:" + "0" * 64)
    with pytest.raises(DeployError, match="is pinned to a digest"):
        export(graph, {"a/scale:1.0.0": modules["a/scale:1.0.0"], "b/scale@sha256:" + "0" * 64: wasm_file("filter")},
               tmp_path / "out", config=FACTOR)


def test_invalid_graph_stays_a_graph_error(wasm_file: WasmFile, tmp_path: Path) -> None:
    graph = SCALE_GRAPH.read_text().replace('    to:\n      name: "sink"', '    to:\n      name: "sinc"')
    with pytest.raises(GraphError, match="sinc"):
        export(graph, {SCALE_MODULE: wasm_file("map", "filter")}, tmp_path / "out", config=FACTOR)


def test_out_folder_reuse(wasm_file: WasmFile, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_scale(wasm_file("map", "filter"), out)
    graph = SCALE_GRAPH.read_text().replace("workbench-tests/scale:1.0.0", "workbench-tests/scale:1.1.0")
    export(graph, {"workbench-tests/scale:1.1.0": wasm_file("map", "filter")}, out, config=FACTOR)
    assert sorted(p.name for p in out.iterdir()) == [
        "NEXT.md", "bundle.json", "dataflow-graph.yaml", "graph.yaml", "scale-1.1.0.wasm"]
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(DeployError, match="is not empty and holds no export bundle"):
        export_scale(wasm_file("map", "filter"), tmp_path / "busy")


def test_loading_a_folder_that_is_no_bundle(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="is not an export bundle: it has no bundle.json"):
        ExportBundle.load(tmp_path)
    (tmp_path / "bundle.json").write_text(json.dumps({"graph_name": "g", "graph_artifact": "g:1", "api": "1.1.0",
                                                      "graph_file": "../graph.yaml", "modules": []}))
    with pytest.raises(DeployError, match="\"../graph.yaml\" is not a file name in the bundle folder"):
        ExportBundle.load(tmp_path)
