"""``workbench run``: a graph over input data from the command line; clear one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._cli import Done, call, workbench
from tests.reference import AIO_REFERENCE
from tests.testing._suite import OPERATOR, REFERENCE, SAMPLE_OPERATOR, SUITE
from workbench.datasets import read_input

Capture = pytest.CaptureFixture[str]
GRAPH = str(SUITE / "graph.yaml")
MODULE = f"{REFERENCE}={OPERATOR}"
INPUT = str(SUITE / "input")


def run(capsys: Capture, *args: str, mode: str = "native") -> Done:
    return call(capsys, "run", GRAPH, "--module", MODULE, "--input", INPUT, "--mode", mode, *args)


def test_prints_a_summary(capsys: Capture) -> None:
    done = run(capsys)
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0].startswith("Fahrenheit to Celsius: 4 inputs → 3 outputs in ")
    assert lines[0].endswith(", 0 late")
    assert lines[1].split()[:4] == ["operator", "kind", "received", "emitted"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[2:]}
    assert rows["convert/map"] == ["map", "4", "4"] and rows["freezing/filter"] == ["filter", "4", "3"]


def test_json_summary_parses(capsys: Capture) -> None:
    done = run(capsys, "--json")
    assert done.code == 0, done.err
    summary = json.loads(done.out)
    assert (summary["graph"], summary["inputs"], summary["outputs"], summary["late"]) == (
        "Fahrenheit to Celsius", 4, 3, 0)
    assert summary["seconds"] >= 0
    operators = {row["operator"]: row for row in summary["operators"]}
    assert list(operators) == ["source", "convert/map", "freezing/filter", "sink"]
    assert (operators["freezing/filter"]["received"], operators["freezing/filter"]["filtered"]) == (4, 1)


def test_output_writes_aio_jsonl(tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "out.jsonl"
    done = run(capsys, "--output", str(out))
    assert done.code == 0, done.err
    assert done.out.splitlines()[-1] == f"wrote {out}"
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["payload"] for r in records] == [
        {"sensor": "boiler", "celsius": 100.0}, {"sensor": "hot-day", "celsius": 37.8},
        {"sensor": "room", "celsius": 20.0}]
    first = records[0]
    assert set(first) == {"tst", "topic", "qos", "retain", "payloadlen", "properties", "payload"}
    assert first["properties"]["user-properties"]["converted-by"] == "fahrenheit"
    assert first["payloadlen"] == len(json.dumps(first["payload"]))
    assert [m.json() for m in read_input(out)] == [r["payload"] for r in records]


def test_config_reaches_the_operators(tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "out.jsonl"
    done = run(capsys, "--config", "convert/map.precision=3", "--config", "freezing/filter.minimum=30",
               "--output", str(out))
    assert done.code == 0, done.err
    assert [json.loads(line)["payload"]["celsius"] for line in out.read_text().splitlines()] == [100.0, 37.778]


def test_aio_sample_graph_and_payloads(tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "out.jsonl"
    done = call(capsys, "run", str(AIO_REFERENCE / "graphs" / "graph-simple.yaml"), "--module",
                f"azure-samples/explore-iot-operations/temperature:1.0.0={SAMPLE_OPERATOR}",
                "--input", str(AIO_REFERENCE / "payloads"), "--mode", "native", "--output", str(out))
    assert done.code == 0, done.err
    payloads = [json.loads(line)["payload"] for line in out.read_text().splitlines()]
    assert payloads[:3] == [{"humidity": {"value": 85}}, {"humidity": {"value": 45}}, {"humidity": {"value": 79}}]
    assert payloads[3:] == [{"temperature": {"value": 653.9, "unit": "C"}},
                            {"temperature": {"value": 204.4, "unit": "C"}},
                            {"temperature": {"value": 1695.0, "unit": "C"}}]


@pytest.mark.slow
def test_wasm_mode_gives_the_same_output(tmp_path: Path, capsys: Capture) -> None:
    native, wasm = tmp_path / "native.jsonl", tmp_path / "wasm.jsonl"
    assert run(capsys, "--output", str(native)).code == 0
    done = run(capsys, "--output", str(wasm), mode="wasm")
    assert done.code == 0, done.err
    assert wasm.read_text() == native.read_text()


# -- errors: exit 1 (2 for usage) and one line naming the file ----------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["missing.yaml", "--input", INPUT],
     "error: missing.yaml: cannot read graph definition"),
    ([GRAPH, "--module", "no-equals-sign", "--input", INPUT],
     "error: --module 'no-equals-sign' must be REF=PATH, e.g. "
     "azure-samples/explore-iot-operations/temperature:1.0.0=temperature.py"),
    ([GRAPH, "--module", MODULE, "--module", "other/module:1.0.0=x.py", "--input", INPUT],
     f"error: {GRAPH}: --module 'other/module:1.0.0': the graph uses no such module (it uses: {REFERENCE})"),
    ([GRAPH, "--input", INPUT],
     f"error: {GRAPH}: no --module for '{REFERENCE}'; pass --module REF=PATH (.py or .wasm) for each"),
    ([GRAPH, "--module", MODULE, "--input", INPUT, "--config", "precision=3"],
     f"error: {GRAPH}: --config 'precision=3' must be OPERATION.KEY=VALUE"),
    ([GRAPH, "--module", MODULE, "--input", INPUT, "--config", "convert/map.precision"],
     f"error: {GRAPH}: --config 'convert/map.precision' must be OPERATION.KEY=VALUE"),
    ([GRAPH, "--module", MODULE, "--input", INPUT, "--config", "nope/map.precision=3"],
     f"error: {GRAPH}: --config 'nope/map.precision=3': the graph has no operation 'nope/map' "
     "(operations: source, convert/map, freezing/filter, sink)"),
    ([GRAPH, "--module", f"{REFERENCE}=absent.py", "--input", INPUT],
     "file absent.py does not exist"),
    ([GRAPH, "--module", MODULE, "--input", "absent-input"],
     "error: absent-input: no such file or directory"),
], ids=["missing-graph", "module-syntax", "unused-module", "unknown-module", "config-no-operation",
        "config-no-value", "config-unknown-operation", "missing-module-file", "missing-input"])
def test_errors(capsys: Capture, args: list[str], message: str) -> None:
    done = call(capsys, "run", "--mode", "native", *args)
    assert done.code == 1
    assert message in done.err and done.err.startswith("error: ")
    assert len(done.err.splitlines()) == 1, done.err
    assert done.out == ""


def test_missing_input_option_is_a_usage_error(capsys: Capture) -> None:
    done = call(capsys, "run", GRAPH)
    assert done.code == 2
    assert "the following arguments are required: --input" in done.err


def test_subprocess_exit_codes_and_stderr(tmp_path: Path) -> None:
    missing = workbench("run", str(tmp_path / "missing.yaml"), "--input", INPUT, timeout=300)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"error: {tmp_path / 'missing.yaml'}: cannot read graph definition")
    assert "Traceback" not in missing.stderr and missing.stdout == ""
    done = workbench("run", GRAPH, "--module", MODULE, "--input", INPUT, "--mode", "native", "--json", timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outputs"] == 3
