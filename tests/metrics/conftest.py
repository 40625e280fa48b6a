"""Metrics fixtures: one small native run (plain Python operators, milliseconds) and frame builders.

The graph exercises every figure: a branch (arms True/False), a delay to the end of 5 s
windows and an accumulate counting each window (so ``fires`` has rows), and a filter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

from workbench import Graph, Message, Timestamp, load_dataset, run
from workbench.dataflow.record import Run
from workbench.dataflow.registry import PythonModule

MODULE = "tests/metrics:1.0.0"
T0 = pd.Timestamp("2025-01-01 12:00:00")


class Operator:
    def init(self, properties: dict[str, str]) -> bool:
        return True


class Same(Operator):
    def process(self, message: Message) -> Message:
        return message


class KeepAll(Operator):
    def process(self, message: Message) -> bool:
        return True


class Hot(Operator):
    def process(self, timestamp: Timestamp, message: Message) -> bool:
        return bool(json.loads(message.payload)["temperature"]["value"] > 70)


class FiveSeconds(Operator):
    def process(self, message: Message, timestamp: Timestamp) -> Timestamp:
        return Timestamp.from_millis((timestamp.millis // 5000 + 1) * 5000, 0, "window")


class Count(Operator):
    def process(self, staged: Message, messages: list[Message]) -> Message:
        return staged.with_payload(str(int(staged.payload or 0) + len(messages)).encode())


def small_graph() -> Graph:
    return (Graph("small").source("source").map("scale", MODULE).branch("hot", MODULE)
            .delay("window", MODULE, after=("hot", True)).accumulate("count", MODULE).sink("out")
            .filter("keep", MODULE, after=("hot", False)).sink("cold"))


@dataclass(frozen=True)
class SmallRun:
    graph: Graph
    run: Run


def small_module() -> PythonModule:
    return PythonModule(map=Same, filter=KeepAll, branch=Hot, delay=FiveSeconds, accumulate=Count)


@pytest.fixture(scope="session")
def small() -> SmallRun:
    graph = small_graph()
    result = run(graph, list(load_dataset("temperature", n=200)), modules={MODULE: small_module()}, mode="native")
    return SmallRun(graph, result)


def at(seconds: float) -> pd.Timestamp:
    """A wall time ``seconds`` after ``T0``."""
    return T0 + pd.Timedelta(seconds=seconds)


def trace_frame(rows: Sequence[tuple[str, float, float]], items: Sequence[int] | None = None,
                **attrs: Any) -> pd.DataFrame:
    """A trace frame from (operator, seconds after T0, latency_us) rows."""
    frame = pd.DataFrame({"operator": [r[0] for r in rows], "wall_start": [at(r[1]) for r in rows],
                          "latency_us": [float(r[2]) for r in rows]})
    if items is not None:
        frame["items"] = list(items)
    frame.attrs.update(attrs)
    return frame


def progress_frame(rows: Sequence[tuple[str, float, float | None]]) -> pd.DataFrame:
    """A progress frame from (operator, seconds after T0, frontier_ms or None for closed) rows."""
    return pd.DataFrame({"operator": [r[0] for r in rows], "wall_time": [at(r[1]) for r in rows],
                         "frontier": [str(r[2]) if r[2] is not None else "closed" for r in rows],
                         "frontier_ms": [float("nan") if r[2] is None else float(r[2]) for r in rows]})
