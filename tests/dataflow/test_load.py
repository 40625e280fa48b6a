"""Load and leaks (slow): long runs keep memory flat; recompiles, reruns and instances nobody closed
give back their memory, file descriptors and temporary files.

The figures (messages/s, peak RSS) are ``benchmarks/load.py``'s. These tests assert only generous
bounds on memory and open files, never on time: they catch what grows with the number of messages,
runs or instances, not allocator noise.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
import weakref
from pathlib import Path
from typing import Any

import pytest

from workbench.compiler import compile_operator
from workbench.dataflow.graph import Connection, Graph, Operation
from workbench.dataflow.registry import PythonModule
from workbench.dataflow.run import run
from workbench.datasets import load_dataset
from workbench.host import calls
from workbench.messages import Message, Timestamp

pytestmark = pytest.mark.slow

PIPELINE = Path(__file__).parents[2] / "benchmarks" / "operators" / "pipeline.py"
REFERENCE = "benchmarks/pipeline:1.0.0"
STEPS = (("to-celsius/map", "map"), ("window/delay", "delay"), ("summary/accumulate", "accumulate"))
GROWTH_MIB = 32  # benchmarks/load.py measures a few MiB over a million messages


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def three_steps() -> Graph:
    names = ["source", *(name for name, _ in STEPS), "sink"]
    operations = (Operation("source", "source"), *(Operation(n, k, REFERENCE) for n, k in STEPS),
                  Operation("sink", "sink"))
    return Graph("load", operations=operations, connections=tuple(Connection(a, b) for a, b in zip(names, names[1:])))


class RssSamples:
    """``on_progress``: (messages so far, RSS) about every ``progress_every`` seconds."""

    def __init__(self) -> None:
        self.samples: list[tuple[int, float]] = []

    def __call__(self, snapshot: Any) -> None:
        self.samples.append((snapshot.inputs, rss_mib()))

    def peak(self, start: int, end: int) -> float:
        return max(rss for seen, rss in self.samples if start <= seen <= end)


# Plain Python operators doing what benchmarks/operators/pipeline.py does.
class ToCelsius:
    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, message: Message) -> Message:
        reading = json.loads(message.payload)
        temperature = reading.get("temperature", {})
        if temperature.get("unit") == "F":
            temperature["value"], temperature["unit"] = round((temperature["value"] - 32) * 5 / 9, 2), "C"
        return message.with_payload(json.dumps(reading).encode())


class Window:
    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, message: Message, timestamp: Timestamp) -> Timestamp:
        return Timestamp(timestamp.secs - timestamp.secs % 10 + 10, 0, 0, "window")


class Summary:
    def init(self, properties: dict[str, str]) -> bool:
        return True

    def process(self, staged: Message, messages: list[Message]) -> Message:
        total = json.loads(staged.payload) if staged.payload else {"count": 0, "sum": 0.0}
        for message in messages:
            total["count"] += 1
            total["sum"] += json.loads(message.payload).get("temperature", {}).get("value") or 0
        return staged.with_payload(json.dumps(total).encode())


def test_a_million_messages_through_three_native_operators_hold_memory_flat() -> None:
    """Peaks, not points: trace records fill to their limit and are thinned to half, again and again."""
    samples = RssSamples()
    module = PythonModule(map=ToCelsius, delay=Window, accumulate=Summary)
    result = run(three_steps(), load_dataset("temperature", n=1_000_000), modules={REFERENCE: module},
                 mode="native", on_progress=samples, progress_every=0.2)
    assert result.inputs == 1_000_000 and result.failed == 0
    assert result.summary.set_index("operator").loc["summary/accumulate", "held"] == 0
    growth = samples.peak(500_000, 1_000_000) - samples.peak(100_000, 500_000)
    assert growth < GROWTH_MIB, f"RSS grew {growth:.1f} MiB from the first half to the second: {samples.samples}"


def test_a_long_wasm_run_grows_only_as_the_guests_do_and_gives_it_all_back() -> None:
    """The host holds memory flat; each guest keeps the memory of every call's arguments (componentize-py
    0.14 never frees an export's indirect parameters: ~100 B plus topic, properties and node ids), so RSS
    rises by about 0.4 KiB a call until the instances close. The bound is five times that."""
    samples = RssSamples()
    module = compile_operator(PIPELINE, name="pipeline")
    gc.collect()
    before = rss_mib()
    result = run(three_steps(), load_dataset("temperature", n=50_000), modules={REFERENCE: module},
                 on_progress=samples, progress_every=0.2)
    assert result.inputs == 50_000 and result.failed == 0
    per_message = (samples.peak(45_000, 50_000) - samples.peak(0, 5_000)) * 1024 / 45_000
    assert per_message < 3 * 2, f"RSS grew {per_message:.2f} KiB a message: {samples.samples}"
    gc.collect()
    assert rss_mib() - before < 32, f"RSS {before:.0f} MiB before the run, {rss_mib():.0f} MiB after"


class Tracked:
    """A compiled module that keeps a weak reference to every instance it makes."""

    def __init__(self, compiled: Any, instances: list[weakref.ref[Any]]) -> None:
        self.compiled, self.instances = compiled, instances
        self.kinds = compiled.kinds

    def instantiate(self, kind: str | None = None, **options: Any) -> Any:
        instance = self.compiled.instantiate(kind, **options)
        self.instances.append(weakref.ref(instance))
        return instance


def recompile_and_run(instances: list[weakref.ref[Any]], modules: list[weakref.ref[Any]]) -> None:
    compiled = compile_operator(PIPELINE, name="pipeline")  # a cache hit: a new component each time
    modules.append(weakref.ref(compiled.module))
    inputs = [Message(b"not json", "t"), *load_dataset("temperature", n=30)]  # the map traps on the first
    result = run(three_steps(), inputs, modules={REFERENCE: Tracked(compiled, instances)}, errors="skip")
    assert result.failed == 1 and result.inputs == 31


def test_a_hundred_recompiles_and_reruns_release_memory_files_and_temp_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # only this process's temporary files
    instances: list[weakref.ref[Any]] = []
    modules: list[weakref.ref[Any]] = []
    for _ in range(5):  # warm the allocator and the caches
        recompile_and_run(instances, modules)
    gc.collect()
    rss, fds, host_calls = rss_mib(), open_fds(), len(calls._HOST_CALLS)
    for _ in range(95):
        recompile_and_run(instances, modules)
    gc.collect()
    assert rss_mib() - rss < 32, f"RSS grew from {rss:.0f} to {rss_mib():.0f} MiB over 95 recompiles and runs"
    assert open_fds() - fds == set(), "file descriptors left open"
    assert len(calls._HOST_CALLS) == host_calls
    assert list(tmp_path.iterdir()) == []
    assert len(instances) == 100 * 3  # three operators a run (the trapped map re-creates its store itself)
    assert [ref for ref in instances + modules if ref() is not None] == []


def test_instances_nobody_closed_are_released_when_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """They used to live for good: the global host-call registry held them (4 fds and ~8 MiB each)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    compiled = compile_operator(PIPELINE, name="pipeline")
    reading = next(iter(load_dataset("temperature", n=1)))
    with compiled.instantiate("map") as first:  # the component maps its memory image on first use
        first.init({})
    gc.collect()
    fds, host_calls = open_fds(), len(calls._HOST_CALLS)
    dropped = []
    for _ in range(20):
        instance = compiled.instantiate("map")
        assert instance.init({})
        instance.map(reading)
        dropped.append(weakref.ref(instance))
        del instance
    gc.collect()
    assert [ref for ref in dropped if ref() is not None] == []
    assert open_fds() - fds == set()
    assert len(calls._HOST_CALLS) == host_calls
    assert list(tmp_path.iterdir()) == []


def test_compiling_components_gives_the_compilers_memory_back() -> None:
    """Each Cranelift compile freed 200-300 MiB that glibc kept: every cold build grew the kernel by that much."""
    from workbench.host.module import ComponentModule

    wasm = compile_operator(PIPELINE, name="pipeline").wasm()
    gc.collect()
    before = rss_mib()
    for number in range(4):
        ComponentModule.from_wasm(wasm, f"compile-{number}")
    gc.collect()
    assert rss_mib() - before < 128, f"RSS {before:.0f} MiB before four compiles, {rss_mib():.0f} MiB after"
