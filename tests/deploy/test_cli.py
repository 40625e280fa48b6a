"""``workbench export``, ``push`` and ``pull`` from the command line: results, one-line errors, no secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli._cli import call
from tests.conftest import operator_path
from tests.deploy.conftest import PASSWORD, SCALE_GRAPH, SCALE_MODULE, USER
from workbench.deploy.local_registry import LocalRegistry

Capture = pytest.CaptureFixture[str]
WasmFile = Callable[..., Path]


def export_args(module: Path, out: Path, *more: str) -> list[str]:
    return ["export", str(SCALE_GRAPH), "--module", f"{SCALE_MODULE}={module}", "--out", str(out),
            "--config", "scale/map.factor=3", *more]


def test_export_prints_the_bundle(wasm_file: WasmFile, tmp_path: Path, capsys: Capture) -> None:
    done = call(capsys, *export_args(wasm_file("map", "filter"), tmp_path / "out"))
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0] == f"{tmp_path / 'out'}: graph \"Scale and keep positives\" (API 1.1.0) as " \
                       "scale-and-keep-positives:1.2.0"
    assert "  scale-1.0.0.wasm  ← workbench-tests/scale:1.0.0 (pushed as scale:1.0.0, " in done.out
    assert lines[-1] == f"next: see {tmp_path / 'out' / 'NEXT.md'} (workbench push {tmp_path / 'out'} " \
                        "--registry HOST/REPO)"


def test_export_flags_reach_the_manifest(wasm_file: WasmFile, tmp_path: Path, capsys: Capture) -> None:
    done = call(capsys, *export_args(wasm_file("map", "filter"), tmp_path / "out", "--json", "--graph-artifact",
                                     "scaler:2.0.0", "--registry-endpoint", "my-acr", "--source-endpoint", "mqtt-in",
                                     "--source-topic", "a/b", "--source-topic", "c/+", "--destination-endpoint",
                                     "kafka-out", "--destination-topic", "d", "--namespace", "aio", "--profile",
                                     "fast", "--name", "scaler-graph"))
    assert done.code == 0, done.err
    assert json.loads(done.out)["graph_artifact"] == "scaler:2.0.0"
    text = (tmp_path / "out" / "dataflow-graph.yaml").read_text()
    for line in ("name: scaler-graph", "namespace: aio", "profileRef: fast", "endpointRef: mqtt-in", "- a/b",
                 "- c/+", "registryEndpointRef: my-acr", "artifact: scaler:2.0.0", "endpointRef: kafka-out",
                 "dataDestination: d"):
        assert line in text


def test_export_errors_are_one_line_with_a_hint(wasm_file: WasmFile, tmp_path: Path, capsys: Capture) -> None:
    done = call(capsys, "export", str(SCALE_GRAPH), "--module", f"{SCALE_MODULE}={wasm_file('map', 'filter')}",
                "--out", str(tmp_path / "out"))
    assert done.code == 1 and done.out == ""
    assert done.err.splitlines() == [
        f"error: {SCALE_GRAPH}, line 14: operation \"scale/map\" needs a value for required parameter(s) \"factor\"",
        "hint: give a value with --config OPERATION.KEY=VALUE (Python: config={\"OPERATION.KEY\": VALUE})"]


def test_bad_registry_argument(tmp_path: Path, capsys: Capture) -> None:
    done = call(capsys, "push", str(tmp_path), "--registry", "no-host/repo")
    assert done.code == 1
    assert "is not an export bundle" in done.err
    done = call(capsys, "pull", "no-host/repo/graph:1.0.0", "--out", str(tmp_path / "x"))
    assert done.code == 1
    assert done.err.startswith("error: reference \"no-host/repo/graph:1.0.0\" does not start with a registry host")


@pytest.mark.slow
def test_export_push_pull_from_source(registry: LocalRegistry, tmp_path: Path, capsys: Capture) -> None:
    source = operator_path("api_1_1/all_kinds.py")
    assert call(capsys, *export_args(source, tmp_path / "out")).code == 0
    done = call(capsys, "push", str(tmp_path / "out"), "--registry", f"{registry.host}/cli", "--plain-http", "--json")
    assert done.code == 0, done.err
    pushed = json.loads(done.out)
    assert [a["reference"] for a in pushed["artifacts"]] == [
        f"{registry.host}/cli/scale:1.0.0", f"{registry.host}/cli/scale-and-keep-positives:1.2.0"]
    done = call(capsys, "pull", f"{registry.host}/cli/scale-and-keep-positives:1.2.0", "--out",
                str(tmp_path / "pulled"), "--plain-http", "--json")
    assert done.code == 0, done.err
    pulled = json.loads(done.out)
    assert sorted(a["digest"] for a in pulled["artifacts"]) == sorted(a["digest"] for a in pushed["artifacts"])
    wasm = (tmp_path / "out" / "scale-1.0.0.wasm").read_bytes()
    assert (tmp_path / "pulled" / "scale-1.0.0.wasm").read_bytes() == wasm
    done = call(capsys, "pull", f"{registry.host}/cli/scale:1.0.0", "--out", str(tmp_path / "out"), "--plain-http")
    assert done.code == 0, done.err  # the folder held a bundle: it is replaced
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["scale-1.0.0.wasm"]


@pytest.mark.slow
def test_passwords_never_reach_the_terminal(wasm_file: WasmFile, auth_registry: LocalRegistry, tmp_path: Path,
                                            capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    assert call(capsys, *export_args(wasm_file("map", "filter"), tmp_path / "out")).code == 0
    monkeypatch.setenv("WORKBENCH_REGISTRY_USERNAME", USER)
    monkeypatch.setenv("WORKBENCH_REGISTRY_PASSWORD", PASSWORD)
    target = f"{auth_registry.host}/secret"
    done = call(capsys, "push", str(tmp_path / "out"), "--registry", target, "--plain-http")
    assert done.code == 0, done.err
    assert done.out.startswith(f"pushed {target}/scale:1.0.0 sha256:")
    done_json = call(capsys, "pull", f"{target}/scale-and-keep-positives:1.2.0", "--out", str(tmp_path / "p"),
                     "--plain-http", "--json")
    assert done_json.code == 0, done_json.err
    wrong = "Not-The-Password-9902"
    monkeypatch.setenv("WORKBENCH_REGISTRY_PASSWORD", wrong)
    refused = call(capsys, "push", str(tmp_path / "out"), "--registry", target, "--plain-http")
    assert refused.code == 1 and "authentication failed (HTTP 401)" in refused.err
    everything = done.out + done.err + done_json.out + done_json.err + refused.out + refused.err
    assert PASSWORD not in everything and wrong not in everything
