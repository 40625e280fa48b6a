"""The sample AIO test suite under ``tests/aio_tests`` (see its README), and AIO's sample graph."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.reference import AIO_REFERENCE

SUITE = Path(__file__).resolve().parents[1] / "aio_tests"
OPERATOR = SUITE / "operators" / "fahrenheit.py"
REFERENCE = "workbench-tests/fahrenheit:1.0.0"
PASSING = sorted(p.name for p in SUITE.glob("*.test.yaml"))
FAILING = sorted(p.name for p in (SUITE / "failing").glob("*.test.yaml"))
SAMPLE_OPERATOR = Path(__file__).resolve().parents[2] / "workbench" / "samples" / "temperature.py"


def write_test(folder: Path, filename: str = "case.test.yaml", **fields: object) -> Path:
    """A test file in ``folder``; fields default to the suite's graph, input and module."""
    data: dict[str, object] = {"name": filename.removesuffix(".test.yaml"), "graph": str(SUITE / "graph.yaml"),
                               "input": str(SUITE / "input"), "modules": {REFERENCE: str(OPERATOR)}}
    data.update(fields)
    path = folder / filename
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def aio_sample_test(folder: Path) -> Path:
    """AIO's simple graph over AIO's sample payloads, expecting the values AIO's own t01 test expects.

    The payload folder holds three humidity readings (passed through unchanged) and three
    temperatures in °F; AIO's t01 expects 653.8888888888889, 204.44444444444446 and 1695.0 °C.
    """
    payloads = sorted((AIO_REFERENCE / "payloads").glob("humidity_*.json"))
    humidity = [{"payload": json.dumps(json.loads(p.read_text()), separators=(",", ":"))} for p in payloads]
    celsius = [653.8888888888889, 204.44444444444446, 1695.0]
    temperature = [{"payload": json.dumps({"temperature": {"value": c, "unit": "C"}})} for c in celsius]
    (folder / "expected.json").write_text(json.dumps(humidity + temperature, indent=2))
    return write_test(folder, "aio-sample.test.yaml", name="AIO sample payloads through AIO's simple graph",
                      graph=str(AIO_REFERENCE / "graphs" / "graph-simple.yaml"),
                      input=str(AIO_REFERENCE / "payloads"), expected="./expected.json", timeout=90000,
                      select=["payload"],
                      modules={"azure-samples/explore-iot-operations/temperature:1.0.0": str(SAMPLE_OPERATOR)},
                      config={"module-temperature/map.precision": 14})
