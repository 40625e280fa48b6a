"""Fixtures of the widget tests: a session with native operators (no wasm builds) and clicking helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.conftest import operator_path
from workbench.dataflow.graph import Graph
from workbench.native.module import NativeModule
from workbench.session import Session
from workbench.widgets.builder import GraphBuilder
from workbench.widgets.steps import StepChoice

ALL_KINDS = "all-kinds:1.0.0"
FLATTEN = "flatten:1.0.0"

# A map from the sample datasets' payloads ({"temperature": {"value": 74.2, ...}}) to the
# {"value": ...} payloads all_kinds.py reads, so graphs of all_kinds can run over a dataset.
FLATTEN_SOURCE = '''
import json

from map_impl import exports
from map_impl.imports import types


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        payload = message.value.payload
        data = payload.value.read() if isinstance(payload, types.BufferOrBytes_Buffer) else payload.value
        reading = next(iter(json.loads(data).values()))
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps({"value": reading["value"]}).encode())
        return message
'''


@pytest.fixture(scope="session")
def modules() -> dict[str, NativeModule]:
    return {
        ALL_KINDS: NativeModule.from_source(operator_path("api_1_1/all_kinds.py"), name="all-kinds", version="1.0.0"),
        FLATTEN: NativeModule.from_source(FLATTEN_SOURCE, name="flatten", version="1.0.0", filename="flatten.py"),
    }


@pytest.fixture
def session(modules: dict[str, NativeModule]) -> Session:
    s = Session()
    for module in modules.values():
        s.add_operator(module)
    return s


def add(builder: GraphBuilder, kind: str, name: str, after: Sequence[Any] | None = None,
        module: str | None = ALL_KINDS, config: dict[str, str] | None = None) -> None:
    """Fill the builder's step form as a user would and click "Add step"."""
    built_in = kind in ("source", "concatenate", "sink")
    builder.step_choice.value = StepChoice(kind, None if built_in else module)
    builder.step_name.value = name
    if after is not None:
        builder.upstream.value = tuple(after)
    for key, value in (config or {}).items():
        builder.parameters.add_button.click()
        row = builder.parameters.rows[-1]
        row.key_text.value, row.value_text.value = key, value
    builder.add_button.click()


def two_arm_graph(name: str = "arms", module: Any = ALL_KINDS) -> Graph:
    """source → map → branch → (True: filter, False: map) → concatenate → sink."""
    return (Graph(name).source("in").map("scale", module, config={"factor": "3"}).branch("hot", module)
            .filter("positive", module, after=("hot", True)).map("halve", module, after=("hot", False),
                                                                 config={"factor": "0.5"})
            .concatenate("all", after=["positive", "halve"]).sink("out"))


def sensor_graph(name: str = "sensors") -> Graph:
    """The two-arm graph behind a map that makes the datasets' payloads readable by all_kinds."""
    return (Graph(name).source("in").map("flatten", FLATTEN).map("scale", ALL_KINDS).branch("hot", ALL_KINDS)
            .filter("positive", ALL_KINDS, after=("hot", True)).concatenate("all", after=[("hot", False), "positive"])
            .sink("out"))


def eventually(condition: Callable[[], bool], timeout: float = 30.0, what: str = "the condition") -> None:
    """Wait (polling) until ``condition()`` holds; fail after a generous ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(0.01)
