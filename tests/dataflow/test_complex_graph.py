"""End to end: a graph shaped like AIO's graph-complex.yaml, with the project's own operators.

``tests/operators/complex/graph.yaml`` has graph-complex's operations, module references and
connections: a window delay, a snapshot branch and a temperature branch, maps, a filter, three
accumulates merged by a concatenate into a collection accumulate, and an enrichment map that
reads and writes the state store. ``complex/sensors.py`` provides every operator. The expected
outputs come from a plain Python model of what each operator does.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import OPERATORS
from workbench.dataflow.graph_yaml import load_graph
from workbench.dataflow.run import run
from workbench.messages import Message, Timestamp

GRAPH = OPERATORS / "complex" / "graph.yaml"
SOURCE = "complex/sensors.py"
SNAPSHOTS = "sensors/snapshot"
CONFIG = {"module-snapshot/branch.snapshot_topic": SNAPSHOTS}
WINDOW_MS = 1000


def readings() -> list[Message]:
    """Four windows of sensor data, up to 300 ms out of order. Window 3000 has only implausible
    temperatures (all filtered out), so it has no output at all."""
    rows: list[tuple[int, str, Any]] = [
        (1010, "sensors/temperature", {"temperature": {"value": 68, "unit": "F"}}),
        (1100, "sensors/humidity", {"humidity": {"value": 85}}),
        (1250, SNAPSHOTS, {"camera": "cam-1", "frame": "abcdefghij"}),
        (1200, "sensors/temperature", {"temperature": {"value": 21.5, "unit": "C"}}),
        (1900, "sensors/temperature", {"temperature": {"value": 1209, "unit": "F"}}),
        (1700, "sensors/humidity", {"humidity": {"value": 40}}),
        (2050, "sensors/temperature", {"temperature": {"value": -58, "unit": "F"}}),  # -50 °C: filtered
        (2300, SNAPSHOTS, {"camera": "cam-2", "frame": "abc"}),
        (2100, "sensors/temperature", {"temperature": {"value": 3500, "unit": "C"}}),  # filtered
        (2600, "sensors/temperature", {"temperature": {"value": 19.25, "unit": "C"}}),
        (3100, "sensors/temperature", {"temperature": {"value": 9000, "unit": "C"}}),  # filtered
        (3500, "sensors/temperature", {"temperature": {"value": -100, "unit": "C"}}),  # filtered
        (4000, "sensors/humidity", {"humidity": {"value": 55}}),
        (4400, SNAPSHOTS, {"camera": "cam-1", "frame": "0123456789abc"}),
        (4200, "sensors/humidity", {"humidity": {"value": 61}}),
    ]
    return [Message.of(payload, topic, timestamp=Timestamp.from_millis(ms, 0, "edge-1"))
            for ms, topic, payload in rows]


def model(messages: list[Message], site: str) -> list[tuple[str, dict[str, Any]]]:
    """What the graph computes, window by window, from what each operator does."""
    windows: dict[int, dict[str, Any]] = {}
    for message in messages:
        end = (message.timestamp.millis // WINDOW_MS + 1) * WINDOW_MS
        data, parts = message.json(), windows.setdefault(end, {})
        if message.topic == SNAPSHOTS:
            part = parts.setdefault("snapshot", {"count": 0, "large": 0})
            part["count"] += 1
            part["large"] += len(data["frame"]) > 8
        elif "temperature" in data:
            value = data["temperature"]["value"]
            value = round((value - 32) * 5 / 9, 2) if data["temperature"]["unit"] == "F" else value
            if -40 <= value <= 3422:
                part = parts.setdefault("temperature", {"count": 0, "sum": 0, "min": None, "max": None})
                part["count"] += 1
                part["sum"] = round(part["sum"] + value, 6)
                part["min"] = value if part["min"] is None else min(part["min"], value)
                part["max"] = value if part["max"] is None else max(part["max"], value)
        else:
            part = parts.setdefault("humidity", {"count": 0, "max": 0})
            part["count"] += 1
            part["max"] = max(part["max"], data["humidity"]["value"])
    return [(f"{end}:0:window", {**parts, "site": site, "window_end_ms": end})
            for end, parts in sorted(windows.items()) if parts]


def modules(module: Any) -> dict[str, Any]:
    return {reference: module for reference in load_graph(GRAPH).modules()}


@pytest.fixture(params=["native", pytest.param("wasm", marks=pytest.mark.slow)])
def module(request: pytest.FixtureRequest, compiled: Any) -> tuple[str, Any]:
    mode = str(request.param)
    return mode, (OPERATORS / SOURCE if mode == "native" else compiled(SOURCE))


def run_complex(mode: str, module: Any, **options: Any) -> Any:
    return run(GRAPH, readings(), modules=modules(module), mode=mode, config=CONFIG, out_of_order=0.3,
               state={"site": "plant-7"}, **options)


def test_the_complex_graph_end_to_end(module: tuple[str, Any]) -> None:
    result = run_complex(*module)
    expected = model(readings(), "plant-7")
    assert [(str(t), json.loads(m.payload)) for m, t in zip(result.messages(), result.timestamps())] == expected
    assert [p["window_end_ms"] for _, p in expected] == [2000, 3000, 5000]  # window 4000: no input survived
    assert result.late == 0
    assert result.state == {"site": "plant-7", "windows": "3", "last-window": "5000"}
    assert result.metrics.name.tolist() == ["windows"] * 3


def test_every_input_is_accounted_for_in_the_complex_graph(module: tuple[str, Any]) -> None:
    result = run_complex(*module, accumulate_batch=2)
    summary = result.summary.set_index("operator")
    total = summary.sum(numeric_only=True)
    assert result.inputs == result.output_count + total.filtered + total.folded - total.fired
    assert summary.loc["module-temperature/filter", ["received", "filtered"]].tolist() == [8, 4]
    assert summary.loc["module-snapshot/branch", ["arm_true", "arm_false"]].tolist() == [3, 12]
    assert summary.loc["module-temperature/branch", ["arm_true", "arm_false"]].tolist() == [8, 4]
    assert summary.loc["concatenate1", "received"] == summary.loc["module-collection/accumulate", "received"] == 7
    assert summary.loc["module-collection/accumulate", ["fired", "emitted"]].tolist() == [3, 3]
    assert (summary[["held", "open"]] == 0).all().all()
    fires = result.fires.groupby("operator").timestamp.apply(list).to_dict()
    assert fires["module-temperature/accumulate"] == ["2000:0:window", "3000:0:window"]
    assert fires["module-humidity/accumulate"] == ["2000:0:window", "5000:0:window"]


def test_batching_does_not_change_the_outputs() -> None:
    one, many = (run_complex("native", OPERATORS / SOURCE, accumulate_batch=batch) for batch in (1, 64))
    assert one.payloads() == many.payloads()
    calls = [r.summary.set_index("operator").loc["module-humidity/accumulate", "calls"] for r in (one, many)]
    assert calls == [4, 2]  # one call per message, or one per timestamp
