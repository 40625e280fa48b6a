"""AIO's local test files (``*.test.yaml``): reading and checking them.

AIO's fields (``samples/wasm/tests`` in Azure-Samples/explore-iot-operations; paths are
relative to the test file)::

    name: "Temperature F to C"          # shown in reports (default: the file name)
    graph: ../graph-simple.yaml        # the graph definition
    input: ./input                     # a folder of payload files (.json, .raw), or one file
    expected: ./expected/expected.json # an object, an array, or [] for "no output"
    timeout: 90000                     # milliseconds for the run (default 60000)
    select: ["payload"]                # dot paths to compare (default: everything)
    ignores: ["payload.timestamp"]     # dot paths never compared

The workbench reads a few more, which AIO's tools do not know about::

    modules: {azure-samples/explore-iot-operations/temperature:1.0.0: ../temperature.py}
    config: {module-temperature/map.precision: "2"}   # or {OPERATION: {KEY: VALUE}}
    mode: native                       # or wasm (default)
    topic: probe/1                     # the topic input messages arrive on (default: input)
    state: ../statestore.json          # seeds the state store (AIO's statestore.json format)

``expected`` may also be given inline (an object or an array) instead of a file name.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import GraphError

REQUIRED = ("graph", "input", "expected")
OPTIONAL = ("name", "timeout", "select", "ignores", "modules", "config", "mode", "topic", "state")
MODES = ("wasm", "native")
DEFAULT_TIMEOUT_MS = 60_000.0


@dataclass(frozen=True)
class AioTest:
    """One AIO test file, its paths resolved and its expected output loaded."""

    __test__ = False  # not a pytest test class

    name: str
    file: Path
    graph: Path
    input: Path | str
    expected: Any
    timeout_ms: float = DEFAULT_TIMEOUT_MS
    select: tuple[str, ...] = ()
    ignores: tuple[str, ...] = ()
    modules: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    mode: str = "wasm"
    topic: str | None = None
    state: Path | None = None

    @property
    def timeout(self) -> float:
        """The timeout in seconds."""
        return self.timeout_ms / 1000


class _Fields:
    """The test file's mapping, with the line of each field for error messages."""

    def __init__(self, file: Path, data: dict[str, Any], lines: dict[str, int]):
        self.file, self.data, self.lines = file, data, lines

    def where(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.file}, line {line}" if line else str(self.file)

    def error(self, key: str, problem: str) -> GraphError:
        return GraphError(f"{self.where(key)}: {key}: {problem}")

    def path(self, key: str, value: Any) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a path relative to the test file, got {value!r}")
        path = self.file.parent / value
        if not path.exists():
            raise self.error(key, f"{value!r} does not exist (looked for {path})")
        return path


def load_test(path: str | Path, modules: Mapping[str, str] | None = None, mode: str | None = None) -> AioTest:
    """Read and check an AIO test file; ``modules`` and ``mode`` override the file's."""
    fields = _read(Path(path))
    data = fields.data
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise GraphError(f"{fields.file}: missing {', '.join(missing)} (a test file needs {', '.join(REQUIRED)})")
    module_paths = _modules(fields) | dict(modules or {})
    return AioTest(
        name=str(data.get("name") or fields.file.name.removesuffix(".yaml").removesuffix(".test")),
        file=fields.file, graph=fields.path("graph", data["graph"]), input=_input(fields),
        expected=_expected(fields), timeout_ms=_timeout(fields), select=_paths(fields, "select"),
        ignores=_paths(fields, "ignores"), modules=module_paths, config=_config(fields),
        mode=_mode(fields, mode), topic=_topic(fields),
        state=fields.path("state", data["state"]) if "state" in data else None)


def _read(file: Path) -> _Fields:
    try:
        text = file.read_text()
    except OSError as exc:
        raise GraphError(f"{file}: cannot read test file: {exc.strerror or exc}") from exc
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}, line {mark.line + 1}" if mark is not None else str(file)
        raise GraphError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if not isinstance(data, dict):
        raise GraphError(f"{file}: a test file is a mapping with {', '.join(REQUIRED)}; got {type(data).__name__}")
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    fields = _Fields(file, {str(k): v for k, v in data.items()}, lines)
    _reject_unknown(fields)
    return fields


def _reject_unknown(fields: _Fields) -> None:
    for key in fields.data:
        if key not in REQUIRED + OPTIONAL:
            close = difflib.get_close_matches(key, REQUIRED + OPTIONAL, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(REQUIRED + OPTIONAL)}"
            raise fields.error(key, f"unknown field; {hint}")


def _input(fields: _Fields) -> Path | str:
    value = fields.data["input"]
    if isinstance(value, str) and value.startswith("dataset:"):
        return value
    return fields.path("input", value)


def _expected(fields: _Fields) -> Any:
    value = fields.data["expected"]
    if isinstance(value, (list, dict)):
        return value
    path = fields.path("expected", value)
    try:
        text = path.read_text()
    except OSError as exc:
        raise fields.error("expected", f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise fields.error("expected", f"{path}, line {exc.lineno}: not valid JSON: {exc.msg}") from exc


def _timeout(fields: _Fields) -> float:
    value = fields.data.get("timeout", DEFAULT_TIMEOUT_MS)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise fields.error("timeout", f"expected a positive number of milliseconds, got {value!r}")
    return float(value)


def _paths(fields: _Fields, key: str) -> tuple[str, ...]:
    value = fields.data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise fields.error(key, f"expected a list of dot paths such as [\"payload\"], got {value!r}")
    return tuple(p.strip() for p in value)


def _modules(fields: _Fields) -> dict[str, str]:
    value = fields.data.get("modules") or {}
    if not isinstance(value, dict):
        raise fields.error("modules", f"expected a mapping of module reference to file, got {value!r}")
    return {str(ref): str(fields.path("modules", p).resolve()) for ref, p in value.items()}


def _config(fields: _Fields) -> dict[str, Any]:
    value = fields.data.get("config") or {}
    if not isinstance(value, dict):
        raise fields.error("config", f"expected a mapping of OPERATION.KEY to value, got {value!r}")
    return {str(k): v if isinstance(v, dict) else str(v) for k, v in value.items()}


def _mode(fields: _Fields, override: str | None) -> str:
    value = override or fields.data.get("mode", "wasm")
    if value not in MODES:
        raise fields.error("mode", f"expected one of {', '.join(MODES)}, got {value!r}")
    return str(value)


def _topic(fields: _Fields) -> str | None:
    value = fields.data.get("topic")
    if value is not None and not isinstance(value, str):
        raise fields.error("topic", f"expected a topic name, got {value!r}")
    return value
